//! The ranges of the scenario's numeric keys, in one table read by both validation
//! (`validate.rs`, which checks a loaded scenario) and the JSON Schema (`schema.rs`,
//! which tells an editor): the two cannot disagree on a key listed here.
//!
//! Keys whose range depends on another key (`network.n` >= 1 unless the kind derives it,
//! `central.pilot.sites`, `initial.count` <= `network.n`, `shock.steps` <= `steps`, a
//! layer's `k`, `central.pilot.expand_factor` with `promotion = "expand"`) are checked by
//! `validate.rs` alone; the schema states only what holds whatever the other keys say.

use super::distribution::MAX_MAGNITUDE;
use crate::rng::MAX_SEED;

/// The range a numeric key must lie in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A probability or a share: in [0, 1].
    Unit,
    /// A rate or a weight: a finite number >= 0.
    NonNegative,
    /// A scale: a finite number > 0.
    Positive,
    /// Any finite number (JSON numbers always are).
    Finite,
    /// A level on the performance scale or a trait's constant: within ±1e6.
    Level,
    /// A spread on the performance scale (a noise sd): in [0, 1e6].
    Spread,
    /// A count of steps, rounds or units: a whole number >= 1.
    AtLeastOne,
    /// The master seed: a whole number from 0 to 2^63 - 1 (TOML integers are signed).
    Seed,
}

/// Every key with a range that holds whatever the other keys say, by dotted name (`*`
/// stands for any name of a named table, e.g. a layer). A trait key's range is that of
/// its constant form (`Unit` or `Level`); a distribution's parameters have their own
/// ranges ([`DISTRIBUTION_BOUNDS`]).
pub const BOUNDS: &[(&str, Bound)] = &[
    ("steps", Bound::AtLeastOne),
    ("runs", Bound::AtLeastOne),
    ("seed", Bound::Seed),
    ("network.p", Bound::Unit),
    ("network.mean_degree", Bound::NonNegative),
    ("network.beta", Bound::Unit),
    ("network.layers.*.weight", Bound::NonNegative),
    ("network.layers.*.scale", Bound::NonNegative),
    ("agents.learning", Bound::Unit),
    ("agents.competition", Bound::Unit),
    ("agents.resources", Bound::Unit),
    ("agents.inertia", Bound::Unit),
    ("agents.fit", Bound::Level),
    ("innovation.rate", Bound::Unit),
    ("innovation.quality", Bound::Level),
    ("learning.rate", Bound::NonNegative),
    ("learning.performance_weight", Bound::Finite),
    ("learning.reference", Bound::Level),
    ("learning.need_weight", Bound::Finite),
    ("learning.selectivity", Bound::NonNegative),
    ("learning.observation_noise", Bound::Spread),
    ("learning.growth", Bound::NonNegative),
    // validate.rs keeps its own message for this one ("a finite number of steps > 0")
    ("learning.recency_scale", Bound::Positive),
    ("shock.hazard", Bound::Unit),
    ("competition.rate", Bound::NonNegative),
    ("competition.first_mover_bias", Bound::NonNegative),
    ("adapt.gain", Bound::Level),
    ("adapt.noise", Bound::Spread),
    ("adapt.noise_floor", Bound::Spread),
    ("abandon.threshold", Bound::Level),
    ("abandon.rate", Bound::Unit),
    ("abandon.penalty", Bound::Unit),
    ("abandon.deterrence", Bound::Unit),
    ("central.recognition", Bound::NonNegative),
    ("central.tolerance", Bound::Unit),
    ("central.pilot.quality", Bound::Level),
    ("central.pilot.evaluate_after", Bound::AtLeastOne),
    ("central.pilot.promote_above", Bound::Level),
    ("central.pilot.rounds", Bound::AtLeastOne),
    ("central.pilot.evaluation_noise", Bound::Spread),
    ("central.uptake.review_every", Bound::AtLeastOne),
    ("central.uptake.min_adopters", Bound::AtLeastOne),
    ("central.uptake.trigger_share", Bound::Unit),
    ("central.uptake.evaluation_noise", Bound::Spread),
    ("central.uptake.promote_above", Bound::Level),
    ("central.mandate.rate", Bound::Unit),
    ("central.mandate.resistance", Bound::Unit),
    ("central.mandate.enforcement", Bound::Unit),
    ("central.endorse.weight", Bound::NonNegative),
    ("initial.share", Bound::Unit),
    ("bass.p", Bound::Unit),
    ("bass.q", Bound::Unit),
    ("si.beta", Bound::Unit),
    ("threshold.value", Bound::Level),
    ("cascade.p", Bound::Unit),
];

/// Ranges that hold whatever the other keys say but that `validate.rs` checks within a
/// wider, conditional check (the schema states the part it can): `shock.steps` lie in
/// 1..=`steps`.
pub const WITHIN_WIDER_CHECKS: &[(&str, Bound)] = &[("shock.steps", Bound::AtLeastOne)];

/// Traits drawn for each new variant rather than per government: a number or a
/// distribution, never a node-file column.
pub const DRAWN_PER_VARIANT: [&str; 2] = ["innovation.quality", "central.pilot.quality"];

/// Ranges of a distribution's parameters (checked by `Distribution::check`), by
/// `dist` and parameter; `uniform` also needs low <= high, which the schema cannot say.
pub const DISTRIBUTION_BOUNDS: &[(&str, &str, Bound)] = &[
    ("beta", "a", Bound::Positive),
    ("beta", "b", Bound::Positive),
    ("uniform", "low", Bound::Level),
    ("uniform", "high", Bound::Level),
    ("normal", "mean", Bound::Level),
    ("normal", "sd", Bound::Spread),
];

/// The range of a dotted key (`network.layers.roads.weight` matches
/// `network.layers.*.weight`), if the table lists it.
pub fn bound_of(key: &str) -> Option<Bound> {
    BOUNDS
        .iter()
        .find(|(pattern, _)| matches_key(pattern, key))
        .map(|(_, b)| *b)
}

fn matches_key(pattern: &str, key: &str) -> bool {
    let (mut p, mut k) = (pattern.split('.'), key.split('.'));
    loop {
        match (p.next(), k.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" || a == b => {}
            _ => return false,
        }
    }
}

impl Bound {
    /// The JSON Schema keywords of this range (`minimum`, `maximum`, `exclusiveMinimum`).
    pub fn schema_keywords(self) -> serde_json::Map<String, serde_json::Value> {
        use serde_json::json;
        let pairs: Vec<(&str, serde_json::Value)> = match self {
            Bound::Unit => vec![("minimum", json!(0)), ("maximum", json!(1))],
            Bound::NonNegative => vec![("minimum", json!(0))],
            Bound::Positive => vec![("exclusiveMinimum", json!(0))],
            Bound::Finite => vec![],
            Bound::Level => vec![
                ("minimum", json!(-MAX_MAGNITUDE)),
                ("maximum", json!(MAX_MAGNITUDE)),
            ],
            Bound::Spread => vec![("minimum", json!(0)), ("maximum", json!(MAX_MAGNITUDE))],
            Bound::AtLeastOne => vec![("minimum", json!(1))],
            Bound::Seed => vec![("minimum", json!(0)), ("maximum", json!(MAX_SEED))],
        };
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_star_matches_one_name_only() {
        assert_eq!(
            bound_of("network.layers.roads.weight"),
            Some(Bound::NonNegative)
        );
        assert_eq!(bound_of("network.layers.weight"), None);
        assert_eq!(bound_of("network.layers.a.b.weight"), None);
        assert_eq!(bound_of("bass.p"), Some(Bound::Unit));
        assert_eq!(bound_of("bass"), None);
    }

    #[test]
    fn every_key_is_listed_once() {
        for (i, (key, _)) in BOUNDS.iter().enumerate() {
            assert!(
                !BOUNDS[..i].iter().any(|(k, _)| k == key),
                "{key} listed twice"
            );
        }
    }
}
