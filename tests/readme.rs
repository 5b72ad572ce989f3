//! The README's examples, run: every command of its ```sh blocks, in order, in a fresh
//! folder holding a copy of `scenarios/` and `examples/` (as a fresh clone has), with `policysim` (and
//! `cargo run --release --`) resolved to the built binary. Each must exit 0. The Chinese
//! README (README.zh-CN.md) is followed the same way, by the same runner.
//!
//! Skipped, and only these (see [`skipped`]):
//! - `cargo test ...` (this is a test) and `cargo bench ...` (benchmarks, minutes);
//! - `policysim explore ...` (a server that runs until stopped; tests/explore_*.rs and
//!   tests/e2e/run.sh test it);
//! - any command whose line holds `# slow: skipped in tests/readme.rs` (a few
//!   long sweeps, kept in the README because they are the point of their section):
//!   run by the ignored test `every_readme_example_runs_in_order_slow_ones_included`,
//!   which `.ci/run` runs;
//! - `pip ...` and `python3 ...` (the Python section: `python/test.sh` runs them, in
//!   order, in the fresh virtual environment they need).

use std::path::Path;
use std::process::Command;

/// The marker that skips a slow README command here.
const SLOW: &str = "# slow: skipped in tests/readme.rs";

/// The commands of the README's ```sh blocks, in order, continuation lines joined.
fn readme_commands(text: &str) -> Vec<String> {
    let mut commands = Vec::new();
    let mut in_block = false;
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if !in_block {
            in_block = trimmed == "```sh";
            continue;
        }
        if trimmed == "```" {
            in_block = false;
            assert!(pending.is_empty(), "a ```sh block ends in a continuation");
            continue;
        }
        if trimmed.is_empty() {
            continue;
        }
        if let Some(head) = trimmed.strip_suffix('\\') {
            pending.push_str(head.trim_end());
            pending.push(' ');
            continue;
        }
        pending.push_str(trimmed);
        commands.push(std::mem::take(&mut pending));
    }
    assert!(!in_block, "an unclosed ```sh block");
    commands
}

/// Why a README command is not run here, or None.
fn skipped(command: &str) -> Option<&'static str> {
    if command.contains(SLOW) {
        Some("marked slow")
    } else if command.starts_with("cargo test") || command.starts_with("cargo bench") {
        Some("runs tests or benchmarks")
    } else if command.contains("policysim explore") || command.contains("-- explore") {
        Some("a server that runs until stopped")
    } else if command.starts_with("pip ") || command.starts_with("python3 ") {
        Some("the Python package's, run by python/test.sh in its virtual environment")
    } else {
        None
    }
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn readme_commands_are_found_in_order() {
    let text = "x\n```sh\npolysim a \\\n  --b\n\n# c\n```\n```\nnot sh\n```\n```sh\nd   # slow: skipped in tests/readme.rs\n```\n";
    let c = readme_commands(text);
    assert_eq!(
        c,
        [
            "polysim a --b",
            "# c",
            "d   # slow: skipped in tests/readme.rs"
        ]
    );
    assert_eq!(skipped(&c[2]), Some("marked slow"));
    assert_eq!(skipped(&c[0]), None);
    assert!(skipped("pip install ./python").is_some());
    assert!(skipped("python3 -c 'import policysim'").is_some());
}

/// The folder a README `policysim sweep` command writes: its `--out`, or the default
/// `results/<scenario name>-sweep` (the scenario file's `name`).
fn sweep_out(command: &str, root: &Path) -> String {
    let words: Vec<&str> = command.split_whitespace().collect();
    if let Some(i) = words.iter().position(|w| *w == "--out") {
        return words[i + 1].to_string();
    }
    let file = words[2];
    let text = std::fs::read_to_string(root.join(file)).unwrap();
    let name = text
        .lines()
        .find_map(|l| l.strip_prefix("name = "))
        .map(|n| n.trim().trim_matches('"').to_string())
        .unwrap_or_else(|| panic!("{file}: no name"));
    format!("results/{name}-sweep")
}

/// A sweep command without what only changes its charts (`--metric`, `--lang`) and
/// without its comment: two commands with the same text run the same sweep.
fn sweep_identity(command: &str) -> String {
    let command = command.split('#').next().unwrap_or("");
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if matches!(words[i], "--metric" | "--lang") {
            i += 2;
            continue;
        }
        kept.push(words[i]);
        i += 1;
    }
    kept.join(" ")
}

#[test]
fn readme_sweeps_that_differ_write_different_folders() {
    // followed in order with the slow commands too, a second, different sweep into the
    // same folder exits 2 ("holds results of a different sweep") and a later `plot`
    // draws the wrong one
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    let mut sweeps = 0;
    for command in readme_commands(&readme) {
        let command = command.replace("cargo run --release --", "policysim");
        if !command.starts_with("policysim sweep ") {
            continue;
        }
        sweeps += 1;
        let out = sweep_out(&command, root);
        let identity = sweep_identity(&command);
        if let Some(before) = seen.insert(out.clone(), identity.clone()) {
            assert_eq!(before, identity, "two different README sweeps write {out}");
        }
    }
    assert!(
        sweeps >= 4,
        "only {sweeps} sweep commands found in the README"
    );
}

#[test]
fn every_readme_example_runs_in_order_on_a_fresh_folder() {
    follow_the_readme("README.md", false, 15);
}

/// The Chinese README's examples, run the same way: it translates the English one's
/// first sections (tests/docs_zh.rs checks that their commands are the same).
#[test]
fn every_chinese_readme_example_runs_in_order_on_a_fresh_folder() {
    follow_the_readme("README.zh-CN.md", false, 12);
}

/// The same, slow commands included: the README followed in order exactly as a reader
/// would (a few minutes; ignored by a plain `cargo test`, run by `.ci/run`).
#[test]
#[ignore = "the README's slow sweeps and studies, minutes: .ci/run runs it with --ignored"]
fn every_readme_example_runs_in_order_slow_ones_included() {
    follow_the_readme("README.md", true, 15);
}

/// Runs a README's commands in order in a fresh folder (the slow ones too if asked),
/// asserting that at least `at_least` of them ran.
fn follow_the_readme(file: &str, slow_too: bool, at_least: usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join(file)).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("clone");
    // what the README's commands read: the example scenarios and the scripts
    for folder in ["scenarios", "examples"] {
        copy_tree(&root.join(folder), &work.join(folder));
    }
    // `policysim` on the PATH is the binary under test
    let bin = tmp.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    std::os::unix::fs::symlink(crate::common::binary(), bin.join("policysim")).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let commands = readme_commands(&readme);
    let mut ran = 0;
    for command in &commands {
        if command.starts_with('#') {
            continue;
        }
        if let Some(why) = skipped(command).filter(|&why| !(slow_too && why == "marked slow")) {
            eprintln!("skipped ({why}): {command}");
            continue;
        }
        let command = command.replace("cargo run --release --", "policysim");
        assert!(
            command.starts_with("policysim "),
            "a README command this test does not know how to run: {command}"
        );
        let o = Command::new("sh")
            .arg("-c")
            .arg(&command)
            .current_dir(&work)
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{file} command failed ({:?}): {command}\n{}",
            o.status.code(),
            String::from_utf8_lossy(&o.stderr)
        );
        ran += 1;
    }
    // the README has examples of run, check, plot, compare, sweep, fit, completions, scenarios
    // (the Chinese one of run, check, plot, compare, completions, scenarios)
    assert!(ran >= at_least, "only {ran} {file} commands ran");
}

/// The resolved scenario (`policysim check FILE`) as dotted keys and values.
fn resolved(file: &str) -> std::collections::BTreeMap<String, String> {
    fn flatten(
        prefix: &str,
        table: &toml::Table,
        out: &mut std::collections::BTreeMap<String, String>,
    ) {
        for (key, value) in table {
            let key = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            match value {
                toml::Value::Table(t) if !t.contains_key("dist") => flatten(&key, t, out),
                v => {
                    out.insert(key, v.to_string());
                }
            }
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let o = Command::new(crate::common::binary())
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert!(o.status.success(), "check {file}");
    let table: toml::Table = String::from_utf8(o.stdout).unwrap().parse().unwrap();
    let mut out = std::collections::BTreeMap::new();
    flatten("", &table, &mut out);
    out
}

/// The README promises that each arrangement example differs from the baseline only by
/// the keys of the arrangement it names (issue 18: competition.toml used to raise
/// learning capacity and adaptation too).
#[test]
fn each_arrangement_example_differs_from_the_baseline_only_by_its_arrangement() {
    let baseline = resolved("scenarios/baseline.toml");
    let allowed: [(&str, &[&str]); 3] = [
        (
            "scenarios/competition.toml",
            &[
                "agents.competition",
                "competition.",
                "central.mode",
                "central.recognition",
            ],
        ),
        ("scenarios/pilot.toml", &["central."]),
        ("scenarios/mandate.toml", &["central."]),
    ];
    for (file, keys) in allowed {
        let example = resolved(file);
        assert_eq!(
            baseline.keys().collect::<Vec<_>>(),
            example.keys().collect::<Vec<_>>(),
            "{file}: other keys than the baseline's"
        );
        let changed: Vec<&String> = baseline
            .iter()
            .filter(|(k, v)| example[*k] != **v)
            .map(|(k, _)| k)
            .filter(|k| !matches!(k.as_str(), "name" | "description" | "description_zh"))
            .collect();
        assert!(!changed.is_empty(), "{file} is the baseline");
        for key in changed {
            assert!(
                keys.iter()
                    .any(|a| key == a || (a.ends_with('.') && key.starts_with(a))),
                "{file} changes `{key}`, which is not part of its arrangement"
            );
        }
    }
}
