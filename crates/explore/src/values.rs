//! Conversions between the JSON of requests, TOML values and URL query components.

use super::ApiError;
use serde_json::{json, Value};

/// Converts a request's JSON value into a TOML value (`null` is refused, naming the key).
pub fn json_to_toml(key: &str, v: &Value) -> Result<toml::Value, ApiError> {
    Ok(match v {
        Value::Null => {
            return Err(ApiError::bad(format!(
                "key `{key}`: null is not a value (leave the key out to keep the preset's value)"
            )))
        }
        Value::Bool(b) => toml::Value::Boolean(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => toml::Value::String(s.clone()),
        Value::Array(a) => toml::Value::Array(
            a.iter()
                .map(|x| json_to_toml(key, x))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => {
            let mut t = toml::Table::new();
            for (k, x) in o {
                t.insert(k.clone(), json_to_toml(&format!("{key}.{k}"), x)?);
            }
            toml::Value::Table(t)
        }
    })
}

/// Converts a TOML value into JSON (dates become strings).
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => json!(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, x)| (k.clone(), toml_to_json(x)))
                .collect(),
        ),
    }
}

/// The decoded value of `name` in a URL query or a form body
/// (`application/x-www-form-urlencoded`): `a=1&code=AB%20C` gives `AB C` for `code`.
pub(crate) fn query_value(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| percent_decode(v))
}

/// Decodes `%XX` escapes and `+` (space) of a URL query component.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// A file name stem after what a request changed: the preset, then `key-value` for each
/// changed key (a trait's beta by its mean) and the real adoptions compared with, in
/// letters, digits, `.`, `-`, `_` and `=` only, at most 120 characters.
pub fn file_stem(preset: &str, request: &serde_json::Map<String, Value>) -> String {
    let mut parts = vec![preset.to_string()];
    for (key, value) in request {
        let text = match value {
            Value::Object(o) if o.get("dist").and_then(Value::as_str) == Some("beta") => {
                let a = o.get("a").and_then(Value::as_f64).unwrap_or(f64::NAN);
                let b = o.get("b").and_then(Value::as_f64).unwrap_or(f64::NAN);
                format!("{:.2}", a / (a + b))
            }
            Value::String(s) => s.clone(),
            Value::Bool(true) if key == "observed" => "real".into(),
            other => other.to_string(),
        };
        match key.as_str() {
            "preset" | "lang" | "page" | "reference" | "runs" | "known_maps" => continue,
            "observed" => parts.push(format!("observed={text}")),
            _ => parts.push(format!("{key}={text}")),
        }
    }
    let stem: String = parts
        .join("_")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '=') {
                c
            } else {
                '-'
            }
        })
        .take(120)
        .collect();
    stem.trim_end_matches(['.', '-', '_']).to_string()
}
