//! The mechanisms of the policy model (MODEL.md sections 3 and 4), one small module each.
//!
//! Each function here is a formula of MODEL.md; [`crate::run`] calls them in the step loop.

pub mod abandon;
pub mod adapt;
pub mod centre;
pub mod classic;
pub mod competition;
pub mod influence;
pub mod innovation;
pub mod learning;
pub mod selection;

/// The channel through which a government adopted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Own exploration (自主探索).
    Innovation = 0,
    /// Intergovernmental learning (府际学习).
    Learning = 1,
    /// Competition for first (争先).
    Competition = 2,
    /// Designated pilot (指定试点).
    Pilot = 3,
    /// Central mandate (强制).
    Mandate = 4,
    /// A common shock (外部冲击): an external push in a given step (MODEL.md 4d).
    Shock = 5,
}

impl Channel {
    /// Every channel, the common shock last (the order of a step's channel probabilities).
    pub const EVERY: [Channel; 6] = [
        Channel::Innovation,
        Channel::Learning,
        Channel::Competition,
        Channel::Pilot,
        Channel::Mandate,
        Channel::Shock,
    ];

    /// The channels every output reports, in reporting order (the common shock is
    /// reported only by scenarios that have one).
    pub const ALL: [Channel; 5] = [
        Channel::Innovation,
        Channel::Learning,
        Channel::Competition,
        Channel::Pilot,
        Channel::Mandate,
    ];

    /// The channel's name as used in output columns (`new_<name>`, `share_<name>`).
    pub fn name(self) -> &'static str {
        match self {
            Channel::Innovation => "innovation",
            Channel::Learning => "learning",
            Channel::Competition => "competition",
            Channel::Pilot => "pilot",
            Channel::Mandate => "mandate",
            Channel::Shock => "shock",
        }
    }
}

/// Probability of adopting when the channels act as independent hazards: 1 - prod(1 - pi_c).
#[inline]
pub fn combined_probability(probs: &[f64]) -> f64 {
    1.0 - probs.iter().fold(1.0, |acc, p| acc * (1.0 - p))
}

/// Picks the channel credited with an adoption, in proportion to the channel probabilities.
///
/// `u` is a uniform draw in [0, 1); `probs` are indexed like [`Channel::EVERY`] and not all zero.
#[inline]
pub fn attribute(probs: &[f64; 6], u: f64) -> Channel {
    let total: f64 = probs.iter().sum();
    let mut target = u * total;
    let mut last = Channel::Innovation;
    for (c, &p) in Channel::EVERY.iter().zip(probs) {
        if p <= 0.0 {
            continue;
        }
        last = *c;
        if target < p {
            return *c;
        }
        target -= p;
    }
    last
}

/// Clamps a probability to [0, 1] (NaN becomes 0).
#[inline]
pub fn clamp01(p: f64) -> f64 {
    if p > 0.0 {
        p.min(1.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combined_probability_is_one_minus_product_of_complements() {
        assert!((combined_probability(&[0.1, 0.2]) - (1.0 - 0.9 * 0.8)).abs() < 1e-15);
        assert_eq!(combined_probability(&[0.0, 0.0]), 0.0);
        assert_eq!(combined_probability(&[1.0, 0.3]), 1.0);
    }

    #[test]
    fn attribution_is_proportional_to_channel_probabilities() {
        let probs = [0.1, 0.3, 0.0, 0.0, 0.6, 0.0];
        // Cumulative boundaries 0.1, 0.4, 1.0.
        assert_eq!(attribute(&probs, 0.05), Channel::Innovation);
        assert_eq!(attribute(&probs, 0.11), Channel::Learning);
        assert_eq!(attribute(&probs, 0.39), Channel::Learning);
        assert_eq!(attribute(&probs, 0.41), Channel::Mandate);
        assert_eq!(attribute(&probs, 0.999_999), Channel::Mandate);
        // A grid of u values credits each channel in proportion.
        let mut counts = [0usize; 6];
        let m = 100_000;
        for k in 0..m {
            let u = (k as f64 + 0.5) / m as f64;
            counts[attribute(&probs, u) as usize] += 1;
        }
        assert_eq!(
            counts.iter().sum::<usize>(),
            m,
            "every adoption gets exactly one channel"
        );
        for (c, &p) in counts.iter().zip(&probs) {
            assert!((*c as f64 / m as f64 - p).abs() < 1e-4);
        }
    }

    #[test]
    fn clamp01_bounds_probabilities() {
        assert_eq!(clamp01(1.7), 1.0);
        assert_eq!(clamp01(-0.2), 0.0);
        assert_eq!(clamp01(f64::NAN), 0.0);
        assert_eq!(clamp01(0.25), 0.25);
    }
}
