//! `--baseline KEY=VALUE`: every point of a one-key sweep compared with a reference point,
//! run by run. Each point keeps its `runs.csv`; when the whole sweep is together (a sweep
//! without shards, or a merge) `sweep.csv` gets, after the point's own columns, `pairing`
//! and for every headline metric `{m}_diff, {m}_diff_ci_low, {m}_diff_ci_high, {m}_diff_n`
//! (the point minus the baseline, paired by run index under common random numbers); a
//! time to a level (t10, t50, t90) as `{t}_rmst_horizon, {t}_rmst_diff, ...`, the
//! difference of restricted mean times at the points' common horizon (their `steps`).

use super::{value_text, Sweep};
use policysim_charts::difference::{cells, header, pairing, RunValues, METRICS};
use policysim_model::error::{Error, Result};
use std::collections::BTreeMap;

/// The metrics differenced in `sweep.csv`: those of `runs.csv` (not `observed_rmse`,
/// which a point has once, not per run).
fn metrics() -> Vec<&'static str> {
    METRICS
        .iter()
        .copied()
        .filter(|m| *m != "observed_rmse")
        .collect()
}

/// The point of `--baseline` (`spec` is `KEY=VALUE`, or empty for the first value of the
/// one swept key). The sweep must have exactly one key.
pub fn resolve(sweep: &Sweep, spec: &str) -> Result<usize> {
    if sweep.keys.len() != 1 {
        return Err(Error::Input(format!(
            "--baseline compares every point with one point of a one-key sweep; this sweep has {} keys ({})",
            sweep.keys.len(),
            sweep.keys.join(", ")
        )));
    }
    let key = &sweep.keys[0];
    let texts: Vec<String> = sweep.values[0].iter().map(value_text).collect();
    if spec.trim().is_empty() {
        return Ok(0);
    }
    let Some((k, v)) = spec.split_once('=') else {
        return Err(Error::Input(format!(
            "--baseline `{spec}`: expected KEY=VALUE, e.g. {key}={}",
            texts[0]
        )));
    };
    if k.trim() != key {
        return Err(Error::Input(format!(
            "--baseline `{spec}`: `{}` is not the swept key; the sweep varies `{key}`",
            k.trim()
        )));
    }
    let v = v.trim();
    // the value as written in sweep.csv, or as a TOML value (0.50 for 0.5)
    let parsed = format!("v = {v}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|t| t.get("v").map(value_text));
    texts
        .iter()
        .position(|t| t == v || parsed.as_deref() == Some(t.as_str()))
        .ok_or_else(|| {
            Error::Input(format!(
                "--baseline `{spec}`: {v} is not one of the values of `{key}` ({})",
                texts.join(", ")
            ))
        })
}

/// `sweep.csv` with the difference columns: `base_header` and the points' `rows` (in
/// point order), each point's runs read from `dir(point)/runs.csv`, their times censored
/// at `steps(point)`.
pub(super) fn sweep_csv(
    base_header: &str,
    rows: &BTreeMap<usize, String>,
    dir: &dyn Fn(usize) -> std::path::PathBuf,
    steps: &dyn Fn(usize) -> Result<u32>,
    baseline: usize,
) -> Result<String> {
    let read = |i: usize| -> Result<RunValues> {
        let d = dir(i);
        if !d.join("runs.csv").is_file() {
            return Err(Error::Input(format!(
                "{}: point {i} has no runs.csv, which --baseline needs; run the sweep (or its shards) with --baseline",
                d.display()
            )));
        }
        Ok(RunValues::read(&d)?.with_horizon(steps(i)?))
    };
    let first = read(baseline)?;
    let metrics = metrics();
    let mut csv = format!(
        "{base_header},pairing,{}\n",
        header(&metrics, false).join(",")
    );
    for (&i, row) in rows {
        let arm = if i == baseline {
            first.clone()
        } else {
            read(i)?
        };
        csv.push_str(row);
        csv.push(',');
        csv.push_str(pairing(&arm, &first).name());
        for c in cells(&arm, &first, &metrics, false) {
            csv.push(',');
            csv.push_str(&c);
        }
        csv.push('\n');
    }
    Ok(csv)
}

/// The baseline recorded in `sweep.json` (`baseline.point`), if any.
pub(super) fn recorded(meta: &serde_json::Value) -> Option<usize> {
    meta.get("baseline")?
        .get("point")?
        .as_u64()
        .map(|p| p as usize)
}

/// The `baseline` entry of `sweep.json`: the point, its key and value (or null).
pub(super) fn json(sweep: &Sweep, baseline: Option<usize>) -> serde_json::Value {
    match baseline {
        Some(p) => serde_json::json!({
            "point": p,
            "key": sweep.keys.first(),
            "value": sweep.values.first().and_then(|v| v.get(p)).map(value_text),
        }),
        None => serde_json::Value::Null,
    }
}
