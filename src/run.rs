//! One run: the step loop of MODEL.md section 3 (synchronous update).
//!
//! Every decision in step t reads the state at the start of t; all adoptions and
//! abandonments are applied together at the end of t. The run keeps per-government counts
//! of adopting neighbours (and their weighted performance signal) up to date as governments
//! adopt or abandon, so a step costs time in proportion to the governments that are still
//! deciding plus the edges of those that changed, not to the whole edge list.
//!
//! The classic baselines (`model = "bass" | "si" | "threshold" | "cascade"`,
//! [`crate::model::classic`]) use the same loop: only the decision pass differs
//! (`decide` dispatches on the model), and the centre does not act.

use crate::agents::{AgentRecipe, Agents};
use crate::error::{Error, Result};
use crate::initial::InitialAdopters;
use crate::model::centre::{
    self, Centre, Endorsement, Locals, Orders, Scope, ABANDONED, ADOPTED, NEVER, NO_CENTRE,
    TEMPLATE_LINEAGE,
};
use crate::model::classic::{self as classic_model, CascadeSource, ClassicSetup};
use crate::model::{self, abandon, adapt, competition, innovation, learning, Channel};
use crate::network::Network;
use crate::rng::RunRng;
use crate::scenario::{CentralMode, Rivals, Sampler, Scenario};
use rand::{Rng, RngExt};
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};

/// Index of each fixed series in a run's per-step record (regions and levels follow).
pub mod series {
    /// Cumulative adopted share.
    pub const ADOPTED_SHARE: usize = 0;
    /// New adoptions through innovation (then learning, competition, pilot, mandate at +1..+4).
    pub const NEW_INNOVATION: usize = 1;
    /// Abandonments in the step.
    pub const ABANDONED: usize = 6;
    /// Mean quality of current adopters.
    pub const MEAN_QUALITY: usize = 7;
    /// Mean performance of current adopters.
    pub const MEAN_PERFORMANCE: usize = 8;
    /// Number of lineages in use.
    pub const LINEAGES: usize = 9;
    /// Sd of quality among current adopters.
    pub const QUALITY_SD: usize = 10;
    /// Number of fixed series.
    pub const FIXED: usize = 11;
    /// Names of the fixed series, in index order.
    pub const NAMES: [&str; FIXED] = [
        "adopted_share",
        "new_innovation",
        "new_learning",
        "new_competition",
        "new_pilot",
        "new_mandate",
        "abandoned",
        "mean_quality",
        "mean_performance",
        "lineages",
        "quality_sd",
    ];
}

/// Name of the series of the mean learning capacity of all governments (with `learning.growth` > 0).
pub const MEAN_LEARNING: &str = "mean_learning";

/// Names of the series of the spread between the subtrees of centres at a level (with
/// `central.scope` below national): the lowest, mean and highest adopted share among them.
pub const CENTRE_SHARE: [&str; 3] = ["centre_share_min", "centre_share_mean", "centre_share_max"];

/// Name of the series of the share of governments on the lineage the centre took up (mode `uptake`; empty before the uptake).
pub const UPTAKE_SHARE: &str = "uptake_lineage_share";

/// The names of every series a run of this network reports, in record order
/// (a scenario with `learning.growth` > 0 adds [`MEAN_LEARNING`] at the end).
pub fn series_names(network: &Network) -> Vec<String> {
    let mut names: Vec<String> = series::NAMES.iter().map(|s| s.to_string()).collect();
    if !network.region.is_empty() {
        for r in &network.region_names {
            names.push(format!("adopted_share.region.{r}"));
        }
    }
    if !network.level.is_empty() {
        for l in &network.level_names {
            names.push(format!("adopted_share.level.{l}"));
        }
    }
    names
}

/// What one finished run reports about itself (one row of `runs.csv`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunSummary {
    /// Run index.
    pub run: u64,
    /// Share adopted at the last step.
    pub final_share: f64,
    /// First step at which 10% / 50% / 90% had adopted (None if never).
    pub t10: Option<u32>,
    /// First step at which 50% had adopted.
    pub t50: Option<u32>,
    /// First step at which 90% had adopted.
    pub t90: Option<u32>,
    /// Share of adoptions (steps 1..T) through each channel, in [`Channel::ALL`] order.
    pub channel_shares: Option<[f64; 5]>,
    /// Step at which the centre promoted (pilot) or the mandate came into force (mandate).
    pub promoted_at: Option<u32>,
    /// Pilots' mean performance at the first evaluation minus adopters' mean performance at the end.
    pub evaluation_bias: Option<f64>,
    /// Mean quality of adopters at the last step.
    pub final_mean_quality: Option<f64>,
    /// Governments that failed and bore `abandon.penalty` (None when failure costs nothing).
    pub penalised: Option<u32>,
    /// Governments whose appetite a neighbour's failure lowered (`abandon.deterrence`).
    pub deterred: Option<u32>,
    /// Mean learning capacity L of all governments at the last step (None unless `learning.growth` > 0).
    pub final_mean_learning: Option<f64>,
    /// Pilot batches designated (None unless pilot rounds or noisy evaluation are configured).
    pub rounds_used: Option<u32>,
    /// The centre's uptake of a local variant (mode `uptake`; None if it never took one up).
    pub uptake: Option<centre::UptakeRecord>,
    /// Id (node name) of the government that invented the lineage taken up (empty without uptake).
    pub uptake_inventor: String,
    /// Every evaluation by the centre (pilot rounds, uptake reviews): the rows of `rounds.csv`.
    pub evaluations: Vec<centre::Evaluation>,
    /// With `central.scope` below national: each centre's outcome (the rows of `centres.csv`).
    pub centres: Vec<CentreOutcome>,
}

/// What one centre of a scope below national did in a run, and how far its subtree got.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreOutcome {
    /// The government that is the centre.
    pub unit: u32,
    /// Governments under it.
    pub units: u32,
    /// Its first promotion (pilot, uptake) or mandate.
    pub promoted_at: Option<u32>,
    /// Pilot batches it designated.
    pub rounds_used: u32,
    /// Its uptake regret, if it took a variant up.
    pub uptake_regret: Option<f64>,
    /// Adopted share of the governments under it at the last step.
    pub final_share: f64,
}

/// Everything one run produces.
#[derive(Debug, Clone)]
pub struct RunOutput {
    /// Per-step values, `(steps + 1) * n_series`, step-major; NaN = no value.
    pub series: Vec<f64>,
    /// The per-run summary.
    pub summary: RunSummary,
    /// Empirical hazard counts, indexed by number of adopting neighbours: (at risk, adoptions).
    pub hazard: Vec<(u64, u64)>,
    /// Step of each government's first adoption (`u32::MAX` = never), when asked for.
    pub adopted_step: Option<Vec<u32>>,
    /// Adopters of every lineage at every step, when asked for in mode `uptake`.
    pub lineages: Option<LineageTrace>,
}

/// The adopters of every lineage at every step of one run (mode `uptake`, the representative run).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LineageTrace {
    /// `counts[t][l]`: current adopters of lineage l at the end of step t (lineages born later are absent).
    pub counts: Vec<Vec<u32>>,
    /// The government that started each lineage (`u32::MAX` for the centre's template).
    pub inventor: Vec<u32>,
    /// The uptake, if the centre took a lineage up.
    pub uptake: Option<centre::UptakeRecord>,
}

/// Everything about a scenario that every run shares: network, trait recipe, initial adopters.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The network (drawn once, unless `network.redraw`).
    pub network: Network,
    /// How to draw the governments' traits.
    pub recipe: AgentRecipe,
    /// The initial adopters.
    pub initial: InitialAdopters,
    /// Competition groups for `rivals = "same_parent"`: group per node, members CSR.
    groups: Option<Groups>,
    /// Series names.
    pub series: Vec<String>,
    /// Index of the `mean_learning` series (present only when `learning.growth` > 0).
    mean_learning: Option<usize>,
    /// Index of the [`UPTAKE_SHARE`] series (present only in mode `uptake`).
    uptake_share: Option<usize>,
    /// The checked parameters of a classic model (`None` for the policy model).
    pub classic: Option<ClassicSetup>,
    /// Level index that pilots are designated among (`central.pilot.level`).
    pub pilot_level: Option<u16>,
    /// Centres at a level (`central.scope` below national); `None` = one national centre.
    pub scope: Option<Scope>,
    /// Index of the first of the three series of the spread between centres' subtrees.
    centre_share: Option<usize>,
    /// Keep bootstrap replicates of the mean adopted-share curve
    /// ([`crate::aggregate::ShareBootstrap`]), for the interval of the RMSE against
    /// observed adoptions; off unless a comparison with them asks for it.
    pub bootstrap_share: bool,
}

#[derive(Debug, Clone)]
struct Groups {
    of: Vec<u32>,
    offsets: Vec<usize>,
    members: Vec<u32>,
}

impl Prepared {
    /// Checks the scenario against the network and prepares what every run shares.
    pub fn new(scenario: &Scenario, network: Network) -> Result<Prepared> {
        for (key, spec) in [
            ("innovation.quality", &scenario.innovation.quality),
            ("central.pilot.quality", &scenario.central.pilot.quality),
        ] {
            if let Some(from) = spec.node_columns() {
                return Err(Error::Input(format!(
                    "{key} reads node-file column `{from}`: a variant's quality is a number or a distribution, not a node column"
                )));
            }
        }
        let classic = ClassicSetup::new(scenario, &network)?;
        if classic.is_some() {
            // the classic models ignore [agents] and [central] (the scenario warns)
            return Ok(Prepared {
                recipe: AgentRecipe::new(&Scenario::default(), &network)?,
                initial: InitialAdopters::resolve(scenario, &network)?,
                groups: None,
                series: series_names(&network),
                mean_learning: None,
                uptake_share: None,
                network,
                classic,
                pilot_level: None,
                scope: None,
                centre_share: None,
                bootstrap_share: false,
            });
        }
        let recipe = AgentRecipe::new(scenario, &network)?;
        let initial = InitialAdopters::resolve(scenario, &network)?;
        let c = &scenario.central;
        if c.mode == CentralMode::Pilot && c.pilot.sites > network.n {
            return Err(Error::Input(format!(
                "key `central.pilot.sites`: must be at most the number of governments ({} in the network), got {}",
                network.n, c.pilot.sites
            )));
        }
        if c.mode == CentralMode::Pilot
            && c.pilot.selection == crate::scenario::Selection::Representative
            && network.region.is_empty()
        {
            return Err(Error::Input(
                "central.pilot.selection = \"representative\" needs regions, but the network has none \
                 (use a hierarchy with regions, or a node file with a region column)"
                    .to_string(),
            ));
        }
        let pilot_level = match &c.pilot.level {
            Some(name) if c.mode == CentralMode::Pilot => {
                match network.level_names.iter().position(|l| l == name) {
                    Some(k) if !network.level.is_empty() => Some(k as u16),
                    _ => {
                        let known = levels_there_are(
                            &network,
                            network.level_names.is_empty(),
                            "the network has no levels (use a hierarchy, or a node file with a level column)",
                        );
                        return Err(Error::Input(format!(
                            "key `central.pilot.level`: the network has no level \"{name}\"; {known}"
                        )));
                    }
                }
            }
            _ => None,
        };
        let scope = if c.scope == crate::scenario::NATIONAL {
            None
        } else {
            let k = network
                .level_names
                .iter()
                .position(|l| *l == c.scope)
                .filter(|_| !network.level.is_empty() && !network.parent.is_empty());
            let Some(k) = k else {
                let known = levels_there_are(
                    &network,
                    network.level_names.is_empty() || network.parent.is_empty(),
                    "the network has no levels with parents (use a hierarchy, or a node file with level and parent columns)",
                );
                return Err(Error::Input(format!(
                    "key `central.scope`: must be \"national\" or a level of the network, but the network has no level \"{}\"; {known}",
                    c.scope
                )));
            };
            let scope = centre::assign_scope(&network.parent, &network.level, k as u16);
            if scope.members.iter().all(Vec::is_empty) {
                return Err(Error::Input(format!(
                    "key `central.scope`: no government lies below a unit of level \"{}\", so its centres would act on nobody; choose a higher level",
                    c.scope
                )));
            }
            Some(scope)
        };
        let groups = if scenario.competition.rivals == Rivals::SameParent
            && scenario.competition.rate > 0.0
        {
            if network.parent.is_empty() {
                return Err(Error::Input(
                    "competition.rivals = \"same_parent\" needs parents (a hierarchy network or a node file with a parent column)"
                        .to_string(),
                ));
            }
            Some(Groups::new(&network))
        } else {
            None
        };
        let mut series = series_names(&network);
        // capacity that grows is a state of the run: its mean is a series of its own
        // (absent otherwise, so that the outputs of fixed capacity stay as they were)
        let mean_learning = (scenario.learning.growth > 0.0).then(|| {
            series.push(MEAN_LEARNING.to_string());
            series.len() - 1
        });
        let centre_share = scope.as_ref().map(|_| {
            series.extend(CENTRE_SHARE.iter().map(|s| s.to_string()));
            series.len() - CENTRE_SHARE.len()
        });
        let uptake_share = (c.mode == CentralMode::Uptake && scope.is_none()).then(|| {
            series.push(UPTAKE_SHARE.to_string());
            series.len() - 1
        });
        Ok(Prepared {
            network,
            recipe,
            initial,
            groups,
            series,
            mean_learning,
            uptake_share,
            classic: None,
            pilot_level,
            scope,
            centre_share,
            bootstrap_share: false,
        })
    }
}

/// The end of a message about a level the network lacks: `none` when it has no usable
/// levels, else the names of the levels it has.
fn levels_there_are(network: &Network, no_levels: bool, none: &str) -> String {
    if no_levels {
        none.to_string()
    } else {
        let names: Vec<String> = network
            .level_names
            .iter()
            .map(|l| format!("\"{l}\""))
            .collect();
        format!("its levels are {}", names.join(", "))
    }
}

impl Groups {
    /// Groups of units sharing parent and level.
    fn new(network: &Network) -> Groups {
        let mut keys: Vec<(u32, u16, u32)> = (0..network.n)
            .map(|i| {
                let lvl = network.level.get(i).copied().unwrap_or(0);
                (network.parent[i], lvl, i as u32)
            })
            .collect();
        keys.sort_unstable();
        let mut of = vec![0u32; network.n];
        let mut offsets = vec![0usize];
        let mut members = Vec::with_capacity(network.n);
        let mut prev: Option<(u32, u16)> = None;
        for (p, l, i) in keys {
            // units without a parent form one group per level
            if prev != Some((p, l)) {
                if prev.is_some() {
                    offsets.push(members.len());
                }
                prev = Some((p, l));
            }
            of[i as usize] = (offsets.len() - 1) as u32;
            members.push(i);
        }
        offsets.push(members.len());
        Groups {
            of,
            offsets,
            members,
        }
    }

    fn members(&self, g: u32) -> &[u32] {
        &self.members[self.offsets[g as usize]..self.offsets[g as usize + 1]]
    }
}

/// An adoption decided during a step, applied at its end.
#[derive(Debug, Clone, Copy)]
struct Adoption {
    unit: u32,
    channel: Channel,
    quality: f64,
    lineage: u32,
}

/// What one centre has in force in a step, as the governments under it see it.
#[derive(Debug, Clone, Copy)]
struct CentreNow {
    mandate_on: bool,
    at_deadline: bool,
    endorsed: Option<Endorsement>,
    template: (f64, u32),
    mandate_variant: (f64, u32),
}

impl CentreNow {
    /// No centre: no mandate, no endorsement (the template is never used).
    const NONE: CentreNow = CentreNow {
        mandate_on: false,
        at_deadline: false,
        endorsed: None,
        template: (0.0, TEMPLATE_LINEAGE),
        mandate_variant: (0.0, TEMPLATE_LINEAGE),
    };

    fn of(c: &Centre, t: u32) -> CentreNow {
        CentreNow {
            mandate_on: c.mandate_on(t),
            at_deadline: c.at_deadline(t),
            endorsed: c.endorsed(),
            template: c.template(),
            mandate_variant: c.mandate_variant(),
        }
    }
}

/// Candidate id standing for the endorsed pilots when choosing whom to learn from.
const ENDORSED_SOURCE: u32 = u32::MAX;

/// In a complete network a learner compares at most this many adopters, drawn uniformly
/// (with replacement) from all adopters: an observation sample that keeps the cost of
/// choosing a source bounded. Explicit networks always compare every adopting neighbour.
pub const COMPLETE_OBSERVATION_SAMPLE: usize = 64;

/// The mutable state of one run.
struct Run<'a> {
    s: &'a Scenario,
    net: &'a Network,
    groups: Option<&'a Groups>,
    agents: Agents,
    rng: RunRng,
    n: usize,
    status: Vec<u8>,
    locked: Vec<bool>,
    designated: Vec<bool>,
    quality: Vec<f64>,
    lineage: Vec<u32>,
    adopted_step: Vec<u32>,
    nbr_count: Vec<u32>,
    nbr_signal: Vec<f64>,
    weighted: bool,
    adopters: Vec<u32>,
    adopter_pos: Vec<u32>,
    /// Per adopter, in the order of `adopters`: its chance to abandon this step (0 when locked).
    adopter_risk: Vec<f32>,
    signal_total: f64,
    group_adopted: Vec<u32>,
    /// Per group, the share of adopters among a member's rivals (same_parent), kept with `group_adopted`.
    group_share: Vec<f64>,
    /// The governments that have not adopted, ascending (the policy model's decision pass).
    undecided: Vec<u32>,
    region_size: Vec<u32>,
    region_adopted: Vec<u32>,
    level_size: Vec<u32>,
    level_adopted: Vec<u32>,
    lineage_count: Vec<u32>,
    active_lineages: u32,
    sum_q: f64,
    sum_q2: f64,
    sum_y: f64,
    channel_total: [u64; 5],
    step_new: [u32; 5],
    step_abandoned: u32,
    hazard: Vec<(u64, u64)>,
    innovation_quality: Sampler,
    /// The government that started each lineage (`u32::MAX` for the centre's template).
    inventor: Vec<u32>,
    /// The centres (MODEL.md sections 4, 4b and 4c): one national centre, or one per unit
    /// of the `central.scope` level; and what they ordered for this step.
    centres: Vec<Centre<'a>>,
    orders: Orders,
    /// The centre each government is under (empty with one national centre).
    centre_of: &'a [u32],
    /// The government that is each centre (empty with one national centre).
    centre_units: &'a [u32],
    /// Current adopters under each centre (empty with one national centre).
    centre_adopted: Vec<u32>,
    /// Where the spread between centres' subtrees is recorded.
    centre_share: Option<usize>,
    /// The classic model being run (`None` = the policy model).
    classic: Option<&'a ClassicSetup>,
    /// Classic models: per-node thresholds (`threshold`) or sender probabilities (`cascade`).
    node_values: Vec<f64>,
    /// `cascade`: the nodes that adopted in the previous step (at step 0: the initial adopters).
    fresh: Vec<u32>,
    /// `cascade`: activated during the current step (so that several activations count once).
    pending: Vec<bool>,
    /// `cascade` and `si` on an explicit network: never-adopted nodes by number of
    /// adopting neighbours, kept up to date as nodes adopt (empty otherwise).
    at_risk: Vec<u64>,
    /// `si` on an explicit network: a bit per node, set while it has never adopted and
    /// has at least one adopting neighbour (the only nodes that draw); empty otherwise.
    exposed: Vec<u64>,
    propensity: Propensities,
    /// Per-step probability of abandoning, fixed at adoption (0 when not failing).
    abandon_p: Vec<f32>,
    /// The costs of failure (None when they are zero).
    failures: Option<abandon::Failures>,
    /// Sum of the learning capacities, and where its mean is recorded (with `learning.growth` > 0).
    sum_learning: f64,
    mean_learning: Option<usize>,
    /// Where the share on the lineage taken up is recorded (mode `uptake`).
    uptake_share: Option<usize>,
}

/// Per-government parts of the channel probabilities that do not change during a run.
///
/// Kept as `f32` (a relative precision of 6e-8, far below any rate a scenario can resolve):
/// half the memory and cache of `f64` in the decision pass.
struct Propensities {
    /// pi_inn (already a probability).
    innovation: Vec<f32>,
    /// rate * L * need * (1 - rho): times the signal S gives pi_learn.
    learning: Vec<f32>,
    /// rate * C * (1 - rho): times P and credit gives pi_comp.
    competition: Vec<f32>,
}

impl Propensities {
    fn new(s: &Scenario, a: &Agents) -> Propensities {
        let n = a.learning.len();
        Propensities {
            innovation: (0..n)
                .map(|i| {
                    innovation::probability(
                        s.innovation.rate,
                        f64::from(a.resources[i]),
                        f64::from(a.inertia[i]),
                    ) as f32
                })
                .collect(),
            learning: (0..n)
                .map(|i| {
                    let need = learning::need(&s.learning, f64::from(a.fit[i]));
                    learning::propensity(
                        s.learning.rate,
                        f64::from(a.learning[i]),
                        need,
                        f64::from(a.inertia[i]),
                    ) as f32
                })
                .collect(),
            competition: (0..n)
                .map(|i| {
                    competition::propensity(
                        s.competition.rate,
                        f64::from(a.competition[i]),
                        f64::from(a.inertia[i]),
                    ) as f32
                })
                .collect(),
        }
    }
}

/// Runs run number `run` of the scenario and returns its per-step record and summary.
///
/// `rng` must be the run's own stream ([`crate::rng::run_rng`]); `record_steps` asks for
/// each government's adoption step (for the map of the representative run).
pub fn run_once(
    scenario: &Scenario,
    prepared: &Prepared,
    run: u64,
    rng: RunRng,
    record_steps: bool,
) -> RunOutput {
    run_or_cancel(scenario, prepared, run, rng, record_steps, None)
        .expect("a run without a cancel flag completes")
}

/// [`run_once`] that looks at `cancel` before every step and gives up (`None`) as soon
/// as it is set, so that stopping does not wait for a long run to finish.
pub fn run_or_cancel(
    scenario: &Scenario,
    prepared: &Prepared,
    run: u64,
    mut rng: RunRng,
    record_steps: bool,
    cancel: Option<&AtomicBool>,
) -> Option<RunOutput> {
    let net = &prepared.network;
    let n = net.n;
    let classic = prepared.classic.as_ref();
    let agents = if classic.is_some() {
        // the classic models have no traits; fit 0 keeps the performance sums at zero
        Agents {
            fit: vec![0.0; n],
            ..Agents::default()
        }
    } else {
        prepared.recipe.draw(n, &mut rng)
    };
    let innovation_quality = scenario
        .innovation
        .quality
        .sampler()
        .unwrap_or(Sampler::Constant(0.0));
    let centres: Vec<Centre> = if classic.is_some() {
        vec![Centre::new(
            &scenario.central,
            &scenario.learning,
            0.0,
            None,
        )]
    } else {
        let template = scenario
            .central
            .pilot
            .quality
            .sampler()
            .unwrap_or(Sampler::Constant(0.0));
        let new = |q: f64| {
            Centre::new(
                &scenario.central,
                &scenario.learning,
                q,
                prepared.pilot_level,
            )
        };
        match &prepared.scope {
            // one template per centre, drawn in centre order
            Some(scope) => scope
                .members
                .iter()
                .enumerate()
                .map(|(k, m)| new(template.draw(&mut rng)).scoped(k as u32, m))
                .collect(),
            None => vec![new(template.draw(&mut rng))],
        }
    };
    let node_values = classic.map_or(Vec::new(), |c| c.draw_node_values(n, &mut rng));
    let cascade = matches!(classic, Some(ClassicSetup::Cascade(_)));
    let si = matches!(classic, Some(ClassicSetup::Si { .. }));
    let at_risk = if (cascade || si) && !net.complete {
        let top = (0..n).map(|i| net.in_degree(i)).max().unwrap_or(0);
        let mut h = vec![0u64; top + 1];
        if n > 0 {
            h[0] = n as u64;
        }
        h
    } else {
        Vec::new()
    };
    let n_regions = net.region_names.len();
    let n_levels = net.level_names.len();
    let mut region_size = vec![0u32; if net.region.is_empty() { 0 } else { n_regions }];
    for &r in &net.region {
        region_size[r as usize] += 1;
    }
    let mut level_size = vec![0u32; if net.level.is_empty() { 0 } else { n_levels }];
    for &l in &net.level {
        level_size[l as usize] += 1;
    }
    let weighted = classic.is_none() && scenario.learning.performance_weight != 0.0;
    let propensity = Propensities::new(scenario, &agents);
    // resources enter only pi_inn: their array is not kept through the run
    let mut agents = agents;
    agents.resources = Vec::new();
    let failures = if classic.is_some() {
        None
    } else {
        let ab = &scenario.abandon;
        abandon::Failures::new(n, ab.penalty, ab.deterrence, scenario.central.tolerance)
    };
    let mut r = Run {
        propensity,
        abandon_p: vec![0.0; n],
        failures,
        sum_learning: agents.learning.iter().map(|&l| f64::from(l)).sum(),
        mean_learning: prepared.mean_learning,
        uptake_share: prepared.uptake_share,
        s: scenario,
        net,
        groups: prepared.groups.as_ref(),
        agents,
        n,
        status: vec![NEVER; n],
        locked: vec![false; n],
        designated: vec![false; n],
        quality: vec![0.0; n],
        lineage: vec![0; n],
        // kept only for the run whose map is drawn
        adopted_step: if record_steps {
            vec![u32::MAX; n]
        } else {
            Vec::new()
        },
        nbr_count: if net.complete { Vec::new() } else { vec![0; n] },
        nbr_signal: if weighted && !net.complete {
            vec![0.0; n]
        } else {
            Vec::new()
        },
        weighted,
        // (reserved, not touched: pages are resident only as adopters arrive)
        adopters: Vec::with_capacity(n),
        adopter_pos: vec![u32::MAX; n],
        adopter_risk: Vec::with_capacity(n),
        signal_total: 0.0,
        group_adopted: prepared
            .groups
            .as_ref()
            .map_or(Vec::new(), |g| vec![0; g.offsets.len() - 1]),
        group_share: prepared
            .groups
            .as_ref()
            .map_or(Vec::new(), |g| vec![0.0; g.offsets.len() - 1]),
        undecided: Vec::new(),
        region_adopted: vec![0; region_size.len()],
        region_size,
        level_adopted: vec![0; level_size.len()],
        level_size,
        lineage_count: vec![0],
        active_lineages: 0,
        sum_q: 0.0,
        sum_q2: 0.0,
        sum_y: 0.0,
        channel_total: [0; 5],
        step_new: [0; 5],
        step_abandoned: 0,
        hazard: Vec::new(),
        innovation_quality,
        inventor: vec![u32::MAX],
        centres,
        orders: Orders::default(),
        centre_of: prepared
            .scope
            .as_ref()
            .map_or(&[], |s| s.centre_of.as_slice()),
        centre_units: prepared
            .scope
            .as_ref()
            .map_or(&[], |s| s.centres.as_slice()),
        centre_adopted: prepared
            .scope
            .as_ref()
            .map_or(Vec::new(), |s| vec![0; s.centres.len()]),
        centre_share: prepared.centre_share,
        rng,
        classic,
        node_values,
        fresh: Vec::new(),
        pending: if cascade { vec![false; n] } else { Vec::new() },
        at_risk,
        exposed: if si && !net.complete {
            vec![0; n.div_ceil(64)]
        } else {
            Vec::new()
        },
    };
    let n_series = prepared.series.len();
    let steps = scenario.steps as usize;
    let mut record = vec![f64::NAN; (steps + 1) * n_series];

    // Step 0: the initial adopters, each with a variant of its own.
    let initial = prepared.initial.draw(n, &mut r.rng);
    for &i in &initial {
        let (q, lin) = if r.classic.is_some() {
            (0.0, TEMPLATE_LINEAGE)
        } else {
            let q = r.innovation_quality.draw(&mut r.rng);
            (q, r.new_lineage(i))
        };
        r.adopt(
            Adoption {
                unit: i,
                channel: Channel::Innovation,
                quality: q,
                lineage: lin,
            },
            0,
        );
    }
    r.record(&mut record[..n_series]);
    if r.classic.is_none() {
        r.undecided = (0..n as u32)
            .filter(|&i| r.status[i as usize] != ADOPTED)
            .collect();
    }
    let trace_lineages = record_steps && r.classic.is_none() && prepared.uptake_share.is_some();
    let mut lineage_counts: Vec<Vec<u32>> = Vec::new();
    if trace_lineages {
        lineage_counts.push(r.lineage_count.clone());
    }

    let mut adoptions: Vec<Adoption> = Vec::new();
    let mut abandonments: Vec<u32> = Vec::new();
    let (mut t10, mut t50, mut t90) = (None, None, None);
    let share0 = r.adopters.len() as f64 / n.max(1) as f64;
    mark_thresholds(share0, 0, &mut t10, &mut t50, &mut t90);
    for t in 1..=scenario.steps {
        if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return None;
        }
        adoptions.clear();
        abandonments.clear();
        r.step_new = [0; 5];
        r.step_abandoned = 0;
        if r.classic.is_none() {
            r.centre_acts(t, &mut abandonments);
        }
        r.decide(t, &mut adoptions, &mut abandonments);
        // wound-up pilots may also have decided to abandon on their own: count each once
        abandonments.sort_unstable();
        abandonments.dedup();
        for &i in &abandonments {
            r.abandon(i);
        }
        for a in &adoptions {
            r.adopt(*a, t);
        }
        if r.classic.is_none() {
            r.update_undecided(&abandonments);
        }
        for &i in &r.orders.designate {
            r.designated[i as usize] = false;
        }
        let row = &mut record[t as usize * n_series..(t as usize + 1) * n_series];
        r.record(row);
        if trace_lineages {
            lineage_counts.push(r.lineage_count.clone());
        }
        let share = r.adopters.len() as f64 / n.max(1) as f64;
        mark_thresholds(share, t, &mut t10, &mut t50, &mut t90);
    }

    let summary = r.summarise(run, [t10, t50, t90]);
    Some(RunOutput {
        series: record,
        summary,
        hazard: r.hazard,
        adopted_step: record_steps.then_some(r.adopted_step),
        lineages: trace_lineages.then(|| LineageTrace {
            counts: lineage_counts,
            uptake: r.centres[0].uptake(),
            inventor: r.inventor,
        }),
    })
}

/// Merges `extra` (ascending, none of them in `list`) into the ascending `list`, in place
/// from the back: the governments that abandoned rejoin the undecided in their order.
fn merge_sorted(list: &mut Vec<u32>, extra: &[u32]) {
    if extra.is_empty() {
        return;
    }
    let mut a = list.len();
    let mut b = extra.len();
    list.resize(a + b, 0);
    let mut k = a + b;
    while b > 0 {
        if a > 0 && list[a - 1] > extra[b - 1] {
            list[k - 1] = list[a - 1];
            a -= 1;
        } else {
            list[k - 1] = extra[b - 1];
            b -= 1;
        }
        k -= 1;
    }
}

/// Whether `runs.csv` reports the pilot rounds used: pilot mode with rounds or noisy evaluation.
pub fn reports_rounds(scenario: &Scenario) -> bool {
    let p = &scenario.central.pilot;
    scenario.model == crate::scenario::ModelKind::Policy
        && scenario.central.mode == CentralMode::Pilot
        && (p.rounds > 1 || p.evaluation_noise > 0.0 || p.revise != crate::scenario::Revise::None)
}

fn mark_thresholds(
    share: f64,
    t: u32,
    t10: &mut Option<u32>,
    t50: &mut Option<u32>,
    t90: &mut Option<u32>,
) {
    // a small tolerance so that 0.1 * n adopters counts as 10% despite rounding
    let eps = 1e-12;
    if t10.is_none() && share + eps >= 0.1 {
        *t10 = Some(t);
    }
    if t50.is_none() && share + eps >= 0.5 {
        *t50 = Some(t);
    }
    if t90.is_none() && share + eps >= 0.9 {
        *t90 = Some(t);
    }
}

impl Run<'_> {
    /// A new lineage, invented by government `inventor`.
    fn new_lineage(&mut self, inventor: u32) -> u32 {
        self.lineage_count.push(0);
        self.inventor.push(inventor);
        (self.lineage_count.len() - 1) as u32
    }

    #[inline]
    fn performance(&self, i: usize) -> f64 {
        self.quality[i] + f64::from(self.agents.fit[i])
    }

    /// Makes unit i an adopter and updates every count that depends on it.
    fn adopt(&mut self, a: Adoption, t: u32) {
        let i = a.unit as usize;
        debug_assert_ne!(self.status[i], ADOPTED);
        if self.status[i] == NEVER && !self.at_risk.is_empty() {
            self.at_risk[self.nbr_count[i] as usize] -= 1;
            if let Some(word) = self.exposed.get_mut(i / 64) {
                *word &= !(1u64 << (i % 64));
            }
        }
        self.status[i] = ADOPTED;
        self.quality[i] = a.quality;
        self.lineage[i] = a.lineage;
        if let Some(step) = self.adopted_step.get_mut(i).filter(|s| **s == u32::MAX) {
            *step = t;
        }
        if matches!(a.channel, Channel::Pilot | Channel::Mandate) {
            self.locked[i] = true;
        }
        if self.classic.is_none() {
            if a.channel == Channel::Learning && t > 0 {
                self.grow(i);
            }
            let ab = &self.s.abandon;
            self.abandon_p[i] = abandon::probability(
                a.quality + f64::from(self.agents.fit[i]),
                ab.threshold,
                ab.rate,
                f64::from(self.agents.learning[i]),
            ) as f32;
        }
        if t > 0 {
            self.channel_total[a.channel as usize] += 1;
            self.step_new[a.channel as usize] += 1;
        }
        self.adopter_pos[i] = self.adopters.len() as u32;
        self.adopters.push(a.unit);
        self.adopter_risk.push(self.risk(i));
        let lc = &mut self.lineage_count[a.lineage as usize];
        if *lc == 0 {
            self.active_lineages += 1;
        }
        *lc += 1;
        if !self.pending.is_empty() {
            // `cascade`: i is new, it may activate its observers next step
            self.fresh.push(i as u32);
        }
        let y = a.quality + f64::from(self.agents.fit[i]);
        self.sum_q += a.quality;
        self.sum_q2 += a.quality * a.quality;
        self.sum_y += y;
        self.change_neighbourhood(i, 1, y);
    }

    /// Adopter i's chance to abandon in a step: none while locked (a pilot or a mandate).
    #[inline]
    fn risk(&self, i: usize) -> f32 {
        if self.locked[i] {
            0.0
        } else {
            self.abandon_p[i]
        }
    }

    /// Keeps `adopter_risk` in step with i's lock and abandonment probability.
    fn refresh_risk(&mut self, i: usize) {
        if let Some(pos) = self.adopter_pos.get(i).filter(|&&p| p != u32::MAX) {
            self.adopter_risk[*pos as usize] = self.risk(i);
        }
    }

    /// Makes adopter i drop the policy.
    fn abandon(&mut self, i: u32) {
        let i = i as usize;
        debug_assert_eq!(self.status[i], ADOPTED);
        self.status[i] = ABANDONED;
        self.locked[i] = false;
        self.step_abandoned += 1;
        let pos = self.adopter_pos[i] as usize;
        self.adopters.swap_remove(pos);
        self.adopter_risk.swap_remove(pos);
        if pos < self.adopters.len() {
            self.adopter_pos[self.adopters[pos] as usize] = pos as u32;
        }
        self.adopter_pos[i] = u32::MAX;
        let lc = &mut self.lineage_count[self.lineage[i] as usize];
        *lc -= 1;
        if *lc == 0 {
            self.active_lineages -= 1;
        }
        let q = self.quality[i];
        let y = self.performance(i);
        self.sum_q -= q;
        self.sum_q2 -= q * q;
        self.sum_y -= y;
        self.change_neighbourhood(i, -1, y);
        if let Some(f) = self.failures.as_mut() {
            // every abandonment is a failure: own evaluation below the threshold, or a failed pilot wound up
            if self.net.complete {
                f.fail(i, 0..self.n);
            } else {
                f.fail(i, self.net.observers(i).iter().map(|&o| o as usize));
            }
        }
    }

    /// Capacity that grows: i's L becomes L + growth * (1 - L), and what depends on L follows.
    fn grow(&mut self, i: usize) {
        let growth = self.s.learning.growth;
        if growth <= 0.0 {
            return;
        }
        let old = f64::from(self.agents.learning[i]);
        self.agents.learning[i] = learning::grown(old, growth) as f32;
        let new = f64::from(self.agents.learning[i]);
        self.sum_learning += new - old;
        let need = learning::need(&self.s.learning, f64::from(self.agents.fit[i]));
        self.propensity.learning[i] = learning::propensity(
            self.s.learning.rate,
            new,
            need,
            f64::from(self.agents.inertia[i]),
        ) as f32;
        if self.status[i] == ADOPTED {
            let ab = &self.s.abandon;
            self.abandon_p[i] =
                abandon::probability(self.performance(i), ab.threshold, ab.rate, new) as f32;
            self.refresh_risk(i);
        }
    }

    /// Updates neighbour counts, signals and group/region/level tallies when i adopts (+1) or abandons (-1).
    fn change_neighbourhood(&mut self, i: usize, delta: i32, performance: f64) {
        let w = learning::signal_weight(&self.s.learning, performance);
        let signed_w = if delta > 0 { w } else { -w };
        if self.net.complete {
            self.signal_total += signed_w;
        } else if !self.at_risk.is_empty() {
            // classic models that tally the never-adopted by adopting neighbours (they
            // weigh every adopting neighbour alike: no signal to keep)
            debug_assert!(!self.weighted);
            for &o in self.net.observers(i) {
                let o = o as usize;
                let old = self.nbr_count[o];
                let new = old.wrapping_add_signed(delta);
                self.nbr_count[o] = new;
                if self.status[o] == NEVER {
                    self.at_risk[old as usize] -= 1;
                    self.at_risk[new as usize] += 1;
                    if let Some(word) = self.exposed.get_mut(o / 64) {
                        if new == 0 {
                            *word &= !(1u64 << (o % 64));
                        } else {
                            *word |= 1u64 << (o % 64);
                        }
                    }
                }
            }
        } else {
            for &o in self.net.observers(i) {
                let o = o as usize;
                self.nbr_count[o] = self.nbr_count[o].wrapping_add_signed(delta);
                if self.weighted {
                    self.nbr_signal[o] += signed_w;
                }
            }
        }
        if let Some(g) = self.groups {
            // the share of adopters among each member's other members (same_parent rivals)
            let gi = g.of[i] as usize;
            let adopted = self.group_adopted[gi].wrapping_add_signed(delta);
            self.group_adopted[gi] = adopted;
            let others = g.members(gi as u32).len().saturating_sub(1);
            self.group_share[gi] = if others == 0 {
                0.0
            } else {
                adopted as f64 / others as f64
            };
        }
        if !self.region_size.is_empty() {
            let r = self.net.region[i] as usize;
            self.region_adopted[r] = self.region_adopted[r].wrapping_add_signed(delta);
        }
        if !self.level_size.is_empty() {
            let l = self.net.level[i] as usize;
            self.level_adopted[l] = self.level_adopted[l].wrapping_add_signed(delta);
        }
        if let Some(&c) = self.centre_of.get(i).filter(|&&c| c != NO_CENTRE) {
            self.centre_adopted[c as usize] =
                self.centre_adopted[c as usize].wrapping_add_signed(delta);
        }
    }

    /// What the finished run reports about itself (its row of `runs.csv`).
    fn summarise(&self, run: u64, [t10, t50, t90]: [Option<u32>; 3]) -> RunSummary {
        let n = self.n;
        let a = self.adopters.len();
        let total: u64 = self.channel_total.iter().sum();
        let mean_perf_end = (a > 0).then(|| self.sum_y / a as f64);
        let centres = &self.centres;
        // the first promotion of any centre; with centres at a level, the mean of their first evaluations
        let promoted_at = centres.iter().filter_map(Centre::promoted_at).min();
        let first: Vec<f64> = centres
            .iter()
            .filter_map(Centre::first_evaluation)
            .collect();
        let first_evaluation =
            (!first.is_empty()).then(|| first.iter().sum::<f64>() / first.len() as f64);
        // the earliest uptake (lowest step, then lowest centre)
        let uptake = centres
            .iter()
            .filter_map(Centre::uptake)
            .min_by_key(|u| u.step);
        let scoped = !self.centre_of.is_empty();
        RunSummary {
            run,
            final_share: a as f64 / n.max(1) as f64,
            t10,
            t50,
            t90,
            channel_shares: (total > 0)
                .then(|| self.channel_total.map(|c| c as f64 / total as f64)),
            promoted_at,
            evaluation_bias: match (first_evaluation, mean_perf_end) {
                (Some(e), Some(m)) => Some(e - m),
                _ => None,
            },
            final_mean_quality: (a > 0 && self.classic.is_none()).then(|| self.sum_q / a as f64),
            penalised: self
                .failures
                .as_ref()
                .map(abandon::Failures::penalised_count),
            deterred: self
                .failures
                .as_ref()
                .map(abandon::Failures::deterred_count),
            final_mean_learning: self
                .mean_learning
                .map(|_| self.sum_learning / n.max(1) as f64),
            rounds_used: reports_rounds(self.s)
                .then(|| centres.iter().map(Centre::rounds_used).sum()),
            uptake,
            uptake_inventor: uptake
                .and_then(|u| self.net.names.get(u.inventor as usize).map(Cow::into_owned))
                .unwrap_or_default(),
            evaluations: centres
                .iter()
                .flat_map(|c| c.evaluations().iter().copied())
                .collect(),
            centres: if scoped {
                centres
                    .iter()
                    .zip(&self.centre_adopted)
                    .enumerate()
                    .map(|(k, (c, &adopted))| CentreOutcome {
                        unit: self.centre_units[k],
                        units: c.size(n) as u32,
                        promoted_at: c.promoted_at(),
                        rounds_used: c.rounds_used(),
                        uptake_regret: c.uptake().map(|u| u.regret),
                        final_share: f64::from(adopted) / c.size(n).max(1) as f64,
                    })
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The adopted share under each centre with at least one government under it.
    fn centre_shares(&self) -> Vec<f64> {
        self.centres
            .iter()
            .zip(&self.centre_adopted)
            .filter_map(|(c, &a)| {
                let size = c.size(self.n);
                (size > 0).then(|| f64::from(a) / size as f64)
            })
            .collect()
    }

    /// Writes the state at the end of a step into one row of the record.
    fn record(&self, row: &mut [f64]) {
        use series::*;
        let a = self.adopters.len();
        row[ADOPTED_SHARE] = a as f64 / self.n.max(1) as f64;
        for c in 0..5 {
            row[NEW_INNOVATION + c] = self.step_new[c] as f64;
        }
        row[ABANDONED] = self.step_abandoned as f64;
        if a > 0 {
            let af = a as f64;
            let mq = self.sum_q / af;
            row[MEAN_QUALITY] = mq;
            row[MEAN_PERFORMANCE] = self.sum_y / af;
            row[QUALITY_SD] = (self.sum_q2 / af - mq * mq).max(0.0).sqrt();
        }
        row[LINEAGES] = self.active_lineages as f64;
        if self.classic.is_some() {
            // the classic models have no variants: no quality, performance or lineages
            for k in [MEAN_QUALITY, MEAN_PERFORMANCE, QUALITY_SD, LINEAGES] {
                row[k] = f64::NAN;
            }
        }
        let mut k = FIXED;
        for (adopted, size) in self.region_adopted.iter().zip(&self.region_size) {
            row[k] = *adopted as f64 / (*size).max(1) as f64;
            k += 1;
        }
        for (adopted, size) in self.level_adopted.iter().zip(&self.level_size) {
            row[k] = *adopted as f64 / (*size).max(1) as f64;
            k += 1;
        }
        if let Some(k) = self.mean_learning {
            row[k] = self.sum_learning / self.n.max(1) as f64;
        }
        if let Some(k) = self.centre_share {
            let shares = self.centre_shares();
            if !shares.is_empty() {
                let m = shares.len() as f64;
                row[k] = shares.iter().copied().fold(f64::INFINITY, f64::min);
                row[k + 1] = shares.iter().sum::<f64>() / m;
                row[k + 2] = shares.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            }
        }
        if let (Some(k), Some(u)) = (self.uptake_share, self.centres[0].uptake()) {
            row[k] = f64::from(self.lineage_count[u.lineage as usize]) / self.n.max(1) as f64;
        }
    }

    /// The centres act at the start of step t ([`Centre::begin_step`], in centre order); the
    /// run carries out their orders.
    fn centre_acts(&mut self, t: u32, abandonments: &mut Vec<u32>) {
        self.orders.clear();
        let locals = Locals {
            status: &self.status,
            quality: &self.quality,
            lineage: &self.lineage,
            fit: &self.agents.fit,
            learning: &self.agents.learning,
            competition: &self.agents.competition,
            region: &self.net.region,
            n_regions: self.net.region_names.len(),
            level: &self.net.level,
            adopters: &self.adopters,
            inventor: &self.inventor,
            centre_of: self.centre_of,
            centre_adopted: &self.centre_adopted,
        };
        for centre in &mut self.centres {
            centre.begin_step(t, &locals, &mut self.rng, &mut self.orders);
        }
        let orders = std::mem::take(&mut self.orders);
        for &i in &orders.learn_by_doing {
            self.grow(i as usize);
        }
        for &i in &orders.release {
            self.locked[i as usize] = false;
            self.refresh_risk(i as usize);
        }
        for &i in &orders.designate {
            self.designated[i as usize] = true;
        }
        abandonments.extend_from_slice(&orders.wind_up);
        self.orders = orders;
    }

    /// Every government decides for step t, reading only the state at the start of t:
    /// the policy model ([`Run::decide_policy`]) or a classic one ([`Run::decide_classic`]).
    fn decide(&mut self, t: u32, adoptions: &mut Vec<Adoption>, abandonments: &mut Vec<u32>) {
        match self.classic {
            None => self.decide_policy(t, adoptions, abandonments),
            Some(ClassicSetup::Cascade(src)) => self.decide_cascade(src, adoptions),
            Some(ClassicSetup::Si { thresholds, .. }) if !self.net.complete => {
                self.decide_si(thresholds, adoptions)
            }
            Some(setup) => self.decide_classic(setup, adoptions),
        }
    }

    /// `si` on an explicit network: the hot loop of the classic benchmark, written over
    /// the flat arrays directly (same decisions and draws as [`Run::decide_classic`]).
    /// The at-risk tally comes from `at_risk`, kept up to date as nodes adopt; only
    /// the nodes with an adopting neighbour (the `exposed` bits) are visited, in
    /// ascending order as a scan of all nodes would: the same draws in the same order.
    fn decide_si(&mut self, thresholds: &[u64], adoptions: &mut Vec<Adoption>) {
        let max_k = thresholds.len();
        if self.hazard.len() < max_k {
            self.hazard.resize(max_k, (0, 0));
        }
        let hazard = &mut self.hazard[..max_k];
        for (h, &c) in hazard.iter_mut().zip(&self.at_risk) {
            h.0 += c;
        }
        // a local copy of the generator stays in registers; it is written back below
        let mut rng = self.rng.clone();
        let counts = &self.nbr_count;
        for (w, &word) in self.exposed.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let k = counts[i] as usize;
                // the integer form of `rng.random::<f64>() < prob` (same draw, same decision)
                let threshold = thresholds[k];
                if threshold == 0 || (rng.next_u64() >> 11) >= threshold {
                    continue;
                }
                hazard[k].1 += 1;
                adoptions.push(Adoption {
                    unit: i as u32,
                    channel: Channel::Learning,
                    quality: 0.0,
                    lineage: TEMPLATE_LINEAGE,
                });
            }
        }
        self.rng = rng;
    }

    /// `bass`, `si`, `threshold` (see [`crate::model::classic`]): each never-adopted node
    /// decides from k (adopting sources at the start of the step) and d (its sources).
    fn decide_classic(&mut self, setup: &ClassicSetup, adoptions: &mut Vec<Adoption>) {
        let n = self.n;
        let complete = self.net.complete;
        let a_start = self.adopters.len();
        let degree = |i: usize| {
            if complete {
                n - 1
            } else {
                self.net.in_degree(i)
            }
        };
        for i in 0..n {
            if self.status[i] != NEVER {
                continue;
            }
            let k = if complete {
                a_start
            } else {
                self.nbr_count[i] as usize
            };
            if self.hazard.len() <= k {
                self.hazard.resize(k + 1, (0, 0));
            }
            self.hazard[k].0 += 1;
            let channel = match setup {
                ClassicSetup::Bass { p, q } => {
                    let d = degree(i);
                    let share = if d > 0 { k as f64 / d as f64 } else { 0.0 };
                    let h = classic_model::bass_hazard(*p, *q, share);
                    if h <= 0.0 {
                        continue;
                    }
                    let u = self.rng.random::<f64>();
                    if u >= h {
                        continue;
                    }
                    classic_model::bass_channel(*p, *q, share, u, h)
                }
                ClassicSetup::Si { by_infected, .. } => {
                    let prob = by_infected[k];
                    if prob <= 0.0 || self.rng.random::<f64>() >= prob {
                        continue;
                    }
                    Channel::Learning
                }
                ClassicSetup::Threshold(_) => {
                    if !classic_model::threshold_adopts(k, degree(i), self.node_values[i]) {
                        continue;
                    }
                    Channel::Learning
                }
                ClassicSetup::Cascade(_) => unreachable!("cascade has its own pass"),
            };
            self.hazard[k].1 += 1;
            adoptions.push(Adoption {
                unit: i as u32,
                channel,
                quality: 0.0,
                lineage: TEMPLATE_LINEAGE,
            });
        }
    }

    /// `cascade`: each node that adopted in the previous step tries once to activate each
    /// never-adopted observer; the cost is proportional to the edges of those nodes.
    fn decide_cascade(&mut self, src: &CascadeSource, adoptions: &mut Vec<Adoption>) {
        let n = self.n;
        let complete = self.net.complete;
        let a_start = self.adopters.len();
        // every never-adopted node is at risk, tallied by its adopting neighbours
        if complete {
            if a_start < n {
                if self.hazard.len() <= a_start {
                    self.hazard.resize(a_start + 1, (0, 0));
                }
                self.hazard[a_start].0 += (n - a_start) as u64;
            }
        } else if let Some(top) = self.at_risk.iter().rposition(|&c| c > 0) {
            if self.hazard.len() <= top {
                self.hazard.resize(top + 1, (0, 0));
            }
            for (h, &c) in self.hazard.iter_mut().zip(&self.at_risk[..=top]) {
                h.0 += c;
            }
        }
        let mut fresh = std::mem::take(&mut self.fresh);
        for &j in &fresh {
            let j = j as usize;
            let p_sender = match src {
                CascadeSource::Constant(p) => *p,
                CascadeSource::PerSender(_) => self.node_values[j],
                CascadeSource::Edges { .. } => 0.0,
            };
            let observers: &[u32] = if complete { &[] } else { self.net.observers(j) };
            let targets = if complete { n } else { observers.len() };
            for e in 0..targets {
                let i = if complete { e } else { observers[e] as usize };
                if i == j || self.status[i] != NEVER || self.pending[i] {
                    continue;
                }
                let p = match src {
                    CascadeSource::Edges { offsets, prob } => prob[offsets[j] + e],
                    _ => p_sender,
                };
                if p <= 0.0 || self.rng.random::<f64>() >= p {
                    continue;
                }
                self.pending[i] = true;
                let k = if complete {
                    a_start
                } else {
                    self.nbr_count[i] as usize
                };
                self.hazard[k].1 += 1;
                adoptions.push(Adoption {
                    unit: i as u32,
                    channel: Channel::Learning,
                    quality: 0.0,
                    lineage: TEMPLATE_LINEAGE,
                });
            }
        }
        fresh.clear();
        self.fresh = fresh;
        for a in adoptions.iter() {
            self.pending[a.unit as usize] = false;
        }
    }

    /// The policy model's decisions (MODEL.md sections 3 and 4).
    fn decide_policy(
        &mut self,
        t: u32,
        adoptions: &mut Vec<Adoption>,
        abandonments: &mut Vec<u32>,
    ) {
        let s = self.s;
        let n = self.n;
        let a_start = self.adopters.len();
        let share = a_start as f64 / n.max(1) as f64;
        let credit =
            competition::credit(share, s.competition.first_mover_bias, s.central.recognition);
        // what each centre has in force this step; a government under no centre sees none
        let now: Vec<CentreNow> = self.centres.iter().map(|c| CentreNow::of(c, t)).collect();
        let national = self.centre_of.is_empty();
        let abandon_on = s.abandon.rate > 0.0;
        let comp_on = s.competition.rate > 0.0;
        let complete = self.net.complete;
        let others = n.saturating_sub(1).max(1) as f64;
        // adopters first: each one that is not locked may abandon (in the adopters' order)
        if abandon_on {
            for (k, &p) in self.adopter_risk.iter().enumerate() {
                let p = f64::from(p);
                if p > 0.0 && self.rng.random::<f64>() < p {
                    abandonments.push(self.adopters[k]);
                }
            }
        }
        let any_designated = !self.orders.designate.is_empty();
        // then every government that has not adopted, in ascending order; the list is
        // compacted as it goes to those that do not adopt now
        let mut undecided = std::mem::take(&mut self.undecided);
        let mut kept = 0;
        for next in 0..undecided.len() {
            let i = undecided[next];
            undecided[kept] = i;
            kept += 1;
            let i = i as usize;
            let status = self.status[i];
            let k_adopted = if complete {
                a_start
            } else {
                self.nbr_count[i] as usize
            };
            if status == NEVER {
                if self.hazard.len() <= k_adopted {
                    self.hazard.resize(k_adopted + 1, (0, 0));
                }
                self.hazard[k_adopted].0 += 1;
            }
            let centre = if national {
                &now[0]
            } else {
                match self.centre_of[i] {
                    NO_CENTRE => &CentreNow::NONE,
                    c => &now[c as usize],
                }
            };
            if any_designated && self.designated[i] {
                let q = adapt::adapt(
                    &s.adapt,
                    centre.template.0,
                    f64::from(self.agents.learning[i]),
                    &mut self.rng,
                );
                adoptions.push(Adoption {
                    unit: i as u32,
                    channel: Channel::Pilot,
                    quality: q,
                    lineage: centre.template.1,
                });
                kept -= 1;
                self.hazard[k_adopted].1 += 1;
                continue;
            }
            let degree = if complete {
                others
            } else {
                self.net.in_degree(i) as f64
            };
            // learning signal S_i
            let mut signal_sum = if complete {
                if self.weighted && a_start > 0 {
                    self.signal_total
                } else {
                    a_start as f64
                }
            } else if self.weighted && k_adopted > 0 {
                // (with nobody adopting the sum is exactly 0, not float residue)
                self.nbr_signal[i]
            } else {
                k_adopted as f64
            };
            let mut denom = degree;
            if let Some(e) = centre.endorsed {
                signal_sum += e.weight * e.mean_w;
                denom += e.weight;
            }
            let signal = if denom > 0.0 { signal_sum / denom } else { 0.0 };
            let mut probs = [0.0; 5];
            probs[1] = model::clamp01(f64::from(self.propensity.learning[i]) * signal);
            if status == NEVER {
                probs[0] = f64::from(self.propensity.innovation[i]);
                if comp_on {
                    let p_rivals = self.rivals_share(i, k_adopted, a_start);
                    probs[2] = model::clamp01(
                        f64::from(self.propensity.competition[i]) * p_rivals * credit,
                    );
                }
                if let Some(f) = &self.failures {
                    // the costs of failure: appetite for risk left after failures seen
                    probs[0] *= f.appetite[i];
                    probs[2] *= f.appetite[i];
                }
                if centre.mandate_on {
                    probs[4] = centre::mandate_probability(
                        &s.central.mandate,
                        f64::from(self.agents.inertia[i]),
                        centre.at_deadline,
                    );
                }
            }
            let total = model::combined_probability(&probs);
            if total <= 0.0 || self.rng.random::<f64>() >= total {
                continue;
            }
            let channel = model::attribute(&probs, self.rng.random::<f64>());
            let (source_q, lineage) = match channel {
                Channel::Innovation => {
                    let q = self.innovation_quality.draw(&mut self.rng);
                    (q, self.new_lineage(i as u32))
                }
                Channel::Learning => match self.learning_source(i, centre.endorsed) {
                    Some(source) => source,
                    // S_i > 0 only through rounding, with nobody to learn from: no adoption
                    None => continue,
                },
                Channel::Competition => self.competition_source(i),
                Channel::Mandate => centre.mandate_variant,
                Channel::Pilot => centre.template,
            };
            // innovation starts a new variant; every copied variant is adapted
            let quality = if channel == Channel::Innovation {
                source_q
            } else {
                adapt::adapt(
                    &s.adapt,
                    source_q,
                    f64::from(self.agents.learning[i]),
                    &mut self.rng,
                )
            };
            if status == NEVER {
                self.hazard[k_adopted].1 += 1;
            }
            adoptions.push(Adoption {
                unit: i as u32,
                channel,
                quality,
                lineage,
            });
            kept -= 1;
        }
        undecided.truncate(kept);
        self.undecided = undecided;
    }

    /// The governments that have not adopted, after a step's adoptions and abandonments
    /// (the decision pass has already dropped the governments that adopted).
    fn update_undecided(&mut self, abandonments: &[u32]) {
        debug_assert!(self
            .undecided
            .iter()
            .all(|&i| self.status[i as usize] != ADOPTED));
        merge_sorted(&mut self.undecided, abandonments);
    }

    /// P_i: the share of i's rivals that have adopted.
    fn rivals_share(&self, i: usize, k_adopted: usize, a_start: usize) -> f64 {
        let others = self.n.saturating_sub(1);
        match self.s.competition.rivals {
            Rivals::Neighbours => {
                let k = self.net.in_degree(i);
                if k == 0 {
                    0.0
                } else {
                    k_adopted as f64 / k as f64
                }
            }
            Rivals::All => {
                if others == 0 {
                    0.0
                } else {
                    a_start as f64 / others as f64
                }
            }
            Rivals::SameParent => {
                let g = self.groups.expect("groups prepared for same_parent");
                self.group_share[g.of[i] as usize]
            }
        }
    }

    /// Whom i learns from (the four-step cycle): an adopting neighbour, chosen by observed performance.
    fn learning_source(&mut self, i: usize, endorsed: Option<Endorsement>) -> Option<(f64, u32)> {
        let mut chooser =
            learning::SourceChooser::new(&self.s.learning, f64::from(self.agents.learning[i]));
        if self.net.complete {
            let a = self.adopters.len();
            if a <= COMPLETE_OBSERVATION_SAMPLE {
                for k in 0..a {
                    let j = self.adopters[k];
                    chooser.offer(j, self.performance(j as usize), 1.0, &mut self.rng);
                }
            } else {
                for _ in 0..COMPLETE_OBSERVATION_SAMPLE {
                    let j = self.adopters[self.rng.random_range(0..a)];
                    chooser.offer(j, self.performance(j as usize), 1.0, &mut self.rng);
                }
            }
        } else {
            for &j in self.net.sources(i) {
                if self.status[j as usize] == ADOPTED {
                    chooser.offer(j, self.performance(j as usize), 1.0, &mut self.rng);
                }
            }
        }
        if let Some(e) = endorsed.filter(|e| e.weight > 0.0) {
            chooser.offer(ENDORSED_SOURCE, e.performance, e.weight, &mut self.rng);
        }
        match chooser.chosen()? {
            ENDORSED_SOURCE => endorsed.map(|e| (e.quality, e.lineage)),
            j => Some((self.quality[j as usize], self.lineage[j as usize])),
        }
    }

    /// Whom i copies when racing: an adopting rival picked uniformly.
    fn competition_source(&mut self, i: usize) -> (f64, u32) {
        let j = match self.s.competition.rivals {
            Rivals::All => self.adopters[self.rng.random_range(0..self.adopters.len())] as usize,
            Rivals::Neighbours if self.net.complete => {
                self.adopters[self.rng.random_range(0..self.adopters.len())] as usize
            }
            Rivals::Neighbours => {
                let k = self.nbr_count[i] as usize;
                let mut pick = self.rng.random_range(0..k);
                let mut found = 0usize;
                for &j in self.net.sources(i) {
                    if self.status[j as usize] == ADOPTED {
                        if pick == 0 {
                            found = j as usize;
                            break;
                        }
                        pick -= 1;
                    }
                }
                found
            }
            Rivals::SameParent => {
                let g = self.groups.expect("groups prepared");
                let members = g.members(g.of[i]);
                loop {
                    let j = members[self.rng.random_range(0..members.len())] as usize;
                    if self.status[j] == ADOPTED {
                        break j;
                    }
                }
            }
        };
        (self.quality[j], self.lineage[j])
    }
}

#[cfg(test)]
mod tests {
    use super::merge_sorted;

    #[test]
    fn merging_keeps_the_undecided_list_ascending() {
        let mut rng_state = 12345u64;
        for case in 0..200 {
            // two disjoint ascending lists drawn from 0..60
            let mut list = Vec::new();
            let mut extra = Vec::new();
            for i in 0..60u32 {
                rng_state = rng_state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match (rng_state >> 33) % 3 {
                    0 => list.push(i),
                    1 => extra.push(i),
                    _ => {}
                }
            }
            let mut expected = [list.clone(), extra.clone()].concat();
            expected.sort_unstable();
            merge_sorted(&mut list, &extra);
            assert_eq!(list, expected, "case {case}");
        }
        let mut empty = Vec::new();
        merge_sorted(&mut empty, &[3, 9]);
        assert_eq!(empty, [3, 9]);
    }
}
