//! What a run reports: its summary (one row of `runs.csv`), each centre's outcome, the
//! per-step record and the lineage trace.

use super::Event;
use crate::model::centre;

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
    /// t10, t50, t90 interpolated within their step ([`crate::crossing`]; None if never).
    pub t_interp: [Option<f64>; 3],
    /// Share of adoptions (steps 1..T) through each channel, in [`Channel::ALL`](crate::model::Channel::ALL) order.
    pub channel_shares: Option<[f64; 5]>,
    /// Share of adoptions (steps 1..T) through a common shock (None without `[shock]` or adoptions).
    pub shock_share: Option<f64>,
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
    /// Every adoption and abandonment in order (empty unless [`Prepared::record_events`](super::Prepared::record_events)).
    pub events: Vec<Event>,
}

impl RunSummary {
    /// The spread of the final shares of the centres' subtrees in one run: (sd, min, max) over
    /// the centres with governments under them (population sd: they are all the centres).
    pub fn centre_share_spread(&self) -> Option<(f64, f64, f64)> {
        let shares: Vec<f64> = self
            .centres
            .iter()
            .filter(|c| c.units > 0)
            .map(|c| c.final_share)
            .collect();
        if shares.is_empty() {
            return None;
        }
        let m = shares.iter().sum::<f64>() / shares.len() as f64;
        let var = shares.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / shares.len() as f64;
        Some((
            var.sqrt(),
            shares.iter().copied().fold(f64::INFINITY, f64::min),
            shares.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        ))
    }
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
