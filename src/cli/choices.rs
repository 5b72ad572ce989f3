//! A value parser that names its values for shell completions and `--help`, and parses
//! as the option always has (a list such as `png,svg`, or a name checked later by the
//! study that reads it): one rule for every option with a fixed set of values.

use clap::builder::{PossibleValue, TypedValueParser};
use std::ffi::OsStr;

/// Parses with `parse` and offers `values` to completions and `--help`.
#[derive(Clone)]
pub(super) struct Choices<T: Clone + Send + Sync + 'static> {
    /// The values offered.
    values: &'static [&'static str],
    /// How a given value is read (its error is clap's "invalid value" message).
    parse: fn(&str) -> Result<T, String>,
}

/// A [`Choices`] parser of `values`, read by `parse`.
pub(super) fn choices<T: Clone + Send + Sync + 'static>(
    values: &'static [&'static str],
    parse: fn(&str) -> Result<T, String>,
) -> Choices<T> {
    Choices { values, parse }
}

/// Any text (checked later by the study that reads it, with its own message).
pub(super) fn text(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

impl<T: Clone + Send + Sync + 'static> TypedValueParser for Choices<T> {
    type Value = T;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<T, clap::Error> {
        self.parse.parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.values.iter().map(|v| PossibleValue::new(*v))))
    }
}
