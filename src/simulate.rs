//! The whole `policysim run` pipeline as a library call: scenario -> ensemble -> a
//! results folder that appears complete or not at all.
//!
//! Files are written into a hidden staging folder beside the destination; only when every
//! file is complete is the staging folder renamed into place (replacing earlier results of
//! the same scenario).

use crate::charts::{self, ChartOptions};
use crate::ensemble::{run_ensemble, EnsembleOptions, EnsembleResult};
use crate::error::{Error, Result};
use crate::observed::Observed;
use crate::output::{self, RUNS_HEADER};
use crate::run::Prepared;
use crate::scenario::Scenario;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Mutex;

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
}

/// The default results folder of a scenario: `results/<name>`.
pub fn default_out_dir(scenario: &Scenario) -> PathBuf {
    Path::new("results").join(&scenario.name)
}

/// Runs the scenario's ensemble and writes every output into `out_dir`.
///
/// `prepared` comes from [`crate::ensemble::prepare`] (the network drawn from the seed).
/// A scenario whose estimated memory exceeds what is available is refused
/// ([`crate::limits::check_memory`]) before anything is written.
pub fn simulate(
    scenario: &Scenario,
    prepared: &Prepared,
    out_dir: &Path,
    options: &SimulateOptions,
) -> Result<EnsembleResult> {
    let threads = crate::limits::thread_count(options.ensemble.threads);
    crate::limits::check_memory(scenario, threads)?;
    remove_stale_staging(out_dir);
    check_destination(scenario, out_dir, options.force)?;
    write_staged(out_dir, |staging| {
        let result = {
            let runs_path = staging.join("runs.csv");
            let file = std::fs::File::create(&runs_path).map_err(|e| Error::io(&runs_path, e))?;
            let mut runs_csv = BufWriter::new(file);
            writeln!(runs_csv, "{RUNS_HEADER}").map_err(|e| Error::io(&runs_path, e))?;
            let seed = scenario.seed;
            let mut on_run = |s: &crate::run::RunSummary| -> Result<()> {
                writeln!(runs_csv, "{}", output::runs_row(seed, s))
                    .map_err(|e| Error::io(&runs_path, e))
            };
            let mut result =
                run_ensemble(scenario, seed, prepared, &options.ensemble, &mut on_run)?;
            runs_csv.flush().map_err(|e| Error::io(&runs_path, e))?;
            if let Some(o) = options.observed {
                result.start_year = Some(o.start_year);
            }
            result
        };
        write_outputs(scenario, staging, &result, options.observed)?;
        if let Some(chart_options) = &options.charts {
            charts::draw_run_charts(staging, chart_options)?;
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

/// Writes a folder of results all at once: `write` fills a hidden staging folder beside
/// `out_dir`, which is renamed into place (replacing `out_dir`) only when `write`
/// succeeds; otherwise it is removed, with any parent folders created for it, and
/// `out_dir` is left as it was. A second Ctrl-C meanwhile removes it too
/// ([`remove_staging_now`]). The caller decides whether `out_dir` may be replaced.
pub fn write_staged<T>(out_dir: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    remove_stale_staging(out_dir);
    let existed = out_dir.exists();
    // Folders created for the destination are removed again when nothing is written.
    let mut created: Vec<PathBuf> = Vec::new();
    if let Some(parent) = out_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut missing = parent;
        while !missing.as_os_str().is_empty() && !missing.exists() {
            created.push(missing.to_path_buf());
            missing = missing.parent().unwrap_or(Path::new(""));
        }
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let remove_created = || {
        for dir in &created {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    };
    let staging = staging_dir(out_dir);
    if let Err(e) = std::fs::create_dir_all(&staging) {
        remove_created();
        return Err(Error::io(&staging, e));
    }
    let registered = StagingGuard::register(&staging);
    match write(&staging) {
        Ok(value) => {
            // From here on the staging folder holds complete results: a second Ctrl-C
            // must not delete it while it is being moved into place.
            drop(registered);
            if let Err(e) = publish(&staging, out_dir) {
                let _ = std::fs::remove_dir_all(&staging);
                remove_created();
                return Err(e);
            }
            Ok(value)
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            remove_created();
            Err(match e {
                Error::Interrupted(progress) => {
                    Error::Interrupted(interrupted_message(&progress, out_dir, existed))
                }
                e => e,
            })
        }
    }
}

/// What an interrupted run tells the user: nothing was written, and what `out_dir` holds.
fn interrupted_message(progress: &str, out_dir: &Path, existed: bool) -> String {
    let progress = if progress.is_empty() {
        String::new()
    } else {
        format!("{progress}; ")
    };
    if existed {
        format!(
            "{progress}no results written (previous results in {} are unchanged)",
            out_dir.display()
        )
    } else {
        format!(
            "{progress}no results written ({} was not created)",
            out_dir.display()
        )
    }
}

/// Writes the aggregated outputs (everything except `runs.csv`) into `dir`; with
/// observed adoptions also `observed.csv` and, when the runs start from the observed
/// first adopters, `initial.csv`, which the recorded `scenario.toml` names (so running
/// it again reproduces the results).
pub fn write_outputs(
    scenario: &Scenario,
    dir: &Path,
    result: &EnsembleResult,
    observed: Option<&Observed>,
) -> Result<()> {
    let w = |name: &str, text: &str| output::write_atomic(&dir.join(name), text.as_bytes());
    w("curves.csv", &output::curves_csv(result))?;
    w("hazard.csv", &output::hazard_csv(result))?;
    w(
        "summary.json",
        &output::summary_json(scenario, scenario.seed, result, observed),
    )?;
    let mut recorded = std::borrow::Cow::Borrowed(scenario);
    if let Some(o) = observed {
        w("observed.csv", &o.observed_csv())?;
        if !o.initial.is_empty() {
            w("initial.csv", &o.initial_csv())?;
            // relative: resolved against the folder of the recorded scenario.toml
            recorded.to_mut().initial = crate::scenario::Initial {
                file: Some(PathBuf::from("initial.csv")),
                ..Default::default()
            };
        }
    }
    w("scenario.toml", &recorded.to_toml())?;
    if let Some((nodes, edges)) = output::map_csv(result) {
        w("map.csv", &nodes)?;
        if let Some(edges) = edges {
            w("map_edges.csv", &edges)?;
        }
    }
    Ok(())
}

/// Refuses to replace a folder that is not an earlier result of the same scenario.
fn check_destination(scenario: &Scenario, out_dir: &Path, force: bool) -> Result<()> {
    if !check_out_folder(out_dir, &format!("results/{}", scenario.name))? {
        return Ok(());
    }
    let previous = std::fs::read_to_string(out_dir.join("scenario.toml")).ok();
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

/// The checks of an `--out` folder that [`write_staged`] would replace: it can be renamed
/// (not `.`, `..` or `/`, which would also delete far more than results), it is not a
/// file, and it is not the current folder or one containing it. Returns whether it
/// exists with something in it; the caller then decides whether that may be replaced.
pub fn check_out_folder(out_dir: &Path, example: &str) -> Result<bool> {
    if out_dir.file_name().is_none() {
        return Err(Error::Input(format!(
            "--out {}: not a folder policysim can write results into; give a new or results folder such as {example}",
            out_dir.display(),
        )));
    }
    if !out_dir.exists() {
        return Ok(false);
    }
    if !out_dir.is_dir() {
        return Err(Error::Input(format!(
            "{}: exists and is not a folder",
            out_dir.display()
        )));
    }
    if let (Ok(dir), Ok(cwd)) = (out_dir.canonicalize(), std::env::current_dir()) {
        if cwd.starts_with(&dir) {
            return Err(Error::Input(format!(
                "--out {}: is the current folder or contains it; choose another --out",
                out_dir.display()
            )));
        }
    }
    let empty = std::fs::read_dir(out_dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    Ok(!empty)
}

/// The staging folder being written, for [`remove_staging_now`].
static CURRENT_STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Registers a staging folder for the duration of a simulation.
struct StagingGuard;

impl StagingGuard {
    fn register(staging: &Path) -> StagingGuard {
        if let Ok(mut current) = CURRENT_STAGING.lock() {
            *current = Some(staging.to_path_buf());
        }
        StagingGuard
    }
}

impl Drop for StagingGuard {
    fn drop(&mut self) {
        if let Ok(mut current) = CURRENT_STAGING.lock() {
            *current = None;
        }
    }
}

/// Removes the staging folder of the simulation under way, if any (best effort).
///
/// For a signal handler that is about to exit the process without waiting for the run.
pub fn remove_staging_now() {
    let staging = match CURRENT_STAGING.try_lock() {
        Ok(current) => current.clone(),
        Err(_) => None,
    };
    if let Some(staging) = staging {
        let _ = std::fs::remove_dir_all(&staging);
    }
}

/// Removes staging folders of `out_dir` left by policysim processes that no longer run
/// (killed with SIGKILL or by the OOM killer). Only on systems with `/proc`.
fn remove_stale_staging(out_dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Some(name) = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return;
    };
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}.partial-");
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let pid = rest.strip_suffix(".old").unwrap_or(rest);
        if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if !Path::new("/proc").join(pid).exists() {
            // A process killed between the two renames of `publish` left the previous
            // results only in its `.old` folder: put them back.
            if rest.ends_with(".old") && !out_dir.exists() {
                let _ = std::fs::rename(entry.path(), out_dir);
            } else {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// The hidden staging folder beside `out_dir`.
fn staging_dir(out_dir: &Path) -> PathBuf {
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into());
    out_dir.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Moves the finished staging folder into place, replacing earlier results.
fn publish(staging: &Path, out_dir: &Path) -> Result<()> {
    if out_dir.exists() {
        let mut old_name = staging.file_name().unwrap_or_default().to_os_string();
        old_name.push(".old");
        let old = staging.with_file_name(old_name);
        std::fs::rename(out_dir, &old).map_err(|e| Error::io(out_dir, e))?;
        std::fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e))?;
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e))?;
    }
    Ok(())
}
