//! Reading, validating, resolving and writing scenario files.
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

use super::{CentralMode, ModelKind, NetworkKind, Promotion, Scenario, TraitSpec};
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

/// Turns byte offsets into `FILE:LINE:COL:` prefixes.
struct Locator<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Locator<'_> {
    fn error_string(&self, span: Option<Range<usize>>, message: &str) -> String {
        match span {
            Some(span) => {
                let (line, col) = line_col(self.text, span.start);
                format!("{}:{line}:{col}: {message}", self.path.display())
            }
            None => format!("{}: {message}", self.path.display()),
        }
    }

    /// Messages about dotted keys, located and sorted by line (keys not in the file last).
    fn in_line_order(&self, doc: &DeTable, items: impl Iterator<Item = Issue>) -> Vec<String> {
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

    fn error(&self, span: Option<Range<usize>>, message: &str) -> Error {
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

fn join_key(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn contains(outer: &Range<usize>, inner: &Range<usize>) -> bool {
    outer.start <= inner.start && inner.end <= outer.end
}

/// The dotted key whose name or value covers `span` (deepest first).
fn key_at(table: &DeTable, span: &Range<usize>, prefix: &str) -> Option<String> {
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
fn find_key(doc: &DeTable, dotted: &str) -> Option<Range<usize>> {
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
fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The candidate closest to `given`, if it is close enough to be a likely typo.
fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::levenshtein(given, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.chars().count() / 3) && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// What a serde type name means to someone writing TOML.
fn friendly_type(expected: &str) -> String {
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
fn describe_de_error(message: &str, key: Option<&str>) -> String {
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
fn absolute_dir(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(""));
    let parent = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    normalise(&std::path::absolute(parent).unwrap_or_else(|_| parent.to_path_buf()))
}

/// `path` made absolute against `base`, with `.` and `..` resolved by the text of the path.
fn resolve_path(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        normalise(&base.join(path))
    }
}

/// `path` without `.` components, each `..` taking away the component before it (a `..`
/// at the root stays at the root).
fn normalise(path: &Path) -> PathBuf {
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
const TOP_LEVEL_KEYS: [&str; 19] = [
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
fn leading_key(message: &str) -> Option<String> {
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

/// One problem found by validation: the dotted key and what is wrong.
type Issue = (String, String);

/// Collects range problems; each names the key, what was given and what is allowed.
#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn push(&mut self, key: &str, message: String) {
        self.issues.push((key.to_string(), message));
    }

    fn unit(&mut self, key: &str, v: f64) {
        if !(0.0..=1.0).contains(&v) {
            self.push(key, format!("must be in [0, 1], got {v}"));
        }
    }

    fn non_negative(&mut self, key: &str, v: f64) {
        if !(v >= 0.0 && v.is_finite()) {
            self.push(key, format!("must be a finite number >= 0, got {v}"));
        }
    }

    fn finite(&mut self, key: &str, v: f64) {
        if !v.is_finite() {
            self.push(key, format!("must be a finite number, got {v}"));
        }
    }

    fn at_least_one(&mut self, key: &str, v: u64) {
        if v < 1 {
            self.push(key, format!("must be >= 1, got {v}"));
        }
    }

    /// A trait: constants checked by `constant`, distributions by `Distribution::check`.
    fn trait_spec(&mut self, key: &str, spec: &TraitSpec, unit: bool) {
        match spec {
            TraitSpec::Constant(v) if unit => self.unit(key, *v),
            TraitSpec::Constant(v) => {
                self.finite(key, *v);
                if v.abs() > crate::scenario::distribution::MAX_MAGNITUDE {
                    self.push(
                        key,
                        format!(
                            "must lie within ±{:e} (sums and means must stay finite), got {}",
                            crate::scenario::distribution::MAX_MAGNITUDE,
                            crate::scenario::distribution::shown(*v)
                        ),
                    );
                }
            }
            TraitSpec::Dist(d) => {
                if let Err(e) = d.check() {
                    self.push(key, e);
                }
            }
            TraitSpec::Column { from } => {
                if from.trim().is_empty() {
                    self.push(key, "the node-file column name is empty".to_string());
                }
            }
            TraitSpec::Indicators(i) => {
                if let Err(e) = i.check() {
                    self.push(key, e);
                }
            }
        }
    }
}

/// True when the network kind takes its size from `network.n`.
fn uses_n(kind: NetworkKind) -> bool {
    !matches!(kind, NetworkKind::Hierarchy | NetworkKind::File)
}

fn model_name(model: ModelKind) -> &'static str {
    match model {
        ModelKind::Policy => "policy",
        ModelKind::Bass => "bass",
        ModelKind::Si => "si",
        ModelKind::Threshold => "threshold",
        ModelKind::Cascade => "cascade",
    }
}

fn mode_name(mode: CentralMode) -> &'static str {
    match mode {
        CentralMode::None => "none",
        CentralMode::Recognition => "recognition",
        CentralMode::Pilot => "pilot",
        CentralMode::Mandate => "mandate",
        CentralMode::Uptake => "uptake",
    }
}

impl Scenario {
    /// Checks every value range and combination; the error lists each problem with its key.
    pub fn validate(&self) -> Result<()> {
        let issues = self.issues();
        if issues.is_empty() {
            return Ok(());
        }
        let prefix = self
            .source
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        let lines: Vec<String> = issues
            .iter()
            .map(|(key, msg)| format!("{prefix}key `{key}`: {msg}"))
            .collect();
        Err(Error::Input(lines.join("\n")))
    }

    /// All validation problems as (dotted key, message).
    fn issues(&self) -> Vec<Issue> {
        let mut c = Checker::default();
        let name = &self.name;
        if name.trim().is_empty() {
            c.push(
                "name",
                "must not be empty (it names the output folder)".to_string(),
            );
        } else if name.contains(['/', '\\'])
            || name.contains("..")
            || name == "."
            || name.chars().any(char::is_control)
        {
            c.push(
                "name",
                format!(
                    "must be a safe folder name (no `/`, `\\`, `..` or control characters), got {name:?}"
                ),
            );
        } else if name.starts_with('.') || name.contains(STAGING_MARK) {
            c.push(
                "name",
                format!(
                    "must not start with `.` or contain `{}` (reserved for the hidden staging folders of results being written), got {name:?}",
                    STAGING_MARK
                ),
            );
        } else if name.len() > MAX_NAME_BYTES {
            c.push(
                "name",
                format!(
                    "must be at most {MAX_NAME_BYTES} bytes long (it names folders, and file systems limit a name to 255 bytes with room needed for staging suffixes), got {} bytes",
                    name.len()
                ),
            );
        }
        c.at_least_one("steps", u64::from(self.steps));
        c.at_least_one("runs", u64::from(self.runs));
        if self.seed > crate::rng::MAX_SEED {
            c.push(
                "seed",
                format!(
                    "must be at most {} (TOML integers are 64-bit signed), got {}",
                    crate::rng::MAX_SEED,
                    self.seed
                ),
            );
        }

        let net = &self.network;
        if uses_n(net.kind) {
            c.at_least_one("network.n", net.n as u64);
        }
        if net.kind == NetworkKind::File && net.edges.is_none() {
            c.push(
                "network.edges",
                "is required when network.kind = \"file\" (an edge list CSV)".to_string(),
            );
        }

        let a = &self.agents;
        c.trait_spec("agents.learning", &a.learning, true);
        c.trait_spec("agents.competition", &a.competition, true);
        c.trait_spec("agents.resources", &a.resources, true);
        c.trait_spec("agents.inertia", &a.inertia, true);
        c.trait_spec("agents.fit", &a.fit, false);

        c.unit("innovation.rate", self.innovation.rate);
        c.trait_spec("innovation.quality", &self.innovation.quality, false);

        let l = &self.learning;
        // a scale, not a probability: pi_learn is clamped to [0, 1] (MODEL.md section 3)
        c.non_negative("learning.rate", l.rate);
        c.finite("learning.performance_weight", l.performance_weight);
        c.finite("learning.reference", l.reference);
        c.finite("learning.need_weight", l.need_weight);
        c.non_negative("learning.selectivity", l.selectivity);
        c.non_negative("learning.observation_noise", l.observation_noise);
        c.non_negative("learning.growth", l.growth);

        c.non_negative("competition.rate", self.competition.rate);
        c.non_negative(
            "competition.first_mover_bias",
            self.competition.first_mover_bias,
        );

        c.finite("adapt.gain", self.adapt.gain);
        c.non_negative("adapt.noise", self.adapt.noise);
        c.non_negative("adapt.noise_floor", self.adapt.noise_floor);

        c.finite("abandon.threshold", self.abandon.threshold);
        c.unit("abandon.rate", self.abandon.rate);
        c.unit("abandon.penalty", self.abandon.penalty);
        c.unit("abandon.deterrence", self.abandon.deterrence);

        let central = &self.central;
        c.non_negative("central.recognition", central.recognition);
        c.unit("central.tolerance", central.tolerance);
        let pilot = &central.pilot;
        if central.mode == CentralMode::Pilot && pilot.sites < 1 {
            c.push(
                "central.pilot.sites",
                "must be >= 1 when central.mode = \"pilot\", got 0".to_string(),
            );
        }
        if central.mode == CentralMode::Pilot
            && uses_n(net.kind)
            && net.n >= 1
            && pilot.sites > net.n
        {
            c.push(
                "central.pilot.sites",
                format!(
                    "must be at most the number of governments (network.n = {}), got {}",
                    net.n, pilot.sites
                ),
            );
        }
        c.trait_spec("central.pilot.quality", &pilot.quality, false);
        c.at_least_one(
            "central.pilot.evaluate_after",
            u64::from(pilot.evaluate_after),
        );
        c.finite("central.pilot.promote_above", pilot.promote_above);
        if pilot.promotion == Promotion::Expand {
            if !(pilot.expand_factor > 1.0 && pilot.expand_factor.is_finite()) {
                c.push(
                    "central.pilot.expand_factor",
                    format!(
                        "must be a finite number > 1 with central.pilot.promotion = \"expand\", got {}",
                        pilot.expand_factor
                    ),
                );
            }
        } else {
            c.finite("central.pilot.expand_factor", pilot.expand_factor);
        }
        // Qualities are drawn per new variant; a node column would be silently ignored.
        for (key, spec) in [
            ("innovation.quality", &self.innovation.quality),
            ("central.pilot.quality", &pilot.quality),
        ] {
            if let Some(from) = spec.node_columns() {
                c.push(
                    key,
                    format!("is drawn for each new variant, so it cannot be read from node-file column `{from}`; give a number or a distribution"),
                );
            }
        }
        c.at_least_one("central.pilot.rounds", u64::from(pilot.rounds));
        c.non_negative("central.pilot.evaluation_noise", pilot.evaluation_noise);
        if let Some(level) = &pilot.level {
            if level.trim().is_empty() {
                c.push(
                    "central.pilot.level",
                    "must name a level of the network (e.g. \"county\"), got an empty string"
                        .to_string(),
                );
            }
        }
        if central.scope.trim().is_empty() {
            c.push(
                "central.scope",
                "must be \"national\" or the name of a level of the network (e.g. \"province\"), got an empty string".to_string(),
            );
        }
        let uptake = &central.uptake;
        c.at_least_one(
            "central.uptake.review_every",
            u64::from(uptake.review_every),
        );
        c.at_least_one(
            "central.uptake.min_adopters",
            u64::from(uptake.min_adopters),
        );
        if let Some(share) = uptake.trigger_share {
            c.unit("central.uptake.trigger_share", share);
        }
        c.non_negative("central.uptake.evaluation_noise", uptake.evaluation_noise);
        c.finite("central.uptake.promote_above", uptake.promote_above);
        if uptake.promotion == Promotion::Expand {
            c.push(
                "central.uptake.promotion",
                "must be \"mandate\" or \"endorse\": the centre takes a local variant up as national policy, it does not expand pilots; got \"expand\"".to_string(),
            );
        }
        c.unit("central.mandate.rate", central.mandate.rate);
        c.unit("central.mandate.resistance", central.mandate.resistance);
        c.unit("central.mandate.enforcement", central.mandate.enforcement);
        c.non_negative("central.endorse.weight", central.endorse.weight);

        let init = &self.initial;
        let given: Vec<&str> = [
            (init.count > 0, "count"),
            (init.share.is_some(), "share"),
            (init.file.is_some(), "file"),
        ]
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, k)| *k)
        .collect();
        if given.len() > 1 {
            c.push(
                "initial",
                format!(
                    "give at most one of count, share and file; got {}",
                    given.join(" and ")
                ),
            );
        }
        if let Some(share) = init.share {
            c.unit("initial.share", share);
        }
        if uses_n(net.kind) && net.n >= 1 && init.count > net.n {
            c.push(
                "initial.count",
                format!("must be at most network.n = {}, got {}", net.n, init.count),
            );
        }

        c.unit("bass.p", self.bass.p);
        c.unit("bass.q", self.bass.q);
        c.unit("si.beta", self.si.beta);
        c.trait_spec("threshold.value", &self.threshold.value, false);
        c.trait_spec("cascade.p", &self.cascade.p, true);

        // Node-file columns need a node file (cascade.p's column names an edge attribute).
        if net.nodes.is_none() {
            let traits = [
                ("agents.learning", &a.learning),
                ("agents.competition", &a.competition),
                ("agents.resources", &a.resources),
                ("agents.inertia", &a.inertia),
                ("agents.fit", &a.fit),
                ("threshold.value", &self.threshold.value),
            ];
            for (key, spec) in traits {
                if let Some(from) = spec.node_columns() {
                    c.push(
                        key,
                        format!("reads node-file column `{from}`, but network.nodes (the node CSV) is not set"),
                    );
                }
            }
        }
        c.issues
    }

    /// Contradictory but legal settings, as (dotted key, message).
    fn contradictions(&self) -> Vec<Issue> {
        let mut out: Vec<Issue> = Vec::new();
        let d = Scenario::default();
        let central = &self.central;
        let mode = mode_name(central.mode);
        let model = model_name(self.model);
        let policy = self.model == ModelKind::Policy;

        if policy {
            // mode "mandate" uses the template quality (central.pilot.quality), nothing else
            let pilot_used_part = if central.mode == CentralMode::Mandate {
                crate::scenario::Pilot {
                    quality: d.central.pilot.quality.clone(),
                    ..central.pilot.clone()
                }
            } else {
                central.pilot.clone()
            };
            if pilot_used_part != d.central.pilot && central.mode != CentralMode::Pilot {
                out.push((
                    "central.pilot".into(),
                    format!("[central.pilot] is set but central.mode = \"{mode}\", so it is ignored (set central.mode = \"pilot\" to use it)"),
                ));
            }
            let promotes_by = |p: Promotion| {
                (central.mode == CentralMode::Pilot && central.pilot.promotion == p)
                    || (central.mode == CentralMode::Uptake && central.uptake.promotion == p)
            };
            let mandate_used =
                central.mode == CentralMode::Mandate || promotes_by(Promotion::Mandate);
            if central.mandate != d.central.mandate && !mandate_used {
                out.push((
                    "central.mandate".into(),
                    format!("[central.mandate] is set but central.mode = \"{mode}\" (used only with mode \"mandate\", or \"pilot\" / \"uptake\" with promotion \"mandate\"), so it is ignored"),
                ));
            }
            if central.endorse != d.central.endorse && !promotes_by(Promotion::Endorse) {
                out.push((
                    "central.endorse".into(),
                    "[central.endorse] is set but only used with central.mode = \"pilot\" or \"uptake\" and promotion = \"endorse\", so it is ignored".into(),
                ));
            }
            if central.uptake != d.central.uptake && central.mode != CentralMode::Uptake {
                out.push((
                    "central.uptake".into(),
                    format!("[central.uptake] is set but central.mode = \"{mode}\", so it is ignored (set central.mode = \"uptake\" to use it)"),
                ));
            }
            let no_seeds = self.initial.count == 0
                && self.initial.share.is_none_or(|s| s == 0.0)
                && self.initial.file.is_none();
            if central.mode == CentralMode::Uptake && self.innovation.rate == 0.0 && no_seeds {
                out.push((
                    "central.mode".into(),
                    "central.mode = \"uptake\" takes up a local variant, but innovation.rate = 0 and [initial] gives no adopters, so no local variant can arise and the centre never takes one up".into(),
                ));
            }
            if central.scope != crate::scenario::NATIONAL
                && matches!(central.mode, CentralMode::None | CentralMode::Recognition)
            {
                out.push((
                    "central.scope".into(),
                    format!("central.scope = \"{}\" places pilots, mandates and uptakes, but central.mode = \"{mode}\" has none, so it has no effect", central.scope),
                ));
            }
            let p = &central.pilot;
            if central.mode == CentralMode::Pilot
                && p.rounds == 1
                && p.revise != crate::scenario::Revise::None
            {
                out.push((
                    "central.pilot.revise".into(),
                    "central.pilot.revise changes the template of the next round, but central.pilot.rounds = 1, so there is none".into(),
                ));
            }
            if central.mode == CentralMode::Recognition && central.recognition == 0.0 {
                out.push((
                    "central.mode".into(),
                    "central.mode = \"recognition\" but central.recognition = 0, so recognition has no effect".into(),
                ));
            }
            if central.recognition > 0.0 && self.competition.rate == 0.0 {
                out.push((
                    "central.recognition".into(),
                    "central.recognition only multiplies competition credit, but competition.rate = 0, so it has no effect".into(),
                ));
            }
            let ab = &self.abandon;
            if central.tolerance > 0.0 && ab.penalty == 0.0 && ab.deterrence == 0.0 {
                out.push((
                    "central.tolerance".into(),
                    "central.tolerance forgives the costs of failure, but abandon.penalty = abandon.deterrence = 0, so it has no effect".into(),
                ));
            }
            if ab.penalty > 0.0 && ab.deterrence == 0.0 {
                out.push((
                    "abandon.penalty".into(),
                    "abandon.penalty lowers only the abandoner's own innovation and competition, which an abandoned government no longer uses (it re-adopts only by learning), so without abandon.deterrence it does not change the diffusion".into(),
                ));
            }
        }

        let policy_tables: [(&str, bool); 7] = [
            ("agents", self.agents != d.agents),
            ("innovation", self.innovation != d.innovation),
            ("learning", self.learning != d.learning),
            ("competition", self.competition != d.competition),
            ("adapt", self.adapt != d.adapt),
            ("abandon", self.abandon != d.abandon),
            ("central", self.central != d.central),
        ];
        if !policy {
            for (table, changed) in policy_tables {
                if changed {
                    out.push((
                        table.into(),
                        format!("[{table}] is set but model = \"{model}\" ignores it (it belongs to model = \"policy\")"),
                    ));
                }
            }
        }
        let baselines: [(ModelKind, &str, bool); 4] = [
            (ModelKind::Bass, "bass", self.bass != d.bass),
            (ModelKind::Si, "si", self.si != d.si),
            (
                ModelKind::Threshold,
                "threshold",
                self.threshold != d.threshold,
            ),
            (ModelKind::Cascade, "cascade", self.cascade != d.cascade),
        ];
        for (kind, table, changed) in baselines {
            if changed && self.model != kind {
                out.push((
                    table.into(),
                    format!("[{table}] is set but model = \"{model}\", so it is ignored (set model = \"{table}\" to use it)"),
                ));
            }
        }
        let no_seeds = self.initial.count == 0
            && self.initial.share.is_none_or(|s| s == 0.0)
            && self.initial.file.is_none();
        if no_seeds
            && matches!(
                self.model,
                ModelKind::Si | ModelKind::Threshold | ModelKind::Cascade
            )
        {
            out.push((
                "initial".into(),
                format!("model = \"{model}\" spreads only from initial adopters, but [initial] gives none, so nothing will happen"),
            ));
        }
        out
    }

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

    /// Warning strings for the current settings (no file location).
    fn plain_warnings(&self) -> Vec<String> {
        let prefix = self
            .source
            .as_ref()
            .map_or(String::new(), |p| format!("{}: ", p.display()));
        self.contradictions()
            .into_iter()
            .map(|(_, msg)| format!("{prefix}{msg}"))
            .collect()
    }

    /// Makes `network.edges`, `network.nodes` and `initial.file` absolute against `base_dir`.
    fn resolve_paths(&mut self) {
        let base = self.base_dir.clone();
        for p in [
            &mut self.network.edges,
            &mut self.network.nodes,
            &mut self.initial.file,
        ]
        .into_iter()
        .flatten()
        {
            *p = resolve_path(&base, p);
        }
    }

    /// The scenario as a TOML table (every key with a value; unset optional keys are absent).
    fn to_table(&self) -> Result<toml::Table> {
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

    /// The fully resolved scenario as TOML (every key, defaults filled in), readable by [`parse_scenario`].
    ///
    /// Top-level keys come first, then the tables in the order of the struct; traits given
    /// as distributions or columns are written as inline tables.
    pub fn to_toml(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let tree: Ordered = serde_json::from_str(&json).unwrap_or(Ordered::Map(Vec::new()));
        let mut out = format!(
            "# Resolved scenario written by policysim {}: every key with its value,\n\
             # relative paths made absolute (they were relative to {}).\n\n",
            env!("CARGO_PKG_VERSION"),
            self.base_dir
                .display()
                .to_string()
                .replace(['\n', '\r'], " ")
        );
        if let Ordered::Map(entries) = &tree {
            write_table(&mut out, "", entries);
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }
}

/// True for a table that gives a trait (`dist` or `from`) rather than a section of settings.
fn is_trait_table(table: &toml::Table) -> bool {
    table.contains_key("dist") || table.contains_key("from")
}

/// Replaces `old` by `new`, except that a table of settings given for a table of settings
/// updates only the keys it names (a trait table replaces the old trait entirely).
fn merge_value(old: &mut toml::Value, new: toml::Value) {
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

/// A serialised value that keeps the struct's field order (toml and serde_json maps sort keys).
enum Ordered {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Array(Vec<Ordered>),
    Map(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Int(i128::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Int(i128::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Str(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// True for a table written as an inline value: a trait (`dist` or `from`).
fn is_inline(entries: &[(String, Ordered)]) -> bool {
    entries.iter().any(|(k, _)| k == "dist" || k == "from")
}

/// Writes one value in TOML syntax (tables inline).
fn write_value(out: &mut String, value: &Ordered) {
    match value {
        Ordered::Null => {}
        Ordered::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Ordered::Int(i) => out.push_str(&i.to_string()),
        Ordered::Float(f) => out.push_str(&toml::Value::Float(*f).to_string()),
        Ordered::Str(s) => out.push_str(&toml::Value::String(s.clone()).to_string()),
        Ordered::Array(items) => {
            out.push('[');
            let items: Vec<&Ordered> = items
                .iter()
                .filter(|v| !matches!(v, Ordered::Null))
                .collect();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Ordered::Map(entries) => {
            let entries: Vec<&(String, Ordered)> = entries
                .iter()
                .filter(|(_, v)| !matches!(v, Ordered::Null))
                .collect();
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&toml_key(k));
                out.push_str(" = ");
                write_value(out, v);
            }
            out.push_str(" }");
        }
    }
}

/// A key, quoted when it is not a bare key.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// Writes a table: its values first, then its sub-tables under `[path.sub]` headers.
fn write_table(out: &mut String, path: &str, entries: &[(String, Ordered)]) {
    let is_section = |v: &Ordered| matches!(v, Ordered::Map(e) if !is_inline(e));
    if !path.is_empty() {
        out.push_str(&format!("[{path}]\n"));
    }
    for (k, v) in entries {
        if matches!(v, Ordered::Null) || is_section(v) {
            continue;
        }
        out.push_str(&toml_key(k));
        out.push_str(" = ");
        write_value(out, v);
        out.push('\n');
    }
    out.push('\n');
    for (k, v) in entries {
        if let Ordered::Map(sub) = v {
            if !is_inline(sub) {
                let sub_path = if path.is_empty() {
                    toml_key(k)
                } else {
                    format!("{path}.{}", toml_key(k))
                };
                write_table(out, &sub_path, sub);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Distribution, Rivals, Selection};

    /// Parses `text` as the file `name` in `dir` (the scenario file as `policysim-io`
    /// would read it, less its `[sweep]` table); returns the error message or the scenario.
    fn load_text(dir: &Path, name: &str, text: &str) -> std::result::Result<Scenario, String> {
        parse_scenario_except(text, &dir.join(name), &["sweep"]).map_err(|e| e.to_string())
    }

    fn err(text: &str) -> String {
        parse_scenario(text, Path::new("/tmp/s.toml"))
            .map(|_| ())
            .expect_err("expected an error")
            .to_string()
    }

    const FULL: &str = r#"
name = "full"
description = "every table, \"quoted\"\nsecond line"
model = "policy"
steps = 30
runs = 20
seed = 42
time_unit = "year"

[network]
kind = "hierarchy"
n = 50
k = 6
p = 0.1
mean_degree = 4.0
beta = 0.2
m = 3
levels = [{ name = "province", count = 3 }, { name = "city", count = 12 }]
regions = ["east", "central", "west"]
edges = "edges.csv"
nodes = "data/nodes.csv"
directed = true
redraw = true

[agents]
learning = { dist = "beta", a = 5, b = 2 }
competition = { dist = "uniform", low = 0.2, high = 0.9 }
resources = { from = "fiscal" }
inertia = 0.1
fit = { dist = "normal", mean = 0, sd = 0.5 }

[innovation]
rate = 0.02
quality = { dist = "normal", mean = 0.1, sd = 0.8 }

[learning]
rate = 0.4
performance_weight = 1.5
reference = 0.2
need_weight = 0.7
selectivity = 3
observation_noise = 0.5

[competition]
rate = 0.2
first_mover_bias = 2
rivals = "same_parent"

[adapt]
gain = 0.3
noise = 0.2
noise_floor = 0.01

[abandon]
threshold = -0.5
rate = 0.1

[central]
mode = "pilot"
recognition = 0.5

[central.pilot]
start = 2
sites = 4
selection = "capable"
quality = { dist = "uniform", low = 0, high = 1 }
evaluate_after = 2
promote_above = 0.1
promotion = "expand"
expand_factor = 2.5
wind_up = true

[central.mandate]
start = 5
rate = 0.6
resistance = 0.2
deadline = 3
enforcement = 0.95

[central.endorse]
weight = 2

[initial]
share = 0.05

[bass]
p = 0.02
q = 0.3

[si]
beta = 0.1

[threshold]
value = { from = "thr" }

[cascade]
p = { dist = "beta", a = 1, b = 9 }
"#;

    /// The parts of a scenario that a round trip must preserve (not where it was read from).
    fn comparable(mut s: Scenario) -> Scenario {
        s.base_dir = PathBuf::new();
        s.source = None;
        s.warnings.clear();
        s
    }

    #[test]
    fn round_trip_every_table() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_text(dir.path(), "full.toml", FULL).unwrap();
        assert_eq!(
            first.agents.learning,
            TraitSpec::Dist(Distribution::Beta { a: 5.0, b: 2.0 })
        );
        assert_eq!(first.competition.rivals, Rivals::SameParent);
        assert_eq!(first.central.pilot.selection, Selection::Capable);
        assert_eq!(
            first.threshold.value,
            TraitSpec::Column { from: "thr".into() }
        );
        let text = first.to_toml();
        std::fs::create_dir(dir.path().join("out")).unwrap();
        let second = load_text(&dir.path().join("out"), "resolved.toml", &text).unwrap();
        assert_eq!(first.warnings.len(), second.warnings.len(), "{text}");
        assert_eq!(
            comparable(first.clone()),
            comparable(second.clone()),
            "{text}"
        );
        // Writing again gives the same text apart from the header naming the folder.
        let body = |t: &str| t.lines().skip(2).collect::<Vec<_>>().join("\n");
        assert_eq!(body(&text), body(&second.to_toml()));
    }

    #[test]
    fn to_toml_is_readable_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let s = load_text(dir.path(), "full.toml", FULL).unwrap();
        let text = s.to_toml();
        let first_table = text.find("\n[").unwrap();
        for key in [
            "name = \"full\"",
            "steps = 30",
            "seed = 42",
            "time_unit = \"year\"",
        ] {
            assert!(text.find(key).unwrap() < first_table, "{key} in\n{text}");
        }
        let order = [
            "[network]",
            "[agents]",
            "[innovation]",
            "[learning]",
            "[competition]",
            "[adapt]",
            "[abandon]",
            "[central]",
            "[central.pilot]",
            "[central.mandate]",
            "[central.endorse]",
            "[initial]",
            "[bass]",
            "[si]",
            "[threshold]",
            "[cascade]",
        ];
        let positions: Vec<usize> = order.iter().map(|t| text.find(t).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
        assert!(
            text.contains("learning = { dist = \"beta\", a = 5.0, b = 2.0 }"),
            "{text}"
        );
        assert!(text.contains("resources = { from = \"fiscal\" }"), "{text}");
        assert!(
            text.contains("levels = [{ name = \"province\", count = 3 }"),
            "{text}"
        );
        // None is omitted; absolute paths are written.
        assert!(
            text.contains("[initial]\ncount = 0\nshare = 0.05\n\n"),
            "{text}"
        );
        let edges = dir.path().canonicalize().unwrap().join("edges.csv");
        assert!(
            text.contains(&format!("edges = \"{}\"", edges.display())),
            "{text}"
        );

        // The defaults: every key present, no optional key, reads back equal and without warnings.
        let d = Scenario::default();
        let text = d.to_toml();
        assert!(!text.contains("share") && !text.contains("edges"), "{text}");
        assert!(
            text.contains("[central.mandate]\nstart = 10\nrate = 0.3"),
            "{text}"
        );
        let back = parse_scenario(&text, Path::new("/tmp/d.toml")).unwrap();
        assert!(back.warnings.is_empty(), "{:?}", back.warnings);
        assert_eq!(comparable(back), comparable(d));
    }

    #[test]
    fn unknown_key_suggests_the_closest_with_its_line() {
        let m = err("name = \"x\"\n\n[learning]\nrat = 0.3\n");
        assert_eq!(
            m,
            "/tmp/s.toml:4:1: unknown key `learning.rat`; did you mean `learning.rate`?"
        );
        let m = err("name = \"x\"\nstpes = 3\n");
        assert_eq!(
            m,
            "/tmp/s.toml:2:1: unknown key `stpes`; did you mean `steps`?"
        );
        let m = err("name = \"x\"\ncentral.pilot.sitez = 3\n");
        assert!(
            m.starts_with("/tmp/s.toml:2:15: unknown key `central.pilot.sitez`; did you mean `central.pilot.sites`?"),
            "{m}"
        );
        // Nothing close: list the valid keys of that table.
        let m = err("name = \"x\"\n[bass]\nimitation = 0.3\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:1: unknown key `bass.imitation`; valid keys in [bass]: p, q"
        );
        let m = err("name = \"x\"\n[network]\nlevels = [{ name = \"p\", cont = 3 }]\n");
        assert!(
            m.contains(
                "unknown key `network.levels[0].cont`; did you mean `network.levels[0].count`?"
            ),
            "{m}"
        );
    }

    #[test]
    fn wrong_type_names_the_expected_type() {
        let m = err("name = \"x\"\nsteps = \"ten\"\n");
        assert_eq!(
            m,
            "/tmp/s.toml:2:9: key `steps`: expected a whole number from 0 to 4294967295, found string \"ten\""
        );
        let m = err("name = \"x\"\n[learning]\nrate = \"high\"\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:8: key `learning.rate`: expected a number, found string \"high\""
        );
        let m = err("name = \"x\"\n[central]\nmode = \"pilots\"\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:8: key `central.mode`: unknown value \"pilots\"; did you mean \"pilot\"? allowed: \"none\", \"recognition\", \"pilot\", \"mandate\", \"uptake\""
        );
        let m = err("name = \"x\"\n[agents]\nlearning = true\n");
        assert!(
            m.starts_with(
                "/tmp/s.toml:3:12: key `agents.learning`: expected a number, a distribution"
            ),
            "{m}"
        );
        assert!(m.ends_with("found boolean true"), "{m}");
        let m = err("name = \"x\"\n[agents]\nlearning = { dist = \"gamma\", k = 2 }\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:12: key `agents.learning`: unknown distribution `gamma`; allowed: beta, uniform, normal"
        );
        let m = err("name = \"x\"\n[agents]\nlearning = { dist = \"beta\", a = 2 }\n");
        assert!(
            m.contains(
                "key `agents.learning`: a beta distribution needs `a` and `b`; `b` is missing"
            ),
            "{m}"
        );
    }

    #[test]
    fn out_of_range_names_key_line_and_allowed_range() {
        let m = err("name = \"x\"\n[abandon]\nrate = 1.5\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:1: key `abandon.rate`: must be in [0, 1], got 1.5"
        );
        // learning and competition rates are scales (their probabilities are clamped)
        let m = err("name = \"x\"\n[learning]\nrate = -0.5\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:1: key `learning.rate`: must be a finite number >= 0, got -0.5"
        );
        let m = err("name = \"x\"\ncentral.mandate.resistance = -0.1\n");
        assert_eq!(
            m,
            "/tmp/s.toml:2:17: key `central.mandate.resistance`: must be in [0, 1], got -0.1"
        );
        let m = err("name = \"x\"\n[learning]\nselectivity = -1\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:1: key `learning.selectivity`: must be a finite number >= 0, got -1"
        );
        // Several problems at once, in line order.
        let m = err(
            "name = \"a/b\"\nsteps = 0\n[central]\nmode = \"pilot\"\n[central.pilot]\nsites = 0\n",
        );
        let lines: Vec<&str> = m.lines().collect();
        assert_eq!(lines.len(), 3, "{m}");
        assert!(
            lines[0].starts_with("/tmp/s.toml:1:1: key `name`: must be a safe folder name"),
            "{m}"
        );
        assert_eq!(
            lines[1],
            "/tmp/s.toml:2:1: key `steps`: must be >= 1, got 0"
        );
        assert_eq!(
            lines[2],
            "/tmp/s.toml:6:1: key `central.pilot.sites`: must be >= 1 when central.mode = \"pilot\", got 0"
        );
        let m = err("name = \"x\"\n[central.pilot]\npromotion = \"expand\"\nexpand_factor = 1\n");
        assert!(
            m.contains(":4:1: key `central.pilot.expand_factor`: must be a finite number > 1"),
            "{m}"
        );
    }

    #[test]
    fn obvious_network_and_column_checks() {
        let m = err("name = \"x\"\n[network]\nkind = \"file\"\n");
        assert_eq!(
            m,
            "/tmp/s.toml:2:2: key `network.edges`: is required when network.kind = \"file\" (an edge list CSV)"
        );
        let m = err("name = \"x\"\nnetwork.n = 0\n");
        assert_eq!(m, "/tmp/s.toml:2:9: key `network.n`: must be >= 1, got 0");
        let m = err("name = \"x\"\n[agents]\ninertia = { from = \"vested\" }\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:1: key `agents.inertia`: reads node-file column `vested`, but network.nodes (the node CSV) is not set"
        );
    }

    #[test]
    fn beta_parameters_must_be_positive() {
        let m = err("name = \"x\"\n[agents]\nlearning = { dist = \"beta\", a = 0, b = 2 }\n");
        assert_eq!(
            m,
            "/tmp/s.toml:3:1: key `agents.learning`: beta parameters must be finite and > 0, got a = 0, b = 2"
        );
        let m = err(
            "name = \"x\"\n[innovation]\nquality = { dist = \"uniform\", low = 1, high = 0 }\n",
        );
        assert!(
            m.contains(":3:1: key `innovation.quality`: uniform needs finite low <= high"),
            "{m}"
        );
    }

    #[test]
    fn initial_takes_one_of_count_share_file() {
        let m = err("name = \"x\"\n[initial]\ncount = 3\nshare = 0.1\n");
        assert_eq!(
            m,
            "/tmp/s.toml:2:2: key `initial`: give at most one of count, share and file; got count and share"
        );
        let m = err("name = \"x\"\ninitial.share = 0.1\ninitial.file = \"ids.txt\"\n");
        assert!(m.contains("got share and file"), "{m}");
    }

    #[test]
    fn seed_must_fit_in_toml() {
        let m = err("name = \"x\"\nseed = 18446744073709551615\n");
        assert_eq!(
            m,
            "/tmp/s.toml:2:1: key `seed`: must be at most 9223372036854775807 (TOML integers are 64-bit signed), got 18446744073709551615"
        );
        let s = Scenario {
            seed: u64::MAX,
            ..Scenario::default()
        };
        let m = s.validate().unwrap_err().to_string();
        assert!(m.starts_with("key `seed`: must be at most"), "{m}");
    }

    #[test]
    fn file_level_errors() {
        let dir = tempfile::tempdir().unwrap();
        let m = load_text(dir.path(), "empty.toml", "  \n").unwrap_err();
        assert!(m.ends_with("empty.toml: empty scenario file: write at least `name = \"...\"` (every other key has a default)"), "{m}");
        let m = load_text(dir.path(), "comments.toml", "# only a comment\n").unwrap_err();
        assert!(m.contains("comments.toml: empty scenario file"), "{m}");
        let m = err("name = \"x\"\nsteps = = 3\n");
        assert!(m.starts_with("/tmp/s.toml:2:9: invalid TOML:"), "{m}");
    }

    #[test]
    fn contradictions_become_warnings() {
        let s = parse_scenario(
            "name = \"x\"\n\n[central.pilot]\nsites = 3\n",
            Path::new("/tmp/w.toml"),
        )
        .unwrap();
        assert_eq!(
            s.warnings,
            vec!["/tmp/w.toml:3:10: [central.pilot] is set but central.mode = \"none\", so it is ignored (set central.mode = \"pilot\" to use it)".to_string()]
        );
        let s = parse_scenario(
            "name = \"x\"\ncentral.mode = \"pilot\"\ncentral.pilot.promotion = \"endorse\"\n[central.mandate]\nrate = 0.9\n",
            Path::new("/tmp/w.toml"),
        )
        .unwrap();
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(
            s.warnings[0].starts_with(
                "/tmp/w.toml:4:10: [central.mandate] is set but central.mode = \"pilot\""
            ),
            "{:?}",
            s.warnings
        );
        let s = parse_scenario(
            "name = \"x\"\nmodel = \"bass\"\n[learning]\nrate = 0.1\n[si]\nbeta = 0.5\n",
            Path::new("/tmp/w.toml"),
        )
        .unwrap();
        assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
        assert!(
            s.warnings[0]
                .starts_with("/tmp/w.toml:3:2: [learning] is set but model = \"bass\" ignores it"),
            "{:?}",
            s.warnings
        );
        assert!(
            s.warnings[1].starts_with("/tmp/w.toml:5:2: [si] is set but model = \"bass\""),
            "{:?}",
            s.warnings
        );
        // A pilot table with pilot mode, and a mandate used by promotion: no warning.
        let s = parse_scenario(
            "name = \"x\"\n[central]\nmode = \"pilot\"\n[central.pilot]\nsites = 3\n[central.mandate]\nrate = 0.9\n",
            Path::new("/tmp/w.toml"),
        )
        .unwrap();
        assert!(s.warnings.is_empty(), "{:?}", s.warnings);
    }

    #[test]
    fn set_dotted_sets_and_validates() {
        let mut s = Scenario::default();
        s.set_dotted("central.mandate.rate", toml::Value::Float(0.7))
            .unwrap();
        assert_eq!(s.central.mandate.rate, 0.7);
        assert_eq!(
            s.get_dotted("central.mandate.rate"),
            Some(toml::Value::Float(0.7))
        );
        s.set_dotted_str("agents.learning", "{ dist = \"beta\", a = 2, b = 5 }")
            .unwrap();
        assert_eq!(
            s.agents.learning,
            TraitSpec::Dist(Distribution::Beta { a: 2.0, b: 5.0 })
        );
        s.set_dotted_str("agents.learning.a", "3").unwrap();
        assert_eq!(
            s.agents.learning,
            TraitSpec::Dist(Distribution::Beta { a: 3.0, b: 5.0 })
        );
        s.set_dotted_str("central.mode", "pilot").unwrap();
        assert_eq!(s.central.mode, CentralMode::Pilot);
        s.set_dotted_str("steps", "12").unwrap();
        assert_eq!(s.steps, 12);
        s.set_dotted_str("initial.share", "0.1").unwrap();
        assert_eq!(s.initial.share, Some(0.1));
        // A settings table updates only the keys it names.
        s.set_dotted_str("central.pilot", "{ sites = 3, selection = \"willing\" }")
            .unwrap();
        assert_eq!(s.central.pilot.sites, 3);
        assert_eq!(s.central.pilot.selection, Selection::Willing);
        assert_eq!(s.central.pilot.evaluate_after, 3);
        assert_eq!(s.get_dotted("initial.file"), None);
        assert_eq!(s.get_dotted("learning.rat"), None);
        // Warnings are recomputed.
        s.set_dotted_str("bass.p", "0.2").unwrap();
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(
            s.warnings[0].starts_with("[bass] is set but model = \"policy\""),
            "{:?}",
            s.warnings
        );

        let before = s.clone();
        let e =
            |s: &mut Scenario, k: &str, v: &str| s.set_dotted_str(k, v).unwrap_err().to_string();
        assert_eq!(
            e(&mut s, "learning.rat", "0.3"),
            "unknown key `learning.rat`; did you mean `learning.rate`?"
        );
        assert_eq!(
            e(&mut s, "lerning.rate", "0.3"),
            "unknown key `lerning`; did you mean `learning`?"
        );
        assert_eq!(
            e(&mut s, "innovation.rate", "2"),
            "key `innovation.rate`: must be in [0, 1], got 2"
        );
        assert_eq!(
            e(&mut s, "learning.rate", "fast"),
            "key `learning.rate`: expected a number, found string \"fast\""
        );
        assert_eq!(
            e(&mut s, "learning.rate.x", "1"),
            "unknown key `learning.rate.x`: `learning.rate` is a value (float), not a table"
        );
        assert_eq!(
            e(&mut s, "initial.count", "3"),
            "key `initial`: give at most one of count, share and file; got count and share"
        );
        assert!(e(&mut s, "learning..rate", "1").contains("not a dotted key"));
        assert_eq!(
            e(&mut s, "agents.fit", "{ from = \"fit\" }"),
            "key `agents.fit`: reads node-file column `fit`, but network.nodes (the node CSV) is not set"
        );
        assert_eq!(s, before, "a failed set leaves the scenario unchanged");
    }

    #[test]
    fn relative_paths_resolve_against_the_file_folder() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir(&data).unwrap();
        std::fs::write(data.join("edges.csv"), "source,target\n0,1\n").unwrap();
        let text = "name = \"x\"\n[network]\nkind = \"file\"\nedges = \"data/edges.csv\"\nnodes = \"data/../data/nodes.csv\"\n[initial]\nfile = \"/abs/ids.txt\"\n";
        let s = load_text(dir.path(), "s.toml", text).unwrap();
        let base = dir.path().to_path_buf();
        assert_eq!(s.base_dir, base);
        assert_eq!(
            s.source.as_deref(),
            Some(dir.path().join("s.toml").as_path())
        );
        // Relative: joined to the folder, `..` resolved by the text; absolute: unchanged.
        assert_eq!(
            s.network.edges.as_deref(),
            Some(base.join("data/edges.csv").as_path())
        );
        assert_eq!(
            s.network.nodes.as_deref(),
            Some(base.join("data/nodes.csv").as_path())
        );
        assert_eq!(s.initial.file.as_deref(), Some(Path::new("/abs/ids.txt")));
        // set_dotted resolves against the same folder.
        let mut s = s;
        s.set_dotted_str("network.nodes", "data/edges.csv").unwrap();
        assert_eq!(
            s.network.nodes.as_deref(),
            Some(base.join("data/edges.csv").as_path())
        );
    }

    #[test]
    fn paths_are_normalised_by_their_text() {
        let n = |p: &str| normalise(Path::new(p)).display().to_string();
        assert_eq!(n("/a/./b/../c.csv"), "/a/c.csv");
        assert_eq!(n("/../x"), "/x");
        assert_eq!(n("a/../../x"), "../x");
        assert_eq!(n("/a/b/"), "/a/b");
        assert_eq!(
            resolve_path(Path::new("/s"), Path::new("/abs/f")),
            Path::new("/abs/f")
        );
        assert_eq!(
            resolve_path(Path::new("/s/t"), Path::new("../d/f")),
            Path::new("/s/d/f")
        );
    }

    #[test]
    fn leading_key_finds_dotted_scenario_keys_only() {
        assert_eq!(
            leading_key("network.p = 2: must be"),
            Some("network.p".into())
        );
        assert_eq!(
            leading_key("key `central.pilot.sites`: must be"),
            Some("central.pilot.sites".into())
        );
        assert_eq!(
            leading_key("competition.rivals = \"x\""),
            Some("competition.rivals".into())
        );
        assert_eq!(
            leading_key("network.levels[1].count = 0 (level \"city\")"),
            Some("network.levels".into())
        );
        assert_eq!(leading_key("data.csv:3: bad"), None);
        assert_eq!(leading_key("/tmp/x.csv:3: bad"), None);
        assert_eq!(leading_key("--runs must be"), None);
    }
}
