//! Charts through the real binary: `run` draws them, `plot` re-draws identical ones,
//! `--lang zh` puts Chinese text in the SVGs, `compare` overlays finished runs.

use crate::common::binary;
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
    for word in ["学习/模仿", "争先", "创新"] {
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

#[test]
fn compare_writes_only_into_a_new_empty_or_earlier_comparison_folder() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    policysim(&[
        "run",
        &scenario("baseline.toml"),
        "--out",
        a.to_str().unwrap(),
        "--runs",
        "4",
        "--steps",
        "5",
        "--quiet",
        "--no-charts",
    ]);
    let compare = |out: &str| {
        Command::new(binary())
            .current_dir(dir.path())
            .args(["compare", "a", "--format", "svg", "--out", out])
            .output()
            .unwrap()
    };
    // A folder of the user's own files, with their own compare.csv: refused, untouched.
    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("compare.csv"), "my own table\n").unwrap();
    std::fs::write(mine.join("notes.txt"), "keep\n").unwrap();
    let o = compare("mine");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--out mine: holds files that `policysim compare` did not write (notes.txt)"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(mine.join("compare.csv")).unwrap(),
        "my own table\n"
    );
    // The current folder (or one containing it) is refused.
    for out in [".", dir.path().to_str().unwrap()] {
        let o = compare(out);
        assert_eq!(o.status.code(), Some(2), "{out}");
    }
    assert!(!dir.path().join("compare.csv").exists());
    // A new folder, then the same folder again (an earlier comparison): replaced whole.
    assert!(compare("cmp").status.success());
    std::fs::write(dir.path().join("cmp/compare.png"), "stale").unwrap();
    let o = compare("cmp");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        !dir.path().join("cmp/compare.png").exists(),
        "the earlier files are replaced whole"
    );
    assert!(dir.path().join("cmp/compare.svg").exists());
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".partial-"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
