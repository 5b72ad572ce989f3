//! `policysim run --record events`: the event history of every run (`events.csv`) agrees
//! with what the run reports elsewhere (`runs.csv`, the representative run's `map.csv`),
//! is the same with 1 and 2 threads, leaves the other outputs unchanged, and is streamed
//! (peak memory of 10,000 runs within the documented estimate).

use crate::common::binary;
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

/// A small hierarchy with every channel: innovation, learning, competition, pilots
/// promoted by mandate, abandonment (wound-up pilots and own failures).
pub(crate) const SMALL: &str = r#"
name = "events-small"
steps = 15
runs = 12
seed = 5

[network]
kind = "hierarchy"
levels = [
  { name = "province", count = 4 },
  { name = "city", count = 24 },
  { name = "county", count = 120 },
]
regions = ["east", "west"]
k = 4

[initial]
count = 3

[innovation]
rate = 0.01
quality = { dist = "normal", mean = 0.0, sd = 0.5 }

[learning]
rate = 0.8
performance_weight = 1.0

[competition]
rate = 0.3
rivals = "same_parent"

[abandon]
threshold = -0.5
rate = 0.3

[central]
mode = "pilot"

[central.pilot]
start = 2
sites = 10
quality = 0.3
evaluate_after = 3
promote_above = -5.0
promotion = "mandate"
wind_up = true
"#;

/// Writes `text` as a scenario and runs it with `extra` arguments into `out`.
pub(crate) fn run(dir: &Path, text: &str, out: &str, extra: &[&str]) -> std::path::PathBuf {
    let file = dir.join("scenario.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.join(out);
    let status = Command::new(binary())
        .arg("run")
        .arg(&file)
        .args(["--quiet", "--no-charts", "--out"])
        .arg(&out)
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    out
}

/// The rows of a CSV file as maps from column to cell (no quoted commas in these files).
pub(crate) fn rows(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{l}");
            header
                .iter()
                .cloned()
                .zip(cells.iter().map(|c| c.to_string()))
                .collect()
        })
        .collect()
}

fn close(a: &str, b: f64) -> bool {
    let a: f64 = a.parse().unwrap();
    (a - b).abs() < 1e-9
}

#[test]
fn events_reproduce_runs_csv_and_the_map_and_do_not_depend_on_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = run(
        dir.path(),
        SMALL,
        "one",
        &["--record", "events", "--threads", "1"],
    );
    let two = run(
        dir.path(),
        SMALL,
        "two",
        &["--record", "events", "--threads", "2"],
    );
    let plain = run(dir.path(), SMALL, "plain", &["--threads", "2"]);
    let events = std::fs::read(one.join("events.csv")).unwrap();
    assert_eq!(events, std::fs::read(two.join("events.csv")).unwrap());
    assert!(!plain.join("events.csv").exists());
    // the other outputs are the same with and without events
    for f in ["runs.csv", "curves.csv", "hazard.csv", "map.csv"] {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(plain.join(f)).unwrap(),
            "{f}"
        );
    }

    let map = rows(&one.join("map.csv"));
    let n = map.len();
    assert_eq!(n, 148);
    let events = rows(&one.join("events.csv"));
    let runs = rows(&one.join("runs.csv"));
    assert_eq!(runs.len(), 12);
    let mut seen = [0usize; 6];
    let mut abandons = 0;
    for r in &runs {
        let run = &r["run"];
        let mine: Vec<_> = events.iter().filter(|e| &e["run"] == run).collect();
        // replay: current adopters after every step
        let mut adopted: HashMap<&str, bool> = HashMap::new();
        let mut first: HashMap<&str, u32> = HashMap::new();
        let mut by_channel: HashMap<&str, usize> = HashMap::new();
        let mut t50 = None;
        let mut count = 0usize;
        let mut last_step = 0;
        for e in &mine {
            let step: u32 = e["step"].parse().unwrap();
            assert!(step >= last_step, "events in step order");
            if step > last_step {
                if t50.is_none() && count * 2 >= n && last_step > 0 {
                    t50 = Some(last_step);
                }
                last_step = step;
            }
            let unit = e["unit"].as_str();
            match e["event"].as_str() {
                "adopt" => {
                    assert_ne!(adopted.insert(unit, true), Some(true), "adopts twice");
                    first.entry(unit).or_insert(step);
                    count += 1;
                    if step > 0 {
                        *by_channel.entry(e["channel"].as_str()).or_default() += 1;
                    } else {
                        assert_eq!(e["channel"], "initial");
                    }
                    let source = e["source"].as_str();
                    match e["channel"].as_str() {
                        "innovation" | "initial" => assert_eq!(source, ""),
                        "pilot" | "mandate" => assert_eq!(source, "centre"),
                        "learning" => assert!(!source.is_empty()),
                        "competition" => {
                            assert!(!source.is_empty() && source != "centre");
                        }
                        c => panic!("channel {c}"),
                    }
                    let k = ["initial", "innovation", "learning", "competition", "pilot"]
                        .iter()
                        .position(|c| *c == e["channel"])
                        .unwrap_or(5);
                    seen[k] += 1;
                }
                "abandon" => {
                    assert_eq!(
                        adopted.insert(unit, false),
                        Some(true),
                        "abandons unadopted"
                    );
                    count -= 1;
                    abandons += 1;
                }
                x => panic!("event {x}"),
            }
        }
        if t50.is_none() && count * 2 >= n {
            t50 = Some(last_step);
        }
        assert!(
            close(&r["final_share"], count as f64 / n as f64),
            "run {run}"
        );
        assert_eq!(
            r["t50"],
            t50.map_or(String::new(), |t| t.to_string()),
            "run {run}"
        );
        let total: usize = by_channel.values().sum();
        for c in ["innovation", "learning", "competition", "pilot", "mandate"] {
            let share = by_channel.get(c).copied().unwrap_or(0) as f64 / total as f64;
            assert!(close(&r[&format!("share_{c}")], share), "run {run} {c}");
        }
        // the representative run's map: each government's first adoption step
        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(one.join("summary.json")).unwrap()).unwrap();
        if summary["representative_run"].as_u64().unwrap().to_string() == *run {
            for m in &map {
                let expected = first
                    .get(m["name"].as_str())
                    .map_or(String::new(), |s| s.to_string());
                assert_eq!(m["adopted_step"], expected, "{}", m["name"]);
            }
        }
    }
    // the scenario exercised every channel and abandonment
    assert!(seen.iter().all(|&k| k > 0), "{seen:?}");
    assert!(abandons > 0);
}

/// 10,000 runs with events (200 governments, abandonment on, 2 threads): the peak
/// resident memory stays within the documented estimate (`limits::estimate` plus
/// `limits::events_bytes`, the runs in flight), and is about that of 1,000 runs: the
/// events go to disk as runs finish (events.csv holds tens of megabytes), and with
/// `--table-format both` events.parquet is made from it in row groups.
#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_runs_with_events_stay_within_the_estimate() {
    use policysim::limits::{estimate, events_bytes};
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"many\"\nsteps = 20\nruns = 10000\nseed = 3\n[initial]\ncount = 5\n\
                [network]\nkind = \"ring\"\nn = 200\nk = 4\n[abandon]\nthreshold = 0.0\nrate = 0.1\n";
    let file = dir.path().join("many.toml");
    std::fs::write(&file, text).unwrap();
    let scenario = policysim::scenario::parse_scenario(text, &file).unwrap();
    let documented = estimate(&scenario, 2).total + events_bytes(&scenario, 2);
    let peak = |runs: &str, out: &str| {
        let child = Command::new(binary())
            .current_dir(dir.path())
            .env_remove("POLICYSIM_MEMORY_AVAILABLE")
            .args(["run", "many.toml", "--out", out, "--runs", runs])
            .args([
                "--threads",
                "2",
                "--no-charts",
                "--quiet",
                "--record",
                "events",
                "--table-format",
                "both",
            ])
            .spawn()
            .unwrap();
        crate::memory_limit::peak_memory(child)
    };
    let many = peak("10000", "many");
    let few = peak("1000", "few");
    let events = std::fs::metadata(dir.path().join("many/events.csv"))
        .unwrap()
        .len();
    assert!(events > 20 << 20, "events.csv of {events} bytes");
    // converted to Parquet a row group at a time, within the same estimate
    assert!(dir.path().join("many/events.parquet").is_file());
    assert!(
        many <= documented,
        "peak {many} above the estimate {documented}"
    );
    assert!(
        many < few + (4 << 20),
        "10,000 runs peak at {many}, 1,000 at {few}: memory grows with runs"
    );
}

/// `sweep --record events`: each point's `points/<i>/events.csv` is the event history
/// `run --record events` writes for that point's scenario (the same seed under common
/// random numbers), whatever the thread count; a resumed sweep whose done points lack
/// it (recorded without events) computes them again.
#[test]
fn a_sweep_records_each_points_events_as_run_does() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(
        t.join("s.toml"),
        "name = \"sweep-events\"\nsteps = 12\nruns = 6\nseed = 4\n[network]\nkind = \"ring\"\nn = 60\nk = 4\n\
         [innovation]\nrate = 0.02\n[learning]\nrate = 0.4\n[abandon]\nthreshold = -0.2\nrate = 0.3\n",
    )
    .unwrap();
    let policysim = |args: &[&str]| {
        let o = Command::new(binary())
            .current_dir(t)
            .args(args)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let sweep = |out: &str, threads: &str, record: bool| {
        let mut a = vec![
            "sweep",
            "s.toml",
            "--set",
            "learning.rate=0.2,0.6",
            "--threads",
            threads,
            "--no-charts",
            "--quiet",
            "--out",
            out,
        ];
        if record {
            a.extend(["--record", "events"]);
        }
        policysim(&a);
    };
    sweep("one", "1", true);
    sweep("two", "2", true);
    for (point, rate) in [(0, "0.2"), (1, "0.6")] {
        let run = format!("run-{point}");
        policysim(&[
            "run",
            "s.toml",
            "--set",
            &format!("learning.rate={rate}"),
            "--record",
            "events",
            "--no-charts",
            "--quiet",
            "--out",
            &run,
        ]);
        let of_run = std::fs::read(t.join(&run).join("events.csv")).unwrap();
        for dir in ["one", "two"] {
            let of_point =
                std::fs::read(t.join(dir).join(format!("points/{point}/events.csv"))).unwrap();
            assert!(
                of_point == of_run,
                "point {point} of {dir} differs from run"
            );
        }
        assert!(String::from_utf8_lossy(&of_run).contains(",abandon,"));
    }
    // `panel` reads a point's folder as it reads a run's: the same panel
    for (dir, file) in [("one/points/1", "point.csv"), ("run-1", "run.csv")] {
        policysim(&["panel", dir, "--design", "unit-year", "--out", file]);
    }
    assert_eq!(
        std::fs::read(t.join("point.csv")).unwrap(),
        std::fs::read(t.join("run.csv")).unwrap()
    );
    // a sweep done without events, re-run asking for them: the points are computed again
    sweep("later", "2", false);
    assert!(!t.join("later/points/0/events.csv").exists());
    sweep("later", "2", true);
    for point in 0..2 {
        assert_eq!(
            std::fs::read(t.join(format!("later/points/{point}/events.csv"))).unwrap(),
            std::fs::read(t.join(format!("one/points/{point}/events.csv"))).unwrap()
        );
    }
    // no temporary file is left behind
    let left: Vec<_> = walk(&t.join("one"))
        .into_iter()
        .filter(|p| !p.ends_with("events.csv") && p.to_string_lossy().contains("events"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
