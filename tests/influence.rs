//! MODEL.md section 4d through the binary: edge weights enter the learning signal
//! row-standardised (a zero-weight edge carries nothing), the exposure modes turn the
//! weighted sum into the signal as documented, and a recency kernel slows late diffusion.

use crate::common::{assert_more, binary, mean_se};
use std::path::Path;
use std::process::Command;

/// Runs `policysim run` on `toml` (written with the given data files into a fresh
/// folder under the test's temp dir) with `--set` overrides; returns runs.csv as rows of
/// (header -> value).
fn run(
    dir: &Path,
    toml: &str,
    files: &[(&str, &str)],
    sets: &[&str],
) -> Vec<Vec<(String, String)>> {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("s.toml"), toml).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let out = dir.join("out");
    let mut cmd = Command::new(binary());
    cmd.arg("run")
        .arg(dir.join("s.toml"))
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .arg("--force");
    for s in sets {
        cmd.arg("--set").arg(s);
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

fn column(rows: &[Vec<(String, String)>], name: &str) -> Vec<String> {
    rows.iter()
        .map(|r| r.iter().find(|(k, _)| k == name).unwrap().1.clone())
        .collect()
}

/// Learning only, everyone fully capable and willing: pi_learn = S.
const LEARNING_ONLY: &str = r#"
steps = 10
runs = 400
seed = 11
[network]
kind = "file"
edges = "e.csv"
directed = true
[agents]
learning = 1.0
inertia = 0.0
[innovation]
rate = 0.0
[learning]
rate = 1.0
[initial]
file = "init.txt"
"#;

#[test]
fn a_zero_weight_edge_carries_no_learning() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    // a adopted at the start; b observes only a
    for (w, want) in [("0", "0.5"), ("1", "1")] {
        let rows = run(
            &dir.join(w),
            LEARNING_ONLY,
            &[
                ("e.csv", &format!("source,target,weight\na,b,{w}\n")),
                ("init.txt", "a\n"),
            ],
            &["runs=20"],
        );
        assert!(
            column(&rows, "final_share").iter().all(|s| s == want),
            "weight {w}: every run should end at share {want}"
        );
    }
    // the same edge with its weight ignored carries learning again
    let rows = run(
        &dir.join("ignored"),
        LEARNING_ONLY,
        &[
            ("e.csv", "source,target,weight\na,b,0\n"),
            ("init.txt", "a\n"),
        ],
        &["runs=20", "network.use_weights=false"],
    );
    assert!(column(&rows, "final_share").iter().all(|s| s == "1"));
}

/// b observes a (adopted, weight 0.6) and c (never adopts, weight 1.4): the chance that
/// b adopts in step 1 is S = 0.6 / 2.0 = 0.3 with `share`, 0.6 with `count`, 1 with
/// `any`; t50 = 1 exactly when it does.
#[test]
fn exposure_modes_give_the_documented_signal() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let files = [
        ("e.csv", "source,target,weight\na,b,0.6\nc,b,1.4\n"),
        ("init.txt", "a\n"),
    ];
    for (mode, p) in [("share", 0.3), ("count", 0.6), ("any", 1.0)] {
        let rows = run(
            &dir.join(mode),
            LEARNING_ONLY,
            &files,
            &[&format!("learning.exposure=\"{mode}\"")],
        );
        let first: Vec<f64> = column(&rows, "t50")
            .iter()
            .map(|t| if t == "1" { 1.0 } else { 0.0 })
            .collect();
        let (m, _) = mean_se(&first);
        let se = (p * (1.0 - p) / first.len() as f64).sqrt();
        assert!(
            (m - p).abs() <= 3.0 * se + 1e-12,
            "exposure {mode}: adopted in step 1 in {m} of runs, expected {p} (se {se})"
        );
    }
}

/// A ring where an adopter's pull fades with a short exponential kernel spreads
/// measurably slower than one where it does not, and so does one with a short rayleigh
/// kernel.
#[test]
fn a_short_recency_kernel_slows_late_diffusion() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let toml = r#"
steps = 30
runs = 200
seed = 3
[network]
kind = "ring"
n = 300
k = 4
[agents]
learning = 1.0
inertia = 0.0
[innovation]
rate = 0.0
[learning]
rate = 0.5
[initial]
count = 6
"#;
    let share = |name: &str, sets: &[&str]| {
        let rows = run(&dir.join(name), toml, &[], sets);
        let v: Vec<f64> = column(&rows, "final_share")
            .iter()
            .map(|s| s.parse().unwrap())
            .collect();
        mean_se(&v)
    };
    let none = share("none", &[]);
    let exponential = share(
        "exponential",
        &[
            "learning.recency=\"exponential\"",
            "learning.recency_scale=1",
        ],
    );
    let rayleigh = share(
        "rayleigh",
        &["learning.recency=\"rayleigh\"", "learning.recency_scale=1"],
    );
    assert_more("no kernel over exponential", exponential, none);
    assert_more("no kernel over rayleigh", rayleigh, none);
}

/// Reads hazard.csv's row of governments with no adopting neighbour: (at risk, adoptions).
fn hazard_at_zero(dir: &Path) -> (f64, f64) {
    let text = std::fs::read_to_string(dir.join("out/hazard.csv")).unwrap();
    let row: Vec<f64> = text
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .map(|c| c.parse().unwrap())
        .collect();
    assert_eq!(row[0], 0.0, "the first row is for 0 adopting neighbours");
    (row[1], row[2])
}

/// MODEL.md 4d: in a shock step every government that never adopted gets the extra
/// hazard h of its own channel, combined with the others as an independent hazard:
/// 1 - (1 - pi_inn)(1 - h). One step, nobody adopted at the start, innovation 0.05:
/// hazard.csv's hazard is 0.05 without the shock and 1 - 0.95 * 0.8 = 0.24 with h = 0.2
/// (each within 3 binomial standard errors), and the shock's adoptions are credited to
/// the `shock` channel (runs.csv `share_shock`, curves.csv `new_shock`, summary.json).
#[test]
fn a_shock_step_raises_every_at_risk_governments_hazard_by_the_documented_amount() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let toml = r#"
steps = 1
runs = 300
seed = 8
[network]
kind = "ring"
n = 100
k = 2
[agents]
resources = 1.0
inertia = 0.0
[innovation]
rate = 0.05
[learning]
rate = 0.0
"#;
    for (name, sets, want) in [
        ("calm", vec![], 0.05),
        (
            "shock",
            vec!["shock.steps=[1]", "shock.hazard=0.2"],
            1.0 - 0.95 * 0.8,
        ),
    ] {
        let rows = run(&dir.join(name), toml, &[], &sets);
        let (at_risk, adoptions) = hazard_at_zero(&dir.join(name));
        assert_eq!(at_risk, 100.0 * 300.0);
        let h = adoptions / at_risk;
        let se = (want * (1.0 - want) / at_risk).sqrt();
        assert!(
            (h - want).abs() < 3.0 * se,
            "{name}: hazard {h}, documented {want} (se {se})"
        );
        let shares = rows[0].iter().find(|(k, _)| k == "share_shock");
        let curves = std::fs::read_to_string(dir.join(name).join("out/curves.csv")).unwrap();
        let summary = std::fs::read_to_string(dir.join(name).join("out/summary.json")).unwrap();
        if name == "calm" {
            // without a shock, no column, series or entry of it: outputs stay as they were
            assert!(shares.is_none());
            assert!(!curves.contains("new_shock"));
            assert!(!summary.contains("\"shock\""));
        } else {
            // the shock's part of the adoptions: h / (pi_inn + h) of them in expectation
            let s: Vec<f64> = column(&rows, "share_shock")
                .iter()
                .filter(|c| !c.is_empty())
                .map(|c| c.parse().unwrap())
                .collect();
            let (m, se) = mean_se(&s);
            let expected = 0.2 / 0.25;
            assert!(
                (m - expected).abs() < 3.0 * se,
                "shock share {m}, expected {expected} (se {se})"
            );
            assert!(curves.contains(",new_shock,"));
            assert!(summary.contains("\"shock\""));
        }
    }
}

#[test]
fn shock_settings_are_checked_with_the_key_named() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    for (body, needle) in [
        (
            "steps = 5\n[shock]\nsteps = [0]\nhazard = 0.1\n",
            "shock.steps",
        ),
        (
            "steps = 5\n[shock]\nsteps = [6]\nhazard = 0.1\n",
            "shock.steps",
        ),
        (
            "steps = 5\n[shock]\nsteps = [2, 2]\nhazard = 0.1\n",
            "listed twice",
        ),
        (
            "steps = 5\n[shock]\nsteps = [2]\nhazard = 1.5\n",
            "shock.hazard",
        ),
        (
            "steps = 5\n[shock]\nsteps = [2, 3]\nhazard = [0.1]\n",
            "one per step",
        ),
    ] {
        std::fs::write(&path, body).unwrap();
        let o = Command::new(binary())
            .arg("check")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{body}: {err}");
        assert!(err.contains(needle), "{body}: {err}");
    }
}

/// Two layers over a, b, c: the network's own edge c -> b (c never adopts) and an
/// imported edge list a -> b (a adopted at the start). b's chance to adopt in step 1 is
/// its signal w_inferred / (w_own + w_inferred): raising the inferred layer's weight
/// (set from the command line, as a sweep would) raises it as documented.
#[test]
fn a_layers_weight_moves_the_outcome_in_the_documented_direction() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let toml = r#"
steps = 3
runs = 400
seed = 12
[network]
kind = "file"
edges = "own.csv"
nodes = "nodes.csv"
directed = true
[network.layers.own]
from = "network"
weight = 1.0
[network.layers.inferred]
from = "file"
edges = "inferred.csv"
directed = true
weight = 1.0
[agents]
learning = 1.0
inertia = 0.0
[innovation]
rate = 0.0
[learning]
rate = 1.0
[initial]
file = "init.txt"
"#;
    let files = [
        ("own.csv", "source,target\nc,b\n"),
        ("inferred.csv", "source,target\na,b\n"),
        ("nodes.csv", "id\na\nb\nc\n"),
        ("init.txt", "a\n"),
    ];
    let mut seen = Vec::new();
    for (w, p) in [("0", 0.0), ("1", 0.5), ("3", 0.75)] {
        let rows = run(
            &dir.join(w),
            toml,
            &files,
            &[&format!("network.layers.inferred.weight={w}")],
        );
        // 3 governments: b's adoption makes 2/3 >= half
        let first: Vec<f64> = column(&rows, "t50")
            .iter()
            .map(|t| if t == "1" { 1.0 } else { 0.0 })
            .collect();
        let (m, _) = mean_se(&first);
        let se = (p * (1.0 - p) / first.len() as f64).sqrt();
        assert!(
            (m - p).abs() <= 3.0 * se + 1e-12,
            "inferred weight {w}: b adopted in step 1 in {m} of runs, documented {p} (se {se})"
        );
        seen.push(m);
    }
    assert!(seen[0] < seen[1] && seen[1] < seen[2], "{seen:?}");
    // an id the network does not have is refused, naming the file and the id
    std::fs::write(dir.join("3/inferred.csv"), "source,target\na,zz\n").unwrap();
    let o = Command::new(binary())
        .arg("check")
        .arg(dir.join("3/s.toml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("inferred.csv") && err.contains("\"zz\""),
        "{err}"
    );
}
