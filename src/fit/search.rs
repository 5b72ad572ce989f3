//! The search of `fit`, shared by a fit to one policy and a pooled fit to several: a
//! Latin-hypercube design, Nelder–Mead restarts on the logit of the box, then the ABC
//! design around the accepted points and the interval (docs/fit.md).

use super::{best_of, logistic, logit, optim, split_budget, Evaluation, FitOptions};
use crate::error::{Error, Result};
use crate::rng::{point_seed, run_rng};

/// What the search finds.
#[derive(Debug, Clone)]
pub struct Search {
    /// Every evaluation in order.
    pub evaluations: Vec<Evaluation>,
    /// The best evaluation.
    pub best: Evaluation,
    /// ABC tolerance on the objective at the best point.
    pub tolerance: f64,
    /// ABC-phase points accepted.
    pub accepted: usize,
    /// The interval comes from the ABC phase (at least 10 accepted).
    pub interval_from_abc: bool,
    /// 5–95% interval per free parameter.
    pub interval: Vec<(f64, f64)>,
}

/// Searches the box of `opts.free` (checked, `opts.budget` evaluations): `evaluate`
/// scores one point; `tolerance_at(best, last)` gives the ABC tolerance at the best point
/// after the optimiser (`last` false) and after the ABC phase (`last` true).
pub fn search(
    opts: &FitOptions,
    evaluate: &dyn Fn(&'static str, &[f64]) -> Result<Evaluation>,
    tolerance_at: &mut dyn FnMut(&Evaluation, bool) -> Result<f64>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Search> {
    let d = opts.free.len();
    let to_values = |u: &[f64]| -> Vec<f64> {
        u.iter()
            .zip(&opts.free)
            .map(|(&u, p)| p.value_at(u))
            .collect()
    };
    let to_unit = |x: &[f64]| -> Vec<f64> {
        x.iter()
            .zip(&opts.free)
            .map(|(&x, p)| p.unit_of(x))
            .collect()
    };
    let (n_design, n_opt, n_abc) = split_budget(opts.budget, d);
    let mut rng = run_rng(point_seed(opts.seed, 0xF1_7000), 0);
    let mut evals: Vec<Evaluation> = Vec::with_capacity(opts.budget);
    let run = |phase: &'static str, values: &[f64], evals: &mut Vec<Evaluation>| -> Result<f64> {
        let e = evaluate(phase, values).map_err(|e| match e {
            Error::Interrupted(_) => Error::Interrupted(format!(
                "{} of {} evaluations finished",
                evals.len(),
                opts.budget
            )),
            e => e,
        })?;
        let v = e.objective;
        evals.push(e);
        progress(1);
        Ok(v)
    };
    // 1. design
    let zeros = vec![0.0; d];
    let ones = vec![1.0; d];
    for u in optim::latin_hypercube(n_design, &zeros, &ones, &mut rng) {
        run("design", &to_values(&u), &mut evals)?;
    }
    // 2. Nelder–Mead in logit space from the best design point
    let best_design = best_of(&evals).values.clone();
    let start: Vec<f64> = to_unit(&best_design)
        .iter()
        .map(|u| logit(u.clamp(0.02, 0.98)))
        .collect();
    let mut failure: Option<Error> = None;
    {
        let mut objective = |z: &[f64]| -> f64 {
            if failure.is_some() {
                return f64::INFINITY;
            }
            let u: Vec<f64> = z.iter().map(|&z| logistic(z)).collect();
            match run("optimise", &to_values(&u), &mut evals) {
                Ok(v) => v,
                Err(e) => {
                    failure = Some(e);
                    f64::INFINITY
                }
            }
        };
        // simulated outcomes are step functions of the parameters under common random
        // numbers: below 0.01 on the logit scale the simplex only chases that granularity.
        // On such a rough surface a simplex often collapses before the optimum, so it is
        // restarted from the best point so far, with half the previous size, while the
        // optimiser's budget lasts.
        let mut start = start;
        let mut step = 1.0;
        let mut used = 0;
        while n_opt.saturating_sub(used) > d + 1 {
            let log = optim::nelder_mead(&mut objective, &start, step, 0.01, n_opt - used);
            used += log.len();
            match log.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
                // (infinite: an evaluation failed, the error is reported below)
                Some((z, v)) if v.is_finite() => start.clone_from(z),
                _ => break,
            }
            step = (step * 0.5).max(0.05);
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    // 3. ABC: uniform design over the neighbourhood of the accepted points
    let best = best_of(&evals).clone();
    let tol = tolerance_at(&best, false)?;
    let accepted_units: Vec<Vec<f64>> = evals
        .iter()
        .filter(|e| e.objective <= tol)
        .map(|e| to_unit(&e.values))
        .collect();
    let mut lo = vec![0.0; d];
    let mut hi = vec![1.0; d];
    for k in 0..d {
        let a = accepted_units
            .iter()
            .map(|u| u[k])
            .fold(f64::INFINITY, f64::min);
        let b = accepted_units
            .iter()
            .map(|u| u[k])
            .fold(f64::NEG_INFINITY, f64::max);
        let w = (b - a).max(0.1);
        lo[k] = (a - w).max(0.0);
        hi[k] = (b + w).min(1.0);
    }
    let abc_start = evals.len();
    let remaining = opts.budget.saturating_sub(evals.len()).max(n_abc);
    for u in optim::latin_hypercube(remaining, &lo, &hi, &mut rng) {
        run("abc", &to_values(&u), &mut evals)?;
    }
    let best_eval = best_of(&evals).clone();
    let tol = tolerance_at(&best_eval, true)?;
    let abc_accepted: Vec<&Evaluation> = evals[abc_start..]
        .iter()
        .filter(|e| e.objective <= tol)
        .collect();
    let interval_from_abc = abc_accepted.len() >= 10;
    let best_values = best_eval.values.clone();
    let interval: Vec<(f64, f64)> = (0..d)
        .map(|k| {
            let mut v: Vec<f64> = if interval_from_abc {
                abc_accepted.iter().map(|e| e.values[k]).collect()
            } else {
                evals
                    .iter()
                    .filter(|e| e.objective <= tol)
                    .map(|e| e.values[k])
                    .collect()
            };
            v.sort_by(f64::total_cmp);
            let (a, b) = if interval_from_abc {
                (
                    crate::aggregate::quantile_sorted(&v, 0.05),
                    crate::aggregate::quantile_sorted(&v, 0.95),
                )
            } else {
                (v[0], v[v.len() - 1])
            };
            // widened to include the best point (which can sit at the edge, e.g. on a bound)
            let (a, b) = (a.min(best_values[k]), b.max(best_values[k]));
            if opts.free[k].integer {
                // quantiles of whole numbers, widened to the whole numbers around them
                (a.floor(), b.ceil())
            } else {
                (a, b)
            }
        })
        .collect();
    Ok(Search {
        accepted: abc_accepted.len(),
        evaluations: evals,
        best: best_eval,
        tolerance: tol,
        interval_from_abc,
        interval,
    })
}
