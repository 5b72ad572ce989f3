//! `policysim sensitivity`: the design run as a zip sweep (resumable, shardable), then the
//! indices of one metric written as `sensitivity.csv`, `design.csv`, `sensitivity.json` and
//! the ranking chart.

use crate::cells::num;
use crate::charts::{render_figures, ChartOptions};
use crate::cli::Formats;
use crate::error::{Error, Result};
use crate::output::write_atomic;
use crate::scenario::Scenario;
use crate::sensitivity::saved::{parse_estimates, problem_sizes};
use crate::sensitivity::{
    load_problem, parse_range, sensitivity_csv, Design, Estimate, Method, Problem, CHART_STEM,
    DESIGN_CSV, SENSITIVITY_CSV, SENSITIVITY_JSON,
};
use crate::sweep::{run_sweep, sweep_header, Shard, SweepOptions, SWEEP_CSV, SWEEP_JSON};
use clap::Args;
use policysim_model::run::figures::RUN_FIGURES;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Examples shown by `policysim sensitivity --help`.
pub(super) const SENSITIVITY_EXAMPLES: &str = "Examples:
  policysim sensitivity examples/sensitivity.toml
  policysim sensitivity scenarios/pilot.toml --set learning.rate=0.1:0.9 --set central.pilot.sites=5:40 --samples 128
  policysim sensitivity examples/sensitivity.toml --method morris --trajectories 20 --metric t50
  policysim sensitivity examples/sensitivity.toml --shard 2/4 --out results/sens/shard-2
  policysim merge results/sens/shard-* --out results/sens/all --no-charts
  policysim sensitivity examples/sensitivity.toml --analyse results/sens/all --metric t50

Re-running the same command resumes: finished points are verified and skipped.";

/// `--table-format`'s help for `sensitivity`.
const SENSITIVITY_TABLE_FORMAT_HELP: &str = "csv, or parquet (both: the same) to add design.parquet, sensitivity.parquet and the sweep's sweep.parquet beside the CSV tables (which --analyse, merge and resume read)";

/// Options of `policysim sensitivity`.
#[derive(Debug, Args)]
pub(super) struct SensitivityArgs {
    /// The scenario file (TOML) with a [sensitivity] table of ranges (or a [sweep] table, whose ranges are used).
    pub file: PathBuf,
    /// A parameter and its range: KEY=LOW:HIGH (repeatable; replaces the file's range of KEY; integers when both ends are).
    #[arg(long = "set", value_name = "KEY=LOW:HIGH")]
    pub set: Vec<String>,
    /// sobol (first-order and total indices) or morris (elementary effects, cheaper screening).
    #[arg(long, value_parser = super::choices::choices(&["sobol", "morris"], super::choices::text))]
    pub method: Option<String>,
    /// Sobol: base samples N (N (k + 2) points; a power of two; default 64).
    #[arg(long)]
    pub samples: Option<usize>,
    /// Morris: trajectories r (r (k + 1) points; default 10).
    #[arg(long)]
    pub trajectories: Option<usize>,
    /// Morris: grid levels p (even; default 4).
    #[arg(long)]
    pub levels: Option<usize>,
    /// Bootstrap resamples of the 95% intervals (default 1000).
    #[arg(long)]
    pub resamples: Option<usize>,
    /// The figure analysed: final_share, t10, t50, t90 (their Kaplan–Meier medians), final_mean_quality, lineages, evaluation_bias, `share_<channel>`, or any number column of sweep.csv.
    #[arg(long, default_value = "final_share")]
    pub metric: String,
    /// Runs per point (overrides `runs`).
    #[arg(long)]
    pub runs: Option<u32>,
    /// Master seed of every point (overrides `seed`; 0 to 2^63-1).
    #[arg(long, value_parser = crate::rng::parse_seed)]
    pub seed: Option<u64>,
    /// Number of steps (overrides `steps`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Output folder (default: `results/<scenario name>-sensitivity`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = super::table_format(), help = SENSITIVITY_TABLE_FORMAT_HELP)]
    pub table_format: crate::parquet_table::TableFormat,
    /// Run only shard i of n of the design's points (then `policysim merge` and --analyse).
    #[arg(long, value_name = "i/n", conflicts_with = "analyse")]
    pub shard: Option<String>,
    /// Compute no point: analyse the finished design in DIR (e.g. the folder `policysim merge` wrote).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["out", "force"])]
    pub analyse: Option<PathBuf>,
    /// Discard the results of a different design in the output folder.
    #[arg(long)]
    pub force: bool,
    /// No progress bar or messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Do not draw the chart.
    #[arg(long)]
    pub no_charts: bool,
    /// Chart formats, comma-separated: png, svg, pdf or a list such as png,svg,pdf.
    #[arg(long, value_parser = super::choices::choices(super::FORMAT_VALUES, super::parse_formats), default_value = "png,svg")]
    pub format: Formats,
    /// Language of the chart: en or zh (中文).
    #[arg(long, value_parser = super::choices::choices(super::LANG_VALUES, crate::charts::parse_lang), default_value = "en")]
    pub lang: crate::charts::Lang,
    /// PNG size in pixels, WIDTHxHEIGHT.
    #[arg(long, value_parser = crate::charts::parse_size, default_value = "1600x1000")]
    pub size: (u32, u32),
    /// Chart title in place of the scenario's (e.g. a figure's caption); default: the
    /// first clause of the scenario's description, else its name.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
}

/// The `sweep.csv` column of a metric: the mean of a mean metric, the Kaplan–Meier median of
/// a time, or a column named exactly (not the point, seed, runs or a parameter's column).
pub(super) fn metric_column(metric: &str, keys: &[String]) -> Result<String> {
    // every per-run figure of the one list has its columns here; whether the scenario
    // reports it is checked on the sweep's points (`reported_metric`)
    let all: Vec<usize> = (0..RUN_FIGURES.len()).collect();
    let header = sweep_header(keys, false, &all);
    let columns: Vec<&str> = header.split(',').skip(3 + keys.len()).collect();
    let column = if policysim_model::run::figures::is_time(metric) {
        format!("{metric}_km_median")
    } else if columns.contains(&format!("{metric}_mean").as_str()) {
        format!("{metric}_mean")
    } else {
        metric.to_string()
    };
    if columns.contains(&column.as_str()) {
        return Ok(column);
    }
    let mut named: Vec<String> = crate::sweep::chart::metrics();
    named.retain(|m| m != "observed_rmse");
    Err(Error::Input(format!(
        "--metric `{metric}`: unknown metric (allowed: {}, or a number column of sweep.csv such as final_share_p95 or t50_reached)",
        named.join(", ")
    )))
}

/// The metric column of `sweep.csv` in `dir`, one value per point in point order; a point
/// where it is undefined (an empty cell) is refused, naming the points.
fn read_metric(dir: &Path, column: &str, points: usize) -> Result<Vec<f64>> {
    let path = dir.join(SWEEP_CSV);
    let mut reader = policysim_io::csv_input::read_csv(
        &path,
        "the table of a sweep (sweep.csv)",
        policysim_io::csv_input::CsvLayout::default(),
    )?;
    let header = reader
        .headers()
        .map_err(|e| policysim_io::csv_input::csv_error(&path, &e))?;
    let col = header
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| Error::input_in(&path, format!("no column `{column}`")))?;
    let mut y = Vec::with_capacity(points);
    let mut undefined = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| policysim_io::csv_input::csv_error(&path, &e))?;
        match rec.get(col).and_then(|s| s.parse::<f64>().ok()) {
            Some(v) if v.is_finite() => y.push(v),
            _ => {
                undefined.push(i);
                y.push(f64::NAN);
            }
        }
    }
    if y.len() != points {
        return Err(Error::input_in(
            &path,
            format!("{} rows, but the design has {points} points", y.len()),
        ));
    }
    if !undefined.is_empty() {
        let shown: Vec<String> = undefined.iter().take(10).map(|i| i.to_string()).collect();
        let hint = match column.strip_suffix("_km_median") {
            Some(t) => format!(
                " (fewer than half of the runs reached the level there: give more --steps, narrow the ranges, or analyse the share of runs that reached it, --metric {t}_reached)"
            ),
            None => String::new(),
        };
        return Err(Error::Input(format!(
            "{}: `{column}` is undefined at {} of {points} points (point{} {}{}){hint}; the indices need a value at every point",
            path.display(),
            undefined.len(),
            if undefined.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if undefined.len() > 10 { ", ..." } else { "" },
        )));
    }
    Ok(y)
}

/// Reads the file and the options into the base scenario and the problem.
fn resolve(args: &SensitivityArgs) -> Result<(Scenario, Problem)> {
    let (mut base, mut problem) = load_problem(&args.file)?;
    crate::cli::apply_run_options(&mut base, args.runs, args.seed, args.steps, args.threads)?;
    for s in &args.set {
        problem.set(parse_range(s, &base)?);
    }
    if let Some(m) = &args.method {
        problem.method = Method::parse(m).map_err(|e| Error::Input(format!("--method: {e}")))?;
    }
    for (value, field) in [
        (args.samples, &mut problem.samples),
        (args.trajectories, &mut problem.trajectories),
        (args.levels, &mut problem.levels),
        (args.resamples, &mut problem.resamples),
    ] {
        if let Some(v) = value {
            *field = v;
        }
    }
    let warnings = problem.check()?;
    problem.warnings.extend(warnings);
    Ok((base, problem))
}

/// Runs `policysim sensitivity`.
pub(super) fn run(args: SensitivityArgs) -> Result<()> {
    let out = design_and_analyse(&args)?;
    // in place, as a sweep is written: the record of the last command that wrote in it
    crate::provenance::seal(&out, &out)
}

/// Runs (or resumes) the design and analyses it when complete; returns its folder.
fn design_and_analyse(args: &SensitivityArgs) -> Result<std::path::PathBuf> {
    let (base, problem) = resolve(args)?;
    let keys: Vec<String> = problem.parameters.iter().map(|p| p.key.clone()).collect();
    let column = metric_column(&args.metric, &keys)?;
    let design = Design::new(&problem, base.seed);
    let sweep = design.sweep(&problem);
    crate::sweep::chart::check_reported(&args.metric, &base, &sweep)?;
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    if !args.quiet {
        for w in base.warnings.iter().chain(&problem.warnings) {
            eprintln!("warning: {w}");
        }
    }
    let out = match (&args.analyse, &args.out) {
        (Some(dir), _) => {
            if !dir.join(SWEEP_JSON).is_file() {
                return Err(Error::Input(format!(
                    "--analyse {}: no sweep.json there; give the folder of a finished design (e.g. the folder `policysim merge` wrote)",
                    dir.display()
                )));
            }
            dir.clone()
        }
        (None, Some(out)) => out.clone(),
        (None, None) => Path::new("results").join(format!("{}-sensitivity", base.name)),
    };
    let bar = crate::cli::progress_bar_of(0, "point-runs", args.quiet || args.analyse.is_some());
    let tick = |k: u64| bar.inc(k);
    let plan = |total: u64| bar.set_length(total);
    let options = SweepOptions {
        threads: args.threads,
        progress: Some(&tick),
        on_plan: Some(&plan),
        shard,
        force: args.force,
        max_points: args.analyse.as_ref().map(|_| 0),
        cancel: crate::cli::interrupt_flag(),
        table_format: args.table_format,
        ..SweepOptions::default()
    };
    let started = std::time::Instant::now();
    let report = run_sweep(&base, &sweep, &out, &options);
    bar.finish_and_clear();
    let report = report.map_err(|e| match e {
        Error::Interrupted(_) => Error::Interrupted(format!(
            "the points finished before the interruption are kept in {}/; re-run the same command to resume",
            out.display()
        )),
        Error::Input(m) if args.analyse.is_some() => Error::Input(format!(
            "--analyse: {m} (give the file and the options the design was run with)"
        )),
        other => other,
    })?;
    if !args.quiet {
        if let Some(w) = crate::sweep::kept_warning(&out, &report.kept) {
            eprintln!("warning: {w}");
        }
        if args.analyse.is_none() {
            let shard_text = shard.map_or(String::new(), |s| format!(" (shard {s})"));
            eprintln!(
                "{}: {} design ({}), {} of {} points{shard_text} computed, {} resumed, {} runs x {} steps each, in {:.1} s",
                base.name,
                problem.method.name(),
                problem_sizes(&problem, crate::charts::Lang::En),
                report.computed,
                report.in_shard,
                report.skipped,
                base.runs,
                base.steps,
                started.elapsed().as_secs_f64()
            );
        }
    }
    if !report.complete {
        if args.analyse.is_some() {
            return Err(Error::Input(format!(
                "--analyse {}: {} of the design's {} points are not there; run the missing shards (they resume) and merge again",
                out.display(),
                report.in_shard - report.skipped,
                report.points
            )));
        }
        if !args.quiet {
            eprintln!(
                "{} points still to do; re-run the same command to continue",
                report.in_shard - report.computed - report.skipped
            );
        }
        return Ok(out);
    }
    if shard.is_some_and(|s| s.count > 1) {
        if !args.quiet {
            eprintln!(
                "shard done; merge the shards with: policysim merge <shard folders> --out <folder> --no-charts\n\
                 then analyse with: policysim sensitivity {} <same options> --analyse <folder>",
                args.file.display()
            );
        }
        return Ok(out);
    }
    let y = read_metric(&out, &column, design.len())?;
    let estimates = design.analyse(&problem, &y, base.seed);
    write_analysis(
        args, &base, &problem, &design, &column, &estimates, &y, &out,
    )?;
    if !args.quiet {
        print_table(&problem, &args.metric, &column, &estimates);
        eprintln!(
            "results in {}/{SENSITIVITY_CSV} (design in {DESIGN_CSV})",
            out.display()
        );
    }
    Ok(out)
}

/// Writes `sensitivity.csv`, `design.csv`, `sensitivity.json` and the chart into `out`;
/// the chart is rendered before any file is written, and every file is written atomically.
#[allow(clippy::too_many_arguments)]
fn write_analysis(
    args: &SensitivityArgs,
    base: &Scenario,
    problem: &Problem,
    design: &Design,
    column: &str,
    estimates: &[Estimate],
    y: &[f64],
    out: &Path,
) -> Result<()> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let table = sensitivity_csv(estimates);
    if !args.no_charts {
        // drawn from the table as written (numbers rounded as in the file), as `plot`
        // redraws it from the folder, so both give the same chart
        let written = parse_estimates(&table, problem.method)
            .map_err(|e| Error::Failure(format!("{SENSITIVITY_CSV} as written: {e}")))?;
        let heading =
            crate::charts::title::Heading::new(&base.name, &base.description, &base.description_zh);
        let chart = crate::sensitivity::chart::SensitivityChart {
            scenario: &heading,
            time_unit: &base.time_unit,
            metric: &args.metric,
            column,
            method: problem.method,
            sizes: problem_sizes(problem, args.lang),
            runs: base.runs,
            estimates: &written,
        };
        let opts = ChartOptions {
            formats: args.format.0.clone(),
            lang: args.lang,
            size: args.size,
            text_percent: 100,
            svg_outlines: true,
            title: args.title.clone(),
        };
        for (f, bytes) in render_figures(&chart, &opts)? {
            files.push((out.join(format!("{CHART_STEM}.{}", f.extension())), bytes));
        }
    }
    let spread = y
        .iter()
        .copied()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let meta = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": base.name,
        "description": base.description,
        "method": problem.method.name(),
        "metric": args.metric,
        "column": column,
        "samples": (problem.method == Method::Sobol).then_some(problem.samples),
        "trajectories": (problem.method == Method::Morris).then_some(problem.trajectories),
        "levels": (problem.method == Method::Morris).then_some(problem.levels),
        "points": design.len(),
        "seed": base.seed,
        "runs": base.runs,
        "steps": base.steps,
        "paired": "every point runs with the scenario's master seed (common random numbers)",
        "parameters": problem.parameters.iter().map(|p| json!({
            "key": p.key, "low": p.low, "high": p.high, "integer": p.integer,
        })).collect::<Vec<_>>(),
        "metric_min": num(spread.0),
        "metric_max": num(spread.1),
        "bootstrap": {
            "resamples": problem.resamples,
            "confidence": crate::stats::CONFIDENCE,
            "interval": "percentile",
            "resampled": if problem.method == Method::Sobol { "base rows" } else { "trajectories" },
        },
    });
    let mut meta = meta;
    crate::output::insert_description_zh(&mut meta, &base.description_zh);
    let mut meta_text = serde_json::to_string_pretty(&meta).unwrap_or_default();
    meta_text.push('\n');
    let design_csv = design.csv(problem);
    if args.table_format.parquet() {
        // the Parquet tables before the CSV table that says the analysis is complete
        for (name, text) in [(DESIGN_CSV, &design_csv), (SENSITIVITY_CSV, &table)] {
            let part = crate::parquet_table::Part {
                source: crate::parquet_table::Source::Text(text),
                key: None,
            };
            let path = crate::parquet_table::parquet_path(&out.join(name));
            crate::parquet_table::write_parquet(&path, &[part], None)?;
        }
    }
    files.push((out.join(DESIGN_CSV), design_csv.into_bytes()));
    files.push((out.join(SENSITIVITY_JSON), meta_text.into_bytes()));
    // the table last: its presence says the analysis is complete
    files.push((out.join(SENSITIVITY_CSV), table.into_bytes()));
    for (path, bytes) in &files {
        write_atomic(path, bytes)?;
    }
    // a chart of an earlier analysis (another metric or method) must not stay beside this one
    for ext in ["png", "svg"] {
        let path = out.join(format!("{CHART_STEM}.{ext}"));
        if path.is_file() && !files.iter().any(|(p, _)| *p == path) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    if !args.quiet && !args.no_charts {
        for (path, _) in files.iter().filter(|(p, _)| {
            p.file_stem().is_some_and(|s| s == CHART_STEM)
                && p.extension().is_some_and(|e| e != "json" && e != "csv")
        }) {
            eprintln!("chart {}", path.display());
        }
    }
    Ok(())
}

/// Prints the indices, ranked, one parameter a line.
fn print_table(problem: &Problem, metric: &str, column: &str, estimates: &[Estimate]) {
    let indices = problem.method.indices();
    let mut rows: Vec<&[Estimate]> = estimates.chunks(indices.len()).collect();
    // ranked by ST (Sobol) or mu* (Morris)
    let key = if problem.method == Method::Sobol {
        1
    } else {
        0
    };
    rows.sort_by(|a, b| b[key].estimate.total_cmp(&a[key].estimate));
    eprintln!(
        "{} of {metric} (sweep.csv column {column}; 95% bootstrap intervals):",
        match problem.method {
            Method::Sobol => "Sobol' indices",
            Method::Morris => "Morris elementary effects",
        }
    );
    let width = rows.iter().map(|r| r[0].parameter.len()).max().unwrap_or(0);
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .map(|e| {
                format!(
                    "{} {} [{}, {}]",
                    e.index,
                    short(e.estimate),
                    short(e.ci_low),
                    short(e.ci_high)
                )
            })
            .collect();
        eprintln!("  {:width$}  {}", r[0].parameter, cells.join("  "));
    }
}

/// A number with 3 significant digits for the printed table.
fn short(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0) as usize;
    format!("{x:.digits$}")
}
