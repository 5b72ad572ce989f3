//! What a run answer says besides its charts: the representative run's map as data (its
//! geometry, named by a content id and left out when the page already has it, and the
//! adoption step per unit), and the differences to the reference with 95% intervals.

use super::Files;
use policysim_charts::difference::{horizon_of_summary, is_time, RunValues};
use policysim_model::ensemble::EnsembleResult;
use serde_json::{json, Value};
use std::path::PathBuf;

/// The canvas draws edges up to this many (more would be a blur and a heavy answer).
const MAX_DRAWN_EDGES: usize = 20_000;

/// Units are named on the page's map up to this many (as the map chart labels them).
const MAX_LABELS: usize = policysim_charts::map::MAX_LABELS;

/// The representative run for the page's maps: its adoption step per government (-1 =
/// never), the total steps, and its geometry's id; the geometry itself (coordinates,
/// names, labels of small maps, edges as a flat list of pairs when not too many) only
/// when its id is not in `known` (the page keeps the geometries it was sent).
pub(crate) fn map_json(result: &EnsembleResult, known: &[String]) -> Value {
    let rep = &result.representative;
    let net = &rep.network;
    if !net.has_coordinates() {
        return Value::Null;
    }
    let step: Vec<i64> = (0..net.n)
        .map(|i| match rep.adopted_step.get(i) {
            Some(&s) if s != u32::MAX => i64::from(s),
            _ => -1,
        })
        .collect();
    let geometry = geometry_json(net);
    let id = content_id(&geometry.to_string());
    let mut map = json!({
        "run": rep.run,
        "step": step,
        "steps": result.curves.rows.saturating_sub(1),
        "geometry_id": id,
    });
    if !known.contains(&id) {
        map["geometry"] = geometry;
    }
    map
}

/// The static part of a map: coordinates, names, labels (small maps) and edges.
fn geometry_json(net: &policysim_model::network::Network) -> Value {
    let mut edges = Vec::new();
    if !net.complete && net.edge_count() <= MAX_DRAWN_EDGES {
        for i in 0..net.n {
            for &j in net.sources(i) {
                if net.directed || (j as usize) > i {
                    edges.push(j as usize);
                    edges.push(i);
                }
            }
        }
    }
    let round = |v: &f64| (v * 1e4).round() / 1e4;
    let labels: Vec<&str> = if net.n <= MAX_LABELS && net.labels.iter().any(|l| !l.is_empty()) {
        (0..net.n)
            .map(|i| net.labels.get(i).map_or("", String::as_str))
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "x": net.x.iter().map(round).collect::<Vec<_>>(),
        "y": net.y.iter().map(round).collect::<Vec<_>>(),
        "names": net.names.to_vec(),
        "labels": labels,
        "edges": edges,
    })
}

/// A 64-bit FNV-1a hash of `text` in hex: the same geometry always gets the same id.
fn content_id(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The metrics of the side-by-side difference line, in order.
const METRICS: [&str; 6] = [
    "final_share",
    "t50",
    "final_mean_quality",
    "evaluation_bias",
    "uptake_regret",
    "taken_up",
];

/// The differences current − reference of the headline metrics, from both results'
/// `runs.csv`, with 95% intervals as `policysim compare` computes them (`policysim_model::paired`):
/// paired run by run when both ran the same seed and run indices, Welch otherwise. The
/// time to half (t50) is compared as the restricted mean time over every run, a run that
/// never reached half counted at the horizon (`horizon`, the shorter `steps` of the two);
/// `with_value` says how many runs of each reached half. A metric without a difference
/// (fewer than 2 runs with a value in each, or an unknown horizon) has `diff: null`. Null
/// when either `runs.csv` cannot be read. The uptake regret and the share of runs taken up
/// are there only where a result has them (mode `uptake`).
pub(crate) fn differences(reference: &Files, current: &Files) -> Value {
    match (run_values(reference), run_values(current)) {
        (Some(a), Some(b)) => differences_of(&a, &b),
        _ => Value::Null,
    }
}

/// The per-run values of a result's files: its `runs.csv`, with the horizon of its
/// `summary.json`; None when `runs.csv` cannot be read.
pub(crate) fn run_values(files: &Files) -> Option<RunValues> {
    let (_, bytes) = files.iter().find(|(n, _)| n == "runs.csv")?;
    let steps = files
        .iter()
        .find(|(n, _)| n == "summary.json")
        .and_then(|(_, b)| horizon_of_summary(b));
    values_of_csv(bytes, steps)
}

/// The per-run values of a `runs.csv` (with the horizon `steps` when known), and, where
/// the centre may take a local version up (an `uptake_at` column), `taken_up`: 1 for a
/// run in which it did, 0 otherwise.
pub(crate) fn values_of_csv(bytes: &[u8], steps: Option<u32>) -> Option<RunValues> {
    let mut v = RunValues::parse(PathBuf::from("runs.csv"), bytes).ok()?;
    let header = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let uptake = String::from_utf8_lossy(header)
        .trim_end()
        .split(',')
        .any(|c| c == "uptake_at");
    if uptake {
        let taken: Vec<Option<f64>> = (0..v.runs.len())
            .map(|i| {
                let at = v.values("uptake_at").get(i).copied().flatten();
                Some(if at.is_some() { 1.0 } else { 0.0 })
            })
            .collect();
        v.metrics.insert("taken_up".into(), taken);
    }
    Some(match steps {
        Some(s) => v.with_horizon(s),
        None => v,
    })
}

/// [`differences`] of two results' per-run values (current `b` − reference `a`).
pub(crate) fn differences_of(a: &RunValues, b: &RunValues) -> Value {
    let paired = b.pairs_with(a);
    let with_value = |v: &RunValues, m: &str| v.values(m).iter().flatten().count();
    let metrics: Vec<Value> = METRICS
        .iter()
        .filter(|m| a.metrics.contains_key(**m) || b.metrics.contains_key(**m))
        .map(|&m| {
            let counts = [with_value(a, m), with_value(b, m)];
            match b.difference_to(a, m) {
                Some(d) if d.diff.is_finite() => json!({
                    "metric": m,
                    "time": is_time(m),
                    "horizon": if is_time(m) { json!(b.common_horizon(a)) } else { Value::Null },
                    "diff": d.diff,
                    "low": d.low,
                    "high": d.high,
                    "n": d.n,
                    "with_value": counts,
                }),
                _ => json!({
                    "metric": m,
                    "time": is_time(m),
                    "diff": Value::Null,
                    "n": 0,
                    "with_value": counts,
                }),
            }
        })
        .collect();
    json!({
        "pairing": if paired { "paired" } else { "welch" },
        "runs": [a.runs.len(), b.runs.len()],
        "level": policysim_model::paired::LEVEL,
        "metrics": metrics,
    })
}
