//! The `policysim sensitivity` command: the flags, turned into [`StudyOptions`]; the
//! progress bar, the ranked table of indices and the summary on stderr.

use super::study_progress::with_progress;
use crate::cli::Formats;
use crate::error::{Error, Result};
use crate::sensitivity::study::{self, Outcome, StudyOptions};
use crate::sensitivity::{Estimate, Method, Problem, DESIGN_CSV, SENSITIVITY_CSV};
use clap::Args;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

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

impl SensitivityArgs {
    /// The study these flags ask for.
    fn options(&self, cancel: Option<&'static AtomicBool>) -> Result<StudyOptions> {
        let method = self
            .method
            .as_deref()
            .map(|m| Method::parse(m).map_err(|e| Error::Input(format!("--method: {e}"))))
            .transpose()?;
        Ok(StudyOptions {
            scenario: self.file.clone(),
            set: self.set.clone(),
            method,
            samples: self.samples,
            trajectories: self.trajectories,
            levels: self.levels,
            resamples: self.resamples,
            metric: self.metric.clone(),
            runs: self.runs,
            seed: self.seed,
            steps: self.steps,
            out: self.out.clone(),
            threads: self.threads,
            table_format: self.table_format,
            shard: self.shard.clone(),
            analyse: self.analyse.clone(),
            force: self.force,
            charts: (!self.no_charts).then(|| {
                super::chart_args::chart_options(&self.format, self.lang, self.size, &self.title)
            }),
            cancel,
        })
    }
}

/// Runs `policysim sensitivity`.
pub(super) fn run(args: SensitivityArgs) -> Result<()> {
    let cancel = crate::cli::interrupt_flag();
    let options = args.options(cancel)?;
    let outcome = with_progress(args.quiet, false, |progress| study::run(&options, progress))?;
    if args.quiet {
        return Ok(());
    }
    match &outcome {
        Outcome::Unfinished { remaining, .. } => {
            eprintln!("{remaining} points still to do; re-run the same command to continue");
        }
        Outcome::ShardDone { .. } => eprintln!(
            "shard done; merge the shards with: policysim merge <shard folders> --out <folder> --no-charts\n\
             then analyse with: policysim sensitivity {} <same options> --analyse <folder>",
            args.file.display()
        ),
        Outcome::Analysed {
            out,
            problem,
            column,
            estimates,
            charts,
        } => {
            for path in charts {
                eprintln!("chart {}", path.display());
            }
            print_table(problem, &args.metric, column, estimates);
            eprintln!(
                "results in {}/{SENSITIVITY_CSV} (design in {DESIGN_CSV})",
                out.display()
            );
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
