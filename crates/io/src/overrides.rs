//! `--set KEY=VALUE` overrides of a scenario's dotted keys, as every command reads them.

use policysim_model::error::{Error, Result};
use policysim_model::scenario::Scenario;

/// Reads option text as one TOML value (`0.3`, `"pilot"`, `{ dist = "beta", a = 2 }`,
/// `[...]`); None when it is not one (the callers then take it as plain text).
pub fn toml_value(text: &str) -> Option<toml::Value> {
    format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
}

/// Applies `--set KEY=VALUE` overrides in order: the value is TOML (`0.5`, `"pilot"`,
/// `{ dist = "beta", a = 5, b = 2 }`, `[...]`) or else plain text, and the scenario is
/// checked again with the file's messages, prefixed by the option.
pub fn apply_overrides(scenario: &mut Scenario, sets: &[String]) -> Result<()> {
    for arg in sets {
        let Some((key, text)) = arg.split_once('=') else {
            return Err(Error::Input(format!(
                "--set `{arg}`: expected KEY=VALUE, e.g. --set learning.rate=0.5"
            )));
        };
        let (key, text) = (key.trim(), text.trim());
        let value = match toml_value(text) {
            Some(v) => v,
            // a text key takes the text as it is, commas and colons included
            None if matches!(scenario.get_dotted(key), Some(toml::Value::String(_))) => {
                toml::Value::String(text.to_string())
            }
            None if text.contains(',') || text.split(':').count() == 3 => {
                return Err(Error::Input(format!(
                    "--set {key}={text}: `run` takes one value per key; to compare several values use `policysim sweep FILE --set {key}={text}`"
                )))
            }
            None => toml::Value::String(text.to_string()),
        };
        scenario
            .set_dotted(key, value)
            .map_err(|e| Error::Input(format!("--set {key}={text}: {e}")))?;
    }
    Ok(())
}
