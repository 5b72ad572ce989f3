//! `policysim fit` as a library call: the scenario and the observed adoptions read, the
//! free keys fitted (to one policy, or pooled to several), and the fit's folder written
//! whole through a staging folder.

use super::files::{evaluations_csv, fit_csv, fit_json, write_fitted};
use super::pooled::PooledFit;
use super::{fit, FitOptions, FitResult, FreeParam, Objective};
use crate::progress::Progress;
use policysim_charts::{self as charts, ChartOptions};
use policysim_io::observed::{read_observed, Observed, ObservedOptions};
use policysim_io::output::write_atomic;
use policysim_io::staging::{check_out_folder, interrupted_before_writing, write_staged};
use policysim_model::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What `policysim fit` fits, and where it writes.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// CSV of observed adoptions: one row per unit with its adoption year.
    pub observed: PathBuf,
    /// How to read the observed file (a policy `a,b,c` names a pooled fit's policies).
    pub reading: ObservedOptions,
    /// Fit the free keys, shared, to every policy of the observed file (pooled).
    pub all_policies: bool,
    /// The free keys and their search boxes.
    pub free: Vec<FreeParam>,
    /// Runs per evaluation (the same seeds every time: common random numbers).
    pub runs: u32,
    /// Evaluations planned (design + optimiser + the first ABC batch).
    pub budget: usize,
    /// The most evaluations in all (None: twice `budget`).
    pub max_evaluations: Option<usize>,
    /// What is minimised.
    pub objective: Objective,
    /// The fit's folder (replaced whole).
    pub out: PathBuf,
    /// Replace a folder that holds results of `policysim run`.
    pub force: bool,
    /// Master seed in place of the scenario's.
    pub seed: Option<u64>,
    /// Worker threads (None: all cores); results do not depend on it.
    pub threads: Option<usize>,
    /// Charts to draw (None: none).
    pub charts: Option<ChartOptions>,
    /// When set to true the fit stops and nothing is written.
    pub cancel: Option<&'static AtomicBool>,
}

/// What a fit found, with what the summary reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The scenario's name.
    pub scenario: String,
    /// The options of the search (free keys checked, the cap on evaluations).
    pub fit: FitOptions,
    /// Seconds the search took (writing the files aside).
    pub seconds: f64,
    /// The fit to one policy, or the pooled fit.
    pub fitted: Fitted,
}

/// A fit to one policy or a pooled fit.
#[derive(Debug, Clone)]
pub enum Fitted {
    /// A fit to one policy (or to the whole file).
    One(Box<FitResult>),
    /// A fit of shared values to several policies.
    Pooled(Box<PooledFit>),
}

/// Runs `policysim fit`: reads the scenario and the observed adoptions, fits, and writes
/// `fit.json`, `fit.csv`, `evaluations.csv`, the chart and `fitted/` into `options.out`
/// (all or nothing). Warnings and progress go to `progress`.
pub fn run(options: &StudyOptions, progress: &Progress) -> Result<Outcome> {
    // `--seed` is checked by the caller's parser ([`policysim_model::rng::parse_seed`])
    policysim_io::threads::check_threads(options.threads)?;
    let mut scenario = policysim_io::scenario_files::load_scenario(&options.scenario)?;
    if let Some(s) = options.seed {
        scenario.seed = s;
    }
    scenario.runs = options.runs.max(1);
    policysim_io::provenance::note_seed(scenario.seed);
    check_fit_destination(&options.out, options.force)?;
    policysim_io::limits::check_memory_holding(
        &scenario,
        policysim_io::machine::thread_count(options.threads),
        1,
    )?;
    let prepared = policysim_io::scenario_files::prepare(&scenario)?;
    for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
        (progress.warning)(w);
    }
    if let Some(w) = policysim_io::observed::comparison_warning(&scenario) {
        (progress.warning)(w);
    }
    if let Some(policies) = super::pooled_study::pooled_policies(options)? {
        return super::pooled_study::run(
            options,
            &scenario,
            &prepared.network,
            &policies,
            progress,
        );
    }
    let observed = read_observed(&options.observed, &prepared.network, &options.reading)?;
    for w in &observed.warnings {
        (progress.warning)(w);
    }
    let opts = search_options(options, &scenario)?;
    (progress.plan)(options.budget as u64, "evaluations");
    let started = std::time::Instant::now();
    let result = fit(
        &scenario,
        &prepared.network,
        &observed,
        &opts,
        progress.tick,
    );
    (progress.done)();
    let result = result.map_err(|e| interrupted_before_writing(e, None, &options.out))?;
    let seconds = started.elapsed().as_secs_f64();
    write_fit(options, &opts, &observed, &result)?;
    Ok(Outcome {
        scenario: scenario.name.clone(),
        fit: opts,
        seconds,
        fitted: Fitted::One(Box::new(result)),
    })
}

/// The search's options: the free keys checked against the scenario, the cap on
/// evaluations by default twice the budget.
pub(super) fn search_options(
    options: &StudyOptions,
    scenario: &policysim_model::scenario::Scenario,
) -> Result<FitOptions> {
    Ok(FitOptions {
        free: super::check_free(scenario, &options.free)?,
        runs: options.runs,
        budget: options.budget,
        max_evaluations: options
            .max_evaluations
            .unwrap_or(options.budget.saturating_mul(2)),
        objective: options.objective,
        seed: scenario.seed,
        threads: options.threads,
        cancel: options.cancel,
    })
}

/// The warning when the cap on evaluations was reached with too few ABC samples
/// accepted for an ABC interval (None when the interval is one).
pub fn too_few_accepted(r: &FitResult, max_evaluations: usize) -> Option<String> {
    (!r.interval_from_abc).then(|| {
        format!(
            "only {} ABC {} accepted in {} ABC evaluations ({} evaluations in all, the cap of --max-evaluations {max_evaluations}); an ABC 5–95% interval needs at least {}, so the interval is the min–max of the points within the tolerance, a rougher range that is not calibrated: raise --max-evaluations (or --budget), or narrow the --free box around the accepted points (evaluations.csv)",
            r.accepted,
            if r.accepted == 1 { "sample was" } else { "samples were" },
            r.abc_evaluations,
            r.evaluations.len(),
            super::abc::MIN_ACCEPTED
        )
    })
}

/// What the printed interval is: the weighted ABC 5–95% range of N accepted samples, or
/// (with fewer than [`super::abc::MIN_ACCEPTED`]) the min–max of every point within
/// the tolerance.
pub fn interval_meaning(r: &FitResult) -> String {
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
pub fn interval_edge(best: f64, low: f64, high: f64) -> Option<&'static str> {
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

/// Refuses an output folder a fit must not replace. The fit replaces the folder as a
/// whole (through a staging folder), so only a new or empty folder or an earlier fit
/// (`fit.json`) qualify, and with `--force` earlier results of `policysim run`; never a
/// folder of other files, so that a typo in `--out` cannot delete someone's work.
fn check_fit_destination(out: &Path, force: bool) -> Result<()> {
    if !check_out_folder(out, "results/fit")? || out.join("fit.json").is_file() {
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

fn write_fit(
    options: &StudyOptions,
    opts: &FitOptions,
    observed: &Observed,
    r: &FitResult,
) -> Result<()> {
    let charts = options.charts.as_ref();
    // every file goes into a staging folder that replaces --out only when complete
    write_staged(&options.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("fit.json", &fit_json(options, opts, observed, r))?;
        w("fit.csv", &fit_csv(r))?;
        w("evaluations.csv", &evaluations_csv(opts, r))?;
        write_fitted(&out.join("fitted"), observed, r, charts)?;
        if let Some(c) = charts {
            let chart = super::chart::FitChart {
                fit: r,
                name: {
                    let s = &r.scenario;
                    let heading =
                        charts::title::Heading::new(&s.name, &s.description, &s.description_zh);
                    match &options.reading.policy {
                        Some(p) => heading.with_suffix(&format!(" · {p}")),
                        None => heading,
                    }
                },
            };
            charts::save_figure(&chart, out, "fit", c)?;
        }
        // a signal while the files were written still means "do not publish"
        if opts.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Err(Error::Interrupted(format!(
                "all {} evaluations finished",
                r.evaluations.len()
            )));
        }
        Ok(())
    })
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
