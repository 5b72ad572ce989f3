//! `policysim forecast --evaluate-all` through the binary on a constructed multi-policy
//! file: the split rule, the skipped policies with their reasons, every row equal to the
//! single forecast of that policy at that split, the means and paired differences of
//! the rows with their t intervals, thread-count determinism, and the leave-one-policy-out
//! `innovativeness` column.

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `unit,policy,adopt_year` rows of two SPID policies, one with two years only (nothing
/// left to score after the split) and one naming a unit the network lacks.
fn constructed(path: &Path) -> BTreeMap<String, Vec<i32>> {
    let text = std::fs::read_to_string(root().join("scenarios/data/spid_sample.csv")).unwrap();
    let mut out = String::from("unit,policy,adopt_year\n");
    let mut years: BTreeMap<String, Vec<i32>> = BTreeMap::new();
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[1] == "mothersaid" || f[1] == "intbar" {
            out.push_str(&format!("{l}\n"));
            years
                .entry(f[1].into())
                .or_default()
                .push(f[2].parse().unwrap());
        }
    }
    out.push_str("Ohio,twoyears,2000\nIowa,twoyears,2001\nUtah,twoyears,2001\n");
    out.push_str("Ohio,atlantis,2000\nAtlantis,atlantis,2003\n");
    std::fs::write(path, out).unwrap();
    years
}

const COMMON: [&str; 8] = [
    "--horizon",
    "4",
    "--runs",
    "30",
    "--free",
    "learning.rate=0:2",
    "--budget",
    "16",
];

fn policysim(args: &[&str], extra: &[&str], threads: Option<&str>) -> std::process::Output {
    let mut cmd = Command::new(crate::common::binary());
    cmd.arg("forecast")
        .arg(root().join("scenarios/us_states.toml"))
        .args(args)
        .args(COMMON)
        .args(extra)
        .arg("--quiet");
    if let Some(t) = threads {
        cmd.env("RAYON_NUM_THREADS", t);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap()
}

/// The split of the rule, worked out here: the year of the ceil(n / 3)-th adoption, or
/// the year after the first when that is the first year.
fn expected_split(years: &[i32]) -> i32 {
    let mut y = years.to_vec();
    y.sort_unstable();
    let k = y.len().div_ceil(3);
    y[k - 1].max(y[0] + 1)
}

#[test]
fn every_policy_gets_its_single_forecast_and_the_means_are_those_of_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("o.csv");
    let years = constructed(&obs);
    let out = dir.path().join("all");
    let obs_s = obs.to_str().unwrap();
    let out_s = out.to_str().unwrap();
    policysim(
        &["--observed", obs_s, "--evaluate-all", "--out", out_s],
        &[],
        None,
    );
    let json: Value = serde_json::from_str(&read(&out.join("evaluation.json"))).unwrap();
    let policies = json["policies"].as_array().unwrap();
    // the file's order; two evaluated, two skipped with the reason
    let names: Vec<&str> = policies
        .iter()
        .map(|p| p["policy"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["intbar", "mothersaid", "twoyears", "atlantis"]);
    assert_eq!(json["policies_evaluated"], 2);
    // the scenario reads no `innovativeness` column: nothing is recomputed
    assert!(json["settings"]["innovativeness"].is_null());
    assert!(policies[0]["innovativeness"].is_null());
    let reason = |k: usize| policies[k]["reason"].as_str().unwrap().to_string();
    assert_eq!(policies[2]["status"], "skipped");
    assert!(reason(2).contains("no later adoption"), "{}", reason(2));
    assert!(
        reason(3).contains("unknown unit \"Atlantis\""),
        "{}",
        reason(3)
    );
    // evaluation.csv: the skipped rows carry no number at all
    let csv = read(&out.join("evaluation.csv"));
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    assert!(header.contains(&"fitted_learning.rate") && header.contains(&"eha_log_loss"));
    let skipped: Vec<&str> = csv
        .lines()
        .filter(|l| l.starts_with("twoyears,") || l.starts_with("atlantis,"))
        .collect();
    assert_eq!(skipped.len(), 2);
    for l in &skipped {
        let tail = l.rsplit('"').next().unwrap();
        assert!(l.contains(",skipped,"), "{l}");
        assert!(
            tail.chars().all(|c| c == ','),
            "numbers in a skipped row: {l}"
        );
    }
    // each evaluated row is the single forecast at the split of the rule
    let mut per_policy: Vec<[[f64; 3]; 3]> = Vec::new();
    for (k, policy) in ["intbar", "mothersaid"].iter().enumerate() {
        let p = &policies[k];
        let split = expected_split(&years[*policy]);
        assert_eq!(p["train_until"], split, "{policy}");
        let single = dir.path().join(format!("single-{k}"));
        let year = split.to_string();
        policysim(
            &[
                "--observed",
                obs_s,
                "--policy",
                policy,
                "--train-until",
                &year,
                "--out",
                single.to_str().unwrap(),
                "--no-charts",
            ],
            &[],
            None,
        );
        let f: Value = serde_json::from_str(&read(&single.join("forecast.json"))).unwrap();
        assert_eq!(p["scores"], f["scores"], "{policy}");
        assert_eq!(p["at_risk"], f["at_risk"]);
        assert_eq!(p["fitted"], f["fitted"]["best"]);
        let mut s = [[0.0; 3]; 3];
        for (i, m) in ["policysim", "eha", "bass"].iter().enumerate() {
            for (j, measure) in ["auc", "brier", "log_loss"].iter().enumerate() {
                s[i][j] = f["scores"][m][measure].as_f64().unwrap();
            }
        }
        per_policy.push(s);
    }
    // the means over the two policies and the paired differences, with the t interval
    // mean ± t(0.975, 1) sd / √2 (t = 12.7062)
    let t = 12.706_204_736;
    let check = |forecast: &str, measure: &str, a: f64, b: f64| {
        let m = &json["means"][forecast][measure];
        let mean = (a + b) / 2.0;
        let sd = (a - b).abs() / 2f64.sqrt();
        let got = m["mean"].as_f64().unwrap();
        assert!(
            (got - mean).abs() < 1e-9,
            "{forecast} {measure}: {got} vs {mean}"
        );
        assert_eq!(m["policies"], 2);
        let high = m["ci"][1].as_f64().unwrap();
        assert!(
            (high - (mean + t * sd / 2f64.sqrt())).abs() < 1e-6,
            "{forecast} {measure} ci"
        );
    };
    for (j, measure) in ["auc", "brier", "log_loss"].iter().enumerate() {
        let (a, b) = (per_policy[0], per_policy[1]);
        check("policysim", measure, a[0][j], b[0][j]);
        check("eha", measure, a[1][j], b[1][j]);
        check(
            "policysim-eha",
            measure,
            a[0][j] - a[1][j],
            b[0][j] - b[1][j],
        );
        check(
            "policysim-bass",
            measure,
            a[0][j] - a[2][j],
            b[0][j] - b[2][j],
        );
    }
    // the markdown table lists the two and names the skipped ones with their reasons
    let md = read(&out.join("evaluation.md"));
    assert!(
        md.contains("| intbar |") && md.contains("| mothersaid |"),
        "{md}"
    );
    assert!(
        md.contains("- twoyears: ") && md.contains("- atlantis: "),
        "{md}"
    );
    assert!(!md.contains("| twoyears |"));
}

#[test]
fn the_evaluation_is_byte_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let obs = dir.path().join("o.csv");
    constructed(&obs);
    let run = |threads: &str| {
        let out = dir.path().join(format!("t{threads}"));
        policysim(
            &[
                "--observed",
                obs.to_str().unwrap(),
                "--evaluate-all",
                "--train-share",
                "0.5",
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
            Some(threads),
        );
        ["evaluation.csv", "evaluation_means.csv", "evaluation.md"].map(|f| read(&out.join(f)))
    };
    let one = run("1");
    assert_eq!(one, run("2"));
    // half the adopters: a later split than a third
    assert!(one[0].contains("mothersaid,ok,,1911,1915,"), "{}", one[0]);
}

/// The US states scenario with `resources` read from `nodes`' `innovativeness` column.
fn innovativeness_scenario(dir: &Path, name: &str, nodes: &Path) -> PathBuf {
    let text = read(&root().join("scenarios/us_states.toml"));
    let data = root().join("scenarios/data");
    let resources = "resources = { dist = \"beta\", a = 2.0, b = 2.0 }";
    assert!(text.contains(resources));
    let text = text
        .replace(resources, "resources = { from = \"innovativeness\" }")
        .replace(
            "\"data/us_states_nodes.csv\"",
            &format!("{:?}", nodes.to_str().unwrap()),
        )
        .replace("\"data/", &format!("\"{}/", data.display()));
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn run_ok(cmd: &mut Command) {
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn a_policy_is_forecast_with_innovativeness_from_the_other_policies_up_to_its_split() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let shipped_nodes = root().join("scenarios/data/us_states_nodes.csv");
    let scenario = innovativeness_scenario(d, "s.toml", &shipped_nodes);
    // four SPID policies of the 1980s-90s, so that the others have adoptions by each split
    let text = read(&root().join("scenarios/data/spid_sample.csv"));
    let chosen = ["antistalk", "msas", "enterzone", "higrenew"];
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|f| chosen.contains(&f[1].as_str()))
        .collect();
    let csv = |keep: &dyn Fn(&[String]) -> Option<String>| {
        let mut out = String::from("unit,policy,adopt_year\n");
        for f in &rows {
            if let Some(year) = keep(f) {
                out.push_str(&format!("{},{},{year}\n", f[0], f[1]));
            }
        }
        out
    };
    let obs = d.join("o.csv");
    std::fs::write(&obs, csv(&|f| Some(f[2].clone()))).unwrap();
    let common = ["--horizon", "2", "--runs", "20", "--quiet"];
    let out = d.join("all");
    run_ok(
        Command::new(crate::common::binary())
            .arg("forecast")
            .arg(&scenario)
            .args(["--observed", obs.to_str().unwrap(), "--evaluate-all"])
            .args(["--out", out.to_str().unwrap()])
            .args(common),
    );
    let json: Value = serde_json::from_str(&read(&out.join("evaluation.json"))).unwrap();
    assert!(json["settings"]["innovativeness"]
        .as_str()
        .unwrap()
        .contains("leave-one-policy-out"));
    let policies = json["policies"].as_array().unwrap();
    for (k, policy) in ["antistalk", "msas"].iter().enumerate() {
        let p = policies
            .iter()
            .find(|p| p["policy"] == *policy)
            .unwrap_or_else(|| panic!("{policy}"));
        assert_eq!(p["status"], "ok", "{p}");
        assert!(p["scores"]["policysim"]["auc"].is_f64(), "{p}");
        let split = p["train_until"].as_i64().unwrap() as i32;
        // the other policies with an adoption by the split
        let others = chosen
            .iter()
            .filter(|q| {
                **q != *policy
                    && rows
                        .iter()
                        .any(|f| f[1] == **q && f[2].parse::<i32>().is_ok_and(|y| y <= split))
            })
            .count();
        assert_eq!(p["innovativeness"]["other_policies"], others, "{p}");
        assert_eq!(p["innovativeness"]["adoptions_until"], split);
        // the score as `policysim innovativeness` computes it from a file without this
        // policy and without any adoption after the split (later years left empty)
        let truncated = d.join(format!("trunc-{k}.csv"));
        std::fs::write(
            &truncated,
            csv(&|f| {
                (f[1] != *policy).then(|| {
                    let late = f[2].parse::<i32>().map_or(true, |y| y > split);
                    if late {
                        String::new()
                    } else {
                        f[2].clone()
                    }
                })
            }),
        )
        .unwrap();
        let nodes = d.join(format!("nodes-{k}.csv"));
        run_ok(
            Command::new(crate::common::binary())
                .arg("innovativeness")
                .args(["--observed", truncated.to_str().unwrap()])
                .args(["--nodes", shipped_nodes.to_str().unwrap()])
                .args(["--out", nodes.to_str().unwrap(), "--quiet"]),
        );
        let single = |scenario: &Path, name: &str| -> Value {
            let dest = d.join(name);
            run_ok(
                Command::new(crate::common::binary())
                    .arg("forecast")
                    .arg(scenario)
                    .args(["--observed", obs.to_str().unwrap(), "--policy", policy])
                    .args(["--train-until", &split.to_string(), "--no-charts"])
                    .args(["--out", dest.to_str().unwrap()])
                    .args(common),
            );
            serde_json::from_str(&read(&dest.join("forecast.json"))).unwrap()
        };
        let left_out = innovativeness_scenario(d, &format!("s-{k}.toml"), &nodes);
        let f = single(&left_out, &format!("lopo-{k}"));
        assert_eq!(p["scores"], f["scores"], "{policy}");
        // the check could fail: with the shipped column (all policies, all years, this
        // one included) the same forecast scores differently
        let g = single(&scenario, &format!("all-{k}"));
        assert_ne!(
            p["scores"], g["scores"],
            "{policy}: the column made no difference"
        );
    }
}

/// A policy name with a `|` or a line break (a quoted CSV field) stays one cell of the
/// Markdown table and one item of the skipped list: escaped, never a broken row.
#[test]
fn policy_names_cannot_break_the_markdown_table() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("scenarios/data/spid_sample.csv")).unwrap();
    let mut obs = String::from("unit,policy,adopt_year\n");
    for l in text.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[1] == "mothersaid" {
            obs.push_str(&format!("{},\"mothers|aid\",{}\n", f[0], f[2]));
        }
    }
    obs.push_str("Ohio,\"two\nyears\",2000\nIowa,\"two\nyears\",2001\n");
    let path = dir.path().join("o.csv");
    std::fs::write(&path, obs).unwrap();
    let out = dir.path().join("all");
    policysim(
        &[
            "--observed",
            path.to_str().unwrap(),
            "--evaluate-all",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
        None,
    );
    let md = read(&out.join("evaluation.md"));
    let row = md
        .lines()
        .find(|l| l.starts_with("| mothers"))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(row.starts_with("| mothers\\|aid | "), "{row}");
    let header_cells = md
        .lines()
        .find(|l| l.starts_with("| policy"))
        .unwrap()
        .matches(" | ")
        .count();
    assert_eq!(
        row.replace("\\|", "").matches(" | ").count(),
        header_cells,
        "{row}"
    );
    assert!(md.contains("- two years: "), "{md}");
}
