//! `policysim compare-mechanisms`: rival hypotheses about what drove a diffusion (each
//! a scenario with its own free keys) fitted to the same observed policy and ranked by
//! (a) the held-out log loss of a forecast with a time split (fit on the training
//! years, forecast who adopts in the rest, as `forecast` does) and (b) the in-sample
//! RMSE of the cumulative curve with a penalty for the number of free keys
//! (docs/forecast.md, "Mechanism comparison").

pub mod chart;
pub mod files;
pub mod hypotheses;
pub mod saved;
pub mod study;

use crate::fit::{check_fit, fit, FitOptions, FitResult, FreeParam};
use crate::forecast::score::{log_loss, Scores};
use crate::forecast::{forecast, Forecast, ForecastOptions};
use policysim_io::observed::Observed;
use policysim_model::ensemble::{run_ensemble, EnsembleOptions};
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::run::Prepared;
use policysim_model::scenario::Scenario;
use std::sync::atomic::AtomicBool;

/// A hypothesis ready to be fitted: its scenario, network, the observed adoptions
/// matched to that network and its checked free keys.
#[derive(Debug, Clone)]
pub struct Rival {
    /// The hypothesis as read.
    pub hypothesis: hypotheses::Hypothesis,
    /// The scenario's network.
    pub network: Network,
    /// The observed adoptions matched to it.
    pub observed: Observed,
    /// The free keys, checked (whole-number keys marked).
    pub free: Vec<FreeParam>,
}

/// Settings of a comparison.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    /// The last training year of the held-out forecast.
    pub train_until: i32,
    /// Runs per evaluation and of each forecast.
    pub runs: u32,
    /// Fit evaluations (each hypothesis is fitted twice: on the training years, on all).
    pub budget: usize,
    /// Master seed, the same for every hypothesis (common random numbers).
    pub seed: u64,
    /// Worker threads (None = all cores).
    pub threads: Option<usize>,
    /// When set (by SIGINT/SIGTERM), the comparison stops with [`Error::Interrupted`].
    pub cancel: Option<&'static AtomicBool>,
}

/// What one hypothesis gives.
#[derive(Debug, Clone)]
pub struct MechanismResult {
    /// Its name.
    pub name: String,
    /// Its free keys (checked).
    pub free: Vec<FreeParam>,
    /// The fit on every observed year.
    pub fit: FitResult,
    /// The 95% percentile-bootstrap interval over runs of the in-sample RMSE.
    pub rmse_ci: Option<(f64, f64)>,
    /// The penalised score n ln(RMSE_count²) + 2k (None when the RMSE is 0).
    pub penalised: Option<f64>,
    /// The held-out forecast (fitted on the training years).
    pub forecast: Forecast,
    /// Per unit at risk after the split: its log loss at the horizon.
    pub unit_log_loss: Vec<f64>,
}

impl MechanismResult {
    /// The held-out scores of this hypothesis (AUC, Brier, log loss).
    pub fn held_out(&self) -> &Scores {
        &self.forecast.scores[0]
    }
}

/// A paired comparison of per-unit held-out log losses against the best hypothesis.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// Mean over units of (this hypothesis's log loss − the best's).
    pub mean: f64,
    /// Its standard error, sd / √n (NaN for one unit).
    pub se: f64,
    /// Units compared.
    pub n: usize,
}

/// The comparison: every hypothesis in the file's order, their ranks and paired
/// differences.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// One result per hypothesis, in the file's order.
    pub results: Vec<MechanismResult>,
    /// Rank by held-out log loss (1 = lowest), ties sharing the better rank.
    pub rank_held_out: Vec<usize>,
    /// Rank by penalised score (1 = lowest; a hypothesis without a score last).
    pub rank_penalised: Vec<usize>,
    /// Per hypothesis, its per-unit log-loss difference from the held-out best.
    pub paired: Vec<Paired>,
    /// Observed yearly points the in-sample RMSE compares (steps 1..=T).
    pub points: usize,
    /// Units (governments) of the network.
    pub units: usize,
}

/// The penalised in-sample score of a fit with `k` free keys whose RMSE of the
/// cumulative adopted share over `points` yearly points is `rmse`, on a network of
/// `units`: n ln(RMSE_count²) + 2k with RMSE_count = units × rmse, the Gaussian AIC of
/// a least-squares fit up to a constant (docs/forecast.md says what it assumes).
pub fn penalised_score(rmse: f64, points: usize, units: usize, k: usize) -> Option<f64> {
    let count = rmse * units as f64;
    (count > 0.0 && count.is_finite())
        .then(|| points as f64 * (count * count).ln() + 2.0 * k as f64)
}

/// Ranks 1.. of `values` ascending (None last), equal values sharing the better rank.
pub fn ranks(values: &[Option<f64>]) -> Vec<usize> {
    values
        .iter()
        .map(|v| match v {
            None => values.iter().filter(|w| w.is_some()).count() + 1,
            Some(v) => 1 + values.iter().flatten().filter(|w| *w < v).count(),
        })
        .collect()
}

/// The mean difference `a - b` over paired values and its standard error.
pub fn paired(a: &[f64], b: &[f64]) -> Paired {
    let d: Vec<f64> = a.iter().zip(b).map(|(a, b)| a - b).collect();
    let n = d.len();
    let mean = d.iter().sum::<f64>() / n.max(1) as f64;
    let se = if n > 1 {
        let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (var / n as f64).sqrt()
    } else {
        f64::NAN
    };
    Paired { mean, se, n }
}

/// The work (progress ticks) of one hypothesis: two fits, the forecast's runs and the
/// bootstrap ensemble's runs.
pub fn work_per_hypothesis(opts: &CompareOptions) -> u64 {
    2 * opts.budget as u64 + 2 * u64::from(opts.runs)
}

/// Checks every hypothesis before any is fitted: the free keys against its scenario,
/// the budget, both corners of each box, the training split; and that every scenario
/// has the same governments (the held-out scores are over the same units).
pub fn check(prepared: &[Rival], opts: &CompareOptions) -> Result<()> {
    let first = &prepared[0];
    for p in prepared {
        let at = |e: Error| match e {
            Error::Input(m) => Error::Input(format!(
                "hypothesis \"{}\" ({}): {m}",
                p.hypothesis.name,
                p.hypothesis.scenario_path.display()
            )),
            e => e,
        };
        if p.network.names != first.network.names {
            return Err(Error::Input(format!(
                "hypothesis \"{}\" ({}): its network's governments differ from those of \"{}\" ({} and {} units); rival hypotheses must describe the same governments",
                p.hypothesis.name,
                p.hypothesis.scenario_path.display(),
                first.hypothesis.name,
                p.network.n,
                first.network.n
            )));
        }
        let split = crate::forecast::split::Split::new(
            &p.observed,
            opts.train_until,
            horizon(&p.observed, opts.train_until),
        )?;
        for observed in [&p.observed, &split.train] {
            check_fit(
                &p.hypothesis.scenario,
                &p.network,
                observed,
                &fit_options(&p.free, opts),
            )
            .map_err(at)?;
        }
        crate::forecast::simulate::forecast_scenario(&p.hypothesis.scenario, split.train.steps, 1)
            .map_err(at)?;
    }
    Ok(())
}

/// The horizon of the held-out forecast: every observed year after the split.
pub fn horizon(observed: &Observed, train_until: i32) -> u32 {
    (observed.start_year + observed.steps as i32 - train_until).max(1) as u32
}

fn fit_options(free: &[FreeParam], opts: &CompareOptions) -> FitOptions {
    FitOptions {
        free: free.to_vec(),
        runs: opts.runs,
        budget: opts.budget,
        // the point estimate is what is used: no ABC batches beyond the budget
        max_evaluations: opts.budget,
        objective: Default::default(),
        seed: opts.seed,
        threads: opts.threads,
        cancel: opts.cancel,
    }
}

/// Fits and forecasts one hypothesis.
fn compare_one(
    p: &Rival,
    opts: &CompareOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<MechanismResult> {
    let scenario = &p.hypothesis.scenario;
    let fit_opts = fit_options(&p.free, opts);
    let r = fit(scenario, &p.network, &p.observed, &fit_opts, progress)?;
    // the best point again, with the bootstrap over runs the RMSE's interval needs
    let mut s = r.scenario.clone();
    let prepared = p.observed.start_from(
        &mut s,
        Prepared::new(
            &r.scenario,
            p.network.clone(),
            policysim_io::scenario_files::data_files(),
        )?,
        None,
    )?;
    let options = EnsembleOptions {
        threads: opts.threads,
        progress: Some(progress),
        cancel: opts.cancel,
    };
    let boot = run_ensemble(&s, opts.seed, &prepared, &options, &mut |_| Ok(()))?;
    let rmse_ci = boot.rmse_interval(&p.observed.share());
    let points = p.observed.steps as usize;
    let penalised = penalised_score(r.best_eval.curve_rmse, points, p.network.n, p.free.len());
    let forecast_opts = ForecastOptions {
        train_until: opts.train_until,
        horizon: horizon(&p.observed, opts.train_until),
        free: p.free.clone(),
        runs: opts.runs,
        budget: opts.budget,
        seed: opts.seed,
        threads: opts.threads,
        cancel: opts.cancel,
    };
    let f = forecast(scenario, &p.network, &p.observed, &forecast_opts, progress)?;
    let p_h = f.at_horizon();
    let unit_log_loss = p_h[0]
        .iter()
        .zip(&f.outcome)
        .map(|(&p, &y)| log_loss(&[p], &[y]))
        .collect();
    Ok(MechanismResult {
        name: p.hypothesis.name.clone(),
        free: p.free.clone(),
        fit: r,
        rmse_ci,
        penalised,
        forecast: f,
        unit_log_loss,
    })
}

/// Fits every hypothesis (checked with [`check`]) and ranks them; `progress` ticks
/// [`work_per_hypothesis`] per hypothesis.
pub fn compare(
    prepared: &[Rival],
    opts: &CompareOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Comparison> {
    let mut results = Vec::with_capacity(prepared.len());
    for p in prepared {
        results.push(compare_one(p, opts, progress)?);
    }
    let held: Vec<Option<f64>> = results
        .iter()
        .map(|r| Some(r.held_out().log_loss))
        .collect();
    let rank_held_out = ranks(&held);
    let rank_penalised = ranks(&results.iter().map(|r| r.penalised).collect::<Vec<_>>());
    let best = rank_held_out
        .iter()
        .position(|&r| r == 1)
        .expect("a hypothesis ranks first");
    let paired = results
        .iter()
        .map(|r| paired(&r.unit_log_loss, &results[best].unit_log_loss))
        .collect();
    Ok(Comparison {
        points: prepared[0].observed.steps as usize,
        units: prepared[0].network.n,
        results,
        rank_held_out,
        rank_penalised,
        paired,
    })
}

/// The scenario of a hypothesis with `--seed` applied (every hypothesis the same seed).
pub fn seeded(mut s: Scenario, seed: u64, runs: u32) -> Scenario {
    s.seed = seed;
    s.runs = runs;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_share_ties_and_put_missing_last() {
        assert_eq!(
            ranks(&[Some(0.5), Some(0.2), None, Some(0.5)]),
            vec![2, 1, 4, 2]
        );
    }

    #[test]
    fn the_penalty_is_two_per_key_and_the_fit_term_n_ln_rss_over_n() {
        // 10 points, 50 units, share RMSE 0.02: count RMSE 1, ln 1 = 0
        assert!((penalised_score(0.02, 10, 50, 3).unwrap() - 6.0).abs() < 1e-12);
        // halving the count RMSE gains n ln 4
        let a = penalised_score(0.02, 10, 50, 2).unwrap();
        let b = penalised_score(0.01, 10, 50, 2).unwrap();
        assert!((a - b - 10.0 * 4f64.ln()).abs() < 1e-9);
        assert_eq!(penalised_score(0.0, 10, 50, 2), None);
    }

    #[test]
    fn paired_differences_have_the_textbook_standard_error() {
        let d = paired(&[1.0, 2.0, 3.0, 6.0], &[0.0, 0.0, 1.0, 2.0]);
        // differences 1, 2, 2, 4: mean 2.25, sd 1.258, se 0.629
        assert!((d.mean - 2.25).abs() < 1e-12);
        assert!((d.se - (1.5833333333f64 / 4.0).sqrt()).abs() < 1e-9);
        assert_eq!(d.n, 4);
        assert!(paired(&[1.0], &[0.0]).se.is_nan());
    }
}
