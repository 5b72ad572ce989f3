//! The files of a forecast's folder: `forecast.csv` and `forecast.json`.

use super::study::StudyOptions;
use super::{Forecast, ForecastOptions, MODELS};
use policysim_io::cells::{csv_field, num, round_sig};
use policysim_model::network::Network;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// `forecast.csv`: one row per unit not adopted by the last training year, wide:
/// `unit,name,p1..pK,eha_p1..eha_pK,bass_p1..bass_pK,adopted_within_horizon,adopted_year`.
pub fn forecast_csv(f: &Forecast, network: &Network) -> String {
    let k = f.bass.p.len();
    let mut out = String::from("unit,name");
    for prefix in ["p", "eha_p", "bass_p"] {
        for j in 1..=k {
            let _ = write!(out, ",{prefix}{j}");
        }
    }
    out.push_str(",adopted_within_horizon,adopted_year\n");
    for (row, &i) in f.at_risk.iter().enumerate() {
        let id = network.names.name(i);
        let name = network.labels.get(i).map_or(&*id, String::as_str);
        let _ = write!(out, "{},{}", csv_field(&id), csv_field(name));
        for p in f.policysim[row]
            .iter()
            .chain(&f.eha_p[row])
            .chain(&f.bass.p)
        {
            let _ = write!(out, ",{}", num(*p));
        }
        let year = f.split.later[i].map_or(String::new(), |y| y.to_string());
        let _ = writeln!(out, ",{},{year}", u8::from(f.outcome[row]));
    }
    out
}

/// `forecast.json`: the split, the fitted values, the three baselines' parameters and
/// the scores at the horizon.
pub fn forecast_json(options: &StudyOptions, opts: &ForecastOptions, f: &Forecast) -> String {
    let fitted = f.fit.as_ref().map(|r| {
        let mut best = serde_json::Map::new();
        let mut interval = serde_json::Map::new();
        for (k, p) in opts.free.iter().enumerate() {
            let number = |x: f64| if p.integer { json!(x as i64) } else { json!(round_sig(x)) };
            best.insert(p.key.clone(), number(r.best[k]));
            interval.insert(p.key.clone(), json!([number(r.interval[k].0), number(r.interval[k].1)]));
        }
        json!({"best": best, "interval": interval, "rmse": round_sig(r.best_eval.curve_rmse), "evaluations": r.evaluations.len()})
    });
    let logit = &f.eha.logit;
    let coefficients: Vec<Value> = (0..logit.names.len())
        .map(|k| json!({"covariate": logit.names[k], "coef": round_sig(logit.coef[k]), "se": round_sig(logit.se[k])}))
        .collect();
    let mut scores = serde_json::Map::new();
    for (m, s) in MODELS.iter().zip(&f.scores) {
        scores.insert(
            (*m).into(),
            json!({"auc": s.auc.map(round_sig), "brier": round_sig(s.brier), "log_loss": round_sig(s.log_loss)}),
        );
    }
    let adopters = f.outcome.iter().filter(|&&y| y).count();
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": f.scenario.name,
        "description": f.scenario.description,
        "observed": options.observed.display().to_string(),
        "policy": options.reading.policy,
        "start_year": f.split.train.start_year,
        "train_until": f.split.year,
        "horizon": opts.horizon,
        "last_observed_year": f.split.last_year,
        "units": f.split.train.n(),
        "adopted_by_train_until": f.split.train.n() - f.at_risk.len(),
        "at_risk": f.at_risk.len(),
        "adopted_within_horizon": adopters,
        "fitted": fitted,
        "eha": {
            "coefficients": coefficients,
            "dropped": f.eha.dropped,
            "unit_years": f.eha.unit_years,
            "events": f.eha.events,
            "log_likelihood": round_sig(logit.log_likelihood),
            "converged": logit.converged,
            "covariates_over_horizon": "held at their values at the end of train_until",
        },
        "bass": {"p": round_sig(f.bass.fit.p), "q": round_sig(f.bass.fit.q), "t_offset": f.bass.offset,
                 "probabilities": f.bass.p.iter().map(|p| round_sig(*p)).collect::<Vec<_>>()},
        "scores": scores,
        "log_loss_clip": super::score::EPS,
        "runs": opts.runs,
        "seed": opts.seed,
    });
    let mut v = v;
    policysim_io::output::insert_description_zh(&mut v, &f.scenario.description_zh);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}
