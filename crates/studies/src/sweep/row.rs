//! One row of `sweep.csv` and its header: the swept values, each metric's mean with its
//! 95% CI and 5-95% spread, censored times as such, the per-run figures a point reports
//! and, with observed adoptions, the RMSE against them.

use super::value_text;
use policysim_io::cells::{csv_field, num};
use policysim_io::observed::Observed;
use policysim_io::output;
use policysim_model::ensemble::EnsembleResult;
use policysim_model::model::Channel;
use policysim_model::run::figures::RUN_FIGURES;
use policysim_model::run::series;
use policysim_model::scenario::Scenario;
use policysim_model::stats::share_rmse;
use std::fmt::Write as _;

/// The `sweep.csv` header for these keys (with `observed_rmse` and its bootstrap interval last when the points are
/// compared with observed adoptions): means with their 95% CI and 5-95% spread
/// ([`output::MEAN_COLUMNS`]), t10/t50/t90 as censored times ([`output::TIME_COLUMNS`]).
///
/// Then the other per-run figures of [`RUN_FIGURES`] that a point reports (`extra`, see
/// `extra_figures`): a time with [`output::TIME_COLUMNS`], the others with
/// [`output::MEAN_COLUMNS`] (empty cells at a point that does not report it).
pub fn sweep_header(keys: &[String], observed: bool, extra: &[usize]) -> String {
    let mut h = String::from("point");
    for k in keys {
        h.push(',');
        h.push_str(&csv_field(k));
    }
    h.push_str(",seed,runs");
    let group = |h: &mut String, m: &str, suffixes: &[&str]| {
        for s in suffixes {
            let _ = write!(h, ",{m}_{s}");
        }
    };
    group(&mut h, "final_share", &output::MEAN_COLUMNS);
    for m in ["t10", "t50", "t90"] {
        group(&mut h, m, &output::TIME_COLUMNS);
    }
    for c in Channel::ALL {
        group(
            &mut h,
            &format!("share_{}", c.name()),
            &output::MEAN_COLUMNS,
        );
    }
    for m in ["final_mean_quality", "lineages", "evaluation_bias"] {
        group(&mut h, m, &output::MEAN_COLUMNS);
    }
    for &k in extra {
        let f = &RUN_FIGURES[k];
        let columns: &[&str] = if f.time {
            &output::TIME_COLUMNS
        } else {
            &output::MEAN_COLUMNS
        };
        group(&mut h, f.name, columns);
    }
    if observed {
        h.push_str(",observed_rmse,observed_rmse_ci_low,observed_rmse_ci_high");
    }
    h
}

/// The figures of [`RUN_FIGURES`] that `sweep.csv` always has columns for (with `lineages`,
/// which is read from the curves).
pub(super) const BASE_FIGURES: [&str; 12] = [
    "final_share",
    "t10",
    "t50",
    "t90",
    "share_innovation",
    "share_learning",
    "share_competition",
    "share_pilot",
    "share_mandate",
    "final_mean_quality",
    "evaluation_bias",
    "lineages",
];

/// The indices in [`RUN_FIGURES`] of the figures beyond [`BASE_FIGURES`] that any of
/// `points` reports: `sweep.csv` gains their columns (so a sweep of scenarios that
/// report none keeps its columns).
pub(super) fn extra_figures(points: &[Scenario]) -> Vec<usize> {
    (0..RUN_FIGURES.len())
        .filter(|&k| {
            let f = &RUN_FIGURES[k];
            !BASE_FIGURES.contains(&f.name) && points.iter().any(|p| (f.reported)(p))
        })
        .collect()
}

/// The extra figures whose columns a `sweep.csv` header has (the inverse of
/// [`sweep_header`]'s `extra`).
pub(super) fn extra_figures_of_header(header: &str) -> Vec<usize> {
    let columns: Vec<&str> = header.split(',').collect();
    (0..RUN_FIGURES.len())
        .filter(|&k| {
            let f = &RUN_FIGURES[k];
            let first = if f.time {
                format!("{}_reached", f.name)
            } else {
                format!("{}_mean", f.name)
            };
            !BASE_FIGURES.contains(&f.name) && columns.contains(&first.as_str())
        })
        .collect()
}

/// One `sweep.csv` row (without newline) of a point's ensemble result (the point's
/// scenario gives its number of runs and which figures it reports); with observed
/// adoptions, the RMSE of the point's mean share against them comes last.
pub fn sweep_row(
    index: usize,
    values: &[toml::Value],
    seed: u64,
    result: &EnsembleResult,
    observed: Option<&Observed>,
    scenario: &Scenario,
    extra: &[usize],
) -> String {
    let mut row = index.to_string();
    for v in values {
        row.push(',');
        row.push_str(&csv_field(&value_text(v)));
    }
    let _ = write!(row, ",{seed},{}", scenario.runs);
    let r = &result.runs;
    let last = result.curves.rows.saturating_sub(1);
    row.push_str(&output::mean_cells(r.final_share.summary()));
    let times = r.time_summaries(last as u32);
    for (t, stat) in times.iter().zip([&r.t10, &r.t50, &r.t90]) {
        row.push_str(&output::time_cells(t, stat.summary()));
    }
    for c in &r.channel_shares {
        row.push_str(&output::mean_cells(c.summary()));
    }
    row.push_str(&output::mean_cells(r.final_mean_quality.summary()));
    let lineages = result.curves.cell(last, series::LINEAGES).summary();
    row.push_str(&output::mean_cells(lineages));
    row.push_str(&output::mean_cells(r.evaluation_bias.summary()));
    for &k in extra {
        let f = &RUN_FIGURES[k];
        let n = if f.time {
            output::TIME_COLUMNS.len()
        } else {
            output::MEAN_COLUMNS.len()
        };
        if !(f.reported)(scenario) {
            // a figure this point does not report: empty cells, never a number
            row.push_str(&",".repeat(n));
            continue;
        }
        match r.figure(k, last as u32) {
            (stat, Some(time)) => row.push_str(&output::time_cells(&time, stat)),
            (stat, None) => row.push_str(&output::mean_cells(stat)),
        }
    }
    if let Some(o) = observed {
        let share = o.share();
        let rmse = share_rmse(&share, &result.mean_share());
        let (low, high) = result
            .rmse_interval(&share)
            .map_or((String::new(), String::new()), |(a, b)| (num(a), num(b)));
        let _ = write!(row, ",{},{low},{high}", rmse.map_or(String::new(), num));
    }
    row
}
