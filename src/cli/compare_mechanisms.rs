//! The `policysim compare-mechanisms` command: options, progress bar and output files.

use crate::cells::{csv_field, markdown_cell, num, round_sig};
use crate::error::{Error, Result};
use crate::forecast::evaluate::{parse_train_share, split_year, TrainShare};
use crate::mechanisms::hypotheses::read_hypotheses;
use crate::mechanisms::{compare, penalised_score, CompareOptions, Comparison, Rival};
use crate::observed::read_observed;
use crate::output::write_atomic;
use clap::Args;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Examples shown by `policysim compare-mechanisms --help`.
pub(super) const MECHANISMS_EXAMPLES: &str = "Examples:
  policysim compare-mechanisms scenarios/mechanisms/us_federal.toml \\
    --observed scenarios/data/spid_sample.csv --policy mlda21 --train-until 1985 \\
    --out results/mechanisms-mlda21
  policysim compare-mechanisms scenarios/mechanisms/us_federal.toml \\
    --observed scenarios/data/spid_sample.csv --policy mothersaid --train-share 1/3 \\
    --out results/mechanisms-mothersaid";

/// Options of `policysim compare-mechanisms`.
#[derive(Debug, Args)]
pub(super) struct CompareMechanismsArgs {
    /// The hypotheses file (TOML): [[hypothesis]] tables with name, scenario (relative to the file) and free = ["KEY=LOW:HIGH", ...].
    pub file: PathBuf,
    /// CSV of observed adoptions: one row per unit with its adoption year.
    #[arg(long)]
    pub observed: PathBuf,
    /// How to read the observed file.
    #[command(flatten)]
    pub reading: crate::cli::ObservedArgs,
    /// The last training year of the held-out forecast (the forecast covers every later observed year).
    #[arg(long, conflicts_with = "train_share")]
    pub train_until: Option<i32>,
    /// Train until the year in which this share of the eventual adopters had adopted
    /// (as forecast --evaluate-all; default 1/3 when --train-until is not given).
    #[arg(long, value_parser = parse_train_share)]
    pub train_share: Option<TrainShare>,
    /// Runs per fit evaluation and of each forecast.
    #[arg(long, default_value_t = 100)]
    pub runs: u32,
    /// Fit evaluations per fit (each hypothesis is fitted twice: on the training years and
    /// on all); a whole-number key that is scanned needs many (the message says how many).
    #[arg(long, default_value_t = 1000)]
    pub budget: usize,
    /// Output folder for mechanisms.csv, mechanisms.json, mechanisms.md, mechanisms_curves.csv and the chart.
    #[arg(long)]
    pub out: PathBuf,
    /// Master seed of every hypothesis (default: the first hypothesis's scenario `seed`; 0 to 2^63-1).
    #[arg(long, value_parser = crate::rng::parse_seed)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores); results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
    /// No progress bar or messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw the chart.
    #[arg(long)]
    pub no_charts: bool,
    /// Chart formats, language and size.
    #[command(flatten)]
    pub charts: crate::cli::ChartArgs,
}

/// Runs `policysim compare-mechanisms`.
pub(super) fn run(args: CompareMechanismsArgs) -> Result<()> {
    let cancel = crate::cli::interrupt_flag();
    crate::machine::check_threads(args.threads)?;
    if args.runs < 2 {
        return Err(Error::Input("--runs must be at least 2".into()));
    }
    let hypotheses = read_hypotheses(&args.file)?;
    check_destination(&args.out)?;
    let seed = args.seed.unwrap_or(hypotheses[0].scenario.seed);
    crate::provenance::note_seed(seed);
    let mut rivals = Vec::with_capacity(hypotheses.len());
    for h in hypotheses {
        let at = |e: Error| match e {
            Error::Input(m) => Error::Input(format!(
                "{}: hypothesis \"{}\" ({}): {m}",
                args.file.display(),
                h.name,
                h.scenario_path.display()
            )),
            e => e,
        };
        let scenario = crate::mechanisms::seeded(h.scenario.clone(), seed, args.runs);
        crate::limits::check_memory_holding(
            &scenario,
            crate::machine::thread_count(args.threads),
            1,
        )
        .map_err(at)?;
        let prepared = crate::scenario_files::prepare(&scenario).map_err(at)?;
        let free = crate::fit::check_free(&scenario, &h.free).map_err(at)?;
        let observed = read_observed(&args.observed, &prepared.network, &args.reading.options())?;
        if !args.quiet {
            for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
                eprintln!("warning: {}: {w}", h.name);
            }
        }
        rivals.push(Rival {
            hypothesis: crate::mechanisms::hypotheses::Hypothesis { scenario, ..h },
            network: prepared.network,
            observed,
            free,
        });
    }
    let train_until = match args.train_until {
        Some(y) => y,
        None => split_year(&rivals[0].observed, args.train_share.unwrap_or_default()).map_err(
            |why| {
                Error::input_in(
                    &args.observed,
                    format!(
                        "--train-share {}: {why}",
                        args.train_share.unwrap_or_default()
                    ),
                )
            },
        )?,
    };
    let opts = CompareOptions {
        train_until,
        runs: args.runs,
        budget: args.budget,
        seed,
        threads: args.threads,
        cancel,
    };
    crate::mechanisms::check(&rivals, &opts).map_err(|e| match e {
        Error::Input(m) => Error::Input(format!("{}: {m}", args.file.display())),
        e => e,
    })?;
    if !args.quiet {
        for w in &rivals[0].observed.warnings {
            eprintln!("warning: {w}");
        }
    }
    let total = crate::mechanisms::work_per_hypothesis(&opts) * rivals.len() as u64;
    let bar = crate::cli::progress_bar_of(
        total,
        &format!("evaluations and runs ({} hypotheses)", rivals.len()),
        args.quiet,
    );
    let started = std::time::Instant::now();
    let tick = |k: u64| bar.inc(k);
    let result = compare(&rivals, &opts, &tick);
    bar.finish_and_clear();
    let c = result.map_err(|e| match e {
        Error::Interrupted(_) => Error::Interrupted(crate::staging::interrupted_message(
            "the comparison did not finish",
            &args.out,
            args.out.exists(),
        )),
        e => e,
    })?;
    let wall = started.elapsed().as_secs_f64();
    let charts = (!args.no_charts).then(|| args.charts.options());
    let name = match &args.reading.policy {
        Some(p) => p.clone(),
        None => args
            .observed
            .file_stem()
            .map_or("observed".into(), |s| s.to_string_lossy().into_owned()),
    };
    crate::staging::write_staged(&args.out, |out| {
        let w = |file: &str, text: &str| write_atomic(&out.join(file), text.as_bytes());
        w("mechanisms.csv", &mechanisms_csv(&rivals, &c))?;
        w(
            "mechanisms.json",
            &mechanisms_json(&args, &rivals, &opts, &c),
        )?;
        w("mechanisms.md", &mechanisms_markdown(&c))?;
        w(
            crate::mechanisms::saved::MECHANISMS_CURVES_CSV,
            &crate::mechanisms::saved::mechanisms_curves_csv(&c),
        )?;
        // drawn from the files just written, as `plot` draws it
        if let Some(o) = &charts {
            crate::mechanisms::chart::draw_mechanisms_chart(out, o)?;
        }
        if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst)) {
            return Err(Error::Interrupted(
                "the comparison finished, its files did not".into(),
            ));
        }
        Ok(())
    })?;
    if !args.quiet {
        eprintln!(
            "{name}: {} hypotheses, held out after {train_until}, {} runs, {} evaluations per fit, in {wall:.1} s",
            c.results.len(),
            opts.runs,
            opts.budget
        );
        eprint!("{}", mechanisms_markdown(&c));
        eprintln!(
            "results in {}/ (mechanisms.csv, mechanisms.json, mechanisms.md, mechanisms_curves.csv, chart)",
            args.out.display()
        );
    }
    Ok(())
}

/// Refuses an output folder the comparison must not replace: only a new or empty folder
/// or an earlier comparison (`mechanisms.json`) qualify.
fn check_destination(out: &Path) -> Result<()> {
    if !crate::staging::check_out_folder(out, "results/mechanisms")?
        || out.join("mechanisms.json").is_file()
    {
        return Ok(());
    }
    Err(Error::Input(format!(
        "--out {}: the folder holds other files and no earlier comparison (mechanisms.json); choose another --out (a comparison replaces the whole folder)",
        out.display()
    )))
}

/// `KEY=LOW:HIGH; ...` of a hypothesis.
fn free_text(free: &[crate::fit::FreeParam]) -> String {
    free.iter()
        .map(|p| format!("{}={}:{}", p.key, p.low, p.high))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `KEY=VALUE; ...` of fitted values (whole-number keys as whole numbers).
fn values_text(free: &[crate::fit::FreeParam], values: &[f64]) -> String {
    free.iter()
        .zip(values)
        .map(|(p, &v)| {
            if p.integer {
                format!("{}={}", p.key, v as i64)
            } else {
                format!("{}={:.4}", p.key, v)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn opt_num(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite()).map_or(String::new(), num)
}

/// The best penalised score (the reference of the deltas).
fn best_penalised(c: &Comparison) -> Option<f64> {
    c.results
        .iter()
        .filter_map(|r| r.penalised)
        .min_by(f64::total_cmp)
}

/// `mechanisms.csv`: one row per hypothesis, in the file's order.
pub(super) fn mechanisms_csv(rivals: &[Rival], c: &Comparison) -> String {
    let mut out = String::from(
        "hypothesis,scenario,free_keys,free_count,fitted,train_until,train_fitted,held_out_units,held_out_adopters,held_out_log_loss,log_loss_diff_vs_best,log_loss_diff_se,held_out_auc,held_out_brier,rank_held_out,rmse,rmse_ci_low,rmse_ci_high,penalised_score,penalised_delta,rank_penalised\n",
    );
    let best = best_penalised(c);
    for (k, (r, rival)) in c.results.iter().zip(rivals).enumerate() {
        let s = r.held_out();
        let d = &c.paired[k];
        let train_fitted = r
            .forecast
            .fit
            .as_ref()
            .map_or(String::new(), |f| values_text(&r.free, &f.best));
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.name),
            csv_field(&rival.hypothesis.scenario_path.display().to_string()),
            csv_field(&free_text(&r.free)),
            r.free.len(),
            csv_field(&values_text(&r.free, &r.fit.best)),
            r.forecast.split.year,
            csv_field(&train_fitted),
            r.forecast.at_risk.len(),
            r.forecast.outcome.iter().filter(|&&y| y).count(),
            num(s.log_loss),
            num(d.mean),
            opt_num(Some(d.se)),
            opt_num(s.auc),
            num(s.brier),
            c.rank_held_out[k],
            num(r.fit.best_eval.curve_rmse),
            opt_num(r.rmse_ci.map(|x| x.0)),
            opt_num(r.rmse_ci.map(|x| x.1)),
            opt_num(r.penalised),
            opt_num(r.penalised.zip(best).map(|(a, b)| a - b)),
            c.rank_penalised[k],
        );
    }
    out
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(round_sig(x))
    } else {
        Value::Null
    }
}

/// `mechanisms.json`: the settings, the methods, every hypothesis (fitted values with
/// their intervals, held-out scores, paired difference, RMSE and its interval, score,
/// ranks) and the references (Bass in sample; EHA and Bass held out).
pub(super) fn mechanisms_json(
    args: &CompareMechanismsArgs,
    rivals: &[Rival],
    opts: &CompareOptions,
    c: &Comparison,
) -> String {
    let best = best_penalised(c);
    let hypotheses: Vec<Value> = c
        .results
        .iter()
        .zip(rivals)
        .enumerate()
        .map(|(k, (r, rival))| {
            let (fitted, interval) = crate::cli::fit::fitted_values(&r.free, &r.fit);
            let train_fitted = r
                .forecast
                .fit
                .as_ref()
                .map(|f| crate::cli::fit::fitted_values(&r.free, f).0);
            let s = r.held_out();
            let d = &c.paired[k];
            json!({
                "name": r.name,
                "description": rival.hypothesis.description,
                "scenario": rival.hypothesis.scenario_path.display().to_string(),
                "free": r.free.iter().map(|p| json!({
                    "key": p.key, "low": p.low, "high": p.high, "whole_number": p.integer,
                })).collect::<Vec<_>>(),
                "whole_numbers_scanned": crate::fit::search::scan_size(&r.free),
                "in_sample": {
                    "fitted": fitted,
                    "interval": interval,
                    "interval_method": crate::cli::fit::interval_meaning(&r.fit),
                    "rmse": round_sig(r.fit.best_eval.curve_rmse),
                    "rmse_ci": r.rmse_ci.map(|(a, b)| json!([round_sig(a), round_sig(b)])),
                    "penalised_score": r.penalised.map(round_sig),
                    "penalised_delta": r.penalised.zip(best).map(|(a, b)| round_sig(a - b)),
                    "rank": c.rank_penalised[k],
                },
                "held_out": {
                    "train_until": r.forecast.split.year,
                    "fitted_on_training_years": train_fitted,
                    "units": r.forecast.at_risk.len(),
                    "adopters": r.forecast.outcome.iter().filter(|&&y| y).count(),
                    "log_loss": round_sig(s.log_loss),
                    "auc": s.auc.map(round_sig),
                    "brier": round_sig(s.brier),
                    "log_loss_diff_vs_best": {"mean": finite(d.mean), "se": finite(d.se), "units": d.n},
                    "rank": c.rank_held_out[k],
                },
            })
        })
        .collect();
    let first = &c.results[0];
    let bass_score = penalised_score(first.fit.bass_rmse, c.points, c.units, 2);
    let f = &first.forecast;
    let horizon = crate::mechanisms::horizon(&rivals[0].observed, opts.train_until);
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "hypotheses_file": args.file.display().to_string(),
        "observed": args.observed.display().to_string(),
        "policy": args.reading.policy,
        "start_year": rivals[0].observed.start_year,
        "last_year": rivals[0].observed.start_year + rivals[0].observed.steps as i32,
        "units": c.units,
        "train_until": opts.train_until,
        "train_rule": match (args.train_until, args.train_share) {
            (Some(_), _) => "--train-until".to_string(),
            (None, s) => format!("--train-share {}", s.unwrap_or_default()),
        },
        "horizon": horizon,
        "runs": opts.runs,
        "budget": opts.budget,
        "seed": opts.seed,
        "methods": {
            "held_out": "each hypothesis fitted (its free keys, as policysim fit) on the adoptions up to train_until only, then run on from the observed state to the last observed year; log loss, AUC and Brier of each unit's probability of adopting by then against what happened (as policysim forecast; log loss probabilities clipped to [0.001, 0.999])",
            "paired": "per unit at risk after the split, this hypothesis's log loss minus that of the hypothesis with the lowest held-out log loss; mean and standard error sd/sqrt(n) (units treated as independent)",
            "penalised_score": "n ln(RMSE_count^2) + 2k: n = observed yearly points after the first year, RMSE_count = units x RMSE of the cumulative adopted share of the fit on every year, k = free keys; the Gaussian AIC of a least-squares fit up to a constant that is the same for every hypothesis (assumes independent errors of equal variance; yearly cumulative counts are autocorrelated, so differences of a few points are no evidence)",
            "rmse_ci": "percentile bootstrap over runs (Poisson weights, 200 replicates) at the fitted values: Monte-Carlo uncertainty of the simulated mean, not sampling uncertainty of the data",
            "whole_numbers": format!("whole-number keys with at most {} combinations of values are scanned, every combination evaluated (docs/fit.md)", crate::fit::search::MAX_SCAN),
        },
        "hypotheses": hypotheses,
        "references": {
            "bass_in_sample": {"rmse": round_sig(first.fit.bass_rmse), "free_count": 2,
                               "penalised_score": bass_score.map(round_sig)},
            "held_out": {
                "note": "fitted on the same training years and scored on the same units (the event-history logit with the covariates of the first hypothesis's scenario)",
                "eha": {"log_loss": round_sig(f.scores[1].log_loss), "auc": f.scores[1].auc.map(round_sig), "brier": round_sig(f.scores[1].brier)},
                "bass": {"log_loss": round_sig(f.scores[2].log_loss), "auc": f.scores[2].auc.map(round_sig), "brier": round_sig(f.scores[2].brier)},
            },
        },
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// `mechanisms.md`: the table (one row per hypothesis) and the references.
pub(super) fn mechanisms_markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let first = &c.results[0];
    let f = &first.forecast;
    let _ = writeln!(
        out,
        "| hypothesis | k | fitted on all years | held-out log loss (Δ vs best ± se) | AUC | rank | RMSE [95%] | score n·ln(RMSE²)+2k (Δ) | rank |"
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|\n");
    let best = best_penalised(c);
    for (k, r) in c.results.iter().enumerate() {
        let s = r.held_out();
        let d = &c.paired[k];
        let diff = if c.rank_held_out[k] == 1 && d.mean == 0.0 {
            "best".to_string()
        } else if d.se.is_finite() {
            format!("{:+.3} ± {:.3}", d.mean, d.se)
        } else {
            format!("{:+.3}", d.mean)
        };
        let rmse = match r.rmse_ci {
            Some((a, b)) => format!("{:.4} [{a:.4}, {b:.4}]", r.fit.best_eval.curve_rmse),
            None => format!("{:.4}", r.fit.best_eval.curve_rmse),
        };
        let score = match (r.penalised, best) {
            (Some(p), Some(b)) => format!("{p:.1} ({:+.1})", p - b),
            _ => "– (RMSE 0)".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} ({diff}) | {} | {} | {rmse} | {score} | {} |",
            markdown_cell(&r.name),
            r.free.len(),
            markdown_cell(&values_text(&r.free, &r.fit.best)),
            s.log_loss,
            s.auc.map_or("–".into(), |a| format!("{a:.3}")),
            c.rank_held_out[k],
            c.rank_penalised[k],
        );
    }
    let bass = penalised_score(first.fit.bass_rmse, c.points, c.units, 2);
    let _ = writeln!(
        out,
        "\nHeld out after {} ({} units at risk, {} adopted by {}). References: Bass curve in sample RMSE {:.4}, score {}; held out, event-history logit log loss {:.3}, Bass {:.3}.",
        f.split.year,
        f.at_risk.len(),
        f.outcome.iter().filter(|&&y| y).count(),
        f.split.last_year,
        first.fit.bass_rmse,
        bass.map_or("–".into(), |b| format!("{b:.1}")),
        f.scores[1].log_loss,
        f.scores[2].log_loss
    );
    out
}
