//! The keys of a scenario table as a Markdown table (key, default, allowed, meaning),
//! made from the JSON Schema ([`json_schema`](super::json_schema)): the README's scenario
//! reference is these tables (`policysim schema --keys-of TABLE`), so the file's reader,
//! the editors' schema and the reference cannot disagree.

use serde_json::Value;
use std::fmt::Write as _;

/// The names of the scenario's tables, in the schema's order: `top` for the top-level
/// keys, then dotted names (`network`, `network.layers.<name>`, `central.pilot`, ...).
/// The `[sweep]` and `[sensitivity]` tables, whose keys their commands check, are left out.
pub fn table_names(schema: &Value) -> Vec<String> {
    let mut names = vec!["top".to_string()];
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (key, node) in props {
            collect_tables(key, node, &mut names);
        }
    }
    names
}

/// Adds `name` and its sub-tables to `names` when `node` is a table of keys.
fn collect_tables(name: &str, node: &Value, names: &mut Vec<String>) {
    if let Some(props) = table_keys(node) {
        names.push(name.to_string());
        for (key, sub) in props {
            collect_tables(&format!("{name}.{key}"), sub, names);
        }
    }
    if let Some(entry) = map_entry(node) {
        collect_tables(&format!("{name}.<name>"), entry, names);
    }
}

/// The keys of a table: `node`'s properties when it is an object that has some.
fn table_keys(node: &Value) -> Option<&serde_json::Map<String, Value>> {
    if node.get("type").and_then(Value::as_str) != Some("object") {
        return None;
    }
    node.get("properties").and_then(Value::as_object)
}

/// The schema of each entry of a table of named tables (`[network.layers.<name>]`).
fn map_entry(node: &Value) -> Option<&Value> {
    node.get("additionalProperties")
        .filter(|entry| table_keys(entry).is_some())
}

/// Whether `node` is a table (of keys or of named tables), not a key's value.
fn is_table(node: &Value) -> bool {
    table_keys(node).is_some()
        || map_entry(node).is_some()
        || (node.get("type").and_then(Value::as_str) == Some("object")
            && node.get("additionalProperties").is_none())
}

/// The schema node of the table `name` (as [`table_names`] writes it), if there is one.
fn table_node<'a>(schema: &'a Value, name: &str) -> Option<&'a Value> {
    if name == "top" {
        return Some(schema);
    }
    let mut node = schema;
    for part in name.split('.') {
        node = if part == "<name>" {
            map_entry(node)?
        } else {
            node.get("properties")?.get(part)?
        };
    }
    (table_keys(node).is_some()).then_some(node)
}

/// The Markdown table of the keys of the tables `names` (one: keys as written in that
/// table; several: keys prefixed by their table, `bass.p`). `None` names an unknown
/// table. Nested tables are not rows: each has a table of its own.
pub fn key_table(schema: &Value, names: &[&str]) -> Option<String> {
    let mut out = String::from("| key | default | allowed | meaning |\n|---|---|---|---|\n");
    for name in names {
        let node = table_node(schema, name)?;
        for (key, value) in table_keys(node)? {
            if is_table(value) {
                continue;
            }
            let shown = if names.len() > 1 && *name != "top" {
                format!("{name}.{key}")
            } else {
                key.clone()
            };
            let _ = writeln!(
                out,
                "| `{shown}` | {} | {} | {} |",
                default_of(value),
                allowed(value),
                cell(&meaning(value))
            );
        }
    }
    Some(out)
}

/// What the dotted `key` means (its description, then what each of its values means), as
/// the README's key table says it; `None` for a key the schema does not have.
pub fn key_meaning(schema: &Value, key: &str) -> Option<String> {
    let mut node = schema;
    for part in key.split('.') {
        node = node.get("properties")?.get(part)?;
    }
    Some(cell(&meaning(node)))
}

/// The key's description, then what each of its values means when they say it.
fn meaning(node: &Value) -> String {
    let mut text = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let values: Vec<String> = node
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|b| {
            let value = b.get("const")?.as_str()?;
            let said = b.get("description")?.as_str()?;
            Some(format!("`{value}`: {}", sentence_part(said)))
        })
        .collect();
    if !values.is_empty() {
        text.push(' ');
        text.push_str(&values.join("; "));
        text.push('.');
    }
    text
}

/// A sentence as part of a longer one: its capital lowered (not an acronym's), its
/// final full stop dropped.
fn sentence_part(text: &str) -> String {
    let text = text.trim().trim_end_matches('.');
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => {
            format!("{}{}", first.to_lowercase(), &text[first.len_utf8()..])
        }
        _ => text.to_string(),
    }
}

/// A Markdown cell: one line, `|` escaped.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

/// The default as TOML in a code span, or `unset`.
fn default_of(node: &Value) -> String {
    match node.get("default") {
        None | Some(Value::Null) => "unset".into(),
        Some(v) => format!("`{}`", toml_value(v)),
    }
}

/// A JSON value written as an inline TOML value.
fn toml_value(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(toml_value).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k} = {}", toml_value(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Numbers at or past this are the type's own limit, not a rule of the key.
const TYPE_LIMIT: f64 = 4_294_967_295.0;

/// A bound as written in the table (10^6 for the performance scale's limit).
fn bound(x: f64) -> String {
    match x {
        1e6 => "10^6".into(),
        -1e6 => "-10^6".into(),
        x => {
            let mut s = format!("{x}");
            if s.ends_with(".0") {
                s.truncate(s.len() - 2);
            }
            s
        }
    }
}

/// The range of a number or whole number, from its bounds.
fn range(node: &Value) -> String {
    let get = |k: &str| node.get(k).and_then(Value::as_f64);
    let whole = node.get("type").and_then(Value::as_str) == Some("integer");
    let kind = if whole { "whole number" } else { "number" };
    let max = get("maximum").filter(|&m| m < TYPE_LIMIT);
    let (min, strict) = match (get("minimum"), get("exclusiveMinimum")) {
        (_, Some(m)) => (Some(m), true),
        (m, None) => (m, false),
    };
    match (min, max) {
        (Some(0.0), Some(1.0)) if !whole && !strict => "in [0, 1]".into(),
        (Some(a), Some(b)) if !strict => format!("{kind} in [{}, {}]", bound(a), bound(b)),
        (Some(a), Some(b)) => format!("{kind} in ({}, {}]", bound(a), bound(b)),
        (Some(a), None) => format!("{kind} {} {}", if strict { ">" } else { ">=" }, bound(a)),
        (None, Some(b)) => format!("{kind} <= {}", bound(b)),
        (None, None) => format!("any {kind}"),
    }
}

/// What a key allows, in words: its values, type and range.
fn allowed(node: &Value) -> String {
    if let Some(values) = consts(node) {
        return values;
    }
    if let Some(branches) = node.get("anyOf").and_then(Value::as_array) {
        let forms: Vec<String> = branches.iter().map(form).collect();
        return forms.join("; or ");
    }
    form(node)
}

/// The values of an enumeration (`oneOf` of constants), as code spans.
fn consts(node: &Value) -> Option<String> {
    let branches = node.get("oneOf")?.as_array()?;
    let values: Option<Vec<String>> = branches
        .iter()
        .map(|b| {
            b.get("const")
                .map(|c| format!("`{}`", c.as_str().unwrap_or("")))
        })
        .collect();
    values.map(|v| v.join(", "))
}

/// One form of a value: a number with its range, a distribution, a node column, ...
fn form(node: &Value) -> String {
    if let Some(values) = consts(node) {
        return values;
    }
    if node.get("oneOf").is_some() {
        return "a distribution (beta, uniform, normal)".into();
    }
    match node.get("type").and_then(Value::as_str) {
        Some("boolean") => "`true`/`false`".into(),
        Some("string") => "text".into(),
        Some("number") | Some("integer") => range(node),
        Some("array") => match node.get("items") {
            Some(items) if items.get("type").and_then(Value::as_str) == Some("object") => {
                "a list of tables".into()
            }
            Some(items) => format!("a list, each {}", form(items)),
            None => "a list".into(),
        },
        Some("object") => match node.pointer("/properties/from") {
            Some(from) if from.get("const").is_some() => {
                format!("`{{ from = {} }}`", from["const"])
            }
            Some(_) if node.pointer("/properties/normalise").is_some() => {
                "an index of node-file columns".into()
            }
            Some(_) => "a node-file column".into(),
            None => "a table".into(),
        },
        _ => "see the meaning".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_of_the_schema_is_named_and_drawn() {
        let schema = super::super::json_schema();
        let names = table_names(&schema);
        for expected in [
            "top",
            "network",
            "network.layers.<name>",
            "learning",
            "central.pilot",
            "central.uptake",
            "cascade",
        ] {
            assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
        }
        assert!(!names.iter().any(|n| n == "sweep" || n == "sensitivity"));
        for name in &names {
            let table = key_table(&schema, &[name]).unwrap();
            // a header, a rule and at least one key
            assert!(table.lines().count() >= 3, "{name}: {table}");
            for row in table.lines().skip(2) {
                assert_eq!(row.matches(" | ").count(), 3, "{name}: {row}");
            }
        }
        assert_eq!(key_table(&schema, &["nonsense"]), None);
        assert_eq!(key_meaning(&schema, "learning.nonsense"), None);
        let mode = key_meaning(&schema, "central.mode").unwrap();
        assert!(
            mode.contains("`uptake`: review the local variants"),
            "{mode}"
        );
    }

    #[test]
    fn rows_say_default_range_values_and_meaning() {
        let schema = super::super::json_schema();
        let learning = key_table(&schema, &["learning"]).unwrap();
        assert!(
            learning.contains("| `rate` | `0.3` | number >= 0 | "),
            "{learning}"
        );
        assert!(learning.contains("| `exposure` | `\"share\"` | `share`, `count`, `any` |"));
        assert!(learning.contains("| `recency_scale` | `5.0` | number > 0 |"));
        let top = key_table(&schema, &["top"]).unwrap();
        assert!(
            top.contains("| `steps` | `50` | whole number >= 1 |"),
            "{top}"
        );
        assert!(!top.contains("`sweep`"), "{top}");
        let agents = key_table(&schema, &["agents"]).unwrap();
        assert!(
            agents.contains("| `learning` | `0.5` | in [0, 1]; or a distribution"),
            "{agents}"
        );
        let network = key_table(&schema, &["network"]).unwrap();
        assert!(
            network.contains("| `p` | unset | in [0, 1] |") || network.contains("| `p` | unset |"),
            "{network}"
        );
        assert!(!network.contains("`layers`"), "{network}");
        let classic = key_table(&schema, &["bass", "si"]).unwrap();
        assert!(classic.contains("| `bass.p` |") && classic.contains("| `si.beta` |"));
        let mandate = key_table(&schema, &["central.mandate"]).unwrap();
        assert!(
            mandate.contains("| `rate` | `0.3` | in [0, 1] |"),
            "{mandate}"
        );
    }
}
