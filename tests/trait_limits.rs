//! One rule for every trait value (`within_trait_limit`): a number, a distribution's
//! parameter and a node-file column are held to the same limit, through the binary.

use crate::common::binary;
use std::process::Command;

/// Runs a ring of four governments whose node file has the column `score` = `values`, with
/// `[agents]` set by `agents`; returns (exit code, stderr).
fn run_with_column(values: [&str; 4], agents: &str) -> (Option<i32>, String) {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let mut nodes = String::from("id,score\n");
    for (i, v) in values.iter().enumerate() {
        nodes.push_str(&format!("n{i},{v}\n"));
    }
    std::fs::write(t.join("nodes.csv"), nodes).unwrap();
    std::fs::write(
        t.join("edges.csv"),
        "source,target\nn0,n1\nn1,n2\nn2,n3\nn3,n0\n",
    )
    .unwrap();
    std::fs::write(
        t.join("s.toml"),
        format!("name = \"s\"\nsteps = 3\nruns = 2\n[network]\nkind = \"file\"\nedges = \"edges.csv\"\nnodes = \"nodes.csv\"\n[agents]\n{agents}\n"),
    )
    .unwrap();
    let o = Command::new(binary())
        .current_dir(t)
        .args(["run", "s.toml", "--out", "out", "--no-charts", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.success(),
        t.join("out").is_dir(),
        "no half-written output"
    );
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn node_columns_obey_the_trait_limit_like_numbers_and_distributions() {
    // within the limit: runs
    let (code, err) = run_with_column(["0.5", "2", "-3", "1e6"], "fit = { from = \"score\" }");
    assert_eq!(code, Some(0), "{err}");
    // beyond it: refused, naming the key, the column, the row and the value
    let (code, err) = run_with_column(["0.5", "2", "1e300", "1"], "fit = { from = \"score\" }");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("agents.fit")
            && err.contains("column `score`")
            && err.contains("1e300")
            && err.contains("row 3"),
        "{err}"
    );
    // the same value as a number is refused by the same limit
    let (code, err) = run_with_column(["0", "0", "0", "0"], "fit = 1e300");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("agents.fit") && err.contains("within"),
        "{err}"
    );
    // and an index of columns checks each column it reads
    let (code, err) = run_with_column(
        ["1", "2", "-1e12", "4"],
        "learning = { from = [\"score\"], normalise = \"minmax\" }",
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("column `score`") && err.contains("-1e12"),
        "{err}"
    );
}
