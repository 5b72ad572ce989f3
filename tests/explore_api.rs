//! The `policysim explore` API's answers through a real socket: the page and presets,
//! runs with their summary and charts (drawn in private folders), the data presets'
//! comparison with real adoptions, and the map geometry sent once.

use crate::common::binary;
use crate::explore_server::{json, request, start, start_with_tmpdir};
use serde_json::Value;
use std::process::Command;

#[test]
fn page_and_presets_are_served() {
    let s = start(&[]);
    let (status, page) = request(&s, "GET", "/", "");
    assert_eq!(status, 200);
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("/page.js") && !page.contains("https://"),
        "no CDN"
    );
    // the page's scripts, the maps' among them
    for (script, has) in [
        ("/words.js", "const WORDS"),
        ("/map.js", "function drawDots"),
        ("/sidebyside.js", "function showSideBySide"),
        ("/controls.js", "function buildControls"),
        ("/page.js", "async function run"),
    ] {
        assert!(page.contains(script), "{script}");
        let (status, text) = request(&s, "GET", script, "");
        assert_eq!(status, 200, "{script}");
        assert!(String::from_utf8(text).unwrap().contains(has), "{script}");
    }
    let (status, v) = json(&s, "GET", "/api/presets", "");
    assert_eq!(status, 200);
    let ids: Vec<&str> = v["presets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    for id in ["baseline", "competition", "pilot", "mandate"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    assert_eq!(v["presets"][0]["label"]["zh"], "基线：仅地方渠道");
    // every embedded preset has a Chinese description beside the file's English one
    for p in v["presets"].as_array().unwrap() {
        let zh = p["description_zh"].as_str().unwrap_or_default();
        assert!(
            zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{}: {zh:?}",
            p["id"]
        );
    }
    let (status, config) = json(&s, "GET", "/api/config", "");
    assert_eq!(status, 200);
    assert_eq!(config["caps"]["max_runs"], 100);
    assert!(config["params"].as_array().unwrap().len() > 10);
    assert_eq!(request(&s, "GET", "/etc/passwd", "").0, 404);
    assert_eq!(request(&s, "GET", "/../Cargo.toml", "").0, 404);
}

#[test]
fn a_run_returns_a_summary_and_svg_charts() {
    let s = start(&[]);
    let (status, v) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "competition", "runs": 10, "learning.rate": 0.5, "competition.rivals": "all"}"#,
    );
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["summary"]["scenario"], "competition");
    assert_eq!(v["summary"]["runs"], 10);
    assert!(v["summary"]["final_share"]["mean"].as_f64().unwrap() > 0.0);
    assert!(v["sentence"]["en"]
        .as_str()
        .unwrap()
        .starts_with("final share"));
    for chart in ["adoption", "channels", "quality"] {
        let svg = v["charts"][chart].as_str().unwrap_or("");
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"), "{chart}");
    }
    // the map comes as data; its chart is a download of its own
    assert_eq!(v["map"]["step"].as_array().unwrap().len(), 3214);
    let (status, svg) = request(&s, "GET", v["map_svg"].as_str().unwrap(), "");
    assert_eq!(status, 200);
    let svg = String::from_utf8(svg).unwrap();
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    // the download bundle of that result
    let (status, zip) = request(&s, "GET", v["download"].as_str().unwrap(), "");
    assert_eq!(status, 200);
    assert_eq!(&zip[..4], b"PK\x03\x04");
    // and the scenario as TOML, which `policysim check` accepts
    let (status, toml) = request(
        &s,
        "GET",
        "/api/scenario.toml?preset=competition&learning.rate=0.5&competition.rivals=%22all%22",
        "",
    );
    assert_eq!(status, 200);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.toml");
    std::fs::write(&path, &toml).unwrap();
    let out = Command::new(binary())
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let resolved = String::from_utf8_lossy(&out.stdout);
    assert!(resolved.contains("rivals = \"all\""), "{resolved}");
}

/// The server draws each answer in a private folder under `TMPDIR`: entries another
/// user planted there (symbolic links under the names an earlier version used) are
/// neither followed nor removed, and nothing is left behind.
#[test]
#[cfg(unix)]
fn answers_are_drawn_in_private_folders_that_planted_links_cannot_redirect() {
    let root = tempfile::tempdir().unwrap();
    let tmp = root.path().join("tmp");
    let victim = root.path().join("victim");
    std::fs::create_dir(&tmp).unwrap();
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("thesis.tex"), "mine").unwrap();
    let s = start_with_tmpdir(&[], Some(&tmp));
    let pid = s.child.id();
    let mut planted = Vec::new();
    for id in 0..4 {
        for sequence in 0..4 {
            let name = format!("policysim-explore-{pid}-{id}-{sequence}");
            std::os::unix::fs::symlink(&victim, tmp.join(&name)).unwrap();
            planted.push(name);
        }
    }
    for _ in 0..2 {
        let (status, v) = json(
            &s,
            "POST",
            "/api/run",
            r#"{"preset": "competition", "runs": 5}"#,
        );
        assert_eq!(status, 200, "{v}");
        assert!(v["charts"]["adoption"]
            .as_str()
            .unwrap()
            .starts_with("<svg"));
    }
    let names = |dir: &std::path::Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        names(&victim),
        ["thesis.tex"],
        "nothing written through a link"
    );
    assert_eq!(
        std::fs::read_to_string(victim.join("thesis.tex")).unwrap(),
        "mine"
    );
    planted.sort();
    assert_eq!(
        names(&tmp),
        planted,
        "planted links untouched, no folder left behind"
    );
}

/// The data presets can be compared with real adoptions: the runs start from the
/// observed first adopters and span the observed years, the adoption chart shows the
/// observed share, and the summary and sentence give the RMSE.
#[test]
fn data_presets_compare_with_real_adoptions() {
    let s = start(&[]);
    let (status, v) = json(&s, "GET", "/api/presets", "");
    assert_eq!(status, 200);
    let preset = |id: &str| {
        v["presets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("preset {id}"))
            .clone()
    };
    let policies = preset("us_states")["observed"]["policies"].clone();
    assert_eq!(policies.as_array().unwrap().len(), 40, "{policies}");
    assert!(policies
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "mothersaid"));
    assert_eq!(
        preset("china_cities")["observed"]["policies"],
        serde_json::json!([])
    );
    assert!(preset("baseline")["observed"].is_null());

    let (status, r) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "us_states", "observed": "mothersaid", "runs": 20}"#,
    );
    assert_eq!(status, 200, "{r}");
    let summary = &r["summary"];
    assert_eq!(summary["start_year"], 1911);
    assert_eq!(summary["steps"], 20);
    let rmse = summary["observed"]["rmse"].as_f64().unwrap();
    assert!(rmse > 0.0 && rmse < 1.0, "{rmse}");
    assert!(r["sentence"]["en"]
        .as_str()
        .unwrap()
        .contains(&format!("RMSE against the real adoptions {rmse:.3}")));
    assert!(r["charts"]["adoption"]
        .as_str()
        .unwrap()
        .contains("Observed"));
    let (status, r) = json(
        &s,
        "POST",
        "/api/run",
        r#"{"preset": "china_cities", "observed": true, "runs": 20, "lang": "zh"}"#,
    );
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["summary"]["start_year"], 2020);
    assert!(r["sentence"]["zh"].as_str().unwrap().contains("均方根误差"));

    // what cannot be compared is refused, naming the key
    for (body, words) in [
        (
            r#"{"preset": "baseline", "observed": true}"#,
            "no real adoptions",
        ),
        (
            r#"{"preset": "us_states", "observed": true}"#,
            "choose one of the 40 policies",
        ),
        (
            r#"{"preset": "us_states", "observed": "mothersai"}"#,
            "mothersaid",
        ),
        (
            r#"{"preset": "china_cities", "observed": 3}"#,
            "expected true or a policy name",
        ),
    ] {
        let (status, e) = json(&s, "POST", "/api/run", body);
        assert_eq!(status, 400, "{body}");
        let message = e["error"].as_str().unwrap();
        assert!(
            message.contains("observed") && message.contains(words),
            "{message}"
        );
    }
}

/// The largest run answer (bytes) for a China-sized preset once the page has the map's
/// geometry, and the largest with the geometry (the first answer of a network);
/// documented in README.md (explore). Measured at 200 runs: 55 KB and 82 KB for the
/// 339 China cities, 89 KB and 278 KB for the 3,214-unit baseline hierarchy; before
/// the map was sent as data, every answer carried the map's SVG: 397 KB and 1,837 KB.
const LIGHT_ANSWER: usize = 150_000;
const FIRST_ANSWER: usize = 400_000;

#[test]
fn the_map_geometry_comes_once_and_answers_stay_light() {
    let s = start(&[]);
    for (preset, units) in [("china_cities", 339), ("baseline", 3214)] {
        // as the page asks: with the width it shows the charts at (they are drawn for it,
        // with live text; the downloads' charts carry glyph outlines and are not sent)
        let body = format!(r#"{{"preset": "{preset}", "runs": 20, "chart_width": 683}}"#);
        let (status, first) = request(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200);
        let v: Value = serde_json::from_slice(&first).unwrap();
        // the first answer brings the geometry: positions and names of every unit
        let map = &v["map"];
        let g = &map["geometry"];
        assert_eq!(g["x"].as_array().unwrap().len(), units, "{preset}");
        assert_eq!(g["y"].as_array().unwrap().len(), units, "{preset}");
        assert_eq!(g["names"].as_array().unwrap().len(), units, "{preset}");
        let id = map["geometry_id"].as_str().unwrap();
        // a page that has it gets only the per-unit numbers
        let body = format!(
            r#"{{"preset": "{preset}", "runs": 20, "chart_width": 683, "known_maps": ["{id}"]}}"#
        );
        let (status, again) = request(&s, "POST", "/api/run", &body);
        assert_eq!(status, 200);
        let w: Value = serde_json::from_slice(&again).unwrap();
        assert!(w["map"].get("geometry").is_none(), "{preset}");
        assert_eq!(w["map"]["geometry_id"], id, "{preset}: the same network");
        let steps = w["map"]["step"].as_array().unwrap();
        assert_eq!(steps.len(), units, "{preset}");
        assert!(steps.iter().any(|s| s.as_i64().unwrap() >= 0), "{preset}");
        assert!(w["charts"]["map"].is_null());
        assert!(
            again.len() < LIGHT_ANSWER && first.len() < FIRST_ANSWER,
            "{preset}: {} bytes (first answer {} bytes)",
            again.len(),
            first.len()
        );
        // the map chart stays downloadable
        let (status, svg) = request(&s, "GET", w["map_svg"].as_str().unwrap(), "");
        assert_eq!(status, 200);
        assert!(svg.starts_with(b"<svg") && svg.len() > 100_000, "{preset}");
        eprintln!(
            "{preset}: first answer {} bytes, then {} bytes; map SVG {} bytes",
            first.len(),
            again.len(),
            svg.len()
        );
    }
    let (status, _) = request(&s, "GET", "/api/map/999999.svg", "");
    assert_eq!(status, 404);
}
