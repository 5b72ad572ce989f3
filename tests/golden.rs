//! Golden outputs: every example scenario and sweep, run with a fixed seed and a reduced number of
//! runs, must reproduce the recorded fingerprints of its output files byte for byte.
//!
//! This guards performance work (issue 6): an optimisation must not change a single
//! number. When a change of the model *intends* to change results, re-record with
//! `POLICYSIM_BLESS=1 cargo test --release --test tests golden::` and say why in the commit.

use policysim::ensemble::prepare;
use policysim::scenario::load_scenario;
use policysim::simulate::{simulate, SimulateOptions};
use policysim::sweep::{load_sweep, run_sweep, SweepOptions};
use std::path::Path;

/// Scenario files, relative to the repository root.
const SCENARIOS: &[&str] = &[
    "scenarios/baseline.toml",
    "scenarios/competition.toml",
    "scenarios/pilot.toml",
    "scenarios/mandate.toml",
    "scenarios/uptake.toml",
    "scenarios/provincial_pilots.toml",
    "scenarios/classic/bass.toml",
    "scenarios/classic/si.toml",
    "scenarios/classic/threshold.toml",
    "scenarios/classic/cascade.toml",
    "scenarios/us_states.toml",
    "scenarios/china_cities.toml",
    "scenarios/mechanisms/us_mandate.toml",
    "scenarios/mechanisms/us_states_no_learning.toml",
    "scenarios/testbed/learning.toml",
    "scenarios/testbed/shock.toml",
    "scenarios/testbed/competition.toml",
    "benches/scenarios/china_pilot.toml",
    "benches/scenarios/si_er.toml",
];

const FILES: &[&str] = &[
    "curves.csv",
    "runs.csv",
    "hazard.csv",
    "map.csv",
    "rounds.csv",
    "centres.csv",
];

/// Example sweep files (each point with a reduced number of runs): their `sweep.csv`.
const SWEEPS: &[&str] = &[
    "scenarios/typology.toml",
    "scenarios/tolerance.toml",
    "scenarios/centre_designs.toml",
];

/// Hypotheses files of `policysim compare-mechanisms` (not scenarios): each must load,
/// with every scenario it names.
const HYPOTHESES: &[&str] = &["scenarios/mechanisms/us_federal.toml"];

#[test]
fn example_hypotheses_files_load() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in HYPOTHESES {
        let h = policysim::mechanisms::hypotheses::read_hypotheses(&root.join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(h.len() >= 2, "{name}");
        for hyp in &h {
            policysim::fit::check_free(&hyp.scenario, &hyp.free)
                .unwrap_or_else(|e| panic!("{name}: {}: {e}", hyp.name));
        }
    }
}

/// FNV-1a, 64 bit: a stable fingerprint without extra dependencies.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn fingerprints() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let mut out = String::new();
    for name in SCENARIOS {
        let mut s = load_scenario(&root.join(name)).unwrap();
        s.runs = s.runs.min(24);
        let prepared = prepare(&s).unwrap();
        let target = dir.path().join(name.replace(['/', '.'], "_"));
        simulate(&s, &prepared, &target, &SimulateOptions::default()).unwrap();
        for file in FILES {
            let path = target.join(file);
            let hash = match std::fs::read(&path) {
                Ok(bytes) => format!("{:016x}", fnv1a(&bytes)),
                Err(_) => "absent".to_string(),
            };
            out.push_str(&format!("{name} {file} {hash}\n"));
        }
    }
    for name in SWEEPS {
        let (mut base, sweep) = load_sweep(&root.join(name)).unwrap();
        base.runs = base.runs.min(4);
        let target = dir.path().join(name.replace(['/', '.'], "_"));
        run_sweep(&base, &sweep, &target, &SweepOptions::default()).unwrap();
        let bytes = std::fs::read(target.join("sweep.csv")).unwrap();
        out.push_str(&format!("{name} sweep.csv {:016x}\n", fnv1a(&bytes)));
    }
    out
}

#[test]
fn example_scenarios_reproduce_their_recorded_outputs() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/fingerprints.txt");
    let now = fingerprints();
    if std::env::var_os("POLICYSIM_BLESS").is_some() {
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let recorded = std::fs::read_to_string(&path)
        .expect("tests/golden/fingerprints.txt (record with POLICYSIM_BLESS=1)");
    let changed: Vec<String> = recorded
        .lines()
        .zip(now.lines())
        .filter(|(a, b)| a != b)
        .map(|(a, b)| format!("recorded: {a}\n     now: {b}"))
        .collect();
    assert_eq!(
        recorded.lines().count(),
        now.lines().count(),
        "the list of scenarios or files changed"
    );
    assert!(
        changed.is_empty(),
        "outputs changed:\n{}",
        changed.join("\n")
    );
}

/// A new example scenario cannot slip past the golden test: every `.toml` under
/// `scenarios/` is listed above.
#[test]
fn every_example_scenario_is_fingerprinted() {
    fn tomls(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                tomls(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                let rel = path.strip_prefix(root).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found = Vec::new();
    tomls(&root.join("scenarios"), root, &mut found);
    assert!(found.len() >= 10, "example scenarios found: {found:?}");
    let missing: Vec<&String> = found
        .iter()
        .filter(|f| {
            !SCENARIOS.contains(&f.as_str())
                && !SWEEPS.contains(&f.as_str())
                && !HYPOTHESES.contains(&f.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "add these to SCENARIOS, SWEEPS or HYPOTHESES: {missing:?}"
    );
}
