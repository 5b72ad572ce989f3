//! The whole `policysim run` pipeline as a library call: scenario -> ensemble -> a
//! results folder that appears complete or not at all.
//!
//! Files are written into a hidden staging folder beside the destination; only when every
//! file is complete is the staging folder renamed into place (replacing earlier results of
//! the same scenario).

use policysim_charts::{self as charts, ChartOptions};
use policysim_io::events;
use policysim_io::observed::Observed;
use policysim_io::output;
use policysim_io::parquet_table::{self, TableFormat};
use policysim_io::results_folder::write_outputs;
use policysim_model::ensemble::{run_ensemble, EnsembleOptions, EnsembleResult};
use policysim_model::error::{Error, Result};
use policysim_model::run::Prepared;
use policysim_model::scenario::Scenario;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use policysim_io::staging::remove_stale_staging;
pub use policysim_io::staging::{check_out_folder, remove_staging_now, write_staged};

/// Applies `--runs`, `--seed` and `--steps` (each overrides the scenario's key) and checks
/// them and `--threads`: the options that `run`, `sweep` and `sensitivity` share.
pub fn apply_run_options(
    scenario: &mut Scenario,
    runs: Option<u32>,
    seed: Option<u64>,
    steps: Option<u32>,
    threads: Option<usize>,
) -> Result<()> {
    if let Some(r) = runs {
        scenario.runs = r;
    }
    if let Some(s) = seed {
        scenario.seed = s;
    }
    if let Some(t) = steps {
        scenario.steps = t;
    }
    if scenario.runs == 0 || scenario.steps == 0 {
        return Err(Error::Input("--runs and --steps must be at least 1".into()));
    }
    policysim_io::provenance::note_seed(scenario.seed);
    policysim_io::threads::check_threads(threads)
}

/// Options of a simulation beyond the scenario itself.
#[derive(Default)]
pub struct SimulateOptions<'a> {
    /// Ensemble options (threads, progress, cancellation).
    pub ensemble: EnsembleOptions<'a>,
    /// Charts to draw (None = no charts).
    pub charts: Option<ChartOptions>,
    /// Replace an existing folder even if it holds results of another scenario.
    pub force: bool,
    /// Observed adoptions the runs start from ([`Observed::start_from`]): charts show
    /// calendar years and the observed share; `observed.csv` and `initial.csv` are
    /// written, and `summary.json` says how far the simulated mean is from them.
    pub observed: Option<&'a Observed>,
    /// What `--precision` reached (written as `precision` into `summary.json`).
    pub precision: Option<serde_json::Value>,
    /// How `runs`, `curves`, `hazard` and `events` are written (CSV, Parquet or both).
    pub table_format: TableFormat,
}

/// The tables `--table-format` writes as Parquet (the folder's other files stay CSV).
pub const TABLES: [&str; 4] = ["runs.csv", "curves.csv", "hazard.csv", "events.csv"];

/// The default results folder of a scenario: `results/<name>`.
pub fn default_out_dir(scenario: &Scenario) -> PathBuf {
    Path::new("results").join(&scenario.name)
}

/// Runs the scenario's ensemble and writes every output into `out_dir`
/// (`events.csv` as well when `prepared.record_events` is set).
///
/// `prepared` comes from [`policysim_io::scenario_files::prepare`] (the network drawn from the seed).
/// A scenario whose estimated memory exceeds what is available is refused
/// ([`policysim_io::limits::check_memory`]) before anything is written.
pub fn simulate(
    scenario: &Scenario,
    prepared: &Prepared,
    out_dir: &Path,
    options: &SimulateOptions,
) -> Result<EnsembleResult> {
    let threads = policysim_io::machine::thread_count(options.ensemble.threads);
    if prepared.record_events {
        policysim_io::limits::check_memory_with_events(scenario, threads)?;
    } else {
        policysim_io::limits::check_memory(scenario, threads)?;
    }
    remove_stale_staging(out_dir);
    check_destination(scenario, out_dir, options.force)?;
    write_staged(out_dir, |staging| {
        let result = {
            let runs_path = staging.join("runs.csv");
            let file = std::fs::File::create(&runs_path).map_err(|e| Error::io(&runs_path, e))?;
            let mut runs_csv = BufWriter::new(file);
            writeln!(runs_csv, "{}", output::runs_header(scenario))
                .map_err(|e| Error::io(&runs_path, e))?;
            let rounds_path = staging.join("rounds.csv");
            let mut rounds_csv = if output::writes_rounds(scenario) {
                let file =
                    std::fs::File::create(&rounds_path).map_err(|e| Error::io(&rounds_path, e))?;
                let mut w = BufWriter::new(file);
                writeln!(w, "{}", output::ROUNDS_HEADER).map_err(|e| Error::io(&rounds_path, e))?;
                Some(w)
            } else {
                None
            };
            let centres_path = staging.join("centres.csv");
            let mut centres_csv = if output::reports_centres(scenario) {
                let file = std::fs::File::create(&centres_path)
                    .map_err(|e| Error::io(&centres_path, e))?;
                let mut w = BufWriter::new(file);
                writeln!(w, "{}", output::CENTRES_HEADER)
                    .map_err(|e| Error::io(&centres_path, e))?;
                Some(w)
            } else {
                None
            };
            let events_path = staging.join("events.csv");
            let mut events_csv = if prepared.record_events {
                let file =
                    std::fs::File::create(&events_path).map_err(|e| Error::io(&events_path, e))?;
                let mut w = BufWriter::new(file);
                writeln!(w, "{}", events::EVENTS_HEADER).map_err(|e| Error::io(&events_path, e))?;
                Some(w)
            } else {
                None
            };
            let start_year = options.observed.map(|o| o.start_year);
            let classic = prepared.classic.is_some();
            let network = &prepared.network;
            let seed = scenario.seed;
            let mut on_run = |s: &policysim_model::run::RunSummary| -> Result<()> {
                let extra = output::optional_cells(scenario, s);
                writeln!(runs_csv, "{}{extra}", output::runs_row(seed, s))
                    .map_err(|e| Error::io(&runs_path, e))?;
                if let Some(w) = rounds_csv.as_mut() {
                    w.write_all(output::rounds_rows(scenario, network, s).as_bytes())
                        .map_err(|e| Error::io(&rounds_path, e))?;
                }
                if let Some(w) = centres_csv.as_mut() {
                    w.write_all(output::centres_rows(network, s).as_bytes())
                        .map_err(|e| Error::io(&centres_path, e))?;
                }
                if let Some(w) = events_csv.as_mut() {
                    w.write_all(events::events_rows(network, start_year, classic, s).as_bytes())
                        .map_err(|e| Error::io(&events_path, e))?;
                }
                Ok(())
            };
            let mut result =
                run_ensemble(scenario, seed, prepared, &options.ensemble, &mut on_run)?;
            runs_csv.flush().map_err(|e| Error::io(&runs_path, e))?;
            if let Some(w) = rounds_csv.as_mut() {
                w.flush().map_err(|e| Error::io(&rounds_path, e))?;
            }
            if let Some(w) = centres_csv.as_mut() {
                w.flush().map_err(|e| Error::io(&centres_path, e))?;
            }
            if let Some(w) = events_csv.as_mut() {
                w.flush().map_err(|e| Error::io(&events_path, e))?;
            }
            if let Some(o) = options.observed {
                result.start_year = Some(o.start_year);
            }
            result
        };
        write_outputs(scenario, staging, &result, options.observed)?;
        if let Some(p) = &options.precision {
            add_to_summary(staging, "precision", p.clone())?;
        }
        if let Some(chart_options) = &options.charts {
            charts::draw_run_charts(staging, chart_options)?;
        }
        // the charts read the CSV tables: Parquet is made from them, in the staging folder
        for name in TABLES {
            let path = staging.join(name);
            if path.is_file() {
                parquet_table::convert_file(&path, options.table_format)?;
            }
        }
        // A signal that arrived after the last run still means "do not publish".
        if options
            .ensemble
            .cancel
            .is_some_and(|c| c.load(Ordering::SeqCst))
        {
            return Err(Error::Interrupted(format!(
                "{} runs finished",
                scenario.runs
            )));
        }
        Ok(result)
    })
}

/// Adds `key: value` to the `summary.json` written in `dir`.
fn add_to_summary(dir: &Path, key: &str, value: serde_json::Value) -> Result<()> {
    let path = dir.join("summary.json");
    let text = policysim_io::capped_read::read_folder_text(&path)?;
    let mut v: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Failure(format!("{}: {e}", path.display())))?;
    v[key] = value;
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
}

/// Refuses to replace a folder that is not an earlier result of the same scenario.
fn check_destination(scenario: &Scenario, out_dir: &Path, force: bool) -> Result<()> {
    if !check_out_folder(out_dir, &format!("results/{}", scenario.name))? {
        return Ok(());
    }
    let previous = policysim_io::capped_read::read_folder_text(&out_dir.join("scenario.toml")).ok();
    let previous_name = previous
        .as_deref()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("name").and_then(|v| v.as_str().map(str::to_string)));
    match previous_name {
        Some(name) if name == scenario.name || force => Ok(()),
        Some(name) => Err(Error::Input(format!(
            "{}: holds results of scenario \"{name}\", not \"{}\"; choose another --out or pass --force to replace them",
            out_dir.display(),
            scenario.name
        ))),
        // Results whose scenario.toml is damaged may be replaced with --force; other
        // folders never are (a mistyped --out must not delete someone's files).
        None if force && out_dir.join("summary.json").is_file() => Ok(()),
        None => Err(Error::Input(format!(
            "{}: exists and does not hold policysim results (no scenario.toml); choose another --out (policysim replaces only results folders, even with --force)",
            out_dir.display()
        ))),
    }
}
