//! Text as glyph outlines in SVG: a chart file that carries its own letters.
//!
//! An SVG `<text>` names a font; a viewer without it (no CJK font installed, or
//! CairoSVG and resvg, which read no CSS fallback list) shows boxes. So the SVG files
//! policysim writes draw every text as the embedded font's glyph outlines: each glyph
//! used is one `<path>` in `<defs>` (in font units), placed by `<use>` at the pen
//! positions the PNG uses (the same layout, kerning included, as `text.rs`). The
//! original `<text>` stays in place, transparent, so the words can still be searched,
//! selected and read by a screen reader. PDF files are made from this SVG
//! (module `pdf`), so they need no font either.
//!
//! Complexity: linear in the SVG's length and the number of glyphs drawn; each glyph
//! outline is written once per chart.

use super::text::{font, BASELINE};
use ab_glyph::{Font, GlyphId, OutlineCurve};
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::FontTransform;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::rc::Rc;

/// One text the chart drew: what, how large, where, anchored how, turned how, in which
/// colour (recorded by the SVG backend wrapper in `text.rs`, in drawing order).
#[derive(Clone)]
pub(crate) struct TextRun {
    /// The text.
    pub(crate) text: String,
    /// Pixels per em.
    pub(crate) em: f32,
    /// Horizontal anchor.
    pub(crate) h: HPos,
    /// Vertical anchor.
    pub(crate) v: VPos,
    /// The anchor point.
    pub(crate) pos: (i32, i32),
    /// Rotation in degrees about the anchor point (0, 90, 180 or 270).
    pub(crate) rotate: u32,
    /// Colour as `#RRGGBB`.
    pub(crate) fill: String,
    /// Opacity (0..=1).
    pub(crate) opacity: f64,
}

/// The texts of one chart, in the order drawn.
pub(crate) type TextRuns = Rc<RefCell<Vec<TextRun>>>;

/// The rotation of a plotters font transform, in degrees.
pub(crate) fn degrees(t: &FontTransform) -> u32 {
    match t {
        FontTransform::Rotate90 => 90,
        FontTransform::Rotate180 => 180,
        FontTransform::Rotate270 => 270,
        _ => 0,
    }
}

/// The characters of `text` the embedded font has no glyph for (whitespace aside).
pub fn missing_glyphs(text: &str) -> Vec<char> {
    let f = font();
    text.chars()
        .filter(|c| !c.is_whitespace() && f.glyph_id(*c).0 == 0)
        .collect()
}

/// `svg` (as plotters' SVG backend wrote it, with `runs` its texts in order) with each
/// text drawn as outlines after its transparent `<text>`, and the glyphs in `<defs>`.
/// An SVG whose `<text>` elements do not match `runs` one to one is returned as it was
/// (never a wrong drawing).
pub(crate) fn outline_svg(svg: &str, runs: &[TextRun]) -> String {
    let starts: Vec<usize> = svg.match_indices("<text ").map(|(i, _)| i).collect();
    if starts.len() != runs.len() || runs.is_empty() {
        return svg.to_string();
    }
    let mut glyphs: BTreeMap<u16, String> = BTreeMap::new();
    let mut out = String::with_capacity(svg.len() * 2);
    let mut at = 0;
    for (start, run) in starts.iter().zip(runs) {
        let Some(close) = svg[*start..]
            .find("</text>")
            .map(|c| start + c + "</text>".len())
        else {
            return svg.to_string();
        };
        out.push_str(&svg[at..*start]);
        out.push_str(&transparent(&svg[*start..close]));
        out.push_str(&placed(run, &mut glyphs));
        at = close;
    }
    out.push_str(&svg[at..]);
    let mut defs = String::from("<defs>");
    for (id, d) in &glyphs {
        let _ = write!(defs, "<path id=\"g{id}\" d=\"{d}\"/>");
    }
    defs.push_str("</defs>\n");
    // after the root element's opening tag (which gains the xlink namespace)
    let Some(root_end) = out.find('>').map(|i| i + 1) else {
        return svg.to_string();
    };
    let root = out[..root_end].replacen(
        "<svg ",
        "<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" ",
        1,
    );
    format!("{root}\n{defs}{}", &out[root_end..])
}

/// A `<text>` element made transparent (its `opacity` set to 0).
fn transparent(element: &str) -> String {
    match element.find(" opacity=\"") {
        Some(i) => {
            let from = i + " opacity=\"".len();
            let end = element[from..].find('"').map_or(from, |e| from + e);
            format!("{}0{}", &element[..from], &element[end..])
        }
        None => element.replacen("<text ", "<text opacity=\"0\" ", 1),
    }
}

/// The outlines of one text: a group in its colour and rotation with a `<use>` per
/// glyph at its pen position; each new glyph's path added to `glyphs`.
fn placed(run: &TextRun, glyphs: &mut BTreeMap<u16, String>) -> String {
    let f = font();
    let upem = f.units_per_em().unwrap_or(1000.0);
    let scale = run.em / upem;
    let mut pen = Vec::new();
    let mut caret = 0.0f32;
    let mut prev: Option<GlyphId> = None;
    for c in run.text.chars() {
        let g = f.glyph_id(c);
        if let Some(p) = prev {
            caret += f.kern_unscaled(p, g) * scale;
        }
        prev = Some(g);
        pen.push((g, caret));
        caret += f.h_advance_unscaled(g) * scale;
    }
    let width = caret;
    let dx = match run.h {
        HPos::Left => 0.0,
        HPos::Center => -width / 2.0,
        HPos::Right => -width,
    };
    let top = match run.v {
        VPos::Top => 0.0,
        VPos::Center => -run.em / 2.0,
        VPos::Bottom => -run.em,
    };
    let (x0, y0) = (run.pos.0 as f32, run.pos.1 as f32);
    let baseline = y0 + top + BASELINE * run.em;
    let mut group = format!(
        "<g fill=\"{}\" opacity=\"{}\"",
        run.fill,
        num(run.opacity as f32)
    );
    if run.rotate != 0 {
        let _ = write!(
            group,
            " transform=\"rotate({}, {}, {})\"",
            run.rotate, run.pos.0, run.pos.1
        );
    }
    group.push_str(" aria-hidden=\"true\">");
    for (g, x) in pen {
        let Some(d) = glyph_path(g) else {
            continue; // a blank (space) has no outline
        };
        glyphs.entry(g.0).or_insert(d);
        let _ = write!(
            group,
            "<use xlink:href=\"#g{}\" transform=\"matrix({} 0 0 {} {} {})\"/>",
            g.0,
            num(scale),
            num(-scale),
            num(x0 + dx + x),
            num(baseline)
        );
    }
    group.push_str("</g>\n");
    group
}

/// The outline of glyph `g` as SVG path data in font units (y up), None when it has
/// no outline.
fn glyph_path(g: GlyphId) -> Option<String> {
    let outline = font().outline(g)?;
    if outline.curves.is_empty() {
        return None;
    }
    let mut d = String::new();
    let mut end: Option<ab_glyph::Point> = None;
    for curve in &outline.curves {
        let start = match curve {
            OutlineCurve::Line(a, _)
            | OutlineCurve::Quad(a, _, _)
            | OutlineCurve::Cubic(a, _, _, _) => *a,
        };
        if end != Some(start) {
            if end.is_some() {
                d.push('Z');
            }
            let _ = write!(d, "M{} {}", num(start.x), num(start.y));
        }
        match curve {
            OutlineCurve::Line(_, b) => {
                let _ = write!(d, "L{} {}", num(b.x), num(b.y));
                end = Some(*b);
            }
            OutlineCurve::Quad(_, b, c) => {
                let _ = write!(d, "Q{} {} {} {}", num(b.x), num(b.y), num(c.x), num(c.y));
                end = Some(*c);
            }
            OutlineCurve::Cubic(_, b, c, e) => {
                let _ = write!(
                    d,
                    "C{} {} {} {} {} {}",
                    num(b.x),
                    num(b.y),
                    num(c.x),
                    num(c.y),
                    num(e.x),
                    num(e.y)
                );
                end = Some(*e);
            }
        }
    }
    d.push('Z');
    Some(d)
}

/// A number with at most 3 decimals, without trailing zeros.
fn num(x: f32) -> String {
    let s = format!("{:.3}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> TextRun {
        TextRun {
            text: text.into(),
            em: 20.0,
            h: HPos::Center,
            v: VPos::Top,
            pos: (100, 50),
            rotate: 270,
            fill: "#282828".into(),
            opacity: 1.0,
        }
    }

    #[test]
    fn every_text_is_drawn_as_glyphs_after_its_transparent_text() {
        let svg = "<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\">\n\
                   <text x=\"100\" y=\"50\" opacity=\"1\" fill=\"#282828\">\nAa 采纳\n</text>\n</svg>\n";
        let out = outline_svg(svg, &[run("Aa 采纳")]);
        assert!(out.starts_with("<svg xmlns:xlink=\"http://www.w3.org/1999/xlink\" width"));
        assert!(
            out.contains("opacity=\"0\" fill=\"#282828\">\nAa 采纳\n</text>"),
            "{out}"
        );
        // four glyphs (the space has no outline), each defined once
        assert_eq!(out.matches("<use ").count(), 4, "{out}");
        assert_eq!(out.matches("<path id=").count(), 4);
        assert!(out.contains("transform=\"rotate(270, 100, 50)\""));
        assert!(out.find("<defs>").unwrap() < out.find("<text").unwrap());
        // the glyphs sit centred on x = 100 (anchor middle): the first left of it
        let first_x: f32 = out
            .split("transform=\"matrix(")
            .nth(1)
            .and_then(|m| m.split(' ').nth(4))
            .and_then(|x| x.parse().ok())
            .unwrap();
        assert!(first_x < 100.0 && first_x > 40.0, "{first_x}");
    }

    #[test]
    fn a_mismatch_leaves_the_svg_as_it_was() {
        let svg = "<svg ><text opacity=\"1\">a</text></svg>";
        assert_eq!(outline_svg(svg, &[]), svg);
        assert_eq!(outline_svg(svg, &[run("a"), run("b")]), svg);
    }

    #[test]
    fn the_font_has_the_charts_words_and_says_what_it_lacks() {
        assert!(missing_glyphs("Competition for first — 争先后吸纳；5–95% ≥ 0.5").is_empty());
        assert_eq!(missing_glyphs("a😀b"), vec!['😀']);
    }
}
