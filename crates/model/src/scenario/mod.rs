//! Scenario files: the TOML a researcher writes, parsed into a validated [`Scenario`].
//!
//! Every key of MODEL.md has a field here with its default. `policysim_io::scenario_files::load_scenario` reads a
//! file, rejects unknown keys, wrong types and out-of-range values with a message naming
//! the file, the key and (where known) its line, and resolves relative paths against the
//! folder of the file.

mod beta;
pub mod bounds;
mod central;
mod distribution;
mod dotted;
mod indicators;
mod interdependence;
pub mod key_names;
pub mod key_table;
#[cfg(test)]
mod load_tests;
mod parse;
mod schema;
mod toml_writer;
pub use toml_writer::toml_key;
mod validate;

pub use central::{
    Central, CentralMode, Endorse, Mandate, Pilot, Promotion, Revise, Selection, Uptake, NATIONAL,
};
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
    /// Short name: names the results folder `results/<name>`; non-empty, no `/`, `\`, `..`
    /// or control characters. Charts are titled by the description's first clause.
    #[serde(default = "default_name")]
    pub name: String,
    /// Free text describing the scenario, copied to `summary.json`; its first clause titles
    /// the run charts.
    #[serde(default)]
    pub description: String,
    /// The description in Chinese (optional): its first clause titles the Chinese charts
    /// (`--lang zh`), which otherwise use `description`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description_zh: String,
    /// Which process runs on the network: the policy model or a classic baseline.
    #[serde(default)]
    pub model: ModelKind,
    /// How many steps (years by default) each run lasts after the initial state: T.
    #[serde(default = "default_steps")]
    pub steps: u32,
    /// Number of Monte-Carlo runs.
    #[serde(default = "default_runs")]
    pub runs: u32,
    /// The same seed and settings give the same results; change it to see another draw.
    /// The master seed (0 .. 2^63 - 1): run r uses its own streams derived from (seed,
    /// r).
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// What one step stands for (chart labels, `summary.json`).
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
            description_zh: String::new(),
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
    /// The network generator (generated networks are limited to about 5 × 10^8 edges).
    pub kind: NetworkKind,
    /// Number of governments, at least 1 (all kinds but `hierarchy` and `file`, and `spatial`
    /// with a node file, where it is derived).
    pub n: usize,
    /// Neighbours per node: `ring`, `watts_strogatz` (total degree, even, k < n); `spatial`,
    /// `hierarchy` (the k nearest, 1 <= k < n).
    pub k: usize,
    /// `erdos_renyi`: edge probability, in [0, 1] (give `p` or `mean_degree`, not both).
    pub p: Option<f64>,
    /// `erdos_renyi`: expected degree in [0, n - 1]; p = mean_degree / (n - 1) (give `p` or
    /// `mean_degree`, not both).
    pub mean_degree: Option<f64>,
    /// `watts_strogatz`: rewiring probability, in [0, 1].
    pub beta: f64,
    /// `barabasi_albert`: edges per new node, 1 <= m < n.
    pub m: usize,
    /// `hierarchy` (required): administrative levels, top first, each `{ name = "...",
    /// count = N }` with count >= 1 and distinct names.
    pub levels: Vec<LevelSpec>,
    /// `hierarchy`: region names, at most as many as top-level units; the top-level units are
    /// split into equal bands of x, first name = highest x ("east" first), and every unit
    /// inherits its top ancestor's region.
    pub regions: Vec<String>,
    /// `file` (required): the edge list CSV (`source,target[,weight]`), a path relative to
    /// the scenario file.
    pub edges: Option<PathBuf>,
    /// `file`, `spatial`: the node CSV (`id` plus optional `name,level,parent,region,x,y` and
    /// trait columns; for `spatial`, the coordinates), a path relative to the scenario file.
    pub nodes: Option<PathBuf>,
    /// `file` only: a row `j,i` means i observes j only.
    pub directed: bool,
    /// Draw a new network in every run (from the run's stream) instead of once per scenario;
    /// matters for the random kinds.
    pub redraw: bool,
    /// `file` with a `weight` column: the edge weights w_ij enter the learning signal
    /// (row-standardised: the spatial lag) and the choice of whom to learn from; `false`
    /// weighs every edge 1.
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
    /// L, learning capacity 学习能力, in [0, 1]: how well governments judge peers' results,
    /// pick a good model and improve what they copy (also noticing failure).
    pub learning: TraitSpec,
    /// C, competitive urge 争先冲动, in [0, 1]: how strongly rivals' moves push a
    /// government to adopt first.
    pub competition: TraitSpec,
    /// R, resources, in [0, 1]: fiscal and administrative capacity, which drives own
    /// inventions.
    pub resources: TraitSpec,
    /// rho, inertia 路径依赖, in [0, 1]: vested interests and path dependence that damp
    /// every voluntary channel and slow mandate compliance.
    pub inertia: TraitSpec,
    /// phi: how well the policy suits local conditions 因地制宜 (any real); performance =
    /// quality + fit.
    pub fit: TraitSpec,
    /// Draw the traits anew in every run; `false` draws one population once per scenario
    /// (from the seed) and every run starts from it, so runs differ only in their histories.
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
    /// Yearly chance that a government with full resources and no inertia invents the
    /// policy itself: pi_inn = rate * R * (1 - rho) per step.
    pub rate: f64,
    /// Quality of a newly invented variant (also of initial adopters'), drawn for each variant.
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
    /// How strongly the share of adopting neighbours pulls a capable learner in:
    /// pi_learn = rate * L * need * S * (1 - rho), clamped to [0, 1] (a scale, so it
    /// may exceed 1).
    pub rate: f64,
    /// 0 copies whatever neighbours do (contagion); higher values favour neighbours
    /// whose policy works well: a source weighs w = exp(performance_weight * (y -
    /// reference)) in the signal S.
    pub performance_weight: f64,
    /// The performance that counts as average in the weight w.
    pub reference: f64,
    /// How strongly fit raises the learning need: need = 2 * logistic(need_weight * fit); 0 =
    /// need is 1.
    pub need_weight: f64,
    /// How sharply a capable learner picks the best-performing neighbour as its model.
    pub selectivity: f64,
    /// How blurred neighbours' results look to a government with no learning capacity:
    /// the sd of the noise on observed performance for L = 0 (times 1 - L).
    pub observation_noise: f64,
    /// Capacity that grows 干中学: each time a government learns (or pilots successfully),
    /// its learning capacity moves this share of the way to 1: L becomes L + growth *
    /// (1 - L).
    pub growth: f64,
    /// How adopting neighbours enter the signal S.
    pub exposure: Exposure,
    /// How a source's influence fades with the steps since it adopted: an adopter of d steps
    /// ago counts K(d) times (NetInf's transmission models).
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
    /// How strongly the share of rivals that have adopted pushes an ambitious
    /// government: pi_comp = rate * C * P * credit * (1 - rho), clamped to [0, 1]; 0
    /// switches competition off.
    pub rate: f64,
    /// How much being early pays: credit = (1 - adopted share)^first_mover_bias * (1 +
    /// central.recognition).
    pub first_mover_bias: f64,
    /// Whom a government races.
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
    /// How much capable adopters improve the variant they copy: mean change of its quality
    /// gain * (L - 0.5).
    pub gain: f64,
    /// How randomly less capable adopters change what they copy: sd of the change
    /// noise * (1 - L) + noise_floor.
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
    /// An adopter whose performance is below this may abandon the policy.
    pub threshold: f64,
    /// Yearly chance that an adopter whose policy performs badly (below `threshold`)
    /// drops it, times its learning capacity: rate * L per step (mandated adopters and
    /// locked pilots never do); 0 switches abandonment off.
    pub rate: f64,
    /// A government whose policy fails loses this share of its appetite for inventing
    /// and racing (repeat failures compound): its innovation and competition times (1 -
    /// penalty * (1 - tolerance)).
    pub penalty: f64,
    /// Each failure also lowers the appetite of the neighbours who watched it by this
    /// share: their innovation and competition times (1 - deterrence * (1 -
    /// tolerance)).
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

/// Initial adopters at step 0 (`[initial]`): a count, a share, or a file of ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Initial {
    /// This many initial adopters (at most n), drawn uniformly in every run; give at most one
    /// of `count`, `share`, `file`. Each invents its own variant (quality from
    /// `innovation.quality`).
    pub count: usize,
    /// round(share * n) initial adopters, drawn uniformly in every run.
    pub share: Option<f64>,
    /// A CSV file with one node id per line (generated networks: `0`..`n-1`, hierarchies:
    /// `city_12` style names), the same set in every run; blank lines and `#` lines skipped,
    /// quoted ids allowed, a first line `id` or that is no node id is a header.
    pub file: Option<PathBuf>,
}

/// Bass model parameters (`[bass]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Bass {
    /// Bass innovation coefficient: hazard p + q * share of neighbours adopted.
    pub p: f64,
    /// Bass imitation coefficient.
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
    /// Per-edge infection probability per step: 1 - (1 - beta)^k with k adopting neighbours.
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
    /// Adopt when the share of adopting neighbours is at least this.
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
    /// Independent cascade: activation probability per edge, a trait in [0, 1], or `{ from =
    /// "weight" }` for the edge weights.
    pub p: TraitSpec,
}

impl Default for Cascade {
    fn default() -> Self {
        Cascade {
            p: TraitSpec::Constant(0.1),
        }
    }
}
