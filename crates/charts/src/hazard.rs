//! The empirical hazard by number of adopting neighbours (`hazard.csv`): bars with the
//! number of at-risk observations above each bar; a long tail is grouped (`10+`).

use super::curves::{decimals_for, fmt_tick, titled};
use super::read::{HazardRow, Summary};
use super::style::{category_color, Style, GRID, INK, LEGEND_EM, SMALLEST_EM};
use super::text::text_width;
use super::{draw_err, Figure, Lang};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_model::Result;

/// Neighbour counts from this value on are grouped into one bar (`10+`).
pub const TAIL: u32 = 10;

/// One bar: label, observations at risk, adoptions.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardBar {
    /// Category label (`3`, `10+`).
    pub label: String,
    /// Government-steps at risk.
    pub at_risk: f64,
    /// Adoptions among them.
    pub adoptions: f64,
}

impl HazardBar {
    /// adoptions / at_risk.
    pub fn hazard(&self) -> f64 {
        self.adoptions / self.at_risk
    }
}

/// Groups rows into bars: rows with `at_risk = 0` skipped, counts >= [`TAIL`] pooled
/// when there are larger counts than `TAIL`.
pub fn hazard_bars(rows: &[HazardRow]) -> Vec<HazardBar> {
    let mut rows: Vec<&HazardRow> = rows.iter().filter(|r| r.at_risk > 0.0).collect();
    rows.sort_by_key(|r| r.neighbours_adopted);
    let group = rows.iter().any(|r| r.neighbours_adopted > TAIL);
    let mut bars: Vec<HazardBar> = Vec::new();
    for r in rows {
        if group && r.neighbours_adopted >= TAIL {
            match bars.last_mut() {
                Some(b) if b.label.ends_with('+') => {
                    b.at_risk += r.at_risk;
                    b.adoptions += r.adoptions;
                }
                _ => bars.push(HazardBar {
                    label: format!("{TAIL}+"),
                    at_risk: r.at_risk,
                    adoptions: r.adoptions,
                }),
            }
        } else {
            bars.push(HazardBar {
                label: r.neighbours_adopted.to_string(),
                at_risk: r.at_risk,
                adoptions: r.adoptions,
            });
        }
    }
    bars
}

/// A compact count in one style for every bar: `950`, `6.1k`, `61k`, `406k`, `1.2M`.
pub fn compact_count(v: f64) -> String {
    let v = v.round();
    if v >= 999_500.0 {
        format!("{:.1}M", v / 1e6)
    } else if v >= 9_950.0 {
        format!("{:.0}k", v / 1e3)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else {
        format!("{v:.0}")
    }
}

/// The hazard bar chart.
pub struct HazardChart<'a> {
    summary: &'a Summary,
    bars: Vec<HazardBar>,
}

impl<'a> HazardChart<'a> {
    /// The chart, or `None` when no row has observations at risk.
    pub fn new(summary: &'a Summary, rows: &[HazardRow]) -> Option<HazardChart<'a>> {
        let bars = hazard_bars(rows);
        (!bars.is_empty()).then_some(HazardChart { summary, bars })
    }
}

impl Figure for HazardChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = self.summary;
        let w = style.words();
        let area = titled(
            root,
            &style.title(&s.heading(style.lang), w.hazard_title),
            style,
        )?;
        let area = area
            .titled(w.hazard_note, style.legend_font())
            .map_err(draw_err)?;
        let n = self.bars.len() as i32;
        let top = self.bars.iter().fold(0.0f64, |m, b| m.max(b.hazard()));
        let y1 = if top > 0.0 { top * 1.15 } else { 1.0 };
        let mut chart = ChartBuilder::on(&area)
            .margin(style.px(24.0))
            .margin_right(style.px(40.0))
            .x_label_area_size(style.px(100.0))
            .y_label_area_size(style.px(120.0))
            .build_cartesian_2d((0..n - 1).into_segmented(), 0.0..y1)
            .map_err(draw_err)?;
        let labels: Vec<String> = self.bars.iter().map(|b| b.label.clone()).collect();
        let xf = |v: &SegmentValue<i32>| match v {
            SegmentValue::CenterOf(i) => labels.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        let ydec = decimals_for(y1);
        let yf = |v: &f64| fmt_tick(*v, ydec);
        let unit = super::style::time_unit_name(s.unit(), style.lang);
        let y_label = match style.lang {
            Lang::En => format!("Hazard (adoption probability per {unit})"),
            Lang::Zh => format!("风险率（每{unit}采纳概率）"),
        };
        let desc = style.axis_font_fitting(
            w.neighbours_adopted,
            &y_label,
            chart.plotting_area().dim_in_pixel(),
        );
        chart
            .configure_mesh()
            .x_desc(w.neighbours_adopted)
            .y_desc(y_label)
            .axis_desc_style(desc)
            .label_style(style.tick_font())
            .x_labels(self.bars.len() + 1)
            .y_labels(8)
            .x_label_formatter(&xf)
            .y_label_formatter(&yf)
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID.stroke_width(style.px(1.5) as u32))
            .axis_style(INK.stroke_width(style.px(2.0) as u32))
            .set_all_tick_mark_size(style.px(8.0))
            .draw()
            .map_err(draw_err)?;
        let gap = {
            let (pw, _) = chart.plotting_area().dim_in_pixel();
            (pw as f64 / n as f64 * 0.12).round() as u32
        };
        let color = category_color(0);
        chart
            .draw_series(self.bars.iter().enumerate().map(|(i, b)| {
                let i = i as i32;
                let mut r = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), b.hazard()),
                    ],
                    color.filled(),
                );
                r.set_margin(0, 0, gap, gap);
                r
            }))
            .map_err(draw_err)?;
        let em = if n > 8 { SMALLEST_EM } else { LEGEND_EM };
        let font = style.font(em).pos(Pos::new(HPos::Center, VPos::Bottom));
        // a bar's count over it, unless it would touch a count already set (bars of
        // about the same height, narrower than their counts): from the left, every
        // count that has room
        let lift = style.px(8.0);
        let height = (em * style.scale * 1.2).round() as i32;
        let mut set: Vec<(i32, i32, i32, i32)> = Vec::new();
        let mut labels = Vec::new();
        for (i, b) in self.bars.iter().enumerate() {
            let text = format!("n={}", compact_count(b.at_risk));
            let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(i as i32), b.hazard()));
            let half = (text_width(&text, (em * style.scale) as f32) / 2.0).ceil() as i32 + 2;
            let bottom = y - lift;
            let place = (x - half, x + half, bottom - height, bottom);
            let clash = |p: &(i32, i32, i32, i32)| {
                p.0 < place.1 && place.0 < p.1 && p.2 < place.3 && place.2 < p.3
            };
            if set.iter().any(clash) {
                continue;
            }
            set.push(place);
            labels.push((i, b.hazard(), text));
        }
        chart
            .draw_series(labels.into_iter().map(|(i, h, text)| {
                EmptyElement::at((SegmentValue::CenterOf(i as i32), h))
                    + Text::new(text, (0, -lift), font.clone())
            }))
            .map_err(draw_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod count_tests {
    #[test]
    fn counts_share_one_style() {
        let c = super::compact_count;
        assert_eq!(
            [
                c(950.0),
                c(6_140.0),
                c(9_999.0),
                c(61_162.0),
                c(406_000.0),
                c(999_999.0),
                c(1_234_567.0)
            ],
            ["950", "6.1k", "10k", "61k", "406k", "1.0M", "1.2M"]
        );
    }
}
