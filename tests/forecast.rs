//! `policysim forecast` and `policysim innovativeness` through the binary: no look-ahead,
//! scores that match their definitions on the written probabilities, determinism across
//! thread counts, and innovativeness on a constructed file.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The rows of one policy of the shipped SPID sample, as `unit,adopt_year` text.
fn policy_rows(policy: &str) -> Vec<(String, i32)> {
    let text = std::fs::read_to_string(root().join("scenarios/data/spid_sample.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1] == policy).then(|| (f[0].to_string(), f[2].parse().unwrap()))
        })
        .collect()
}

fn write_rows(path: &Path, rows: &[(String, i32)]) {
    let mut s = String::from("unit,adopt_year\n");
    for (u, y) in rows {
        s.push_str(&format!("{u},{y}\n"));
    }
    std::fs::write(path, s).unwrap();
}

/// Runs a forecast of `observed` (mothersaid-like rows) on the US states scenario.
fn forecast(observed: &Path, out: &Path, extra: &[&str], threads_env: Option<&str>) -> String {
    let mut cmd = Command::new(crate::common::binary());
    cmd.arg("forecast")
        .arg(root().join("scenarios/us_states.toml"))
        .arg("--observed")
        .arg(observed)
        .args([
            "--train-until",
            "1915",
            "--horizon",
            "4",
            "--runs",
            "40",
            "--quiet",
        ])
        .arg("--out")
        .arg(out)
        .args(extra);
    if let Some(t) = threads_env {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    let o = cmd.output().unwrap();
    assert!(
        o.status.success(),
        "forecast failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::read_to_string(out.join("forecast.csv")).unwrap()
}

fn table(csv: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut lines = csv.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    let rows = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    (header, rows)
}

const FIT: [&str; 6] = [
    "--free",
    "innovation.rate=0:0.5",
    "--free",
    "learning.rate=0:3",
    "--budget",
    "24",
];

#[test]
fn changing_rows_after_the_training_year_changes_only_the_outcome_columns() {
    let dir = tempfile::tempdir().unwrap();
    let rows = policy_rows("mothersaid");
    let a = dir.path().join("a.csv");
    write_rows(&a, &rows);
    // b: every later adoption moved (some out of the horizon), one dropped, none before 1915 touched
    let b = dir.path().join("b.csv");
    let moved: Vec<(String, i32)> = rows
        .iter()
        .filter(|(u, _)| u != "Arizona")
        .map(|(u, y)| (u.clone(), if *y > 1915 { 1916 + (1931 - y) } else { *y }))
        .collect();
    write_rows(&b, &moved);
    let csv_a = forecast(&a, &dir.path().join("out-a"), &FIT, None);
    let csv_b = forecast(&b, &dir.path().join("out-b"), &FIT, None);
    let (header, ra) = table(&csv_a);
    let (header_b, rb) = table(&csv_b);
    assert_eq!(header, header_b);
    assert_eq!(ra.len(), rb.len());
    let outcome: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.starts_with("adopted_"))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(outcome.len(), 2);
    let mut outcome_changed = false;
    for (x, y) in ra.iter().zip(&rb) {
        for k in 0..header.len() {
            if outcome.contains(&k) {
                outcome_changed |= x[k] != y[k];
            } else {
                assert_eq!(x[k], y[k], "{} of {} changed", header[k], x[0]);
            }
        }
    }
    assert!(
        outcome_changed,
        "the later rows were changed, so must the outcomes be"
    );
    // the fitted values in forecast.json do not move either
    let fitted = |d: &str| {
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(d).join("forecast.json")).unwrap(),
        )
        .unwrap();
        (v["fitted"].clone(), v["eha"].clone(), v["bass"].clone())
    };
    assert_eq!(fitted("out-a"), fitted("out-b"));
}

#[test]
fn scores_in_forecast_json_are_those_of_the_written_probabilities() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("o.csv");
    write_rows(&obs, &policy_rows("mothersaid"));
    let out = dir.path().join("out");
    let csv = forecast(&obs, &out, &[], None);
    let (header, rows) = table(&csv);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let y: Vec<bool> = rows
        .iter()
        .map(|r| r[col("adopted_within_horizon")] == "1")
        .collect();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("forecast.json")).unwrap()).unwrap();
    for (model, column) in [("policysim", "p4"), ("eha", "eha_p4"), ("bass", "bass_p4")] {
        let p: Vec<f64> = rows
            .iter()
            .map(|r| r[col(column)].parse().unwrap())
            .collect();
        // AUC by counting every (adopter, non-adopter) pair, ties one half
        let mut wins = 0.0;
        let mut pairs = 0.0;
        for i in 0..p.len() {
            for j in 0..p.len() {
                if y[i] && !y[j] {
                    pairs += 1.0;
                    wins += if p[i] > p[j] {
                        1.0
                    } else if p[i] == p[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        let n = p.len() as f64;
        let brier: f64 = p
            .iter()
            .zip(&y)
            .map(|(p, &y)| (p - if y { 1.0 } else { 0.0 }).powi(2))
            .sum::<f64>()
            / n;
        let log_loss: f64 = p
            .iter()
            .zip(&y)
            .map(|(p, &y)| {
                let p = p.clamp(0.001, 0.999);
                -(if y { p.ln() } else { (1.0 - p).ln() })
            })
            .sum::<f64>()
            / n;
        let s = &json["scores"][model];
        // the CSV holds 12 significant digits
        assert!(
            (s["auc"].as_f64().unwrap() - wins / pairs).abs() < 1e-9,
            "{model} auc"
        );
        assert!(
            (s["brier"].as_f64().unwrap() - brier).abs() < 1e-9,
            "{model} brier"
        );
        assert!(
            (s["log_loss"].as_f64().unwrap() - log_loss).abs() < 1e-9,
            "{model} log loss"
        );
    }
    // Bass gives every unit the same probability, so it cannot rank: AUC one half
    assert_eq!(json["scores"]["bass"]["auc"].as_f64(), Some(0.5));
    // mothersaid has adopters and non-adopters in 1916-1919
    assert!(y.iter().any(|&v| v) && y.iter().any(|&v| !v));
    for chart in ["roc", "calibration", "map"] {
        for ext in ["png", "svg"] {
            assert!(
                out.join(format!("{chart}.{ext}")).is_file(),
                "{chart}.{ext}"
            );
        }
    }
}

#[test]
fn forecast_csv_is_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("o.csv");
    write_rows(&obs, &policy_rows("mothersaid"));
    let extra = [&FIT[..], &["--no-charts"]].concat();
    let one = forecast(&obs, &dir.path().join("one"), &extra, Some("1"));
    let two = forecast(&obs, &dir.path().join("two"), &extra, Some("2"));
    assert_eq!(one, two);
    // and the probabilities are not all alike (the runs did something)
    let (_, rows) = table(&one);
    let p1: std::collections::BTreeSet<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert!(p1.len() > 1, "{p1:?}");
}

#[test]
fn innovativeness_ranks_a_constructed_file() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("o.csv");
    // policy a: w 1990, x and y 1991, z never; policy b: z 2000, w 2001; policy c: z 1950
    std::fs::write(
        &obs,
        "unit,policy,adopt_year\nw,a,1990\nx,a,1991\ny,a,1991\nz,a,\nz,b,2000\nw,b,2001\nz,c,1950\n",
    )
    .unwrap();
    let run = |extra: &[&str], out: &Path| {
        let o = Command::new(crate::common::binary())
            .arg("innovativeness")
            .arg("--observed")
            .arg(&obs)
            .arg("--out")
            .arg(out)
            .arg("--quiet")
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read_to_string(out).unwrap()
    };
    let out = dir.path().join("i.csv");
    // without c: a gives ranks 1, 2.5, 2.5, 4 -> 1, .5, .5, 0; b gives w 2, z 1, x y 3.5
    // -> 2/3, 1, 1/6, 1/6; means w 0.8333, x 0.3333, y 0.3333, z 0.5
    assert_eq!(
        run(&["--exclude-policy", "c"], &out),
        "unit,innovativeness,policies,adopted\nw,0.8333,2,2\nx,0.3333,2,1\ny,0.3333,2,1\nz,0.5000,2,1\n"
    );
    // with c, z is the only adopter: z 1, the others (4 - 3) / 3 = 1/3 each
    let all = run(&[], &out);
    assert!(all.contains("z,0.6667,3,2\n"), "{all}");
    assert!(all.contains("w,0.6667,3,2\n"), "{all}");
    // as a node-file column: the node file's other columns kept, a node without rows last everywhere
    let nodes = dir.path().join("nodes.csv");
    std::fs::write(&nodes, "id,x\nw,1\nx,2\ny,3\nz,4\nv,5\n").unwrap();
    let with = run(
        &["--exclude-policy", "c", "--nodes", nodes.to_str().unwrap()],
        &out,
    );
    let lines: Vec<&str> = with.lines().collect();
    assert_eq!(lines[0], "id,x,innovativeness");
    // five units now: a ranks w 1, x y 2.5, z v 4.5 -> (5 - r) / 4 = 1, .625, .625, .125, .125;
    // b ranks z 1, w 2, x y v 4 -> 1, .75, .25: w 0.875, v 0.1875
    assert_eq!(lines[1], "w,1,0.8750");
    assert_eq!(lines[5], "v,5,0.1875");
}
