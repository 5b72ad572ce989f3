//! The centre that learns from below (MODEL.md 4b) against its patterns: uptake of a
//! local variant, pilot rounds with noisy evaluation and revision. Fixed seeds; every
//! comparison is made in standard errors (Welch for means, the binomial for shares).

use crate::common::{assert_more, binary, ensemble, mean_se, scenario};
use policysim::run::RunSummary;
use std::process::Command;

const RUNS: usize = 120;

/// Local governments that invent, learn and race their neighbours on a small world,
/// with a centre given by `centre` (TOML of the `[central...]` tables) and `extra` keys.
fn world(extra: &str, centre: &str) -> String {
    format!(
        r#"
        name = "world"
        steps = 25
        runs = {RUNS}
        seed = 2024
        [network]
        kind = "watts_strogatz"
        n = 500
        k = 6
        beta = 0.1
        [agents]
        learning = {{ dist = "beta", a = 2.0, b = 2.0 }}
        competition = {{ dist = "beta", a = 2.0, b = 2.0 }}
        {extra}
        [innovation]
        rate = 0.01
        quality = {{ dist = "normal", mean = 0.0, sd = 0.5 }}
        [learning]
        rate = 0.6
        [competition]
        rate = 0.4
        rivals = "neighbours"
        {centre}
        "#
    )
}

/// Uptake at the first review from step 8 (promote_above so low that the first review takes one up).
fn uptake(noise: f64, min_adopters: u32) -> String {
    format!(
        r#"
        [central]
        mode = "uptake"
        [central.uptake]
        start = 8
        min_adopters = {min_adopters}
        evaluation_noise = {noise}
        promote_above = -100.0
        "#
    )
}

fn regrets(rows: &[RunSummary]) -> Vec<f64> {
    rows.iter()
        .filter_map(|r| r.uptake.map(|u| u.regret))
        .collect()
}

/// Share of runs in which the centre promoted, with its binomial standard error.
fn promoted_share(rows: &[RunSummary]) -> (f64, f64) {
    let p = rows.iter().filter(|r| r.promoted_at.is_some()).count() as f64 / rows.len() as f64;
    (p, (p * (1.0 - p) / rows.len() as f64).sqrt())
}

#[test]
fn regret_rises_with_evaluation_noise() {
    let (_, clear) = ensemble(&scenario(&world("", &uptake(0.0, 3))));
    let (_, noisy) = ensemble(&scenario(&world("", &uptake(3.0, 3))));
    let clear = regrets(&clear);
    let noisy = regrets(&noisy);
    assert_eq!(clear.len(), RUNS, "every run takes a lineage up");
    assert_eq!(noisy.len(), RUNS);
    assert!(clear.iter().chain(&noisy).all(|&r| r >= 0.0));
    assert_more("uptake regret", mean_se(&clear), mean_se(&noisy));
}

#[test]
fn a_centre_that_sees_clearly_and_reviews_every_lineage_has_no_regret() {
    // fit 0: performance is quality, so the highest observed mean is the best lineage
    let (_, rows) = ensemble(&scenario(&world("fit = 0.0", &uptake(0.0, 1))));
    let r = regrets(&rows);
    assert_eq!(r.len(), RUNS);
    assert!(r.iter().all(|&x| x == 0.0), "regrets {r:?}");
}

#[test]
fn uptake_after_competition_beats_a_centre_template_of_average_quality() {
    let mandate_after = r#"
        [central.mandate]
        rate = 0.3
        deadline = 0
    "#;
    let up = format!(
        "{}{mandate_after}",
        uptake(0.1, 3).replace("start = 8", "start = 10")
    );
    // the centre's own template: drawn like an invention (same mean and sd), mandated at 10
    let own = r#"
        [central]
        mode = "mandate"
        [central.pilot]
        quality = { dist = "normal", mean = 0.0, sd = 0.5 }
        [central.mandate]
        start = 10
        rate = 0.3
        deadline = 0
        "#;
    let (_, up_rows) = ensemble(&scenario(&world("", &up)));
    let (_, own_rows) = ensemble(&scenario(&world("", own)));
    assert!(up_rows
        .iter()
        .all(|r| r.uptake.is_some_and(|u| u.step == 10)));
    let q = |rows: &[RunSummary]| {
        mean_se(
            &rows
                .iter()
                .map(|r| r.final_mean_quality.expect("adopters"))
                .collect::<Vec<_>>(),
        )
    };
    assert_more("final mean quality", q(&own_rows), q(&up_rows));
}

/// Pilots of a template drawn anew every run; evaluation after 2 steps.
fn pilots(rounds: u32, revise: &str, quality: &str, noise: f64) -> String {
    format!(
        r#"
        [central]
        mode = "pilot"
        [central.pilot]
        start = 3
        sites = 10
        quality = {quality}
        evaluate_after = 2
        promote_above = 0.3
        wind_up = true
        rounds = {rounds}
        revise = "{revise}"
        evaluation_noise = {noise}
        "#
    )
}

#[test]
fn three_rounds_with_revision_promote_more_often_than_one() {
    let q = r#"{ dist = "normal", mean = 0.0, sd = 0.5 }"#;
    let (_, one) = ensemble(&scenario(&world("", &pilots(1, "none", q, 0.0))));
    let (_, three) = ensemble(&scenario(&world("", &pilots(3, "best_pilot", q, 0.0))));
    assert!(one.iter().all(|r| r.evaluations.len() <= 1));
    assert!(three.iter().all(|r| r.rounds_used.is_some_and(|n| n <= 3)));
    assert!(three.iter().any(|r| r.evaluations.len() == 3));
    assert_more(
        "promoted share",
        promoted_share(&one),
        promoted_share(&three),
    );
}

#[test]
fn noisy_evaluation_promotes_a_bad_template_that_perfect_evaluation_rejects() {
    // every pilot performs at exactly -0.2 (no fit, no adaptation): below promote_above 0.3
    let exact = r#"fit = 0.0
        [adapt]
        gain = 0.0
        noise = 0.0
        noise_floor = 0.0"#;
    let (_, perfect) = ensemble(&scenario(&world(exact, &pilots(1, "none", "-0.2", 0.0))));
    let (_, noisy) = ensemble(&scenario(&world(exact, &pilots(1, "none", "-0.2", 2.0))));
    assert_eq!(promoted_share(&perfect).0, 0.0);
    for r in &noisy {
        let e = r.evaluations[0];
        assert!(
            (e.true_mean + 0.2).abs() < 1e-12,
            "true mean {}",
            e.true_mean
        );
        assert_eq!(e.promoted, e.observed > 0.3);
    }
    let (p, se) = promoted_share(&noisy);
    assert!(
        p > 3.0 * se,
        "noisy evaluation promoted in {p} of runs (se {se})"
    );
    // its observed means scatter around the truth with sd 2 / sqrt(10)
    let errors: Vec<f64> = noisy
        .iter()
        .map(|r| r.evaluations[0].observed - r.evaluations[0].true_mean)
        .collect();
    let (m, se_m) = mean_se(&errors);
    assert!(
        m.abs() < 3.0 * se_m,
        "evaluation error is unbiased: mean {m}"
    );
    let sd = se_m * (errors.len() as f64).sqrt();
    let expected = 2.0 / 10f64.sqrt();
    let se_sd = expected / (2.0 * (errors.len() - 1) as f64).sqrt();
    assert!((sd - expected).abs() < 4.0 * se_sd, "sd {sd} vs {expected}");
}

/// Runs the binary on `text` with `threads` worker threads and returns the bytes of `files`.
fn run_files(dir: &std::path::Path, text: &str, threads: &str, files: &[&str]) -> Vec<Vec<u8>> {
    let file = dir.join("s.toml");
    std::fs::write(&file, text).unwrap();
    let out = dir.join(format!("out-{threads}"));
    let status = Command::new(binary())
        .arg("run")
        .arg(&file)
        .args([
            "--quiet",
            "--no-charts",
            "--runs",
            "40",
            "--threads",
            threads,
            "--out",
        ])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    files
        .iter()
        .map(|f| std::fs::read(out.join(f)).unwrap())
        .collect()
}

#[test]
fn uptake_and_pilot_rounds_are_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let files = ["runs.csv", "rounds.csv", "curves.csv"];
    let q = r#"{ dist = "normal", mean = 0.0, sd = 0.5 }"#;
    for text in [
        world("", &uptake(1.0, 3)),
        world("", &pilots(3, "best_pilot", q, 0.5)),
    ] {
        let one = run_files(dir.path(), &text, "1", &files);
        let two = run_files(dir.path(), &text, "2", &files);
        assert_eq!(one, two);
        let rounds = String::from_utf8(one[1].clone()).unwrap();
        assert!(rounds.starts_with("run,centre,round,step,sites,observed,true,verdict\n"));
        assert!(
            rounds.lines().count() > 40,
            "one row per evaluation at least"
        );
    }
}
