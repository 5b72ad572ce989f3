//! The cluster paths on real cluster engines: `examples/slurm/*.sbatch` on a single-node
//! SLURM started for the test (Debian's `slurm-wlm`, run as root) and
//! `examples/parallel/sweep.sh` with GNU parallel, each driven by a script under
//! `tests/cluster/`. Both check byte-identical merges, one merge, and the resume of a
//! shard stopped part-way.
//!
//! Both are ignored by a plain `cargo test` (they need the engines, and SLURM needs
//! root), so a machine without them reports them as ignored, never as passed; `.ci/run`
//! installs `slurm-wlm` and `parallel` and runs them with `--ignored`, where a missing
//! engine fails the test with what to install.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;

/// The two tests take turns: each uses both cores, and the SLURM test cancels a shard
/// part-way.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// True when `program` is on the PATH (or, for daemons, in /usr/sbin).
fn installed(program: &str) -> bool {
    Command::new("sh")
        .args([
            "-c",
            &format!("command -v {program} || test -x /usr/sbin/{program}"),
        ])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Fails with what is missing (the tests run only when asked for, with `--ignored`).
fn require(what: &str, missing: Option<String>) {
    if let Some(missing) = missing {
        panic!("{what}: {missing}; .ci/run installs slurm-wlm and parallel and runs this test");
    }
}

/// Runs `tests/cluster/<script>` with the release binary and checks that it passed.
fn run_script(script: &str) {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("bash")
        .arg(root.join("tests/cluster").join(script))
        .arg(env!("CARGO_BIN_EXE_policysim"))
        .env(
            "PATH",
            format!(
                "{}:/usr/sbin:/sbin",
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}");
    assert!(out.status.success(), "{script} failed:\n{stdout}\n{stderr}");
    let name = script.trim_end_matches(".sh");
    assert!(stdout.contains(&format!("PASS: {name}")), "{stdout}");
}

#[test]
#[ignore = "needs a single-node SLURM run as root: .ci/run runs it with --ignored"]
fn slurm_runs_the_documented_array_and_merge_and_resumes_a_cancelled_shard() {
    let missing = [
        "slurmctld",
        "slurmd",
        "sbatch",
        "scontrol",
        "scancel",
        "sinfo",
    ]
    .into_iter()
    .find(|p| !installed(p))
    .map(|p| format!("`{p}` is not installed (apt-get install slurm-wlm)"))
    .or_else(|| {
        let root = Command::new("id").arg("-u").output().ok();
        (root.as_ref().map(|o| o.stdout.trim_ascii()) != Some(b"0".as_slice()))
            .then(|| "the test cluster runs its daemons as root".to_string())
    });
    require("the SLURM test", missing);
    run_script("slurm.sh");
}

#[test]
#[ignore = "needs GNU parallel: .ci/run runs it with --ignored"]
fn gnu_parallel_runs_the_shards_merges_once_and_resumes() {
    let missing = (!installed("parallel"))
        .then(|| "GNU parallel is not installed (apt-get install parallel)".to_string());
    require("the GNU parallel test", missing);
    run_script("parallel.sh");
}
