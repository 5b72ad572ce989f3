//! SIGINT/SIGTERM during `policysim run`: the run stops, nothing that looks complete is
//! left behind, and earlier results in the out folder are unchanged.
#![cfg(unix)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_policysim");

/// A scenario that runs for minutes unless interrupted (each run takes milliseconds).
const LONG: &str = "name = \"long\"\nruns = 1000000\nsteps = 200\n[network]\nkind = \"ring\"\nn = 20000\nk = 4\n[initial]\ncount = 5\n";

fn start(dir: &Path, runs: Option<u32>) -> Child {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args([
            "run",
            "long.toml",
            "--out",
            "out",
            "--threads",
            "2",
            "--no-charts",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(r) = runs {
        cmd.args(["--runs", &r.to_string()]);
    }
    cmd.spawn().expect("start policysim")
}

/// Hidden staging folders (`.out.partial-PID`) in `dir`.
fn staging(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect()
}

/// Waits until the run has started writing (its staging folder exists).
fn wait_for_staging(dir: &Path) {
    let t0 = Instant::now();
    while staging(dir).is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(20), "run never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .expect("kill")
        .success();
    assert!(ok, "kill {sig} failed");
}

/// Waits for the child (at most 30 s) and returns its exit code and stderr.
fn finish(mut child: Child) -> (Option<i32>, String) {
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err);
        }
        if t0.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("policysim did not stop after the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn sigint_leaves_no_results_and_no_staging_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("long.toml"), LONG).unwrap();
    let child = start(dir.path(), None);
    wait_for_staging(dir.path());
    let t0 = Instant::now();
    signal(&child, "-INT");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(t0.elapsed() < Duration::from_secs(10), "slow to stop");
    assert!(
        err.contains("interrupted") && err.contains("no results written"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!dir.path().join("out").exists(), "out folder created");
    assert!(staging(dir.path()).is_empty(), "{:?}", staging(dir.path()));
}

#[test]
fn sigterm_keeps_previous_results_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("long.toml"), LONG).unwrap();
    let (code, err) = finish(start(dir.path(), Some(3)));
    assert_eq!(code, Some(0), "{err}");
    let summary = dir.path().join("out/summary.json");
    let before = std::fs::read(&summary).unwrap();

    let child = start(dir.path(), None);
    wait_for_staging(dir.path());
    signal(&child, "-TERM");
    let (code, err) = finish(child);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("previous results in out are unchanged"),
        "{err}"
    );
    assert_eq!(std::fs::read(&summary).unwrap(), before);
    assert!(staging(dir.path()).is_empty(), "{:?}", staging(dir.path()));
}

#[test]
fn staging_folders_are_removed_only_when_their_lock_proves_the_writer_dead() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("long.toml"), LONG).unwrap();
    let stage = |name: &str, lock: bool| {
        std::fs::create_dir(dir.path().join(name)).unwrap();
        std::fs::write(dir.path().join(name).join("runs.csv"), "run\n").unwrap();
        if lock {
            std::fs::write(dir.path().join(format!("{name}.lock")), "node7 12\n").unwrap();
        }
    };
    // Dead writers: lock files nobody holds (their holders died, on any machine).
    stage(".out.partial-node7-12", true);
    stage(".out.partial-node8-12", true);
    // A live writer in another PID namespace or on another cluster node: its pid means
    // nothing here, but its lock is held (here by this test).
    stage(".out.partial-node9-1", true);
    let live = std::fs::File::options()
        .write(true)
        .open(dir.path().join(".out.partial-node9-1.lock"))
        .unwrap();
    live.try_lock().unwrap();
    // No lock file at all: nothing proves it dead (an older version's, or a user's).
    stage(".out.partial-999999999", false);
    stage(".other.partial-node7-12", true);
    let (code, err) = finish(start(dir.path(), Some(2)));
    assert_eq!(code, Some(0), "{err}");
    assert!(dir.path().join("out/summary.json").exists());
    for gone in [".out.partial-node7-12", ".out.partial-node8-12"] {
        assert!(!dir.path().join(gone).exists(), "{gone}");
        assert!(!dir.path().join(format!("{gone}.lock")).exists(), "{gone}");
    }
    for kept in [
        ".out.partial-node9-1/runs.csv",
        ".out.partial-node9-1.lock",
        ".out.partial-999999999/runs.csv",
        ".other.partial-node7-12/runs.csv",
    ] {
        assert!(dir.path().join(kept).exists(), "{kept}");
    }
    // Once its writer is gone, the next run removes it.
    drop(live);
    let (code, err) = finish(start(dir.path(), Some(2)));
    assert_eq!(code, Some(0), "{err}");
    assert!(!dir.path().join(".out.partial-node9-1").exists());
}

#[test]
fn previous_results_left_in_an_old_folder_are_restored() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("long.toml"), LONG).unwrap();
    let (code, err) = finish(start(dir.path(), Some(2)));
    assert_eq!(code, Some(0), "{err}");
    // As if killed between the two renames of publishing: results only in the .old
    // folder, the dead writer's lock file beside its (already moved) staging name.
    let old = dir.path().join(".out.partial-node7-5.old");
    std::fs::rename(dir.path().join("out"), &old).unwrap();
    std::fs::write(old.join("marker"), "previous").unwrap();
    std::fs::write(dir.path().join(".out.partial-node7-5.lock"), "node7 5\n").unwrap();
    let (code, err) = finish(start(dir.path(), Some(2)));
    assert_eq!(code, Some(0), "{err}");
    assert!(!old.exists());
    assert!(!dir.path().join(".out.partial-node7-5.lock").exists());
    assert!(dir.path().join("out/summary.json").exists());
    // The restored results were replaced by the new ones (same scenario).
    assert!(!dir.path().join("out/marker").exists());
}

#[test]
fn a_read_only_results_folder_is_not_replaced() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("long.toml"), LONG).unwrap();
    let (code, err) = finish(start(dir.path(), Some(2)));
    assert_eq!(code, Some(0), "{err}");
    let out = dir.path().join("out");
    let before = std::fs::read(out.join("summary.json")).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    let (code, err) = finish(start(dir.path(), Some(2)));
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("out: the folder is read-only"), "{err}");
    assert_eq!(std::fs::read(out.join("summary.json")).unwrap(), before);
    assert!(staging(dir.path()).is_empty(), "{:?}", staging(dir.path()));
}

#[test]
fn second_sigint_exits_at_once() {
    let dir = tempfile::tempdir().unwrap();
    // Runs stop between steps, so the first signal alone ends a run quickly; but writing
    // the outputs and drawing the map of a million governments is not interrupted, and
    // a second signal during it must exit at once.
    let big_map = "name = \"long\"\nruns = 2\nsteps = 1\n[network]\nkind = \"spatial\"\nn = 1000000\n[initial]\ncount = 5\n";
    std::fs::write(dir.path().join("long.toml"), big_map).unwrap();
    let child = Command::new(BIN)
        .current_dir(dir.path())
        .args(["run", "long.toml", "--out", "out", "--format", "png"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start policysim");
    // the runs are done once curves.csv is in the staging folder; map.csv and the
    // charts follow
    let t0 = Instant::now();
    while !staging(dir.path())
        .iter()
        .any(|s| dir.path().join(s).join("curves.csv").exists())
    {
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "runs never finished"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    signal(&child, "-INT");
    std::thread::sleep(Duration::from_millis(50));
    signal(&child, "-INT");
    let (code, err) = finish(child);
    assert_eq!(code, Some(130), "{err}");
    assert!(err.contains("interrupted again"), "{err}");
    assert!(!dir.path().join("out").exists());
    assert!(staging(dir.path()).is_empty(), "{:?}", staging(dir.path()));
}

#[test]
fn cancelled_simulation_removes_the_folders_it_created() {
    use policysim::simulate::{simulate, SimulateOptions};
    use std::sync::atomic::AtomicBool;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long.toml");
    std::fs::write(&file, LONG).unwrap();
    let scenario = policysim::scenario::load_scenario(&file).unwrap();
    let prepared = policysim::ensemble::prepare(&scenario).unwrap();
    let cancel = AtomicBool::new(true);
    let options = SimulateOptions {
        ensemble: policysim::ensemble::EnsembleOptions {
            threads: Some(1),
            progress: None,
            cancel: Some(&cancel),
        },
        ..Default::default()
    };
    let out = dir.path().join("a/b/out");
    let err = simulate(&scenario, &prepared, &out, &options).unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains("a/b/out was not created"), "{err}");
    assert!(
        !dir.path().join("a").exists(),
        "created folders were left behind"
    );
}

/// A run looks at the cancel flag before every step: set, it gives up (so Ctrl-C does
/// not wait for one long run); clear, it is exactly `run_once`.
#[test]
fn a_run_gives_up_between_steps_when_cancelled() {
    use policysim::rng::run_streams;
    use policysim::run::{run_once, run_or_cancel};
    use std::sync::atomic::AtomicBool;
    let scenario = policysim::scenario::parse_scenario(
        "steps = 30\n[network]\nkind = \"ring\"\nn = 500\n[innovation]\nrate = 0.01\n",
        Path::new("t.toml"),
    )
    .unwrap();
    let prepared = policysim::ensemble::prepare(&scenario).unwrap();
    let flag = AtomicBool::new(false);
    let go = run_or_cancel(
        &scenario,
        &prepared,
        3,
        run_streams(1, 3),
        false,
        Some(&flag),
    )
    .expect("not cancelled");
    let plain = run_once(&scenario, &prepared, 3, run_streams(1, 3), false);
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&go.series), bits(&plain.series));
    assert!(plain.summary.final_share > 0.0);
    flag.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(run_or_cancel(
        &scenario,
        &prepared,
        3,
        run_streams(1, 3),
        false,
        Some(&flag)
    )
    .is_none());
}
