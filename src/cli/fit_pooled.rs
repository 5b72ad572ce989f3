//! `policysim fit --policy a,b,c` and `--all-policies`: the pooled fit's options and files.

use super::fit::{
    evaluations_csv, fit_csv, fitted_values, interval_meaning, write_fitted, FitArgs,
};
use crate::cells::round_sig;
use crate::charts;
use crate::error::{Error, Result};
use crate::fit::pooled::{fit_pooled, PooledFit};
use crate::fit::{FitOptions, FitResult};
use crate::network::Network;
use crate::observed::{read_observed, Observed};
use crate::output::write_atomic;
use crate::scenario::Scenario;
use serde_json::{json, Value};
use std::sync::atomic::AtomicBool;

/// The policies of a pooled fit, or None for a fit to one policy: every policy of the
/// file with `--all-policies`; with `--policy a,b,c` the names between the commas
/// (trimmed), unless the file has a policy named exactly `a,b,c`.
pub(super) fn pooled_policies(args: &FitArgs) -> Result<Option<Vec<String>>> {
    let in_file = || crate::observed::policies(&args.observed);
    if args.all_policies {
        let all = in_file()?;
        if all.len() < 2 {
            return Err(Error::input_in(
                &args.observed,
                format!(
                    "--all-policies needs a \"policy\" column with at least two policies (found {}); fit one policy without it",
                    all.len()
                ),
            ));
        }
        return Ok(Some(all));
    }
    let Some(p) = &args.reading.policy else {
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
    args: &FitArgs,
    scenario: &Scenario,
    network: &Network,
    policies: &[String],
    cancel: Option<&'static AtomicBool>,
) -> Result<()> {
    let mut observed: Vec<(String, Observed)> = Vec::with_capacity(policies.len());
    for p in policies {
        let mut reading = args.reading.options();
        reading.policy = Some(p.clone());
        let o = read_observed(&args.observed, network, &reading)
            .map_err(|e| e.of(&format!("policy \"{p}\"")))?;
        if !args.quiet {
            for w in &o.warnings {
                eprintln!("warning: {w}");
            }
        }
        observed.push((p.clone(), o));
    }
    let opts = FitOptions {
        free: crate::fit::check_free(scenario, &args.free)?,
        runs: args.runs,
        budget: args.budget,
        max_evaluations: super::fit::max_evaluations(args),
        objective: args.objective,
        seed: scenario.seed,
        threads: args.threads,
        cancel,
    };
    let bar = crate::cli::progress_bar_of(
        args.budget as u64,
        &format!("evaluations x {} policies", policies.len()),
        args.quiet,
    );
    let started = std::time::Instant::now();
    let tick = |k: u64| super::fit::grow(&bar, k);
    let result = fit_pooled(scenario, network, &observed, &opts, &tick);
    bar.finish_and_clear();
    let pooled =
        result.map_err(|e| match e {
            Error::Interrupted(progress) => Error::Interrupted(
                crate::staging::interrupted_message(&progress, &args.out, args.out.exists()),
            ),
            e => e,
        })?;
    let wall = started.elapsed().as_secs_f64();
    let charts = (!args.no_charts).then(|| args.charts.options());
    let first = &pooled.policies[0].1;
    crate::staging::write_staged(&args.out, |out| {
        let w = |name: &str, text: &str| write_atomic(&out.join(name), text.as_bytes());
        w("fit.json", &pooled_json(args, &opts, &observed, &pooled))?;
        w("fit.csv", &pooled_csv(&pooled))?;
        w("evaluations.csv", &evaluations_csv(&opts, first))?;
        for (k, ((name, r), (_, o))) in pooled.policies.iter().zip(&observed).enumerate() {
            let folder = format!("{}-{}", k + 1, slug(name));
            write_fitted(&out.join("fitted").join(&folder), o, r, charts.as_ref())?;
            if let Some(c) = &charts {
                let chart = crate::fit::chart::FitChart {
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
        if cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::SeqCst)) {
            return Err(Error::Interrupted(format!(
                "all {} evaluations finished",
                pooled.search.evaluations.len()
            )));
        }
        Ok(())
    })?;
    if !args.quiet {
        eprintln!(
            "{}: pooled fit to {} policies, {} evaluations x {} runs each in {:.1} s",
            scenario.name,
            policies.len(),
            pooled.search.evaluations.len(),
            opts.runs,
            wall
        );
        eprintln!("  best value  [interval: {}]", interval_meaning(first));
        if let Some(w) = super::fit::too_few_accepted(first, opts.max_evaluations) {
            eprintln!("warning: {w}");
        }
        for (k, p) in opts.free.iter().enumerate() {
            let (best, (low, high)) = (first.best[k], first.interval[k]);
            eprintln!("  {} = {best:.4}  [{low:.4}, {high:.4}]", p.key);
        }
        eprintln!(
            "  pooled objective {:.4} (mean of the policies'); per policy RMSE model / Bass:",
            pooled.search.best.objective
        );
        for (name, r) in &pooled.policies {
            eprintln!(
                "    {name}: {:.4} / {:.4}",
                r.best_eval.curve_rmse, r.bass_rmse
            );
        }
        for e in &first.box_edges {
            eprintln!(
                "warning: {} reaches the {} of its search box ({}); widen --free {} to see whether the answer changes",
                e.key,
                if e.side == "low" { "bottom" } else { "top" },
                e.bound,
                e.key
            );
        }
        eprintln!(
            "results in {}/ (fit.json, fit.csv, evaluations.csv, fitted/)",
            args.out.display()
        );
    }
    Ok(())
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
            out.push_str(&crate::cells::csv_field(name));
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
    args: &FitArgs,
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
        "observed": args.observed.display().to_string(),
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
        "min_accepted": crate::fit::abc::MIN_ACCEPTED,
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
    crate::output::insert_description_zh(&mut v, &first.scenario.description_zh);
    let mut text = serde_json::to_string_pretty(&v).unwrap_or_default();
    text.push('\n');
    text
}
