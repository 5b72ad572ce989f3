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

/// The scenario part of a chart's title in each language: the first clause of the
/// scenario's description (of its Chinese description in Chinese, when it has one), or
/// its name when it has no description. Every chart of every command is titled so, never
/// by the internal name when there is a description.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heading {
    /// In English (and in Chinese when the scenario has no Chinese description).
    pub en: String,
    /// In Chinese.
    pub zh: String,
}

impl Heading {
    /// The heading of a scenario with this `name`, `description` and `description_zh`.
    pub fn new(name: &str, description: &str, description_zh: &str) -> Heading {
        let en = heading(name, description);
        let zh = match first_clause(description_zh) {
            "" => en.clone(),
            clause => clause.to_string(),
        };
        Heading { en, zh }
    }

    /// The heading in `lang`.
    pub fn get(&self, lang: super::Lang) -> &str {
        match lang {
            super::Lang::En => &self.en,
            super::Lang::Zh => &self.zh,
        }
    }

    /// The heading with `suffix` after it in both languages (`" · mothersaid"`).
    pub fn with_suffix(&self, suffix: &str) -> Heading {
        Heading {
            en: format!("{}{suffix}", self.en),
            zh: format!("{}{suffix}", self.zh),
        }
    }
}

/// The first clause of a description: up to `;`, `；`, `。` or a full stop before a space.
fn first_clause(description: &str) -> &str {
    let d = description.trim();
    let end = d
        .char_indices()
        .find(|&(i, c)| {
            c == ';' || c == '；' || c == '。' || (c == '.' && d[i + 1..].starts_with(' '))
        })
        .map_or(d.len(), |(i, _)| i);
    d[..end].trim().trim_end_matches('.').trim()
}

/// A chart title's scenario part in English: the first clause of `description`, or
/// `name` when it has none.
fn heading(name: &str, description: &str) -> String {
    match first_clause(description) {
        "" => name.to_string(),
        clause => clause.to_string(),
    }
}

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
    let (lines, em) = match split {
        Some((a, b)) if one < LEGEND_EM => {
            let em = fit(&[&a, &b]).max(SMALLEST_EM);
            (vec![a, b], em)
        }
        _ => (vec![title.to_string()], one.max(SMALLEST_EM)),
    };
    // still too wide at the smallest size: each line wrapped to the room
    if lines.iter().all(|l| width(l, em) <= room) {
        return (lines, em);
    }
    let fits = |text: &str| width(text, em) <= room;
    (lines.iter().flat_map(|l| wrap(l, &fits)).collect(), em)
}

/// `text` in lines that `fits` accepts: broken at spaces, or between any two characters
/// where a word (or a Chinese text, which has no spaces) is too long for a line.
fn wrap(text: &str, fits: &dyn Fn(&str) -> bool) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    // a lone dash or dot stays with the word before it (never a line of its own)
    let mut words: Vec<String> = Vec::new();
    for word in text.split(' ') {
        match words.last_mut() {
            Some(last) if !word.is_empty() && !word.chars().any(char::is_alphanumeric) => {
                last.push(' ');
                last.push_str(word);
            }
            _ => words.push(word.to_string()),
        }
    }
    for word in &words {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&joined) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // a word too long for a line: broken between characters
        for c in word.chars() {
            let longer = format!("{line}{c}");
            if !line.is_empty() && !fits(&longer) {
                lines.push(std::mem::replace(&mut line, c.to_string()));
            } else {
                line = longer;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn a_long_line_is_wrapped_at_spaces_or_between_characters() {
        let fits = |t: &str| t.chars().count() <= 10;
        assert_eq!(
            wrap("Version taken up vs. the others", &fits),
            ["Version", "taken up", "vs. the", "others"]
        );
        assert_eq!(
            wrap("采用该版本的政府占比随时间的变化", &fits),
            ["采用该版本的政府占比", "随时间的变化"]
        );
        assert_eq!(wrap("short", &fits), ["short"]);
        // the dash that ends a title's first half stays on its line
        assert_eq!(
            wrap("final share — map", &fits),
            ["final", "share —", "map"]
        );
    }
}
