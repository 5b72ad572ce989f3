//! The files of a comparison's folder: `mechanisms.csv`, `mechanisms.json` and
//! `mechanisms.md` (`mechanisms_curves.csv` is [`super::saved`]'s).

use super::study::StudyOptions;
use super::{penalised_score, CompareOptions, Comparison, Rival};
use crate::fit::FreeParam;
use policysim_io::cells::{csv_field, markdown_cell, num, round_sig};
use serde_json::{json, Value};
use std::fmt::Write as _;

/// `KEY=LOW:HIGH; ...` of a hypothesis.
fn free_text(free: &[FreeParam]) -> String {
    free.iter()
        .map(|p| format!("{}={}:{}", p.key, p.low, p.high))
        .collect::<Vec<_>>()
        .join("; ")
}

/// `KEY=VALUE; ...` of fitted values (whole-number keys as whole numbers).
fn values_text(free: &[FreeParam], values: &[f64]) -> String {
    free.iter()
        .zip(values)
        .map(|(p, &v)| {
            if p.integer {
                format!("{}={}", p.key, v as i64)
            } else {
                format!("{}={:.4}", p.key, v)
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn opt_num(v: Option<f64>) -> String {
    v.filter(|x| x.is_finite()).map_or(String::new(), num)
}

/// The best penalised score (the reference of the deltas).
fn best_penalised(c: &Comparison) -> Option<f64> {
    c.results
        .iter()
        .filter_map(|r| r.penalised)
        .min_by(f64::total_cmp)
}

/// `mechanisms.csv`: one row per hypothesis, in the file's order.
pub fn mechanisms_csv(rivals: &[Rival], c: &Comparison) -> String {
    let mut out = String::from(
        "hypothesis,scenario,free_keys,free_count,fitted,train_until,train_fitted,held_out_units,held_out_adopters,held_out_log_loss,log_loss_diff_vs_best,log_loss_diff_se,held_out_auc,held_out_brier,rank_held_out,rmse,rmse_ci_low,rmse_ci_high,penalised_score,penalised_delta,rank_penalised\n",
    );
    let best = best_penalised(c);
    for (k, (r, rival)) in c.results.iter().zip(rivals).enumerate() {
        let s = r.held_out();
        let d = &c.paired[k];
        let train_fitted = r
            .forecast
            .fit
            .as_ref()
            .map_or(String::new(), |f| values_text(&r.free, &f.best));
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            csv_field(&r.name),
            csv_field(&rival.hypothesis.scenario_path.display().to_string()),
            csv_field(&free_text(&r.free)),
            r.free.len(),
            csv_field(&values_text(&r.free, &r.fit.best)),
            r.forecast.split.year,
            csv_field(&train_fitted),
            r.forecast.at_risk.len(),
            r.forecast.outcome.iter().filter(|&&y| y).count(),
            num(s.log_loss),
            num(d.mean),
            opt_num(Some(d.se)),
            opt_num(s.auc),
            num(s.brier),
            c.rank_held_out[k],
            num(r.fit.best_eval.curve_rmse),
            opt_num(r.rmse_ci.map(|x| x.0)),
            opt_num(r.rmse_ci.map(|x| x.1)),
            opt_num(r.penalised),
            opt_num(r.penalised.zip(best).map(|(a, b)| a - b)),
            c.rank_penalised[k],
        );
    }
    out
}

fn finite(x: f64) -> Value {
    if x.is_finite() {
        json!(round_sig(x))
    } else {
        Value::Null
    }
}

/// `mechanisms.json`: the settings, the methods, every hypothesis (fitted values with
/// their intervals, held-out scores, paired difference, RMSE and its interval, score,
/// ranks) and the references (Bass in sample; EHA and Bass held out).
pub fn mechanisms_json(
    options: &StudyOptions,
    rivals: &[Rival],
    opts: &CompareOptions,
    c: &Comparison,
) -> String {
    let best = best_penalised(c);
    let hypotheses: Vec<Value> = c
        .results
        .iter()
        .zip(rivals)
        .enumerate()
        .map(|(k, (r, rival))| {
            let (fitted, interval) = crate::fit::files::fitted_values(&r.free, &r.fit);
            let train_fitted = r
                .forecast
                .fit
                .as_ref()
                .map(|f| crate::fit::files::fitted_values(&r.free, f).0);
            let s = r.held_out();
            let d = &c.paired[k];
            json!({
                "name": r.name,
                "description": rival.hypothesis.description,
                "scenario": rival.hypothesis.scenario_path.display().to_string(),
                "free": r.free.iter().map(|p| json!({
                    "key": p.key, "low": p.low, "high": p.high, "whole_number": p.integer,
                })).collect::<Vec<_>>(),
                "whole_numbers_scanned": crate::fit::search::scan_size(&r.free),
                "in_sample": {
                    "fitted": fitted,
                    "interval": interval,
                    "interval_method": crate::fit::study::interval_meaning(&r.fit),
                    "rmse": round_sig(r.fit.best_eval.curve_rmse),
                    "rmse_ci": r.rmse_ci.map(|(a, b)| json!([round_sig(a), round_sig(b)])),
                    "penalised_score": r.penalised.map(round_sig),
                    "penalised_delta": r.penalised.zip(best).map(|(a, b)| round_sig(a - b)),
                    "rank": c.rank_penalised[k],
                },
                "held_out": {
                    "train_until": r.forecast.split.year,
                    "fitted_on_training_years": train_fitted,
                    "units": r.forecast.at_risk.len(),
                    "adopters": r.forecast.outcome.iter().filter(|&&y| y).count(),
                    "log_loss": round_sig(s.log_loss),
                    "auc": s.auc.map(round_sig),
                    "brier": round_sig(s.brier),
                    "log_loss_diff_vs_best": {"mean": finite(d.mean), "se": finite(d.se), "units": d.n},
                    "rank": c.rank_held_out[k],
                },
            })
        })
        .collect();
    let first = &c.results[0];
    let bass_score = penalised_score(first.fit.bass_rmse, c.points, c.units, 2);
    let f = &first.forecast;
    let horizon = super::horizon(&rivals[0].observed, opts.train_until);
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "hypotheses_file": options.hypotheses.display().to_string(),
        "observed": options.observed.display().to_string(),
        "policy": options.reading.policy,
        "start_year": rivals[0].observed.start_year,
        "last_year": rivals[0].observed.start_year + rivals[0].observed.steps as i32,
        "units": c.units,
        "train_until": opts.train_until,
        "train_rule": match (options.train_until, options.train_share) {
            (Some(_), _) => "--train-until".to_string(),
            (None, s) => format!("--train-share {}", s.unwrap_or_default()),
        },
        "horizon": horizon,
        "runs": opts.runs,
        "budget": opts.budget,
        "seed": opts.seed,
        "methods": {
            "held_out": "each hypothesis fitted (its free keys, as policysim fit) on the adoptions up to train_until only, then run on from the observed state to the last observed year; log loss, AUC and Brier of each unit's probability of adopting by then against what happened (as policysim forecast; log loss probabilities clipped to [0.001, 0.999])",
            "paired": "per unit at risk after the split, this hypothesis's log loss minus that of the hypothesis with the lowest held-out log loss; mean and standard error sd/sqrt(n) (units treated as independent)",
            "penalised_score": "n ln(RMSE_count^2) + 2k: n = observed yearly points after the first year, RMSE_count = units x RMSE of the cumulative adopted share of the fit on every year, k = free keys; the Gaussian AIC of a least-squares fit up to a constant that is the same for every hypothesis (assumes independent errors of equal variance; yearly cumulative counts are autocorrelated, so differences of a few points are no evidence)",
            "rmse_ci": "percentile bootstrap over runs (Poisson weights, 200 replicates) at the fitted values: Monte-Carlo uncertainty of the simulated mean, not sampling uncertainty of the data",
            "whole_numbers": format!("whole-number keys with at most {} combinations of values are scanned, every combination evaluated (docs/fit.md)", crate::fit::search::MAX_SCAN),
        },
        "hypotheses": hypotheses,
        "references": {
            "bass_in_sample": {"rmse": round_sig(first.fit.bass_rmse), "free_count": 2,
                               "penalised_score": bass_score.map(round_sig)},
            "held_out": {
                "note": "fitted on the same training years and scored on the same units (the event-history logit with the covariates of the first hypothesis's scenario)",
                "eha": {"log_loss": round_sig(f.scores[1].log_loss), "auc": f.scores[1].auc.map(round_sig), "brier": round_sig(f.scores[1].brier)},
                "bass": {"log_loss": round_sig(f.scores[2].log_loss), "auc": f.scores[2].auc.map(round_sig), "brier": round_sig(f.scores[2].brier)},
            },
        },
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// `mechanisms.md`: the table (one row per hypothesis) and the references.
pub fn mechanisms_markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let first = &c.results[0];
    let f = &first.forecast;
    let _ = writeln!(
        out,
        "| hypothesis | k | fitted on all years | held-out log loss (Δ vs best ± se) | AUC | rank | RMSE [95%] | score n·ln(RMSE²)+2k (Δ) | rank |"
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|\n");
    let best = best_penalised(c);
    for (k, r) in c.results.iter().enumerate() {
        let s = r.held_out();
        let d = &c.paired[k];
        let diff = if c.rank_held_out[k] == 1 && d.mean == 0.0 {
            "best".to_string()
        } else if d.se.is_finite() {
            format!("{:+.3} ± {:.3}", d.mean, d.se)
        } else {
            format!("{:+.3}", d.mean)
        };
        let rmse = match r.rmse_ci {
            Some((a, b)) => format!("{:.4} [{a:.4}, {b:.4}]", r.fit.best_eval.curve_rmse),
            None => format!("{:.4}", r.fit.best_eval.curve_rmse),
        };
        let score = match (r.penalised, best) {
            (Some(p), Some(b)) => format!("{p:.1} ({:+.1})", p - b),
            _ => "– (RMSE 0)".into(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.3} ({diff}) | {} | {} | {rmse} | {score} | {} |",
            markdown_cell(&r.name),
            r.free.len(),
            markdown_cell(&values_text(&r.free, &r.fit.best)),
            s.log_loss,
            s.auc.map_or("–".into(), |a| format!("{a:.3}")),
            c.rank_held_out[k],
            c.rank_penalised[k],
        );
    }
    let bass = penalised_score(first.fit.bass_rmse, c.points, c.units, 2);
    let _ = writeln!(
        out,
        "\nHeld out after {} ({} units at risk, {} adopted by {}). References: Bass curve in sample RMSE {:.4}, score {}; held out, event-history logit log loss {:.3}, Bass {:.3}.",
        f.split.year,
        f.at_risk.len(),
        f.outcome.iter().filter(|&&y| y).count(),
        f.split.last_year,
        first.fit.bass_rmse,
        bass.map_or("–".into(), |b| format!("{b:.1}")),
        f.scores[1].log_loss,
        f.scores[2].log_loss
    );
    out
}
