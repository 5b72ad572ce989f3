//! The numbers quoted in README.md and docs/*.md are made by their commands: each is
//! marked in the Markdown (`<!-- output: ... -->`, `<!-- value: ... -->`) and
//! `tools/docs-numbers --check` runs the commands with the built binary and compares.
//! A change of the random draws that moves a number fails here until the docs are
//! re-made with `tools/docs-numbers --write`.
//!
//! The quick test skips the markers marked slow (long sweeps, fits of many policies);
//! the ignored one checks everything and is run by `.ci/run`.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `tools/docs-numbers` with the binary under test.
fn docs_numbers(args: &[&str]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Command::new("python3")
        .arg(root.join("tools/docs-numbers"))
        .arg("--binary")
        .arg(crate::common::binary())
        .args(args)
        .current_dir(root)
        .output()
        .expect("python3 runs tools/docs-numbers (Python 3.10 or later is needed)")
}

/// Asserts a check passed, showing the stale blocks' diffs when it did not.
fn assert_up_to_date(o: &Output) {
    assert!(
        o.status.success(),
        "numbers in the docs are stale or cannot be made (exit {:?}); re-make them with \
         tools/docs-numbers --write\n{}\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn documented_numbers_are_those_their_commands_print() {
    let o = docs_numbers(&["--check", "--fast"]);
    assert_up_to_date(&o);
    // the markers are there: the check covers the README's blocks and values
    let stderr = String::from_utf8_lossy(&o.stderr);
    let markers: usize = stderr
        .lines()
        .find_map(|l| l.strip_suffix(" markers"))
        .and_then(|n| n.parse().ok())
        .expect("a count of markers");
    assert!(markers >= 25, "only {markers} markers:\n{stderr}");
    // every Markdown file with markers is checked, docs/*.md as well as the READMEs (the
    // Chinese one carries the English one's markers for the numbers it quotes)
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md"), root.join("README.zh-CN.md")];
    files.extend(
        std::fs::read_dir(root.join("docs"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "md")),
    );
    let mut marked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        if !["<!-- output", "<!-- setup", "<!-- value"]
            .iter()
            .any(|m| text.contains(m))
        {
            continue;
        }
        marked += 1;
        let name = file
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&format!("{name}: up to date"))),
            "{name} has markers but was not checked:\n{stderr}"
        );
    }
    assert!(marked >= 5, "only {marked} Markdown files have markers");
}

#[test]
#[ignore = "slow (minutes): the long sweeps and fits too; run by .ci/run"]
fn documented_numbers_are_those_their_commands_print_slow_ones_included() {
    assert_up_to_date(&docs_numbers(&["--check"]));
}

#[test]
fn a_stale_number_fails_the_check_until_it_is_remade() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("doc.md");
    let text = "Runs:\n\n\
        <!-- output: policysim run scenarios/tolerance.toml --runs 5 --no-charts --out results/t 2>&1 | grep '^final share' -->\n\
        ```text\nfinal share 0.1 (stale)\n```\n\n\
        and <!-- value: json results/t/summary.json runs -->7<!-- /value --> runs, \
        <!-- value: csv results/t/runs.csv run run=4 -->3<!-- /value --> last.\n";
    std::fs::write(&doc, text).unwrap();
    let doc_arg = doc.to_str().unwrap();
    let o = docs_numbers(&["--check", doc_arg]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(diff.contains("-final share 0.1 (stale)"), "{diff}");
    assert!(diff.contains("+final share 0."), "{diff}");
    assert!(diff.contains("-->5<!-- /value -->"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap(),
        text,
        "--check wrote"
    );
    let o = docs_numbers(&["--write", doc_arg]);
    assert!(o.status.success(), "{o:?}");
    let made = std::fs::read_to_string(&doc).unwrap();
    assert!(made.contains("-->5<!-- /value --> runs"), "{made}");
    assert!(made.contains("-->4<!-- /value --> last"), "{made}");
    assert!(!made.contains("(stale)"), "{made}");
    assert_up_to_date(&docs_numbers(&["--check", doc_arg]));
    // a command that fails is an error (exit 2), never an empty block
    std::fs::write(
        &doc,
        "<!-- output: policysim run no-such.toml -->\n```\n```\n",
    )
    .unwrap();
    let o = docs_numbers(&["--check", doc_arg]);
    assert_eq!(o.status.code(), Some(2), "{o:?}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such.toml"));
}
