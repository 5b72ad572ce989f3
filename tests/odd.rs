//! `policysim odd`: for every shipped scenario, in English and Chinese, the seven ODD
//! sections in order, and the values that `policysim check` prints quoted as it prints
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped scenario files (hypotheses files, which name scenarios, left out).
fn shipped() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["scenarios", "scenarios/classic", "scenarios/mechanisms"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            if p.extension().is_some_and(|x| x == "toml") && !text.contains("[[hypothesis]]") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 15, "{files:?}");
    files
}

fn stdout(args: &[&str], file: &Path) -> String {
    let out = Command::new(crate::common::binary())
        .args(args)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?} {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `check`'s `key = value` lines as dotted keys.
fn checked(text: &str) -> Vec<(String, String)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if line.starts_with('[') {
            section = line.trim_matches(|c| c == '[' || c == ']').to_string();
        } else if let Some((k, v)) = line.split_once(" = ") {
            let key = if section.is_empty() {
                k.to_string()
            } else {
                format!("{section}.{k}")
            };
            out.push((key, v.to_string()));
        }
    }
    out
}

#[test]
fn every_shipped_scenario_has_the_seven_sections_and_checks_values() {
    const EN: [&str; 7] = [
        "## 1. Purpose and patterns",
        "## 2. Entities, state variables and scales",
        "## 3. Process overview and scheduling",
        "## 4. Design concepts",
        "## 5. Initialisation",
        "## 6. Input data",
        "## 7. Submodels",
    ];
    const ZH: [&str; 7] = [
        "## 1. 目的与模式",
        "## 2. 实体、状态变量与尺度",
        "## 3. 过程概览与调度",
        "## 4. 设计概念",
        "## 5. 初始化",
        "## 6. 输入数据",
        "## 7. 子模型",
    ];
    for file in shipped() {
        let values = checked(&stdout(&["check"], &file));
        let value = |key: &str| {
            values
                .iter()
                .find(|(k, _)| k == key)
                .map(|(k, v)| format!("`{k} = {v}`"))
                .unwrap_or_else(|| panic!("{}: check prints no {key}", file.display()))
        };
        let model = value("model");
        let mut keys = vec!["seed", "steps", "runs", "network.kind", "central.mode"];
        keys.extend(match model.as_str() {
            "`model = \"bass\"`" => vec!["bass.p", "bass.q"],
            "`model = \"si\"`" => vec!["si.beta"],
            "`model = \"threshold\"`" => vec!["threshold.value"],
            "`model = \"cascade\"`" => vec!["cascade.p"],
            _ => vec![
                "innovation.rate",
                "learning.rate",
                "agents.learning",
                "adapt.gain",
                "abandon.threshold",
            ],
        });
        for (lang, sections) in [("en", EN), ("zh", ZH)] {
            let odd = stdout(&["odd", "--lang", lang], &file);
            let mut at = 0;
            for s in sections {
                let found = odd[at..].find(s).unwrap_or_else(|| {
                    panic!("{} ({lang}): no {s:?} after byte {at}", file.display())
                });
                at += found + s.len();
            }
            for key in &keys {
                let quoted = value(key);
                assert!(
                    odd.contains(&quoted),
                    "{} ({lang}): {quoted} not quoted",
                    file.display()
                );
            }
            assert!(odd.contains("docs/model.md"), "{}", file.display());
        }
    }
}

/// `--set` changes the description as it changes `check`'s output.
#[test]
fn odd_takes_set_like_check() {
    let file = root().join("scenarios/pilot.toml");
    let out = Command::new(crate::common::binary())
        .args(["odd", "--set", "central.pilot.sites=7"])
        .arg(&file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("`central.pilot.sites = 7`"), "{text}");
    let bad = Command::new(crate::common::binary())
        .args(["odd", "--set", "central.pilot.sitez=7"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

/// The interdependence of MODEL.md 4d in the description: exposure and recency under
/// interaction and learning, the common shock and each layer as submodels (both
/// languages), and a layer's edge list among the input data.
#[test]
fn odd_describes_exposure_shocks_and_layers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inferred.csv"), "source,target\n0,1\n").unwrap();
    let file = dir.path().join("s.toml");
    std::fs::write(
        &file,
        "steps = 8\n[network]\nkind = \"ring\"\nn = 10\nk = 2\n\
         [network.layers.ring]\nfrom = \"network\"\nweight = 2.0\n\
         [network.layers.inferred]\nfrom = \"file\"\nedges = \"inferred.csv\"\nweight = 0.5\n\
         [learning]\nexposure = \"count\"\nrecency = \"rayleigh\"\n\
         [shock]\nsteps = [3]\nhazard = 0.2\n",
    )
    .unwrap();
    for (lang, shock, layers) in [
        ("en", "Common shocks", "Layers of influence"),
        ("zh", "外部冲击", "多层影响网络"),
    ] {
        let out = Command::new(crate::common::binary())
            .args(["odd", "--lang", lang])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        for needle in [
            shock,
            "`shock.steps = [3]`",
            "`shock.hazard = 0.2`",
            layers,
            "`network.layers.ring`: `from = \"network\"`, `weight = 2`",
            "`network.layers.inferred`: `from = \"file\"`, `weight = 0.5`",
            "inferred.csv",
            "`learning.exposure = \"count\"`",
            "`learning.recency = \"rayleigh\"`",
        ] {
            assert!(text.contains(needle), "{lang}: missing {needle}\n{text}");
        }
    }
}
