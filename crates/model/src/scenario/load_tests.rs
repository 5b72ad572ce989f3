//! Tests of parsing, validation, dotted keys and the TOML writer.

use super::parse::*;
use super::*;
use crate::scenario::{Distribution, Rivals, Selection};
use std::path::Path;

/// Parses `text` as the file `name` in `dir` (the scenario file as `policysim-io`
/// would read it, less its `[sweep]` table); returns the error message or the scenario.
fn load_text(dir: &Path, name: &str, text: &str) -> std::result::Result<Scenario, String> {
    parse_scenario_except(text, &dir.join(name), &["sweep"]).map_err(|e| e.to_string())
}

fn err(text: &str) -> String {
    parse_scenario(text, Path::new("/tmp/s.toml"))
        .map(|_| ())
        .expect_err("expected an error")
        .to_string()
}

const FULL: &str = r#"
name = "full"
description = "every table, \"quoted\"\nsecond line"
model = "policy"
steps = 30
runs = 20
seed = 42
time_unit = "year"

[network]
kind = "hierarchy"
n = 50
k = 6
p = 0.1
mean_degree = 4.0
beta = 0.2
m = 3
levels = [{ name = "province", count = 3 }, { name = "city", count = 12 }]
regions = ["east", "central", "west"]
edges = "edges.csv"
nodes = "data/nodes.csv"
directed = true
redraw = true

[agents]
learning = { dist = "beta", a = 5, b = 2 }
competition = { dist = "uniform", low = 0.2, high = 0.9 }
resources = { from = "fiscal" }
inertia = 0.1
fit = { dist = "normal", mean = 0, sd = 0.5 }

[innovation]
rate = 0.02
quality = { dist = "normal", mean = 0.1, sd = 0.8 }

[learning]
rate = 0.4
performance_weight = 1.5
reference = 0.2
need_weight = 0.7
selectivity = 3
observation_noise = 0.5

[competition]
rate = 0.2
first_mover_bias = 2
rivals = "same_parent"

[adapt]
gain = 0.3
noise = 0.2
noise_floor = 0.01

[abandon]
threshold = -0.5
rate = 0.1

[central]
mode = "pilot"
recognition = 0.5

[central.pilot]
start = 2
sites = 4
selection = "capable"
quality = { dist = "uniform", low = 0, high = 1 }
evaluate_after = 2
promote_above = 0.1
promotion = "expand"
expand_factor = 2.5
wind_up = true

[central.mandate]
start = 5
rate = 0.6
resistance = 0.2
deadline = 3
enforcement = 0.95

[central.endorse]
weight = 2

[initial]
share = 0.05

[bass]
p = 0.02
q = 0.3

[si]
beta = 0.1

[threshold]
value = { from = "thr" }

[cascade]
p = { dist = "beta", a = 1, b = 9 }
"#;

/// The parts of a scenario that a round trip must preserve (not where it was read from).
fn comparable(mut s: Scenario) -> Scenario {
    s.base_dir = PathBuf::new();
    s.source = None;
    s.warnings.clear();
    s
}

#[test]
fn round_trip_every_table() {
    let dir = tempfile::tempdir().unwrap();
    let first = load_text(dir.path(), "full.toml", FULL).unwrap();
    assert_eq!(
        first.agents.learning,
        TraitSpec::Dist(Distribution::Beta { a: 5.0, b: 2.0 })
    );
    assert_eq!(first.competition.rivals, Rivals::SameParent);
    assert_eq!(first.central.pilot.selection, Selection::Capable);
    assert_eq!(
        first.threshold.value,
        TraitSpec::Column { from: "thr".into() }
    );
    let text = first.to_toml();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    let second = load_text(&dir.path().join("out"), "resolved.toml", &text).unwrap();
    assert_eq!(first.warnings.len(), second.warnings.len(), "{text}");
    assert_eq!(
        comparable(first.clone()),
        comparable(second.clone()),
        "{text}"
    );
    // Writing again gives the same text apart from the header naming the folder.
    let body = |t: &str| t.lines().skip(2).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&text), body(&second.to_toml()));
}

#[test]
fn to_toml_is_readable_and_complete() {
    let dir = tempfile::tempdir().unwrap();
    let s = load_text(dir.path(), "full.toml", FULL).unwrap();
    let text = s.to_toml();
    let first_table = text.find("\n[").unwrap();
    for key in [
        "name = \"full\"",
        "steps = 30",
        "seed = 42",
        "time_unit = \"year\"",
    ] {
        assert!(text.find(key).unwrap() < first_table, "{key} in\n{text}");
    }
    let order = [
        "[network]",
        "[agents]",
        "[innovation]",
        "[learning]",
        "[competition]",
        "[adapt]",
        "[abandon]",
        "[central]",
        "[central.pilot]",
        "[central.mandate]",
        "[central.endorse]",
        "[initial]",
        "[bass]",
        "[si]",
        "[threshold]",
        "[cascade]",
    ];
    let positions: Vec<usize> = order.iter().map(|t| text.find(t).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(
        text.contains("learning = { dist = \"beta\", a = 5.0, b = 2.0 }"),
        "{text}"
    );
    assert!(text.contains("resources = { from = \"fiscal\" }"), "{text}");
    assert!(
        text.contains("levels = [{ name = \"province\", count = 3 }"),
        "{text}"
    );
    // None is omitted; absolute paths are written.
    assert!(
        text.contains("[initial]\ncount = 0\nshare = 0.05\n\n"),
        "{text}"
    );
    let edges = dir.path().canonicalize().unwrap().join("edges.csv");
    assert!(
        text.contains(&format!("edges = \"{}\"", edges.display())),
        "{text}"
    );

    // The defaults: every key present, no optional key, reads back equal and without warnings.
    let d = Scenario::default();
    let text = d.to_toml();
    assert!(
        !text.contains("\nshare =") && !text.contains("edges"),
        "{text}"
    );
    assert!(
        text.contains("[central.mandate]\nstart = 10\nrate = 0.3"),
        "{text}"
    );
    let back = parse_scenario(&text, Path::new("/tmp/d.toml")).unwrap();
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(comparable(back), comparable(d));
}

#[test]
fn unknown_key_suggests_the_closest_with_its_line() {
    let m = err("name = \"x\"\n\n[learning]\nrat = 0.3\n");
    assert_eq!(
        m,
        "/tmp/s.toml:4:1: unknown key `learning.rat`; did you mean `learning.rate`?"
    );
    let m = err("name = \"x\"\nstpes = 3\n");
    assert_eq!(
        m,
        "/tmp/s.toml:2:1: unknown key `stpes`; did you mean `steps`?"
    );
    let m = err("name = \"x\"\ncentral.pilot.sitez = 3\n");
    assert!(
        m.starts_with("/tmp/s.toml:2:15: unknown key `central.pilot.sitez`; did you mean `central.pilot.sites`?"),
        "{m}"
    );
    // Nothing close: list the valid keys of that table.
    let m = err("name = \"x\"\n[bass]\nimitation = 0.3\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:1: unknown key `bass.imitation`; valid keys in [bass]: p, q"
    );
    let m = err("name = \"x\"\n[network]\nlevels = [{ name = \"p\", cont = 3 }]\n");
    assert!(
        m.contains("unknown key `network.levels[0].cont`; did you mean `network.levels[0].count`?"),
        "{m}"
    );
}

#[test]
fn wrong_type_names_the_expected_type() {
    let m = err("name = \"x\"\nsteps = \"ten\"\n");
    assert_eq!(
        m,
        "/tmp/s.toml:2:9: key `steps`: expected a whole number from 0 to 4294967295, found string \"ten\""
    );
    let m = err("name = \"x\"\n[learning]\nrate = \"high\"\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:8: key `learning.rate`: expected a number, found string \"high\""
    );
    let m = err("name = \"x\"\n[central]\nmode = \"pilots\"\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:8: key `central.mode`: unknown value \"pilots\"; did you mean \"pilot\"? allowed: \"none\", \"recognition\", \"pilot\", \"mandate\", \"uptake\""
    );
    let m = err("name = \"x\"\n[agents]\nlearning = true\n");
    assert!(
        m.starts_with("/tmp/s.toml:3:12: key `agents.learning`: expected a number, a distribution"),
        "{m}"
    );
    assert!(m.ends_with("found boolean true"), "{m}");
    let m = err("name = \"x\"\n[agents]\nlearning = { dist = \"gamma\", k = 2 }\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:12: key `agents.learning`: unknown distribution `gamma`; allowed: beta, uniform, normal"
    );
    let m = err("name = \"x\"\n[agents]\nlearning = { dist = \"beta\", a = 2 }\n");
    assert!(
        m.contains("key `agents.learning`: a beta distribution needs `a` and `b`; `b` is missing"),
        "{m}"
    );
}

#[test]
fn out_of_range_names_key_line_and_allowed_range() {
    let m = err("name = \"x\"\n[abandon]\nrate = 1.5\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:1: key `abandon.rate`: must be in [0, 1], got 1.5"
    );
    // learning and competition rates are scales (their probabilities are clamped)
    let m = err("name = \"x\"\n[learning]\nrate = -0.5\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:1: key `learning.rate`: must be a finite number >= 0, got -0.5"
    );
    let m = err("name = \"x\"\ncentral.mandate.resistance = -0.1\n");
    assert_eq!(
        m,
        "/tmp/s.toml:2:17: key `central.mandate.resistance`: must be in [0, 1], got -0.1"
    );
    let m = err("name = \"x\"\n[learning]\nselectivity = -1\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:1: key `learning.selectivity`: must be a finite number >= 0, got -1"
    );
    // Several problems at once, in line order.
    let m =
        err("name = \"a/b\"\nsteps = 0\n[central]\nmode = \"pilot\"\n[central.pilot]\nsites = 0\n");
    let lines: Vec<&str> = m.lines().collect();
    assert_eq!(lines.len(), 3, "{m}");
    assert!(
        lines[0].starts_with("/tmp/s.toml:1:1: key `name`: must be a safe folder name"),
        "{m}"
    );
    assert_eq!(
        lines[1],
        "/tmp/s.toml:2:1: key `steps`: must be >= 1, got 0"
    );
    assert_eq!(
        lines[2],
        "/tmp/s.toml:6:1: key `central.pilot.sites`: must be >= 1 when central.mode = \"pilot\", got 0"
    );
    let m = err("name = \"x\"\n[central.pilot]\npromotion = \"expand\"\nexpand_factor = 1\n");
    assert!(
        m.contains(":4:1: key `central.pilot.expand_factor`: must be a finite number > 1"),
        "{m}"
    );
}

#[test]
fn obvious_network_and_column_checks() {
    let m = err("name = \"x\"\n[network]\nkind = \"file\"\n");
    assert_eq!(
        m,
        "/tmp/s.toml:2:2: key `network.edges`: is required when network.kind = \"file\" (an edge list CSV)"
    );
    let m = err("name = \"x\"\nnetwork.n = 0\n");
    assert_eq!(m, "/tmp/s.toml:2:9: key `network.n`: must be >= 1, got 0");
    let m = err("name = \"x\"\n[agents]\ninertia = { from = \"vested\" }\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:1: key `agents.inertia`: reads node-file column `vested`, but network.nodes (the node CSV) is not set"
    );
}

#[test]
fn beta_parameters_must_be_positive() {
    let m = err("name = \"x\"\n[agents]\nlearning = { dist = \"beta\", a = 0, b = 2 }\n");
    assert_eq!(
        m,
        "/tmp/s.toml:3:1: key `agents.learning`: beta parameters must be finite and > 0, got a = 0, b = 2"
    );
    let m =
        err("name = \"x\"\n[innovation]\nquality = { dist = \"uniform\", low = 1, high = 0 }\n");
    assert!(
        m.contains(":3:1: key `innovation.quality`: uniform needs finite low <= high"),
        "{m}"
    );
}

#[test]
fn initial_takes_one_of_count_share_file() {
    let m = err("name = \"x\"\n[initial]\ncount = 3\nshare = 0.1\n");
    assert_eq!(
        m,
        "/tmp/s.toml:2:2: key `initial`: give at most one of count, share and file; got count and share"
    );
    let m = err("name = \"x\"\ninitial.share = 0.1\ninitial.file = \"ids.txt\"\n");
    assert!(m.contains("got share and file"), "{m}");
}

#[test]
fn seed_must_fit_in_toml() {
    let m = err("name = \"x\"\nseed = 18446744073709551615\n");
    assert_eq!(
        m,
        "/tmp/s.toml:2:1: key `seed`: must be at most 9223372036854775807 (TOML integers are 64-bit signed), got 18446744073709551615"
    );
    let s = Scenario {
        seed: u64::MAX,
        ..Scenario::default()
    };
    let m = s.validate().unwrap_err().to_string();
    assert!(m.starts_with("key `seed`: must be at most"), "{m}");
}

#[test]
fn file_level_errors() {
    let dir = tempfile::tempdir().unwrap();
    let m = load_text(dir.path(), "empty.toml", "  \n").unwrap_err();
    assert!(m.ends_with("empty.toml: empty scenario file: write at least `name = \"...\"` (every other key has a default)"), "{m}");
    let m = load_text(dir.path(), "comments.toml", "# only a comment\n").unwrap_err();
    assert!(m.contains("comments.toml: empty scenario file"), "{m}");
    let m = err("name = \"x\"\nsteps = = 3\n");
    assert!(m.starts_with("/tmp/s.toml:2:9: invalid TOML:"), "{m}");
}

#[test]
fn contradictions_become_warnings() {
    let s = parse_scenario(
        "name = \"x\"\n\n[central.pilot]\nsites = 3\n",
        Path::new("/tmp/w.toml"),
    )
    .unwrap();
    assert_eq!(
        s.warnings,
        vec!["/tmp/w.toml:3:10: [central.pilot] is set but central.mode = \"none\", so it is ignored (set central.mode = \"pilot\" to use it)".to_string()]
    );
    let s = parse_scenario(
        "name = \"x\"\ncentral.mode = \"pilot\"\ncentral.pilot.promotion = \"endorse\"\n[central.mandate]\nrate = 0.9\n",
        Path::new("/tmp/w.toml"),
    )
    .unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0]
            .starts_with("/tmp/w.toml:4:10: [central.mandate] is set but central.mode = \"pilot\""),
        "{:?}",
        s.warnings
    );
    let s = parse_scenario(
        "name = \"x\"\nmodel = \"bass\"\n[learning]\nrate = 0.1\n[si]\nbeta = 0.5\n",
        Path::new("/tmp/w.toml"),
    )
    .unwrap();
    assert_eq!(s.warnings.len(), 2, "{:?}", s.warnings);
    assert!(
        s.warnings[0]
            .starts_with("/tmp/w.toml:3:2: [learning] is set but model = \"bass\" ignores it"),
        "{:?}",
        s.warnings
    );
    assert!(
        s.warnings[1].starts_with("/tmp/w.toml:5:2: [si] is set but model = \"bass\""),
        "{:?}",
        s.warnings
    );
    // A pilot table with pilot mode, and a mandate used by promotion: no warning.
    let s = parse_scenario(
        "name = \"x\"\n[central]\nmode = \"pilot\"\n[central.pilot]\nsites = 3\n[central.mandate]\nrate = 0.9\n",
        Path::new("/tmp/w.toml"),
    )
    .unwrap();
    assert!(s.warnings.is_empty(), "{:?}", s.warnings);
}

#[test]
fn set_dotted_sets_and_validates() {
    let mut s = Scenario::default();
    s.set_dotted("central.mandate.rate", toml::Value::Float(0.7))
        .unwrap();
    assert_eq!(s.central.mandate.rate, 0.7);
    assert_eq!(
        s.get_dotted("central.mandate.rate"),
        Some(toml::Value::Float(0.7))
    );
    s.set_dotted_str("agents.learning", "{ dist = \"beta\", a = 2, b = 5 }")
        .unwrap();
    assert_eq!(
        s.agents.learning,
        TraitSpec::Dist(Distribution::Beta { a: 2.0, b: 5.0 })
    );
    s.set_dotted_str("agents.learning.a", "3").unwrap();
    assert_eq!(
        s.agents.learning,
        TraitSpec::Dist(Distribution::Beta { a: 3.0, b: 5.0 })
    );
    s.set_dotted_str("central.mode", "pilot").unwrap();
    assert_eq!(s.central.mode, CentralMode::Pilot);
    s.set_dotted_str("steps", "12").unwrap();
    assert_eq!(s.steps, 12);
    s.set_dotted_str("initial.share", "0.1").unwrap();
    assert_eq!(s.initial.share, Some(0.1));
    // A settings table updates only the keys it names.
    s.set_dotted_str("central.pilot", "{ sites = 3, selection = \"willing\" }")
        .unwrap();
    assert_eq!(s.central.pilot.sites, 3);
    assert_eq!(s.central.pilot.selection, Selection::Willing);
    assert_eq!(s.central.pilot.evaluate_after, 3);
    assert_eq!(s.get_dotted("initial.file"), None);
    assert_eq!(s.get_dotted("learning.rat"), None);
    // Warnings are recomputed.
    s.set_dotted_str("bass.p", "0.2").unwrap();
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
    assert!(
        s.warnings[0].starts_with("[bass] is set but model = \"policy\""),
        "{:?}",
        s.warnings
    );

    let before = s.clone();
    let e = |s: &mut Scenario, k: &str, v: &str| s.set_dotted_str(k, v).unwrap_err().to_string();
    assert_eq!(
        e(&mut s, "learning.rat", "0.3"),
        "unknown key `learning.rat`; did you mean `learning.rate`?"
    );
    assert_eq!(
        e(&mut s, "lerning.rate", "0.3"),
        "unknown key `lerning`; did you mean `learning`?"
    );
    assert_eq!(
        e(&mut s, "innovation.rate", "2"),
        "key `innovation.rate`: must be in [0, 1], got 2"
    );
    assert_eq!(
        e(&mut s, "learning.rate", "fast"),
        "key `learning.rate`: expected a number, found string \"fast\""
    );
    assert_eq!(
        e(&mut s, "learning.rate.x", "1"),
        "unknown key `learning.rate.x`: `learning.rate` is a value (float), not a table"
    );
    assert_eq!(
        e(&mut s, "initial.count", "3"),
        "key `initial`: give at most one of count, share and file; got count and share"
    );
    assert!(e(&mut s, "learning..rate", "1").contains("not a dotted key"));
    assert_eq!(
        e(&mut s, "agents.fit", "{ from = \"fit\" }"),
        "key `agents.fit`: reads node-file column `fit`, but network.nodes (the node CSV) is not set"
    );
    assert_eq!(s, before, "a failed set leaves the scenario unchanged");
}

#[test]
fn relative_paths_resolve_against_the_file_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("edges.csv"), "source,target\n0,1\n").unwrap();
    let text = "name = \"x\"\n[network]\nkind = \"file\"\nedges = \"data/edges.csv\"\nnodes = \"data/../data/nodes.csv\"\n[initial]\nfile = \"/abs/ids.txt\"\n";
    let s = load_text(dir.path(), "s.toml", text).unwrap();
    let base = dir.path().to_path_buf();
    assert_eq!(s.base_dir, base);
    assert_eq!(
        s.source.as_deref(),
        Some(dir.path().join("s.toml").as_path())
    );
    // Relative: joined to the folder, `..` resolved by the text; absolute: unchanged.
    assert_eq!(
        s.network.edges.as_deref(),
        Some(base.join("data/edges.csv").as_path())
    );
    assert_eq!(
        s.network.nodes.as_deref(),
        Some(base.join("data/nodes.csv").as_path())
    );
    assert_eq!(s.initial.file.as_deref(), Some(Path::new("/abs/ids.txt")));
    // set_dotted resolves against the same folder.
    let mut s = s;
    s.set_dotted_str("network.nodes", "data/edges.csv").unwrap();
    assert_eq!(
        s.network.nodes.as_deref(),
        Some(base.join("data/edges.csv").as_path())
    );
}

#[test]
fn paths_are_normalised_by_their_text() {
    let n = |p: &str| normalise(Path::new(p)).display().to_string();
    assert_eq!(n("/a/./b/../c.csv"), "/a/c.csv");
    assert_eq!(n("/../x"), "/x");
    assert_eq!(n("a/../../x"), "../x");
    assert_eq!(n("/a/b/"), "/a/b");
    assert_eq!(
        resolve_path(Path::new("/s"), Path::new("/abs/f")),
        Path::new("/abs/f")
    );
    assert_eq!(
        resolve_path(Path::new("/s/t"), Path::new("../d/f")),
        Path::new("/s/d/f")
    );
}

#[test]
fn leading_key_finds_dotted_scenario_keys_only() {
    assert_eq!(
        leading_key("network.p = 2: must be"),
        Some("network.p".into())
    );
    assert_eq!(
        leading_key("key `central.pilot.sites`: must be"),
        Some("central.pilot.sites".into())
    );
    assert_eq!(
        leading_key("competition.rivals = \"x\""),
        Some("competition.rivals".into())
    );
    assert_eq!(
        leading_key("network.levels[1].count = 0 (level \"city\")"),
        Some("network.levels".into())
    );
    assert_eq!(leading_key("data.csv:3: bad"), None);
    assert_eq!(leading_key("/tmp/x.csv:3: bad"), None);
    assert_eq!(leading_key("--runs must be"), None);
}
