//! The `policysim sweep` and `policysim merge` commands: the flags, turned into
//! [`StudyOptions`] (merge: [`MergeOptions`]); the progress bar and the summary on stderr.

use super::study_progress::with_progress;
use crate::cli::Formats;
use crate::error::Result;
use crate::sweep::study::{self, chart_lines, ChartRequest, Outcome, StudyOptions};
use crate::sweep::{merge, MergeOptions};
use clap::Args;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

/// Examples shown by `policysim sweep --help`.
pub(super) const SWEEP_EXAMPLES: &str = "Examples:
  policysim sweep scenarios/typology.toml
  policysim sweep scenarios/pilot.toml --set central.recognition=0:1:0.25 --set learning.rate=0.1,0.3
  policysim sweep scenarios/pilot.toml --set central.recognition=0:1:0.25 --baseline central.recognition=0
  policysim sweep scenarios/typology.toml --shard 2/8 --out results/typology/shard-2
  policysim merge results/typology/shard-* --out results/typology/all
  policysim sweep scenarios/us_states.toml --observed scenarios/data/spid_sample.csv --policy mothersaid \
    --set innovation.rate=0:0.8:0.1 --set learning.rate=0:1:0.125 --metric observed_rmse

Re-running the same command resumes: finished points are verified and skipped.";

/// `--table-format`'s help for `sweep`.
const SWEEP_TABLE_FORMAT_HELP: &str = "csv, or parquet (both: the same) to add, when the shard's points are done, sweep.parquet and one runs/curves/events.parquet of all its kept points (column `point`) beside the CSV files (which resume, merge and plot read)";

/// Options of `policysim sweep`.
#[derive(Debug, Args)]
pub(super) struct SweepArgs {
    /// The scenario file (TOML), optionally with a [sweep] table.
    pub file: PathBuf,
    /// Sweep a key: KEY=from:to:step, KEY=v1,v2,... or KEY=[toml values] (repeatable; replaces the file's values of KEY).
    #[arg(long = "set", value_name = "KEY=VALUES")]
    pub set: Vec<String>,
    /// How keys combine: grid (all combinations) or zip (paired lists).
    #[arg(long, value_parser = super::choices::choices(&["grid", "zip"], super::choices::text))]
    pub mode: Option<String>,
    /// Runs per point (overrides `runs`).
    #[arg(long, conflicts_with = "precision")]
    pub runs: Option<u32>,
    /// With --baseline: run every point until its difference to the baseline is this
    /// precise, METRIC=WIDTH (the half-width of the 95% interval of the paired
    /// difference; every point gets the same number of runs, the first at which every
    /// difference is that narrow). Exit code 3 when --max-runs is reached first.
    #[arg(long, value_name = "METRIC=WIDTH")]
    pub precision: Option<String>,
    /// The most runs per point --precision makes (default 100000; at least 30).
    #[arg(long, value_name = "N")]
    pub max_runs: Option<u64>,
    /// Master seed (overrides `seed`; 0 to 2^63-1).
    #[arg(long, value_parser = crate::rng::parse_seed)]
    pub seed: Option<u64>,
    /// Number of steps (overrides `steps`).
    #[arg(long)]
    pub steps: Option<u32>,
    /// Output folder (default: `results/<scenario name>-sweep`).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Run only shard i of n: the points whose index mod n is i - 1 (e.g. 3/8).
    #[arg(long, value_name = "i/n")]
    pub shard: Option<String>,
    /// Independent points: point i runs with its own seed point_seed(seed, i) instead of
    /// the sweep's seed (common random numbers, the default; same as `crn = false` in [sweep]).
    #[arg(long)]
    pub independent: bool,
    /// Compare every point of a one-key sweep with the point KEY=VALUE (alone: the first
    /// value): sweep.csv gets each metric's difference with its 95% CI (paired run by run
    /// under common random numbers) and the line chart a difference panel; points keep runs.csv.
    #[arg(long, value_name = "KEY=VALUE", num_args = 0..=1, default_missing_value = "")]
    pub baseline: Option<String>,
    /// Keep each point's curves.csv and runs.csv under `points/<index>/`.
    #[arg(long)]
    pub keep_points: bool,
    /// Also write each point's `events.csv` under `points/<index>/`: every run's adoptions and abandonments (`--record events`).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub record: Vec<super::Record>,
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = super::table_format(), help = SWEEP_TABLE_FORMAT_HELP)]
    pub table_format: crate::parquet_table::TableFormat,
    /// Discard the results of a different sweep in the output folder.
    #[arg(long)]
    pub force: bool,
    /// No progress bar or messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Compare every point with observed adoptions (CSV of unit and adoption year): the
    /// points start from the observed first adopters and span the observed years, and
    /// sweep.csv gets observed_rmse (map it with --metric observed_rmse).
    #[arg(long)]
    pub observed: Option<PathBuf>,
    /// How to read the observed file.
    #[command(flatten)]
    pub reading: crate::cli::ObservedArgs,
    /// Chart options.
    #[command(flatten)]
    pub charts: SweepChartArgs,
    /// Stop after computing K points (for testing resumption).
    #[arg(long, hide = true, value_name = "K")]
    pub max_points: Option<usize>,
}

/// Options of `policysim merge`.
#[derive(Debug, Args)]
pub(super) struct MergeArgs {
    /// The output folders of the shards.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Where to write the merged sweep.
    #[arg(long)]
    pub out: PathBuf,
    /// No messages on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// Chart options.
    #[command(flatten)]
    pub charts: SweepChartArgs,
}

/// Chart options of `sweep` and `merge`.
#[derive(Debug, Args)]
pub(super) struct SweepChartArgs {
    /// The figure of sweep.csv to chart: final_share, t10, t50, t90, final_mean_quality, lineages, evaluation_bias, `share_<channel>` or observed_rmse (with --observed).
    #[arg(long, default_value = "final_share")]
    pub metric: String,
    /// Do not draw the chart.
    #[arg(long)]
    pub no_charts: bool,
    /// Chart formats, comma-separated: png, svg, pdf or a list such as png,svg,pdf.
    #[arg(long, value_parser = super::choices::choices(super::FORMAT_VALUES, super::parse_formats), default_value = "png,svg")]
    pub format: Formats,
    /// Language of chart titles and axes: en or zh (中文).
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

impl SweepChartArgs {
    /// The chart these flags ask for.
    fn request(&self) -> ChartRequest {
        ChartRequest {
            metric: self.metric.clone(),
            charts: (!self.no_charts).then(|| {
                super::chart_args::chart_options(&self.format, self.lang, self.size, &self.title)
            }),
        }
    }
}

impl SweepArgs {
    /// The study these flags ask for.
    fn options(&self, cancel: Option<&'static AtomicBool>) -> StudyOptions {
        StudyOptions {
            scenario: self.file.clone(),
            set: self.set.clone(),
            mode: self.mode.clone(),
            runs: self.runs,
            precision: self.precision.clone(),
            max_runs: self.max_runs,
            seed: self.seed,
            steps: self.steps,
            out: self.out.clone(),
            threads: self.threads,
            shard: self.shard.clone(),
            independent: self.independent,
            baseline: self.baseline.clone(),
            keep_points: self.keep_points,
            record_events: self.record.contains(&super::Record::Events),
            table_format: self.table_format,
            force: self.force,
            observed: self.observed.clone(),
            reading: self.reading.options(),
            chart: self.charts.request(),
            max_points: self.max_points,
            cancel,
        }
    }
}

/// Runs `policysim sweep`.
pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    let cancel = crate::cli::interrupt_flag();
    let options = args.options(cancel);
    let outcome = with_progress(args.quiet, false, |progress| study::run(&options, progress))?;
    if !args.quiet {
        print_summary(&outcome);
    }
    // the folder is sealed also when `--precision` did not reach its width
    match outcome.precision_error() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// The summary of a sweep on stderr: the points done and what is left to do.
fn print_summary(outcome: &Outcome) {
    let report = &outcome.report;
    let shard = outcome.shard;
    let shard_text = shard.map_or(String::new(), |s| format!(" (shard {s})"));
    eprintln!(
        "{}: {} of {} points{shard_text} computed, {} resumed, {} runs x {} steps each, in {:.1} s",
        outcome.scenario,
        report.computed,
        report.in_shard,
        report.skipped,
        outcome.runs,
        outcome.steps,
        outcome.seconds
    );
    if report.complete {
        eprintln!("results in {}/sweep.csv", outcome.out.display());
        if shard.is_some_and(|s| s.count > 1) {
            eprintln!("merge the shards with: policysim merge <shard folders> --out <folder>");
        }
    } else {
        eprintln!(
            "{} points still to do; re-run the same command to continue",
            report.in_shard - report.computed - report.skipped
        );
    }
}

/// Runs `policysim merge`.
pub(super) fn merge_cmd(args: MergeArgs) -> Result<()> {
    let chart = args.charts.request();
    chart.check()?;
    // the charts are drawn into the staging folder: published with the merge or not at all
    let charts = std::cell::RefCell::new(None);
    let finish = |staging: &Path| -> Result<()> {
        *charts.borrow_mut() = chart.draw(staging)?;
        Ok(())
    };
    let finished = |out: &Path| chart.drawn(out);
    let quiet = args.quiet;
    let on_wait = |lock: &str| {
        if !quiet {
            eprintln!(
                "waiting for another merge into {} to finish (lock {lock})",
                args.out.display()
            );
        }
    };
    let options = MergeOptions {
        finish: Some(&finish),
        finished: Some(&finished),
        on_wait: Some(&on_wait),
    };
    let report = merge(&args.dirs, &args.out, &options)?;
    if quiet {
        return Ok(());
    }
    if report.already_merged {
        eprintln!(
            "{} already holds this merge of {} points (identical sweep.csv and points); nothing written",
            args.out.display(),
            report.points
        );
    } else {
        for line in chart_lines(charts.into_inner().as_deref(), &args.out) {
            eprintln!("{line}");
        }
        eprintln!(
            "merged {} points from {} folders into {}/sweep.csv",
            report.points,
            report.folders,
            args.out.display()
        );
    }
    Ok(())
}
