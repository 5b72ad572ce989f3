//! Innovation (自主探索): a government invents the policy on its own.

use super::clamp01;

/// pi_inn = innovation.rate * R_i * (1 - rho_i), clamped to [0, 1].
#[inline]
pub fn probability(rate: f64, resources: f64, inertia: f64) -> f64 {
    clamp01(rate * resources * (1.0 - inertia))
}

#[cfg(test)]
mod tests {
    #[test]
    fn innovation_scales_with_resources_and_is_damped_by_inertia() {
        assert!((super::probability(0.1, 0.5, 0.2) - 0.04).abs() < 1e-15);
        assert_eq!(super::probability(0.1, 1.0, 1.0), 0.0);
        assert_eq!(super::probability(5.0, 1.0, 0.0), 1.0);
    }
}
