//! Scenario files: the TOML a researcher writes, parsed into a validated [`Scenario`].
//!
//! Every key of MODEL.md has a field here with its default. [`load_scenario`] reads a
//! file, rejects unknown keys, wrong types and out-of-range values with a message naming
//! the file, the key and (where known) its line, and resolves relative paths against the
//! folder of the file.

mod beta;
pub mod bounds;
mod distribution;
mod dotted;
mod indicators;
mod interdependence;
pub mod key_names;
#[cfg(test)]
mod load_tests;
mod parse;
mod schema;
mod toml_writer;
mod validate;

pub use distribution::Sampler;
pub use distribution::{Distribution, TraitSpec};
pub use indicators::{Indicators, Normalise};
pub use interdependence::{Exposure, LayerSource, LayerSpec, Recency, Shock, ShockHazard};
pub use parse::{line_col, parse_scenario, parse_scenario_except, MAX_NAME_BYTES, STAGING_MARK};
pub use schema::json_schema;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Which process runs on the network: the policy model or one of the classic baselines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum ModelKind {
    /// The policy model of MODEL.md sections 2-4 (four channels, adopt-and-adapt, centre).
    #[default]
    Policy,
    /// Bass: hazard p + q * share of neighbours adopted.
    Bass,
    /// Susceptible-infected: 1 - (1 - beta)^k with k infected neighbours.
    Si,
    /// Granovetter/Watts threshold: adopt when the share of adopting neighbours >= threshold.
    Threshold,
    /// Independent cascade: each new adopter gets one chance per neighbour.
    Cascade,
}

/// A complete, resolved scenario: everything one ensemble of runs needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name; used for the default output folder and chart titles.
    #[serde(default = "default_name")]
    pub name: String,
    /// Free text describing the scenario.
    #[serde(default)]
    pub description: String,
    /// Which process to run.
    #[serde(default)]
    pub model: ModelKind,
    /// Number of steps (years by default) after the initial state.
    #[serde(default = "default_steps")]
    pub steps: u32,
    /// Number of Monte-Carlo runs.
    #[serde(default = "default_runs")]
    pub runs: u32,
    /// Master seed; run r uses a stream derived from (seed, r).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// What one step stands for, used in chart labels.
    #[serde(default = "default_time_unit")]
    pub time_unit: String,
    /// Who observes whom.
    #[serde(default)]
    pub network: NetworkSpec,
    /// Traits of the governments.
    #[serde(default)]
    pub agents: AgentsSpec,
    /// Channel 1: own exploration (自主探索).
    #[serde(default)]
    pub innovation: Innovation,
    /// Channel 2: intergovernmental learning (府际学习).
    #[serde(default)]
    pub learning: Learning,
    /// Channel 3: competition for first (争先).
    #[serde(default)]
    pub competition: Competition,
    /// How a copied variant changes (adopt and adapt).
    #[serde(default)]
    pub adapt: Adapt,
    /// Evaluation by adopters: abandon a failing policy.
    #[serde(default)]
    pub abandon: Abandon,
    /// The central government's strategy.
    #[serde(default)]
    pub central: Central,
    /// Common shocks: steps in which an external push raises every government's hazard.
    #[serde(default)]
    pub shock: Shock,
    /// Initial adopters at step 0.
    #[serde(default)]
    pub initial: Initial,
    /// Parameters of `model = "bass"`.
    #[serde(default)]
    pub bass: Bass,
    /// Parameters of `model = "si"`.
    #[serde(default)]
    pub si: Si,
    /// Parameters of `model = "threshold"`.
    #[serde(default)]
    pub threshold: Threshold,
    /// Parameters of `model = "cascade"`.
    #[serde(default)]
    pub cascade: Cascade,
    /// The folder relative paths are resolved against (the scenario file's folder); not a key.
    #[serde(skip)]
    pub base_dir: PathBuf,
    /// The file the scenario came from, for error messages; not a key.
    #[serde(skip)]
    pub source: Option<PathBuf>,
    /// Contradictory but legal settings found when loading (`FILE:LINE:COL: message`); the CLI prints them.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

fn default_name() -> String {
    "scenario".to_string()
}
fn default_steps() -> u32 {
    50
}
fn default_runs() -> u32 {
    100
}
fn default_seed() -> u64 {
    1
}
fn default_time_unit() -> String {
    "year".to_string()
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            name: default_name(),
            description: String::new(),
            model: ModelKind::Policy,
            steps: default_steps(),
            runs: default_runs(),
            seed: default_seed(),
            time_unit: default_time_unit(),
            network: NetworkSpec::default(),
            agents: AgentsSpec::default(),
            innovation: Innovation::default(),
            learning: Learning::default(),
            competition: Competition::default(),
            adapt: Adapt::default(),
            abandon: Abandon::default(),
            central: Central::default(),
            shock: Shock::default(),
            initial: Initial::default(),
            bass: Bass::default(),
            si: Si::default(),
            threshold: Threshold::default(),
            cascade: Cascade::default(),
            base_dir: PathBuf::from("."),
            source: None,
            warnings: Vec::new(),
        }
    }
}

/// The kind of network and its parameters (`[network]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct NetworkSpec {
    /// `complete`, `ring`, `erdos_renyi`, `watts_strogatz`, `barabasi_albert`, `spatial`, `hierarchy`, `file`.
    pub kind: NetworkKind,
    /// Number of governments (all kinds except `hierarchy` and `file`, where it is derived).
    pub n: usize,
    /// Neighbours per node: ring / watts_strogatz (total degree, even), spatial / hierarchy (k nearest).
    pub k: usize,
    /// Erdős–Rényi edge probability (give either `p` or `mean_degree`).
    pub p: Option<f64>,
    /// Erdős–Rényi mean degree (alternative to `p`).
    pub mean_degree: Option<f64>,
    /// Watts–Strogatz rewiring probability.
    pub beta: f64,
    /// Barabási–Albert edges per new node.
    pub m: usize,
    /// Administrative levels of a `hierarchy`, top first.
    pub levels: Vec<LevelSpec>,
    /// Region names of a `hierarchy`: top-level units are split into bands of x (west to east order is the list order reversed: first name = highest x).
    pub regions: Vec<String>,
    /// Edge list CSV (`source,target[,weight]`) for `kind = "file"`.
    pub edges: Option<PathBuf>,
    /// Node CSV (`id` plus optional `name,level,parent,region,x,y` and trait columns); for `file` and `spatial`.
    pub nodes: Option<PathBuf>,
    /// Edges are directed: i learns from j only along j -> i.
    pub directed: bool,
    /// Draw a new network for every run instead of once per scenario.
    pub redraw: bool,
    /// Use the edge file's `weight` column in the learning signal and the choice of source (false: every edge weighs 1).
    pub use_weights: bool,
    /// Named layers whose weighted sum replaces the edges (MODEL.md 4d; empty: the network's own edges).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub layers: BTreeMap<String, LayerSpec>,
}

impl Default for NetworkSpec {
    fn default() -> Self {
        NetworkSpec {
            kind: NetworkKind::Complete,
            n: 100,
            k: 4,
            p: None,
            mean_degree: None,
            beta: 0.1,
            m: 2,
            levels: Vec::new(),
            regions: Vec::new(),
            edges: None,
            nodes: None,
            directed: false,
            redraw: false,
            use_weights: true,
            layers: BTreeMap::new(),
        }
    }
}

/// Which network generator to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum NetworkKind {
    /// Everyone observes everyone (kept implicit, never N² edges).
    #[default]
    Complete,
    /// Ring lattice, each node linked to k/2 on each side.
    Ring,
    /// G(n, p) random graph.
    ErdosRenyi,
    /// Small world: ring lattice with rewiring probability beta.
    WattsStrogatz,
    /// Preferential attachment with m edges per new node.
    BarabasiAlbert,
    /// Nodes in the plane (random or from the node file), linked to their k nearest.
    Spatial,
    /// Administrative levels: provinces -> cities -> counties.
    Hierarchy,
    /// Edge list and optional node file.
    File,
}

/// One administrative level of a hierarchy network.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    /// Level name (e.g. "province").
    pub name: String,
    /// Number of units at this level (spread over the units of the level above).
    pub count: usize,
}

/// Government traits (`[agents]`): each a number, a distribution, or a node-file column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct AgentsSpec {
    /// Learning capacity L in `[0, 1]` (学习能力).
    pub learning: TraitSpec,
    /// Competitive urge C in `[0, 1]` (争先冲动).
    pub competition: TraitSpec,
    /// Resources R in `[0, 1]`.
    pub resources: TraitSpec,
    /// Inertia rho in `[0, 1]` (路径依赖).
    pub inertia: TraitSpec,
    /// Fit phi (real): how well the policy suits local conditions.
    pub fit: TraitSpec,
    /// Draw the traits anew for every run (true) or once per scenario, shared by every run (false).
    pub redraw: bool,
}

impl Default for AgentsSpec {
    fn default() -> Self {
        AgentsSpec {
            learning: TraitSpec::Constant(0.5),
            competition: TraitSpec::Constant(0.5),
            resources: TraitSpec::Constant(0.5),
            inertia: TraitSpec::Constant(0.0),
            fit: TraitSpec::Constant(0.0),
            redraw: true,
        }
    }
}

/// Innovation channel (`[innovation]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Innovation {
    /// Base rate: pi_inn = rate * R * (1 - rho).
    pub rate: f64,
    /// Quality of a newly invented variant.
    pub quality: TraitSpec,
}

impl Default for Innovation {
    fn default() -> Self {
        Innovation {
            rate: 0.01,
            quality: TraitSpec::Dist(Distribution::Normal { mean: 0.0, sd: 1.0 }),
        }
    }
}

/// Learning channel (`[learning]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Learning {
    /// Base rate: pi_learn = rate * L * need * S * (1 - rho).
    pub rate: f64,
    /// How much better-performing adopters weigh in the signal S (0 = pure contagion).
    pub performance_weight: f64,
    /// Reference performance against which neighbours are judged.
    pub reference: f64,
    /// How strongly fit raises the learning need (0 = need is 1).
    pub need_weight: f64,
    /// How sharply capable learners pick the best-performing source.
    pub selectivity: f64,
    /// Noise sd of observed performance for a learner with L = 0 (shrinks as 1 - L).
    pub observation_noise: f64,
    /// Capacity that grows (干中学): after learning or a passed pilot, L becomes L + growth * (1 - L), capped at 1.
    pub growth: f64,
    /// How exposure to adopting neighbours enters the signal S: their weighted share, count, or any at all.
    pub exposure: Exposure,
    /// How a source's influence fades with the steps since it adopted (NetInf's transmission models).
    pub recency: Recency,
    /// The scale of the recency kernel, in steps (> 0): the e-folding lag of `exponential`, the width (sd) of `rayleigh`.
    pub recency_scale: f64,
}

impl Default for Learning {
    fn default() -> Self {
        Learning {
            rate: 0.3,
            performance_weight: 0.0,
            reference: 0.0,
            need_weight: 0.0,
            selectivity: 2.0,
            observation_noise: 1.0,
            growth: 0.0,
            exposure: Exposure::Share,
            recency: Recency::None,
            recency_scale: 5.0,
        }
    }
}

/// Competition channel (`[competition]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Competition {
    /// Base rate: pi_comp = rate * C * P * credit * (1 - rho); 0 switches competition off.
    pub rate: f64,
    /// credit = (1 - A_t)^first_mover_bias: how much being early pays.
    pub first_mover_bias: f64,
    /// Who the rivals are.
    pub rivals: Rivals,
}

impl Default for Competition {
    fn default() -> Self {
        Competition {
            rate: 0.0,
            first_mover_bias: 1.0,
            rivals: Rivals::Neighbours,
        }
    }
}

/// Who a government races against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Rivals {
    /// Its network neighbours.
    #[default]
    Neighbours,
    /// Units with the same parent and level (a promotion tournament).
    SameParent,
    /// Every unit (a national race).
    All,
}

/// Adaptation of a copied variant (`[adapt]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Adapt {
    /// Mean change is gain * (L - 0.5).
    pub gain: f64,
    /// Sd of the change is noise * (1 - L) + noise_floor.
    pub noise: f64,
    /// Minimum sd of the change.
    pub noise_floor: f64,
}

impl Default for Adapt {
    fn default() -> Self {
        Adapt {
            gain: 0.2,
            noise: 0.3,
            noise_floor: 0.05,
        }
    }
}

/// Abandonment (`[abandon]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Abandon {
    /// Performance below which an adopter considers abandoning.
    pub threshold: f64,
    /// Per-step probability is rate * L; 0 switches abandonment off.
    pub rate: f64,
    /// Cost of failure to the abandoner: its innovation and competition times (1 - penalty * (1 - tolerance)).
    pub penalty: f64,
    /// Cost of failure to its observers: their innovation and competition times (1 - deterrence * (1 - tolerance)).
    pub deterrence: f64,
}

impl Default for Abandon {
    fn default() -> Self {
        Abandon {
            threshold: -1.0,
            rate: 0.0,
            penalty: 0.0,
            deterrence: 0.0,
        }
    }
}

/// The centre (`[central]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Central {
    /// `none`, `recognition`, `pilot` or `mandate`.
    pub mode: CentralMode,
    /// Praise for early adopters: competition credit times (1 + recognition), in every mode.
    pub recognition: f64,
    /// Tolerance of failure (容错免责): the share of the failure costs the centre forgives, in every mode.
    pub tolerance: f64,
    /// Pilot designation and promotion (`[central.pilot]`).
    pub pilot: Pilot,
    /// Mandate, in mode `mandate` or after promotion by mandate (`[central.mandate]`).
    pub mandate: Mandate,
    /// Endorsement after promotion by endorse (`[central.endorse]`).
    pub endorse: Endorse,
    /// Uptake of a local variant, in mode `uptake` (`[central.uptake]`, MODEL.md 4b).
    pub uptake: Uptake,
    /// Where the centre's strategy is run: `national`, or a level name (each unit of that
    /// level is the centre of the units below it: 四级联动, MODEL.md 4c).
    pub scope: String,
}

impl Default for Central {
    fn default() -> Self {
        Central {
            mode: CentralMode::None,
            recognition: 0.0,
            tolerance: 0.0,
            pilot: Pilot::default(),
            mandate: Mandate::default(),
            endorse: Endorse::default(),
            uptake: Uptake::default(),
            scope: NATIONAL.to_string(),
        }
    }
}

/// `central.scope` of one national centre.
pub const NATIONAL: &str = "national";

/// The centre's strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum CentralMode {
    /// Local channels only.
    #[default]
    None,
    /// Only praise early adopters (表彰).
    Recognition,
    /// Designate pilots, evaluate, promote (试点—推广).
    Pilot,
    /// Top-down mandate from `central.mandate.start`.
    Mandate,
    /// Review the local variants and take the best one up as national policy (吸纳, MODEL.md 4b).
    Uptake,
}

/// Pilot designation, evaluation and promotion (`[central.pilot]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Pilot {
    /// Step at which the pilots are designated.
    pub start: u32,
    /// Number of pilot sites.
    pub sites: usize,
    /// `random`, `capable`, `willing` or `representative`.
    pub selection: Selection,
    /// Quality of the centre's template (used by pilots, and by mode "mandate" as the mandated variant).
    pub quality: TraitSpec,
    /// Steps from designation to evaluation.
    pub evaluate_after: u32,
    /// Pilots' mean performance must exceed this for promotion.
    pub promote_above: f64,
    /// `mandate`, `endorse` or `expand`.
    pub promotion: Promotion,
    /// With `expand`: each new batch is this many times the previous one.
    pub expand_factor: f64,
    /// After a failed evaluation, pilots drop the policy (otherwise they keep it).
    pub wind_up: bool,
    /// Pilot rounds in all: after a failed evaluation a new batch is designated while rounds remain.
    pub rounds: u32,
    /// Template of the next round: `none` (the same) or `best_pilot` (the best pilot as observed).
    pub revise: Revise,
    /// Sd of the centre's error in observing one site's performance (0 = perfect knowledge).
    pub evaluation_noise: f64,
    /// Designate pilots only among units of this level (a level name of the network).
    pub level: Option<String>,
}

impl Default for Pilot {
    fn default() -> Self {
        Pilot {
            start: 1,
            sites: 10,
            selection: Selection::Random,
            quality: TraitSpec::Constant(0.5),
            evaluate_after: 3,
            promote_above: 0.0,
            promotion: Promotion::Mandate,
            expand_factor: 3.0,
            wind_up: false,
            rounds: 1,
            revise: Revise::None,
            evaluation_noise: 0.0,
            level: None,
        }
    }
}

/// The template of the next pilot round (`central.pilot.revise`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Revise {
    /// The same template again.
    #[default]
    None,
    /// The variant of the pilot with the highest observed performance (the centre learns from its experiment).
    BestPilot,
}

/// Uptake of a local variant (`[central.uptake]`): reviews, noisy observation, promotion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Uptake {
    /// Step of the first review.
    pub start: u32,
    /// Steps between reviews.
    pub review_every: u32,
    /// If set, reviews begin only once the adopted share has reached this (and `start` has come).
    pub trigger_share: Option<f64>,
    /// A lineage is reviewed only with at least this many current adopters.
    pub min_adopters: u32,
    /// Sd of the error in observing one adopter's performance: a lineage's mean is seen with sd noise / sqrt(adopters).
    pub evaluation_noise: f64,
    /// The best lineage's observed mean must exceed this to be taken up.
    pub promote_above: f64,
    /// `mandate` or `endorse`: how the variant taken up is promoted.
    pub promotion: Promotion,
}

impl Default for Uptake {
    fn default() -> Self {
        Uptake {
            start: 10,
            review_every: 5,
            trigger_share: None,
            min_adopters: 3,
            evaluation_noise: 0.0,
            promote_above: 0.0,
            promotion: Promotion::Mandate,
        }
    }
}

/// How pilot sites are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Selection {
    /// Uniformly at random.
    #[default]
    Random,
    /// Highest learning capacity.
    Capable,
    /// Highest competitive urge (those who apply).
    Willing,
    /// Stratified across regions, proportional to region size.
    Representative,
}

/// What the centre does after a successful evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Promotion {
    /// Everyone must adopt the best pilot variant.
    #[default]
    Mandate,
    /// Pilots' results are shown to every government as one extra neighbour.
    Endorse,
    /// A new, larger batch of pilots, then evaluate again.
    Expand,
}

/// Mandate (`[central.mandate]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Mandate {
    /// In mode `mandate`: the step from which the mandate is in force.
    pub start: u32,
    /// Per-step compliance hazard: rate * (1 - resistance * rho).
    pub rate: f64,
    /// How much inertia slows compliance (0 = perfect compliance).
    pub resistance: f64,
    /// Steps after the mandate starts at which enforcement happens (0 = never).
    pub deadline: u32,
    /// At the deadline each remaining unit complies with this probability.
    pub enforcement: f64,
    /// Enforcement at the start step itself (not a key of the file): a forecast whose
    /// first step is a deadline reached during the training years' mandate.
    #[serde(skip)]
    pub enforce_at_start: bool,
}

impl Default for Mandate {
    fn default() -> Self {
        Mandate {
            start: 10,
            rate: 0.3,
            resistance: 0.5,
            deadline: 5,
            enforcement: 0.9,
            enforce_at_start: false,
        }
    }
}

/// Endorsement (`[central.endorse]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Endorse {
    /// Weight of the pilots as one extra neighbour in every government's signal.
    pub weight: f64,
}

impl Default for Endorse {
    fn default() -> Self {
        Endorse { weight: 1.0 }
    }
}

/// Initial adopters at step 0 (`[initial]`): a count, a share, or a file of ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Initial {
    /// Number of initial adopters, drawn uniformly per run.
    pub count: usize,
    /// Share of initial adopters, drawn uniformly per run (alternative to count).
    pub share: Option<f64>,
    /// File with one node id or name per line (the same set every run).
    pub file: Option<PathBuf>,
}

/// Bass model parameters (`[bass]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Bass {
    /// Innovation coefficient p.
    pub p: f64,
    /// Imitation coefficient q.
    pub q: f64,
}

impl Default for Bass {
    fn default() -> Self {
        Bass { p: 0.01, q: 0.4 }
    }
}

/// SI model parameters (`[si]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Si {
    /// Per-edge infection probability per step.
    pub beta: f64,
}

impl Default for Si {
    fn default() -> Self {
        Si { beta: 0.05 }
    }
}

/// Threshold model parameters (`[threshold]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Threshold {
    /// Share of neighbours that must have adopted.
    pub value: TraitSpec,
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold {
            value: TraitSpec::Constant(0.2),
        }
    }
}

/// Independent cascade parameters (`[cascade]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Cascade {
    /// Activation probability per edge: a number, or `{ from = "weight" }` for the edge weights.
    pub p: TraitSpec,
}

impl Default for Cascade {
    fn default() -> Self {
        Cascade {
            p: TraitSpec::Constant(0.1),
        }
    }
}
