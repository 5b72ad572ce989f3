//! Differences between two arms (scenarios or sweep points) with 95% confidence
//! intervals: paired by run index when the arms share their random streams (common random
//! numbers), unpaired (Welch) otherwise, and the relative change by the delta method.
//! The formulas are in `docs/statistics.md`.

/// The confidence level of every interval (95%).
pub const LEVEL: f64 = crate::stats::CONFIDENCE;

/// How a difference was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pairing {
    /// Run r of one arm minus run r of the other (both arms share seed and run count).
    Paired,
    /// Two independent samples, Welch–Satterthwaite degrees of freedom.
    Welch,
}

impl Pairing {
    /// The name written in `compare.csv` and `sweep.csv`: `paired` or `welch`.
    pub fn name(self) -> &'static str {
        match self {
            Pairing::Paired => "paired",
            Pairing::Welch => "welch",
        }
    }
}

/// The difference of an arm to the first arm (arm minus first), with its intervals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// Paired or Welch.
    pub pairing: Pairing,
    /// Values used: pairs (paired) or the runs of both arms together (Welch).
    pub n: usize,
    /// The difference of the means (mean of the run-by-run differences when paired).
    pub diff: f64,
    /// Lower end of the 95% interval of the difference.
    pub low: f64,
    /// Upper end of the 95% interval of the difference.
    pub high: f64,
    /// Relative change in percent, 100·(arm / first − 1) (NaN where the first arm's mean
    /// is not distinguishable from 0).
    pub rel_pct: f64,
    /// Lower end of the 95% interval of the relative change (delta method).
    pub rel_low: f64,
    /// Upper end of the 95% interval of the relative change.
    pub rel_high: f64,
}

use crate::stats::mean_var;

/// The two-sided 95% critical value of Student's t with `df` degrees of freedom.
fn t_crit(df: f64) -> f64 {
    crate::stats::t_quantile(0.5 + LEVEL / 2.0, df)
}

/// The interval `estimate ± t(df)·se`; a zero standard error gives the point itself.
fn interval(estimate: f64, se: f64, df: f64) -> (f64, f64) {
    if se == 0.0 {
        return (estimate, estimate);
    }
    let half = t_crit(df) * se;
    (estimate - half, estimate + half)
}

/// True when the 95% interval of the mean of `xs` excludes 0 (a ratio to it is defined).
fn away_from_zero(xs: &[f64]) -> bool {
    xs.len() >= 2 && crate::stats::mean_ci_of(xs).is_some_and(|c| c.low > 0.0 || c.high < 0.0)
}

/// The paired difference `other[r] - first[r]` over the runs where both have a value
/// (`None` = no value, e.g. a level never reached); None with fewer than 2 pairs.
///
/// Interval: the paired t interval on the run-by-run differences (n - 1 degrees of
/// freedom). Relative change: the ratio of the means over the same pairs, with the delta
/// method's variance `(s_b² - 2 R s_ab + R² s_a²) / (n ā²)`, R = b̄ / ā.
pub fn paired_difference(first: &[Option<f64>], other: &[Option<f64>]) -> Option<Difference> {
    let (a, b): (Vec<f64>, Vec<f64>) = first
        .iter()
        .zip(other)
        .filter_map(|(x, y)| Some(((*x)?, (*y)?)))
        .unzip();
    let n = a.len();
    if n < 2 {
        return None;
    }
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| y - x).collect();
    let (diff, var_d) = mean_var(&d);
    let df = n as f64 - 1.0;
    let (low, high) = interval(diff, (var_d / n as f64).sqrt(), df);
    let (ma, va) = mean_var(&a);
    let (mb, vb) = mean_var(&b);
    let (mut rel_pct, mut rel_low, mut rel_high) = (f64::NAN, f64::NAN, f64::NAN);
    if away_from_zero(&a) {
        let r = mb / ma;
        let cov = a
            .iter()
            .zip(&b)
            .map(|(x, y)| (x - ma) * (y - mb))
            .sum::<f64>()
            / df;
        let var_r = ((vb - 2.0 * r * cov + r * r * va) / (n as f64 * ma * ma)).max(0.0);
        let (lo, hi) = interval(r, var_r.sqrt(), df);
        (rel_pct, rel_low, rel_high) = (100.0 * (r - 1.0), 100.0 * (lo - 1.0), 100.0 * (hi - 1.0));
    }
    Some(Difference {
        pairing: Pairing::Paired,
        n,
        diff,
        low,
        high,
        rel_pct,
        rel_low,
        rel_high,
    })
}

/// Welch–Satterthwaite degrees of freedom of a sum of two variance terms `u = s²/n`.
fn satterthwaite(u_a: f64, n_a: usize, u_b: f64, n_b: usize) -> f64 {
    let den = u_a * u_a / (n_a as f64 - 1.0) + u_b * u_b / (n_b as f64 - 1.0);
    if den > 0.0 {
        (u_a + u_b).powi(2) / den
    } else {
        f64::INFINITY
    }
}

/// The unpaired difference `mean(other) - mean(first)` of two independent samples (values
/// only; drop the runs without one first); None when either has fewer than 2 values.
///
/// Interval: Welch's t interval, se² = s_a²/n_a + s_b²/n_b with Welch–Satterthwaite
/// degrees of freedom. Relative change: R = b̄ / ā with the delta method's variance
/// `s_b²/(n_b ā²) + R² s_a²/(n_a ā²)` and Satterthwaite degrees of freedom on its two terms.
pub fn welch_difference(first: &[f64], other: &[f64]) -> Option<Difference> {
    let (na, nb) = (first.len(), other.len());
    if na < 2 || nb < 2 {
        return None;
    }
    let (ma, va) = mean_var(first);
    let (mb, vb) = mean_var(other);
    let (ua, ub) = (va / na as f64, vb / nb as f64);
    let diff = mb - ma;
    let (low, high) = interval(diff, (ua + ub).sqrt(), satterthwaite(ua, na, ub, nb));
    let (mut rel_pct, mut rel_low, mut rel_high) = (f64::NAN, f64::NAN, f64::NAN);
    if away_from_zero(first) {
        let r = mb / ma;
        let (ta, tb) = (r * r * ua / (ma * ma), ub / (ma * ma));
        let (lo, hi) = interval(r, (ta + tb).sqrt(), satterthwaite(ta, na, tb, nb));
        (rel_pct, rel_low, rel_high) = (100.0 * (r - 1.0), 100.0 * (lo - 1.0), 100.0 * (hi - 1.0));
    }
    Some(Difference {
        pairing: Pairing::Welch,
        n: na + nb,
        diff,
        low,
        high,
        rel_pct,
        rel_low,
        rel_high,
    })
}

/// The paired difference when `paired`, else Welch's on the values present in each arm.
pub fn difference(
    first: &[Option<f64>],
    other: &[Option<f64>],
    paired: bool,
) -> Option<Difference> {
    if paired {
        paired_difference(first, other)
    } else {
        let values = |v: &[Option<f64>]| v.iter().flatten().copied().collect::<Vec<f64>>();
        welch_difference(&values(first), &values(other))
    }
}

/// A run's restricted time to a level (Royston & Parmar 2013): the step it reached the
/// level at, or the horizon `tau` when it never did (or did only after `tau`). Defined for
/// every run, so a comparison of restricted times uses every run and every pair.
pub fn restricted_time(time: Option<f64>, tau: f64) -> f64 {
    time.map_or(tau, |t| t.min(tau))
}

/// The restricted mean time to a level of one arm, min(T, tau) averaged over every run,
/// with its 95% t interval clipped to [0, tau] (the values lie there, so the mean does;
/// the t interval can pass tau when nearly every run is censored). None without runs.
pub fn restricted_mean(times: &[Option<f64>], tau: f64) -> Option<crate::stats::MeanCi> {
    let values: Vec<f64> = times.iter().map(|&t| restricted_time(t, tau)).collect();
    let mut ci = crate::stats::mean_ci_of(&values)?;
    if ci.low.is_finite() {
        (ci.low, ci.high) = (ci.low.max(0.0), ci.high.min(tau));
    }
    Some(ci)
}

/// The difference of restricted mean times to a level, `other` minus `first`, every run's
/// time restricted to the horizon `tau` (a level never reached counts as `tau`): paired
/// run by run when `paired` (every pair is used), Welch otherwise (every run). The
/// interval of a difference of values in [0, tau] is clipped to [-tau, tau]. None with
/// fewer than 2 runs in an arm (2 pairs when paired) or a horizon that is not a number.
///
/// Unlike the difference over the runs that reached the level in both arms, this compares
/// the same population of runs in both arms, so it is unbiased for the difference of the
/// arms' restricted mean times whatever the censoring (docs/statistics.md).
pub fn restricted_mean_difference(
    first: &[Option<f64>],
    other: &[Option<f64>],
    tau: f64,
    paired: bool,
) -> Option<Difference> {
    if !tau.is_finite() {
        return None;
    }
    let restrict =
        |v: &[Option<f64>]| -> Vec<f64> { v.iter().map(|&t| restricted_time(t, tau)).collect() };
    let (a, b) = (restrict(first), restrict(other));
    let mut d = if paired {
        let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        let n = a.len().min(b.len());
        paired_difference(&some(&a[..n]), &some(&b[..n]))?
    } else {
        welch_difference(&a, &b)?
    };
    (d.low, d.high) = (d.low.max(-tau), d.high.min(tau));
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_and_welch_by_hand() {
        let a = [1.0, 2.0, 3.0, 4.0];
        let b = [2.0, 2.5, 4.5, 5.0]; // differences 1, 0.5, 1.5, 1: mean 1, sd sqrt(1/6)
        let opt = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        let p = paired_difference(&opt(&a), &opt(&b)).unwrap();
        let half = 3.182_446_305 * (1.0f64 / 6.0 / 4.0).sqrt();
        assert_eq!((p.pairing, p.n), (Pairing::Paired, 4));
        assert!((p.diff - 1.0).abs() < 1e-12 && (p.high - 1.0 - half).abs() < 1e-8);
        // relative change: 3.5 / 2.5 - 1 = 40%
        assert!((p.rel_pct - 40.0).abs() < 1e-9 && p.rel_low < 40.0 && p.rel_high > 40.0);
        // Welch: var a = 5/3, var b = 13/6, n 4 each
        let w = welch_difference(&a, &b).unwrap();
        let (ua, ub) = (5.0 / 3.0 / 4.0, 13.0 / 6.0 / 4.0);
        let df = (ua + ub) * (ua + ub) / (ua * ua / 3.0 + ub * ub / 3.0);
        let half_w = crate::stats::t_quantile(0.975, df) * (ua + ub).sqrt();
        assert!((w.diff - 1.0).abs() < 1e-12 && (w.high - 1.0 - half_w).abs() < 1e-9);
        assert!(
            p.high - p.low < w.high - w.low,
            "the pairs share their noise"
        );
        // pairs with a missing value are dropped; fewer than 2 pairs give nothing
        let c = paired_difference(&[Some(1.0), None, Some(2.0)], &[Some(2.0), Some(9.0), None]);
        assert!(c.is_none());
        // a first arm of zeros has no relative change
        let z = paired_difference(&opt(&[0.0, 0.0, 0.0]), &opt(&[1.0, 2.0, 3.0])).unwrap();
        assert!(z.rel_pct.is_nan() && (z.diff - 2.0).abs() < 1e-12);
    }

    #[test]
    fn restricted_times_use_every_run_and_count_a_censored_run_at_the_horizon() {
        // a reaches at 2, 4, never, 6; b at 3, never, never, 5; horizon 10
        let a = [Some(2.0), Some(4.0), None, Some(6.0)];
        let b = [Some(3.0), None, None, Some(5.0)];
        assert_eq!(restricted_time(None, 10.0), 10.0);
        assert_eq!(restricted_time(Some(12.0), 10.0), 10.0);
        // restricted: a 2, 4, 10, 6 and b 3, 10, 10, 5: differences 1, 6, 0, -1
        let p = restricted_mean_difference(&a, &b, 10.0, true).unwrap();
        assert_eq!((p.pairing, p.n), (Pairing::Paired, 4));
        assert!((p.diff - 1.5).abs() < 1e-12, "{p:?}");
        let direct = paired_difference(
            &[Some(2.0), Some(4.0), Some(10.0), Some(6.0)],
            &[Some(3.0), Some(10.0), Some(10.0), Some(5.0)],
        )
        .unwrap();
        assert!((p.low - direct.low.max(-10.0)).abs() < 1e-12);
        // the conditional difference would use only the 2 pairs where both reached: 1, -1
        assert_eq!(paired_difference(&a, &b).unwrap().n, 2);
        let w = restricted_mean_difference(&a, &b, 10.0, false).unwrap();
        assert_eq!((w.pairing, w.n), (Pairing::Welch, 8));
        assert!((w.diff - 1.5).abs() < 1e-12);
        // nearly every run censored: the arm's interval stays within [0, horizon]
        let mut late = vec![None; 199];
        late.push(Some(1.0));
        let m = restricted_mean(&late, 30.0).unwrap();
        assert!(m.high <= 30.0 && m.low < m.mean && m.mean < 30.0, "{m:?}");
        assert!(restricted_mean_difference(&a, &b, f64::NAN, true).is_none());
    }
}
