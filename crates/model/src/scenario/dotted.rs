//! Dotted keys (`central.mandate.rate`): reading and setting one value of a scenario,
//! re-validated, as `--set`, sweeps and the explorer do.

use super::Scenario;
use crate::error::{Error, Result};
use crate::scenario::parse::backticked;
use crate::scenario::parse::describe_de_error;
use serde::Deserialize;

impl Scenario {
    /// The scenario as a TOML table (every key with a value; unset optional keys are absent).
    pub(super) fn to_table(&self) -> Result<toml::Table> {
        toml::Table::try_from(self)
            .map_err(|e| Error::Input(format!("cannot express the scenario as TOML: {e}")))
    }

    /// The value of a dotted key (e.g. `central.mandate.rate`); `None` for unknown or unset keys.
    pub fn get_dotted(&self, key: &str) -> Option<toml::Value> {
        let table = self.to_table().ok()?;
        let mut parts = key.split('.');
        let mut value = table.get(parts.next()?)?;
        for part in parts {
            value = value.as_table()?.get(part)?;
        }
        Some(value.clone())
    }

    /// Sets a dotted key from text: TOML value syntax (`0.3`, `"pilot"`, `{ dist = "beta", a = 2, b = 5 }`), else a plain string.
    pub fn set_dotted_str(&mut self, key: &str, text: &str) -> Result<()> {
        let value = text
            .parse::<toml::Value>()
            .unwrap_or_else(|_| toml::Value::String(text.to_string()));
        self.set_dotted(key, value)
    }

    /// Sets a dotted key (e.g. `central.mandate.rate`) and re-validates; on error the scenario is unchanged.
    ///
    /// A table value for a table of settings updates only the keys it names (`central.pilot =
    /// { sites = 3 }` keeps the other pilot keys); a trait value replaces the trait. Relative
    /// paths are resolved against `base_dir`; warnings are recomputed (without line numbers).
    pub fn set_dotted(&mut self, key: &str, value: toml::Value) -> Result<()> {
        let parts: Vec<&str> = key.split('.').collect();
        if parts.iter().any(|p| p.trim().is_empty()) {
            return Err(Error::Input(format!(
                "`{key}` is not a dotted key (expected names separated by dots, e.g. `learning.rate`)"
            )));
        }
        let mut table = self.to_table()?;
        let mut current = &mut table;
        for (i, part) in parts[..parts.len() - 1].iter().enumerate() {
            let entry = current
                .entry(part.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(t) => current = t,
                other => {
                    let here = parts[..=i].join(".");
                    return Err(Error::Input(format!(
                        "unknown key `{key}`: `{here}` is a value ({}), not a table",
                        other.type_str()
                    )));
                }
            }
        }
        let last = parts[parts.len() - 1].to_string();
        match current.get_mut(&last) {
            Some(old) => merge_value(old, value),
            None => {
                current.insert(last, value);
            }
        }
        let mut updated = Scenario::deserialize(toml::Value::Table(table)).map_err(|e| {
            let message = e.message();
            // An unknown field is the first component of the key with that name.
            let shown = if message.starts_with("unknown field ") {
                let field = backticked(message).first().copied().unwrap_or("");
                parts
                    .iter()
                    .position(|p| *p == field)
                    .map_or(key.to_string(), |i| parts[..=i].join("."))
            } else {
                key.to_string()
            };
            Error::Input(describe_de_error(message, Some(&shown)))
        })?;
        updated.base_dir = self.base_dir.clone();
        updated.source = self.source.clone();
        updated.resolve_paths();
        let issues = updated.issues();
        if !issues.is_empty() {
            let lines: Vec<String> = issues
                .iter()
                .map(|(k, msg)| format!("key `{k}`: {msg}"))
                .collect();
            return Err(Error::Input(lines.join("\n")));
        }
        updated.warnings = updated.plain_warnings();
        *self = updated;
        Ok(())
    }
}

/// True for a table that gives a trait (`dist` or `from`) rather than a section of settings.
pub(super) fn is_trait_table(table: &toml::Table) -> bool {
    table.contains_key("dist") || table.contains_key("from")
}

/// Replaces `old` by `new`, except that a table of settings given for a table of settings
/// updates only the keys it names (a trait table replaces the old trait entirely).
pub(super) fn merge_value(old: &mut toml::Value, new: toml::Value) {
    match (old, new) {
        (toml::Value::Table(old), toml::Value::Table(new))
            if !is_trait_table(old) && !is_trait_table(&new) =>
        {
            for (k, v) in new {
                match old.get_mut(&k) {
                    Some(existing) => merge_value(existing, v),
                    None => {
                        old.insert(k, v);
                    }
                }
            }
        }
        (old, new) => *old = new,
    }
}
