//! The `policysim fit` command: options, progress bar and output files.

use crate::cells::{csv_field, num, round_sig};
use crate::charts::{self, ChartOptions};
use crate::error::{Error, Result};
use crate::fit::{fit, parse_free, FitOptions, FitResult, FreeParam, Objective};
use crate::observed::read_observed;
use crate::output::write_atomic;
use crate::scenario_files::load_scenario;
use clap::Args;
use indicatif::ProgressBar;
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Examples shown by `policysim fit --help`.
pub(super) const FIT_EXAMPLES: &str = "Examples:
  policysim fit scenarios/us_states.toml --observed scenarios/data/spid_sample.csv \\
    --policy mothersaid --free innovation.rate=0:1 --free learning.rate=0:1 --out results/fit-mothersaid
  policysim fit scenarios/china_cities.toml --observed scenarios/data/china_cities.csv \\
    --unit-column name --year-column dual_carbon_year \\
    --free innovation.rate=0:1 --free learning.rate=0:1 --out results/fit-dual-carbon --lang zh";

/// Options of `policysim fit`.
#[derive(Debug, Args)]
pub(super) struct FitArgs {
    /// The scenario file (TOML).
    pub file: PathBuf,
    /// CSV of observed adoptions: one row per unit with its adoption year.
    #[arg(long)]
    pub observed: PathBuf,
    /// How to read the observed file.
    #[command(flatten)]
    pub reading: crate::cli::ObservedArgs,
    /// Fit the free keys, shared, to every policy of the observed file (pooled; see also --policy a,b,c).
    #[arg(long, conflicts_with = "policy")]
    pub all_policies: bool,
    /// A free parameter and its search range, KEY=LOW:HIGH (repeat for several).
    #[arg(long = "free", value_parser = parse_free, required = true)]
    pub free: Vec<FreeParam>,
    /// Runs per evaluation (the same seeds every time: common random numbers).
    #[arg(long, default_value_t = 100)]
    pub runs: u32,
    /// Number of evaluations planned (design + optimiser + the first ABC batch).
    #[arg(long, default_value_t = 200)]
    pub budget: usize,
    /// The most evaluations in all: more ABC batches are drawn while fewer than 50 ABC samples are accepted (default: twice --budget).
    #[arg(long)]
    pub max_evaluations: Option<usize>,
    /// What to minimise: curve (cumulative share) or curve+hazard.
    #[arg(long, default_value = "curve", value_parser = super::choices::choices(&["curve", "curve+hazard"], <Objective as std::str::FromStr>::from_str))]
    pub objective: Objective,
    /// Output folder for fit.json, fit.csv, evaluations.csv, the chart and fitted/.
    #[arg(long)]
    pub out: PathBuf,
    /// Replace an output folder that holds results of `policysim run` (never a folder of other files).
    #[arg(long)]
    pub force: bool,
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

/// Runs `policysim fit`.
pub(super) fn run(args: FitArgs) -> Result<()> {
    // first, so that a signal at any time stops the fit cleanly
    let cancel = crate::cli::interrupt_flag();
    check_options(&args)?;
    let mut scenario = load_scenario(&args.file)?;
    if let Some(s) = args.seed {
        scenario.seed = s;
    }
    scenario.runs = args.runs.max(1);
    crate::provenance::note_seed(scenario.seed);
    check_fit_destination(&args.out, args.force)?;
    crate::limits::check_memory_holding(&scenario, crate::machine::thread_count(args.threads), 1)?;
    let prepared = crate::scenario_files::prepare(&scenario)?;
    if !args.quiet {
        for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
            eprintln!("warning: {w}");
        }
        if let Some(w) = crate::observed::comparison_warning(&scenario) {
            eprintln!("warning: {w}");
        }
    }
    if let Some(policies) = super::fit_pooled::pooled_policies(&args)? {
        return super::fit_pooled::run(&args, &scenario, &prepared.network, &policies, cancel);
    }
    let observed = read_observed(&args.observed, &prepared.network, &args.reading.options())?;
    if !args.quiet {
        for w in &observed.warnings {
            eprintln!("warning: {w}");
        }
    }
    let opts = FitOptions {
        free: crate::fit::check_free(&scenario, &args.free)?,
        runs: args.runs,
        budget: args.budget,
        max_evaluations: max_evaluations(&args),
        objective: args.objective,
        seed: scenario.seed,
        threads: args.threads,
        cancel,
    };
    let bar = if args.quiet || !std::io::stderr().is_terminal() {
        ProgressBar::hidden()
    } else {
        let bar = ProgressBar::new(args.budget as u64);
        bar.set_style(crate::cli::progress_style("evaluations"));
        bar
    };
    let started = std::time::Instant::now();
    let tick = |k: u64| grow(&bar, k);
    let result = fit(&scenario, &prepared.network, &observed, &opts, &tick);
    bar.finish_and_clear();
    let result =
        result.map_err(|e| match e {
            Error::Interrupted(progress) => Error::Interrupted(
                crate::staging::interrupted_message(&progress, &args.out, args.out.exists()),
            ),
            e => e,
        })?;
    let wall = started.elapsed().as_secs_f64();
    let charts = (!args.no_charts).then(|| args.charts.options());
    write_fit(&args, &opts, &observed, &result, charts.as_ref())?;
    if !args.quiet {
        eprintln!(
            "{}: {} evaluations x {} runs in {:.1} s",
            scenario.name,
            result.evaluations.len(),
            opts.runs,
            wall
        );
        eprintln!("  best value  [interval: {}]", interval_meaning(&result));
        if let Some(w) = too_few_accepted(&result, opts.max_evaluations) {
            eprintln!("warning: {w}");
        }
        for (k, p) in opts.free.iter().enumerate() {
            let (best, (low, high)) = (result.best[k], result.interval[k]);
            if p.integer {
                eprintln!("  {} = {best}  [{low}, {high}]", p.key);
            } else {
                eprintln!("  {} = {best:.4}  [{low:.4}, {high:.4}]", p.key);
            }
            if let Some(side) = interval_edge(best, low, high) {
                eprintln!(
                    "warning: {} sits on the {side} edge of its interval (the accepted samples lie to one side of the best point): the point estimate is not central, so report the interval with it",
                    p.key
                );
            }
        }
        eprintln!(
            "  RMSE model {:.4}, Bass {:.4} (p = {:.4}, q = {:.4})",
            result.best_eval.curve_rmse, result.bass_rmse, result.bass.p, result.bass.q
        );
        if result.bass_rmse < result.best_eval.curve_rmse {
            eprintln!(
                "note: the two-parameter Bass curve fits the observed curve better than the model (RMSE {:.4} < {:.4}); {}",
                result.bass_rmse,
                result.best_eval.curve_rmse,
                if result.best_eval.curve_rmse - result.bass_rmse < result.best_eval.noise {
                    format!(
                        "the gap is smaller than the model's run-to-run noise ({:.4}), so it is no evidence against the model",
                        result.best_eval.noise
                    )
                } else {
                    format!(
                        "the gap exceeds the model's run-to-run noise ({:.4}): the free keys or the model may miss what drove the adoptions",
                        result.best_eval.noise
                    )
                }
            );
        }
        for e in &result.box_edges {
            let which = if e.side == "low" { "bottom" } else { "top" };
            eprintln!(
                "warning: {} reaches the {which} of its search box ({}); the key allows more, so widen --free {} to see whether the answer changes",
                e.key, e.bound, e.key
            );
        }
        eprintln!(
            "results in {}/ (fit.json, fit.csv, evaluations.csv, fitted/)",
            args.out.display()
        );
    }
    Ok(())
}

/// `--max-evaluations`, by default twice `--budget`.
pub(super) fn max_evaluations(args: &FitArgs) -> usize {
    args.max_evaluations
        .unwrap_or(args.budget.saturating_mul(2))
}

/// Advances the progress bar by `k`, lengthening it when the ABC phase runs past the
/// budget it started with.
pub(super) fn grow(bar: &ProgressBar, k: u64) {
    bar.inc(k);
    if bar.length().is_some_and(|l| bar.position() > l) {
        bar.set_length(bar.position());
    }
}

/// The warning when the cap on evaluations was reached with too few ABC samples
/// accepted for an ABC interval (None when the interval is one).
pub(super) fn too_few_accepted(r: &FitResult, max_evaluations: usize) -> Option<String> {
    (!r.interval_from_abc).then(|| {
        format!(
            "only {} ABC {} accepted in {} ABC evaluations ({} evaluations in all, the cap of --max-evaluations {max_evaluations}); an ABC 5–95% interval needs at least {}, so the interval is the min–max of the points within the tolerance, a rougher range that is not calibrated: raise --max-evaluations (or --budget), or narrow the --free box around the accepted points (evaluations.csv)",
            r.accepted,
            if r.accepted == 1 { "sample was" } else { "samples were" },
            r.abc_evaluations,
            r.evaluations.len(),
            crate::fit::abc::MIN_ACCEPTED
        )
    })
}

/// What the printed interval is: the weighted ABC 5–95% range of N accepted samples, or
/// (with fewer than [`crate::fit::abc::MIN_ACCEPTED`]) the min–max of every point within
/// the tolerance.
pub(super) fn interval_meaning(r: &FitResult) -> String {
    if r.interval_from_abc {
        format!(
            "ABC 5–95% of {} accepted samples, importance-weighted (effective sample size {:.0})",
            r.accepted, r.accepted_ess
        )
    } else {
        let within = r
            .evaluations
            .iter()
            .filter(|e| e.objective <= r.tolerance)
            .count();
        format!(
            "min–max of the {within} evaluated {} within the ABC tolerance; only {} ABC {} accepted, too few for an ABC 5–95% range",
            if within == 1 { "point" } else { "points" },
            r.accepted,
            if r.accepted == 1 { "sample" } else { "samples" }
        )
    }
}

/// `Some("lower")` or `Some("upper")` when the estimate sits on that end of its interval
/// (and the interval has width).
fn interval_edge(best: f64, low: f64, high: f64) -> Option<&'static str> {
    let width = high - low;
    if width.is_nan() || width <= 0.0 {
        return None;
    }
    let tol = 1e-9 * width.max(best.abs());
    if (best - low).abs() <= tol {
        Some("lower")
    } else if (high - best).abs() <= tol {
        Some("upper")
    } else {
        None
    }
}

/// The fitted values and their intervals of a fit's free keys, by key, as `fit.json`
/// reports them (a whole-number key as whole numbers, others to 12 significant digits).
pub(super) fn fitted_values(
    free: &[FreeParam],
    r: &FitResult,
) -> (
    serde_json::Map<String, Value>,
    serde_json::Map<String, Value>,
) {
    let mut best = serde_json::Map::new();
    let mut interval = serde_json::Map::new();
    for (k, p) in free.iter().enumerate() {
        let number = |x: f64| {
            if p.integer {
                json!(x as i64)
            } else {
                json!(round_sig(x))
            }
        };
        best.insert(p.key.clone(), number(r.best[k]));
        interval.insert(
            p.key.clone(),
            json!([number(r.interval[k].0), number(r.interval[k].1)]),
        );
    }
    (best, interval)
}

/// `fit.json`.
pub(super) fn fit_json(
    args: &FitArgs,
    opts: &FitOptions,
    observed: &crate::observed::Observed,
    r: &FitResult,
) -> String {
    let (best, interval) = fitted_values(&opts.free, r);
    let mut free = Vec::new();
    for p in &opts.free {
        let (low, high) = if p.integer {
            (json!(p.low as i64), json!(p.high as i64))
        } else {
            (json!(p.low), json!(p.high))
        };
        free.push(json!({"key": p.key, "low": low, "high": high, "whole_numbers": p.integer}));
    }
    let adopters = observed.adopted_step.iter().flatten().count();
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": r.scenario.name,
        "description": r.scenario.description,
        "observed": args.observed.display().to_string(),
        "policy": args.reading.policy,
        "units": observed.n(),
        "adopters": adopters,
        "initial_adopters": observed.initial.len(),
        "start_year": observed.start_year,
        "steps": observed.steps,
        "objective": opts.objective.name(),
        "free": free,
        "best": Value::Object(best),
        "interval": Value::Object(interval),
        "interval_method": if r.interval_from_abc { "abc-5-95" } else { "accepted-min-max" },
        "rmse": round_sig(r.best_eval.curve_rmse),
        "hazard_rmse": r.best_eval.hazard_rmse.map(round_sig),
        "objective_value": round_sig(r.best_eval.objective),
        "noise": round_sig(r.best_eval.noise),
        "hazard_noise": r.hazard_noise.map(round_sig),
        "tolerance": round_sig(r.tolerance),
        "accepted": r.accepted,
        "min_accepted": crate::fit::abc::MIN_ACCEPTED,
        "accepted_ess": round_sig(r.accepted_ess),
        "abc_evaluations": r.abc_evaluations,
        "abc_batches": r.abc_batches,
        "max_evaluations": opts.max_evaluations,
        "budget": opts.budget,
        "box_edges": r.box_edges.iter().map(|e| json!({"key": e.key, "side": e.side, "bound": e.bound})).collect::<Vec<_>>(),
        "bass": {"p": round_sig(r.bass.p), "q": round_sig(r.bass.q), "rmse": round_sig(r.bass_rmse), "t_offset": r.bass_offset},
        "evaluations": r.evaluations.len(),
        "runs": opts.runs,
        "seed": opts.seed,
    });
    let mut v = v;
    crate::output::insert_description_zh(&mut v, &r.scenario.description_zh);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// `fit.csv`: `step,year,observed_share,fitted_mean,fitted_p05,fitted_p95,bass`.
pub(super) fn fit_csv(r: &FitResult) -> String {
    let mut out = String::from("step,year,observed_share,fitted_mean,fitted_p05,fitted_p95,bass\n");
    let y0 = r.ensemble.start_year.unwrap_or(0);
    for (t, obs) in r.observed_share.iter().enumerate() {
        let _ = writeln!(
            out,
            "{t},{},{},{},{},{},{}",
            y0 + t as i32,
            num(*obs),
            num(r.curve.mean[t]),
            num(r.curve.p05[t]),
            num(r.curve.p95[t]),
            num(r.bass.share(t as f64 + r.bass_offset))
        );
    }
    out
}

/// `evaluations.csv`: every evaluated point, in order.
pub(super) fn evaluations_csv(opts: &FitOptions, r: &FitResult) -> String {
    let mut out = String::from("evaluation,phase");
    for p in &opts.free {
        out.push(',');
        out.push_str(&csv_field(&p.key));
    }
    out.push_str(",objective,curve_rmse,hazard_rmse,accepted,weight\n");
    for (i, e) in r.evaluations.iter().enumerate() {
        let _ = write!(out, "{i},{}", e.phase);
        for v in &e.values {
            let _ = write!(out, ",{}", num(*v));
        }
        let _ = writeln!(
            out,
            ",{},{},{},{},{}",
            num(e.objective),
            num(e.curve_rmse),
            e.hazard_rmse.map_or(String::new(), num),
            u8::from(e.objective <= r.tolerance),
            e.weight.map_or(String::new(), num)
        );
    }
    out
}

/// Refuses an output folder a fit must not replace. The fit replaces the folder as a
/// whole (through a staging folder), so only a new or empty folder or an earlier fit
/// (`fit.json`) qualify, and with `--force` earlier results of `policysim run`; never a
/// folder of other files, so that a typo in `--out` cannot delete someone's work.
fn check_fit_destination(out: &Path, force: bool) -> Result<()> {
    if !crate::staging::check_out_folder(out, "results/fit")? || out.join("fit.json").is_file() {
        return Ok(());
    }
    if out.join("summary.json").is_file() {
        if force {
            return Ok(());
        }
        return Err(Error::Input(format!(
            "--out {}: holds results of `policysim run`, not a fit; choose another --out or pass --force to replace them",
            out.display()
        )));
    }
    Err(Error::Input(format!(
        "--out {}: the folder holds other files and no earlier fit (fit.json); choose another --out (a fit replaces the whole folder, so policysim never writes into a folder of other files, even with --force)",
        out.display()
    )))
}

/// Refuses options out of range before anything is read, naming the option (`--seed`
/// is checked by clap with [`crate::rng::parse_seed`], as for `run` and `sweep`).
fn check_options(args: &FitArgs) -> Result<()> {
    crate::machine::check_threads(args.threads)
}

fn write_fit(
    args: &FitArgs,
    opts: &FitOptions,
    observed: &crate::observed::Observed,
    r: &FitResult,
    charts: Option<&ChartOptions>,
) -> Result<()> {
    // every file goes into a staging folder that replaces --out only when complete
    crate::staging::write_staged(&args.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("fit.json", &fit_json(args, opts, observed, r))?;
        w("fit.csv", &fit_csv(r))?;
        w("evaluations.csv", &evaluations_csv(opts, r))?;
        write_fitted(&out.join("fitted"), observed, r, charts)?;
        if let Some(c) = charts {
            let chart = crate::fit::chart::FitChart {
                fit: r,
                name: {
                    let s = &r.scenario;
                    let heading =
                        charts::title::Heading::new(&s.name, &s.description, &s.description_zh);
                    match &args.reading.policy {
                        Some(p) => heading.with_suffix(&format!(" · {p}")),
                        None => heading,
                    }
                },
            };
            charts::save_figure(&chart, out, "fit", c)?;
        }
        // a signal while the files were written still means "do not publish"
        if opts
            .cancel
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
        {
            return Err(Error::Interrupted(format!(
                "all {} evaluations finished",
                r.evaluations.len()
            )));
        }
        Ok(())
    })
}

/// `fitted/`: the best-fitting scenario as a results folder (with its initial adopters
/// file, so `policysim run fitted/scenario.toml` reproduces it).
pub(super) fn write_fitted(
    dir: &Path,
    observed: &crate::observed::Observed,
    r: &FitResult,
    charts: Option<&ChartOptions>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    crate::results_folder::write_outputs(&r.scenario, dir, &r.ensemble, Some(observed))?;
    if let Some(c) = charts {
        charts::draw_run_charts(dir, c)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::interval_edge;

    #[test]
    fn an_estimate_is_on_an_edge_only_when_it_equals_a_bound_of_a_real_interval() {
        assert_eq!(interval_edge(0.2, 0.2, 0.5), Some("lower"));
        assert_eq!(interval_edge(0.5, 0.2, 0.5), Some("upper"));
        assert_eq!(interval_edge(0.3, 0.2, 0.5), None);
        // a point interval, or one that is not a number, has no edge to sit on
        assert_eq!(interval_edge(0.2, 0.2, 0.2), None);
        assert_eq!(interval_edge(0.2, f64::NAN, 0.5), None);
    }
}
