//! The search of `fit`, shared by a fit to one policy and a pooled fit to several: a
//! Latin-hypercube design, Nelder–Mead restarts on the logit of the box, then the ABC
//! design around the accepted points and the interval (docs/fit.md).

use super::{abc, best_of, logit, optim, split_budget, Evaluation, FitOptions, FreeParam};
use policysim_model::error::{Error, Result};
use policysim_model::rng::{point_seed, run_rng};
use policysim_model::stats::logistic;

/// Whole-number keys are scanned value by value (every combination of their values)
/// when they have at most this many combinations in all; a bigger box is searched like
/// the continuous keys (docs/fit.md).
pub const MAX_SCAN: u64 = 64;

/// The design that precedes a scan: a tenth of the budget, at least 4d + 4 points (d
/// free keys), to start the continuous keys in the right basin.
fn scan_design(d: usize, budget: usize) -> usize {
    (4 * d + 4).max(budget / 10)
}

/// Nelder–Mead evaluations per whole-number combination of the profile's first pass,
/// with `continuous` continuous keys (none without them): the simplex and a few moves.
fn profile_each(continuous: usize) -> usize {
    if continuous == 0 {
        0
    } else {
        2 * continuous + 2
    }
}

/// After the profile's first pass, Nelder–Mead goes on for this many of its best
/// combinations, sharing the rest of the optimiser's budget.
const SCAN_OPTIMISED: usize = 3;

/// What each of the [`SCAN_OPTIMISED`] combinations gets at least.
fn finalist_each(continuous: usize) -> usize {
    6 * continuous + 6
}

/// The smallest budget of a fit of `free` (checked) that scans its whole-number keys:
/// the design, the scan, Nelder–Mead for every combination and the ABC phase (0 without
/// a scan).
pub fn scan_min_budget(free: &[FreeParam]) -> usize {
    let Some(grid) = whole_number_grid(free) else {
        return 0;
    };
    let d = free.len();
    let continuous = free.iter().filter(|p| !p.integer).count();
    // the profile gets 4/5 of what is left after the design and the scan
    let finalists = if continuous == 0 {
        0
    } else {
        SCAN_OPTIMISED * finalist_each(continuous)
    };
    let profile = ((grid.len() * profile_each(continuous) + finalists) * 5).div_ceil(4);
    let rest = grid.len() + profile;
    let mut b = rest.max(super::min_budget(d));
    // with continuous keys, the smallest budget b with b - scan_design(d, b) >= rest
    while continuous > 0 && b - scan_design(d, b).min(b) < rest {
        b += 1;
    }
    b
}

/// Every combination of the whole-number keys' values (in the order of `free`, the
/// last key varying fastest), when there are whole-number keys and at most
/// [`MAX_SCAN`] combinations; otherwise None.
pub fn whole_number_grid(free: &[FreeParam]) -> Option<Vec<Vec<f64>>> {
    let whole: Vec<&FreeParam> = free.iter().filter(|p| p.integer).collect();
    if whole.is_empty() {
        return None;
    }
    let mut count: u64 = 1;
    for p in &whole {
        count = count.checked_mul((p.high - p.low) as u64 + 1)?;
        if count > MAX_SCAN {
            return None;
        }
    }
    let mut grid: Vec<Vec<f64>> = vec![Vec::new()];
    for p in &whole {
        let values: Vec<f64> = (0..=((p.high - p.low) as u64))
            .map(|i| p.low + i as f64)
            .collect();
        grid = grid
            .into_iter()
            .flat_map(|head| {
                values.iter().map(move |&v| {
                    let mut c = head.clone();
                    c.push(v);
                    c
                })
            })
            .collect();
    }
    Some(grid)
}

/// The evaluations a scan of the whole-number keys needs before the other phases (0
/// without a scan).
pub fn scan_size(free: &[FreeParam]) -> usize {
    whole_number_grid(free).map_or(0, |g| g.len())
}

/// Nelder–Mead from `start` with initial steps `step`, restarted from the best point so far with half the
/// previous size while `budget` lasts. Simulated outcomes are step functions of the
/// parameters under common random numbers: below 0.01 on the logit scale the simplex
/// only chases that granularity, and on such a rough surface a simplex often collapses
/// before the optimum.
fn restarts(objective: &mut dyn FnMut(&[f64]) -> f64, start: Vec<f64>, step: f64, budget: usize) {
    let d = start.len();
    let mut start = start;
    let mut step = step;
    let mut used = 0;
    while budget.saturating_sub(used) > d + 1 {
        let log = optim::nelder_mead(objective, &start, step, 0.01, budget - used);
        used += log.len();
        match log.iter().min_by(|a, b| a.1.total_cmp(&b.1)) {
            // (infinite: an evaluation failed, the error is reported by the caller)
            Some((z, v)) if v.is_finite() => start.clone_from(z),
            _ => break,
        }
        step = (step * 0.5).max(0.05);
    }
}

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
    /// Kish's effective sample size of the accepted ABC samples' importance weights.
    pub accepted_ess: f64,
    /// ABC batches drawn.
    pub abc_batches: usize,
    /// Evaluations of the ABC phase (every batch).
    pub abc_evaluations: usize,
    /// The interval comes from the ABC phase (at least [`abc::MIN_ACCEPTED`] accepted).
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
    let mut evals: Vec<Evaluation> = Vec::with_capacity(opts.max_evaluations.max(opts.budget));
    let run = |phase: &'static str, values: &[f64], evals: &mut Vec<Evaluation>| -> Result<f64> {
        let e = evaluate(phase, values).map_err(|e| match e {
            Error::Interrupted(_) => Error::Interrupted(format!(
                "{} of at most {} evaluations finished",
                evals.len(),
                opts.max_evaluations.max(opts.budget)
            )),
            e => e,
        })?;
        let v = e.objective;
        evals.push(e);
        progress(1);
        Ok(v)
    };
    let mut failure: Option<Error> = None;
    let mut n_abc = n_abc;
    // Nelder–Mead on the logit of the unit box over the keys `dims` (the others held at
    // `fixed`), from `start` (unit positions of those keys), within `budget` evaluations
    let mut optimise = |dims: &[usize],
                        fixed: &[f64],
                        start: Vec<f64>,
                        budget: usize,
                        step: f64,
                        evals: &mut Vec<Evaluation>| {
        let mut objective = |z: &[f64]| -> f64 {
            if failure.is_some() {
                return f64::INFINITY;
            }
            let mut values = fixed.to_vec();
            for (&k, &z) in dims.iter().zip(z) {
                values[k] = opts.free[k].value_at(logistic(z));
            }
            match run("optimise", &values, evals) {
                Ok(v) => v,
                Err(e) => {
                    failure = Some(e);
                    f64::INFINITY
                }
            }
        };
        let start: Vec<f64> = start.iter().map(|u| logit(u.clamp(0.02, 0.98))).collect();
        restarts(&mut objective, start, step, budget);
    };
    let all: Vec<usize> = (0..d).collect();
    match whole_number_grid(&opts.free) {
        None => {
            // 1. design
            let zeros = vec![0.0; d];
            let ones = vec![1.0; d];
            for u in optim::latin_hypercube(n_design, &zeros, &ones, &mut rng) {
                run("design", &to_values(&u), &mut evals)?;
            }
            // 2. Nelder–Mead in logit space from the best design point
            let best_design = best_of(&evals).values.clone();
            optimise(
                &all,
                &best_design,
                to_unit(&best_design),
                n_opt,
                1.0,
                &mut evals,
            );
        }
        Some(grid) => {
            let whole: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&k| opts.free[k].integer)
                .collect();
            let cont: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&k| !opts.free[k].integer)
                .collect();
            let with = |base: &[f64], combination: &[f64]| -> Vec<f64> {
                let mut values = base.to_vec();
                for (&k, &v) in whole.iter().zip(combination) {
                    values[k] = v;
                }
                values
            };
            // 1. a design over every key (half the usual size; none without continuous
            // keys): the continuous values the scan starts from
            if !cont.is_empty() {
                let zeros = vec![0.0; d];
                let ones = vec![1.0; d];
                for u in
                    optim::latin_hypercube(scan_design(d, opts.budget), &zeros, &ones, &mut rng)
                {
                    run("design", &to_values(&u), &mut evals)?;
                }
            }
            // 2. every whole-number combination at the best design point's continuous values
            let base = if cont.is_empty() {
                vec![0.0; d]
            } else {
                best_of(&evals).values.clone()
            };
            let first_scan = evals.len();
            for combination in &grid {
                run("scan", &with(&base, combination), &mut evals)?;
            }
            // 3. the profile: for each combination, best first by the scan, a short
            // Nelder–Mead over the continuous keys from the best continuous values found
            // so far; then the rest of the optimiser's budget for the best few
            // combinations of that profile. Combinations the scan cannot tell apart
            // (exactly the same objective under common random numbers, e.g. a mandate
            // that starts after the observed years) are optimised once.
            let left = opts.budget.saturating_sub(evals.len());
            n_abc = left / 5;
            if !cont.is_empty() {
                let mut scanned: Vec<Evaluation> = evals[first_scan..].to_vec();
                scanned.sort_by(|a, b| a.objective.total_cmp(&b.objective));
                let mut seen: Vec<f64> = Vec::new();
                scanned.retain(|e| {
                    let new = !seen.contains(&e.objective);
                    seen.push(e.objective);
                    new
                });
                let combination_of =
                    |v: &[f64]| -> Vec<f64> { whole.iter().map(|&k| v[k]).collect() };
                let each = profile_each(cont.len());
                let mut profile: Vec<(f64, Vec<f64>)> = Vec::with_capacity(scanned.len());
                for e in &scanned {
                    let values = with(&best_of(&evals).values, &combination_of(&e.values));
                    let u: Vec<f64> = cont
                        .iter()
                        .map(|&k| opts.free[k].unit_of(values[k]))
                        .collect();
                    let before = evals.len();
                    optimise(&cont, &values, u, each, 0.5, &mut evals);
                    let best_here = best_of(&evals[before..]).clone();
                    profile.push((best_here.objective.min(e.objective), best_here.values));
                }
                profile.sort_by(|a, b| a.0.total_cmp(&b.0));
                let rest = opts.budget.saturating_sub(evals.len() + n_abc);
                let finalists = profile.len().min(SCAN_OPTIMISED);
                for (_, values) in profile.iter().take(finalists) {
                    let u: Vec<f64> = cont
                        .iter()
                        .map(|&k| opts.free[k].unit_of(values[k]))
                        .collect();
                    optimise(&cont, values, u, rest / finalists, 0.5, &mut evals);
                }
            }
        }
    }
    if let Some(e) = failure {
        return Err(e);
    }
    // 3. ABC: population Monte-Carlo batches around the accepted points, until
    // MIN_ACCEPTED are accepted or the cap on evaluations is reached
    let mut best = best_of(&evals).clone();
    let mut tol = tolerance_at(&best, false)?;
    let cap = opts.max_evaluations.max(opts.budget);
    let abc_start = evals.len();
    let mut batch = opts
        .budget
        .saturating_sub(evals.len())
        .max(n_abc)
        .min(cap.saturating_sub(evals.len()));
    let mut batches = 0;
    while batch > 0 {
        let proposal = abc_proposal(opts, &evals, abc_start, tol, batches == 0, &to_unit);
        for _ in 0..batch {
            let u = proposal.draw(&mut rng);
            let weight = 1.0 / proposal.density(&u);
            run("abc", &to_values(&u), &mut evals)?;
            if let Some(e) = evals.last_mut() {
                e.weight = Some(weight);
            }
        }
        batches += 1;
        let now = best_of(&evals);
        if now.objective < best.objective {
            best = now.clone();
            tol = tolerance_at(&best, false)?;
        }
        let accepted = evals[abc_start..]
            .iter()
            .filter(|e| e.objective <= tol)
            .count();
        if accepted >= abc::MIN_ACCEPTED {
            break;
        }
        batch = abc::next_batch(
            accepted,
            evals.len() - abc_start,
            cap.saturating_sub(evals.len()),
        );
    }
    let best_eval = best_of(&evals).clone();
    let tol = tolerance_at(&best_eval, true)?;
    let abc_accepted: Vec<&Evaluation> = evals[abc_start..]
        .iter()
        .filter(|e| e.objective <= tol)
        .collect();
    let interval_from_abc = abc_accepted.len() >= abc::MIN_ACCEPTED;
    let weights: Vec<f64> = abc_accepted
        .iter()
        .map(|e| e.weight.unwrap_or(1.0))
        .collect();
    let best_values = best_eval.values.clone();
    let interval: Vec<(f64, f64)> = (0..d)
        .map(|k| {
            let (a, b) = if interval_from_abc {
                let mut v: Vec<(f64, f64)> = abc_accepted
                    .iter()
                    .zip(&weights)
                    .map(|(e, &w)| (e.values[k], w))
                    .collect();
                v.sort_by(|x, y| x.0.total_cmp(&y.0));
                (
                    abc::weighted_quantile(&v, 0.05),
                    abc::weighted_quantile(&v, 0.95),
                )
            } else {
                let within = evals.iter().filter(|e| e.objective <= tol);
                within.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), e| {
                    (a.min(e.values[k]), b.max(e.values[k]))
                })
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
        accepted_ess: abc::effective_size(&weights),
        abc_batches: batches,
        abc_evaluations: evals.len() - abc_start,
        evaluations: evals,
        best: best_eval,
        tolerance: tol,
        interval_from_abc,
        interval,
    })
}

/// The proposal of the next ABC batch on the unit box: a mixture around the ABC samples
/// (from `abc_start` on) accepted under `tol`, weighted by their importance weights;
/// for the first batch, or while none is accepted, around every evaluation within `tol`
/// (the best point at least), equally weighted. The kernels' sd is at least 0.05 of the
/// box for the first batch and 0.01 later, and half a step for a whole-number key.
fn abc_proposal(
    opts: &FitOptions,
    evals: &[Evaluation],
    abc_start: usize,
    tol: f64,
    first: bool,
    to_unit: &dyn Fn(&[f64]) -> Vec<f64>,
) -> abc::Proposal {
    let accepted: Vec<&Evaluation> = evals[abc_start..]
        .iter()
        .filter(|e| e.objective <= tol)
        .collect();
    let (centres, weights): (Vec<Vec<f64>>, Vec<f64>) = if first || accepted.is_empty() {
        let within: Vec<&Evaluation> = evals.iter().filter(|e| e.objective <= tol).collect();
        let within = if within.is_empty() {
            vec![best_of(evals)]
        } else {
            within
        };
        within.iter().map(|e| (to_unit(&e.values), 1.0)).unzip()
    } else {
        accepted
            .iter()
            .map(|e| (to_unit(&e.values), e.weight.unwrap_or(1.0)))
            .unzip()
    };
    let floor: Vec<f64> = opts
        .free
        .iter()
        .map(|p| {
            let continuous: f64 = if first { 0.05 } else { 0.01 };
            if p.integer {
                continuous.max(0.5 / (p.high - p.low + 1.0))
            } else {
                continuous
            }
        })
        .collect();
    abc::Proposal::around(centres, weights, &floor)
}
