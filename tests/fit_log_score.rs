//! `policysim fit --objective log-score`: calibration on who adopted when, checked on
//! synthetic diffusions whose true rates are known.

use crate::fit::{bin, json, synthetic_target, SYNTHETIC};
use policysim::ensemble::prepare;
use policysim::scenario::parse_scenario;

/// `--objective log-score` (who adopts each year, the runs restarted every year from who
/// had adopted) recovers the two rates of synthetic diffusions: its interval covers the
/// truth in most targets, the curve it implies fits, and `fit.json` reports the score
/// over exactly the at-risk unit-years of the data.
#[test]
fn the_log_score_objective_recovers_known_parameters_from_who_adopted_when() {
    let (inn, learn) = (0.02, 0.6);
    let dir = tempfile::tempdir().unwrap();
    let text = SYNTHETIC
        .replace("INNOVATION", &inn.to_string())
        .replace("LEARNING", &learn.to_string());
    let scenario_path = dir.path().join("synthetic.toml");
    std::fs::write(&scenario_path, &text).unwrap();
    let s = parse_scenario(&text, &scenario_path).unwrap();
    let prepared = prepare(&s).unwrap();
    const TARGETS: u64 = 6;
    let mut covered = [0u32; 2];
    for target in 0..TARGETS {
        let (csv, steps) = synthetic_target(&s, &prepared, 777 + target);
        let observed = dir.path().join(format!("observed-{target}.csv"));
        std::fs::write(&observed, csv).unwrap();
        let out = dir.path().join(format!("fit-{target}"));
        let o = bin()
            .args(["fit", scenario_path.to_str().unwrap(), "--observed"])
            .arg(&observed)
            .args(["--start-year", "2000", "--free", "innovation.rate=0:0.1"])
            .args(["--free", "learning.rate=0:1", "--runs", "100"])
            .args(["--budget", "100", "--objective", "log-score"])
            .args(["--no-charts", "--out"])
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(o.status.success(), "{err}");
        assert!(err.contains("log score: mean loss"), "{err}");
        let fit = json(&out.join("fit.json"));
        assert_eq!(fit["objective"], "log-score");
        // the unit-years at risk, counted here from the data: the units not adopted
        // before each step 1..=T (T = the last adoption year's step)
        let t_max = steps.iter().flatten().max().copied().unwrap();
        let at_risk: usize = (1..=t_max)
            .map(|t| steps.iter().filter(|s| s.is_none_or(|s| s >= t)).count())
            .sum();
        assert_eq!(fit["log_score"]["unit_years"], at_risk);
        let loss = fit["log_score"]["mean_loss"].as_f64().unwrap();
        assert_eq!(fit["objective_value"].as_f64().unwrap(), loss);
        // a diffusion that reaches a third of 400 units in 15 years: most unit-years
        // are non-adoptions, so the loss lies well below ln 2 (a coin) and above 0
        assert!(loss > 0.02 && loss < 0.3, "{loss}");
        let rmse = fit["rmse"].as_f64().unwrap();
        // fitted on who, it still reproduces how many: one realisation lies about one
        // run-to-run spread (`noise`) from the ensemble's mean curve; three is the bound
        let noise = fit["noise"].as_f64().unwrap();
        assert!(
            rmse < 3.0 * noise,
            "target {target}: curve RMSE {rmse}, run-to-run noise {noise}"
        );
        for (k, (key, truth)) in [("innovation.rate", inn), ("learning.rate", learn)]
            .into_iter()
            .enumerate()
        {
            let iv = &fit["interval"][key];
            let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
            covered[k] += u32::from(lo <= truth && truth <= hi);
        }
    }
    eprintln!(
        "log-score fit intervals covered the true innovation rate in {} and the true learning rate in {} of {TARGETS} synthetic targets",
        covered[0], covered[1]
    );
    for (k, key) in ["innovation.rate", "learning.rate"].iter().enumerate() {
        assert!(
            covered[k] >= 4,
            "{key}: the interval covered the truth in {} of {TARGETS} targets",
            covered[k]
        );
    }
}
