//! Many runs in parallel (rayon), aggregated in run order so results never depend on the
//! number of threads. Memory grows with the network and the number of threads, not with
//! the number of runs: runs are processed in batches and folded into running statistics.

use crate::aggregate::{CurveStats, Stat, TimeSummary, TimeToLevel};
use crate::error::{Error, Result};
use crate::network::DataFiles;
use crate::network::{build_network, Network};
use crate::rng::{network_rng, run_streams, Purpose, RunStreams};
use crate::run::{run_once, run_or_cancel, Prepared, RunOutput, RunSummary};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// How to run an ensemble (all optional).
#[derive(Default)]
pub struct EnsembleOptions<'a> {
    /// Number of worker threads (None = all cores).
    pub threads: Option<usize>,
    /// Called with 1 each time a run finishes (from worker threads).
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// When set to true, the ensemble stops and returns [`Error::Interrupted`].
    pub cancel: Option<&'a AtomicBool>,
}

/// Statistics of the per-run figures across runs.
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    /// Final adopted share.
    pub final_share: Stat,
    /// Steps to 10% (runs that reached it).
    pub t10: Stat,
    /// Steps to 50%.
    pub t50: Stat,
    /// Steps to 90%.
    pub t90: Stat,
    /// Channel shares, in [`crate::model::Channel::ALL`] order.
    pub channel_shares: [Stat; 5],
    /// Share of adoptions through a common shock (runs of a scenario with `[shock]`).
    pub shock_share: Stat,
    /// Promotion step.
    pub promoted_at: Stat,
    /// Evaluation bias.
    pub evaluation_bias: Stat,
    /// Final mean quality of adopters.
    pub final_mean_quality: Stat,
    /// Steps to 10%, 50% and 90% with the runs that never got there (censored times).
    pub times: [TimeToLevel; 3],
    /// Uptake regret (runs in which the centre took a variant up).
    pub uptake_regret: Stat,
    /// Runs in which the centre took a local variant up.
    pub runs_taken_up: u64,
    /// Pilot batches designated (runs that report them).
    pub rounds_used: Stat,
    /// Governments penalised for a failure (with costs of failure).
    pub penalised: Stat,
    /// Governments deterred by a neighbour's failure (with costs of failure).
    pub deterred: Stat,
    /// Mean learning capacity at the last step (with `learning.growth` > 0).
    pub final_mean_learning: Stat,
    /// Sd across centres of their subtrees' final shares (with `central.scope` below national).
    pub centre_share_sd: Stat,
    /// Every figure of [`crate::run::figures::RUN_FIGURES`], in its order (empty before the first run).
    pub figures: Vec<Stat>,
    /// The figures that are times, as censored times (same order; empty for the others).
    pub figure_times: Vec<TimeToLevel>,
}

impl RunStats {
    fn push(&mut self, s: &RunSummary) {
        let opt = |x: Option<u32>| x.map_or(f64::NAN, f64::from);
        self.final_share.push(s.final_share);
        self.t10.push(opt(s.t10));
        self.t50.push(opt(s.t50));
        self.t90.push(opt(s.t90));
        for (time, t) in self.times.iter_mut().zip([s.t10, s.t50, s.t90]) {
            time.push(t);
        }
        if let Some(c) = s.channel_shares {
            for (stat, x) in self.channel_shares.iter_mut().zip(c) {
                stat.push(x);
            }
        }
        if let Some(x) = s.shock_share {
            self.shock_share.push(x);
        }
        self.promoted_at.push(opt(s.promoted_at));
        self.evaluation_bias
            .push(s.evaluation_bias.unwrap_or(f64::NAN));
        self.final_mean_quality
            .push(s.final_mean_quality.unwrap_or(f64::NAN));
        self.uptake_regret
            .push(s.uptake.map_or(f64::NAN, |u| u.regret));
        self.runs_taken_up += u64::from(s.uptake.is_some());
        self.rounds_used
            .push(s.rounds_used.map_or(f64::NAN, f64::from));
        self.penalised.push(s.penalised.map_or(f64::NAN, f64::from));
        self.deterred.push(s.deterred.map_or(f64::NAN, f64::from));
        self.final_mean_learning
            .push(s.final_mean_learning.unwrap_or(f64::NAN));
        self.centre_share_sd
            .push(s.centre_share_spread().map_or(f64::NAN, |(sd, _, _)| sd));
        let all = crate::run::figures::RUN_FIGURES;
        if self.figures.is_empty() {
            self.figures = vec![Stat::new(); all.len()];
            self.figure_times = vec![TimeToLevel::default(); all.len()];
        }
        for (k, f) in all.iter().enumerate() {
            let v = (f.value)(s);
            self.figures[k].push(v.unwrap_or(f64::NAN));
            if f.time {
                // an interpolated time counts at the step it fell in (its whole-step time)
                self.figure_times[k].push(v.map(|t| t.max(0.0).ceil() as u32));
            }
        }
    }

    /// The statistic of figure `k` of [`crate::run::figures::RUN_FIGURES`] and, for a time,
    /// its censored summary at the horizon `steps`.
    pub fn figure(
        &self,
        k: usize,
        steps: u32,
    ) -> (Option<crate::aggregate::Summary>, Option<TimeSummary>) {
        let Some(stat) = self.figures.get(k) else {
            return (None, None);
        };
        let time = crate::run::figures::RUN_FIGURES[k]
            .time
            .then(|| self.figure_times[k].summary(stat, steps));
        (stat.summary(), time)
    }
}

impl RunStats {
    /// t10, t50 and t90 as censored times (runs that never reach a level censored at `steps`).
    pub fn time_summaries(&self, steps: u32) -> [TimeSummary; 3] {
        let stats = [&self.t10, &self.t50, &self.t90];
        [0, 1, 2].map(|k| self.times[k].summary(stats[k], steps))
    }
}

/// The representative run (the one whose final share is closest to the median), re-run
/// with every government's adoption step recorded.
#[derive(Debug, Clone)]
pub struct Representative {
    /// Run index.
    pub run: u64,
    /// Adoption step per government (`u32::MAX` = never).
    pub adopted_step: Vec<u32>,
    /// The network of that run (differs between runs only with `network.redraw`).
    pub network: Network,
    /// Adopters of every lineage at every step (mode `uptake`).
    pub lineages: Option<crate::run::LineageTrace>,
}

/// What an ensemble produces.
#[derive(Debug, Clone)]
pub struct EnsembleResult {
    /// Per-step statistics of every series.
    pub curves: CurveStats,
    /// Hazard counts pooled over runs and steps: (at risk, adoptions) by adopting neighbours.
    pub hazard: Vec<(u64, u64)>,
    /// Statistics of the per-run figures.
    pub runs: RunStats,
    /// The representative run.
    pub representative: Representative,
    /// Number of governments (of the first run's network).
    pub n: usize,
    /// Wall time in seconds.
    pub wall_time_s: f64,
    /// Calendar year of step 0, when known (set by `fit` from observed adoptions); None from a plain ensemble.
    pub start_year: Option<i32>,
    /// Bootstrap replicates of the mean adopted-share curve, when the prepared state asks
    /// for them ([`Prepared::bootstrap_share`]).
    pub share_bootstrap: Option<crate::aggregate::ShareBootstrap>,
}

impl EnsembleResult {
    /// The 95% percentile-bootstrap interval of the RMSE between `observed` and the mean
    /// adopted share (None without bootstrap replicates).
    pub fn rmse_interval(&self, observed: &[f64]) -> Option<(f64, f64)> {
        self.share_bootstrap
            .as_ref()?
            .percentile_interval(|curve| crate::stats::share_rmse(observed, curve))
    }

    /// The mean adopted share at each step (NaN where no run has a value).
    pub fn mean_share(&self) -> Vec<f64> {
        (0..self.curves.rows)
            .map(|t| {
                self.curves
                    .cell(t, 0)
                    .summary()
                    .map_or(f64::NAN, |s| s.mean)
            })
            .collect()
    }
}

/// Builds the network a scenario draws once (from the seed), reading the data files it
/// names through `files`, and prepares the shared state.
pub fn prepare_from(scenario: &Scenario, files: Arc<dyn DataFiles>) -> Result<Prepared> {
    let mut rng = network_rng(scenario.seed);
    let network = build_network(scenario, &mut rng, files.as_ref())?;
    Prepared::new(scenario, network, files)
}

/// The prepared state and random streams of run `run`: shared, or drawn anew with `network.redraw`.
fn prepare_run<'a>(
    scenario: &Scenario,
    seed: u64,
    shared: &'a Prepared,
    run: u64,
) -> Result<(Cow<'a, Prepared>, RunStreams)> {
    let streams = run_streams(seed, run);
    if scenario.network.redraw {
        let mut rng = streams.sequential(Purpose::Network);
        let network = build_network(scenario, &mut rng, shared.files.as_ref())?;
        let mut prepared = Prepared::new(scenario, network, shared.files.clone())?;
        prepared.record_events = shared.record_events;
        Ok((Cow::Owned(prepared), streams))
    } else {
        Ok((Cow::Borrowed(shared), streams))
    }
}

/// Runs run `run` of the scenario (with master seed `seed`) on its own random streams.
pub fn run_indexed(
    scenario: &Scenario,
    seed: u64,
    shared: &Prepared,
    run: u64,
    record_steps: bool,
) -> Result<RunOutput> {
    let (prepared, streams) = prepare_run(scenario, seed, shared, run)?;
    Ok(run_once(scenario, &prepared, run, streams, record_steps))
}

/// Runs simulated together in one batch by `threads` workers; while one batch runs the
/// one before it is folded, so at most twice this many runs' outputs are alive at once.
pub fn batch_size(threads: usize) -> u64 {
    (threads.max(1) as u64 * 16).max(32)
}

/// Runs `scenario.runs` runs with master seed `seed`; calls `on_run` for each run in run order.
pub fn run_ensemble(
    scenario: &Scenario,
    seed: u64,
    shared: &Prepared,
    options: &EnsembleOptions,
    on_run: &mut (dyn FnMut(&RunSummary) -> Result<()> + Send),
) -> Result<EnsembleResult> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failure(format!("cannot start worker threads: {e}")))?;
    pool.install(|| ensemble_in_pool(scenario, seed, shared, options, on_run))
}

/// What the ensemble keeps of its runs, folded in run order.
struct Tally<'a> {
    seed: u64,
    runs: u64,
    curves: CurveStats,
    hazard: Vec<(u64, u64)>,
    stats: RunStats,
    final_shares: Vec<f64>,
    share_bootstrap: Option<crate::aggregate::ShareBootstrap>,
    on_run: &'a mut (dyn FnMut(&RunSummary) -> Result<()> + Send),
}

impl Tally<'_> {
    /// Folds in the outputs of the batch of runs that starts at run `start`, in run order.
    fn absorb(&mut self, start: u64, outputs: Vec<Result<RunOutput>>) -> Result<()> {
        for out in outputs {
            let out = match out {
                Ok(o) => o,
                Err(Error::Interrupted(_)) => {
                    return Err(Error::Interrupted(format!(
                        "{start} of {} runs finished",
                        self.runs
                    )));
                }
                Err(e) => return Err(e),
            };
            let curves = &mut self.curves;
            if out.series.len() != curves.rows * curves.series.len() {
                return Err(Error::Failure(format!(
                    "run {} reported {} series values; expected {} (with network.redraw every run must have the same regions and levels)",
                    out.summary.run,
                    out.series.len(),
                    curves.rows * curves.series.len()
                )));
            }
            curves.push_run(&out.series);
            if let Some(b) = self.share_bootstrap.as_mut() {
                let width = curves.series.len();
                // series 0 is the adopted share
                b.push(self.seed, out.summary.run, |t| out.series[t * width]);
            }
            if self.hazard.len() < out.hazard.len() {
                self.hazard.resize(out.hazard.len(), (0, 0));
            }
            for (h, o) in self.hazard.iter_mut().zip(&out.hazard) {
                h.0 += o.0;
                h.1 += o.1;
            }
            self.stats.push(&out.summary);
            self.final_shares.push(out.summary.final_share);
            (self.on_run)(&out.summary)?;
        }
        Ok(())
    }
}

fn ensemble_in_pool(
    scenario: &Scenario,
    seed: u64,
    shared: &Prepared,
    options: &EnsembleOptions,
    on_run: &mut (dyn FnMut(&RunSummary) -> Result<()> + Send),
) -> Result<EnsembleResult> {
    let started = Instant::now();
    let runs = scenario.runs as u64;
    let rows = scenario.steps as usize + 1;
    let mut tally = Tally {
        seed,
        runs,
        curves: CurveStats::new(shared.series.clone(), rows),
        hazard: Vec::new(),
        stats: RunStats::default(),
        final_shares: Vec::with_capacity(runs.min(1 << 24) as usize),
        share_bootstrap: shared
            .bootstrap_share
            .then(|| crate::aggregate::ShareBootstrap::new(rows)),
        on_run,
    };
    let batch = batch_size(rayon::current_num_threads());
    let cancelled = || options.cancel.is_some_and(|c| c.load(Ordering::Relaxed));
    let simulate = |start: u64, end: u64| -> Vec<Result<RunOutput>> {
        (start..end)
            .into_par_iter()
            .map(|run| {
                if cancelled() {
                    return Err(Error::Interrupted(String::new()));
                }
                // a long run gives up between steps once the flag is set
                let out =
                    prepare_run(scenario, seed, shared, run).and_then(|(prepared, streams)| {
                        run_or_cancel(scenario, &prepared, run, streams, false, options.cancel)
                            .ok_or_else(|| Error::Interrupted(String::new()))
                    });
                if let Some(p) = options.progress {
                    p(1);
                }
                out
            })
            .collect()
    };
    // Each batch is folded in (in run order, on one thread) while the next batch runs,
    // so no worker waits for the tally.
    let mut pending: Option<(u64, Vec<Result<RunOutput>>)> = None;
    let mut start = 0u64;
    while start < runs {
        if cancelled() {
            // every run before `start` has finished: fold them in before giving up
            if let Some((from, outputs)) = pending.take() {
                tally.absorb(from, outputs)?;
            }
            return Err(Error::Interrupted(format!(
                "{start} of {runs} runs finished"
            )));
        }
        let end = (start + batch).min(runs);
        let (folded, outputs) = rayon::join(
            || match pending.take() {
                Some((from, outputs)) => tally.absorb(from, outputs),
                None => Ok(()),
            },
            || simulate(start, end),
        );
        folded?;
        pending = Some((start, outputs));
        start = end;
    }
    if let Some((from, outputs)) = pending {
        tally.absorb(from, outputs)?;
    }
    let representative = representative(scenario, seed, shared, &tally.final_shares)?;
    Ok(EnsembleResult {
        curves: tally.curves,
        hazard: tally.hazard,
        runs: tally.stats,
        n: shared.network.n,
        representative,
        wall_time_s: started.elapsed().as_secs_f64(),
        start_year: None,
        share_bootstrap: tally.share_bootstrap,
    })
}

/// Index of the run whose final share is closest to the median (lowest index on ties).
pub fn median_run(final_shares: &[f64]) -> usize {
    let mut sorted = final_shares.to_vec();
    sorted.sort_by(f64::total_cmp);
    let median = crate::aggregate::quantile_sorted(&sorted, 0.5);
    let mut best = 0;
    for (i, x) in final_shares.iter().enumerate() {
        if (x - median).abs() < (final_shares[best] - median).abs() {
            best = i;
        }
    }
    best
}

fn representative(
    scenario: &Scenario,
    seed: u64,
    shared: &Prepared,
    final_shares: &[f64],
) -> Result<Representative> {
    let run = median_run(final_shares) as u64;
    let (prepared, streams) = prepare_run(scenario, seed, shared, run)?;
    let out = run_once(scenario, &prepared, run, streams, true);
    Ok(Representative {
        run,
        adopted_step: out.adopted_step.unwrap_or_default(),
        lineages: out.lineages,
        network: prepared.into_owned().network,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_run_is_closest_to_the_median() {
        assert_eq!(median_run(&[0.9, 0.1, 0.5, 0.52, 0.3]), 2);
        assert_eq!(
            median_run(&[0.25, 0.75]),
            0,
            "ties go to the lower run index"
        );
    }

    /// Runs are folded in while later batches run: every run still reaches `on_run` once,
    /// in run order, and an error from `on_run` ends the ensemble with no later run seen.
    #[test]
    fn runs_reach_on_run_in_order_and_an_error_stops_them() {
        let s = crate::scenario::parse_scenario(
            "runs = 150\nsteps = 5\n[network]\nkind = \"ring\"\nn = 60\nk = 4\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let shared = prepare_from(&s, Arc::new(crate::network::NoDataFiles)).unwrap();
        for threads in [1, 2] {
            let options = EnsembleOptions {
                threads: Some(threads),
                ..Default::default()
            };
            let mut seen = Vec::new();
            run_ensemble(&s, 3, &shared, &options, &mut |r| {
                seen.push(r.run);
                Ok(())
            })
            .unwrap();
            assert_eq!(seen, (0..150).collect::<Vec<u64>>(), "{threads} threads");
            let mut seen = Vec::new();
            let err = run_ensemble(&s, 3, &shared, &options, &mut |r| {
                seen.push(r.run);
                if r.run == 70 {
                    Err(Error::Failure("disk full".into()))
                } else {
                    Ok(())
                }
            })
            .unwrap_err();
            assert!(err.to_string().contains("disk full"), "{err}");
            assert_eq!(seen, (0..=70).collect::<Vec<u64>>(), "{threads} threads");
        }
    }
}
