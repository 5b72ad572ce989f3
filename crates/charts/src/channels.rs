//! New adoptions per step stacked by channel, and below them, on a scale of their own,
//! the abandonments.

use super::curves::{
    configure_mesh, configure_mesh_with, time_axes_sized, titled, with_legend, x_label,
};
use super::read::CurvePoint;
use super::style::{channel_color, LegendEntry, Style, Swatch, DRAWN_CHANNELS, GREY};
use super::{draw_err, Figure, RunData};
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_model::Result;

/// New adoptions per step stacked by channel (means over runs); abandonments below, in a
/// panel with its own scale.
pub struct ChannelsChart<'a> {
    data: &'a RunData,
    /// (channel, mean per step) for the channels that are not zero throughout.
    layers: Vec<(&'static str, Vec<(f64, f64)>)>,
    abandoned: Option<Vec<(f64, f64)>>,
}

fn nonzero_means(points: &[CurvePoint], x_of: impl Fn(f64) -> f64) -> Option<Vec<(f64, f64)>> {
    let v: Vec<(f64, f64)> = points
        .iter()
        .map(|p| (x_of(p.step as f64), p.mean.unwrap_or(0.0)))
        .collect();
    v.iter().any(|p| p.1.abs() > 0.0).then_some(v)
}

impl<'a> ChannelsChart<'a> {
    /// The chart, or `None` when no channel has any adoption.
    pub fn new(data: &'a RunData) -> Option<ChannelsChart<'a>> {
        let s = &data.summary;
        let layers: Vec<_> = DRAWN_CHANNELS
            .iter()
            .filter_map(|c| {
                let pts = data.curves.get(&format!("new_{c}"))?;
                Some((*c, nonzero_means(pts, |t| s.x_of(t))?))
            })
            .collect();
        if layers.is_empty() {
            return None;
        }
        let abandoned = data
            .curves
            .get("abandoned")
            .and_then(|p| nonzero_means(p, |t| s.x_of(t)));
        Some(ChannelsChart {
            data,
            layers,
            abandoned,
        })
    }
}

impl Figure for ChannelsChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = &self.data.summary;
        let w = style.words();
        let area = titled(
            root,
            &style.title(&s.heading(style.lang), w.channels_title),
            style,
        )?;
        let mut legend: Vec<LegendEntry> = self
            .layers
            .iter()
            .rev()
            .map(|(c, _)| LegendEntry::new(Swatch::Box(channel_color(c)), style.channel_name(c)))
            .collect();
        if self.abandoned.is_some() {
            legend.push(LegendEntry::new(Swatch::Box(GREY), w.abandoned));
        }
        let plot = with_legend(&area, &legend, style)?;

        // Stack per x.
        let xs: Vec<f64> = self.layers[0].1.iter().map(|p| p.0).collect();
        let mut tops = vec![0.0f64; xs.len()];
        let mut rects = Vec::new();
        for (c, pts) in &self.layers {
            for (i, (_, v)) in pts.iter().enumerate().take(xs.len()) {
                let v = v.max(0.0);
                if v > 0.0 {
                    rects.push((xs[i], tops[i], tops[i] + v, channel_color(c)));
                }
                tops[i] += v;
            }
        }
        let top = tops.iter().fold(0.0f64, |m, v| m.max(*v));
        let (x0, x1) = (
            xs.first().copied().unwrap_or(0.0) - 0.5,
            xs.last().copied().unwrap_or(1.0) + 0.5,
        );
        // (a compact chart's panels are short: "mean over runs" is left to the caption)
        let y_label = match (style.lang, style.compact) {
            (super::Lang::En, false) => format!(
                "{} {} (mean over runs)",
                w.governments,
                style.per_unit(s.unit())
            ),
            (super::Lang::En, true) => format!("{} {}", w.governments, style.per_unit(s.unit())),
            (super::Lang::Zh, false) => {
                format!("{}{}（模拟均值）", style.per_unit(s.unit()), w.governments)
            }
            (super::Lang::Zh, true) => format!("{}{}", style.per_unit(s.unit()), w.governments),
        };
        // Abandonments are often a hundredth of the adoptions: below the adoptions, in a
        // panel of their own with their own scale, so that they never vanish in the zero line.
        let (upper, lower) = match &self.abandoned {
            Some(_) => {
                let h = plot.dim_in_pixel().1 as i32;
                // a compact chart's lower panel keeps room for two tick labels and its
                // description (its axis and margins take 150 of them)
                let lower = if style.compact {
                    (h / 3).max(style.px(240.0)).min(h * 2 / 5)
                } else {
                    h - h * 2 / 3
                };
                let (u, l) = plot.split_vertically(h - lower);
                (u, Some(l))
            }
            None => (plot, None),
        };
        let half = 0.42;
        let x_area = if lower.is_some() { 50.0 } else { 100.0 };
        let y_top = (top * 1.05).max(1e-9);
        let mut chart = time_axes_sized(&upper, style, (x0, x1), (0.0, y_top), x_area)?;
        let upper_x_label = if lower.is_some() {
            String::new()
        } else {
            x_label(s, style)
        };
        configure_mesh(
            &mut chart,
            &upper_x_label,
            &y_label,
            (x0, x1),
            (0.0, y_top),
            true,
            style,
        )?;
        chart
            .draw_series(
                rects.iter().map(|(x, a, b, c)| {
                    Rectangle::new([(x - half, *a), (x + half, *b)], c.filled())
                }),
            )
            .map_err(draw_err)?;
        if let (Some(ab), Some(lower)) = (&self.abandoned, lower) {
            let most = ab.iter().fold(0.0f64, |m, p| m.max(p.1));
            let y1 = (most * 1.15).max(1e-9);
            let mut chart = time_axes_sized(&lower, style, (x0, x1), (0.0, y1), 100.0)?;
            configure_mesh_with(
                &mut chart,
                &x_label(s, style),
                w.abandoned,
                (x0, x1),
                (0.0, y1),
                true,
                4,
                style,
            )?;
            chart
                .draw_series(
                    ab.iter().filter(|p| p.1 > 0.0).map(|(x, v)| {
                        Rectangle::new([(x - half, 0.0), (x + half, *v)], GREY.filled())
                    }),
                )
                .map_err(draw_err)?;
        }
        Ok(())
    }
}
