//! `policysim forecast --evaluate-all`: the forecast of every policy of a multi-policy
//! observed file, each split at the year in which a given share of its eventual adopters
//! had adopted, scored like a single forecast; one row per policy and the means across
//! policies with 95% intervals (docs/forecast.md).

use super::score::Scores;
use super::{forecast, ForecastOptions, MODELS};
use policysim_io::cells::{csv_field, num, round_sig};
use policysim_io::observed::{read_observed, Observed, ObservedOptions};
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;
use policysim_model::stats::{mean_ci_of, MeanCi};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// The share of a policy's eventual adopters that the training years hold: a fraction
/// `num / den` in (0, 1), kept exact so that "a third of 45" is 15, not 15.000000000000002.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainShare {
    /// Numerator.
    pub num: u64,
    /// Denominator.
    pub den: u64,
}

impl Default for TrainShare {
    fn default() -> Self {
        TrainShare { num: 1, den: 3 }
    }
}

impl std::fmt::Display for TrainShare {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

/// Parses `--train-share`: a fraction `A/B` (`1/3`) or a decimal (`0.25`), above 0 and below 1.
pub fn parse_train_share(s: &str) -> std::result::Result<TrainShare, String> {
    let bad = || {
        format!("`{s}`: expected a share above 0 and below 1, as a fraction such as 1/3 or a decimal such as 0.25")
    };
    let t = s.trim();
    let (num, den) = if let Some((a, b)) = t.split_once('/') {
        let a: u64 = a.trim().parse().map_err(|_| bad())?;
        let b: u64 = b.trim().parse().map_err(|_| bad())?;
        (a, b)
    } else {
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        if frac.len() > 9 || !frac.chars().all(|c| c.is_ascii_digit()) || whole.len() > 9 {
            return Err(bad());
        }
        let den = 10u64.pow(frac.len() as u32);
        let w: u64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| bad())?
        };
        let f: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| bad())?
        };
        (w * den + f, den)
    };
    if num == 0 || den == 0 || num >= den {
        return Err(bad());
    }
    Ok(TrainShare { num, den })
}

/// The last training year of `observed` under `share`: the first year by whose end at
/// least `share` of the policy's eventual adopters (every unit with a year in the file)
/// had adopted, the count compared exactly (a third of 45 is 15: the year the 15th
/// adopted; adopters of the same year all count in it); the year after the first adoption
/// when that is the first adoption's year (the first year's adopters are the initial
/// ones, nothing to fit). An error says why when no later adoption is left to score.
pub fn split_year(observed: &Observed, share: TrainShare) -> std::result::Result<i32, String> {
    let mut steps: Vec<u32> = observed.adopted_step.iter().flatten().copied().collect();
    steps.sort_unstable();
    let total = steps.len() as u64;
    let (Some(&first), Some(&last)) = (steps.first(), steps.last()) else {
        return Err("no adoptions".into());
    };
    // the k-th adopter (1-based) with k * den >= share * total * den
    let needed = (share.num * total).div_ceil(share.den).max(1);
    let reached = steps[(needed - 1) as usize];
    let step = reached.max(first + 1);
    let year = observed.start_year + step as i32;
    if step >= last {
        return Err(format!(
            "{share} of its {total} adopters had adopted by {}, and the training years must end after the first adoption ({}): that leaves no later adoption to score (the last is in {})",
            observed.start_year + reached as i32,
            observed.start_year + first as i32,
            observed.start_year + last as i32
        ));
    }
    Ok(year)
}

/// One policy's evaluation.
#[derive(Debug, Clone)]
pub struct PolicyEvaluation {
    /// The policy (the `policy` column's value).
    pub policy: String,
    /// Its scores, or why it could not be evaluated.
    pub outcome: std::result::Result<Evaluated, String>,
}

/// What a policy that could be evaluated gives.
#[derive(Debug, Clone)]
pub struct Evaluated {
    /// Calendar year of step 0.
    pub start_year: i32,
    /// The last training year (the split).
    pub train_until: i32,
    /// The last observed adoption year.
    pub last_year: i32,
    /// Units with an adoption year in the file.
    pub eventual_adopters: usize,
    /// Units not adopted by the split.
    pub at_risk: usize,
    /// Of those, how many adopted within the horizon.
    pub adopted_within_horizon: usize,
    /// Fitted values of the free keys (empty without `--free`).
    pub fitted: Vec<f64>,
    /// Scores of policysim, EHA and Bass at the horizon.
    pub scores: [Scores; 3],
    /// Warnings of this policy's forecast (horizon past the data, logit not converged).
    pub notes: Vec<String>,
    /// The event-history logit converged (false: its scores are reported for the policy
    /// but left out of the EHA means and of the paired policysim − EHA differences).
    pub eha_converged: bool,
    /// When the scenario reads the node column `innovativeness`: the other policies and
    /// the last year its leave-one-policy-out replacement was computed from.
    pub innovativeness: Option<(usize, i32)>,
}

/// Evaluates every policy of `path` (in the file's order). `opts.train_until` is
/// ignored: each policy is split by `share`. A policy that cannot be read, split or
/// forecast is kept with the reason; an interruption stops everything.
/// `progress(1)` ticks as [`forecast`] does, a policy skipped early ticking its share at once.
pub fn evaluate_all(
    scenario: &Scenario,
    network: &Network,
    path: &Path,
    reading: &ObservedOptions,
    share: TrainShare,
    opts: &ForecastOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<PolicyEvaluation>> {
    let policies = policysim_io::observed::policies(path)?;
    if policies.is_empty() {
        return Err(Error::input_in(
            path,
            "--evaluate-all needs a \"policy\" column (one row per unit and policy); for a file of one policy use --train-until",
        ));
    }
    let per_policy = work_per_policy(opts);
    let others = (super::leave_out::scenario_uses_column(scenario)
        && network.column(super::leave_out::COLUMN).is_some())
    .then(|| super::leave_out::read_policies(path, network, reading, &policies));
    let mut out = Vec::with_capacity(policies.len());
    for policy in &policies {
        let policy = policy.clone();
        let done = AtomicU64::new(0);
        let tick = |k: u64| {
            done.fetch_add(k, Ordering::Relaxed);
            progress(k);
        };
        let outcome = evaluate_one(
            scenario,
            network,
            (path, reading),
            &policy,
            share,
            opts,
            others.as_deref(),
            &tick,
        );
        let ticked = done.load(Ordering::Relaxed);
        progress(per_policy.saturating_sub(ticked));
        let outcome = match outcome {
            Ok(e) => Ok(e),
            Err(Error::Input(why)) => Err(why),
            Err(e) => return Err(e),
        };
        out.push(PolicyEvaluation { policy, outcome });
    }
    Ok(out)
}

/// The progress ticks of one policy: the fit's evaluations (with free keys) and the runs.
pub fn work_per_policy(opts: &ForecastOptions) -> u64 {
    let fit = if opts.free.is_empty() {
        0
    } else {
        opts.budget as u64
    };
    fit + u64::from(opts.runs)
}

#[allow(clippy::too_many_arguments)]
fn evaluate_one(
    scenario: &Scenario,
    network: &Network,
    (path, reading): (&Path, &ObservedOptions),
    policy: &str,
    share: TrainShare,
    opts: &ForecastOptions,
    others: Option<&[super::leave_out::PolicyYears]>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Evaluated> {
    let reading = ObservedOptions {
        policy: Some(policy.to_string()),
        ..reading.clone()
    };
    let observed = read_observed(path, network, &reading)?;
    let year = split_year(&observed, share).map_err(Error::Input)?;
    let opts = ForecastOptions {
        train_until: year,
        ..opts.clone()
    };
    // leave-one-policy-out innovativeness: the other policies' adoptions up to `year`
    let left_out = match others {
        None => None,
        Some(all) => Some(
            super::leave_out::left_out(all, policy, year, network.n).ok_or_else(|| {
                Error::Input(format!(
                    "the scenario reads the node column `{}`, and no other policy of the file had an adoption by {year} (the last training year) to compute it from",
                    super::leave_out::COLUMN
                ))
            })?,
        ),
    };
    let own;
    let network = match &left_out {
        None => network,
        Some(l) => {
            own = super::leave_out::with_column(network, &l.values);
            &own
        }
    };
    let f = forecast(scenario, network, &observed, &opts, progress)?;
    let mut notes: Vec<String> = observed.warnings.clone();
    if let Some(l) = &left_out {
        notes.push(format!(
            "{} recomputed without this policy: {} other policies, adoptions up to {}",
            super::leave_out::COLUMN,
            l.policies,
            l.until
        ));
    }
    notes.extend(f.split.horizon_warning(opts.horizon));
    if !f.eha.logit.converged {
        notes.push(
            "the event-history logit did not converge (perfect separation on the training years?): its scores are left out of the EHA means and the policysim − EHA differences"
                .into(),
        );
    }
    Ok(Evaluated {
        start_year: observed.start_year,
        train_until: year,
        last_year: f.split.last_year,
        eventual_adopters: observed.adopted_step.iter().flatten().count(),
        at_risk: f.at_risk.len(),
        adopted_within_horizon: f.outcome.iter().filter(|&&y| y).count(),
        fitted: f.fit.as_ref().map(|r| r.best.clone()).unwrap_or_default(),
        scores: f.scores,
        notes,
        eha_converged: f.eha.logit.converged,
        innovativeness: left_out.map(|l| (l.policies, l.until)),
    })
}

/// The three measures, in the order of the tables.
pub const MEASURES: [&str; 3] = ["auc", "brier", "log_loss"];

fn measure(s: &Scores, m: usize) -> Option<f64> {
    match m {
        0 => s.auc,
        1 => Some(s.brier),
        _ => Some(s.log_loss),
    }
}

/// A row of the means: a forecast (or a paired difference) and a measure over the policies.
#[derive(Debug, Clone)]
pub struct MeanRow {
    /// `policysim`, `eha`, `bass`, `policysim-eha` or `policysim-bass`.
    pub forecast: String,
    /// `auc`, `brier` or `log_loss`.
    pub measure: &'static str,
    /// Mean, sd and t-based 95% interval over the policies where the measure is defined
    /// (None when it is defined for none).
    pub ci: Option<MeanCi>,
}

/// The means over the evaluated policies of each forecast's three scores, then the
/// paired differences policysim − EHA and policysim − Bass (per policy, then averaged).
/// The EHA means and the policysim − EHA differences leave out the policies whose logit
/// did not converge (a drifting coefficient is not a forecast of the method).
pub fn means(rows: &[PolicyEvaluation]) -> Vec<MeanRow> {
    let done: Vec<&Evaluated> = rows
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let mut out = Vec::new();
    let values = |f: &dyn Fn(&Evaluated) -> Option<f64>| -> Vec<f64> {
        done.iter().filter_map(|e| f(e)).collect()
    };
    for (k, name) in MODELS.iter().enumerate() {
        for (m, measure_name) in MEASURES.iter().enumerate() {
            let v = values(&|e| counts(e, k).then(|| measure(&e.scores[k], m)).flatten());
            out.push(MeanRow {
                forecast: (*name).into(),
                measure: measure_name,
                ci: mean_ci_of(&v),
            });
        }
    }
    for other in [1, 2] {
        for (m, measure_name) in MEASURES.iter().enumerate() {
            let v = values(&|e| {
                counts(e, other)
                    .then(|| Some(measure(&e.scores[0], m)? - measure(&e.scores[other], m)?))
                    .flatten()
            });
            out.push(MeanRow {
                forecast: format!("policysim-{}", MODELS[other]),
                measure: measure_name,
                ci: mean_ci_of(&v),
            });
        }
    }
    out
}

/// Whether model k's scores of a policy count in the means (EHA: its logit converged).
fn counts(e: &Evaluated, k: usize) -> bool {
    k != 1 || e.eha_converged
}

/// The evaluated policies whose event-history logit did not converge.
pub fn eha_not_converged(rows: &[PolicyEvaluation]) -> Vec<&str> {
    rows.iter()
        .filter(|r| r.outcome.as_ref().is_ok_and(|e| !e.eha_converged))
        .map(|r| r.policy.as_str())
        .collect()
}

/// `evaluation.csv`: one row per policy, in the file's order; a policy that could not be
/// evaluated has `status` = `skipped`, the reason and empty number cells.
pub fn evaluation_csv(rows: &[PolicyEvaluation], free: &[String]) -> String {
    let mut out = String::from(
        "policy,status,reason,start_year,train_until,last_year,eventual_adopters,at_risk,adopted_within_horizon",
    );
    for k in free {
        let _ = write!(out, ",{}", csv_field(&format!("fitted_{k}")));
    }
    for model in MODELS {
        for m in MEASURES {
            let _ = write!(out, ",{model}_{m}");
        }
    }
    out.push_str(",notes\n");
    let blanks = 6 + free.len() + 9;
    for r in rows {
        let _ = write!(out, "{}", csv_field(&r.policy));
        match &r.outcome {
            Err(why) => {
                let _ = write!(out, ",skipped,{}", csv_field(why));
                out.push_str(&",".repeat(blanks + 1));
            }
            Ok(e) => {
                let _ = write!(
                    out,
                    ",ok,,{},{},{},{},{},{}",
                    e.start_year,
                    e.train_until,
                    e.last_year,
                    e.eventual_adopters,
                    e.at_risk,
                    e.adopted_within_horizon
                );
                for v in &e.fitted {
                    let _ = write!(out, ",{}", num(*v));
                }
                for s in &e.scores {
                    for m in 0..3 {
                        let _ = write!(out, ",{}", measure(s, m).map_or(String::new(), num));
                    }
                }
                let _ = write!(out, ",{}", csv_field(&e.notes.join("; ")));
            }
        }
        out.push('\n');
    }
    out
}

/// `evaluation_means.csv`: `forecast,measure,policies,mean,sd,ci_low,ci_high`.
pub fn means_csv(means: &[MeanRow]) -> String {
    let mut out = String::from("forecast,measure,policies,mean,sd,ci_low,ci_high\n");
    for r in means {
        let cells = r.ci.map_or(",,,,".to_string(), |c| {
            format!(
                "{},{},{},{},{}",
                c.n,
                num(c.mean),
                num(c.sd),
                num(c.low),
                num(c.high)
            )
        });
        let _ = writeln!(out, "{},{},{cells}", r.forecast, r.measure);
    }
    out
}

fn ci_json(c: &Option<MeanCi>) -> Value {
    match c {
        None => json!({"policies": 0, "mean": null, "sd": null, "ci": null}),
        Some(c) => {
            let f = |x: f64| {
                if x.is_finite() {
                    json!(round_sig(x))
                } else {
                    Value::Null
                }
            };
            json!({"policies": c.n, "mean": f(c.mean), "sd": f(c.sd), "ci": [f(c.low), f(c.high)]})
        }
    }
}

/// `evaluation.json`: the settings, every policy (scores or the reason it was skipped)
/// and the means with their intervals.
pub fn evaluation_json(
    rows: &[PolicyEvaluation],
    means: &[MeanRow],
    settings: Value,
    free: &[String],
) -> String {
    let policies: Vec<Value> = rows
        .iter()
        .map(|r| match &r.outcome {
            Err(why) => json!({"policy": r.policy, "status": "skipped", "reason": why}),
            Ok(e) => {
                let mut scores = serde_json::Map::new();
                for (m, s) in MODELS.iter().zip(&e.scores) {
                    scores.insert((*m).into(), json!({"auc": s.auc.map(round_sig), "brier": round_sig(s.brier), "log_loss": round_sig(s.log_loss)}));
                }
                let fitted: serde_json::Map<String, Value> = free
                    .iter()
                    .zip(&e.fitted)
                    .map(|(k, v)| (k.clone(), json!(round_sig(*v))))
                    .collect();
                json!({"policy": r.policy, "status": "ok", "start_year": e.start_year,
                       "train_until": e.train_until, "last_year": e.last_year,
                       "eventual_adopters": e.eventual_adopters, "at_risk": e.at_risk,
                       "adopted_within_horizon": e.adopted_within_horizon,
                       "fitted": if free.is_empty() { Value::Null } else { Value::Object(fitted) },
                       "scores": scores, "notes": e.notes,
                       "innovativeness": e.innovativeness.map_or(Value::Null, |(n, until)| json!({
                           "column": super::leave_out::COLUMN, "left_out": true,
                           "other_policies": n, "adoptions_until": until}))})
            }
        })
        .collect();
    let mut mean = serde_json::Map::new();
    for r in means {
        let entry = mean.entry(r.forecast.clone()).or_insert_with(|| json!({}));
        entry[r.measure] = ci_json(&r.ci);
    }
    let evaluated = rows.iter().filter(|r| r.outcome.is_ok()).count();
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "settings": settings,
        "policies_in_file": rows.len(),
        "policies_evaluated": evaluated,
        "policies_skipped": rows.len() - evaluated,
        "policies": policies,
        "means": mean,
        "means_method": "mean over the evaluated policies (AUC over those where it is defined); 95% interval mean ± t(0.975, n-1) sd/√n; differences paired per policy; the EHA means and the policysim − EHA differences leave out the policies whose logit did not converge (eha_not_converged)",
        "eha_not_converged": eha_not_converged(rows),
    });
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// `evaluation.md`: the table a paper would print (AUC / Brier / log loss per forecast,
/// the means with 95% intervals, the paired differences, the skipped policies).
pub fn evaluation_markdown(rows: &[PolicyEvaluation], means: &[MeanRow], horizon: u32) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| policy | train until | at risk | adopted in {horizon} y | policysim | EHA | Bass |"
    );
    out.push_str("|---|---|---|---|---|---|---|\n");
    let cell = |s: &Scores| {
        format!(
            "{} / {:.3} / {:.2}",
            s.auc.map_or("–".into(), |a| format!("{a:.2}")),
            s.brier,
            s.log_loss
        )
    };
    for r in rows {
        if let Ok(e) = &r.outcome {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                policysim_io::cells::markdown_cell(&r.policy),
                e.train_until,
                e.at_risk,
                e.adopted_within_horizon,
                cell(&e.scores[0]),
                cell(&e.scores[1]),
                cell(&e.scores[2])
            );
        }
    }
    let find = |f: &str, m: &str| {
        means
            .iter()
            .find(|r| r.forecast == f && r.measure == m)
            .and_then(|r| r.ci)
    };
    let with_ci = |c: Option<MeanCi>, digits: usize| {
        c.map_or("–".into(), |c| {
            if c.low.is_finite() {
                format!("{:.d$} [{:.d$}, {:.d$}]", c.mean, c.low, c.high, d = digits)
            } else {
                format!("{:.d$}", c.mean, d = digits)
            }
        })
    };
    let evaluated = rows.iter().filter(|r| r.outcome.is_ok()).count();
    let auc_n = find("policysim", "auc").map_or(0, |c| c.n);
    let _ = writeln!(
        out,
        "\n| mean over {evaluated} policies, 95% CI (AUC over the {auc_n} where it is defined) | AUC | Brier | log loss |"
    );
    out.push_str("|---|---|---|---|\n");
    for (f, label) in [
        ("policysim", "policysim"),
        ("eha", "event-history logit"),
        ("bass", "Bass curve"),
        ("policysim-eha", "policysim − EHA (paired)"),
        ("policysim-bass", "policysim − Bass (paired)"),
    ] {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} |",
            with_ci(find(f, "auc"), 3),
            with_ci(find(f, "brier"), 3),
            with_ci(find(f, "log_loss"), 2)
        );
    }
    let drifted = eha_not_converged(rows);
    if !drifted.is_empty() {
        let names: Vec<String> = drifted
            .iter()
            .map(|p| policysim_io::cells::markdown_cell(p))
            .collect();
        let _ = writeln!(
            out,
            "\nThe event-history logit did not converge for {} {} ({}): {} scores are in the table above but left out of the EHA means and of policysim − EHA.",
            drifted.len(),
            if drifted.len() == 1 { "policy" } else { "policies" },
            names.join(", "),
            if drifted.len() == 1 { "its" } else { "their" }
        );
    }
    let skipped: Vec<&PolicyEvaluation> = rows.iter().filter(|r| r.outcome.is_err()).collect();
    if !skipped.is_empty() {
        out.push_str("\nNot evaluated:\n\n");
        for r in skipped {
            if let Err(why) = &r.outcome {
                let _ = writeln!(
                    out,
                    "- {}: {why}",
                    policysim_io::cells::markdown_cell(&r.policy)
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed(steps: Vec<Option<u32>>, last: u32) -> Observed {
        Observed {
            start_year: 2000,
            steps: last,
            initial: Vec::new(),
            initial_ids: Vec::new(),
            adopted_step: steps,
            source: "o.csv".into(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn train_shares_parse_exactly() {
        assert_eq!(parse_train_share("1/3"), Ok(TrainShare { num: 1, den: 3 }));
        assert_eq!(
            parse_train_share("0.25"),
            Ok(TrainShare { num: 25, den: 100 })
        );
        assert_eq!(parse_train_share(".5"), Ok(TrainShare { num: 5, den: 10 }));
        for bad in [
            "0", "1", "3/3", "4/3", "0/3", "1/0", "-0.2", "a", "1.5", "0.2.1", "",
        ] {
            assert!(parse_train_share(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_split_is_the_year_the_share_is_reached() {
        // 6 adopters: steps 0, 1, 1, 2, 4, 5; a third is 2: reached at step 1 (both
        // adopters of that year count), so the training years end in 2001
        let o = observed(
            vec![Some(0), Some(1), Some(1), Some(2), Some(4), Some(5), None],
            5,
        );
        assert_eq!(split_year(&o, TrainShare { num: 1, den: 3 }), Ok(2001));
        // exactly half (the 3rd of 6) is reached at step 1; just over half needs the 4th:
        // step 2; two thirds (the 4th) too, and 0.7 the 5th: step 4
        assert_eq!(split_year(&o, TrainShare { num: 1, den: 2 }), Ok(2001));
        assert_eq!(split_year(&o, TrainShare { num: 51, den: 100 }), Ok(2002));
        assert_eq!(split_year(&o, TrainShare { num: 2, den: 3 }), Ok(2002));
        assert_eq!(split_year(&o, TrainShare { num: 7, den: 10 }), Ok(2004));
        // a share reached in the first year moves to the year after it
        assert_eq!(split_year(&o, TrainShare { num: 1, den: 10 }), Ok(2001));
        // reached in the last year: nothing left to score
        let e = split_year(&o, TrainShare { num: 9, den: 10 }).unwrap_err();
        assert!(e.contains("no later adoption") && e.contains("2005"), "{e}");
        // two years only: the year after the first is the last
        let two = observed(vec![Some(0), Some(1)], 1);
        assert!(split_year(&two, TrainShare::default()).is_err());
    }

    #[test]
    fn means_and_paired_differences_skip_what_is_undefined() {
        let s = |auc: Option<f64>, brier: f64| Scores {
            auc,
            brier,
            log_loss: 2.0 * brier,
        };
        let e = |a: [Scores; 3]| Evaluated {
            start_year: 2000,
            train_until: 2002,
            last_year: 2008,
            eventual_adopters: 5,
            at_risk: 4,
            adopted_within_horizon: 2,
            fitted: Vec::new(),
            scores: a,
            notes: Vec::new(),
            eha_converged: true,
            innovativeness: None,
        };
        let rows = vec![
            PolicyEvaluation {
                policy: "a".into(),
                outcome: Ok(e([s(Some(0.8), 0.1), s(Some(0.6), 0.3), s(Some(0.5), 0.2)])),
            },
            PolicyEvaluation {
                policy: "b".into(),
                outcome: Err("no".into()),
            },
            PolicyEvaluation {
                policy: "c".into(),
                outcome: Ok(e([s(None, 0.3), s(None, 0.2), s(None, 0.2)])),
            },
        ];
        let m = means(&rows);
        let get = |f: &str, k: &str| {
            m.iter()
                .find(|r| r.forecast == f && r.measure == k)
                .unwrap()
                .ci
        };
        let auc = get("policysim", "auc").unwrap();
        assert_eq!((auc.n, auc.mean), (1, 0.8));
        let brier = get("policysim", "brier").unwrap();
        assert!((brier.mean - 0.2).abs() < 1e-12 && brier.n == 2);
        // t(0.975, 1) = 12.706; sd of (0.1, 0.3) = 0.1414; half-width 12.706 * 0.1414 / √2 = 1.2706
        assert!((brier.high - brier.mean - 1.2706).abs() < 1e-3, "{brier:?}");
        let d = get("policysim-eha", "brier").unwrap();
        // (0.1 - 0.3) and (0.3 - 0.2), paired per policy
        assert!((d.mean + 0.05).abs() < 1e-12 && d.n == 2, "{d:?}");
        let csv = evaluation_csv(&rows, &[]);
        let lines: Vec<&str> = csv.lines().collect();
        let width = lines[0].split(',').count();
        assert!(lines.iter().all(|l| l.split(',').count() == width), "{csv}");
        assert!(lines[2].starts_with("b,skipped,no,"));

        // a policy whose logit drifted off: its EHA scores and its policysim − EHA
        // difference leave the means; policysim's and Bass's keep it
        let mut drifted = rows;
        if let Ok(e) = &mut drifted[2].outcome {
            e.eha_converged = false;
        }
        let m = means(&drifted);
        let get = |f: &str, k: &str| {
            m.iter()
                .find(|r| r.forecast == f && r.measure == k)
                .unwrap()
                .ci
        };
        assert_eq!(get("eha", "brier").unwrap().n, 1);
        assert_eq!(get("policysim-eha", "brier").unwrap().n, 1);
        assert_eq!(get("policysim", "brier").unwrap().n, 2);
        assert_eq!(get("policysim-bass", "brier").unwrap().n, 2);
        assert_eq!(eha_not_converged(&drifted), ["c"]);
        let md = evaluation_markdown(&drifted, &m, 5);
        assert!(md.contains("did not converge for 1 policy (c)"), "{md}");
    }
}
