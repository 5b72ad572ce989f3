//! `policysim compare-mechanisms` as a library call: the hypotheses and the observed
//! adoptions read, every rival fitted and forecast held out, and the folder written
//! whole through a staging folder.

use super::files::{mechanisms_csv, mechanisms_json, mechanisms_markdown};
use super::hypotheses::{read_hypotheses, Hypothesis};
use super::{compare, CompareOptions, Comparison, Rival};
use crate::forecast::evaluate::{split_year, TrainShare};
use crate::progress::Progress;
use policysim_charts::ChartOptions;
use policysim_io::observed::{read_observed, ObservedOptions};
use policysim_io::output::write_atomic;
use policysim_io::staging::{check_out_folder, interrupted_before_writing, write_staged};
use policysim_model::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// What `policysim compare-mechanisms` compares, and where it writes.
#[derive(Debug, Clone)]
pub struct StudyOptions {
    /// The hypotheses file (TOML, [`read_hypotheses`]).
    pub hypotheses: PathBuf,
    /// CSV of observed adoptions: one row per unit with its adoption year.
    pub observed: PathBuf,
    /// How to read the observed file.
    pub reading: ObservedOptions,
    /// The last training year of the held-out forecast.
    pub train_until: Option<i32>,
    /// Without `train_until`: train until this share of the eventual adopters had
    /// adopted (None: the default share).
    pub train_share: Option<TrainShare>,
    /// Runs per fit evaluation and of each forecast (at least 2).
    pub runs: u32,
    /// Fit evaluations per fit.
    pub budget: usize,
    /// The folder (replaced whole).
    pub out: PathBuf,
    /// Master seed of every hypothesis (None: the first hypothesis's scenario seed).
    pub seed: Option<u64>,
    /// Worker threads (None: all cores); results do not depend on it.
    pub threads: Option<usize>,
    /// The chart to draw (None: none).
    pub charts: Option<ChartOptions>,
    /// When set to true the comparison stops and nothing is written.
    pub cancel: Option<&'static AtomicBool>,
}

/// What a comparison found, with what the summary reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// What was compared: the policy, else the observed file's stem.
    pub name: String,
    /// The comparison.
    pub comparison: Comparison,
    /// Its options (the training years' end resolved).
    pub compare: CompareOptions,
    /// Seconds the comparison took (writing the files aside).
    pub seconds: f64,
}

/// Runs `policysim compare-mechanisms`: reads the hypotheses and the observed adoptions,
/// compares the rivals, and writes `mechanisms.csv`, `mechanisms.json`, `mechanisms.md`,
/// `mechanisms_curves.csv` and the chart into `options.out` (all or nothing). Warnings
/// and progress go to `progress`.
pub fn run(options: &StudyOptions, progress: &Progress) -> Result<Outcome> {
    policysim_io::threads::check_threads(options.threads)?;
    if options.runs < 2 {
        return Err(Error::Input("--runs must be at least 2".into()));
    }
    let hypotheses = read_hypotheses(&options.hypotheses)?;
    check_destination(&options.out)?;
    let seed = options.seed.unwrap_or(hypotheses[0].scenario.seed);
    policysim_io::provenance::note_seed(seed);
    let mut rivals = Vec::with_capacity(hypotheses.len());
    for h in hypotheses {
        let at = |e: Error| match e {
            Error::Input(m) => Error::Input(format!(
                "{}: hypothesis \"{}\" ({}): {m}",
                options.hypotheses.display(),
                h.name,
                h.scenario_path.display()
            )),
            e => e,
        };
        let scenario = super::seeded(h.scenario.clone(), seed, options.runs);
        policysim_io::limits::check_memory_holding(
            &scenario,
            policysim_io::machine::thread_count(options.threads),
            1,
        )
        .map_err(at)?;
        let prepared = policysim_io::scenario_files::prepare(&scenario).map_err(at)?;
        let free = crate::fit::check_free(&scenario, &h.free).map_err(at)?;
        let observed = read_observed(&options.observed, &prepared.network, &options.reading)?;
        for w in scenario.warnings.iter().chain(&prepared.network.warnings) {
            (progress.warning)(&format!("{}: {w}", h.name));
        }
        rivals.push(Rival {
            hypothesis: Hypothesis { scenario, ..h },
            network: prepared.network,
            observed,
            free,
        });
    }
    let train_until = match options.train_until {
        Some(y) => y,
        None => split_year(&rivals[0].observed, options.train_share.unwrap_or_default()).map_err(
            |why| {
                Error::input_in(
                    &options.observed,
                    format!(
                        "--train-share {}: {why}",
                        options.train_share.unwrap_or_default()
                    ),
                )
            },
        )?,
    };
    let opts = CompareOptions {
        train_until,
        runs: options.runs,
        budget: options.budget,
        seed,
        threads: options.threads,
        cancel: options.cancel,
    };
    super::check(&rivals, &opts).map_err(|e| match e {
        Error::Input(m) => Error::Input(format!("{}: {m}", options.hypotheses.display())),
        e => e,
    })?;
    for w in &rivals[0].observed.warnings {
        (progress.warning)(w);
    }
    let total = super::work_per_hypothesis(&opts) * rivals.len() as u64;
    (progress.plan)(
        total,
        &format!("evaluations and runs ({} hypotheses)", rivals.len()),
    );
    let started = std::time::Instant::now();
    let result = compare(&rivals, &opts, progress.tick);
    (progress.done)();
    let c = result.map_err(|e| {
        interrupted_before_writing(e, Some("the comparison did not finish"), &options.out)
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let name = match &options.reading.policy {
        Some(p) => p.clone(),
        None => options
            .observed
            .file_stem()
            .map_or("observed".into(), |s| s.to_string_lossy().into_owned()),
    };
    write_staged(&options.out, |out| {
        let w = |file: &str, text: &str| write_atomic(&out.join(file), text.as_bytes());
        w("mechanisms.csv", &mechanisms_csv(&rivals, &c))?;
        w(
            "mechanisms.json",
            &mechanisms_json(options, &rivals, &opts, &c),
        )?;
        w("mechanisms.md", &mechanisms_markdown(&c))?;
        w(
            super::saved::MECHANISMS_CURVES_CSV,
            &super::saved::mechanisms_curves_csv(&c),
        )?;
        // drawn from the files just written, as `plot` draws it
        if let Some(o) = &options.charts {
            super::chart::draw_mechanisms_chart(out, o)?;
        }
        if opts.cancel.is_some_and(|c| c.load(Ordering::SeqCst)) {
            return Err(Error::Interrupted(
                "the comparison finished, its files did not".into(),
            ));
        }
        Ok(())
    })?;
    Ok(Outcome {
        name,
        comparison: c,
        compare: opts,
        seconds,
    })
}

/// Refuses an output folder the comparison must not replace: only a new or empty folder
/// or an earlier comparison (`mechanisms.json`) qualify.
fn check_destination(out: &Path) -> Result<()> {
    if !check_out_folder(out, "results/mechanisms")? || out.join("mechanisms.json").is_file() {
        return Ok(());
    }
    Err(Error::Input(format!(
        "--out {}: the folder holds other files and no earlier comparison (mechanisms.json); choose another --out (a comparison replaces the whole folder)",
        out.display()
    )))
}
