//! Sweep charts drawn from a sweep folder (`sweep.csv`, `sweep.json`): for two swept keys
//! in a grid, a heatmap of one metric with the quadrant labels beside it (the typology
//! map, `heatmap.rs`); for one key (or a zip), the metric against the key with its
//! 90% band.

use super::exec::{SWEEP_CSV, SWEEP_JSON};
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_charts::curves::{
    draw_lines_with_bands, panel_legend_width, titled, BandSeries, LinesPanel,
};
use policysim_charts::style::{category_color, Style};
use policysim_charts::{save_figure, ChartOptions, Figure, Lang};
use policysim_model::error::{Error, Result};
use policysim_model::run::figures::RUN_FIGURES;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// Censored times to a share adopted: charted as their Kaplan–Meier median
/// (`<name>_km_median`) with its 95% CI, a point where fewer than half of the runs reached
/// the level marked as such.
pub const TIME_METRICS: [&str; 3] = ["t10", "t50", "t90"];

/// Every metric a sweep chart can show: every per-run figure of
/// [`policysim_model::run::figures::RUN_FIGURES`] (the one list), `lineages` and, for a
/// sweep compared with observed adoptions, `observed_rmse`.
pub fn metrics() -> Vec<String> {
    let mut m: Vec<String> = RUN_FIGURES.iter().map(|f| f.name.to_string()).collect();
    m.push("lineages".into());
    m.push("observed_rmse".into());
    m
}

/// The level (10, 50, 90) of a time to a share adopted, None for other metrics.
pub(super) fn time_level(metric: &str) -> Option<&str> {
    TIME_METRICS
        .contains(&metric)
        .then(|| metric.trim_start_matches('t'))
}

/// Checks a `--metric` value.
pub fn check_metric(metric: &str) -> Result<()> {
    let all = metrics();
    if all.iter().any(|m| m == metric) {
        Ok(())
    } else {
        Err(Error::Input(format!(
            "--metric `{metric}`: unknown metric (allowed: {})",
            all.join(", ")
        )))
    }
}

/// Refuses a per-run figure as `--metric` when no point of the sweep reports it (e.g.
/// `uptake_regret` where the centre does not take variants up): a clear message before
/// any work, never a chart of empty or made-up values.
pub fn check_reported(
    metric: &str,
    base: &policysim_model::scenario::Scenario,
    sweep: &super::Sweep,
) -> Result<()> {
    let Some(f) = policysim_model::run::figures::figure(metric) else {
        return Ok(());
    };
    for i in 0..sweep.len() {
        if (f.reported)(&sweep.point_scenario(base, i)?) {
            return Ok(());
        }
    }
    Err(Error::Input(format!(
        "--metric `{metric}`: no point of this {} reports it (the scenario has no such figure: see the list of per-run figures in docs/sweeps.md)",
        if sweep.len() == 1 { "run" } else { "sweep" }
    )))
}

/// The chart title subject and axis description of a metric, in `lang`.
pub fn metric_label(metric: &str, style: &Style, time_unit: &str) -> String {
    let zh = style.lang == Lang::Zh;
    let unit = policysim_charts::style::time_unit_name(time_unit, style.lang);
    let t = |p: &str| {
        if zh {
            format!("达到{p}%采纳所需时间({unit})")
        } else {
            format!("Time to {p}% adopted ({unit}s)")
        }
    };
    if let Some(f) = policysim_model::run::figures::figure(metric) {
        if !TIME_METRICS.contains(&metric) && !metric.starts_with("share_") {
            return if zh { f.zh.into() } else { f.en.into() };
        }
    }
    match metric {
        "final_share" if zh => "最终采纳比例".into(),
        "final_share" => "Final adopted share".into(),
        "t10" => t("10"),
        "t50" => t("50"),
        "t90" => t("90"),
        "final_mean_quality" if zh => "最终采纳版本的平均质量".into(),
        "final_mean_quality" => "Final mean quality of adopted versions".into(),
        "lineages" if zh => "期末谱系数(版本多样性)".into(),
        "lineages" => "Lineages at the end (variant diversity)".into(),
        "evaluation_bias" if zh => "试点评估偏差".into(),
        "evaluation_bias" => "Pilot evaluation bias".into(),
        "observed_rmse" if zh => "与实际采纳曲线的均方根误差".into(),
        "observed_rmse" => "RMSE against the observed adoption curve".into(),
        m => match m.strip_prefix("share_") {
            Some(c) if zh => format!("经{}采纳的比例", style.channel_name(c)),
            Some(c) => format!(
                "Share adopted through {}",
                style.channel_name(c).to_lowercase()
            ),
            None => m.to_string(),
        },
    }
}

/// A value with its band (low, high) at one point; absent where the cell is empty.
type Banded = (Option<f64>, Option<f64>, Option<f64>);

/// What a sweep folder offers for drawing.
pub(super) struct SweepData {
    pub(super) scenario: policysim_charts::title::Heading,
    pub(super) time_unit: String,
    pub(super) runs: u64,
    mode: String,
    pub(super) keys: Vec<String>,
    /// Per key: tick text and position (number, distribution mean, or None).
    pub(super) ticks: Vec<Vec<(String, Option<f64>)>>,
    /// Per key: true when its values are distributions (ticks are their means).
    pub(super) dist: Vec<bool>,
    /// Quadrant labels: (x high, y high, text).
    pub(super) labels: Vec<(bool, bool, String)>,
    /// Readable axis names by key: (English, Chinese).
    pub(super) axis_labels: std::collections::HashMap<String, (String, String)>,
    /// A fixed colour scale of the map (`color_range`); None: the data's range.
    pub(super) color_range: Option<(f64, f64)>,
    /// Per point: (value, low, high) of the metric: the mean and the 5-95% spread, or for a
    /// time the Kaplan–Meier median and its 95% CI.
    pub(super) values: Vec<(Option<f64>, Option<f64>, Option<f64>)>,
    /// Per point, for a time: true when fewer than half of the runs reached the level.
    pub(super) not_reached: Vec<bool>,
    /// With `--baseline`: per point (difference, 95% CI low, high) to the baseline point.
    diffs: Option<Vec<Banded>>,
    /// The baseline as `key = value` (with `--baseline`).
    baseline: Option<String>,
}

fn read_data(dir: &Path, metric: &str) -> Result<SweepData> {
    let json_path = dir.join(SWEEP_JSON);
    let text = policysim_io::capped_read::read_folder_text(&json_path)?;
    let meta: Value = serde_json::from_str(&text)
        .map_err(|e| Error::input_in(&json_path, format!("not valid JSON: {e}")))?;
    let str_of = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mode = str_of(&meta["mode"]);
    let mut keys: Vec<String> = meta["keys"]
        .as_array()
        .map(|a| a.iter().map(str_of).collect())
        .unwrap_or_default();
    let mut ticks = Vec::new();
    let mut dist = Vec::new();
    for k in 0..keys.len() {
        let texts = meta["values"][k].as_array().cloned().unwrap_or_default();
        let pos = meta["ticks"][k].as_array().cloned().unwrap_or_default();
        ticks.push(
            texts
                .iter()
                .enumerate()
                .map(|(i, t)| (str_of(t), pos.get(i).and_then(Value::as_f64)))
                .collect::<Vec<_>>(),
        );
        dist.push(texts.iter().all(|t| {
            t.as_str()
                .is_some_and(|s| s.contains('(') && s.contains('='))
        }));
    }
    // Keys with a single value do not vary: the chart is drawn over the others.
    if keys.len() > 1 && mode != "zip" {
        let varying: Vec<usize> = (0..keys.len()).filter(|&k| ticks[k].len() > 1).collect();
        if !varying.is_empty() && varying.len() < keys.len() {
            keys = varying.iter().map(|&k| keys[k].clone()).collect();
            ticks = varying.iter().map(|&k| ticks[k].clone()).collect();
            dist = varying.iter().map(|&k| dist[k]).collect();
        }
    }
    let labels = meta["labels"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|l| {
                    (
                        l["x"].as_str() == Some("high"),
                        l["y"].as_str() == Some("high"),
                        str_of(&l["text"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default();

    let axis_labels = meta["axis_labels"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), (str_of(&v["en"]), str_of(&v["zh"]))))
                .collect()
        })
        .unwrap_or_default();
    let color_range = meta["color_range"].as_array().and_then(|a| {
        let lo = a.first()?.as_f64()?;
        let hi = a.get(1)?.as_f64()?;
        (lo < hi).then_some((lo, hi))
    });

    let csv_path = dir.join(SWEEP_CSV);
    let mut reader = policysim_io::csv_input::read_csv(
        &csv_path,
        "the table of a sweep (sweep.csv)",
        policysim_io::csv_input::CsvLayout::default(),
    )?;
    let header = reader
        .headers()
        .map_err(|e| policysim_io::csv_input::csv_error(&csv_path, &e))?
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let time = policysim_model::run::figures::is_time(metric);
    let (mean, p05, p95) = if time {
        (
            col(&format!("{metric}_km_median")),
            col(&format!("{metric}_km_median_ci_low")),
            col(&format!("{metric}_km_median_ci_high")),
        )
    } else if metric != "observed_rmse" {
        (
            col(&format!("{metric}_mean")),
            col(&format!("{metric}_p05")),
            col(&format!("{metric}_p95")),
        )
    } else if metric == "observed_rmse" {
        (
            col(metric),
            col("observed_rmse_ci_low"),
            col("observed_rmse_ci_high"),
        )
    } else {
        (col(metric), None, None)
    };
    let reached = time.then(|| col(&format!("{metric}_reached"))).flatten();
    let mean = mean.ok_or_else(|| {
        Error::input_in(
            &csv_path,
            format!("no column for the metric `{metric}`: no point of this sweep's scenario reports it (see the figures each scenario reports in docs/sweeps.md)"),
        )
    })?;
    // a time's difference is that of restricted mean times (`t50_rmst_diff` ...)
    let named = policysim_charts::difference::difference_name(metric);
    let diff_cols = (
        col(&format!("{named}_diff")),
        col(&format!("{named}_diff_ci_low")),
        col(&format!("{named}_diff_ci_high")),
    );
    let mut diffs = diff_cols.0.map(|_| Vec::new());
    let mut values = Vec::new();
    let mut not_reached = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| policysim_io::csv_input::csv_error(&csv_path, &e))?;
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|v| v.is_finite())
        };
        values.push((get(Some(mean)), get(p05), get(p95)));
        not_reached.push(get(reached).is_some_and(|r| r < 0.5));
        if let Some(d) = diffs.as_mut() {
            d.push((get(diff_cols.0), get(diff_cols.1), get(diff_cols.2)));
        }
    }
    let baseline = meta["baseline"]["key"]
        .as_str()
        .map(|k| format!("{k} = {}", meta["baseline"]["value"].as_str().unwrap_or("")));
    Ok(SweepData {
        scenario: {
            let heading = policysim_charts::title::Heading::new(
                &str_of(&meta["scenario"]),
                meta["description"].as_str().unwrap_or(""),
                meta["description_zh"].as_str().unwrap_or(""),
            );
            // the error against observed adoptions names the policy, as fit and forecast do
            match meta["observed_policy"].as_str() {
                Some(policy) if metric == "observed_rmse" => {
                    heading.with_suffix(&format!(" · {policy}"))
                }
                _ => heading,
            }
        },
        time_unit: meta["time_unit"].as_str().unwrap_or("step").to_string(),
        runs: meta["runs"].as_u64().unwrap_or(0),
        mode,
        keys,
        ticks,
        dist,
        labels,
        axis_labels,
        color_range,
        values,
        not_reached,
        diffs,
        baseline,
    })
}

/// Draws the sweep chart of `metric` from the files in `dir` into `dir` (`sweep_map` for
/// a two-key grid, `sweep_line` for one key or a zip); returns the files written (none
/// for a grid of three or more keys).
pub fn draw_sweep_charts(dir: &Path, metric: &str, opts: &ChartOptions) -> Result<Vec<PathBuf>> {
    check_metric(metric)?;
    let data = read_data(dir, metric)?;
    let stem = format!("sweep_{}", metric);
    if data.keys.len() == 2 && data.mode == "grid" {
        let n = data.ticks[0].len() * data.ticks[1].len();
        if data.values.len() != n {
            return Err(Error::input_in(
                &dir.join(SWEEP_CSV),
                format!("{} rows, expected {n} points", data.values.len()),
            ));
        }
        return save_figure(
            &super::heatmap::Heatmap {
                data: &data,
                metric,
            },
            dir,
            &format!("{stem}_map"),
            opts,
        );
    }
    if data.keys.len() == 1 || data.mode == "zip" {
        return save_figure(
            &Line {
                data: &data,
                metric,
            },
            dir,
            &format!("{stem}_line"),
            opts,
        );
    }
    Ok(Vec::new())
}

/// The axis description of key `k`: its name from `[sweep.axis_labels]` in the chart's
/// language, else from the one table of key names
/// (`policysim_model::scenario::key_names`), else the dotted key; and for distributions
/// what the ticks are.
pub(super) fn key_label(data: &SweepData, k: usize, style: &Style) -> String {
    let key = &data.keys[k];
    let zh = style.lang == Lang::Zh;
    let name = data
        .axis_labels
        .get(key)
        .map(|(en, zh_name)| if zh { zh_name.clone() } else { en.clone() })
        .filter(|n| !n.is_empty())
        .or_else(|| policysim_model::scenario::key_names::key_name(key, zh).map(str::to_string))
        .unwrap_or_else(|| key.clone());
    if data.dist[k] {
        match style.lang {
            Lang::Zh => format!("{name}(分布均值)"),
            Lang::En => format!("{name} (mean of the distribution)"),
        }
    } else {
        name
    }
}

/// The metric against the (first) swept key, with its 90% band.
struct Line<'a> {
    data: &'a SweepData,
    metric: &'a str,
}

impl Figure for Line<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let d = self.data;
        let metric_text = metric_label(self.metric, style, &d.time_unit);
        let area = titled(
            root,
            &style.title(d.scenario.get(style.lang), &metric_text),
            style,
        )?;
        let (subtitle, band_label) = match (style.lang, time_level(self.metric)) {
            (Lang::Zh, Some(p)) => (
                Some(format!(
                    "{} 次运行的Kaplan–Meier中位数;不到一半的运行达到{p}%之处无值",
                    d.runs
                )),
                Some("中位数的95%置信区间".to_string()),
            ),
            (Lang::En, Some(p)) => (
                Some(format!(
                    "Kaplan–Meier median over {} runs; no point where fewer than half of the runs reached {p}%",
                    d.runs
                )),
                Some("95% CI of the median".to_string()),
            ),
            _ => (None, None),
        };
        let numeric = d.ticks[0].iter().all(|t| t.1.is_some());
        let x: Vec<f64> = d.ticks[0]
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if numeric {
                    t.1.unwrap_or(0.0)
                } else {
                    i as f64
                }
            })
            .collect();
        let n = x.len().min(d.values.len());
        let has_band = d.values.iter().any(|v| v.1.is_some());
        let series = BandSeries {
            label: metric_text.clone(),
            color: category_color(0),
            x: x[..n].to_vec(),
            line: d.values[..n].iter().map(|v| v.0).collect(),
            band: has_band.then(|| {
                (
                    d.values[..n].iter().map(|v| v.1).collect(),
                    d.values[..n].iter().map(|v| v.2).collect(),
                )
            }),
            dashed: None,
        };
        let x_label = if numeric {
            key_label(d, 0, style)
        } else {
            // a readable name (`[sweep.axis_labels]`) says what the points are by itself
            if d.axis_labels.contains_key(&d.keys[0]) {
                key_label(d, 0, style)
            } else {
                let names: Vec<&str> = d.ticks[0].iter().map(|t| t.0.as_str()).collect();
                format!("{} ({})", d.keys[0], names.join(" | "))
            }
        };
        let mut panel = LinesPanel {
            x_label: x_label.clone(),
            y_label: metric_text.clone(),
            series: vec![series],
            y_from_zero: false,
            x_integer: !numeric,
            subtitle,
            band_label,
            ..Default::default()
        };
        let Some(diffs) = d.diffs.as_ref() else {
            return draw_lines_with_bands(&area, &panel, style);
        };
        // the difference to the baseline point, with its 95% confidence band, below
        let height = area.dim_in_pixel().1;
        let (upper, lower) = area.split_vertically(height * 3 / 5);
        let n = n.min(diffs.len());
        let zh = style.lang == policysim_charts::Lang::Zh;
        let baseline = d.baseline.clone().unwrap_or_default();
        let restricted = policysim_model::run::figures::is_time(self.metric);
        let (label, band) = if zh && restricted {
            (
                format!("限制平均时间与基准点（{baseline}）之差"),
                "95% 置信区间（配对）".to_string(),
            )
        } else if restricted {
            (
                format!("restricted mean time, difference to {baseline}"),
                "95% confidence interval".to_string(),
            )
        } else if zh {
            (
                format!("与基准点（{baseline}）之差"),
                "95% 置信区间（配对）".to_string(),
            )
        } else {
            (
                format!("difference to {baseline}"),
                "95% confidence interval".to_string(),
            )
        };
        let diff_series = BandSeries {
            label,
            color: category_color(1),
            x: x[..n].to_vec(),
            line: diffs[..n].iter().map(|v| v.0).collect(),
            band: Some((
                diffs[..n].iter().map(|v| v.1).collect(),
                diffs[..n].iter().map(|v| v.2).collect(),
            )),
            dashed: None,
        };
        let mut diff_panel = LinesPanel {
            x_label,
            y_label: if zh {
                "差值".into()
            } else {
                "difference".into()
            },
            series: vec![diff_series],
            y_from_zero: true,
            x_integer: !numeric,
            band_label: Some(band),
            ..Default::default()
        };
        // the same legend width above and below, so that the x axes line up
        let width = panel_legend_width(&upper, &panel, style).max(panel_legend_width(
            &lower,
            &diff_panel,
            style,
        ));
        panel.legend_width = Some(width);
        diff_panel.legend_width = Some(width);
        draw_lines_with_bands(&upper, &panel, style)?;
        draw_lines_with_bands(&lower, &diff_panel, style)
    }
}
