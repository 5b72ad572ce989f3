//! The values of a sweep's keys as written: a list, a `{ from, to, step }` range or one
//! value in the `[sweep]` table, a `--set KEY=VALUES` option, and the table's quadrant
//! labels, axis labels and colour range.

use super::{value_text, AxisLabel, QuadrantLabel, MAX_RANGE_VALUES};
use policysim_model::error::{Error, Result};

/// Values of one swept key: a `{ from, to, step }` range, a list, or a single value.
pub fn parse_values(v: &toml::Value) -> std::result::Result<Vec<toml::Value>, String> {
    match v {
        toml::Value::Array(a) => {
            if a.is_empty() {
                return Err("the list of values is empty".into());
            }
            Ok(a.clone())
        }
        toml::Value::Table(t) if t.contains_key("step") || t.contains_key("to") => {
            let get = |k: &str| -> std::result::Result<f64, String> {
                match t.get(k) {
                    Some(toml::Value::Float(x)) => Ok(*x),
                    Some(toml::Value::Integer(i)) => Ok(*i as f64),
                    Some(other) => Err(format!(
                        "`{k}` of a range must be a number, found {}",
                        other.type_str()
                    )),
                    None => Err(format!(
                        "a range needs `from`, `to` and `step` (e.g. {{ from = 0.0, to = 1.0, step = 0.1 }}); `{k}` is missing"
                    )),
                }
            };
            if let Some(k) = t
                .keys()
                .find(|k| !["from", "to", "step"].contains(&k.as_str()))
            {
                return Err(format!(
                    "unknown key `{k}` in a range (allowed: from, to, step)"
                ));
            }
            let integers = t.values().all(|v| v.is_integer());
            let values = range(get("from")?, get("to")?, get("step")?)?;
            Ok(typed(values, integers))
        }
        other => Ok(vec![other.clone()]),
    }
}

/// The values `from, from + step, ...` up to `to` inclusive, robust to rounding: the count is
/// `floor((to - from) / step + 1e-9) + 1`, and each value is rounded to 12 significant digits
/// (so 0:1:0.1 gives 0.3, not 0.30000000000000004, and includes 1).
pub fn range(from: f64, to: f64, step: f64) -> std::result::Result<Vec<f64>, String> {
    if !(from.is_finite() && to.is_finite() && step.is_finite()) {
        return Err("from, to and step must be finite numbers".into());
    }
    if step == 0.0 {
        return Err("step must not be 0".into());
    }
    if (to - from) * step < 0.0 {
        return Err(format!(
            "step {step} goes away from `to` (from {from} to {to}); use a {} step",
            if to > from { "positive" } else { "negative" }
        ));
    }
    let count = ((to - from) / step + 1e-9).floor() + 1.0;
    if count > MAX_RANGE_VALUES as f64 {
        return Err(format!(
            "the range has {count} values (at most {MAX_RANGE_VALUES}); use a larger step"
        ));
    }
    Ok((0..count as usize)
        .map(|i| round12(from + i as f64 * step))
        .collect())
}

/// The values of a range as TOML values: whole numbers when its ends and step are.
fn typed(values: Vec<f64>, integers: bool) -> Vec<toml::Value> {
    values
        .into_iter()
        .map(|x| {
            if integers {
                toml::Value::Integer(x.round() as i64)
            } else {
                toml::Value::Float(x)
            }
        })
        .collect()
}

/// Rounds to 12 significant digits (removes binary rounding noise of a range).
fn round12(x: f64) -> f64 {
    if x == 0.0 {
        return 0.0;
    }
    format!("{x:.11e}").parse().unwrap_or(x)
}

pub(super) fn parse_labels(v: &toml::Value) -> std::result::Result<Vec<QuadrantLabel>, String> {
    let t = v.as_table().ok_or(
        "must be a table of quadrant = text, e.g. [sweep.labels] \"low,high\" = \"争先模式\"",
    )?;
    let mut out = Vec::new();
    for (k, text) in t {
        let parts: Vec<&str> = k.split(',').map(str::trim).collect();
        let side = |s: &str| match s {
            "low" => Some(false),
            "high" => Some(true),
            _ => None,
        };
        let (Some(x), Some(y)) = (
            parts.first().and_then(|s| side(s)),
            parts.get(1).and_then(|s| side(s)),
        ) else {
            return Err(format!(
                "quadrant \"{k}\" must be \"<x>,<y>\" with low or high for the first key (x) and the second key (y), e.g. \"low,high\""
            ));
        };
        if parts.len() != 2 {
            return Err(format!("quadrant \"{k}\" must name exactly two sides"));
        }
        let text = text
            .as_str()
            .ok_or_else(|| format!("the label of \"{k}\" must be a string"))?;
        out.push(QuadrantLabel {
            x_high: x,
            y_high: y,
            text: text.to_string(),
        });
    }
    Ok(out)
}

pub(super) fn parse_axis_labels(v: &toml::Value) -> std::result::Result<Vec<AxisLabel>, String> {
    let example = "e.g. [sweep.axis_labels] \"agents.learning\" = { en = \"Local learning capacity\", zh = \"地方学习能力\" }";
    let t = v
        .as_table()
        .ok_or_else(|| format!("must be a table of swept key = name, {example}"))?;
    let mut out = Vec::new();
    for (key, name) in t {
        let (en, zh) = match name {
            toml::Value::String(s) => (s.clone(), s.clone()),
            toml::Value::Table(n) => {
                if let Some(k) = n.keys().find(|k| *k != "en" && *k != "zh") {
                    return Err(format!(
                        "the name of \"{key}\" has an unknown language `{k}` (allowed: en, zh)"
                    ));
                }
                let text = |lang: &str| -> std::result::Result<Option<String>, String> {
                    match n.get(lang) {
                        None => Ok(None),
                        Some(toml::Value::String(s)) => Ok(Some(s.clone())),
                        Some(_) => Err(format!("the {lang} name of \"{key}\" must be a string")),
                    }
                };
                match (text("en")?, text("zh")?) {
                    (Some(en), Some(zh)) => (en, zh),
                    (Some(one), None) | (None, Some(one)) => (one.clone(), one),
                    (None, None) => {
                        return Err(format!("the name of \"{key}\" is empty; {example}"))
                    }
                }
            }
            _ => {
                return Err(format!(
                    "the name of \"{key}\" must be a string or {{ en = \"...\", zh = \"...\" }}"
                ))
            }
        };
        out.push(AxisLabel {
            key: key.clone(),
            en,
            zh,
        });
    }
    Ok(out)
}

pub(super) fn parse_color_range(v: &toml::Value) -> std::result::Result<(f64, f64), String> {
    let bad = || {
        format!("must be [low, high], two numbers with low < high, e.g. color_range = [0.0, 1.0]; found {}", value_text(v))
    };
    let a = v.as_array().ok_or_else(bad)?;
    let num = |x: &toml::Value| x.as_float().or_else(|| x.as_integer().map(|i| i as f64));
    match a.as_slice() {
        [lo, hi] => match (num(lo), num(hi)) {
            (Some(lo), Some(hi)) if lo.is_finite() && hi.is_finite() && lo < hi => Ok((lo, hi)),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// Parses a `--set KEY=VALUES` option: `from:to:step`, a comma list, a TOML array or one value.
///
/// Each element is read as a TOML value (`0.3`, `"pilot"`, `{ dist = "beta", a = 2, b = 5 }`)
/// or else as plain text; a comma list may not contain inline tables (use `[...]` for those).
pub fn parse_set(arg: &str) -> Result<(String, Vec<toml::Value>)> {
    let Some((key, text)) = arg.split_once('=') else {
        return Err(Error::Input(format!(
            "--set `{arg}`: expected KEY=VALUES, e.g. central.recognition=0:1:0.25 or learning.rate=0.1,0.3"
        )));
    };
    let key = key.trim().to_string();
    let text = text.trim();
    let err = |m: String| Error::Input(format!("--set {key}: {m}"));
    if key.is_empty() {
        return Err(err("the key is empty".into()));
    }
    let value = |s: &str| -> toml::Value {
        let s = s.trim();
        policysim_io::overrides::toml_value(s).unwrap_or_else(|| toml::Value::String(s.to_string()))
    };
    if text.starts_with('[') || text.starts_with('{') {
        return parse_values(&value(text))
            .map(|v| (key.clone(), v))
            .map_err(err);
    }
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() == 3 {
        let nums: Vec<Option<f64>> = parts.iter().map(|p| p.trim().parse::<f64>().ok()).collect();
        if let [Some(a), Some(b), Some(c)] = nums[..] {
            let integers = parts.iter().all(|p| p.trim().parse::<i64>().is_ok());
            let values = range(a, b, c).map_err(err)?;
            return Ok((key, typed(values, integers)));
        }
        return Err(err(format!(
            "`{text}` looks like a range from:to:step but not all three are numbers"
        )));
    }
    let values: Vec<toml::Value> = text.split(',').map(value).collect();
    if text.is_empty() {
        return Err(err("no values".into()));
    }
    Ok((key, values))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_count_robustly() {
        let v = range(0.0, 1.0, 0.1).unwrap();
        assert_eq!(v.len(), 11);
        assert_eq!(v[3], 0.3);
        assert_eq!(v[10], 1.0);
        assert_eq!(range(0.0, 1.0, 0.25).unwrap(), [0.0, 0.25, 0.5, 0.75, 1.0]);
        assert_eq!(range(1.0, 0.0, -0.5).unwrap(), [1.0, 0.5, 0.0]);
        assert_eq!(range(0.0, 0.95, 0.1).unwrap().len(), 10);
        assert!(range(0.0, 1.0, 0.0).is_err());
        assert!(range(0.0, 1.0, -0.1).is_err());
    }

    #[test]
    fn set_options_parse() {
        let (k, v) = parse_set("central.recognition=0:1:0.25").unwrap();
        assert_eq!(k, "central.recognition");
        assert_eq!(v.len(), 5);
        let (_, v) = parse_set("learning.rate=0.1,0.3").unwrap();
        assert_eq!(v, [toml::Value::Float(0.1), toml::Value::Float(0.3)]);
        let (_, v) = parse_set("central.mode=pilot,mandate").unwrap();
        assert_eq!(v[1], toml::Value::String("mandate".into()));
        let (_, v) =
            parse_set("agents.learning=[{dist=\"beta\",a=2,b=5},{dist=\"beta\",a=5,b=2}]").unwrap();
        assert_eq!(v.len(), 2);
        assert!(v[0].is_table());
        assert!(parse_set("nokey").is_err());
    }
}
