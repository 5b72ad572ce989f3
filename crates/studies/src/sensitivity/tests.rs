//! The estimators on functions whose indices are known, and the design's layout.

use super::*;
use std::f64::consts::PI;
use std::path::Path;

fn names(k: usize) -> Vec<String> {
    (1..=k).map(|i| format!("x{i}")).collect()
}

fn get<'a>(est: &'a [Estimate], p: &str, index: &str) -> &'a Estimate {
    est.iter()
        .find(|e| e.parameter == p && e.index == index)
        .expect("estimate exists")
}

/// Sobol' indices of `f` on a Saltelli design of `n` base rows over [lo, hi]^k.
fn sobol_of(f: impl Fn(&[f64]) -> f64, k: usize, n: usize, lo: f64, hi: f64) -> Vec<Estimate> {
    let y: Vec<f64> = sobol::saltelli_design(n, k)
        .iter()
        .map(|u| {
            let x: Vec<f64> = u.iter().map(|v| lo + v * (hi - lo)).collect();
            f(&x)
        })
        .collect();
    sobol::analyse(&y, &names(k), 500, &mut analysis_rng(1, BOOTSTRAP_RNG))
}

/// The estimate is within three bootstrap standard errors (half the 95% interval / 1.96)
/// of the true value, and the interval is narrow enough for that to mean something.
fn assert_near(e: &Estimate, truth: f64) {
    let se = (e.ci_high - e.ci_low) / (2.0 * policysim_model::stats::Z_975);
    assert!(
        e.ci_high - e.ci_low < 0.12,
        "{} {}: interval [{}, {}] too wide",
        e.parameter,
        e.index,
        e.ci_low,
        e.ci_high
    );
    assert!(
        (e.estimate - truth).abs() <= 3.0 * se.max(1e-3),
        "{} {}: estimate {} [{}, {}], true {truth}",
        e.parameter,
        e.index,
        e.estimate,
        e.ci_low,
        e.ci_high
    );
}

#[test]
fn sobol_indices_of_the_ishigami_function() {
    // Ishigami & Homma (1990), a = 7, b = 0.1 on [-pi, pi]^3: analytic indices
    let (a, b) = (7.0, 0.1);
    let f = |x: &[f64]| x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin();
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = b * b * PI.powi(8) * (1.0 / 18.0 - 1.0 / 50.0);
    let v = v1 + v2 + v13;
    let est = sobol_of(f, 3, 4096, -PI, PI);
    assert_near(get(&est, "x1", "S1"), v1 / v);
    assert_near(get(&est, "x2", "S1"), v2 / v);
    assert_near(get(&est, "x3", "S1"), 0.0);
    assert_near(get(&est, "x1", "ST"), (v1 + v13) / v);
    assert_near(get(&est, "x2", "ST"), v2 / v);
    assert_near(get(&est, "x3", "ST"), v13 / v);
    // x3 acts only through its interaction with x1
    let x3 = get(&est, "x3", "ST");
    assert!(x3.ci_low > 0.15, "ST of x3: {x3:?}");
    let s1 = get(&est, "x3", "S1");
    assert!(s1.ci_low <= 0.0 && s1.ci_high >= 0.0, "S1 of x3: {s1:?}");
}

#[test]
fn an_additive_function_has_equal_first_and_total_indices_and_a_dead_input_none() {
    // f = x1 + 2 x2 + 0 x3 on [0, 1]^3: S1 = ST = a_i^2 / sum a^2 = 0.2, 0.8, 0
    let est = sobol_of(|x| x[0] + 2.0 * x[1], 3, 2048, 0.0, 1.0);
    for (p, truth) in [("x1", 0.2), ("x2", 0.8)] {
        assert_near(get(&est, p, "S1"), truth);
        assert_near(get(&est, p, "ST"), truth);
    }
    // f(A) = f(AB_3) exactly: both indices and their intervals are exactly 0
    for index in ["S1", "ST"] {
        let e = get(&est, "x3", index);
        assert_eq!(
            (e.estimate, e.ci_low, e.ci_high),
            (0.0, 0.0, 0.0),
            "{index}"
        );
    }
}

#[test]
fn a_constant_output_has_no_sensitivity() {
    let est = sobol_of(|_| 3.0, 2, 16, 0.0, 1.0);
    assert!(est.iter().all(|e| e.estimate == 0.0 && e.ci_high == 0.0));
}

#[test]
fn the_bootstrap_interval_is_the_central_95_percent() {
    let values: Vec<f64> = (0..=1000).map(f64::from).collect();
    let (lo, hi) = bootstrap_interval(values);
    assert!((lo - 25.0).abs() < 1e-9 && (hi - 975.0).abs() < 1e-9);
}

fn problem(text: &str) -> (Scenario, Problem) {
    parse_problem(text, Path::new("s.toml")).unwrap()
}

use policysim_model::scenario::Scenario;

const BASE: &str = "name = \"s\"\n[network]\nkind = \"ring\"\nn = 20\n";

#[test]
fn a_sobol_design_runs_a_ab_b_per_base_row_like_salib() {
    let (_, p) = problem(&format!(
        "{BASE}[sensitivity]\nsamples = 4\n\"learning.rate\" = {{ low = 0.1, high = 0.9 }}\n\"central.pilot.sites\" = {{ low = 5, high = 8 }}\n"
    ));
    assert_eq!(p.parameters[0].key, "learning.rate");
    assert!(p.parameters[1].integer);
    let d = Design::new(&p, 1);
    assert_eq!(d.len(), 16);
    assert_eq!(
        d.role[..4],
        ["A".to_string(), "AB_1".into(), "AB_2".into(), "B".into()]
    );
    assert_eq!(d.sample[4..8], [1, 1, 1, 1]);
    let sweep = d.sweep(&p);
    assert_eq!(sweep.mode, SweepMode::Zip);
    assert_eq!(sweep.len(), 16);
    // base row 1 of the Sobol' sequence is (0.5, 0.5 | 0.5, 0.5): the middle of both ranges
    assert_eq!(sweep.point(4)[0], toml::Value::Float(0.5));
    // integers: every whole number of 5..=8 equally likely, u = 0.5 -> 5 + floor(2) = 7
    assert_eq!(sweep.point(4)[1], toml::Value::Integer(7));
    assert_eq!(p.parameters[1].value(1.0), toml::Value::Integer(8));
    assert_eq!(p.parameters[1].value(0.0), toml::Value::Integer(5));
    let csv = d.csv(&p);
    assert!(csv.starts_with(
        "point,sample,role,learning.rate_unit,central.pilot.sites_unit,learning.rate,central.pilot.sites\n0,0,A,0,0,0.1,5\n"
    ));
}

#[test]
fn a_morris_design_is_reproducible_from_the_seed() {
    let text = format!(
        "{BASE}[sensitivity]\nmethod = \"morris\"\ntrajectories = 3\n\"learning.rate\" = {{ low = 0.1, high = 0.9 }}\n\"innovation.rate\" = {{ low = 0.0, high = 0.1 }}\n"
    );
    let (_, p) = problem(&text);
    let d = Design::new(&p, 7);
    assert_eq!(d.len(), 9);
    assert_eq!(d, Design::new(&p, 7));
    assert_ne!(d.unit, Design::new(&p, 8).unit);
    assert_eq!(d.role[0], "start");
    assert!(d.role[1].starts_with('+') || d.role[1].starts_with('-'));
}

#[test]
fn ranges_come_from_a_sweep_table_without_a_sensitivity_table() {
    let (_, p) = problem(&format!(
        "{BASE}[sweep]\n\"learning.rate\" = {{ from = 0.2, to = 0.6, step = 0.2 }}\n\"network.k\" = [2, 6, 4]\n"
    ));
    assert_eq!(p.parameters.len(), 2);
    assert_eq!((p.parameters[0].low, p.parameters[0].high), (0.2, 0.6));
    assert_eq!((p.parameters[1].low, p.parameters[1].high), (2.0, 6.0));
    assert!(p.parameters[1].integer);
}

#[test]
fn bad_ranges_are_refused_with_the_line_and_what_is_allowed() {
    let err = |s: &str| {
        parse_problem(&format!("{BASE}[sensitivity]\n{s}\n"), Path::new("s.toml"))
            .unwrap_err()
            .to_string()
    };
    let e = err("\"learning.rate\" = { low = 0.9, high = 0.1 }");
    assert!(e.contains("s.toml:6") && e.contains("low < high"), "{e}");
    let e = err("\"abandon.rate\" = { low = 0.1, high = 1.5 }");
    assert!(e.contains("at 1.5") && e.contains("abandon.rate"), "{e}");
    let e = err("\"learning.rat\" = { low = 0.1, high = 0.5 }");
    assert!(e.contains("learning.rat"), "{e}");
    let e = err("\"learning.rate\" = [0.1, 0.5]");
    assert!(e.contains("{ low = 0.1, high = 0.9 }"), "{e}");
    let e = err("method = \"fast\"");
    assert!(e.contains("\"sobol\"") && e.contains("fast"), "{e}");
    let e = err("sample = 4");
    assert!(e.contains("unknown option `sensitivity.sample`"), "{e}");
    let e = err("\"central.mode\" = { low = 1, high = 2 }");
    assert!(e.contains("central.mode"), "{e}");
}

#[test]
fn set_options_give_ranges() {
    let (base, _) = problem(BASE);
    let p = parse_range("learning.rate=0.2:0.7", &base).unwrap();
    assert_eq!((p.low, p.high, p.integer), (0.2, 0.7, false));
    let p = parse_range("central.pilot.sites=3:9", &base).unwrap();
    assert!(p.integer);
    for bad in [
        "learning.rate=0.2",
        "learning.rate=a:b",
        "learning.rate",
        "=1:2",
    ] {
        let e = parse_range(bad, &base).unwrap_err().to_string();
        assert!(e.contains("--set"), "{bad}: {e}");
    }
}

#[test]
fn the_written_table_reads_back_as_the_estimates_rounded_as_written() {
    let estimates = vec![
        Estimate::new("learning.rate", "S1", 0.123_456_789_012_345, (0.1, 0.2)),
        Estimate::new("learning.rate", "ST", 0.5, (f64::NAN, 0.7)),
        Estimate::new("a,b", "S1", -0.01, (-0.02, 0.0)),
        Estimate::new("a,b", "ST", 1.0 / 3.0, (0.3, 0.4)),
    ];
    let back = saved::parse_estimates(&sensitivity_csv(&estimates), Method::Sobol).unwrap();
    assert_eq!(back.len(), 4);
    assert_eq!(back[2].parameter, "a,b");
    assert_eq!(back[1].index, "ST");
    assert!(back[1].ci_low.is_nan());
    assert_eq!(back[0].estimate, 0.123_456_789_012);
    assert_eq!(back[3].estimate, 0.333_333_333_333);
    // a Morris reading of a Sobol table is refused, naming the line
    let err = saved::parse_estimates(&sensitivity_csv(&estimates), Method::Morris).unwrap_err();
    assert!(err.contains("line 2") && err.contains("mu_star"), "{err}");
}
