//! The memory check guards library calls too: `simulate` and `run_sweep` refuse a
//! scenario that would not fit, before writing anything (a test in its own binary: it
//! sets the process-wide `POLICYSIM_MEMORY_AVAILABLE`, which the children of the other
//! test do not inherit). And the estimate stays above the real peak memory of
//! `policysim run` for every network kind, without being absurdly above it.

use crate::common::scenario;
use policysim::ensemble::prepare;
use policysim::limits::estimate;
use policysim::machine::thread_count;
use policysim::simulate::{simulate, SimulateOptions};
use policysim::sweep::{parse_sweep, run_sweep, SweepOptions};

const BIG: &str = r#"
name = "big"
steps = 200
runs = 2
[network]
kind = "ring"
n = 1000000
k = 4
"#;

#[test]
fn simulate_and_run_sweep_refuse_what_does_not_fit() {
    let big = scenario(BIG);
    let small = scenario(&BIG.replace("n = 1000000", "n = 100"));
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
    let text = format!("{}\n[sweep]\n\"network.n\" = [100, 1000000]\n", BIG);
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

/// The peak resident memory (`VmHWM`) of a child, polled from `/proc` until it exits.
#[cfg(target_os = "linux")]
pub(crate) fn peak_memory(mut child: std::process::Child) -> u64 {
    let status = format!("/proc/{}/status", child.id());
    let mut peak = 0u64;
    loop {
        // read before asking whether it ended: the last reading is as late as possible
        if let Ok(text) = std::fs::read_to_string(&status) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak = peak.max(kb * 1024);
            }
        }
        if let Some(exit) = child.try_wait().unwrap() {
            assert!(exit.success(), "policysim run failed: {exit}");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Each network kind at a size where it needs 100-300 MiB, run on 2 threads: the
/// estimate is at least the measured peak, and at most twice it (an edge file without a
/// node file excepted: the number of governments it names is unknown before it is read,
/// so the estimate takes the most it could name and is only checked to be above).
#[cfg(target_os = "linux")]
#[test]
fn the_estimate_covers_the_real_peak_of_every_network_kind() {
    use std::fmt::Write as _;
    let dir = tempfile::tempdir().unwrap();
    // an edge file: 100,000 governments, each linked to 10 others
    let mut edges = String::from("source,target\n");
    let mut nodes = String::from("id\n");
    for i in 0..100_000u32 {
        writeln!(nodes, "u{i}").unwrap();
        for d in 1..=10u32 {
            writeln!(edges, "u{i},u{}", (i + d * 7919) % 100_000).unwrap();
        }
    }
    std::fs::write(dir.path().join("edges.csv"), edges).unwrap();
    std::fs::write(dir.path().join("nodes.csv"), nodes).unwrap();
    let cases = [
        ("complete", "kind = \"complete\"\nn = 500000", true),
        ("ring", "kind = \"ring\"\nn = 200000\nk = 30", true),
        ("watts_strogatz", "kind = \"watts_strogatz\"\nn = 200000\nk = 20\nbeta = 0.1", true),
        ("erdos_renyi", "kind = \"erdos_renyi\"\nn = 200000\nmean_degree = 30", true),
        ("barabasi_albert", "kind = \"barabasi_albert\"\nn = 100000\nm = 30", true),
        ("spatial", "kind = \"spatial\"\nn = 150000\nk = 12", true),
        (
            "hierarchy",
            "kind = \"hierarchy\"\nlevels = [{ name = \"a\", count = 30 }, { name = \"b\", count = 3000 }, { name = \"c\", count = 200000 }]\nk = 8",
            true,
        ),
        ("file_with_nodes", "kind = \"file\"\nedges = \"edges.csv\"\nnodes = \"nodes.csv\"", true),
        ("file", "kind = \"file\"\nedges = \"edges.csv\"", false),
        // layers: summed over the network's governments and replacing its edges
        (
            "layers_distance",
            "kind = \"spatial\"\nn = 150000\nk = 12\n[network.layers.near]\nfrom = \"distance\"\nk = 8\n[network.layers.own]\nfrom = \"network\"",
            true,
        ),
        (
            "layers_same_parent",
            "kind = \"hierarchy\"\nlevels = [{ name = \"a\", count = 30 }, { name = \"b\", count = 3000 }, { name = \"c\", count = 200000 }]\nk = 8\n[network.layers.siblings]\nfrom = \"same_parent\"",
            true,
        ),
        (
            "layers_file",
            "kind = \"file\"\nedges = \"edges.csv\"\nnodes = \"nodes.csv\"\n[network.layers.inferred]\nfrom = \"file\"\nedges = \"edges.csv\"\nweight = 0.5",
            true,
        ),
    ];
    let mut report = String::new();
    let mut failures = Vec::new();
    for (name, network, bounded) in cases {
        let text = format!(
            "name = \"{name}\"\nsteps = 10\nruns = 4\n[initial]\ncount = 5\n[network]\n{network}\n"
        );
        let file = dir.path().join(format!("{name}.toml"));
        std::fs::write(&file, &text).unwrap();
        let estimate = estimate(
            &policysim::scenario::parse_scenario(&text, &file).unwrap(),
            2,
        )
        .total;
        let child = std::process::Command::new(crate::common::binary())
            .current_dir(dir.path())
            .env_remove("POLICYSIM_MEMORY_AVAILABLE")
            .args(["run", &format!("{name}.toml"), "--out", name])
            .args(["--threads", "2", "--no-charts", "--quiet"])
            .spawn()
            .unwrap();
        let peak = peak_memory(child);
        let ratio = estimate as f64 / peak as f64;
        writeln!(
            report,
            "{name}: estimate {estimate}, peak {peak}, ratio {ratio:.2}"
        )
        .unwrap();
        if ratio < 1.0 || (bounded && ratio > 2.0) {
            failures.push(name);
        }
        std::fs::remove_dir_all(dir.path().join(name)).unwrap();
    }
    eprint!("{report}");
    assert!(failures.is_empty(), "{failures:?}\n{report}");
}

/// A million governments (Barabási–Albert, m = 3, the policy model with every channel,
/// 20 steps, 2 runs on 2 threads) through the binary: the peak resident memory is below
/// the documented bytes per government (`src/limits.rs`: network 24 + 3 edges x 16, run
/// state 112 per thread; docs/model.md section 8b), and the estimate the up-front check
/// uses is those same figures.
#[cfg(target_os = "linux")]
#[test]
fn a_million_governments_stay_within_the_documented_bytes_per_government() {
    use policysim::limits::{
        BASE_BYTES, NETWORK_BYTES_PER_EDGE, NETWORK_BYTES_PER_NODE, RUN_BYTES_PER_NODE,
    };
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/scenarios/ba_million.toml"
    ))
    .unwrap()
    .replace("steps = 100", "steps = 20")
    .replace("runs = 8", "runs = 2");
    let file = dir.path().join("million.toml");
    std::fs::write(&file, &text).unwrap();
    let scenario = policysim::scenario::parse_scenario(&text, &file).unwrap();
    assert_eq!(scenario.network.n, 1_000_000);
    let (n, m, threads) = (1_000_000u64, 3u64, 2u64);
    let documented = BASE_BYTES
        + n * (NETWORK_BYTES_PER_NODE + m * NETWORK_BYTES_PER_EDGE + threads * RUN_BYTES_PER_NODE);
    let estimate = estimate(&scenario, threads as usize);
    // the up-front check uses the same figures (plus the per-step record and aggregation)
    assert!(
        estimate.total >= documented && estimate.total < documented + (1 << 20),
        "estimate {} vs documented {documented}",
        estimate.total
    );
    let child = std::process::Command::new(crate::common::binary())
        .current_dir(dir.path())
        .env_remove("POLICYSIM_MEMORY_AVAILABLE")
        .args(["run", "million.toml", "--out", "out", "--threads", "2"])
        .args(["--no-charts", "--quiet"])
        .spawn()
        .unwrap();
    let peak = peak_memory(child);
    assert!(
        peak <= documented,
        "peak {peak} bytes is above the documented {documented} ({} per government)",
        documented / n
    );
    // and the figures are not far above what is used
    assert!(
        2 * peak >= documented,
        "peak {peak} vs documented {documented}"
    );
}
