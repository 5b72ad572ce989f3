//! One mechanism per rule: the rules that must hold for every file a command reads or
//! writes live in one place each, and this test finds any code outside it that goes
//! round them (so a new command cannot quietly start its own CSV reader).
//!
//! Checked in the source of every package (test modules and test files aside):
//! - CSV readers are built only by `policysim_io::csv_input` (capped reads, byte-order
//!   marks, UTF-16 refused, errors with their line);
//! - files are read by `policysim_io::capped_read` (capped, never blocking on a pipe);
//! - no `csv::Writer`: every CSV line is quoted by `policysim_io::cells::csv_field`;
//! - one `toml_key`, one `logistic`, one `csv_field`; edit distances come from `strsim`.

use std::path::{Path, PathBuf};

/// The Rust files of the packages' sources (`src/` of the root and of each crate),
/// without test files.
fn source_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![root.join("src")];
    for entry in std::fs::read_dir(root.join("crates")).unwrap() {
        roots.push(entry.unwrap().path().join("src"));
    }
    let mut files = Vec::new();
    while let Some(dir) = roots.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                roots.push(path);
            } else if name.ends_with(".rs")
                && name != "tests.rs"
                && !name.ends_with("_tests.rs")
                && name != "test_fixture.rs"
            {
                files.push(path);
            }
        }
    }
    files.sort();
    assert!(files.len() > 100, "found only {} source files", files.len());
    files
}

/// The text of a source file before its test module.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Where `needle` occurs in the code of files other than those ending in `allowed`.
fn occurrences(needle: &str, allowed: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    source_files()
        .iter()
        .filter(|p| !allowed.iter().any(|a| p.ends_with(a)))
        .filter_map(|p| {
            let code = code_of(p);
            code.lines()
                .position(|l| !l.trim_start().starts_with("//") && l.contains(needle))
                .map(|line| {
                    format!(
                        "{}:{}",
                        p.strip_prefix(root).unwrap_or(p).display(),
                        line + 1
                    )
                })
        })
        .collect()
}

#[test]
fn csv_readers_are_built_only_by_the_one_csv_reader() {
    for needle in ["ReaderBuilder", "csv::Reader::from", "Reader::from_path"] {
        let found = occurrences(needle, &["crates/io/src/csv_input.rs"]);
        assert!(
            found.is_empty(),
            "`{needle}` outside policysim_io::csv_input (open CSV files with its read_csv, \
             stream_csv or csv_text): {found:?}"
        );
    }
}

#[test]
fn files_are_read_only_by_the_one_capped_reader() {
    // `/proc` files are read by `machine`; everything else is capped and opened without
    // blocking (a pipe with no writer is an error at once, `/dev/zero` is refused)
    for needle in ["fs::read(", "fs::read_to_string(", "File::open("] {
        let found = occurrences(
            needle,
            &[
                "crates/io/src/capped_read.rs",
                "crates/io/src/open_file.rs",
                "crates/io/src/machine.rs",
            ],
        );
        assert!(
            found.is_empty(),
            "`{needle}` outside policysim_io::capped_read (read files with read_limited, \
             read_data_file or read_folder_file): {found:?}"
        );
    }
}

#[test]
fn csv_lines_are_quoted_by_one_rule() {
    for needle in ["csv::Writer", "WriterBuilder"] {
        let found = occurrences(needle, &[]);
        assert!(
            found.is_empty(),
            "`{needle}` quotes by the csv crate's rule, not policysim_io::cells::csv_field: {found:?}"
        );
    }
}

#[test]
fn shared_rules_are_defined_once() {
    for (definition, home) in [
        ("fn toml_key(", "crates/model/src/scenario/toml_writer.rs"),
        ("fn logistic(", "crates/model/src/stats.rs"),
        ("fn csv_field(", "crates/io/src/cells.rs"),
        ("fn read_limited(", "crates/io/src/capped_read.rs"),
        ("fn write_staged<", "crates/io/src/staging.rs"),
    ] {
        let found = occurrences(definition, &[]);
        assert_eq!(
            found.len(),
            1,
            "`{definition}` should be defined once, in {home}: {found:?}"
        );
        assert!(found[0].starts_with(home), "{definition}: {found:?}");
    }
    for needle in ["fn levenshtein", "fn edit_distance", "fn damerau"] {
        let found = occurrences(needle, &[]);
        assert!(
            found.is_empty(),
            "edit distances come from strsim: {found:?}"
        );
    }
}

#[test]
fn the_check_finds_what_it_looks_for() {
    // the scan is not vacuous: the one reader's own construction is found when not allowed
    assert!(!occurrences("ReaderBuilder", &[]).is_empty());
    assert!(!occurrences("fn csv_field(", &[]).is_empty());
}
