//! `policysim compare-mechanisms`: the ranking on synthetic data whose mechanism is
//! known, the whole-number scan recovering a mandate's start in a wide box, determinism
//! across thread counts, and bad hypotheses files.

use policysim::ensemble::{prepare, run_indexed};
use policysim::scenario::parse_scenario;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
}

/// A small-world network of 120 governments with innovation and learning; MODE and the
/// mandate's keys are filled in per hypothesis.
const SCENARIO: &str = r#"
name = "NAME"
steps = 24
runs = 20
seed = 5
[network]
kind = "watts_strogatz"
n = 120
k = 4
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
[central]
mode = "MODE"
[central.mandate]
start = START
rate = 0.45
resistance = 0.0
deadline = 0
"#;

fn scenario_text(name: &str, mode: &str, innovation: f64, learning: f64, start: u32) -> String {
    SCENARIO
        .replace("NAME", name)
        .replace("MODE", mode)
        .replace("INNOVATION", &innovation.to_string())
        .replace("LEARNING", &learning.to_string())
        .replace("START", &start.to_string())
}

/// Writes the rival scenarios (neighbours only; neighbours plus a mandate), the
/// hypotheses file, and "observed" adoptions: one run of `truth` with another seed than
/// the comparison's. Returns (hypotheses file, observed file).
fn setup(dir: &Path, truth: &str) -> (PathBuf, PathBuf) {
    setup_seeded(dir, truth, 12345)
}

/// [`setup`] with the observed run drawn with seed `seed`.
fn setup_seeded(dir: &Path, truth: &str, seed: u64) -> (PathBuf, PathBuf) {
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    write(
        "neighbours.toml",
        &scenario_text("neighbours", "none", 0.02, 0.5, 10),
    );
    write(
        "mandate.toml",
        &scenario_text("mandate", "mandate", 0.02, 0.5, 10),
    );
    let hypotheses = write(
        "hypotheses.toml",
        r#"
[[hypothesis]]
name = "neighbours"
scenario = "neighbours.toml"
free = ["innovation.rate=0:0.1", "learning.rate=0:2"]

[[hypothesis]]
name = "mandate"
description = "neighbours plus a central mandate"
scenario = "mandate.toml"
free = ["innovation.rate=0:0.1", "learning.rate=0:2", "central.mandate.start=1:40", "central.mandate.rate=0:1"]
"#,
    );
    let truth_path = dir.join("truth.toml");
    std::fs::write(&truth_path, truth).unwrap();
    let s = parse_scenario(truth, &truth_path).unwrap();
    let prepared = prepare(&s).unwrap();
    let run = run_indexed(&s, seed, &prepared, 0, true).unwrap();
    let mut csv = String::from("unit,adopt_year\n");
    for (i, &step) in run.adopted_step.unwrap().iter().enumerate() {
        if step != u32::MAX {
            csv.push_str(&format!(
                "{},{}\n",
                prepared.network.names.name(i),
                2000 + step
            ));
        }
    }
    (hypotheses, write("observed.csv", &csv))
}

fn compare(hypotheses: &Path, observed: &Path, out: &Path, extra: &[&str]) -> (i32, String) {
    let o = bin()
        .arg("compare-mechanisms")
        .arg(hypotheses)
        .arg("--observed")
        .arg(observed)
        .args(["--start-year", "2000", "--runs", "20"])
        .args(if extra.contains(&"--budget") {
            &[][..]
        } else {
            &["--budget", "600"][..]
        })
        .args(["--quiet", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The hypothesis called `name` in mechanisms.json.
fn hypothesis<'a>(v: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    v["hypotheses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == name)
        .unwrap()
}

#[test]
fn data_from_a_mandate_rank_the_mandate_first_and_locate_its_start() {
    let dir = tempfile::tempdir().unwrap();
    let start = 12;
    let (hyp, obs) = setup(
        dir.path(),
        &scenario_text("truth", "mandate", 0.01, 0.3, start),
    );
    let out = dir.path().join("out");
    let (code, err) = compare(&hyp, &obs, &out, &["--train-until", "2014"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out.join("mechanisms.json"));
    let m = hypothesis(&v, "mandate");
    let n = hypothesis(&v, "neighbours");
    // the wide box 1:40 is scanned: the start is found within one step, in sample and on
    // the training years alone
    let fitted = m["in_sample"]["fitted"]["central.mandate.start"]
        .as_i64()
        .unwrap();
    assert!((fitted - start as i64).abs() <= 1, "start {fitted}: {m}");
    let trained = m["held_out"]["fitted_on_training_years"]["central.mandate.start"]
        .as_i64()
        .unwrap();
    assert!((trained - start as i64).abs() <= 1, "start {trained}: {m}");
    assert_eq!(m["whole_numbers_scanned"], 40);
    // first by both measures
    assert_eq!(m["in_sample"]["rank"], 1, "{v}");
    assert_eq!(m["held_out"]["rank"], 1, "{v}");
    assert_eq!(n["held_out"]["rank"], 2);
    // the penalty is 2 per key: 4 keys against 2
    let score = |h: &serde_json::Value| h["in_sample"]["penalised_score"].as_f64().unwrap();
    assert!(score(m) < score(n));
    // the neighbours' held-out loss is worse (its significance is measured over several
    // observed datasets in `the_mandate_wins_held_out_over_datasets`)
    let d = &n["held_out"]["log_loss_diff_vs_best"];
    assert!(d["mean"].as_f64().unwrap() > 0.0, "{d}");
    // the table has one row per hypothesis with these columns and the chart exists
    let csv = std::fs::read_to_string(out.join("mechanisms.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("hypothesis,scenario,free_keys,free_count,fitted,"));
    assert!(lines[2].starts_with("mandate,"), "{csv}");
    for f in ["mechanisms.md", "mechanisms.png", "mechanisms.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
}

/// One observed dataset is one draw. Over 5 datasets drawn from neighbours only, the
/// held-out comparison (the measure docs/forecast.md recommends) does not find the
/// mandate better by more than two standard errors in more than one of them. The
/// in-sample penalised score is printed: with these 24 years it prefers the mandate's
/// extra keys in about half of such datasets (a finding documented in docs/forecast.md).
#[test]
fn data_from_neighbours_only_do_not_make_the_mandate_win_held_out() {
    let dir = tempfile::tempdir().unwrap();
    let (mut false_wins, mut penalised_right) = (0, 0);
    for seed in 12345..12350u64 {
        let (hyp, obs) = setup_seeded(
            dir.path(),
            &scenario_text("truth", "none", 0.01, 0.6, 10),
            seed,
        );
        let out = dir.path().join(format!("out-{seed}"));
        let (code, err) = compare(&hyp, &obs, &out, &["--train-share", "1/3", "--no-charts"]);
        assert_eq!(code, 0, "{err}");
        let v = json(&out.join("mechanisms.json"));
        assert_eq!(v["train_rule"], "--train-share 1/3");
        let m = hypothesis(&v, "mandate");
        let n = hypothesis(&v, "neighbours");
        penalised_right += u32::from(
            n["in_sample"]["rank"] == 1
                && m["in_sample"]["penalised_delta"].as_f64().unwrap() > 0.0,
        );
        let d = &n["held_out"]["log_loss_diff_vs_best"];
        let (mean, se) = (
            d["mean"].as_f64().unwrap_or(0.0),
            d["se"].as_f64().unwrap_or(f64::INFINITY),
        );
        false_wins += u32::from(m["held_out"]["rank"] == 1 && mean > 2.0 * se);
    }
    eprintln!(
        "neighbours-only data: the mandate better held-out by > 2 SE in {false_wins} of 5 datasets; the neighbours first by the penalised score in {penalised_right} of 5"
    );
    assert!(
        false_wins <= 1,
        "the mandate won held-out by > 2 SE in {false_wins} of 5 datasets"
    );
}

/// Over 5 datasets drawn with a mandate, the neighbours' held-out log loss is worse than
/// the mandate's by more than two standard errors in a majority.
#[test]
fn the_mandate_wins_held_out_over_datasets() {
    let dir = tempfile::tempdir().unwrap();
    let mut clear = 0;
    for seed in 12345..12350u64 {
        let (hyp, obs) = setup_seeded(
            dir.path(),
            &scenario_text("truth", "mandate", 0.01, 0.3, 12),
            seed,
        );
        let out = dir.path().join(format!("out-{seed}"));
        let (code, err) = compare(&hyp, &obs, &out, &["--train-until", "2014", "--no-charts"]);
        assert_eq!(code, 0, "{err}");
        let v = json(&out.join("mechanisms.json"));
        let d = &hypothesis(&v, "neighbours")["held_out"]["log_loss_diff_vs_best"];
        let (mean, se) = (
            d["mean"].as_f64().unwrap_or(0.0),
            d["se"].as_f64().unwrap_or(f64::INFINITY),
        );
        clear += u32::from(mean > 2.0 * se);
    }
    eprintln!(
        "mandate data: the neighbours' held-out loss worse by > 2 SE in {clear} of 5 datasets"
    );
    assert!(clear >= 3, "worse by > 2 SE in only {clear} of 5 datasets");
}

#[test]
fn outputs_are_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let (hyp, obs) = setup(
        dir.path(),
        &scenario_text("truth", "mandate", 0.01, 0.3, 12),
    );
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out{threads}"));
        let (code, err) = compare(
            &hyp,
            &obs,
            &out,
            &[
                "--train-until",
                "2014",
                "--threads",
                threads,
                "--format",
                "svg",
            ],
        );
        assert_eq!(code, 0, "{err}");
        outs.push(out);
    }
    for f in [
        "mechanisms.csv",
        "mechanisms.json",
        "mechanisms.md",
        "mechanisms.svg",
    ] {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between --threads 1 and 2");
    }
}

#[test]
fn bad_hypotheses_files_exit_2_naming_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let (hyp, obs) = setup(dir.path(), &scenario_text("truth", "none", 0.01, 0.6, 10));
    let good = std::fs::read_to_string(&hyp).unwrap();
    let cases: Vec<(String, Vec<&str>, &[&str])> = vec![
        (
            good.replace(
                "[[hypothesis]]\nname = \"neighbours\"",
                "colour = 1\n[[hypothesis]]\nname = \"neighbours\"",
            ),
            vec![],
            &["unknown key `colour`"],
        ),
        (
            good.replace("description =", "descripton ="),
            vec![],
            &["hypothesis 2 (\"mandate\")", "unknown key `descripton`"],
        ),
        (
            good.replace("\"neighbours.toml\"", "\"missing.toml\""),
            vec![],
            &[
                "hypothesis 1 (\"neighbours\")",
                "missing.toml",
                "no such file",
            ],
        ),
        (
            good.replace(
                "\"learning.rate=0:2\", \"central",
                "\"learning.rate=2:0\", \"central",
            ),
            vec![],
            &[
                "hypothesis 2 (\"mandate\")",
                "free[2]",
                "LOW must be below HIGH",
            ],
        ),
        (
            good.replace("\"innovation.rate=0:0.1\"]", "\"innovation.rate\"]")
                .replace("\"learning.rate=0:2\"]", "\"learning.rate\"]"),
            vec![],
            &["hypothesis 1 (\"neighbours\")", "free[2]", "KEY=LOW:HIGH"],
        ),
        (
            good.replace("central.mandate.rate=0:1", "central.mandate.speed=0:1"),
            vec![],
            &[
                "\"mandate\"",
                "central.mandate.speed",
                "unknown scenario key",
            ],
        ),
        (
            good.replace("central.mandate.start=1:40", "central.mandate.start=1.5:40"),
            vec![],
            &["\"mandate\"", "central.mandate.start", "whole number"],
        ),
        (
            good.replace("name = \"mandate\"", "name = \"neighbours\""),
            vec![],
            &["hypothesis 2 (\"neighbours\")", "given twice"],
        ),
        (
            good.split("[[hypothesis]]")
                .take(2)
                .collect::<Vec<_>>()
                .join("[[hypothesis]]"),
            vec![],
            &["1 hypothesis table(s)", "between 2 and"],
        ),
        (
            good.replace(
                "free = [\"innovation.rate=0:0.1\", \"learning.rate=0:2\"]\n",
                "free = []\n",
            ),
            vec![],
            &["hypothesis 1 (\"neighbours\")", "`free` is empty"],
        ),
        (
            good.clone(),
            vec!["--budget", "200"],
            &[
                "\"mandate\"",
                "central.mandate.start=1:40",
                "40 combinations",
                "at least --budget",
            ],
        ),
        (
            good.clone(),
            vec!["--train-until", "1990"],
            &["--train-until 1990", "before the first adoption"],
        ),
        (
            good.replace("[[hypothesis]]", "[[hypothesis]"),
            vec![],
            &["not valid TOML"],
        ),
    ];
    for (k, (text, extra, words)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("bad{k}.toml"));
        std::fs::write(&file, text).unwrap();
        let out = dir.path().join(format!("out{k}"));
        let (code, err) = compare(&file, &obs, &out, extra);
        assert_eq!(code, 2, "case {k}: {err}");
        assert!(
            err.contains(file.to_str().unwrap()) || words[0].starts_with("--train"),
            "case {k} does not name the file: {err}"
        );
        for w in *words {
            assert!(err.contains(w), "case {k}: `{w}` not in: {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "case {k}: {} was written", out.display());
    }
}
