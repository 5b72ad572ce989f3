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

use super::{value_text, Sweep};
use crate::ensemble::{prepare, run_ensemble, EnsembleOptions, EnsembleResult};
use crate::error::{Error, Result};
use crate::model::Channel;
use crate::observed::{share_rmse, Observed};
use crate::output::{self, csv_field, num, write_atomic, RUNS_HEADER};
use crate::rng::point_seed;
use crate::run::series;
use crate::scenario::Scenario;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The table of a sweep: one row per point.
pub const SWEEP_CSV: &str = "sweep.csv";
/// What was swept and its fingerprint.
pub const SWEEP_JSON: &str = "sweep.json";
/// The resolved base scenario with its `[sweep]` section.
pub const SWEEP_TOML: &str = "sweep.toml";
/// Folder of the per-point files.
const POINTS: &str = "points";
/// The file marking a finished point.
const POINT_JSON: &str = "point.json";

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
}

/// What [`merge`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Points in the merged sweep.
    pub points: usize,
    /// Folders read.
    pub folders: usize,
}

/// A 64-bit FNV-1a hash in hex: a fingerprint to detect changes (not a security hash).
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// TOML text without comment lines (the resolved scenario's header names local folders).
fn without_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The text the sweep's fingerprint is computed from: version, base scenario, keys and
/// values, and the observed adoptions the points are compared with.
fn identity_text(base: &Scenario, sweep: &Sweep, observed: Option<&Observed>) -> String {
    let bare = Sweep {
        labels: Vec::new(),
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
    text
}

/// The `sweep.csv` header for these keys (with `observed_rmse` last when the points are
/// compared with observed adoptions): means with their 95% CI and 5-95% spread
/// ([`output::MEAN_COLUMNS`]), t10/t50/t90 as censored times ([`output::TIME_COLUMNS`]).
pub fn sweep_header(keys: &[String], observed: bool) -> String {
    let mut h = String::from("point");
    for k in keys {
        h.push(',');
        h.push_str(&csv_field(k));
    }
    h.push_str(",seed,runs");
    let group = |h: &mut String, m: &str, suffixes: &[&str]| {
        for s in suffixes {
            let _ = write!(h, ",{m}_{s}");
        }
    };
    group(&mut h, "final_share", &output::MEAN_COLUMNS);
    for m in ["t10", "t50", "t90"] {
        group(&mut h, m, &output::TIME_COLUMNS);
    }
    for c in Channel::ALL {
        group(
            &mut h,
            &format!("share_{}", c.name()),
            &output::MEAN_COLUMNS,
        );
    }
    for m in ["final_mean_quality", "lineages", "evaluation_bias"] {
        group(&mut h, m, &output::MEAN_COLUMNS);
    }
    if observed {
        h.push_str(",observed_rmse");
    }
    h
}

/// One `sweep.csv` row (without newline) of a point's ensemble result; with observed
/// adoptions, the RMSE of the point's mean share against them comes last.
pub fn sweep_row(
    index: usize,
    values: &[toml::Value],
    seed: u64,
    runs: u32,
    result: &EnsembleResult,
    observed: Option<&Observed>,
) -> String {
    let mut row = index.to_string();
    for v in values {
        row.push(',');
        row.push_str(&csv_field(&value_text(v)));
    }
    let _ = write!(row, ",{seed},{runs}");
    let r = &result.runs;
    let last = result.curves.rows.saturating_sub(1);
    row.push_str(&output::mean_cells(r.final_share.summary()));
    let times = r.time_summaries(last as u32);
    for (t, stat) in times.iter().zip([&r.t10, &r.t50, &r.t90]) {
        row.push_str(&output::time_cells(t, stat.summary()));
    }
    for c in &r.channel_shares {
        row.push_str(&output::mean_cells(c.summary()));
    }
    row.push_str(&output::mean_cells(r.final_mean_quality.summary()));
    let lineages = result.curves.cell(last, series::LINEAGES).summary();
    row.push_str(&output::mean_cells(lineages));
    row.push_str(&output::mean_cells(r.evaluation_bias.summary()));
    if let Some(o) = observed {
        let rmse = share_rmse(&o.share(), &result.mean_share());
        let _ = write!(row, ",{}", rmse.map_or(String::new(), num));
    }
    row
}

/// True when both paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    matches!((a.canonicalize(), b.canonicalize()), (Ok(x), Ok(y)) if x == y)
}

/// The folder of point `index`.
fn point_dir(out: &Path, index: usize) -> PathBuf {
    out.join(POINTS).join(index.to_string())
}

/// Reads a JSON file (None when absent or unreadable).
fn read_json(path: &Path) -> Option<Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// The first line where two TOML texts differ, named by its table: for messages.
fn first_difference(old: &str, new: &str) -> String {
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
    let threads = crate::limits::thread_count(options.threads);
    for i in 0..n {
        let point = sweep.point_scenario(base, i)?;
        crate::limits::check_memory(&point, threads)
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
    let identity = identity_text(base, sweep, options.observed);
    let sweep_id = fingerprint(&identity);
    // with observed adoptions the recorded scenario names their first adopters, written
    // beside it (a relative path, resolved against the sweep folder)
    let mut recorded = std::borrow::Cow::Borrowed(base);
    if options.observed.is_some_and(|o| !o.initial.is_empty()) {
        recorded.to_mut().initial = crate::scenario::Initial {
            file: Some(PathBuf::from("initial.csv")),
            ..Default::default()
        };
    }
    let sweep_toml = format!("{}\n\n{}", recorded.to_toml(), sweep.to_toml());
    prepare_folder(out, &sweep_id, &sweep_toml, options.force)?;
    let header = sweep_header(&sweep.keys, options.observed.is_some());
    let meta = sweep_json(base, sweep, &sweep_id, &header, options.shard);
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
    for &i in &mine {
        let ps = &scenarios[i];
        let seed = point_seed(base.seed, i as u64);
        let fp = point_fingerprint(ps, seed);
        let dir = point_dir(out, i);
        match read_json(&dir.join(POINT_JSON)) {
            Some(p) => {
                let found = p.get("fingerprint").and_then(Value::as_str).unwrap_or("");
                let row = p.get("row").and_then(Value::as_str);
                if found != fp {
                    return Err(Error::Input(format!(
                        "{}: point {i} was computed from a different scenario or seed (fingerprint {found}, expected {fp}); \
                         choose another --out, or pass --force to discard the old results",
                        dir.display()
                    )));
                }
                let nonempty = |f: &str| {
                    std::fs::metadata(dir.join(f)).is_ok_and(|m| m.is_file() && m.len() > 0)
                };
                let files_kept =
                    !options.keep_points || (nonempty("curves.csv") && nonempty("runs.csv"));
                match row {
                    Some(row) if files_kept => {
                        rows.insert(i, row.to_string());
                    }
                    _ => pending.push(i),
                }
            }
            None => pending.push(i),
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
        let row = run_point(base, sweep, &sweep_id, &scenarios[i], i, out, options)?;
        rows.insert(i, row);
    }
    let complete = rows.len() == mine.len();
    if complete {
        let mut csv = header;
        csv.push('\n');
        for row in rows.values() {
            csv.push_str(row);
            csv.push('\n');
        }
        write_atomic(&out.join(SWEEP_CSV), csv.as_bytes())?;
    }
    Ok(SweepReport {
        points: n,
        in_shard: mine.len(),
        computed: todo,
        skipped,
        complete,
    })
}

/// The fingerprint of one point: its resolved scenario and its seed.
fn point_fingerprint(point: &Scenario, seed: u64) -> String {
    fingerprint(&format!(
        "policysim {}\n{}\npoint_seed = {seed}\n",
        env!("CARGO_PKG_VERSION"),
        without_comments(&point.to_toml())
    ))
}

/// Runs one point's ensemble and writes its files; returns its `sweep.csv` row.
fn run_point(
    base: &Scenario,
    sweep: &Sweep,
    sweep_id: &str,
    scenario: &Scenario,
    index: usize,
    out: &Path,
    options: &SweepOptions,
) -> Result<String> {
    let seed = point_seed(base.seed, index as u64);
    // The network is drawn from the scenario's own seed (the same at every point).
    let mut prepared = prepare(scenario)?;
    if let Some(o) = options.observed {
        o.set_initial(&mut prepared)
            .map_err(|e| Error::Input(format!("point {index}: {e}")))?;
    }
    let mut runs_csv = String::new();
    let keep = options.keep_points;
    if keep {
        runs_csv.push_str(RUNS_HEADER);
        runs_csv.push('\n');
    }
    let mut on_run = |s: &crate::run::RunSummary| -> Result<()> {
        if keep {
            runs_csv.push_str(&output::runs_row(seed, s));
            runs_csv.push('\n');
        }
        Ok(())
    };
    let ensemble = EnsembleOptions {
        threads: options.threads,
        progress: options.progress,
        cancel: options.cancel,
    };
    let result = run_ensemble(scenario, seed, &prepared, &ensemble, &mut on_run)?;
    let values = sweep.point(index);
    let row = sweep_row(
        index,
        &values,
        seed,
        scenario.runs,
        &result,
        options.observed,
    );
    let dir = point_dir(out, index);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    if keep {
        write_point_file(
            &dir.join("curves.csv"),
            output::curves_csv(&result).as_bytes(),
        )?;
        write_point_file(&dir.join("runs.csv"), runs_csv.as_bytes())?;
    }
    let mut named = serde_json::Map::new();
    for (k, v) in sweep.keys.iter().zip(&values) {
        named.insert(k.clone(), Value::String(value_text(v)));
    }
    let point = json!({
        "point": index,
        "sweep_id": sweep_id,
        "fingerprint": point_fingerprint(scenario, seed),
        "seed": seed,
        "values": Value::Object(named),
        "row": row,
    });
    let mut text = serde_json::to_string_pretty(&point).unwrap_or_default();
    text.push('\n');
    write_point_file(&dir.join(POINT_JSON), text.as_bytes())?;
    Ok(row)
}

/// Writes a point's file atomically (temporary name, then rename) without waiting for the
/// disk (`fsync`), which would cost more than a small point: after a crash, a point file
/// that did not reach the disk reads as missing or unreadable, and the point is simply
/// computed again on resume.
fn write_point_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = output::temp_name(path);
    let result = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// `sweep.json`: what was swept.
fn sweep_json(
    base: &Scenario,
    sweep: &Sweep,
    sweep_id: &str,
    header: &str,
    shard: Option<Shard>,
) -> String {
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
        "seed": base.seed,
        "runs": base.runs,
        "steps": base.steps,
        "time_unit": base.time_unit,
        "mode": sweep.mode.name(),
        "keys": sweep.keys,
        "values": values,
        "ticks": ticks,
        "points": sweep.len(),
        "shard": shard.map(|s| s.to_string()),
        "labels": labels,
        "csv_header": header,
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Where a value sits on a chart axis: a number itself, a distribution its mean.
pub fn tick_position(v: &toml::Value) -> Option<f64> {
    use serde::Deserialize;
    match v {
        toml::Value::Float(x) => Some(*x),
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Table(_) => crate::scenario::Distribution::deserialize(v.clone())
            .ok()
            .map(|d| d.mean())
            .filter(|m| m.is_finite()),
        _ => None,
    }
}

/// Checks (and with `force` clears) the output folder before a sweep writes into it.
fn prepare_folder(out: &Path, sweep_id: &str, sweep_toml: &str, force: bool) -> Result<()> {
    if out.exists() && !out.is_dir() {
        return Err(Error::Input(format!(
            "{}: exists and is not a folder",
            out.display()
        )));
    }
    if out.is_dir() {
        match read_json(&out.join(SWEEP_JSON)) {
            Some(meta) => {
                let old_id = meta.get("sweep_id").and_then(Value::as_str).unwrap_or("");
                if old_id != sweep_id {
                    if force {
                        clear_sweep(out)?;
                    } else {
                        let old = std::fs::read_to_string(out.join(SWEEP_TOML)).unwrap_or_default();
                        return Err(Error::Input(format!(
                            "{}: holds results of a different sweep (the scenario, the sweep or the seed changed: {}); \
                             refusing to mix them. Choose another --out, or pass --force to discard the old results",
                            out.display(),
                            first_difference(&old, sweep_toml)
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
    std::fs::create_dir_all(out.join(POINTS)).map_err(|e| Error::io(out, e))
}

/// Removes the sweep files of a folder (nothing else).
fn clear_sweep(out: &Path) -> Result<()> {
    let points = out.join(POINTS);
    if points.exists() {
        std::fs::remove_dir_all(&points).map_err(|e| Error::io(&points, e))?;
    }
    for f in [SWEEP_CSV, SWEEP_JSON, SWEEP_TOML] {
        let p = out.join(f);
        if p.exists() {
            std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
        }
    }
    Ok(())
}

/// The finished points of a sweep folder: index -> (fingerprint, row, folder).
fn read_points(dir: &Path, sweep_id: &str) -> Result<BTreeMap<usize, (String, String, PathBuf)>> {
    let mut found = BTreeMap::new();
    let points = dir.join(POINTS);
    let Ok(entries) = std::fs::read_dir(&points) else {
        return Ok(found);
    };
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&points, e))?;
        let path = entry.path();
        let Some(index) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        let Some(p) = read_json(&path.join(POINT_JSON)) else {
            continue;
        };
        let get = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        if get("sweep_id") != sweep_id {
            return Err(Error::Input(format!(
                "{}: belongs to a different sweep (sweep_id {}, expected {sweep_id})",
                path.display(),
                get("sweep_id")
            )));
        }
        found.insert(index, (get("fingerprint"), get("row"), path));
    }
    Ok(found)
}

/// Merges the output folders of a sweep's shards into `out`: verifies that they belong to
/// the same sweep and together hold every point, copies the points and writes `sweep.csv`
/// (byte-identical to a single-machine run).
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<MergeReport> {
    if dirs.is_empty() {
        return Err(Error::Input("merge: give at least one sweep folder".into()));
    }
    let mut first: Option<(PathBuf, Value, String)> = None;
    let mut points: BTreeMap<usize, (String, String, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let meta = read_json(&dir.join(SWEEP_JSON)).ok_or_else(|| {
            Error::Input(format!(
                "{}: no readable {SWEEP_JSON}; not the output folder of `policysim sweep`",
                dir.display()
            ))
        })?;
        let toml_text = std::fs::read_to_string(dir.join(SWEEP_TOML)).unwrap_or_default();
        let id = meta.get("sweep_id").and_then(Value::as_str).unwrap_or("");
        if let Some((first_dir, first_meta, first_toml)) = &first {
            let first_id = first_meta
                .get("sweep_id")
                .and_then(Value::as_str)
                .unwrap_or("");
            if id != first_id {
                return Err(Error::Input(format!(
                    "{} and {} hold different sweeps ({}); refusing to merge them",
                    first_dir.display(),
                    dir.display(),
                    first_difference(first_toml, &toml_text)
                )));
            }
        } else {
            first = Some((dir.clone(), meta.clone(), toml_text));
        }
        for (index, point) in read_points(dir, id)? {
            if let Some(other) = points.get(&index) {
                if other.0 != point.0 || other.1 != point.1 {
                    return Err(Error::Input(format!(
                        "point {index} differs between {} and {}",
                        other.2.display(),
                        point.2.display()
                    )));
                }
                continue;
            }
            points.insert(index, point);
        }
    }
    let Some((first_dir, meta, toml_text)) = first else {
        return Err(Error::Input("merge: no folders".into()));
    };
    let n = meta.get("points").and_then(Value::as_u64).unwrap_or(0) as usize;
    let missing: Vec<usize> = (0..n).filter(|i| !points.contains_key(i)).collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(10).map(|i| i.to_string()).collect();
        return Err(Error::Input(format!(
            "the folders hold {} of {n} points; missing point{} {}{} (did a shard fail or not finish? re-run it, it resumes)",
            n - missing.len(),
            if missing.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if missing.len() > 10 { ", ..." } else { "" }
        )));
    }
    let id = meta.get("sweep_id").and_then(Value::as_str).unwrap_or("");
    if out.is_dir() {
        if let Some(old) = read_json(&out.join(SWEEP_JSON)) {
            if old.get("sweep_id").and_then(Value::as_str) != Some(id) {
                return Err(Error::Input(format!(
                    "{}: holds results of a different sweep; choose another --out",
                    out.display()
                )));
            }
        } else if std::fs::read_dir(out)
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
        {
            return Err(Error::Input(format!(
                "{}: exists and does not hold a policysim sweep; choose another --out",
                out.display()
            )));
        }
    }
    std::fs::create_dir_all(out.join(POINTS)).map_err(|e| Error::io(out, e))?;
    let out_canon = out.canonicalize().map_err(|e| Error::io(out, e))?;
    for (index, (_, _, src)) in &points {
        let dest = point_dir(out, *index);
        if src.canonicalize().ok().as_deref()
            == Some(out_canon.join(POINTS).join(index.to_string()).as_path())
        {
            continue;
        }
        std::fs::create_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
        // point.json last: it marks the point as done.
        for name in ["curves.csv", "runs.csv", POINT_JSON] {
            let from = src.join(name);
            if from.is_file() {
                let bytes = std::fs::read(&from).map_err(|e| Error::io(&from, e))?;
                write_atomic(&dest.join(name), &bytes)?;
            }
        }
    }
    let mut merged_meta = meta.clone();
    merged_meta["shard"] = Value::Null;
    let header = meta
        .get("csv_header")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let mut csv = header;
    csv.push('\n');
    for (_, row, _) in points.values() {
        csv.push_str(row);
        csv.push('\n');
    }
    let mut meta_text = serde_json::to_string_pretty(&merged_meta).unwrap_or_default();
    meta_text.push('\n');
    if !toml_text.is_empty() {
        write_atomic(&out.join(SWEEP_TOML), toml_text.as_bytes())?;
    }
    // a sweep compared with observed adoptions: the data and the first adopters that
    // sweep.toml names (the same in every shard, as the shards share the sweep's id)
    for name in ["observed.csv", "initial.csv"] {
        let from = first_dir.join(name);
        if from.is_file() && !same_file(&from, &out.join(name)) {
            let bytes = std::fs::read(&from).map_err(|e| Error::io(&from, e))?;
            write_atomic(&out.join(name), &bytes)?;
        }
    }
    write_atomic(&out.join(SWEEP_JSON), meta_text.as_bytes())?;
    write_atomic(&out.join(SWEEP_CSV), csv.as_bytes())?;
    Ok(MergeReport {
        points: n,
        folders: dirs.len(),
    })
}
