//! Incentives of MODEL.md 4c against their patterns: tolerance of failure (容错免责) and
//! capacity that grows (干中学). Fixed seeds; every comparison is made in standard errors.

use crate::common::{assert_more, binary, curve, ensemble, scenario};
use policysim::ensemble::EnsembleResult;
use policysim::run::RunSummary;
use std::path::Path;
use std::process::Command;

const RUNS: usize = 120;

/// Failure is frequent here: versions of quality below 0 are abandoned quickly, so a cost of
/// failure has many occasions to bite.
fn failing(costs: &str, tolerance: f64, growth: f64) -> String {
    format!(
        r#"
        name = "failing"
        steps = 25
        runs = {RUNS}
        seed = 4242
        [network]
        kind = "watts_strogatz"
        n = 400
        k = 6
        beta = 0.1
        [agents]
        learning = {{ dist = "beta", a = 4.0, b = 2.0 }}
        resources = 1.0
        fit = 0.0
        [innovation]
        rate = 0.01
        quality = {{ dist = "normal", mean = 0.0, sd = 1.0 }}
        [learning]
        rate = 0.15
        growth = {growth}
        [abandon]
        threshold = 0.0
        rate = 0.6
        {costs}
        [central]
        tolerance = {tolerance}
        "#
    )
}

/// Mean over runs of the sum of a per-step series, with its standard error, from each
/// run's own record.
fn total(s: &policysim::Scenario, series: &str) -> (f64, f64) {
    let prepared = policysim::ensemble::prepare(s).unwrap();
    let k = prepared.series.iter().position(|n| n == series).unwrap();
    let width = prepared.series.len();
    let v: Vec<f64> = (0..s.runs as u64)
        .map(|run| {
            let rng = policysim::rng::run_streams(s.seed, run);
            let out = policysim::run::run_once(s, &prepared, run, rng, false);
            (1..=s.steps as usize)
                .map(|t| out.series[t * width + k])
                .sum()
        })
        .collect();
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (v.len() - 1) as f64;
    (m, (var / v.len() as f64).sqrt())
}

fn at_end(result: &EnsembleResult, series: &str, step: usize) -> (f64, f64) {
    let (m, s) = curve(result, series, step);
    (m, s / (RUNS as f64).sqrt())
}

#[test]
fn with_a_cost_of_failure_tolerance_gives_more_inventions_and_more_lineages() {
    let costs = "penalty = 0.8\ndeterrence = 0.9";
    let strict = scenario(&failing(costs, 0.0, 0.0));
    let tolerant = scenario(&failing(costs, 1.0, 0.0));
    let (r0, runs0) = ensemble(&strict);
    let (r1, runs1) = ensemble(&tolerant);
    assert_more(
        "inventions",
        total(&strict, "new_innovation"),
        total(&tolerant, "new_innovation"),
    );
    assert_more(
        "lineages in use at the end",
        at_end(&r0, "lineages", 25),
        at_end(&r1, "lineages", 25),
    );
    // the cost is really paid without tolerance, and forgiven entirely with tolerance 1
    let mean = |runs: &[RunSummary], f: fn(&RunSummary) -> Option<u32>| {
        runs.iter()
            .map(|r| f(r).expect("recorded") as f64)
            .sum::<f64>()
            / runs.len() as f64
    };
    assert!(mean(&runs0, |r| r.penalised) > 10.0);
    assert!(mean(&runs0, |r| r.deterred) > 10.0);
    assert_eq!(mean(&runs1, |r| r.penalised), 0.0);
    assert_eq!(mean(&runs1, |r| r.deterred), 0.0);
}

#[test]
fn half_tolerance_lies_between_none_and_full() {
    let costs = "penalty = 0.8\ndeterrence = 0.9";
    let inventions = |tol: f64| {
        let s = scenario(&failing(costs, tol, 0.0));
        total(&s, "new_innovation")
    };
    let (none, half, full) = (inventions(0.0), inventions(0.5), inventions(1.0));
    assert_more("half against none", none, half);
    assert_more("full against half", half, full);
}

fn run_binary(file: &Path, out: &Path, threads: &str) {
    let o = Command::new(binary())
        .args([
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--no-charts",
            "--threads",
            threads,
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

const OUTPUTS: [&str; 4] = ["curves.csv", "runs.csv", "hazard.csv", "summary.json"];

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn without_costs_tolerance_changes_nothing_in_the_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for (k, tol) in [0.0, 1.0].into_iter().enumerate() {
        let text = failing("penalty = 0.0\ndeterrence = 0.0", tol, 0.0)
            .replace(&format!("runs = {RUNS}"), "runs = 20");
        let file = dir.path().join(format!("t{k}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join(format!("out{k}"));
        run_binary(&file, &out, "2");
        outs.push(out);
    }
    for f in ["curves.csv", "runs.csv", "hazard.csv"] {
        assert_eq!(read(&outs[0], f), read(&outs[1], f), "{f} differs");
    }
    // no costs, no extra columns
    assert!(!read(&outs[0], "runs.csv").contains("penalised"));
}

#[test]
fn incentive_outputs_are_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let text = failing("penalty = 0.5\ndeterrence = 0.4", 0.3, 0.2)
        .replace(&format!("runs = {RUNS}"), "runs = 16");
    let file = dir.path().join("t.toml");
    std::fs::write(&file, text).unwrap();
    let (one, two) = (dir.path().join("one"), dir.path().join("two"));
    run_binary(&file, &one, "1");
    run_binary(&file, &two, "2");
    for f in OUTPUTS {
        assert_eq!(
            read(&one, f),
            read(&two, f),
            "{f} depends on the thread count"
        );
    }
    let runs = read(&one, "runs.csv");
    let header = runs.lines().next().unwrap();
    assert!(
        header.ends_with(",final_mean_quality,t10_interp,t50_interp,t90_interp,penalised,deterred,final_mean_learning"),
        "{header}"
    );
    let row: Vec<&str> = runs.lines().nth(1).unwrap().split(',').collect();
    assert_eq!(row.len(), header.split(',').count());
    let l: f64 = row.last().unwrap().parse().unwrap();
    assert!(
        l > 4.0 / 6.0 && l <= 1.0,
        "mean L grew from Beta(4, 2)'s 2/3: {l}"
    );
    assert!(read(&one, "curves.csv").contains(",mean_learning,"));
    // A sweep point keeps the same per-run columns: under common random numbers its
    // runs.csv is the run's, byte for byte.
    let swept = dir.path().join("swept");
    let o = Command::new(binary())
        .args([
            "sweep",
            file.to_str().unwrap(),
            "--set",
            "central.tolerance=0.3",
        ])
        .args(["--keep-points", "--quiet", "--no-charts", "--out"])
        .arg(&swept)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(read(&swept.join("points/0"), "runs.csv"), runs);
}

/// Learning with abandonment and re-adoption: capacity that grows should raise mean L.
fn learners(growth: f64) -> String {
    format!(
        r#"
        name = "learners"
        steps = 40
        runs = {RUNS}
        seed = 99
        [network]
        kind = "watts_strogatz"
        n = 500
        k = 4
        beta = 0.05
        [agents]
        learning = {{ dist = "beta", a = 2.0, b = 5.0 }}
        fit = 0.0
        [innovation]
        rate = 0.002
        [learning]
        rate = 0.6
        growth = {growth}
        [abandon]
        threshold = 0.0
        rate = 0.3
        "#
    )
}

#[test]
fn growth_raises_mean_capacity() {
    let (_, fixed) = ensemble(&scenario(&learners(0.0)));
    let (grown, growing) = ensemble(&scenario(&learners(0.5)));
    assert!(fixed.iter().all(|r| r.final_mean_learning.is_none()));
    let l: Vec<f64> = growing
        .iter()
        .map(|r| r.final_mean_learning.unwrap())
        .collect();
    let mean_l = l.iter().sum::<f64>() / l.len() as f64;
    let var = l.iter().map(|x| (x - mean_l) * (x - mean_l)).sum::<f64>() / (l.len() - 1) as f64;
    let se = (var / l.len() as f64).sqrt();
    // Beta(2, 5) has mean 2/7: the series starts there, and growth can only raise it
    let (l0, sd0) = curve(&grown, "mean_learning", 0);
    assert!((l0 - 2.0 / 7.0).abs() < 4.0 * sd0 / (RUNS as f64).sqrt() + 1e-9);
    assert!(
        mean_l > l0 + 3.0 * (se + sd0 / (RUNS as f64).sqrt()),
        "mean L {mean_l} against {l0}"
    );
    let (end, _) = curve(&grown, "mean_learning", 40);
    assert!(
        (end - mean_l).abs() < 1e-9,
        "the series ends at the runs' final_mean_learning"
    );
    // and it never falls
    for t in 1..=40 {
        assert!(curve(&grown, "mean_learning", t).0 >= curve(&grown, "mean_learning", t - 1).0);
    }
}
