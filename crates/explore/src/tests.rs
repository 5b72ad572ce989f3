use super::*;
use policysim_model::scenario::parse_scenario;
use std::path::Path;

fn explorer() -> Explorer {
    Explorer::new(ExploreOptions {
        runs: 20,
        max_runs: 100,
        threads: Some(1),
        scenarios: PathBuf::from("/nonexistent"),
        ..ExploreOptions::default()
    })
    .unwrap()
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

#[test]
fn presets_are_the_embedded_examples_with_values() {
    let e = explorer();
    let ids: Vec<&str> = e.presets().iter().map(|p| p.id.as_str()).collect();
    // the data presets too: from the binary's own copies, as no scenarios folder is here
    assert_eq!(
        ids,
        [
            "baseline",
            "competition",
            "pilot",
            "mandate",
            "uptake",
            "us_states",
            "china_cities"
        ]
    );
    let folder = e
        .presets_folder()
        .expect("the embedded data presets' private folder");
    assert!(folder.join("data/china_cities_nodes.csv").is_file());
    assert!(
        e.presets()[6].observed.is_some(),
        "compared with the real adoptions"
    );
    let j = e.presets_json();
    assert_eq!(j["presets"][4]["values"]["central.mode"], "uptake");
    assert_eq!(j["presets"][4]["values"]["central.uptake.start"], 12);
    assert_eq!(
        j["presets"][1]["values"]["competition.rivals"],
        "same_parent"
    );
    assert_eq!(j["presets"][1]["values"]["learning.rate"], 0.8);
}

#[test]
fn every_page_parameter_is_a_scenario_key() {
    let s = Scenario::default();
    for p in params::PARAMS {
        assert!(s.get_dotted(p.key).is_some(), "{}", p.key);
    }
}

#[test]
fn request_keys_are_applied_and_validated() {
    let e = explorer();
    let s = e
        .scenario_for(&obj(json!({"preset": "pilot", "learning.rate": 1, "agents.learning": {"dist": "beta", "a": 2, "b": 2}})))
        .unwrap();
    assert_eq!(s.learning.rate, 1.0);
    assert_eq!(s.runs, 20);
    let err = e
        .scenario_for(&obj(json!({"learning.rat": 0.5})))
        .unwrap_err();
    assert_eq!(err.status, 400);
    assert!(err.message.contains("learning.rat"), "{}", err.message);
    let err = e
        .scenario_for(&obj(json!({"innovation.rate": 1.5})))
        .unwrap_err();
    assert!(err.message.contains("innovation.rate"), "{}", err.message);
    let err = e.scenario_for(&obj(json!({"preset": "nope"}))).unwrap_err();
    assert!(err.message.contains("preset"), "{}", err.message);
}

#[test]
fn caps_and_file_keys_are_refused() {
    let e = explorer();
    let err = e.scenario_for(&obj(json!({"runs": 101}))).unwrap_err();
    assert!(err.message.contains("`runs`"), "{}", err.message);
    let err = e.scenario_for(&obj(json!({"steps": 500}))).unwrap_err();
    assert!(err.message.contains("`steps`"), "{}", err.message);
    let err = e
        .scenario_for(&obj(json!({"network.kind": "ring", "network.n": 1000000})))
        .unwrap_err();
    assert!(err.message.contains("network.n"), "{}", err.message);
    let err = e
        .scenario_for(&obj(
            json!({"network.levels": [{"name": "a", "count": 30000}]}),
        ))
        .unwrap_err();
    assert!(err.message.contains("`network.levels`"), "{}", err.message);
    let err = e
        .scenario_for(&obj(json!({"network.nodes": "/etc/passwd"})))
        .unwrap_err();
    assert!(err.message.contains("network.nodes"), "{}", err.message);
}

#[test]
fn query_strings_build_the_same_scenario() {
    let e = explorer();
    let s = e
        .scenario_for_query("preset=mandate&central.mandate.rate=0.55&agents.inertia=%7B%20dist%20%3D%20%22beta%22%2C%20a%20%3D%202%2C%20b%20%3D%202%20%7D")
        .unwrap();
    assert_eq!(s.central.mandate.rate, 0.55);
    assert_eq!(s.name, "mandate");
    assert_eq!(percent_decode("a+b%2Cc%zz"), "a b,c%zz");
}

#[test]
fn a_run_returns_summary_sentence_charts_and_map() {
    let e = explorer();
    let v = e
        .run_json(r#"{"preset": "competition", "runs": 8, "steps": 10}"#)
        .unwrap();
    assert_eq!(v["summary"]["runs"], 8);
    assert!(v["sentence"]["en"]
        .as_str()
        .unwrap()
        .contains("final share"));
    for chart in ["adoption", "channels", "quality"] {
        assert!(
            v["charts"][chart].as_str().unwrap().starts_with("<svg"),
            "{chart}"
        );
    }
    // the map comes as data (the page draws it); its SVG is a download of its own
    assert!(v["charts"]["map"].is_null());
    assert_eq!(v["map"]["geometry"]["x"].as_array().unwrap().len(), 3214);
    assert_eq!(v["map"]["step"].as_array().unwrap().len(), 3214);
    let id = v["id"].as_u64().unwrap();
    assert_eq!(v["map_svg"], format!("/api/map/{id}.svg"));
    let (name, svg) = e.map_svg(id).unwrap();
    assert_eq!(name, "competition_steps=10-map.svg");
    assert!(svg.starts_with(b"<svg"));
    // a page that has the geometry is not sent it again
    let known = v["map"]["geometry_id"].as_str().unwrap();
    let again = e
        .run_json(&format!(
            r#"{{"preset": "competition", "runs": 8, "steps": 10, "known_maps": ["{known}"]}}"#
        ))
        .unwrap();
    assert_eq!(again["map"]["geometry_id"], known);
    assert!(again["map"].get("geometry").is_none());
    assert_eq!(again["map"]["step"], v["map"]["step"]);
    // (and what the page has is not part of the download's name)
    let (name, _) = e.map_svg(again["id"].as_u64().unwrap()).unwrap();
    assert_eq!(name, "competition_steps=10-map.svg");
    let (name, zip) = e.download_zip(id).unwrap();
    assert_eq!(name, "competition_steps=10-results.zip");
    assert!(zip.windows(13).any(|w| w == b"scenario.toml"));
    let v2 = e
        .run_json(&format!(
            r#"{{"preset": "baseline", "runs": 8, "steps": 10, "reference": {id}}}"#
        ))
        .unwrap();
    assert!(v2["charts"]["compare"]
        .as_str()
        .unwrap()
        .contains("reference"));
    // the differences to the reference: the same seed and runs, so paired run by run
    let d = &v2["differences"];
    assert_eq!(v2["reference"], id);
    assert_eq!(d["pairing"], "paired", "{d}");
    assert_eq!(d["metrics"][0]["metric"], "final_share");
    let fs = &d["metrics"][0];
    let (diff, low, high) = (
        fs["diff"].as_f64().unwrap(),
        fs["low"].as_f64().unwrap(),
        fs["high"].as_f64().unwrap(),
    );
    assert!(low <= diff && diff <= high, "{fs}");
    assert_eq!(fs["n"], 8);
}

#[test]
fn a_newer_request_cancels_the_running_one() {
    let e = Arc::new(explorer());
    let e2 = Arc::clone(&e);
    let slow = std::thread::spawn(move || {
        e2.run_json(r#"{"preset": "competition", "runs": 100, "steps": 200}"#)
    });
    // wait until the slow request has registered itself as the running one
    while e.queue.is_idle() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let fast = e.run_json(r#"{"preset": "baseline", "runs": 4, "steps": 5}"#);
    assert!(fast.is_ok());
    let slow = slow.join().unwrap();
    assert_eq!(slow.unwrap_err().status, 409);
}

#[test]
fn data_presets_and_the_start_file_are_loaded_from_disk() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("us_states.toml"),
        "name = \"us\"\n[network]\nkind = \"ring\"\nn = 50\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("china_cities.toml"), "name = [broken").unwrap();
    let start = dir.path().join("mine.toml");
    std::fs::write(&start, "name = \"mine\"\nsteps = 7\n").unwrap();
    let e = Explorer::new(ExploreOptions {
        scenario: Some(start),
        scenarios: dir.path().to_path_buf(),
        ..ExploreOptions::default()
    })
    .unwrap();
    let ids: Vec<&str> = e.presets().iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "file",
            "baseline",
            "competition",
            "pilot",
            "mandate",
            "uptake",
            "us_states"
        ],
        "a broken data preset is skipped"
    );
    let s = e.scenario_for(&Map::new()).unwrap();
    assert_eq!(
        (s.name.as_str(), s.steps),
        ("mine", 7),
        "the start file is the default"
    );
}

#[test]
fn the_sentence_names_share_half_time_and_main_channel() {
    let e = explorer();
    let v = e.run_json(r#"{"preset": "mandate", "runs": 10}"#).unwrap();
    let en = v["sentence"]["en"].as_str().unwrap();
    assert!(en.starts_with("final share "), "{en}");
    assert!(en.contains("half the units adopted by year "), "{en}");
    assert!(en.ends_with("through mandate"), "{en}");
    let zh = v["sentence"]["zh"].as_str().unwrap();
    assert!(
        zh.contains("最终采纳比例") && zh.contains("强制推行"),
        "{zh}"
    );
}

#[test]
fn the_start_file_takes_set_overrides_checked_like_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let start = dir.path().join("mine.toml");
    std::fs::write(&start, "name = \"mine\"\nsteps = 7\n").unwrap();
    let args = |set: &[&str]| ExploreOptions {
        scenario: Some(start.clone()),
        set: set.iter().map(|s| s.to_string()).collect(),
        scenarios: PathBuf::from("/nonexistent"),
        ..ExploreOptions::default()
    };
    let e = Explorer::new(args(&["steps=12", "learning.rate=0.6"])).unwrap();
    let s = e.scenario_for(&Map::new()).unwrap();
    assert_eq!((s.steps, s.learning.rate), (12, 0.6));
    let err = Explorer::new(args(&["learning.rat=0.6"]))
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("--set learning.rat=0.6: unknown key `learning.rat`"),
        "{err}"
    );
}

#[test]
fn requests_of_different_pages_do_not_cancel_each_other() {
    let e = Arc::new(explorer());
    let e2 = Arc::clone(&e);
    let slow = std::thread::spawn(move || {
        e2.run_json(r#"{"preset": "competition", "runs": 40, "steps": 80, "page": "a"}"#)
    });
    while e.queue.is_idle() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let fast = e.run_json(r#"{"preset": "baseline", "runs": 4, "steps": 5, "page": "b"}"#);
    assert!(fast.is_ok());
    let slow = slow.join().unwrap();
    assert_eq!(
        slow.unwrap()["summary"]["runs"],
        40,
        "page a's run was not cancelled"
    );
    assert!(e.queue.is_idle(), "finished requests are forgotten");
}

#[test]
fn the_why_names_channels_the_reference_and_the_pilots_evaluation() {
    let e = explorer();
    let v = e.run_json(r#"{"preset": "pilot", "runs": 10}"#).unwrap();
    let en = v["why"]["en"].as_str().unwrap();
    // the preset's own setting (runs aside): nothing changed, the channels described
    assert!(en.starts_with("Nothing was changed"), "{en}");
    assert!(en.contains("The spread was carried by "), "{en}");
    assert!(en.contains("evaluation bias"), "{en}");
    assert!(en.contains("quality"), "{en}");
    assert_eq!(v["why_against"], "unchanged");
    let id = v["id"].as_u64().unwrap();
    let changed = r#""preset": "pilot", "runs": 10, "central.pilot.selection": "capable""#;
    let v2 = e
        .run_json(&format!(r#"{{{changed}, "reference": {id}}}"#))
        .unwrap();
    let en = v2["why"]["en"].as_str().unwrap();
    assert!(
        en.starts_with("Against the reference (the same seeds, paired"),
        "{en}"
    );
    let zh = v2["why"]["zh"].as_str().unwrap();
    assert!(zh.contains("与参照相比") && zh.contains("评估偏差"), "{zh}");
    assert_eq!(v2["why_against"], "reference");
    assert!(v2["defaults_differences"].is_null());
    // the same change without a reference: against the preset's defaults, which are the
    // reference's setting on the same seeds, so the same differences
    let v3 = e.run_json(&format!("{{{changed}}}")).unwrap();
    assert_eq!(v3["why_against"], "defaults");
    assert_eq!(v3["defaults_differences"], v2["differences"]);
    let en3 = v3["why"]["en"].as_str().unwrap();
    assert!(
        en3.starts_with("Against the preset's own defaults"),
        "{en3}"
    );
    assert_eq!(
        en3.split_once(", ").map(|x| x.1),
        en.split_once(", ").map(|x| x.1),
        "the same changes against the defaults as against the reference"
    );
}

#[test]
fn chart_titles_name_the_preset_in_the_page_language() {
    let e = explorer();
    let v = e
        .run_json(r#"{"preset": "competition", "runs": 4, "steps": 5, "lang": "zh"}"#)
        .unwrap();
    let svg = v["charts"]["adoption"].as_str().unwrap();
    assert!(svg.contains("争先模式"), "the preset's Chinese label");
    assert!(!svg.contains("competition："), "not the file name");
    assert_eq!(
        v["summary"]["scenario"], "competition",
        "summary.json keeps the name"
    );
}

#[test]
fn download_names_follow_what_was_changed() {
    let request = obj(
        json!({"preset": "pilot", "lang": "zh", "learning.rate": 0.5,
        "agents.learning": {"dist": "beta", "a": 3.6, "b": 2.4}, "observed": "adawork"}),
    );
    assert_eq!(
        values::file_stem("pilot", &request),
        "pilot_learning.rate=0.5_agents.learning=0.60_observed=adawork"
    );
    assert_eq!(values::file_stem("baseline", &Map::new()), "baseline");
}

/// An explorer with the repository's data presets.
fn with_data() -> Explorer {
    Explorer::new(ExploreOptions {
        runs: 8,
        max_runs: 100,
        threads: Some(1),
        scenarios: PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios"))
            .canonicalize()
            .unwrap(),
        ..ExploreOptions::default()
    })
    .unwrap()
}

#[test]
fn downloads_of_data_presets_are_portable() {
    let e = with_data();
    let (name, text) = e
        .scenario_download("preset=us_states&observed=adawork&learning.rate=0.4")
        .unwrap();
    assert_eq!(name, "us_states_observed=adawork_learning.rate=0.4.toml");
    assert!(
        text.contains("edges = \"data/us_states_edges.csv\""),
        "{text}"
    );
    assert!(
        !text.contains(&*std::env::current_dir().unwrap().to_string_lossy()),
        "no absolute paths"
    );
    assert!(text.contains("--observed data/spid_sample.csv --unit-column unit --year-column adopt_year --policy adawork"), "{text}");
    let scenarios = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scenarios/x.toml");
    let s = parse_scenario(&text, Path::new(scenarios)).unwrap();
    assert_eq!(
        s.steps, 17,
        "the observed span (1950 to 1967), not the file's 20 steps"
    );
    let v = e
        .run_json(r#"{"preset": "us_states", "runs": 4, "observed": "adawork"}"#)
        .unwrap();
    assert_eq!(v["summary"]["steps"].as_u64(), Some(u64::from(s.steps)));
    let (zip_name, zip) = e.download_zip(v["id"].as_u64().unwrap()).unwrap();
    assert_eq!(zip_name, "us_states_observed=adawork-results.zip");
    let has = |needle: &[u8]| zip.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"data/us_states_edges.csv") && has(b"data/us_states_nodes.csv"));
    assert!(has(b"edges = \"data/us_states_edges.csv\""));
}

/// The page's sentence gives the t50 that `policysim run` prints for the same runs: the
/// Kaplan–Meier median (`output::t50_line`), not the median of the runs that reached half.
/// The scenario is slow enough that only part of the runs reach half within the steps, so
/// the two medians differ (checked below), and short enough in a second ensemble that
/// fewer than half get there: then both say "undefined".
#[test]
fn the_sentence_says_the_t50_that_run_prints() {
    let text = |steps: u32| {
        format!(
            "name = \"half\"\nsteps = {steps}\nruns = 200\nseed = 5\n[network]\nkind = \"erdos_renyi\"\nn = 60\nmean_degree = 4.0\n[innovation]\nrate = 0.004\n[learning]\nrate = 0.6\n"
        )
    };
    let number_after = |s: &str, words: &str| -> Option<f64> {
        let rest = &s[s.find(words)? + words.len()..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        digits.parse().ok()
    };
    let mut seen_defined = false;
    for steps in [30, 20] {
        let s = parse_scenario(&text(steps), Path::new("half.toml")).unwrap();
        let prepared = policysim_io::scenario_files::prepare(&s).unwrap();
        let options = policysim_model::ensemble::EnsembleOptions::default();
        let result =
            policysim_model::ensemble::run_ensemble(&s, s.seed, &prepared, &options, &mut |_| {
                Ok(())
            })
            .unwrap();
        let t50 = &result.runs.time_summaries(s.steps)[1];
        let line = policysim_io::output::t50_line(t50, &s.time_unit);
        let sentence = sentences::sentence(&s, &result, None, Lang::En);
        match number_after(&line, "t50 ") {
            Some(t) => {
                seen_defined = true;
                assert_eq!(
                    number_after(&sentence, "half the units adopted by year "),
                    Some(t),
                    "{sentence} / {line}"
                );
                assert!(
                    t50.runs_reached < t50.runs,
                    "some runs are censored: {line}"
                );
                // the old sentence's figure, the median of the runs that reached half, is
                // earlier: those are the fast runs
                let old = result.runs.t50.summary().unwrap().p50;
                assert!(
                    old < t,
                    "median of the runs that reached half {old}, KM {t}"
                );
            }
            None => {
                assert!(line.starts_with("t50 undefined"), "{line}");
                assert!(sentence.contains(&line), "{sentence} / {line}");
            }
        }
    }
    assert!(seen_defined, "one of the ensembles has a median");
}
