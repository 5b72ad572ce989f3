//! `--precision METRIC=WIDTH` (issue 29) and the interpolated times through the binary:
//! the runs stop at the first checkpoint whose criterion is within the width (and one
//! batch fewer was not), the intervals cover a known mean and a known zero difference at
//! the nominal 95% within 3 binomial standard errors, the answer is the same with 1 and 2
//! threads, a cap that is too small keeps the results and exits 3, and the interpolated
//! t10/t50/t90 lie within the step of their whole-step times. Tiny scenarios.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// 60 governments on a ring, 15 steps: a final share with sd about 0.1.
const TINY: &str = r#"
name = "tiny"
runs = 20
steps = 15
[network]
kind = "ring"
n = 60
k = 4
[innovation]
rate = 0.02
"#;

fn policysim(args: &[&str]) -> Output {
    Command::new(crate::common::binary())
        .args(args)
        .output()
        .expect("runs")
}

fn ok(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{err}");
    err
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn write_tiny(dir: &Path) -> String {
    let f = dir.join("tiny.toml");
    std::fs::write(&f, TINY).unwrap();
    f.display().to_string()
}

/// `run --precision` on seed `seed`: the `precision` entry of summary.json.
fn run_precise(file: &str, out: &Path, seed: u64, spec: &str, extra: &[&str]) -> (Output, Value) {
    let seed = seed.to_string();
    let o = out.display().to_string();
    let mut args = vec![
        "run",
        file,
        "--seed",
        &seed,
        "--precision",
        spec,
        "--out",
        &o,
        "--no-charts",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let output = policysim(&args);
    let summary = out.join("summary.json");
    let p = if summary.is_file() {
        json(&summary)["precision"].clone()
    } else {
        Value::Null
    };
    (output, p)
}

#[test]
fn run_stops_at_the_first_batch_within_the_width_and_not_one_batch_earlier() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    for (spec, width) in [("final_share=0.02", 0.02), ("t10_interp=0.5", 0.5)] {
        let out = tmp.path().join("a");
        let (o, p) = run_precise(&file, &out, 3, spec, &[]);
        ok(&o);
        let runs = p["runs"].as_u64().unwrap();
        let i = &p["intervals"][0];
        assert!(p["reached"].as_bool().unwrap(), "{p}");
        assert!(i["criterion"].as_f64().unwrap() <= width, "{p}");
        assert!(i["half_width"].as_f64().unwrap() <= width, "{p}");
        assert!(
            runs >= 30 && (runs - 30) % 30 == 0,
            "checkpoints every 30 runs: {runs}"
        );
        // the results are of exactly these runs
        let summary = json(&out.join("summary.json"));
        assert_eq!(summary["runs"].as_u64(), Some(runs));
        let rows = std::fs::read_to_string(out.join("runs.csv")).unwrap();
        assert_eq!(rows.lines().count() as u64, runs + 1);
        if spec.starts_with("final_share") {
            let mean = summary["final_share"]["mean"].as_f64().unwrap();
            assert!((mean - i["estimate"].as_f64().unwrap()).abs() < 1e-9, "{p}");
        }
        // one batch fewer was not precise enough: capped there it is not reached (exit 3)
        if runs > 30 {
            let cap = (runs - 30).to_string();
            let out = tmp.path().join("b");
            let (o, q) = run_precise(&file, &out, 3, spec, &["--max-runs", &cap]);
            assert_eq!(
                o.status.code(),
                Some(3),
                "{}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(!q["reached"].as_bool().unwrap(), "{q}");
            assert!(
                q["intervals"][0]["criterion"].as_f64().unwrap() > width,
                "{q}"
            );
        }
    }
}

#[test]
fn a_cap_too_small_keeps_the_results_says_so_and_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let out = tmp.path().join("capped");
    let o = out.display().to_string();
    let output = policysim(&[
        "run",
        &file,
        "--precision",
        "final_share=0.001",
        "--max-runs",
        "60",
        "--out",
        &o,
        "--no-charts",
    ]);
    assert_eq!(output.status.code(), Some(3));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(err.contains("NOT reached within --max-runs 60"), "{err}");
    assert!(
        err.contains("error: --precision final_share=0.001 not reached within 60 runs"),
        "{err}"
    );
    let p = json(&out.join("summary.json"))["precision"].clone();
    assert_eq!(
        (p["runs"].as_u64(), p["reached"].as_bool()),
        (Some(60), Some(false))
    );
    let rows = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(rows.lines().count(), 61);
}

/// Over 200 seeds, `estimate ± half_width` of `run --precision final_share=0.03` covers
/// the mean of 20,000 runs (its own standard error 0.0007, negligible beside the width)
/// 95% of the time within 3 binomial standard errors.
#[test]
fn run_intervals_cover_a_known_mean_at_the_nominal_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let truth_dir = tmp.path().join("truth");
    let t = truth_dir.display().to_string();
    ok(&policysim(&[
        "run",
        &file,
        "--runs",
        "20000",
        "--seed",
        "424242",
        "--out",
        &t,
        "--no-charts",
        "--quiet",
    ]));
    let truth = json(&truth_dir.join("summary.json"))["final_share"]["mean"]
        .as_f64()
        .unwrap();
    let reps = 200;
    let mut covered = 0;
    for seed in 1..=reps {
        let out = tmp.path().join(format!("c{seed}"));
        let (o, p) = run_precise(&file, &out, seed, "final_share=0.03", &[]);
        ok(&o);
        let i = &p["intervals"][0];
        let (est, half) = (
            i["estimate"].as_f64().unwrap(),
            i["half_width"].as_f64().unwrap(),
        );
        assert!(half <= 0.03);
        covered += usize::from((est - truth).abs() <= half);
        std::fs::remove_dir_all(&out).unwrap();
    }
    let rate = covered as f64 / reps as f64;
    let se = (0.95f64 * 0.05 / reps as f64).sqrt();
    eprintln!(
        "coverage of the known mean {truth:.4}: {covered}/{reps} = {rate:.3} (3 SE = {:.3})",
        3.0 * se
    );
    assert!((rate - 0.95).abs() <= 3.0 * se, "coverage {rate}");
}

/// `sweep --baseline --independent --precision`: two points that differ only in a key
/// that never acts (recognition with no competition) on their own seeds, so their true
/// difference is 0; over 100 seeds the paired intervals cover 0 at 95% within 3 SE.
#[test]
fn sweep_intervals_cover_a_zero_difference_at_the_nominal_rate() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let reps = 100;
    let mut covered = 0;
    for seed in 1..=reps {
        let out = tmp.path().join(format!("s{seed}"));
        let (o, s) = (out.display().to_string(), seed.to_string());
        ok(&policysim(&[
            "sweep",
            &file,
            "--seed",
            &s,
            "--set",
            "central.recognition=0,1",
            "--baseline",
            "--independent",
            "--precision",
            "final_share=0.04",
            "--out",
            &o,
            "--no-charts",
            "--quiet",
        ]));
        let p = json(&out.join("sweep.json"))["precision"].clone();
        let i = &p["intervals"][0];
        let (est, half) = (
            i["estimate"].as_f64().unwrap(),
            i["half_width"].as_f64().unwrap(),
        );
        assert!(i["criterion"].as_f64().unwrap() <= 0.04, "{p}");
        covered += usize::from(est.abs() <= half);
        std::fs::remove_dir_all(&out).unwrap();
    }
    let rate = covered as f64 / reps as f64;
    let se = (0.95f64 * 0.05 / reps as f64).sqrt();
    eprintln!(
        "coverage of the zero difference: {covered}/{reps} = {rate:.3} (3 SE = {:.3})",
        3.0 * se
    );
    assert!((rate - 0.95).abs() <= 3.0 * se, "coverage {rate}");
}

/// With common random numbers a key that never acts gives identical runs pair by pair:
/// every difference is 0, so the first checkpoint is precise enough.
#[test]
fn a_key_that_never_acts_gives_identical_pairs() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let out = tmp.path().join("never");
    let o = out.display().to_string();
    ok(&policysim(&[
        "sweep",
        &file,
        "--set",
        "central.recognition=0,1",
        "--baseline",
        "--precision",
        "t10_interp=0.1",
        "--out",
        &o,
        "--no-charts",
        "--quiet",
    ]));
    let p = json(&out.join("sweep.json"))["precision"].clone();
    assert_eq!(p["runs"].as_u64(), Some(30), "{p}");
    assert_eq!(p["intervals"][0]["estimate"].as_f64(), Some(0.0));
    let a = std::fs::read_to_string(out.join("points/0/runs.csv")).unwrap();
    let b = std::fs::read_to_string(out.join("points/1/runs.csv")).unwrap();
    assert_eq!(a, b);
}

/// The same answer (runs, sweep.csv, runs.csv, the precision entries) with 1 and 2 threads.
#[test]
fn precision_is_the_same_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let mut runs = Vec::new();
    let mut sweeps = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("run{threads}"));
        let (o, p) = run_precise(&file, &out, 9, "t50_interp=0.4", &["--threads", threads]);
        ok(&o);
        runs.push((p, std::fs::read_to_string(out.join("runs.csv")).unwrap()));
        let out = tmp.path().join(format!("sweep{threads}"));
        let d = out.display().to_string();
        ok(&policysim(&[
            "sweep",
            &file,
            "--set",
            "innovation.rate=0.02,0.03",
            "--baseline",
            "--precision",
            "t10_interp=0.25",
            "--threads",
            threads,
            "--out",
            &d,
            "--no-charts",
            "--quiet",
        ]));
        sweeps.push((
            json(&out.join("sweep.json"))["precision"].clone(),
            std::fs::read_to_string(out.join("sweep.csv")).unwrap(),
        ));
    }
    assert_eq!(runs[0], runs[1]);
    assert_eq!(sweeps[0], sweeps[1]);
    // the sweep's own paired interval of the point is the one the procedure stopped on
    let rows: Vec<&str> = sweeps[0].1.lines().collect();
    let header: Vec<&str> = rows[0].split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let last: Vec<&str> = rows[2].split(',').collect();
    let low: f64 = last[col("t10_interp_rmst_diff_ci_low")].parse().unwrap();
    let high: f64 = last[col("t10_interp_rmst_diff_ci_high")].parse().unwrap();
    assert!((high - low) / 2.0 <= 0.25, "{low} {high}");
    let runs_done = sweeps[0].0["runs"].as_u64().unwrap().to_string();
    assert_eq!(last[col("runs")], runs_done);
}

#[test]
fn a_sweep_precision_needs_a_baseline_and_a_known_metric() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let out = tmp.path().join("bad");
    let o = out.display().to_string();
    for (args, message) in [
        (
            vec!["--precision", "final_share=0.1"],
            "give --baseline too",
        ),
        (
            vec!["--baseline", "--precision", "t5=0.1"],
            "unknown metric `t5`",
        ),
        (
            vec!["--baseline", "--precision", "t50=-1"],
            "greater than 0",
        ),
        (
            vec!["--baseline", "--precision", "t50=1", "--max-runs", "2"],
            "--max-runs 2",
        ),
    ] {
        let mut all = vec![
            "sweep",
            &file,
            "--set",
            "innovation.rate=0.02,0.03",
            "--out",
            &o,
        ];
        all.extend(args);
        let output = policysim(&all);
        let err = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(!out.exists(), "nothing written");
    }
}

/// The interpolated times lie in (t - 1, t] of their whole-step times (0 at step 0), are
/// empty exactly where the whole-step time is, and are metrics of `compare`.
#[test]
fn interpolated_times_lie_within_their_step_and_are_compared() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_tiny(tmp.path());
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let (ad, bd) = (a.display().to_string(), b.display().to_string());
    ok(&policysim(&[
        "run",
        &file,
        "--runs",
        "40",
        "--out",
        &ad,
        "--no-charts",
        "--quiet",
    ]));
    ok(&policysim(&[
        "run",
        &file,
        "--runs",
        "40",
        "--set",
        "innovation.rate=0.04",
        "--out",
        &bd,
        "--no-charts",
        "--quiet",
    ]));
    let text = std::fs::read_to_string(a.join("runs.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let h = reader.headers().unwrap().clone();
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    let mut reached = 0;
    for r in reader.records() {
        let r = r.unwrap();
        for t in ["t10", "t50", "t90"] {
            let (whole, interp) = (&r[col(t)], &r[col(&format!("{t}_interp"))]);
            assert_eq!(whole.is_empty(), interp.is_empty(), "{t}: {whole} {interp}");
            if whole.is_empty() {
                continue;
            }
            reached += 1;
            let (w, x): (f64, f64) = (whole.parse().unwrap(), interp.parse().unwrap());
            assert!(
                x <= w && (x > w - 1.0 || (w == 0.0 && x == 0.0)),
                "{t}: {w} {x}"
            );
        }
    }
    assert!(reached > 20, "enough crossings to check: {reached}");
    let c = tmp.path().join("cmp");
    let cd = c.display().to_string();
    ok(&policysim(&["compare", &ad, &bd, "--out", &cd]));
    let csv_text = std::fs::read_to_string(c.join("compare.csv")).unwrap();
    assert!(csv_text
        .lines()
        .next()
        .unwrap()
        .contains("t10_interp_rmst_diff"));
}
