//! A chart's title: one line at the title's size when it fits; otherwise smaller, and on
//! two lines (the scenario, then the subject) when one line would be too small, so that a
//! chart drawn with large text for a small screen keeps its whole title.

use super::draw_err;
use super::style::{Style, LEGEND_EM, SMALLEST_EM, TITLE_EM};
use super::text::text_width;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_model::Result;

/// Draws the chart title at the top of `root` and returns the area below it.
pub fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    style: &Style,
) -> Result<DrawingArea<DB, Shift>> {
    let area = root.margin(style.px(16.0), 0, 0, 0);
    let (w, _) = area.dim_in_pixel();
    let room = f64::from(w) * 0.96;
    let (lines, em) = layout(title, room, style);
    if lines.len() == 1 {
        let below = area.titled(title, style.font(em)).map_err(draw_err)?;
        return Ok(below.margin(style.px(12.0), 0, 0, 0));
    }
    let font = style.font(em).pos(Pos::new(HPos::Center, VPos::Top));
    let line = (em * style.scale * 1.3).round() as i32;
    for (i, text) in lines.iter().enumerate() {
        area.draw(&Text::new(
            text.clone(),
            (w as i32 / 2, i as i32 * line),
            font.clone(),
        ))
        .map_err(draw_err)?;
    }
    Ok(area.margin(line * lines.len() as i32 + style.px(12.0), 0, 0, 0))
}

/// The lines of `title` and their em (at 1600x1000) to fit `room` pixels: the title's
/// size when it fits, else as large as fits down to the legend's size; else two lines
/// (split after the scenario's name), as large as fits down to the smallest text size.
fn layout(title: &str, room: f64, style: &Style) -> (Vec<String>, f64) {
    let width = |text: &str, em: f64| f64::from(text_width(text, (em * style.scale) as f32));
    let fit = |lines: &[&str]| {
        let widest = lines.iter().map(|l| width(l, TITLE_EM)).fold(0.0, f64::max);
        if widest <= room || widest <= 0.0 {
            TITLE_EM
        } else {
            TITLE_EM * room / widest
        }
    };
    let one = fit(&[title]);
    let split = title
        .split_once(" — ")
        .map(|(a, b)| (format!("{a} —"), b.to_string()))
        .or_else(|| {
            title
                .split_once('：')
                .map(|(a, b)| (format!("{a}："), b.to_string()))
        });
    match split {
        Some((a, b)) if one < LEGEND_EM => {
            let em = fit(&[&a, &b]).max(SMALLEST_EM);
            (vec![a, b], em)
        }
        _ => (vec![title.to_string()], one.max(SMALLEST_EM)),
    }
}
