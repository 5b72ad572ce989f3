//! Several results folders side by side: their adoption curves (mean and 5-95% band)
//! overlaid in `compare.{png,svg}` and their key figures in `compare.csv`, with each
//! folder's difference to the first (see [`super::difference`]).

use super::curves::{draw_lines_with_bands, titled, BandSeries, LinesPanel};
use super::read::{Stat, TimeStat};
use super::style::{category_color, Style};
use super::{save_figure, ChartOptions, Figure, RunData};
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_io::output::write_atomic;
use policysim_model::{Error, Result};
use std::path::{Path, PathBuf};

/// The comparison chart of several results.
pub struct CompareChart {
    /// The results with their legend labels.
    pub runs: Vec<(String, RunData)>,
}

impl CompareChart {
    /// Whether every result shows calendar years with the same start (then x is years).
    fn years(&self) -> Option<f64> {
        let first = self.runs.first()?.1.summary.start_year?;
        self.runs
            .iter()
            .all(|(_, r)| r.summary.start_year == Some(first))
            .then_some(first)
    }
}

impl Figure for CompareChart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let w = style.words();
        // with --title: that, then the subject; else the comparison's own title
        let title = match &style.heading {
            Some(_) => style.title("", w.adoption_title),
            None => w.compare_title.to_string(),
        };
        let area = titled(root, &title, style)?;
        let start = self.years();
        let series = self
            .runs
            .iter()
            .enumerate()
            .map(|(i, (label, r))| {
                BandSeries::from_curve(
                    label.clone(),
                    category_color(i),
                    r.curves.get("adopted_share").unwrap_or(&[]),
                    |t| start.map_or(t, |y| y + t),
                    100.0,
                    true,
                    false,
                )
            })
            .collect();
        let units: Vec<&str> = self.runs.iter().map(|(_, r)| r.summary.unit()).collect();
        let unit = if units.windows(2).all(|p| p[0] == p[1]) {
            units.first().copied().unwrap_or("step")
        } else {
            "step"
        };
        let panel = LinesPanel {
            x_label: style.x_label(unit, start.is_some()),
            y_label: w.adopted_share_pct.to_string(),
            series,
            y_range: Some((0.0, 100.0)),
            x_integer: true,
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}

fn num(v: Option<f64>) -> String {
    v.map(|v| format!("{v}")).unwrap_or_default()
}

use policysim_io::output::{MEAN_COLUMNS as MEAN_FIELDS, TIME_COLUMNS};

fn stat_field(s: &Stat, field: &str) -> Option<f64> {
    match field {
        "mean" => s.mean,
        "ci_low" => s.ci_low,
        "ci_high" => s.ci_high,
        "p05" => s.p05,
        "p50" => s.p50,
        "p95" => s.p95,
        _ => s.n,
    }
}

/// The columns of a censored time `m` (t10, t50, t90).
fn time_columns(m: &str) -> Vec<String> {
    TIME_COLUMNS.iter().map(|f| format!("{m}_{f}")).collect()
}

fn time_cells(row: &mut Vec<String>, t: Option<&TimeStat>) {
    let r = t.and_then(|t| t.if_reached);
    let cells = [
        t.and_then(|t| t.reached),
        t.and_then(|t| t.km_median),
        t.and_then(|t| t.km_median_ci_low),
        t.and_then(|t| t.km_median_ci_high),
        r.and_then(|s| s.mean),
        r.and_then(|s| s.ci_low),
        r.and_then(|s| s.ci_high),
        r.and_then(|s| s.p05),
        r.and_then(|s| s.p95),
    ];
    row.extend(cells.map(num));
}

/// The key figures of each result, one row per scenario (the content of `compare.csv`):
/// means with their 95% confidence intervals (`_ci_low`, `_ci_high`) next to the 5-95%
/// spread over runs (`_p05`, `_p95`), and t10/t50/t90 as censored times.
pub fn compare_table(runs: &[(String, RunData)]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header: Vec<String> = ["scenario", "folder", "runs", "steps", "n"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let means = ["final_share", "evaluation_bias", "final_mean_quality"];
    let channels: Vec<String> = super::style::CHANNELS
        .iter()
        .map(|c| format!("share_{c}"))
        .collect();
    let mean_group = |header: &mut Vec<String>, m: &str| {
        header.extend(MEAN_FIELDS.iter().map(|f| format!("{m}_{f}")));
    };
    mean_group(&mut header, means[0]);
    for t in ["t10", "t50", "t90"] {
        header.extend(time_columns(t));
    }
    header.push("promoted_at_p50".into());
    for m in &means[1..] {
        mean_group(&mut header, m);
    }
    for c in &channels {
        mean_group(&mut header, c);
    }
    let rows = runs
        .iter()
        .map(|(label, r)| {
            let s = &r.summary;
            let mut row = vec![
                s.scenario.clone(),
                label.clone(),
                s.runs.map(|v| v.to_string()).unwrap_or_default(),
                s.steps.map(|v| v.to_string()).unwrap_or_default(),
                s.n.map(|v| v.to_string()).unwrap_or_default(),
            ];
            let mean_cells = |row: &mut Vec<String>, stat: Option<&Stat>| {
                row.extend(
                    MEAN_FIELDS
                        .iter()
                        .map(|f| num(stat.and_then(|s| stat_field(s, f)))),
                );
            };
            mean_cells(&mut row, s.final_share.as_ref());
            for t in [&s.t10, &s.t50, &s.t90] {
                time_cells(&mut row, t.as_ref());
            }
            row.push(num(s.promoted_at.and_then(|p| p.p50)));
            mean_cells(&mut row, s.evaluation_bias.as_ref());
            mean_cells(&mut row, s.final_mean_quality.as_ref());
            for c in super::style::CHANNELS {
                mean_cells(&mut row, s.channel_shares.get(c).and_then(|st| st.as_ref()));
            }
            row
        })
        .collect();
    (header, rows)
}

/// Appends to `compare.csv` each row's difference to the first row, metric by metric
/// (`pairing`, then the columns of [`super::difference::header`]; empty in the first row).
fn add_differences(
    arms: &[super::difference::RunValues],
    header: &mut Vec<String>,
    rows: &mut [Vec<String>],
) {
    use super::difference as d;
    let metrics = d::metrics_of(arms);
    // each arm's restricted mean time to every level (at its own horizon), with its CI
    let times: Vec<&str> = metrics.iter().copied().filter(|m| d::is_time(m)).collect();
    for t in &times {
        for f in ["rmst", "rmst_ci_low", "rmst_ci_high"] {
            header.push(format!("{t}_{f}"));
        }
    }
    for (row, arm) in rows.iter_mut().zip(arms) {
        for t in &times {
            let mean = arm.horizon.and_then(|h| {
                policysim_model::paired::restricted_mean(arm.values(t), f64::from(h))
            });
            let cell = |x: Option<f64>| {
                x.filter(|v| v.is_finite())
                    .map_or(String::new(), policysim_io::cells::num)
            };
            row.extend([
                cell(mean.map(|c| c.mean)),
                cell(mean.map(|c| c.low)),
                cell(mean.map(|c| c.high)),
            ]);
        }
    }
    header.push("pairing".into());
    let columns = d::header(&metrics, true);
    let width = columns.len();
    header.extend(columns);
    let Some(first) = arms.first() else {
        return;
    };
    for (i, (row, arm)) in rows.iter_mut().zip(arms).enumerate() {
        if i == 0 {
            row.extend(std::iter::repeat_n(String::new(), 1 + width));
        } else {
            row.push(d::pairing(arm, first).name().into());
            row.extend(d::cells(arm, first, &metrics, true));
        }
    }
}

/// Overlays the adoption curves (mean + 5-95% band) of several results folders,
/// labelled by scenario name, into `out/compare.{png,svg}` and writes `out/compare.csv`
/// with their key summary figures side by side and, from `arms` (the folders' per-run
/// values, [`super::difference::RunValues::read`], in the same order), each arm's
/// difference to the first. Returns the files written.
pub fn draw_compare(
    dirs: &[PathBuf],
    arms: &[super::difference::RunValues],
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>> {
    let folders = read_folders(dirs)?;
    let bytes = table_bytes(&folders, arms)?;
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let chart = CompareChart::of(&folders);
    let mut written = save_figure(&chart, out, "compare", opts)?;
    let csv_path = out.join("compare.csv");
    write_atomic(&csv_path, &bytes)?;
    written.push(csv_path);
    Ok(written)
}

/// The `compare.csv` bytes `policysim compare dirs` writes (`arms` read from the same
/// folders, in the same order), without writing anything.
pub fn compare_csv(dirs: &[PathBuf], arms: &[super::difference::RunValues]) -> Result<Vec<u8>> {
    table_bytes(&read_folders(dirs)?, arms)
}

/// Draws only the chart of `policysim compare dirs` into `out/compare.{png,svg}`.
pub fn draw_compare_chart(
    dirs: &[PathBuf],
    out: &Path,
    opts: &ChartOptions,
) -> Result<Vec<PathBuf>> {
    let folders = read_folders(dirs)?;
    save_figure(&CompareChart::of(&folders), out, "compare", opts)
}

/// The results folders with their names as given.
fn read_folders(dirs: &[PathBuf]) -> Result<Vec<(String, RunData)>> {
    if dirs.is_empty() {
        return Err(Error::Input(
            "compare needs at least one results folder".into(),
        ));
    }
    dirs.iter()
        .map(|d| Ok((d.display().to_string(), RunData::read(d)?)))
        .collect()
}

impl CompareChart {
    /// The chart of the folders; legend labels: the scenario name, with the folder added
    /// where names repeat.
    fn of(folders: &[(String, RunData)]) -> CompareChart {
        let runs = folders
            .iter()
            .map(|(folder, r)| {
                let name = &r.summary.scenario;
                let dup = folders
                    .iter()
                    .filter(|(_, o)| o.summary.scenario == *name)
                    .count()
                    > 1;
                let label = if dup {
                    format!("{name} ({folder})")
                } else {
                    name.clone()
                };
                (label, r.clone())
            })
            .collect();
        CompareChart { runs }
    }
}

/// The bytes of `compare.csv`.
fn table_bytes(
    folders: &[(String, RunData)],
    arms: &[super::difference::RunValues],
) -> Result<Vec<u8>> {
    let (mut header, mut rows) = compare_table(folders);
    add_differences(arms, &mut header, &mut rows);
    let mut text = policysim_io::cells::csv_row(&header);
    for r in &rows {
        text.push_str(&policysim_io::cells::csv_row(r));
    }
    Ok(text.into_bytes())
}
