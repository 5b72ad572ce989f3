//! `policysim fit --policy a,b,c` and `--all-policies`: the pooled fit's policies, run
//! and files.

use super::files::{evaluations_csv, fit_csv, fitted_values, write_fitted};
use super::pooled::{fit_pooled, PooledFit};
use super::study::{search_options, Fitted, Outcome, StudyOptions};
use super::{FitOptions, FitResult};
use crate::progress::Progress;
use policysim_charts as charts;
use policysim_io::cells::round_sig;
use policysim_io::observed::{read_observed, Observed};
use policysim_io::output::write_atomic;
use policysim_io::staging::write_staged;
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;
use serde_json::{json, Value};

/// The policies of a pooled fit, or None for a fit to one policy: every policy of the
/// file with `all_policies`; with a policy `a,b,c` the names between the commas
/// (trimmed), unless the file has a policy named exactly `a,b,c`.
pub(super) fn pooled_policies(options: &StudyOptions) -> Result<Option<Vec<String>>> {
    let in_file = || policysim_io::observed::policies(&options.observed);
    if options.all_policies {
        let all = in_file()?;
        if all.len() < 2 {
            return Err(Error::input_in(
                &options.observed,
                format!(
                    "--all-policies needs a \"policy\" column with at least two policies (found {}); fit one policy without it",
                    all.len()
                ),
            ));
        }
        return Ok(Some(all));
    }
    let Some(p) = &options.reading.policy else {
        return Ok(None);
    };
    if !p.contains(',') || in_file()?.iter().any(|q| q == p) {
        return Ok(None);
    }
    let names: Vec<String> = p.split(',').map(|s| s.trim().to_string()).collect();
    if let Some(k) = names.iter().position(String::is_empty) {
        return Err(Error::Input(format!(
            "--policy {p}: name {} of the list is empty; give the policies as a,b,c",
            k + 1
        )));
    }
    if let Some(k) = (1..names.len()).find(|&k| names[..k].contains(&names[k])) {
        return Err(Error::Input(format!(
            "--policy {p}: \"{}\" is listed twice; give each policy once",
            names[k]
        )));
    }
    Ok(Some(names))
}

/// A policy name as a file name: letters and digits kept, anything else `_`.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// Runs a pooled fit and writes its files.
pub(super) fn run(
    options: &StudyOptions,
    scenario: &Scenario,
    network: &Network,
    policies: &[String],
    progress: &Progress,
) -> Result<Outcome> {
    let mut observed: Vec<(String, Observed)> = Vec::with_capacity(policies.len());
    for p in policies {
        let mut reading = options.reading.clone();
        reading.policy = Some(p.clone());
        let o = read_observed(&options.observed, network, &reading)
            .map_err(|e| e.of(&format!("policy \"{p}\"")))?;
        for w in &o.warnings {
            (progress.warning)(w);
        }
        observed.push((p.clone(), o));
    }
    let opts = search_options(options, scenario)?;
    (progress.plan)(
        options.budget as u64,
        &format!("evaluations x {} policies", policies.len()),
    );
    let started = std::time::Instant::now();
    let result = fit_pooled(scenario, network, &observed, &opts, progress.tick);
    (progress.done)();
    let pooled = result
        .map_err(|e| policysim_io::staging::interrupted_before_writing(e, None, &options.out))?;
    let seconds = started.elapsed().as_secs_f64();
    let charts = options.charts.as_ref();
    let first = &pooled.policies[0].1;
    write_staged(&options.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("fit.json", &pooled_json(options, &opts, &observed, &pooled))?;
        w("fit.csv", &pooled_csv(&pooled))?;
        w("evaluations.csv", &evaluations_csv(&opts, first))?;
        for (k, ((name, r), (_, o))) in pooled.policies.iter().zip(&observed).enumerate() {
            let folder = format!("{}-{}", k + 1, slug(name));
            write_fitted(&out.join("fitted").join(&folder), o, r, charts)?;
            if let Some(c) = charts {
                let chart = super::chart::FitChart {
                    fit: r,
                    name: charts::title::Heading::new(
                        &r.scenario.name,
                        &r.scenario.description,
                        &r.scenario.description_zh,
                    )
                    .with_suffix(&format!(" · {name} (pooled)")),
                };
                charts::save_figure(&chart, out, &format!("fit-{folder}"), c)?;
            }
        }
        if opts
            .cancel
            .is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst))
        {
            return Err(Error::Interrupted(format!(
                "all {} evaluations finished",
                pooled.search.evaluations.len()
            )));
        }
        Ok(())
    })?;
    Ok(Outcome {
        scenario: scenario.name.clone(),
        fit: opts,
        seconds,
        fitted: Fitted::Pooled(Box::new(pooled)),
    })
}

/// `fit.csv` of a pooled fit: `policy,` before each row of every policy's `fit.csv`.
fn pooled_csv(pooled: &PooledFit) -> String {
    let mut out = String::from("policy,");
    for (k, (name, r)) in pooled.policies.iter().enumerate() {
        let one = fit_csv(r);
        let mut lines = one.lines();
        let header = lines.next().unwrap_or_default();
        if k == 0 {
            out.push_str(header);
            out.push('\n');
        }
        for l in lines {
            out.push_str(&policysim_io::cells::csv_field(name));
            out.push(',');
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// `fit.json` of a pooled fit: the shared values, interval and pooled objective, then
/// each policy's data and scores at the best point.
fn pooled_json(
    options: &StudyOptions,
    opts: &FitOptions,
    observed: &[(String, Observed)],
    pooled: &PooledFit,
) -> String {
    let first: &FitResult = &pooled.policies[0].1;
    let (best, interval) = fitted_values(&opts.free, first);
    let mut free = Vec::new();
    for p in &opts.free {
        free.push(json!({"key": p.key, "low": p.low, "high": p.high, "whole_numbers": p.integer}));
    }
    let per: Vec<Value> = pooled
        .policies
        .iter()
        .zip(observed)
        .map(|((name, r), (_, o))| {
            json!({
                "policy": name,
                "units": o.n(),
                "adopters": o.adopted_step.iter().flatten().count(),
                "initial_adopters": o.initial.len(),
                "start_year": o.start_year,
                "steps": o.steps,
                "rmse": round_sig(r.best_eval.curve_rmse),
                "hazard_rmse": r.best_eval.hazard_rmse.map(round_sig),
                "objective_value": round_sig(r.best_eval.objective),
                "noise": round_sig(r.best_eval.noise),
                "hazard_noise": r.hazard_noise.map(round_sig),
                "bass": {"p": round_sig(r.bass.p), "q": round_sig(r.bass.q), "rmse": round_sig(r.bass_rmse), "t_offset": r.bass_offset},
            })
        })
        .collect();
    let s = &pooled.search;
    let v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": first.scenario.name,
        "description": first.scenario.description,
        "observed": options.observed.display().to_string(),
        "pooled": true,
        "pooled_objective": "mean of the per-policy objectives (each policy from its own first adopters over its own span, the same seeds)",
        "policy": pooled.policies.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>(),
        "objective": opts.objective.name(),
        "free": free,
        "best": Value::Object(best),
        "interval": Value::Object(interval),
        "interval_method": if s.interval_from_abc { "abc-5-95" } else { "accepted-min-max" },
        "objective_value": round_sig(s.best.objective),
        "tolerance": round_sig(s.tolerance),
        "tolerance_rule": "mean of the per-policy ABC tolerances at the best point",
        "accepted": s.accepted,
        "min_accepted": super::abc::MIN_ACCEPTED,
        "accepted_ess": round_sig(s.accepted_ess),
        "abc_evaluations": s.abc_evaluations,
        "abc_batches": s.abc_batches,
        "max_evaluations": opts.max_evaluations,
        "budget": opts.budget,
        "box_edges": first.box_edges.iter().map(|e| json!({"key": e.key, "side": e.side, "bound": e.bound})).collect::<Vec<_>>(),
        "policies": per,
        "evaluations": s.evaluations.len(),
        "runs": opts.runs,
        "seed": opts.seed,
    });
    let mut v = v;
    policysim_io::output::insert_description_zh(&mut v, &first.scenario.description_zh);
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}
