//! Runs until the answer is as precise as asked (`--precision METRIC=WIDTH`): a
//! fixed-width sequential interval after Chow and Robbins (1965). Runs are made in
//! batches of fixed size ([`BATCH`]) from run 0, the same run indices (and so the same
//! random streams) in every arm; after each batch, from [`MIN_RUNS`] runs on, the
//! procedure stops when every quantity asked for has
//!
//! `t(0.975, n - 1) · s_n / √n + 1/n ≤ WIDTH`,
//!
//! with s_n the standard deviation of its n values: the mean of the metric over runs
//! (`run`), or the run-by-run difference of a point to the baseline (`sweep --baseline`).
//! The checkpoints depend on the run count only, never on timing or threads, so the
//! answer is the same whatever the thread count. docs/statistics.md.

use crate::ensemble::run_indexed;
use crate::error::{Error, Result};
use crate::paired::restricted_time;
use crate::run::figures::{figure, RunFigure};
use crate::run::Prepared;
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// The fewest runs the procedure looks at (its first checkpoint).
pub const MIN_RUNS: u64 = 30;
/// Runs added between two checkpoints.
pub const BATCH: u64 = 30;
/// The cap on runs when `--max-runs` is not given.
pub const DEFAULT_MAX_RUNS: u64 = 100_000;

/// What precision is asked for: a metric and the half-width of its 95% interval.
#[derive(Debug, Clone, Copy)]
pub struct Precision {
    /// The per-run figure (a column of `runs.csv`).
    pub figure: &'static RunFigure,
    /// The half-width asked for (> 0).
    pub width: f64,
    /// The most runs to make.
    pub max_runs: u64,
}

impl Precision {
    /// Parses `METRIC=WIDTH` (the value of `option`, named in errors) for scenarios that
    /// must all report the metric, with the cap `max_runs` (None: [`DEFAULT_MAX_RUNS`]).
    pub fn parse(
        option: &str,
        spec: &str,
        scenarios: &[&Scenario],
        max_runs: Option<u64>,
    ) -> Result<Precision> {
        let bad = |what: String| Error::Input(format!("{option} `{spec}`: {what}"));
        let Some((name, width)) = spec.split_once('=') else {
            return Err(bad(
                "expected METRIC=WIDTH, the half-width of the 95% interval, e.g. t50_interp=0.1 or final_share=0.005".into(),
            ));
        };
        let name = name.trim();
        let Some(figure) = figure(name) else {
            return Err(bad(format!(
                "unknown metric `{name}`; the metrics are the columns of runs.csv: {}",
                crate::run::figures::names()
            )));
        };
        if let Some(s) = scenarios.iter().find(|s| !(figure.reported)(s)) {
            return Err(bad(format!(
                "scenario `{}` does not report `{name}` (its runs.csv has no such column)",
                s.name
            )));
        }
        let width: f64 = match width.trim().parse::<f64>() {
            Ok(w) if w.is_finite() && w > 0.0 => w,
            _ => {
                return Err(bad(format!(
                    "the width must be a number greater than 0, found `{}`",
                    width.trim()
                )))
            }
        };
        let max_runs = max_runs.unwrap_or(DEFAULT_MAX_RUNS);
        if max_runs < MIN_RUNS {
            return Err(Error::Input(format!(
                "--max-runs {max_runs}: --precision makes at least {MIN_RUNS} runs; give at least {MIN_RUNS}"
            )));
        }
        if max_runs > u64::from(u32::MAX) {
            return Err(Error::Input(format!(
                "--max-runs {max_runs}: at most {} runs",
                u32::MAX
            )));
        }
        Ok(Precision {
            figure,
            width,
            max_runs,
        })
    }
}

/// One arm: a scenario, its master seed and its prepared state.
#[derive(Clone, Copy)]
pub struct Arm<'a> {
    /// The scenario (its `steps` is the horizon of a time).
    pub scenario: &'a Scenario,
    /// The master seed of its runs.
    pub seed: u64,
    /// What its runs share.
    pub prepared: &'a Prepared,
}

/// The interval of one quantity (a mean, or a difference to the baseline) at a checkpoint.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Values used (runs, or pairs with a value in both arms).
    pub n: u64,
    /// The mean (of the values, or of the run-by-run differences).
    pub estimate: f64,
    /// Half-width of its 95% t interval, t(0.975, n - 1) · s / √n.
    pub half_width: f64,
}

impl Interval {
    /// The stopping criterion: half-width + 1/n (infinite with fewer than 2 values).
    pub fn criterion(&self) -> f64 {
        if self.n < 2 {
            f64::INFINITY
        } else {
            self.half_width + 1.0 / self.n as f64
        }
    }
}

/// Where the procedure stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Runs made in every arm.
    pub runs: u64,
    /// True when every quantity reached the width (false: the cap was reached first).
    pub reached: bool,
    /// Per arm: its interval (the mean with no baseline; the difference to the baseline,
    /// None for the baseline itself).
    pub intervals: Vec<Option<Interval>>,
    /// The largest criterion at the checkpoint before the last (None at the first).
    pub previous_criterion: Option<f64>,
}

impl Outcome {
    /// The largest criterion over the quantities at the last checkpoint.
    pub fn criterion(&self) -> f64 {
        worst(&self.intervals)
    }
}

fn worst(intervals: &[Option<Interval>]) -> f64 {
    intervals
        .iter()
        .flatten()
        .map(Interval::criterion)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// A run's value of the figure: a time restricted to `tau` (defined for every run), else
/// the value (None where the run has none).
fn value(figure: &RunFigure, v: Option<f64>, tau: f64) -> Option<f64> {
    if figure.time {
        Some(restricted_time(v, tau))
    } else {
        v
    }
}

/// The 95% t interval of the mean of `xs`.
fn interval(xs: &[f64]) -> Interval {
    let n = xs.len() as u64;
    let (estimate, var) = crate::stats::mean_var(xs);
    let half_width = if n < 2 {
        f64::INFINITY
    } else if var > 0.0 {
        crate::stats::t_quantile(0.975, n as f64 - 1.0) * (var / n as f64).sqrt()
    } else {
        0.0
    };
    Interval {
        n,
        estimate,
        half_width,
    }
}

/// The intervals of every quantity from the raw values of every arm's runs so far.
fn intervals(
    arms: &[Arm],
    values: &[Vec<Option<f64>>],
    baseline: Option<usize>,
    figure: &RunFigure,
) -> Vec<Option<Interval>> {
    (0..arms.len())
        .map(|i| match baseline {
            None => {
                let tau = f64::from(arms[i].scenario.steps);
                let xs: Vec<f64> = values[i]
                    .iter()
                    .filter_map(|&v| value(figure, v, tau))
                    .collect();
                Some(interval(&xs))
            }
            Some(b) if b == i => None,
            Some(b) => {
                // times at the common horizon, as compare and sweep --baseline do
                let tau = f64::from(arms[i].scenario.steps.min(arms[b].scenario.steps));
                let d: Vec<f64> = values[b]
                    .iter()
                    .zip(&values[i])
                    .filter_map(|(&a, &x)| Some(value(figure, x, tau)? - value(figure, a, tau)?))
                    .collect();
                Some(interval(&d))
            }
        })
        .collect()
}

/// Runs every arm in batches of the same run indices until every quantity's 95%
/// interval is as narrow as asked (or the cap is reached): the mean of the figure in each
/// arm (`baseline` None) or each arm's run-by-run difference to the arm `baseline`.
/// Runs on `threads` workers (None: all cores); stops with [`Error::Interrupted`] when
/// `cancel` is set.
pub fn run_until_precise(
    arms: &[Arm],
    baseline: Option<usize>,
    precision: &Precision,
    threads: Option<usize>,
    cancel: Option<&AtomicBool>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Outcome> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failure(format!("cannot start worker threads: {e}")))?;
    let figure = precision.figure;
    let mut values: Vec<Vec<Option<f64>>> = vec![Vec::new(); arms.len()];
    let mut done = 0u64;
    let mut previous = None;
    loop {
        let next = if done == 0 { MIN_RUNS } else { done + BATCH }.min(precision.max_runs);
        let jobs: Vec<(usize, u64)> = (0..arms.len())
            .flat_map(|a| (done..next).map(move |r| (a, r)))
            .collect();
        let outputs: Vec<Result<Option<f64>>> = pool.install(|| {
            jobs.par_iter()
                .map(|&(a, run)| {
                    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                        return Err(Error::Interrupted(String::new()));
                    }
                    let arm = &arms[a];
                    let out = run_indexed(arm.scenario, arm.seed, arm.prepared, run, false)?;
                    if let Some(p) = progress {
                        p(1);
                    }
                    Ok((figure.value)(&out.summary))
                })
                .collect()
        });
        for (&(a, _), v) in jobs.iter().zip(outputs) {
            values[a].push(v.map_err(|e| match e {
                Error::Interrupted(_) => Error::Interrupted(format!(
                    "{done} runs finished before --precision was reached"
                )),
                other => other,
            })?);
        }
        done = next;
        let now = intervals(arms, &values, baseline, figure);
        let reached = worst(&now) <= precision.width;
        if reached || done >= precision.max_runs {
            return Ok(Outcome {
                runs: done,
                reached,
                intervals: now,
                previous_criterion: previous,
            });
        }
        previous = Some(worst(&now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_criterion_adds_one_over_n_to_the_t_half_width() {
        let i = interval(&[1.0, 2.0, 3.0, 4.0]);
        let half = crate::stats::t_quantile(0.975, 3.0) * (5.0f64 / 3.0 / 4.0).sqrt();
        assert!((i.half_width - half).abs() < 1e-12 && i.estimate == 2.5);
        assert!((i.criterion() - half - 0.25).abs() < 1e-12);
        // identical values: the criterion is 1/n, so a run count is still needed
        assert_eq!(interval(&[0.0; 40]).criterion(), 1.0 / 40.0);
        assert_eq!(interval(&[1.0]).criterion(), f64::INFINITY);
    }

    #[test]
    fn bad_specifications_name_the_option() {
        let s = Scenario::default();
        let err = |spec: &str, cap: Option<u64>| {
            Precision::parse("--precision", spec, &[&s], cap)
                .unwrap_err()
                .to_string()
        };
        assert!(err("t77=0.1", None).contains("unknown metric `t77`"));
        assert!(err("t50=0", None).contains("greater than 0"));
        assert!(err("t50=-1", None).contains("greater than 0"));
        assert!(err("t50=abc", None).contains("found `abc`"));
        assert!(err("t50", None).contains("METRIC=WIDTH"));
        assert!(err("t50=0.1", Some(5)).contains("--max-runs 5"));
        assert!(err("uptake_at=1", None).contains("does not report"));
        let p = Precision::parse("--precision", "t50_interp=0.5", &[&s], None).unwrap();
        assert_eq!(
            (p.figure.name, p.width, p.max_runs),
            ("t50_interp", 0.5, DEFAULT_MAX_RUNS)
        );
    }
}
