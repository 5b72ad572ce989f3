//! The charts of one run's `curves.csv` over time, drawn with the "lines with bands"
//! panel of [`super::curves`]: the adopted share, the quality of adopters and the
//! adopted share by region.

use super::curves::{
    automatic_legend, draw_lines_with_bands, fmt_tick, titled, with_legend, x_label, y_range_of,
    BandSeries, LinesPanel, VMarker,
};
use super::style::{category_color, named_colors, LegendEntry, Style, Swatch, INK};
use super::{Figure, RunData};
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_model::Result;

/// Cumulative adopted share: mean line, 5-95% band, dashed median, promotion marker.
pub struct AdoptionChart<'a>(pub &'a RunData);

impl Figure for AdoptionChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let data = self.0;
        let s = &data.summary;
        let w = style.words();
        let area = titled(
            root,
            &style.title(&s.heading(style.lang), w.adoption_title),
            style,
        )?;
        let color = category_color(0);
        let points = data.curves.get("adopted_share").unwrap_or(&[]);
        let series =
            BandSeries::from_curve(w.mean, color, points, |t| s.x_of(t), 100.0, true, true);
        let mut legend = vec![
            LegendEntry::new(Swatch::Line(color), w.mean),
            LegendEntry::new(Swatch::Dashed(color), w.median),
            LegendEntry::new(Swatch::Band(color), w.band),
        ];
        let mut series = vec![series];
        if let Some(observed) = &data.observed {
            let points = observed.iter().map(|p| (s.x_of(p.step), p.share * 100.0));
            series.push(BandSeries::dots(w.observed, INK, points));
            legend.insert(0, LegendEntry::new(Swatch::Dot(INK), w.observed));
        }
        let mut markers = Vec::new();
        if let Some(at) = s.promoted_at.and_then(|p| p.p50) {
            let x = s.x_of(at);
            let word = if s.central_mode.as_deref() == Some("uptake") {
                super::uptake::uptake_marker(style.lang)
            } else {
                w.promotion
            };
            let shown = if s.start_year.is_some() {
                fmt_tick(x, 0)
            } else {
                fmt_tick(x, if at.fract() == 0.0 { 0 } else { 1 })
            };
            let label = match (style.lang, s.start_year.is_some()) {
                (super::Lang::En, true) => format!("{word}: {shown}"),
                (super::Lang::En, false) => format!("{word}: step {shown}"),
                (super::Lang::Zh, true) => format!("{word}：{shown}年"),
                (super::Lang::Zh, false) => format!(
                    "{word}：第{shown}{}",
                    super::style::time_unit_name(s.unit(), super::Lang::Zh)
                ),
            };
            legend.push(LegendEntry::new(Swatch::Dashed(INK), label));
            markers.push(VMarker { x, color: INK });
        }
        let panel = LinesPanel {
            x_label: x_label(s, style),
            y_label: w.adopted_share_pct.to_string(),
            series,
            y_range: Some((0.0, 100.0)),
            markers,
            legend: Some(legend),
            x_integer: true,
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}

/// Mean quality and mean performance of current adopters with 5-95% bands.
pub struct QualityChart<'a> {
    data: &'a RunData,
}

impl<'a> QualityChart<'a> {
    /// The chart, or `None` when neither series has a value.
    pub fn new(data: &'a RunData) -> Option<QualityChart<'a>> {
        let any = ["mean_quality", "mean_performance"].iter().any(|n| {
            data.curves
                .get(n)
                .is_some_and(|p| p.iter().any(|p| p.mean.is_some()))
        });
        any.then_some(QualityChart { data })
    }
}

impl Figure for QualityChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = &self.data.summary;
        let w = style.words();
        let area = titled(
            root,
            &style.title(&s.heading(style.lang), w.quality_title),
            style,
        )?;
        let series: Vec<BandSeries> = [
            ("mean_quality", w.mean_quality, 0),
            ("mean_performance", w.mean_performance, 1),
        ]
        .iter()
        .filter_map(|(name, label, c)| {
            let pts = self.data.curves.get(name)?;
            Some(BandSeries::from_curve(
                *label,
                category_color(*c),
                pts,
                |t| s.x_of(t),
                1.0,
                true,
                false,
            ))
        })
        .collect();
        // One panel per series on a shared y axis: the two bands nearly coincide
        // (performance = quality + fit), and overlaid they would blend into a colour
        // neither has.
        let both = LinesPanel {
            series: series.clone(),
            ..Default::default()
        };
        let plot = with_legend(&area, &automatic_legend(&both, style), style)?;
        let y_range = y_range_of(series.iter().flat_map(|s| s.values()), false);
        let panel = |series: BandSeries, y_label: &str| LinesPanel {
            subtitle: Some(series.label.clone()),
            x_label: x_label(s, style),
            y_label: y_label.to_string(),
            series: vec![series],
            y_range: Some(y_range),
            legend: Some(Vec::new()),
            x_integer: true,
            ..Default::default()
        };
        let mut series = series.into_iter();
        match (series.next(), series.next()) {
            (Some(a), Some(b)) => {
                let (left, right) = plot.split_horizontally(plot.dim_in_pixel().0 as i32 / 2);
                draw_lines_with_bands(&left, &panel(a, w.quality_axis), style)?;
                draw_lines_with_bands(&right, &panel(b, ""), style)
            }
            (Some(a), None) => draw_lines_with_bands(&plot, &panel(a, w.quality_axis), style),
            _ => Ok(()),
        }
    }
}

/// Adopted share by region and by level, one line (mean over runs) each.
pub struct RegionsChart<'a> {
    data: &'a RunData,
    regions: Vec<String>,
    levels: Vec<String>,
}

impl<'a> RegionsChart<'a> {
    /// The chart, or `None` when the curves have no regions and no levels.
    pub fn new(data: &'a RunData) -> Option<RegionsChart<'a>> {
        let regions = data.curves.with_prefix("adopted_share.region.");
        let levels = data.curves.with_prefix("adopted_share.level.");
        (!regions.is_empty() || !levels.is_empty()).then_some(RegionsChart {
            data,
            regions,
            levels,
        })
    }

    fn panel(
        &self,
        kind: &str,
        names: &[String],
        subtitle: Option<String>,
        style: &Style,
    ) -> LinesPanel {
        let s = &self.data.summary;
        // Legend order = order of the final values, highest first, so it reads like the
        // lines' right ends.
        let last = |n: &String| {
            self.data
                .curves
                .get(&format!("adopted_share.{kind}.{n}"))
                .and_then(|p| p.iter().rev().find_map(|p| p.mean))
                .unwrap_or(f64::NEG_INFINITY)
        };
        // Colours follow the names, not the ranking: a region keeps its colour across
        // every chart of every scenario.
        let all: Vec<&str> = names.iter().map(String::as_str).collect();
        let colors: std::collections::HashMap<&str, RGBColor> =
            all.iter().copied().zip(named_colors(&all)).collect();
        let mut names: Vec<&String> = names.iter().collect();
        names.sort_by(|a, b| last(b).total_cmp(&last(a)).then(a.cmp(b)));
        let series = names
            .iter()
            .filter_map(|n| {
                let pts = self.data.curves.get(&format!("adopted_share.{kind}.{n}"))?;
                Some(BandSeries::from_curve(
                    super::style::region_name(n, style.lang),
                    colors[n.as_str()],
                    pts,
                    |t| s.x_of(t),
                    100.0,
                    false,
                    false,
                ))
            })
            .collect();
        LinesPanel {
            subtitle,
            x_label: x_label(s, style),
            // the regions' panels of a compact chart are short: the short description
            y_label: if style.compact {
                style.words().adopted_short_pct
            } else {
                style.words().adopted_share_pct
            }
            .to_string(),
            series,
            y_range: Some((0.0, 100.0)),
            x_integer: true,
            ..Default::default()
        }
    }
}

impl Figure for RegionsChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = &self.data.summary;
        let w = style.words();
        let area = titled(
            root,
            &style.title(&s.heading(style.lang), w.regions_title),
            style,
        )?;
        match (self.regions.is_empty(), self.levels.is_empty()) {
            (false, false) => {
                // side by side, or one above the other on a narrow picture
                let (w_px, h_px) = area.dim_in_pixel();
                let (left, right) = if style.compact {
                    area.split_vertically(h_px as i32 / 2)
                } else {
                    area.split_horizontally(w_px as i32 / 2)
                };
                let p = self.panel("region", &self.regions, Some(w.region.into()), style);
                draw_lines_with_bands(&left, &p, style)?;
                let p = self.panel("level", &self.levels, Some(w.level.into()), style);
                draw_lines_with_bands(&right, &p, style)
            }
            (false, true) => draw_lines_with_bands(
                &area,
                &self.panel("region", &self.regions, Some(w.region.into()), style),
                style,
            ),
            _ => draw_lines_with_bands(
                &area,
                &self.panel("level", &self.levels, Some(w.level.into()), style),
                style,
            ),
        }
    }
}
