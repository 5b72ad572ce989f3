//! `policysim schema`: the shipped schema is what the command prints, `--out` writes it
//! whole or refuses by name, every shipped scenario names it on its first line and
//! loads, and `check` rejects the four kinds of mistake the schema rejects (the schema's
//! side, with an independent validator, is python/tests/test_schema.py).

use crate::common::policysim_in as policysim;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn shipped_schema() -> String {
    std::fs::read_to_string(root().join("schema/scenario.schema.json")).unwrap()
}

#[test]
fn the_shipped_schema_is_what_the_command_prints() {
    let o = policysim(&root(), &["schema"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8(o.stdout).unwrap(),
        shipped_schema(),
        "schema/scenario.schema.json is stale: run `policysim schema --out schema/scenario.schema.json`"
    );
    let schema: serde_json::Value = serde_json::from_str(&shipped_schema()).unwrap();
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(
        schema["properties"]["learning"]["properties"]["rate"]["minimum"],
        0
    );
}

#[test]
fn out_writes_the_schema_whole_or_refuses_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let o = policysim(d, &["schema", "--out", "s.json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read_to_string(d.join("s.json")).unwrap(),
        shipped_schema()
    );
    std::fs::create_dir(d.join("folder")).unwrap();
    for (out, says) in [("folder", "is a folder"), ("no/s.json", "does not exist")] {
        let o = policysim(d, &["schema", "--out", out]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{out}: {err}");
        assert!(err.contains(out) && err.contains(says), "{err}");
    }
    assert_eq!(std::fs::read_dir(d.join("folder")).unwrap().count(), 0);
    assert!(!d.join("no").exists());
}

/// Every scenario file of the repository (hypotheses files, which list scenarios, left out).
fn shipped_scenarios() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [
        "scenarios",
        "scenarios/classic",
        "scenarios/mechanisms",
        "examples",
        "benches/scenarios",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            if p.extension().is_some_and(|x| x == "toml") && !text.contains("[[hypothesis]]") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 20, "{files:?}");
    files
}

#[test]
fn every_shipped_scenario_names_the_schema_on_its_first_line_and_loads() {
    let schema = root()
        .join("schema/scenario.schema.json")
        .canonicalize()
        .unwrap();
    for file in shipped_scenarios() {
        let text = std::fs::read_to_string(&file).unwrap();
        let first = text.lines().next().unwrap();
        let path = first
            .strip_prefix("#:schema ")
            .unwrap_or_else(|| panic!("{}: first line {first:?}", file.display()));
        let named = file.parent().unwrap().join(path);
        assert_eq!(
            named.canonicalize().ok(),
            Some(schema.clone()),
            "{}",
            file.display()
        );
        policysim::scenario::load_scenario(&file)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    }
}

#[test]
fn check_rejects_what_the_schema_rejects_naming_the_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    // (mistake, the dotted key check names)
    let cases = [
        ("[learning]\nrat = 0.3", "learning.rat"),
        ("steps = \"ten\"", "steps"),
        ("[abandon]\nrate = 1.5", "abandon.rate"),
        ("[central]\nmode = \"pilots\"", "central.mode"),
    ];
    for (text, key) in cases {
        std::fs::write(d.join("m.toml"), format!("name = \"m\"\n{text}\n")).unwrap();
        let o = policysim(d, &["check", "m.toml"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(&format!("`{key}`")), "{text}: {err}");
        // and the schema has the key (or, for the misspelling, refuses unknown keys there)
        let schema: serde_json::Value = serde_json::from_str(&shipped_schema()).unwrap();
        let mut node = &schema;
        for part in key.split('.') {
            match node["properties"].get(part) {
                Some(next) => node = next,
                None => {
                    assert_eq!(node["additionalProperties"], false, "{key}");
                    break;
                }
            }
        }
    }
}

/// The README's scenario reference is made by `schema --keys-of`: every table of the
/// scenario has its marker there (so a new table cannot be left out of the reference),
/// and each marked table is what the command prints now (the whole README is also
/// checked by tests/doc_numbers.rs; this names the stale table directly).
#[test]
fn the_readme_key_tables_are_the_schemas_and_cover_every_table() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let schema = policysim::scenario_files::scenario_schema();
    let mut covered = Vec::new();
    for marker in readme
        .split("<!-- output: policysim schema --keys-of ")
        .skip(1)
    {
        let (tables, rest) = marker.split_once(" -->\n").unwrap();
        let tables = tables.trim_matches('\'');
        let quoted = rest.split("<!-- /output -->").next().unwrap();
        let o = policysim(&root(), &["schema", "--keys-of", tables]);
        assert!(o.status.success(), "{tables}");
        assert_eq!(
            quoted,
            String::from_utf8(o.stdout).unwrap(),
            "README's table of {tables} is stale: run `tools/docs-numbers --write --fast README.md`"
        );
        covered.extend(tables.split(',').map(str::to_string));
    }
    for table in policysim::scenario::key_table::table_names(&schema) {
        assert!(
            covered.contains(&table),
            "the README's scenario reference has no table of [{table}]: add `<!-- output: policysim schema --keys-of {table} -->`"
        );
    }
    // an unknown table is refused, naming the tables there are
    let o = policysim(&root(), &["schema", "--keys-of", "learnin"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("--keys-of learnin") && err.contains("central.pilot"),
        "{err}"
    );
}
