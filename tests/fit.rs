//! `policysim fit`: recovering known parameters from a synthetic diffusion, bad observed
//! files, and the real US example.

use policysim::ensemble::{prepare, run_indexed};
use policysim::scenario::parse_scenario;
use std::path::{Path, PathBuf};
use std::process::Command;

pub(crate) fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scenario on a small-world network with innovation and learning only.
pub(crate) const SYNTHETIC: &str = r#"
name = "synthetic"
steps = 15
runs = 100
seed = 5
[network]
kind = "watts_strogatz"
n = 400
k = 6
beta = 0.1
[agents]
learning = { dist = "beta", a = 2.0, b = 2.0 }
resources = { dist = "beta", a = 2.0, b = 2.0 }
inertia = { dist = "beta", a = 2.0, b = 5.0 }
fit = 0.0
[innovation]
rate = INNOVATION
[learning]
rate = LEARNING
performance_weight = 0.0
need_weight = 0.0
[abandon]
rate = 0.0
"#;

pub(crate) fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The observed adoptions of one run of `s` (prepared as `prepared`, seed `seed`) as
/// `unit,adopt_year` from 2000, and each unit's adoption step.
pub(crate) fn synthetic_target(
    s: &policysim::Scenario,
    prepared: &policysim::run::Prepared,
    seed: u64,
) -> (String, Vec<Option<u32>>) {
    let run = run_indexed(s, seed, prepared, 0, true).unwrap();
    let mut csv = String::from("unit,adopt_year\n");
    let steps = run.adopted_step.unwrap();
    for (i, &step) in steps.iter().enumerate() {
        if step != u32::MAX {
            csv.push_str(&format!(
                "{},{}\n",
                prepared.network.names.name(i),
                2000 + step
            ));
        }
    }
    let steps = steps
        .iter()
        .map(|&x| (x != u32::MAX).then_some(x))
        .collect();
    (csv, steps)
}

#[test]
fn fit_recovers_known_parameters_of_a_synthetic_diffusion() {
    let (inn, learn) = (0.02, 0.6);
    let dir = tempfile::tempdir().unwrap();
    let text = SYNTHETIC
        .replace("INNOVATION", &inn.to_string())
        .replace("LEARNING", &learn.to_string());
    let scenario_path = dir.path().join("synthetic.toml");
    std::fs::write(&scenario_path, &text).unwrap();
    let s = parse_scenario(&text, &scenario_path).unwrap();
    let prepared = prepare(&s).unwrap();
    // the "observed" data: one run of the tool itself, with other seeds than the fit's;
    // several targets, since one realisation of 400 units says little about the two
    // rates (innovation and learning trade off): the interval is the spread of the
    // points within the ABC tolerance, whose coverage is what this test measures
    const TARGETS: u64 = 8;
    let mut covered = [0u32; 2];
    let mut last = serde_json::Value::Null;
    for target in 0..TARGETS {
        let (csv, _) = synthetic_target(&s, &prepared, 12345 + target);
        let observed = dir.path().join("observed.csv");
        std::fs::write(&observed, csv).unwrap();
        let out = dir.path().join(format!("fit-{target}"));
        let status = bin()
            .args(["fit", scenario_path.to_str().unwrap(), "--observed"])
            .arg(&observed)
            .args(["--start-year", "2000", "--free", "innovation.rate=0:0.1"])
            .args([
                "--free",
                "learning.rate=0:1",
                "--runs",
                "100",
                "--budget",
                "100",
            ])
            .args(["--quiet", "--no-charts", "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let fit = json(&out.join("fit.json"));
        for (k, (key, truth)) in [("innovation.rate", inn), ("learning.rate", learn)]
            .into_iter()
            .enumerate()
        {
            let iv = &fit["interval"][key];
            let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
            covered[k] += u32::from(lo <= truth && truth <= hi);
            let best = fit["best"][key].as_f64().unwrap();
            assert!(
                lo <= best && best <= hi,
                "{key}: best {best} not in [{lo}, {hi}]"
            );
        }
        last = fit;
    }
    eprintln!(
        "fit intervals covered the true innovation rate in {} and the true learning rate in {} of {TARGETS} synthetic targets",
        covered[0], covered[1]
    );
    // the spread of the points within tolerance is no calibrated interval (issue 33):
    // it must still cover the truth in most targets
    for (k, key) in ["innovation.rate", "learning.rate"].iter().enumerate() {
        assert!(
            covered[k] >= 6,
            "{key}: the interval covered the truth in {} of {TARGETS} targets",
            covered[k]
        );
    }
    let fit = last;
    let out = dir.path().join(format!("fit-{}", TARGETS - 1));
    assert_eq!(fit["start_year"], 2000);
    // the budget, plus ABC batches while fewer than the minimum are accepted (at most
    // as many again by default)
    let evaluations = fit["evaluations"].as_u64().unwrap();
    assert!((100..=200).contains(&evaluations), "{evaluations}");
    assert_eq!(fit["max_evaluations"], 200);
    assert!(
        fit["accepted"].as_u64().unwrap() >= 50 || evaluations == 200,
        "{fit}"
    );
    assert!(fit["bass"]["p"].as_f64().unwrap() > 0.0);
    let table = std::fs::read_to_string(out.join("fit.csv")).unwrap();
    assert!(table
        .starts_with("step,year,observed_share,fitted_mean,fitted_p05,fitted_p95,bass\n0,2000,0,"));
    assert_eq!(
        table.lines().count(),
        1 + 1 + fit["steps"].as_u64().unwrap() as usize
    );
    // the fitted folder carries the calendar years
    let summary = json(&out.join("fitted/summary.json"));
    assert_eq!(summary["start_year"], 2000);
}

/// On the dual-carbon data with a wide box a single simplex collapses after about 64 of
/// its 80 evaluations; restarted from its best point, it uses them all.
#[test]
fn the_optimiser_is_restarted_until_its_budget_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit");
    let status = bin()
        .current_dir(repo())
        .args(["fit", "scenarios/china_cities.toml", "--observed"])
        .args(["scenarios/data/china_cities.csv", "--unit-column", "name"])
        .args(["--year-column", "dual_carbon_year"])
        .args([
            "--free",
            "innovation.rate=0:1",
            "--free",
            "learning.rate=0:5",
        ])
        .args(["--quiet", "--no-charts", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let (_, n_opt, _) = policysim::fit::split_budget(200, 2);
    let evaluations = std::fs::read_to_string(out.join("evaluations.csv")).unwrap();
    let optimise = evaluations
        .lines()
        .filter(|l| l.split(',').nth(1) == Some("optimise"))
        .count();
    // restarts stop when fewer than d + 2 evaluations are left for a new simplex
    assert!(
        optimise + 3 > n_opt && optimise <= n_opt,
        "{optimise} of {n_opt}"
    );
}

#[test]
fn the_same_seed_gives_the_same_fit() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        let status = bin()
            .current_dir(repo())
            .args(["fit", "scenarios/china_cities.toml", "--observed"])
            .args(["scenarios/data/china_cities.csv", "--unit-column", "name"])
            .args([
                "--year-column",
                "dual_carbon_year",
                "--free",
                "innovation.rate=0:1",
            ])
            .args([
                "--runs",
                "20",
                "--budget",
                "20",
                "--seed",
                "3",
                "--quiet",
                "--no-charts",
            ])
            .args(["--threads"])
            .arg(if name == "a" { "1" } else { "3" })
            .arg("--out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let v = json(&out.join("fit.json"));
        (v, std::fs::read(out.join("evaluations.csv")).unwrap())
    };
    let a = run("a");
    // the ABC phase drew several batches (each adapted to the one before)
    assert!(a.0["abc_batches"].as_u64().unwrap() >= 2, "{}", a.0);
    assert_eq!(a, run("b"));
}

/// When the cap on evaluations comes before the documented minimum of accepted ABC
/// samples, the interval is not called an ABC interval and a warning says so.
#[test]
fn too_few_accepted_samples_give_an_honest_name_and_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit");
    let o = bin()
        .current_dir(repo())
        .args(["fit", "scenarios/china_cities.toml", "--observed"])
        .args(["scenarios/data/china_cities.csv", "--unit-column", "name"])
        .args(["--year-column", "dual_carbon_year"])
        .args([
            "--free",
            "innovation.rate=0:1",
            "--free",
            "learning.rate=0:1",
        ])
        .args(["--runs", "20", "--budget", "40", "--max-evaluations", "40"])
        .args(["--no-charts", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    let fit = json(&out.join("fit.json"));
    assert_eq!(fit["evaluations"], 40);
    assert_eq!(fit["max_evaluations"], 40);
    let accepted = fit["accepted"].as_u64().unwrap();
    assert!(accepted < 50, "{fit}");
    assert_eq!(fit["interval_method"], "accepted-min-max");
    assert!(!err.contains("ABC 5–95% of"), "{err}");
    assert!(
        err.contains(&format!("warning: only {accepted} ABC sample"))
            && err.contains("raise --max-evaluations (or --budget), or narrow the --free box"),
        "{err}"
    );
}

#[test]
fn one_spid_policy_on_the_50_states_fits_with_a_chart() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit");
    let started = std::time::Instant::now();
    let status = bin()
        .current_dir(repo())
        .args(["fit", "scenarios/us_states.toml", "--observed"])
        .args(["scenarios/data/spid_sample.csv", "--policy", "mothersaid"])
        .args([
            "--free",
            "innovation.rate=0:1",
            "--free",
            "learning.rate=0:1",
        ])
        .args(["--objective", "curve+hazard", "--quiet", "--format", "png"])
        .args(["--size", "800x500", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    eprintln!("US fit took {:.2} s", started.elapsed().as_secs_f64());
    let fit = json(&out.join("fit.json"));
    assert_eq!(fit["units"], 50);
    assert_eq!(fit["start_year"], 1911);
    assert_eq!(fit["steps"], 20);
    assert!(fit["rmse"].as_f64().unwrap() < 0.2);
    assert!(fit["hazard_rmse"].as_f64().is_some() && fit["hazard_noise"].as_f64().is_some());
    assert_eq!(fit["objective"], "curve+hazard");
    assert!(out.join("fit.png").exists());
    assert!(!out.join("fit.svg").exists());
}

/// Runs `fit` on the US scenario with an observed file; returns (exit code, stderr).
fn fit_us(observed: &Path, extra: &[&str]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .current_dir(repo())
        .args(["fit", "scenarios/us_states.toml", "--observed"])
        .arg(observed)
        .args([
            "--free",
            "learning.rate=0:1",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn bad_observed_files_exit_2_with_clear_messages() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("obs.csv");
    std::fs::write(&p, "unit,adopt_year\nOhio,1990\nKalifornia,1991\n").unwrap();
    let (code, err) = fit_us(&p, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unknown unit \"Kalifornia\"") && err.contains("California"),
        "{err}"
    );
    std::fs::write(&p, "state,year\nOhio,1990\n").unwrap();
    let (code, err) = fit_us(&p, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("missing column \"unit\"") && err.contains("--unit-column"),
        "{err}"
    );
    // renamed columns work; a non-year is reported with its line
    std::fs::write(&p, "state,year\nOhio,1990\nIowa,soon\n").unwrap();
    let (code, err) = fit_us(&p, &["--unit-column", "state", "--year-column", "year"]);
    assert_eq!(code, 2);
    assert!(
        err.contains(":3:") && err.contains("\"soon\" is not a year"),
        "{err}"
    );
    // several policies but none chosen; an unknown policy lists close names
    let spid = repo().join("scenarios/data/spid_sample.csv");
    let (code, err) = fit_us(&spid, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("--policy"), "{err}");
    let (code, err) = fit_us(&spid, &["--policy", "mothersai"]);
    assert_eq!(code, 2);
    assert!(err.contains("mothersaid"), "{err}");
    // a start year after the first adoption
    let (code, err) = fit_us(&spid, &["--policy", "mothersaid", "--start-year", "1915"]);
    assert_eq!(code, 2);
    assert!(err.contains("--start-year 1915"), "{err}");
    // keys the observed adoptions set
    let (code, err) = fit_us(
        &spid,
        &["--policy", "mothersaid", "--free", "initial.count=1:5"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("--free initial.count"), "{err}");
    // an unknown free key
    let (code, err) = fit_us(
        &spid,
        &["--policy", "mothersaid", "--free", "learning.rte=0:1"],
    );
    assert_eq!(code, 2);
    assert!(err.contains("learning.rte"), "{err}");
}

#[test]
fn a_fit_replaces_only_fit_or_results_folders_and_all_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("thesis");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("chapter1.tex"), "precious").unwrap();
    let spid = repo().join("scenarios/data/spid_sample.csv");
    let fit = |out: &Path, extra: &[&str]| {
        bin()
            .current_dir(repo())
            .args(["fit", "scenarios/us_states.toml", "--observed"])
            .arg(&spid)
            .args(["--policy", "mothersaid", "--free", "learning.rate=0:1"])
            .args(["--budget", "20", "--runs", "10", "--quiet", "--out"])
            .arg(out)
            .args(extra)
            .output()
            .unwrap()
    };
    // a folder of other files is never used, not even with --force
    for extra in [&[][..], &["--force"][..]] {
        let o = fit(&out, extra);
        assert_eq!(o.status.code(), Some(2));
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains("thesis") && err.contains("other files"),
            "{err}"
        );
        assert!(!out.join("fit.json").exists());
        assert_eq!(
            std::fs::read_to_string(out.join("chapter1.tex")).unwrap(),
            "precious"
        );
    }
    // a new folder gets the fit; fitted/ holds a results folder with the observed share
    let out = dir.path().join("fit");
    let o = fit(&out, &["--format", "svg", "--size", "600x400"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["fit.json", "fit.csv", "evaluations.csv", "fit.svg"] {
        assert!(out.join(file).is_file(), "{file}");
    }
    for file in ["curves.csv", "observed.csv", "initial.csv", "adoption.svg"] {
        assert!(out.join("fitted").join(file).is_file(), "fitted/{file}");
    }
    // an earlier fit is replaced as a whole: charts it had and the new one has not go
    let o = fit(&out, &["--no-charts"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("fit.json").is_file());
    assert!(!out.join("fit.svg").exists() && !out.join("fitted/adoption.svg").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // results of `run` are replaced only with --force
    let results = dir.path().join("results");
    let o = bin()
        .current_dir(repo())
        .args(["run", "scenarios/us_states.toml", "--runs", "5", "--quiet"])
        .args(["--no-charts", "--out"])
        .arg(&results)
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = fit(&results, &["--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(fit(&results, &["--no-charts", "--force"]).status.success());
    assert!(results.join("fit.json").is_file() && !results.join("runs.csv").exists());
}

/// Hidden staging folders (`.NAME.partial-PID`) in `dir`.
fn staging(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

/// A Barabási–Albert scenario of 2,000 governments and an observed file of its units.
fn ba_files(dir: &Path) -> (PathBuf, PathBuf) {
    let scenario = dir.join("ba.toml");
    std::fs::write(
        &scenario,
        "name = \"ba\"\nruns = 10\n[network]\nkind = \"barabasi_albert\"\nn = 2000\nm = 2\n[innovation]\nrate = 0.02\n[abandon]\nrate = 0.0\n",
    )
    .unwrap();
    let mut csv = String::from("unit,adopt_year\n");
    for i in (0..2000).step_by(7) {
        csv.push_str(&format!("{i},{}\n", 2000 + i % 6));
    }
    let observed = dir.join("observed.csv");
    std::fs::write(&observed, csv).unwrap();
    (scenario, observed)
}

#[test]
fn out_of_range_fit_requests_are_refused_naming_the_option() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, observed) = ba_files(dir.path());
    let lr = "learning.rate=0:1";
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--free", lr, "--budget", "18446744073709551615"],
            &["--budget 18446744073709551615", "100000"],
        ),
        (
            &["--free", lr, "--budget", "4294967295"],
            &["--budget 4294967295", "between 12", "and 100000"],
        ),
        (
            &["--free", lr, "--budget", "11"],
            &["--budget 11", "between 12"],
        ),
        (
            &["--free", lr, "--budget", "100", "--max-evaluations", "99"],
            &["--max-evaluations 99", "between --budget (100)"],
        ),
        (
            &["--free", "runs=2:50"],
            &["--free runs", "not a model parameter", "--runs"],
        ),
        (
            &["--free", "seed=1:1e30"],
            &["--free seed", "not a model parameter", "--seed"],
        ),
        (
            &["--free", "steps=1:9"],
            &["--free steps", "not a model parameter"],
        ),
        (
            &["--free", "network.n=5:1000000000"],
            &["--free network.n", "size is fixed"],
        ),
        (
            &["--free", lr, "--free", "learning.rate=0:2"],
            &["--free learning.rate", "given twice"],
        ),
        (
            &["--free", lr, "--seed", "18446744073709551615"],
            &["'--seed <SEED>'", "from 0 to 9223372036854775807"],
        ),
        (
            &["--free", lr, "--seed", "9223372036854775808"],
            &["invalid value '9223372036854775808' for '--seed <SEED>'"],
        ),
        (
            &["--free", "network.m=1.5:4"],
            &["--free network.m=1.5:4", "whole number"],
        ),
        (
            &["--free", "network.m=1:1e300"],
            &["--free network.m", "whole number"],
        ),
        (
            &["--free", "learning.rate=-1:1"],
            &["--free learning.rate", "learning.rate", ">= 0"],
        ),
        (
            &["--free", lr, "--threads", "100000"],
            &["--threads 100000", "at most 1024"],
        ),
    ];
    for (args, expected) in cases {
        let out = dir.path().join("out");
        let o = bin()
            .arg("fit")
            .arg(&scenario)
            .arg("--observed")
            .arg(&observed)
            .args(["--runs", "5", "--quiet", "--no-charts", "--out"])
            .arg(&out)
            .args(*args)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for e in *expected {
            assert!(err.contains(e), "{args:?}: expected {e:?} in: {err}");
        }
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!out.exists(), "{args:?}: --out created");
        assert!(staging(dir.path()).is_empty(), "{args:?}");
    }
}

#[test]
fn the_memory_check_covers_the_top_of_a_network_keys_box() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, observed) = ba_files(dir.path());
    let fit = |m: &str| {
        bin()
            .arg("fit")
            .arg(&scenario)
            .arg("--observed")
            .arg(&observed)
            .args([
                "--free",
                m,
                "--budget",
                "12",
                "--runs",
                "4",
                "--threads",
                "1",
            ])
            .args(["--quiet", "--no-charts", "--out"])
            .arg(dir.path().join("out"))
            // room for the scenario (m = 2), not for m = 1999 (4 million edges)
            .env("POLICYSIM_MEMORY_AVAILABLE", (100u64 << 20).to_string())
            .output()
            .unwrap()
    };
    let o = fit("network.m=1:1999");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--free") && err.contains("network.m = 1999") && err.contains("of memory"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists());
    let o = fit("network.m=1:4");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn whole_number_keys_are_searched_and_reported_as_whole_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, observed) = ba_files(dir.path());
    let out = dir.path().join("fit");
    let o = bin()
        .arg("fit")
        .arg(&scenario)
        .arg("--observed")
        .arg(&observed)
        .args(["--free", "network.m=1:6", "--free", "learning.rate=0:1"])
        .args([
            "--budget",
            "100",
            "--runs",
            "10",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fit = json(&out.join("fit.json"));
    assert!(fit["best"]["network.m"].is_i64(), "{fit}");
    assert!(fit["interval"]["network.m"][0].is_i64() && fit["interval"]["network.m"][1].is_i64());
    assert!(!fit["best"]["learning.rate"].is_i64());
    assert_eq!(fit["free"][0]["whole_numbers"], true);
    let table = std::fs::read_to_string(out.join("evaluations.csv")).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for line in table.lines().skip(1) {
        let m = line.split(',').nth(2).unwrap();
        let m: i64 = m.parse().unwrap_or_else(|_| panic!("not whole: {line}"));
        assert!((1..=6).contains(&m), "{line}");
        seen.insert(m);
    }
    // both ends of the box are reachable
    assert!(seen.contains(&1) && seen.contains(&6), "{seen:?}");
}

#[cfg(unix)]
fn signal(pid: u32, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {sig} failed");
}

/// Waits for the child (at most 30 s); returns its exit code and stderr.
#[cfg(unix)]
fn finish(mut child: std::process::Child) -> (Option<i32>, String) {
    use std::io::Read;
    let t0 = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err);
        }
        if t0.elapsed() > std::time::Duration::from_secs(30) {
            let _ = child.kill();
            panic!("policysim fit did not stop after the signal");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// SIGINT during the evaluations: the fit stops, says how far it got, writes nothing.
#[cfg(unix)]
#[test]
fn sigint_stops_a_fit_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit");
    // far more work than the test waits for
    let child = bin()
        .current_dir(repo())
        .args(["fit", "scenarios/us_states.toml", "--observed"])
        .args(["scenarios/data/spid_sample.csv", "--policy", "mothersaid"])
        .args(["--free", "learning.rate=0:1", "--budget", "100000"])
        .args(["--runs", "1000", "--no-charts", "--out"])
        .arg(&out)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    signal(child.id(), "-INT");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("interrupted") && err.contains("evaluations finished"),
        "{err}"
    );
    assert!(
        err.contains("no results written") && err.contains("was not created"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists());
    assert!(staging(dir.path()).is_empty(), "{:?}", staging(dir.path()));
}

/// SIGTERM while the fit's files are written: the staging folder goes, the previous fit
/// stays as it was.
#[cfg(unix)]
#[test]
fn sigterm_while_writing_keeps_the_previous_fit() {
    let dir = tempfile::tempdir().unwrap();
    // a map of 200,000 governments: drawing it takes long enough to be interrupted
    let scenario = dir.path().join("map.toml");
    std::fs::write(
        &scenario,
        "name = \"map\"\nruns = 2\n[network]\nkind = \"spatial\"\nn = 200000\nk = 2\n[abandon]\nrate = 0.0\n",
    )
    .unwrap();
    let mut csv = String::from("unit,adopt_year\n");
    for i in (0..200_000).step_by(1000) {
        csv.push_str(&format!("{i},{}\n", 2000 + i % 3));
    }
    let observed = dir.path().join("observed.csv");
    std::fs::write(&observed, csv).unwrap();
    let out = dir.path().join("fit");
    let start = |charts: &[&str]| {
        bin()
            .arg("fit")
            .arg(&scenario)
            .arg("--observed")
            .arg(&observed)
            .args([
                "--free",
                "learning.rate=0:1",
                "--budget",
                "12",
                "--runs",
                "2",
            ])
            .args(["--out"])
            .arg(&out)
            .args(charts)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (code, err) = finish(start(&["--no-charts"]));
    assert_eq!(code, Some(0), "{err}");
    let before = std::fs::read(out.join("fit.json")).unwrap();
    let child = start(&["--format", "png"]);
    let t0 = std::time::Instant::now();
    while staging(dir.path()).is_empty() {
        assert!(t0.elapsed().as_secs() < 60, "the fit never started writing");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    signal(child.id(), "-TERM");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("interrupted") && err.contains("previous results in"),
        "{err}"
    );
    assert_eq!(std::fs::read(out.join("fit.json")).unwrap(), before);
    assert!(!out.join("fit.png").exists());
    assert!(staging(dir.path()).is_empty(), "{:?}", staging(dir.path()));
}
