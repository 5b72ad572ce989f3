//! `plot --out` on every kind of results folder (run, sweep, fit), its refusals, and the
//! `completions` and `scenarios` commands, and what `fit` says on screen, all through the
//! real binary.

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

fn ok(cwd: &Path, args: &[&str]) -> Output {
    let o = policysim(cwd, args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The file names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Each file of `files` is in `a` and `b` with the same bytes.
fn same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|_| panic!("{f} missing in {a:?}"));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|_| panic!("{f} missing in {b:?}"));
        assert!(x == y, "{f} differs between {a:?} and {b:?}");
    }
}

#[test]
fn plot_out_on_a_run_folder_leaves_the_folder_alone_and_redraws_identical_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(
        t,
        &[
            "run",
            &scenario("baseline.toml"),
            "--out",
            "run",
            "--runs",
            "10",
            "--steps",
            "10",
            "-q",
            "--format",
            "svg",
        ],
    );
    let before = names(&t.join("run"));
    let o = ok(t, &["plot", "run", "--out", "zh", "--lang", "zh", "-q"]);
    assert!(o.stderr.is_empty(), "-q printed {:?}", o.stderr);
    assert_eq!(
        names(&t.join("run")),
        before,
        "plot --out changed the run folder"
    );
    let zh = names(&t.join("zh"));
    assert!(zh.contains(&"adoption.svg".to_string()), "{zh:?}");
    assert!(
        zh.iter()
            .all(|n| n.ends_with(".png") || n.ends_with(".svg") || n == "provenance.json"),
        "{zh:?}"
    );
    let text = std::fs::read_to_string(t.join("zh/adoption.svg")).unwrap();
    assert!(
        text.contains("采纳") || text.contains("年"),
        "no Chinese text"
    );
    // the English charts of the folder are untouched, and an English --out copy equals them
    ok(t, &["plot", "run", "--out", "en", "--format", "svg"]);
    same_files(
        &t.join("run"),
        &t.join("en"),
        &["adoption.svg", "channels.svg", "map.svg"],
    );
}

#[test]
fn plot_out_on_a_sweep_folder_redraws_the_sweep_chart() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(
        t,
        &[
            "sweep",
            &scenario("competition.toml"),
            "--set",
            "competition.rate=0:0.8:0.4",
            "--runs",
            "4",
            "--steps",
            "8",
            "--out",
            "sw",
            "-q",
            "--format",
            "svg",
        ],
    );
    let o = ok(t, &["plot", "sw", "--out", "again", "--format", "svg"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("sweep folder"));
    assert_eq!(
        names(&t.join("again")),
        ["provenance.json", "sweep_final_share_line.svg"]
    );
    same_files(
        &t.join("sw"),
        &t.join("again"),
        &["sweep_final_share_line.svg"],
    );
    // another metric on request
    ok(
        t,
        &[
            "plot", "sw", "--out", "t50", "--metric", "t50", "--format", "svg",
        ],
    );
    assert_eq!(
        names(&t.join("t50")),
        ["provenance.json", "sweep_t50_line.svg"]
    );
    let bad = policysim(t, &["plot", "sw", "--out", "x", "--metric", "nonsense"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn plot_out_on_a_fit_folder_redraws_the_fit_chart_and_the_fitted_run() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(
        t,
        &[
            "fit",
            &scenario("us_states.toml"),
            "--observed",
            &scenario("data/spid_sample.csv"),
            "--policy",
            "mothersaid",
            "--free",
            "innovation.rate=0:1",
            "--out",
            "fit",
            "-q",
            "--format",
            "svg",
        ],
    );
    ok(
        t,
        &["plot", "fit", "--out", "again", "--format", "svg", "-q"],
    );
    same_files(&t.join("fit"), &t.join("again"), &["fit.svg"]);
    same_files(
        &t.join("fit/fitted"),
        &t.join("again/fitted"),
        &["adoption.svg", "map.svg"],
    );
    assert_eq!(
        names(&t.join("again")),
        ["fit.svg", "fitted", "provenance.json"]
    );
}

#[test]
fn plot_refuses_a_folder_that_is_no_results_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    std::fs::create_dir(t.join("empty")).unwrap();
    let o = policysim(t, &["plot", "empty"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("empty: not a results folder") && err.contains("sweep.json"),
        "{err}"
    );
    let o = policysim(t, &["plot", "missing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing: not a folder"));
}

#[test]
fn completions_generate_for_bash_zsh_and_fish() {
    let tmp = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let o = ok(tmp.path(), &["completions", shell]);
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(!text.is_empty() && text.contains("policysim"), "{shell}");
        assert!(text.contains("sweep") && text.contains("lang"), "{shell}");
    }
    // options with a fixed set of values offer them (bash lists them for compgen)
    let bash = String::from_utf8(ok(tmp.path(), &["completions", "bash"]).stdout).unwrap();
    for values in [
        "en zh",
        "png svg pdf png,svg svg,pdf png,svg,pdf",
        "sobol morris",
        "grid zip",
        "curve curve+hazard log-score",
        "unit-year dyad-year cascades toa",
    ] {
        assert!(
            bash.contains(&format!("compgen -W \"{values}\"")),
            "completions offer no `{values}`"
        );
    }
    let o = policysim(tmp.path(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn scenarios_lists_every_shipped_scenario_with_its_description() {
    // from a folder without scenarios/: found in the source tree the binary was built from
    let tmp = tempfile::tempdir().unwrap();
    let o = ok(tmp.path(), &["scenarios"]);
    let text = String::from_utf8(o.stdout).unwrap();
    for name in ["baseline", "competition", "pilot", "mandate", "typology"] {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("{name}.toml")))
            .unwrap_or_else(|| panic!("{name} missing: {text}"));
        assert!(
            line.split_once(".toml").unwrap().1.trim().len() > 10,
            "{line}"
        );
    }
    assert!(!text.contains("does not load"), "{text}");
}

#[test]
fn fit_says_what_its_interval_is_warns_on_an_edge_and_names_a_better_bass_fit() {
    // the dual-carbon fit: what is printed must match the numbers of fit.json (the kind
    // of interval, an estimate on an edge of its interval, a closer Bass curve)
    let tmp = tempfile::tempdir().unwrap();
    let o = ok(
        tmp.path(),
        &[
            "fit",
            &scenario("china_cities.toml"),
            "--observed",
            &scenario("data/china_cities.csv"),
            "--unit-column",
            "name",
            "--year-column",
            "dual_carbon_year",
            "--free",
            "innovation.rate=0:1",
            "--free",
            "learning.rate=0:1",
            "--out",
            "fit",
            "--no-charts",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    let fit: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("fit/fit.json")).unwrap())
            .unwrap();
    let accepted = fit["accepted"].as_u64().unwrap();
    let minimum = policysim::fit::abc::MIN_ACCEPTED as u64;
    assert_eq!(fit["min_accepted"], minimum);
    if fit["interval_method"] == "abc-5-95" {
        assert!(accepted >= minimum, "{fit}");
        assert!(
            err.contains(&format!(
                "[interval: ABC 5–95% of {accepted} accepted samples, importance-weighted (effective sample size {:.0})]",
                fit["accepted_ess"].as_f64().unwrap()
            )),
            "{err}"
        );
        assert!(!err.contains("ABC samples were accepted in"), "{err}");
    } else {
        assert_eq!(fit["interval_method"], "accepted-min-max");
        assert!(accepted < minimum, "{fit}");
        assert!(
            err.contains(&format!(
                "within the ABC tolerance; only {accepted} ABC sample{} accepted, too few for an ABC 5–95% range]",
                if accepted == 1 { "" } else { "s" }
            )),
            "{err}"
        );
        assert!(
            err.contains(&format!("warning: only {accepted} ABC sample")),
            "{err}"
        );
    }
    for key in ["innovation.rate", "learning.rate"] {
        let best = fit["best"][key].as_f64().unwrap();
        let (low, high) = (
            fit["interval"][key][0].as_f64().unwrap(),
            fit["interval"][key][1].as_f64().unwrap(),
        );
        let tol = 1e-9 * (high - low).max(best.abs());
        for (side, on_edge) in [
            ("lower", (best - low).abs() <= tol),
            ("upper", (high - best).abs() <= tol),
        ] {
            let warning = format!("warning: {key} sits on the {side} edge of its interval");
            assert_eq!(
                err.contains(&warning),
                on_edge,
                "{key} {best} [{low}, {high}]: {err}"
            );
        }
    }
    let bass_closer = fit["bass"]["rmse"].as_f64().unwrap() < fit["rmse"].as_f64().unwrap();
    assert_eq!(
        err.contains(
            "note: the two-parameter Bass curve fits the observed curve better than the model"
        ),
        bass_closer,
        "{err}"
    );
}

/// `plot --out` writes a folder whole, as every results folder is written: a folder
/// with files plot did not write is refused and left as it was (before, same-named
/// charts in any folder were replaced); an earlier plot's folder is replaced whole.
#[test]
fn plot_out_never_writes_into_a_folder_of_other_files() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let file = scenario("baseline.toml");
    ok(
        t,
        &[
            "run",
            &file,
            "--runs",
            "5",
            "--out",
            "run",
            "--no-charts",
            "-q",
        ],
    );
    let docs = t.join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("adoption.png"), "my own picture").unwrap();
    std::fs::write(docs.join("notes.txt"), "mine").unwrap();
    let o = policysim(t, &["plot", "run", "--out", "docs", "-q"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("notes.txt") && err.contains("did not write"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(docs.join("adoption.png")).unwrap(),
        "my own picture"
    );
    assert_eq!(names(&docs), ["adoption.png", "notes.txt"]);
    // a new folder, then the same folder again: charts only, replaced whole
    ok(
        t,
        &["plot", "run", "--out", "charts", "--format", "svg", "-q"],
    );
    let first = names(&t.join("charts"));
    assert!(
        !first.is_empty()
            && first
                .iter()
                .all(|n| n.ends_with(".svg") || n == "provenance.json"),
        "{first:?}"
    );
    ok(
        t,
        &["plot", "run", "--out", "charts", "--format", "png", "-q"],
    );
    let second = names(&t.join("charts"));
    assert!(
        !second.is_empty()
            && second
                .iter()
                .all(|n| n.ends_with(".png") || n == "provenance.json"),
        "{second:?}"
    );
}
