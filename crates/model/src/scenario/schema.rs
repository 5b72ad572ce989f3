//! The JSON Schema of a scenario file (draft-07), generated from the types that parse it:
//! every key's doc comment is its description, every enum's names its allowed values,
//! every default its `default`, and the ranges of [`BOUNDS`](super::bounds::BOUNDS) its
//! `minimum` / `maximum` / `exclusiveMinimum`. Editors that read JSON Schema for TOML
//! (Taplo / Even Better TOML, Tombi) use it to complete keys and flag mistakes.
//!
//! Draft-07, with every subschema inline (no `$ref`): the draft that TOML and JSON
//! editors support fully, and a key's range can sit beside its type.

use super::bounds::{Bound, BOUNDS, DISTRIBUTION_BOUNDS, DRAWN_PER_VARIANT, WITHIN_WIDER_CHECKS};
use super::Scenario;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// Allowed values narrower than the key's type: (dotted key, the values allowed).
const NARROWED: &[(&str, &[&str])] = &[("central.uptake.promotion", &["mandate", "endorse"])];

/// The JSON Schema (draft-07) of a scenario file, as a JSON value.
pub fn json_schema() -> Value {
    let mut settings = SchemaSettings::draft07();
    settings.inline_subschemas = true;
    let schema = settings.into_generator().into_root_schema_for::<Scenario>();
    let mut root = schema.to_value();
    tidy(&mut root);
    // `$schema`, the title and the description first, then the keys
    if let Value::Object(map) = &mut root {
        let mut head = serde_json::Map::new();
        if let Some(meta) = map.remove("$schema") {
            head.insert("$schema".into(), meta);
        }
        head.insert("title".into(), "policysim scenario".into());
        head.insert(
            "description".into(),
            "A policysim scenario file (TOML): every key is optional and has a default; `policysim check FILE` validates it fully (data files, combinations of keys).".into(),
        );
        map.remove("title");
        map.remove("description");
        head.append(map);
        *map = head;
    }
    for (key, bound) in BOUNDS.iter().chain(WITHIN_WIDER_CHECKS) {
        if let Some(node) = node_at(&mut root, key) {
            bound_numbers(node, *bound);
        } else {
            debug_assert!(false, "{key}: not a key of the schema");
        }
    }
    bound_distributions(&mut root);
    for key in DRAWN_PER_VARIANT {
        if let Some(node) = node_at(&mut root, key) {
            per_variant(node);
        }
    }
    for (key, allowed) in NARROWED {
        if let Some(node) = node_at(&mut root, key) {
            narrow(node, allowed);
        }
    }
    root
}

/// The subschema of a dotted key (`*` stands for any name of a named table).
pub(super) fn node_at<'a>(root: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    let mut node = root;
    for part in key.split('.') {
        node = if part == "*" {
            node.get_mut("additionalProperties")?
        } else {
            node.get_mut("properties")?.get_mut(part)?
        };
    }
    Some(node)
}

/// Removes what a TOML file cannot hold or an editor does not need: `null` (TOML has
/// none; an unset optional key is absent), `format` annotations of Rust's number types
/// (a `uint32` becomes its `maximum`), and `default: null`.
fn tidy(value: &mut Value) {
    match value {
        Value::Object(map) => {
            // a u32 key (steps, runs, ...) cannot exceed u32::MAX
            if map.remove("format") == Some(Value::String("uint32".into())) {
                map.entry("maximum").or_insert(u32::MAX.into());
            }
            match map.get_mut("default") {
                Some(Value::Null) => {
                    map.remove("default");
                }
                Some(default) => drop_nulls(default),
                None => {}
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types[0].clone();
                    map.insert("type".into(), only);
                }
            }
            for key in ["anyOf", "oneOf"] {
                if let Some(Value::Array(branches)) = map.get_mut(key) {
                    branches.retain(|b| b.get("type") != Some(&Value::String("null".into())));
                    if branches.len() == 1 {
                        let only = branches.remove(0);
                        map.remove(key);
                        if let Value::Object(inner) = only {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                    }
                }
            }
            map.values_mut().for_each(tidy);
        }
        Value::Array(items) => items.iter_mut().for_each(tidy),
        _ => {}
    }
}

/// Leaves out the unset optional keys of a table's default.
fn drop_nulls(value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|_, v| !v.is_null());
        map.values_mut().for_each(drop_nulls);
    }
}

/// Keeps the forms of a trait that is drawn for each new variant: a number or a
/// distribution (a node-file column has no value for a variant).
fn per_variant(node: &mut Value) {
    if let Some(Value::Array(forms)) = node.get_mut("anyOf") {
        forms.retain(|f| f.get("type") == Some(&"number".into()) || f.get("oneOf").is_some());
    }
}

/// Puts a range on the numbers a key takes: the key itself when it is a number, the
/// number form of a trait or of `shock.hazard`, and the items of a list of numbers.
fn bound_numbers(node: &mut Value, bound: Bound) {
    let Value::Object(map) = node else { return };
    let is = |t: &str| map.get("type").and_then(Value::as_str) == Some(t);
    if is("number") || is("integer") {
        map.extend(bound.schema_keywords());
    } else if is("array") {
        if let Some(items) = map.get_mut("items") {
            bound_numbers(items, bound);
        }
    } else {
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(branches)) = map.get_mut(key) {
                branches.iter_mut().for_each(|b| bound_numbers(b, bound));
            }
        }
    }
}

/// Puts the ranges of [`DISTRIBUTION_BOUNDS`] on every distribution's parameters.
fn bound_distributions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let dist = map
                .get("properties")
                .and_then(|p| p.get("dist"))
                .and_then(|d| d.get("const"))
                .and_then(Value::as_str)
                .map(str::to_string);
            if let (Some(dist), Some(Value::Object(props))) = (dist, map.get_mut("properties")) {
                for (name, param, bound) in DISTRIBUTION_BOUNDS {
                    if *name == dist {
                        if let Some(p) = props.get_mut(*param) {
                            bound_numbers(p, *bound);
                        }
                    }
                }
            }
            map.values_mut().for_each(bound_distributions);
        }
        Value::Array(items) => items.iter_mut().for_each(bound_distributions),
        _ => {}
    }
}

/// Keeps only the `allowed` values of an enum key.
fn narrow(node: &mut Value, allowed: &[&str]) {
    let keep = |v: &Value| v.as_str().is_some_and(|s| allowed.contains(&s));
    if let Some(Value::Array(branches)) = node.get_mut("oneOf") {
        branches.retain(|b| b.get("const").is_some_and(keep));
    }
    if let Some(Value::Array(values)) = node.get_mut("enum") {
        values.retain(keep);
    }
}

#[cfg(test)]
#[path = "schema_tests.rs"]
mod tests;
