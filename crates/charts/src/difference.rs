//! Differences between results folders, run by run: each folder's `runs.csv` is read,
//! and every headline metric of an arm is compared with the first arm's (paired by run
//! index when both ran with the same seed and run count, Welch otherwise). Used by
//! `policysim compare` (columns of `compare.csv` and the printed table) and by
//! `policysim sweep --baseline` (columns of `sweep.csv`).
//!
//! Times to a level (t10, t50, t90) are censored where a run never got there; they are
//! compared as restricted mean times (each run's time, or the horizon where it never got
//! there; [`policysim_model::paired::restricted_mean_difference`]), over every run, never
//! over the runs that reached the level only.

use policysim_model::paired::{difference, restricted_mean_difference, Difference, Pairing};
use policysim_model::stats::mean_ci_of as mean_ci;
use policysim_model::{Error, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The headline metrics read per run, in column order (`observed_rmse` only where a
/// `runs.csv` has the column): the first columns of `compare.csv` and the difference
/// columns of `sweep --baseline`.
pub const METRICS: [&str; 15] = [
    "final_share",
    "t10",
    "t50",
    "t90",
    "t10_interp",
    "t50_interp",
    "t90_interp",
    "share_innovation",
    "share_learning",
    "share_competition",
    "share_pilot",
    "share_mandate",
    "final_mean_quality",
    "evaluation_bias",
    "observed_rmse",
];

/// Every metric read per run: [`METRICS`], then the other per-run figures of
/// [`policysim_model::run::figures::RUN_FIGURES`] (the one list) in its order.
pub fn all_metrics() -> Vec<&'static str> {
    let mut all = METRICS.to_vec();
    for f in policysim_model::run::figures::RUN_FIGURES {
        if !all.contains(&f.name) {
            all.push(f.name);
        }
    }
    all
}

/// True for the metrics that are censored where a run never gets there (the times of
/// [`policysim_model::run::figures::RUN_FIGURES`]: t10, t50, t90, promotion and uptake steps).
pub fn is_time(metric: &str) -> bool {
    policysim_model::run::figures::is_time(metric)
}

/// True for t10, t50 and t90 (whole-step and interpolated): times kept even when no run
/// reached them (every run censored);
/// other times (a promotion, an uptake) only where some run has one, since `runs.csv`
/// has their column even where the scenario has no such event.
fn always_kept(metric: &str) -> bool {
    matches!(
        metric,
        "t10" | "t50" | "t90" | "t10_interp" | "t50_interp" | "t90_interp"
    )
}

/// The per-run values of one results folder (from its `runs.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct RunValues {
    /// The file read.
    pub path: PathBuf,
    /// The master seed, when every run names the same one.
    pub seed: Option<u64>,
    /// The run indices, in file order.
    pub runs: Vec<u64>,
    /// Metric -> value of each run (None: empty cell, e.g. a level never reached).
    pub metrics: BTreeMap<String, Vec<Option<f64>>>,
    /// The last step of the runs (the scenario's `steps`), where a time that was never
    /// reached is censored; None when unknown (then times are not compared).
    pub horizon: Option<u32>,
}

impl RunValues {
    /// Reads `runs.csv` of a results folder (or a kept sweep point's folder).
    pub fn read(dir: &Path) -> Result<RunValues> {
        let path = dir.join("runs.csv");
        let bytes = policysim_io::csv_input::read_csv_bytes(
            &path,
            "the per-run results (runs.csv, written by `policysim run`; differences need them)",
        )?;
        let mut values = RunValues::parse(path, &bytes)?;
        // the horizon of the times: `steps` of the folder's summary.json, when it has one
        let summary = dir.join("summary.json");
        if summary.is_file() {
            let text = policysim_io::capped_read::read_limited(
                &summary,
                policysim_io::capped_read::max_data_file_bytes(),
            )
            .map_err(|e| Error::input_in(&summary, format!("cannot read: {e}")))?;
            values.horizon = Some(horizon_of_summary(&text).ok_or_else(|| {
                Error::input_in(
                    &summary,
                    "no whole number `steps` (the horizon of the times to a level); not written by policysim",
                )
            })?);
        }
        Ok(values)
    }

    /// The same values with the horizon of their times set to `steps`.
    pub fn with_horizon(mut self, steps: u32) -> RunValues {
        self.horizon = Some(steps);
        self
    }

    /// Parses the text of a `runs.csv` (`path` names it in errors).
    pub fn parse(path: PathBuf, bytes: &[u8]) -> Result<RunValues> {
        let mut reader = policysim_io::csv_input::CsvLayout::default().reader(bytes);
        let bad = |line: u64, what: String| Error::input_in(&path, format!("line {line}: {what}"));
        let headers = reader
            .headers()
            .map_err(|e| bad(1, format!("not CSV: {e}")))?
            .clone();
        let column = |name: &str| headers.iter().position(|h| h.trim() == name);
        let (Some(run_col), Some(seed_col)) = (column("run"), column("seed")) else {
            return Err(bad(
                1,
                "missing column `run` or `seed` (expected the header of runs.csv)".into(),
            ));
        };
        let present: Vec<(&str, usize)> = all_metrics()
            .iter()
            .filter_map(|&m| column(m).map(|c| (m, c)))
            .collect();
        let mut metrics: BTreeMap<String, Vec<Option<f64>>> = present
            .iter()
            .map(|(m, _)| (m.to_string(), Vec::new()))
            .collect();
        let (mut runs, mut seeds) = (Vec::new(), Vec::new());
        for (i, record) in reader.records().enumerate() {
            let line = i as u64 + 2;
            let record = record.map_err(|e| bad(line, format!("not CSV: {e}")))?;
            let whole = |col: usize, name: &str| -> Result<u64> {
                let t = record.get(col).unwrap_or("").trim();
                t.parse().map_err(|_| {
                    bad(
                        line,
                        format!("column `{name}` must be a whole number, found `{t}`"),
                    )
                })
            };
            runs.push(whole(run_col, "run")?);
            seeds.push(whole(seed_col, "seed")?);
            for (m, c) in &present {
                let t = record.get(*c).unwrap_or("").trim();
                let v = if t.is_empty() {
                    None
                } else {
                    match t.parse::<f64>() {
                        Ok(v) if v.is_finite() => Some(v),
                        _ => {
                            return Err(bad(
                                line,
                                format!("column `{m}` must be a number or empty, found `{t}`"),
                            ))
                        }
                    }
                };
                metrics.get_mut(*m).expect("listed").push(v);
            }
        }
        if runs.is_empty() {
            return Err(Error::input_in(&path, "no runs (only a header)"));
        }
        // a column that is empty in every run (no observed adoptions) is not a metric
        // here; a time that no run reached is (every run censored at the horizon)
        metrics.retain(|m, v| always_kept(m) || v.iter().any(Option::is_some));
        let seed = seeds.windows(2).all(|w| w[0] == w[1]).then(|| seeds[0]);
        Ok(RunValues {
            path,
            seed,
            runs,
            metrics,
            horizon: None,
        })
    }

    /// True when run r of both folders started from the same stream: the same seed and
    /// the same run indices.
    pub fn pairs_with(&self, other: &RunValues) -> bool {
        self.seed.is_some() && self.seed == other.seed && self.runs == other.runs
    }

    /// The values of a metric (empty when the folder has no such column).
    pub fn values(&self, metric: &str) -> &[Option<f64>] {
        self.metrics.get(metric).map_or(&[], Vec::as_slice)
    }

    /// The horizon two arms' times are compared at: the shorter of their horizons.
    pub fn common_horizon(&self, first: &RunValues) -> Option<u32> {
        Some(self.horizon?.min(first.horizon?))
    }

    /// The difference of this folder's metric to the first arm's (this minus first): for
    /// a time to a level the difference of restricted mean times at the common horizon
    /// (None when a horizon is unknown), for the others the difference of the means.
    pub fn difference_to(&self, first: &RunValues, metric: &str) -> Option<Difference> {
        let (a, b, paired) = (
            first.values(metric),
            self.values(metric),
            self.pairs_with(first),
        );
        if is_time(metric) {
            if a.is_empty() || b.is_empty() {
                return None;
            }
            let tau = f64::from(self.common_horizon(first)?);
            restricted_mean_difference(a, b, tau, paired)
        } else {
            difference(a, b, paired)
        }
    }

    /// The Kaplan–Meier median of a time to a level over this folder's runs (censored at
    /// the horizon) with its 95% interval; None when the horizon is unknown.
    pub fn km_median(&self, metric: &str) -> Option<policysim_model::stats::KmMedian> {
        let steps = self.horizon?;
        let mut times = policysim_model::aggregate::TimeToLevel::default();
        for v in self.values(metric) {
            // a time past the horizon (only in a hand-made file) is censored there; an
            // interpolated time counts at the step it fell in (its whole-step time)
            times.push(
                v.filter(|&t| t <= f64::from(steps))
                    .map(|t| t.max(0.0).ceil() as u32),
            );
        }
        let none = policysim_model::aggregate::Stat::new();
        Some(times.summary(&none, steps).km)
    }
}

/// The `steps` of a results folder's `summary.json` (the horizon of its times), if any.
pub fn horizon_of_summary(bytes: &[u8]) -> Option<u32> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.get("steps")?.as_u64()?.try_into().ok()
}

/// The name of a metric's difference columns: `{m}` or, for a time, `{m}_rmst` (the
/// difference of restricted mean times).
pub fn difference_name(metric: &str) -> String {
    if is_time(metric) {
        format!("{metric}_rmst")
    } else {
        metric.to_string()
    }
}

/// The metrics any of the arms has, in [`all_metrics`] order.
pub fn metrics_of(arms: &[RunValues]) -> Vec<&'static str> {
    all_metrics()
        .iter()
        .copied()
        .filter(|m| arms.iter().any(|a| a.metrics.contains_key(*m)))
        .collect()
}

/// A number for a CSV cell (empty for NaN).
fn cell(x: f64) -> String {
    policysim_io::cells::num(x)
}

/// The difference columns for `metrics`: `{m}_diff, _diff_ci_low, _diff_ci_high, _diff_n`
/// and, with `relative`, `{m}_rel_pct, _rel_pct_ci_low, _rel_pct_ci_high`; for a time `t`
/// the same after `{t}_rmst_horizon`, named `{t}_rmst_diff` ... (restricted mean times).
pub fn header(metrics: &[&str], relative: bool) -> Vec<String> {
    let mut h = Vec::new();
    for m in metrics {
        let m = difference_name(m);
        if m.ends_with("_rmst") {
            h.push(format!("{m}_horizon"));
        }
        for f in ["diff", "diff_ci_low", "diff_ci_high", "diff_n"] {
            h.push(format!("{m}_{f}"));
        }
        if relative {
            for f in ["rel_pct", "rel_pct_ci_low", "rel_pct_ci_high"] {
                h.push(format!("{m}_{f}"));
            }
        }
    }
    h
}

/// The cells of [`header`] for one arm compared with `first`.
pub fn cells(arm: &RunValues, first: &RunValues, metrics: &[&str], relative: bool) -> Vec<String> {
    let mut row = Vec::new();
    for m in metrics {
        if is_time(m) {
            row.push(
                arm.common_horizon(first)
                    .map_or(String::new(), |h| h.to_string()),
            );
        }
        match arm.difference_to(first, m) {
            Some(d) => {
                row.extend([cell(d.diff), cell(d.low), cell(d.high), d.n.to_string()]);
                if relative {
                    row.extend([cell(d.rel_pct), cell(d.rel_low), cell(d.rel_high)]);
                }
            }
            None => row.extend(std::iter::repeat_n(
                String::new(),
                if relative { 7 } else { 4 },
            )),
        }
    }
    row
}

/// How an arm is compared with the first: `paired` or `welch`.
pub fn pairing(arm: &RunValues, first: &RunValues) -> Pairing {
    if arm.pairs_with(first) {
        Pairing::Paired
    } else {
        Pairing::Welch
    }
}

/// A number with 4 significant digits for the printed table.
fn short(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    format!("{x:.digits$}")
}

/// `value [low, high]`, the interval left out where it is not defined.
fn with_interval(v: f64, low: f64, high: f64, sign: bool, unit: &str) -> String {
    let v_text = if sign && v >= 0.0 {
        format!("+{}", short(v))
    } else {
        short(v)
    };
    if low.is_nan() {
        format!("{v_text}{unit}")
    } else {
        format!(
            "{v_text}{unit} [{}{unit}, {}{unit}]",
            short(low),
            short(high)
        )
    }
}

/// A whole step, or "undefined" (a Kaplan–Meier bound that does not exist).
fn step_text(x: Option<f64>) -> String {
    x.map_or("undefined".to_string(), |v| format!("{v}"))
}

/// An arm's line for a time to a level: the Kaplan–Meier median with its interval and the
/// restricted mean with its interval, and how many runs reached the level.
fn time_text(arm: &RunValues, m: &str) -> String {
    let values = arm.values(m);
    let reached = values.iter().flatten().count();
    let Some(steps) = arm.horizon else {
        return format!(
            "{reached} of {} runs reached it (horizon unknown: no summary.json)",
            arm.runs.len()
        );
    };
    let km = arm.km_median(m).unwrap_or_default();
    let median = match km.median {
        Some(v) => format!(
            "KM median {v} [{}, {}]",
            step_text(km.low),
            step_text(km.high)
        ),
        None => "KM median not reached".to_string(),
    };
    let rmst = match policysim_model::paired::restricted_mean(values, f64::from(steps)) {
        Some(c) => format!(
            "restricted mean {}",
            with_interval(c.mean, c.low, c.high, false, "")
        ),
        None => "no restricted mean".to_string(),
    };
    format!(
        "{median}; {rmst}  ({reached} of {} runs reached it within {steps} steps)",
        arm.runs.len()
    )
}

/// Why an arm has no difference to the first, in words that are true.
fn no_difference(arm: &RunValues, first: &RunValues, m: &str) -> String {
    let count = |v: &RunValues| v.values(m).iter().flatten().count();
    if is_time(m) {
        return match arm.common_horizon(first) {
            None => "difference: the horizon of an arm is unknown (no summary.json)".to_string(),
            Some(_) => "difference: fewer than 2 runs in an arm".to_string(),
        };
    }
    if arm.pairs_with(first) {
        let both = first
            .values(m)
            .iter()
            .zip(arm.values(m))
            .filter(|(a, b)| a.is_some() && b.is_some())
            .count();
        format!("difference: {both} pair(s) with a value in both arms, 2 needed")
    } else {
        format!(
            "difference: {} and {} runs with a value, 2 needed in each arm",
            count(first),
            count(arm)
        )
    }
}

/// The printed comparison: for every metric, each arm's mean [95% CI] (for a time to a
/// level its Kaplan–Meier median and restricted mean) and its difference to the first
/// arm with its 95% CI, how it was paired, and the relative change.
pub fn report(labels: &[String], arms: &[RunValues]) -> String {
    let Some(first) = arms.first() else {
        return String::new();
    };
    let width = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut out = String::from(
        "means with their 95% confidence intervals; differences are to the first folder (arm minus first)\n",
    );
    for m in metrics_of(arms) {
        out.push('\n');
        out.push_str(m);
        if is_time(m) {
            out.push_str(
                "  (Kaplan–Meier median and restricted mean time, a run that never reached the level counted at the horizon; differences of restricted means over every run)",
            );
        }
        out.push('\n');
        for (label, arm) in labels.iter().zip(arms) {
            let pad = width - label.chars().count();
            let text = if is_time(m) {
                time_text(arm, m)
            } else {
                let values: Vec<f64> = arm.values(m).iter().flatten().copied().collect();
                let mean = match mean_ci(&values) {
                    Some(c) => with_interval(c.mean, c.low, c.high, false, ""),
                    None => "no value".into(),
                };
                format!("{mean}  ({} runs)", values.len())
            };
            let mut line = format!("  {label}{} {text}", " ".repeat(pad));
            if !std::ptr::eq(arm, first) {
                match arm.difference_to(first, m) {
                    Some(d) => {
                        let used = match d.pairing {
                            Pairing::Paired => format!("paired, {} pairs", d.n),
                            Pairing::Welch => format!("welch, {} runs", d.n),
                        };
                        let what = if is_time(m) {
                            "restricted mean difference"
                        } else {
                            "difference"
                        };
                        line.push_str(&format!(
                            "   {what} {} ({used})",
                            with_interval(d.diff, d.low, d.high, true, "")
                        ));
                        if !d.rel_pct.is_nan() {
                            line.push_str(&format!(
                                ", {}",
                                with_interval(d.rel_pct, d.rel_low, d.rel_high, true, "%")
                            ));
                        }
                    }
                    None => {
                        line.push_str("   ");
                        line.push_str(&no_difference(arm, first, m));
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arm(t50: &[&str], steps: Option<u32>) -> RunValues {
        let mut text = String::from("run,seed,final_share,t50\n");
        for (r, t) in t50.iter().enumerate() {
            text.push_str(&format!("{r},1,0.5,{t}\n"));
        }
        let v = RunValues::parse(PathBuf::from("runs.csv"), text.as_bytes()).unwrap();
        match steps {
            Some(s) => v.with_horizon(s),
            None => v,
        }
    }

    #[test]
    fn times_are_compared_at_the_shorter_horizon_and_never_without_one() {
        let a = arm(&["4", "", "10", "6"], Some(10));
        // a time past the horizon (a hand-made file) counts at the horizon, allocating nothing
        let b = arm(&["5", "1e12", "", "7"], Some(8));
        assert_eq!(b.common_horizon(&a), Some(8));
        // restricted at 8: a 4, 8, 8, 6; b 5, 8, 8, 7: differences 1, 0, 0, 1
        let d = b.difference_to(&a, "t50").unwrap();
        assert_eq!((d.pairing, d.n), (Pairing::Paired, 4));
        assert!((d.diff - 0.5).abs() < 1e-12, "{d:?}");
        // S(5) = 3/4, S(7) = 3/4 · 2/3 = 1/2 (the two censored at 8 still at risk)
        assert_eq!(b.km_median("t50").unwrap().median, Some(7.0));
        let cells = cells(&b, &a, &["t50"], false);
        assert_eq!(header(&["t50"], false)[0], "t50_rmst_horizon");
        assert_eq!((cells[0].as_str(), cells[1].as_str()), ("8", "0.5"));
        // no horizon, no difference of times (and the printed table says why)
        let unknown = arm(&["4", "5", "", "6"], None);
        assert!(unknown.difference_to(&a, "t50").is_none());
        // no run reached the level: every run at the horizon, still compared
        let never = arm(&["", "", "", ""], Some(10));
        let d = never.difference_to(&a, "t50").unwrap();
        assert!((d.diff - 2.5).abs() < 1e-12 && d.n == 4, "{d:?}"); // 10 - mean(4, 10, 10, 6)
        let text = report(&["a".into(), "u".into()], &[a.clone(), unknown]);
        assert!(text.contains("horizon of an arm is unknown"), "{text}");
        // a mean metric with one pair: the table says so, not "fewer than 2 runs in each"
        let one = RunValues::parse(
            PathBuf::from("runs.csv"),
            b"run,seed,final_share\n0,1,0.5\n1,1,\n2,1,\n3,1,\n",
        )
        .unwrap();
        let text = report(&["a".into(), "o".into()], &[a, one]);
        assert!(
            text.contains("1 pair(s) with a value in both arms, 2 needed"),
            "{text}"
        );
    }
}
