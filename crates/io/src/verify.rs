//! `policysim verify`: a results folder checked against its `provenance.json`, file by
//! file (outputs in the folder, inputs by the paths recorded).

use crate::provenance::{folder_files, hash_file, PROVENANCE_JSON};
use policysim_model::error::{Error, Result};
use serde_json::Value;
use std::path::Path;

/// What [`verify`] found.
#[derive(Debug, Default)]
pub struct Verification {
    /// The command line recorded (joined with spaces).
    pub command: String,
    /// When the folder was finished, as recorded.
    pub finished: String,
    /// Outputs and inputs whose SHA-256 matched.
    pub matched: usize,
    /// Output files (relative) whose content changed.
    pub changed_outputs: Vec<String>,
    /// Output files recorded but no longer in the folder.
    pub missing_outputs: Vec<String>,
    /// Files in the folder that the record does not list (added later).
    pub added_outputs: Vec<String>,
    /// Input files whose content changed.
    pub changed_inputs: Vec<String>,
    /// Input files no longer at their recorded paths.
    pub missing_inputs: Vec<String>,
}

impl Verification {
    /// Whether every recorded file is there with its recorded content (files added later
    /// do not count).
    pub fn all_match(&self) -> bool {
        self.changed_outputs.is_empty()
            && self.missing_outputs.is_empty()
            && self.changed_inputs.is_empty()
            && self.missing_inputs.is_empty()
    }

    /// The report, one line per finding.
    pub fn report(&self, dir: &Path) -> String {
        let mut s = format!(
            "{}: made by `{}`, finished {}\n",
            dir.display(),
            self.command,
            self.finished
        );
        let groups = [
            ("output changed", &self.changed_outputs),
            ("output missing", &self.missing_outputs),
            ("input changed", &self.changed_inputs),
            ("input missing", &self.missing_inputs),
            ("not recorded (added after)", &self.added_outputs),
        ];
        for (what, files) in groups {
            for f in files {
                s.push_str(&format!("  {what}: {f}\n"));
            }
        }
        let differences = self.changed_outputs.len()
            + self.missing_outputs.len()
            + self.changed_inputs.len()
            + self.missing_inputs.len();
        if differences == 0 {
            s.push_str(&format!(
                "all {} recorded files match their SHA-256\n",
                self.matched
            ));
        } else {
            s.push_str(&format!(
                "{differences} of {} recorded files differ\n",
                differences + self.matched
            ));
        }
        s
    }
}

/// Recomputes the SHA-256 of every file `dir/provenance.json` lists and compares.
/// A folder without the record (or with one policysim cannot read) is bad input.
pub fn verify(dir: &Path) -> Result<Verification> {
    let path = dir.join(PROVENANCE_JSON);
    if !dir.is_dir() {
        return Err(Error::Input(format!(
            "{}: not a folder; give a results folder written by policysim",
            dir.display()
        )));
    }
    if !path.is_file() {
        return Err(Error::Input(format!(
            "{}: no {PROVENANCE_JSON} in this folder, so there is nothing to verify against (a folder policysim did not write, or one written before policysim recorded provenance)",
            dir.display()
        )));
    }
    verify_record(&path, dir, true)
}

/// Like [`verify`] for a file written by `panel` or `innovativeness`, against its
/// `FILE.provenance.json`.
pub fn verify_file(file: &Path) -> Result<Verification> {
    let path = crate::provenance::file_record(file);
    if !path.is_file() {
        return Err(Error::Input(format!(
            "{}: no {} beside it, so there is nothing to verify against (give a results folder, or a file written by `panel` or `innovativeness`)",
            file.display(),
            path.display()
        )));
    }
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    verify_record(&path, dir, false)
}

/// Checks the record at `path`, whose outputs are named relative to `dir`; `added`:
/// whether to list the files of `dir` that the record does not name.
fn verify_record(path: &Path, dir: &Path, added: bool) -> Result<Verification> {
    let path = path.to_path_buf();
    let bytes = crate::capped_read::read_limited(&path, crate::capped_read::MAX_SCENARIO_BYTES)
        .map_err(|e| Error::io(&path, e))?;
    let record: Value = serde_json::from_slice(&bytes).map_err(|e| {
        Error::Input(format!(
            "{}: not a provenance record policysim can read: {e}",
            path.display()
        ))
    })?;
    let list = |key: &str| -> Result<Vec<(String, String)>> {
        let items = record
            .get(key)
            .and_then(Value::as_array)
            .ok_or_else(|| Error::Input(format!("{}: no `{key}` list", path.display())))?;
        items
            .iter()
            .map(|item| {
                let field = |k: &str| item.get(k).and_then(Value::as_str).map(str::to_string);
                field("path").zip(field("sha256")).ok_or_else(|| {
                    Error::Input(format!(
                        "{}: an entry of `{key}` without path and sha256",
                        path.display()
                    ))
                })
            })
            .collect()
    };
    let outputs = list("outputs")?;
    let inputs = list("inputs")?;
    let mut v = Verification {
        command: record
            .get("command")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default(),
        finished: record
            .get("finished")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        ..Default::default()
    };
    for (rel, hash) in &outputs {
        let file = dir.join(rel);
        if !file.is_file() {
            v.missing_outputs.push(rel.clone());
        } else if hash_file(&file)?.0 == *hash {
            v.matched += 1;
        } else {
            v.changed_outputs.push(rel.clone());
        }
    }
    for (p, hash) in &inputs {
        let file = Path::new(p);
        if !file.is_file() {
            v.missing_inputs.push(p.clone());
        } else if hash_file(file)?.0 == *hash {
            v.matched += 1;
        } else {
            v.changed_inputs.push(p.clone());
        }
    }
    if added {
        v.added_outputs = folder_files(dir)?
            .into_iter()
            .filter(|f| !outputs.iter().any(|(rel, _)| rel == f))
            .filter(|f| !f.ends_with(&format!(".{PROVENANCE_JSON}")))
            .collect();
    }
    Ok(v)
}
