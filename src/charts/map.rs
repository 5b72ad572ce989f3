//! The adoption map of one representative run (`map.csv`, `map_edges.csv`): dots at
//! their coordinates coloured by adoption step (viridis), never-adopters grey, edges
//! faint, a colour bar on the right.

use super::curves::{fmt_tick, titled};
use super::read::{MapNode, Summary};
use super::style::{viridis, Style, GREY, INK};
use super::{draw_err, Figure};
use crate::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::collections::HashMap;

/// Edges are not drawn when there are more than this many (the picture would be a blur
/// and the SVG huge).
pub const MAX_EDGES: usize = 60_000;

/// The map chart.
pub struct MapChart<'a> {
    summary: &'a Summary,
    nodes: Vec<MapNode>,
    edges: Vec<(u32, u32)>,
}

impl<'a> MapChart<'a> {
    /// The chart, or `None` when there are no nodes.
    pub fn new(
        summary: &'a Summary,
        nodes: Vec<MapNode>,
        edges: Vec<(u32, u32)>,
    ) -> Option<MapChart<'a>> {
        (!nodes.is_empty()).then_some(MapChart {
            summary,
            nodes,
            edges,
        })
    }
}

impl Figure for MapChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = self.summary;
        let w = style.words();
        let area = titled(root, &style.title(&s.scenario, w.map_title), style)?;
        let (aw, _) = area.dim_in_pixel();
        let bar_w = style.px(300.0);
        let (plot, legend) = area.split_horizontally(aw as i32 - bar_w);
        let plot = plot.margin(
            style.px(20.0),
            style.px(30.0),
            style.px(40.0),
            style.px(20.0),
        );
        let (pw, ph) = plot.dim_in_pixel();

        // Equal-aspect fit of the coordinates into the plot area (north up).
        let fold = |f: fn(&MapNode) -> f64| {
            self.nodes
                .iter()
                .map(f)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(v), b.max(v))
                })
        };
        // A degenerate extent (one node, or all on a line) gets a unit of room.
        let widen = |(a, b): (f64, f64)| {
            if b - a > 1e-9 {
                (a, b)
            } else {
                (a - 1.0, b + 1.0)
            }
        };
        let (x0, x1) = widen(fold(|n| n.x));
        let (y0, y1) = widen(fold(|n| n.y));
        let (dx, dy) = (x1 - x0, y1 - y0);
        let k = (pw as f64 / dx).min(ph as f64 / dy);
        let (ox, oy) = ((pw as f64 - dx * k) / 2.0, (ph as f64 - dy * k) / 2.0);
        let at = |n: &MapNode| -> (i32, i32) {
            (
                (ox + (n.x - x0) * k).round() as i32,
                (oy + (y1 - n.y) * k).round() as i32,
            )
        };
        let pos: HashMap<u32, (i32, i32)> = self.nodes.iter().map(|n| (n.node, at(n))).collect();
        if self.edges.len() <= MAX_EDGES {
            let edge_style = GREY.mix(0.35).stroke_width(style.px(1.0) as u32);
            for (a, b) in &self.edges {
                if let (Some(p), Some(q)) = (pos.get(a), pos.get(b)) {
                    plot.draw(&PathElement::new(vec![*p, *q], edge_style))
                        .map_err(draw_err)?;
                }
            }
        }

        let steps: Vec<f64> = self.nodes.iter().filter_map(|n| n.adopted_step).collect();
        let smin = steps.iter().copied().fold(f64::INFINITY, f64::min);
        let smax = steps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if steps.is_empty() {
            1.0
        } else {
            (smax - smin).max(1.0)
        };
        let t_of = |v: f64| (v - smin) / span;

        let r = (0.3 * ((pw as f64 * ph as f64) / self.nodes.len() as f64).sqrt())
            .clamp(style.px(3.0) as f64, style.px(10.0) as f64)
            .round() as i32;
        let mut order: Vec<&MapNode> = self.nodes.iter().collect();
        // Never-adopters first, then late before early so early adopters stay visible.
        order.sort_by(|a, b| {
            let ka = a.adopted_step.map_or(f64::INFINITY, |v| v);
            let kb = b.adopted_step.map_or(f64::INFINITY, |v| v);
            kb.total_cmp(&ka).then(a.node.cmp(&b.node))
        });
        for n in order {
            let p = pos[&n.node];
            match n.adopted_step {
                None => plot
                    .draw(&Circle::new(p, r, GREY.mix(0.8).filled()))
                    .map_err(draw_err)?,
                Some(v) => plot
                    .draw(&Circle::new(p, r, viridis(t_of(v)).filled()))
                    .map_err(draw_err)?,
            }
        }

        // Colour bar.
        let years = s.start_year.is_some();
        let bar_title = if years {
            w.adoption_year
        } else {
            w.adoption_step
        };
        let left = style.px(20.0);
        let top = style.px(90.0);
        let (_, lh) = legend.dim_in_pixel();
        let bar_h = (lh as i32 - top - style.px(200.0)).max(style.px(100.0));
        let bw = style.px(36.0);
        if !steps.is_empty() {
            legend
                .draw(&Text::new(
                    bar_title.to_string(),
                    (left, top - style.px(50.0)),
                    style.legend_font().pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(draw_err)?;
            let cells = 100;
            for i in 0..cells {
                // Early (dark) at the top, late (yellow) at the bottom, like a time axis down.
                let a = top + bar_h * i / cells;
                let b = top + bar_h * (i + 1) / cells;
                let c = viridis(i as f64 / (cells - 1) as f64);
                legend
                    .draw(&Rectangle::new(
                        [(left, a), (left + bw, b.max(a + 1))],
                        c.filled(),
                    ))
                    .map_err(draw_err)?;
            }
            legend
                .draw(&Rectangle::new(
                    [(left, top), (left + bw, top + bar_h)],
                    INK.stroke_width(1),
                ))
                .map_err(draw_err)?;
            let ticks = 5;
            let font = style.tick_font().pos(Pos::new(HPos::Left, VPos::Center));
            let mut last = String::new();
            for i in 0..=ticks {
                let v = smin + span * i as f64 / ticks as f64;
                let label = fmt_tick(s.x_of(v), if span >= 5.0 { 0 } else { 1 });
                if label == last {
                    continue;
                }
                let y = top + bar_h * i / ticks;
                legend
                    .draw(&PathElement::new(
                        vec![(left + bw, y), (left + bw + style.px(8.0), y)],
                        INK.stroke_width(style.px(2.0) as u32),
                    ))
                    .map_err(draw_err)?;
                legend
                    .draw(&Text::new(
                        label.clone(),
                        (left + bw + style.px(14.0), y),
                        font.clone(),
                    ))
                    .map_err(draw_err)?;
                last = label;
            }
        }
        let ny = top + bar_h + style.px(60.0);
        legend
            .draw(&Circle::new(
                (left + bw / 2, ny),
                style.px(10.0),
                GREY.mix(0.8).filled(),
            ))
            .map_err(draw_err)?;
        legend
            .draw(&Text::new(
                w.never_adopted.to_string(),
                (left + bw + style.px(14.0), ny),
                style.legend_font().pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
        Ok(())
    }
}
