//! Running a sweep point by point into an output folder that survives interruptions, and
//! merging the folders of shards.
//!
//! Layout of a sweep folder:
//! - `sweep.toml`: the resolved base scenario and the `[sweep]` section (re-runnable);
//! - `sweep.json`: what was swept, the sweep's fingerprint (`sweep_id`), the shard, labels;
//! - `points/<index>/point.json`: one finished point (its fingerprint and its `sweep.csv`
//!   row), written atomically after the point's `curves.csv` and `runs.csv` (with
//!   `--keep-points`); its presence marks the point as done;
//! - `sweep.csv`: written when every point (of the shard) is done, rows in point order.

use super::integrity::{
    changed_data_file, check_point, clear_sweep, data_hashes, data_paths, data_text, fingerprint,
    list_paths, recorded_hashes, RowRules, POINTS, POINT_JSON, UNREADABLE,
};
use super::row::{extra_figures, sweep_header, sweep_row};
use super::{value_text, Sweep};
use policysim_io::atomic_file::{write_atomic_unsynced, AtomicFile, Durability};
use policysim_io::observed::Observed;
use policysim_io::output::{self, write_atomic};
use policysim_io::scenario_files::prepare;
use policysim_model::ensemble::{run_ensemble, EnsembleOptions};
use policysim_model::error::{Error, Result};
use policysim_model::scenario::Scenario;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The table of a sweep: one row per point.
pub const SWEEP_CSV: &str = "sweep.csv";
/// The table of a sweep as Parquet (`--table-format parquet|both`).
pub const SWEEP_PARQUET: &str = "sweep.parquet";
/// What was swept and its fingerprint.
pub const SWEEP_JSON: &str = "sweep.json";
/// The resolved base scenario with its `[sweep]` section.
pub const SWEEP_TOML: &str = "sweep.toml";

/// One of n slices of a sweep: the points whose index mod `count` is `index - 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1-based shard number.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl Shard {
    /// Parses `i/n` (1 <= i <= n).
    pub fn parse(s: &str) -> Result<Shard> {
        let bad = || {
            Error::Input(format!(
                "--shard `{s}`: expected i/n with 1 <= i <= n, e.g. 2/8 (the second of 8 shards)"
            ))
        };
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = i.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// True when point `point` belongs to this shard.
    pub fn contains(&self, point: u64) -> bool {
        point % self.count == self.index - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// A point's event history, under `points/<i>/` (`--record events`).
pub(super) const EVENTS_CSV: &str = "events.csv";

/// How to run a sweep (all optional).
#[derive(Default)]
pub struct SweepOptions<'a> {
    /// Worker threads per ensemble (None = all cores).
    pub threads: Option<usize>,
    /// Called with 1 each time a run finishes.
    pub progress: Option<&'a (dyn Fn(u64) + Sync)>,
    /// Called once before the work starts with the number of runs still to do.
    pub on_plan: Option<&'a dyn Fn(u64)>,
    /// Run only this shard's points.
    pub shard: Option<Shard>,
    /// Keep each point's `curves.csv` and `runs.csv`.
    pub keep_points: bool,
    /// Start afresh in a folder that holds another sweep (its sweep files are removed).
    pub force: bool,
    /// Stop after computing this many points (to test resuming; the rest stays pending).
    pub max_points: Option<usize>,
    /// When set to true the sweep stops between runs; finished points stay on disk and a
    /// re-run of the same command resumes from them.
    pub cancel: Option<&'a std::sync::atomic::AtomicBool>,
    /// Observed adoptions every point starts from and is compared with: `sweep.csv` gets
    /// an `observed_rmse` column. The base scenario must already span the observed years
    /// ([`Observed::apply`]).
    pub observed: Option<&'a Observed>,
    /// The policy of the observed adoptions (`--policy`), recorded in `sweep.json` as
    /// `observed_policy` so that the chart of `observed_rmse` names it.
    pub observed_policy: Option<&'a str>,
    /// The point every point is compared with (`--baseline`, see [`super::baseline`]):
    /// points keep `runs.csv`, and a whole sweep's `sweep.csv` gets difference columns.
    pub baseline: Option<usize>,
    /// What `--precision` reached (written as `precision` into `sweep.json`).
    pub precision: Option<Value>,
    /// Write each point's event history (`points/<i>/events.csv`, `--record events`),
    /// streamed as its runs finish.
    pub record_events: bool,
    /// With Parquet, also `sweep.parquet` and one Parquet file per kept point table.
    pub table_format: policysim_io::parquet_table::TableFormat,
}

/// What a call of [`run_sweep`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepReport {
    /// Points in the whole sweep.
    pub points: usize,
    /// Points in this shard (all points without a shard).
    pub in_shard: usize,
    /// Points computed by this call.
    pub computed: usize,
    /// Points found done and verified (resumed).
    pub skipped: usize,
    /// True when every point of the shard is done and `sweep.csv` is written.
    pub complete: bool,
    /// Files `--force` left in the folder because policysim did not write them (relative).
    pub kept: Vec<PathBuf>,
}

/// TOML text without comment lines (the resolved scenario's header names local folders).
fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The text the sweep's fingerprint is computed from: version, base scenario, keys and
/// values, common random numbers or independent points (`crn`), the observed adoptions the points are compared with, and the contents'
/// fingerprints of the data files the points read.
fn identity_text(
    base: &Scenario,
    sweep: &Sweep,
    observed: Option<&Observed>,
    data: &BTreeMap<String, String>,
) -> String {
    // what a point computes: chart labels and colours do not change its results
    let bare = Sweep {
        labels: Vec::new(),
        axis_labels: Vec::new(),
        color_range: None,
        ..sweep.clone()
    };
    let mut text = format!(
        "policysim {}\n{}\n{}",
        env!("CARGO_PKG_VERSION"),
        without_comments(&base.to_toml()),
        bare.to_toml()
    );
    if let Some(o) = observed {
        let _ = write!(
            text,
            "\nobserved\n{}initial {:?}\n",
            o.observed_csv(),
            o.initial
        );
    }
    if !data.is_empty() {
        text.push('\n');
        text.push_str(&data_text(data));
    }
    text
}

/// The folder of point `index`.
pub(super) fn point_dir(out: &Path, index: usize) -> PathBuf {
    out.join(POINTS).join(index.to_string())
}

/// Reads a JSON file (None when absent or unreadable).
pub(super) fn read_json(path: &Path) -> Option<Value> {
    let text = policysim_io::capped_read::read_folder_text(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// The first line where two TOML texts differ, named by its table: for messages.
pub(super) fn first_difference(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().filter(|l| !l.starts_with('#')).collect();
    let new_lines: Vec<&str> = new.lines().filter(|l| !l.starts_with('#')).collect();
    let mut table = String::new();
    for i in 0..old_lines.len().max(new_lines.len()) {
        let (a, b) = (
            old_lines.get(i).copied().unwrap_or(""),
            new_lines.get(i).copied().unwrap_or(""),
        );
        if a != b {
            let place = if table.is_empty() {
                String::new()
            } else {
                format!("in {table}: ")
            };
            return format!("{place}`{a}` then, `{b}` now");
        }
        if a.starts_with('[') {
            table = a.to_string();
        }
    }
    "the version of policysim differs".into()
}

/// Runs the sweep's points (or one shard's) into `out`, resuming finished points.
///
/// Every point is written atomically as soon as it is done; a re-run with the same
/// scenario, sweep and seed skips the points found done, and refuses (unless
/// `force`) a folder that holds a different sweep. `sweep.csv` is written when every point
/// of the shard is done.
pub fn run_sweep(
    base: &Scenario,
    sweep: &Sweep,
    out: &Path,
    options: &SweepOptions,
) -> Result<SweepReport> {
    sweep.check()?;
    if options.observed.is_some() {
        if let Some(key) = sweep.keys.iter().find(|k| k.starts_with("initial.")) {
            return Err(Error::Input(format!(
                "sweep key `{key}`: with observed adoptions every point starts from their first adopters, so [initial] is not used; sweep another key"
            )));
        }
    }
    let n = sweep.len();
    // Resolve every point first: a bad combination is reported before any work starts.
    let mut scenarios = Vec::with_capacity(n);
    let threads = policysim_io::machine::thread_count(options.threads);
    for i in 0..n {
        let point = sweep.point_scenario(base, i)?;
        if options.record_events {
            policysim_io::limits::check_memory_with_events(&point, threads)
        } else {
            policysim_io::limits::check_memory(&point, threads)
        }
        .map_err(|e| Error::Input(format!("point {i}: {e}")))?;
        if options.observed.is_some() {
            Observed::check_scenario(&point)
                .map_err(|e| Error::Input(format!("point {i}: {e}")))?;
        }
        scenarios.push(point);
    }
    // observed adoptions were matched to one network: a point whose swept network keys
    // change the number of governments is refused before any point runs
    if let Some(o) = options.observed {
        if sweep.keys.iter().any(|k| k.starts_with("network.")) {
            for (i, point) in scenarios.iter().enumerate() {
                let n = prepare(point)?.network.n;
                if n != o.n() {
                    return Err(Error::Input(format!(
                        "point {i}: the network has {n} units but the observed adoptions were matched to {}",
                        o.n()
                    )));
                }
            }
        }
    }
    // the contents of the data files are part of the sweep: a changed edge list is
    // another sweep, never mixed into the results of the first
    let data = data_hashes(&scenarios);
    // a data file that cannot be read (missing, over the cap, a pipe with nothing in it)
    // is reported as `run` reports it, before the sweep's folder is made
    if data.values().any(|h| h == UNREADABLE) {
        for point in &scenarios {
            prepare(point)?;
        }
    }
    let identity = identity_text(base, sweep, options.observed, &data);
    let sweep_id = fingerprint(&identity);
    // with observed adoptions the recorded scenario names their first adopters, written
    // beside it (a relative path, resolved against the sweep folder)
    let mut recorded = std::borrow::Cow::Borrowed(base);
    if options.observed.is_some_and(|o| !o.initial.is_empty()) {
        recorded.to_mut().initial = policysim_model::scenario::Initial {
            file: Some(PathBuf::from("initial.csv")),
            ..Default::default()
        };
    }
    let sweep_toml = format!("{}\n\n{}", recorded.to_toml(), sweep.to_toml());
    let kept = prepare_folder(out, &sweep_id, &sweep_toml, &data, options.force)?;
    let extra = extra_figures(&scenarios);
    let header = sweep_header(&sweep.keys, options.observed.is_some(), &extra);
    let mut meta = sweep_json(base, sweep, &sweep_id, &header, options.shard, &data);
    if let Some(b) = options.baseline {
        meta["baseline"] = super::baseline::json(sweep, Some(b));
    }
    if let Some(p) = &options.precision {
        meta["precision"] = p.clone();
    }
    if let (Some(_), Some(policy)) = (options.observed, options.observed_policy) {
        meta["observed_policy"] = json!(policy);
    }
    let mut meta = serde_json::to_string_pretty(&meta).unwrap_or_default();
    meta.push('\n');
    write_atomic(&out.join(SWEEP_TOML), sweep_toml.as_bytes())?;
    write_atomic(&out.join(SWEEP_JSON), meta.as_bytes())?;
    if let Some(o) = options.observed {
        write_atomic(&out.join("observed.csv"), o.observed_csv().as_bytes())?;
        if !o.initial.is_empty() {
            write_atomic(&out.join("initial.csv"), o.initial_csv().as_bytes())?;
        }
    }

    let mine: Vec<usize> = (0..n)
        .filter(|&i| options.shard.is_none_or(|s| s.contains(i as u64)))
        .collect();
    let mut rows: BTreeMap<usize, String> = BTreeMap::new();
    let mut pending = Vec::new();
    let fields = header.split(',').count();
    for &i in &mine {
        let ps = &scenarios[i];
        let seed = sweep.point_seed(base.seed, i);
        let fp = point_fingerprint(ps, seed, &data);
        let dir = point_dir(out, i);
        let path = dir.join(POINT_JSON);
        let Some(p) = read_json(&path) else {
            // absent, or not complete JSON (a point killed while written): computed again
            pending.push(i);
            continue;
        };
        let found = p.get("fingerprint").and_then(Value::as_str).unwrap_or("");
        if found != fp {
            return Err(Error::Input(format!(
                "{}: point {i} was computed from a different scenario, seed or data file (fingerprint {found}, expected {fp}); \
                 choose another --out, or pass --force to discard the old results",
                dir.display()
            )));
        }
        let values: Vec<String> = sweep.point(i).iter().map(value_text).collect();
        let rules = RowRules {
            fields,
            values: &values,
            seed,
            runs: u64::from(ps.runs),
        };
        let row = check_point(&path, &p, i, &sweep_id, &rules)?;
        let nonempty =
            |f: &str| std::fs::metadata(dir.join(f)).is_ok_and(|m| m.is_file() && m.len() > 0);
        let runs_kept = options.keep_points || options.baseline.is_some();
        if (!options.keep_points || nonempty("curves.csv"))
            && (!runs_kept || nonempty("runs.csv"))
            && (!options.record_events || nonempty(EVENTS_CSV))
        {
            rows.insert(i, row);
        } else {
            pending.push(i);
        }
    }
    let skipped = rows.len();
    let todo = match options.max_points {
        Some(k) => pending.len().min(k),
        None => pending.len(),
    };
    if let Some(plan) = options.on_plan {
        plan(todo as u64 * u64::from(base.runs));
    }
    for &i in pending.iter().take(todo) {
        let row = run_point(
            base,
            sweep,
            &sweep_id,
            &data,
            &scenarios[i],
            i,
            out,
            options,
            &extra,
        )?;
        rows.insert(i, row);
    }
    let complete = rows.len() == mine.len();
    if complete {
        let whole = options.shard.is_none_or(|s| s.count == 1);
        let csv = match options.baseline {
            Some(b) if whole => {
                let steps = |i: usize| Ok(scenarios[i].steps);
                super::baseline::sweep_csv(&header, &rows, &|i| point_dir(out, i), &steps, b)?
            }
            _ => {
                let mut csv = header;
                csv.push('\n');
                for row in rows.values() {
                    csv.push_str(row);
                    csv.push('\n');
                }
                csv
            }
        };
        write_atomic(&out.join(SWEEP_CSV), csv.as_bytes())?;
        if options.table_format.parquet() {
            super::tables::write_parquet_tables(out, &csv, &mine)?;
        }
    }
    Ok(SweepReport {
        points: n,
        in_shard: mine.len(),
        computed: todo,
        skipped,
        complete,
        kept,
    })
}

/// The fingerprint of one point: its resolved scenario, its seed and the contents of the
/// data files it reads (`data`: every data file of the sweep, path -> hash).
fn point_fingerprint(point: &Scenario, seed: u64, data: &BTreeMap<String, String>) -> String {
    let mut text = format!(
        "policysim {}\n{}\npoint_seed = {seed}\n",
        env!("CARGO_PKG_VERSION"),
        without_comments(&point.to_toml())
    );
    let mine: BTreeMap<String, String> = data_paths(point)
        .into_iter()
        .filter_map(|p| {
            let key = p.display().to_string();
            data.get(&key).map(|h| (key, h.clone()))
        })
        .collect();
    text.push_str(&data_text(&mine));
    fingerprint(&text)
}

/// Runs one point's ensemble and writes its files; returns its `sweep.csv` row.
#[allow(clippy::too_many_arguments)]
fn run_point(
    base: &Scenario,
    sweep: &Sweep,
    sweep_id: &str,
    data: &BTreeMap<String, String>,
    scenario: &Scenario,
    index: usize,
    out: &Path,
    options: &SweepOptions,
    extra: &[usize],
) -> Result<String> {
    let seed = sweep.point_seed(base.seed, index);
    // The network is drawn from the scenario's own seed (the same at every point).
    let mut prepared = prepare(scenario)?;
    if let Some(o) = options.observed {
        o.set_initial(&mut prepared)
            .map_err(|e| Error::Input(format!("point {index}: {e}")))?;
        prepared.bootstrap_share = true;
    }
    let mut runs_csv = String::new();
    let keep = options.keep_points || options.baseline.is_some();
    if keep {
        runs_csv.push_str(&output::runs_header(scenario));
        runs_csv.push('\n');
    }
    let dir = point_dir(out, index);
    // the event history streams into a file of its own, named as a temporary file until
    // the point is done (memory does not grow with the runs)
    let mut events = if options.record_events {
        prepared.record_events = true;
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let mut file = AtomicFile::create(&dir.join(EVENTS_CSV))?;
        use std::io::Write as _;
        writeln!(file, "{}", policysim_io::events::EVENTS_HEADER).map_err(|e| file.error(e))?;
        Some(file)
    } else {
        None
    };
    let start_year = options.observed.map(|o| o.start_year);
    let classic = prepared.classic.is_some();
    let network = &prepared.network;
    let mut on_run = |s: &policysim_model::run::RunSummary| -> Result<()> {
        if keep {
            runs_csv.push_str(&output::runs_row(seed, s));
            runs_csv.push_str(&output::optional_cells(scenario, s));
            runs_csv.push('\n');
        }
        if let Some(file) = events.as_mut() {
            use std::io::Write as _;
            file.write_all(
                policysim_io::events::events_rows(network, start_year, classic, s).as_bytes(),
            )
            .map_err(|e| file.error(e))?;
        }
        Ok(())
    };
    let ensemble = EnsembleOptions {
        threads: options.threads,
        progress: options.progress,
        cancel: options.cancel,
    };
    let result = run_ensemble(scenario, seed, &prepared, &ensemble, &mut on_run);
    // the event history is published only with a complete point (dropped, its
    // temporary file is removed)
    if let (Some(file), Ok(_)) = (events, &result) {
        file.publish(Durability::Unsynced)?;
    }
    let result = result?;
    let values = sweep.point(index);
    let row = sweep_row(
        index,
        &values,
        seed,
        &result,
        options.observed,
        scenario,
        extra,
    );
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    if options.keep_points {
        write_atomic_unsynced(
            &dir.join("curves.csv"),
            output::curves_csv(&result).as_bytes(),
        )?;
    }
    if keep {
        write_atomic_unsynced(&dir.join("runs.csv"), runs_csv.as_bytes())?;
    }
    let mut named = serde_json::Map::new();
    for (k, v) in sweep.keys.iter().zip(&values) {
        named.insert(k.clone(), Value::String(value_text(v)));
    }
    let point = json!({
        "point": index,
        "sweep_id": sweep_id,
        "fingerprint": point_fingerprint(scenario, seed, data),
        "seed": seed,
        "values": Value::Object(named),
        "row": row,
    });
    let mut text = serde_json::to_string_pretty(&point).unwrap_or_default();
    text.push('\n');
    write_atomic_unsynced(&dir.join(POINT_JSON), text.as_bytes())?;
    Ok(row)
}

/// `sweep.json`: what was swept.
fn sweep_json(
    base: &Scenario,
    sweep: &Sweep,
    sweep_id: &str,
    header: &str,
    shard: Option<Shard>,
    data: &BTreeMap<String, String>,
) -> Value {
    let labels: Vec<Value> = sweep
        .labels
        .iter()
        .map(|l| {
            json!({"x": if l.x_high {"high"} else {"low"}, "y": if l.y_high {"high"} else {"low"}, "text": l.text})
        })
        .collect();
    let values: Vec<Value> = sweep
        .values
        .iter()
        .map(|v| Value::Array(v.iter().map(|x| Value::String(value_text(x))).collect()))
        .collect();
    let ticks: Vec<Value> = sweep
        .values
        .iter()
        .map(|v| Value::Array(v.iter().map(|x| json!(tick_position(x))).collect()))
        .collect();
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "sweep_id": sweep_id,
        "scenario": base.name,
        "description": base.description,
        "seed": base.seed,
        "runs": base.runs,
        "steps": base.steps,
        "time_unit": base.time_unit,
        "mode": sweep.mode.name(),
        "crn": !sweep.independent,
        "keys": sweep.keys,
        "values": values,
        "ticks": ticks,
        "points": sweep.len(),
        "shard": shard.map(|s| s.to_string()),
        "labels": labels,
        "axis_labels": sweep
            .axis_labels
            .iter()
            .map(|l| (l.key.clone(), json!({"en": l.en, "zh": l.zh})))
            .collect::<serde_json::Map<String, Value>>(),
        "color_range": sweep.color_range.map(|(lo, hi)| json!([lo, hi])),
        "csv_header": header,
        "data_files": data,
        "baseline": Value::Null,
    });
    let mut v = v;
    policysim_io::output::insert_description_zh(&mut v, &base.description_zh);
    v
}

/// Where a value sits on a chart axis: a number itself, a distribution its mean.
pub fn tick_position(v: &toml::Value) -> Option<f64> {
    use serde::Deserialize;
    match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Table(_) => policysim_model::scenario::Distribution::deserialize(v.clone())
            .ok()
            .map(|d| d.mean())
            .filter(|m| m.is_finite()),
        _ => None,
    }
}

/// Checks (and with `force` clears) the output folder before a sweep writes into it;
/// returns the files `force` left because policysim did not write them.
fn prepare_folder(
    out: &Path,
    sweep_id: &str,
    sweep_toml: &str,
    data: &BTreeMap<String, String>,
    force: bool,
) -> Result<Vec<PathBuf>> {
    // the rules of every --out folder (a name, not a file, not the current folder)
    policysim_io::staging::check_out_folder(out, "results/<name>-sweep")?;
    let mut kept = Vec::new();
    if out.is_dir() {
        match read_json(&out.join(SWEEP_JSON)) {
            Some(meta) => {
                let old_id = meta.get("sweep_id").and_then(Value::as_str).unwrap_or("");
                if old_id != sweep_id {
                    if force {
                        kept = clear_sweep(out)?;
                    } else {
                        let old =
                            policysim_io::capped_read::read_folder_text(&out.join(SWEEP_TOML))
                                .unwrap_or_default();
                        let change = changed_data_file(&recorded_hashes(&meta), data)
                            .unwrap_or_else(|| first_difference(&old, sweep_toml));
                        return Err(Error::Input(format!(
                            "{}: holds results of a different sweep (the scenario, the sweep, the seed or a data file changed: {change}); \
                             refusing to mix them. Choose another --out, or pass --force to discard the old results",
                            out.display(),
                        )));
                    }
                }
            }
            None => {
                let empty = std::fs::read_dir(out)
                    .map(|mut d| d.next().is_none())
                    .unwrap_or(true);
                if !empty && !force {
                    return Err(Error::Input(format!(
                        "{}: exists and does not hold a policysim sweep; choose another --out or pass --force to write into it",
                        out.display()
                    )));
                }
            }
        }
    }
    std::fs::create_dir_all(out.join(POINTS)).map_err(|e| Error::io(out, e))?;
    Ok(kept)
}

/// `--force` left these files (not written by policysim): for a warning.
pub fn kept_warning(out: &Path, kept: &[PathBuf]) -> Option<String> {
    (!kept.is_empty()).then(|| {
        format!(
            "--force removed the old sweep's files from {} but left {} file(s) policysim did not write: {}",
            out.display(),
            kept.len(),
            list_paths(kept)
        )
    })
}
