//! `policysim eha` agrees with statsmodels (`Logit(...).fit(cov_type="cluster")`) to 1e-6
//! on the monadic and dyadic panels of the SPID mothersaid adoptions: coefficients,
//! clustered standard errors, z, p and log-likelihood. The reference numbers and the
//! script that made them are in tests/fixtures/eha/ (no Python needed here).

use crate::common::binary;
use std::process::Command;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eha");

fn near(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn eha_agrees_with_statsmodels_clustered_fits() {
    let reference: serde_json::Value =
        serde_json::from_slice(&std::fs::read(format!("{FIXTURES}/reference.json")).unwrap())
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    for (fit, design) in reference["fits"]
        .as_array()
        .unwrap()
        .iter()
        .zip(["unit-year", "dyad-year"])
    {
        let file = format!("{FIXTURES}/{}", fit["file"].as_str().unwrap());
        // the fixture panel is what `policysim panel` writes today
        let fresh = dir.path().join(format!("{design}.csv"));
        let o = Command::new(binary())
            .args([
                "panel",
                "--observed",
                &format!("{root}/scenarios/data/spid_sample.csv"),
            ])
            .args(["--policy", "mothersaid", "--scenario"])
            .arg(format!("{root}/scenarios/us_states.toml"))
            .args(["--design", design, "--out"])
            .arg(&fresh)
            .output()
            .unwrap();
        assert!(o.status.success());
        assert_eq!(
            std::fs::read(&fresh).unwrap(),
            std::fs::read(&file).unwrap()
        );

        let out = dir.path().join(design);
        let o = Command::new(binary())
            .args(["eha", &file, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let ours: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("eha.json")).unwrap()).unwrap();
        assert_eq!(ours["design"], design);
        assert_eq!(ours["rows"], fit["rows"]);
        assert_eq!(ours["clusters"], fit["clusters"]);
        assert!(ours["converged"].as_bool().unwrap());
        let ll = ours["log_likelihood"].as_f64().unwrap();
        assert!(near(ll, fit["log_likelihood"].as_f64().unwrap()), "{ll}");
        let terms = ours["terms"].as_array().unwrap();
        assert_eq!(terms.len(), fit["terms"].as_array().unwrap().len());
        for (k, term) in terms.iter().enumerate() {
            assert_eq!(term["term"], fit["terms"][k]);
            for (ours_key, theirs) in [("coef", "coef"), ("se", "se"), ("z", "z"), ("p", "p")] {
                let a = term[ours_key].as_f64().unwrap();
                let b = fit[theirs][k].as_f64().unwrap();
                assert!(
                    near(a, b),
                    "{design} {} {ours_key}: {a} vs {b}",
                    term["term"]
                );
            }
        }
        let csv = std::fs::read_to_string(out.join("eha.csv")).unwrap();
        assert!(csv.starts_with("term,coef,se,z,p,se_model\nintercept,"));
        assert_eq!(csv.lines().count(), terms.len() + 1);
    }
}

#[test]
fn eha_refuses_a_missing_covariate_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("eha");
    let o = Command::new(binary())
        .args(["eha", &format!("{FIXTURES}/mothersaid_unit_year.csv")])
        .args(["--covariate", "nonesuch", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("`nonesuch`"), "{err}");
    assert!(!out.exists());
}

/// `eha --by-run`: each run's fit is the fit of the panel cut to that run (the same
/// numbers as `eha` on the cut file), and the share of runs in which a term is positive
/// and significant is counted from those fits over the runs that converged.
#[test]
fn eha_by_run_fits_each_history_on_its_own_and_counts_the_significant_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let run = dir.path().join("run");
    let ok = |o: std::process::Output| {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    ok(Command::new(binary())
        .args(["run", &format!("{root}/scenarios/us_states.toml")])
        .args([
            "--runs",
            "5",
            "--record",
            "events",
            "--no-charts",
            "-q",
            "--out",
        ])
        .arg(&run)
        .output()
        .unwrap());
    let panel = dir.path().join("uy.csv");
    ok(Command::new(binary())
        .arg("panel")
        .arg(&run)
        .args(["--design", "unit-year", "--out"])
        .arg(&panel)
        .output()
        .unwrap());
    let out = dir.path().join("eha");
    ok(Command::new(binary())
        .arg("eha")
        .arg(&panel)
        .args(["--by-run", "--out"])
        .arg(&out)
        .output()
        .unwrap());
    let by_run = std::fs::read_to_string(out.join("eha_by_run.csv")).unwrap();
    let text = std::fs::read_to_string(&panel).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let mut counted = 0;
    let mut positive = [0usize; 6];
    for r in 0..5 {
        // the panel cut to run r, fitted by plain `eha`
        let cut: String = body
            .lines()
            .filter(|l| l.split(',').next() == Some(&r.to_string()))
            .map(|l| format!("{l}\n"))
            .collect();
        let file = dir.path().join(format!("run{r}.csv"));
        std::fs::write(&file, format!("{header}\n{cut}")).unwrap();
        let alone = dir.path().join(format!("eha{r}"));
        ok(Command::new(binary())
            .arg("eha")
            .arg(&file)
            .arg("--out")
            .arg(&alone)
            .output()
            .unwrap());
        let fit: serde_json::Value =
            serde_json::from_slice(&std::fs::read(alone.join("eha.json")).unwrap()).unwrap();
        let mine: Vec<Vec<&str>> = by_run
            .lines()
            .skip(1)
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|c| c[0] == r.to_string())
            .collect();
        let terms = fit["terms"].as_array().unwrap();
        assert_eq!(mine.len(), terms.len(), "run {r}");
        let converged = mine[0][6] == "true";
        assert_eq!(converged, fit["converged"].as_bool().unwrap());
        for (k, (row, term)) in mine.iter().zip(terms).enumerate() {
            assert_eq!(row[1], term["term"].as_str().unwrap());
            for (col, key) in [(2, "coef"), (3, "se"), (5, "p")] {
                let a: f64 = row[col].parse().unwrap();
                let b = term[key].as_f64().unwrap();
                assert!(near(a, b), "run {r} {} {key}: {a} vs {b}", row[1]);
            }
            let (b, p) = (term["coef"].as_f64().unwrap(), term["p"].as_f64().unwrap());
            if converged && b > 0.0 && p < 0.05 {
                positive[k] += 1;
            }
        }
        counted += usize::from(converged);
    }
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("eha.json")).unwrap()).unwrap();
    let s = &summary["by_run"];
    assert_eq!(s["runs"], 5);
    assert_eq!(s["runs_counted"].as_u64().unwrap() as usize, counted);
    for (k, term) in s["terms"].as_array().unwrap().iter().enumerate() {
        let share = term["positive_significant"].as_f64().unwrap();
        assert!(
            (share * counted as f64 - positive[k] as f64).abs() < 1e-9,
            "{term}"
        );
        let ci = term["positive_ci"].as_array().unwrap();
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= share && share <= hi);
    }
}
