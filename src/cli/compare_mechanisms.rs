//! The `policysim compare-mechanisms` command: the flags, turned into [`StudyOptions`];
//! the progress bar and the summary on stderr.

use super::study_progress::with_progress;
use crate::error::Result;
use crate::forecast::evaluate::{parse_train_share, TrainShare};
use crate::mechanisms::files::mechanisms_markdown;
use crate::mechanisms::study::{self, StudyOptions};
use clap::Args;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

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

impl CompareMechanismsArgs {
    /// The study these flags ask for.
    fn options(&self, cancel: Option<&'static AtomicBool>) -> StudyOptions {
        StudyOptions {
            hypotheses: self.file.clone(),
            observed: self.observed.clone(),
            reading: self.reading.options(),
            train_until: self.train_until,
            train_share: self.train_share,
            runs: self.runs,
            budget: self.budget,
            out: self.out.clone(),
            seed: self.seed,
            threads: self.threads,
            charts: (!self.no_charts).then(|| self.charts.options()),
            cancel,
        }
    }
}

/// Runs `policysim compare-mechanisms`.
pub(super) fn run(args: CompareMechanismsArgs) -> Result<()> {
    let cancel = crate::cli::interrupt_flag();
    let options = args.options(cancel);
    let outcome = with_progress(args.quiet, false, |progress| study::run(&options, progress))?;
    if !args.quiet {
        let c = &outcome.comparison;
        eprintln!(
            "{}: {} hypotheses, held out after {}, {} runs, {} evaluations per fit, in {:.1} s",
            outcome.name,
            c.results.len(),
            outcome.compare.train_until,
            outcome.compare.runs,
            outcome.compare.budget,
            outcome.seconds
        );
        eprint!("{}", mechanisms_markdown(c));
        eprintln!(
            "results in {}/ (mechanisms.csv, mechanisms.json, mechanisms.md, mechanisms_curves.csv, chart)",
            args.out.display()
        );
    }
    Ok(())
}
