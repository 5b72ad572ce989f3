//! A finished comparison of mechanisms read back from its folder (`mechanisms.json` and
//! `mechanisms_curves.csv`): the chart is drawn from these files, by
//! `policysim compare-mechanisms` as by `policysim plot`, so a redraw gives the same chart.

use super::Comparison;
use policysim_io::cells::{csv_field, num};
use policysim_model::error::{Error, Result};
use std::fmt::Write as _;
use std::path::Path;

/// The comparison's numbers file (the marker of its folder).
pub const MECHANISMS_JSON: &str = "mechanisms.json";
/// The observed share and each hypothesis's fitted mean curve per year.
pub const MECHANISMS_CURVES_CSV: &str = "mechanisms_curves.csv";

/// What the mechanisms chart needs, as a comparison's folder records it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedMechanisms {
    /// The chart title's scenario part: the policy, else the observed file's stem.
    pub name: String,
    /// The calendar year of each step.
    pub years: Vec<f64>,
    /// The observed cumulative adopted share per step (NaN: none).
    pub observed_share: Vec<f64>,
    /// The hypotheses in the file's order.
    pub hypotheses: Vec<SavedHypothesis>,
    /// The held-out forecast's last training year.
    pub train_until: i32,
}

/// One hypothesis of a [`SavedMechanisms`].
#[derive(Debug, Clone, PartialEq)]
pub struct SavedHypothesis {
    /// Its name.
    pub name: String,
    /// Its fitted mean share per step (NaN: none).
    pub mean: Vec<f64>,
    /// The RMSE of the fit on every year (NaN: none).
    pub rmse: f64,
    /// Its penalised score (None: none).
    pub penalised: Option<f64>,
}

/// `mechanisms_curves.csv`: per step its `year`, the `observed_share` and one column of
/// fitted mean share per hypothesis (named by it), in the file's order.
pub fn mechanisms_curves_csv(c: &Comparison) -> String {
    let first = &c.results[0].fit;
    let y0 = first.ensemble.start_year.unwrap_or(0);
    let mut out = String::from("year,observed_share");
    for r in &c.results {
        let _ = write!(out, ",{}", csv_field(&r.name));
    }
    out.push('\n');
    for (t, observed) in first.observed_share.iter().enumerate() {
        let _ = write!(out, "{},{}", i64::from(y0) + t as i64, num(*observed));
        for r in &c.results {
            let mean = r.fit.curve.mean.get(t).copied().unwrap_or(f64::NAN);
            let _ = write!(out, ",{}", num(mean));
        }
        out.push('\n');
    }
    out
}

impl SavedMechanisms {
    /// Reads the comparison in `dir`, or an error naming the file and what was expected.
    pub fn read(dir: &Path) -> Result<SavedMechanisms> {
        let json_path = dir.join(MECHANISMS_JSON);
        let text = crate::forecast::saved::read_required(&json_path)?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::input_in(&json_path, format!("not valid JSON: {e}")))?;
        let missing = |what: String| Error::input_in(&json_path, format!("missing {what}"));
        let name = match (&json["policy"], json["observed"].as_str()) {
            (serde_json::Value::String(p), _) => p.clone(),
            (serde_json::Value::Null, Some(observed)) => Path::new(observed)
                .file_stem()
                .map_or("observed".into(), |s| s.to_string_lossy().into_owned()),
            _ => {
                return Err(missing(
                    "text `observed` and text (or null) `policy`".into(),
                ))
            }
        };
        let list = json["hypotheses"]
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or_else(|| missing("list `hypotheses` of at least one".into()))?;
        let number_or_null = |v: &serde_json::Value, what: String| match v {
            serde_json::Value::Null => Ok(None),
            v => v
                .as_f64()
                .map(Some)
                .ok_or_else(|| missing(format!("number (or null) `{what}`"))),
        };
        let mut hypotheses = Vec::new();
        for (k, h) in list.iter().enumerate() {
            let at = |key: &str| format!("hypotheses[{k}].{key}");
            hypotheses.push(SavedHypothesis {
                name: h["name"]
                    .as_str()
                    .ok_or_else(|| missing(format!("text `{}`", at("name"))))?
                    .to_string(),
                mean: Vec::new(),
                rmse: number_or_null(&h["in_sample"]["rmse"], at("in_sample.rmse"))?
                    .unwrap_or(f64::NAN),
                penalised: number_or_null(
                    &h["in_sample"]["penalised_score"],
                    at("in_sample.penalised_score"),
                )?,
            });
        }
        let train_until = list[0]["held_out"]["train_until"]
            .as_i64()
            .and_then(|y| i32::try_from(y).ok())
            .ok_or_else(|| missing("year `hypotheses[0].held_out.train_until`".into()))?;
        let mut saved = SavedMechanisms {
            name,
            years: Vec::new(),
            observed_share: Vec::new(),
            hypotheses,
            train_until,
        };
        saved.read_curves(&dir.join(MECHANISMS_CURVES_CSV))?;
        Ok(saved)
    }

    /// Reads the years, the observed share and the hypotheses' curves from `path`, whose
    /// columns after the first two must name the hypotheses of `mechanisms.json`.
    fn read_curves(&mut self, path: &Path) -> Result<()> {
        let mut reader = crate::forecast::saved::read_required_csv(path)?;
        let headers = reader
            .headers()
            .map_err(|e| policysim_io::csv_input::csv_error(path, &e))?
            .clone();
        let expected: Vec<String> = ["year", "observed_share"]
            .into_iter()
            .map(str::to_string)
            .chain(self.hypotheses.iter().map(|h| h.name.clone()))
            .collect();
        if headers.iter().collect::<Vec<_>>() != expected {
            return Err(Error::input_in(
                path,
                format!(
                    "header `{}`, expected `{}` (the hypotheses of {MECHANISMS_JSON})",
                    headers.iter().collect::<Vec<_>>().join(","),
                    expected.join(",")
                ),
            ));
        }
        for (line, record) in (2..).zip(reader.records()) {
            let record = record.map_err(|e| policysim_io::csv_input::csv_error(path, &e))?;
            let number = |c: usize| -> Result<f64> {
                let cell = record.get(c).unwrap_or("");
                if cell.is_empty() && c > 0 {
                    return Ok(f64::NAN);
                }
                cell.parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && (c == 0 || (0.0..=1.0).contains(v)))
                    .ok_or_else(|| {
                        Error::input_in(
                            path,
                            format!(
                                "line {line}: `{cell}` in `{}` is not {}",
                                expected[c],
                                if c == 0 {
                                    "a year"
                                } else {
                                    "a share from 0 to 1"
                                }
                            ),
                        )
                    })
            };
            self.years.push(number(0)?);
            self.observed_share.push(number(1)?);
            for (k, h) in self.hypotheses.iter_mut().enumerate() {
                h.mean.push(number(2 + k)?);
            }
        }
        if self.years.is_empty() {
            return Err(Error::input_in(path, "no rows (one per observed year)"));
        }
        Ok(())
    }
}
