//! Outputs: the files of a run's results, each written through [`write_atomic`] (a
//! temporary name in the same folder, renamed when complete).

use crate::cells::{csv_field, num, round_sig};

pub use crate::atomic_file::{temp_name, write_atomic};

use policysim_model::aggregate::{Stat, Summary, TimeSummary};
use policysim_model::ensemble::EnsembleResult;
use policysim_model::model::Channel;
use policysim_model::network::Network;
use policysim_model::run::RunSummary;
use policysim_model::scenario::Scenario;
use policysim_model::stats::mean_ci;
use serde_json::{json, Value};
use std::fmt::Write as _;

/// Header of `runs.csv`.
pub const RUNS_HEADER: &str = "run,seed,final_share,t10,t50,t90,share_innovation,share_learning,share_competition,share_pilot,share_mandate,promoted_at,evaluation_bias,final_mean_quality,t10_interp,t50_interp,t90_interp";

fn opt_u32(x: Option<u32>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

fn opt_f64(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}

/// One `runs.csv` row (without newline).
pub fn runs_row(seed: u64, s: &RunSummary) -> String {
    let mut row = format!(
        "{},{},{},{},{},{}",
        s.run,
        seed,
        num(s.final_share),
        opt_u32(s.t10),
        opt_u32(s.t50),
        opt_u32(s.t90)
    );
    for c in 0..5 {
        row.push(',');
        row.push_str(&opt_f64(s.channel_shares.map(|v| v[c])));
    }
    let _ = write!(
        row,
        ",{},{},{}",
        opt_u32(s.promoted_at),
        opt_f64(s.evaluation_bias),
        opt_f64(s.final_mean_quality)
    );
    for t in s.t_interp {
        row.push(',');
        row.push_str(&opt_f64(t));
    }
    row
}

/// The columns `runs.csv` adds after [`RUNS_HEADER`], only when the scenario switches
/// their mechanism on (so that other outputs stay as they were): `share_shock` with a
/// common shock (MODEL.md 4d), `penalised,deterred`
/// with costs of failure and `final_mean_learning` with growing capacity (MODEL.md 4c),
/// `rounds_used` with pilot rounds or noisy pilot evaluation, and
/// `uptake_at,uptake_inventor,uptake_regret` in mode `uptake` (MODEL.md 4b).
pub fn optional_columns(scenario: &Scenario) -> Vec<&'static str> {
    let mut cols = Vec::new();
    use policysim_model::run::figures::{reports_costs, reports_learning, reports_shocks};
    if reports_shocks(scenario) {
        cols.push("share_shock");
    }
    if reports_costs(scenario) {
        cols.extend(["penalised", "deterred"]);
    }
    if reports_learning(scenario) {
        cols.push("final_mean_learning");
    }
    if policysim_model::run::reports_rounds(scenario) {
        cols.push("rounds_used");
    }
    if reports_uptake(scenario) {
        cols.extend(["uptake_at", "uptake_inventor", "uptake_regret"]);
    }
    if reports_centres(scenario) {
        cols.extend(CENTRE_COLUMNS);
    }
    cols
}

/// Whether the scenario has centres at a level (`central.scope` below national, policy model).
pub fn reports_centres(scenario: &Scenario) -> bool {
    policysim_model::run::figures::reports_centres(scenario)
}

/// The `runs.csv` columns of centres at a level: how many promoted, the spread of their
/// promotion steps (min, median, max over the centres that promoted) and of the final
/// shares of their subtrees (sd, min, max over centres with governments under them).
pub const CENTRE_COLUMNS: [&str; 7] = [
    "centres_promoted",
    "centre_promoted_at_min",
    "centre_promoted_at_median",
    "centre_promoted_at_max",
    "centre_share_sd",
    "centre_share_min",
    "centre_share_max",
];

/// The cells of [`CENTRE_COLUMNS`] for one run (with leading commas).
fn centre_cells(s: &RunSummary) -> String {
    let mut steps: Vec<f64> = s
        .centres
        .iter()
        .filter_map(|c| c.promoted_at.map(f64::from))
        .collect();
    steps.sort_by(f64::total_cmp);
    let (promoted_min, promoted_median, promoted_max) = if steps.is_empty() {
        (String::new(), String::new(), String::new())
    } else {
        (
            num(steps[0]),
            num(policysim_model::aggregate::quantile_sorted(&steps, 0.5)),
            num(steps[steps.len() - 1]),
        )
    };
    let (sd, min, max) = match s.centre_share_spread() {
        Some((sd, min, max)) => (num(sd), num(min), num(max)),
        None => (String::new(), String::new(), String::new()),
    };
    format!(
        ",{},{promoted_min},{promoted_median},{promoted_max},{sd},{min},{max}",
        steps.len()
    )
}

/// Header of `centres.csv`: one row per run and centre (centres at a level).
pub const CENTRES_HEADER: &str =
    "run,centre,name,units,promoted_at,rounds_used,uptake_regret,final_share";

/// The `centres.csv` rows of one run (each ending in a newline); `centre` is the id of the
/// government that is the centre, `name` its node-file name (or the id).
pub fn centres_rows(network: &policysim_model::network::Network, s: &RunSummary) -> String {
    let mut out = String::new();
    for c in &s.centres {
        let i = c.unit as usize;
        let id = network
            .names
            .get(i)
            .map_or(String::new(), |v| csv_field(&v));
        let name = network
            .labels
            .get(i)
            .filter(|l| !l.is_empty())
            .map_or(id.clone(), |v| csv_field(v));
        let _ = writeln!(
            out,
            "{},{id},{name},{},{},{},{},{}",
            s.run,
            c.units,
            opt_u32(c.promoted_at),
            c.rounds_used,
            opt_f64(c.uptake_regret),
            num(c.final_share)
        );
    }
    out
}

/// Whether the centre takes local variants up (policy model, mode `uptake`).
pub fn reports_uptake(scenario: &Scenario) -> bool {
    policysim_model::run::figures::reports_uptake(scenario)
}

/// The header of `runs.csv` for this scenario: [`RUNS_HEADER`] and its [`optional_columns`].
pub fn runs_header(scenario: &Scenario) -> String {
    let mut h = RUNS_HEADER.to_string();
    for c in optional_columns(scenario) {
        h.push(',');
        h.push_str(c);
    }
    h
}

/// The cells of a run's [`optional_columns`] (each with its leading comma; empty when off).
pub fn optional_cells(scenario: &Scenario, s: &RunSummary) -> String {
    let mut row = String::new();
    if policysim_model::run::figures::reports_shocks(scenario) {
        row.push(',');
        row.push_str(&opt_f64(s.shock_share));
    }
    if s.penalised.is_some() || s.deterred.is_some() {
        let _ = write!(
            row,
            ",{},{}",
            s.penalised.map_or(String::new(), |v| v.to_string()),
            s.deterred.map_or(String::new(), |v| v.to_string())
        );
    }
    if let Some(l) = s.final_mean_learning {
        let _ = write!(row, ",{}", num(l));
    }
    if let Some(r) = s.rounds_used {
        let _ = write!(row, ",{r}");
    }
    if reports_uptake(scenario) {
        match &s.uptake {
            Some(u) => {
                let _ = write!(
                    row,
                    ",{},{},{}",
                    u.step,
                    csv_field(&s.uptake_inventor),
                    num(u.regret)
                );
            }
            // never taken up: empty cells, never a number
            None => row.push_str(",,,"),
        }
    }
    if reports_centres(scenario) {
        row.push_str(&centre_cells(s));
    }
    row
}

/// Whether the run writes `rounds.csv` (the centre evaluates: pilot or uptake mode).
pub fn writes_rounds(scenario: &Scenario) -> bool {
    use policysim_model::scenario::CentralMode;
    scenario.model == policysim_model::scenario::ModelKind::Policy
        && matches!(
            scenario.central.mode,
            CentralMode::Pilot | CentralMode::Uptake
        )
}

/// Header of `rounds.csv`: one row per evaluation by the centre.
pub const ROUNDS_HEADER: &str = "run,centre,round,step,sites,observed,true,verdict";

/// The `rounds.csv` rows of one run (each ending in a newline): `centre` is `national` or
/// the id of the government that is the centre; a pilot round's verdict is `promote` or
/// `fail`, an uptake review's `take_up` or `wait`.
pub fn rounds_rows(
    scenario: &Scenario,
    network: &policysim_model::network::Network,
    s: &RunSummary,
) -> String {
    let uptake = reports_uptake(scenario);
    let mut out = String::new();
    for e in &s.evaluations {
        let verdict = match (uptake, e.promoted) {
            (false, true) => "promote",
            (false, false) => "fail",
            (true, true) => "take_up",
            (true, false) => "wait",
        };
        let centre = match s.centres.get(e.centre as usize) {
            Some(c) => network
                .names
                .get(c.unit as usize)
                .map_or(String::new(), |v| csv_field(&v)),
            None => "national".to_string(),
        };
        let _ = writeln!(
            out,
            "{},{centre},{},{},{},{},{},{verdict}",
            s.run,
            e.round,
            e.step,
            e.sites,
            num(e.observed),
            num(e.true_mean)
        );
    }
    out
}

/// `curves.csv`: `step,series,mean,sd,p05,p50,p95`, one row per step and series.
pub fn curves_csv(result: &EnsembleResult) -> String {
    let c = &result.curves;
    let mut out = String::from("step,series,mean,sd,p05,p50,p95\n");
    for step in 0..c.rows {
        for (k, name) in c.series.iter().enumerate() {
            let _ = write!(out, "{step},{}", csv_field(name));
            match c.cell(step, k).summary() {
                Some(s) => {
                    let _ = writeln!(
                        out,
                        ",{},{},{},{},{}",
                        num(s.mean),
                        num(s.sd),
                        num(s.p05),
                        num(s.p50),
                        num(s.p95)
                    );
                }
                None => out.push_str(",,,,,\n"),
            }
        }
    }
    out
}

/// Rivals shown beside the lineage taken up in `lineages.csv` (the largest at their peak).
pub const LINEAGE_RIVALS: usize = 5;

/// `lineages.csv` of the representative run in mode `uptake`: per step the adopters and
/// share of the lineage taken up (`group` = `taken_up`), of its [`LINEAGE_RIVALS`]
/// largest rivals (`rival`, by peak adopters) and of all other lineages together (`rest`,
/// no lineage id); `uptake_at` is the step of the uptake in that run (empty without one).
/// Without an uptake the largest lineages are all `rival`.
pub fn lineages_csv(result: &EnsembleResult) -> Option<String> {
    let trace = result.representative.lineages.as_ref()?;
    let net = &result.representative.network;
    let n = net.n.max(1) as f64;
    let lineages = trace.counts.last().map_or(0, Vec::len);
    let at = |t: usize, l: usize| trace.counts[t].get(l).copied().unwrap_or(0);
    let peak = |l: usize| (0..trace.counts.len()).map(|t| at(t, l)).max().unwrap_or(0);
    let taken = trace.uptake.map(|u| u.lineage as usize);
    let mut rivals: Vec<usize> = (0..lineages)
        .filter(|&l| Some(l) != taken && peak(l) > 0)
        .collect();
    // largest peak first, lower id on ties
    rivals.sort_by_key(|&l| (std::cmp::Reverse(peak(l)), l));
    rivals.truncate(LINEAGE_RIVALS);
    let shown: Vec<(usize, &str)> = taken
        .map(|l| (l, "taken_up"))
        .into_iter()
        .chain(rivals.iter().map(|&l| (l, "rival")))
        .collect();
    let uptake_at = trace.uptake.map_or(String::new(), |u| u.step.to_string());
    let mut out = String::from("step,group,lineage,inventor,adopters,share,uptake_at\n");
    for (t, counts) in trace.counts.iter().enumerate() {
        let mut rest: u64 = counts.iter().map(|&c| u64::from(c)).sum();
        for &(l, group) in &shown {
            let c = at(t, l);
            rest -= u64::from(c);
            let inventor = trace
                .inventor
                .get(l)
                .and_then(|&i| net.names.get(i as usize))
                .map_or(String::new(), |s| csv_field(&s));
            let share = num(f64::from(c) / n);
            let _ = writeln!(out, "{t},{group},{l},{inventor},{c},{share},{uptake_at}");
        }
        let share = num(rest as f64 / n);
        let _ = writeln!(out, "{t},rest,,,{rest},{share},{uptake_at}");
    }
    Some(out)
}

/// `hazard.csv`: the empirical hazard of adopting by number of adopting neighbours.
pub fn hazard_csv(result: &EnsembleResult) -> String {
    let mut out = String::from("neighbours_adopted,at_risk,adoptions,hazard\n");
    for (k, &(at_risk, adoptions)) in result.hazard.iter().enumerate() {
        if at_risk == 0 {
            continue;
        }
        let _ = writeln!(
            out,
            "{k},{at_risk},{adoptions},{}",
            num(adoptions as f64 / at_risk as f64)
        );
    }
    out
}

/// A number for JSON: rounded to [`SIGNIFICANT_DIGITS`], null when undefined (NaN).
fn json_num(x: f64) -> Value {
    if x.is_finite() {
        json!(round_sig(x))
    } else {
        Value::Null
    }
}

/// A step for JSON: a whole number, or null when undefined.
fn json_step(t: Option<f64>) -> Value {
    match t {
        Some(t) if t.fract() == 0.0 && t >= 0.0 => json!(t as u64),
        Some(t) => json_num(t),
        None => Value::Null,
    }
}

/// Mean with its 95% confidence interval (`ci_low`, `ci_high`: t-based, over runs), sd,
/// the 5/50/95% quantiles over runs and the number of runs with a value; null without one.
fn stat_json(stat: &Stat) -> Value {
    match stat.summary() {
        Some(Summary {
            n,
            mean,
            sd,
            p05,
            p50,
            p95,
        }) => {
            let ci = mean_ci(n, mean, sd);
            json!({"mean": round_sig(mean), "ci_low": json_num(ci.low), "ci_high": json_num(ci.high), "sd": round_sig(sd), "p05": round_sig(p05), "p50": round_sig(p50), "p95": round_sig(p95), "n": n})
        }
        None => Value::Null,
    }
}

/// A censored time (t10, t50, t90): share of runs that reached the level, the
/// Kaplan–Meier median with its 95% CI (null where undefined) and, under `if_reached`,
/// the statistics over the runs that reached it.
fn time_json(t: &TimeSummary, reached: &Stat) -> Value {
    json!({
        "runs_reached": t.runs_reached,
        "reached": json_num(t.reached),
        "km_median": json_step(t.km.median),
        "km_median_ci_low": json_step(t.km.low),
        "km_median_ci_high": json_step(t.km.high),
        "censored_at": t.censored_at,
        "if_reached": stat_json(reached),
    })
}

/// `summary.json`: what was run and the key figures: means with their 95% confidence
/// intervals, the 5-95% spread over runs, and t10/t50/t90 as censored times.
pub fn summary_json(
    scenario: &Scenario,
    seed: u64,
    result: &EnsembleResult,
    observed: Option<&crate::observed::Observed>,
) -> String {
    let r = &result.runs;
    let times = r.time_summaries(scenario.steps);
    let mut channels = serde_json::Map::new();
    for (c, stat) in Channel::ALL.iter().zip(&r.channel_shares) {
        channels.insert(c.name().to_string(), stat_json(stat));
    }
    if policysim_model::run::figures::reports_shocks(scenario) {
        channels.insert(Channel::Shock.name().to_string(), stat_json(&r.shock_share));
    }
    let mut v = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": scenario.name,
        "description": scenario.description,
        "model": scenario.model,
        "central_mode": scenario.central.mode,
        "seed": seed,
        "runs": scenario.runs,
        "steps": scenario.steps,
        "n": result.n,
        "time_unit": scenario.time_unit,
        "start_year": result.start_year,
        "representative_run": result.representative.run,
        "final_share": stat_json(&r.final_share),
        "t10": time_json(&times[0], &r.t10),
        "t50": time_json(&times[1], &r.t50),
        "t90": time_json(&times[2], &r.t90),
        "channel_shares": Value::Object(channels),
        "promoted_at": stat_json(&r.promoted_at),
        "evaluation_bias": stat_json(&r.evaluation_bias),
        "final_mean_quality": stat_json(&r.final_mean_quality),
    });
    if let Value::Object(map) = &mut v {
        if reports_uptake(scenario) {
            // promoted_at above is the uptake step, over the runs that took one up
            map.insert("runs_taken_up".into(), json!(r.runs_taken_up));
            map.insert("uptake_regret".into(), stat_json(&r.uptake_regret));
        }
        if policysim_model::run::reports_rounds(scenario) {
            map.insert("rounds_used".into(), stat_json(&r.rounds_used));
        }
        let policy = scenario.model == policysim_model::scenario::ModelKind::Policy;
        if policy && (scenario.abandon.penalty > 0.0 || scenario.abandon.deterrence > 0.0) {
            map.insert("penalised".into(), stat_json(&r.penalised));
            map.insert("deterred".into(), stat_json(&r.deterred));
        }
        if policy && scenario.learning.growth > 0.0 {
            map.insert(
                "final_mean_learning".into(),
                stat_json(&r.final_mean_learning),
            );
        }
        if reports_centres(scenario) {
            map.insert("centre_share_sd".into(), stat_json(&r.centre_share_sd));
        }
    }
    if let (Some(o), Value::Object(map)) = (observed, &mut v) {
        map.insert(
            "observed".into(),
            o.summary_json(&result.mean_share(), result.rmse_interval(&o.share())),
        );
    }
    insert_description_zh(&mut v, &scenario.description_zh);
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// Records the scenario's Chinese description in a results folder's JSON record `v`, right
/// after its `description`, when the scenario has one (the Chinese charts' titles start
/// with it); a scenario without one leaves the record as it was.
pub fn insert_description_zh(v: &mut Value, description_zh: &str) {
    let Value::Object(map) = v else {
        return;
    };
    if description_zh.is_empty() {
        return;
    }
    let old = std::mem::take(map);
    for (key, value) in old {
        let after = key == "description";
        map.insert(key, value);
        if after {
            map.insert("description_zh".into(), json!(description_zh));
        }
    }
    if !map.contains_key("description_zh") {
        map.insert("description_zh".into(), json!(description_zh));
    }
}

/// The closing line of `policysim run` about the final share: the mean, its 95% CI and the
/// 5-95% spread over runs, each named.
pub fn final_share_line(fs: &Summary) -> String {
    let ci = mean_ci(fs.n, fs.mean, fs.sd);
    let ci_text = if ci.low.is_finite() {
        format!("95% CI of the mean {:.3}–{:.3}", ci.low, ci.high)
    } else {
        "no CI of the mean from 1 run".to_string()
    };
    format!(
        "final share {:.3} ({ci_text}; 5–95% of runs {:.3}–{:.3})",
        fs.mean, fs.p05, fs.p95
    )
}

/// The closing line of `policysim run` about t50: the share of runs reaching 50% and the
/// Kaplan–Meier median with its 95% CI (or why there is none).
pub fn t50_line(t: &TimeSummary, time_unit: &str) -> String {
    let reached = format!(
        "{} of {} runs reached 50% within {} {time_unit}s",
        t.runs_reached, t.runs, t.censored_at
    );
    let bound = |b: Option<f64>| b.map_or("undefined".to_string(), |v| v.to_string());
    match t.km.median {
        Some(m) => format!(
            "t50 {m} {time_unit}s (Kaplan–Meier median; 95% CI {}–{}); {reached}",
            bound(t.km.low),
            bound(t.km.high)
        ),
        None => format!("t50 undefined: fewer than half of the runs reached 50% ({reached})"),
    }
}

/// The column suffixes of a mean metric in `sweep.csv` and `compare.csv`: the mean, its 95%
/// confidence interval, and the 5-95% spread over runs.
pub const MEAN_COLUMNS: [&str; 5] = ["mean", "ci_low", "ci_high", "p05", "p95"];

/// The column suffixes of a censored time (t10, t50, t90) in `sweep.csv` and `compare.csv`.
pub const TIME_COLUMNS: [&str; 9] = [
    "reached",
    "km_median",
    "km_median_ci_low",
    "km_median_ci_high",
    "mean_if_reached",
    "if_reached_ci_low",
    "if_reached_ci_high",
    "if_reached_p05",
    "if_reached_p95",
];

/// The [`MEAN_COLUMNS`] cells of a statistic, each preceded by a comma (empty without values).
pub fn mean_cells(s: Option<Summary>) -> String {
    match s {
        Some(s) => {
            let ci = mean_ci(s.n, s.mean, s.sd);
            [s.mean, ci.low, ci.high, s.p05, s.p95]
                .iter()
                .map(|&x| format!(",{}", num(x)))
                .collect()
        }
        None => ",".repeat(MEAN_COLUMNS.len()),
    }
}

/// The [`TIME_COLUMNS`] cells of a censored time, each preceded by a comma (undefined = empty).
pub fn time_cells(t: &TimeSummary, reached: Option<Summary>) -> String {
    let step = |x: Option<f64>| x.map_or(String::new(), num);
    let mut out = format!(
        ",{},{},{},{}",
        num(t.reached),
        step(t.km.median),
        step(t.km.low),
        step(t.km.high)
    );
    // the mean over runs that reached the level, its CI and spread (not a mean over all runs)
    out.push_str(&mean_cells(reached));
    out
}

/// Largest number of edges written to `map_edges.csv` (larger networks get no edge file).
pub const MAP_EDGE_LIMIT: usize = 200_000;

/// `map.csv` (and `map_edges.csv`): the representative run's adoption step per government.
/// None when the network has no coordinates.
pub fn map_csv(result: &EnsembleResult) -> Option<(String, Option<String>)> {
    let rep = &result.representative;
    network_map_csv(&rep.network, |i| {
        rep.adopted_step.get(i).copied().filter(|&s| s != u32::MAX)
    })
}

/// `map.csv` (and `map_edges.csv`, unless the network is complete or past
/// [`MAP_EDGE_LIMIT`] edges) of `net` with `adopted_step(i)` as node `i`'s adoption step
/// (None: not adopted). None when the network has no coordinates.
pub fn network_map_csv(
    net: &Network,
    adopted_step: impl Fn(usize) -> Option<u32>,
) -> Option<(String, Option<String>)> {
    if !net.has_coordinates() {
        return None;
    }
    let mut nodes = String::from("node,name,x,y,region,level,adopted_step,label\n");
    for i in 0..net.n {
        let region = net
            .region
            .get(i)
            .map_or("", |&r| net.region_names[r as usize].as_str());
        let level = net
            .level
            .get(i)
            .map_or("", |&l| net.level_names[l as usize].as_str());
        let label = net.labels.get(i).map_or("", String::as_str);
        let _ = writeln!(
            nodes,
            "{i},{},{},{},{},{},{},{}",
            csv_field(&net.names.name(i)),
            num(net.x[i]),
            num(net.y[i]),
            csv_field(region),
            csv_field(level),
            adopted_step(i).map_or(String::new(), |s| s.to_string()),
            csv_field(label)
        );
    }
    let edges = (!net.complete && net.edge_count() <= MAP_EDGE_LIMIT).then(|| {
        let mut e = String::from("source,target\n");
        for i in 0..net.n {
            for &j in net.sources(i) {
                if net.directed || (j as usize) > i {
                    let _ = writeln!(e, "{j},{i}");
                }
            }
        }
        e
    });
    Some((nodes, edges))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_runs_csv_column_is_a_figure_of_the_one_list() {
        use policysim_model::run::figures::{figure, RUN_FIGURES};
        use policysim_model::scenario::CentralMode;
        // every optional column switched on: uptake with costs, growth and centres at a
        // level; then pilot rounds (the other centre mode)
        let mut a = Scenario::default();
        a.central.mode = CentralMode::Uptake;
        a.abandon.penalty = 0.5;
        a.learning.growth = 0.1;
        a.central.scope = "province".into();
        a.shock.steps = vec![3];
        let mut b = Scenario::default();
        b.central.mode = CentralMode::Pilot;
        b.central.pilot.rounds = 3;
        let headers = [runs_header(&a), runs_header(&b)];
        let columns: Vec<&str> = headers.iter().flat_map(|h| h.split(',')).collect();
        for c in &columns {
            if !["run", "seed", "uptake_inventor"].contains(c) {
                assert!(
                    figure(c).is_some(),
                    "runs.csv column `{c}` is not in RUN_FIGURES"
                );
            }
        }
        for f in RUN_FIGURES {
            assert!(
                columns.contains(&f.name),
                "figure `{}` is no runs.csv column",
                f.name
            );
        }
        // and a scenario reports a figure exactly when its runs.csv has the column
        for s in [&a, &b, &Scenario::default()] {
            let h = runs_header(s);
            for f in RUN_FIGURES {
                assert_eq!(
                    (f.reported)(s) || f.name == "promoted_at",
                    h.split(',').any(|c| c == f.name),
                    "{}",
                    f.name
                );
            }
        }
    }

    #[test]
    fn atomic_write_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.csv");
        write_atomic(&p, b"x\n").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"x\n");
        assert!(!temp_name(&p).exists());
    }

    #[test]
    fn a_chinese_description_follows_the_description_only_when_given() {
        let record = || json!({"scenario": "s", "description": "d", "runs": 3});
        let mut v = record();
        insert_description_zh(&mut v, "");
        assert_eq!(v, record());
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"scenario":"s","description":"d","runs":3}"#
        );
        insert_description_zh(&mut v, "说明");
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"scenario":"s","description":"d","description_zh":"说明","runs":3}"#
        );
    }
}
