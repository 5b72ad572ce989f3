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
use crate::network::DataFiles;
use crate::network::Network;
use crate::rng::{Purpose, RunStreams};
use crate::scenario::{CentralMode, Rivals, Sampler, Scenario};
use rand::RngExt;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

mod adoption;
mod classic;
mod decide;
mod events;
mod exposure;
pub mod figures;
mod output;
mod prepared;
mod record;

pub use events::{Event, EventKind, CENTRE_SOURCE, NO_SOURCE};
pub use output::{CentreOutcome, LineageTrace, RunOutput, RunSummary};
use prepared::Groups;

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

/// Name of the series of new adoptions through a common shock (with `[shock]`).
pub const NEW_SHOCK: &str = "new_shock";

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
    /// Index of the [`NEW_SHOCK`] series (present only with a common shock).
    shock_series: Option<usize>,
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
    /// Keep every run's event history ([`RunSummary::events`], `events.csv`); off
    /// unless asked for: then a run allocates nothing for it.
    pub record_events: bool,
    /// Reads the data files the scenario names (again when `network.redraw` builds a
    /// run's own network).
    pub files: Arc<dyn DataFiles>,
}

/// An adoption decided during a step, applied at its end.
#[derive(Debug, Clone, Copy)]
struct Adoption {
    unit: u32,
    channel: Channel,
    quality: f64,
    lineage: u32,
    /// Whom it came from ([`NO_SOURCE`], [`CENTRE_SOURCE`] or a node index).
    source: u32,
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

/// The step word of the streams of a government's first adoption (its variant, whom
/// it copies): no step reaches it (steps stop far below, and `u32::MAX` keys the
/// sequential streams).
const FIRST_ADOPTION: u32 = u32::MAX - 1;

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
    /// The run's keyed random streams (one per step, government and purpose).
    streams: RunStreams,
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
    channel_total: [u64; 6],
    step_new: [u32; 6],
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
    /// Each government's running uniform (the policy model, `bass` and `si`; empty for
    /// `threshold` and `cascade`): while it has not adopted, it adopts in the step whose
    /// probability exceeds it, and otherwise carries on as (u - p) / (1 - p); while it has
    /// adopted (policy model), the same for abandoning. See [`decide::clock_step`].
    clock: Vec<f64>,
    /// The candidates' log-weights while a learner chooses whom to learn from (reused).
    source_keys: Vec<(u32, f64)>,
    /// The costs of failure (None when they are zero).
    failures: Option<abandon::Failures>,
    /// Sum of the learning capacities, and where its mean is recorded (with `learning.growth` > 0).
    sum_learning: f64,
    mean_learning: Option<usize>,
    /// Where the share on the lineage taken up is recorded (mode `uptake`).
    uptake_share: Option<usize>,
    /// Where the new adoptions through a common shock are recorded (with `[shock]`).
    shock_series: Option<usize>,
    /// The event history, when asked for ([`Prepared::record_events`]).
    events: Option<Vec<Event>>,
    /// Edge weights, exposure and recency (MODEL.md 4d), when more than the plain share.
    influence: Option<exposure::Influence>,
    /// The step at which each adopter last adopted (with a recency kernel; else empty).
    since: Vec<u32>,
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
/// `streams` must be the run's own ([`crate::rng::run_streams`]); `record_steps` asks for
/// each government's adoption step (for the map of the representative run).
pub fn run_once(
    scenario: &Scenario,
    prepared: &Prepared,
    run: u64,
    streams: RunStreams,
    record_steps: bool,
) -> RunOutput {
    run_or_cancel(scenario, prepared, run, streams, record_steps, None)
        .expect("a run without a cancel flag completes")
}

/// [`run_once`] that looks at `cancel` before every step and gives up (`None`) as soon
/// as it is set, so that stopping does not wait for a long run to finish.
pub fn run_or_cancel(
    scenario: &Scenario,
    prepared: &Prepared,
    run: u64,
    streams: RunStreams,
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
        prepared
            .recipe
            .draw(n, &mut streams.sequential(Purpose::Traits))
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
        let mut rng = streams.sequential(Purpose::Templates);
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
    let node_values = classic.map_or(Vec::new(), |c| {
        c.draw_node_values(n, &mut streams.sequential(Purpose::NodeValues))
    });
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
        clock: match classic {
            Some(ClassicSetup::Threshold(_) | ClassicSetup::Cascade(_)) => Vec::new(),
            _ => initial_clocks(&streams, n),
        },
        source_keys: Vec::new(),
        failures,
        sum_learning: agents.learning.iter().map(|&l| f64::from(l)).sum(),
        mean_learning: prepared.mean_learning,
        uptake_share: prepared.uptake_share,
        shock_series: prepared.shock_series,
        events: prepared.record_events.then(Vec::new),
        influence: classic
            .is_none()
            .then(|| exposure::Influence::new(scenario, net))
            .flatten(),
        since: if classic.is_none() && exposure::Influence::timed(scenario) {
            vec![0; n]
        } else {
            Vec::new()
        },
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
        channel_total: [0; 6],
        step_new: [0; 6],
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
        streams,
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
    let initial = prepared
        .initial
        .draw(n, &mut streams.sequential(Purpose::Initial));
    for &i in &initial {
        let (q, lin) = if r.classic.is_some() {
            (0.0, TEMPLATE_LINEAGE)
        } else {
            // the variant stream of its first adoption
            let q =
                r.innovation_quality
                    .draw(&mut streams.stream(FIRST_ADOPTION, i, Purpose::Variant));
            (q, r.new_lineage(i))
        };
        r.adopt(
            Adoption {
                unit: i,
                channel: Channel::Innovation,
                quality: q,
                lineage: lin,
                source: NO_SOURCE,
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
        r.step_new = [0; 6];
        r.step_abandoned = 0;
        if r.classic.is_none() {
            r.centre_acts(t, &mut abandonments);
            r.begin_exposure_step(t);
        }
        r.decide(t, &mut adoptions, &mut abandonments);
        // wound-up pilots may also have decided to abandon on their own: count each once
        abandonments.sort_unstable();
        abandonments.dedup();
        for &i in &abandonments {
            r.abandon(i, t);
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

    let mut summary = r.summarise(run, [t10, t50, t90]);
    summary.t_interp = crate::crossing::interpolated_times([t10, t50, t90], |t| {
        record[t * n_series + series::ADOPTED_SHARE]
    });
    if let Some(events) = r.events.take() {
        summary.events = events;
    }
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

/// Every government's first adoption clock: governments 2m and 2m + 1 take the two 64-bit
/// halves of block m of the clock stream (first adoption, m, [`adoption::ADOPT_CLOCK`]),
/// one Philox block for two governments, each half always the same government's.
fn initial_clocks(streams: &RunStreams, n: usize) -> Vec<f64> {
    let mut clocks = Vec::with_capacity(n + 1);
    for m in 0..n.div_ceil(2) as u32 {
        let pair = streams.block_u64s(FIRST_ADOPTION, m, adoption::ADOPT_CLOCK, Purpose::Clock, 0);
        clocks.extend(pair.map(decide::unit_interval));
    }
    clocks.truncate(n);
    clocks
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
