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

/// Bytes one cell of the per-step statistics takes before it holds any value (its
/// running moments and quantile markers); each kept value adds 8 (for the memory estimate).
pub const STAT_CELL_BYTES: u64 = std::mem::size_of::<Stat>() as u64;

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

/// The step at which each run first reached a level (t10, t50, t90), as counts per step,
/// and the runs that never reached it (censored at the last step): what the share of runs
/// reaching the level and the Kaplan–Meier median need, in memory bounded by the steps.
#[derive(Debug, Clone, Default)]
pub struct TimeToLevel {
    reached_at: Vec<u64>,
    never: u64,
}

/// What is reported of a censored time: how many runs reached the level, the mean over
/// those (with its 95% CI) and the Kaplan–Meier median over all runs (with its 95% CI).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeSummary {
    /// Runs in the ensemble.
    pub runs: u64,
    /// Runs that reached the level.
    pub runs_reached: u64,
    /// Share of runs that reached the level.
    pub reached: f64,
    /// Mean time and its CI over the runs that reached the level (None if none did).
    pub if_reached: Option<crate::stats::MeanCi>,
    /// Kaplan–Meier median (runs that never reached the level censored at the last step).
    pub km: crate::stats::KmMedian,
    /// The step at which runs that never reached the level are censored.
    pub censored_at: u32,
}

impl TimeToLevel {
    /// Adds one run: the step it reached the level at, or None.
    pub fn push(&mut self, step: Option<u32>) {
        match step {
            Some(t) => {
                let t = t as usize;
                if self.reached_at.len() <= t {
                    self.reached_at.resize(t + 1, 0);
                }
                self.reached_at[t] += 1;
            }
            None => self.never += 1,
        }
    }

    /// Number of runs seen.
    pub fn runs(&self) -> u64 {
        self.reached_at.iter().sum::<u64>() + self.never
    }

    /// The summary, with runs that never reached the level censored at step `steps`;
    /// `reached` (the mean over runs that reached it) comes from that run statistic.
    pub fn summary(&self, reached: &Stat, steps: u32) -> TimeSummary {
        let runs = self.runs();
        let runs_reached = runs - self.never;
        let mut counts: Vec<(f64, u64, u64)> = self
            .reached_at
            .iter()
            .enumerate()
            .filter(|&(_, &d)| d > 0)
            .map(|(t, &d)| (t as f64, d, 0))
            .collect();
        if self.never > 0 {
            let t = f64::from(steps);
            match counts.last_mut() {
                Some(last) if last.0 == t => last.2 = self.never,
                _ => counts.push((t, 0, self.never)),
            }
        }
        TimeSummary {
            runs,
            runs_reached,
            reached: if runs > 0 {
                runs_reached as f64 / runs as f64
            } else {
                f64::NAN
            },
            if_reached: reached
                .summary()
                .map(|s| crate::stats::mean_ci(s.n, s.mean, s.sd)),
            km: crate::stats::km_median(&counts),
            censored_at: steps,
        }
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

/// Bootstrap replicates of the mean adopted-share curve, for an interval of a statistic
/// that is not a mean over runs (the RMSE of the mean curve against observed adoptions).
///
/// A Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012): each run enters
/// replicate b with weight w ~ Poisson(1), drawn from the run's own bootstrap stream
/// ([`crate::rng::bootstrap_rng`]), so that the replicates do not depend on the thread
/// count or on the order runs finish in, and memory is `replicates x steps`, not runs.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareBootstrap {
    rows: usize,
    /// Per replicate: the sum of the weights.
    weights: Vec<f64>,
    /// Per replicate and step: the weighted sum of the adopted share.
    sums: Vec<f64>,
}

/// Number of bootstrap replicates of [`ShareBootstrap`].
pub const BOOTSTRAP_REPLICATES: usize = 200;

impl ShareBootstrap {
    /// Empty replicates for curves of `rows` steps.
    pub fn new(rows: usize) -> ShareBootstrap {
        ShareBootstrap {
            rows,
            weights: vec![0.0; BOOTSTRAP_REPLICATES],
            sums: vec![0.0; BOOTSTRAP_REPLICATES * rows],
        }
    }

    /// Adds run `run` of master seed `seed`: `share[t]` is its adopted share at step t.
    pub fn push(&mut self, seed: u64, run: u64, share: impl Fn(usize) -> f64) {
        use rand::RngExt;
        let mut rng = crate::rng::bootstrap_rng(seed, run);
        let limit = (-1.0f64).exp();
        for b in 0..BOOTSTRAP_REPLICATES {
            // Poisson(1) by Knuth's product of uniforms.
            let mut k = 0u32;
            let mut p: f64 = rng.random();
            while p > limit {
                k += 1;
                p *= rng.random::<f64>();
            }
            if k == 0 {
                continue;
            }
            let w = f64::from(k);
            self.weights[b] += w;
            for t in 0..self.rows {
                self.sums[b * self.rows + t] += w * share(t);
            }
        }
    }

    /// The 2.5% and 97.5% percentiles (type 7) of `statistic` over the replicates' mean
    /// curves; None when fewer than 20 replicates give a value.
    pub fn percentile_interval(
        &self,
        statistic: impl Fn(&[f64]) -> Option<f64>,
    ) -> Option<(f64, f64)> {
        let mut values: Vec<f64> = (0..BOOTSTRAP_REPLICATES)
            .filter(|&b| self.weights[b] > 0.0)
            .filter_map(|b| {
                let w = self.weights[b];
                let curve: Vec<f64> = self.sums[b * self.rows..(b + 1) * self.rows]
                    .iter()
                    .map(|s| s / w)
                    .collect();
                statistic(&curve).filter(|v| v.is_finite())
            })
            .collect();
        if values.len() < 20 {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let q = |p: f64| {
            let h = (values.len() - 1) as f64 * p;
            let (lo, frac) = (h.floor() as usize, h - h.floor());
            let hi = (lo + 1).min(values.len() - 1);
            values[lo] + frac * (values[hi] - values[lo])
        };
        Some((q(0.025), q(0.975)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_bootstrap_intervals_shrink_with_runs_and_vanish_without_noise() {
        let observed = [0.0, 0.5, 1.0];
        let rmse = |c: &[f64]| crate::stats::share_rmse(&observed, c);
        // identical runs: every replicate's mean curve is the run itself
        let mut same = ShareBootstrap::new(3);
        for run in 0..50 {
            same.push(7, run, |t| [0.0, 0.4, 0.8][t]);
        }
        let (lo, hi) = same.percentile_interval(rmse).unwrap();
        let exact = rmse(&[0.0, 0.4, 0.8]).unwrap();
        assert!((lo - exact).abs() < 1e-12 && (hi - exact).abs() < 1e-12);
        // noisy runs: the interval of the mean curve's RMSE narrows about like 1/sqrt(runs)
        let width = |runs: u64| {
            let mut b = ShareBootstrap::new(3);
            for run in 0..runs {
                let x = if run % 2 == 0 { 0.3 } else { 0.5 };
                b.push(11, run, |t| [0.0, x, 2.0 * x][t]);
            }
            let (lo, hi) = b.percentile_interval(rmse).unwrap();
            hi - lo
        };
        let (w100, w1600) = (width(100), width(1600));
        assert!(w100 > 0.0 && w1600 > 0.0);
        // sqrt(16) = 4; the percentile width of 200 replicates has ~10% noise each
        let ratio = w100 / w1600;
        assert!((2.8..5.7).contains(&ratio), "{w100} / {w1600} = {ratio}");
        // fewer than 20 replicates with a value give nothing
        assert!(ShareBootstrap::new(3).percentile_interval(rmse).is_none());
    }

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

    #[test]
    fn time_to_level_censors_runs_that_never_reach_it() {
        let (mut t, mut stat) = (TimeToLevel::default(), Stat::new());
        for x in [Some(3), None, Some(5), Some(5), None, Some(2)] {
            t.push(x);
            stat.push(x.map_or(f64::NAN, f64::from));
        }
        let s = t.summary(&stat, 10);
        assert_eq!((s.runs, s.runs_reached), (6, 4));
        assert!((s.reached - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(s.if_reached.unwrap().mean, 3.75);
        // S(2) = 5/6, S(3) = 4/6, S(5) = 2/6: the median is 5
        assert_eq!(s.km.median, Some(5.0));
        // a run censored at the very step another reached the level: events first
        let mut t = TimeToLevel::default();
        for x in [Some(10), None, None] {
            t.push(x);
        }
        assert_eq!(t.summary(&Stat::new(), 10).km.median, None);
    }
}
