//! Charts of `curves.csv` over time: the generic "lines with bands" panel, its axes,
//! ticks and legends (the adoption, quality and regions charts built on it are in
//! `run_charts.rs`, re-exported here; the channels chart is in [`super::channels`]).

use super::draw_err;
use super::read::{CurvePoint, Summary};
pub use super::run_charts::{AdoptionChart, QualityChart, RegionsChart};
use super::style::{
    band_edge, band_note, draw_legend, legend_column_width, legend_width, LegendEntry, Style,
    Swatch, BAND_ALPHA, GRID, INK,
};
pub use super::title::titled;
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_model::Result;

/// The plot area of a chart over time: margins and label areas shared by every
/// steps-on-the-x-axis chart, with numeric x and y ranges.
fn time_axes<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    style: &Style,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    time_axes_sized(plot, style, (x0, x1), (y0, y1), 100.0)
}

/// [`time_axes`] with an x label area of `x_area` pixels (at 1600x1000): less for a
/// panel whose x axis has tick labels but no description.
pub(super) fn time_axes_sized<'a, DB: DrawingBackend>(
    plot: &'a DrawingArea<DB, Shift>,
    style: &Style,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    x_area: f64,
) -> Result<ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>> {
    ChartBuilder::on(plot)
        .margin(style.px(24.0))
        .margin_left(style.px(10.0))
        .x_label_area_size(style.px(x_area))
        .y_label_area_size(style.px(120.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(draw_err)
}

/// The lower and upper edges of a shaded band (gaps where `None`).
pub type Band = (Vec<Option<f64>>, Vec<Option<f64>>);

/// One series of a [`LinesPanel`]: a line (mean), optionally a band and a dashed median.
#[derive(Debug, Clone)]
pub struct BandSeries {
    /// Legend label.
    pub label: String,
    /// Colour of line and band.
    pub color: RGBColor,
    /// X values.
    pub x: Vec<f64>,
    /// The main line (gaps where `None`).
    pub line: Vec<Option<f64>>,
    /// Lower and upper edge of the shaded band, if any.
    pub band: Option<Band>,
    /// A dashed second line (e.g. the median), if any.
    pub dashed: Option<Vec<Option<f64>>>,
}

impl BandSeries {
    /// Separate points (x, y), each drawn as a dot: observed values rather than a line.
    pub fn dots(
        label: impl Into<String>,
        color: RGBColor,
        points: impl IntoIterator<Item = (f64, f64)>,
    ) -> BandSeries {
        // every value is followed by a gap, so each forms a one-point segment (a dot)
        let mut x = Vec::new();
        let mut line = Vec::new();
        for (px, py) in points {
            x.push(px);
            line.push(Some(py));
            x.push(px + 0.5);
            line.push(None);
        }
        x.pop();
        line.pop();
        BandSeries {
            label: label.into(),
            color,
            x,
            line,
            band: None,
            dashed: None,
        }
    }

    /// A series from curve points: mean line, optional 5-95% band and dashed median;
    /// x is mapped by `x_of(step)` and every y value multiplied by `factor`.
    pub fn from_curve(
        label: impl Into<String>,
        color: RGBColor,
        points: &[CurvePoint],
        x_of: impl Fn(f64) -> f64,
        factor: f64,
        band: bool,
        median: bool,
    ) -> BandSeries {
        let scale = |v: Option<f64>| v.map(|v| v * factor);
        BandSeries {
            label: label.into(),
            color,
            x: points.iter().map(|p| x_of(p.step as f64)).collect(),
            line: points.iter().map(|p| scale(p.mean)).collect(),
            band: band.then(|| {
                (
                    points.iter().map(|p| scale(p.p05)).collect(),
                    points.iter().map(|p| scale(p.p95)).collect(),
                )
            }),
            dashed: median.then(|| points.iter().map(|p| scale(p.p50)).collect()),
        }
    }

    /// Every value of the series: its line, band and dashed line.
    pub(crate) fn values(&self) -> impl Iterator<Item = f64> + '_ {
        let band = self.band.iter().flat_map(|(a, b)| a.iter().chain(b.iter()));
        self.line
            .iter()
            .chain(band)
            .chain(self.dashed.iter().flatten())
            .filter_map(|v| *v)
    }
}

/// A vertical marker line at `x` (drawn dashed in `color`).
#[derive(Debug, Clone)]
pub struct VMarker {
    /// Position on the x axis.
    pub x: f64,
    /// Colour.
    pub color: RGBColor,
}

/// A panel with lines and shaded bands over a numeric x axis; the legend goes to the
/// right of the plot so it never covers data.
#[derive(Debug, Clone, Default)]
pub struct LinesPanel {
    /// Optional panel heading (above the plot, smaller than a chart title).
    pub subtitle: Option<String>,
    /// X axis description with unit.
    pub x_label: String,
    /// Y axis description with unit.
    pub y_label: String,
    /// The series, drawn bands first, then lines, in order.
    pub series: Vec<BandSeries>,
    /// Fixed y range; otherwise from the data.
    pub y_range: Option<(f64, f64)>,
    /// Include 0 in the automatic y range.
    pub y_from_zero: bool,
    /// Vertical markers.
    pub markers: Vec<VMarker>,
    /// The legend; when `None`, one entry per series (plus a band note if any band).
    pub legend: Option<Vec<LegendEntry>>,
    /// Label for the band note of the automatic legend.
    pub band_label: Option<String>,
    /// The x axis shows whole numbers only (steps, years).
    pub x_integer: bool,
    /// Width of the legend column in pixels, to line up the plots of stacked panels;
    /// otherwise what the entries need.
    pub legend_width: Option<i32>,
}

/// Splits `values` into runs of consecutive present values: `(x, y)` segments.
fn segments(x: &[f64], y: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (xv, yv) in x.iter().zip(y) {
        match yv {
            Some(v) => cur.push((*xv, *v)),
            None if !cur.is_empty() => out.push(std::mem::take(&mut cur)),
            None => {}
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Decimals that make ticks over `span` distinct.
pub fn decimals_for(span: f64) -> usize {
    if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else if span >= 0.2 {
        2
    } else {
        3
    }
}

/// Formats a tick value with `dec` decimals, without a negative zero.
pub fn fmt_tick(v: f64, dec: usize) -> String {
    let s = format!("{v:.dec$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// The x range of the series (one unit wide around a single x value).
fn x_range(series: &[BandSeries]) -> (f64, f64) {
    let (lo, hi) = series
        .iter()
        .flat_map(|s| s.x.iter().copied())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, hi + 0.5)
    }
}

/// A padded y range covering `values` (and 0 if asked).
pub fn y_range_of(values: impl Iterator<Item = f64>, from_zero: bool) -> (f64, f64) {
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if from_zero {
        lo = lo.min(0.0);
        hi = hi.max(0.0);
    }
    let span = if hi - lo > 1e-12 {
        hi - lo
    } else {
        hi.abs().max(1.0)
    };
    let lo_pad = if from_zero && lo == 0.0 {
        0.0
    } else {
        span * 0.05
    };
    (lo - lo_pad, hi + span * 0.05)
}

/// Splits `area` into a plot area and a legend column on the right.
pub fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &[LegendEntry],
    style: &Style,
) -> Result<DrawingArea<DB, Shift>> {
    with_legend_width(area, legend, None, style)
}

/// The width in pixels the legend column of `panel` takes in `area`.
pub fn panel_legend_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &LinesPanel,
    style: &Style,
) -> i32 {
    let legend = panel
        .legend
        .clone()
        .unwrap_or_else(|| automatic_legend(panel, style));
    legend_width(area, &legend, style.px(40.0), style)
}

/// [`with_legend`] with a legend column `width` pixels wide (None: what it needs).
fn with_legend_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &[LegendEntry],
    width: Option<i32>,
    style: &Style,
) -> Result<DrawingArea<DB, Shift>> {
    let (w, _) = area.dim_in_pixel();
    let top = style.px(40.0);
    let lw = width.unwrap_or_else(|| legend_width(area, legend, top, style));
    // below the plot on a narrow picture, or when beside it would take over half the width
    if (style.compact || lw > w as i32 / 2) && !legend.is_empty() {
        return with_legend_below(area, legend, style);
    }
    let (plot, leg) = area.split_horizontally(w as i32 - lw);
    draw_legend(&leg, legend, top, style)?;
    Ok(plot)
}

/// Splits `area` into a plot area and the legend's rows below it, in as many columns as
/// fit the width (a [`Style::compact`] chart: beside the plot, the legend would take
/// half of a narrow picture).
fn with_legend_below<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    legend: &[LegendEntry],
    style: &Style,
) -> Result<DrawingArea<DB, Shift>> {
    let (w, h) = area.dim_in_pixel();
    let column = legend_column_width(area, legend, style).max(1);
    let columns = ((w as i32 / column).max(1) as usize).min(legend.len());
    let rows = legend.len().div_ceil(columns) as i32;
    let top = style.px(4.0);
    // draw_legend's rows: (height - top - 10) / 40 at 1600x1000
    let height = top + style.px(10.0) + rows * style.px(40.0);
    let (plot, below) = area.split_vertically(h as i32 - height);
    draw_legend(&below, legend, top, style)?;
    Ok(plot)
}

/// The legend of a panel without its own: one entry per series, then what the bands
/// show. When every band has the same colour, the series get line swatches and the band
/// entry that colour; bands of several colours are drawn beside their series' line
/// (line-and-band swatches) and explained by a note, so no swatch has a colour that
/// nothing drawn has.
pub fn automatic_legend(panel: &LinesPanel, style: &Style) -> Vec<LegendEntry> {
    let mut colors = panel
        .series
        .iter()
        .filter(|s| s.band.is_some())
        .map(|s| s.color);
    let first = colors.next();
    let one_colour = first.filter(|&f| colors.all(|c| c == f));
    let mut l: Vec<LegendEntry> = panel
        .series
        .iter()
        .map(|s| {
            let sw = if s.band.is_some() && one_colour.is_none() {
                Swatch::LineBand(s.color)
            } else {
                Swatch::Line(s.color)
            };
            LegendEntry::new(sw, s.label.clone())
        })
        .collect();
    if first.is_some() {
        let label = panel
            .band_label
            .clone()
            .unwrap_or_else(|| style.words().band.to_string());
        l.push(match one_colour {
            Some(c) => LegendEntry::new(Swatch::Band(c), label),
            None => LegendEntry::new(Swatch::Note, band_note(&label, style.lang)),
        });
    }
    l
}

/// Draws a [`LinesPanel`] into `area`: bands, lines, dashed lines, markers, legend.
pub fn draw_lines_with_bands<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &LinesPanel,
    style: &Style,
) -> Result<()> {
    let area = match &panel.subtitle {
        Some(t) => area.titled(t, style.axis_font()).map_err(draw_err)?,
        None => area.clone(),
    };
    let legend = panel
        .legend
        .clone()
        .unwrap_or_else(|| automatic_legend(panel, style));
    let plot = with_legend_width(&area, &legend, panel.legend_width, style)?;
    let (x0, x1) = x_range(&panel.series);
    let (y0, y1) = panel.y_range.unwrap_or_else(|| {
        y_range_of(
            panel.series.iter().flat_map(|s| s.values()),
            panel.y_from_zero,
        )
    });
    let mut chart = time_axes(&plot, style, (x0, x1), (y0, y1))?;
    configure_mesh(
        &mut chart,
        &panel.x_label,
        &panel.y_label,
        (x0, x1),
        (y0, y1),
        panel.x_integer,
        style,
    )?;

    for s in &panel.series {
        if let Some((lo, hi)) = &s.band {
            let both: Vec<Option<(f64, f64)>> = lo.iter().zip(hi).map(|(a, b)| a.zip(*b)).collect();
            for edge in [lo, hi] {
                for seg in segments(&s.x, edge) {
                    chart
                        .draw_series(LineSeries::new(seg, band_edge(s.color, style)))
                        .map_err(draw_err)?;
                }
            }
            let mut seg: Vec<(f64, f64, f64)> = Vec::new();
            let mut flush = |seg: &mut Vec<(f64, f64, f64)>| -> Result<()> {
                if seg.len() >= 2 {
                    let mut pts: Vec<(f64, f64)> = seg.iter().map(|p| (p.0, p.2)).collect();
                    pts.extend(seg.iter().rev().map(|p| (p.0, p.1)));
                    chart
                        .draw_series(std::iter::once(Polygon::new(
                            pts,
                            s.color.mix(BAND_ALPHA).filled(),
                        )))
                        .map_err(draw_err)?;
                }
                seg.clear();
                Ok(())
            };
            for (x, v) in s.x.iter().zip(&both) {
                match v {
                    Some((a, b)) => seg.push((*x, *a, *b)),
                    None => flush(&mut seg)?,
                }
            }
            flush(&mut seg)?;
        }
    }
    let lw = style.px(4.0) as u32;
    for s in &panel.series {
        if let Some(d) = &s.dashed {
            for seg in segments(&s.x, d) {
                chart
                    .draw_series(DashedLineSeries::new(
                        seg,
                        style.px(14.0),
                        style.px(9.0),
                        s.color.stroke_width(lw.saturating_sub(1).max(1)),
                    ))
                    .map_err(draw_err)?;
            }
        }
        for seg in segments(&s.x, &s.line) {
            if seg.len() == 1 {
                chart
                    .draw_series(std::iter::once(Circle::new(
                        seg[0],
                        style.px(5.0),
                        s.color.filled(),
                    )))
                    .map_err(draw_err)?;
            } else {
                chart
                    .draw_series(LineSeries::new(seg, s.color.stroke_width(lw)))
                    .map_err(draw_err)?;
            }
        }
    }
    for m in &panel.markers {
        chart
            .draw_series(DashedLineSeries::new(
                vec![(m.x, y0), (m.x, y1)],
                style.px(12.0),
                style.px(8.0),
                m.color.stroke_width(style.px(3.0) as u32),
            ))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Axis descriptions, tick labels and light grid of a numeric chart (`x_integer`: the x
/// axis shows whole numbers only, e.g. steps or years).
pub fn configure_mesh<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x_label: &str,
    y_label: &str,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    x_integer: bool,
    style: &Style,
) -> Result<()> {
    configure_mesh_with(
        chart,
        x_label,
        y_label,
        (x0, x1),
        (y0, y1),
        x_integer,
        8,
        style,
    )
}

/// [`configure_mesh`] with about `y_ticks` tick labels on the y axis (a short panel
/// takes fewer).
#[allow(clippy::too_many_arguments)]
pub(super) fn configure_mesh_with<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    x_label: &str,
    y_label: &str,
    (x0, x1): (f64, f64),
    (y0, y1): (f64, f64),
    x_integer: bool,
    y_ticks: usize,
    style: &Style,
) -> Result<()> {
    let xdec = if x_integer || (x1 - x0) >= 5.0 {
        0
    } else {
        decimals_for(x1 - x0)
    };
    let ydec = decimals_for(y1 - y0);
    let xf = move |v: &f64| fmt_tick(*v, xdec);
    let yf = move |v: &f64| fmt_tick(*v, ydec);
    // Room for about one tick label per 110 pixels (at 1600x1000) of plot width.
    let (pw, ph) = chart.plotting_area().dim_in_pixel();
    let fit = ((pw as i32 / style.px(110.0)) as usize).clamp(3, 11);
    // a short panel: no more y tick labels than fit two line heights apart (a compact
    // chart), one and a half otherwise (the magnified panel under a chart, in a page)
    let spacing = if style.compact { 2.4 } else { 1.5 };
    let line = (26.0 * style.scale * spacing).max(1.0);
    let y_ticks = y_ticks.min((f64::from(ph) / line) as usize).max(2);
    let nx = if xdec == 0 {
        ((x1 - x0).floor() as usize + 1).min(fit)
    } else {
        fit
    };
    chart
        .configure_mesh()
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style(style.axis_font_fitting(x_label, y_label, (pw, ph)))
        .label_style(style.tick_font())
        .x_labels(nx)
        .y_labels(y_ticks)
        .x_label_formatter(&xf)
        .y_label_formatter(&yf)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID.stroke_width(style.px(1.5) as u32))
        .axis_style(INK.stroke_width(style.px(2.0) as u32))
        .set_all_tick_mark_size(style.px(8.0))
        .draw()
        .map_err(draw_err)
}

pub(super) fn x_label(summary: &Summary, style: &Style) -> String {
    style.x_label(summary.unit(), summary.start_year.is_some())
}
