//! Every CSV a command writes quotes its fields by one rule (`policysim_io::cells::csv_field`):
//! names from data files with commas, quotes or line breaks stay one field.

use crate::common::binary;
use std::process::Command;

/// Region and level names with a comma, a quote and a line break: before, the series
/// names of `curves.csv` were written bare and broke its rows.
#[test]
fn region_and_level_names_with_commas_and_line_breaks_stay_one_field() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(
        t.join("nodes.csv"),
        "id,region,level\na,\"East, coastal\",top\nb,\"North\nwest\",\"mid \"\"two\"\"\"\nc,\"East, coastal\",top\nd,West,mid\n",
    )
    .unwrap();
    std::fs::write(t.join("edges.csv"), "source,target\na,b\nb,c\nc,d\nd,a\n").unwrap();
    std::fs::write(
        t.join("s.toml"),
        "name = \"s\"\nsteps = 4\nruns = 3\n[network]\nkind = \"file\"\nedges = \"edges.csv\"\nnodes = \"nodes.csv\"\n[innovation]\nrate = 0.3\n",
    )
    .unwrap();
    let o = Command::new(binary())
        .current_dir(t)
        .args(["run", "s.toml", "--out", "out", "--no-charts", "--quiet"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for file in ["curves.csv", "runs.csv", "map.csv", "hazard.csv"] {
        let path = t.join("out").join(file);
        if !path.exists() {
            continue;
        }
        let mut reader = csv::Reader::from_path(&path).unwrap();
        let width = reader.headers().unwrap().len();
        for record in reader.records() {
            let record = record.unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(record.len(), width, "{file}: {record:?}");
        }
    }
    let mut reader = csv::Reader::from_path(t.join("out/curves.csv")).unwrap();
    let series: std::collections::BTreeSet<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    for name in [
        "adopted_share.region.East, coastal",
        "adopted_share.region.North\nwest",
        "adopted_share.level.mid \"two\"",
    ] {
        assert!(series.contains(name), "{name:?} in {series:?}");
    }
}
