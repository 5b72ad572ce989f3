//! `policysim forecast` as a library call: the scenario and the observed adoptions read,
//! who adopts next forecast after the training years (or every policy of the file
//! evaluated, `evaluate_all`), and the folder written whole through a staging folder.

use super::evaluate::{self, MeanRow, PolicyEvaluation, TrainShare};
use super::files::{forecast_csv, forecast_json};
use super::{forecast, Forecast, ForecastOptions};
use crate::fit::FreeParam;
use crate::progress::Progress;
use policysim_charts::ChartOptions;
use policysim_io::observed::{read_observed, ObservedOptions};
use policysim_io::output::write_atomic;
use policysim_io::staging::{check_out_folder, interrupted_before_writing, write_staged};
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What `policysim forecast` forecasts, and where it writes.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// CSV of observed adoptions: one row per unit with its adoption year.
    pub observed: PathBuf,
    /// How to read the observed file.
    pub reading: ObservedOptions,
    /// The last training year (one policy; ignored with `evaluate_all`).
    pub train_until: Option<i32>,
    /// Forecast every policy of the observed file, each split by `train_share`.
    pub evaluate_all: bool,
    /// With `evaluate_all`: train until this share of a policy's eventual adopters had
    /// adopted (None: the default share).
    pub train_share: Option<TrainShare>,
    /// Years forecast after the training years.
    pub horizon: u32,
    /// Keys fitted on the training years (none: the scenario as it is).
    pub free: Vec<FreeParam>,
    /// Runs per fit evaluation and of the forecast.
    pub runs: u32,
    /// Fit evaluations (with free keys).
    pub budget: usize,
    /// The folder (replaced whole).
    pub out: PathBuf,
    /// Master seed in place of the scenario's.
    pub seed: Option<u64>,
    /// Worker threads (None: all cores); results do not depend on it.
    pub threads: Option<usize>,
    /// Charts to draw (None: none).
    pub charts: Option<ChartOptions>,
    /// When set to true the forecast stops and nothing is written.
    pub cancel: Option<&'static AtomicBool>,
}

/// What a forecast found, with what the summary reports.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// One policy's forecast.
    Forecast {
        /// The forecast.
        forecast: Box<Forecast>,
        /// Runs of the forecast.
        runs: u32,
        /// Seconds the forecast took (writing the files aside).
        seconds: f64,
    },
    /// Every policy of the file evaluated (`evaluate_all`).
    Evaluation {
        /// The scenario's name.
        scenario: String,
        /// One row per policy, in the file's order.
        rows: Vec<PolicyEvaluation>,
        /// The means over the evaluated policies.
        means: Vec<MeanRow>,
        /// The share the policies were split by.
        share: TrainShare,
        /// Whether the node column `innovativeness` was recomputed for each policy
        /// ([`LOPO_RULE`]).
        leave_one_policy_out: bool,
        /// Seconds the evaluation took (writing the files aside).
        seconds: f64,
    },
}

/// How `evaluate_all` replaces the node column `innovativeness` (settings and summary).
pub const LOPO_RULE: &str = "innovativeness: the node column is recomputed for each policy from the other policies of the observed file, counting their adoptions up to the policy's last training year (leave-one-policy-out)";

/// Runs `policysim forecast`: reads the scenario and the observed adoptions, forecasts
/// (or evaluates every policy), and writes the folder `options.out` (all or nothing).
/// Warnings and progress go to `progress`.
pub fn run(options: &StudyOptions, progress: &Progress) -> Result<Outcome> {
    policysim_io::threads::check_threads(options.threads)?;
    if options.train_share.is_some() && !options.evaluate_all {
        return Err(Error::Input(
            "--train-share applies to --evaluate-all (every policy, each split by the share); for one policy give --train-until YEAR".into(),
        ));
    }
    if options.horizon == 0 {
        return Err(Error::Input(
            "--horizon 0: the forecast needs at least one year (e.g. --horizon 5)".into(),
        ));
    }
    let mut scenario = policysim_io::scenario_files::load_scenario(&options.scenario)?;
    if let Some(s) = options.seed {
        scenario.seed = s;
    }
    scenario.runs = options.runs.max(1);
    policysim_io::provenance::note_seed(scenario.seed);
    check_destination(&options.out, options.evaluate_all)?;
    // the forecast runs go on for the horizon: the memory they need is checked up front
    let mut longest = scenario.clone();
    longest.steps = longest.steps.max(options.horizon);
    policysim_io::limits::check_memory_holding(
        &longest,
        policysim_io::machine::thread_count(options.threads),
        1,
    )
    .map_err(|e| Error::Input(format!("--horizon {}: {e}", options.horizon)))?;
    let prepared = policysim_io::scenario_files::prepare(&scenario)?;
    let free = crate::fit::check_free(&scenario, &options.free)?;
    for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
        (progress.warning)(w);
    }
    if let Some(w) = policysim_io::observed::comparison_warning(&scenario) {
        (progress.warning)(w);
    }
    let network = prepared.network;
    if options.evaluate_all {
        return run_all(options, &scenario, &network, free, progress);
    }
    let observed = read_observed(&options.observed, &network, &options.reading)?;
    let opts = ForecastOptions {
        train_until: options.train_until.unwrap_or_default(),
        horizon: options.horizon,
        free,
        runs: options.runs,
        budget: options.budget,
        seed: scenario.seed,
        threads: options.threads,
        cancel: options.cancel,
    };
    let work = if opts.free.is_empty() {
        0
    } else {
        opts.budget as u64
    } + u64::from(opts.runs);
    (progress.plan)(work, "evaluations and runs");
    let started = std::time::Instant::now();
    let result = forecast(&scenario, &network, &observed, &opts, progress.tick);
    (progress.done)();
    let f = result.map_err(|e| {
        interrupted_before_writing(e, Some("the forecast did not finish"), &options.out)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    for w in &observed.warnings {
        (progress.warning)(w);
    }
    if let Some(w) = f.split.horizon_warning(options.horizon) {
        (progress.warning)(&w);
    }
    if !f.eha.logit.converged {
        (progress.warning)("the event-history logit did not converge (perfect separation on the training years?): its coefficients are drifting and its probabilities near 0 or 1");
    }
    write_staged(&options.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("forecast.csv", &forecast_csv(&f, &network))?;
        w("forecast.json", &forecast_json(options, &opts, &f))?;
        // the map's network, so that `plot` redraws the map from the folder
        let train = &f.split.train.adopted_step;
        if let Some((nodes, edges)) =
            policysim_io::output::network_map_csv(&network, |i| train.get(i).copied().flatten())
        {
            w("map.csv", &nodes)?;
            if let Some(edges) = edges {
                w("map_edges.csv", &edges)?;
            }
        }
        // drawn from the files just written, as `plot` draws them
        if let Some(c) = &options.charts {
            super::chart::draw_forecast_charts(out, c)?;
        }
        if opts.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Err(Error::Interrupted(
                "the forecast finished, its files did not".into(),
            ));
        }
        Ok(())
    })?;
    Ok(Outcome::Forecast {
        forecast: Box::new(f),
        runs: opts.runs,
        seconds,
    })
}

/// Refuses an output folder a forecast must not replace: only a new or empty folder or
/// an earlier forecast (`forecast.json`; with `--evaluate-all` an earlier evaluation,
/// `evaluation.json`) qualify.
fn check_destination(out: &Path, all: bool) -> Result<()> {
    let (mark, what) = if all {
        ("evaluation.json", "evaluation")
    } else {
        ("forecast.json", "forecast")
    };
    if !check_out_folder(out, "results/forecast")? || out.join(mark).is_file() {
        return Ok(());
    }
    Err(Error::Input(format!(
        "--out {}: the folder holds other files and no earlier {what} ({mark}); choose another --out (a forecast replaces the whole folder)",
        out.display()
    )))
}

/// Runs `policysim forecast --evaluate-all`: every policy of the file, one after the
/// other, each split by `--train-share`; the table and the means into `--out`.
fn run_all(
    options: &StudyOptions,
    scenario: &Scenario,
    network: &Network,
    free: Vec<FreeParam>,
    progress: &Progress,
) -> Result<Outcome> {
    let share = options.train_share.unwrap_or_default();
    let policies = policysim_io::observed::policies(&options.observed)?;
    let opts = ForecastOptions {
        train_until: 0,
        horizon: options.horizon,
        free,
        runs: options.runs,
        budget: options.budget,
        seed: scenario.seed,
        threads: options.threads,
        cancel: options.cancel,
    };
    let total = evaluate::work_per_policy(&opts) * policies.len() as u64;
    (progress.plan)(
        total,
        &format!("evaluations and runs ({} policies)", policies.len()),
    );
    let started = std::time::Instant::now();
    let result = evaluate::evaluate_all(
        scenario,
        network,
        &options.observed,
        &options.reading,
        share,
        &opts,
        progress.tick,
    );
    (progress.done)();
    let rows = result.map_err(|e| {
        interrupted_before_writing(e, Some("the evaluation did not finish"), &options.out)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let evaluated = rows.iter().filter(|r| r.outcome.is_ok()).count();
    if evaluated == 0 {
        let reasons: Vec<String> = rows
            .iter()
            .take(5)
            .filter_map(|r| {
                r.outcome
                    .as_ref()
                    .err()
                    .map(|w| format!("{}: {w}", r.policy))
            })
            .collect();
        return Err(Error::Input(format!(
            "--evaluate-all: none of the {} policies of {} could be evaluated ({})",
            rows.len(),
            options.observed.display(),
            reasons.join("; ")
        )));
    }
    let means = evaluate::means(&rows);
    let keys: Vec<String> = opts.free.iter().map(|p| p.key.clone()).collect();
    let lopo = rows
        .iter()
        .any(|r| r.outcome.as_ref().is_ok_and(|e| e.innovativeness.is_some()));
    let settings = json!({
        "scenario": scenario.name,
        "observed": options.observed.display().to_string(),
        "train_share": share.to_string(),
        "split_rule": "train until the first year by whose end at least train_share of the policy's eventual adopters had adopted (the year after the first adoption when that is its year)",
        "horizon": opts.horizon,
        "free": opts.free.iter().map(|p| json!({"key": p.key, "low": p.low, "high": p.high})).collect::<Vec<_>>(),
        "runs": opts.runs,
        "budget": if opts.free.is_empty() { Value::Null } else { json!(opts.budget) },
        "seed": opts.seed,
        "innovativeness": lopo.then_some(LOPO_RULE),
    });
    write_staged(&options.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("evaluation.csv", &evaluate::evaluation_csv(&rows, &keys))?;
        w("evaluation_means.csv", &evaluate::means_csv(&means))?;
        w(
            "evaluation.json",
            &evaluate::evaluation_json(&rows, &means, settings, &keys),
        )?;
        w(
            "evaluation.md",
            &evaluate::evaluation_markdown(&rows, &means, opts.horizon),
        )?;
        if opts.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Err(Error::Interrupted(
                "the evaluation finished, its files did not".into(),
            ));
        }
        Ok(())
    })?;
    Ok(Outcome::Evaluation {
        scenario: scenario.name.clone(),
        rows,
        means,
        share,
        leave_one_policy_out: lopo,
        seconds,
    })
}
