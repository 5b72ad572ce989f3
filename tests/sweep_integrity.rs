//! Sweep folders that cannot be mixed up, through the real binary: a data file whose
//! contents changed is another sweep (resume and merge refuse it, naming the file), a
//! tampered `point.json` is refused (naming it), a merge is published all at once (nothing
//! left on failure) and concurrent merges into one folder do not interleave, and
//! `--force` removes only the sweep's own files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A 6-point sweep on a network read from `edges.csv`, starting from `initial.txt`.
const SCENARIO: &str = r#"
name = "file-sweep"
steps = 10
runs = 4
seed = 5

[network]
kind = "file"
edges = "edges.csv"

[initial]
file = "initial.txt"

[competition]
rate = 0.3

[sweep]
"learning.rate" = [0.1, 0.3, 0.5]
"central.recognition" = [0.0, 1.0]
"#;

fn policysim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let out = policysim(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "policysim {args:?} failed: {err}");
    err
}

/// Runs policysim, expects exit code 2 and returns stderr.
fn refused(args: &[&str]) -> String {
    let out = policysim(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "policysim {args:?}: {err}");
    assert!(!err.contains("panicked"), "{err}");
    err
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A ring of `n` governments as an edge list.
fn ring(n: usize) -> String {
    let mut text = String::from("source,target\n");
    for i in 0..n {
        text.push_str(&format!("{i},{}\n", (i + 1) % n));
        text.push_str(&format!("{i},{}\n", (i + 2) % n));
    }
    text
}

/// The scenario and its data files in `dir`; returns the scenario's path.
fn setup(dir: &Path) -> PathBuf {
    std::fs::write(dir.join("edges.csv"), ring(40)).unwrap();
    std::fs::write(dir.join("initial.txt"), "0\n1\n").unwrap();
    let path = dir.join("sweep.toml");
    std::fs::write(&path, SCENARIO).unwrap();
    path
}

/// Every file under `dir` with its contents, for "nothing changed" checks.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// The names in `dir` (to see that no staging folder or lock file is left).
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn sweep_args<'a>(file: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["sweep", s(file), "--out", s(out), "-q", "--no-charts"];
    v.extend(extra);
    v
}

#[test]
fn a_data_file_changed_between_interrupt_and_resume_is_refused_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let file = setup(tmp.path());
    let whole = tmp.path().join("whole");
    ok(&sweep_args(&file, &whole, &[]));
    for (data, changed) in [
        ("edges.csv", ring(41)),
        ("initial.txt", "0\n2\n".to_string()),
    ] {
        let dir = tmp.path().join(format!("resumed-{data}"));
        ok(&sweep_args(&file, &dir, &["--max-points", "2"]));
        let before = snapshot(&dir);
        let original = std::fs::read(tmp.path().join(data)).unwrap();
        std::fs::write(tmp.path().join(data), &changed).unwrap();
        let err = refused(&sweep_args(&file, &dir, &[]));
        assert!(err.contains("different sweep"), "{err}");
        assert!(
            err.contains(&format!("{data} differ")),
            "names {data}: {err}"
        );
        assert_eq!(snapshot(&dir), before, "nothing written or lost");
        // the original contents again: the sweep resumes to the whole table
        std::fs::write(tmp.path().join(data), original).unwrap();
        let err = ok(&["sweep", s(&file), "--out", s(&dir), "--no-charts"]);
        assert!(err.contains("4 of 6 points computed, 2 resumed"), "{err}");
        assert_eq!(
            std::fs::read(dir.join("sweep.csv")).unwrap(),
            std::fs::read(whole.join("sweep.csv")).unwrap()
        );
    }
}

#[test]
fn shards_computed_on_different_networks_are_not_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let file = setup(tmp.path());
    let (a, b) = (tmp.path().join("shard-1"), tmp.path().join("shard-2"));
    ok(&sweep_args(&file, &a, &["--shard", "1/2"]));
    // the edge list is edited before the second shard runs
    std::fs::write(tmp.path().join("edges.csv"), ring(41)).unwrap();
    ok(&sweep_args(&file, &b, &["--shard", "2/2"]));
    let out = tmp.path().join("new/all");
    let err = refused(&["merge", s(&a), s(&b), "--out", s(&out)]);
    assert!(err.contains("hold different sweeps"), "{err}");
    assert!(err.contains("edges.csv differ"), "names the file: {err}");
    assert!(!tmp.path().join("new").exists(), "nothing created");
}

/// A change to the JSON text of a `point.json`.
type Damage = Box<dyn Fn(&str) -> String>;

/// Ways to damage `point.json` of point 1 (its JSON text) and the words of the refusal.
fn damages() -> Vec<(&'static str, Damage, &'static str)> {
    let row_of = |text: &str| -> String {
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["row"].as_str().unwrap().to_string()
    };
    let set_row = |text: &str, row: String| -> String {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        v["row"] = serde_json::Value::String(row);
        serde_json::to_string_pretty(&v).unwrap()
    };
    vec![
        (
            "an injected line",
            Box::new(move |t: &str| {
                let row = row_of(t);
                set_row(t, format!("{row}\n{row}"))
            }),
            "more than one line",
        ),
        (
            "a missing field",
            Box::new(move |t: &str| {
                let row = row_of(t);
                set_row(t, row[..row.rfind(',').unwrap()].to_string())
            }),
            "fields, the header of sweep.csv",
        ),
        (
            "another point's index in the row",
            Box::new(move |t: &str| {
                let row = row_of(t);
                set_row(t, format!("4{}", &row[1..]))
            }),
            "where point 1 has `1`",
        ),
        (
            "another point number",
            Box::new(|t: &str| t.replace("\"point\": 1,", "\"point\": 4,")),
            "says point 4",
        ),
        (
            "a word in a number's cell",
            Box::new(move |t: &str| {
                let row = row_of(t);
                let (head, _) = row.rsplit_once(',').unwrap();
                set_row(t, format!("{head},oops"))
            }),
            "must be a number",
        ),
    ]
}

#[test]
fn a_tampered_point_is_refused_by_merge_and_resume_and_nothing_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let file = setup(tmp.path());
    let (a, b) = (tmp.path().join("shard-1"), tmp.path().join("shard-2"));
    ok(&sweep_args(&file, &a, &["--shard", "1/2"]));
    ok(&sweep_args(&file, &b, &["--shard", "2/2"]));
    // an earlier, good merge: a failed merge must leave it as it is
    let out = tmp.path().join("all");
    ok(&["merge", s(&a), s(&b), "--out", s(&out), "-q"]);
    let merged = snapshot(&out);
    let point = b.join("points/1/point.json");
    let good = std::fs::read_to_string(&point).unwrap();
    for (what, damage, words) in damages() {
        std::fs::write(&point, damage(&good)).unwrap();
        for target in [&out, &tmp.path().join("fresh")] {
            let err = refused(&["merge", s(&a), s(&b), "--out", s(target)]);
            assert!(err.contains("points/1/point.json"), "{what}: {err}");
            assert!(err.contains(words), "{what}: {err}");
        }
        assert_eq!(
            snapshot(&out),
            merged,
            "{what}: the earlier merge is intact"
        );
        assert!(
            !tmp.path().join("fresh").exists(),
            "{what}: nothing created"
        );
        assert!(
            names(tmp.path()).iter().all(|n| !n.starts_with('.')),
            "{what}: no staging or lock left: {:?}",
            names(tmp.path())
        );
        // resuming the shard refuses the point too, and writes no sweep.csv
        std::fs::remove_file(b.join("sweep.csv")).unwrap();
        let err = refused(&sweep_args(&file, &b, &["--shard", "2/2"]));
        assert!(err.contains("points/1/point.json"), "{what}: {err}");
        assert!(err.contains(words), "{what}: {err}");
        assert!(!b.join("sweep.csv").exists());
        std::fs::write(&point, &good).unwrap();
        ok(&sweep_args(&file, &b, &["--shard", "2/2"]));
    }
    // a merge with charts, of good shards, publishes the folder with its chart at once
    let charted = tmp.path().join("charted");
    let err = ok(&[
        "merge",
        s(&a),
        s(&b),
        "--out",
        s(&charted),
        "--format",
        "svg",
    ]);
    assert!(
        err.contains(&format!(
            "chart {}",
            charted.join("sweep_final_share_map.svg").display()
        )),
        "{err}"
    );
    assert!(charted.join("sweep_final_share_map.svg").is_file());
    assert_eq!(
        std::fs::read(charted.join("sweep.csv")).unwrap(),
        std::fs::read(out.join("sweep.csv")).unwrap()
    );
}

#[test]
fn a_merge_refuses_to_replace_a_folder_with_a_users_files() {
    let tmp = tempfile::tempdir().unwrap();
    let file = setup(tmp.path());
    let (a, b) = (tmp.path().join("shard-1"), tmp.path().join("shard-2"));
    ok(&sweep_args(&file, &a, &["--shard", "1/2"]));
    ok(&sweep_args(&file, &b, &["--shard", "2/2"]));
    // merging into a shard's own folder, which holds a user's notes
    std::fs::write(a.join("points/2/notes.txt"), "mine").unwrap();
    let before = snapshot(&a);
    let err = refused(&["merge", s(&a), s(&b), "--out", s(&a)]);
    assert!(err.contains("points/2/notes.txt"), "{err}");
    assert!(err.contains("did not write"), "{err}");
    assert_eq!(snapshot(&a), before, "nothing written or lost");
    // without them it may be merged in place
    std::fs::remove_file(a.join("points/2/notes.txt")).unwrap();
    ok(&["merge", s(&a), s(&b), "--out", s(&a), "-q", "--no-charts"]);
    assert_eq!(
        std::fs::read_to_string(a.join("sweep.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 6
    );
}

#[test]
fn concurrent_merges_into_one_folder_merge_once_and_the_others_say_so() {
    let tmp = tempfile::tempdir().unwrap();
    let file = setup(tmp.path());
    let whole = tmp.path().join("whole");
    ok(&sweep_args(&file, &whole, &[]));
    let shards: Vec<PathBuf> = (1..=3)
        .map(|i| {
            let dir = tmp.path().join(format!("shard-{i}"));
            ok(&sweep_args(&file, &dir, &["--shard", &format!("{i}/3")]));
            dir
        })
        .collect();
    let results = tmp.path().join("results");
    std::fs::create_dir(&results).unwrap();
    let out = results.join("all");
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_policysim"))
                .arg("merge")
                .args(&shards)
                .args(["--out", s(&out), "--format", "svg"])
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut merged = 0;
    let mut already = 0;
    for child in children {
        let o = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert!(o.status.success(), "{err}");
        if err.contains("merged 6 points from 3 folders") {
            merged += 1;
        }
        if err.contains("already holds this merge of 6 points") {
            already += 1;
        }
    }
    assert_eq!(
        (merged, already),
        (1, 7),
        "one merge wrote, the others said so"
    );
    assert_eq!(
        std::fs::read(out.join("sweep.csv")).unwrap(),
        std::fs::read(whole.join("sweep.csv")).unwrap()
    );
    assert_eq!(
        names(&results),
        ["all"],
        "no staging folder or lock file left"
    );
}

#[test]
fn force_removes_only_the_sweeps_own_files_and_says_which_it_left() {
    let tmp = tempfile::tempdir().unwrap();
    let file = setup(tmp.path());
    let dir = tmp.path().join("out");
    ok(&["sweep", s(&file), "--out", s(&dir), "-q", "--keep-points"]);
    std::fs::write(dir.join("points/5/notes.txt"), "my notes").unwrap();
    std::fs::create_dir(dir.join("points/5/plots")).unwrap();
    std::fs::write(dir.join("README.txt"), "about this run").unwrap();
    let old_point = std::fs::read(dir.join("points/5/point.json")).unwrap();
    // a different sweep (one point fewer) with --force
    std::fs::write(&file, SCENARIO.replace("[0.1, 0.3, 0.5]", "[0.1, 0.3]")).unwrap();
    let err = ok(&[
        "sweep",
        s(&file),
        "--out",
        s(&dir),
        "--force",
        "--no-charts",
    ]);
    assert!(err.contains("warning: --force removed"), "{err}");
    for kept in ["points/5/notes.txt", "points/5/plots", "README.txt"] {
        assert!(err.contains(kept), "names {kept}: {err}");
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("points/5/notes.txt")).unwrap(),
        "my notes"
    );
    assert!(dir.join("points/5/plots").is_dir());
    assert!(dir.join("README.txt").is_file());
    // the old sweep's point 5 (not a point of the new sweep) is gone with its files
    assert!(!dir.join("points/5/point.json").exists(), "{old_point:?}");
    assert!(!dir.join("points/5/curves.csv").exists());
    assert!(!dir.join("points/4").exists());
    assert_eq!(
        std::fs::read_to_string(dir.join("sweep.csv"))
            .unwrap()
            .lines()
            .count(),
        1 + 4
    );
}
