//! The out folder is never silently overwritten, and `--force` replaces only results.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_policysim");

fn run(dir: &Path, name: &str, out: &str, force: bool) -> Output {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, format!("name = \"{name}\"\nruns = 2\nsteps = 3\n")).unwrap();
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .arg("run")
        .arg(&file)
        .args(["--out", out, "--quiet", "--no-charts"]);
    if force {
        cmd.arg("--force");
    }
    cmd.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn other_scenarios_results_need_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, "a", "out", false).status.success());
    let o = run(d, "b", "out", false);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("holds results of scenario \"a\""),
        "{}",
        stderr(&o)
    );
    let o = run(d, "b", "out", true);
    assert!(o.status.success(), "{}", stderr(&o));
    let toml = std::fs::read_to_string(d.join("out/scenario.toml")).unwrap();
    assert!(toml.contains("name = \"b\""));
}

#[test]
fn folders_that_are_not_results_are_never_replaced_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("thesis")).unwrap();
    std::fs::write(d.join("thesis/chapter1.tex"), "precious").unwrap();
    for force in [false, true] {
        let o = run(d, "a", "thesis", force);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains("does not hold policysim results"));
    }
    assert_eq!(
        std::fs::read_to_string(d.join("thesis/chapter1.tex")).unwrap(),
        "precious"
    );
    for out in [".", "..", "/"] {
        let o = run(d, "a", out, true);
        assert_eq!(o.status.code(), Some(2), "{out}: {}", stderr(&o));
    }
    let o = run(d, "a", d.to_str().unwrap(), true);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(d.join("thesis/chapter1.tex").exists());
}
