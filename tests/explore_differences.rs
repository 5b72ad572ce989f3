//! The `policysim explore` differences and why, through a real socket: side-by-side
//! differences with paired or Welch intervals, references unknown, expired or of
//! another preset, and the why against the preset's own defaults.

use crate::explore_server::{json, start};
use serde_json::Value;

#[test]
fn side_by_side_differences_carry_paired_or_welch_intervals() {
    let s = start(&[]);
    let run = |body: String| {
        let (status, v) = json(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200, "{v}");
        v
    };
    let reference = run(r#"{"preset": "competition", "runs": 30}"#.into());
    let id = reference["id"].as_u64().unwrap();
    let metric = |v: &Value, m: &str| {
        v["differences"]["metrics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["metric"] == m)
            .unwrap_or_else(|| panic!("{m} in {v}"))
            .clone()
    };
    // the same seed and runs: paired; the same setting differs by exactly 0
    let same = run(format!(
        r#"{{"preset": "competition", "runs": 30, "reference": {id}}}"#
    ));
    assert_eq!(same["differences"]["pairing"], "paired");
    let fs = metric(&same, "final_share");
    assert_eq!(
        (fs["diff"].as_f64(), fs["low"].as_f64(), fs["high"].as_f64()),
        (Some(0.0), Some(0.0), Some(0.0)),
        "{fs}"
    );
    assert_eq!(fs["n"], 30);
    // a stronger competition: paired over the 30 runs, an interval around the difference
    let paired = run(format!(
        r#"{{"preset": "competition", "runs": 30, "competition.rate": 0.9, "reference": {id}}}"#
    ));
    assert_eq!(paired["differences"]["pairing"], "paired");
    assert_eq!(paired["differences"]["runs"], serde_json::json!([30, 30]));
    let fs = metric(&paired, "final_share");
    let (d, lo, hi) = (
        fs["diff"].as_f64().unwrap(),
        fs["low"].as_f64().unwrap(),
        fs["high"].as_f64().unwrap(),
    );
    assert!(lo < d && d < hi, "{fs}");
    // another seed: the runs are independent samples (Welch) over both arms' runs
    let welch = run(format!(
        r#"{{"preset": "competition", "runs": 30, "competition.rate": 0.9, "seed": 7, "reference": {id}}}"#
    ));
    assert_eq!(welch["differences"]["pairing"], "welch");
    let fw = metric(&welch, "final_share");
    assert_eq!(fw["n"], 60, "{fw}");
    let (d, lo, hi) = (
        fw["diff"].as_f64().unwrap(),
        fw["low"].as_f64().unwrap(),
        fw["high"].as_f64().unwrap(),
    );
    assert!(lo < d && d < hi, "{fw}");
    // a time to half never reached is never a number nor dropped: the difference of
    // restricted mean times at the shorter horizon (5), over every pair
    let short = run(format!(
        r#"{{"preset": "competition", "runs": 30, "steps": 5, "reference": {id}}}"#
    ));
    let t50 = metric(&short, "t50");
    assert_eq!(t50["time"], true);
    // (all 30 runs of the reference got there within 30 years, none within 5)
    assert_eq!(reference["summary"]["t50"]["runs_reached"], 30);
    assert_eq!(short["summary"]["t50"]["runs_reached"], 0);
    assert_eq!(t50["with_value"], serde_json::json!([30, 0]), "{t50}");
    assert_eq!(
        (t50["n"].as_u64(), t50["horizon"].as_u64()),
        (Some(30), Some(5)),
        "{t50}"
    );
    // every short run counts 5, every reference run min(t50, 5) <= 5: the difference is
    // at least 0 and its interval within [-5, 5]
    let (d, lo, hi) = (
        t50["diff"].as_f64().unwrap(),
        t50["low"].as_f64().unwrap(),
        t50["high"].as_f64().unwrap(),
    );
    assert!(
        d >= 0.0 && lo <= d && d <= hi && -5.0 <= lo && hi <= 5.0,
        "{t50}"
    );
}

/// A reference the server does not keep (never was, or pushed out by newer results) is
/// said in the answer (`reference_missing`, both languages) instead of dropped in
/// silence; a reference that is not an id is a bad request.
#[test]
fn an_unknown_or_expired_reference_is_said_not_dropped() {
    let s = start(&[]);
    let (status, v) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "baseline", "runs": 4, "steps": 8, "reference": 987654}"#,
    );
    assert_eq!(status, 200, "{v}");
    assert!(v["reference"].is_null(), "{v}");
    let missing = &v["reference_missing"];
    assert!(
        missing["en"]
            .as_str()
            .unwrap()
            .contains("reference 987654 is not kept")
            && missing["zh"].as_str().unwrap().contains("987654"),
        "{v}"
    );
    assert!(v["differences"].is_null());
    // a kept one is no longer missing
    let id = v["id"].as_u64().unwrap();
    let (_, w) = json(
        &s,
        "POST",
        "/api/run",
        &format!(r#"{{"preset": "baseline", "runs": 4, "steps": 8, "reference": {id}}}"#),
    );
    assert_eq!(w["reference"], id);
    assert!(w["reference_missing"].is_null(), "{w}");
    let (status, e) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "baseline", "runs": 4, "reference": "first"}"#,
    );
    assert_eq!(status, 400, "{e}");
    assert!(e.to_string().contains("key `reference`"), "{e}");
}

/// A reference survives a change of preset where the networks agree (competition for
/// first against uptake, on the same hierarchy and seed: compared run by run), and is said
/// to be elsewhere where they do not (the US states), never compared across networks.
#[test]
fn a_reference_of_another_preset_is_compared_on_the_same_network_only() {
    let s = start(&[]);
    let (status, competition) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "competition", "runs": 8, "steps": 12}"#,
    );
    assert_eq!(status, 200, "{competition}");
    let id = competition["id"].as_u64().unwrap();
    let (status, uptake) = json(
        &s,
        "POST",
        "/api/run",
        &format!(r#"{{"preset": "uptake", "runs": 8, "steps": 12, "reference": {id}}}"#),
    );
    assert_eq!(status, 200, "{uptake}");
    assert_eq!(uptake["reference"], id, "{uptake}");
    assert_eq!(uptake["differences"]["pairing"], "paired", "{uptake}");
    assert!(uptake["reference_elsewhere"].is_null());
    let (status, us) = json(
        &s,
        "POST",
        "/api/run",
        &format!(r#"{{"preset": "us_states", "runs": 8, "reference": {id}}}"#),
    );
    assert_eq!(status, 200, "{us}");
    assert!(
        us["reference"].is_null() && us["differences"].is_null(),
        "{us}"
    );
    assert!(
        us["reference_elsewhere"]["en"]
            .as_str()
            .unwrap()
            .contains("another network")
            && us["reference_missing"].is_null(),
        "{us}"
    );
}

/// Without a reference the why compares a changed setting with the preset's own defaults
/// run on the same seeds: it names the change largest in half-widths of its own 95%
/// interval first, with numbers that match the paired differences of an independent
/// comparison (the defaults kept as a reference); the defaults themselves say nothing
/// changed.
#[test]
fn the_why_names_the_largest_change_against_the_presets_defaults() {
    let s = start(&[]);
    let run = |body: String| {
        let (status, v) = json(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200, "{v}");
        v
    };
    let defaults = run(r#"{"preset": "uptake", "runs": 40}"#.into());
    assert_eq!(defaults["why_against"], "unchanged", "{defaults}");
    let en = defaults["why"]["en"].as_str().unwrap();
    assert!(en.starts_with("Nothing was changed"), "{en}");
    assert!(defaults["why"]["zh"]
        .as_str()
        .unwrap()
        .starts_with("没有改动任何参数"));
    let id = defaults["id"].as_u64().unwrap();
    let change = r#""preset": "uptake", "runs": 40, "central.uptake.evaluation_noise": 2.5"#;
    let changed = run(format!("{{{change}}}"));
    assert_eq!(changed["why_against"], "defaults", "{changed}");
    // the same differences as the defaults kept as a reference (paired by seed)
    let against_reference = run(format!(r#"{{{change}, "reference": {id}}}"#));
    let d = &changed["defaults_differences"];
    assert_eq!(d["pairing"], "paired");
    assert_eq!(*d, against_reference["differences"]);
    let metrics = d["metrics"].as_array().unwrap();
    assert!(
        metrics.iter().any(|m| m["metric"] == "uptake_regret")
            && metrics.iter().any(|m| m["metric"] == "taken_up"),
        "the uptake preset's differences carry regret and runs taken up: {d}"
    );
    // the largest change by the documented rule: |diff| over the interval's half-width,
    // among those whose interval excludes 0
    let strongest = metrics
        .iter()
        .filter_map(|m| {
            Some((
                m,
                m["diff"].as_f64()?,
                m["low"].as_f64()?,
                m["high"].as_f64()?,
            ))
        })
        .filter(|(_, _, lo, hi)| *lo > 0.0 || *hi < 0.0)
        .max_by(|a, b| {
            let k = |x: &(&Value, f64, f64, f64)| x.1.abs() / ((x.3 - x.2) / 2.0);
            k(a).total_cmp(&k(b))
        })
        .expect("the noisier review changes something distinguishably");
    let (m, diff, low, high) = strongest;
    let metric = m["metric"].as_str().unwrap();
    let (name_en, name_zh, scale) = match metric {
        "final_share" => ("final share", "最终采纳比例", 100.0),
        "t50" => ("time to half", "过半时间", 1.0),
        "final_mean_quality" => ("final quality", "最终质量", 1.0),
        "evaluation_bias" => ("evaluation bias", "评估偏差", 1.0),
        "uptake_regret" => ("uptake regret", "吸纳遗憾", 1.0),
        "taken_up" => ("runs taken up", "发生吸纳的模拟比例", 100.0),
        other => panic!("unexpected metric {other}"),
    };
    let en = changed["why"]["en"].as_str().unwrap();
    let named = en
        .split_once("the largest changes: ")
        .map(|x| x.1)
        .unwrap_or_else(|| panic!("{en}"));
    assert!(named.starts_with(name_en), "{metric} first: {en}");
    // its numbers: the difference and the interval, as many decimals as shown
    let first = named.split([';', '.']).next().unwrap();
    let first = &named[..first.len() + named[first.len()..].find(']').unwrap_or(0) + 1];
    let numbers: Vec<(f64, usize)> = first
        .replace('−', "-")
        .split(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
        .map(|t| {
            let decimals = t.split_once('.').map_or(0, |x| x.1.len());
            (t.parse::<f64>().unwrap(), decimals)
        })
        .collect();
    assert_eq!(numbers.len(), 3, "{first}");
    for ((shown, decimals), value) in numbers.iter().zip([diff, low, high]) {
        let tolerance = 0.5 * 10f64.powi(-(*decimals as i32)) + 1e-9;
        assert!(
            (shown - value * scale).abs() <= tolerance,
            "{first}: {shown} against {}",
            value * scale
        );
    }
    assert!(!en.contains("went from"), "{en}");
    let zh = changed["why"]["zh"].as_str().unwrap();
    assert!(
        zh.split_once("变化最大的是：")
            .is_some_and(|x| x.1.starts_with(name_zh)),
        "{metric} first: {zh}"
    );
}
