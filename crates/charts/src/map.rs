//! The adoption map of one representative run (`map.csv`, `map_edges.csv`): dots at
//! their coordinates coloured by adoption step (viridis), never-adopters grey, edges
//! faint, labels (the node file's `name`) beside the dots of small maps, a colour bar
//! with round ticks right beside the map.

use super::curves::{fmt_tick, titled};
use super::read::{MapNode, Summary};
use super::style::{nice_ticks, tick_decimals, viridis, Style, GREY, INK};
use super::{draw_err, Figure};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_model::Result;
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

/// Nodes are labelled (by the node file's `name`, e.g. postal codes) up to this many.
pub const MAX_LABELS: usize = 100;

impl Figure for MapChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = self.summary;
        let w = style.words();
        let area = titled(
            root,
            &style.title(&s.heading(style.lang), w.map_title),
            style,
        )?;
        let (aw, ah) = area.dim_in_pixel();
        let (aw, ah) = (aw as i32, ah as i32);
        let years = s.start_year.is_some();
        let bar_title = if years {
            w.adoption_year
        } else {
            w.adoption_step
        };

        let steps: Vec<f64> = self.nodes.iter().filter_map(|n| n.adopted_step).collect();
        let smin = steps.iter().copied().fold(f64::INFINITY, f64::min);
        let smax = steps.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let span = if steps.is_empty() {
            1.0
        } else {
            (smax - smin).max(1.0)
        };
        let t_of = |v: f64| (v - smin) / span;
        // Round ticks in the shown unit (steps or calendar years).
        let ticks = if steps.is_empty() {
            Vec::new()
        } else {
            nice_ticks(s.x_of(smin), s.x_of(smin + span), 6)
        };
        let dec = tick_decimals(&ticks);

        // The legend column: colour bar with ticks, and the never-adopted dot, as wide as
        // its widest text.
        let bw = style.px(36.0);
        let tick_font = style.tick_font();
        let legend_font = style.legend_font();
        let text_w = |t: &str, f: &TextStyle| {
            area.estimate_text_size(t, f)
                .map(|(w, _)| w as i32)
                .map_err(draw_err)
        };
        let mut legend_w = text_w(bar_title, &legend_font)?;
        legend_w = legend_w.max(bw + style.px(14.0) + text_w(w.never_adopted, &legend_font)?);
        for t in &ticks {
            legend_w = legend_w.max(bw + style.px(14.0) + text_w(&fmt_tick(*t, dec), &tick_font)?);
        }
        let gap = style.px(50.0);

        // Equal-aspect fit of the coordinates into what the legend leaves (north up).
        let (mx, my) = (style.px(20.0), style.px(20.0));
        let room_w = (aw - legend_w - gap - 2 * mx).max(1);
        let room_h = (ah - 2 * my).max(1);
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
        let k = (room_w as f64 / dx).min(room_h as f64 / dy);
        let (map_w, map_h) = ((dx * k).round() as i32, (dy * k).round() as i32);
        // map and legend side by side, centred together: no empty band between them
        let left = (aw - map_w - gap - legend_w) / 2;
        let top = my + (room_h - map_h) / 2;
        let at = |n: &MapNode| -> (i32, i32) {
            (
                left + ((n.x - x0) * k).round() as i32,
                top + ((y1 - n.y) * k).round() as i32,
            )
        };
        let pos: HashMap<u32, (i32, i32)> = self.nodes.iter().map(|n| (n.node, at(n))).collect();
        if self.edges.len() <= MAX_EDGES {
            let edge_style = GREY.mix(0.35).stroke_width(style.px(1.0) as u32);
            for (a, b) in &self.edges {
                if let (Some(p), Some(q)) = (pos.get(a), pos.get(b)) {
                    area.draw(&PathElement::new(vec![*p, *q], edge_style))
                        .map_err(draw_err)?;
                }
            }
        }

        let r = (0.3
            * ((map_w.max(1) as f64 * map_h.max(1) as f64) / self.nodes.len() as f64).sqrt())
        .clamp(style.px(3.0) as f64, style.px(10.0) as f64)
        .round() as i32;
        let mut order: Vec<&MapNode> = self.nodes.iter().collect();
        // Never-adopters first, then late before early so early adopters stay visible.
        order.sort_by(|a, b| {
            let ka = a.adopted_step.map_or(f64::INFINITY, |v| v);
            let kb = b.adopted_step.map_or(f64::INFINITY, |v| v);
            kb.total_cmp(&ka).then(a.node.cmp(&b.node))
        });
        for n in &order {
            let p = pos[&n.node];
            match n.adopted_step {
                None => area
                    .draw(&Circle::new(p, r, GREY.mix(0.8).filled()))
                    .map_err(draw_err)?,
                Some(v) => area
                    .draw(&Circle::new(p, r, viridis(t_of(v)).filled()))
                    .map_err(draw_err)?,
            }
        }
        // Labels (postal codes, short names) beside their dots, when there are few nodes.
        if self.nodes.len() <= MAX_LABELS && self.nodes.iter().any(|n| !n.label.is_empty()) {
            let font = style.font(18.0).pos(Pos::new(HPos::Left, VPos::Bottom));
            for n in &order {
                if n.label.is_empty() {
                    continue;
                }
                let (px, py) = pos[&n.node];
                area.draw(&Text::new(
                    n.label.clone(),
                    (px + r * 7 / 10, py - r * 7 / 10),
                    font.clone(),
                ))
                .map_err(draw_err)?;
            }
        }

        // Colour bar, right of the map: early (dark) at the top, late (yellow) at the
        // bottom, like a time axis down.
        let lx = left + map_w + gap;
        let bar_top = top.max(style.px(60.0));
        let bar_h = (map_h.min(ah - style.px(120.0)) - (bar_top - top) - style.px(90.0))
            .max(style.px(100.0));
        if !steps.is_empty() {
            area.draw(&Text::new(
                bar_title.to_string(),
                (lx, bar_top - style.px(30.0)),
                legend_font.pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
            let cells = 100;
            for i in 0..cells {
                let a = bar_top + bar_h * i / cells;
                let b = bar_top + bar_h * (i + 1) / cells;
                let c = viridis(i as f64 / (cells - 1) as f64);
                area.draw(&Rectangle::new(
                    [(lx, a), (lx + bw, b.max(a + 1))],
                    c.filled(),
                ))
                .map_err(draw_err)?;
            }
            area.draw(&Rectangle::new(
                [(lx, bar_top), (lx + bw, bar_top + bar_h)],
                INK.stroke_width(1),
            ))
            .map_err(draw_err)?;
            let font = tick_font.pos(Pos::new(HPos::Left, VPos::Center));
            let first = s.x_of(smin);
            for &t in &ticks {
                let y = bar_top + ((t - first) / span * bar_h as f64).round() as i32;
                area.draw(&PathElement::new(
                    vec![(lx + bw, y), (lx + bw + style.px(8.0), y)],
                    INK.stroke_width(style.px(2.0) as u32),
                ))
                .map_err(draw_err)?;
                area.draw(&Text::new(
                    fmt_tick(t, dec),
                    (lx + bw + style.px(14.0), y),
                    font.clone(),
                ))
                .map_err(draw_err)?;
            }
        }
        let ny = bar_top + bar_h + style.px(50.0);
        area.draw(&Circle::new(
            (lx + bw / 2, ny),
            style.px(10.0),
            GREY.mix(0.8).filled(),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new(
            w.never_adopted.to_string(),
            (lx + bw + style.px(14.0), ny),
            legend_font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_err)?;
        Ok(())
    }
}
