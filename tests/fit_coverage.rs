//! The calibration of `policysim fit`'s interval (issue 33): 50 synthetic targets with
//! known innovation and learning rates, drawn from the fit's uniform prior over the
//! `--free` box, each simulated once and fitted back through the binary; the coverage
//! of the 5–95% interval is printed (`--nocapture`) and documented in docs/fit.md.
//!
//! `cargo test --release --test tests fit_coverage -- --nocapture` (about 20 s).

use policysim::ensemble::{prepare, run_indexed};
use policysim::scenario::parse_scenario;
use std::process::Command;

/// A small scenario: 200 units on a small-world network, innovation and learning only.
const SMALL: &str = r#"
name = "coverage"
steps = 12
runs = 20
seed = 5
[network]
kind = "watts_strogatz"
n = 200
k = 6
beta = 0.1
[agents]
learning = { dist = "beta", a = 2.0, b = 2.0 }
resources = { dist = "beta", a = 2.0, b = 2.0 }
inertia = { dist = "beta", a = 2.0, b = 5.0 }
fit = 0.0
[innovation]
rate = INNOVATION
[learning]
rate = LEARNING
performance_weight = 0.0
need_weight = 0.0
[abandon]
rate = 0.0
"#;

/// The search box (the prior the truths are drawn from).
const BOX: [(&str, f64, f64); 2] = [("innovation.rate", 0.0, 0.1), ("learning.rate", 0.0, 1.0)];

/// Targets fitted.
const TARGETS: u64 = 50;

/// A uniform number in [0, 1) from (seed, index): splitmix64.
fn uniform(seed: u64, index: u64) -> f64 {
    let mut z = seed
        .wrapping_add(index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[test]
fn the_fit_interval_covers_known_values_at_its_nominal_rate() {
    let dir = tempfile::tempdir().unwrap();
    let mut covered = [0u32; 2];
    let mut both = 0u32;
    let mut least_accepted = usize::MAX;
    for target in 0..TARGETS {
        let truth: Vec<f64> = BOX
            .iter()
            .enumerate()
            .map(|(k, &(_, lo, hi))| lo + (hi - lo) * uniform(33, 2 * target + k as u64))
            .collect();
        let text = SMALL
            .replace("INNOVATION", &truth[0].to_string())
            .replace("LEARNING", &truth[1].to_string());
        let scenario_path = dir.path().join(format!("target-{target}.toml"));
        std::fs::write(&scenario_path, &text).unwrap();
        let s = parse_scenario(&text, &scenario_path).unwrap();
        let prepared = prepare(&s).unwrap();
        // the observed history: one run at the true values, from a seed the fit does not use
        let run = run_indexed(&s, 90_000 + target, &prepared, 0, true).unwrap();
        let mut csv = String::from("unit,adopt_year\n");
        for (i, &step) in run.adopted_step.unwrap().iter().enumerate() {
            if step != u32::MAX {
                csv.push_str(&format!(
                    "{},{}\n",
                    prepared.network.names.name(i),
                    2000 + step
                ));
            }
        }
        let observed = dir.path().join(format!("observed-{target}.csv"));
        std::fs::write(&observed, csv).unwrap();
        let out = dir.path().join(format!("fit-{target}"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_policysim"));
        cmd.args(["fit", scenario_path.to_str().unwrap(), "--observed"])
            .arg(&observed)
            .args(["--start-year", "2000", "--runs", "20", "--budget", "60"])
            .args(["--max-evaluations", "400"]);
        for (key, lo, hi) in BOX {
            cmd.args(["--free", &format!("{key}={lo}:{hi}")]);
        }
        let status = cmd
            .args(["--quiet", "--no-charts", "--out"])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success(), "target {target}");
        let fit: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).unwrap()).unwrap();
        // every interval is an ABC interval built from at least the documented minimum
        let accepted = fit["accepted"].as_u64().unwrap() as usize;
        assert_eq!(fit["interval_method"], "abc-5-95", "target {target}: {fit}");
        assert!(
            accepted >= policysim::fit::abc::MIN_ACCEPTED,
            "target {target}: {accepted} accepted"
        );
        assert_eq!(
            fit["min_accepted"].as_u64(),
            Some(policysim::fit::abc::MIN_ACCEPTED as u64)
        );
        least_accepted = least_accepted.min(accepted);
        let mut all = true;
        for (k, &(key, _, _)) in BOX.iter().enumerate() {
            let iv = &fit["interval"][key];
            let (lo, hi) = (iv[0].as_f64().unwrap(), iv[1].as_f64().unwrap());
            let inside = lo <= truth[k] && truth[k] <= hi;
            covered[k] += u32::from(inside);
            all &= inside;
        }
        both += u32::from(all);
    }
    let n = TARGETS as f64;
    let share = |c: u32| f64::from(c) / n;
    println!(
        "fit interval coverage over {TARGETS} synthetic targets (nominal 0.90): innovation.rate {:.2}, learning.rate {:.2}, both at once {:.2}; at least {least_accepted} ABC samples accepted per fit",
        share(covered[0]),
        share(covered[1]),
        share(both)
    );
    // The interval is anti-conservative (docs/fit.md, "How well the interval covers"):
    // with these seeds it covered 0.74 (innovation.rate) and 0.84 (learning.rate) of the
    // targets, not 0.90. The floor is the documented coverage less 3 binomial SE over
    // 50 targets, so a change that makes the interval worse fails here; a calibrated
    // 90% interval would pass 0.90 - 3 * sqrt(0.09 / 50) = 0.77 too.
    for (k, (&(key, _, _), documented)) in BOX.iter().zip([0.74, 0.84]).enumerate() {
        let floor = documented - 3.0 * (documented * (1.0 - documented) / n).sqrt();
        assert!(
            share(covered[k]) >= floor,
            "{key}: coverage {} < {floor:.3}",
            share(covered[k])
        );
    }
}
