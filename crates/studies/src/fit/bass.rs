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

#[cfg(test)]
mod tests {
    use super::*;

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
