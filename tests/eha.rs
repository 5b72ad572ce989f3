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
