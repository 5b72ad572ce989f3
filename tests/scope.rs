//! Centres at every level (`central.scope`, MODEL.md 4c, 四级联动) against their pattern:
//! provinces that each pilot their own template spread the policy more unevenly across
//! provinces than one national programme of the same total size. Fixed seeds; the
//! comparison is made in standard errors.

use crate::common::{binary, ensemble, mean_se, scenario};
use policysim::model::centre::assign_scope;
use std::process::Command;

const RUNS: u64 = 100;

/// A small hierarchy (10 provinces, 60 cities, 300 counties) whose centre pilots templates
/// of varying quality; no abandonment, so a government's first adoption is its final state.
fn hierarchy(scope: &str, sites: u32) -> String {
    format!(
        r#"
        name = "levels"
        steps = 20
        runs = {RUNS}
        seed = 77
        [network]
        kind = "hierarchy"
        levels = [
          {{ name = "province", count = 10 }},
          {{ name = "city", count = 60 }},
          {{ name = "county", count = 300 }},
        ]
        k = 2
        [innovation]
        rate = 0.002
        [learning]
        rate = 0.3
        [central]
        mode = "pilot"
        scope = "{scope}"
        [central.pilot]
        start = 2
        sites = {sites}
        quality = {{ dist = "normal", mean = 0.2, sd = 0.5 }}
        evaluate_after = 3
        promote_above = 0.0
        [central.mandate]
        rate = 0.4
        deadline = 0
        "#
    )
}

/// Per run, the sd across provinces of the adopted share of the units below each province.
fn spread_across_provinces(text: &str) -> Vec<f64> {
    let s = scenario(text);
    let prepared = policysim::ensemble::prepare(&s).unwrap();
    let net = &prepared.network;
    let province = net
        .level_names
        .iter()
        .position(|l| l == "province")
        .unwrap();
    let scope = assign_scope(&net.parent, &net.level, province as u16);
    (0..RUNS)
        .map(|run| {
            let rng = policysim::rng::run_streams(s.seed, run);
            let out = policysim::run::run_once(&s, &prepared, run, rng, true);
            let steps = out.adopted_step.unwrap();
            let shares: Vec<f64> = scope
                .members
                .iter()
                .map(|m| {
                    m.iter().filter(|&&i| steps[i as usize] != u32::MAX).count() as f64
                        / m.len() as f64
                })
                .collect();
            let mean = shares.iter().sum::<f64>() / shares.len() as f64;
            (shares.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / shares.len() as f64)
                .sqrt()
        })
        .collect()
}

#[test]
fn provincial_pilots_spread_more_unevenly_than_a_national_programme_of_the_same_size() {
    let national = mean_se(&spread_across_provinces(&hierarchy("national", 20)));
    let provincial = mean_se(&spread_across_provinces(&hierarchy("province", 2)));
    let se = (national.1.powi(2) + provincial.1.powi(2)).sqrt();
    assert!(
        provincial.0 - national.0 > 3.0 * se,
        "sd of shares across provinces: provincial {provincial:?} vs national {national:?}"
    );
}

#[test]
fn every_province_reports_its_own_pilots_and_promotion() {
    let (_, rows) = ensemble(&scenario(&hierarchy("province", 2)));
    for r in &rows {
        assert_eq!(r.centres.len(), 10);
        assert_eq!(r.centres.iter().map(|c| c.units).sum::<u32>(), 360);
        assert!(r.centres.iter().all(|c| c.rounds_used == 1));
        // each province evaluates its own 2 pilots
        assert_eq!(r.evaluations.len(), 10);
        assert!(r.evaluations.iter().all(|e| e.sites <= 2 && e.step == 5));
        let first = r.centres.iter().filter_map(|c| c.promoted_at).min();
        assert_eq!(r.promoted_at, first);
    }
    // templates differ between provinces: some pass and some fail in the same run
    assert!(rows.iter().any(|r| {
        let promoted = r.centres.iter().filter(|c| c.promoted_at.is_some()).count();
        promoted > 0 && promoted < 10
    }));
}

#[test]
fn scoped_centres_are_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(&file, hierarchy("province", 2)).unwrap();
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let out = dir.path().join(format!("out-{threads}"));
        let status = Command::new(binary())
            .arg("run")
            .arg(&file)
            .args([
                "--quiet",
                "--no-charts",
                "--runs",
                "30",
                "--threads",
                threads,
                "--out",
            ])
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let files: Vec<Vec<u8>> = ["runs.csv", "centres.csv", "rounds.csv", "curves.csv"]
            .iter()
            .map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
        outputs.push(files);
    }
    assert_eq!(outputs[0], outputs[1]);
    // summary.json's centre_share_sd is the mean of the runs' spreads in runs.csv
    let runs = String::from_utf8(outputs[0][0].clone()).unwrap();
    let header: Vec<&str> = runs.lines().next().unwrap().split(',').collect();
    let k = header.iter().position(|h| *h == "centre_share_sd").unwrap();
    let sds: Vec<f64> = runs
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(k).unwrap().parse().unwrap())
        .collect();
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out-1/summary.json")).unwrap(),
    )
    .unwrap();
    let mean = sds.iter().sum::<f64>() / sds.len() as f64;
    let reported = summary["centre_share_sd"]["mean"].as_f64().unwrap();
    assert!((reported - mean).abs() < 1e-9, "{reported} vs {mean}");
    let centres = String::from_utf8(outputs[0][1].clone()).unwrap();
    assert!(centres
        .starts_with("run,centre,name,units,promoted_at,rounds_used,uptake_regret,final_share\n"));
    assert_eq!(centres.lines().count(), 1 + 30 * 10);
}

#[test]
fn uptake_runs_in_every_province() {
    let text = hierarchy("province", 2);
    let centre = text.find("[central]").unwrap();
    let text = format!(
        "{}{}",
        &text[..centre],
        r#"
        [central]
        mode = "uptake"
        scope = "province"
        [central.uptake]
        start = 8
        min_adopters = 1
        promote_above = -100.0
        "#
    );
    let (_, rows) = ensemble(&scenario(&text));
    let mut took_up = 0;
    for r in &rows {
        for c in &r.centres {
            // a province takes a version up exactly when it has an adopter below it at a review
            if let Some(regret) = c.uptake_regret {
                assert!(regret >= 0.0);
                assert!(c.promoted_at.is_some_and(|t| t >= 8));
                took_up += 1;
            }
        }
        let first = r.centres.iter().filter_map(|c| c.promoted_at).min();
        assert_eq!(r.uptake.map(|u| u.step), first);
    }
    assert!(took_up > 0);
}
