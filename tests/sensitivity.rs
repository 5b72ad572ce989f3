//! `policysim sensitivity` through the real binary: a key that provably has no effect gets
//! total index 0 (every point runs with the same master seed, so the points that differ
//! only in that key are identical), a key that drives the metric a large one, Morris ranks
//! them the same way; the tables do not depend on the thread count; shards + merge +
//! `--analyse` give the single machine's bytes; bad input is refused with exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `central.mode = "none"`: no pilot is ever designated, so `central.pilot.sites` cannot
/// change anything; `innovation.rate` over a wide range drives the final share.
const SCENARIO: &str = r#"
name = "tiny-sensitivity"
steps = 15
runs = 6
seed = 3

[network]
kind = "ring"
n = 60
k = 4

[central]
mode = "none"

[sensitivity]
samples = 16
trajectories = 8
"innovation.rate" = { low = 0.0, high = 0.1 }
"learning.rate" = { low = 0.2, high = 0.4 }
"central.pilot.sites" = { low = 2, high = 20 }
"#;

fn policysim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = policysim(args);
    assert!(
        out.status.success(),
        "policysim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The exit code 2 and the message of a refused command.
fn refused(args: &[&str]) -> String {
    let out = policysim(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "policysim {args:?}: {err}");
    assert!(err.lines().any(|l| l.starts_with("error: ")), "{err}");
    err
}

fn setup(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sens.toml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `sensitivity.csv` as (parameter, index) -> (estimate, ci_low, ci_high).
fn indices(dir: &Path) -> Vec<(String, String, [f64; 3])> {
    let text = std::fs::read_to_string(dir.join("sensitivity.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("parameter,index,estimate,ci_low,ci_high")
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let n = |i: usize| f[i].parse::<f64>().unwrap();
            (f[0].to_string(), f[1].to_string(), [n(2), n(3), n(4)])
        })
        .collect()
}

fn index(rows: &[(String, String, [f64; 3])], p: &str, i: &str) -> [f64; 3] {
    rows.iter()
        .find(|r| r.0 == p && r.1 == i)
        .unwrap_or_else(|| panic!("{p} {i} in sensitivity.csv"))
        .2
}

/// The parameters ranked by one index, largest first.
fn ranking(rows: &[(String, String, [f64; 3])], i: &str) -> Vec<String> {
    let mut r: Vec<(String, f64)> = rows
        .iter()
        .filter(|r| r.1 == i)
        .map(|r| (r.0.clone(), r.2[0]))
        .collect();
    r.sort_by(|a, b| b.1.total_cmp(&a.1));
    r.into_iter().map(|(p, _)| p).collect()
}

#[test]
fn sobol_finds_no_effect_where_there_is_none_and_morris_ranks_alike() {
    let (dir, file) = setup(SCENARIO);
    let sobol = dir.path().join("sobol");
    let err = ok(&[
        "sensitivity",
        s(&file),
        "--out",
        s(&sobol),
        "--format",
        "png",
    ]);
    assert!(err.contains("80 of 80 points computed"), "{err}");
    let rows = indices(&sobol);
    assert_eq!(rows.len(), 6);
    // the points that differ only in central.pilot.sites are identical: exactly zero
    assert_eq!(index(&rows, "central.pilot.sites", "ST"), [0.0; 3]);
    assert_eq!(index(&rows, "central.pilot.sites", "S1"), [0.0; 3]);
    let st = index(&rows, "innovation.rate", "ST");
    assert!(st[0] > 0.5 && st[1] > 0.2, "ST of innovation.rate: {st:?}");
    assert!(st[1] <= st[0] && st[0] <= st[2]);
    let design = std::fs::read_to_string(sobol.join("design.csv")).unwrap();
    assert_eq!(design.lines().count(), 81);
    assert!(design.lines().nth(2).unwrap().starts_with("1,0,AB_1,"));
    assert!(sobol.join("sensitivity.png").is_file());
    assert!(!sobol.join("sensitivity.svg").exists());

    let morris = dir.path().join("morris");
    ok(&[
        "sensitivity",
        s(&file),
        "--method",
        "morris",
        "--out",
        s(&morris),
        "--lang",
        "zh",
        "--no-charts",
    ]);
    let m = indices(&morris);
    assert_eq!(m.len(), 9);
    assert_eq!(index(&m, "central.pilot.sites", "mu_star"), [0.0; 3]);
    assert!(index(&m, "innovation.rate", "mu_star")[1] > 0.0);
    assert!(!morris.join("sensitivity.png").exists());
    let design = std::fs::read_to_string(morris.join("design.csv")).unwrap();
    assert_eq!(design.lines().count(), 1 + 8 * 4);
    assert_eq!(ranking(&rows, "ST"), ranking(&m, "mu_star"));
    assert_eq!(ranking(&m, "mu_star")[2], "central.pilot.sites");
}

#[test]
fn the_tables_do_not_depend_on_the_thread_count_and_a_rerun_resumes() {
    let (dir, file) = setup(SCENARIO);
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    let common = ["--method", "morris", "--no-charts"];
    ok(&[
        &["sensitivity", s(&file), "--threads", "1", "--out", s(&one)],
        &common[..],
    ]
    .concat());
    ok(&[
        &["sensitivity", s(&file), "--threads", "2", "--out", s(&two)],
        &common[..],
    ]
    .concat());
    for f in [
        "sensitivity.csv",
        "design.csv",
        "sweep.csv",
        "sensitivity.json",
    ] {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(two.join(f)).unwrap(),
            "{f}"
        );
    }
    let before = std::fs::read(one.join("sensitivity.csv")).unwrap();
    let err = ok(&[&["sensitivity", s(&file), "--out", s(&one)], &common[..]].concat());
    assert!(err.contains("0 of 32 points computed, 32 resumed"), "{err}");
    assert_eq!(std::fs::read(one.join("sensitivity.csv")).unwrap(), before);
}

#[test]
fn shards_merged_and_analysed_match_one_machine() {
    let (dir, file) = setup(SCENARIO);
    let whole = dir.path().join("whole");
    ok(&["sensitivity", s(&file), "--out", s(&whole), "--no-charts"]);
    let mut shards = Vec::new();
    for i in 1..=3 {
        let out = dir.path().join(format!("shard-{i}"));
        let err = ok(&[
            "sensitivity",
            s(&file),
            "--shard",
            &format!("{i}/3"),
            "--out",
            s(&out),
        ]);
        assert!(err.contains("--analyse"), "{err}");
        assert!(!out.join("sensitivity.csv").exists());
        shards.push(out);
    }
    let merged = dir.path().join("merged");
    // before the last shard is merged in, --analyse refuses: points are missing
    let partial = dir.path().join("partial");
    let mut args = vec!["merge"];
    args.extend(shards[..2].iter().map(|p| s(p)));
    args.extend(["--out", s(&partial), "--no-charts"]);
    let e = refused(&args);
    assert!(e.contains("missing point"), "{e}");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|p| s(p)));
    args.extend(["--out", s(&merged), "--no-charts"]);
    ok(&args);
    let err = ok(&[
        "sensitivity",
        s(&file),
        "--analyse",
        s(&merged),
        "--no-charts",
    ]);
    assert!(!err.contains("computed"), "{err}");
    for f in ["sensitivity.csv", "design.csv", "sweep.csv"] {
        assert_eq!(
            std::fs::read(whole.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
    // the analysis files are policysim's own: merging again finds the identical merge
    let err = ok(&args);
    assert!(err.contains("already holds this merge"), "{err}");
    // a shard folder alone is not a finished design
    let e = refused(&[
        "sensitivity",
        s(&file),
        "--analyse",
        s(&shards[0]),
        "--no-charts",
    ]);
    assert!(e.contains("are not there"), "{e}");
}

#[test]
fn bad_input_is_refused_before_any_work() {
    let (dir, file) = setup(SCENARIO);
    let out = dir.path().join("out");
    let run = |extra: &[&str]| {
        let mut args = vec!["sensitivity", s(&file), "--out", s(&out)];
        args.extend_from_slice(extra);
        refused(&args)
    };
    let e = run(&["--metric", "t55"]);
    assert!(
        e.contains("--metric `t55`") && e.contains("final_share"),
        "{e}"
    );
    let e = run(&["--set", "learning.rate=0.9:0.1"]);
    assert!(e.contains("--set") && e.contains("low < high"), "{e}");
    let e = run(&["--set", "abandon.rate=0.5:2"]);
    assert!(e.contains("abandon.rate") && e.contains("at 2"), "{e}");
    let e = run(&["--method", "morris", "--levels", "3"]);
    assert!(e.contains("--levels") && e.contains("even"), "{e}");
    let e = run(&["--method", "fast"]);
    assert!(e.contains("--method") && e.contains("morris"), "{e}");
    let e = run(&["--samples", "1"]);
    assert!(e.contains("--samples"), "{e}");
    assert!(!out.exists(), "nothing written for refused input");
    let e = refused(&["sensitivity", s(&file), "--analyse", s(&out)]);
    assert!(e.contains("--analyse") && e.contains("sweep.json"), "{e}");
    let (_d, empty) = setup("name = \"nothing\"\n");
    let e = refused(&["sensitivity", s(&empty), "--out", s(&out)]);
    assert!(e.contains("[sensitivity]") && e.contains("--set"), "{e}");
}

#[test]
fn an_undefined_metric_names_its_points_and_keeps_them() {
    // with innovation.rate near 0 and few steps, 90% is not reached at most points
    let (dir, file) = setup(SCENARIO);
    let out = dir.path().join("out");
    ok(&["sensitivity", s(&file), "--out", s(&out), "--format", "png"]);
    assert!(out.join("sensitivity.png").is_file());
    std::fs::remove_file(out.join("sensitivity.csv")).unwrap();
    let e = refused(&[
        "sensitivity",
        s(&file),
        "--out",
        s(&out),
        "--metric",
        "t90",
        "--no-charts",
    ]);
    assert!(
        e.contains("t90_km_median") && e.contains("is undefined at"),
        "{e}"
    );
    assert!(e.contains("t90_reached"), "{e}");
    assert!(!out.join("sensitivity.csv").exists());
    // the points are kept: another metric is analysed without running anything again
    let err = ok(&[
        "sensitivity",
        s(&file),
        "--analyse",
        s(&out),
        "--metric",
        "t90_reached",
        "--no-charts",
    ]);
    assert!(err.contains("t90_reached"), "{err}");
    assert!(!out.join("sensitivity.png").exists());
    let rows = indices(&out);
    assert_eq!(index(&rows, "central.pilot.sites", "ST"), [0.0; 3]);
}
