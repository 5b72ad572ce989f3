//! Reading the files of a results folder (`curves.csv`, `summary.json`, `hazard.csv`,
//! `map.csv`, `map_edges.csv`) into plain data for the charts.

use super::title::Heading;
use policysim_io::csv_input::{csv_error, read_csv, CsvLayout, CsvReader};
use policysim_model::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One step of one series: the spread over runs (absent where the file cell is empty).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CurvePoint {
    /// The step (0 = initial state).
    pub step: u32,
    /// Mean over runs.
    pub mean: Option<f64>,
    /// Standard deviation over runs.
    pub sd: Option<f64>,
    /// 5% quantile over runs.
    pub p05: Option<f64>,
    /// Median over runs.
    pub p50: Option<f64>,
    /// 95% quantile over runs.
    pub p95: Option<f64>,
}

/// All series of `curves.csv`, by name, each sorted by step.
#[derive(Debug, Clone, Default)]
pub struct Curves {
    /// Series name -> points sorted by step.
    pub series: BTreeMap<String, Vec<CurvePoint>>,
}

impl Curves {
    /// The points of a series, if present.
    pub fn get(&self, name: &str) -> Option<&[CurvePoint]> {
        self.series.get(name).map(|v| v.as_slice())
    }

    /// The names (after the prefix) of series that start with `prefix`, sorted.
    pub fn with_prefix(&self, prefix: &str) -> Vec<String> {
        self.series
            .keys()
            .filter_map(|k| k.strip_prefix(prefix).map(str::to_string))
            .collect()
    }

    /// The last step in any series.
    pub fn max_step(&self) -> u32 {
        self.series
            .values()
            .filter_map(|v| v.last().map(|p| p.step))
            .max()
            .unwrap_or(0)
    }
}

pub(super) fn cell(path: &Path, line: u64, column: &str, text: &str) -> Result<Option<f64>> {
    let t = text.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    let v: f64 = t.parse().map_err(|_| {
        Error::input_in(
            path,
            format!("line {line}: column `{column}` is not a number: `{t}`"),
        )
    })?;
    Ok(if v.is_finite() { Some(v) } else { None })
}

fn header_index(path: &Path, headers: &csv::StringRecord, names: &[&str]) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            headers.iter().position(|h| h.trim() == *n).ok_or_else(|| {
                Error::input_in(
                    path,
                    format!(
                        "line 1: missing column `{n}` (expected header {})",
                        names.join(",")
                    ),
                )
            })
        })
        .collect()
}

fn open_csv(path: &Path) -> Result<CsvReader> {
    read_csv(
        path,
        "a table of a policysim results folder",
        CsvLayout::default(),
    )
}

/// Reads `curves.csv` (`step,series,mean,sd,p05,p50,p95`). A missing file, a missing
/// column, a bad number or a duplicated (series, step) is an input error naming the
/// file and line.
pub fn read_curves(path: &Path) -> Result<Curves> {
    const COLS: [&str; 7] = ["step", "series", "mean", "sd", "p05", "p50", "p95"];
    let mut rdr = open_csv(path)?;
    let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    let idx = header_index(path, &headers, &COLS)?;
    let mut curves = Curves::default();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: usize| rec.get(idx[i]).unwrap_or("");
        let step: u32 = get(0).trim().parse().map_err(|_| {
            Error::input_in(
                path,
                format!(
                    "line {line}: `step` must be a whole number >= 0, got `{}`",
                    get(0)
                ),
            )
        })?;
        let name = get(1).trim();
        if name.is_empty() {
            return Err(Error::input_in(
                path,
                format!("line {line}: empty `series`"),
            ));
        }
        let p = CurvePoint {
            step,
            mean: cell(path, line, "mean", get(2))?,
            sd: cell(path, line, "sd", get(3))?,
            p05: cell(path, line, "p05", get(4))?,
            p50: cell(path, line, "p50", get(5))?,
            p95: cell(path, line, "p95", get(6))?,
        };
        curves.series.entry(name.to_string()).or_default().push(p);
    }
    for (name, points) in curves.series.iter_mut() {
        points.sort_by_key(|p| p.step);
        if let Some(w) = points.windows(2).find(|w| w[0].step == w[1].step) {
            return Err(Error::input_in(
                path,
                format!("series `{name}` has two rows for step {}", w[0].step),
            ));
        }
    }
    if curves.series.is_empty() {
        return Err(Error::input_in(path, "no data rows"));
    }
    Ok(curves)
}

/// Mean, spread and quantiles of one per-run figure in `summary.json`.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Stat {
    /// Mean.
    pub mean: Option<f64>,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci_high: Option<f64>,
    /// Standard deviation.
    pub sd: Option<f64>,
    /// 5% quantile.
    pub p05: Option<f64>,
    /// Median.
    pub p50: Option<f64>,
    /// 95% quantile.
    pub p95: Option<f64>,
    /// Number of runs it is computed over.
    pub n: Option<f64>,
}

/// A censored time in `summary.json` (t10, t50, t90): share of runs that reached the
/// level, Kaplan–Meier median with its 95% CI, and statistics over the runs that reached it.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct TimeStat {
    /// Share of runs that reached the level.
    pub reached: Option<f64>,
    /// Number of runs that reached the level.
    pub runs_reached: Option<f64>,
    /// Kaplan–Meier median (null when fewer than half of the runs reached the level).
    pub km_median: Option<f64>,
    /// Lower end of the median's 95% confidence interval.
    pub km_median_ci_low: Option<f64>,
    /// Upper end of the median's 95% confidence interval.
    pub km_median_ci_high: Option<f64>,
    /// Statistics over the runs that reached the level.
    pub if_reached: Option<Stat>,
}

/// The fields of `summary.json` the charts use (unknown fields are ignored).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Summary {
    /// Scenario name (a title only where the description gives none: [`Summary::heading`]).
    pub scenario: String,
    /// Scenario description.
    pub description: String,
    /// Scenario description in Chinese (empty when the scenario gives none).
    pub description_zh: String,
    /// Number of runs.
    pub runs: Option<u64>,
    /// Number of steps.
    pub steps: Option<u64>,
    /// Number of governments.
    pub n: Option<u64>,
    /// Unit of one step (e.g. `year`).
    pub time_unit: Option<String>,
    /// Calendar year of step 0, if any.
    pub start_year: Option<f64>,
    /// Final adopted share.
    pub final_share: Option<Stat>,
    /// Steps to 10% adoption.
    pub t10: Option<TimeStat>,
    /// Steps to 50% adoption.
    pub t50: Option<TimeStat>,
    /// Steps to 90% adoption.
    pub t90: Option<TimeStat>,
    /// Share of adopters per channel.
    pub channel_shares: BTreeMap<String, Option<Stat>>,
    /// Promotion step (pilot scenarios).
    pub promoted_at: Option<Stat>,
    /// Evaluation bias (pilot scenarios).
    pub evaluation_bias: Option<Stat>,
    /// Final mean quality of adopters.
    pub final_mean_quality: Option<Stat>,
    /// The centre's mode (`none`, `pilot`, `uptake`, ...).
    pub central_mode: Option<String>,
}

impl Summary {
    /// The time unit, `step` when not given.
    pub fn unit(&self) -> &str {
        self.time_unit
            .as_deref()
            .filter(|u| !u.is_empty())
            .unwrap_or("step")
    }

    /// The x value shown for `step`: the calendar year when `start_year` is set.
    pub fn x_of(&self, step: f64) -> f64 {
        self.start_year.map_or(step, |y| y + step)
    }
}

/// Reads `summary.json`; `Ok(None)` when the file does not exist.
pub fn read_summary(path: &Path) -> Result<Option<Summary>> {
    let bytes = match policysim_io::capped_read::read_limited(
        path,
        policysim_io::capped_read::MAX_SCENARIO_BYTES,
    ) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let text = String::from_utf8_lossy(&bytes);
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| Error::input_in(path, format!("line {}: {e}", e.line())))
}

/// One row of `hazard.csv`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HazardRow {
    /// Number of neighbours that had adopted.
    pub neighbours_adopted: u32,
    /// Government-steps at risk with that many adopting neighbours.
    pub at_risk: f64,
    /// Adoptions among them.
    pub adoptions: f64,
    /// adoptions / at_risk.
    pub hazard: Option<f64>,
}

/// Reads a CSV file that may be absent: the cells of columns `cols` per row (a name
/// ending in `?` is an optional column: its cells are empty when the header lacks it,
/// as in files written by earlier versions).
pub(super) fn read_optional<T>(
    path: &Path,
    cols: &[&str],
    mut row: impl FnMut(u64, &[&str]) -> Result<T>,
) -> Result<Option<Vec<T>>> {
    if !path.exists() {
        return Ok(None);
    }
    let mut rdr = open_csv(path)?;
    let headers = rdr.headers().map_err(|e| csv_error(path, &e))?.clone();
    let required: Vec<&str> = cols.iter().filter(|c| !c.ends_with('?')).copied().collect();
    header_index(path, &headers, &required)?;
    let idx: Vec<usize> = cols
        .iter()
        .map(|c| {
            let c = c.trim_end_matches('?');
            headers
                .iter()
                .position(|h| h.trim() == c)
                .unwrap_or(usize::MAX)
        })
        .collect();
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(path, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let cells: Vec<&str> = idx
            .iter()
            .map(|&i| rec.get(i).unwrap_or("").trim())
            .collect();
        out.push(row(line, &cells)?);
    }
    Ok(Some(out))
}

pub(super) fn whole(path: &Path, line: u64, column: &str, t: &str) -> Result<u32> {
    t.parse().map_err(|_| {
        Error::input_in(
            path,
            format!("line {line}: `{column}` must be a whole number, got `{t}`"),
        )
    })
}

/// Reads `hazard.csv`; `Ok(None)` when the file does not exist.
pub fn read_hazard(path: &Path) -> Result<Option<Vec<HazardRow>>> {
    read_optional(
        path,
        &["neighbours_adopted", "at_risk", "adoptions", "hazard"],
        |line, c| {
            Ok(HazardRow {
                neighbours_adopted: whole(path, line, "neighbours_adopted", c[0])?,
                at_risk: cell(path, line, "at_risk", c[1])?.unwrap_or(0.0),
                adoptions: cell(path, line, "adoptions", c[2])?.unwrap_or(0.0),
                hazard: cell(path, line, "hazard", c[3])?,
            })
        },
    )
}

/// One year of observed adoptions (`observed.csv`, written by `run --observed`).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedPoint {
    /// Step (0 = the start year).
    pub step: f64,
    /// Share of all units adopted by then.
    pub share: f64,
}

/// Reads `observed.csv`; `Ok(None)` when the file does not exist.
pub fn read_observed_share(path: &Path) -> Result<Option<Vec<ObservedPoint>>> {
    read_optional(
        path,
        &["step", "year", "observed_adopters", "observed_share"],
        |line, c| {
            Ok(ObservedPoint {
                step: whole(path, line, "step", c[0])? as f64,
                share: cell(path, line, "observed_share", c[3])?.ok_or_else(|| {
                    Error::input_in(path, format!("line {line}: `observed_share` is empty"))
                })?,
            })
        },
    )
}

/// One government on the map (`map.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct MapNode {
    /// Node index.
    pub node: u32,
    /// Name.
    pub name: String,
    /// X coordinate.
    pub x: f64,
    /// Y coordinate.
    pub y: f64,
    /// Region (may be empty).
    pub region: String,
    /// Level (may be empty).
    pub level: String,
    /// Step of adoption in the representative run; `None` = never adopted.
    pub adopted_step: Option<f64>,
    /// Short label drawn on the map (the node file's `name`, e.g. a postal code; may be empty).
    pub label: String,
}

/// Reads `map.csv`; `Ok(None)` when the file does not exist.
pub fn read_map(path: &Path) -> Result<Option<Vec<MapNode>>> {
    read_optional(
        path,
        &[
            "node",
            "name",
            "x",
            "y",
            "region",
            "level",
            "adopted_step",
            "label?",
        ],
        |line, c| {
            let coord = |i: usize, name: &str| {
                cell(path, line, name, c[i])?
                    .ok_or_else(|| Error::input_in(path, format!("line {line}: `{name}` is empty")))
            };
            Ok(MapNode {
                node: whole(path, line, "node", c[0])?,
                name: c[1].to_string(),
                x: coord(2, "x")?,
                y: coord(3, "y")?,
                region: c[4].to_string(),
                level: c[5].to_string(),
                adopted_step: cell(path, line, "adopted_step", c[6])?,
                label: c[7].to_string(),
            })
        },
    )
}

/// Reads `map_edges.csv` (`source,target` node indices); `Ok(None)` when absent.
pub fn read_map_edges(path: &Path) -> Result<Option<Vec<(u32, u32)>>> {
    read_optional(path, &["source", "target"], |line, c| {
        Ok((
            whole(path, line, "source", c[0])?,
            whole(path, line, "target", c[1])?,
        ))
    })
}

impl Summary {
    /// What a run chart's title starts with in `lang`: the first clause of the scenario's
    /// description (its Chinese one in Chinese, when given), else the scenario's name.
    ///
    /// # Examples
    /// ```
    /// use policysim_charts::Lang;
    /// let mut s = policysim_charts::read::Summary::default();
    /// s.scenario = "us_states".into();
    /// assert_eq!(s.heading(Lang::En), "us_states");
    /// s.description = "The 50 US states on their land-border network; learning only.".into();
    /// assert_eq!(s.heading(Lang::En), "The 50 US states on their land-border network");
    /// assert_eq!(s.heading(Lang::Zh), "The 50 US states on their land-border network");
    /// s.description_zh = "美国 50 个州及其陆地邻接网络；只有学习。".into();
    /// assert_eq!(s.heading(Lang::Zh), "美国 50 个州及其陆地邻接网络");
    /// ```
    pub fn heading(&self, lang: super::Lang) -> String {
        Heading::new(&self.scenario, &self.description, &self.description_zh)
            .get(lang)
            .to_string()
    }
}
