//! Every input file goes through the one capped reader (`policysim_io::capped_read`):
//! observed adoptions, `innovativeness --nodes`, hypotheses files, the data files a
//! sweep fingerprints; and a named pipe never makes a command wait for ever. Each case
//! runs through the binary: exit code 2, a message naming the file, nothing written.

use crate::common::binary;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// 64 MiB "available": enough for the small scenarios here, and the cap for data files
/// is then an eighth of it, 8 MiB.
const SMALL_MEMORY: &str = "67108864";

/// Just over the cap for data files under [`SMALL_MEMORY`].
const OVER_CAP: usize = (8 << 20) + 100;

/// A file of `unit,policy,adopt_year` rows just over the cap.
fn big_adoptions(dir: &Path) -> PathBuf {
    let path = dir.join("big.csv");
    let mut text = String::from("unit,policy,adopt_year\n");
    let mut k = 0;
    while text.len() <= OVER_CAP {
        text.push_str(&format!("unit{k},p,{}\n", 1950 + k % 20));
        k += 1;
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn policysim(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .current_dir(dir)
        .env("POLICYSIM_MEMORY_AVAILABLE", SMALL_MEMORY)
        .args(args)
        .output()
        .unwrap()
}

/// Exit 2, the message names `file` and the cap, and `out` was not created.
fn assert_refused(o: &Output, file: &str, out: &Path) {
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(file) && err.contains("larger than"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out.exists(), "nothing written: {}", out.display());
}

#[test]
fn observed_adoptions_beyond_the_cap_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let big = big_adoptions(d.path());
    let scenario = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/us_states.toml");
    let out = d.path().join("fit");
    let o = policysim(
        d.path(),
        &[
            "fit",
            scenario.to_str().unwrap(),
            "--observed",
            big.to_str().unwrap(),
            "--free",
            "learning.rate=0:1",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_refused(&o, "big.csv", &out);
}

#[test]
fn innovativeness_node_files_beyond_the_cap_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/spid_sample.csv");
    let nodes = d.path().join("nodes.csv");
    let mut text = String::from("id,x\n");
    let mut k = 0;
    while text.len() <= OVER_CAP {
        text.push_str(&format!("node{k},1\n"));
        k += 1;
    }
    std::fs::write(&nodes, text).unwrap();
    let out = d.path().join("scores.csv");
    let o = policysim(
        d.path(),
        &[
            "innovativeness",
            "--observed",
            data.to_str().unwrap(),
            "--nodes",
            nodes.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_refused(&o, "nodes.csv", &out);
}

#[test]
fn endless_hypotheses_files_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/data/spid_sample.csv");
    let out = d.path().join("mech");
    let o = policysim(
        d.path(),
        &[
            "compare-mechanisms",
            "/dev/zero",
            "--observed",
            data.to_str().unwrap(),
            "--policy",
            "adawork",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
    );
    assert_refused(&o, "/dev/zero", &out);
}

/// The sweep fingerprints its data files before any point runs: an endless device as
/// the edge file was read whole into memory (until the machine ran out); now the read
/// stops at the cap and the first point says why.
#[test]
fn a_sweep_over_an_endless_data_file_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let scenario = d.path().join("s.toml");
    std::fs::write(
        &scenario,
        "name = \"s\"\nsteps = 3\nruns = 2\n[network]\nkind = \"file\"\nedges = \"/dev/zero\"\n[sweep]\n\"learning.rate\" = [0.1, 0.2]\n",
    )
    .unwrap();
    let out = d.path().join("sweep");
    let o = policysim(
        d.path(),
        &[
            "sweep",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--no-charts",
        ],
    );
    assert_refused(&o, "/dev/zero", &out);
}

/// A named pipe as a data file: before, `run` waited for a writer for ever (and ignored
/// the first SIGTERM); now the empty pipe is an empty file, refused at once.
#[cfg(target_os = "linux")]
#[test]
fn a_named_pipe_as_a_data_file_does_not_block() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("edges.csv");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let scenario = d.path().join("s.toml");
    std::fs::write(
        &scenario,
        "name = \"s\"\nsteps = 3\nruns = 2\n[network]\nkind = \"file\"\nedges = \"edges.csv\"\n",
    )
    .unwrap();
    let out = d.path().join("out");
    let mut child = Command::new(binary())
        .current_dir(d.path())
        .args(["run", scenario.to_str().unwrap(), "--out"])
        .arg(&out)
        .arg("--quiet")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("policysim run waited on the named pipe");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(2), "{err}");
    assert!(err.contains("edges.csv"), "{err}");
    assert!(!out.exists());
}
