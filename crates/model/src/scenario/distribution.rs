//! Traits and qualities: a constant, a distribution, a node-file column, or an index of
//! several normalised columns.

use super::beta::BetaSampler;
use super::indicators::{Indicators, Normalise};
use rand::Rng;
use rand_distr::{Distribution as _, Normal, Uniform};
use serde::{Deserialize, Serialize};

/// A value given per government (or per variant): a number, a distribution, a column, or
/// an index of normalised columns.
///
/// Deserialised by hand (not `untagged`) so that a mistake gets a precise message.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TraitSpec {
    /// The same number for everyone.
    Constant(f64),
    /// Drawn independently per government and run.
    Dist(Distribution),
    /// Read per node from a column of the node file: `{ from = "column" }`.
    Column {
        /// Column name in the node file.
        from: String,
    },
    /// Built from node-file columns, each normalised, then weighted:
    /// `{ from = ["a", "b"], weights = [0.6, 0.4], normalise = "minmax" }`.
    Indicators(Indicators),
}

/// A probability distribution for a trait: `{ dist = "beta", a = 5.0, b = 2.0 }` and friends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// Beta(a, b) on [0, 1].
    Beta {
        /// First shape parameter (> 0).
        a: f64,
        /// Second shape parameter (> 0).
        b: f64,
    },
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (>= low).
        high: f64,
    },
    /// Normal(mean, sd).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (>= 0).
        sd: f64,
    },
}

/// A distribution ready to draw from (parameters already validated).
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Always this value.
    Constant(f64),
    /// Beta distribution (a ratio of two gamma variates).
    Beta(BetaSampler),
    /// Uniform distribution (low, high); low == high degenerates to a constant.
    Uniform(f64, f64),
    /// Normal distribution (mean, sd); sd == 0 degenerates to a constant.
    Normal(f64, f64),
}

/// Largest magnitude of a uniform bound or a normal mean and sd (and of a constant trait
/// that is not a unit share): qualities are summed over every adopter and adapted step by
/// step, and must stay far from overflow.
pub(super) const MAX_MAGNITUDE: f64 = 1e6;

/// The one rule every trait value obeys, whether given as a number, as a distribution's
/// parameter or read from a node-file column: finite and within ±[`MAX_MAGNITUDE`].
pub(super) fn within_trait_limit(v: f64) -> bool {
    v.is_finite() && v.abs() <= MAX_MAGNITUDE
}

/// A number for a message: huge ones in scientific notation.
pub(crate) fn shown(v: f64) -> String {
    if v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

impl Distribution {
    /// Checks the parameters; the error says what is allowed.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Distribution::Beta { a, b } => {
                if !(a > 0.0 && a.is_finite() && b > 0.0 && b.is_finite()) {
                    return Err(format!(
                        "beta parameters must be finite and > 0, got a = {a}, b = {b}"
                    ));
                }
            }
            Distribution::Uniform { low, high } => {
                if !(low.is_finite() && high.is_finite() && low <= high) {
                    return Err(format!(
                        "uniform needs finite low <= high, got low = {low}, high = {high}"
                    ));
                }
                if !(within_trait_limit(low) && within_trait_limit(high)) {
                    return Err(format!(
                        "uniform bounds must lie within ±{MAX_MAGNITUDE:e} (sums and means of draws must stay finite), got low = {}, high = {}",
                        shown(low),
                        shown(high)
                    ));
                }
            }
            Distribution::Normal { mean, sd } => {
                if !(mean.is_finite() && sd.is_finite() && sd >= 0.0) {
                    return Err(format!(
                        "normal needs a finite mean and sd >= 0, got mean = {mean}, sd = {sd}"
                    ));
                }
                if mean.abs().max(sd) > MAX_MAGNITUDE {
                    return Err(format!(
                        "normal mean and sd must lie within ±{MAX_MAGNITUDE:e} (sums and means of draws must stay finite), got mean = {}, sd = {}",
                        shown(mean),
                        shown(sd)
                    ));
                }
            }
        }
        Ok(())
    }

    /// A sampler for this distribution; call [`Distribution::check`] first.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Distribution::Beta { a, b } => match BetaSampler::new(a, b) {
                Some(beta) => Sampler::Beta(beta),
                None => Sampler::Constant(a / (a + b)),
            },
            Distribution::Uniform { low, high } => Sampler::Uniform(low, high),
            Distribution::Normal { mean, sd } => Sampler::Normal(mean, sd),
        }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Beta { a, b } => a / (a + b),
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => mean,
        }
    }
}

impl Sampler {
    /// Draws n values in turn, each passed through `keep`: the same draws as n calls of
    /// [`Sampler::draw`], with the distribution looked at once instead of at every draw.
    pub fn draw_many<R: Rng + ?Sized>(
        &self,
        n: usize,
        rng: &mut R,
        keep: impl Fn(f64) -> f32,
    ) -> Vec<f32> {
        match *self {
            Sampler::Beta(beta) => (0..n).map(|_| keep(beta.sample(rng))).collect(),
            Sampler::Uniform(low, high) if high > low => match Uniform::new_inclusive(low, high) {
                Ok(u) => (0..n).map(|_| keep(u.sample(rng))).collect(),
                Err(_) => vec![keep(low); n],
            },
            Sampler::Normal(mean, sd) if sd > 0.0 => match Normal::new(mean, sd) {
                Ok(d) => (0..n).map(|_| keep(d.sample(rng))).collect(),
                Err(_) => vec![keep(mean); n],
            },
            _ => vec![keep(self.draw(rng)); n],
        }
    }

    /// Draws one value.
    #[inline]
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Sampler::Constant(v) => v,
            Sampler::Beta(beta) => beta.sample(rng),
            Sampler::Uniform(low, high) => {
                if high > low {
                    match Uniform::new_inclusive(low, high) {
                        Ok(u) => u.sample(rng),
                        Err(_) => low,
                    }
                } else {
                    low
                }
            }
            Sampler::Normal(mean, sd) => {
                if sd > 0.0 {
                    match Normal::new(mean, sd) {
                        Ok(n) => n.sample(rng),
                        Err(_) => mean,
                    }
                } else {
                    mean
                }
            }
        }
    }
}

impl TraitSpec {
    /// A sampler when the trait is a constant or a distribution; `None` for a column.
    pub fn sampler(&self) -> Option<Sampler> {
        match self {
            TraitSpec::Constant(v) => Some(Sampler::Constant(*v)),
            TraitSpec::Dist(d) => Some(d.sampler()),
            TraitSpec::Column { .. } | TraitSpec::Indicators(_) => None,
        }
    }

    /// The node-file columns the trait reads, as a message names them (`a` or `a`, `b`);
    /// None for a number or a distribution.
    pub fn node_columns(&self) -> Option<String> {
        match self {
            TraitSpec::Column { from } => Some(from.clone()),
            TraitSpec::Indicators(i) => Some(i.from.join("`, `")),
            _ => None,
        }
    }

    /// The value per node of a trait read from the node file (a column, or an index
    /// of columns), looking columns up with `column`; None for a number or a
    /// distribution; the error names the missing column.
    pub fn node_values<'a>(
        &self,
        n: usize,
        column: impl Fn(&str) -> Option<&'a [f64]>,
    ) -> Option<Result<Vec<f64>, String>> {
        match self {
            TraitSpec::Column { from } => Some(
                column(from)
                    .filter(|c| c.len() == n)
                    .ok_or_else(|| format!("the node file has no numeric column `{from}`"))
                    .and_then(|c| within_limit(from, c).map(|()| c.to_vec())),
            ),
            TraitSpec::Indicators(i) => Some(
                i.from
                    .iter()
                    .filter_map(|name| column(name).map(|c| (name, c)))
                    .try_for_each(|(name, c)| within_limit(name, c))
                    .and_then(|()| i.values(n, column)),
            ),
            _ => None,
        }
    }

    /// True when every government gets the same fixed value.
    pub fn is_constant(&self) -> bool {
        matches!(self, TraitSpec::Constant(_))
    }
}

/// Checks the values of node-file column `name` against [`within_trait_limit`]; the
/// error names the column, the first node beyond the limit (0-based row) and its value.
fn within_limit(name: &str, values: &[f64]) -> Result<(), String> {
    match values.iter().position(|&v| !within_trait_limit(v)) {
        None => Ok(()),
        Some(i) => Err(format!(
            "node-file column `{name}` has {} in row {} (node {i}); trait values must lie within ±{MAX_MAGNITUDE:e} (sums and means must stay finite)",
            shown(values[i]),
            i + 1
        )),
    }
}

/// The forms a trait takes, as its hand-written deserialiser reads them: a number, a
/// distribution, a node-file column, or an index of columns.
impl schemars::JsonSchema for TraitSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "TraitSpec".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let dist = generator.subschema_for::<Distribution>();
        let normalise = generator.subschema_for::<Normalise>();
        let column = serde_json::json!({
            "type": "string",
            "description": "Column name in the node file.",
            "minLength": 1,
            "pattern": "\\S"
        });
        schemars::json_schema!({
            "anyOf": [
                {
                    "type": "number",
                    "description": "The same number for everyone."
                },
                dist,
                {
                    "type": "object",
                    "description": "Read per node from a column of the node file: `{ from = \"column\" }`.",
                    "properties": { "from": column },
                    "required": ["from"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "description": "An index of node-file columns, each normalised, then weighted: `{ from = [\"a\", \"b\"], weights = [0.6, 0.4], normalise = \"minmax\" }`.",
                    "properties": {
                        "from": {
                            "description": "The node-file columns (one or more).",
                            "anyOf": [
                                column,
                                { "type": "array", "items": column, "minItems": 1, "uniqueItems": true }
                            ]
                        },
                        "weights": {
                            "description": "One weight per column (finite, >= 0, summing to more than 0); default: equal weights.",
                            "type": "array",
                            "items": { "type": "number", "minimum": 0 }
                        },
                        "normalise": normalise
                    },
                    "required": ["from", "normalise"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

/// The keys each distribution takes, besides `dist`.
const DIST_KEYS: [(&str, [&str; 2]); 3] = [
    ("beta", ["a", "b"]),
    ("uniform", ["low", "high"]),
    ("normal", ["mean", "sd"]),
];

/// What `TraitSpec` accepts, for error messages.
const TRAIT_FORMS: &str = "a number, a distribution `{ dist = \"beta\", a = 2.0, b = 5.0 }` \
(or `uniform` with low/high, `normal` with mean/sd), a node-file column `{ from = \"column\" }` \
or an index of columns `{ from = [\"a\", \"b\"], weights = [0.6, 0.4], normalise = \"minmax\" }`";

/// One value inside a trait's inline table.
enum Scalar {
    Num(f64),
    Str(String),
    List(Vec<Scalar>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number or a string")
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Num(v as f64))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_string()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other("a boolean"))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
                while m
                    .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other("a table"))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Scalar, A::Error> {
                let mut items = Vec::new();
                while let Some(x) = s.next_element::<Scalar>()? {
                    items.push(x);
                }
                Ok(Scalar::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for TraitSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TraitSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(TRAIT_FORMS)
            }
            fn visit_f64<E>(self, v: f64) -> Result<TraitSpec, E> {
                Ok(TraitSpec::Constant(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<TraitSpec, E> {
                Ok(TraitSpec::Constant(v as f64))
            }
            fn visit_u64<E>(self, v: u64) -> Result<TraitSpec, E> {
                Ok(TraitSpec::Constant(v as f64))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<TraitSpec, A::Error> {
                let mut entries: Vec<(String, Scalar)> = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, Scalar>()? {
                    entries.push((k, v));
                }
                trait_from_entries(entries).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Builds a trait from the entries of its inline table; the error says what is allowed.
fn trait_from_entries(entries: Vec<(String, Scalar)>) -> Result<TraitSpec, String> {
    let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    if get("from").is_some() && (entries.len() > 1 || matches!(get("from"), Some(Scalar::List(_))))
    {
        return indicators_from_entries(&entries);
    }
    if let Some(from) = get("from") {
        let Scalar::Str(column) = from else {
            return Err("`from` must be a column name (a string) or a list of them".to_string());
        };
        if let Some((k, _)) = entries.iter().find(|(k, _)| k != "from") {
            return Err(format!(
                "unexpected key `{k}` in a node-file column `{{ from = \"{column}\" }}` (it takes only `from`)"
            ));
        }
        return Ok(TraitSpec::Column {
            from: column.clone(),
        });
    }
    let Some(dist) = get("dist") else {
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        return Err(format!(
            "a table here needs `dist` or `from` (found keys: {}); expected {TRAIT_FORMS}",
            keys.join(", ")
        ));
    };
    let Scalar::Str(dist) = dist else {
        return Err("`dist` must be a string: \"beta\", \"uniform\" or \"normal\"".to_string());
    };
    let Some((name, params)) = DIST_KEYS.iter().find(|(n, _)| n == dist) else {
        return Err(format!(
            "unknown distribution `{dist}`; allowed: beta, uniform, normal"
        ));
    };
    for (k, v) in &entries {
        if k == "dist" {
            continue;
        }
        if !params.contains(&k.as_str()) {
            return Err(format!(
                "unknown key `{k}` in a {name} distribution; it takes `{}` and `{}`",
                params[0], params[1]
            ));
        }
        match v {
            Scalar::Num(_) => {}
            Scalar::Str(s) => {
                return Err(format!(
                    "`{k}` of a {name} distribution must be a number, found string \"{s}\""
                ))
            }
            other => {
                return Err(format!(
                    "`{k}` of a {name} distribution must be a number, found {}",
                    other.kind()
                ))
            }
        }
    }
    let num = |key: &str| match get(key) {
        Some(Scalar::Num(x)) => Ok(*x),
        _ => Err(format!(
            "a {name} distribution needs `{}` and `{}`; `{key}` is missing",
            params[0], params[1]
        )),
    };
    let (x, y) = (num(params[0])?, num(params[1])?);
    Ok(TraitSpec::Dist(match *name {
        "beta" => Distribution::Beta { a: x, b: y },
        "uniform" => Distribution::Uniform { low: x, high: y },
        _ => Distribution::Normal { mean: x, sd: y },
    }))
}

impl Scalar {
    /// What the value is, for a message.
    fn kind(&self) -> String {
        match self {
            Scalar::Num(x) => format!("the number {x}"),
            Scalar::Str(s) => format!("the string \"{s}\""),
            Scalar::List(_) => "an array".into(),
            Scalar::Other(t) => (*t).into(),
        }
    }
}

/// An index of node-file columns from its entries: `from` (a column or a list of
/// columns), `normalise` (required), `weights` (optional, one per column).
fn indicators_from_entries(entries: &[(String, Scalar)]) -> Result<TraitSpec, String> {
    const FORM: &str = "{ from = [\"a\", \"b\"], weights = [0.6, 0.4], normalise = \"minmax\" }";
    let mut from: Vec<String> = Vec::new();
    let mut weights: Option<Vec<f64>> = None;
    let mut normalise: Option<Normalise> = None;
    for (k, v) in entries {
        match (k.as_str(), v) {
            ("from", Scalar::Str(c)) => from.push(c.clone()),
            ("from", Scalar::List(items)) => {
                for (i, x) in items.iter().enumerate() {
                    let Scalar::Str(c) = x else {
                        return Err(format!("`from[{i}]` must be a column name (a string), found {}", x.kind()));
                    };
                    from.push(c.clone());
                }
            }
            ("from", other) => {
                return Err(format!("`from` must be a column name or a list of them, found {}", other.kind()))
            }
            ("weights", Scalar::List(items)) => {
                let mut w = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    let Scalar::Num(v) = x else {
                        return Err(format!("`weights[{i}]` must be a number, found {}", x.kind()));
                    };
                    w.push(*v);
                }
                weights = Some(w);
            }
            ("weights", other) => {
                return Err(format!("`weights` must be a list of numbers, one per column of `from`, found {}", other.kind()))
            }
            ("normalise", Scalar::Str(name)) => {
                normalise = Some(Normalise::parse(name).ok_or_else(|| {
                    format!("unknown normalise \"{name}\"; allowed: {}", Normalise::NAMES)
                })?);
            }
            ("normalise", other) => {
                return Err(format!("`normalise` must be {}, found {}", Normalise::NAMES, other.kind()))
            }
            ("normalize", _) => return Err("unknown key `normalize`; did you mean `normalise`?".into()),
            (k, _) => {
                return Err(format!(
                    "unexpected key `{k}` in an index of node-file columns {FORM} (it takes `from`, `weights` and `normalise`)"
                ))
            }
        }
    }
    let Some(normalise) = normalise else {
        return Err(format!(
            "an index of node-file columns needs `normalise` ({}), e.g. {FORM}; a single raw column is `{{ from = \"column\" }}`",
            Normalise::NAMES
        ));
    };
    Ok(TraitSpec::Indicators(Indicators {
        from,
        weights,
        normalise,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn many_draws_are_the_single_draws_in_turn() {
        let samplers = [
            Sampler::Constant(0.3),
            Distribution::Beta { a: 2.0, b: 5.0 }.sampler(),
            Distribution::Uniform {
                low: -1.0,
                high: 2.0,
            }
            .sampler(),
            Distribution::Uniform {
                low: 0.5,
                high: 0.5,
            }
            .sampler(),
            Distribution::Normal { mean: 1.0, sd: 0.4 }.sampler(),
            Distribution::Normal { mean: 1.0, sd: 0.0 }.sampler(),
        ];
        for s in samplers {
            let (mut a, mut b) = (run_rng(9, 1), run_rng(9, 1));
            let many = s.draw_many(500, &mut a, |x| x as f32);
            let single: Vec<f32> = (0..500).map(|_| s.draw(&mut b) as f32).collect();
            assert_eq!(many, single, "{s:?}");
            // and the stream is left where the single draws leave it
            assert_eq!(
                rand::RngExt::random::<u64>(&mut a),
                rand::RngExt::random::<u64>(&mut b)
            );
        }
    }
}
