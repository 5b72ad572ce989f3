//! The fully resolved scenario written as TOML: every key, defaults filled in, in the
//! order of the struct's fields, traits as inline tables.

use super::Scenario;
use serde::Deserialize;

impl Scenario {
    /// The fully resolved scenario as TOML (every key, defaults filled in), readable by [`parse_scenario`](super::parse_scenario).
    ///
    /// Top-level keys come first, then the tables in the order of the struct; traits given
    /// as distributions or columns are written as inline tables.
    pub fn to_toml(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let tree: Ordered = serde_json::from_str(&json).unwrap_or(Ordered::Map(Vec::new()));
        let mut out = format!(
            "# Resolved scenario written by policysim {}: every key with its value,\n\
             # relative paths made absolute (they were relative to {}).\n\n",
            env!("CARGO_PKG_VERSION"),
            self.base_dir
                .display()
                .to_string()
                .replace(['\n', '\r'], " ")
        );
        if let Ordered::Map(entries) = &tree {
            write_table(&mut out, "", entries);
        }
        while out.ends_with("\n\n") {
            out.pop();
        }
        out
    }
}

/// A serialised value that keeps the struct's field order (toml and serde_json maps sort keys).
pub(super) enum Ordered {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Str(String),
    Array(Vec<Ordered>),
    Map(Vec<(String, Ordered)>),
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_unit<E>(self) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Int(i128::from(v)))
            }
            fn visit_u64<E>(self, v: u64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Int(i128::from(v)))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Float(v))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Ordered, E> {
                Ok(Ordered::Str(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered::Map(entries))
            }
        }
        d.deserialize_any(V)
    }
}

/// True for a table written as an inline value: a trait (`dist` or `from`).
pub(super) fn is_inline(entries: &[(String, Ordered)]) -> bool {
    entries.iter().any(|(k, _)| k == "dist" || k == "from")
}

/// Writes one value in TOML syntax (tables inline).
pub(super) fn write_value(out: &mut String, value: &Ordered) {
    match value {
        Ordered::Null => {}
        Ordered::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Ordered::Int(i) => out.push_str(&i.to_string()),
        Ordered::Float(f) => out.push_str(&toml::Value::Float(*f).to_string()),
        Ordered::Str(s) => out.push_str(&toml::Value::String(s.clone()).to_string()),
        Ordered::Array(items) => {
            out.push('[');
            let items: Vec<&Ordered> = items
                .iter()
                .filter(|v| !matches!(v, Ordered::Null))
                .collect();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Ordered::Map(entries) => {
            let entries: Vec<&(String, Ordered)> = entries
                .iter()
                .filter(|(_, v)| !matches!(v, Ordered::Null))
                .collect();
            if entries.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push_str("{ ");
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&toml_key(k));
                out.push_str(" = ");
                write_value(out, v);
            }
            out.push_str(" }");
        }
    }
}

/// A key as TOML writes it: bare when it may be (letters, digits, `_`, `-`), else a
/// quoted string (a dotted sweep key such as `"innovation.rate"` stays one key).
pub fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

/// Writes a table: its values first, then its sub-tables under `[path.sub]` headers.
pub(super) fn write_table(out: &mut String, path: &str, entries: &[(String, Ordered)]) {
    let is_section = |v: &Ordered| matches!(v, Ordered::Map(e) if !is_inline(e));
    if !path.is_empty() {
        out.push_str(&format!("[{path}]\n"));
    }
    for (k, v) in entries {
        if matches!(v, Ordered::Null) || is_section(v) {
            continue;
        }
        out.push_str(&toml_key(k));
        out.push_str(" = ");
        write_value(out, v);
        out.push('\n');
    }
    out.push('\n');
    for (k, v) in entries {
        if let Ordered::Map(sub) = v {
            if !is_inline(sub) {
                let sub_path = if path.is_empty() {
                    toml_key(k)
                } else {
                    format!("{path}.{}", toml_key(k))
                };
                write_table(out, &sub_path, sub);
            }
        }
    }
}
