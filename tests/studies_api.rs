//! The studies of `fit`, `forecast` and `compare-mechanisms` called from Rust with their
//! options structs: the same files as the binary writes, warnings and progress through
//! the callbacks, refusals before anything is written.

use policysim::fit::study::{self as fit_study, Fitted};
use policysim::fit::{parse_free, Objective};
use policysim::forecast::study as forecast_study;
use policysim::mechanisms::study as mechanisms_study;
use policysim::observed::ObservedOptions;
use policysim::progress::Progress;
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
        study(&Progress {
            plan: &plan,
            tick: &tick,
            done: &done,
            warning: &warning,
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
