//! Reading and validating scenario files (to be completed: see issue 2).

use super::Scenario;
use crate::error::{Error, Result};
use std::path::Path;

/// Reads, parses and validates the scenario file at `path`.
pub fn load_scenario(path: &Path) -> Result<Scenario> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::input_in(path, e))?;
    parse_scenario(&text, path)
}

/// Parses and validates scenario text; `path` names the file in messages and anchors relative paths.
pub fn parse_scenario(text: &str, path: &Path) -> Result<Scenario> {
    let mut scenario: Scenario = toml::from_str(text).map_err(|e| Error::input_in(path, e))?;
    scenario.base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    scenario.source = Some(path.to_path_buf());
    Ok(scenario)
}

impl Scenario {
    /// The resolved scenario as TOML, every default filled in.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}
