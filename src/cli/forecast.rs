//! The `policysim forecast` command: options, progress bar and output files.

use crate::cells::{csv_field, num, round_sig};
use crate::error::{Error, Result};
use crate::fit::{parse_free, FreeParam};
use crate::forecast::{forecast, Forecast, ForecastOptions, MODELS};
use crate::network::Network;
use crate::observed::read_observed;
use crate::output::write_atomic;
use crate::scenario_files::load_scenario;
use clap::Args;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Examples shown by `policysim forecast --help`.
pub(super) const FORECAST_EXAMPLES: &str = "Examples:
  policysim forecast scenarios/us_states.toml --observed scenarios/data/spid_sample.csv \\
    --policy mothersaid --train-until 1917 --horizon 5 \\
    --free innovation.rate=0:0.5 --free learning.rate=0:3 --out results/forecast-mothersaid
  policysim forecast scenarios/us_states.toml --observed scenarios/data/spid_sample.csv \\
    --policy antistalk --train-until 1992 --horizon 3 --out results/forecast-antistalk
  policysim forecast scenarios/us_states.toml --observed scenarios/data/spid_sample.csv \\
    --evaluate-all --train-share 1/3 --horizon 5 \\
    --free innovation.rate=0:1 --free learning.rate=0:1 --out results/forecast-all";

/// Options of `policysim forecast`.
#[derive(Debug, Args)]
pub(super) struct ForecastArgs {
    /// The scenario file (TOML).
    pub file: PathBuf,
    /// CSV of observed adoptions: one row per unit with its adoption year.
    #[arg(long)]
    pub observed: PathBuf,
    /// How to read the observed file.
    #[command(flatten)]
    pub reading: crate::cli::ObservedArgs,
    /// The last training year: nothing fitted sees a later adoption.
    #[arg(
        long,
        required_unless_present = "evaluate_all",
        conflicts_with = "evaluate_all"
    )]
    pub train_until: Option<i32>,
    /// Forecast every policy of the observed file, each split by --train-share, and write
    /// one row per policy and the means (evaluation.csv, evaluation_means.csv, evaluation.json, evaluation.md).
    #[arg(long, conflicts_with = "policy")]
    pub evaluate_all: bool,
    /// With --evaluate-all: train until the year in which this share of a policy's
    /// eventual adopters had adopted (a fraction such as 1/3 or a decimal such as 0.25).
    #[arg(long, value_parser = crate::forecast::evaluate::parse_train_share)]
    pub train_share: Option<crate::forecast::evaluate::TrainShare>,
    /// Years forecast after the training years (p1 .. pK).
    #[arg(long)]
    pub horizon: u32,
    /// A key fitted on the training years, KEY=LOW:HIGH (repeat; none: the scenario as it is).
    #[arg(long = "free", value_parser = parse_free)]
    pub free: Vec<FreeParam>,
    /// Runs per fit evaluation and of the forecast.
    #[arg(long, default_value_t = 200)]
    pub runs: u32,
    /// Number of fit evaluations (with --free).
    #[arg(long, default_value_t = 200)]
    pub budget: usize,
    /// Output folder for forecast.csv, forecast.json and the charts.
    #[arg(long)]
    pub out: PathBuf,
    /// Master seed (overrides the scenario's `seed`; 0 to 2^63-1).
    #[arg(long, value_parser = crate::rng::parse_seed)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar or messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw charts.
    #[arg(long)]
    pub no_charts: bool,
    /// Chart formats, language and size.
    #[command(flatten)]
    pub charts: crate::cli::ChartArgs,
}

/// Runs `policysim forecast`.
pub(super) fn run(args: ForecastArgs) -> Result<()> {
    let cancel = crate::cli::interrupt_flag();
    crate::machine::check_threads(args.threads)?;
    if args.train_share.is_some() && !args.evaluate_all {
        return Err(Error::Input(
            "--train-share applies to --evaluate-all (every policy, each split by the share); for one policy give --train-until YEAR".into(),
        ));
    }
    if args.horizon == 0 {
        return Err(Error::Input(
            "--horizon 0: the forecast needs at least one year (e.g. --horizon 5)".into(),
        ));
    }
    let mut scenario = load_scenario(&args.file)?;
    if let Some(s) = args.seed {
        scenario.seed = s;
    }
    scenario.runs = args.runs.max(1);
    crate::provenance::note_seed(scenario.seed);
    check_destination(&args.out, args.evaluate_all)?;
    // the forecast runs go on for the horizon: the memory they need is checked up front
    let mut longest = scenario.clone();
    longest.steps = longest.steps.max(args.horizon);
    crate::limits::check_memory_holding(&longest, crate::machine::thread_count(args.threads), 1)
        .map_err(|e| Error::Input(format!("--horizon {}: {e}", args.horizon)))?;
    let prepared = crate::scenario_files::prepare(&scenario)?;
    let free = crate::fit::check_free(&scenario, &args.free)?;
    if !args.quiet {
        for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
            eprintln!("warning: {w}");
        }
        if let Some(w) = crate::observed::comparison_warning(&scenario) {
            eprintln!("warning: {w}");
        }
    }
    let network = prepared.network;
    if args.evaluate_all {
        return run_all(&args, &scenario, &network, free, cancel);
    }
    let observed = read_observed(&args.observed, &network, &args.reading.options())?;
    let opts = ForecastOptions {
        train_until: args.train_until.unwrap_or_default(),
        horizon: args.horizon,
        free,
        runs: args.runs,
        budget: args.budget,
        seed: scenario.seed,
        threads: args.threads,
        cancel,
    };
    let work = if opts.free.is_empty() {
        0
    } else {
        opts.budget as u64
    } + u64::from(opts.runs);
    let bar = crate::cli::progress_bar_of(work, "evaluations and runs", args.quiet);
    let started = std::time::Instant::now();
    let tick = |k: u64| bar.inc(k);
    let result = forecast(&scenario, &network, &observed, &opts, &tick);
    bar.finish_and_clear();
    let f = result.map_err(|e| match e {
        Error::Interrupted(_) => Error::Interrupted(crate::staging::interrupted_message(
            "the forecast did not finish",
            &args.out,
            args.out.exists(),
        )),
        e => e,
    })?;
    let wall = started.elapsed().as_secs_f64();
    if !args.quiet {
        for w in &observed.warnings {
            eprintln!("warning: {w}");
        }
        if let Some(w) = f.split.horizon_warning(args.horizon) {
            eprintln!("warning: {w}");
        }
        if !f.eha.logit.converged {
            eprintln!("warning: the event-history logit did not converge (perfect separation on the training years?): its coefficients are drifting and its probabilities near 0 or 1");
        }
    }
    let charts = (!args.no_charts).then(|| args.charts.options());
    crate::staging::write_staged(&args.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("forecast.csv", &forecast_csv(&f, &network))?;
        w("forecast.json", &forecast_json(&args, &opts, &f))?;
        // the map's network, so that `plot` redraws the map from the folder
        let train = &f.split.train.adopted_step;
        if let Some((nodes, edges)) =
            crate::output::network_map_csv(&network, |i| train.get(i).copied().flatten())
        {
            w("map.csv", &nodes)?;
            if let Some(edges) = edges {
                w("map_edges.csv", &edges)?;
            }
        }
        // drawn from the files just written, as `plot` draws them
        if let Some(c) = &charts {
            crate::forecast::chart::draw_forecast_charts(out, c)?;
        }
        if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst)) {
            return Err(Error::Interrupted(
                "the forecast finished, its files did not".into(),
            ));
        }
        Ok(())
    })?;
    if !args.quiet {
        eprintln!(
            "{}: forecast of {} units at risk after {}, {} years, {} runs, in {:.1} s",
            f.scenario.name,
            f.at_risk.len(),
            f.split.year,
            args.horizon,
            opts.runs,
            wall
        );
        eprintln!(
            "  horizon {}: {:<10} {:>6} {:>7} {:>8}",
            args.horizon, "", "AUC", "Brier", "log loss"
        );
        for (m, s) in MODELS.iter().zip(&f.scores) {
            eprintln!(
                "             {:<10} {:>6} {:>7.4} {:>8.4}",
                m,
                s.auc.map_or("-".into(), |a| format!("{a:.3}")),
                s.brier,
                s.log_loss
            );
        }
        eprintln!(
            "results in {}/ (forecast.csv, forecast.json, charts)",
            args.out.display()
        );
    }
    Ok(())
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
    if !crate::staging::check_out_folder(out, "results/forecast")? || out.join(mark).is_file() {
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
    args: &ForecastArgs,
    scenario: &crate::scenario::Scenario,
    network: &Network,
    free: Vec<FreeParam>,
    cancel: Option<&'static std::sync::atomic::AtomicBool>,
) -> Result<()> {
    use crate::forecast::evaluate;
    let share = args.train_share.unwrap_or_default();
    let policies = crate::observed::policies(&args.observed)?;
    let opts = ForecastOptions {
        train_until: 0,
        horizon: args.horizon,
        free,
        runs: args.runs,
        budget: args.budget,
        seed: scenario.seed,
        threads: args.threads,
        cancel,
    };
    let total = evaluate::work_per_policy(&opts) * policies.len() as u64;
    let bar = crate::cli::progress_bar_of(
        total,
        &format!("evaluations and runs ({} policies)", policies.len()),
        args.quiet,
    );
    let started = std::time::Instant::now();
    let tick = |k: u64| bar.inc(k);
    let reading = args.reading.options();
    let result = evaluate::evaluate_all(
        scenario,
        network,
        &args.observed,
        &reading,
        share,
        &opts,
        &tick,
    );
    bar.finish_and_clear();
    let rows = result.map_err(|e| match e {
        Error::Interrupted(_) => Error::Interrupted(crate::staging::interrupted_message(
            "the evaluation did not finish",
            &args.out,
            args.out.exists(),
        )),
        e => e,
    })?;
    let wall = started.elapsed().as_secs_f64();
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
            args.observed.display(),
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
        "observed": args.observed.display().to_string(),
        "train_share": share.to_string(),
        "split_rule": "train until the first year by whose end at least train_share of the policy's eventual adopters had adopted (the year after the first adoption when that is its year)",
        "horizon": opts.horizon,
        "free": opts.free.iter().map(|p| json!({"key": p.key, "low": p.low, "high": p.high})).collect::<Vec<_>>(),
        "runs": opts.runs,
        "budget": if opts.free.is_empty() { Value::Null } else { json!(opts.budget) },
        "seed": opts.seed,
        "innovativeness": lopo.then_some(LOPO_RULE),
    });
    crate::staging::write_staged(&args.out, |out| {
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
        if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst)) {
            return Err(Error::Interrupted(
                "the evaluation finished, its files did not".into(),
            ));
        }
        Ok(())
    })?;
    if !args.quiet {
        for r in &rows {
            if let Err(why) = &r.outcome {
                eprintln!("warning: policy {} not evaluated: {why}", r.policy);
            }
        }
        eprintln!(
            "{}: {evaluated} of {} policies evaluated (train share {share}, horizon {}) in {:.1} s",
            scenario.name,
            rows.len(),
            opts.horizon,
            wall
        );
        if lopo {
            eprintln!("  {LOPO_RULE}");
        }
        eprintln!(
            "  mean over the policies  {:>6} {:>7} {:>8}",
            "AUC", "Brier", "log loss"
        );
        for f in ["policysim", "eha", "bass", "policysim-eha"] {
            let get = |m: &str| {
                means
                    .iter()
                    .find(|r| r.forecast == f && r.measure == m)
                    .and_then(|r| r.ci)
                    .map_or("-".to_string(), |c| format!("{:.3}", c.mean))
            };
            eprintln!(
                "  {f:<22} {:>6} {:>7} {:>8}",
                get("auc"),
                get("brier"),
                get("log_loss")
            );
        }
        eprintln!(
            "results in {}/ (evaluation.csv, evaluation_means.csv, evaluation.json, evaluation.md)",
            args.out.display()
        );
    }
    Ok(())
}

/// How `--evaluate-all` replaces the node column `innovativeness` (settings and summary).
const LOPO_RULE: &str = "innovativeness: the node column is recomputed for each policy from the other policies of the observed file, counting their adoptions up to the policy's last training year (leave-one-policy-out)";

/// `forecast.csv`: one row per unit not adopted by the last training year, wide:
/// `unit,name,p1..pK,eha_p1..eha_pK,bass_p1..bass_pK,adopted_within_horizon,adopted_year`.
pub(super) fn forecast_csv(f: &Forecast, network: &Network) -> String {
    let k = f.bass.p.len();
    let mut out = String::from("unit,name");
    for prefix in ["p", "eha_p", "bass_p"] {
        for j in 1..=k {
            let _ = write!(out, ",{prefix}{j}");
        }
    }
    out.push_str(",adopted_within_horizon,adopted_year\n");
    for (row, &i) in f.at_risk.iter().enumerate() {
        let id = network.names.name(i);
        let name = network.labels.get(i).map_or(&*id, String::as_str);
        let _ = write!(out, "{},{}", csv_field(&id), csv_field(name));
        for p in f.policysim[row]
            .iter()
            .chain(&f.eha_p[row])
            .chain(&f.bass.p)
        {
            let _ = write!(out, ",{}", num(*p));
        }
        let year = f.split.later[i].map_or(String::new(), |y| y.to_string());
        let _ = writeln!(out, ",{},{year}", u8::from(f.outcome[row]));
    }
    out
}

/// `forecast.json`: the split, the fitted values, the three baselines' parameters and
/// the scores at the horizon.
pub(super) fn forecast_json(args: &ForecastArgs, opts: &ForecastOptions, f: &Forecast) -> String {
    let fitted = f.fit.as_ref().map(|r| {
        let mut best = serde_json::Map::new();
        let mut interval = serde_json::Map::new();
        for (k, p) in opts.free.iter().enumerate() {
            let number = |x: f64| if p.integer { json!(x as i64) } else { json!(round_sig(x)) };
            best.insert(p.key.clone(), number(r.best[k]));
            interval.insert(p.key.clone(), json!([number(r.interval[k].0), number(r.interval[k].1)]));
        }
        json!({"best": best, "interval": interval, "rmse": round_sig(r.best_eval.curve_rmse), "evaluations": r.evaluations.len()})
    });
    let logit = &f.eha.logit;
    let coefficients: Vec<Value> = (0..logit.names.len())
        .map(|k| json!({"covariate": logit.names[k], "coef": round_sig(logit.coef[k]), "se": round_sig(logit.se[k])}))
        .collect();
    let mut scores = serde_json::Map::new();
    for (m, s) in MODELS.iter().zip(&f.scores) {
        scores.insert(
            (*m).into(),
            json!({"auc": s.auc.map(round_sig), "brier": round_sig(s.brier), "log_loss": round_sig(s.log_loss)}),
        );
    }
    let adopters = f.outcome.iter().filter(|&&y| y).count();
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": f.scenario.name,
        "description": f.scenario.description,
        "observed": args.observed.display().to_string(),
        "policy": args.reading.policy,
        "start_year": f.split.train.start_year,
        "train_until": f.split.year,
        "horizon": opts.horizon,
        "last_observed_year": f.split.last_year,
        "units": f.split.train.n(),
        "adopted_by_train_until": f.split.train.n() - f.at_risk.len(),
        "at_risk": f.at_risk.len(),
        "adopted_within_horizon": adopters,
        "fitted": fitted,
        "eha": {
            "coefficients": coefficients,
            "dropped": f.eha.dropped,
            "unit_years": f.eha.unit_years,
            "events": f.eha.events,
            "log_likelihood": round_sig(logit.log_likelihood),
            "converged": logit.converged,
            "covariates_over_horizon": "held at their values at the end of train_until",
        },
        "bass": {"p": round_sig(f.bass.fit.p), "q": round_sig(f.bass.fit.q), "t_offset": f.bass.offset,
                 "probabilities": f.bass.p.iter().map(|p| round_sig(*p)).collect::<Vec<_>>()},
        "scores": scores,
        "log_loss_clip": crate::forecast::score::EPS,
        "runs": opts.runs,
        "seed": opts.seed,
    });
    let mut v = v;
    crate::output::insert_description_zh(&mut v, &f.scenario.description_zh);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
