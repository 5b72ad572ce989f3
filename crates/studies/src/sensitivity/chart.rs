//! The ranking chart of a sensitivity analysis: one row per parameter, the most influential
//! on top; Sobol: the total index ST and the first-order index S1 as bars with their 95%
//! bootstrap intervals as whiskers; Morris: mu* and sigma likewise.

use super::{Estimate, Method};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_charts::curves::{decimals_for, fmt_tick, titled, with_legend};
use policysim_charts::style::{category_color, LegendEntry, Style, Swatch, GRID, INK};
use policysim_charts::{draw_err, Figure, Lang};
use policysim_model::Result;

/// What the chart shows.
pub struct SensitivityChart<'a> {
    /// Scenario name (title).
    pub scenario: &'a policysim_charts::title::Heading,
    /// Time unit of the scenario (for time metrics).
    pub time_unit: &'a str,
    /// The metric as asked for (`final_share`, `t50`, ...).
    pub metric: &'a str,
    /// Its `sweep.csv` column.
    pub column: &'a str,
    /// Sobol or Morris.
    pub method: Method,
    /// The design's sizes in words (`N = 64, 320 points`).
    pub sizes: String,
    /// Runs per point.
    pub runs: u32,
    /// The estimates in `sensitivity.csv` order.
    pub estimates: &'a [Estimate],
}

/// One parameter's two bars: (primary, secondary) estimates.
type Row<'a> = (&'a Estimate, &'a Estimate);

impl SensitivityChart<'_> {
    /// The rows, ranked by the primary index (ST or mu*), largest first.
    fn rows(&self) -> Vec<Row<'_>> {
        let per = self.method.indices().len();
        let (primary, secondary) = match self.method {
            Method::Sobol => (1, 0),
            Method::Morris => (0, 2),
        };
        let mut rows: Vec<Row> = self
            .estimates
            .chunks(per)
            .filter(|c| c.len() == per)
            .map(|c| (&c[primary], &c[secondary]))
            .collect();
        rows.sort_by(|a, b| b.0.estimate.total_cmp(&a.0.estimate));
        rows
    }

    /// The words of the title, the note, the x axis and the two legend entries.
    fn words(&self, style: &Style) -> (String, String, String, [String; 2]) {
        let zh = style.lang == Lang::Zh;
        let metric = if self.column == format!("{}_km_median", self.metric) {
            match style.lang {
                Lang::En => format!(
                    "{} (Kaplan–Meier median)",
                    crate::sweep::chart::metric_label(self.metric, style, self.time_unit)
                ),
                Lang::Zh => format!(
                    "{}（Kaplan–Meier 中位数）",
                    crate::sweep::chart::metric_label(self.metric, style, self.time_unit)
                ),
            }
        } else if crate::sweep::chart::metrics()
            .iter()
            .any(|m| m == self.metric)
        {
            crate::sweep::chart::metric_label(self.metric, style, self.time_unit)
        } else {
            self.column.to_string()
        };
        let lower = |s: &str| {
            let mut c = s.chars();
            match c.next() {
                Some(f) if !zh => f.to_lowercase().chain(c).collect(),
                _ => s.to_string(),
            }
        };
        let m = lower(&metric);
        match (self.method, zh) {
            (Method::Sobol, false) => (
                format!("Sobol' indices of the {m}"),
                format!(
                    "{}, mean of {} paired runs per point; whiskers: 95% bootstrap intervals",
                    self.sizes, self.runs
                ),
                format!("Share of the variance of the {m}"),
                [
                    "Total index ST (with interactions)".into(),
                    "First-order index S1 (alone)".into(),
                ],
            ),
            (Method::Sobol, true) => (
                format!("{m}的 Sobol 敏感性指数"),
                format!(
                    "{}，每点 {} 次配对模拟的均值；须线：95% 自助法区间",
                    self.sizes, self.runs
                ),
                format!("占{m}方差的比例"),
                [
                    "总效应指数 ST（含交互）".into(),
                    "一阶指数 S1（单独）".into(),
                ],
            ),
            (Method::Morris, false) => (
                format!("Morris elementary effects on the {m}"),
                format!(
                    "{}, mean of {} paired runs per point; whiskers: 95% bootstrap intervals",
                    self.sizes, self.runs
                ),
                format!("Change of the {m} per full range of the parameter"),
                [
                    "mu* (mean absolute effect)".into(),
                    "sigma (spread: interactions, nonlinearity)".into(),
                ],
            ),
            (Method::Morris, true) => (
                format!("{m}的 Morris 基本效应"),
                format!(
                    "{}，每点 {} 次配对模拟的均值；须线：95% 自助法区间",
                    self.sizes, self.runs
                ),
                format!("参数走完整个范围时{m}的变化"),
                [
                    "mu*（平均绝对效应）".into(),
                    "sigma（离散：交互与非线性）".into(),
                ],
            ),
        }
    }
}

impl Figure for SensitivityChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let rows = self.rows();
        let (title, note, x_desc, legend) = self.words(style);
        let area = titled(
            root,
            &style.title(self.scenario.get(style.lang), &title),
            style,
        )?;
        let area = area.titled(&note, style.legend_font()).map_err(draw_err)?;
        let colors = [category_color(0), category_color(1)];
        let entries = [
            LegendEntry::new(Swatch::Box(colors[0]), legend[0].clone()),
            LegendEntry::new(Swatch::Box(colors[1]), legend[1].clone()),
        ];
        let plot = with_legend(&area, &entries, style)?;
        let values = rows
            .iter()
            .flat_map(|(a, b)| {
                [
                    a.estimate, a.ci_low, a.ci_high, b.estimate, b.ci_low, b.ci_high,
                ]
            })
            .filter(|v| v.is_finite());
        let (lo, hi) = values.fold((0.0f64, 0.0f64), |(l, h), v| (l.min(v), h.max(v)));
        let hi = if hi > lo { hi } else { lo + 1.0 };
        let span = hi - lo;
        let x0 = if lo < 0.0 { lo - span * 0.04 } else { 0.0 };
        let x1 = hi + span * 0.06;
        let n = rows.len().max(1) as f64;
        let name_font = style.tick_font();
        // each row named as people say it (the one table of key names), else its key
        let zh = style.lang == policysim_charts::Lang::Zh;
        let shown_name = |key: &str| -> String {
            policysim_model::scenario::key_names::key_name(key, zh)
                .map_or_else(|| key.to_string(), str::to_string)
        };
        let name_w = rows
            .iter()
            .map(|(a, _)| {
                plot.estimate_text_size(&shown_name(&a.parameter), &name_font)
                    .map(|s| s.0)
                    .unwrap_or(0) as i32
            })
            .max()
            .unwrap_or(0);
        let mut chart = ChartBuilder::on(&plot)
            .margin(style.px(24.0))
            .margin_right(style.px(40.0))
            .x_label_area_size(style.px(100.0))
            .y_label_area_size(name_w + style.px(24.0))
            .build_cartesian_2d(x0..x1, 0.0..n)
            .map_err(draw_err)?;
        let dec = decimals_for(x1 - x0);
        let xf = |v: &f64| fmt_tick(*v, dec);
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .axis_desc_style(style.axis_font())
            .label_style(style.tick_font())
            .x_labels(8)
            .y_labels(0)
            .x_label_formatter(&xf)
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(style.px(1.5) as u32))
            .axis_style(INK.stroke_width(style.px(2.0) as u32))
            .set_all_tick_mark_size(style.px(8.0))
            .draw()
            .map_err(draw_err)?;
        if x0 < 0.0 {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (0.0, n)],
                    INK.stroke_width(style.px(1.5) as u32),
                )))
                .map_err(draw_err)?;
        }
        let lw = style.px(3.0) as u32;
        let cap = 0.07;
        for (r, (a, b)) in rows.iter().enumerate() {
            let c = n - r as f64 - 0.5;
            for (k, e) in [a, b].into_iter().enumerate() {
                // primary above the row's centre line, secondary below
                let (y0, y1) = if k == 0 { (c, c + 0.36) } else { (c - 0.36, c) };
                let ym = (y0 + y1) / 2.0;
                let color = colors[k];
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, y0 + 0.02), (e.estimate, y1 - 0.02)],
                        color.mix(0.85).filled(),
                    )))
                    .map_err(draw_err)?;
                let whisker = INK.stroke_width(lw);
                chart
                    .draw_series([
                        PathElement::new(vec![(e.ci_low, ym), (e.ci_high, ym)], whisker),
                        PathElement::new(vec![(e.ci_low, ym - cap), (e.ci_low, ym + cap)], whisker),
                        PathElement::new(
                            vec![(e.ci_high, ym - cap), (e.ci_high, ym + cap)],
                            whisker,
                        ),
                    ])
                    .map_err(draw_err)?;
            }
            // the parameter's name left of its row, in the label area
            let (px, py) = chart.backend_coord(&(x0, c));
            root.draw(&Text::new(
                shown_name(&a.parameter),
                (px - style.px(14.0), py),
                name_font.clone().pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
        Ok(())
    }
}
