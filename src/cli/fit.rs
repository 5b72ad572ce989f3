//! The `policysim fit` command: the flags, turned into [`StudyOptions`]; the progress
//! bar and the summary on stderr.

use super::study_progress::with_progress;
use crate::error::Result;
use crate::fit::pooled::PooledFit;
use crate::fit::study::{
    self, interval_edge, interval_meaning, too_few_accepted, Fitted, Outcome, StudyOptions,
};
use crate::fit::{parse_free, FitResult, FreeParam, Objective};
use clap::Args;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

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
    /// What to minimise: curve (cumulative share), curve+hazard, or log-score (who adopts each year, the model restarted every year from who had adopted).
    #[arg(long, default_value = "curve", value_parser = super::choices::choices(&["curve", "curve+hazard", "log-score"], <Objective as std::str::FromStr>::from_str))]
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

impl FitArgs {
    /// The study these flags ask for.
    fn options(&self, cancel: Option<&'static AtomicBool>) -> StudyOptions {
        StudyOptions {
            scenario: self.file.clone(),
            observed: self.observed.clone(),
            reading: self.reading.options(),
            all_policies: self.all_policies,
            free: self.free.clone(),
            runs: self.runs,
            budget: self.budget,
            max_evaluations: self.max_evaluations,
            objective: self.objective,
            out: self.out.clone(),
            force: self.force,
            seed: self.seed,
            threads: self.threads,
            charts: (!self.no_charts).then(|| self.charts.options()),
            cancel,
        }
    }
}

/// Runs `policysim fit`.
pub(super) fn run(args: FitArgs) -> Result<()> {
    // first, so that a signal at any time stops the fit cleanly
    let cancel = crate::cli::interrupt_flag();
    let options = args.options(cancel);
    let outcome = with_progress(args.quiet, true, |progress| study::run(&options, progress))?;
    if !args.quiet {
        match &outcome.fitted {
            Fitted::One(r) => print_fit(&args, &outcome, r),
            Fitted::Pooled(pooled) => print_pooled(&args, &outcome, pooled),
        }
    }
    Ok(())
}

/// The summary of a fit to one policy on stderr.
fn print_fit(args: &FitArgs, outcome: &Outcome, result: &FitResult) {
    let opts = &outcome.fit;
    eprintln!(
        "{}: {} evaluations x {} runs in {:.1} s",
        outcome.scenario,
        result.evaluations.len(),
        opts.runs,
        outcome.seconds
    );
    eprintln!("  best value  [interval: {}]", interval_meaning(result));
    if let Some(w) = too_few_accepted(result, opts.max_evaluations) {
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
    if let Some(ls) = &result.best_eval.log_score {
        eprintln!(
            "  log score: mean loss {:.4} ± {:.4} per at-risk unit-year ({} unit-years)",
            ls.mean_loss, ls.se, ls.unit_years
        );
    }
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

/// The summary of a pooled fit on stderr.
fn print_pooled(args: &FitArgs, outcome: &Outcome, pooled: &PooledFit) {
    let opts = &outcome.fit;
    let first = &pooled.policies[0].1;
    eprintln!(
        "{}: pooled fit to {} policies, {} evaluations x {} runs each in {:.1} s",
        outcome.scenario,
        pooled.policies.len(),
        pooled.search.evaluations.len(),
        opts.runs,
        outcome.seconds
    );
    eprintln!("  best value  [interval: {}]", interval_meaning(first));
    if let Some(w) = too_few_accepted(first, opts.max_evaluations) {
        eprintln!("warning: {w}");
    }
    for (k, p) in opts.free.iter().enumerate() {
        let (best, (low, high)) = (first.best[k], first.interval[k]);
        eprintln!("  {} = {best:.4}  [{low:.4}, {high:.4}]", p.key);
    }
    eprintln!(
        "  pooled objective {:.4} (mean of the policies'); per policy RMSE model / Bass:",
        pooled.search.best.objective
    );
    for (name, r) in &pooled.policies {
        eprintln!(
            "    {name}: {:.4} / {:.4}",
            r.best_eval.curve_rmse, r.bass_rmse
        );
    }
    for e in &first.box_edges {
        eprintln!(
            "warning: {} reaches the {} of its search box ({}); widen --free {} to see whether the answer changes",
            e.key,
            if e.side == "low" { "bottom" } else { "top" },
            e.bound,
            e.key
        );
    }
    eprintln!(
        "results in {}/ (fit.json, fit.csv, evaluations.csv, fitted/)",
        args.out.display()
    );
}
