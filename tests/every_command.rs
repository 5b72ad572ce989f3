//! Every command that writes results, interrupted: one test for all of them, so a new
//! command cannot forget the rule. Each is started on inputs large enough to take a
//! while and sent SIGINT after a few delays; whatever the moment, it exits 0 (it had
//! finished) or 1 (interrupted), leaves no staging folder, and what it leaves is
//! complete: a folder or file published at once either does not exist or passes
//! `policysim verify` (every file its provenance.json names, unchanged); a folder
//! written in place (sweep, sensitivity) is finished by the same command run again.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn policysim(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(crate::common::binary())
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn ok(dir: &Path, args: &[&str]) {
    let o = policysim(dir, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Staging folders or temporary files left anywhere under `dir`.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.contains(".partial-") || name.contains(".tmp-") || name.ends_with(".tmp") {
            out.push(p.clone());
        }
        if p.is_dir() {
            out.extend(leftovers(&p));
        }
    }
    out
}

const LONG: &str = "name = \"long\"\nsteps = 40\nruns = 2000\nseed = 3\n[network]\nkind = \"watts_strogatz\"\nn = 400\nk = 6\nbeta = 0.1\n[innovation]\nrate = 0.01\n[learning]\nrate = 0.4\n";

#[test]
fn an_interrupted_command_leaves_a_complete_result_or_none() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("long.toml"), LONG).unwrap();
    std::fs::write(
        d.join("sweep.toml"),
        format!("{LONG}[sweep]\nmode = \"grid\"\n\"learning.rate\" = [0.2, 0.3, 0.4, 0.5]\n")
            .replace("runs = 2000", "runs = 600"),
    )
    .unwrap();
    std::fs::write(
        d.join("sens.toml"),
        format!("{LONG}[sensitivity]\ntrajectories = 4\n\"innovation.rate\" = {{ low = 0.0, high = 0.1 }}\n\"learning.rate\" = {{ low = 0.2, high = 0.4 }}\n")
            .replace("runs = 2000", "runs = 200"),
    )
    .unwrap();
    let us = root().join("scenarios/us_states.toml");
    let us = us.to_str().unwrap().to_string();
    let spid = root().join("scenarios/data/spid_sample.csv");
    let spid = spid.to_str().unwrap().to_string();
    std::fs::write(
        d.join("hypotheses.toml"),
        format!("[[hypothesis]]\nname = \"alone\"\nscenario = {us:?}\nfree = [\"innovation.rate=0:1\"]\n\n[[hypothesis]]\nname = \"neighbours\"\nscenario = {us:?}\nfree = [\"innovation.rate=0:1\", \"learning.rate=0:4\"]\n"),
    )
    .unwrap();
    // inputs of the commands that read results
    ok(
        d,
        &[
            "run",
            "long.toml",
            "--runs",
            "40",
            "--record",
            "events",
            "--no-charts",
            "--quiet",
            "--out",
            "base",
        ],
    );
    ok(
        d,
        &[
            "run",
            "long.toml",
            "--runs",
            "40",
            "--seed",
            "4",
            "--no-charts",
            "--quiet",
            "--out",
            "other",
        ],
    );
    ok(
        d,
        &[
            "sweep",
            "sweep.toml",
            "--runs",
            "20",
            "--shard",
            "1/2",
            "--no-charts",
            "--quiet",
            "--out",
            "s1",
        ],
    );
    ok(
        d,
        &[
            "sweep",
            "sweep.toml",
            "--runs",
            "20",
            "--shard",
            "2/2",
            "--no-charts",
            "--quiet",
            "--out",
            "s2",
        ],
    );
    ok(
        d,
        &[
            "panel",
            "base",
            "--design",
            "unit-year",
            "--out",
            "base-panel.csv",
        ],
    );

    // (command line, what it writes, written in place and resumed)
    let mut cases: Vec<(Vec<String>, &str, bool)> = Vec::new();
    let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    cases.push((v(&["run", "long.toml", "--out", "OUT"]), "OUT", false));
    cases.push((
        v(&["sweep", "sweep.toml", "--no-charts", "--out", "OUT"]),
        "OUT",
        true,
    ));
    cases.push((
        v(&[
            "sensitivity",
            "sens.toml",
            "--method",
            "morris",
            "--no-charts",
            "--out",
            "OUT",
        ]),
        "OUT",
        true,
    ));
    cases.push((v(&["merge", "s1", "s2", "--out", "OUT"]), "OUT", false));
    cases.push((
        v(&[
            "fit",
            &us,
            "--observed",
            &spid,
            "--policy",
            "mothersaid",
            "--free",
            "innovation.rate=0:1",
            "--runs",
            "200",
            "--budget",
            "60",
            "--out",
            "OUT",
        ]),
        "OUT",
        false,
    ));
    cases.push((
        v(&[
            "forecast",
            &us,
            "--observed",
            &spid,
            "--policy",
            "mothersaid",
            "--train-until",
            "1915",
            "--horizon",
            "3",
            "--free",
            "innovation.rate=0:1",
            "--runs",
            "200",
            "--budget",
            "60",
            "--out",
            "OUT",
        ]),
        "OUT",
        false,
    ));
    cases.push((
        v(&[
            "compare-mechanisms",
            "hypotheses.toml",
            "--observed",
            &spid,
            "--policy",
            "mothersaid",
            "--train-until",
            "1915",
            "--runs",
            "100",
            "--budget",
            "40",
            "--out",
            "OUT",
        ]),
        "OUT",
        false,
    ));
    cases.push((
        v(&["compare", "base", "other", "--out", "OUT"]),
        "OUT",
        false,
    ));
    cases.push((v(&["plot", "base", "--out", "OUT"]), "OUT", false));
    cases.push((
        v(&[
            "panel",
            "base",
            "--design",
            "dyad-year",
            "--max-rows",
            "4000000000",
            "--out",
            "OUT.csv",
        ]),
        "OUT.csv",
        false,
    ));
    cases.push((v(&["eha", "base-panel.csv", "--out", "OUT"]), "OUT", false));
    cases.push((
        v(&["innovativeness", "--observed", &spid, "--out", "OUT.csv"]),
        "OUT.csv",
        false,
    ));

    let mut interrupted = 0;
    for (k, (args, out, in_place)) in cases.iter().enumerate() {
        for (j, delay) in [80u64, 700].into_iter().enumerate() {
            let name = format!("c{k}-{j}");
            let args: Vec<String> = args.iter().map(|a| a.replace("OUT", &name)).collect();
            let out = d.join(out.replace("OUT", &name));
            let mut child = Command::new(crate::common::binary())
                .current_dir(d)
                .args(&args)
                .args(
                    (!["compare", "panel", "eha"].contains(&args[0].as_str())).then_some("--quiet"),
                )
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(delay));
            let _ = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status();
            let status = child.wait().unwrap();
            let mut err = String::new();
            use std::io::Read as _;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            let code = status.code();
            assert!(
                matches!(code, Some(0) | Some(1) | None),
                "{args:?} after {delay} ms: exit {code:?}: {err}"
            );
            if code == Some(1) {
                interrupted += 1;
                assert!(err.contains("interrupted"), "{args:?}: {err}");
            }
            let left = leftovers(d);
            assert!(left.is_empty(), "{args:?} after {delay} ms left {left:?}");
            if code == Some(1) && *in_place && out.exists() {
                // written in place: the same command finishes it
                let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
                a.push("--quiet");
                ok(d, &a);
            }
            if out.exists() {
                let o = policysim(d, &["verify", out.to_str().unwrap()]);
                assert!(
                    o.status.success(),
                    "{args:?} after {delay} ms (exit {code:?}) left {} that verify refuses: {}{}",
                    out.display(),
                    String::from_utf8_lossy(&o.stdout),
                    String::from_utf8_lossy(&o.stderr)
                );
            } else {
                // interrupted (1), or killed by the signal before its handler was set
                // up (no exit code: a loaded machine starts slowly); never a success
                assert_ne!(
                    code,
                    Some(0),
                    "{args:?} finished without writing {}",
                    out.display()
                );
            }
        }
    }
    // the long ones (run, sweep, sensitivity, fit, forecast, compare-mechanisms) are
    // caught while working at least once each; the quick ones may finish first
    eprintln!("{interrupted} of {} trials interrupted", cases.len() * 2);
    assert!(interrupted >= 5, "only {interrupted} interrupted");

    // The same commands asked to write their folder over the current folder (named by
    // its absolute path, with --force where the command has it): refused, nothing
    // written. Before the sweep took the common --out rules, `sweep --force` wrote into
    // the folder it was started in.
    let before = listing(d);
    for (args, _, _) in cases.iter().filter(|(_, out, _)| *out == "OUT") {
        let mut args: Vec<String> = args
            .iter()
            .map(|a| a.replace("OUT", d.to_str().unwrap()))
            .collect();
        if ["run", "sweep", "sensitivity", "fit"].contains(&args[0].as_str()) {
            args.push("--force".into());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = policysim(d, &refs);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("current folder"), "{args:?}: {err}");
        assert_eq!(listing(d), before, "{args:?} wrote into the current folder");
    }
}

/// The names in a folder, sorted.
fn listing(d: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Every command that reads a file, given a hostile one in each of its file arguments
/// (missing, a folder, empty, binary noise): exit 2, one `error:` naming the file, never
/// a panic, and nothing written.
#[test]
fn every_file_a_command_reads_refuses_hostile_input_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("ok.toml"), LONG.replace("runs = 2000", "runs = 4")).unwrap();
    let spid = root().join("scenarios/data/spid_sample.csv");
    let spid = spid.to_str().unwrap().to_string();
    ok(
        d,
        &[
            "run",
            "ok.toml",
            "--record",
            "events",
            "--no-charts",
            "--quiet",
            "--out",
            "okrun",
        ],
    );
    std::fs::create_dir(d.join("a-folder")).unwrap();
    std::fs::write(d.join("empty.csv"), "").unwrap();
    std::fs::write(
        d.join("noise.bin"),
        [0u8, 159, 146, 150, 255, 0, 1, 2, 254, 10, 13, 0],
    )
    .unwrap();
    // (command line with X for the hostile file, what it would write)
    let cases: Vec<(Vec<&str>, Option<&str>)> = vec![
        (vec!["check", "X"], None),
        (vec!["odd", "X"], None),
        (vec!["run", "X", "--out", "out"], Some("out")),
        (
            vec![
                "sweep",
                "X",
                "--set",
                "learning.rate=0.1,0.2",
                "--out",
                "out",
            ],
            Some("out"),
        ),
        (vec!["sensitivity", "X", "--out", "out"], Some("out")),
        (
            vec![
                "fit",
                "X",
                "--observed",
                &spid,
                "--policy",
                "mothersaid",
                "--free",
                "innovation.rate=0:1",
                "--out",
                "out",
            ],
            Some("out"),
        ),
        (
            vec![
                "fit",
                "ok.toml",
                "--observed",
                "X",
                "--free",
                "innovation.rate=0:1",
                "--out",
                "out",
            ],
            Some("out"),
        ),
        (
            vec![
                "forecast",
                "ok.toml",
                "--observed",
                "X",
                "--train-until",
                "2",
                "--horizon",
                "3",
                "--free",
                "innovation.rate=0:1",
                "--out",
                "out",
            ],
            Some("out"),
        ),
        (
            vec![
                "compare-mechanisms",
                "X",
                "--observed",
                &spid,
                "--policy",
                "mothersaid",
                "--out",
                "out",
            ],
            Some("out"),
        ),
        (
            vec!["innovativeness", "--observed", "X", "--out", "out.csv"],
            Some("out.csv"),
        ),
        (
            vec![
                "panel",
                "--observed",
                "X",
                "--scenario",
                "ok.toml",
                "--design",
                "unit-year",
                "--out",
                "out.csv",
            ],
            Some("out.csv"),
        ),
        (
            vec![
                "panel",
                "--observed",
                &spid,
                "--policy",
                "mothersaid",
                "--scenario",
                "X",
                "--design",
                "unit-year",
                "--out",
                "out.csv",
            ],
            Some("out.csv"),
        ),
        (
            vec!["panel", "X", "--design", "unit-year", "--out", "out.csv"],
            Some("out.csv"),
        ),
        (vec!["eha", "X", "--out", "out"], Some("out")),
        (vec!["compare", "okrun", "X", "--out", "out"], Some("out")),
        (vec!["plot", "X", "--out", "out"], Some("out")),
        (vec!["merge", "X", "--out", "out"], Some("out")),
        (vec!["verify", "X"], None),
    ];
    for (args, writes) in &cases {
        for hostile in ["missing.csv", "a-folder", "empty.csv", "noise.bin"] {
            let a: Vec<&str> = args
                .iter()
                .map(|x| if *x == "X" { hostile } else { x })
                .collect();
            let o = policysim(d, &a);
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(!err.contains("panicked"), "{a:?} panicked: {err}");
            assert_eq!(
                o.status.code(),
                Some(2),
                "{a:?}: exit {:?}: {err}",
                o.status.code()
            );
            assert!(
                err.starts_with("error:") && err.contains(hostile),
                "{a:?}: the message does not name {hostile}: {err}"
            );
            if let Some(w) = writes {
                assert!(!d.join(w).exists(), "{a:?} wrote {w}");
            }
            assert!(leftovers(d).is_empty(), "{a:?} left {:?}", leftovers(d));
        }
    }
}
