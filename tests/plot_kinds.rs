//! `plot` on the folders of the analyses (sensitivity, compare, forecast, mechanisms),
//! through the real binary: the charts come back byte-equal from the folder's files, in
//! Chinese on request; a damaged folder is refused naming the file, and an
//! `--evaluate-all` folder is said to have no charts.

use crate::common::{ok_in as ok, policysim_in as policysim, repo_file};
use std::path::Path;

/// Reads the files `charts` of `dir`, deletes them, and returns their bytes.
fn take(dir: &Path, charts: &[&str]) -> Vec<Vec<u8>> {
    charts
        .iter()
        .map(|c| {
            let path = dir.join(c);
            let bytes = std::fs::read(&path).unwrap_or_else(|_| panic!("{path:?} missing"));
            std::fs::remove_file(&path).unwrap();
            bytes
        })
        .collect()
}

/// Each chart of `charts` in `dir` has the bytes of `drawn`.
fn same(dir: &Path, charts: &[&str], drawn: &[Vec<u8>]) {
    for (c, bytes) in charts.iter().zip(drawn) {
        let now = std::fs::read(dir.join(c)).unwrap_or_else(|_| panic!("{c} not redrawn"));
        assert!(
            now == *bytes,
            "{c} redrawn in {dir:?} differs from the command's"
        );
    }
}

/// Whether a text holds a CJK ideograph.
fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn plot_redraws_a_sensitivity_folder_from_its_files_sobol_and_morris() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = repo_file("examples/sensitivity.toml");
    let charts = ["sensitivity.png", "sensitivity.svg"];
    for (dir, method) in [
        ("sobol", ["--samples", "4"]),
        ("morris", ["--trajectories", "3"]),
    ] {
        let m = if dir == "sobol" { "sobol" } else { "morris" };
        ok(
            t,
            &[
                "sensitivity",
                &file,
                "--method",
                m,
                method[0],
                method[1],
                "--runs",
                "2",
                "--steps",
                "8",
                "--out",
                dir,
                "-q",
            ],
        );
        let folder = t.join(dir);
        let drawn = take(&folder, &charts);
        // in place: the charts come back, byte for byte, and only they
        let o = ok(t, &["plot", dir]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("sensitivity folder"), "{err}");
        same(&folder, &charts, &drawn);
        assert!(
            !folder.join("sweep_final_share_line.png").exists(),
            "drew the sweep chart"
        );
        // into another folder, in Chinese
        let zh = format!("{dir}-zh");
        ok(t, &["plot", dir, "--lang", "zh", "--out", &zh, "-q"]);
        let svg = std::fs::read_to_string(t.join(&zh).join("sensitivity.svg")).unwrap();
        let want = if m == "sobol" {
            "Sobol 敏感性指数"
        } else {
            "Morris 基本效应"
        };
        assert!(svg.contains(want), "{zh}/sensitivity.svg lacks `{want}`");
        assert!(svg.contains("个点"), "the sizes are not in Chinese");
        let en = std::fs::read_to_string(folder.join("sensitivity.svg")).unwrap();
        assert!(
            !has_chinese(&en.replace("争先", "")),
            "the English chart holds Chinese"
        );
        // an English copy elsewhere equals the command's chart too
        let en_out = format!("{dir}-en");
        ok(t, &["plot", dir, "--out", &en_out, "-q"]);
        same(&t.join(&en_out), &charts, &drawn);
    }
}

#[test]
fn plot_refuses_a_sensitivity_folder_whose_table_is_broken() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = repo_file("examples/sensitivity.toml");
    ok(
        t,
        &[
            "sensitivity",
            &file,
            "--samples",
            "4",
            "--runs",
            "2",
            "--steps",
            "8",
            "--out",
            "s",
            "-q",
            "--format",
            "svg",
        ],
    );
    let csv = t.join("s/sensitivity.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(&csv, text.replacen(",ST,", ",mu,", 1)).unwrap();
    let o = policysim(t, &["plot", "s", "--out", "again"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("sensitivity.csv") && err.contains("expected `ST`"),
        "{err}"
    );
    assert!(!t.join("again").exists(), "a refused plot left a folder");
}

#[test]
fn plot_redraws_a_compare_folder_from_the_folders_it_compared() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for (name, dir) in [("baseline.toml", "a"), ("competition.toml", "b")] {
        let file = repo_file(&format!("scenarios/{name}"));
        ok(
            t,
            &[
                "run", &file, "--runs", "4", "--steps", "8", "--out", dir, "-q",
            ],
        );
    }
    ok(t, &["compare", "a", "b", "--out", "c"]);
    let charts = ["compare.png", "compare.svg"];
    let drawn = take(&t.join("c"), &charts);
    let table = std::fs::read(t.join("c/compare.csv")).unwrap();
    let o = ok(t, &["plot", "c"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("compare folder"));
    same(&t.join("c"), &charts, &drawn);
    assert_eq!(std::fs::read(t.join("c/compare.csv")).unwrap(), table);
    ok(t, &["plot", "c", "--out", "en", "-q"]);
    same(&t.join("en"), &charts, &drawn);
    ok(t, &["plot", "c", "--lang", "zh", "--out", "zh", "-q"]);
    let svg = std::fs::read_to_string(t.join("zh/compare.svg")).unwrap();
    assert!(has_chinese(&svg), "zh/compare.svg holds no Chinese");
    let en = std::fs::read_to_string(t.join("c/compare.svg")).unwrap();
    assert!(!has_chinese(&en), "the English chart holds Chinese");

    // from another folder the compared folders (named as given) are not there
    let o = policysim(&t.join("c"), &["plot", ".", "--out", "../elsewhere"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`a` is not found") && err.contains("policysim compare a b --out"),
        "{err}"
    );
    assert!(!t.join("elsewhere").exists());
    // a compared folder re-run since: its table is no longer the folder's, refused
    let file = repo_file("scenarios/competition.toml");
    ok(
        t,
        &[
            "run", &file, "--runs", "5", "--steps", "8", "--out", "b", "-q",
        ],
    );
    let o = policysim(t, &["plot", "c", "--out", "stale"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("no longer give this table"), "{err}");
    assert!(!t.join("stale").exists());
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

/// A small forecast (`f`) and comparison of mechanisms (`m`) of one SPID policy in `t`.
fn forecast_and_mechanisms(t: &Path) {
    let states = repo_file("scenarios/us_states.toml");
    let observed = repo_file("scenarios/data/spid_sample.csv");
    let common = ["--observed", &observed, "--policy", "mothersaid", "--quiet"];
    let mut forecast = vec![
        "forecast",
        &states,
        "--train-until",
        "1915",
        "--horizon",
        "3",
    ];
    forecast.extend(common);
    forecast.extend(["--runs", "4", "--out", "f"]);
    ok(t, &forecast);
    let hypotheses = repo_file("scenarios/mechanisms/us_federal.toml");
    let mut mechanisms = vec!["compare-mechanisms", &hypotheses, "--train-until", "1917"];
    mechanisms.extend(common);
    mechanisms.extend(["--runs", "2", "--budget", "833", "--out", "m"]);
    ok(t, &mechanisms);
}

#[test]
fn plot_redraws_forecast_and_mechanisms_folders_from_their_files() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    forecast_and_mechanisms(t);
    // the states have coordinates: the forecast folder holds the map's network
    assert!(t.join("f/map.csv").is_file() && t.join("f/map_edges.csv").is_file());
    let forecast_charts = [
        "calibration.png",
        "calibration.svg",
        "map.png",
        "map.svg",
        "roc.png",
        "roc.svg",
    ];
    let mechanisms_charts = ["mechanisms.png", "mechanisms.svg"];
    for (dir, kind, charts) in [
        ("f", "forecast folder", &forecast_charts[..]),
        ("m", "compare-mechanisms folder", &mechanisms_charts[..]),
    ] {
        let folder = t.join(dir);
        let others: Vec<String> = names(&folder)
            .into_iter()
            .filter(|n| !charts.contains(&n.as_str()))
            .collect();
        let data: Vec<Vec<u8>> = others
            .iter()
            .map(|n| std::fs::read(folder.join(n)).unwrap())
            .collect();
        let drawn = take(&folder, charts);
        // in place: the charts come back, byte for byte, the other files untouched
        let o = ok(t, &["plot", dir]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(kind), "{err}");
        same(&folder, charts, &drawn);
        for (n, bytes) in others.iter().zip(&data) {
            if n != "provenance.json" {
                assert!(
                    std::fs::read(folder.join(n)).unwrap() == *bytes,
                    "{n} changed"
                );
            }
        }
        // into another folder: the same charts, and only charts
        let en = format!("{dir}-en");
        ok(t, &["plot", dir, "--out", &en, "-q"]);
        same(&t.join(&en), charts, &drawn);
        let mut want: Vec<String> = charts.iter().map(|c| c.to_string()).collect();
        want.push("provenance.json".into());
        want.sort();
        assert_eq!(names(&t.join(&en)), want);
        // in Chinese
        let zh = format!("{dir}-zh");
        ok(t, &["plot", dir, "--lang", "zh", "--out", &zh, "-q"]);
        for c in charts.iter().filter(|c| c.ends_with(".svg")) {
            let svg = std::fs::read_to_string(t.join(&zh).join(c)).unwrap();
            assert!(has_chinese(&svg), "{zh}/{c} holds no Chinese");
            let en = std::fs::read_to_string(folder.join(c)).unwrap();
            assert!(!has_chinese(&en), "{dir}/{c} holds Chinese");
        }
    }
    // the Chinese words of each chart
    let zh = |path: &str| std::fs::read_to_string(t.join(path)).unwrap();
    assert!(zh("f-zh/roc.svg").contains("ROC 曲线"));
    assert!(zh("f-zh/calibration.svg").contains("完美校准"));
    assert!(zh("f-zh/map.svg").contains("预测期内实际采纳"));
    assert!(zh("m-zh/mechanisms.svg").contains("训练期结束"));
}

#[test]
fn plot_refuses_a_damaged_forecast_or_mechanisms_folder_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    forecast_and_mechanisms(t);
    let refused = |dir: &str, file: &str, why: &str| {
        let o = policysim(t, &["plot", dir, "--out", "again"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{file}: {err}");
        assert!(err.contains(file) && err.contains(why), "{file}: {err}");
        assert!(!err.contains("partial"), "names a copy: {err}");
        assert!(!t.join("again").exists(), "a refused plot left a folder");
    };
    let edit = |path: &str, from: &str, to: &str| {
        let path = t.join(path);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{path:?} lacks {from}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        text
    };
    // forecast.csv: a probability that is none, then a column missing
    let csv = std::fs::read_to_string(t.join("f/forecast.csv")).unwrap();
    let second = csv.lines().nth(1).unwrap();
    let cells: Vec<&str> = second.split(',').collect();
    let mut bad = cells.clone();
    bad[4] = "1.5"; // p3: unit, name, p1, p2, p3
    let broken = bad.join(",");
    edit("f/forecast.csv", second, &broken);
    refused(
        "f",
        "forecast.csv",
        "line 2: `1.5` in `p3` is no probability",
    );
    std::fs::write(
        t.join("f/forecast.csv"),
        csv.replacen(",eha_p3,", ",eha_p9,", 1),
    )
    .unwrap();
    refused("f", "forecast.csv", "no column `eha_p3`");
    std::fs::write(t.join("f/forecast.csv"), &csv).unwrap();
    // forecast.json: no scores
    let json = edit("f/forecast.json", "\"scores\"", "\"score\"");
    refused("f", "forecast.json", "scores.policysim.brier");
    std::fs::write(t.join("f/forecast.json"), json).unwrap();
    // map.csv: a unit at risk that is not there
    let first_unit = cells[0].to_string();
    let map = edit("f/map.csv", &format!(",{first_unit},"), ",Atlantis,");
    refused(
        "f",
        "forecast.csv",
        &format!("unit `{first_unit}` is not in map.csv"),
    );
    std::fs::write(t.join("f/map.csv"), map).unwrap();
    ok(t, &["plot", "f", "--out", "fine", "-q"]);
    // the mechanisms' curves: missing, then a column of another hypothesis
    let curves = std::fs::read_to_string(t.join("m/mechanisms_curves.csv")).unwrap();
    std::fs::remove_file(t.join("m/mechanisms_curves.csv")).unwrap();
    refused("m", "m/mechanisms_curves.csv", "missing");
    std::fs::write(
        t.join("m/mechanisms_curves.csv"),
        curves.replacen("observed_share,", "observed_share,other,", 1),
    )
    .unwrap();
    refused(
        "m",
        "mechanisms_curves.csv",
        "(the hypotheses of mechanisms.json)",
    );
    std::fs::write(t.join("m/mechanisms_curves.csv"), curves).unwrap();
    ok(t, &["plot", "m", "--out", "fine-m", "-q"]);
}

#[test]
fn plot_on_an_evaluate_all_folder_says_it_has_no_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let sample = std::fs::read_to_string(repo_file("scenarios/data/spid_sample.csv")).unwrap();
    let mut rows = String::from("unit,policy,adopt_year\n");
    for l in sample.lines().filter(|l| l.contains(",mothersaid,")) {
        rows.push_str(l);
        rows.push('\n');
    }
    std::fs::write(t.join("o.csv"), rows).unwrap();
    let states = repo_file("scenarios/us_states.toml");
    ok(
        t,
        &[
            "forecast",
            &states,
            "--observed",
            "o.csv",
            "--evaluate-all",
            "--horizon",
            "3",
            "--runs",
            "4",
            "--out",
            "all",
            "-q",
        ],
    );
    let before = names(&t.join("all"));
    for args in [
        &["plot", "all"][..],
        &["plot", "all", "--out", "zh", "--lang", "zh"],
    ] {
        let o = policysim(t, args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains("evaluation.json") && err.contains("no charts to draw"),
            "{err}"
        );
    }
    assert!(!t.join("zh").exists());
    assert_eq!(names(&t.join("all")), before);
}

/// An `eha` folder holds tables only: `plot` says it has no charts (exit 2) and writes
/// nothing, instead of calling it no results folder.
#[test]
fn plot_says_an_eha_folder_has_no_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let states = repo_file("scenarios/us_states.toml");
    ok(
        t,
        &[
            "run",
            &states,
            "--runs",
            "3",
            "--record",
            "events",
            "--out",
            "r",
            "-q",
            "--no-charts",
        ],
    );
    ok(
        t,
        &["panel", "r", "--design", "unit-year", "--out", "p.csv"],
    );
    ok(t, &["eha", "p.csv", "--out", "e"]);
    let before = names(&t.join("e"));
    let o = policysim(t, &["plot", "e", "--out", "charts"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`policysim eha` folder") && err.contains("no charts to draw"),
        "{err}"
    );
    assert!(!t.join("charts").exists());
    assert_eq!(names(&t.join("e")), before);
}
