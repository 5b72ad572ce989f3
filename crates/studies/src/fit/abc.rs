//! The ABC phase of `fit`: population Monte-Carlo ABC (Beaumont et al. 2009) on the unit
//! box of the free keys with a uniform prior, each batch drawn from a defensive mixture
//! around the points accepted so far and weighted prior / proposal (docs/fit.md).

use policysim_model::rng::RunRng;
use policysim_model::stats::t_cdf;
use rand::RngExt;

/// The interval is an ABC 5–95% range only when at least this many ABC samples were
/// accepted (docs/fit.md): each 5% tail then holds about 2.5 samples, and the tail
/// probability a 5% quantile of n samples cuts off has a binomial SE of
/// sqrt(0.05 · 0.95 / n), 0.031 at n = 50 (a 5% tail between about 2% and 8%).
pub const MIN_ACCEPTED: usize = 50;

/// The share of each batch drawn from the uniform prior over the whole box (defensive
/// importance sampling, Hesterberg 1995): it bounds every weight by 1 / DEFENSIVE and
/// keeps every part of the box reachable.
const DEFENSIVE: f64 = 0.1;

/// A batch never exceeds this many draws, so the proposal adapts at least this often.
pub const MAX_BATCH: usize = 2 * MIN_ACCEPTED;

/// A later batch has at least this many draws.
const MIN_BATCH: usize = 10;

/// One batch's proposal density on the unit box [0, 1]^d: DEFENSIVE × uniform +
/// (1 - DEFENSIVE) × Σ_j w_j K_j, each K_j a product of normals centred on a point
/// accepted so far, each truncated to [0, 1] (and renormalised there).
#[derive(Debug, Clone)]
pub struct Proposal {
    centres: Vec<Vec<f64>>,
    weights: Vec<f64>,
    sigma: Vec<f64>,
    /// Per centre, the mass of its untruncated kernel inside the box.
    mass: Vec<f64>,
}

/// Φ, the standard normal distribution function.
fn normal_cdf(x: f64) -> f64 {
    t_cdf(x, f64::INFINITY)
}

impl Proposal {
    /// The mixture around `centres` (unit positions) with `weights` (any positive scale)
    /// and kernel sd `sigma` per key: sqrt 2 times the weighted sd of the centres
    /// (Beaumont et al. 2009: twice the variance), at least `floor` per key, at most 1.
    pub fn around(centres: Vec<Vec<f64>>, weights: Vec<f64>, floor: &[f64]) -> Proposal {
        let total: f64 = weights.iter().sum();
        let weights: Vec<f64> = weights.iter().map(|w| w / total).collect();
        let d = floor.len();
        let sigma: Vec<f64> = (0..d)
            .map(|k| {
                let mean: f64 = centres.iter().zip(&weights).map(|(c, w)| w * c[k]).sum();
                let var: f64 = centres
                    .iter()
                    .zip(&weights)
                    .map(|(c, w)| w * (c[k] - mean).powi(2))
                    .sum();
                (2.0 * var).sqrt().max(floor[k]).min(1.0)
            })
            .collect();
        let mass = centres
            .iter()
            .map(|c| {
                (0..d)
                    .map(|k| normal_cdf((1.0 - c[k]) / sigma[k]) - normal_cdf(-c[k] / sigma[k]))
                    .product()
            })
            .collect();
        Proposal {
            centres,
            weights,
            sigma,
            mass,
        }
    }

    /// The proposal's density at `u` (the uniform prior's density on the unit box is 1,
    /// so a draw's importance weight is 1 / density).
    pub fn density(&self, u: &[f64]) -> f64 {
        let mut kernels = 0.0;
        for ((c, w), m) in self.centres.iter().zip(&self.weights).zip(&self.mass) {
            let mut k = w / m;
            for ((x, c), s) in u.iter().zip(c).zip(&self.sigma) {
                let z = (x - c) / s;
                k *= (-0.5 * z * z).exp() / (s * (2.0 * std::f64::consts::PI).sqrt());
            }
            kernels += k;
        }
        DEFENSIVE + (1.0 - DEFENSIVE) * kernels
    }

    /// One draw: with probability DEFENSIVE uniform on the box, otherwise a centre by its
    /// weight and a truncated normal around it (each key redrawn until inside [0, 1]).
    pub fn draw(&self, rng: &mut RunRng) -> Vec<f64> {
        let d = self.sigma.len();
        if rng.random::<f64>() < DEFENSIVE {
            return (0..d).map(|_| rng.random::<f64>()).collect();
        }
        let pick = rng.random::<f64>();
        let mut cumulative = 0.0;
        let mut j = self.centres.len() - 1;
        for (i, w) in self.weights.iter().enumerate() {
            cumulative += w;
            if pick < cumulative {
                j = i;
                break;
            }
        }
        let c = &self.centres[j];
        (0..d)
            .map(|k| {
                // the kernel's mass in [0, 1] is at least Φ(1) - Φ(0) = 0.34 (sigma <= 1,
                // centre inside), so this ends quickly
                for _ in 0..10_000 {
                    let x = c[k] + self.sigma[k] * standard_normal(rng);
                    if (0.0..=1.0).contains(&x) {
                        return x;
                    }
                }
                c[k]
            })
            .collect()
    }
}

/// A standard normal draw (Box–Muller).
fn standard_normal(rng: &mut RunRng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>(); // in (0, 1]
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// The size of the next batch: enough to reach [`MIN_ACCEPTED`] at the acceptance rate
/// seen so far (at least 5%), plus a tenth, between `MIN_BATCH` and [`MAX_BATCH`],
/// and never past `left` evaluations.
pub fn next_batch(accepted: usize, drawn: usize, left: usize) -> usize {
    let rate = if drawn == 0 {
        0.05
    } else {
        (accepted as f64 / drawn as f64).max(0.05)
    };
    let missing = MIN_ACCEPTED.saturating_sub(accepted) as f64;
    let size = ((missing / rate) * 1.1).ceil() as usize;
    size.clamp(MIN_BATCH, MAX_BATCH).min(left)
}

/// The `p` quantile of values with weights (pairs sorted by value): the weighted
/// empirical distribution with each value at the middle of its weight (the values at
/// cumulative weight shares (S_i - w_i / 2) / S), linear in between, the smallest or
/// largest value beyond them. Equal weights give the Hazen quantile.
pub fn weighted_quantile(sorted: &[(f64, f64)], p: f64) -> f64 {
    let total: f64 = sorted.iter().map(|&(_, w)| w).sum();
    if sorted.is_empty() || total <= 0.0 {
        return f64::NAN;
    }
    let mut before = 0.0;
    let mut previous: Option<(f64, f64)> = None;
    for &(x, w) in sorted {
        let at = (before + 0.5 * w) / total;
        if p <= at {
            return match previous {
                None => x,
                Some((x0, at0)) if at > at0 => x0 + (p - at0) / (at - at0) * (x - x0),
                Some(_) => x,
            };
        }
        previous = Some((x, at));
        before += w;
    }
    sorted[sorted.len() - 1].0
}

/// Kish's effective sample size of importance weights, (Σw)² / Σw².
pub fn effective_size(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().sum();
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 {
        s * s / s2
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policysim_model::rng::run_rng;

    #[test]
    fn the_proposal_density_integrates_to_one_over_the_box() {
        let q = Proposal::around(
            vec![vec![0.05, 0.5], vec![0.9, 0.98], vec![0.3, 0.2]],
            vec![1.0, 2.0, 1.0],
            &[0.1, 0.05],
        );
        // midpoint rule on a 400 x 400 grid
        let n = 400;
        let mut sum = 0.0;
        for i in 0..n {
            for j in 0..n {
                let u = [(i as f64 + 0.5) / n as f64, (j as f64 + 0.5) / n as f64];
                sum += q.density(&u);
            }
        }
        let integral = sum / (n * n) as f64;
        assert!((integral - 1.0).abs() < 1e-3, "{integral}");
    }

    #[test]
    fn weighted_draws_recover_the_uniform_prior() {
        // draws from the proposal weighted 1 / density are uniform on the box: the
        // weighted share below 0.25 in the first key is 0.25 within a few SE
        let q = Proposal::around(
            vec![vec![0.7, 0.4], vec![0.75, 0.5]],
            vec![1.0, 1.0],
            &[0.05, 0.05],
        );
        let mut rng = run_rng(7, 0);
        let n = 20_000;
        let (mut below, mut total, mut squares) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let u = q.draw(&mut rng);
            assert!(u.iter().all(|x| (0.0..=1.0).contains(x)));
            let w = 1.0 / q.density(&u);
            total += w;
            squares += w * w;
            if u[0] < 0.25 {
                below += w;
            }
        }
        let share = below / total;
        // the SE of a self-normalised share, from the effective sample size
        let ess = total * total / squares;
        let se = (0.25 * 0.75 / ess).sqrt();
        assert!((share - 0.25).abs() < 4.0 * se, "{share} (se {se})");
    }

    #[test]
    fn weighted_quantiles_follow_the_weights() {
        let equal: Vec<(f64, f64)> = (0..5).map(|i| (i as f64, 1.0)).collect();
        // Hazen: value i sits at (i + 0.5) / 5
        assert_eq!(weighted_quantile(&equal, 0.5), 2.0);
        assert!((weighted_quantile(&equal, 0.2) - 0.5).abs() < 1e-12);
        assert_eq!(weighted_quantile(&equal, 0.05), 0.0);
        assert_eq!(weighted_quantile(&equal, 0.99), 4.0);
        // a heavy last value pulls the upper quantiles to it: the values sit at shares
        // 0.05, 0.15 and 0.6
        let heavy = [(0.0, 1.0), (1.0, 1.0), (2.0, 8.0)];
        assert!((weighted_quantile(&heavy, 0.5) - (1.0 + 0.35 / 0.45)).abs() < 1e-12);
        assert_eq!(weighted_quantile(&heavy, 0.7), 2.0);
        assert!(weighted_quantile(&heavy, 0.1) < 1.0);
        assert_eq!(effective_size(&[1.0, 1.0, 1.0, 1.0]), 4.0);
        assert!((effective_size(&[1.0, 1.0, 8.0]) - 100.0 / 66.0).abs() < 1e-12);
    }

    #[test]
    fn batches_aim_at_the_minimum_within_bounds() {
        // 10 of 40 accepted: 40 missing at 25% is 160, plus a tenth, capped at MAX_BATCH
        assert_eq!(next_batch(10, 40, 1000), MAX_BATCH);
        // 45 of 90 accepted: 5 missing at 50% is 10 (11 with the tenth)
        assert_eq!(next_batch(45, 90, 1000), 11);
        assert_eq!(next_batch(49, 100, 1000), MIN_BATCH);
        assert_eq!(next_batch(0, 0, 7), 7);
    }
}
