//! `--precision METRIC=WIDTH` of `run` and `sweep --baseline`: the runs are chosen by the
//! sequential procedure of [`policysim_model::sequential`]; this file holds what the
//! studies make of its outcome: the line telling how many runs it took, the `precision`
//! entry of `summary.json` / `sweep.json`, and the error when the width was not reached.

use policysim_model::error::{Error, Result};
use policysim_model::sequential::{Outcome, Precision, BATCH, MIN_RUNS};
use serde_json::{json, Value};

/// The `precision` entry of `summary.json` (`labels`: one per arm, None for the baseline).
pub fn json(p: &Precision, o: &Outcome, labels: &[String]) -> Value {
    let intervals: Vec<Value> = labels
        .iter()
        .zip(&o.intervals)
        .filter_map(|(label, i)| {
            let i = i.as_ref()?;
            Some(json!({
                "arm": label,
                "n": i.n,
                "estimate": policysim_io::cells::round_sig(i.estimate),
                "half_width": policysim_io::cells::round_sig(i.half_width),
                "criterion": policysim_io::cells::round_sig(i.criterion()),
            }))
        })
        .collect();
    json!({
        "metric": p.figure.name,
        "width": p.width,
        "reached": o.reached,
        "runs": o.runs,
        "min_runs": MIN_RUNS,
        "batch": BATCH,
        "max_runs": p.max_runs,
        "rule": "Chow-Robbins: the first n >= min_runs, in steps of batch, with t(0.975, n-1) s/sqrt(n) + 1/n <= width",
        "intervals": intervals,
    })
}

/// The stderr line: how many runs it took and the interval(s) reached.
pub fn line(p: &Precision, o: &Outcome, labels: &[String], what: &str) -> String {
    let parts: Vec<String> = labels
        .iter()
        .zip(&o.intervals)
        .filter_map(|(label, i)| {
            let i = i.as_ref()?;
            Some(format!(
                "{label}: {what} {:.4} ± {:.4} ({} values)",
                i.estimate, i.half_width, i.n
            ))
        })
        .collect();
    let verdict = if o.reached {
        format!(
            "--precision {}={}: reached in {} runs",
            p.figure.name, p.width, o.runs
        )
    } else {
        format!(
            "--precision {}={}: NOT reached within --max-runs {} (largest t·s/√n + 1/n {:.4}); the results of these runs are written",
            p.figure.name,
            p.width,
            o.runs,
            o.criterion()
        )
    };
    format!("{verdict}; {}", parts.join("; "))
}

/// The error that ends a command whose precision was not reached (exit code 3), after its
/// results were written.
pub fn not_reached(p: &Precision, o: &Outcome, out: &std::path::Path) -> Error {
    Error::Imprecise(format!(
        "--precision {}={} not reached within {} runs (--max-runs); the results of these runs are in {}",
        p.figure.name,
        p.width,
        o.runs,
        out.display()
    ))
}

/// Refuses `--max-runs` without `--precision`.
pub fn check_cap(precision: Option<&str>, max_runs: Option<u64>) -> Result<()> {
    if precision.is_none() && max_runs.is_some() {
        return Err(Error::Input(
            "--max-runs caps --precision; give --precision METRIC=WIDTH too".into(),
        ));
    }
    Ok(())
}
