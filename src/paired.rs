//! Differences between two arms (scenarios or sweep points) with 95% confidence
//! intervals: paired by run index when the arms share their random streams (common random
//! numbers), unpaired (Welch) otherwise, and the relative change by the delta method.
//! The formulas are in `docs/statistics.md`.

/// The confidence level of every interval (95%).
pub const LEVEL: f64 = 0.95;

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

/// A mean with its 95% confidence interval (mean ± t·sd/√n).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// Number of values.
    pub n: usize,
    /// The mean.
    pub mean: f64,
    /// Lower end of the interval (NaN with fewer than 2 values).
    pub low: f64,
    /// Upper end of the interval (NaN with fewer than 2 values).
    pub high: f64,
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

/// Mean and unbiased variance of a sample (variance NaN with fewer than 2 values).
fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() < 2 {
        f64::NAN
    } else {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    };
    (mean, var)
}

/// The two-sided 95% critical value of Student's t with `df` degrees of freedom.
fn t_crit(df: f64) -> f64 {
    student_t_quantile(0.5 + LEVEL / 2.0, df)
}

/// The mean of `xs` with its 95% confidence interval; None for an empty sample.
pub fn mean_ci(xs: &[f64]) -> Option<MeanCi> {
    if xs.is_empty() {
        return None;
    }
    let (mean, var) = mean_var(xs);
    let half = t_crit(xs.len() as f64 - 1.0) * (var / xs.len() as f64).sqrt();
    Some(MeanCi {
        n: xs.len(),
        mean,
        low: mean - half,
        high: mean + half,
    })
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
    xs.len() >= 2 && mean_ci(xs).is_some_and(|c| c.low > 0.0 || c.high < 0.0)
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

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, 9 terms; relative error ~1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // reflection: Γ(x) Γ(1 - x) = π / sin(πx)
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = G[0];
    let t = x + 7.5;
    for (i, g) in G.iter().enumerate().skip(1) {
        a += g / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The continued fraction of the regularized incomplete beta function (modified Lentz).
fn beta_fraction(a: f64, b: f64, x: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..10_000 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < 1e-16 {
            break;
        }
    }
    h
}

/// The regularized incomplete beta function I_x(a, b).
fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(a, b, x) / a
    } else {
        1.0 - front * beta_fraction(b, a, 1.0 - x) / b
    }
}

/// P(T <= t) for Student's t with `df` degrees of freedom (df may be fractional; beyond
/// 10^7, and for an infinite df, the standard normal).
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    if df > NORMAL_DF {
        return 0.5 * erfc(-t / std::f64::consts::SQRT_2);
    }
    let tail = 0.5 * incomplete_beta(0.5 * df, 0.5, df / (df + t * t));
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// Largest degrees of freedom computed through the t distribution; beyond, the standard
/// normal (the difference is below 1e-7 there).
const NORMAL_DF: f64 = 1e7;

/// The regularized upper incomplete gamma function Q(a, x) (series or continued fraction).
fn upper_gamma(a: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 1.0;
    }
    let front = (a * x.ln() - x - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let (mut sum, mut term, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..10_000 {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * 1e-17 {
                break;
            }
        }
        1.0 - sum * front
    } else {
        const TINY: f64 = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -f64::from(i) * (f64::from(i) - a);
            b += 2.0;
            d = an * d + b;
            d = if d.abs() < TINY { TINY } else { d };
            c = b + an / c;
            c = if c.abs() < TINY { TINY } else { c };
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        front * h
    }
}

/// The complementary error function, erfc(x) = Q(1/2, x²) for x >= 0.
fn erfc(x: f64) -> f64 {
    if x >= 0.0 {
        upper_gamma(0.5, x * x)
    } else {
        2.0 - upper_gamma(0.5, x * x)
    }
}

/// The `p` quantile of Student's t with `df` > 0 degrees of freedom (df may be fractional,
/// as Welch's are; NaN for df <= 0 or NaN, p outside (0, 1)).
///
/// Exact up to floating point: the distribution function (regularized incomplete beta) is
/// inverted by bisection to machine precision.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -student_t_quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while student_t_cdf(hi, df) < p {
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if student_t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // two-sided 95% (p = 0.975) and one-sided 99% (p = 0.99) values, 10 digits
        let table = [
            (0.975, 1.0, 12.706_204_74),
            (0.975, 2.0, 4.302_652_730),
            (0.975, 5.0, 2.570_581_836),
            (0.975, 10.0, 2.228_138_852),
            (0.975, 30.0, 2.042_272_456),
            (0.975, 99.0, 1.984_216_952),
            (0.975, 1000.0, 1.962_339_081),
            (0.99, 3.0, 4.540_702_858),
            (0.95, 20.0, 1.724_718_243),
            (0.995, 4.0, 4.604_094_871),
        ];
        for (p, df, want) in table {
            let got = student_t_quantile(p, df);
            assert!(
                (got - want).abs() < 1e-8,
                "t({p}, {df}) = {got}, table {want}"
            );
            assert!((student_t_quantile(1.0 - p, df) + want).abs() < 1e-8);
        }
        // the normal limit, and a fractional df between its neighbours
        assert!((student_t_quantile(0.975, f64::INFINITY) - 1.959_963_985).abs() < 1e-8);
        let frac = student_t_quantile(0.975, 7.5);
        assert!(frac < student_t_quantile(0.975, 7.0) && frac > student_t_quantile(0.975, 8.0));
        assert!(student_t_quantile(0.975, 0.0).is_nan());
        assert!(student_t_quantile(1.0, 5.0).is_nan());
    }

    #[test]
    fn mean_interval_by_hand() {
        // mean 3, sd sqrt(2.5), n 5: half width t(0.975, 4) * sqrt(2.5 / 5)
        let c = mean_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        let half = 2.776_445_105 * 0.5f64.sqrt();
        assert!((c.mean - 3.0).abs() < 1e-12);
        assert!((c.high - 3.0 - half).abs() < 1e-8 && (3.0 - c.low - half).abs() < 1e-8);
        assert!(mean_ci(&[2.0]).unwrap().low.is_nan());
        assert!(mean_ci(&[]).is_none());
    }

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
        let half_w = student_t_quantile(0.975, df) * (ua + ub).sqrt();
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
}
