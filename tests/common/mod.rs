//! Helpers shared by the integration tests.
#![allow(dead_code)]

use policysim::ensemble::{prepare, run_ensemble, EnsembleOptions, EnsembleResult};
use policysim::run::RunSummary;
use policysim::Scenario;
use std::path::Path;

/// Parses a scenario from TOML text (as if it were a file in the current folder).
pub(crate) fn scenario(text: &str) -> Scenario {
    policysim::scenario::parse_scenario(text, Path::new("test.toml")).expect("valid scenario")
}

/// Runs the ensemble of a scenario and returns the result and the per-run summaries.
pub(crate) fn ensemble(s: &Scenario) -> (EnsembleResult, Vec<RunSummary>) {
    let prepared = prepare(s).expect("prepare");
    let mut rows = Vec::new();
    let mut on_run = |r: &RunSummary| {
        rows.push(r.clone());
        Ok(())
    };
    let result = run_ensemble(
        s,
        s.seed,
        &prepared,
        &EnsembleOptions::default(),
        &mut on_run,
    )
    .expect("ensemble");
    (result, rows)
}

/// Mean and sd of a series at a step.
pub(crate) fn curve(result: &EnsembleResult, series: &str, step: usize) -> (f64, f64) {
    let k = result
        .curves
        .series
        .iter()
        .position(|s| s == series)
        .expect("series exists");
    let s = result.curves.cell(step, k).summary().expect("values");
    (s.mean, s.sd)
}

/// Path of the built binary.
pub(crate) fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_policysim")
}

/// `policysim ARGS` run in the folder `dir`: its output, whatever its exit code.
pub(crate) fn policysim_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(binary())
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// `policysim ARGS` run in the folder `dir`, which must succeed (the test fails with its
/// stderr otherwise); its output.
pub(crate) fn ok_in(dir: &Path, args: &[&str]) -> std::process::Output {
    let o = policysim_in(dir, args);
    assert!(
        o.status.success(),
        "policysim {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A file of the repository (`scenarios/competition.toml`), as an argument text.
pub(crate) fn repo_file(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(path)
        .to_string_lossy()
        .into_owned()
}

/// Checks that the mean adopted share follows `expected[t - 1]` at steps 1..=len within
/// `tolerance`, and returns the largest deviation in standard errors of the mean.
pub(crate) fn assert_share_follows(
    result: &EnsembleResult,
    expected: &[f64],
    runs: f64,
    tolerance: f64,
) -> f64 {
    let mut max_z = 0.0f64;
    for (t, &f) in (1..).zip(expected) {
        let (mean, sd) = curve(result, "adopted_share", t);
        assert!(
            (mean - f).abs() < tolerance,
            "step {t}: simulated {mean}, recursion {f}"
        );
        let se = sd / runs.sqrt();
        if se > 0.0 {
            max_z = max_z.max((mean - f).abs() / se);
        }
    }
    max_z
}

/// Mean and standard error of the mean of the values.
pub(crate) fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Asserts that `high` (mean, se) exceeds `low` by more than 3 standard errors of the difference.
pub(crate) fn assert_more(what: &str, low: (f64, f64), high: (f64, f64)) {
    let se = (low.1 * low.1 + high.1 * high.1).sqrt();
    assert!(
        high.0 - low.0 > 3.0 * se,
        "{what}: {} (se {}) should exceed {} (se {}) by 3 standard errors",
        high.0,
        high.1,
        low.0,
        low.1
    );
}

/// Stops a server started by a test as a user would (SIGTERM, what Ctrl-C's handler also
/// catches), so that it removes its private folders; killed if it has not exited within
/// five seconds. A plain `Child::kill` (SIGKILL) leaves the folders behind in the
/// system's temporary directory.
pub(crate) fn stop_server(child: &mut std::process::Child) {
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    for _ in 0..100 {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}
