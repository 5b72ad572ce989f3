//! `policysim sweep` as a library call: the scenario and its `[sweep]` table read, the
//! `--set` values applied, the runs per point chosen (`precision`), the points not yet
//! done computed into the folder (resumable, shardable), its chart drawn and the folder
//! sealed.

use super::{
    load_sweep, parse_set, run_sweep, value_text, Shard, Sweep, SweepMode, SweepOptions,
    SweepReport,
};
use crate::progress::Progress;
use policysim_charts::ChartOptions;
use policysim_io::observed::{read_observed, Observed, ObservedOptions};
use policysim_io::parquet_table::TableFormat;
use policysim_model::error::{Error, Result};
use policysim_model::scenario::Scenario;
use policysim_model::sequential::{self, Arm, Precision};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// What `policysim sweep` sweeps, and where it writes.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// The scenario file (TOML), optionally with a `[sweep]` table.
    pub scenario: PathBuf,
    /// Swept keys, each `KEY=from:to:step`, `KEY=v1,v2,...` or `KEY=[toml values]`
    /// (replacing the file's values of KEY), in the order given.
    pub set: Vec<String>,
    /// How keys combine, `grid` or `zip` (None: the file's mode).
    pub mode: Option<String>,
    /// Runs per point in place of the scenario's.
    pub runs: Option<u32>,
    /// Run every point until its difference to the baseline is this precise,
    /// `METRIC=WIDTH` (needs `baseline`).
    pub precision: Option<String>,
    /// The most runs per point `precision` makes (None: its default).
    pub max_runs: Option<u64>,
    /// Master seed in place of the scenario's.
    pub seed: Option<u64>,
    /// Steps in place of the scenario's.
    pub steps: Option<u32>,
    /// The folder (None: `results/<scenario name>-sweep`).
    pub out: Option<PathBuf>,
    /// Worker threads (None: all cores); results do not depend on it.
    pub threads: Option<usize>,
    /// Only shard `i/n` of the points (those whose index mod n is i - 1).
    pub shard: Option<String>,
    /// Independent points (each its own seed) instead of common random numbers.
    pub independent: bool,
    /// The point every point is compared with, `KEY=VALUE` (empty: the first value).
    pub baseline: Option<String>,
    /// Keep each point's `curves.csv` and `runs.csv` under `points/<index>/`.
    pub keep_points: bool,
    /// Write each point's `events.csv` under `points/<index>/`.
    pub record_events: bool,
    /// Tables beside the CSV files (Parquet or none).
    pub table_format: TableFormat,
    /// Discard the results of a different sweep in the folder.
    pub force: bool,
    /// Observed adoptions every point starts from and is compared with.
    pub observed: Option<PathBuf>,
    /// How to read the observed file.
    pub reading: ObservedOptions,
    /// The figure charted (and checked even without a chart: `observed_rmse` needs
    /// `observed`) and how to draw it.
    pub chart: ChartRequest,
    /// Stop after computing this many points (to test resumption).
    pub max_points: Option<usize>,
    /// When set to true the points under way stop; finished points are kept.
    pub cancel: Option<&'static AtomicBool>,
}

/// The chart of a sweep folder: the figure of `sweep.csv` mapped and how to draw it.
#[derive(Debug, Clone)]
pub struct ChartRequest {
    /// The figure of `sweep.csv` (`final_share`, `t50`, ..., `observed_rmse`).
    pub metric: String,
    /// Formats, language and size (None: no chart).
    pub charts: Option<ChartOptions>,
}

impl ChartRequest {
    /// Checks the metric before any work starts (nothing to check without a chart).
    pub fn check(&self) -> Result<()> {
        if self.charts.is_none() {
            Ok(())
        } else {
            super::chart::check_metric(&self.metric)
        }
    }

    /// Draws the chart of the sweep in `dir`; returns the files written (None without a
    /// chart; empty when no chart fits the sweep).
    pub fn draw(&self, dir: &Path) -> Result<Option<Vec<PathBuf>>> {
        match &self.charts {
            None => Ok(None),
            Some(opts) => super::chart::draw_sweep_charts(dir, &self.metric, opts).map(Some),
        }
    }

    /// True when `dir` holds this metric's chart in every format asked for (always
    /// without a chart).
    pub fn drawn(&self, dir: &Path) -> bool {
        let Some(opts) = &self.charts else {
            return true;
        };
        opts.formats.iter().all(|f| {
            ["map", "line"].iter().any(|kind| {
                dir.join(format!("sweep_{}_{kind}.{}", self.metric, f.extension()))
                    .is_file()
            })
        })
    }
}

/// The lines telling which chart files were written into `dir` (named as in `dir`), or
/// that no chart fits the sweep (none without a chart).
pub fn chart_lines(written: Option<&[PathBuf]>, dir: &Path) -> Vec<String> {
    let Some(written) = written else {
        return Vec::new();
    };
    if written.is_empty() {
        return vec!["no chart: a chart needs one swept key, two keys in a grid, or a zip".into()];
    }
    written
        .iter()
        .map(|p| {
            format!(
                "chart {}",
                dir.join(p.file_name().unwrap_or_default()).display()
            )
        })
        .collect()
}

/// What a sweep did, with what the summary reports.
#[derive(Debug)]
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// The folder written.
    pub out: PathBuf,
    /// The points computed, resumed and still to do.
    pub report: SweepReport,
    /// The shard run (None: all points).
    pub shard: Option<Shard>,
    /// Runs per point.
    pub runs: u32,
    /// Steps per run.
    pub steps: u32,
    /// Seconds the points took.
    pub seconds: f64,
    /// The chart files written (None: no chart drawn, for want of one asked for or of a
    /// whole, complete sweep).
    pub charts: Option<Vec<PathBuf>>,
    /// What `precision` reached (None without it).
    pub precision: Option<(Precision, sequential::Outcome)>,
}

impl Outcome {
    /// The error (exit code 3) when `precision` did not reach its width within its runs
    /// (the results of these runs are written).
    pub fn precision_error(&self) -> Option<Error> {
        match &self.precision {
            Some((p, outcome)) if !outcome.reached && self.report.complete => {
                Some(crate::precision::not_reached(p, outcome, &self.out))
            }
            _ => None,
        }
    }
}

/// Runs `policysim sweep`: computes the points not yet done into the folder, draws its
/// chart when the whole sweep is done, and seals the folder. Warnings, the `precision`
/// line, the chart lines and progress go to `progress`.
pub fn run(options: &StudyOptions, progress: &Progress) -> Result<Outcome> {
    let (mut base, mut sweep) = load_sweep(&options.scenario)?;
    crate::simulate::apply_run_options(
        &mut base,
        options.runs,
        options.seed,
        options.steps,
        options.threads,
    )?;
    for s in &options.set {
        let (key, values) = parse_set(s)?;
        super::check_values(&base, &key, &values)?;
        sweep.set(&key, values);
    }
    if let Some(m) = &options.mode {
        sweep.mode = SweepMode::parse(m)?;
    }
    if options.independent {
        sweep.independent = true;
    }
    sweep.check()?;
    let baseline = options
        .baseline
        .as_deref()
        .map(|b| super::baseline::resolve(&sweep, b))
        .transpose()?;
    options.chart.check()?;
    if options.chart.charts.is_some() {
        super::chart::check_reported(&options.chart.metric, &base, &sweep)?;
    }
    let shard = options.shard.as_deref().map(Shard::parse).transpose()?;
    let observed = match &options.observed {
        Some(path) => {
            Observed::check_scenario(&base)?;
            let threads = policysim_io::machine::thread_count(options.threads);
            policysim_io::limits::check_memory(&base, threads)?;
            let network = policysim_io::scenario_files::prepare(&base)?.network;
            let observed = read_observed(path, &network, &options.reading)?;
            observed.apply(&mut base, options.steps);
            for w in &observed.warnings {
                (progress.warning)(w);
            }
            if let Some(w) = policysim_io::observed::comparison_warning(&base) {
                (progress.warning)(w);
            }
            Some(observed)
        }
        None => None,
    };
    if observed.is_none() && options.chart.metric == "observed_rmse" {
        return Err(Error::Input(
            "--metric observed_rmse needs --observed (the adoptions to compare with)".into(),
        ));
    }
    for w in &base.warnings {
        (progress.warning)(w);
    }
    if !sweep.labels.is_empty() && sweep.keys.len() != 2 {
        (progress.warning)(&format!(
            "sweep.labels name the quadrants of a two-key map; this sweep has {} key(s), so they are not drawn",
            sweep.keys.len()
        ));
    }
    let out = options
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(format!("{}-sweep", base.name)));
    let precise = match &options.precision {
        Some(spec) => Some(decide_runs(
            options,
            spec,
            &mut base,
            &sweep,
            baseline,
            shard,
            observed.is_some(),
            progress,
        )?),
        None => {
            crate::precision::check_cap(None, options.max_runs)?;
            None
        }
    };
    let plan = |total: u64| (progress.plan)(total, "point-runs");
    let sweep_options = SweepOptions {
        threads: options.threads,
        progress: Some(progress.tick),
        on_plan: Some(&plan),
        shard,
        keep_points: options.keep_points,
        force: options.force,
        max_points: options.max_points,
        cancel: options.cancel,
        observed: observed.as_ref(),
        observed_policy: options.reading.policy.as_deref(),
        baseline,
        precision: precise.as_ref().map(|p| p.2.clone()),
        record_events: options.record_events,
        table_format: options.table_format,
    };
    let started = std::time::Instant::now();
    let report = run_sweep(&base, &sweep, &out, &sweep_options);
    (progress.done)();
    let report = report.map_err(|e| interrupted(e, &out))?;
    let seconds = started.elapsed().as_secs_f64();
    let whole = shard.is_none_or(|s| s.count == 1);
    let charts = if report.complete && whole {
        let written = options.chart.draw(&out)?;
        for line in chart_lines(written.as_deref(), &out) {
            (progress.note)(&line);
        }
        written
    } else {
        None
    };
    if let Some(w) = super::kept_warning(&out, &report.kept) {
        (progress.warning)(&w);
    }
    // written in place (a sweep resumes in its folder): sealed when the sweep ends, also
    // when `precision` did not reach its width (the results made are kept)
    policysim_io::provenance::seal(&out, &out)?;
    Ok(Outcome {
        scenario: base.name.clone(),
        out,
        report,
        shard,
        runs: base.runs,
        steps: base.steps,
        seconds,
        charts,
        precision: precise.map(|(p, o, _)| (p, o)),
    })
}

/// An interruption of the points, saying where the finished ones are kept.
pub(crate) fn interrupted(e: Error, out: &Path) -> Error {
    match e {
        Error::Interrupted(_) => Error::Interrupted(format!(
            "the points finished before the interruption are kept in {}/; re-run the same command to resume",
            out.display()
        )),
        other => other,
    }
}

/// `precision` of a sweep: the runs per point, chosen by the sequential procedure on
/// every point's run-by-run difference to the baseline (summaries only); sets
/// `base.runs` to them and tells how many it took (`progress.note`).
#[allow(clippy::too_many_arguments)]
fn decide_runs(
    options: &StudyOptions,
    spec: &str,
    base: &mut Scenario,
    sweep: &Sweep,
    baseline: Option<usize>,
    shard: Option<Shard>,
    observed: bool,
    progress: &Progress,
) -> Result<(Precision, sequential::Outcome, serde_json::Value)> {
    let Some(b) = baseline else {
        return Err(Error::Input(
            "--precision in a sweep asks for the difference of every point to a baseline; give --baseline too".into(),
        ));
    };
    if shard.is_some_and(|s| s.count > 1) || observed {
        return Err(Error::Input(
            "--precision chooses the runs of the whole sweep at once: it cannot be combined with --shard or --observed".into(),
        ));
    }
    let points: Vec<Scenario> = (0..sweep.len())
        .map(|i| sweep.point_scenario(base, i))
        .collect::<Result<_>>()?;
    let refs: Vec<&Scenario> = points.iter().collect();
    let p = Precision::parse("--precision", spec, &refs, options.max_runs)?;
    let threads = policysim_io::machine::thread_count(options.threads);
    let mut prepared = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        policysim_io::limits::check_memory(point, threads)
            .map_err(|e| Error::Input(format!("point {i}: {e}")))?;
        prepared.push(policysim_io::scenario_files::prepare(point)?);
    }
    let arms: Vec<Arm> = points
        .iter()
        .zip(&prepared)
        .enumerate()
        .map(|(i, (scenario, prepared))| Arm {
            scenario,
            seed: sweep.point_seed(base.seed, i),
            prepared,
        })
        .collect();
    let outcome =
        sequential::run_until_precise(&arms, Some(b), &p, options.threads, options.cancel, None)?;
    let labels: Vec<String> = (0..points.len())
        .map(|i| {
            let values: Vec<String> = sweep.point(i).iter().map(value_text).collect();
            format!("point {i} ({})", values.join(", "))
        })
        .collect();
    (progress.note)(&crate::precision::line(
        &p,
        &outcome,
        &labels,
        "difference to the baseline",
    ));
    base.runs = outcome.runs as u32;
    let json = crate::precision::json(&p, &outcome, &labels);
    Ok((p, outcome, json))
}
