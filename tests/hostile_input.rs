//! Classes of hostile or unusual input found by the third review (issue 26), each run
//! through the binary: a clear message and exit code 2, or, where the input is legal,
//! the right answer; never a panic, never a half-written folder.

use crate::common::binary;
use std::path::Path;
use std::process::{Command, Output};

fn policysim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The shipped `examples/sensitivity.toml` has a `[sensitivity]` table: `check`, `run`
/// and `sweep` read the scenario without it (with a warning), as they do `[sweep]`.
#[test]
fn a_scenario_with_a_sensitivity_table_runs_with_every_command() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sensitivity.toml");
    let file = file.to_str().unwrap();
    let o = policysim(t, &["check", file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("[sensitivity] table is read by `policysim sensitivity` only"));
    let o = policysim(
        t,
        &["run", file, "--runs", "3", "--out", "run", "--no-charts"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = policysim(
        t,
        &[
            "sweep",
            file,
            "--set",
            "learning.rate=0.1,0.2",
            "--runs",
            "2",
            "--out",
            "sw",
            "--no-charts",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// The memory check counts every cell of the per-step statistics at its real size
/// (before: 8 bytes a value, 8-15 times too little for long runs, so `--steps 2000000`
/// passed the check and then asked the system for one 18 GB allocation), and a
/// forecast's horizon is checked like steps (before: `--horizon 4294967295` aborted).
#[test]
fn long_runs_and_long_horizons_are_refused_before_they_allocate() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let baseline = root.join("scenarios/baseline.toml");
    let run = |args: &[&str]| {
        Command::new(binary())
            .current_dir(t)
            .env("POLICYSIM_MEMORY_AVAILABLE", (3u64 << 30).to_string())
            .args(args)
            .output()
            .unwrap()
    };
    let o = run(&[
        "run",
        baseline.to_str().unwrap(),
        "--steps",
        "2000000",
        "--runs",
        "2",
        "--out",
        "long",
        "--no-charts",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("per-step statistics for steps = 2000000"),
        "{}",
        stderr(&o)
    );
    assert!(!t.join("long").exists());
    let us = root.join("scenarios/us_states.toml");
    let spid = root.join("scenarios/data/spid_sample.csv");
    let o = run(&[
        "forecast",
        us.to_str().unwrap(),
        "--observed",
        spid.to_str().unwrap(),
        "--policy",
        "adawork",
        "--train-until",
        "1960",
        "--horizon",
        "4294967295",
        "--out",
        "fc",
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--horizon 4294967295") && stderr(&o).contains("needs about"));
    assert!(!t.join("fc").exists());
}

/// A sensitivity range is of whole numbers when its key is, whatever its ends look like:
/// `innovation.rate=0:1` is the interval (before: only 0 and 1 were sampled, both ends
/// being written as integers), `network.n=40:60` stays whole numbers.
#[test]
fn a_sensitivity_range_takes_its_type_from_the_key() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(
        t.join("ring.toml"),
        "name = \"ring\"\nsteps = 5\nruns = 2\n[network]\nkind = \"ring\"\nn = 60\nk = 4\n",
    )
    .unwrap();
    let o = policysim(
        t,
        &[
            "sensitivity",
            "ring.toml",
            "--set",
            "innovation.rate=0:1",
            "--set",
            "network.n=40:60",
            "--method",
            "morris",
            "--trajectories",
            "4",
            "--out",
            "s",
            "--no-charts",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let mut reader = csv::Reader::from_path(t.join("s/design.csv")).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (rate, k) = (col("innovation.rate"), col("network.n"));
    let mut rates = Vec::new();
    for r in reader.records() {
        let r = r.unwrap();
        rates.push(r[rate].parse::<f64>().unwrap());
        let kv: f64 = r[k].parse().unwrap();
        assert!(
            kv.fract() == 0.0 && (40.0..=60.0).contains(&kv),
            "network.n = {kv}"
        );
    }
    assert!(
        rates.iter().any(|&x| x > 0.0 && x < 1.0),
        "interior values of innovation.rate sampled: {rates:?}"
    );
}

/// `seed` and `runs` are not swept (before: `--set seed=1,2,3` gave three identical
/// points labelled with different seeds and two `seed` columns).
#[test]
fn seed_and_runs_are_not_sweep_keys() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(t.join("s.toml"), "name = \"s\"\nsteps = 3\nruns = 2\n").unwrap();
    for key in ["seed=1,2,3", "runs=2,4"] {
        let o = policysim(
            t,
            &[
                "sweep",
                "s.toml",
                "--set",
                key,
                "--out",
                "sw",
                "--no-charts",
                "--quiet",
            ],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        let name = key.split('=').next().unwrap();
        assert!(
            stderr(&o).contains(&format!("sweep key `{name}`")),
            "{}",
            stderr(&o)
        );
        assert!(!t.join("sw").exists());
    }
}

/// `--set` reads a text key's value as text, commas included (before: taken for a list
/// of values and refused).
#[test]
fn a_text_value_with_commas_is_one_value() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(t.join("s.toml"), "name = \"s\"\nsteps = 3\nruns = 2\n").unwrap();
    let o = policysim(
        t,
        &[
            "check",
            "s.toml",
            "--set",
            "description=pilots, then a mandate: 2020",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let resolved = String::from_utf8_lossy(&o.stdout);
    assert!(
        resolved.contains("description = \"pilots, then a mandate: 2020\""),
        "{resolved}"
    );
    // a number key still refuses a list
    let o = policysim(t, &["check", "s.toml", "--set", "learning.rate=0.1,0.2"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("one value per key"), "{}", stderr(&o));
}

/// A mandate whose deadline falls on the first forecast year is enforced there (before:
/// the deadline was lost, p1 0.025 instead of 1). With `enforcement = 1` and no
/// compliance before it, every unit not yet adopted adopts at the deadline.
#[test]
fn a_forecast_keeps_a_mandate_deadline_on_its_first_step() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("scenarios/us_states.toml"))
        .unwrap()
        .replace("\"data/", &format!("\"{}/", root.join("scenarios/data").display()))
        .replace(
            "mode = \"none\"",
            "mode = \"mandate\"\n[central.mandate]\nstart = 2\ndeadline = 4\nrate = 0.0\nenforcement = 1.0\n#",
        );
    std::fs::write(t.join("m.toml"), text).unwrap();
    let spid = root.join("scenarios/data/spid_sample.csv");
    // p1..p3 of every unit for training up to `year`
    let forecast = |year: &str| -> Vec<[f64; 3]> {
        let out = format!("o{year}");
        let o = policysim(
            t,
            &[
                "forecast",
                "m.toml",
                "--observed",
                spid.to_str().unwrap(),
                "--policy",
                "adawork",
                "--train-until",
                year,
                "--horizon",
                "3",
                "--runs",
                "20",
                "--out",
                &out,
                "--quiet",
            ],
        );
        assert!(o.status.success(), "{}", stderr(&o));
        let mut reader = csv::Reader::from_path(t.join(&out).join("forecast.csv")).unwrap();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                [2, 3, 4].map(|k| r[k].parse::<f64>().unwrap())
            })
            .collect()
    };
    // the observed start is 1950: start 2 + deadline 4 is 1956, the first step after 1955
    let on_first = forecast("1955");
    assert!(!on_first.is_empty());
    assert!(on_first.iter().all(|p| p[0] == 1.0), "{on_first:?}");
    // one year earlier the deadline is the second forecast step
    let on_second = forecast("1954");
    assert!(on_second.iter().all(|p| p[1] == 1.0), "{on_second:?}");
    assert!(on_second.iter().any(|p| p[0] < 1.0), "{on_second:?}");
}

/// An `--out` whose name is too long for its staging folder is bad input named as such
/// (before: exit 1 with the system's "File name too long").
#[test]
fn an_out_name_too_long_is_bad_input() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(t.join("s.toml"), "name = \"s\"\nsteps = 3\nruns = 2\n").unwrap();
    for len in [240, 300] {
        let out = "r".repeat(len);
        let o = policysim(
            t,
            &["run", "s.toml", "--out", &out, "--no-charts", "--quiet"],
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("too long"), "{}", stderr(&o));
        let entries: Vec<_> = std::fs::read_dir(t).unwrap().collect();
        assert_eq!(entries.len(), 1, "nothing but s.toml written");
    }
    let o = policysim(
        t,
        &[
            "run",
            "s.toml",
            "--out",
            &"r".repeat(150),
            "--no-charts",
            "--quiet",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `innovativeness --nodes`: a node file with a duplicate id, and a `--column` that
/// would overwrite the ids, are bad input (before: the later row won silently, and the
/// ids were replaced by scores).
#[test]
fn innovativeness_refuses_duplicate_ids_and_overwriting_them() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(
        t.join("obs.csv"),
        "unit,policy,adopt_year\na,p,2000\nb,p,2001\n",
    )
    .unwrap();
    std::fs::write(t.join("dup.csv"), "id,x\na,1\nb,2\na,3\n").unwrap();
    std::fs::write(t.join("ok.csv"), "id,x\na,1\nb,2\n").unwrap();
    let run = |nodes: &str, extra: &[&str]| {
        let mut args = vec![
            "innovativeness",
            "--observed",
            "obs.csv",
            "--nodes",
            nodes,
            "--out",
            "out.csv",
            "--quiet",
        ];
        args.extend_from_slice(extra);
        policysim(t, &args)
    };
    let o = run("dup.csv", &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("duplicate id \"a\"") && stderr(&o).contains("line 4"),
        "{}",
        stderr(&o)
    );
    let o = run("ok.csv", &["--column", "id"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--column id"), "{}", stderr(&o));
    assert!(!t.join("out.csv").exists());
    let o = run("ok.csv", &[]);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A large legal `learning.performance_weight`: every adopter's signal weight is the
/// largest there is (e^500, the capped exponent), so a government with an adopted
/// neighbour learns with probability 1. Before, the weights were inf and the first
/// abandonment left inf − inf = NaN in its observers' running sums, and they never
/// learned again (4215 of 6390 such chances missed on this ring). Read from
/// `events.csv`: on a ring (neighbours i ± 1), every government not adopted at the end
/// of a step with an adopted neighbour adopts in the next step.
#[test]
fn a_huge_performance_weight_keeps_learning_after_abandonment() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let n = 200usize;
    std::fs::write(
        t.join("huge.toml"),
        format!(
            "name = \"huge-performance-weight\"\nsteps = 30\nruns = 10\nseed = 3\n\
             [network]\nkind = \"ring\"\nn = {n}\nk = 2\n[innovation]\nrate = 0.01\n\
             [learning]\nrate = 0.5\nperformance_weight = 1e6\nreference = -100.0\n\
             [abandon]\nthreshold = 0.5\nrate = 0.5\n"
        ),
    )
    .unwrap();
    let o = policysim(
        t,
        &[
            "run",
            "huge.toml",
            "--record",
            "events",
            "--no-charts",
            "--quiet",
            "--out",
            "out",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let events = std::fs::read_to_string(t.join("out/events.csv")).unwrap();
    let mut lines = events.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (run_c, unit_c, step_c, event_c) = (col("run"), col("unit"), col("step"), col("event"));
    // (run, step) -> events of that step, in file order
    let mut by_step: std::collections::BTreeMap<(u32, u32), Vec<(usize, bool)>> =
        Default::default();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        by_step
            .entry((f[run_c].parse().unwrap(), f[step_c].parse().unwrap()))
            .or_default()
            .push((f[unit_c].parse().unwrap(), f[event_c] == "adopt"));
    }
    let (mut chances, mut missed, mut abandonments) = (0, 0, 0);
    for run in 0..10u32 {
        let mut adopted = vec![false; n];
        for step in 1..=30u32 {
            let now = by_step.get(&(run, step)).cloned().unwrap_or_default();
            for i in 0..n {
                if !adopted[i] && (adopted[(i + n - 1) % n] || adopted[(i + 1) % n]) {
                    chances += 1;
                    if !now.iter().any(|&(u, adopt)| u == i && adopt) {
                        missed += 1;
                    }
                }
            }
            for (u, adopt) in now {
                adopted[u] = adopt;
                abandonments += usize::from(!adopt);
            }
        }
    }
    assert!(
        abandonments > 100 && chances > 1000,
        "{abandonments} {chances}"
    );
    assert_eq!(
        missed, 0,
        "{missed} of {chances} certain chances to learn missed"
    );
    // and every number of runs.csv is a number
    let runs = std::fs::read_to_string(t.join("out/runs.csv")).unwrap();
    assert!(!runs.contains("NaN") && !runs.contains("inf"), "{runs}");
}

/// A noise or level on the performance scale obeys the rule of every trait value
/// (within ±1e6): `evaluation_noise = 1e308` made the observed means ±inf or NaN; now it
/// is bad input naming the key, for `check` and `run`, and nothing is written.
#[test]
fn a_noise_past_the_performance_scale_is_refused_naming_the_key() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    for (table, key) in [
        ("central.pilot", "evaluation_noise"),
        ("central.uptake", "evaluation_noise"),
        ("adapt", "noise"),
        ("abandon", "threshold"),
    ] {
        let mode = if table == "central.uptake" {
            "uptake"
        } else {
            "pilot"
        };
        std::fs::write(
            t.join("noise.toml"),
            format!(
                "name = \"noise\"\nsteps = 10\nruns = 2\n[network]\nkind = \"ring\"\nn = 30\nk = 2\n\
                 [central]\nmode = \"{mode}\"\n[{table}]\n{key} = 1e308\n"
            ),
        )
        .unwrap();
        for cmd in ["check", "run"] {
            let o = policysim(
                t,
                &[cmd, "noise.toml", "--no-charts", "--out", "out"]
                    [..if cmd == "check" { 2 } else { 5 }],
            );
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{cmd} {table}.{key}: {err}");
            assert!(
                err.contains(&format!("{table}.{key}")) && err.contains("within ±1e6"),
                "{err}"
            );
            assert!(!t.join("out").exists());
        }
    }
}

/// Centres at a level designate pilots among their own governments of the pilot level:
/// a scope and pilot level that leave every centre without one are bad input; some
/// centres without one get a warning naming them (before: both ran silently, pilots
/// never designated).
#[test]
fn a_pilot_level_no_centre_has_below_it_is_refused_and_a_partial_one_warned() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    // every centre: cities as centres, provinces as the pilot level (above them)
    std::fs::write(
        t.join("above.toml"),
        "name = \"above\"\nsteps = 10\nruns = 2\n[network]\nkind = \"hierarchy\"\n\
         levels = [{ name = \"province\", count = 3 }, { name = \"city\", count = 9 }, { name = \"county\", count = 27 }]\n\
         [central]\nmode = \"pilot\"\nscope = \"city\"\n[central.pilot]\nlevel = \"province\"\n",
    )
    .unwrap();
    let o = policysim(t, &["run", "above.toml", "--no-charts", "--out", "out"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("central.pilot.level") && err.contains("no pilot could ever be designated"),
        "{err}"
    );
    assert!(!t.join("out").exists());
    // some centres: province Q has no county below it
    std::fs::write(
        t.join("nodes.csv"),
        "id,level,parent\nP,province,\nQ,province,\nC1,city,P\nC2,city,Q\nL1,county,C1\nL2,county,C1\n",
    )
    .unwrap();
    std::fs::write(
        t.join("edges.csv"),
        "source,target\nP,Q\nP,C1\nQ,C2\nC1,L1\nC1,L2\nL2,C2\n",
    )
    .unwrap();
    std::fs::write(
        t.join("part.toml"),
        "name = \"part\"\nsteps = 10\nruns = 2\n[network]\nkind = \"file\"\nedges = \"edges.csv\"\nnodes = \"nodes.csv\"\n\
         [central]\nmode = \"pilot\"\nscope = \"province\"\n[central.pilot]\nlevel = \"county\"\nsites = 1\n",
    )
    .unwrap();
    let o = policysim(t, &["run", "part.toml", "--no-charts", "--out", "part"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(
            "warning: 1 of 2 centres of level \"province\" have no government of level \"county\""
        ) && err.contains(": Q"),
        "{err}"
    );
}
