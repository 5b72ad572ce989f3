//! The studies of `fit`, `forecast`, `compare-mechanisms`, `sensitivity` and `sweep`
//! called from Rust with their options structs: the same files as the binary writes,
//! warnings, news and progress through the callbacks, refusals before anything is written.

use policysim::fit::study::{self as fit_study, Fitted};
use policysim::fit::{parse_free, Objective};
use policysim::forecast::study as forecast_study;
use policysim::mechanisms::study as mechanisms_study;
use policysim::observed::ObservedOptions;
use policysim::progress::Progress;
use policysim::sensitivity::study as sensitivity_study;
use policysim::sweep::study as sweep_study;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn reading(policy: &str) -> ObservedOptions {
    ObservedOptions {
        unit_column: "unit".into(),
        year_column: "adopt_year".into(),
        policy: Some(policy.into()),
        start_year: None,
    }
}

/// The SPID sample's mothersaid and antistalk rows, and Arizona's mothersaid listed a
/// second time with a later year (a warning: the earliest year is kept).
fn observed_with_a_repeat(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/data/spid_sample.csv")).unwrap();
    let mut out = String::from("unit,policy,adopt_year\n");
    for l in text.lines().skip(1) {
        if l.contains(",mothersaid,") || l.contains(",antistalk,") {
            out.push_str(l);
            out.push('\n');
        }
    }
    out.push_str("Arizona,mothersaid,1925\n");
    let path = dir.join("observed.csv");
    std::fs::write(&path, out).unwrap();
    path
}

/// What a study reported through its callbacks.
#[derive(Default)]
struct Reported {
    plans: Mutex<Vec<(u64, String)>>,
    ticks: AtomicU64,
    done: AtomicU64,
    warnings: Mutex<Vec<String>>,
    notes: Mutex<Vec<String>>,
}

impl Reported {
    /// Calls `study` with callbacks that record what it reports.
    fn record<T>(&self, study: impl FnOnce(&Progress) -> T) -> T {
        let plan = |n: u64, unit: &str| self.plans.lock().unwrap().push((n, unit.into()));
        let tick = |k: u64| {
            self.ticks.fetch_add(k, Ordering::SeqCst);
        };
        let done = || {
            self.done.fetch_add(1, Ordering::SeqCst);
        };
        let warning = |w: &str| self.warnings.lock().unwrap().push(w.into());
        let note = |line: &str| self.notes.lock().unwrap().push(line.into());
        study(&Progress {
            plan: &plan,
            tick: &tick,
            done: &done,
            warning: &warning,
            note: &note,
        })
    }
}

#[test]
fn a_forecast_from_rust_writes_the_files_of_the_binary_and_reports_through_its_callbacks() {
    let dir = tempfile::tempdir().unwrap();
    let observed = observed_with_a_repeat(dir.path());
    let scenario = root().join("scenarios/us_states.toml");
    let options = forecast_study::StudyOptions {
        scenario: scenario.clone(),
        observed: observed.clone(),
        reading: reading("mothersaid"),
        train_until: Some(1915),
        evaluate_all: false,
        train_share: None,
        horizon: 3,
        free: Vec::new(),
        runs: 6,
        budget: 200,
        out: dir.path().join("library"),
        seed: Some(11),
        threads: Some(1),
        charts: None,
        cancel: None,
    };
    let reported = Reported::default();
    let outcome = reported
        .record(|p| forecast_study::run(&options, p))
        .expect("the forecast runs");
    let forecast_study::Outcome::Forecast { forecast, runs, .. } = outcome else {
        panic!("one policy's forecast");
    };
    assert_eq!(runs, 6);
    assert_eq!(forecast.split.year, 1915);
    // no free keys: the plan is the forecast's runs, and every run was counted
    assert_eq!(
        *reported.plans.lock().unwrap(),
        vec![(6, "evaluations and runs".to_string())]
    );
    assert_eq!(reported.ticks.load(Ordering::SeqCst), 6);
    assert_eq!(reported.done.load(Ordering::SeqCst), 1);
    let warnings = reported.warnings.lock().unwrap().clone();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("unit \"Arizona\" is listed again"));

    let status = Command::new(crate::common::binary())
        .arg("forecast")
        .arg(&scenario)
        .arg("--observed")
        .arg(&observed)
        .args(["--policy", "mothersaid", "--train-until", "1915"])
        .args([
            "--horizon",
            "3",
            "--runs",
            "6",
            "--seed",
            "11",
            "--threads",
            "2",
        ])
        .arg("--out")
        .arg(dir.path().join("binary"))
        .args(["--no-charts", "--quiet"])
        .status()
        .unwrap();
    assert!(status.success());
    for file in ["forecast.csv", "forecast.json", "map.csv"] {
        let library = std::fs::read(dir.path().join("library").join(file)).unwrap();
        let binary = std::fs::read(dir.path().join("binary").join(file)).unwrap();
        assert!(library == binary, "{file} differs");
    }
}

#[test]
fn a_pooled_fit_from_rust_counts_every_evaluation_and_names_its_policies_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let observed = observed_with_a_repeat(dir.path());
    let options = fit_study::StudyOptions {
        scenario: root().join("scenarios/us_states.toml"),
        observed,
        reading: reading("antistalk, mothersaid"),
        all_policies: false,
        free: vec![parse_free("innovation.rate=0:1").unwrap()],
        runs: 2,
        budget: 12,
        max_evaluations: None,
        objective: Objective::Curve,
        out: dir.path().join("fit"),
        force: false,
        seed: None,
        threads: Some(2),
        charts: None,
        cancel: None,
    };
    let reported = Reported::default();
    let outcome = reported
        .record(|p| fit_study::run(&options, p))
        .expect("the pooled fit runs");
    let Fitted::Pooled(pooled) = &outcome.fitted else {
        panic!("a list of policies is a pooled fit");
    };
    let names: Vec<&str> = pooled.policies.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["antistalk", "mothersaid"]);
    assert_eq!(
        outcome.fit.max_evaluations, 24,
        "twice the budget by default"
    );
    assert_eq!(
        *reported.plans.lock().unwrap(),
        vec![(12, "evaluations x 2 policies".to_string())]
    );
    assert_eq!(
        reported.ticks.load(Ordering::SeqCst),
        pooled.search.evaluations.len() as u64
    );
    // the repeat is in mothersaid's rows only: one warning, from reading that policy
    assert_eq!(reported.warnings.lock().unwrap().len(), 1);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("fit/fit.json")).unwrap())
            .unwrap();
    assert_eq!(
        json["policy"],
        serde_json::json!(["antistalk", "mothersaid"])
    );
    assert_eq!(
        json["evaluations"].as_u64(),
        Some(pooled.search.evaluations.len() as u64)
    );
    assert!(dir
        .path()
        .join("fit/fitted/1-antistalk/summary.json")
        .is_file());
    assert!(dir
        .path()
        .join("fit/fitted/2-mothersaid/summary.json")
        .is_file());
}

#[test]
fn studies_refuse_bad_options_before_anything_is_read_or_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m");
    let options = mechanisms_study::StudyOptions {
        hypotheses: dir.path().join("no-such-hypotheses.toml"),
        observed: dir.path().join("no-such-observed.csv"),
        reading: reading("mothersaid"),
        train_until: None,
        train_share: None,
        runs: 1,
        budget: 1000,
        out: out.clone(),
        seed: None,
        threads: None,
        charts: None,
        cancel: None,
    };
    let e = mechanisms_study::run(&options, &Progress::silent()).unwrap_err();
    // the runs are checked before the (missing) hypotheses file is read
    assert_eq!(e.to_string(), "--runs must be at least 2");
    assert!(!out.exists());
    let forecast = forecast_study::StudyOptions {
        scenario: dir.path().join("no-such-scenario.toml"),
        observed: dir.path().join("no-such-observed.csv"),
        reading: reading("mothersaid"),
        train_until: Some(1915),
        evaluate_all: false,
        train_share: None,
        horizon: 0,
        free: Vec::new(),
        runs: 2,
        budget: 10,
        out: out.clone(),
        seed: None,
        threads: None,
        charts: None,
        cancel: None,
    };
    let e = forecast_study::run(&forecast, &Progress::default()).unwrap_err();
    assert!(e.to_string().starts_with("--horizon 0:"), "{e}");
    assert!(!out.exists());
}

/// The options of a small Sobol' design of `examples/sensitivity.toml` (8 base rows of
/// 5 parameters: 56 points of 3 runs), written into `out`.
fn small_sobol(out: &Path) -> sensitivity_study::StudyOptions {
    sensitivity_study::StudyOptions {
        scenario: root().join("examples/sensitivity.toml"),
        set: Vec::new(),
        method: None,
        samples: Some(8),
        trajectories: None,
        levels: None,
        resamples: None,
        metric: "final_share".into(),
        runs: Some(3),
        seed: None,
        steps: Some(10),
        out: Some(out.to_path_buf()),
        threads: Some(1),
        table_format: Default::default(),
        shard: None,
        analyse: None,
        force: false,
        charts: None,
        cancel: None,
    }
}

#[test]
fn a_sensitivity_study_from_rust_writes_the_files_of_the_binary_and_reports_through_its_callbacks()
{
    let dir = tempfile::tempdir().unwrap();
    let options = small_sobol(&dir.path().join("library"));
    let reported = Reported::default();
    let outcome = reported
        .record(|p| sensitivity_study::run(&options, p))
        .expect("the design runs and is analysed");
    let sensitivity_study::Outcome::Analysed {
        out,
        column,
        estimates,
        charts,
        ..
    } = outcome
    else {
        panic!("a whole design is analysed");
    };
    assert_eq!(out, dir.path().join("library"));
    assert_eq!(column, "final_share_mean");
    // S1 and ST of each of the five parameters
    assert_eq!(estimates.len(), 10);
    assert!(charts.is_empty());
    assert_eq!(
        *reported.plans.lock().unwrap(),
        vec![(56 * 3, "point-runs".to_string())]
    );
    assert_eq!(reported.ticks.load(Ordering::SeqCst), 56 * 3);
    assert_eq!(reported.done.load(Ordering::SeqCst), 1);
    let notes = reported.notes.lock().unwrap().clone();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with("sensitivity: sobol design (N = 8, 56 points), 56 of 56 points computed, 0 resumed, 3 runs x 10 steps each"),
        "{notes:?}"
    );

    let status = Command::new(crate::common::binary())
        .arg("sensitivity")
        .arg(root().join("examples/sensitivity.toml"))
        .args(["--samples", "8", "--runs", "3", "--steps", "10"])
        .args(["--threads", "2", "--no-charts", "--quiet", "--out"])
        .arg(dir.path().join("binary"))
        .status()
        .unwrap();
    assert!(status.success());
    for file in [
        "sweep.csv",
        "design.csv",
        "sensitivity.csv",
        "sensitivity.json",
    ] {
        let library = std::fs::read(dir.path().join("library").join(file)).unwrap();
        let binary = std::fs::read(dir.path().join("binary").join(file)).unwrap();
        assert!(library == binary, "{file} differs");
    }

    // analysing the same points for a time the design's runs mostly do not reach: the
    // line on the points comes before the refusal, and no analysis is replaced
    let before = std::fs::read(dir.path().join("library/sensitivity.csv")).unwrap();
    let again = sensitivity_study::StudyOptions {
        metric: "t50".into(),
        ..options
    };
    let reported = Reported::default();
    let e = reported
        .record(|p| sensitivity_study::run(&again, p))
        .unwrap_err();
    assert!(
        e.to_string().contains("`t50_km_median` is undefined at"),
        "{e}"
    );
    let notes = reported.notes.lock().unwrap().clone();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("0 of 56 points computed, 56 resumed"),
        "{notes:?}"
    );
    assert_eq!(reported.ticks.load(Ordering::SeqCst), 0);
    let after = std::fs::read(dir.path().join("library/sensitivity.csv")).unwrap();
    assert!(before == after);
}

#[test]
fn a_sweep_from_rust_with_a_precision_writes_the_files_of_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = root().join("scenarios/pilot.toml");
    let options = sweep_study::StudyOptions {
        scenario: scenario.clone(),
        set: vec!["central.recognition=0:1:0.5".into()],
        mode: None,
        runs: None,
        precision: Some("final_share=0.05".into()),
        max_runs: Some(120),
        seed: None,
        steps: Some(10),
        out: Some(dir.path().join("library")),
        threads: Some(1),
        shard: None,
        independent: false,
        baseline: Some(String::new()),
        keep_points: false,
        record_events: false,
        table_format: Default::default(),
        force: false,
        observed: None,
        reading: reading("mothersaid"),
        chart: sweep_study::ChartRequest {
            metric: "final_share".into(),
            charts: None,
        },
        max_points: None,
        cancel: None,
    };
    let reported = Reported::default();
    let outcome = reported
        .record(|p| sweep_study::run(&options, p))
        .expect("the sweep runs");
    assert!(outcome.report.complete);
    assert_eq!(outcome.report.points, 3);
    let (_, precision) = outcome
        .precision
        .as_ref()
        .expect("--precision chose the runs");
    assert!(precision.reached);
    assert_eq!(outcome.runs as u64, precision.runs);
    assert!(outcome.precision_error().is_none());
    assert!(outcome.charts.is_none());
    // the line of --precision is news, not a warning; the plan counts every point's runs
    let notes = reported.notes.lock().unwrap().clone();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].starts_with(&format!(
            "--precision final_share=0.05: reached in {} runs",
            outcome.runs
        )),
        "{notes:?}"
    );
    assert_eq!(
        *reported.plans.lock().unwrap(),
        vec![(3 * u64::from(outcome.runs), "point-runs".to_string())]
    );

    let status = Command::new(crate::common::binary())
        .arg("sweep")
        .arg(&scenario)
        .args(["--set", "central.recognition=0:1:0.5", "--baseline"])
        .args(["--precision", "final_share=0.05", "--max-runs", "120"])
        .args([
            "--steps",
            "10",
            "--threads",
            "2",
            "--no-charts",
            "--quiet",
            "--out",
        ])
        .arg(dir.path().join("binary"))
        .status()
        .unwrap();
    assert!(status.success());
    for file in ["sweep.csv", "sweep.json", "sweep.toml"] {
        let library = std::fs::read(dir.path().join("library").join(file)).unwrap();
        let binary = std::fs::read(dir.path().join("binary").join(file)).unwrap();
        assert!(library == binary, "{file} differs");
    }
}
