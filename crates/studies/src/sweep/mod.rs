//! Parameter sweeps: a `[sweep]` table in a scenario file (or `--set` options) names dotted
//! keys and their values; every combination (`grid`) or every position (`zip`) is a point,
//! and every point is one ensemble.
//!
//! The file format (documented for users in `docs/sweeps.md`):
//!
//! ```toml
//! [sweep]
//! mode = "grid"                                         # or "zip"
//! "central.recognition" = { from = 0.0, to = 1.0, step = 0.25 }
//! "learning.rate" = [0.1, 0.3]
//! "agents.learning" = [ { dist = "beta", a = 2, b = 5 }, { dist = "beta", a = 5, b = 2 } ]
//!
//! color_range = [0.0, 1.0]                             # optional: fix the map's colour scale
//!
//! [sweep.labels]             # quadrants of a two-key map: "<x>,<y>" with low/high
//! "low,high" = "争先模式\ncompetition for first"
//!
//! [sweep.axis_labels]        # optional readable axis names, one language or en and zh
//! "central.recognition" = { en = "Central recognition", zh = "中央表彰" }
//! ```
//!
//! Points are numbered from 0; in grid mode the first key varies slowest. By default every
//! point runs with the sweep's own master seed (common random numbers): run r of every
//! point starts from the same stream `run_rng(seed, r)`, so points are paired run by run
//! and a point equals `policysim run` of its resolved scenario with that seed. With
//! `crn = false` (or `--independent`) point `i` runs with master seed
//! [`policysim_model::rng::point_seed`]`(seed, i)` instead. Either way a point's results do not
//! depend on the other points; the network (unless `network.redraw`) is drawn from the
//! scenario's own seed, so every point sees the same network.

pub mod baseline;
pub mod chart;
mod exec;
mod heatmap;
mod integrity;
pub use integrity::list_paths;
mod merge;
mod row;
pub mod study;
mod tables;
pub use tables::{PARQUET_FILES, POINT_TABLES};
mod values;
use values::{parse_axis_labels, parse_color_range, parse_labels};
pub use values::{parse_set, parse_values, range};

pub use exec::{
    kept_warning, run_sweep, tick_position, Shard, SweepOptions, SweepReport, SWEEP_CSV,
    SWEEP_JSON, SWEEP_PARQUET, SWEEP_TOML,
};
pub use integrity::{fingerprint, fingerprint_bytes};
pub use merge::{merge, FinishStep, MergeOptions, MergeReport};
pub use row::{sweep_header, sweep_row};

use policysim_io::scenario_files::read_scenario_text;
use policysim_model::error::{Error, Result};
use policysim_model::scenario::{parse_scenario_except, toml_key, Scenario};
use std::path::Path;

/// Largest number of values one range may produce.
pub const MAX_RANGE_VALUES: usize = 1_000_000;

/// How the swept keys combine into points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SweepMode {
    /// Every combination of the keys' values (the first key varies slowest).
    #[default]
    Grid,
    /// The keys' lists paired position by position (equally long; a single value goes with every position).
    Zip,
}

impl SweepMode {
    /// The name used in files and options: `grid` or `zip`.
    pub fn name(self) -> &'static str {
        match self {
            SweepMode::Grid => "grid",
            SweepMode::Zip => "zip",
        }
    }

    /// Parses `grid` or `zip`.
    pub fn parse(s: &str) -> Result<SweepMode> {
        match s {
            "grid" => Ok(SweepMode::Grid),
            "zip" => Ok(SweepMode::Zip),
            other => Err(Error::Input(format!(
                "sweep mode must be \"grid\" (all combinations) or \"zip\" (paired lists), found \"{other}\""
            ))),
        }
    }
}

/// A text placed on one quadrant of a two-key map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuadrantLabel {
    /// True for the high half of the first key (horizontal axis).
    pub x_high: bool,
    /// True for the high half of the second key (vertical axis).
    pub y_high: bool,
    /// The text (any language; `\n` separates lines).
    pub text: String,
}

/// A readable name for the axis of a swept key, in English and Chinese (a name given in
/// one language only is used for both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxisLabel {
    /// The swept dotted key.
    pub key: String,
    /// The English name.
    pub en: String,
    /// The Chinese name.
    pub zh: String,
}

/// A sweep definition: keys, their values, how they combine, and map labels.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sweep {
    /// The swept dotted keys, in column order.
    pub keys: Vec<String>,
    /// The values of each key (same order as `keys`).
    pub values: Vec<Vec<toml::Value>>,
    /// Grid or zip.
    pub mode: SweepMode,
    /// Quadrant labels for a two-key map.
    pub labels: Vec<QuadrantLabel>,
    /// Readable axis names of swept keys (`[sweep.axis_labels]`).
    pub axis_labels: Vec<AxisLabel>,
    /// A fixed colour scale (low, high) for the maps (`color_range`); None: the data's range.
    pub color_range: Option<(f64, f64)>,
    /// Points use independent seeds ([`policysim_model::rng::point_seed`]) instead of common random
    /// numbers (`crn = false` in `[sweep]`, `--independent`).
    pub independent: bool,
}

impl Sweep {
    /// Sets the values of a key (replacing the key's values if it is already swept).
    pub fn set(&mut self, key: &str, values: Vec<toml::Value>) {
        match self.keys.iter().position(|k| k == key) {
            Some(i) => self.values[i] = values,
            None => {
                self.keys.push(key.to_string());
                self.values.push(values);
            }
        }
    }

    /// The master seed of point `index` in a sweep with master seed `seed`: the sweep's own
    /// seed (common random numbers), or [`policysim_model::rng::point_seed`] with independent points.
    pub fn point_seed(&self, seed: u64, index: usize) -> u64 {
        if self.independent {
            policysim_model::rng::point_seed(seed, index as u64)
        } else {
            seed
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        if self.keys.is_empty() {
            return 0;
        }
        match self.mode {
            SweepMode::Grid => self
                .values
                .iter()
                .map(Vec::len)
                .try_fold(1usize, |a, n| a.checked_mul(n))
                .unwrap_or(usize::MAX),
            SweepMode::Zip => self.values.iter().map(Vec::len).max().unwrap_or(0),
        }
    }

    /// True when the sweep has no point.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks that the sweep has keys and values and, in zip mode, equally long lists.
    pub fn check(&self) -> Result<()> {
        if self.keys.is_empty() {
            return Err(Error::Input(
                "nothing to sweep: add a [sweep] table to the scenario file or give --set KEY=VALUES"
                    .into(),
            ));
        }
        for (k, v) in self.keys.iter().zip(&self.values) {
            if v.is_empty() {
                return Err(Error::Input(format!("sweep key `{k}` has no values")));
            }
            // every point's runs use the scenario's seed and run count: a swept `seed` or
            // `runs` would give identical points labelled with different values
            if k == "seed" || k == "runs" {
                return Err(Error::Input(format!(
                    "sweep key `{k}`: every point runs the same `runs` runs from streams of the scenario's `seed` and the point's index; give it once with --{k}, and sweep the model's keys"
                )));
            }
        }
        if self.mode == SweepMode::Zip {
            // A single value goes with every position; other lists must be equally long.
            let lists: Vec<(&String, usize)> = self
                .keys
                .iter()
                .zip(&self.values)
                .map(|(k, v)| (k, v.len()))
                .filter(|&(_, n)| n > 1)
                .collect();
            if let Some(&(k, n)) = lists.iter().find(|(_, n)| *n != lists[0].1) {
                return Err(Error::Input(format!(
                    "sweep mode \"zip\" pairs the lists position by position, but `{}` has {} values and `{k}` has {n}",
                    lists[0].0, lists[0].1
                )));
            }
        }
        if self.len() > u32::MAX as usize {
            return Err(Error::Input(format!(
                "the sweep has more than {} points; split it",
                u32::MAX
            )));
        }
        Ok(())
    }

    /// The values of point `index` (one per key).
    pub fn point(&self, index: usize) -> Vec<toml::Value> {
        let lens: Vec<usize> = self.values.iter().map(Vec::len).collect();
        point_positions(&lens, self.mode, index)
            .into_iter()
            .zip(&self.values)
            .map(|(i, v)| v[i].clone())
            .collect()
    }

    /// The scenario of point `index`: `base` with the point's values set.
    pub fn point_scenario(&self, base: &Scenario, index: usize) -> Result<Scenario> {
        let mut s = base.clone();
        for (key, value) in self.keys.iter().zip(self.point(index)) {
            s.set_dotted(key, value.clone()).map_err(|e| {
                Error::Input(format!(
                    "sweep point {index}, `{key}` = {}: {e}",
                    value_text(&value)
                ))
            })?;
        }
        Ok(s)
    }

    /// The sweep as a TOML `[sweep]` section (explicit lists), readable by [`parse_sweep`].
    pub fn to_toml(&self) -> String {
        let mut sweep = toml::Table::new();
        sweep.insert("mode".into(), toml::Value::String(self.mode.name().into()));
        sweep.insert("crn".into(), toml::Value::Boolean(!self.independent));
        if let Some((lo, hi)) = self.color_range {
            sweep.insert(
                "color_range".into(),
                toml::Value::Array(vec![toml::Value::Float(lo), toml::Value::Float(hi)]),
            );
        }
        for (k, v) in self.keys.iter().zip(&self.values) {
            sweep.insert(k.clone(), toml::Value::Array(v.clone()));
        }
        let mut out = String::from("[sweep]\n");
        for (k, v) in &sweep {
            out.push_str(&format!(
                "{} = {}\n",
                toml_key(k),
                toml::Value::to_string(v)
            ));
        }
        if !self.labels.is_empty() {
            out.push_str("\n[sweep.labels]\n");
            for l in &self.labels {
                let key = format!("{},{}", side(l.x_high), side(l.y_high));
                out.push_str(&format!(
                    "{} = {}\n",
                    toml_key(&key),
                    toml::Value::String(l.text.clone())
                ));
            }
        }
        if !self.axis_labels.is_empty() {
            out.push_str("\n[sweep.axis_labels]\n");
            for l in &self.axis_labels {
                let mut t = toml::Table::new();
                t.insert("en".into(), toml::Value::String(l.en.clone()));
                t.insert("zh".into(), toml::Value::String(l.zh.clone()));
                out.push_str(&format!(
                    "{} = {}\n",
                    toml_key(&l.key),
                    toml::Value::Table(t)
                ));
            }
        }
        out
    }
}

/// The position of point `index` in the list of values of every key (lists of `lens`
/// values): in a grid the first key varies slowest; in a zip a single value goes with
/// every position.
pub fn point_positions(lens: &[usize], mode: SweepMode, index: usize) -> Vec<usize> {
    match mode {
        SweepMode::Zip => lens
            .iter()
            .map(|&n| if n == 1 { 0 } else { index })
            .collect(),
        SweepMode::Grid => {
            let mut rest = index;
            let mut out = vec![0; lens.len()];
            for (k, &n) in lens.iter().enumerate().rev() {
                out[k] = rest % n.max(1);
                rest /= n.max(1);
            }
            out
        }
    }
}

fn side(high: bool) -> &'static str {
    if high {
        "high"
    } else {
        "low"
    }
}

/// A value as text for CSV cells and labels: numbers in shortest form, strings bare,
/// distributions as `beta(a=2, b=5)`, other tables and arrays as inline TOML.
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::Float(x) => policysim_io::cells::num(*x),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::String(s) => s.clone(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Table(t) if t.get("dist").is_some_and(|d| d.is_str()) => {
            let params: Vec<String> = t
                .iter()
                .filter(|(k, _)| k.as_str() != "dist")
                .map(|(k, v)| format!("{k}={}", value_text(v)))
                .collect();
            format!("{}({})", value_text(&t["dist"]), params.join(", "))
        }
        other => other.to_string(),
    }
}

/// Reads a scenario file with an optional `[sweep]` table: the scenario and the sweep.
pub fn load_sweep(path: &Path) -> Result<(Scenario, Sweep)> {
    let text = read_scenario_text(path)?;
    parse_sweep(&text, path)
}

/// Parses scenario text with an optional `[sweep]` table (`path` names the file in messages).
pub fn parse_sweep(text: &str, path: &Path) -> Result<(Scenario, Sweep)> {
    let mut scenario = parse_scenario_except(
        text,
        path,
        &policysim_io::scenario_files::STUDY_TABLES.map(|(t, _)| t),
    )?;
    policysim_io::scenario_files::warn_of_study_tables(&mut scenario, text, path, Some("sweep"));
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let table: toml::Table = text
        .parse()
        .map_err(|e| Error::input_in(path, format!("invalid TOML: {e}")))?;
    let mut sweep = Sweep::default();
    let Some(value) = table.get("sweep") else {
        return Ok((scenario, sweep));
    };
    let at = |key: &str| -> String {
        match key_line(text, key) {
            Some(line) => format!("{}:{line}", path.display()),
            None => path.display().to_string(),
        }
    };
    let toml::Value::Table(t) = value else {
        return Err(Error::Input(format!(
            "{}: `sweep` must be a table ([sweep]) of dotted keys and their values",
            at("sweep")
        )));
    };
    // Keys in file order (the TOML table is sorted by name): columns follow the file.
    let mut keys: Vec<&String> = t.keys().collect();
    let order = file_order(text);
    keys.sort_by_key(|k| order.iter().position(|o| o == *k).unwrap_or(usize::MAX));
    for key in keys {
        let v = &t[key];
        match key.as_str() {
            "mode" => {
                let m = v.as_str().ok_or_else(|| {
                    Error::Input(format!(
                        "{}: `sweep.mode` must be \"grid\" or \"zip\"",
                        at("mode")
                    ))
                })?;
                sweep.mode = SweepMode::parse(m)
                    .map_err(|e| Error::Input(format!("{}: {e}", at("mode"))))?;
            }
            "crn" => {
                let crn = v.as_bool().ok_or_else(|| {
                    Error::Input(format!(
                        "{}: `sweep.crn` must be true (common random numbers: every point runs with the sweep's seed, the default) or false (independent points), found {}",
                        at("crn"),
                        value_text(v)
                    ))
                })?;
                sweep.independent = !crn;
            }
            "labels" => {
                sweep.labels = parse_labels(v)
                    .map_err(|e| Error::Input(format!("{}: `sweep.labels`: {e}", at("labels"))))?;
            }
            "axis_labels" => {
                sweep.axis_labels = parse_axis_labels(v).map_err(|e| {
                    Error::Input(format!("{}: `sweep.axis_labels`: {e}", at("axis_labels")))
                })?;
            }
            "color_range" => {
                sweep.color_range = Some(parse_color_range(v).map_err(|e| {
                    Error::Input(format!("{}: `sweep.color_range`: {e}", at("color_range")))
                })?);
            }
            _ => {
                let values = parse_values(v)
                    .map_err(|e| Error::Input(format!("{}: sweep key `{key}`: {e}", at(key))))?;
                check_values(&scenario, key, &values)
                    .map_err(|e| Error::Input(format!("{}: {e}", at(key))))?;
                sweep.set(key, values);
            }
        }
    }
    if let Some(l) = sweep
        .axis_labels
        .iter()
        .find(|l| !sweep.keys.contains(&l.key))
    {
        return Err(Error::Input(format!(
            "{}: `sweep.axis_labels`: \"{}\" is not a swept key of this file (swept: {})",
            at("axis_labels"),
            l.key,
            sweep.keys.join(", ")
        )));
    }
    Ok((scenario, sweep))
}

/// Checks every value of a key against the scenario (unknown key, wrong type, out of range).
pub fn check_values(base: &Scenario, key: &str, values: &[toml::Value]) -> Result<()> {
    for v in values {
        let mut s = base.clone();
        s.set_dotted(key, v.clone())
            .map_err(|e| Error::Input(format!("sweep key `{key}` = {}: {e}", value_text(v))))?;
    }
    Ok(())
}

/// The keys of the `[sweep]` table in the order they are written.
fn file_order(text: &str) -> Vec<String> {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return Vec::new();
    };
    let Some(sweep) = doc.get_ref().get("sweep") else {
        return Vec::new();
    };
    let Some(table) = sweep.get_ref().as_table() else {
        return Vec::new();
    };
    let mut keys: Vec<(usize, String)> = table
        .iter()
        .map(|(k, _)| (k.span().start, k.get_ref().to_string()))
        .collect();
    keys.sort();
    keys.into_iter().map(|(_, k)| k).collect()
}

/// The 1-based line where a key of the `[sweep]` table (or the table itself) is written.
fn key_line(text: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    let mut in_sweep = false;
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.starts_with('[') {
            in_sweep = l.starts_with("[sweep");
            if key == "sweep" && in_sweep {
                return Some(i + 1);
            }
            if key == "labels" && l.starts_with("[sweep.labels") {
                return Some(i + 1);
            }
            if key == "axis_labels" && l.starts_with("[sweep.axis_labels") {
                return Some(i + 1);
            }
            continue;
        }
        if in_sweep
            && (l.starts_with(&quoted)
                || l.starts_with(&format!("{key} "))
                || l.starts_with(&format!("{key}=")))
        {
            return Some(i + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_and_colour_range_parse_and_bad_ones_name_the_line() {
        let ok = "name = \"t\"\n[sweep]\ncolor_range = [0, 1]\n\"learning.rate\" = [0.1, 0.3]\n\n[sweep.axis_labels]\n\"learning.rate\" = { en = \"Learning\", zh = \"学习\" }\n";
        let (_, sweep) = parse_sweep(ok, Path::new("s.toml")).unwrap();
        assert_eq!(sweep.color_range, Some((0.0, 1.0)));
        assert_eq!(sweep.axis_labels[0].zh, "学习");
        // what the sweep writes down reads back the same
        let again = format!("name = \"t\"\n{}", sweep.to_toml());
        assert_eq!(parse_sweep(&again, Path::new("s.toml")).unwrap().1, sweep);
        let err = |text: &str| {
            parse_sweep(text, Path::new("s.toml"))
                .unwrap_err()
                .to_string()
        };
        let e = err(
            "[sweep]\n\"learning.rate\" = [0.1]\n[sweep.axis_labels]\n\"learning.rat\" = \"L\"\n",
        );
        assert!(
            e.contains("s.toml:3") && e.contains("learning.rat") && e.contains("not a swept key"),
            "{e}"
        );
        let e = err("[sweep]\n\"learning.rate\" = [0.1]\n[sweep.axis_labels]\n\"learning.rate\" = { fr = \"L\" }\n");
        assert!(e.contains("unknown language `fr`"), "{e}");
        let e = err("[sweep]\ncolor_range = [1, 0]\n\"learning.rate\" = [0.1]\n");
        assert!(e.contains("s.toml:2") && e.contains("low < high"), "{e}");
    }

    #[test]
    fn grid_points_put_the_first_key_slowest() {
        let mut s = Sweep::default();
        s.set("a", vec![1.into(), 2.into()]);
        s.set("b", vec![10.into(), 20.into(), 30.into()]);
        assert_eq!(s.len(), 6);
        assert_eq!(s.point(0), vec![1.into(), 10.into()]);
        assert_eq!(s.point(1), vec![1.into(), 20.into()]);
        assert_eq!(s.point(3), vec![2.into(), 10.into()]);
        s.mode = SweepMode::Zip;
        assert!(s.check().is_err());
        s.set("b", vec![10.into()]);
        s.check().unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s.point(1), vec![2.into(), 10.into()]);
    }
}
