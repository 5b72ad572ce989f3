//! The `policysim sweep` and `policysim merge` subcommands (options and messages).

use crate::cli::Formats;
use crate::error::{Error, Result};
use crate::observed::read_observed;
use crate::sweep::{
    load_sweep, merge, parse_set, run_sweep, MergeOptions, Shard, SweepMode, SweepOptions,
};
use clap::Args;
use std::path::{Path, PathBuf};

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
    /// Checks the metric before any work starts.
    fn check(&self) -> Result<()> {
        if self.no_charts {
            Ok(())
        } else {
            crate::sweep::chart::check_metric(&self.metric)
        }
    }

    /// Draws the sweep chart of `dir` (unless `--no-charts`); returns the files written
    /// (None with `--no-charts`).
    fn draw_files(&self, dir: &Path) -> Result<Option<Vec<PathBuf>>> {
        if self.no_charts {
            return Ok(None);
        }
        let opts = crate::charts::ChartOptions {
            formats: self.format.0.clone(),
            lang: self.lang,
            size: self.size,
            text_percent: 100,
            svg_outlines: true,
            title: self.title.clone(),
        };
        crate::sweep::chart::draw_sweep_charts(dir, &self.metric, &opts).map(Some)
    }

    /// Draws the sweep chart of `dir` (unless `--no-charts`); prints what was written.
    fn draw(&self, dir: &Path, quiet: bool) -> Result<()> {
        let written = self.draw_files(dir)?;
        if !quiet {
            print_charts(written, dir);
        }
        Ok(())
    }

    /// True when `dir` holds this metric's chart in every format asked for.
    fn drawn(&self, dir: &Path) -> bool {
        self.no_charts
            || self.format.0.iter().all(|f| {
                ["map", "line"].iter().any(|kind| {
                    dir.join(format!("sweep_{}_{kind}.{}", self.metric, f.extension()))
                        .is_file()
                })
            })
    }
}

/// Prints the chart files written (named as in `dir`), or that no chart fits the sweep.
fn print_charts(written: Option<Vec<PathBuf>>, dir: &Path) {
    let Some(written) = written else {
        return;
    };
    if written.is_empty() {
        eprintln!("no chart: a chart needs one swept key, two keys in a grid, or a zip");
    }
    for p in written {
        eprintln!(
            "chart {}",
            dir.join(p.file_name().unwrap_or_default()).display()
        );
    }
}

/// Runs `policysim sweep`.
pub(super) fn sweep(args: SweepArgs) -> Result<()> {
    let (out, precision) = run_points(&args)?;
    // written in place (a sweep resumes in its folder): sealed when the command ends,
    // also when `--precision` did not reach its width (the results made are kept)
    crate::provenance::seal(&out, &out)?;
    precision
}

/// Computes the sweep's points (those not yet done) and draws its charts; returns its
/// folder and, with `--precision`, whether the width was reached (an error if not).
fn run_points(args: &SweepArgs) -> Result<(PathBuf, Result<()>)> {
    let (mut base, mut sweep) = load_sweep(&args.file)?;
    crate::cli::apply_run_options(&mut base, args.runs, args.seed, args.steps, args.threads)?;
    for s in &args.set {
        let (key, values) = parse_set(s)?;
        crate::sweep::check_values(&base, &key, &values)?;
        sweep.set(&key, values);
    }
    if let Some(m) = &args.mode {
        sweep.mode = SweepMode::parse(m)?;
    }
    if args.independent {
        sweep.independent = true;
    }
    sweep.check()?;
    let baseline = args
        .baseline
        .as_deref()
        .map(|b| crate::sweep::baseline::resolve(&sweep, b))
        .transpose()?;
    args.charts.check()?;
    if !args.charts.no_charts {
        crate::sweep::chart::check_reported(&args.charts.metric, &base, &sweep)?;
    }
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    let observed = match &args.observed {
        Some(path) => {
            crate::observed::Observed::check_scenario(&base)?;
            let threads = crate::machine::thread_count(args.threads);
            crate::limits::check_memory(&base, threads)?;
            let network = crate::scenario_files::prepare(&base)?.network;
            let observed = read_observed(path, &network, &args.reading.options())?;
            observed.apply(&mut base, args.steps);
            if !args.quiet {
                for w in &observed.warnings {
                    eprintln!("warning: {w}");
                }
                if let Some(w) = crate::observed::comparison_warning(&base) {
                    eprintln!("warning: {w}");
                }
            }
            Some(observed)
        }
        None => None,
    };
    if observed.is_none() && args.charts.metric == "observed_rmse" {
        return Err(Error::Input(
            "--metric observed_rmse needs --observed (the adoptions to compare with)".into(),
        ));
    }
    if !args.quiet {
        for w in &base.warnings {
            eprintln!("warning: {w}");
        }
        if !sweep.labels.is_empty() && sweep.keys.len() != 2 {
            eprintln!(
                "warning: sweep.labels name the quadrants of a two-key map; this sweep has {} key(s), so they are not drawn",
                sweep.keys.len()
            );
        }
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("results").join(format!("{}-sweep", base.name)));
    let precise = match &args.precision {
        Some(spec) => Some(decide_runs(
            args,
            spec,
            &mut base,
            &sweep,
            baseline,
            shard,
            observed.is_some(),
        )?),
        None => {
            super::precision::check_cap(None, args.max_runs)?;
            None
        }
    };
    let bar = crate::cli::progress_bar_of(0, "point-runs", args.quiet);
    let tick = |k: u64| bar.inc(k);
    let plan = |total: u64| bar.set_length(total);
    let options = SweepOptions {
        threads: args.threads,
        progress: Some(&tick),
        on_plan: Some(&plan),
        shard,
        keep_points: args.keep_points,
        force: args.force,
        max_points: args.max_points,
        cancel: crate::cli::interrupt_flag(),
        observed: observed.as_ref(),
        baseline,
        precision: precise.as_ref().map(|p| p.2.clone()),
        record_events: args.record.contains(&super::Record::Events),
        table_format: args.table_format,
    };
    let started = std::time::Instant::now();
    let report = run_sweep(&base, &sweep, &out, &options);
    bar.finish_and_clear();
    let report = report.map_err(|e| match e {
        Error::Interrupted(_) => Error::Interrupted(format!(
            "the points finished before the interruption are kept in {}/; re-run the same command to resume",
            out.display()
        )),
        other => other,
    })?;
    let whole = shard.is_none_or(|s| s.count == 1);
    if report.complete && whole {
        args.charts.draw(&out, args.quiet)?;
    }
    if !args.quiet {
        if let Some(w) = crate::sweep::kept_warning(&out, &report.kept) {
            eprintln!("warning: {w}");
        }
        let shard_text = shard.map_or(String::new(), |s| format!(" (shard {s})"));
        eprintln!(
            "{}: {} of {} points{shard_text} computed, {} resumed, {} runs x {} steps each, in {:.1} s",
            base.name,
            report.computed,
            report.in_shard,
            report.skipped,
            base.runs,
            base.steps,
            started.elapsed().as_secs_f64()
        );
        if report.complete {
            eprintln!("results in {}/sweep.csv", out.display());
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
    let precision = match precise {
        Some((p, outcome, _)) if !outcome.reached && report.complete => {
            Err(super::precision::not_reached(&p, &outcome, &out))
        }
        _ => Ok(()),
    };
    Ok((out, precision))
}

/// `--precision` of a sweep: the runs per point, chosen by the sequential procedure on
/// every point's run-by-run difference to the baseline (summaries only); sets
/// `base.runs` to them and prints how many it took.
fn decide_runs(
    args: &SweepArgs,
    spec: &str,
    base: &mut crate::Scenario,
    sweep: &crate::sweep::Sweep,
    baseline: Option<usize>,
    shard: Option<Shard>,
    observed: bool,
) -> Result<(
    crate::sequential::Precision,
    crate::sequential::Outcome,
    serde_json::Value,
)> {
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
    let points: Vec<crate::Scenario> = (0..sweep.len())
        .map(|i| sweep.point_scenario(base, i))
        .collect::<Result<_>>()?;
    let refs: Vec<&crate::Scenario> = points.iter().collect();
    let p = crate::sequential::Precision::parse("--precision", spec, &refs, args.max_runs)?;
    let threads = crate::machine::thread_count(args.threads);
    let mut prepared = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        crate::limits::check_memory(point, threads)
            .map_err(|e| Error::Input(format!("point {i}: {e}")))?;
        prepared.push(crate::scenario_files::prepare(point)?);
    }
    let arms: Vec<crate::sequential::Arm> = points
        .iter()
        .zip(&prepared)
        .enumerate()
        .map(|(i, (scenario, prepared))| crate::sequential::Arm {
            scenario,
            seed: sweep.point_seed(base.seed, i),
            prepared,
        })
        .collect();
    let outcome = crate::sequential::run_until_precise(
        &arms,
        Some(b),
        &p,
        args.threads,
        crate::cli::interrupt_flag(),
        None,
    )?;
    let labels: Vec<String> = (0..points.len())
        .map(|i| {
            let values: Vec<String> = sweep
                .point(i)
                .iter()
                .map(crate::sweep::value_text)
                .collect();
            format!("point {i} ({})", values.join(", "))
        })
        .collect();
    if !args.quiet {
        eprintln!(
            "{}",
            super::precision::line(&p, &outcome, &labels, "difference to the baseline")
        );
    }
    base.runs = outcome.runs as u32;
    let json = super::precision::json(&p, &outcome, &labels);
    Ok((p, outcome, json))
}

/// Runs `policysim merge`.
pub(super) fn merge_cmd(args: MergeArgs) -> Result<()> {
    args.charts.check()?;
    // the charts are drawn into the staging folder: published with the merge or not at all
    let charts = std::cell::RefCell::new(None);
    let finish = |staging: &Path| -> Result<()> {
        *charts.borrow_mut() = args.charts.draw_files(staging)?;
        Ok(())
    };
    let finished = |out: &Path| args.charts.drawn(out);
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
        print_charts(charts.into_inner(), &args.out);
        eprintln!(
            "merged {} points from {} folders into {}/sweep.csv",
            report.points,
            report.folders,
            args.out.display()
        );
    }
    Ok(())
}
