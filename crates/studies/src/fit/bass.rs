//! The closed-form Bass curve F(t) = (1 - e^{-(p+q)t}) / (1 + (q/p) e^{-(p+q)t}),
//! fitted by least squares to an observed cumulative share.

use super::optim::nelder_mead;

/// A fitted Bass curve.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BassFit {
    /// Innovation coefficient p.
    pub p: f64,
    /// Imitation coefficient q.
    pub q: f64,
}

impl BassFit {
    /// The cumulative share at time t (t = 0: nobody has adopted).
    pub fn share(&self, t: f64) -> f64 {
        bass_share(self.p, self.q, t)
    }
}

/// F(t) for coefficients p > 0, q >= 0.
pub fn bass_share(p: f64, q: f64, t: f64) -> f64 {
    let e = (-(p + q) * t).exp();
    (1.0 - e) / (1.0 + (q / p) * e)
}

/// Least-squares Bass fit to `(t, share)` points: Nelder–Mead on (ln p, ln q) from a
/// small grid of starts (deterministic). p is kept in [1e-6, 1], q in [1e-6, 10].
pub fn fit_bass(points: &[(f64, f64)]) -> BassFit {
    let clamp = |z: &[f64]| (z[0].exp().clamp(1e-6, 1.0), z[1].exp().clamp(1e-6, 10.0));
    let mut sse = |z: &[f64]| {
        let (p, q) = clamp(z);
        points
            .iter()
            .map(|&(t, y)| (bass_share(p, q, t) - y).powi(2))
            .sum::<f64>()
    };
    let mut best = (f64::INFINITY, vec![0.01f64.ln(), 0.3f64.ln()]);
    for p0 in [0.001, 0.01, 0.1] {
        for q0 in [0.05, 0.3, 1.5] {
            let log = nelder_mead(&mut sse, &[f64::ln(p0), f64::ln(q0)], 0.7, 0.0, 400);
            for (z, v) in log {
                if v < best.0 {
                    best = (v, z);
                }
            }
        }
    }
    let (p, q) = clamp(&best.1);
    BassFit { p, q }
}

/// The Bass reference of `fit`: the curve fitted to the observed share `share[t]` at
/// times `t + offset` over the steps whose RMSE is reported, t = 1..T (step 0 is fixed by
/// the initial adopters, as in [`policysim_model::stats::share_rmse`]), and that RMSE.
/// None with fewer than 2 steps.
pub fn fit_bass_reported(share: &[f64], offset: f64) -> Option<(BassFit, f64)> {
    if share.len() < 2 {
        return None;
    }
    let points: Vec<(f64, f64)> = (1..share.len())
        .map(|t| (t as f64 + offset, share[t]))
        .collect();
    let bass = fit_bass(&points);
    Some((bass, bass_rmse(&bass, share, offset)))
}

/// The RMSE of a Bass curve against `share` over the steps t = 1..T.
pub fn bass_rmse(bass: &BassFit, share: &[f64], offset: f64) -> f64 {
    let t_max = share.len().saturating_sub(1);
    ((1..=t_max)
        .map(|t| (bass.share(t as f64 + offset) - share[t]).powi(2))
        .sum::<f64>()
        / t_max as f64)
        .sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reported_rmse_is_the_least_over_a_grid_around_the_fitted_coefficients() {
        // a noisy S-curve that no Bass curve fits exactly, with a large share at step 0
        // (which the reported RMSE leaves out and so must the fit)
        let share: Vec<f64> = (0..25)
            .map(|t| {
                let x = f64::from(t);
                let wiggle = 0.02 * (1.7 * x).sin();
                if t == 0 {
                    0.3
                } else {
                    (1.0 / (1.0 + (-(x - 11.0) / 2.5).exp()) + wiggle).clamp(0.0, 1.0)
                }
            })
            .collect();
        for offset in [0.0, 1.0] {
            let (bass, rmse) = fit_bass_reported(&share, offset).unwrap();
            assert!((rmse - bass_rmse(&bass, &share, offset)).abs() < 1e-15);
            for dp in [-0.02, -0.005, 0.0, 0.005, 0.02] {
                for dq in [-0.02, -0.005, 0.0, 0.005, 0.02] {
                    let near = BassFit {
                        p: bass.p * (1.0 + dp),
                        q: bass.q * (1.0 + dq),
                    };
                    let other = bass_rmse(&near, &share, offset);
                    assert!(
                        rmse <= other + 1e-9,
                        "offset {offset}: fitted {bass:?} RMSE {rmse}, {near:?} {other}"
                    );
                }
            }
            // fitted on steps 0..T (the old way): with initial adopters (offset 1) step 0
            // pulls the curve away from the reported steps; without (offset 0) F(0) = 0
            // whatever p and q, and step 0 does not move the fit
            let all: Vec<(f64, f64)> = share
                .iter()
                .enumerate()
                .map(|(t, &y)| (t as f64 + offset, y))
                .collect();
            let old = bass_rmse(&fit_bass(&all), &share, offset);
            if offset == 1.0 {
                assert!(old > rmse + 1e-6, "offset {offset}: old {old}, now {rmse}");
            } else {
                assert!(
                    (old - rmse).abs() < 1e-9,
                    "offset {offset}: old {old}, now {rmse}"
                );
            }
        }
    }

    #[test]
    fn recovers_the_coefficients_of_an_exact_curve() {
        let pts: Vec<(f64, f64)> = (0..20)
            .map(|t| (t as f64, bass_share(0.03, 0.4, t as f64)))
            .collect();
        let b = fit_bass(&pts);
        assert!(
            (b.p - 0.03).abs() < 1e-3 && (b.q - 0.4).abs() < 1e-2,
            "{b:?}"
        );
        assert_eq!(bass_share(0.1, 0.5, 0.0), 0.0);
    }
}
