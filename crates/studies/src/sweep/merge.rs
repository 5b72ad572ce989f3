//! `policysim merge`: the output folders of a sweep's shards into one sweep folder,
//! checked point by point and published all at once.
//!
//! Merges into one folder are serialised by an exclusive lock (`flock`) on a lock file
//! beside it (`.NAME.merge-lock`, removed when the merge ends): a merge that finds the
//! folder already holding the identical merge leaves it as it is and says so.

use super::exec::{first_difference, point_dir, read_json};
use super::integrity::{
    changed_data_file, check_point, foreign_files, list_paths, recorded_hashes, RowRules, POINTS,
    POINT_FILES, POINT_JSON,
};
use super::{point_positions, sweep_header, SweepMode, SWEEP_CSV, SWEEP_JSON, SWEEP_TOML};
use policysim_io::capped_read::{read_folder_file, read_folder_text};
use policysim_io::output::write_atomic;
use policysim_model::error::{Error, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// What [`merge`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Points in the merged sweep.
    pub points: usize,
    /// Folders read.
    pub folders: usize,
    /// True when the out folder already held this merge (identical) and was left as it was.
    pub already_merged: bool,
}

/// A step run on the staging folder before it is published.
pub type FinishStep<'a> = &'a dyn Fn(&Path) -> Result<()>;

/// How to merge (all optional).
#[derive(Default)]
pub struct MergeOptions<'a> {
    /// Called with the staging folder once the merged files are in it (to draw charts);
    /// an error cancels the merge and nothing is published.
    pub finish: Option<FinishStep<'a>>,
    /// Whether an out folder that holds the identical merge also holds what `finish`
    /// would add (its charts); when not, the merge is published again.
    pub finished: Option<&'a dyn Fn(&Path) -> bool>,
    /// Called once, with what the lock file says, when another merge into the same
    /// folder holds the lock (this merge then waits for it).
    pub on_wait: Option<&'a dyn Fn(&str)>,
}

/// The sweep a set of folders belongs to, from the first folder's `sweep.json`.
struct SweepMeta {
    meta: Value,
    id: String,
    header: String,
    fields: usize,
    values: Vec<Vec<String>>,
    mode: SweepMode,
    points: usize,
    seed: u64,
    runs: u64,
    /// Common random numbers (every point runs with `seed`); false: independent points.
    crn: bool,
}

impl SweepMeta {
    /// The `steps` of point `index` (the horizon of its times to a level): the swept
    /// value when the sweep varies `steps`, else `steps` of `sweep.json`.
    fn steps(&self, index: usize) -> Result<u32> {
        let path = Path::new(SWEEP_JSON);
        let bad = || {
            Error::input_in(
                path,
                "no whole number `steps` for a point; not written by policysim",
            )
        };
        let keys = self.meta.get("keys").and_then(Value::as_array);
        let swept = keys.and_then(|k| k.iter().position(|k| k.as_str() == Some("steps")));
        let text = match swept {
            Some(k) => {
                let lens: Vec<usize> = self.values.iter().map(Vec::len).collect();
                let at = point_positions(&lens, self.mode, index);
                self.values[k].get(at[k]).cloned().ok_or_else(bad)?
            }
            None => self
                .meta
                .get("steps")
                .map(Value::to_string)
                .ok_or_else(bad)?,
        };
        text.trim().parse().map_err(|_| bad())
    }

    /// Reads and checks the parts of `sweep.json` the merge relies on.
    fn read(dir: &Path) -> Result<SweepMeta> {
        let path = dir.join(SWEEP_JSON);
        let meta = read_json(&path).ok_or_else(|| {
            Error::Input(format!(
                "{}: no readable {SWEEP_JSON}; not the output folder of `policysim sweep`",
                dir.display()
            ))
        })?;
        let bad = |what: &str| Error::input_in(&path, format!("{what}; not written by policysim"));
        let text = |k: &str| meta.get(k).and_then(Value::as_str).map(str::to_string);
        let number = |k: &str| meta.get(k).and_then(Value::as_u64);
        let id = text("sweep_id").ok_or_else(|| bad("no `sweep_id`"))?;
        let header = text("csv_header").ok_or_else(|| bad("no `csv_header`"))?;
        let keys: Vec<String> = meta
            .get("keys")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .ok_or_else(|| bad("no `keys`"))?;
        let values: Vec<Vec<String>> = meta
            .get("values")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| {
                        v.as_array()
                            .map(|l| {
                                l.iter()
                                    .filter_map(Value::as_str)
                                    .map(str::to_string)
                                    .collect()
                            })
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .ok_or_else(|| bad("no `values`"))?;
        if values.len() != keys.len() || values.iter().any(Vec::is_empty) {
            return Err(bad("`values` do not match `keys`"));
        }
        let observed =
            header.ends_with(",observed_rmse,observed_rmse_ci_low,observed_rmse_ci_high");
        if header
            != sweep_header(
                &keys,
                observed,
                &super::row::extra_figures_of_header(&header),
            )
        {
            return Err(bad("`csv_header` does not match `keys`"));
        }
        let mode = SweepMode::parse(&text("mode").unwrap_or_default())
            .map_err(|_| bad("`mode` is not grid or zip"))?;
        let points = number("points").ok_or_else(|| bad("no `points`"))? as usize;
        let fields = policysim_io::csv_input::CsvLayout::default()
            .headerless()
            .reader(header.as_bytes())
            .records()
            .next()
            .and_then(|r| r.ok())
            .map_or(0, |r| r.len());
        Ok(SweepMeta {
            id,
            header,
            fields,
            values,
            mode,
            points,
            seed: number("seed").ok_or_else(|| bad("no `seed`"))?,
            runs: number("runs").ok_or_else(|| bad("no `runs`"))?,
            // folders written before common random numbers ran independent points
            crn: meta.get("crn").and_then(Value::as_bool).unwrap_or(false),
            meta,
        })
    }

    /// Reads and checks the finished points of `dir`: index -> (fingerprint, row, folder).
    fn read_points(&self, dir: &Path) -> Result<BTreeMap<usize, (String, String, PathBuf)>> {
        let mut found = BTreeMap::new();
        let points = dir.join(POINTS);
        let Ok(entries) = std::fs::read_dir(&points) else {
            return Ok(found);
        };
        let lens: Vec<usize> = self.values.iter().map(Vec::len).collect();
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
            let file = path.join(POINT_JSON);
            // absent, or not complete JSON (killed while written): not done
            let Some(p) = read_json(&file) else {
                continue;
            };
            if index >= self.points {
                return Err(Error::Input(format!(
                    "{}: point {index}, but the sweep has {} points",
                    file.display(),
                    self.points
                )));
            }
            let values: Vec<String> = point_positions(&lens, self.mode, index)
                .into_iter()
                .zip(&self.values)
                .map(|(i, v)| v.get(i).cloned().unwrap_or_default())
                .collect();
            let rules = RowRules {
                fields: self.fields,
                values: &values,
                seed: if self.crn {
                    self.seed
                } else {
                    policysim_model::rng::point_seed(self.seed, index as u64)
                },
                runs: self.runs,
            };
            let row = check_point(&file, &p, index, &self.id, &rules)?;
            let fp = p.get("fingerprint").and_then(Value::as_str).unwrap_or("");
            if fp.len() != 16 || !fp.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(Error::Input(format!(
                    "{}: no valid `fingerprint`; not a point of this sweep (delete the point's folder to compute it again)",
                    file.display()
                )));
            }
            found.insert(index, (fp.to_string(), row, path));
        }
        Ok(found)
    }
}

/// Merges the output folders of a sweep's shards into `out`: verifies that they belong to
/// the same sweep and together hold every point, checks every point against the sweep,
/// and publishes the merged folder (points, `sweep.csv` byte-identical to a
/// single-machine run) all at once; on failure `out` is left as it was.
pub fn merge(dirs: &[PathBuf], out: &Path, options: &MergeOptions) -> Result<MergeReport> {
    let Some(first_dir) = dirs.first() else {
        return Err(Error::Input("merge: give at least one sweep folder".into()));
    };
    let sweep = SweepMeta::read(first_dir)?;
    let first_toml = read_folder_text(&first_dir.join(SWEEP_TOML)).unwrap_or_default();
    let mut points: BTreeMap<usize, (String, String, PathBuf)> = BTreeMap::new();
    for dir in dirs {
        let other = SweepMeta::read(dir)?;
        if other.id != sweep.id {
            let toml_text = read_folder_text(&dir.join(SWEEP_TOML)).unwrap_or_default();
            let change =
                changed_data_file(&recorded_hashes(&sweep.meta), &recorded_hashes(&other.meta))
                    .unwrap_or_else(|| first_difference(&first_toml, &toml_text));
            return Err(Error::Input(format!(
                "{} and {} hold different sweeps ({change}); refusing to merge them",
                first_dir.display(),
                dir.display(),
            )));
        }
        let (b0, b1) = (
            super::baseline::recorded(&sweep.meta),
            super::baseline::recorded(&other.meta),
        );
        if b0 != b1 {
            let text = |b: Option<usize>| {
                b.map_or("no --baseline".into(), |p| format!("--baseline point {p}"))
            };
            return Err(Error::Input(format!(
                "{} was run with {} and {} with {}; run the shards with the same --baseline",
                first_dir.display(),
                text(b0),
                dir.display(),
                text(b1)
            )));
        }
        for (index, point) in sweep.read_points(dir)? {
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
    let n = sweep.points;
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
    let csv = match super::baseline::recorded(&sweep.meta) {
        Some(b) if b >= n => {
            return Err(Error::input_in(
                &first_dir.join(SWEEP_JSON),
                format!(
                "`baseline` is point {b}, but the sweep has {n} points; not written by policysim"
            ),
            ))
        }
        Some(b) => {
            let rows: BTreeMap<usize, String> =
                points.iter().map(|(i, p)| (*i, p.1.clone())).collect();
            let dir = |i: usize| {
                points
                    .get(&i)
                    .map_or_else(|| first_dir.join(POINTS), |p| p.2.clone())
            };
            super::baseline::sweep_csv(&sweep.header, &rows, &dir, &|i| sweep.steps(i), b)?
        }
        None => {
            let mut csv = sweep.header.clone();
            csv.push('\n');
            for (_, row, _) in points.values() {
                csv.push_str(row);
                csv.push('\n');
            }
            csv
        }
    };
    let report = |already_merged| MergeReport {
        points: n,
        folders: dirs.len(),
        already_merged,
    };
    policysim_io::staging::check_out_folder(out, "results/<name>/all")?;
    let created = create_parents(out)?;
    let result = (|| {
        let _lock = MergeLock::acquire(out, options.on_wait)?;
        if check_out(out, &sweep.id, &csv, &points, options)? {
            return Ok(report(true));
        }
        // the inputs: every file of the shards' folders, as they are now
        policysim_io::provenance::note_seed(sweep.seed);
        for dir in dirs {
            for rel in policysim_io::provenance::folder_files(dir)? {
                policysim_io::provenance::note_input_file(&dir.join(rel))?;
            }
        }
        policysim_io::staging::write_staged(out, |staging| {
            write_merged(staging, first_dir, &sweep.meta, &first_toml, &csv, &points)?;
            match options.finish {
                Some(finish) => finish(staging),
                None => Ok(()),
            }
        })?;
        Ok(report(false))
    })();
    if result.is_err() {
        for dir in created.iter() {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }
    result
}

/// Creates the missing parent folders of `out` (for its lock file); returns them, deepest
/// first, so that a failed merge can remove them again.
fn create_parents(out: &Path) -> Result<Vec<PathBuf>> {
    let mut created = Vec::new();
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut missing = parent;
        while !missing.as_os_str().is_empty() && !missing.exists() {
            created.push(missing.to_path_buf());
            missing = missing.parent().unwrap_or(Path::new(""));
        }
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    Ok(created)
}

/// Checks what `out` holds before a merge replaces it: nothing, or a sweep folder of the
/// same sweep with only policysim's files. Returns true when it already holds this merge
/// (the same `sweep.csv` and points, and what `finish` adds).
fn check_out(
    out: &Path,
    id: &str,
    csv: &str,
    points: &BTreeMap<usize, (String, String, PathBuf)>,
    options: &MergeOptions,
) -> Result<bool> {
    let empty = std::fs::read_dir(out).map_or(true, |mut d| d.next().is_none());
    if empty {
        return Ok(false);
    }
    let Some(old) = read_json(&out.join(SWEEP_JSON)) else {
        return Err(Error::Input(format!(
            "{}: exists and does not hold a policysim sweep; choose another --out",
            out.display()
        )));
    };
    if old.get("sweep_id").and_then(Value::as_str) != Some(id) {
        return Err(Error::Input(format!(
            "{}: holds results of a different sweep; choose another --out",
            out.display()
        )));
    }
    let foreign = foreign_files(out)?;
    if !foreign.is_empty() {
        return Err(Error::Input(format!(
            "{}: holds files policysim did not write ({}), and the merge replaces the whole folder; move them away or choose another --out",
            out.display(),
            list_paths(&foreign)
        )));
    }
    let same_csv = read_folder_file(&out.join(SWEEP_CSV)).is_ok_and(|b| b == csv.as_bytes());
    let same_points = || {
        points.iter().all(|(i, (_, _, src))| {
            let a = read_folder_file(&point_dir(out, *i).join(POINT_JSON));
            let b = read_folder_file(&src.join(POINT_JSON));
            matches!((a, b), (Ok(a), Ok(b)) if a == b)
        })
    };
    let finished = options.finished.is_none_or(|f| f(out));
    Ok(old.get("shard").is_some_and(Value::is_null) && same_csv && finished && same_points())
}

/// Writes the merged sweep folder into `dir` (the staging folder).
fn write_merged(
    dir: &Path,
    first_dir: &Path,
    meta: &Value,
    toml_text: &str,
    csv: &str,
    points: &BTreeMap<usize, (String, String, PathBuf)>,
) -> Result<()> {
    for (index, (_, _, src)) in points {
        let dest = point_dir(dir, *index);
        std::fs::create_dir_all(&dest).map_err(|e| Error::io(&dest, e))?;
        // point.json last: it marks the point as done.
        for name in POINT_FILES {
            let from = src.join(name);
            if from.is_file() {
                let bytes = read_folder_file(&from).map_err(|e| Error::io(&from, e))?;
                write_atomic(&dest.join(name), &bytes)?;
            }
        }
    }
    if !toml_text.is_empty() {
        write_atomic(&dir.join(SWEEP_TOML), toml_text.as_bytes())?;
    }
    // a sweep compared with observed adoptions: the data and the first adopters that
    // sweep.toml names (the same in every shard, as the shards share the sweep's id)
    for name in ["observed.csv", "initial.csv"] {
        let from = first_dir.join(name);
        if from.is_file() {
            let bytes = read_folder_file(&from).map_err(|e| Error::io(&from, e))?;
            write_atomic(&dir.join(name), &bytes)?;
        }
    }
    let mut merged_meta = meta.clone();
    merged_meta["shard"] = Value::Null;
    let mut meta_text = serde_json::to_string_pretty(&merged_meta).unwrap_or_default();
    meta_text.push('\n');
    write_atomic(&dir.join(SWEEP_JSON), meta_text.as_bytes())?;
    write_atomic(&dir.join(SWEEP_CSV), csv.as_bytes())
}

/// An exclusive lock on `.NAME.merge-lock` beside the out folder, held while a merge
/// checks and replaces the folder; the file is removed when the lock is released.
struct MergeLock {
    path: PathBuf,
    _file: File,
}

impl MergeLock {
    /// Takes the lock, waiting for a merge that holds it.
    fn acquire(out: &Path, on_wait: Option<&dyn Fn(&str)>) -> Result<MergeLock> {
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = out.with_file_name(format!(".{name}.merge-lock"));
        let mut told = false;
        loop {
            let mut file = policysim_io::staging::open_lock_file(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !told {
                        told = true;
                        if let Some(wait) = on_wait {
                            let holder = read_folder_text(&path).unwrap_or_default();
                            wait(&format!("{} ({})", path.display(), holder.trim()));
                        }
                    }
                    file.lock().map_err(|e| Error::io(&path, e))?;
                }
                Err(TryLockError::Error(e)) => return Err(Error::io(&path, e)),
            }
            // the holder removes the file before it lets go: a lock on a file that is no
            // longer at `path` locks nothing, so take the one there now
            if same_file(&file, &path) {
                let _ = file.set_len(0);
                let _ = writeln!(file, "held by {}", holder_text());
                return Ok(MergeLock { path, _file: file });
            }
        }
    }
}

impl Drop for MergeLock {
    fn drop(&mut self) {
        // removed while still locked; the lock goes with the file handle
        let _ = std::fs::remove_file(&self.path);
    }
}

/// True when `path` is the file `file` has open.
#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// True when `path` is the file `file` has open.
#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

/// `merge on HOST, pid PID`: who holds a lock, for the message of a merge that waits.
fn holder_text() -> String {
    let host = policysim_io::machine::host_name().unwrap_or_else(|| "this host".into());
    format!("a merge on {host}, pid {}", std::process::id())
}
