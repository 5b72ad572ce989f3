//! Every per-run figure of `runs.csv` is a metric of every command: the test enumerates
//! the one list ([`RUN_FIGURES`]) and, through the binary, checks that `sweep --metric`,
//! `plot --metric`, `sensitivity --metric` and `compare` take each figure, and that a
//! figure a scenario does not report is refused with a clear message (exit 2, nothing
//! written), never given a made-up number. Tiny scenarios, few runs.

use policysim_model::run::figures::RUN_FIGURES;
use std::path::Path;
use std::process::{Command, Output};

/// Uptake by provincial centres, costs of failure, growing learning: every figure but
/// `rounds_used`.
const UPTAKE: &str = r#"
name = "all-figures"
steps = 16
runs = 4
seed = 5
[network]
kind = "hierarchy"
levels = [
  { name = "province", count = 4 },
  { name = "city", count = 40 },
]
k = 2
[innovation]
rate = 0.05
[learning]
rate = 0.3
growth = 0.05
[abandon]
penalty = 0.3
deterrence = 0.3
[central]
mode = "uptake"
scope = "province"
[central.uptake]
start = 4
min_adopters = 1
promote_above = -100.0
[shock]
steps = [3]
hazard = 0.1
"#;

/// Pilot rounds: `rounds_used`.
const PILOT: &str = r#"
name = "rounds"
steps = 16
runs = 4
seed = 5
[network]
kind = "ring"
n = 40
k = 4
[innovation]
rate = 0.05
[central]
mode = "pilot"
[central.pilot]
start = 2
rounds = 2
"#;

/// No centre: the centre's figures are not reported.
const PLAIN: &str = r#"
name = "plain"
steps = 12
runs = 3
seed = 5
[network]
kind = "ring"
n = 30
k = 4
[innovation]
rate = 0.05
"#;

fn policysim(args: &[&str]) -> Output {
    Command::new(crate::common::binary())
        .args(args)
        .output()
        .expect("the binary runs")
}

fn ok(args: &[&str]) -> String {
    let o = policysim(args);
    assert!(
        o.status.success(),
        "policysim {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn header(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_string)
        .collect()
}

/// The scenario of the test that reports `figure`.
fn scenario_of(figure: &str) -> &'static str {
    if figure == "rounds_used" {
        PILOT
    } else {
        UPTAKE
    }
}

#[test]
fn every_run_figure_is_a_metric_of_sweep_plot_sensitivity_and_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (name, text) in [("uptake", UPTAKE), ("pilot", PILOT)] {
        let file = d.join(format!("{name}.toml"));
        std::fs::write(&file, text).unwrap();
        let sens = format!(
            "{text}\n[sensitivity]\ntrajectories = 2\n\"learning.rate\" = {{ low = 0.2, high = 0.4 }}\n"
        );
        std::fs::write(d.join(format!("{name}-sens.toml")), sens).unwrap();
        let sweep = d.join(format!("{name}-sweep"));
        ok(&[
            "sweep",
            s(&file),
            "--set",
            "learning.rate=0.2,0.4",
            "--no-charts",
            "--quiet",
            "--out",
            s(&sweep),
        ]);
        ok(&[
            "sensitivity",
            s(&d.join(format!("{name}-sens.toml"))),
            "--method",
            "morris",
            "--no-charts",
            "--quiet",
            "--out",
            s(&d.join(format!("{name}-sens"))),
        ]);
        ok(&[
            "run",
            s(&file),
            "--no-charts",
            "--quiet",
            "--out",
            s(&d.join(format!("{name}-a"))),
        ]);
        ok(&[
            "run",
            s(&file),
            "--set",
            "learning.rate=0.4",
            "--no-charts",
            "--quiet",
            "--out",
            s(&d.join(format!("{name}-b"))),
        ]);
        ok(&[
            "compare",
            s(&d.join(format!("{name}-a"))),
            s(&d.join(format!("{name}-b"))),
            "--out",
            s(&d.join(format!("{name}-compare"))),
        ]);
    }
    let mut checked = 0;
    for f in RUN_FIGURES {
        let m = f.name;
        let name = if scenario_of(m) == PILOT {
            "pilot"
        } else {
            "uptake"
        };
        let sweep = d.join(format!("{name}-sweep"));
        // sweep.csv has the figure's columns: censored times as such, the rest as means
        let cols = header(&sweep.join("sweep.csv"));
        let first = if f.time {
            format!("{m}_km_median")
        } else {
            format!("{m}_mean")
        };
        assert!(
            cols.contains(&first),
            "sweep.csv has no `{first}`: {cols:?}"
        );
        if f.time {
            assert!(
                !cols.contains(&format!("{m}_mean")),
                "{m} is a time: no plain mean"
            );
        }
        // sweep --metric (resumes the done points and draws the chart)
        let err = ok(&[
            "sweep",
            s(&d.join(format!("{name}.toml"))),
            "--set",
            "learning.rate=0.2,0.4",
            "--metric",
            m,
            "--format",
            "svg",
            "--out",
            s(&sweep),
        ]);
        assert!(err.contains("resumed"), "{m}: {err}");
        assert!(
            sweep.join(format!("sweep_{m}_line.svg")).is_file(),
            "{m}: no sweep chart"
        );
        // plot --metric
        let plotted = d.join(format!("plot-{m}"));
        ok(&[
            "plot",
            s(&sweep),
            "--metric",
            m,
            "--format",
            "svg",
            "--out",
            s(&plotted),
        ]);
        assert!(
            plotted.join(format!("sweep_{m}_line.svg")).is_file(),
            "{m}: plot drew nothing"
        );
        // sensitivity --metric: taken, or refused only where points have no value (never
        // "unknown metric")
        let o = policysim(&[
            "sensitivity",
            s(&d.join(format!("{name}-sens.toml"))),
            "--method",
            "morris",
            "--analyse",
            s(&d.join(format!("{name}-sens"))),
            "--metric",
            m,
            "--no-charts",
            "--quiet",
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("unknown metric"), "{m}: {err}");
        if !o.status.success() {
            assert_eq!(o.status.code(), Some(2), "{m}: {err}");
            assert!(
                err.contains("undefined") || err.contains("empty"),
                "{m}: {err}"
            );
        }
        // compare: the figure's difference columns (restricted mean times for a time)
        let cols = header(&d.join(format!("{name}-compare/compare.csv")));
        let diff = if f.time {
            format!("{m}_rmst_diff")
        } else {
            format!("{m}_diff")
        };
        // a figure with no value in any run (an evaluation bias without pilots) has no
        // difference: it is left out, never shown as a number
        let runs = std::fs::read_to_string(d.join(format!("{name}-a/runs.csv"))).unwrap();
        let mut lines = runs.lines();
        let at = lines
            .next()
            .unwrap()
            .split(',')
            .position(|c| c == m)
            .unwrap_or_else(|| panic!("runs.csv has no `{m}`"));
        let valued = lines.any(|l| !l.split(',').nth(at).unwrap_or("").is_empty());
        assert_eq!(
            cols.contains(&diff),
            valued || f.time,
            "compare.csv and `{diff}` (a value in some run: {valued}): {cols:?}"
        );
        checked += 1;
    }
    assert_eq!(checked, RUN_FIGURES.len());
    assert!(checked >= 25, "the list lost figures: {checked}");
}

#[test]
fn a_figure_the_scenario_does_not_report_is_refused_not_made_up() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let file = d.join("plain.toml");
    std::fs::write(&file, PLAIN).unwrap();
    for m in [
        "uptake_regret",
        "uptake_at",
        "rounds_used",
        "penalised",
        "centre_share_sd",
    ] {
        // sweep: exit 2 before any work, naming the option, nothing written
        let out = d.join(format!("sweep-{m}"));
        let o = policysim(&[
            "sweep",
            s(&file),
            "--set",
            "learning.rate=0.2,0.4",
            "--metric",
            m,
            "--out",
            s(&out),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{m}: {err}");
        assert!(
            err.contains(&format!("--metric `{m}`")) && err.contains("reports it"),
            "{err}"
        );
        assert!(!out.exists(), "{m}: a refused sweep wrote {out:?}");
        // sensitivity: the same
        let sens = d.join("plain-sens.toml");
        std::fs::write(&sens, format!("{PLAIN}\n[sensitivity]\ntrajectories = 2\n\"learning.rate\" = {{ low = 0.2, high = 0.4 }}\n")).unwrap();
        let out = d.join(format!("sens-{m}"));
        let o = policysim(&[
            "sensitivity",
            s(&sens),
            "--method",
            "morris",
            "--metric",
            m,
            "--out",
            s(&out),
        ]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{m}: {err}");
        assert!(
            err.contains(&format!("--metric `{m}`")) && err.contains("reports it"),
            "{err}"
        );
        assert!(!out.exists(), "{m}: a refused sensitivity wrote {out:?}");
    }
    // a sweep of a plain scenario has no columns for them, and plot says so
    let sweep = d.join("plain-sweep");
    ok(&[
        "sweep",
        s(&file),
        "--set",
        "learning.rate=0.2,0.4",
        "--no-charts",
        "--quiet",
        "--out",
        s(&sweep),
    ]);
    let cols = header(&sweep.join("sweep.csv"));
    assert!(
        !cols
            .iter()
            .any(|c| c.starts_with("uptake_") || c.starts_with("promoted_at")),
        "{cols:?}"
    );
    let plotted = d.join("plot");
    let o = policysim(&[
        "plot",
        s(&sweep),
        "--metric",
        "uptake_regret",
        "--out",
        s(&plotted),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("uptake_regret") && err.contains("reports it"),
        "{err}"
    );
    assert!(!err.contains("unknown metric"), "{err}");
    // compare of plain runs: no column for a figure the runs do not have
    ok(&[
        "run",
        s(&file),
        "--no-charts",
        "--quiet",
        "--out",
        s(&d.join("a")),
    ]);
    ok(&[
        "run",
        s(&file),
        "--seed",
        "6",
        "--no-charts",
        "--quiet",
        "--out",
        s(&d.join("b")),
    ]);
    ok(&[
        "compare",
        s(&d.join("a")),
        s(&d.join("b")),
        "--out",
        s(&d.join("c")),
    ]);
    let cols = header(&d.join("c/compare.csv"));
    assert!(
        !cols
            .iter()
            .any(|c| c.starts_with("uptake_regret") || c.starts_with("promoted_at_rmst")),
        "{cols:?}"
    );
    assert!(cols.contains(&"final_share_diff".to_string()), "{cols:?}");
}

#[test]
fn the_docs_table_names_every_figure_and_no_other() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sweeps.md"))
        .unwrap();
    let start = doc
        .find("## Per-run figures")
        .expect("docs/sweeps.md has the section on per-run figures");
    let section = &doc[start..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |e| e + 3)];
    // the first cell of each table row, split into its back-quoted names
    let mut named: Vec<String> = Vec::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cell = row.split('|').nth(1).unwrap();
        named.extend(cell.split('`').skip(1).step_by(2).map(str::to_string));
        let time = row.split('|').nth(2).unwrap().trim() == "yes";
        for n in cell.split('`').skip(1).step_by(2) {
            let f = policysim_model::run::figures::figure(n).unwrap_or_else(|| {
                panic!("docs/sweeps.md names `{n}`, which is no per-run figure")
            });
            assert_eq!(f.time, time, "docs/sweeps.md: is `{n}` a time?");
        }
    }
    for f in RUN_FIGURES {
        assert!(
            named.iter().any(|n| n == f.name),
            "docs/sweeps.md does not name the figure `{}`",
            f.name
        );
    }
    assert_eq!(named.len(), RUN_FIGURES.len(), "{named:?}");
}
