//! Intergovernmental learning (府际学习): the four-step cycle need -> whom to learn from ->
//! learn -> evaluate. This module holds the formulas; the run loop supplies the neighbours.

use super::clamp01;
use crate::scenario::Learning;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// The largest exponent of a signal weight: w = e^500 ≈ 1.4e217 at most, so that sums of
/// weights over any network stay finite (the learning probability is clamped to 1 long
/// before: a weight of e^40 already makes it 1 for any propensity above 1e-17).
pub const MAX_SIGNAL_EXPONENT: f64 = 500.0;

/// How much an adopting neighbour with performance y weighs in the signal:
/// w = exp(performance_weight * (y - reference)), the exponent capped at
/// ±[`MAX_SIGNAL_EXPONENT`]; 1 when the weight is 0 (pure contagion).
#[inline]
pub fn signal_weight(learning: &Learning, performance: f64) -> f64 {
    if learning.performance_weight == 0.0 {
        1.0
    } else {
        (learning.performance_weight * (performance - learning.reference))
            .clamp(-MAX_SIGNAL_EXPONENT, MAX_SIGNAL_EXPONENT)
            .exp()
    }
}

/// need_i = 2 * logistic(need_weight * phi_i): identifying a learning need rises with fit.
#[inline]
pub fn need(learning: &Learning, fit: f64) -> f64 {
    if learning.need_weight == 0.0 {
        1.0
    } else {
        2.0 / (1.0 + (-learning.need_weight * fit).exp())
    }
}

/// pi_learn = learning.rate * L_i * need_i * S_i * (1 - rho_i), clamped to [0, 1].
#[inline]
pub fn probability(rate: f64, capacity: f64, need: f64, signal: f64, inertia: f64) -> f64 {
    clamp01(propensity(rate, capacity, need, inertia) * signal)
}

/// The part of pi_learn that is fixed for a government during a run:
/// rate * L_i * need_i * (1 - rho_i); pi_learn = clamp(propensity * S_i).
#[inline]
pub fn propensity(rate: f64, capacity: f64, need: f64, inertia: f64) -> f64 {
    rate * capacity * need * (1.0 - inertia)
}

/// Capacity that grows (干中学): L + growth * (1 - L), capped at 1 (growth > 1 would overshoot).
#[inline]
pub fn grown(capacity: f64, growth: f64) -> f64 {
    (capacity + growth * (1.0 - capacity)).min(1.0)
}

/// Chooses whom to learn from among candidates, with probability proportional to
/// `weight_j * exp(selectivity * L * (y_j + noise_j))`, noise_j ~ Normal(0, observation_noise * (1 - L)).
///
/// Each candidate's noise comes from the generator offered with it; the choice is then
/// made by one uniform over the cumulative weights ([`SourceChooser::choose`]): one
/// exponential per candidate, no logarithm (the weights are scaled by the largest, so
/// none overflows). The candidates' log-weights are kept in a buffer the caller lends.
#[derive(Debug)]
pub struct SourceChooser<'a> {
    sharpness: f64,
    noise_sd: f64,
    best_key: f64,
    keys: &'a mut Vec<(u32, f64)>,
}

impl<'a> SourceChooser<'a> {
    /// A chooser for a learner with capacity `capacity`, keeping its candidates in `keys`
    /// (cleared first).
    pub fn new(learning: &Learning, capacity: f64, keys: &'a mut Vec<(u32, f64)>) -> Self {
        keys.clear();
        SourceChooser {
            sharpness: learning.selectivity * capacity,
            noise_sd: learning.observation_noise * (1.0 - capacity),
            best_key: f64::NEG_INFINITY,
            keys,
        }
    }

    /// Offers candidate `id` with performance `performance` and prior weight `weight` (> 0);
    /// `rng` gives its observation noise (nothing is drawn without noise).
    #[inline]
    pub fn offer<R: Rng + ?Sized>(&mut self, id: u32, performance: f64, weight: f64, rng: &mut R) {
        let noise: f64 = if self.noise_sd > 0.0 {
            let z: f64 = StandardNormal.sample(rng);
            self.noise_sd * z
        } else {
            0.0
        };
        let mut key = self.sharpness * (performance + noise);
        if weight != 1.0 {
            key += weight.ln();
        }
        self.best_key = self.best_key.max(key);
        self.keys.push((id, key));
    }

    /// The chosen candidate for a uniform `u` in [0, 1) (None if none was offered): the
    /// first whose cumulative weight exceeds `u` times the total, in the order offered.
    pub fn choose(&self, u: f64) -> Option<u32> {
        let top = self.best_key;
        let total: f64 = self.keys.iter().map(|&(_, k)| (k - top).exp()).sum();
        let target = u * total;
        let mut sum = 0.0;
        for &(id, k) in self.keys.iter() {
            sum += (k - top).exp();
            if sum > target {
                return Some(id);
            }
        }
        // (rounding: the running sum may end a hair below the target)
        self.keys.last().map(|&(id, _)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use rand::RngExt;

    fn learning() -> Learning {
        Learning {
            selectivity: 2.0,
            observation_noise: 0.0,
            ..Learning::default()
        }
    }

    #[test]
    fn signal_weight_favours_better_performers_only_when_asked() {
        let mut l = learning();
        assert_eq!(signal_weight(&l, 3.0), 1.0);
        l.performance_weight = 1.0;
        l.reference = 0.5;
        assert!((signal_weight(&l, 1.5) - 1f64.exp()).abs() < 1e-12);
        assert!(signal_weight(&l, 0.0) < 1.0);
        // a large legal weight stays finite and positive, whatever the performance
        l.performance_weight = 1e300;
        assert_eq!(signal_weight(&l, 1.0), MAX_SIGNAL_EXPONENT.exp());
        assert_eq!(signal_weight(&l, 0.0), (-MAX_SIGNAL_EXPONENT).exp());
        assert!(signal_weight(&l, 0.0) > 0.0);
    }

    #[test]
    fn need_rises_with_fit_and_is_one_without_weight() {
        let mut l = learning();
        assert_eq!(need(&l, 5.0), 1.0);
        l.need_weight = 1.0;
        assert!((need(&l, 0.0) - 1.0).abs() < 1e-15);
        assert!(need(&l, 2.0) > 1.0 && need(&l, 2.0) < 2.0);
        assert!(need(&l, -2.0) < 1.0);
    }

    #[test]
    fn learning_probability_multiplies_its_factors() {
        assert!((probability(0.4, 0.5, 1.0, 0.5, 0.0) - 0.1).abs() < 1e-15);
        assert_eq!(probability(0.4, 0.5, 1.0, 0.0, 0.0), 0.0);
        assert_eq!(probability(0.4, 0.5, 1.0, 1.0, 1.0), 0.0);
    }

    #[test]
    fn capacity_grows_towards_one_and_is_capped_there() {
        assert!((grown(0.2, 0.5) - 0.6).abs() < 1e-15);
        assert!((grown(grown(0.2, 0.5), 0.5) - 0.8).abs() < 1e-15);
        assert_eq!(grown(0.3, 0.0), 0.3);
        assert_eq!(grown(1.0, 0.7), 1.0);
        assert_eq!(grown(0.0, 1.0), 1.0);
        // growth above 1 would overshoot 1: the cap holds
        assert_eq!(grown(0.0, 3.0), 1.0);
        assert_eq!(grown(0.5, 2.5), 1.0);
    }

    /// Empirical choice frequencies against the softmax probabilities.
    fn frequencies(capacity: f64, perfs: &[f64], n: usize) -> Vec<f64> {
        let l = learning();
        let mut rng = run_rng(11, capacity.to_bits());
        let mut counts = vec![0usize; perfs.len()];
        let mut keys = Vec::new();
        for _ in 0..n {
            let mut c = SourceChooser::new(&l, capacity, &mut keys);
            for (j, &y) in perfs.iter().enumerate() {
                c.offer(j as u32, y, 1.0, &mut rng);
            }
            let u: f64 = rng.random();
            counts[c.choose(u).unwrap() as usize] += 1;
        }
        counts.iter().map(|&c| c as f64 / n as f64).collect()
    }

    #[test]
    fn prior_weights_count_and_large_performances_do_not_overflow() {
        // keys near 2000 (exp would overflow unscaled); weights 1 and 3: 1/4 and 3/4
        let l = learning();
        let mut rng = run_rng(12, 0);
        let mut keys = Vec::new();
        let n = 40_000;
        let mut second = 0usize;
        for _ in 0..n {
            let mut c = SourceChooser::new(&l, 1.0, &mut keys);
            c.offer(0, 1000.0, 1.0, &mut rng);
            c.offer(1, 1000.0, 3.0, &mut rng);
            let u: f64 = rng.random();
            second += usize::from(c.choose(u) == Some(1));
        }
        let f = second as f64 / n as f64;
        let se = (0.75f64 * 0.25 / n as f64).sqrt();
        assert!((f - 0.75).abs() < 4.0 * se, "{f}");
        assert_eq!(SourceChooser::new(&l, 1.0, &mut keys).choose(0.5), None);
    }

    #[test]
    fn capable_learners_pick_the_best_model_weak_ones_almost_at_random() {
        let perfs = [0.0, 0.5, 1.0];
        let n = 40_000;
        for &cap in &[0.0, 1.0] {
            let freq = frequencies(cap, &perfs, n);
            let w: Vec<f64> = perfs.iter().map(|y| (2.0 * cap * y).exp()).collect();
            let total: f64 = w.iter().sum();
            for (f, wj) in freq.iter().zip(&w) {
                let p = wj / total;
                let se = (p * (1.0 - p) / n as f64).sqrt();
                assert!((f - p).abs() < 4.0 * se, "capacity {cap}: {f} vs {p}");
            }
        }
        assert!(frequencies(1.0, &perfs, 10_000)[2] > frequencies(0.0, &perfs, 10_000)[2] + 0.2);
    }
}
