//! Classes of hostile or unusual input found by the third review (issue 26), each run
//! through the binary: a clear message and exit code 2, or, where the input is legal,
//! the right answer; never a panic, never a half-written folder.

use crate::common::binary;
use std::path::Path;
use std::process::{Command, Output};

fn policysim(cwd: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .current_dir(cwd)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The shipped `examples/sensitivity.toml` has a `[sensitivity]` table: `check`, `run`
/// and `sweep` read the scenario without it (with a warning), as they do `[sweep]`.
#[test]
fn a_scenario_with_a_sensitivity_table_runs_with_every_command() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/sensitivity.toml");
    let file = file.to_str().unwrap();
    let o = policysim(t, &["check", file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("[sensitivity] table is read by `policysim sensitivity` only"));
    let o = policysim(t, &["run", file, "--runs", "3", "--out", "run", "--no-charts"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = policysim(
        t,
        &["sweep", file, "--set", "learning.rate=0.1,0.2", "--runs", "2", "--out", "sw", "--no-charts", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}
