//! Uncertainty of ensemble answers: Student-t confidence intervals of means (one sample,
//! paired and Welch differences) and the Kaplan–Meier median of censored times with its
//! Brookmeyer–Crowley interval. The formulas and references are in docs/statistics.md.

/// The confidence level of every interval policysim reports.
pub const CONFIDENCE: f64 = 0.95;

/// The standard normal 97.5% quantile (two-sided 95%), for the Kaplan–Meier interval.
pub const Z_975: f64 = 1.959_963_984_540_054;

/// Natural logarithm of the gamma function (Lanczos, g = 7, nine terms; x > 0).
fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
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
        // reflection
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut a = C[0];
    let t = x + 7.5;
    for (i, &c) in C.iter().enumerate().skip(1) {
        a += c / (x + i as f64);
    }
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + a.ln()
}

/// The regularized incomplete beta function I_x(a, b) (continued fraction, Lentz).
pub fn incomplete_beta(a: f64, b: f64, x: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    // the continued fraction converges fast for x < (a + 1) / (a + b + 2)
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - incomplete_beta(b, a, 1.0 - x);
    }
    let tiny = 1e-300;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < tiny {
        d = tiny;
    }
    d = 1.0 / d;
    let mut f = d;
    for m in 1..=500 {
        let m = f64::from(m);
        let num = m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m));
        for (k, num) in [
            num,
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ]
        .into_iter()
        .enumerate()
        {
            d = 1.0 + num * d;
            if d.abs() < tiny {
                d = tiny;
            }
            c = 1.0 + num / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let delta = c * d;
            f *= delta;
            if k == 1 && (delta - 1.0).abs() < 1e-16 {
                return ln_front.exp() * f / a;
            }
        }
    }
    ln_front.exp() * f / a
}

/// The Student-t distribution function with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t));
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The Student-t quantile t_{df, p} (0 < p < 1, df > 0), exact to about 1e-12: the root
/// of [`t_cdf`] found by bisection (NaN for arguments out of range).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if !(p > 0.0 && p < 1.0 && df > 0.0) {
        return f64::NAN;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    if p == 0.5 {
        return 0.0;
    }
    let mut hi = 1.0;
    while t_cdf(hi, df) < p {
        hi *= 2.0;
        if hi > 1e300 {
            return f64::INFINITY;
        }
    }
    let mut lo = 0.0;
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
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let sd = if v.len() > 1 {
        (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
    } else {
        0.0
    };
    Some(mean_ci(v.len() as u64, mean, sd))
}

/// The paired 95% interval of the mean difference `b[i] - a[i]` (pairs with a NaN skipped).
pub fn paired_ci(a: &[f64], b: &[f64]) -> Option<MeanCi> {
    let d: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(x, y)| y - x)
        .filter(|d| !d.is_nan())
        .collect();
    mean_ci_of(&d)
}

/// A difference of two means with its Welch 95% interval and Welch–Satterthwaite df.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Difference {
    /// Mean of b minus mean of a.
    pub estimate: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
    /// Degrees of freedom of the t quantile used.
    pub df: f64,
}

/// Welch's unpaired 95% interval of `b.mean - a.mean` (None when either has fewer than 2
/// values; a zero-width interval when both sds are 0).
pub fn welch_ci(a: &MeanCi, b: &MeanCi) -> Option<Difference> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    let (va, vb) = (a.sd * a.sd / a.n as f64, b.sd * b.sd / b.n as f64);
    let se = (va + vb).sqrt();
    let estimate = b.mean - a.mean;
    if se == 0.0 {
        let df = (a.n + b.n - 2) as f64;
        return Some(Difference {
            estimate,
            low: estimate,
            high: estimate,
            df,
        });
    }
    let df = (va + vb).powi(2) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    let half = t_quantile(0.5 + CONFIDENCE / 2.0, df) * se;
    Some(Difference {
        estimate,
        low: estimate - half,
        high: estimate + half,
        df,
    })
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
    }

    #[test]
    fn mean_intervals_one_sample_paired_and_welch() {
        let a = mean_ci_of(&[1.0, 2.0, 3.0, 4.0, f64::NAN]).unwrap();
        assert_eq!((a.n, a.mean), (4, 2.5));
        let half = 3.182_446_305 * (5.0f64 / 3.0).sqrt() / 2.0;
        assert!((a.low - (2.5 - half)).abs() < 1e-8 && (a.high - (2.5 + half)).abs() < 1e-8);
        let one = mean_ci_of(&[7.0]).unwrap();
        assert!(one.low.is_nan() && one.high.is_nan());
        assert!(mean_ci_of(&[f64::NAN]).is_none());
        // paired: differences 1, 1, 2, 0 -> mean 1, sd sqrt(2/3)
        let p = paired_ci(&[1.0, 2.0, 3.0, 4.0], &[2.0, 3.0, 5.0, 4.0]).unwrap();
        assert!((p.mean - 1.0).abs() < 1e-12);
        assert!((p.sd - (2.0f64 / 3.0).sqrt()).abs() < 1e-12);
        // Welch with equal n and sd: df = 2 (n - 1), se = sd sqrt(2 / n)
        let b = mean_ci(4, 4.5, a.sd);
        let w = welch_ci(&a, &b).unwrap();
        assert!((w.df - 6.0).abs() < 1e-9 && (w.estimate - 2.0).abs() < 1e-12);
        let half = 2.446_911_851 * a.sd * (0.5f64).sqrt();
        assert!((w.high - w.low - 2.0 * half).abs() < 1e-7);
        assert!(welch_ci(&one, &b).is_none());
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
}
