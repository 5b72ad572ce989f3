//! `policysim run --observed`: a run that starts from real first adopters, spans the
//! observed years, and is compared with what happened (observed.csv, summary.json, the
//! adoption chart), and whose recorded scenario reproduces it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_policysim"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Adoption year per state of one SPID policy, read straight from the data file.
fn spid_years(policy: &str) -> BTreeMap<String, i32> {
    let text = read(&repo().join("scenarios/data/spid_sample.csv"));
    let mut years = BTreeMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() == 3 && cells[1] == policy && !cells[2].is_empty() {
            years.insert(cells[0].to_string(), cells[2].parse().unwrap());
        }
    }
    years
}

/// Rows of `curves.csv` for one series: (step, mean, sd).
fn series(curves: &str, name: &str) -> Vec<(usize, f64, f64)> {
    curves
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[1] == name)
        .map(|c| {
            (
                c[0].parse().unwrap(),
                c[2].parse().unwrap(),
                c[3].parse().unwrap(),
            )
        })
        .collect()
}

fn run_us(out: &Path, extra: &[&str]) -> std::process::Output {
    bin()
        .current_dir(repo())
        .args(["run", "scenarios/us_states.toml", "--runs", "60", "--quiet"])
        .args(["--format", "svg", "--size", "800x500", "--out"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// `run_us` compared with the SPID adoptions of mothers' aid.
fn run_us_mothersaid(out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--observed",
        "scenarios/data/spid_sample.csv",
        "--policy",
        "mothersaid",
    ];
    args.extend(extra);
    run_us(out, &args)
}

#[test]
fn a_run_starts_from_the_observed_first_adopters_and_is_compared_with_them() {
    let years = spid_years("mothersaid");
    let first = *years.values().min().unwrap();
    let last = *years.values().max().unwrap();
    let initial: Vec<&String> = years
        .iter()
        .filter(|(_, &y)| y == first)
        .map(|(s, _)| s)
        .collect();
    assert!(!initial.is_empty() && last > first);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("observed");
    let o = run_us_mothersaid(&out, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // the run spans the observed years, in calendar years
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["start_year"], first);
    assert_eq!(summary["steps"], last - first);
    let block = &summary["observed"];
    assert_eq!(block["units"], 50);
    assert_eq!(block["initial_adopters"], initial.len());
    assert_eq!(block["last_year"], last);
    assert!(block["source"].as_str().unwrap().contains("mothersaid"));

    // step 0 holds exactly the observed first adopters, in every run
    let curves = read(&out.join("curves.csv"));
    let share = series(&curves, "adopted_share");
    assert_eq!(share.len() as i32, last - first + 1);
    assert_eq!((share[0].1, share[0].2), (initial.len() as f64 / 50.0, 0.0));
    assert!(share.last().unwrap().1 > share[0].1, "nothing spread");
    let listed: Vec<String> = read(&out.join("initial.csv"))
        .lines()
        .skip(1)
        .map(String::from)
        .collect();
    assert_eq!(listed.iter().collect::<Vec<_>>(), initial);

    // observed.csv is the cumulative share of the data, year by year
    let observed = read(&out.join("observed.csv"));
    let mut lines = observed.lines();
    assert_eq!(
        lines.next(),
        Some("step,year,observed_adopters,observed_share")
    );
    let rows: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    assert_eq!(rows.len(), share.len());
    let mut observed_share = Vec::new();
    for (t, row) in rows.iter().enumerate() {
        let year = first + t as i32;
        let adopted = years.values().filter(|&&y| y <= year).count();
        assert_eq!(row[0], t.to_string());
        assert_eq!(row[1], year.to_string());
        assert_eq!(row[2], adopted.to_string());
        let s: f64 = row[3].parse().unwrap();
        assert!((s - adopted as f64 / 50.0).abs() < 1e-12, "{row:?}");
        observed_share.push(s);
    }

    // the reported RMSE is that of the mean curve against the observed share, steps 1..
    let sq: f64 = (1..share.len())
        .map(|t| (share[t].1 - observed_share[t]).powi(2))
        .sum();
    let rmse = (sq / (share.len() - 1) as f64).sqrt();
    let reported = block["rmse"].as_f64().unwrap();
    assert!((reported - rmse).abs() < 1e-9, "{reported} vs {rmse}");
    // Its uncertainty: a bootstrap interval over runs, which holds the estimate here (the
    // mean curve misses the observed one by far more than its own noise).
    let (low, high) = (
        block["rmse_ci_low"].as_f64().unwrap(),
        block["rmse_ci_high"].as_f64().unwrap(),
    );
    assert!(low < reported && reported < high, "{low} {reported} {high}");
    assert!(block["rmse_ci_method"]
        .as_str()
        .unwrap()
        .contains("bootstrap"));

    // the adoption chart shows the observed points (one dot per year plus the legend's)
    let with = read(&out.join("adoption.svg"));
    assert!(with.contains("Observed"));
    let plain_out = dir.path().join("plain");
    assert!(run_us(&plain_out, &[]).status.success());
    let without = read(&plain_out.join("adoption.svg"));
    assert_eq!(
        with.matches("<circle").count() - without.matches("<circle").count(),
        share.len() + 1
    );
    assert!(!plain_out.join("observed.csv").exists());
    // `plot` re-draws the same chart from the folder's files, observed points included
    let o = bin()
        .args(["plot", "--format", "svg", "--size", "800x500"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(with, read(&out.join("adoption.svg")));

    // the recorded scenario reproduces the run (its initial.csv is found beside it)
    let again = dir.path().join("again");
    let o = bin()
        .args(["run", "--quiet", "--no-charts", "--out"])
        .arg(&again)
        .arg(out.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(curves, read(&again.join("curves.csv")));
    assert_eq!(read(&out.join("runs.csv")), read(&again.join("runs.csv")));
}

#[test]
fn steps_can_extend_past_the_last_observed_year() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("longer");
    let o = run_us_mothersaid(&out, &["--steps", "30", "--no-charts"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let curves = read(&out.join("curves.csv"));
    assert_eq!(series(&curves, "adopted_share").len(), 31);
    let years = spid_years("mothersaid");
    let span = years.values().max().unwrap() - years.values().min().unwrap();
    assert_eq!(
        read(&out.join("observed.csv")).lines().count() as i32,
        span + 2
    );
}

#[test]
fn bad_observed_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("obs.csv");
    std::fs::write(&p, "unit,adopt_year\nOhio,1990\nKalifornia,1991\n").unwrap();
    let out = dir.path().join("out");
    let o = run_us(&out, &["--observed", p.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("unknown unit \"Kalifornia\"") && err.contains("California"),
        "{err}"
    );
    assert!(!out.exists());
    // a network drawn anew in every run cannot carry the observed first adopters
    let data = repo().join("scenarios/data");
    let redraw = read(&repo().join("scenarios/us_states.toml"))
        .replace("\"data/", &format!("\"{}/", data.display()))
        .replace("[network]\n", "[network]\nredraw = true\n");
    let scenario = dir.path().join("redraw.toml");
    std::fs::write(&scenario, redraw).unwrap();
    let o = bin()
        .current_dir(repo())
        .args(["run", scenario.to_str().unwrap(), "--quiet", "--observed"])
        .args([
            "scenarios/data/spid_sample.csv",
            "--policy",
            "mothersaid",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("network.redraw"), "{err}");
    assert!(!out.exists());
    // reading options without a file are a usage error
    let o = run_us(&out, &["--policy", "mothersaid"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--observed"));
    assert!(!out.exists());
}

/// Node ids that a careless writer would turn into other records: a line break, a
/// leading `#` (a comment), the header's own word, a comma, a quote, spaces inside.
const HOSTILE_IDS: [&str; 6] = ["line\nbreak", "#hash", "id", "com,ma", "quo\"te", "in side"];

fn quoted(id: &str) -> String {
    format!("\"{}\"", id.replace('"', "\"\""))
}

#[test]
fn hostile_ids_of_observed_first_adopters_round_trip_through_initial_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut ids: Vec<String> = HOSTILE_IDS.iter().map(|s| s.to_string()).collect();
    ids.extend((0..10).map(|i| format!("plain{i}")));
    let mut nodes = String::from("id\n");
    for id in &ids {
        nodes.push_str(&quoted(id));
        nodes.push('\n');
    }
    let mut edges = String::from("source,target\n");
    for w in ids.windows(2) {
        edges.push_str(&format!("{},{}\n", quoted(&w[0]), quoted(&w[1])));
    }
    // The six hostile ids adopt first (1990); two plain units follow.
    let mut observed = String::from("unit,adopt_year\n");
    for id in HOSTILE_IDS {
        observed.push_str(&format!("{},1990\n", quoted(id)));
    }
    observed.push_str("plain0,1992\nplain1,1995\n");
    std::fs::write(dir.path().join("nodes.csv"), nodes).unwrap();
    std::fs::write(dir.path().join("edges.csv"), edges).unwrap();
    std::fs::write(dir.path().join("observed.csv"), observed).unwrap();
    std::fs::write(
        dir.path().join("s.toml"),
        "name = \"hostile\"\nsteps = 5\nruns = 20\nseed = 3\n\
         [network]\nkind = \"file\"\nnodes = \"nodes.csv\"\nedges = \"edges.csv\"\n\
         [innovation]\nrate = 0.05\n",
    )
    .unwrap();
    let first = dir.path().join("first");
    let out = bin()
        .current_dir(dir.path())
        .args([
            "run",
            "s.toml",
            "--observed",
            "observed.csv",
            "--quiet",
            "--no-charts",
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
    // The recorded scenario names initial.csv; re-running it must start from the same six.
    let again = dir.path().join("again");
    let out = bin()
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
    let step0 = |d: &Path| -> f64 { series(&read(&d.join("curves.csv")), "adopted_share")[0].1 };
    let expected = HOSTILE_IDS.len() as f64 / ids.len() as f64;
    assert!(
        (step0(&first) - expected).abs() < 1e-12,
        "{}",
        step0(&first)
    );
    assert!(
        (step0(&again) - expected).abs() < 1e-12,
        "{}",
        step0(&again)
    );
    assert_eq!(read(&first.join("runs.csv")), read(&again.join("runs.csv")));
}

#[test]
fn a_run_shorter_than_the_observed_span_says_which_years_it_compares() {
    let years = spid_years("mothersaid");
    let first = *years.values().min().unwrap();
    let last = *years.values().max().unwrap();
    assert!(last - first > 2);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("short");
    let o = bin()
        .current_dir(repo())
        .args([
            "run",
            "scenarios/us_states.toml",
            "--runs",
            "10",
            "--no-charts",
        ])
        .args([
            "--observed",
            "scenarios/data/spid_sample.csv",
            "--policy",
            "mothersaid",
        ])
        .args(["--steps", "1", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let span = format!(
        "--steps 1 ends in {} but the observed adoptions run to {last}",
        first + 1
    );
    assert!(err.contains(&span), "{err}");
    assert!(
        err.contains(&format!("over {}-{}", first + 1, first + 1)),
        "{err}"
    );
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    let obs = &summary["observed"];
    assert_eq!(
        obs["compared_years"],
        serde_json::json!([first + 1, first + 1])
    );
    assert_eq!(obs["last_year"], serde_json::json!(last));
    // Rounded like every other number the tool writes (12 significant digits).
    let rmse = obs["rmse"].as_f64().unwrap();
    assert_eq!(rmse.to_string(), policysim::cells::num(rmse));
}

#[test]
fn a_unit_listed_twice_with_different_years_keeps_its_earliest_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("obs.csv");
    std::fs::write(
        &p,
        "unit,adopt_year\nOhio,1990\nTexas,1992\nOhio,1995\nUtah,1996\nTexas,1992\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let o = bin()
        .current_dir(repo())
        .args([
            "run",
            "scenarios/us_states.toml",
            "--runs",
            "4",
            "--no-charts",
        ])
        .arg("--observed")
        .arg(&p)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {}:4: unit \"Ohio\" is listed again, adopting in 1995 (line 2: 1990); the earliest year, 1990, is kept",
            p.display()
        )),
        "{err}"
    );
    // The same year twice is no conflict.
    assert!(!err.contains("\"Texas\" is listed again"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["observed"]["start_year"], serde_json::json!(1990));
    assert_eq!(
        summary["observed"]["initial_adopters"],
        serde_json::json!(1)
    );
}
