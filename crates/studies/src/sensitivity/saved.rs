//! A finished analysis read back from its folder (`sensitivity.csv`, `sensitivity.json` and
//! the time unit of `sweep.json`): the ranking chart is drawn from these files, by
//! `policysim sensitivity` as by `policysim plot`, so a redraw gives the same chart.

use super::chart::SensitivityChart;
use super::{Estimate, Method, Problem, SENSITIVITY_CSV, SENSITIVITY_JSON};
use policysim_charts::Lang;
use policysim_model::error::{Error, Result};
use std::path::Path;

/// What the ranking chart of a finished analysis needs, as its folder records it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedAnalysis {
    /// The chart title's scenario part (the description's first clause, else the name).
    pub scenario: policysim_charts::title::Heading,
    /// Time unit of the scenario.
    pub time_unit: String,
    /// The metric as asked for.
    pub metric: String,
    /// Its `sweep.csv` column.
    pub column: String,
    /// Sobol or Morris.
    pub method: Method,
    /// Sobol: base rows N.
    pub samples: usize,
    /// Morris: trajectories r.
    pub trajectories: usize,
    /// Morris: grid levels p.
    pub levels: usize,
    /// Points of the design.
    pub points: usize,
    /// Runs per point.
    pub runs: u32,
    /// The estimates in `sensitivity.csv` order.
    pub estimates: Vec<Estimate>,
}

impl SavedAnalysis {
    /// Reads the analysis in `dir`, or an error naming the file and what was expected.
    pub fn read(dir: &Path) -> Result<SavedAnalysis> {
        let json_path = dir.join(SENSITIVITY_JSON);
        let json = read_json(&json_path)?;
        let text = |key: &str| -> Result<String> {
            json[key]
                .as_str()
                .map(str::to_string)
                .ok_or_else(|| Error::input_in(&json_path, format!("missing text `{key}`")))
        };
        let count = |key: &str| -> Result<usize> {
            json[key]
                .as_u64()
                .map(|v| v as usize)
                .ok_or_else(|| Error::input_in(&json_path, format!("missing whole number `{key}`")))
        };
        let method = Method::parse(&text("method")?)
            .map_err(|e| Error::input_in(&json_path, format!("`method`: {e}")))?;
        let (samples, trajectories, levels) = match method {
            Method::Sobol => (count("samples")?, 0, 0),
            Method::Morris => (0, count("trajectories")?, count("levels")?),
        };
        let runs = u32::try_from(count("runs")?)
            .map_err(|_| Error::input_in(&json_path, "`runs` is too large"))?;
        let sweep_path = dir.join(crate::sweep::SWEEP_JSON);
        let time_unit = read_json(&sweep_path)?["time_unit"]
            .as_str()
            .unwrap_or("step")
            .to_string();
        let csv_path = dir.join(SENSITIVITY_CSV);
        let estimates = parse_estimates(
            &policysim_io::capped_read::read_data_text(&csv_path)?,
            method,
        )
        .map_err(|e| Error::input_in(&csv_path, e))?;
        Ok(SavedAnalysis {
            scenario: policysim_charts::title::Heading::new(
                &text("scenario")?,
                json["description"].as_str().unwrap_or(""),
                json["description_zh"].as_str().unwrap_or(""),
            ),
            time_unit,
            metric: text("metric")?,
            column: text("column")?,
            method,
            samples,
            trajectories,
            levels,
            points: count("points")?,
            runs,
            estimates,
        })
    }

    /// The ranking chart in language `lang`.
    pub fn chart(&self, lang: Lang) -> SensitivityChart<'_> {
        SensitivityChart {
            scenario: &self.scenario,
            time_unit: &self.time_unit,
            metric: &self.metric,
            column: &self.column,
            method: self.method,
            sizes: sizes(
                self.method,
                self.samples,
                self.trajectories,
                self.levels,
                self.points,
                lang,
            ),
            runs: self.runs,
            estimates: &self.estimates,
        }
    }
}

/// The sizes of the design in words: `N = 64, 320 points` (`N = 64，320 个点`).
pub fn sizes(
    method: Method,
    samples: usize,
    trajectories: usize,
    levels: usize,
    points: usize,
    lang: Lang,
) -> String {
    let (points, sep) = match lang {
        Lang::En => (format!("{points} points"), ", "),
        Lang::Zh => (format!("{points} 个点"), "，"),
    };
    match method {
        Method::Sobol => format!("N = {samples}{sep}{points}"),
        Method::Morris => format!("r = {trajectories}, p = {levels}{sep}{points}"),
    }
}

/// The sizes of `problem`'s design in words (see [`sizes`]).
pub fn problem_sizes(problem: &Problem, lang: Lang) -> String {
    sizes(
        problem.method,
        problem.samples,
        problem.trajectories,
        problem.levels,
        problem.points(),
        lang,
    )
}

/// The estimates of a `sensitivity.csv` text: every parameter's indices in the method's
/// order (S1, ST or mu_star, mu, sigma); an empty cell is NaN.
pub fn parse_estimates(text: &str, method: Method) -> std::result::Result<Vec<Estimate>, String> {
    let indices = method.indices();
    let mut reader = policysim_io::csv_input::csv_text(
        text.as_bytes(),
        policysim_io::csv_input::CsvLayout::default(),
    );
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(str::to_string)
        .collect();
    let expected = ["parameter", "index", "estimate", "ci_low", "ci_high"];
    if header != expected {
        return Err(format!(
            "header `{}`, expected `{}`",
            header.join(","),
            expected.join(",")
        ));
    }
    let mut estimates = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let want = indices[row % indices.len()];
        let index = record.get(1).unwrap_or("");
        if index != want {
            return Err(format!(
                "line {line}: index `{index}`, expected `{want}` (a {} analysis lists {} per parameter)",
                method.name(),
                indices.join(", ")
            ));
        }
        let number = |c: usize| -> std::result::Result<f64, String> {
            let cell = record.get(c).unwrap_or("");
            if cell.is_empty() {
                Ok(f64::NAN)
            } else {
                cell.parse().map_err(|_| {
                    format!("line {line}: `{cell}` in `{}` is not a number", expected[c])
                })
            }
        };
        estimates.push(Estimate {
            parameter: record.get(0).unwrap_or("").to_string(),
            index: want,
            estimate: number(2)?,
            ci_low: number(3)?,
            ci_high: number(4)?,
        });
    }
    if estimates.is_empty() || estimates.len() % indices.len() != 0 {
        return Err(format!(
            "{} rows; expected {} per parameter ({})",
            estimates.len(),
            indices.len(),
            indices.join(", ")
        ));
    }
    Ok(estimates)
}

/// A JSON file of the folder.
fn read_json(path: &Path) -> Result<serde_json::Value> {
    serde_json::from_str(&policysim_io::capped_read::read_data_text(path)?)
        .map_err(|e| Error::input_in(path, format!("not valid JSON: {e}")))
}
