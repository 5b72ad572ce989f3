//! Parsing scenario text: locations of keys, messages that name the key, file
//! and line, and data paths made absolute against the scenario's folder.
//!
//! Message formats (every one names the key by its dotted name):
//! - from a file: `FILE:LINE:COL: <message>` (or `FILE: <message>` when no line is known);
//! - unknown key: ``unknown key `learning.rat`; did you mean `learning.rate`?`` (or the list
//!   of valid keys of that table when nothing is close);
//! - wrong type: ``key `steps`: expected a whole number >= 0, found string "ten"``;
//! - out of range: ``key `abandon.rate`: must be in [0, 1], got 1.5``;
//! - several validation errors are reported together, one per line.
//!
//! Warnings (contradictory but legal settings) are stored in [`Scenario::warnings`] in the
//! same `FILE:LINE:COL: message` form. A warning fires when a table that the chosen model or
//! centre mode ignores holds a value different from its default, so the resolved scenario
//! written by [`Scenario::to_toml`] (which lists every table) re-runs without spurious warnings.

use super::Scenario;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Longest scenario `name` in bytes: it names the results folder and its staging folder
/// `.<name>.partial-<host>-<pid>.lock`, which must fit in 255 bytes.
pub const MAX_NAME_BYTES: usize = 150;

/// The part of a results folder's staging folder's name after the destination's name
/// (`.<name>.partial-<host>-<pid>`): a scenario `name` may not contain it, so that no
/// results folder is ever taken for another's staging folder.
pub const STAGING_MARK: &str = ".partial-";

/// Parses and validates scenario text; `path` names the file in messages and anchors relative paths.
pub fn parse_scenario(text: &str, path: &Path) -> Result<Scenario> {
    parse_scenario_except(text, path, &[])
}

/// Like [`parse_scenario`], but the top-level keys in `skip` (e.g. `sweep`) are not scenario
/// keys: they are left out before the scenario is read; messages keep the file's lines.
pub fn parse_scenario_except(text: &str, path: &Path, skip: &[&str]) -> Result<Scenario> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let loc = Locator { path, text };
    let empty =
        "empty scenario file: write at least `name = \"...\"` (every other key has a default)";
    if text.trim().is_empty() {
        return Err(loc.error(None, empty));
    }
    let doc = DeTable::parse(text)
        .map_err(|e| loc.error(e.span(), &format!("invalid TOML: {}", e.message().trim())))?;
    let doc = doc.get_ref();
    if doc.is_empty() {
        return Err(loc.error(None, empty));
    }
    let skipped = skip.iter().any(|k| doc.contains_key(*k));
    let parsed: std::result::Result<Scenario, toml::de::Error> = if skipped {
        // Parse again (the spans stay those of the full text) and drop the skipped keys.
        let mut rest = DeTable::parse(text)
            .map_err(|e| loc.error(e.span(), &format!("invalid TOML: {}", e.message().trim())))?;
        for k in skip {
            rest.get_mut().remove(*k);
        }
        Scenario::deserialize(toml::de::Deserializer::from(rest))
    } else {
        toml::from_str(text)
    };
    let mut scenario: Scenario = parsed.map_err(|e| {
        let key = e.span().and_then(|s| key_at(doc, &s, ""));
        loc.error(e.span(), &describe_de_error(e.message(), key.as_deref()))
    })?;
    scenario.base_dir = absolute_dir(path);
    scenario.source = Some(path.to_path_buf());
    scenario.resolve_paths();
    let issues = scenario.issues();
    if !issues.is_empty() {
        let issues = issues
            .into_iter()
            .map(|(key, msg)| (key.clone(), format!("key `{key}`: {msg}")));
        return Err(Error::Input(loc.in_line_order(doc, issues).join("\n")));
    }
    scenario.warnings = loc.in_line_order(doc, scenario.contradictions().into_iter());
    Ok(scenario)
}

/// One problem found by validation: the dotted key and what is wrong.
pub(super) type Issue = (String, String);

/// Turns byte offsets into `FILE:LINE:COL:` prefixes.
pub(super) struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    pub(super) fn error_string(&self, span: Option<Range<usize>>, message: &str) -> String {
        match span {
            Some(span) => {
                let (line, col) = line_col(self.text, span.start);
                format!("{}:{line}:{col}: {message}", self.path.display())
            }
            None => format!("{}: {message}", self.path.display()),
        }
    }

    /// Messages about dotted keys, located and sorted by line (keys not in the file last).
    pub(super) fn in_line_order(
        &self,
        doc: &DeTable,
        items: impl Iterator<Item = Issue>,
    ) -> Vec<String> {
        let mut located: Vec<(usize, String)> = items
            .map(|(key, msg)| {
                let span = find_key(doc, &key);
                let order = span.as_ref().map_or(usize::MAX, |s| s.start);
                (order, self.error_string(span, &msg))
            })
            .collect();
        located.sort_by_key(|(order, _)| *order);
        located.into_iter().map(|(_, m)| m).collect()
    }

    pub(super) fn error(&self, span: Option<Range<usize>>, message: &str) -> Error {
        Error::Input(self.error_string(span, message))
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

pub(super) fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

pub(super) fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The dotted key whose name or value covers `span` (deepest first).
pub(super) fn key_at(table: &DeTable, span: &Range<usize>, prefix: &str) -> Option<String> {
    for (k, v) in table.iter() {
        let path = join_key(prefix, k.get_ref());
        match v.get_ref() {
            DeValue::Table(t) => {
                if let Some(found) = key_at(t, span, &path) {
                    return Some(found);
                }
            }
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_path = format!("{path}[{i}]");
                    if let DeValue::Table(t) = item.get_ref() {
                        if let Some(found) = key_at(t, span, &item_path) {
                            return Some(found);
                        }
                    }
                    if contains(&item.span(), span) {
                        return Some(item_path);
                    }
                }
            }
            _ => {}
        }
        if contains(&k.span(), span) || contains(&v.span(), span) {
            return Some(path);
        }
    }
    None
}

/// The span of a dotted key in the document, or of its deepest ancestor present.
pub(super) fn find_key(doc: &DeTable, dotted: &str) -> Option<Range<usize>> {
    let mut table = doc;
    let mut found = None;
    for part in dotted.split('.') {
        let Some((k, v)) = table.get_key_value(part) else {
            break;
        };
        found = Some(k.span());
        match v.get_ref() {
            DeValue::Table(t) => table = t,
            _ => break,
        }
    }
    found
}

/// The names between backticks in a serde message, in order.
pub(super) fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The candidate closest to `given`, if it is close enough to be a likely typo.
pub(super) fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(given, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3) && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// What a serde type name means to someone writing TOML.
pub(super) fn friendly_type(expected: &str) -> String {
    match expected {
        "f64" | "f32" => "a number".to_string(),
        "u8" | "u16" | "u32" | "u64" | "usize" => {
            let max = match expected {
                "u8" => u64::from(u8::MAX),
                "u16" => u64::from(u16::MAX),
                "u32" => u64::from(u32::MAX),
                _ => i64::MAX as u64,
            };
            format!("a whole number from 0 to {max}")
        }
        "i8" | "i16" | "i32" | "i64" | "isize" => "a whole number".to_string(),
        "a boolean" => "true or false".to_string(),
        "a sequence" => "an array".to_string(),
        "path string" => "a file path (a string)".to_string(),
        e if e.starts_with("struct ") || e == "a map" => "a table".to_string(),
        e => e.to_string(),
    }
}

/// Rewrites a serde/toml deserialisation message so that it names the dotted key.
pub(super) fn describe_de_error(message: &str, key: Option<&str>) -> String {
    let message = message.trim();
    let key_or = |fallback: &str| key.map_or_else(|| fallback.to_string(), str::to_string);
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let names = backticked(rest);
        let field = names.first().copied().unwrap_or("?");
        let valid = names.get(1..).unwrap_or(&[]);
        let full = key_or(field);
        // The table holding the key: what precedes the field's own name (a quoted key
        // such as "learning.rate" holds dots but is one name).
        let parent = full
            .strip_suffix(field)
            .map(|p| p.trim_end_matches('.').to_string())
            .filter(|p| !p.is_empty());
        let qualify = |c: &str| parent.as_deref().map_or(c.to_string(), |p| join_key(p, c));
        let mut out = format!("unknown key `{full}`");
        let dotted = field
            .split_once('.')
            .filter(|(table, rest)| valid.contains(table) && !rest.is_empty());
        if let Some((table, rest)) = dotted {
            let place = parent.as_deref().map_or(String::new(), |p| format!("{p}."));
            out += &format!(
                "; a quoted key is one name in TOML, so \"{field}\" is not the key `{rest}` of [{place}{table}]: write it without quotes ({field} = ...) or under [{place}{table}]"
            );
        } else if let Some(best) = closest(field, valid) {
            out += &format!("; did you mean `{}`?", qualify(best));
        } else if valid.is_empty() {
            out += "; this table takes no keys";
        } else {
            let table = parent.map_or("at the top level".to_string(), |p| format!("in [{p}]"));
            out += &format!("; valid keys {table}: {}", valid.join(", "));
        }
        return out;
    }
    let full = key_or("?");
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let names = backticked(rest);
        let given = names.first().copied().unwrap_or("?");
        let valid = names.get(1..).unwrap_or(&[]);
        let allowed: Vec<String> = valid.iter().map(|v| format!("\"{v}\"")).collect();
        let hint =
            closest(given, valid).map_or(String::new(), |b| format!("did you mean \"{b}\"? "));
        return format!(
            "key `{full}`: unknown value \"{given}\"; {hint}allowed: {}",
            allowed.join(", ")
        );
    }
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.rsplit_once(", expected ") {
                let found = found.replace('`', "");
                return format!(
                    "key `{full}`: expected {}, found {found}",
                    friendly_type(expected)
                );
            }
        }
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let names = backticked(rest);
        return format!(
            "key `{full}`: missing `{}`",
            names.first().copied().unwrap_or(rest)
        );
    }
    if message.starts_with("invalid length") || key.is_some() {
        return format!("key `{full}`: {message}");
    }
    message.to_string()
}

/// Absolute folder of the scenario file: its parent joined to the current folder, with
/// `.` and `..` resolved by the text of the path (the model reads no file system, so
/// symbolic links are kept as written).
pub(super) fn absolute_dir(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    normalise(&std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf()))
}

/// `path` made absolute against `base`, with `.` and `..` resolved by the text of the path.
pub(super) fn resolve_path(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        normalise(&base.join(path))
    }
}

/// `path` without `.` components, each `..` taking away the component before it (a `..`
/// at the root stays at the root).
pub(super) fn normalise(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// The top-level tables and keys of a scenario (the first part of every dotted key).
pub(super) const TOP_LEVEL_KEYS: [&str; 19] = [
    "name",
    "description",
    "model",
    "steps",
    "runs",
    "seed",
    "time_unit",
    "network",
    "agents",
    "innovation",
    "learning",
    "competition",
    "adapt",
    "abandon",
    "central",
    "initial",
    "bass",
    "si",
    "threshold",
];

/// The dotted scenario key a message starts with: ``key `a.b`: ...`` or `a.b = ...` / `a.b: ...`.
pub(super) fn leading_key(message: &str) -> Option<String> {
    if let Some(rest) = message.strip_prefix("key `") {
        return rest.split_once('`').map(|(k, _)| k.to_string());
    }
    let end = message
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(message.len());
    let (key, rest) = message.split_at(end);
    let top = key.split('.').next().unwrap_or("");
    let known = TOP_LEVEL_KEYS.contains(&top) || top == "cascade";
    (known
        && (rest.starts_with(" =")
            || rest.starts_with(": ")
            || rest.starts_with(' ')
            || rest.starts_with('[')))
    .then(|| key.trim_end_matches('.').to_string())
}

impl Scenario {
    /// Adds the scenario file's `FILE:LINE:COL: ` to an input error about one of its keys.
    ///
    /// Errors found after loading (network builders, checks against the network) start
    /// with the dotted key (`network.p = 2: ...` or ``key `central.pilot.sites`: ...``);
    /// this finds the key in the file so that the message names the file and line like the
    /// loader's own; `text` is the scenario file's text (empty when it cannot be read:
    /// the message then names the file only). Other errors are returned unchanged.
    pub fn locate_error_in(&self, e: Error, text: &str) -> Error {
        let (Error::Input(message), Some(path)) = (&e, &self.source) else {
            return e;
        };
        let Some(key) = leading_key(message) else {
            return e;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let place = DeTable::parse(text)
            .ok()
            .and_then(|doc| find_key(doc.get_ref(), &key))
            .map(|span| line_col(text, span.start));
        Error::Input(match place {
            Some((line, col)) => format!("{}:{line}:{col}: {message}", path.display()),
            None => format!("{}: {message}", path.display()),
        })
    }

    /// Makes `network.edges`, `network.nodes`, the layers' `edges` and `initial.file`
    /// absolute against `base_dir`.
    pub(super) fn resolve_paths(&mut self) {
        let base = self.base_dir.clone();
        for p in [
            &mut self.network.edges,
            &mut self.network.nodes,
            &mut self.initial.file,
        ]
        .into_iter()
        .flatten()
        .chain(
            self.network
                .layers
                .values_mut()
                .filter_map(|l| l.edges.as_mut()),
        ) {
            *p = resolve_path(&base, p);
        }
    }
}
