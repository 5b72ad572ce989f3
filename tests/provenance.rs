//! `provenance.json` through the binary: present and complete in the folder of every
//! command that writes one (and beside the file of `panel` and `innovativeness`), its
//! hashes those of the files (computed here with the sha2 crate); `verify` reports a
//! changed output, a changed and a missing input; every other file is byte-identical
//! across two runs made at different (faked) times with different thread counts.

use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TINY: &str = r#"
name = "tiny-provenance"
steps = 12
runs = 6
seed = 3

[network]
kind = "ring"
n = 60
k = 4
"#;

const SWEEP: &str = r#"
[sweep]
mode = "grid"
"learning.rate" = [0.2, 0.4]
"#;

const SENSITIVITY: &str = r#"
[sensitivity]
trajectories = 2
"innovation.rate" = { low = 0.0, high = 0.1 }
"learning.rate" = { low = 0.2, high = 0.4 }
"#;

const DAY_ONE: &str = "2031-03-04T05:06:07Z";
const DAY_TWO: &str = "2032-11-12T13:14:15Z";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs policysim in `dir` with the clock faked to `now`.
fn policysim_at(dir: &Path, now: &str, args: &[&str]) -> Output {
    Command::new(crate::common::binary())
        .current_dir(dir)
        .env("POLICYSIM_FAKE_NOW", now)
        .args(args)
        .output()
        .expect("the binary runs")
}

/// Runs policysim in `dir` (at [`DAY_ONE`]) and insists it succeeds.
fn ok(dir: &Path, args: &[&str]) -> Output {
    let out = policysim_at(dir, DAY_ONE, args);
    assert!(
        out.status.success(),
        "policysim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn sha256(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file below `dir` (relative, `/`-separated), except provenance.json and folders
/// holding their own.
fn files(dir: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let rel = format!("{prefix}{}", e.file_name().to_string_lossy());
            if e.path().is_dir() {
                if !e.path().join("provenance.json").exists() {
                    walk(&e.path(), &format!("{rel}/"), out);
                }
            } else if rel != "provenance.json" {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, "", &mut out);
    out.sort();
    out
}

/// Checks a record: every field there, the times the faked one, the outputs exactly
/// `outputs` with their SHA-256, the inputs include files named `inputs` (by their
/// ending) with their SHA-256, the seed `seed`.
fn check_record(
    record: &Path,
    base: &Path,
    outputs: &[String],
    inputs: &[&str],
    seed: Option<u64>,
) {
    let p = json(record);
    let what = record.display();
    assert_eq!(p["tool"], "policysim", "{what}");
    assert_eq!(p["version"], env!("CARGO_PKG_VERSION"), "{what}");
    assert!(p["command"].as_array().unwrap().len() >= 2, "{what}");
    let commit = p["git_commit"].as_str().unwrap();
    assert!(
        commit == "unknown"
            || (commit.len() == 40 && commit.bytes().all(|b| b.is_ascii_hexdigit())),
        "{what}: {commit}"
    );
    assert!(
        p["git_modified"].is_boolean() || p["git_modified"] == "unknown",
        "{what}"
    );
    assert!(p["rustc"].as_str().unwrap().starts_with("rustc "), "{what}");
    assert!(!p["target"].as_str().unwrap().is_empty(), "{what}");
    assert!(
        ["release", "debug"].contains(&p["profile"].as_str().unwrap()),
        "{what}"
    );
    assert!(p["threads"].as_u64().unwrap() >= 1, "{what}");
    assert_eq!(p["seed"].as_u64(), seed, "{what}");
    assert_eq!(p["started"], DAY_ONE, "{what}");
    assert_eq!(p["finished"], DAY_ONE, "{what}");
    assert!(!p["host"].as_str().unwrap().is_empty(), "{what}");
    assert!(
        !p["working_directory"].as_str().unwrap().is_empty(),
        "{what}"
    );
    let listed: Vec<(String, String)> = p["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["path"].as_str().unwrap().into(),
                o["sha256"].as_str().unwrap().into(),
            )
        })
        .collect();
    let names: Vec<String> = listed.iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(names, outputs, "{what}");
    for (name, hash) in &listed {
        assert_eq!(*hash, sha256(&base.join(name)), "{what}: {name}");
    }
    let recorded = p["inputs"].as_array().unwrap();
    for (path, hash) in recorded
        .iter()
        .map(|i| (i["path"].as_str().unwrap(), i["sha256"].as_str().unwrap()))
    {
        assert!(Path::new(path).is_absolute(), "{what}: {path}");
        assert_eq!(hash, sha256(Path::new(path)), "{what}: {path}");
    }
    for wanted in inputs {
        assert!(
            recorded
                .iter()
                .any(|i| i["path"].as_str().unwrap().ends_with(wanted)),
            "{what}: no input {wanted} in {recorded:?}"
        );
    }
}

/// A folder's record (see [`check_record`]), its outputs every file of the folder.
fn check_folder(dir: &Path, inputs: &[&str], seed: Option<u64>) {
    let record = dir.join("provenance.json");
    assert!(record.is_file(), "{}: no provenance.json", dir.display());
    check_record(&record, dir, &files(dir), inputs, seed);
    // and verify agrees
    let out = policysim_at(dir, DAY_ONE, &["verify", "."]);
    assert!(
        out.status.success(),
        "{}: {}{}",
        dir.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

/// The commands of `policysim --help`, each classified here: a new command must say
/// whether it writes a folder (and then be checked below) or not.
#[test]
fn every_command_is_classified() {
    const WRITES: [&str; 12] = [
        "run",
        "sweep",
        "merge",
        "sensitivity",
        "fit",
        "forecast",
        "compare-mechanisms",
        "panel",
        "eha",
        "compare",
        "plot",
        "innovativeness",
    ];
    // these print on stdout (or serve a page) and write no results
    // (`schema --out FILE` writes the schema, not results)
    const WRITES_NOTHING: [&str; 8] = [
        "check",
        "schema",
        "verify",
        "odd",
        "explore",
        "completions",
        "scenarios",
        "help",
    ];
    let out = Command::new(crate::common::binary())
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(commands.len() > 10, "{help}");
    for c in commands {
        assert!(
            WRITES.contains(&c) || WRITES_NOTHING.contains(&c),
            "`policysim {c}` is new: say in tests/provenance.rs whether it writes a folder, and check its provenance.json"
        );
    }
}

/// Every command that writes a folder leaves a complete provenance.json in it.
#[test]
fn every_folder_a_command_writes_has_a_complete_record() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "tiny.toml", TINY);
    write(d, "sweep.toml", &format!("{TINY}{SWEEP}"));
    write(d, "sens.toml", &format!("{TINY}{SENSITIVITY}"));
    let us = root().join("scenarios/us_states.toml");
    let us = us.to_str().unwrap();
    let spid = root().join("scenarios/data/spid_sample.csv");
    let spid = spid.to_str().unwrap();
    write(
        d,
        "hypotheses.toml",
        &format!(
            "[[hypothesis]]\nname = \"alone\"\nscenario = {us:?}\nfree = [\"innovation.rate=0:1\"]\n\n[[hypothesis]]\nname = \"neighbours\"\nscenario = {us:?}\nfree = [\"innovation.rate=0:1\", \"learning.rate=0:4\"]\n"
        ),
    );

    ok(
        d,
        &[
            "run",
            "tiny.toml",
            "--seed",
            "11",
            "--record",
            "events",
            "--out",
            "run",
            "--quiet",
            "--format",
            "svg",
        ],
    );
    check_folder(&d.join("run"), &["tiny.toml"], Some(11));
    ok(
        d,
        &[
            "run",
            "tiny.toml",
            "--out",
            "run2",
            "--quiet",
            "--no-charts",
        ],
    );
    check_folder(&d.join("run2"), &["tiny.toml"], Some(3));

    ok(
        d,
        &["compare", "run", "run2", "--out", "cmp", "--format", "svg"],
    );
    check_folder(&d.join("cmp"), &["run/runs.csv", "run2/runs.csv"], None);

    ok(
        d,
        &[
            "plot", "run", "--out", "plotted", "--format", "svg", "--quiet",
        ],
    );
    check_folder(
        &d.join("plotted"),
        &["run/summary.json", "run/curves.csv"],
        None,
    );

    ok(
        d,
        &[
            "sweep",
            "sweep.toml",
            "--out",
            "sw",
            "--quiet",
            "--no-charts",
        ],
    );
    check_folder(&d.join("sw"), &["sweep.toml"], Some(3));
    ok(
        d,
        &[
            "sweep",
            "sweep.toml",
            "--shard",
            "1/2",
            "--out",
            "s1",
            "--quiet",
            "--no-charts",
        ],
    );
    ok(
        d,
        &[
            "sweep",
            "sweep.toml",
            "--shard",
            "2/2",
            "--out",
            "s2",
            "--quiet",
            "--no-charts",
        ],
    );
    check_folder(&d.join("s1"), &["sweep.toml"], Some(3));
    ok(
        d,
        &[
            "merge",
            "s1",
            "s2",
            "--out",
            "merged",
            "--quiet",
            "--no-charts",
        ],
    );
    check_folder(
        &d.join("merged"),
        &["s1/sweep.json", "s2/sweep.json"],
        Some(3),
    );

    ok(
        d,
        &[
            "sensitivity",
            "sens.toml",
            "--method",
            "morris",
            "--out",
            "sens",
            "--quiet",
            "--no-charts",
        ],
    );
    check_folder(&d.join("sens"), &["sens.toml"], Some(3));

    let observed = ["--observed", spid, "--policy", "mothersaid"];
    let mut fit = vec![
        "fit",
        us,
        "--free",
        "innovation.rate=0:1",
        "--runs",
        "4",
        "--budget",
        "12",
    ];
    fit.extend(observed);
    fit.extend(["--out", "fit", "--quiet", "--no-charts"]);
    ok(d, &fit);
    check_folder(
        &d.join("fit"),
        &["us_states.toml", "spid_sample.csv", "us_states_edges.csv"],
        Some(1),
    );

    let mut forecast = vec![
        "forecast",
        us,
        "--train-until",
        "1915",
        "--horizon",
        "3",
        "--runs",
        "4",
        "--budget",
        "12",
    ];
    forecast.extend(observed);
    forecast.extend([
        "--free",
        "innovation.rate=0:1",
        "--out",
        "fc",
        "--quiet",
        "--no-charts",
    ]);
    ok(d, &forecast);
    check_folder(
        &d.join("fc"),
        &["us_states.toml", "spid_sample.csv"],
        Some(1),
    );

    ok(
        d,
        &[
            "compare-mechanisms",
            "hypotheses.toml",
            "--observed",
            spid,
            "--policy",
            "mothersaid",
            "--train-until",
            "1915",
            "--runs",
            "4",
            "--budget",
            "24",
            "--seed",
            "5",
            "--out",
            "mech",
            "--quiet",
            "--no-charts",
        ],
    );
    check_folder(
        &d.join("mech"),
        &["hypotheses.toml", "us_states.toml", "spid_sample.csv"],
        Some(5),
    );

    std::fs::create_dir(d.join("panel")).unwrap();
    ok(
        d,
        &[
            "panel",
            "run",
            "--design",
            "unit-year",
            "--out",
            "panel/unit-year.csv",
        ],
    );
    let panel = d.join("panel/unit-year.csv");
    let record = d.join("panel/unit-year.csv.provenance.json");
    check_record(
        &record,
        &d.join("panel"),
        &["unit-year.csv".to_string()],
        &["run/events.csv"],
        None,
    );
    ok(d, &["verify", "panel/unit-year.csv"]);

    ok(d, &["eha", panel.to_str().unwrap(), "--out", "run/eha"]);
    check_folder(&d.join("run/eha"), &["panel/unit-year.csv"], None);
    // the run folder's record still holds: eha's folder is a results folder of its own
    let out = ok(d, &["verify", "run"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("eha"));

    ok(
        d,
        &[
            "innovativeness",
            "--observed",
            spid,
            "--out",
            "inno.csv",
            "--quiet",
        ],
    );
    check_record(
        &d.join("inno.csv.provenance.json"),
        d,
        &["inno.csv".to_string()],
        &["spid_sample.csv"],
        None,
    );
}

/// `verify` says which output and which input changed, and which input is gone; exit 1.
#[test]
fn verify_reports_changed_outputs_and_inputs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "tiny.toml", TINY);
    ok(
        d,
        &["run", "tiny.toml", "--out", "r", "--quiet", "--no-charts"],
    );
    let out = ok(d, &["verify", "r"]);
    let report = String::from_utf8_lossy(&out.stdout);
    // 5 outputs and the scenario file
    assert!(report.contains("all 6 recorded files match"), "{report}");

    let verify = |what: &str| {
        let out = policysim_at(d, DAY_TWO, &["verify", "r"]);
        let report = String::from_utf8_lossy(&out.stdout).into_owned();
        assert_eq!(out.status.code(), Some(1), "{what}: {report}");
        report
    };
    let curves = d.join("r/curves.csv");
    let original = std::fs::read(&curves).unwrap();
    let mut changed = original.clone();
    changed.push(b'\n');
    std::fs::write(&curves, &changed).unwrap();
    let report = verify("a changed output");
    assert!(report.contains("output changed: curves.csv"), "{report}");
    assert!(report.contains("1 of 6 recorded files differ"), "{report}");
    std::fs::write(&curves, &original).unwrap();
    ok(d, &["verify", "r"]);

    write(d, "tiny.toml", &TINY.replace("runs = 6", "runs = 7"));
    let report = verify("a changed input");
    assert!(
        report.contains("input changed: ") && report.contains("tiny.toml"),
        "{report}"
    );
    assert!(!report.contains("output changed"), "{report}");
    std::fs::remove_file(d.join("tiny.toml")).unwrap();
    let report = verify("a missing input");
    assert!(
        report.contains("input missing: ") && report.contains("tiny.toml"),
        "{report}"
    );

    // a file added later is listed, but is no difference
    write(d, "tiny.toml", TINY);
    write(&d.join("r"), "notes.txt", "mine");
    let out = ok(d, &["verify", "r"]);
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("not recorded (added after): notes.txt"),
        "{report}"
    );

    // no record: bad input, said so
    std::fs::create_dir(d.join("plain")).unwrap();
    let out = policysim_at(d, DAY_ONE, &["verify", "plain"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no provenance.json"), "{err}");
}

/// Every file but provenance.json is byte-identical across two runs made on different
/// (faked) days with different thread counts; provenance.json tells them apart.
#[test]
fn only_the_record_differs_between_days() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "tiny.toml", TINY);
    write(d, "sweep.toml", &format!("{TINY}{SWEEP}"));
    let spid = root().join("scenarios/data/spid_sample.csv");
    let us = root().join("scenarios/us_states.toml");
    let (spid, us) = (spid.to_str().unwrap(), us.to_str().unwrap());
    let commands: Vec<Vec<&str>> = vec![
        vec![
            "run",
            "tiny.toml",
            "--out",
            "out",
            "--quiet",
            "--format",
            "svg",
        ],
        vec![
            "sweep",
            "sweep.toml",
            "--out",
            "out",
            "--quiet",
            "--no-charts",
        ],
        vec![
            "fit",
            us,
            "--free",
            "innovation.rate=0:1",
            "--runs",
            "4",
            "--budget",
            "12",
            "--observed",
            spid,
            "--policy",
            "mothersaid",
            "--out",
            "out",
            "--quiet",
            "--no-charts",
        ],
        vec![
            "forecast",
            us,
            "--train-until",
            "1915",
            "--horizon",
            "3",
            "--runs",
            "4",
            "--budget",
            "12",
            "--observed",
            spid,
            "--policy",
            "mothersaid",
            "--free",
            "innovation.rate=0:1",
            "--out",
            "out",
            "--quiet",
            "--no-charts",
        ],
    ];
    for args in commands {
        let mut made = Vec::new();
        for (now, threads) in [(DAY_ONE, "1"), (DAY_TWO, "2")] {
            let _ = std::fs::remove_dir_all(d.join("out"));
            let mut with_threads = args.clone();
            with_threads.extend(["--threads", threads]);
            let out = policysim_at(d, now, &with_threads);
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let record = json(&d.join("out/provenance.json"));
            assert_eq!(record["started"], now);
            assert_eq!(record["threads"].as_u64(), Some(threads.parse().unwrap()));
            let contents: Vec<(String, Vec<u8>)> = files(&d.join("out"))
                .into_iter()
                .map(|f| {
                    let bytes = std::fs::read(d.join("out").join(&f)).unwrap();
                    (f, bytes)
                })
                .collect();
            made.push(contents);
        }
        assert!(!made[0].is_empty());
        assert_eq!(made[0].len(), made[1].len(), "{args:?}");
        for (a, b) in made[0].iter().zip(&made[1]) {
            assert_eq!(a.0, b.0, "{args:?}");
            assert!(a.1 == b.1, "{args:?}: {} differs between the two days", a.0);
        }
    }
}

/// CITATION.cff (CFF 1.2.0) names the package's version, and so does the README's
/// "How to cite".
#[test]
fn the_citation_names_the_package_version() {
    let cff = std::fs::read_to_string(root().join("CITATION.cff")).unwrap();
    let field = |key: &str| {
        cff.lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .map(|v| v.trim().trim_matches('"').to_string())
            .unwrap_or_else(|| panic!("CITATION.cff: no `{key}`"))
    };
    assert_eq!(field("cff-version"), "1.2.0");
    assert_eq!(field("version"), env!("CARGO_PKG_VERSION"));
    assert!(
        cff.contains("  - name: \"The policysim developers\""),
        "{cff}"
    );
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let cite = readme
        .split("## How to cite")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("README: a How to cite section");
    let version = env!("CARGO_PKG_VERSION");
    assert!(cite.contains(&format!("(version {version})")), "{cite}");
    assert!(cite.contains(&format!("version = {{{version}}}")), "{cite}");
}
