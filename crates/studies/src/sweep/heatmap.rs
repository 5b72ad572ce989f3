//! The map of a two-key grid sweep (the typology map): one cell per point coloured by the
//! metric on a scale fitted to the data (or fixed by `color_range`), the quadrant labels
//! as outlined tags outside the grid at their corners (they hide no cell), readable axis
//! names, and for `observed_rmse` the best (lowest) cell outlined.

use super::chart::{key_label, metric_label, time_level, SweepData};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_charts::curves::{fmt_tick, titled};
use policysim_charts::style::{nice_ticks, tick_decimals, viridis, Style, GREY, INK};
use policysim_charts::{draw_err, Figure, Lang};
use policysim_model::error::Result;

/// The typology map of one metric.
pub(super) struct Heatmap<'a> {
    pub(super) data: &'a SweepData,
    pub(super) metric: &'a str,
}

/// A rectangle in pixels: left, top, right, bottom.
pub(super) type Frame = [i32; 4];

/// Where the quadrant tags go, outside the `grid`: those of the high half of the y key in
/// a row above the grid (`gap` pixels above it), those of the low half in a row whose top
/// is `gap` pixels below `below` (the bottom of the x axis description); a tag of the low
/// half of the x key starts at the grid's left edge (over the first column), of the high
/// half it ends at the grid's right edge. `sizes` are (x high, y high, width, height).
pub(super) fn tag_frames(
    grid: Frame,
    below: i32,
    gap: i32,
    sizes: &[(bool, bool, i32, i32)],
) -> Vec<Frame> {
    let [left, top, right, _] = grid;
    sizes
        .iter()
        .map(|&(x_high, y_high, w, h)| {
            let (x0, x1) = if x_high {
                (right - w, right)
            } else {
                (left, left + w)
            };
            let (y0, y1) = if y_high {
                (top - gap - h, top - gap)
            } else {
                (below + gap, below + gap + h)
            };
            [x0, y0, x1, y1]
        })
        .collect()
}

/// The colour scale of the map: (low, high, fixed). A `color_range` fixes it; otherwise
/// it spans the values present (a single value gets a unit of room).
pub(super) fn color_scale(values: &[f64], fixed: Option<(f64, f64)>) -> (f64, f64, bool) {
    if let Some((lo, hi)) = fixed {
        return (lo, hi, true);
    }
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        (0.0, 1.0, false)
    } else if hi - lo < 1e-12 {
        (lo - 0.5, hi + 0.5, false)
    } else {
        (lo, hi, false)
    }
}

/// The point with the lowest value (the first of ties), for marking the best fit.
pub(super) fn best_point(values: &[Option<f64>]) -> Option<usize> {
    values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| (i, v)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
        .map(|(i, _)| i)
}

/// The outline that marks the best cell (in the map and in its legend).
fn draw_best_mark<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    [x0, y0, x1, y1]: Frame,
    style: &Style,
) -> Result<()> {
    // closed paths, not rectangles: the SVG backend keeps a path's stroke width
    let outline = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    let width = style.px(5.0) as u32;
    area.draw(&PathElement::new(
        outline.clone(),
        WHITE.stroke_width(width * 2),
    ))
    .map_err(draw_err)?;
    area.draw(&PathElement::new(outline, INK.stroke_width(width)))
        .map_err(draw_err)
}

/// A cell (or legend swatch) for "fewer than half of the runs reached the level": white
/// with dark diagonal hatching, unlike any colour of the scale.
fn draw_hatched<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: [(i32, i32); 2],
    style: &Style,
) -> Result<()> {
    let [(x0, y0), (x1, y1)] = rect;
    let (x0, x1, y0, y1) = (x0.min(x1), x0.max(x1), y0.min(y1), y0.max(y1));
    area.draw(&Rectangle::new(rect, WHITE.filled()))
        .map_err(draw_err)?;
    let gap = style.px(10.0).max(4);
    let line = INK.mix(0.7).stroke_width(style.px(2.0).max(1) as u32);
    // lines x + y = c across the rectangle
    let mut c = x0 + y0 + gap;
    while c < x1 + y1 {
        let xa = x0.max(c - y1);
        let xb = x1.min(c - y0);
        if xa < xb {
            area.draw(&PathElement::new(vec![(xa, c - xa), (xb, c - xb)], line))
                .map_err(draw_err)?;
        }
        c += gap;
    }
    Ok(())
}

/// What a swatch below the colour bar shows.
enum Key {
    NoValue,
    Hatched,
    Best,
}

impl Figure for Heatmap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let d = self.data;
        let zh = style.lang == Lang::Zh;
        let metric_text = metric_label(self.metric, style, &d.time_unit);
        let any_not_reached = d.not_reached.iter().any(|&x| x);
        let level = time_level(self.metric);
        let rmse = self.metric == "observed_rmse";
        // the RMSE is one number per point, computed from the mean curve of its runs
        let subject = match (zh, rmse) {
            _ if level.is_some() => metric_text.clone(),
            (true, false) => format!("{metric_text}({} 次运行的均值)", d.runs),
            (false, false) => format!("{metric_text} (mean of {} runs)", d.runs),
            (true, true) => format!("{metric_text}({} 次运行的平均曲线)", d.runs),
            (false, true) => format!("{metric_text} (mean curve of {} runs)", d.runs),
        };
        let area = titled(
            root,
            &style.title(d.scenario.get(style.lang), &subject),
            style,
        )?;
        let area = match level {
            Some(p) => {
                let hatched = match (zh, any_not_reached) {
                    (true, true) => format!(";斜线 = 不到一半的运行达到{p}%"),
                    (false, true) => {
                        format!("; hatched = fewer than half of the runs reached {p}%")
                    }
                    (_, false) => String::new(),
                };
                let sub = if zh {
                    format!("{} 次运行的Kaplan–Meier中位数{hatched}", d.runs)
                } else {
                    format!("Kaplan–Meier median over {} runs{hatched}", d.runs)
                };
                area.titled(&sub, style.axis_font()).map_err(draw_err)?
            }
            None => area,
        };
        let (w, h) = area.dim_in_pixel();
        let (w, h) = (w as i32, h as i32);
        let text_w = |t: &str, f: &TextStyle| -> Result<i32> {
            area.estimate_text_size(t, f)
                .map(|(w, _)| w as i32)
                .map_err(draw_err)
        };

        // The colour scale and its ticks.
        let present: Vec<f64> = d.values.iter().filter_map(|v| v.0).collect();
        let (lo, hi, fixed) = color_scale(&present, d.color_range);
        let t_of = |v: f64| (v - lo) / (hi - lo);
        let ticks = nice_ticks(lo, hi, 5);
        let dec = tick_decimals(&ticks);
        let scale_note = match (zh, fixed) {
            (true, false) => "色标：数据范围",
            (true, true) => "色标：固定范围",
            (false, false) => "Colour: data range",
            (false, true) => "Colour: fixed range",
        };
        let best = rmse
            .then(|| best_point(&d.values.iter().map(|v| v.0).collect::<Vec<_>>()))
            .flatten();
        let mut keys: Vec<(Key, Vec<String>)> = Vec::new();
        let no_value = d
            .values
            .iter()
            .zip(&d.not_reached)
            .any(|(v, &nr)| v.0.is_none() && !nr);
        if no_value {
            keys.push((
                Key::NoValue,
                vec![(if zh { "无值" } else { "no value" }).into()],
            ));
        }
        if let (true, Some(p)) = (any_not_reached, level) {
            let lines = if zh {
                vec![format!("不到一半达到{p}%")]
            } else {
                vec!["fewer than half".into(), format!("reached {p}%")]
            };
            keys.push((Key::Hatched, lines));
        }
        if let Some(v) = best.and_then(|p| d.values[p].0) {
            let v = format!("{:.3}", v);
            let lines = if zh {
                vec![format!("最小值 {v}"), "（最佳拟合）".into()]
            } else {
                vec![format!("lowest: {v}"), "(best fit)".into()]
            };
            keys.push((Key::Best, lines));
        }

        // The legend column: as wide as its widest text.
        let tick_font = style.tick_font();
        let bw = style.px(36.0);
        let mut col_w = text_w(scale_note, &tick_font)?;
        for t in &ticks {
            col_w = col_w.max(bw + style.px(14.0) + text_w(&fmt_tick(*t, dec), &tick_font)?);
        }
        for (_, lines) in &keys {
            for l in lines {
                col_w = col_w.max(bw + style.px(14.0) + text_w(l, &tick_font)?);
            }
        }

        // Quadrant tags: one line each, outlined, outside the grid.
        let tag_font = style.font(28.0);
        let pad = style.px(8.0);
        let tag_texts: Vec<(bool, bool, String)> = d
            .labels
            .iter()
            .map(|(x, y, t)| {
                (
                    *x,
                    *y,
                    t.lines().map(str::trim).collect::<Vec<_>>().join(" · "),
                )
            })
            .collect();
        let tag_h = style.px(28.0 * 1.3) + 2 * pad;
        let mut sizes = Vec::new();
        for (x, y, t) in &tag_texts {
            sizes.push((*x, *y, text_w(t, &tag_font)? + 2 * pad, tag_h));
        }
        let gap = style.px(10.0);
        let high_row = tag_texts.iter().any(|t| t.1);
        let low_row = tag_texts.iter().any(|t| !t.1);

        let left = style.px(200.0);
        let right = w - col_w - style.px(60.0);
        let top = style.px(30.0) + if high_row { tag_h + gap } else { 0 };
        let axis_h = style.px(110.0);
        let bottom = h - style.px(30.0) - axis_h - if low_row { tag_h + gap } else { 0 };
        let (nx, ny) = (d.ticks[0].len(), d.ticks[1].len());
        let cw = (right - left) as f64 / nx as f64;
        let ch = (bottom - top) as f64 / ny as f64;
        let x_at = |i: f64| left + (i * cw).round() as i32;
        let y_at = |j: f64| bottom - (j * ch).round() as i32;

        for ix in 0..nx {
            for iy in 0..ny {
                let rect = [
                    (x_at(ix as f64), y_at(iy as f64 + 1.0)),
                    (x_at(ix as f64 + 1.0), y_at(iy as f64)),
                ];
                let point = ix * ny + iy;
                match d.values[point].0 {
                    _ if d.not_reached[point] => draw_hatched(&area, rect, style)?,
                    Some(v) => area
                        .draw(&Rectangle::new(rect, viridis(t_of(v)).filled()))
                        .map_err(draw_err)?,
                    None => area
                        .draw(&Rectangle::new(rect, GREY.mix(0.4).filled()))
                        .map_err(draw_err)?,
                }
            }
        }
        area.draw(&Rectangle::new(
            [(left, top), (right, bottom)],
            INK.stroke_width(style.px(2.0) as u32),
        ))
        .map_err(draw_err)?;
        if let Some(p) = best {
            let (ix, iy) = ((p / ny) as f64, (p % ny) as f64);
            draw_best_mark(
                &area,
                [x_at(ix), y_at(iy + 1.0), x_at(ix + 1.0), y_at(iy)],
                style,
            )?;
        }

        // Ticks at cell centres, thinned to at most about 12 labels per axis.
        let every = |n: usize| n.div_ceil(12).max(1);
        let tick_text = |t: &(String, Option<f64>), dist: bool| match t.1 {
            Some(v) if dist => format!("{}", (v * 1000.0).round() / 1000.0),
            _ => t.0.clone(),
        };
        let ink2 = INK.stroke_width(style.px(2.0) as u32);
        for ix in (0..nx).step_by(every(nx)) {
            let x = x_at(ix as f64 + 0.5);
            area.draw(&PathElement::new(
                vec![(x, bottom), (x, bottom + style.px(8.0))],
                ink2,
            ))
            .map_err(draw_err)?;
            area.draw(&Text::new(
                tick_text(&d.ticks[0][ix], d.dist[0]),
                (x, bottom + style.px(14.0)),
                tick_font.pos(Pos::new(HPos::Center, VPos::Top)),
            ))
            .map_err(draw_err)?;
        }
        for iy in (0..ny).step_by(every(ny)) {
            let y = y_at(iy as f64 + 0.5);
            area.draw(&PathElement::new(
                vec![(left - style.px(8.0), y), (left, y)],
                ink2,
            ))
            .map_err(draw_err)?;
            area.draw(&Text::new(
                tick_text(&d.ticks[1][iy], d.dist[1]),
                (left - style.px(14.0), y),
                tick_font.pos(Pos::new(HPos::Right, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
        let axis = style.axis_font();
        area.draw(&Text::new(
            key_label(d, 0, style),
            ((left + right) / 2, bottom + style.px(62.0)),
            axis.pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_err)?;
        area.draw(&Text::new(
            key_label(d, 1, style),
            (style.px(30.0), (top + bottom) / 2),
            axis.transform(FontTransform::Rotate270)
                .pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(draw_err)?;

        // The tags.
        let frames = tag_frames([left, top, right, bottom], bottom + axis_h, gap, &sizes);
        for ((_, _, text), [x0, y0, x1, y1]) in tag_texts.iter().zip(&frames) {
            area.draw(&Rectangle::new([(*x0, *y0), (*x1, *y1)], WHITE.filled()))
                .map_err(draw_err)?;
            area.draw(&Rectangle::new(
                [(*x0, *y0), (*x1, *y1)],
                INK.stroke_width(style.px(1.5) as u32),
            ))
            .map_err(draw_err)?;
            area.draw(&Text::new(
                text.clone(),
                ((x0 + x1) / 2, (y0 + y1) / 2),
                tag_font.pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }

        // Colour bar (high values at the top) with round ticks, what the scale is, then
        // the swatches of cells the scale does not colour.
        let bx = right + style.px(40.0);
        let row = style.px(32.0);
        let keys_h: i32 = keys
            .iter()
            .map(|(_, l)| l.len() as i32 * row + style.px(16.0))
            .sum();
        let bar_top = top + style.px(40.0);
        let bar_bottom = (bottom - keys_h).max(bar_top + style.px(100.0));
        area.draw(&Text::new(
            scale_note,
            (bx, top + style.px(12.0)),
            tick_font.pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(draw_err)?;
        let cells = 100;
        for i in 0..cells {
            let a = bar_top + (bar_bottom - bar_top) * i / cells;
            let b = bar_top + (bar_bottom - bar_top) * (i + 1) / cells;
            let c = viridis(1.0 - i as f64 / (cells - 1) as f64);
            area.draw(&Rectangle::new(
                [(bx, a), (bx + bw, b.max(a + 1))],
                c.filled(),
            ))
            .map_err(draw_err)?;
        }
        area.draw(&Rectangle::new(
            [(bx, bar_top), (bx + bw, bar_bottom)],
            INK.stroke_width(1),
        ))
        .map_err(draw_err)?;
        for &v in &ticks {
            let y =
                bar_bottom - ((v - lo) / (hi - lo) * (bar_bottom - bar_top) as f64).round() as i32;
            area.draw(&PathElement::new(
                vec![(bx + bw, y), (bx + bw + style.px(8.0), y)],
                ink2,
            ))
            .map_err(draw_err)?;
            area.draw(&Text::new(
                fmt_tick(v, dec),
                (bx + bw + style.px(14.0), y),
                tick_font.pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(draw_err)?;
        }
        let mut y = bar_bottom + style.px(24.0);
        for (key, lines) in &keys {
            let sw = [bx, y, bx + bw, y + style.px(24.0)];
            let rect = [(sw[0], sw[1]), (sw[2], sw[3])];
            match key {
                Key::NoValue => area
                    .draw(&Rectangle::new(rect, GREY.mix(0.4).filled()))
                    .map_err(draw_err)?,
                Key::Hatched => {
                    draw_hatched(&area, rect, style)?;
                    area.draw(&Rectangle::new(rect, INK.stroke_width(1)))
                        .map_err(draw_err)?;
                }
                Key::Best => draw_best_mark(&area, sw, style)?,
            }
            for (i, l) in lines.iter().enumerate() {
                area.draw(&Text::new(
                    l.clone(),
                    (
                        bx + bw + style.px(14.0),
                        y + style.px(12.0) + i as i32 * row,
                    ),
                    tick_font.pos(Pos::new(HPos::Left, VPos::Center)),
                ))
                .map_err(draw_err)?;
            }
            y += lines.len() as i32 * row + style.px(16.0);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typology map's grid (11 x 7 cells at 1600x1000) and its four tags.
    #[test]
    fn typology_tags_cover_no_cell_centre_and_sit_at_their_corners() {
        let grid = [200, 100, 1240, 700];
        let (nx, ny) = (11, 7);
        let sizes = [
            (false, true, 480, 52),
            (true, true, 440, 52),
            (true, false, 430, 52),
            (false, false, 500, 52),
        ];
        let frames = tag_frames(grid, 700 + 110, 10, &sizes);
        let cw = (grid[2] - grid[0]) as f64 / nx as f64;
        let chh = (grid[3] - grid[1]) as f64 / ny as f64;
        for ix in 0..nx {
            for iy in 0..ny {
                let cx = grid[0] as f64 + (ix as f64 + 0.5) * cw;
                let cy = grid[1] as f64 + (iy as f64 + 0.5) * chh;
                for (f, s) in frames.iter().zip(&sizes) {
                    let inside = (f[0] as f64..=f[2] as f64).contains(&cx)
                        && (f[1] as f64..=f[3] as f64).contains(&cy);
                    assert!(
                        !inside,
                        "tag {s:?} at {f:?} covers the centre of cell ({ix}, {iy})"
                    );
                }
            }
        }
        // no two tags overlap
        for i in 0..frames.len() {
            for j in 0..i {
                let (a, b) = (frames[i], frames[j]);
                let apart = a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1];
                assert!(apart, "tags {i} and {j} overlap: {a:?} {b:?}");
            }
        }
        // competition for first (low x, high y): above the grid, starting over the
        // mandate-0 column; the high-x tags end at the right edge
        let first = frames[0];
        assert!(first[3] <= grid[1], "above the grid");
        assert!(first[0] == grid[0] && (first[0] as f64) < grid[0] as f64 + cw / 2.0);
        assert_eq!(frames[1][2], grid[2]);
        assert!(
            frames[2][1] >= 810 && frames[3][1] >= 810,
            "below the axis title"
        );
    }

    #[test]
    fn the_scale_fits_the_data_unless_fixed() {
        let v = [0.877, 0.93, 0.966];
        assert_eq!(color_scale(&v, None), (0.877, 0.966, false));
        assert_eq!(color_scale(&v, Some((0.0, 1.0))), (0.0, 1.0, true));
        assert_eq!(color_scale(&[0.5], None), (0.0, 1.0, false));
        assert_eq!(color_scale(&[], None), (0.0, 1.0, false));
    }

    #[test]
    fn the_best_point_is_the_lowest_value() {
        assert_eq!(
            best_point(&[Some(0.3), None, Some(0.1), Some(0.1), Some(0.2)]),
            Some(2)
        );
        assert_eq!(best_point(&[None, None]), None);
    }
}
