//! Uncertainty of the answers (docs/statistics.md): the 95% CI of a mean covers the true
//! mean about 95% of the time; summary.json, sweep.csv and compare.csv report means with
//! CIs and censored times consistently with runs.csv; maps hatch points where fewer than
//! half of the runs reached a level.

use crate::common::{binary, scenario};
use policysim::stats::mean_ci;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// Coverage of the t interval, on the Bass model reduced to pure innovation (q = 0) on a
/// complete network: every government adopts independently with probability p per step,
/// so the mean share at step t is exactly the recursion F(t) = F(t-1) + (1 - F(t-1)) p.
/// (With q > 0 the mean of a finite stochastic system differs from the recursion by a
/// Jensen term, which would bias a coverage test.) Over 300 independent ensembles of 20
/// runs the 95% CI of the mean must cover F within 3 binomial standard errors of 0.95.
#[test]
fn ci_of_the_mean_covers_the_bass_recursion_about_95_percent_of_the_time() {
    let (p, steps, ensembles) = (0.1, 5usize, 300u64);
    let mut f = vec![0.0f64];
    for t in 1..=steps {
        f.push(f[t - 1] + (1.0 - f[t - 1]) * p);
    }
    let mut s = scenario(&format!(
        r#"
        model = "bass"
        steps = {steps}
        runs = 20
        [network]
        kind = "complete"
        n = 50
        [bass]
        p = {p}
        q = 0.0
        "#
    ));
    let (mut final_hits, mut step2_hits) = (0u64, 0u64);
    for seed in 0..ensembles {
        s.seed = 1000 + seed;
        let (result, _) = crate::common::ensemble(&s);
        let fs = result.runs.final_share.summary().unwrap();
        let ci = mean_ci(fs.n, fs.mean, fs.sd);
        final_hits += u64::from(ci.low <= f[steps] && f[steps] <= ci.high);
        let c2 = result.curves.cell(2, 0).summary().unwrap();
        let ci = mean_ci(c2.n, c2.mean, c2.sd);
        step2_hits += u64::from(ci.low <= f[2] && f[2] <= ci.high);
    }
    let se = (0.95f64 * 0.05 / ensembles as f64).sqrt();
    for (what, hits) in [("final share", final_hits), ("share at step 2", step2_hits)] {
        let coverage = hits as f64 / ensembles as f64;
        assert!(
            (coverage - 0.95).abs() < 3.0 * se,
            "{what}: the 95% CI covered the true mean in {hits} of {ensembles} ensembles"
        );
    }
}

fn policysim(args: &[&str]) -> String {
    let out = Command::new(binary()).args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "policysim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A CSV file as a header and rows of named cells.
fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn cell(row: &HashMap<String, String>, column: &str) -> Option<f64> {
    let text = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column}"));
    (!text.is_empty()).then(|| text.parse().unwrap())
}

/// Mean and the 95% CI half-width from values, with the t quantile from a table.
fn mean_and_half(values: &[f64], t_975: f64) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, t_975 * (var / n).sqrt())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + b.abs())
}

/// A ring where about half of the 20 runs reach 50% within 8 steps (rate 0.085) or
/// none does (rate 0.01).
fn ring(dir: &Path, name: &str, rate: f64) -> String {
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(
        &path,
        format!(
            "name = \"{name}\"\nsteps = 8\nruns = 20\nseed = 5\n[network]\nkind = \"ring\"\nn = 40\nk = 4\n[innovation]\nrate = {rate}\n"
        ),
    )
    .unwrap();
    path.display().to_string()
}

/// t_{19, 0.975} from a t table (20 runs).
const T19: f64 = 2.093_024_054;

#[test]
fn summary_and_compare_agree_with_runs_csv() {
    let dir = tempfile::tempdir().unwrap();
    let half = dir.path().join("half");
    let stderr = policysim(&[
        "run",
        &ring(dir.path(), "half", 0.085),
        "--out",
        half.to_str().unwrap(),
        "--no-charts",
    ]);
    let runs = read_csv(&half.join("runs.csv"));
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(half.join("summary.json")).unwrap()).unwrap();

    // final share: mean and t interval recomputed from runs.csv
    let finals: Vec<f64> = runs
        .iter()
        .map(|r| cell(r, "final_share").unwrap())
        .collect();
    let (mean, h) = mean_and_half(&finals, T19);
    let fs = &summary["final_share"];
    assert!(close(fs["mean"].as_f64().unwrap(), mean));
    assert!(close(fs["ci_low"].as_f64().unwrap(), mean - h), "{fs}");
    assert!(close(fs["ci_high"].as_f64().unwrap(), mean + h), "{fs}");
    assert!(
        fs["p05"].as_f64().unwrap() < mean - h,
        "the spread is wider than the CI"
    );
    assert!(stderr.contains(&format!(
        "final share {mean:.3} (95% CI of the mean {:.3}–{:.3}; 5–95% of runs",
        mean - h,
        mean + h
    )));

    // t50: share reached, mean over those that reached it, Kaplan–Meier median (no
    // censoring before the last step, so it is the smallest t reached by half the runs)
    let t50: Vec<Option<f64>> = runs.iter().map(|r| cell(r, "t50")).collect();
    let reached: Vec<f64> = t50.iter().flatten().copied().collect();
    assert!(
        !reached.is_empty() && reached.len() < runs.len(),
        "the example censors some runs and not others"
    );
    let t = &summary["t50"];
    assert_eq!(t["runs_reached"].as_u64().unwrap() as usize, reached.len());
    assert!(close(
        t["reached"].as_f64().unwrap(),
        reached.len() as f64 / 20.0
    ));
    let km = (0..=8)
        .find(|&s| reached.iter().filter(|&&x| x <= f64::from(s)).count() * 2 >= 20)
        .map(f64::from);
    assert_eq!(t["km_median"].as_f64(), km, "{t}");
    assert_eq!(t["km_median"].is_null(), reached.len() * 2 < 20);
    let mean_if = reached.iter().sum::<f64>() / reached.len() as f64;
    assert!(close(t["if_reached"]["mean"].as_f64().unwrap(), mean_if));

    // none reaches 50%: the median and its CI are null, never a number
    let none = dir.path().join("none");
    policysim(&[
        "run",
        &ring(dir.path(), "none", 0.01),
        "--out",
        none.to_str().unwrap(),
        "--no-charts",
    ]);
    let s2: Value =
        serde_json::from_str(&std::fs::read_to_string(none.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s2["t50"]["runs_reached"], 0);
    assert!(s2["t50"]["km_median"].is_null() && s2["t50"]["km_median_ci_low"].is_null());
    assert!(s2["t50"]["if_reached"].is_null());

    // compare.csv: the same figures, undefined cells empty
    let cmp = dir.path().join("cmp");
    policysim(&[
        "compare",
        half.to_str().unwrap(),
        none.to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
        "--format",
        "svg",
    ]);
    let rows = read_csv(&cmp.join("compare.csv"));
    assert!(close(
        cell(&rows[0], "final_share_ci_low").unwrap(),
        mean - h
    ));
    assert!(close(
        cell(&rows[0], "final_share_ci_high").unwrap(),
        mean + h
    ));
    assert!(cell(&rows[0], "final_share_p05").is_some());
    assert_eq!(cell(&rows[0], "t50_km_median"), km);
    assert!(close(
        cell(&rows[0], "t50_mean_if_reached").unwrap(),
        mean_if
    ));
    assert_eq!(cell(&rows[1], "t50_reached"), Some(0.0));
    assert_eq!(cell(&rows[1], "t50_km_median"), None);
    assert_eq!(cell(&rows[1], "t50_mean_if_reached"), None);
    for c in [
        "share_innovation_ci_low",
        "final_mean_quality_ci_high",
        "t90_km_median_ci_high",
    ] {
        assert!(rows[0].contains_key(c), "compare.csv has {c}");
    }
}

#[test]
fn sweep_rows_agree_with_their_runs_and_the_t50_map_marks_unreached_points() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sweep.toml");
    std::fs::write(
        &file,
        r#"
name = "censored-map"
steps = 6
runs = 20
seed = 3
[network]
kind = "ring"
n = 40
k = 4
[sweep]
"innovation.rate" = [0.02, 0.5]
"learning.rate" = [0.0, 0.3]
"#,
    )
    .unwrap();
    let out = dir.path().join("out");
    policysim(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
        "--keep-points",
        "--metric",
        "t50",
        "--format",
        "svg",
    ]);
    let rows = read_csv(&out.join("sweep.csv"));
    assert_eq!(rows.len(), 4);
    for (i, row) in rows.iter().enumerate() {
        let runs = read_csv(&out.join(format!("points/{i}/runs.csv")));
        let finals: Vec<f64> = runs
            .iter()
            .map(|r| cell(r, "final_share").unwrap())
            .collect();
        let (mean, h) = mean_and_half(&finals, T19);
        assert!(close(cell(row, "final_share_mean").unwrap(), mean));
        assert!(close(cell(row, "final_share_ci_low").unwrap(), mean - h));
        assert!(close(cell(row, "final_share_ci_high").unwrap(), mean + h));
        let reached = runs.iter().filter(|r| cell(r, "t50").is_some()).count();
        assert!(close(
            cell(row, "t50_reached").unwrap(),
            reached as f64 / 20.0
        ));
        // the median is defined exactly where at least half of the runs reached 50%
        assert_eq!(
            cell(row, "t50_km_median").is_some(),
            reached * 2 >= 20,
            "point {i}"
        );
        let learning: Vec<f64> = runs
            .iter()
            .filter_map(|r| cell(r, "share_learning"))
            .collect();
        if learning.len() > 1 {
            let (m, h) = mean_and_half(
                &learning,
                policysim::stats::t_quantile(0.975, learning.len() as f64 - 1.0),
            );
            assert!(close(cell(row, "share_learning_mean").unwrap(), m));
            assert!(close(cell(row, "share_learning_ci_high").unwrap(), m + h));
        }
    }
    // innovation 0.02 for 6 steps: about 11% adopt, so no run reaches 50% there
    assert_eq!(cell(&rows[0], "t50_reached"), Some(0.0));
    assert!(cell(&rows[3], "t50_reached").unwrap() >= 0.5);
    let svg = std::fs::read_to_string(out.join("sweep_t50_map.svg")).unwrap();
    assert!(
        svg.contains("fewer than half of the runs reached 50%"),
        "legend entry"
    );
    assert!(
        svg.contains("Kaplan–Meier median over 20 runs"),
        "says what is shown"
    );
    assert!(!svg.contains("mean of 20 runs"));

    // where every point reaches 50%, nothing is hatched and the legend has no such entry
    let all = dir.path().join("all");
    std::fs::write(
        &file,
        std::fs::read_to_string(&file)
            .unwrap()
            .replace("[0.02, 0.5]", "[0.4, 0.5]"),
    )
    .unwrap();
    policysim(&[
        "sweep",
        file.to_str().unwrap(),
        "--out",
        all.to_str().unwrap(),
        "-q",
        "--metric",
        "t50",
        "--format",
        "svg",
    ]);
    let svg = std::fs::read_to_string(all.join("sweep_t50_map.svg")).unwrap();
    assert!(!svg.contains("fewer than half"));
}
