//! `policysim panel`: the designs equal hand-written tables, count exactly the unit-years
//! at risk of observed SPID adoptions, agree with the events' sources, and refuse bad
//! input with exit code 2 and nothing written.

use crate::common::binary;
use crate::events::{rows, run};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};

fn panel(args: &[&str]) -> Output {
    Command::new(binary())
        .arg("panel")
        .args(args)
        .output()
        .unwrap()
}

fn path_str(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A path A - B - C - D; A adopts in 2000 (the first year: not at risk), B in 2001, C in
/// 2003, D never. The unit-year panel written by hand: lagged counts of adopting
/// neighbours and national share, years since the first adoption (2000).
#[test]
fn the_unit_year_panel_of_a_path_of_four_is_the_hand_written_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("edges.csv"), "source,target\nA,B\nB,C\nC,D\n").unwrap();
    std::fs::write(
        d.join("path.toml"),
        "name = \"path\"\nsteps = 3\nruns = 1\n[network]\nkind = \"file\"\nedges = \"edges.csv\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("adoptions.csv"),
        "unit,adopt_year\nA,2000\nB,2001\nC,2003\nD,\n",
    )
    .unwrap();
    let out = d.join("panel.csv");
    let o = panel(&[
        "--observed",
        path_str(&d.join("adoptions.csv")),
        "--scenario",
        path_str(&d.join("path.toml")),
        "--design",
        "unit-year",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let expected = "\
run,unit,year,adopt,years_since_first,n_sources_adopted,share_sources_adopted,national_share
0,B,2001,1,1,1,0.5,0.25
0,C,2001,0,1,0,0,0.25
0,D,2001,0,1,0,0,0.25
0,C,2002,0,2,1,0.5,0.5
0,D,2002,0,2,0,0,0.5
0,C,2003,1,3,1,0.5,0.5
0,D,2003,0,3,0,0,0.5
";
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
    // the other designs of the same adoptions
    for (design, expected) in [
        (
            "cascades",
            "node_name,event_time,cascade_id\nA,2000,0\nB,2001,0\nC,2003,0\n",
        ),
        ("toa", "run,unit,toa\n0,A,2000\n0,B,2001\n0,C,2003\n0,D,\n"),
        (
            "dyad-year",
            "run,target,source,year,adopt,years_since_first,contiguous,source_years_since_adoption\n\
             0,B,A,2001,1,1,1,1\n0,C,A,2001,0,1,0,1\n0,D,A,2001,0,1,0,1\n\
             0,C,A,2002,0,2,0,2\n0,C,B,2002,0,2,1,1\n0,D,A,2002,0,2,0,2\n0,D,B,2002,0,2,0,1\n\
             0,C,A,2003,1,3,0,3\n0,C,B,2003,1,3,1,2\n0,D,A,2003,0,3,0,3\n0,D,B,2003,0,3,0,2\n",
        ),
    ] {
        let o = panel(&[
            "--observed",
            path_str(&d.join("adoptions.csv")),
            "--scenario",
            path_str(&d.join("path.toml")),
            "--design",
            design,
            "--out",
            path_str(&out),
        ]);
        assert!(o.status.success());
        assert_eq!(std::fs::read_to_string(&out).unwrap(), expected, "{design}");
    }
}

/// The SPID adoptions of one policy on the 50 US states: exactly the unit-years at risk,
/// counted independently from the adoption file (a state that adopted in year y after
/// the first year is at risk y - first years; one that never adopted, last - first).
#[test]
fn the_spid_panel_has_exactly_the_unit_years_at_risk() {
    let root = env!("CARGO_MANIFEST_DIR");
    let adoptions = format!("{root}/scenarios/data/spid_sample.csv");
    let nodes = format!("{root}/scenarios/data/us_states_nodes.csv");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spid.csv");
    for policy in ["mothersaid", "adawork"] {
        let o = panel(&[
            "--observed",
            &adoptions,
            "--policy",
            policy,
            "--scenario",
            &format!("{root}/scenarios/us_states.toml"),
            "--design",
            "unit-year",
            "--out",
            path_str(&out),
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // the independent count
        let states: Vec<String> = std::fs::read_to_string(&nodes)
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect();
        assert_eq!(states.len(), 50);
        let mut year: HashMap<String, i64> = HashMap::new();
        for l in std::fs::read_to_string(&adoptions).unwrap().lines().skip(1) {
            let c: Vec<&str> = l.split(',').collect();
            if c[1] == policy && !c[2].is_empty() {
                year.insert(c[0].to_string(), c[2].parse().unwrap());
            }
        }
        let first = *year.values().min().unwrap();
        let last = *year.values().max().unwrap();
        let mut at_risk = 0;
        let mut adoptions_after = 0;
        for s in &states {
            match year.get(s) {
                Some(&y) if y == first => {}
                Some(&y) => {
                    at_risk += y - first;
                    adoptions_after += 1;
                }
                None => at_risk += last - first,
            }
        }
        let panel = rows(&out);
        assert_eq!(panel.len() as i64, at_risk, "{policy}");
        let adopts = panel.iter().filter(|r| r["adopt"] == "1").count();
        assert_eq!(adopts, adoptions_after, "{policy}");
        // each adoption row is the state's adoption year, its last row
        for r in panel.iter().filter(|r| r["adopt"] == "1") {
            assert_eq!(r["year"].parse::<i64>().unwrap(), year[&r["unit"]]);
        }
    }
}

/// A learning world (no centre): every adoption by learning has exactly one dyad-year
/// row with learned_from = 1, and its source is the events' source.
#[test]
fn learned_from_agrees_with_the_events_sources() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::events::SMALL
        .replace("mode = \"pilot\"", "mode = \"none\"")
        .replace("[central.pilot]", "[unused]");
    let text: String = text.split("[unused]").next().unwrap().to_string();
    let folder = run(dir.path(), &text, "learn", &["--record", "events"]);
    let out = dir.path().join("dyads.csv");
    let o = panel(&[
        path_str(&folder),
        "--design",
        "dyad-year",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let events = rows(&folder.join("events.csv"));
    let mut first_seen: HashMap<(String, String), ()> = HashMap::new();
    let mut learning: HashMap<(String, String, String), String> = HashMap::new();
    for e in &events {
        if e["event"] != "adopt" {
            continue;
        }
        let key = (e["run"].clone(), e["unit"].clone());
        if first_seen.insert(key, ()).is_some() {
            continue; // a re-adoption: not in the risk set
        }
        if e["channel"] == "learning" {
            learning.insert(
                (e["run"].clone(), e["unit"].clone(), e["step"].clone()),
                e["source"].clone(),
            );
        }
    }
    assert!(learning.len() > 50, "{} learning adoptions", learning.len());
    let dyads = rows(&out);
    let mut found: HashMap<(String, String, String), Vec<String>> = HashMap::new();
    for d in dyads.iter().filter(|d| d["learned_from"] == "1") {
        assert_eq!(d["adopt"], "1");
        found
            .entry((d["run"].clone(), d["target"].clone(), d["year"].clone()))
            .or_default()
            .push(d["source"].clone());
    }
    assert_eq!(found.len(), learning.len());
    for (key, source) in &learning {
        assert_eq!(found.get(key), Some(&vec![source.clone()]), "{key:?}");
    }
}

/// Bad input: exit code 2, a message naming the folder, option or file, nothing written.
#[test]
fn bad_input_is_refused_with_nothing_written() {
    let dir = tempfile::tempdir().unwrap();
    let plain = run(dir.path(), crate::events::SMALL, "plain", &[]);
    let out = dir.path().join("panel.csv");
    let root = env!("CARGO_MANIFEST_DIR");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                path_str(&plain).into(),
                "--design".into(),
                "unit-year".into(),
            ],
            "--record events",
        ),
        (
            vec![path_str(&plain).into(), "--design".into(), "dyads".into()],
            "--design",
        ),
        (
            vec![
                "--observed".into(),
                format!("{root}/scenarios/data/spid_sample.csv"),
                "--policy".into(),
                "mothersaid".into(),
                "--start-year".into(),
                "1950".into(),
                "--scenario".into(),
                format!("{root}/scenarios/us_states.toml"),
                "--design".into(),
                "unit-year".into(),
            ],
            "--start-year 1950",
        ),
    ];
    for (args, names) in cases {
        let mut all: Vec<&str> = args.iter().map(String::as_str).collect();
        all.extend(["--out", path_str(&out)]);
        let o = panel(&all);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(names), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "{err}");
    }
}

/// A hierarchy of 7 (P over C1 and C2, each over two locals; a border between L2 and
/// L3); P adopts in 2000, C1 in 2001, L1 in 2002, L3 in 2003. The unit-year panel with
/// `parent_adopted` (lagged) and the node file's level, written by hand.
#[test]
fn the_unit_year_panel_of_a_hierarchy_of_seven_is_the_hand_written_table() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("nodes.csv"),
        "id,level,parent\nP,top,\nC1,mid,P\nC2,mid,P\nL1,low,C1\nL2,low,C1\nL3,low,C2\nL4,low,C2\n",
    )
    .unwrap();
    std::fs::write(
        d.join("edges.csv"),
        "source,target\nP,C1\nP,C2\nC1,L1\nC1,L2\nC2,L3\nC2,L4\nL2,L3\n",
    )
    .unwrap();
    std::fs::write(
        d.join("tree.toml"),
        "name = \"tree\"\nsteps = 3\nruns = 1\n[network]\nkind = \"file\"\nedges = \"edges.csv\"\nnodes = \"nodes.csv\"\n",
    )
    .unwrap();
    std::fs::write(
        d.join("adoptions.csv"),
        "unit,adopt_year\nP,2000\nC1,2001\nL1,2002\nL3,2003\n",
    )
    .unwrap();
    let out = d.join("panel.csv");
    let o = panel(&[
        "--observed",
        path_str(&d.join("adoptions.csv")),
        "--scenario",
        path_str(&d.join("tree.toml")),
        "--design",
        "unit-year",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (third, seventh, two, three) = (
        "0.333333333333",
        "0.142857142857",
        "0.285714285714",
        "0.428571428571",
    );
    let expected = format!(
        "\
run,unit,year,adopt,years_since_first,n_sources_adopted,share_sources_adopted,parent_adopted,national_share,level
0,C1,2001,1,1,1,{third},1,{seventh},mid
0,C2,2001,0,1,1,{third},1,{seventh},mid
0,L1,2001,0,1,0,0,0,{seventh},low
0,L2,2001,0,1,0,0,0,{seventh},low
0,L3,2001,0,1,0,0,0,{seventh},low
0,L4,2001,0,1,0,0,0,{seventh},low
0,C2,2002,0,2,1,{third},1,{two},mid
0,L1,2002,1,2,1,1,1,{two},low
0,L2,2002,0,2,1,0.5,1,{two},low
0,L3,2002,0,2,0,0,0,{two},low
0,L4,2002,0,2,0,0,0,{two},low
0,C2,2003,0,3,1,{third},1,{three},mid
0,L2,2003,0,3,1,0.5,1,{three},low
0,L3,2003,1,3,0,0,0,{three},low
0,L4,2003,0,3,0,0,0,{three},low
"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
}

/// A dyad-year panel's bound (every directed pair in every year of every run) is checked
/// against `--max-rows` before anything is written: a clear refusal naming the bound,
/// exit 2, no file; within the cap it is written.
#[test]
fn a_dyad_panel_past_its_row_cap_is_refused_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("s.toml"),
        "name = \"dyads\"\nsteps = 10\nruns = 3\nseed = 2\n[network]\nkind = \"ring\"\nn = 20\nk = 2\n[innovation]\nrate = 0.05\n",
    )
    .unwrap();
    let o = std::process::Command::new(crate::common::binary())
        .current_dir(d)
        .args([
            "run",
            "s.toml",
            "--record",
            "events",
            "--no-charts",
            "--quiet",
            "--out",
            "r",
        ])
        .output()
        .unwrap();
    assert!(o.status.success());
    let out = d.join("dyads.csv");
    // 3 runs x 10 years x 20 x 19 pairs = 11,400
    let o = panel(&[
        path_str(&d.join("r")),
        "--design",
        "dyad-year",
        "--max-rows",
        "11399",
        "--out",
        path_str(&out),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("up to 11400 rows") && err.contains("--max-rows 11399"),
        "{err}"
    );
    assert!(!out.exists());
    let o = panel(&[
        path_str(&d.join("r")),
        "--design",
        "dyad-year",
        "--max-rows",
        "11400",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows = std::fs::read_to_string(&out).unwrap().lines().count() - 1;
    assert!(rows > 0 && rows <= 11400, "{rows}");
}
