//! `policysim forecast`: which units adopt next. The observed adoptions are split at a
//! year; the scenario is fitted on the years up to it (as `fit` does), run on from the
//! observed state for the horizon, and its unit-level probabilities are scored against
//! what happened, beside an event-history logit and a Bass curve fitted on the same
//! years (docs/forecast.md).

pub mod chart;
pub mod eha;
pub mod evaluate;
pub mod files;
pub mod leave_out;
pub mod logit;
pub mod saved;
pub mod score;
/// The runs of a forecast: restarted from the observed state ([`crate::restart`]).
pub mod simulate {
    pub use crate::restart::{adoption_counts, forecast_scenario};
}
pub mod split;
pub mod study;

use crate::fit::bass::{fit_bass, BassFit};
use crate::fit::{fit, FitOptions, FitResult, FreeParam};
use eha::{Covariates, Eha};
use policysim_io::observed::Observed;
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;
use score::Scores;
use split::Split;
use std::sync::atomic::AtomicBool;

/// Settings of a forecast.
#[derive(Debug, Clone)]
pub struct ForecastOptions {
    /// The last training year.
    pub train_until: i32,
    /// Years forecast after it.
    pub horizon: u32,
    /// Keys fitted on the training years (none: the scenario as it is).
    pub free: Vec<FreeParam>,
    /// Runs per fit evaluation and of the forecast.
    pub runs: u32,
    /// Fit evaluations.
    pub budget: usize,
    /// Master seed.
    pub seed: u64,
    /// Worker threads (None = all cores).
    pub threads: Option<usize>,
    /// When set (by SIGINT/SIGTERM), the forecast stops with [`Error::Interrupted`].
    pub cancel: Option<&'static AtomicBool>,
}

/// The Bass baseline: a Bass curve fitted to the training share, giving every unit at
/// risk the same conditional probability (F(T + k) - F(T)) / (1 - F(T)).
#[derive(Debug, Clone)]
pub struct BassBaseline {
    /// The fitted curve.
    pub fit: BassFit,
    /// Bass time of step 0 (1 when the first year's adopters are initial, as in `fit`).
    pub offset: f64,
    /// p_k for k = 1..=horizon.
    pub p: Vec<f64>,
}

impl BassBaseline {
    /// Fits the curve on the training share of `train` and carries it `horizon` years on.
    pub fn new(train: &Observed, horizon: u32) -> BassBaseline {
        let offset = if train.initial.is_empty() { 0.0 } else { 1.0 };
        let points: Vec<(f64, f64)> = train
            .share()
            .iter()
            .enumerate()
            .map(|(t, &y)| (t as f64 + offset, y))
            .collect();
        let fit = fit_bass(&points);
        let t = train.steps as f64 + offset;
        let now = fit.share(t);
        let p = (1..=horizon)
            .map(|k| {
                if 1.0 - now < 1e-12 {
                    0.0
                } else {
                    ((fit.share(t + k as f64) - now) / (1.0 - now)).clamp(0.0, 1.0)
                }
            })
            .collect();
        BassBaseline { fit, offset, p }
    }
}

/// Everything a forecast produces.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// The training adoptions and the later outcomes.
    pub split: Split,
    /// The fit on the training years (None without free keys).
    pub fit: Option<FitResult>,
    /// The scenario of the forecast runs (fitted values set, horizon steps, centre dates moved).
    pub scenario: Scenario,
    /// The units not adopted by the last training year, ascending.
    pub at_risk: Vec<usize>,
    /// policysim's p_k per unit at risk (k = 1..=horizon).
    pub policysim: Vec<Vec<f64>>,
    /// The event-history baseline.
    pub eha: Eha,
    /// Its p_k per unit at risk.
    pub eha_p: Vec<Vec<f64>>,
    /// The Bass baseline (the same p_k for every unit).
    pub bass: BassBaseline,
    /// Scores at the horizon: policysim, EHA, Bass.
    pub scores: [Scores; 3],
    /// Observed outcome at the horizon per unit at risk.
    pub outcome: Vec<bool>,
}

/// The names of the three forecasts, in the order of [`Forecast::scores`].
pub const MODELS: [&str; 3] = ["policysim", "eha", "bass"];

impl Forecast {
    /// The horizon-K probabilities of the three forecasts, per unit at risk.
    pub fn at_horizon(&self) -> [Vec<f64>; 3] {
        let last = |v: &Vec<Vec<f64>>| v.iter().map(|p| *p.last().unwrap_or(&0.0)).collect();
        [
            last(&self.policysim),
            last(&self.eha_p),
            vec![*self.bass.p.last().unwrap_or(&0.0); self.at_risk.len()],
        ]
    }
}

/// Forecasts `full` (matched to `network`, the scenario's network) with `scenario`:
/// split, fit (when keys are free), simulate from the observed state, score.
/// `progress(1)` is called after each fit evaluation and each forecast run.
pub fn forecast(
    scenario: &Scenario,
    network: &Network,
    full: &Observed,
    opts: &ForecastOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Forecast> {
    if opts.runs < 2 {
        return Err(Error::Input("--runs must be at least 2".into()));
    }
    Observed::check_scenario(scenario)?;
    let split = Split::new(full, opts.train_until, opts.horizon)?;
    let train = &split.train;
    let (fitted, fit_result) = if opts.free.is_empty() {
        let mut s = scenario.clone();
        s.runs = opts.runs;
        (s, None)
    } else {
        let fit_opts = FitOptions {
            free: opts.free.clone(),
            runs: opts.runs,
            budget: opts.budget,
            // the point estimate is what is used: no ABC batches beyond the budget
            max_evaluations: opts.budget,
            objective: Default::default(),
            seed: opts.seed,
            threads: opts.threads,
            cancel: opts.cancel,
        };
        let r = fit(scenario, network, train, &fit_opts, progress)?;
        let mut s = r.scenario.clone();
        s.runs = opts.runs;
        (s, Some(r))
    };
    let run_scenario = simulate::forecast_scenario(&fitted, train.steps, opts.horizon)?;
    let adopted: Vec<bool> = train.adopted_step.iter().map(Option::is_some).collect();
    let counts = simulate::adoption_counts(
        &run_scenario,
        network,
        &adopted,
        opts.seed,
        opts.threads,
        opts.cancel,
        progress,
    )?;
    let at_risk = split.at_risk();
    let runs = f64::from(opts.runs);
    let policysim: Vec<Vec<f64>> = at_risk
        .iter()
        .map(|&i| counts[i].iter().map(|&c| f64::from(c) / runs).collect())
        .collect();
    let cov = Covariates::new(scenario, network);
    let eha = Eha::fit(&cov, train)?;
    let eha_all = eha.predict(&cov, train, opts.horizon);
    let eha_p: Vec<Vec<f64>> = at_risk
        .iter()
        .map(|&i| eha_all[i].clone().unwrap_or_default())
        .collect();
    let bass = BassBaseline::new(train, opts.horizon);
    let outcome: Vec<bool> = at_risk
        .iter()
        .map(|&i| split.adopted_within(i, opts.horizon))
        .collect();
    let mut f = Forecast {
        split,
        fit: fit_result,
        scenario: run_scenario,
        at_risk,
        policysim,
        eha,
        eha_p,
        bass,
        scores: [score::scores(&[], &[]); 3],
        outcome,
    };
    let p = f.at_horizon();
    f.scores = [0, 1, 2].map(|m| score::scores(&p[m], &f.outcome));
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bass_gives_the_conditional_probability_of_the_curve() {
        let train = Observed {
            start_year: 2000,
            steps: 4,
            adopted_step: vec![Some(0), Some(1), Some(2), Some(4), None, None, None, None],
            initial: vec![0],
            initial_ids: vec!["a".into()],
            source: "o.csv".into(),
            warnings: Vec::new(),
        };
        let b = BassBaseline::new(&train, 3);
        let (t, f) = (5.0, |t: f64| b.fit.share(t));
        for k in 1..=3 {
            let want = (f(t + k as f64) - f(t)) / (1.0 - f(t));
            assert!((b.p[k - 1] - want).abs() < 1e-12);
        }
        assert!(b.p[0] > 0.0 && b.p[0] < b.p[1] && b.p[1] < b.p[2] && b.p[2] < 1.0);
    }
}
