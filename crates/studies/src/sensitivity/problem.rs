//! The parameters of a sensitivity analysis and their ranges: the `[sensitivity]` table of a
//! scenario file (or, without one, the ranges of its `[sweep]` table) and `--set KEY=LOW:HIGH`.

use super::{Method, DEFAULT_LEVELS, DEFAULT_RESAMPLES, DEFAULT_SAMPLES, DEFAULT_TRAJECTORIES};
use policysim_io::cells::{num, round_sig};
use policysim_io::scenario_files::read_scenario_text;
use policysim_model::error::{Error, Result};
use policysim_model::scenario::{parse_scenario_except, Scenario};
use std::path::Path;

/// Most bootstrap resamples.
const MAX_RESAMPLES: usize = 100_000;
/// Most Morris levels.
const MAX_LEVELS: usize = 1000;
/// Most points of one design.
const MAX_POINTS: usize = 10_000_000;

/// One parameter: a dotted key of the scenario and its range.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The dotted key, e.g. `learning.rate`.
    pub key: String,
    /// Lower end of the range.
    pub low: f64,
    /// Upper end of the range.
    pub high: f64,
    /// True for a whole-number key (both ends written as integers).
    pub integer: bool,
}

impl Parameter {
    /// The value at unit-cube coordinate `u`: `low + u (high - low)` (12 significant
    /// digits), or for integers `low + floor(u (high - low + 1))`, at most `high`, so that
    /// every whole number of the range is equally likely.
    pub fn value(&self, u: f64) -> toml::Value {
        if self.integer {
            let span = self.high - self.low + 1.0;
            let v = (self.low + (u * span).floor()).min(self.high);
            toml::Value::Integer(v as i64)
        } else {
            toml::Value::Float(round_sig(self.low + u * (self.high - self.low)))
        }
    }

    /// The range as written in messages: `[0.1, 0.9]`.
    pub fn range_text(&self) -> String {
        format!("[{}, {}]", num(self.low), num(self.high))
    }
}

/// What to analyse: the parameters, the method and its sizes.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The parameters in file order (then `--set` order).
    pub parameters: Vec<Parameter>,
    /// Sobol or Morris.
    pub method: Method,
    /// Sobol: base rows N.
    pub samples: usize,
    /// Morris: trajectories r.
    pub trajectories: usize,
    /// Morris: grid levels p.
    pub levels: usize,
    /// Bootstrap resamples of the intervals.
    pub resamples: usize,
    /// Warnings found while reading (a `[sweep]` table not used, ...).
    pub warnings: Vec<String>,
}

impl Default for Problem {
    fn default() -> Self {
        Problem {
            parameters: Vec::new(),
            method: Method::Sobol,
            samples: DEFAULT_SAMPLES,
            trajectories: DEFAULT_TRAJECTORIES,
            levels: DEFAULT_LEVELS,
            resamples: DEFAULT_RESAMPLES,
            warnings: Vec::new(),
        }
    }
}

impl Problem {
    /// Sets the range of a key (replacing it if the key is already a parameter).
    pub fn set(&mut self, p: Parameter) {
        match self.parameters.iter_mut().find(|q| q.key == p.key) {
            Some(q) => *q = p,
            None => self.parameters.push(p),
        }
    }

    /// Number of points of the design: N (k + 2) or r (k + 1).
    pub fn points(&self) -> usize {
        let k = self.parameters.len();
        match self.method {
            Method::Sobol => self.samples.saturating_mul(k + 2),
            Method::Morris => self.trajectories.saturating_mul(k + 1),
        }
    }

    /// Checks the sizes; returns warnings (N not a power of two).
    pub fn check(&self) -> Result<Vec<String>> {
        let k = self.parameters.len();
        if k == 0 {
            return Err(Error::Input(
                "nothing to analyse: add a [sensitivity] table with ranges, e.g. \"learning.rate\" = { low = 0.1, high = 0.9 }, or give --set KEY=LOW:HIGH".into(),
            ));
        }
        let mut warnings = Vec::new();
        match self.method {
            Method::Sobol => {
                if k > super::sobol::MAX_PARAMETERS {
                    return Err(Error::Input(format!(
                        "a Sobol' design of {k} parameters needs {} dimensions of the Sobol' sequence; at most {} parameters are supported (screen them with --method morris first)",
                        2 * k,
                        super::sobol::MAX_PARAMETERS
                    )));
                }
                if self.samples < 2 {
                    return Err(Error::Input(format!(
                        "--samples (sensitivity.samples) must be at least 2, found {}",
                        self.samples
                    )));
                }
                if !self.samples.is_power_of_two() {
                    warnings.push(format!(
                        "samples = {} is not a power of two; the Sobol' sequence is balanced for N = 2^m (e.g. {})",
                        self.samples,
                        self.samples.next_power_of_two()
                    ));
                }
            }
            Method::Morris => {
                if self.trajectories < 2 {
                    return Err(Error::Input(format!(
                        "--trajectories (sensitivity.trajectories) must be at least 2 (sigma needs two effects), found {}",
                        self.trajectories
                    )));
                }
                if self.levels < 2 || !self.levels.is_multiple_of(2) || self.levels > MAX_LEVELS {
                    return Err(Error::Input(format!(
                        "--levels (sensitivity.levels) must be an even number from 2 to {MAX_LEVELS} (Morris' step is p / (2 (p - 1)) levels), found {}",
                        self.levels
                    )));
                }
            }
        }
        if self.resamples == 0 || self.resamples > MAX_RESAMPLES {
            return Err(Error::Input(format!(
                "--resamples (sensitivity.resamples) must be from 1 to {MAX_RESAMPLES}, found {}",
                self.resamples
            )));
        }
        if self.points() > MAX_POINTS {
            return Err(Error::Input(format!(
                "the design has {} points (at most {MAX_POINTS}); use fewer samples or trajectories",
                self.points()
            )));
        }
        Ok(warnings)
    }
}

/// Reads a scenario file with a `[sensitivity]` (or `[sweep]`) table: the scenario and the problem.
pub fn load_problem(path: &Path) -> Result<(Scenario, Problem)> {
    let text = read_scenario_text(path)?;
    parse_problem(&text, path)
}

/// Parses scenario text with a `[sensitivity]` table, or without one the ranges of its
/// `[sweep]` table (each key from its smallest to its largest value); `path` names the file.
pub fn parse_problem(text: &str, path: &Path) -> Result<(Scenario, Problem)> {
    let scenario = parse_scenario_except(text, path, &["sensitivity", "sweep"])?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table: toml::Table = text
        .parse()
        .map_err(|e| Error::input_in(path, format!("invalid TOML: {e}")))?;
    let mut problem = Problem::default();
    if let Some(value) = table.get("sensitivity") {
        let at = |key: &str| place(path, text, "sensitivity", key);
        let toml::Value::Table(t) = value else {
            return Err(Error::Input(format!(
                "{}: `sensitivity` must be a table ([sensitivity]) of options and dotted keys with ranges",
                at("sensitivity")
            )));
        };
        for key in in_file_order(text, "sensitivity", t) {
            let v = &t[key];
            let count = |name: &str| -> Result<usize> {
                v.as_integer()
                    .filter(|&n| n >= 0)
                    .map(|n| n as usize)
                    .ok_or_else(|| {
                        Error::Input(format!(
                            "{}: `sensitivity.{name}` must be a whole number, found {}",
                            at(key),
                            crate::sweep::value_text(v)
                        ))
                    })
            };
            match key.as_str() {
                "method" => {
                    problem.method = v
                        .as_str()
                        .ok_or_else(|| "the method must be a string".to_string())
                        .and_then(Method::parse)
                        .map_err(|e| Error::Input(format!("{}: sensitivity.{e}", at(key))))?;
                }
                "samples" => problem.samples = count(key)?,
                "trajectories" => problem.trajectories = count(key)?,
                "levels" => problem.levels = count(key)?,
                "resamples" => problem.resamples = count(key)?,
                k if !k.contains('.') => {
                    return Err(Error::Input(format!(
                        "{}: unknown option `sensitivity.{k}` (allowed: method, samples, trajectories, levels, resamples, and dotted keys with ranges such as \"learning.rate\" = {{ low = 0.1, high = 0.9 }})",
                        at(key)
                    )));
                }
                _ => {
                    let p = range_of_table(key, v)
                        .and_then(|p| check_parameter(&scenario, p))
                        .map_err(|e| Error::Input(format!("{}: {e}", at(key))))?;
                    problem.set(p);
                }
            }
        }
    }
    if let Some(sweep) = table.get("sweep").and_then(toml::Value::as_table) {
        if problem.parameters.is_empty() {
            for key in in_file_order(text, "sweep", sweep) {
                if ["mode", "labels", "axis_labels", "color_range", "crn"].contains(&key.as_str()) {
                    continue;
                }
                let p = range_of_sweep(key, &sweep[key])
                    .and_then(|p| check_parameter(&scenario, p))
                    .map_err(|e| {
                        Error::Input(format!("{}: {e}", place(path, text, "sweep", key)))
                    })?;
                problem.set(p);
            }
        } else {
            problem.warnings.push(format!(
                "{}: the [sweep] table is not used: the [sensitivity] table gives the ranges",
                path.display()
            ));
        }
    }
    Ok((scenario, problem))
}

/// A range written `{ low = ..., high = ... }`.
fn range_of_table(key: &str, v: &toml::Value) -> std::result::Result<Parameter, String> {
    let example = "e.g. { low = 0.1, high = 0.9 }";
    let t = v
        .as_table()
        .ok_or_else(|| format!("`{key}`: a range must be written {example}"))?;
    if let Some(other) = t.keys().find(|k| !["low", "high"].contains(&k.as_str())) {
        return Err(format!(
            "`{key}`: unknown key `{other}` in a range (allowed: low, high; {example})"
        ));
    }
    let end = |name: &str| -> std::result::Result<(f64, bool), String> {
        match t.get(name) {
            Some(toml::Value::Float(x)) => Ok((*x, false)),
            Some(toml::Value::Integer(i)) => Ok((*i as f64, true)),
            Some(other) => Err(format!(
                "`{key}`: `{name}` must be a number, found {}",
                other.type_str()
            )),
            None => Err(format!("`{key}`: the range has no `{name}` ({example})")),
        }
    };
    let (low, li) = end("low")?;
    let (high, hi) = end("high")?;
    parameter(key, low, high, li && hi)
}

/// The range of a `[sweep]` key: from its smallest to its largest value.
fn range_of_sweep(key: &str, v: &toml::Value) -> std::result::Result<Parameter, String> {
    let values = crate::sweep::parse_values(v).map_err(|e| format!("sweep key `{key}`: {e}"))?;
    let mut nums = Vec::new();
    for x in &values {
        match x {
            toml::Value::Float(f) => nums.push(*f),
            toml::Value::Integer(i) => nums.push(*i as f64),
            other => {
                return Err(format!(
                    "sweep key `{key}` has the value {}, but a sensitivity range needs numbers; give the numeric keys' ranges in a [sensitivity] table, e.g. \"{key}\" = {{ low = 0.1, high = 0.9 }}",
                    crate::sweep::value_text(other)
                ))
            }
        }
    }
    let low = nums.iter().copied().fold(f64::INFINITY, f64::min);
    let high = nums.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    parameter(key, low, high, values.iter().all(toml::Value::is_integer))
}

/// A parameter whose range has been checked: finite, low below high.
fn parameter(
    key: &str,
    low: f64,
    high: f64,
    integer: bool,
) -> std::result::Result<Parameter, String> {
    if !(low.is_finite() && high.is_finite()) {
        return Err(format!("`{key}`: the range must be finite numbers"));
    }
    if low >= high {
        return Err(format!(
            "`{key}`: the range must have low < high, found low = {}, high = {}",
            num(low),
            num(high)
        ));
    }
    Ok(Parameter {
        key: key.to_string(),
        low,
        high,
        integer,
    })
}

/// Checks both ends of a range against the scenario (unknown key, wrong type, out of range).
fn check_parameter(base: &Scenario, mut p: Parameter) -> std::result::Result<Parameter, String> {
    // the key's type decides whether the range is of whole numbers, not how its ends are
    // written: `innovation.rate = 0:1` is the interval, `network.k = 2:8` whole numbers
    match base.get_dotted(&p.key) {
        Some(toml::Value::Float(_)) => p.integer = false,
        Some(toml::Value::Integer(_)) if p.low.fract() == 0.0 && p.high.fract() == 0.0 => {
            p.integer = true
        }
        _ => {}
    }
    for u in [0.0, 1.0] {
        let v = p.value(u);
        let mut s = base.clone();
        s.set_dotted(&p.key, v.clone()).map_err(|e| {
            format!(
                "`{}` over {}: at {}: {e}",
                p.key,
                p.range_text(),
                crate::sweep::value_text(&v)
            )
        })?;
    }
    Ok(p)
}

/// Parses `--set KEY=LOW:HIGH` and checks it against the scenario.
pub fn parse_range(arg: &str, base: &Scenario) -> Result<Parameter> {
    let bad = |m: String| Error::Input(format!("--set `{arg}`: {m}"));
    let Some((key, text)) = arg.split_once('=') else {
        return Err(bad(
            "expected KEY=LOW:HIGH, e.g. learning.rate=0.1:0.9".into()
        ));
    };
    let key = key.trim();
    if key.is_empty() {
        return Err(bad("the key is empty".into()));
    }
    let parts: Vec<&str> = text.split(':').map(str::trim).collect();
    let [low, high] = parts[..] else {
        return Err(bad(
            "expected KEY=LOW:HIGH (two numbers separated by a colon), e.g. learning.rate=0.1:0.9"
                .into(),
        ));
    };
    let number = |s: &str| -> Result<f64> {
        s.parse::<f64>()
            .map_err(|_| bad(format!("`{s}` is not a number")))
    };
    let integer = low.parse::<i64>().is_ok() && high.parse::<i64>().is_ok();
    let p = parameter(key, number(low)?, number(high)?, integer).map_err(bad)?;
    check_parameter(base, p).map_err(bad)
}

/// The keys of `table` (the table `name` of the file) in the order they are written.
fn in_file_order<'a>(text: &str, name: &str, table: &'a toml::Table) -> Vec<&'a String> {
    let order: Vec<String> = toml::de::DeTable::parse(text)
        .ok()
        .and_then(|doc| {
            let t = doc.get_ref().get(name)?.get_ref().as_table()?;
            let mut keys: Vec<(usize, String)> = t
                .iter()
                .map(|(k, _)| (k.span().start, k.get_ref().to_string()))
                .collect();
            keys.sort();
            Some(keys.into_iter().map(|(_, k)| k).collect())
        })
        .unwrap_or_default();
    let mut keys: Vec<&String> = table.keys().collect();
    keys.sort_by_key(|k| order.iter().position(|o| o == *k).unwrap_or(usize::MAX));
    keys
}

/// `FILE:LINE` of a key of the table `table` (or of the table itself), else `FILE`.
fn place(path: &Path, text: &str, table: &str, key: &str) -> String {
    let header = format!("[{table}");
    let quoted = format!("\"{key}\"");
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            inside = l.starts_with(&header);
            if inside && key == table {
                return format!("{}:{}", path.display(), i + 1);
            }
            continue;
        }
        if inside
            && (l.starts_with(&quoted)
                || l.starts_with(&format!("{key} "))
                || l.starts_with(&format!("{key}=")))
        {
            return format!("{}:{}", path.display(), i + 1);
        }
    }
    path.display().to_string()
}
