//! The hypotheses file of `policysim compare-mechanisms`: rival scenarios, each with its
//! own free keys, read and checked before anything is fitted.
//!
//! ```toml
//! [[hypothesis]]
//! name = "neighbours"                    # unique, shown in the table and the chart
//! scenario = "../us_states.toml"         # relative to this file
//! free = ["innovation.rate=0:0.2", "learning.rate=0:3"]
//! description = "..."                    # optional
//! ```

use crate::fit::{parse_free, FreeParam};
use policysim_io::scenario_files::load_scenario;
use policysim_model::error::{Error, Result};
use policysim_model::scenario::Scenario;
use std::path::{Path, PathBuf};

/// One rival hypothesis: a scenario and the keys fitted in it.
#[derive(Debug, Clone)]
pub struct Hypothesis {
    /// Its name (unique in the file).
    pub name: String,
    /// What it says (optional).
    pub description: Option<String>,
    /// The scenario file, as resolved against the hypotheses file's folder.
    pub scenario_path: PathBuf,
    /// The scenario.
    pub scenario: Scenario,
    /// Its free keys with their boxes (not yet checked against the scenario).
    pub free: Vec<FreeParam>,
}

/// The keys a `[[hypothesis]]` table may hold.
const KEYS: [&str; 4] = ["name", "scenario", "free", "description"];

/// The most hypotheses one comparison takes (each is fitted twice).
pub const MAX_HYPOTHESES: usize = 12;

/// Reads and checks the hypotheses file at `path`: at least two `[[hypothesis]]` tables,
/// each with a unique `name`, a `scenario` file that exists and loads, and at least one
/// `free` key in `KEY=LOW:HIGH` form; nothing else. Every message names the file and
/// the hypothesis (and the key) it is about.
pub fn read_hypotheses(path: &Path) -> Result<Vec<Hypothesis>> {
    let bytes = policysim_io::capped_read::read_limited(
        path,
        policysim_io::capped_read::MAX_SCENARIO_BYTES,
    )
    .map_err(|e| Error::input_in(path, format!("cannot read the hypotheses file: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::input_in(
            path,
            "the hypotheses file is not UTF-8 text; save it as UTF-8",
        )
    })?;
    let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
        Error::input_in(path, format!("not valid TOML: {}", e.message()))
    })?;
    let example = "[[hypothesis]] tables with name, scenario and free";
    for key in table.keys() {
        if key != "hypothesis" {
            return Err(Error::input_in(
                path,
                format!("unknown key `{key}` (the file holds only {example})"),
            ));
        }
    }
    let list = match table.get("hypothesis") {
        Some(toml::Value::Array(list)) => list,
        Some(_) => {
            return Err(Error::input_in(
                path,
                format!("`hypothesis` must be an array of tables ({example})"),
            ))
        }
        None => {
            return Err(Error::input_in(
                path,
                format!("no hypotheses: give at least two {example}"),
            ))
        }
    };
    if list.len() < 2 || list.len() > MAX_HYPOTHESES {
        return Err(Error::input_in(
            path,
            format!(
                "{} hypothesis table(s): a comparison needs between 2 and {MAX_HYPOTHESES}",
                list.len()
            ),
        ));
    }
    let folder = path.parent().unwrap_or(Path::new(""));
    let mut out: Vec<Hypothesis> = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let at = |what: String| Error::input_in(path, format!("hypothesis {}: {what}", i + 1));
        let toml::Value::Table(t) = entry else {
            return Err(at("must be a table (name, scenario, free)".into()));
        };
        let string = |key: &str| -> Result<Option<String>> {
            match t.get(key) {
                None => Ok(None),
                Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                Some(other) => Err(at(format!(
                    "`{key}` must be a string, not {}",
                    other.type_str()
                ))),
            }
        };
        let name = string("name")?
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .ok_or_else(
                || at("`name` is missing or empty (each hypothesis needs a name)".into()),
            )?;
        let at = |what: String| {
            Error::input_in(path, format!("hypothesis {} (\"{name}\"): {what}", i + 1))
        };
        for key in t.keys() {
            if !KEYS.contains(&key.as_str()) {
                return Err(at(format!(
                    "unknown key `{key}` (allowed: {})",
                    KEYS.join(", ")
                )));
            }
        }
        if out.iter().any(|h| h.name == name) {
            return Err(at(
                "the name is given twice; give each hypothesis its own name".into(),
            ));
        }
        let description = string("description").map_err(|e| at(e.to_string()))?;
        let scenario_file = string("scenario")
            .map_err(|_| at("`scenario` must be a string (a path relative to this file)".into()))?
            .ok_or_else(|| {
                at("`scenario` is missing (a scenario file, relative to this file)".into())
            })?;
        let scenario_path = folder.join(&scenario_file);
        if !scenario_path.is_file() {
            return Err(at(format!(
                "scenario = \"{scenario_file}\": no such file ({})",
                scenario_path.display()
            )));
        }
        let scenario = load_scenario(&scenario_path)
            .map_err(|e| at(format!("scenario = \"{scenario_file}\": {e}")))?;
        let specs = match t.get("free") {
            Some(toml::Value::Array(a)) => a,
            Some(other) => {
                return Err(at(format!(
                    "`free` must be a list of \"KEY=LOW:HIGH\" strings, not {}",
                    other.type_str()
                )))
            }
            None => {
                return Err(at(
                    "`free` is missing: give the keys fitted in this hypothesis, e.g. free = [\"learning.rate=0:3\"]".into(),
                ))
            }
        };
        if specs.is_empty() {
            return Err(at(
                "`free` is empty: every hypothesis is fitted, so give at least one key".into(),
            ));
        }
        let mut free = Vec::with_capacity(specs.len());
        for (j, spec) in specs.iter().enumerate() {
            let toml::Value::String(spec) = spec else {
                return Err(at(format!(
                    "free[{}] must be a string \"KEY=LOW:HIGH\", not {}",
                    j + 1,
                    spec.type_str()
                )));
            };
            free.push(parse_free(spec).map_err(|e| at(format!("free[{}] {e}", j + 1)))?);
        }
        out.push(Hypothesis {
            name,
            description,
            scenario_path,
            scenario,
            free,
        });
    }
    Ok(out)
}
