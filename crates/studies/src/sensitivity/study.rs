//! `policysim sensitivity` as a library call: the problem read and adjusted, the design
//! run as a zip sweep (resumable, shardable) or a finished one re-read (`analyse`), then
//! the indices of one metric written into the folder and the folder sealed.

use super::files::{read_metric, write_analysis};
use super::saved::problem_sizes;
use super::{load_problem, parse_range, Design, Estimate, Method, Problem};
use crate::progress::Progress;
use crate::sweep::{run_sweep, sweep_header, Shard, SweepOptions, SWEEP_JSON};
use policysim_charts::ChartOptions;
use policysim_io::parquet_table::TableFormat;
use policysim_model::error::{Error, Result};
use policysim_model::run::figures::RUN_FIGURES;
use policysim_model::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// What `policysim sensitivity` analyses, and where it writes.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// The scenario file (TOML) with a `[sensitivity]` table of ranges (or a `[sweep]`
    /// table, whose ranges are used).
    pub scenario: PathBuf,
    /// Parameters and their ranges, each `KEY=LOW:HIGH` (replacing the file's range of
    /// KEY), in the order given.
    pub set: Vec<String>,
    /// The method in place of the file's.
    pub method: Option<Method>,
    /// Sobol': base samples N in place of the file's.
    pub samples: Option<usize>,
    /// Morris: trajectories r in place of the file's.
    pub trajectories: Option<usize>,
    /// Morris: grid levels p in place of the file's.
    pub levels: Option<usize>,
    /// Bootstrap resamples of the intervals in place of the file's.
    pub resamples: Option<usize>,
    /// The figure analysed (`final_share`, `t50`, ..., or a number column of `sweep.csv`).
    pub metric: String,
    /// Runs per point in place of the scenario's.
    pub runs: Option<u32>,
    /// Master seed of every point in place of the scenario's.
    pub seed: Option<u64>,
    /// Steps in place of the scenario's.
    pub steps: Option<u32>,
    /// The folder (None: `results/<scenario name>-sensitivity`; ignored with `analyse`).
    pub out: Option<PathBuf>,
    /// Worker threads (None: all cores); results do not depend on it.
    pub threads: Option<usize>,
    /// Tables beside the CSV files (Parquet or none).
    pub table_format: TableFormat,
    /// Only shard `i/n` of the design's points.
    pub shard: Option<String>,
    /// Compute no point: analyse the finished design in this folder.
    pub analyse: Option<PathBuf>,
    /// Discard the results of a different design in the folder.
    pub force: bool,
    /// The ranking chart's formats, language and size (None: no chart).
    pub charts: Option<ChartOptions>,
    /// When set to true the points under way stop; finished points are kept.
    pub cancel: Option<&'static AtomicBool>,
}

/// What a sensitivity study came to.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Points of the design (or of the shard) remain to be computed (a re-run resumes).
    Unfinished {
        /// The folder of the design.
        out: PathBuf,
        /// Points still to do.
        remaining: usize,
    },
    /// This shard's points are done; the shards are to be merged and then analysed.
    ShardDone {
        /// The folder of the shard.
        out: PathBuf,
    },
    /// The design analysed: its indices written into the folder.
    Analysed {
        /// The folder of the design and of the analysis.
        out: PathBuf,
        /// The problem analysed.
        problem: Box<Problem>,
        /// The `sweep.csv` column analysed.
        column: String,
        /// The indices, parameter by parameter in the problem's order.
        estimates: Vec<Estimate>,
        /// The chart files written (none without a chart).
        charts: Vec<PathBuf>,
    },
}

/// Runs `policysim sensitivity`: runs (or resumes) the design and analyses it when
/// complete, and seals the folder. Warnings, the line on the design's points and
/// progress go to `progress`.
pub fn run(options: &StudyOptions, progress: &Progress) -> Result<Outcome> {
    let outcome = design_and_analyse(options, progress)?;
    let out = match &outcome {
        Outcome::Unfinished { out, .. } | Outcome::ShardDone { out } => out,
        Outcome::Analysed { out, .. } => out,
    };
    // in place, as a sweep is written: the record of the last command that wrote in it
    policysim_io::provenance::seal(out, out)?;
    Ok(outcome)
}

/// The `sweep.csv` column of a metric: the mean of a mean metric, the Kaplan–Meier median of
/// a time, or a column named exactly (not the point, seed, runs or a parameter's column).
pub fn metric_column(metric: &str, keys: &[String]) -> Result<String> {
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

/// Reads the file and the options into the base scenario and the problem.
fn resolve(options: &StudyOptions) -> Result<(Scenario, Problem)> {
    let (mut base, mut problem) = load_problem(&options.scenario)?;
    crate::simulate::apply_run_options(
        &mut base,
        options.runs,
        options.seed,
        options.steps,
        options.threads,
    )?;
    for s in &options.set {
        problem.set(parse_range(s, &base)?);
    }
    if let Some(m) = options.method {
        problem.method = m;
    }
    for (value, field) in [
        (options.samples, &mut problem.samples),
        (options.trajectories, &mut problem.trajectories),
        (options.levels, &mut problem.levels),
        (options.resamples, &mut problem.resamples),
    ] {
        if let Some(v) = value {
            *field = v;
        }
    }
    let warnings = problem.check()?;
    problem.warnings.extend(warnings);
    Ok((base, problem))
}

/// Runs (or resumes) the design and analyses it when complete.
fn design_and_analyse(options: &StudyOptions, progress: &Progress) -> Result<Outcome> {
    let (base, problem) = resolve(options)?;
    let keys: Vec<String> = problem.parameters.iter().map(|p| p.key.clone()).collect();
    let column = metric_column(&options.metric, &keys)?;
    let design = Design::new(&problem, base.seed);
    let sweep = design.sweep(&problem);
    crate::sweep::chart::check_reported(&options.metric, &base, &sweep)?;
    let shard = options.shard.as_deref().map(Shard::parse).transpose()?;
    for w in base.warnings.iter().chain(&problem.warnings) {
        (progress.warning)(w);
    }
    let analyse = options.analyse.is_some();
    let out = match (&options.analyse, &options.out) {
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
    // analysing computes no point: no progress to show
    let plan = |total: u64| (progress.plan)(total, "point-runs");
    let sweep_options = SweepOptions {
        threads: options.threads,
        progress: Some(progress.tick),
        on_plan: (!analyse).then_some(&plan as &dyn Fn(u64)),
        shard,
        force: options.force,
        max_points: analyse.then_some(0),
        cancel: options.cancel,
        table_format: options.table_format,
        ..SweepOptions::default()
    };
    let started = std::time::Instant::now();
    let report = run_sweep(&base, &sweep, &out, &sweep_options);
    (progress.done)();
    let report = report.map_err(|e| match crate::sweep::study::interrupted(e, &out) {
        Error::Input(m) if analyse => Error::Input(format!(
            "--analyse: {m} (give the file and the options the design was run with)"
        )),
        other => other,
    })?;
    if let Some(w) = crate::sweep::kept_warning(&out, &report.kept) {
        (progress.warning)(&w);
    }
    if !analyse {
        let shard_text = shard.map_or(String::new(), |s| format!(" (shard {s})"));
        (progress.note)(&format!(
            "{}: {} design ({}), {} of {} points{shard_text} computed, {} resumed, {} runs x {} steps each, in {:.1} s",
            base.name,
            problem.method.name(),
            problem_sizes(&problem, policysim_charts::Lang::En),
            report.computed,
            report.in_shard,
            report.skipped,
            base.runs,
            base.steps,
            started.elapsed().as_secs_f64()
        ));
    }
    if !report.complete {
        if analyse {
            return Err(Error::Input(format!(
                "--analyse {}: {} of the design's {} points are not there; run the missing shards (they resume) and merge again",
                out.display(),
                report.in_shard - report.skipped,
                report.points
            )));
        }
        return Ok(Outcome::Unfinished {
            out,
            remaining: report.in_shard - report.computed - report.skipped,
        });
    }
    if shard.is_some_and(|s| s.count > 1) {
        return Ok(Outcome::ShardDone { out });
    }
    let y = read_metric(&out, &column, design.len())?;
    let estimates = design.analyse(&problem, &y, base.seed);
    let charts = write_analysis(
        options, &base, &problem, &design, &column, &estimates, &y, &out,
    )?;
    Ok(Outcome::Analysed {
        out,
        problem: Box::new(problem),
        column,
        estimates,
        charts,
    })
}
