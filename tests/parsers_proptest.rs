//! Property tests: no input makes the scenario parser or the data-file readers panic.
//!
//! Inputs: arbitrary strings and bytes, TOML- and CSV-flavoured text, and valid scenarios
//! with random edits. Scenarios that still parse are prepared and run for a few steps
//! when they are small, so the network builders and the step loop see odd values too.

use policysim::network::{read_edge_file, read_node_file, Network};
use policysim::scenario::parse_scenario;
use policysim::Scenario;
use proptest::prelude::*;
use std::path::Path;

/// A scenario exercising most tables, as the starting point of mutations.
const BASE: &str = r#"name = "base"
runs = 2
steps = 4
seed = 3
[network]
kind = "watts_strogatz"
n = 30
k = 4
beta = 0.2
[agents]
learning = { dist = "beta", a = 2.0, b = 2.0 }
competition = 0.5
[learning]
rate = 0.3
performance_weight = 1.0
[competition]
rate = 0.2
rivals = "neighbours"
[central]
mode = "pilot"
recognition = 0.5
[central.pilot]
sites = 3
selection = "capable"
promotion = "expand"
expand_factor = 2.0
evaluate_after = 1
[initial]
count = 2
"#;

/// Pieces of scenario text that make edits likely to stay near-valid.
const TOKENS: &[&str] = &[
    "=",
    "\n",
    "[",
    "]",
    "{",
    "}",
    ",",
    "\"",
    ".",
    "0",
    "1",
    "-1",
    "1e309",
    "nan",
    "inf",
    "4294967295",
    "99999999999",
    "0.5",
    "true",
    "steps",
    "runs",
    "network",
    "kind",
    "n",
    "k",
    "m",
    "p",
    "\"ring\"",
    "\"hierarchy\"",
    "\"spatial\"",
    "\"erdos_renyi\"",
    "\"barabasi_albert\"",
    "\"file\"",
    "\"complete\"",
    "\"mandate\"",
    "\"representative\"",
    "levels = [{ name = \"a\", count = 3 }]",
    "regions = [\"w\", \"e\"]",
    "[central.mandate]",
    "deadline = 4294967295",
    "start = 4294967295",
    "{ dist = \"beta\", a = 0, b = 1 }",
    "{ from = \"x\" }",
    "\u{feff}",
    "\r\n",
    "#",
    "'",
    "\"\"\"",
    "é",
    "\u{0}",
];

/// Parses `text`; when it is a small valid scenario, prepares it and runs a few steps.
fn parse_and_maybe_run(text: &str) {
    let Ok(mut s) = parse_scenario(text, Path::new("prop.toml")) else {
        return;
    };
    let _ = s.to_toml();
    s.runs = s.runs.min(2);
    s.steps = s.steps.min(6);
    s.network.redraw = false;
    if policysim::limits::check_against(&s, 1, 32 << 20).is_err() {
        return;
    }
    if let Ok(prepared) = policysim::ensemble::prepare(&s) {
        let rng = policysim::rng::run_streams(s.seed, 0);
        let _ = policysim::run::run_once(&s, &prepared, 0, rng, true);
    }
}

/// `BASE` with one edit: delete a range, insert a token or random text, or replace a range.
fn mutated() -> impl Strategy<Value = String> {
    let edit = (
        0usize..BASE.len(),
        0usize..12,
        0usize..3,
        prop::sample::select(TOKENS),
        "[ -~]{0,6}",
    );
    prop::collection::vec(edit, 1..4).prop_map(|edits| {
        let mut text = BASE.to_string();
        for (at, len, kind, token, random) in edits {
            let at = floor_char(&text, at.min(text.len()));
            let end = floor_char(&text, (at + len).min(text.len()));
            match kind {
                0 => text.replace_range(at..end, ""),
                1 => text.insert_str(at, token),
                _ => text.replace_range(at..end, &random),
            }
        }
        text
    })
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// CSV-flavoured text: header words, ids, numbers, separators, quotes, BOM, CRLF.
fn csv_text() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop::sample::select(vec![
        "source", "target", "weight", "id", "name", "level", "parent", "region", "x", "y",
        "capacity", ",", ",", "\n", "\r\n", "\"", "a", "b", "c", "1", "2", "0.5", "-1", "nan",
        "1e400", " ", "\u{feff}", "é", "\u{0}", "\u{ff}",
    ]);
    prop_oneof![
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..200),
        (prop::collection::vec(any::<u8>(), 0..40)).prop_map(|tail| {
            let mut v = b"source,target,weight\n1,2,1\n".to_vec();
            v.extend(tail);
            v
        }),
    ]
}

/// `cases` cases, or `PROPTEST_CASES` when set (for long fuzzing sessions).
fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn scenario_parser_never_panics_on_arbitrary_text(text in "\\PC{0,200}") {
        let _ = parse_scenario(&text, Path::new("prop.toml"));
    }

    #[test]
    fn scenario_parser_never_panics_on_toml_like_text(
        parts in prop::collection::vec(prop::sample::select(TOKENS), 0..30)
    ) {
        parse_and_maybe_run(&parts.concat());
    }

    #[test]
    fn mutated_valid_scenarios_never_panic(text in mutated()) {
        parse_and_maybe_run(&text);
    }

    #[test]
    fn data_file_readers_never_panic(bytes in csv_text(), nodes in csv_text(), directed in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let edges_path = dir.path().join("edges.csv");
        let nodes_path = dir.path().join("nodes.csv");
        std::fs::write(&edges_path, &bytes).unwrap();
        std::fs::write(&nodes_path, &nodes).unwrap();
        let _ = read_node_file(&edges_path, "network.nodes");
        let _ = read_edge_file(&edges_path, None, directed);
        let net = read_edge_file(&edges_path, Some(&nodes_path), directed);
        let mut fallback = Network::complete(3);
        fallback.names = vec!["a".into(), "b".into(), "1".into()].into();
        let net = net.unwrap_or(fallback);
        let _ = policysim::initial::read_initial_file(&nodes_path, &net);
        let _ = policysim::initial::read_initial_file(&edges_path, &net);
    }
}

#[test]
fn base_scenario_is_valid() {
    let s: Scenario = parse_scenario(BASE, Path::new("base.toml")).expect("BASE parses");
    policysim::ensemble::prepare(&s).expect("BASE prepares");
}
