//! The real binary: determinism across thread counts, results folders, bad input, the US map.

use crate::common::binary;
use std::path::Path;
use std::process::Command;

fn run_with_threads(scenario: &Path, out: &Path, threads: &str) {
    let status = Command::new(binary())
        .args([
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--runs",
            "40",
        ])
        .env("RAYON_NUM_THREADS", threads)
        .status()
        .unwrap();
    assert!(status.success());
}

/// Every output file's bytes but provenance.json's (the one file with times, hosts and
/// thread counts).
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name() != "provenance.json")
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(e.path()).unwrap();
            if name == "scenario.toml" {
                // the header comment names the folder the scenario came from
                let text = String::from_utf8(bytes).unwrap();
                let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
                bytes = kept.join("\n").into_bytes();
            }
            (name, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn outputs_are_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/competition.toml");
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    run_with_threads(&scenario, &one, "1");
    run_with_threads(&scenario, &two, "2");
    let a = outputs(&one);
    let b = outputs(&two);
    let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
    for expected in [
        "curves.csv",
        "runs.csv",
        "hazard.csv",
        "summary.json",
        "scenario.toml",
        "map.csv",
    ] {
        assert!(names.contains(&expected), "{expected} missing: {names:?}");
    }
    assert_eq!(a.len(), b.len());
    for ((na, ba), (nb, bb)) in a.iter().zip(&b) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between 1 and 2 threads");
    }
    // the runs really differ from each other (each has its own stream)
    let runs = std::fs::read_to_string(one.join("runs.csv")).unwrap();
    let finals: std::collections::BTreeSet<&str> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap())
        .collect();
    assert!(finals.len() > 10, "{finals:?}");
}

#[test]
fn the_resolved_scenario_reruns_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/pilot.toml");
    let first = dir.path().join("first");
    run_with_threads(&scenario, &first, "2");
    let second = dir.path().join("second");
    run_with_threads(&first.join("scenario.toml"), &second, "2");
    let a = outputs(&first);
    let b = outputs(&second);
    for ((na, ba), (_, bb)) in a.iter().zip(&b) {
        assert!(
            ba == bb,
            "{na} differs when re-run from the resolved scenario"
        );
    }
}

#[test]
fn a_bad_scenario_names_the_key_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"bad\"\nsteps = 10\n\n[learning]\nrate = -1.5\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = Command::new(binary())
        .args(["run", bad.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("learning.rate") && err.contains("bad.toml:5"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "only the scenario file remains: {leftovers:?}"
    );

    let o = Command::new(binary())
        .args(["check", bad.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_prints_the_resolved_scenario_with_every_default() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tiny.toml");
    std::fs::write(
        &file,
        "name = \"tiny\"\n[network]\nkind = \"ring\"\nn = 20\n",
    )
    .unwrap();
    let o = Command::new(binary())
        .args(["check", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success());
    let text = String::from_utf8(o.stdout).unwrap();
    for key in [
        "[learning]",
        "performance_weight",
        "[central.pilot]",
        "first_mover_bias",
        "[adapt]",
    ] {
        assert!(text.contains(key), "{key} missing from:\n{text}");
    }
    // and it parses back to the same scenario
    let again = dir.path().join("again.toml");
    std::fs::write(&again, &text).unwrap();
    let o2 = Command::new(binary())
        .args(["check", again.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(o2.stdout).unwrap(), text);
}

#[test]
fn results_of_another_scenario_are_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.toml");
    let b = dir.path().join("b.toml");
    std::fs::write(&a, "name = \"a\"\nruns = 3\nsteps = 3\n[network]\nn = 30\n").unwrap();
    std::fs::write(&b, "name = \"b\"\nruns = 3\nsteps = 3\n[network]\nn = 30\n").unwrap();
    let out = dir.path().join("out");
    let run = |file: &Path, extra: &[&str]| {
        Command::new(binary())
            .args([
                "run",
                file.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--quiet",
                "--no-charts",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(run(&a, &[]).status.success());
    assert!(
        run(&a, &[]).status.success(),
        "the same scenario may replace its own results"
    );
    let o = run(&b, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    assert!(std::fs::read_to_string(out.join("scenario.toml"))
        .unwrap()
        .contains("name = \"a\""));
    assert!(run(&b, &["--force"]).status.success());
    assert!(std::fs::read_to_string(out.join("scenario.toml"))
        .unwrap()
        .contains("name = \"b\""));
}

#[test]
fn us_states_are_mapped_at_their_centroids_with_north_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("us");
    let o = Command::new(binary())
        .args([
            "run",
            root.join("scenarios/us_states.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--runs",
            "4",
            "--format",
            "svg",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("map.svg").exists(), "no map chart drawn");

    // map.csv: node,name,x,y,... one row per state, finite coordinates
    let map = std::fs::read_to_string(out.join("map.csv")).unwrap();
    let mut lines = map.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |c: &str| header.iter().position(|h| *h == c).unwrap();
    let (name, x, y) = (col("name"), col("x"), col("y"));
    let at: std::collections::BTreeMap<String, (f64, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let p: (f64, f64) = (f[x].parse().unwrap(), f[y].parse().unwrap());
            assert!(p.0.is_finite() && p.1.is_finite(), "{l}");
            (f[name].to_string(), p)
        })
        .collect();
    assert_eq!(at.len(), 50, "{:?}", at.keys());
    let pos = |state: &str| {
        *at.get(state)
            .unwrap_or_else(|| panic!("{state} not in map.csv"))
    };
    let west_of = |a: &str, b: &str| assert!(pos(a).0 < pos(b).0, "{a} not west of {b}");
    let south_of = |a: &str, b: &str| assert!(pos(a).1 < pos(b).1, "{a} not south of {b}");
    west_of("California", "New York");
    west_of("Washington", "Minnesota");
    west_of("Kansas", "Missouri");
    west_of("Hawaii", "Texas");
    south_of("Florida", "Maine");
    south_of("Texas", "North Dakota");
    south_of("Tennessee", "Kentucky");
    south_of("Arizona", "Utah");
    // the coordinates are those of the centroid file (us_states_nodes.csv is rebuilt from it)
    let centroids =
        std::fs::read_to_string(root.join("scenarios/data/us_states_centroids.csv")).unwrap();
    let mut rows = centroids.lines();
    assert_eq!(rows.next(), Some("id,lon,lat,x,y"));
    let mut n = 0;
    for l in rows {
        let f: Vec<&str> = l.split(',').collect();
        let want: (f64, f64) = (f[3].parse().unwrap(), f[4].parse().unwrap());
        assert_eq!(
            pos(f[0]),
            want,
            "{}: map.csv differs from the centroid file",
            f[0]
        );
        n += 1;
    }
    assert_eq!(n, 50);
    // every land border is an edge of the map
    let edges = std::fs::read_to_string(out.join("map_edges.csv")).unwrap();
    assert_eq!(edges.lines().count(), 1 + 105);
}

#[test]
fn one_seed_range_everywhere_checked_at_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.toml");
    std::fs::write(
        &scenario,
        "name = \"seeds\"\nruns = 3\nsteps = 3\n[network]\nn = 30\n[sweep]\n\"learning.rate\" = [0.1, 0.2]\n",
    )
    .unwrap();
    for command in ["run", "sweep"] {
        let out = Command::new(binary())
            .current_dir(dir.path())
            .args([
                command,
                "s.toml",
                "--quiet",
                "--seed",
                "9223372036854775808",
            ])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {err}");
        assert!(
            err.contains("'--seed <SEED>': expected a whole number from 0 to 9223372036854775807"),
            "{command}: {err}"
        );
        assert!(!dir.path().join("results").exists(), "{command}");
    }
    // The largest seed runs, and its recorded scenario runs again to the same results.
    let first = dir.path().join("first");
    let out = Command::new(binary())
        .current_dir(dir.path())
        .args([
            "run",
            "s.toml",
            "--quiet",
            "--no-charts",
            "--seed",
            "9223372036854775807",
        ])
        .arg("--out")
        .arg(&first)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = dir.path().join("again");
    let out = Command::new(binary())
        .args(["run", "--quiet", "--no-charts"])
        .arg(first.join("scenario.toml"))
        .arg("--out")
        .arg(&again)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(first.join("runs.csv")).unwrap(),
        std::fs::read(again.join("runs.csv")).unwrap()
    );
}

#[test]
fn run_set_overrides_one_key_checked_like_the_file_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        "name = \"setme\"\nruns = 3\nsteps = 4\n[network]\nn = 30\n[learning]\nrate = 0.2\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(binary())
            .current_dir(dir.path())
            .args(["run", "s.toml", "--quiet", "--no-charts"])
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&[
        "--set",
        "learning.rate=0.7",
        "--set",
        "agents.learning={dist=\"beta\",a=5,b=2}",
        "--out",
        "set",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let recorded = std::fs::read_to_string(dir.path().join("set/scenario.toml")).unwrap();
    let table: toml::Table = recorded.parse().unwrap();
    assert_eq!(table["learning"]["rate"].as_float(), Some(0.7));
    assert_eq!(table["agents"]["learning"]["a"].as_float(), Some(5.0));
    // The recorded scenario re-runs to the same results without the option.
    let again = Command::new(binary())
        .current_dir(dir.path())
        .args([
            "run",
            "set/scenario.toml",
            "--quiet",
            "--no-charts",
            "--out",
            "again",
        ])
        .output()
        .unwrap();
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(dir.path().join("set/runs.csv")).unwrap(),
        std::fs::read(dir.path().join("again/runs.csv")).unwrap()
    );
    // Bad keys and values: the file's messages, prefixed by the option; nothing written.
    for (args, message) in [
        (
            ["--set", "learning.rat=0.5"],
            "--set learning.rat=0.5: unknown key `learning.rat`; did you mean `learning.rate`?",
        ),
        (
            ["--set", "abandon.rate=1.5"],
            "--set abandon.rate=1.5: key `abandon.rate`: must be in [0, 1], got 1.5",
        ),
        (
            ["--set", "learning.rate=0.1,0.3"],
            "`run` takes one value per key; to compare several values use `policysim sweep",
        ),
        (
            ["--set", "learning.rate"],
            "--set `learning.rate`: expected KEY=VALUE",
        ),
    ] {
        let o = run(&[args[0], args[1], "--out", "bad"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!dir.path().join("bad").exists());
    }
    // check takes the same option and prints the resolved value.
    let o = Command::new(binary())
        .current_dir(dir.path())
        .args(["check", "s.toml", "--set", "central.mode=\"mandate\""])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("mode = \"mandate\""));
}
