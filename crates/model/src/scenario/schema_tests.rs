//! Tests of the scenario's JSON Schema: for every number a scenario file holds, the
//! schema's range and validation accept the same values.

use super::*;
use crate::scenario::bounds::{BOUNDS, WITHIN_WIDER_CHECKS};
use crate::scenario::parse_scenario;
use std::path::Path;

/// One number of a scenario file: the file text for a given value, and its schema.
struct Site {
    key: String,
    text: Box<dyn Fn(&str) -> String>,
    schema: Value,
}

/// Probes of a real key: below, at and above every boundary the table uses.
const REALS: &[f64] = &[
    -1e7,
    -1_000_001.0,
    -1e6,
    -1.5,
    -1e-9,
    0.0,
    1e-9,
    0.5,
    1.0,
    1.000_001,
    2.0,
    1e6,
    1_000_001.0,
    1e7,
];

/// Probes of a whole-number key (TOML integers are 64-bit signed).
const WHOLES: &[i64] = &[-1, 0, 1, 2, 50, 4_294_967_295, 4_294_967_296, i64::MAX];

fn is_number(node: &Value) -> bool {
    matches!(
        node.get("type").and_then(Value::as_str),
        Some("number" | "integer")
    )
}

/// Whether `v` satisfies the numeric keywords of `node`.
fn schema_accepts(node: &Value, v: f64) -> bool {
    let num = |k: &str| node.get(k).and_then(Value::as_f64);
    (node.get("type").and_then(Value::as_str) != Some("integer") || v.fract() == 0.0)
        && num("minimum").is_none_or(|m| v >= m)
        && num("maximum").is_none_or(|m| v <= m)
        && num("exclusiveMinimum").is_none_or(|m| v > m)
        && num("exclusiveMaximum").is_none_or(|m| v < m)
}

/// Every number of the schema below `node` (a table at dotted `prefix`), as sites.
fn sites(node: &Value, prefix: &str, out: &mut Vec<Site>) {
    let Some(Value::Object(props)) = node.get("properties") else {
        return;
    };
    for (name, p) in props {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let k = key.clone();
        if is_number(p) {
            out.push(Site {
                key: key.clone(),
                text: Box::new(move |v| format!("{k} = {v}")),
                schema: p.clone(),
            });
        }
        if p.get("type").and_then(Value::as_str) == Some("array") {
            if let Some(items) = p.get("items").filter(|i| is_number(i)) {
                let k = key.clone();
                out.push(Site {
                    key: key.clone(),
                    text: Box::new(move |v| format!("{k} = [{v}]")),
                    schema: items.clone(),
                });
            }
        }
        if p.get("properties").is_some() {
            sites(p, &key, out);
        }
        if let Some(layer) = p.get("additionalProperties").filter(|a| a.is_object()) {
            sites(layer, &format!("{key}.a"), out);
        }
        for branch in p
            .get("anyOf")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            any_of_sites(&key, branch, out);
        }
    }
}

/// The numbers of one form of a trait or of `shock.hazard`.
fn any_of_sites(key: &str, branch: &Value, out: &mut Vec<Site>) {
    let k = key.to_string();
    if is_number(branch) {
        out.push(Site {
            key: k.clone(),
            text: Box::new(move |v| format!("{k} = {v}")),
            schema: branch.clone(),
        });
    } else if let Some(items) = branch.get("items").filter(|i| is_number(i)) {
        // a list of hazards, one per listed step
        out.push(Site {
            key: format!("{k}[]"),
            text: Box::new(move |v| format!("shock.steps = [1]\n{k} = [{v}]")),
            schema: items.clone(),
        });
    } else if let Some(dists) = branch.get("oneOf").and_then(Value::as_array) {
        for d in dists {
            let props = &d["properties"];
            let dist = props["dist"]["const"].as_str().unwrap().to_string();
            let params: Vec<String> = props
                .as_object()
                .unwrap()
                .keys()
                .filter(|p| *p != "dist")
                .cloned()
                .collect();
            for (i, param) in params.iter().enumerate() {
                // the other parameter at the edge of its range that keeps uniform's low <= high
                let other = &params[1 - i];
                let fixed = match (dist.as_str(), i) {
                    ("uniform", 0) => "1e6",
                    ("uniform", _) => "-1e6",
                    _ => "1.0",
                };
                let (k, dist, param2, other2) =
                    (k.clone(), dist.clone(), param.clone(), other.clone());
                out.push(Site {
                    key: format!("{k}{{{dist}.{param}}}"),
                    text: Box::new(move |v| {
                        format!("{k} = {{ dist = \"{dist}\", {param2} = {v}, {other2} = {fixed} }}")
                    }),
                    schema: props[param].clone(),
                });
            }
        }
    } else if let Some(weights) = branch.pointer("/properties/weights/items") {
        out.push(Site {
            key: format!("{k}{{weights}}"),
            text: Box::new(move |v| {
                format!("network.nodes = \"n.csv\"\n{k} = {{ from = [\"x\", \"y\"], weights = [{v}, 1.0], normalise = \"rank\" }}")
            }),
            schema: weights.clone(),
        });
    }
}

/// Keys whose range validation ties to another key: probed only where the default
/// scenario (n = 100 governments, 50 steps) leaves them free.
fn probed(key: &str, v: f64) -> bool {
    match key {
        "network.n" => false, // >= 1 unless network.kind derives it
        "initial.count" | "shock.steps" => v <= 50.0, // <= network.n, <= steps
        _ => true,
    }
}

#[test]
fn the_schema_and_validation_accept_the_same_numbers() {
    let schema = json_schema();
    let mut all = Vec::new();
    sites(&schema, "", &mut all);
    let mut disagree = Vec::new();
    let mut probes = 0;
    for site in &all {
        let integer = site.schema["type"] == "integer";
        let values: Vec<(String, f64)> = if integer {
            WHOLES.iter().map(|v| (v.to_string(), *v as f64)).collect()
        } else {
            REALS.iter().map(|v| (format!("{v:?}"), *v)).collect()
        };
        for (text, v) in values {
            if !probed(&site.key, v) {
                continue;
            }
            probes += 1;
            let file = format!("name = \"probe\"\n{}\n", (site.text)(&text));
            let loads = parse_scenario(&file, Path::new("/tmp/probe.toml"));
            if loads.is_ok() != schema_accepts(&site.schema, v) {
                disagree.push(format!(
                    "{} = {text}: schema {}, validation {}",
                    site.key,
                    if schema_accepts(&site.schema, v) {
                        "accepts"
                    } else {
                        "rejects"
                    },
                    match loads {
                        Ok(_) => "accepts".to_string(),
                        Err(e) => format!("rejects ({e})"),
                    }
                ));
            }
        }
    }
    assert!(disagree.is_empty(), "{}", disagree.join("\n"));
    // every ranged key of the table was probed, and numbers of every form
    let keys: Vec<&str> = all.iter().map(|s| s.key.as_str()).collect();
    for (key, _) in BOUNDS.iter().chain(WITHIN_WIDER_CHECKS) {
        let key = key.replace('*', "a");
        assert!(keys.contains(&key.as_str()), "{key} not probed");
    }
    for form in [
        "agents.learning{beta.a}",
        "agents.fit{uniform.high}",
        "innovation.quality{normal.sd}",
        "shock.hazard[]",
        "agents.resources{weights}",
        "network.layers.a.k",
    ] {
        assert!(keys.contains(&form), "{form} not probed");
    }
    assert!(probes > 1000, "{probes} probes");
}

#[test]
fn every_key_of_the_range_table_is_in_the_schema_with_its_range() {
    let mut schema = json_schema();
    for (key, bound) in BOUNDS {
        let node = node_at(&mut schema, key).unwrap_or_else(|| panic!("{key}"));
        let text = node.to_string();
        for (k, v) in bound.schema_keywords() {
            assert!(text.contains(&format!("\"{k}\":{v}")), "{key}: {k} {v}");
        }
    }
}

#[test]
fn enums_list_their_values_and_tables_refuse_unknown_keys() {
    let mut schema = json_schema();
    let consts = |node: &Value| -> Vec<String> {
        node["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["const"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        consts(node_at(&mut schema, "central.mode").unwrap()),
        ["none", "recognition", "pilot", "mandate", "uptake"]
    );
    assert_eq!(
        consts(node_at(&mut schema, "central.pilot.promotion").unwrap()),
        ["mandate", "endorse", "expand"]
    );
    assert_eq!(
        consts(node_at(&mut schema, "central.uptake.promotion").unwrap()),
        ["mandate", "endorse"]
    );
    assert_eq!(
        consts(node_at(&mut schema, "network.kind").unwrap()),
        [
            "complete",
            "ring",
            "erdos_renyi",
            "watts_strogatz",
            "barabasi_albert",
            "spatial",
            "hierarchy",
            "file"
        ]
    );
    for table in ["", "network", "central.pilot", "network.layers.*", "shock"] {
        let node = if table.is_empty() {
            &mut schema
        } else {
            node_at(&mut schema, table).unwrap()
        };
        assert_eq!(node["additionalProperties"], false, "{table}");
    }
    // descriptions are the doc comments
    assert_eq!(
        node_at(&mut schema, "adapt.noise_floor").unwrap()["description"],
        "Minimum sd of the change."
    );
    // no key is nullable: TOML has no null
    assert!(!schema.to_string().contains("null"));
}
