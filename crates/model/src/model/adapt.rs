//! Adopt and adapt: the variant a government runs is its source's, changed by its own capacity.

use crate::scenario::Adapt;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// Mean change of quality when a government with learning capacity L adapts: gain * (L - 0.5).
#[inline]
pub fn mean_change(adapt: &Adapt, learning: f64) -> f64 {
    adapt.gain * (learning - 0.5)
}

/// Sd of the change: noise * (1 - L) + noise_floor.
#[inline]
pub fn sd_change(adapt: &Adapt, learning: f64) -> f64 {
    adapt.noise * (1.0 - learning) + adapt.noise_floor
}

/// q_new = q_source + e, e ~ Normal(gain (L - 0.5), noise (1 - L) + noise_floor).
#[inline]
pub fn adapt<R: Rng + ?Sized>(
    adapt: &Adapt,
    source_quality: f64,
    learning: f64,
    rng: &mut R,
) -> f64 {
    let sd = sd_change(adapt, learning);
    let z: f64 = if sd > 0.0 {
        StandardNormal.sample(rng)
    } else {
        0.0
    };
    source_quality + mean_change(adapt, learning) + sd * z
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn adaptation_moves_quality_by_the_documented_mean_and_sd() {
        let a = Adapt {
            gain: 0.4,
            noise: 0.5,
            noise_floor: 0.1,
        };
        let mut rng = run_rng(3, 0);
        for &l in &[0.1, 0.5, 0.9] {
            let n = 20_000;
            let xs: Vec<f64> = (0..n).map(|_| adapt(&a, 1.0, l, &mut rng) - 1.0).collect();
            let mean = xs.iter().sum::<f64>() / n as f64;
            let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
            let sd = sd_change(&a, l);
            let se = sd / (n as f64).sqrt();
            assert!(
                (mean - 0.4 * (l - 0.5)).abs() < 4.0 * se,
                "L = {l}: mean {mean}"
            );
            // sd of the sample sd is about sd / sqrt(2n)
            assert!(
                (var.sqrt() - sd).abs() < 4.0 * sd / (2.0 * n as f64).sqrt(),
                "L = {l}"
            );
        }
    }

    #[test]
    fn capable_adopters_improve_weak_ones_distort() {
        let a = Adapt {
            gain: 0.4,
            noise: 0.0,
            noise_floor: 0.0,
        };
        let mut rng = run_rng(3, 1);
        assert!(adapt(&a, 0.0, 0.9, &mut rng) > 0.0);
        assert!(adapt(&a, 0.0, 0.1, &mut rng) < 0.0);
        assert_eq!(adapt(&a, 0.0, 0.5, &mut rng), 0.0);
    }
}
