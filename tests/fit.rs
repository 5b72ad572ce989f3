//! `policysim fit`: recovering known parameters from a synthetic diffusion, bad observed
//! files, and the real US example.

use policysim::ensemble::{prepare, run_indexed};
use policysim::scenario::parse_scenario;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A scenario on a small-world network with innovation and learning only.
const SYNTHETIC: &str = r#"
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

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
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
    // the "observed" data: one run of the tool itself, with another seed than the fit's
    let s = parse_scenario(&text, &scenario_path).unwrap();
    let prepared = prepare(&s).unwrap();
    let run = run_indexed(&s, 12345, &prepared, 0, true).unwrap();
    let mut csv = String::from("unit,adopt_year\n");
    for (i, &step) in run.adopted_step.unwrap().iter().enumerate() {
        if step != u32::MAX {
            csv.push_str(&format!("{},{}\n", prepared.network.names[i], 2000 + step));
        }
    }
    let observed = dir.path().join("observed.csv");
    std::fs::write(&observed, csv).unwrap();
    let out = dir.path().join("fit");
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
    for (key, truth) in [("innovation.rate", inn), ("learning.rate", learn)] {
        let iv = &fit["interval"][key];
        let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
        assert!(
            lo <= truth && truth <= hi,
            "{key}: {truth} not in [{lo}, {hi}]: {fit}"
        );
        let best = fit["best"][key].as_f64().unwrap();
        assert!(
            lo <= best && best <= hi,
            "{key}: best {best} not in [{lo}, {hi}]"
        );
    }
    assert_eq!(fit["start_year"], 2000);
    assert_eq!(fit["evaluations"], 100);
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
        let mut v = json(&out.join("fit.json"));
        v["wall_time_s"] = serde_json::Value::Null;
        (v, std::fs::read(out.join("evaluations.csv")).unwrap())
    };
    assert_eq!(run("a"), run("b"));
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
