//! `plot` on the folders of the analyses (sensitivity, compare, forecast, mechanisms),
//! through the real binary: the charts come back byte-equal from the folder's files, in
//! Chinese on request, or the folder is refused with what to run instead.

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

#[test]
fn plot_refuses_forecast_and_mechanisms_folders_naming_the_command_to_rerun() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
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
    for (dir, marker, command) in [
        ("f", "forecast.json", "policysim forecast"),
        ("m", "mechanisms.json", "policysim compare-mechanisms"),
    ] {
        let before = std::fs::read_dir(t.join(dir)).unwrap().count();
        let o = policysim(t, &["plot", dir, "--lang", "zh", "--out", "zh"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(
            err.contains(marker) && err.contains(&format!("re-run `{command}`")),
            "{err}"
        );
        assert!(!t.join("zh").exists());
        let o = policysim(t, &["plot", dir]);
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(std::fs::read_dir(t.join(dir)).unwrap().count(), before);
    }
}
