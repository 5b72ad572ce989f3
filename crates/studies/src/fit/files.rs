//! The files of a fit's folder: `fit.json`, `fit.csv`, `evaluations.csv` and `fitted/`.

use super::study::StudyOptions;
use super::{FitOptions, FitResult, FreeParam};
use policysim_charts::{self as charts, ChartOptions};
use policysim_io::cells::{csv_field, num, round_sig};
use policysim_io::observed::Observed;
use policysim_model::error::{Error, Result};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;

/// The fitted values and their intervals of a fit's free keys, by key, as `fit.json`
/// reports them (a whole-number key as whole numbers, others to 12 significant digits).
pub fn fitted_values(
    free: &[FreeParam],
    r: &FitResult,
) -> (
    serde_json::Map<String, Value>,
    serde_json::Map<String, Value>,
) {
    let mut best = serde_json::Map::new();
    let mut interval = serde_json::Map::new();
    for (k, p) in free.iter().enumerate() {
        let number = |x: f64| {
            if p.integer {
                json!(x as i64)
            } else {
                json!(round_sig(x))
            }
        };
        best.insert(p.key.clone(), number(r.best[k]));
        interval.insert(
            p.key.clone(),
            json!([number(r.interval[k].0), number(r.interval[k].1)]),
        );
    }
    (best, interval)
}

/// `fit.json`.
pub fn fit_json(
    options: &StudyOptions,
    opts: &FitOptions,
    observed: &Observed,
    r: &FitResult,
) -> String {
    let (best, interval) = fitted_values(&opts.free, r);
    let mut free = Vec::new();
    for p in &opts.free {
        let (low, high) = if p.integer {
            (json!(p.low as i64), json!(p.high as i64))
        } else {
            (json!(p.low), json!(p.high))
        };
        free.push(json!({"key": p.key, "low": low, "high": high, "whole_numbers": p.integer}));
    }
    let adopters = observed.adopted_step.iter().flatten().count();
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": r.scenario.name,
        "description": r.scenario.description,
        "observed": options.observed.display().to_string(),
        "policy": options.reading.policy,
        "units": observed.n(),
        "adopters": adopters,
        "initial_adopters": observed.initial.len(),
        "start_year": observed.start_year,
        "steps": observed.steps,
        "objective": opts.objective.name(),
        "free": free,
        "best": Value::Object(best),
        "interval": Value::Object(interval),
        "interval_method": if r.interval_from_abc { "abc-5-95" } else { "accepted-min-max" },
        "rmse": round_sig(r.best_eval.curve_rmse),
        "hazard_rmse": r.best_eval.hazard_rmse.map(round_sig),
        "objective_value": round_sig(r.best_eval.objective),
        "noise": round_sig(r.best_eval.noise),
        "hazard_noise": r.hazard_noise.map(round_sig),
        "tolerance": round_sig(r.tolerance),
        "accepted": r.accepted,
        "min_accepted": super::abc::MIN_ACCEPTED,
        "accepted_ess": round_sig(r.accepted_ess),
        "abc_evaluations": r.abc_evaluations,
        "abc_batches": r.abc_batches,
        "max_evaluations": opts.max_evaluations,
        "budget": opts.budget,
        "box_edges": r.box_edges.iter().map(|e| json!({"key": e.key, "side": e.side, "bound": e.bound})).collect::<Vec<_>>(),
        "bass": {"p": round_sig(r.bass.p), "q": round_sig(r.bass.q), "rmse": round_sig(r.bass_rmse), "t_offset": r.bass_offset},
        "evaluations": r.evaluations.len(),
        "runs": opts.runs,
        "seed": opts.seed,
    });
    let mut v = v;
    if let Some(ls) = &r.best_eval.log_score {
        // the unit-level objective: who adopted when, scored one year ahead
        v["log_score"] = json!({
            "mean_loss": round_sig(ls.mean_loss),
            "unit_years": ls.unit_years,
            "se": round_sig(ls.se),
            "rule": "mean over the at-risk unit-years of -ln p (adopters) or -ln(1-p) (the others); p = (adopting runs + 1/2) / (runs + 1), the runs started each year from who had adopted",
        });
    }
    policysim_io::output::insert_description_zh(&mut v, &r.scenario.description_zh);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// `fit.csv`: `step,year,observed_share,fitted_mean,fitted_p05,fitted_p95,bass`.
pub fn fit_csv(r: &FitResult) -> String {
    let mut out = String::from("step,year,observed_share,fitted_mean,fitted_p05,fitted_p95,bass\n");
    let y0 = r.ensemble.start_year.unwrap_or(0);
    for (t, obs) in r.observed_share.iter().enumerate() {
        let _ = writeln!(
            out,
            "{t},{},{},{},{},{},{}",
            y0 + t as i32,
            num(*obs),
            num(r.curve.mean[t]),
            num(r.curve.p05[t]),
            num(r.curve.p95[t]),
            num(r.bass.share(t as f64 + r.bass_offset))
        );
    }
    out
}

/// `evaluations.csv`: every evaluated point, in order.
pub fn evaluations_csv(opts: &FitOptions, r: &FitResult) -> String {
    let mut out = String::from("evaluation,phase");
    for p in &opts.free {
        out.push(',');
        out.push_str(&csv_field(&p.key));
    }
    out.push_str(",objective,curve_rmse,hazard_rmse,accepted,weight\n");
    for (i, e) in r.evaluations.iter().enumerate() {
        let _ = write!(out, "{i},{}", e.phase);
        for v in &e.values {
            let _ = write!(out, ",{}", num(*v));
        }
        let _ = writeln!(
            out,
            ",{},{},{},{},{}",
            num(e.objective),
            num(e.curve_rmse),
            e.hazard_rmse.map_or(String::new(), num),
            u8::from(e.objective <= r.tolerance),
            e.weight.map_or(String::new(), num)
        );
    }
    out
}

/// `fitted/`: the best-fitting scenario as a results folder (with its initial adopters
/// file, so `policysim run fitted/scenario.toml` reproduces it).
pub fn write_fitted(
    dir: &Path,
    observed: &Observed,
    r: &FitResult,
    charts: Option<&ChartOptions>,
) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    policysim_io::results_folder::write_outputs(&r.scenario, dir, &r.ensemble, Some(observed))?;
    if let Some(c) = charts {
        charts::draw_run_charts(dir, c)?;
    }
    Ok(())
}
