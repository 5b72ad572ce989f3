//! What keeps a sweep folder honest: fingerprints (of the scenario text and of the
//! contents of every data file the points read), the checks a `point.json` must pass
//! before its row goes into `sweep.csv`, and which files of a folder the sweep wrote.

use policysim_model::error::{Error, Result};
use policysim_model::scenario::Scenario;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Folder of the per-point files.
pub(super) const POINTS: &str = "points";
/// The file marking a finished point.
pub(super) const POINT_JSON: &str = "point.json";
/// The files a point may write into its folder (`point.json` last).
pub(super) const POINT_FILES: [&str; 3] = ["curves.csv", "runs.csv", POINT_JSON];
/// The files a sweep (or a merge) writes at the top of its folder, besides its charts.
const TOP_FILES: [&str; 6] = [
    policysim_io::provenance::PROVENANCE_JSON,
    super::SWEEP_CSV,
    super::SWEEP_JSON,
    super::SWEEP_TOML,
    "observed.csv",
    "initial.csv",
];

/// A 64-bit FNV-1a hash in hex: a fingerprint to detect changes (not a security hash).
pub fn fingerprint(text: &str) -> String {
    fingerprint_bytes(text.as_bytes())
}

/// [`fingerprint`] of raw bytes (a data file's contents).
pub fn fingerprint_bytes(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The data files a scenario reads (edge list, node file, layers' edge lists, initial adopters), as given.
pub(super) fn data_paths(s: &Scenario) -> Vec<PathBuf> {
    [&s.network.edges, &s.network.nodes, &s.initial.file]
        .into_iter()
        .flatten()
        .chain(s.network.layers.values().filter_map(|l| l.edges.as_ref()))
        .map(|p| s.base_dir.join(p))
        .collect()
}

/// The fingerprint recorded for a data file that cannot be read.
pub(super) const UNREADABLE: &str = "unreadable";

/// The contents' fingerprint of every data file the scenarios read: path -> hash
/// (`unreadable` for a file that cannot be read; the run then says why).
pub(super) fn data_hashes<'a>(
    scenarios: impl IntoIterator<Item = &'a Scenario>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for s in scenarios {
        for path in data_paths(s) {
            let key = path.display().to_string();
            out.entry(key).or_insert_with(|| {
                policysim_io::capped_read::read_data_file(&path)
                    .map(|b| fingerprint_bytes(&b))
                    .unwrap_or_else(|_| UNREADABLE.into())
            });
        }
    }
    out
}

/// The lines of a fingerprint's text that name the data files and their contents.
pub(super) fn data_text(hashes: &BTreeMap<String, String>) -> String {
    hashes
        .iter()
        .map(|(path, hash)| format!("data {path:?} {hash}\n"))
        .collect()
}

/// The data files of `sweep.json` (`data_files`) as a map.
pub(super) fn recorded_hashes(meta: &Value) -> BTreeMap<String, String> {
    meta.get("data_files")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// The first data file whose contents differ between two recorded sets of hashes (a file
/// read by both with different contents): a message naming it.
pub(super) fn changed_data_file(
    then: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Option<String> {
    then.iter().find_map(|(path, old)| match now.get(path) {
        Some(new) if new != old => Some(format!(
            "the contents of {path} differ (fingerprint {old} then, {new} now)"
        )),
        _ => None,
    })
}

/// What a `sweep.csv` row must be to belong to point `index` of a sweep.
pub(super) struct RowRules<'a> {
    /// Number of fields of the header.
    pub fields: usize,
    /// The point's value of every swept key, as written in its cells.
    pub values: &'a [String],
    /// The point's master seed.
    pub seed: u64,
    /// Runs per point.
    pub runs: u64,
}

/// Checks a finished point read from `path` (its `point.json`) against the sweep: the point
/// number matches the folder, the sweep id matches, and the row is exactly one CSV record
/// with the header's number of fields, the point's index, values, seed and runs, and
/// numbers (or nothing) in every other cell. Returns the row.
pub(super) fn check_point(
    path: &Path,
    p: &Value,
    index: usize,
    sweep_id: &str,
    rules: &RowRules,
) -> Result<String> {
    let bad = |what: String| {
        Error::Input(format!(
            "{}: {what}; not a point of this sweep (delete the point's folder to compute it again)",
            path.display()
        ))
    };
    match p.get("point").and_then(Value::as_u64) {
        Some(i) if i == index as u64 => {}
        other => {
            return Err(bad(format!(
                "says point {}, but it is in the folder of point {index}",
                other.map_or("(none)".into(), |i| i.to_string())
            )))
        }
    }
    let id = p.get("sweep_id").and_then(Value::as_str).unwrap_or("");
    if id != sweep_id {
        return Err(bad(format!(
            "belongs to a different sweep (sweep_id {id}, expected {sweep_id})"
        )));
    }
    if p.get("seed").and_then(Value::as_u64) != Some(rules.seed) {
        return Err(bad(format!(
            "`seed` is not the point's seed {}",
            rules.seed
        )));
    }
    let row = p
        .get("row")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("has no `row`".into()))?;
    let layout = policysim_io::csv_input::CsvLayout::default()
        .headerless()
        .flexible();
    let mut reader = layout.reader(row.as_bytes());
    let mut records = reader.records();
    let record = match (records.next(), records.next()) {
        (Some(Ok(r)), None) => r,
        (Some(Ok(_)), Some(_)) => {
            return Err(bad("its `row` holds more than one line of sweep.csv".into()))
        }
        _ => return Err(bad("its `row` is not one line of CSV".into())),
    };
    if record.len() != rules.fields {
        return Err(bad(format!(
            "its `row` has {} fields, the header of sweep.csv {}",
            record.len(),
            rules.fields
        )));
    }
    let k = rules.values.len();
    let expected_start: Vec<String> = std::iter::once(index.to_string())
        .chain(rules.values.iter().cloned())
        .chain([rules.seed.to_string(), rules.runs.to_string()])
        .collect();
    for (i, want) in expected_start.iter().enumerate() {
        if &record[i] != want {
            return Err(bad(format!(
                "its `row` has `{}` in field {} where point {index} has `{want}`",
                &record[i],
                i + 1
            )));
        }
    }
    for (i, cell) in record.iter().enumerate().skip(k + 3) {
        if !cell.is_empty() && !cell.parse::<f64>().is_ok_and(f64::is_finite) {
            return Err(bad(format!(
                "its `row` has `{cell}` in field {}, which must be a number or empty",
                i + 1
            )));
        }
    }
    Ok(row.to_string())
}

/// True for the name of a file a sweep writes at the top of its folder (including its
/// charts and the temporary names its files are written under).
fn is_top_file(name: &str) -> bool {
    let name = temp_original(name).unwrap_or(name);
    if TOP_FILES.contains(&name)
        || super::PARQUET_FILES.contains(&name)
        || policysim_io::result_files::is_sensitivity_file(name)
    {
        return true;
    }
    let Some(stem) = name
        .strip_suffix(".png")
        .or_else(|| name.strip_suffix(".svg"))
    else {
        return false;
    };
    let Some(metric) = stem
        .strip_suffix("_map")
        .or_else(|| stem.strip_suffix("_line"))
        .and_then(|s| s.strip_prefix("sweep_"))
    else {
        return false;
    };
    super::chart::metrics().iter().any(|m| m == metric)
}

/// The name a temporary file (`.NAME.tmp`) stands for.
fn temp_original(name: &str) -> Option<&str> {
    name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp"))
}

/// True for the name of a file a point writes into its folder.
fn is_point_file(name: &str) -> bool {
    POINT_FILES.contains(&temp_original(name).unwrap_or(name))
}

/// A sweep folder's entry, relative to it: what it is.
enum Entry {
    /// Written by the sweep.
    Own(PathBuf),
    /// A folder of the sweep (`points`, `points/<i>`).
    OwnDir(PathBuf),
    /// Not written by policysim.
    Foreign(PathBuf),
}

/// Every entry of a sweep folder, deepest first within the points.
fn entries(out: &Path) -> Result<Vec<Entry>> {
    let list = |dir: &Path| -> Result<Vec<(String, PathBuf, bool)>> {
        let mut v = Vec::new();
        for e in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
            let e = e.map_err(|e| Error::io(dir, e))?;
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            v.push((
                e.file_name().to_string_lossy().into_owned(),
                e.path(),
                is_dir,
            ));
        }
        v.sort();
        Ok(v)
    };
    let mut found = Vec::new();
    for (name, path, is_dir) in list(out)? {
        let rel = PathBuf::from(&name);
        if name == POINTS && is_dir {
            for (index, point, is_dir) in list(&path)? {
                let rel = rel.join(&index);
                if is_dir && index.parse::<usize>().is_ok() {
                    for (file, _, is_dir) in list(&point)? {
                        let rel = rel.join(&file);
                        found.push(if !is_dir && is_point_file(&file) {
                            Entry::Own(rel)
                        } else {
                            Entry::Foreign(rel)
                        });
                    }
                    found.push(Entry::OwnDir(rel));
                } else {
                    found.push(Entry::Foreign(rel));
                }
            }
            found.push(Entry::OwnDir(rel));
        } else if !is_dir && is_top_file(&name) {
            found.push(Entry::Own(rel));
        } else {
            found.push(Entry::Foreign(rel));
        }
    }
    Ok(found)
}

/// The files and folders of a sweep folder that policysim did not write (relative).
pub(super) fn foreign_files(out: &Path) -> Result<Vec<PathBuf>> {
    Ok(entries(out)?
        .into_iter()
        .filter_map(|e| match e {
            Entry::Foreign(p) => Some(p),
            _ => None,
        })
        .collect())
}

/// Removes the files a sweep wrote into `out` (its tables, records, charts and points)
/// and the point folders left empty; returns what it left: files it did not write.
pub(super) fn clear_sweep(out: &Path) -> Result<Vec<PathBuf>> {
    let mut kept = Vec::new();
    for entry in entries(out)? {
        match entry {
            Entry::Own(rel) => {
                let p = out.join(rel);
                std::fs::remove_file(&p).map_err(|e| Error::io(&p, e))?;
            }
            // not empty when it holds a foreign file: kept with it
            Entry::OwnDir(rel) => {
                let _ = std::fs::remove_dir(out.join(rel));
            }
            Entry::Foreign(rel) => kept.push(rel),
        }
    }
    Ok(kept)
}

/// A list of relative paths for a message: the first few, then how many more.
pub fn list_paths(paths: &[PathBuf]) -> String {
    let mut shown: Vec<String> = paths
        .iter()
        .take(5)
        .map(|p| p.display().to_string())
        .collect();
    if paths.len() > 5 {
        shown.push(format!("and {} more", paths.len() - 5));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweeps_own_names_are_told_from_others() {
        assert!(is_top_file("sweep.csv"));
        assert!(is_top_file(".sweep.json.tmp"));
        assert!(is_top_file("sweep_final_share_map.png"));
        assert!(is_top_file("sweep_share_mandate_line.svg"));
        assert!(!is_top_file("sweep_notes_map.png"));
        assert!(!is_top_file("notes.txt"));
        assert!(is_point_file("runs.csv"));
        assert!(is_point_file(".point.json.tmp"));
        assert!(!is_point_file("notes.txt"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
        assert_eq!(fingerprint("x"), fingerprint_bytes(b"x"));
    }
}
