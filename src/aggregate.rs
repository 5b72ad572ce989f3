//! Aggregation across runs: mean, sd and 5/50/95% quantiles of every value, fed one run
//! at a time in run order, in memory that does not grow with the number of runs.
//!
//! Quantiles are exact (linear interpolation between order statistics, as R's type 7 and
//! numpy's default) while a cell has seen at most [`EXACT_LIMIT`] values; beyond that they
//! continue with the P² algorithm (Jain & Chlamtac 1985) started from the exact state.

/// Number of values per cell kept for exact quantiles before switching to P².
pub const EXACT_LIMIT: usize = 1000;

/// The quantiles reported everywhere.
pub const QUANTILES: [f64; 3] = [0.05, 0.5, 0.95];

/// Running statistics of one quantity: count, mean, sd and the three quantiles.
#[derive(Debug, Clone)]
pub struct Stat {
    count: u64,
    mean: f64,
    m2: f64,
    exact: Vec<f64>,
    p2: Option<[P2; 3]>,
}

impl Default for Stat {
    fn default() -> Self {
        Stat::new()
    }
}

/// A summary of a [`Stat`]: what a CSV row or a JSON object reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Number of values (NaN values are not counted).
    pub n: u64,
    /// Mean.
    pub mean: f64,
    /// Sample standard deviation (n - 1 in the denominator; 0 for one value).
    pub sd: f64,
    /// 5% quantile.
    pub p05: f64,
    /// Median.
    pub p50: f64,
    /// 95% quantile.
    pub p95: f64,
}

impl Stat {
    /// An empty statistic.
    pub fn new() -> Stat {
        Stat {
            count: 0,
            mean: 0.0,
            m2: 0.0,
            exact: Vec::new(),
            p2: None,
        }
    }

    /// Adds one value; NaN (no value) is ignored.
    pub fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.count += 1;
        let d = x - self.mean;
        self.mean += d / self.count as f64;
        self.m2 += d * (x - self.mean);
        match &mut self.p2 {
            Some(est) => est.iter_mut().for_each(|e| e.push(x)),
            None => {
                self.exact.push(x);
                if self.exact.len() > EXACT_LIMIT {
                    let mut v = std::mem::take(&mut self.exact);
                    v.sort_by(f64::total_cmp);
                    self.p2 = Some(QUANTILES.map(|p| P2::from_sorted(&v, p)));
                }
            }
        }
    }

    /// Number of values seen.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The summary (None when no value was seen).
    pub fn summary(&self) -> Option<Summary> {
        if self.count == 0 {
            return None;
        }
        let sd = if self.count > 1 {
            (self.m2 / (self.count - 1) as f64).sqrt()
        } else {
            0.0
        };
        let q = match &self.p2 {
            Some(est) => [est[0].value(), est[1].value(), est[2].value()],
            None => {
                let mut v = self.exact.clone();
                v.sort_by(f64::total_cmp);
                QUANTILES.map(|p| quantile_sorted(&v, p))
            }
        };
        Some(Summary {
            n: self.count,
            mean: self.mean,
            sd,
            p05: q[0],
            p50: q[1],
            p95: q[2],
        })
    }
}

/// Quantile p of sorted values by linear interpolation (R type 7).
pub fn quantile_sorted(v: &[f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let h = (v.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(v.len() - 1);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}

/// The P² estimator of one quantile (five markers).
#[derive(Debug, Clone, Copy)]
struct P2 {
    q: [f64; 5],
    n: [f64; 5],
    np: [f64; 5],
    dn: [f64; 5],
}

impl P2 {
    /// Starts from sorted values (at least 5): markers at the min, p/2, p, (1+p)/2 and max quantiles.
    fn from_sorted(v: &[f64], p: f64) -> P2 {
        let m = v.len() as f64;
        let dn = [0.0, p / 2.0, p, (1.0 + p) / 2.0, 1.0];
        let np = dn.map(|d| 1.0 + (m - 1.0) * d);
        let n = np.map(f64::round);
        let q = n.map(|pos| v[(pos as usize - 1).min(v.len() - 1)]);
        P2 { q, n, np, dn }
    }

    fn push(&mut self, x: f64) {
        let k = if x < self.q[0] {
            self.q[0] = x;
            0
        } else if x >= self.q[4] {
            self.q[4] = x;
            3
        } else {
            (0..4).find(|&i| x < self.q[i + 1]).unwrap_or(3)
        };
        for i in (k + 1)..5 {
            self.n[i] += 1.0;
        }
        for i in 0..5 {
            self.np[i] += self.dn[i];
        }
        for i in 1..4 {
            let d = self.np[i] - self.n[i];
            if (d >= 1.0 && self.n[i + 1] - self.n[i] > 1.0)
                || (d <= -1.0 && self.n[i - 1] - self.n[i] < -1.0)
            {
                let s = d.signum();
                let qp = self.parabolic(i, s);
                self.q[i] = if self.q[i - 1] < qp && qp < self.q[i + 1] {
                    qp
                } else {
                    self.linear(i, s)
                };
                self.n[i] += s;
            }
        }
    }

    fn parabolic(&self, i: usize, s: f64) -> f64 {
        let (q, n) = (&self.q, &self.n);
        q[i] + s / (n[i + 1] - n[i - 1])
            * ((n[i] - n[i - 1] + s) * (q[i + 1] - q[i]) / (n[i + 1] - n[i])
                + (n[i + 1] - n[i] - s) * (q[i] - q[i - 1]) / (n[i] - n[i - 1]))
    }

    fn linear(&self, i: usize, s: f64) -> f64 {
        let j = if s > 0.0 { i + 1 } else { i - 1 };
        self.q[i] + s * (self.q[j] - self.q[i]) / (self.n[j] - self.n[i])
    }

    fn value(&self) -> f64 {
        self.q[2]
    }
}

/// Per-step statistics of every series, fed one run record at a time.
#[derive(Debug, Clone)]
pub struct CurveStats {
    /// Series names.
    pub series: Vec<String>,
    /// Number of steps + 1.
    pub rows: usize,
    cells: Vec<Stat>,
}

impl CurveStats {
    /// Empty statistics for `rows` steps of these series.
    pub fn new(series: Vec<String>, rows: usize) -> CurveStats {
        let cells = vec![Stat::new(); rows * series.len()];
        CurveStats {
            series,
            rows,
            cells,
        }
    }

    /// Adds one run's record (`rows * series.len()` values, step-major).
    pub fn push_run(&mut self, record: &[f64]) {
        for (cell, &x) in self.cells.iter_mut().zip(record) {
            cell.push(x);
        }
    }

    /// The statistic of one step and series.
    pub fn cell(&self, step: usize, series: usize) -> &Stat {
        &self.cells[step * self.series.len() + series]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_quantiles_match_type_7() {
        let mut s = Stat::new();
        for x in [3.0, 1.0, 2.0, 5.0, 4.0, f64::NAN] {
            s.push(x);
        }
        let q = s.summary().unwrap();
        assert_eq!(q.n, 5);
        assert_eq!(q.mean, 3.0);
        assert!((q.sd - 2.5f64.sqrt()).abs() < 1e-12);
        assert_eq!(q.p50, 3.0);
        assert!((q.p05 - 1.2).abs() < 1e-12);
        assert!((q.p95 - 4.8).abs() < 1e-12);
        assert!(Stat::new().summary().is_none());
    }

    #[test]
    fn p2_continues_close_to_the_exact_quantiles() {
        // A deterministic, well-mixed sequence on [0, 1): quantiles known in the limit.
        let mut s = Stat::new();
        let n = 50_000;
        let mut x = 0.5f64;
        for _ in 0..n {
            x = (x + 0.618_033_988_749_895) % 1.0;
            s.push(x);
        }
        let q = s.summary().unwrap();
        assert!((q.p05 - 0.05).abs() < 0.005, "{q:?}");
        assert!((q.p50 - 0.5).abs() < 0.005, "{q:?}");
        assert!((q.p95 - 0.95).abs() < 0.005, "{q:?}");
        assert!((q.mean - 0.5).abs() < 1e-3);
    }

    #[test]
    fn curve_stats_collect_by_step_and_series() {
        let mut c = CurveStats::new(vec!["a".into(), "b".into()], 2);
        c.push_run(&[0.0, 1.0, 2.0, 3.0]);
        c.push_run(&[2.0, f64::NAN, 4.0, 5.0]);
        assert_eq!(c.cell(0, 0).summary().unwrap().mean, 1.0);
        assert_eq!(c.cell(0, 1).count(), 1);
        assert_eq!(c.cell(1, 1).summary().unwrap().p50, 4.0);
    }
}
