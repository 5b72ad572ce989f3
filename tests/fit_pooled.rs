//! `policysim fit --policy a,b,c` through the binary: a pooled fit recovers the shared
//! parameters of synthetic policies simulated with known values (each with its own
//! seed and span), and its objective is the mean of the per-policy objectives.

use policysim::ensemble::{prepare, run_indexed};
use policysim::scenario::parse_scenario;
use std::path::Path;
use std::process::Command;

/// A small-world scenario with innovation and learning only.
const SYNTHETIC: &str = r#"
name = "synthetic"
steps = STEPS
runs = 100
seed = 5
[network]
kind = "watts_strogatz"
n = 400
k = 6
beta = 0.1
[agents]
learning = { dist = "beta", a = 2.0, b = 2.0 }
resources = { dist = "beta", a = 2.0, b = 2.0 }
inertia = { dist = "beta", a = 2.0, b = 5.0 }
fit = 0.0
[innovation]
rate = 0.02
[learning]
rate = 0.6
performance_weight = 0.0
need_weight = 0.0
[abandon]
rate = 0.0
"#;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_pooled_fit_recovers_the_shared_parameters_of_synthetic_policies() {
    let dir = tempfile::tempdir().unwrap();
    let scenario_path = dir.path().join("synthetic.toml");
    std::fs::write(&scenario_path, SYNTHETIC.replace("STEPS", "15")).unwrap();
    // three "observed" policies: runs of the model itself with seeds the fit does not
    // use, over 10, 14 and 18 years
    let mut csv = String::from("unit,policy,adopt_year\n");
    for (policy, seed, steps) in [("p10", 101u64, 10u32), ("p14", 202, 14), ("p18", 303, 18)] {
        let text = SYNTHETIC.replace("STEPS", &steps.to_string());
        let s = parse_scenario(&text, &scenario_path).unwrap();
        let prepared = prepare(&s).unwrap();
        let run = run_indexed(&s, seed, &prepared, 0, true).unwrap();
        for (i, &step) in run.adopted_step.unwrap().iter().enumerate() {
            if step != u32::MAX {
                let name = prepared.network.names.name(i);
                csv.push_str(&format!("{name},{policy},{}\n", 2000 + step));
            }
        }
    }
    // a policy the fit is not given
    csv.push_str("0,other,1990\n1,other,1995\n");
    let observed = dir.path().join("observed.csv");
    std::fs::write(&observed, csv).unwrap();
    let out = dir.path().join("fit");
    let o = Command::new(env!("CARGO_BIN_EXE_policysim"))
        .args(["fit", scenario_path.to_str().unwrap(), "--observed"])
        .arg(&observed)
        .args(["--policy", "p10,p14, p18", "--start-year", "2000"])
        .args([
            "--free",
            "innovation.rate=0:0.1",
            "--free",
            "learning.rate=0:1",
        ])
        .args([
            "--runs",
            "100",
            "--budget",
            "100",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fit = json(&out.join("fit.json"));
    assert_eq!(fit["pooled"], true);
    assert_eq!(fit["policy"], serde_json::json!(["p10", "p14", "p18"]));
    // (the curve separates innovation well, learning less so: docs/fit.md)
    for (key, truth, most) in [("innovation.rate", 0.02, 0.05), ("learning.rate", 0.6, 0.8)] {
        let iv = &fit["interval"][key];
        let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
        assert!(
            lo <= truth && truth <= hi,
            "{key}: {truth} not in [{lo}, {hi}]"
        );
        // and the interval says something: narrower than most of the search box
        assert!(hi - lo < most, "{key}: [{lo}, {hi}] is most of the box");
        let best = fit["best"][key].as_f64().unwrap();
        assert!(
            lo <= best && best <= hi,
            "{key}: best {best} not in [{lo}, {hi}]"
        );
    }
    // each policy over its own span, and the pooled objective their mean
    let per = fit["policies"].as_array().unwrap();
    let steps: Vec<u64> = per.iter().map(|p| p["steps"].as_u64().unwrap()).collect();
    assert!(steps[0] < steps[1] && steps[1] < steps[2], "{steps:?}");
    let mean = per
        .iter()
        .map(|p| p["objective_value"].as_f64().unwrap())
        .sum::<f64>()
        / 3.0;
    let pooled = fit["objective_value"].as_f64().unwrap();
    assert!((pooled - mean).abs() < 1e-9, "{pooled} vs {mean}");
    // fit.csv: every policy's steps 0..=T, with its name
    let table = std::fs::read_to_string(out.join("fit.csv")).unwrap();
    assert!(table.starts_with("policy,step,year,observed_share,"));
    for (p, s) in ["p10", "p14", "p18"].iter().zip(&steps) {
        let rows = table
            .lines()
            .filter(|l| l.starts_with(&format!("{p},")))
            .count();
        assert_eq!(rows as u64, s + 1, "{p}");
    }
    assert!(out.join("fitted/2-p14/summary.json").is_file());
}

#[test]
fn a_policy_list_names_only_policies_of_the_file_each_once() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/us_states.toml");
    let spid = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/spid_sample.csv");
    for (list, words) in [
        ("mothersaid,mothersaid", "\"mothersaid\" is listed twice"),
        ("mothersaid,,boh", "name 2 of the list is empty"),
        (
            "mothersaid,mothersaidd",
            "no rows for policy \"mothersaidd\"",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_policysim"))
            .arg("fit")
            .arg(&scenario)
            .arg("--observed")
            .arg(&spid)
            .args([
                "--policy",
                list,
                "--free",
                "learning.rate=0:1",
                "--quiet",
                "--out",
            ])
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{list}: {err}");
        assert!(err.contains(words), "{list}: {err}");
        assert!(!dir.path().join("out").exists());
    }
}

/// An error that concerns one policy of a pooled fit names the policy: an unknown unit in
/// one policy's rows, a policy whose adoptions all fall in one year.
#[test]
fn an_error_of_one_policy_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let spid = std::fs::read_to_string(root.join("scenarios/data/spid_sample.csv")).unwrap();
    let rows: Vec<&str> = spid
        .lines()
        .skip(1)
        .filter(|l| l.split(',').nth(1) == Some("mothersaid"))
        .collect();
    for (extra, words) in [
        (
            "Ohio,intbar,2001\nAtlantis,intbar,2003\n",
            "policy \"intbar\": ",
        ),
        ("Ohio,early,2000\nIowa,early,2000\n", "policy \"early\": "),
    ] {
        let obs = dir.path().join("o.csv");
        std::fs::write(
            &obs,
            format!("unit,policy,adopt_year\n{}\n{extra}", rows.join("\n")),
        )
        .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_policysim"))
            .arg("fit")
            .arg(root.join("scenarios/us_states.toml"))
            .arg("--observed")
            .arg(&obs)
            .args([
                "--all-policies",
                "--free",
                "learning.rate=0:1",
                "--budget",
                "8",
                "--runs",
                "5",
                "--quiet",
                "--out",
            ])
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(words), "{err}");
        assert!(!dir.path().join("out").exists());
    }
}
