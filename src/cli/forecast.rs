//! The `policysim forecast` command: the flags, turned into [`StudyOptions`]; the
//! progress bar and the summary on stderr.

use super::study_progress::with_progress;
use crate::error::Result;
use crate::fit::{parse_free, FreeParam};
use crate::forecast::evaluate::{MeanRow, PolicyEvaluation, TrainShare};
use crate::forecast::study::{self, Outcome, StudyOptions, LOPO_RULE};
use crate::forecast::{Forecast, MODELS};
use clap::Args;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

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

impl ForecastArgs {
    /// The study these flags ask for.
    fn options(&self, cancel: Option<&'static AtomicBool>) -> StudyOptions {
        StudyOptions {
            scenario: self.file.clone(),
            observed: self.observed.clone(),
            reading: self.reading.options(),
            train_until: self.train_until,
            evaluate_all: self.evaluate_all,
            train_share: self.train_share,
            horizon: self.horizon,
            free: self.free.clone(),
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

/// Runs `policysim forecast`.
pub(super) fn run(args: ForecastArgs) -> Result<()> {
    let cancel = crate::cli::interrupt_flag();
    let options = args.options(cancel);
    let outcome = with_progress(args.quiet, false, |progress| study::run(&options, progress))?;
    if args.quiet {
        return Ok(());
    }
    match &outcome {
        Outcome::Forecast {
            forecast,
            runs,
            seconds,
        } => print_forecast(&args, forecast, *runs, *seconds),
        Outcome::Evaluation {
            scenario,
            rows,
            means,
            share,
            leave_one_policy_out,
            seconds,
        } => print_evaluation(
            &args,
            scenario,
            rows,
            means,
            *share,
            *leave_one_policy_out,
            *seconds,
        ),
    }
    Ok(())
}

/// The summary of one policy's forecast on stderr.
fn print_forecast(args: &ForecastArgs, f: &Forecast, runs: u32, wall: f64) {
    eprintln!(
        "{}: forecast of {} units at risk after {}, {} years, {} runs, in {:.1} s",
        f.scenario.name,
        f.at_risk.len(),
        f.split.year,
        args.horizon,
        runs,
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

/// The summary of `--evaluate-all` on stderr: the policies not evaluated, then the means.
fn print_evaluation(
    args: &ForecastArgs,
    scenario: &str,
    rows: &[PolicyEvaluation],
    means: &[MeanRow],
    share: TrainShare,
    lopo: bool,
    wall: f64,
) {
    for r in rows {
        if let Err(why) = &r.outcome {
            eprintln!("warning: policy {} not evaluated: {why}", r.policy);
        }
    }
    let evaluated = rows.iter().filter(|r| r.outcome.is_ok()).count();
    eprintln!(
        "{scenario}: {evaluated} of {} policies evaluated (train share {share}, horizon {}) in {:.1} s",
        rows.len(),
        args.horizon,
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
