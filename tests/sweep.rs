//! Sweeps through the real binary: shards merge to the single-machine result byte for
//! byte, an interrupted sweep resumes to the same table, a changed scenario is refused, and
//! a point's results do not depend on the other points.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SCENARIO: &str = r#"
name = "tiny-sweep"
steps = 12
runs = 6
seed = 11

[network]
kind = "ring"
n = 30
k = 4

[competition]
rate = 0.3

[sweep]
"learning.rate" = { from = 0.1, to = 0.5, step = 0.2 }
"central.recognition" = [0.0, 1.0]

[sweep.labels]
"low,low" = "weak"
"high,high" = "strong"
"#;

fn policysim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) {
    let out = policysim(args);
    assert!(
        out.status.success(),
        "policysim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn write_scenario(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("sweep.toml");
    std::fs::write(&path, text).unwrap();
    path
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn csv(dir: &Path) -> Vec<u8> {
    std::fs::read(dir.join("sweep.csv")).expect("sweep.csv exists")
}

#[test]
fn three_shards_merge_to_the_unsharded_sweep_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let all = tmp.path().join("all");
    ok(&["sweep", s(&file), "--out", s(&all), "-q"]);
    let single = csv(&all);
    assert_eq!(
        String::from_utf8_lossy(&single).lines().count(),
        1 + 6,
        "header and six points"
    );
    let mut shards = Vec::new();
    for i in 1..=3 {
        let dir = tmp.path().join(format!("shard-{i}"));
        ok(&[
            "sweep",
            s(&file),
            "--shard",
            &format!("{i}/3"),
            "--out",
            s(&dir),
            "-q",
            "--threads",
            "1",
        ]);
        shards.push(dir);
    }
    let merged = tmp.path().join("merged");
    let mut args = vec!["merge"];
    args.extend(shards.iter().map(|d| s(d)));
    args.extend(["--out", s(&merged), "-q"]);
    ok(&args);
    assert_eq!(
        csv(&merged),
        single,
        "merged sweep.csv equals the single run"
    );

    // Two shards only: merge refuses and names the missing points.
    let out = policysim(&[
        "merge",
        s(&shards[0]),
        s(&shards[1]),
        "--out",
        s(&tmp.path().join("m2")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing points 2, 5"), "{err}");

    // A shard of a different sweep (another seed) is refused.
    let other = tmp.path().join("other");
    ok(&[
        "sweep",
        s(&file),
        "--seed",
        "12",
        "--shard",
        "3/3",
        "--out",
        s(&other),
        "-q",
    ]);
    let out = policysim(&[
        "merge",
        s(&shards[0]),
        s(&shards[1]),
        s(&other),
        "--out",
        s(&tmp.path().join("m3")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("different sweeps"), "{err}");
    assert!(
        err.contains("seed = 12"),
        "the message names the difference: {err}"
    );
}

#[test]
fn an_interrupted_sweep_resumes_to_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let whole = tmp.path().join("whole");
    ok(&["sweep", s(&file), "--out", s(&whole), "-q", "--keep-points"]);

    let dir = tmp.path().join("resumed");
    // "Killed" after three points: no table yet.
    ok(&[
        "sweep",
        s(&file),
        "--out",
        s(&dir),
        "-q",
        "--keep-points",
        "--max-points",
        "3",
    ]);
    assert!(!dir.join("sweep.csv").exists());
    assert!(dir.join("points/2/point.json").exists());
    assert!(!dir.join("points/3").exists());
    // A kill while point 2 was being written: its marker is gone, a temporary file is left.
    std::fs::remove_file(dir.join("points/2/point.json")).unwrap();
    std::fs::write(dir.join("points/2/.point.json.tmp"), "{ half").unwrap();
    // A point whose kept files were lost is recomputed too.
    std::fs::remove_file(dir.join("points/0/curves.csv")).unwrap();

    let out = policysim(&["sweep", s(&file), "--out", s(&dir), "--keep-points"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("5 of 6 points computed, 1 resumed"), "{err}");
    assert_eq!(csv(&dir), csv(&whole));
    for i in 0..6 {
        for f in ["curves.csv", "runs.csv", "point.json"] {
            let a = std::fs::read(whole.join(format!("points/{i}/{f}"))).unwrap();
            let b = std::fs::read(dir.join(format!("points/{i}/{f}"))).unwrap();
            assert_eq!(a, b, "points/{i}/{f}");
        }
    }
}

#[test]
fn a_changed_scenario_is_refused_on_resume() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let dir = tmp.path().join("out");
    ok(&[
        "sweep",
        s(&file),
        "--out",
        s(&dir),
        "-q",
        "--max-points",
        "2",
    ]);
    write_scenario(tmp.path(), &SCENARIO.replace("rate = 0.3", "rate = 0.4"));
    let out = policysim(&["sweep", s(&file), "--out", s(&dir)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("different sweep"), "{err}");
    assert!(err.contains("rate = 0.4"), "names the change: {err}");
    // Options that change results count as changes too.
    write_scenario(tmp.path(), SCENARIO);
    let out = policysim(&["sweep", s(&file), "--out", s(&dir), "--runs", "7"]);
    assert_eq!(out.status.code(), Some(2));
    // Labels only change the chart, not the results: resuming is fine.
    write_scenario(tmp.path(), &SCENARIO.replace("\"weak\"", "\"弱\""));
    ok(&["sweep", s(&file), "--out", s(&dir), "-q"]);
    // --force starts afresh.
    write_scenario(tmp.path(), &SCENARIO.replace("rate = 0.3", "rate = 0.4"));
    ok(&["sweep", s(&file), "--out", s(&dir), "-q", "--force"]);
    assert!(dir.join("sweep.csv").exists());
}

#[test]
fn a_point_does_not_depend_on_the_other_points() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let small = tmp.path().join("small");
    ok(&["sweep", s(&file), "--out", s(&small), "-q"]);
    // More values of the first (slowest) key: the first six points keep their indices.
    let bigger = write_scenario(
        tmp.path(),
        &SCENARIO.replace("to = 0.5, step = 0.2", "to = 0.9, step = 0.2"),
    );
    let big = tmp.path().join("big");
    ok(&["sweep", s(&bigger), "--out", s(&big), "-q"]);
    let small_csv = String::from_utf8(csv(&small)).unwrap();
    let big_csv = String::from_utf8(csv(&big)).unwrap();
    assert_eq!(big_csv.lines().count(), 1 + 10);
    let small_rows: Vec<&str> = small_csv.lines().collect();
    let big_rows: Vec<&str> = big_csv.lines().take(small_rows.len()).collect();
    assert_eq!(small_rows, big_rows);
    // Point 4 computed alone (the only point of shard 5/10) equals the same row.
    let alone = tmp.path().join("alone");
    ok(&[
        "sweep",
        s(&bigger),
        "--shard",
        "5/10",
        "--out",
        s(&alone),
        "-q",
    ]);
    let alone_csv = String::from_utf8(csv(&alone)).unwrap();
    assert_eq!(alone_csv.lines().count(), 2);
    assert_eq!(alone_csv.lines().nth(1), big_csv.lines().nth(5));
}

#[test]
fn command_line_keys_and_zip_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let base = SCENARIO.split("[sweep]").next().unwrap();
    let file = write_scenario(tmp.path(), base);
    let dir = tmp.path().join("zip");
    ok(&[
        "sweep",
        s(&file),
        "--set",
        "learning.rate=0.1,0.3",
        "--set",
        "agents.learning=[{dist=\"beta\",a=2,b=5},{dist=\"beta\",a=5,b=2}]",
        "--mode",
        "zip",
        "--out",
        s(&dir),
        "-q",
    ]);
    let text = String::from_utf8(csv(&dir)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("point,learning.rate,agents.learning,seed,runs,final_share_mean"));
    assert!(
        lines[2].starts_with("1,0.3,\"beta(a=5, b=2)\","),
        "{}",
        lines[2]
    );

    // Bad input: unknown key, bad range, unequal zip lists.
    let out = policysim(&[
        "sweep",
        s(&file),
        "--set",
        "learning.rat=0.1,0.2",
        "--out",
        s(&tmp.path().join("x")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("learning.rate"));
    let out = policysim(&["sweep", s(&file), "--set", "learning.rate=0:1:-0.1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = policysim(&[
        "sweep",
        s(&file),
        "--set",
        "learning.rate=0.1,0.2",
        "--set",
        "competition.rate=0.1,0.2,0.3",
        "--mode",
        "zip",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("zip"));
}

#[test]
fn sweep_errors_name_the_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(
        tmp.path(),
        &SCENARIO.replace("[0.0, 1.0]", "{ from = 0, to = 1 }"),
    );
    let out = policysim(&["sweep", s(&file)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sweep.toml:17"), "{err}");
    assert!(err.contains("`step` is missing"), "{err}");
    // Scenario errors outside [sweep] keep their lines too.
    let file = write_scenario(tmp.path(), &SCENARIO.replace("rate = 0.3", "rate = -3"));
    let out = policysim(&["sweep", s(&file)]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sweep.toml:13"), "{err}");
}

#[test]
fn the_typology_example_is_a_labelled_two_key_map() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/typology.toml");
    let (base, sweep) = policysim::sweep::load_sweep(&path).expect("typology.toml loads");
    assert_eq!(base.central.mode, policysim::scenario::CentralMode::Pilot);
    assert_eq!(sweep.keys, ["central.mandate.rate", "agents.learning"]);
    assert_eq!(sweep.len(), 11 * 7);
    assert_eq!(sweep.labels.len(), 4);
    assert!(sweep
        .labels
        .iter()
        .any(|l| !l.x_high && l.y_high && l.text.contains("争先模式")));
    // Every point resolves to a valid scenario.
    for i in 0..sweep.len() {
        sweep.point_scenario(&base, i).expect("valid point");
    }
}

#[test]
fn charts_the_map_after_a_whole_sweep_and_after_merge_not_per_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let all = tmp.path().join("all");
    ok(&[
        "sweep",
        s(&file),
        "--out",
        s(&all),
        "-q",
        "--size",
        "800x500",
    ]);
    for ext in ["png", "svg"] {
        assert!(all.join(format!("sweep_final_share_map.{ext}")).is_file());
    }
    let svg = std::fs::read_to_string(all.join("sweep_final_share_map.svg")).unwrap();
    assert!(
        svg.contains("strong") && svg.contains("weak"),
        "quadrant labels drawn"
    );
    assert!(
        svg.contains("Learning rate") && !svg.contains(">\nlearning.rate\n<"),
        "axis named as people say it (the table of key names), not by its dotted key"
    );

    // Another metric, in Chinese, redrawn by re-running (every point resumes).
    ok(&[
        "sweep",
        s(&file),
        "--out",
        s(&all),
        "-q",
        "--metric",
        "t50",
        "--lang",
        "zh",
        "--format",
        "svg",
    ]);
    let svg = std::fs::read_to_string(all.join("sweep_t50_map.svg")).unwrap();
    assert!(svg.contains("达到50%采纳所需时间"), "Chinese title");

    // Shards draw nothing; the merge draws the map.
    let shard = tmp.path().join("shard-1");
    ok(&[
        "sweep",
        s(&file),
        "--shard",
        "1/1",
        "--out",
        s(&shard),
        "-q",
        "--no-charts",
    ]);
    assert!(!shard.join("sweep_final_share_map.png").exists());
    let half = tmp.path().join("half");
    ok(&["sweep", s(&file), "--shard", "1/2", "--out", s(&half), "-q"]);
    assert!(!half.join("sweep_final_share_map.png").exists());
    let merged = tmp.path().join("merged");
    ok(&[
        "merge",
        s(&half),
        s(&shard),
        "--out",
        s(&merged),
        "-q",
        "--format",
        "png",
    ]);
    assert!(merged.join("sweep_final_share_map.png").is_file());

    // One key: the metric against the key with its band.
    let line = tmp.path().join("line");
    ok(&[
        "sweep",
        s(&file),
        "--set",
        "learning.rate=0.2",
        "--out",
        s(&line),
        "-q",
        "--format",
        "svg",
        "--metric",
        "lineages",
    ]);
    assert!(line.join("sweep_lineages_line.svg").is_file());

    // A bad metric is refused before any work.
    let out = policysim(&[
        "sweep",
        s(&file),
        "--metric",
        "speed",
        "--out",
        s(&tmp.path().join("bad")),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("final_share"));
    assert!(!tmp.path().join("bad").exists());
}

/// A 202-point sweep of the tiny scenario (101 learning rates x 2 recognitions) on one
/// thread, long enough to stop part-way.
fn long_sweep_args(file: &Path, runs: &str, out: &Path) -> Vec<String> {
    [
        "sweep",
        s(file),
        "--set",
        "learning.rate=0:1:0.01",
        "--runs",
        runs,
        "--threads",
        "1",
        "--no-charts",
        "-q",
        "--out",
        s(out),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect()
}

/// Waits (at most a minute) until point `index` of the sweep in `dir` is written.
fn wait_for_point(dir: &Path, index: usize) {
    let marker = dir.join(format!("points/{index}/point.json"));
    let started = std::time::Instant::now();
    while !marker.exists() && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

#[test]
fn a_killed_sweep_resumes_to_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let args = |out: &Path| long_sweep_args(&file, "30", out);
    let whole = tmp.path().join("whole");
    ok(&args(&whole).iter().map(String::as_str).collect::<Vec<_>>());

    let dir = tmp.path().join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_policysim"))
        .args(args(&dir))
        .spawn()
        .unwrap();
    wait_for_point(&dir, 5);
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let done = std::fs::read_dir(dir.join("points")).unwrap().count();
    eprintln!("killed after {done} of 202 points");
    ok(&args(&dir).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(csv(&dir), csv(&whole));
}

#[test]
fn an_interrupted_sweep_says_how_to_resume_and_resumes_to_the_same_table() {
    let tmp = tempfile::tempdir().unwrap();
    let file = write_scenario(tmp.path(), SCENARIO);
    let args = |out: &Path| long_sweep_args(&file, "1000", out);
    let whole = tmp.path().join("whole");
    ok(&args(&whole).iter().map(String::as_str).collect::<Vec<_>>());

    let dir = tmp.path().join("interrupted");
    let child = Command::new(env!("CARGO_BIN_EXE_policysim"))
        .args(args(&dir))
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_point(&dir, 5);
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("re-run the same command to resume"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        !dir.join("sweep.csv").exists(),
        "an interrupted sweep writes no sweep.csv"
    );
    ok(&args(&dir).iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(csv(&dir), csv(&whole));
}

/// `sweep --observed`: every point starts from the observed first adopters, spans the
/// observed years and gets the RMSE of its mean curve against them; the map of that RMSE
/// is a calibration landscape. The recorded sweep.toml (with initial.csv beside it)
/// reproduces the points.
#[test]
fn a_sweep_compared_with_observed_adoptions_has_an_rmse_per_point() {
    let tmp = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = root.join("scenarios/us_states.toml");
    let spid = root.join("scenarios/data/spid_sample.csv");
    let out = tmp.path().join("landscape");
    let sweep = |out: &Path, policy: &str, extra: &[&str]| {
        let mut args = vec!["sweep", s(&scenario), "--observed", s(&spid), "--policy"];
        args.extend([policy, "--set", "innovation.rate=0.2,0.5"]);
        args.extend(["--set", "learning.rate=0,0.5", "--runs", "20", "--quiet"]);
        args.extend(["--out", s(out)]);
        args.extend(extra);
        policysim(&args)
    };
    let o = sweep(
        &out,
        "mothersaid",
        &[
            "--keep-points",
            "--metric",
            "observed_rmse",
            "--format",
            "svg",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let map = std::fs::read_to_string(out.join("sweep_observed_rmse_map.svg")).unwrap();
    assert!(map.contains("RMSE against the observed adoption curve (mean curve of 20 runs)"));

    let observed: Vec<f64> = std::fs::read_to_string(out.join("observed.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(observed.len(), 21, "mothers' aid 1911-1931");
    let table = String::from_utf8(csv(&out)).unwrap();
    let mut lines = table.lines();
    assert!(lines
        .next()
        .unwrap()
        .ends_with(",observed_rmse,observed_rmse_ci_low,observed_rmse_ci_high"));
    let mut rmses = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<f64> = line
            .rsplit(',')
            .take(3)
            .map(|c| c.parse().unwrap())
            .collect();
        let (high, low, reported) = (cells[0], cells[1], cells[2]);
        assert!(0.0 <= low && low < high && high < 1.0, "{line}");
        // the mean curve of the point, from its kept curves.csv
        let curves = std::fs::read_to_string(out.join(format!("points/{i}/curves.csv"))).unwrap();
        let mean: Vec<(f64, f64)> = curves
            .lines()
            .filter(|l| l.split(',').nth(1) == Some("adopted_share"))
            .map(|l| {
                let c: Vec<&str> = l.split(',').collect();
                (c[2].parse().unwrap(), c[3].parse().unwrap())
            })
            .collect();
        assert_eq!(
            mean.len(),
            observed.len(),
            "point {i} spans the observed years"
        );
        assert_eq!(
            mean[0].1, 0.0,
            "point {i}: step 0 holds the observed first adopters"
        );
        assert_eq!(mean[0].0, observed[0]);
        let sq: f64 = (1..mean.len())
            .map(|t| (mean[t].0 - observed[t]).powi(2))
            .sum();
        let rmse = (sq / (mean.len() - 1) as f64).sqrt();
        assert!(
            (reported - rmse).abs() < 1e-9,
            "point {i}: {reported} vs {rmse}"
        );
        rmses.push(reported);
    }
    assert_eq!(rmses.len(), 4);
    assert!(
        rmses.iter().any(|r| (r - rmses[0]).abs() > 1e-3),
        "{rmses:?}"
    );

    // other observed adoptions are a different sweep: not mixed into this folder
    let o = sweep(&out, "antistalk", &["--no-charts"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("different sweep"));

    // the recorded sweep.toml reproduces every point (all columns but observed_rmse and
    // its interval)
    let again = tmp.path().join("again");
    ok(&[
        "sweep",
        s(&out.join("sweep.toml")),
        "--quiet",
        "--no-charts",
        "--out",
        s(&again),
    ]);
    let without_rmse: String = table
        .lines()
        .map(|l| format!("{}\n", l.rsplitn(4, ',').last().unwrap()))
        .collect();
    assert_eq!(String::from_utf8(csv(&again)).unwrap(), without_rmse);

    // shards merge into the same table, with the observed data beside it
    let (a, b, merged) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("merged"),
    );
    for (dir, shard) in [(&a, "1/2"), (&b, "2/2")] {
        let o = sweep(dir, "mothersaid", &["--shard", shard, "--no-charts"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    ok(&[
        "merge",
        s(&a),
        s(&b),
        "--out",
        s(&merged),
        "--quiet",
        "--no-charts",
    ]);
    assert_eq!(String::from_utf8(csv(&merged)).unwrap(), table);
    for name in ["observed.csv", "initial.csv"] {
        assert_eq!(
            std::fs::read(merged.join(name)).unwrap(),
            std::fs::read(out.join(name)).unwrap(),
            "{name}"
        );
    }

    // the points start from the observed first adopters: [initial] cannot be swept
    let o = sweep(
        &tmp.path().join("initial"),
        "mothersaid",
        &["--set", "initial.count=1,2"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("initial.count"));

    // the RMSE map needs observed adoptions
    let o = policysim(&[
        "sweep",
        s(&scenario),
        "--set",
        "innovation.rate=0.2,0.5",
        "--metric",
        "observed_rmse",
        "--out",
        s(&tmp.path().join("none")),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--observed"));
    assert!(!tmp.path().join("none").exists());
}

/// Observed adoptions were matched to one network: a sweep whose network keys change the
/// number of governments is refused before any point runs.
#[test]
fn observed_adoptions_and_a_network_of_another_size_are_refused_up_front() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("ring.toml");
    std::fs::write(
        &scenario,
        "name = \"r\"\nsteps = 3\nruns = 2\n[network]\nkind = \"ring\"\nn = 20\nk = 2\n",
    )
    .unwrap();
    let observed = tmp.path().join("observed.csv");
    std::fs::write(&observed, "unit,adopt_year\n0,2000\n1,2001\n5,2002\n").unwrap();
    let out = tmp.path().join("out");
    let args = |n: &str| {
        let set = format!("network.n={n}");
        let o = policysim(&[
            "sweep",
            s(&scenario),
            "--observed",
            s(&observed),
            "--set",
            &set,
            "--quiet",
            "--no-charts",
            "--out",
            s(&out),
        ]);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = args("20,30");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("point 1") && err.contains("30 units"), "{err}");
    assert!(!out.exists(), "nothing written");
    // the same size at every point is fine
    let (code, err) = args("20");
    assert_eq!(code, Some(0), "{err}");
    assert!(csv(&out).ends_with(b"\n"));
}

/// The map of the error against observed adoptions names the policy in its title, as the
/// charts of `fit` and `forecast` do: `sweep.json` records `observed_policy`, and without
/// it the same folder draws another chart (the title is the only difference).
#[test]
fn the_observed_rmse_map_names_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = dir.path().join("sw");
    ok(&[
        "sweep",
        s(&root.join("scenarios/us_states.toml")),
        "--observed",
        s(&root.join("scenarios/data/spid_sample.csv")),
        "--policy",
        "mothersaid",
        "--set",
        "innovation.rate=0.2,0.5",
        "--set",
        "learning.rate=0,0.5",
        "--runs",
        "20",
        "--metric",
        "observed_rmse",
        "--format",
        "svg",
        "--quiet",
        "--out",
        s(&out),
    ]);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).unwrap()).unwrap();
    assert_eq!(meta["observed_policy"], "mothersaid");
    let named = std::fs::read(out.join("sweep_observed_rmse_map.svg")).unwrap();
    // the same folder without the record of the policy
    let mut unnamed_meta = meta.clone();
    unnamed_meta
        .as_object_mut()
        .unwrap()
        .remove("observed_policy");
    std::fs::write(
        out.join("sweep.json"),
        serde_json::to_string_pretty(&unnamed_meta).unwrap(),
    )
    .unwrap();
    let redrawn = dir.path().join("redrawn");
    ok(&[
        "plot",
        s(&out),
        "--metric",
        "observed_rmse",
        "--format",
        "svg",
        "--quiet",
        "--out",
        s(&redrawn),
    ]);
    let unnamed = std::fs::read(redrawn.join("sweep_observed_rmse_map.svg")).unwrap();
    assert_ne!(named, unnamed, "the policy changes nothing in the chart");
    // a metric other than the error does not name it: the same chart with or without it
    let share = |name: &str| {
        let to = dir.path().join(name);
        ok(&[
            "plot",
            s(&out),
            "--metric",
            "final_share",
            "--format",
            "svg",
            "--quiet",
            "--out",
            s(&to),
        ]);
        std::fs::read(to.join("sweep_final_share_map.svg")).unwrap()
    };
    let without = share("share-without");
    std::fs::write(
        out.join("sweep.json"),
        serde_json::to_string_pretty(&meta).unwrap(),
    )
    .unwrap();
    assert_eq!(share("share-with"), without);
}
