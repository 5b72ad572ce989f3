//! Uncertainty of ensemble answers: the Student-t distribution, confidence intervals of
//! means (differences between arms are in `crate::paired`) and the Kaplan–Meier median of censored times with its
//! Brookmeyer–Crowley interval. The formulas and references are in docs/statistics.md.

/// The confidence level of every interval policysim reports.
pub const CONFIDENCE: f64 = 0.95;

/// The standard normal 97.5% quantile (two-sided 95%), for the Kaplan–Meier interval.
pub const Z_975: f64 = 1.959_963_984_540_054;

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

/// The logistic function 1 / (1 + e^-z), computed without overflow for any z (the one
/// used by the fit's parameter transform and by the event-history logit).
pub fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// The regularized incomplete beta function I_x(a, b).
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
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
pub fn t_cdf(t: f64, df: f64) -> f64 {
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

/// The two-sided p-value of a standard normal z statistic: P(|Z| >= |z|) = erfc(|z| / sqrt 2).
pub fn normal_two_sided_p(z: f64) -> f64 {
    if z.is_nan() {
        return f64::NAN;
    }
    erfc(z.abs() / std::f64::consts::SQRT_2)
}

/// The `p` quantile of Student's t with `df` > 0 degrees of freedom (df may be fractional,
/// as Welch's are; NaN for df <= 0 or NaN, p outside (0, 1)).
///
/// Exact up to floating point: the distribution function (regularized incomplete beta) is
/// inverted by bisection to machine precision.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t_cdf(hi, df) < p {
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
        if t_cdf(mid, df) < p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// The Wilson score interval of a proportion k / n at 95% (z = 1.959964): (low, high);
/// (0, 1) when n = 0. Unlike the Wald interval it stays inside [0, 1] and keeps its
/// coverage near 0 and 1 (Wilson 1927; Brown, Cai & DasGupta 2001).
///
/// # Examples
/// ```
/// let (lo, hi) = policysim_model::stats::wilson_interval(0, 20);
/// assert_eq!(lo, 0.0);
/// assert!((hi - 0.1611).abs() < 1e-4);
/// ```
pub fn wilson_interval(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_963_984_540_054;
    let (nf, p) = (n as f64, k as f64 / n as f64);
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * nf)) / (1.0 + z2 / nf);
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / (1.0 + z2 / nf);
    // the ends are exact where the closed form says so (k = 0: low 0; k = n: high 1)
    let low = if k == 0 {
        0.0
    } else {
        (centre - half).max(0.0)
    };
    let high = if k >= n {
        1.0
    } else {
        (centre + half).min(1.0)
    };
    (low, high)
}

/// Mean and unbiased variance of a sample (variance NaN with fewer than 2 values).
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() < 2 {
        f64::NAN
    } else {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    };
    (mean, var)
}

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanCi {
    /// Number of values.
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator).
    pub sd: f64,
    /// Lower end of the 95% confidence interval of the mean (NaN for fewer than 2 values).
    pub low: f64,
    /// Upper end of the 95% confidence interval of the mean (NaN for fewer than 2 values).
    pub high: f64,
}

/// The t-based 95% interval of a mean from its n, mean and sd: mean ± t_{n-1,0.975} sd / √n.
pub fn mean_ci(n: u64, mean: f64, sd: f64) -> MeanCi {
    let (low, high) = if n >= 2 {
        let half = t_quantile(0.5 + CONFIDENCE / 2.0, (n - 1) as f64) * sd / (n as f64).sqrt();
        (mean - half, mean + half)
    } else {
        (f64::NAN, f64::NAN)
    };
    MeanCi {
        n,
        mean,
        sd,
        low,
        high,
    }
}

/// Mean, sd and 95% interval of values (NaN values skipped; None when there are none).
pub fn mean_ci_of(values: &[f64]) -> Option<MeanCi> {
    let v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return None;
    }
    let (mean, var) = mean_var(&v);
    let sd = if v.len() > 1 { var.sqrt() } else { 0.0 };
    Some(mean_ci(v.len() as u64, mean, sd))
}

/// The Kaplan–Meier median of a censored time and its 95% Brookmeyer–Crowley interval;
/// each is None where the survival curve (or its confidence band) does not reach 0.5.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct KmMedian {
    /// Smallest time t with S(t) <= 0.5.
    pub median: Option<f64>,
    /// Smallest time t with S(t) - z se(t) <= 0.5.
    pub low: Option<f64>,
    /// Smallest time t with S(t) + z se(t) <= 0.5.
    pub high: Option<f64>,
}

/// The Kaplan–Meier median from `(time, events, censored)` counts in increasing time order
/// (events at a time come before censorings at the same time); Greenwood's variance and the
/// transform-free ("plain") Brookmeyer–Crowley interval.
pub fn km_median(counts: &[(f64, u64, u64)]) -> KmMedian {
    let mut at_risk: u64 = counts.iter().map(|c| c.1 + c.2).sum();
    let mut s = 1.0f64;
    let mut greenwood = 0.0f64;
    let mut out = KmMedian::default();
    for &(t, d, c) in counts {
        if d > 0 && at_risk > 0 {
            let n = at_risk as f64;
            let d_f = d as f64;
            s *= 1.0 - d_f / n;
            if d < at_risk {
                greenwood += d_f / (n * (n - d_f));
            }
            let se = if s > 0.0 { s * greenwood.sqrt() } else { 0.0 };
            // the comparisons allow for rounding: S(t) = 0.5 exactly counts as reached
            let reached = |x: f64| x <= 0.5 + 1e-12;
            if out.median.is_none() && reached(s) {
                out.median = Some(t);
            }
            if out.low.is_none() && reached(s - Z_975 * se) {
                out.low = Some(t);
            }
            if out.high.is_none() && reached(s + Z_975 * se) {
                out.high = Some(t);
            }
        }
        at_risk -= (d + c).min(at_risk);
    }
    out
}

/// Root-mean-square difference between the observed and the simulated mean share over
/// steps 1 to the last step both have (step 0 is fixed by the initial adopters); `None`
/// when they share no such step.
pub fn share_rmse(observed: &[f64], simulated: &[f64]) -> Option<f64> {
    let last = observed.len().min(simulated.len());
    if last < 2 {
        return None;
    }
    let sq: f64 = (1..last)
        .map(|t| (observed[t] - simulated[t]).powi(2))
        .sum();
    Some((sq / (last - 1) as f64).sqrt())
}

/// Ranks 1..=n of `v` (ascending), ties sharing the mean of their ranks.
pub fn average_ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut ranks = vec![0.0; v.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[i]] {
            j += 1;
        }
        let mean = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = mean;
        }
        i = j + 1;
    }
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // two-sided 95% (p = 0.975) and 99% (p = 0.995), from standard t tables
        let table = [
            (0.975, 1.0, 12.706_204_736),
            (0.975, 2.0, 4.302_652_730),
            (0.975, 3.0, 3.182_446_305),
            (0.975, 5.0, 2.570_581_836),
            (0.975, 10.0, 2.228_138_852),
            (0.975, 19.0, 2.093_024_054),
            (0.975, 30.0, 2.042_272_456),
            (0.975, 99.0, 1.984_216_952),
            (0.975, 1000.0, 1.962_339_081),
            (0.975, 6.0, 2.446_911_851),
            (0.995, 10.0, 3.169_272_673),
            (0.95, 4.0, 2.131_846_786),
            (0.99, 3.0, 4.540_702_858),
            (0.95, 20.0, 1.724_718_243),
            (0.995, 4.0, 4.604_094_871),
        ];
        for (p, df, want) in table {
            let got = t_quantile(p, df);
            assert!(
                (got - want).abs() < 2e-9,
                "t({p}, {df}) = {got}, want {want}"
            );
            assert!((t_quantile(1.0 - p, df) + want).abs() < 2e-9);
        }
        assert!((t_quantile(0.975, 1e7) - Z_975).abs() < 1e-6);
        assert!(t_quantile(1.0, 3.0).is_nan() && t_quantile(0.5, 0.0).is_nan());
        // the closed forms for 1 and 2 df
        let p: f64 = 0.8;
        let cauchy = (std::f64::consts::PI * (p - 0.5)).tan();
        assert!((t_quantile(p, 1.0) - cauchy).abs() < 1e-10);
        let two = (2.0 * p - 1.0) / (2.0 * p * (1.0 - p)).sqrt();
        assert!((t_quantile(p, 2.0) - two).abs() < 1e-10);
        // the normal limit, and a fractional df between its neighbours
        assert!((t_quantile(0.975, f64::INFINITY) - 1.959_963_985).abs() < 1e-8);
        let frac = t_quantile(0.975, 7.5);
        assert!(frac < t_quantile(0.975, 7.0) && frac > t_quantile(0.975, 8.0));
        assert!(t_quantile(0.975, 0.0).is_nan());
        assert!(t_quantile(1.0, 5.0).is_nan());
    }

    #[test]
    fn mean_intervals_of_one_sample() {
        let a = mean_ci_of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]).unwrap();
        assert_eq!((a.n, a.mean), (4, 2.5));
        let half = 3.182_446_305 * (5.0f64 / 3.0).sqrt() / 2.0;
        assert!((a.low - (2.5 - half)).abs() < 1e-8 && (a.high - (2.5 + half)).abs() < 1e-8);
        let one = mean_ci_of(&[7.0]).unwrap();
        assert!(one.low.is_nan() && one.high.is_nan());
        assert!(mean_ci_of(&[f64::NAN]).is_none());
    }

    #[test]
    fn kaplan_meier_median_worked_by_hand() {
        // 7 runs: events at 2, 3, 3, 5; censored at 4 and at 6 (two).
        // S(2) = 6/7, S(3) = 6/7 * 4/6 = 4/7, S(5) = 4/7 * 2/3 = 8/21 -> median 5.
        // Greenwood: G(2) = 1/42, G(3) = 1/42 + 2/24 = 0.107143, G(5) = G(3) + 1/6 = 0.273810.
        // S - 1.96 se: t=2: 0.857 - 1.96 * 0.1323 = 0.598 > 0.5; t=3: 0.5714 - 1.96 * 0.1870
        // = 0.205 <= 0.5 -> lower limit 3. S + 1.96 se: t=3: 0.938, t=5: 0.381 + 1.96 * 0.1993
        // = 0.772 > 0.5 and no later event -> upper limit undefined.
        let counts = [
            (2.0, 1, 0),
            (3.0, 2, 0),
            (4.0, 0, 1),
            (5.0, 1, 0),
            (6.0, 0, 2),
        ];
        let km = km_median(&counts);
        assert_eq!(km.median, Some(5.0));
        assert_eq!(km.low, Some(3.0));
        assert_eq!(km.high, None);
        // fewer than half reach the level: no median, never a number
        let km = km_median(&[(1.0, 1, 0), (2.0, 1, 0), (10.0, 0, 3)]);
        assert_eq!(km.median, None);
        // no censoring: the median is the empirical one; all events at once: a point
        let km = km_median(&[(1.0, 1, 0), (2.0, 1, 0), (3.0, 1, 0), (4.0, 1, 0)]);
        assert_eq!(km.median, Some(2.0));
        let km = km_median(&[(4.0, 9, 0)]);
        assert_eq!(
            (km.median, km.low, km.high),
            (Some(4.0), Some(4.0), Some(4.0))
        );
    }

    #[test]
    fn wilson_interval_has_its_closed_forms_at_the_edges_and_is_symmetric() {
        let z2 = 1.959_963_984_540_054f64.powi(2);
        for n in [1u64, 7, 20, 300] {
            let (lo, hi) = wilson_interval(0, n);
            assert_eq!(lo, 0.0);
            assert!((hi - z2 / (n as f64 + z2)).abs() < 1e-12);
            for k in 0..=n.min(20) {
                let (a, b) = wilson_interval(k, n);
                let (c, d) = wilson_interval(n - k, n);
                assert!((a - (1.0 - d)).abs() < 1e-12 && (b - (1.0 - c)).abs() < 1e-12);
                assert!(a <= k as f64 / n as f64 && k as f64 / n as f64 <= b);
            }
        }
        assert_eq!(wilson_interval(0, 0), (0.0, 1.0));
    }
}
