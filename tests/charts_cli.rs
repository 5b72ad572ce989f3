//! Charts through the real binary: `run` draws them, `plot` re-draws identical ones,
//! `--lang zh` puts Chinese text in the SVGs, `compare` overlays finished runs.

mod common;
use common::binary;
use std::path::Path;
use std::process::Command;

fn policysim(args: &[&str]) -> std::process::Output {
    let o = Command::new(binary()).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn plot_redraws_the_charts_run_wrote_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pilot");
    let out_s = out.to_str().unwrap();
    policysim(&[
        "run",
        &scenario("pilot.toml"),
        "--out",
        out_s,
        "--runs",
        "20",
        "--quiet",
    ]);
    let names = [
        "adoption", "channels", "quality", "regions", "hazard", "map",
    ];
    let before: Vec<Vec<u8>> = names
        .iter()
        .map(|n| {
            std::fs::read(out.join(format!("{n}.svg")))
                .unwrap_or_else(|_| panic!("{n}.svg missing"))
        })
        .collect();
    for n in names {
        assert!(out.join(format!("{n}.png")).exists(), "{n}.png missing");
        std::fs::remove_file(out.join(format!("{n}.svg"))).unwrap();
    }
    policysim(&["plot", out_s, "--format", "svg"]);
    for (n, b) in names.iter().zip(&before) {
        let after = std::fs::read(out.join(format!("{n}.svg"))).unwrap();
        assert!(&after == b, "{n}.svg differs between run and plot");
    }
    // the adoption chart of a pilot scenario marks the promotion step
    let adoption = String::from_utf8(before[0].clone()).unwrap();
    assert!(adoption.contains("Promotion"), "no promotion marker");
    assert!(adoption.contains("pilot") && adoption.contains("Step (year)"));
}

#[test]
fn chinese_labels_are_text_in_the_svgs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("zh");
    let out_s = out.to_str().unwrap();
    policysim(&[
        "run",
        &scenario("competition.toml"),
        "--out",
        out_s,
        "--runs",
        "10",
        "--quiet",
        "--lang",
        "zh",
        "--format",
        "svg",
    ]);
    let channels = std::fs::read_to_string(out.join("channels.svg")).unwrap();
    for word in ["学习", "竞争", "创新"] {
        assert!(channels.contains(word), "{word} missing from channels.svg");
    }
    assert!(
        !out.join("channels.png").exists(),
        "--format svg draws no PNG"
    );
}

#[test]
fn compare_overlays_two_scenarios() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("baseline");
    let b = dir.path().join("competition");
    policysim(&[
        "run",
        &scenario("baseline.toml"),
        "--out",
        a.to_str().unwrap(),
        "--runs",
        "10",
        "--quiet",
        "--no-charts",
    ]);
    policysim(&[
        "run",
        &scenario("competition.toml"),
        "--out",
        b.to_str().unwrap(),
        "--runs",
        "10",
        "--quiet",
        "--no-charts",
    ]);
    assert!(
        !a.join("adoption.svg").exists(),
        "--no-charts draws nothing"
    );
    let cmp = dir.path().join("cmp");
    policysim(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        cmp.to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(cmp.join("compare.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("baseline") && csv.contains("competition"));
    let svg = std::fs::read_to_string(cmp.join("compare.svg")).unwrap();
    assert!(svg.contains("baseline") && svg.contains("competition"));
}
