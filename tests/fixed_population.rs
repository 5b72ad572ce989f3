//! `agents.redraw = false` through the binary: one population drawn once per scenario,
//! shared by every run, so runs differ only in their histories.

use std::path::Path;
use std::process::Command;

/// Innovation only, one step, pi_inn = R_i: a run's adopters are a sum of Bernoulli(R_i).
const SCENARIO: &str = r#"
name = "fixed-population"
steps = 1
runs = 400
seed = 31
[network]
kind = "complete"
n = 1000
[agents]
resources = { dist = "beta", a = 0.2, b = 0.2 }
inertia = 0.0
[innovation]
rate = 1.0
[learning]
rate = 0.0
[competition]
rate = 0.0
[abandon]
rate = 0.0
[initial]
count = 0
"#;

fn run(dir: &Path, redraw: bool, threads: u32) -> Vec<u8> {
    let scenario = dir.join("s.toml");
    std::fs::write(&scenario, SCENARIO).unwrap();
    let out = dir.join(format!("out-{redraw}-{threads}"));
    let status = Command::new(crate::common::binary())
        .args(["run", "-q", "--no-charts", "--threads"])
        .arg(threads.to_string())
        .arg("--set")
        .arg(format!("agents.redraw={redraw}"))
        .arg("--out")
        .arg(&out)
        .arg(&scenario)
        .status()
        .unwrap();
    assert!(status.success());
    let echoed = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(
        echoed.contains(&format!("redraw = {redraw}")),
        "the resolved scenario records agents.redraw"
    );
    std::fs::read(out.join("runs.csv")).unwrap()
}

/// The variance across runs of the final share.
fn share_variance(runs_csv: &[u8]) -> f64 {
    let text = String::from_utf8(runs_csv.to_vec()).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "final_share").unwrap();
    let shares: Vec<f64> = lines
        .map(|l| l.split(',').nth(col).unwrap().parse().unwrap())
        .collect();
    let (mean, _) = crate::common::mean_se(&shares);
    shares.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (shares.len() - 1) as f64
}

#[test]
fn a_population_drawn_once_leaves_only_the_histories_to_vary() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = run(dir.path(), true, 2);
    let once = run(dir.path(), false, 2);
    assert_eq!(
        once,
        run(dir.path(), false, 1),
        "byte-identical across threads"
    );
    // Var(share) over runs: with a new population per run every government adopts with
    // probability E[R] = 1/2, so Var = 0.25 / n; with one population
    // Var = mean(R_i (1 - R_i)) / n, whose expectation for Beta(0.2, 0.2) is
    // 1/2 - E[R^2] = 1/2 - (0.04 / (0.16 * 1.4) + 1/4) = 0.0714 / n.
    // The sample variance of 400 runs has relative standard error sqrt(2 / 399) = 0.071,
    // and the population's own mean of R (1 - R) over 1000 governments about 0.035
    // more (sd of R (1 - R) under 0.08, over sqrt(1000), relative to 0.0714): together 0.079;
    // each is checked within 4 of them.
    let n = 1000.0;
    let tolerance = 4.0 * (0.071f64.powi(2) + 0.035f64.powi(2)).sqrt();
    let v_fresh = share_variance(&fresh) * n;
    let v_once = share_variance(&once) * n;
    assert!(
        (v_fresh / 0.25 - 1.0).abs() < tolerance,
        "redraw = true: n Var = {v_fresh}, expected 0.25"
    );
    let expected_once = 0.5 - (0.04 / (0.16 * 1.4) + 0.25);
    assert!(
        (v_once / expected_once - 1.0).abs() < tolerance,
        "redraw = false: n Var = {v_once}, expected {expected_once}"
    );
}
