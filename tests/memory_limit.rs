//! The memory check guards library calls too: `simulate` and `run_sweep` refuse a
//! scenario that would not fit, before writing anything. (One test in its own binary:
//! it sets the process-wide `POLICYSIM_MEMORY_AVAILABLE`.)

mod common;
use common::scenario;
use policysim::ensemble::prepare;
use policysim::limits::{estimate, thread_count};
use policysim::simulate::{simulate, SimulateOptions};
use policysim::sweep::{parse_sweep, run_sweep, SweepOptions};

const BIG: &str = r#"
name = "big"
steps = 200
runs = 2
[network]
kind = "ring"
n = 100000
k = 4
"#;

#[test]
fn simulate_and_run_sweep_refuse_what_does_not_fit() {
    let big = scenario(BIG);
    let small = scenario(&BIG.replace("n = 100000", "n = 100"));
    let threads = thread_count(Some(1));
    let (need_big, need_small) = (
        estimate(&big, threads).total,
        estimate(&small, threads).total,
    );
    assert!(need_small * 4 < need_big, "{need_small} vs {need_big}");
    // room for the small scenario, not for the big one
    let available = (need_small + need_big) / 2;
    std::env::set_var("POLICYSIM_MEMORY_AVAILABLE", available.to_string());

    let dir = tempfile::tempdir().unwrap();
    let options = SimulateOptions {
        ensemble: policysim::ensemble::EnsembleOptions {
            threads: Some(1),
            ..Default::default()
        },
        ..Default::default()
    };
    let out = dir.path().join("big");
    let err = simulate(&big, &prepare(&big).unwrap(), &out, &options).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("of memory"), "{err}");
    assert!(!out.exists());

    let out = dir.path().join("small");
    simulate(&small, &prepare(&small).unwrap(), &out, &options).unwrap();
    assert!(out.join("curves.csv").exists());

    // a sweep whose second point is too big is refused before any point runs
    let text = format!("{}\n[sweep]\n\"network.n\" = [100, 100000]\n", BIG);
    let (base, sweep) = parse_sweep(&text, std::path::Path::new("sweep.toml")).unwrap();
    let out = dir.path().join("sweep");
    let sweep_options = SweepOptions {
        threads: Some(1),
        ..Default::default()
    };
    let err = run_sweep(&base, &sweep, &out, &sweep_options).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("point 1") && err.to_string().contains("of memory"));
    assert!(!out.exists());
}
