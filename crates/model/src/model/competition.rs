//! Competition for first (争先): rivals' adoptions push a government to move early.

use super::clamp01;

/// credit_t = (1 - A_t)^first_mover_bias * (1 + recognition): being early pays, praise multiplies it.
#[inline]
pub fn credit(adopted_share: f64, first_mover_bias: f64, recognition: f64) -> f64 {
    (1.0 - adopted_share).max(0.0).powf(first_mover_bias) * (1.0 + recognition)
}

/// pi_comp = competition.rate * C_i * P_i * credit_t * (1 - rho_i), clamped to [0, 1].
#[inline]
pub fn probability(rate: f64, urge: f64, rivals_share: f64, credit: f64, inertia: f64) -> f64 {
    clamp01(propensity(rate, urge, inertia) * rivals_share * credit)
}

/// The part of pi_comp that is fixed for a government during a run:
/// rate * C_i * (1 - rho_i); pi_comp = clamp(propensity * P_i * credit_t).
#[inline]
pub fn propensity(rate: f64, urge: f64, inertia: f64) -> f64 {
    rate * urge * (1.0 - inertia)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credit_rewards_being_early_and_recognition_multiplies_it() {
        assert!((credit(0.0, 2.0, 0.0) - 1.0).abs() < 1e-15);
        assert!((credit(0.5, 2.0, 0.0) - 0.25).abs() < 1e-15);
        assert!((credit(0.5, 1.0, 1.0) - 1.0).abs() < 1e-15);
        assert_eq!(credit(1.0, 1.0, 3.0), 0.0);
        // bias 0: no first-mover advantage
        assert!((credit(0.9, 0.0, 0.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn competition_probability_multiplies_its_factors() {
        assert!((probability(0.5, 0.8, 0.5, 1.0, 0.5) - 0.1).abs() < 1e-15);
        assert_eq!(probability(1.0, 1.0, 0.0, 1.0, 0.0), 0.0);
        assert_eq!(probability(1.0, 1.0, 1.0, 4.0, 0.0), 1.0);
    }
}
