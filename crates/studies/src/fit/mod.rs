//! `policysim fit`: calibrate free scenario parameters to observed adoptions.
//!
//! Method (docs/fit.md): common random numbers (every evaluation runs the same seeds, so
//! the objective is a deterministic function of the parameters), a Latin-hypercube
//! design followed by Nelder–Mead on the logit-transformed box, then an approximate
//! Bayesian computation (ABC) step: a uniform design over the neighbourhood of the
//! optimum, accepting the points whose error is within what run-to-run noise explains;
//! the 5–95% range of the accepted values is the interval. The closed-form Bass curve
//! is fitted beside it as the reference.

pub mod abc;
pub mod bass;
pub mod chart;
pub mod files;
pub mod log_score;
mod objective;
pub mod optim;
pub mod pooled;
mod pooled_study;
pub mod search;
pub mod study;
pub use objective::Objective;

use bass::BassFit;
use policysim_io::observed::Observed;
use policysim_model::ensemble::{run_ensemble, EnsembleOptions, EnsembleResult};
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::run::Prepared;
use policysim_model::scenario::Scenario;
use policysim_model::stats::share_rmse;

/// A free parameter: a numeric scenario key and its search box.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeParam {
    /// Dotted scenario key (e.g. `learning.rate`).
    pub key: String,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// The key holds an integer (values are rounded).
    pub integer: bool,
}

/// Parses `KEY=LOW:HIGH` (for clap's `value_parser`).
pub fn parse_free(s: &str) -> std::result::Result<FreeParam, String> {
    let bad = || format!("`{s}`: expected KEY=LOW:HIGH, e.g. learning.rate=0:2");
    let (key, range) = s.split_once('=').ok_or_else(bad)?;
    let (lo, hi) = range.split_once(':').ok_or_else(bad)?;
    let low: f64 = lo.trim().parse().map_err(|_| bad())?;
    let high: f64 = hi.trim().parse().map_err(|_| bad())?;
    if !(low.is_finite() && high.is_finite() && low < high) {
        return Err(format!(
            "`{s}`: LOW must be below HIGH (both finite numbers)"
        ));
    }
    Ok(FreeParam {
        key: key.trim().to_string(),
        low,
        high,
        integer: false,
    })
}

impl FreeParam {
    /// The value at position `u` (0..=1) in the box: whole-number keys take every whole
    /// number of the box with the same share of the unit range.
    pub fn value_at(&self, u: f64) -> f64 {
        let u = u.clamp(0.0, 1.0);
        if self.integer {
            let width = self.high - self.low + 1.0;
            (self.low - 0.5 + u * width)
                .round()
                .clamp(self.low, self.high)
        } else {
            self.low + u * (self.high - self.low)
        }
    }

    /// The position (0..=1) of `value` in the box (the inverse of [`FreeParam::value_at`]).
    pub fn unit_of(&self, value: f64) -> f64 {
        if self.integer {
            (value - self.low + 0.5) / (self.high - self.low + 1.0)
        } else {
            (value - self.low) / (self.high - self.low)
        }
    }
}

/// Checks the free keys against the scenario: each a numeric model parameter, given
/// once, with whole-number bounds for a whole-number key (which it marks `integer`).
pub fn check_free(scenario: &Scenario, free: &[FreeParam]) -> Result<Vec<FreeParam>> {
    let mut checked: Vec<FreeParam> = Vec::with_capacity(free.len());
    for p in free {
        if checked.iter().any(|q| q.key == p.key) {
            return Err(Error::Input(format!(
                "--free {}: given twice; give each key once, with one range",
                p.key
            )));
        }
        if let Some(why) = not_a_model_parameter(&p.key) {
            return Err(Error::Input(format!(
                "--free {}: not a model parameter that can be fitted: {why}; free a model key such as learning.rate or innovation.rate",
                p.key
            )));
        }
        let mut p = p.clone();
        match scenario.get_dotted(&p.key) {
            Some(toml::Value::Float(_)) => p.integer = false,
            Some(toml::Value::Integer(_)) => p.integer = true,
            Some(other) => {
                return Err(Error::Input(format!(
                    "--free {}: the key holds {} ({other}), not a number",
                    p.key,
                    other.type_str()
                )))
            }
            None => {
                return Err(Error::Input(format!(
                    "--free {}: unknown scenario key (expected a numeric key such as learning.rate or innovation.rate)",
                    p.key
                )))
            }
        }
        if p.integer {
            let whole = |x: f64| x.fract() == 0.0 && x.abs() <= MAX_WHOLE;
            if !(whole(p.low) && whole(p.high)) {
                return Err(Error::Input(format!(
                    "--free {}={}:{}: the key holds a whole number, so LOW and HIGH must be whole numbers (at most 2^53 in size)",
                    p.key, p.low, p.high
                )));
            }
        }
        checked.push(p);
    }
    Ok(checked)
}

/// Settings of a fit.
#[derive(Debug, Clone)]
pub struct FitOptions {
    /// Free parameters.
    pub free: Vec<FreeParam>,
    /// Runs per evaluation.
    pub runs: u32,
    /// Number of evaluations planned (design + optimiser + the first ABC batch).
    pub budget: usize,
    /// The most evaluations in all: further ABC batches are drawn while fewer than
    /// [`abc::MIN_ACCEPTED`] ABC samples are accepted and this allows (at least `budget`).
    pub max_evaluations: usize,
    /// What to minimise.
    pub objective: Objective,
    /// Master seed: the same for every evaluation (common random numbers).
    pub seed: u64,
    /// Worker threads (None = all cores).
    pub threads: Option<usize>,
    /// When set (by SIGINT/SIGTERM), the fit stops and returns [`Error::Interrupted`].
    pub cancel: Option<&'static std::sync::atomic::AtomicBool>,
}

/// The largest `--budget` (each evaluation is kept in memory and in `evaluations.csv`).
pub const MAX_BUDGET: usize = 100_000;

/// Whole-number keys are searched over whole numbers up to this size (beyond it an
/// `f64` no longer holds every whole number).
const MAX_WHOLE: f64 = 9_007_199_254_740_992.0; // 2^53

/// Why a numeric scenario key may not be free, or None when it is a model parameter.
fn not_a_model_parameter(key: &str) -> Option<&'static str> {
    match key {
        "runs" => Some("it sets how many runs each evaluation averages (that is --runs), not the model: the objective would not depend on it"),
        "seed" => Some("it picks the random numbers (that is --seed), not the model: every evaluation uses the same seed (common random numbers)"),
        "steps" => Some("the observed adoptions set the steps"),
        "network.n" => Some("the observed adoptions are matched to the governments of the scenario's network, so its size is fixed"),
        _ if key.starts_with("initial.") || key == "initial" => {
            Some("the observed adoptions set the first adopters")
        }
        _ => None,
    }
}

/// One evaluated parameter point.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// Phase: `design`, `optimise` or `abc`.
    pub phase: &'static str,
    /// Parameter values, in the order of [`FitOptions::free`].
    pub values: Vec<f64>,
    /// The objective.
    pub objective: f64,
    /// RMSE of the cumulative share over steps 1..=T.
    pub curve_rmse: f64,
    /// At-risk-weighted RMSE of the hazard (with `curve+hazard`).
    pub hazard_rmse: Option<f64>,
    /// The unit-level log score (with `log-score`, whose objective is its mean loss).
    pub log_score: Option<log_score::LogScore>,
    /// Root mean over steps 1..=T of the run-to-run variance of the share.
    pub noise: f64,
    /// An ABC-phase point's importance weight, prior / proposal density (None before it).
    pub weight: Option<f64>,
}

/// The simulated curve at one parameter point: mean, 5% and 95% share per step.
#[derive(Debug, Clone, Default)]
pub struct FittedCurve {
    /// Mean share per step.
    pub mean: Vec<f64>,
    /// 5% quantile over runs.
    pub p05: Vec<f64>,
    /// 95% quantile over runs.
    pub p95: Vec<f64>,
}

/// Everything a fit produces.
#[derive(Debug, Clone)]
pub struct FitResult {
    /// Best parameter values.
    pub best: Vec<f64>,
    /// 5–95% interval per free parameter.
    pub interval: Vec<(f64, f64)>,
    /// The best evaluation.
    pub best_eval: Evaluation,
    /// Every evaluation in order.
    pub evaluations: Vec<Evaluation>,
    /// ABC tolerance on the objective.
    pub tolerance: f64,
    /// Run-to-run distance of the hazard at the best point (with `curve+hazard`).
    pub hazard_noise: Option<f64>,
    /// Number of ABC-phase points accepted (the interval uses them when there are at
    /// least [`abc::MIN_ACCEPTED`]).
    pub accepted: usize,
    /// Kish's effective sample size of the accepted ABC samples' importance weights.
    pub accepted_ess: f64,
    /// ABC batches drawn.
    pub abc_batches: usize,
    /// Evaluations of the ABC phase.
    pub abc_evaluations: usize,
    /// The interval comes from the ABC phase (false: min–max of every accepted point).
    pub interval_from_abc: bool,
    /// Observed share per step.
    pub observed_share: Vec<f64>,
    /// The simulated curve at the best point.
    pub curve: FittedCurve,
    /// The Bass fit.
    pub bass: BassFit,
    /// Bass time of each step (step + 1 when the first year's adopters are initial, else step).
    pub bass_offset: f64,
    /// Bass RMSE over steps 1..=T.
    pub bass_rmse: f64,
    /// The scenario with the best values set (steps = observed span).
    pub scenario: Scenario,
    /// The ensemble at the best point (start year set).
    pub ensemble: EnsembleResult,
    /// Ends of the search box that the best value or the interval reach although the key
    /// allows values beyond them: the box may be cutting the answer off.
    pub box_edges: Vec<BoxEdge>,
}

/// A free key's search-box end that the fit ran into (see [`box_edges`]).
#[derive(Debug, Clone, PartialEq)]
pub struct BoxEdge {
    /// The free key.
    pub key: String,
    /// `low` or `high`.
    pub side: &'static str,
    /// The bound given with `--free`.
    pub bound: f64,
}

/// The search-box ends that the best value or the interval come within 5% of the box's
/// width of, where the key itself allows a value beyond the end (so not a bound such
/// as a rate's 0 or a probability's 1): widening `--free` there may change the answer.
pub fn box_edges(
    scenario: &Scenario,
    free: &[FreeParam],
    best: &[f64],
    interval: &[(f64, f64)],
) -> Vec<BoxEdge> {
    let mut edges = Vec::new();
    for (k, p) in free.iter().enumerate() {
        let width = p.high - p.low;
        let near = 0.05 * width;
        let lowest = best[k].min(interval[k].0);
        let highest = best[k].max(interval[k].1);
        // the next value outside the box (the next whole number for a whole-number key)
        let step = if p.integer { 1.0 } else { near };
        for (side, bound, reached, beyond) in [
            ("low", p.low, lowest - p.low <= near, p.low - step),
            ("high", p.high, p.high - highest <= near, p.high + step),
        ] {
            let value = if p.integer {
                toml::Value::Integer(beyond.round() as i64)
            } else {
                toml::Value::Float(beyond)
            };
            if reached && scenario.clone().set_dotted(&p.key, value).is_ok() {
                edges.push(BoxEdge {
                    key: p.key.clone(),
                    side,
                    bound,
                });
            }
        }
    }
    edges
}

/// The state shared by every evaluation.
struct Evaluator<'a> {
    base: &'a Scenario,
    network: &'a Network,
    observed: &'a Observed,
    opts: &'a FitOptions,
    obs_share: Vec<f64>,
    obs_hazard: Vec<(u64, u64)>,
    rebuild_network: bool,
}

impl Evaluator<'_> {
    /// The scenario with `values` set.
    fn scenario(&self, values: &[f64]) -> Result<Scenario> {
        let mut s = self.base.clone();
        for (p, &v) in self.opts.free.iter().zip(values) {
            let value = if p.integer {
                toml::Value::Integer(v.round() as i64)
            } else {
                toml::Value::Float(v)
            };
            s.set_dotted(&p.key, value)
                .map_err(|e| Error::Input(format!("--free {}: {e}", p.key)))?;
        }
        s.runs = self.opts.runs;
        self.observed.apply(&mut s, None);
        Ok(s)
    }

    /// The scenario at `values` and its prepared state with the observed initial adopters.
    fn prepared(&self, values: &[f64]) -> Result<(Scenario, Prepared)> {
        let s = self.scenario(values)?;
        let mut prepared = if self.rebuild_network {
            policysim_io::scenario_files::prepare(&s)?
        } else {
            Prepared::new(
                &s,
                self.network.clone(),
                policysim_io::scenario_files::data_files(),
            )?
        };
        self.observed.set_initial(&mut prepared)?;
        Ok((s, prepared))
    }

    /// The ensemble at `values`, with the scenario and the prepared state it ran from.
    fn ensemble(&self, values: &[f64]) -> Result<(Scenario, Prepared, EnsembleResult)> {
        let (s, prepared) = self.prepared(values)?;
        let options = EnsembleOptions {
            threads: self.opts.threads,
            cancel: self.opts.cancel,
            ..Default::default()
        };
        let mut result = run_ensemble(&s, self.opts.seed, &prepared, &options, &mut |_| Ok(()))?;
        result.start_year = Some(self.observed.start_year);
        Ok((s, prepared, result))
    }

    /// How far one run's hazard lies from the pooled hazard of the ensemble of `s` (run
    /// from `prepared`), as the weighted hazard RMSE measures it: the root mean over runs
    /// of the squared distance (classes a run never had at risk are skipped). None with
    /// the `curve` objective.
    fn hazard_noise(
        &self,
        s: &Scenario,
        prepared: &Prepared,
        pooled: &[(u64, u64)],
    ) -> Result<Option<f64>> {
        if self.opts.objective != Objective::CurveHazard {
            return Ok(None);
        }
        let mut sum = 0.0;
        for run in 0..s.runs as u64 {
            if self
                .opts
                .cancel
                .is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed))
            {
                return Err(Error::Interrupted(String::new()));
            }
            let out =
                policysim_model::ensemble::run_indexed(s, self.opts.seed, prepared, run, false)?;
            let d = weighted_hazard_distance(&self.obs_hazard, &out.hazard, pooled, true);
            sum += d * d;
        }
        Ok(Some((sum / s.runs.max(1) as f64).sqrt()))
    }

    fn evaluate(&self, phase: &'static str, values: &[f64]) -> Result<Evaluation> {
        let (s, prepared, r) = self.ensemble(values)?;
        self.score_with_log(phase, values, &s, &prepared.network, &r)
    }

    fn score(&self, phase: &'static str, values: &[f64], r: &EnsembleResult) -> Evaluation {
        let curve = curve_of(r);
        let t_max = self.obs_share.len() - 1;
        let mut var = 0.0;
        for t in 1..=t_max {
            let sd = r.curves.cell(t, 0).summary().map_or(0.0, |s| s.sd);
            var += if sd.is_finite() { sd * sd } else { 0.0 };
        }
        let curve_rmse = share_rmse(&self.obs_share, &curve.mean).unwrap_or(f64::NAN);
        let noise = (var / t_max as f64).sqrt();
        let with_hazard = self.opts.objective == Objective::CurveHazard;
        let hazard_rmse = with_hazard.then(|| hazard_rmse(&self.obs_hazard, &r.hazard));
        Evaluation {
            phase,
            values: values.to_vec(),
            objective: curve_rmse + hazard_rmse.unwrap_or(0.0),
            curve_rmse,
            hazard_rmse,
            log_score: None,
            noise,
            weight: None,
        }
    }

    /// [`Self::score`], with the unit-level log score as the objective when it is the
    /// one minimised (runs from each year's observed state: [`log_score`]).
    fn score_with_log(
        &self,
        phase: &'static str,
        values: &[f64],
        s: &Scenario,
        network: &Network,
        r: &EnsembleResult,
    ) -> Result<Evaluation> {
        let mut e = self.score(phase, values, r);
        if self.opts.objective == Objective::LogScore {
            let ls = log_score::log_score(
                s,
                network,
                self.observed,
                self.opts.seed,
                self.opts.threads,
                self.opts.cancel,
            )
            .map_err(|e| {
                e.of("--objective log-score (the runs restart each year from who had adopted)")
            })?;
            e.objective = ls.mean_loss;
            e.log_score = Some(ls);
        }
        Ok(e)
    }
}

/// The adopted-share curve (mean, 5%, 95%) of an ensemble.
fn curve_of(r: &EnsembleResult) -> FittedCurve {
    let mut c = FittedCurve::default();
    for t in 0..r.curves.rows {
        let s = r.curves.cell(t, 0).summary();
        c.mean.push(s.map_or(f64::NAN, |s| s.mean));
        c.p05.push(s.map_or(f64::NAN, |s| s.p05));
        c.p95.push(s.map_or(f64::NAN, |s| s.p95));
    }
    c
}

/// RMSE between observed and simulated hazards by number of adopting neighbours,
/// weighted by the observed at-risk counts (a class the simulation never saw counts as hazard 0).
pub fn hazard_rmse(observed: &[(u64, u64)], simulated: &[(u64, u64)]) -> f64 {
    weighted_hazard_distance(observed, observed, simulated, false)
}

/// Root of the mean squared difference between the hazards of `a` and `b` by number of
/// adopting neighbours, weighted by the at-risk counts of `weights`. A class missing from
/// `b` counts as hazard 0; a class missing from `a` is skipped when `skip_missing`.
pub fn weighted_hazard_distance(
    weights: &[(u64, u64)],
    a: &[(u64, u64)],
    b: &[(u64, u64)],
    skip_missing: bool,
) -> f64 {
    let h = |v: &[(u64, u64)], k: usize| {
        v.get(k)
            .filter(|s| s.0 > 0)
            .map(|s| s.1 as f64 / s.0 as f64)
    };
    let mut num = 0.0;
    let mut den = 0.0;
    for (k, &(risk, _)) in weights.iter().enumerate() {
        if risk == 0 {
            continue;
        }
        let ha = match h(a, k) {
            Some(x) => x,
            None if skip_missing => continue,
            None => 0.0,
        };
        let hb = h(b, k).unwrap_or(0.0);
        num += risk as f64 * (ha - hb).powi(2);
        den += risk as f64;
    }
    if den > 0.0 {
        (num / den).sqrt()
    } else {
        0.0
    }
}

fn logit(u: f64) -> f64 {
    let u = u.clamp(1e-9, 1.0 - 1e-9);
    (u / (1.0 - u)).ln()
}

/// How the budget is split: (design, optimiser, ABC).
pub fn split_budget(budget: usize, d: usize) -> (usize, usize, usize) {
    let design = (budget * 3 / 10).max(2 * d + 2).min(budget);
    let abc = ((budget - design) * 3 / 7).min(budget - design);
    (design, budget - design - abc, abc)
}

/// The smallest budget that leaves room for every phase.
pub fn min_budget(d: usize) -> usize {
    4 * d + 8
}

/// The options of a fit checked against the scenario (free keys, budget, runs), the
/// free keys marked whole-number where they are.
fn checked_options(scenario: &Scenario, opts: &FitOptions) -> Result<FitOptions> {
    let d = opts.free.len();
    if d == 0 {
        return Err(Error::Input(
            "no free parameters: give at least one --free KEY=LOW:HIGH".into(),
        ));
    }
    if opts.budget < min_budget(d) || opts.budget > MAX_BUDGET {
        return Err(Error::Input(format!(
            "--budget {}: must be between {} (the evaluations needed for {d} free parameter(s)) and {MAX_BUDGET}",
            opts.budget,
            min_budget(d)
        )));
    }
    if opts.max_evaluations < opts.budget || opts.max_evaluations > 2 * MAX_BUDGET {
        return Err(Error::Input(format!(
            "--max-evaluations {}: must be between --budget ({}) and {}",
            opts.max_evaluations,
            opts.budget,
            2 * MAX_BUDGET
        )));
    }
    if opts.runs < 2 {
        return Err(Error::Input("--runs must be at least 2".into()));
    }
    Observed::check_scenario(scenario)?;
    let free = check_free(scenario, &opts.free)?;
    let needed = search::scan_min_budget(&free);
    if opts.budget < needed {
        let whole: Vec<String> = free
            .iter()
            .filter(|p| p.integer)
            .map(|p| format!("{}={}:{}", p.key, p.low, p.high))
            .collect();
        return Err(Error::Input(format!(
            "--budget {}: the whole-number {} {} {} {} combinations of values, at most {}, so each is scanned and the other keys optimised for it (docs/fit.md): that needs at least --budget {needed} (or a narrower box)",
            opts.budget,
            if whole.len() == 1 { "key" } else { "keys" },
            whole.join(", "),
            if whole.len() == 1 { "has" } else { "have" },
            search::scan_size(&free),
            search::MAX_SCAN
        )));
    }
    Ok(FitOptions {
        free,
        ..opts.clone()
    })
}

/// Checks a fit of `scenario` to `observed` before it starts (the checks [`fit`] makes
/// first: free keys, budget, runs, both corners of the search box), so that a caller
/// fitting several scenarios can refuse a bad one before fitting any.
pub fn check_fit(
    scenario: &Scenario,
    network: &Network,
    observed: &Observed,
    opts: &FitOptions,
) -> Result<FitOptions> {
    let opts = checked_options(scenario, opts)?;
    Evaluator::new(scenario, network, observed, &opts).check_box()?;
    Ok(opts)
}

impl<'a> Evaluator<'a> {
    /// The evaluator of `scenario` against `observed` on `network`.
    fn new(
        base: &'a Scenario,
        network: &'a Network,
        observed: &'a Observed,
        opts: &'a FitOptions,
    ) -> Evaluator<'a> {
        Evaluator {
            base,
            network,
            observed,
            opts,
            obs_share: observed.share(),
            obs_hazard: observed.hazard(network),
            rebuild_network: opts.free.iter().any(|p| p.key.starts_with("network.")),
        }
    }

    /// Both corners of the box must be valid scenarios, and every size in the box must
    /// fit in memory: the estimate grows with each network key (n, k, m, p,
    /// mean_degree), so the top corner needs the most. The fit holds the scenario's
    /// network besides the one each evaluation uses.
    fn check_box(&self) -> Result<()> {
        let opts = self.opts;
        let lows: Vec<f64> = opts.free.iter().map(|p| p.low).collect();
        let highs: Vec<f64> = opts.free.iter().map(|p| p.high).collect();
        self.scenario(&lows)?;
        let highest = self.scenario(&highs)?;
        policysim_io::limits::check_memory_holding(
            &highest,
            policysim_io::machine::thread_count(opts.threads),
            1,
        )
        .map_err(|e| match e {
            Error::Input(m) if self.rebuild_network => Error::Input(format!(
                "--free: at the top of the search box ({}): {m}",
                opts.free
                    .iter()
                    .map(|p| format!("{} = {}", p.key, p.high))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            e => e,
        })
    }
}

/// Fits the free parameters of `scenario` to `observed` (matched to `network`, the
/// scenario's network); calls `progress(1)` after each evaluation.
pub fn fit(
    scenario: &Scenario,
    network: &Network,
    observed: &Observed,
    opts: &FitOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<FitResult> {
    let opts = &checked_options(scenario, opts)?;
    let ev = Evaluator::new(scenario, network, observed, opts);
    ev.check_box()?;
    let mut final_run: Option<(Scenario, EnsembleResult)> = None;
    let mut hazard_noise_at_best: Option<f64> = None;
    let evaluate = |phase: &'static str, values: &[f64]| ev.evaluate(phase, values);
    // the tolerance at the best point: its ensemble (kept when it is the final one,
    // which the outputs show) gives the hazard's run-to-run noise
    let mut tolerance_at = |best: &Evaluation, last: bool| -> Result<f64> {
        let (s, prepared, run) = ev.ensemble(&best.values).map_err(|e| match e {
            Error::Interrupted(_) if last => Error::Interrupted(
                "every evaluation finished, the best point's ensemble did not".into(),
            ),
            e => e,
        })?;
        let noise = ev.hazard_noise(&s, &prepared, &run.hazard)?;
        if last {
            final_run = Some((s, run));
            hazard_noise_at_best = noise;
        }
        Ok(tolerance(best, noise))
    };
    let found = search::search(opts, &evaluate, &mut tolerance_at, progress)?;
    let last = final_run.expect("the search ends with the best point's ensemble");
    let best = found.best.clone();
    Ok(ev.result(&found, best, hazard_noise_at_best, last))
}

impl Evaluator<'_> {
    /// The fit's result for these observed adoptions: the search's values and interval,
    /// `best` (the evaluation of this policy at the best point), the ensemble there, the
    /// simulated curve and the Bass curve fitted to the observed share.
    fn result(
        &self,
        found: &search::Search,
        best: Evaluation,
        hazard_noise: Option<f64>,
        (best_scenario, ensemble): (Scenario, EnsembleResult),
    ) -> FitResult {
        let curve = curve_of(&ensemble);
        // Bass: t = step + 1 when the first year's adopters are given (they adopted during year 1)
        let bass_offset = if self.observed.initial.is_empty() {
            0.0
        } else {
            1.0
        };
        // fitted on the steps whose RMSE is reported (1..T; step 0 is the initial adopters)
        let (bass, bass_rmse) = bass::fit_bass_reported(&self.obs_share, bass_offset).unwrap_or((
            BassFit {
                p: f64::NAN,
                q: f64::NAN,
            },
            f64::NAN,
        ));
        let box_edges = box_edges(
            self.base,
            &self.opts.free,
            &found.best.values,
            &found.interval,
        );
        FitResult {
            box_edges,
            best: found.best.values.clone(),
            interval: found.interval.clone(),
            best_eval: best,
            accepted: found.accepted,
            accepted_ess: found.accepted_ess,
            abc_batches: found.abc_batches,
            abc_evaluations: found.abc_evaluations,
            interval_from_abc: found.interval_from_abc,
            evaluations: found.evaluations.clone(),
            tolerance: found.tolerance,
            hazard_noise,
            observed_share: self.obs_share.clone(),
            curve,
            bass,
            bass_offset,
            bass_rmse,
            scenario: best_scenario,
            ensemble,
        }
    }
}

/// The evaluation with the smallest objective (the first on ties).
fn best_of(evals: &[Evaluation]) -> &Evaluation {
    evals
        .iter()
        .min_by(|a, b| a.objective.total_cmp(&b.objective))
        .expect("at least one evaluation")
}

/// ABC tolerance: the best objective plus the increase in each RMSE that noise alone
/// explains, sqrt(rmse² + noise²) - rmse, where noise is how far one run lies from the
/// ensemble at the best point (curve: `best.noise`; hazard: `hazard_noise`). With the
/// log score, its likelihood-based tolerance ([`log_score::tolerance`]).
pub fn tolerance(best: &Evaluation, hazard_noise: Option<f64>) -> f64 {
    if let Some(ls) = &best.log_score {
        return log_score::tolerance(ls, best.values.len());
    }
    let widen = |r: f64, noise: f64| (r * r + noise * noise).sqrt() - r;
    let mut tol = best.objective + widen(best.curve_rmse, best.noise);
    if let (Some(h), Some(n)) = (best.hazard_rmse, hazard_noise) {
        tol += widen(h, n);
    }
    tol
}

#[cfg(test)]
mod tests {
    use super::*;

    fn free(key: &str, low: f64, high: f64) -> FreeParam {
        FreeParam {
            key: key.into(),
            low,
            high,
            integer: false,
        }
    }

    #[test]
    fn box_edges_flag_only_ends_the_key_could_pass() {
        let s = Scenario::default();
        let edges = |p: FreeParam, best: f64, iv: (f64, f64)| {
            box_edges(&s, &[p], &[best], &[iv])
                .iter()
                .map(|e| e.side)
                .collect::<Vec<_>>()
        };
        // learning.rate is a scale: 1 is only the box's end
        assert_eq!(
            edges(free("learning.rate", 0.0, 1.0), 0.97, (0.07, 0.97)),
            ["high"]
        );
        // ... but 0 is the key's own limit, and the middle is no edge
        assert!(edges(free("learning.rate", 0.0, 1.0), 0.03, (0.02, 0.39)).is_empty());
        assert!(edges(free("learning.rate", 0.0, 4.0), 2.0, (1.0, 3.0)).is_empty());
        // the interval alone can reach an end
        assert_eq!(
            edges(free("learning.rate", 0.5, 4.0), 2.0, (0.52, 3.0)),
            ["low"]
        );
        // innovation.rate is a probability: 1 is its own limit
        assert!(edges(free("innovation.rate", 0.0, 1.0), 0.99, (0.9, 1.0)).is_empty());
        assert_eq!(
            edges(free("innovation.rate", 0.1, 0.5), 0.49, (0.11, 0.5)),
            ["low", "high"]
        );
    }
}
