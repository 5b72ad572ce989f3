//! A backend wrapper that measures and rasterizes text with the embedded font itself.
//!
//! plotters 0.3.7's ab_glyph text drawing drops each glyph's left side bearing (glyphs
//! are placed at their ink box), which spaces letters unevenly and pushes CJK full-width
//! punctuation to the wrong side; its size also differs from the SVG `font-size`. This
//! wrapper places glyphs at their pen position (with kerning) and uses one em size
//! (plotters font size / 1.24, as the SVG backend writes) for measuring and drawing.

use super::font::FONT_BYTES;
use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use plotters_backend::{
    text_anchor::{HPos, VPos},
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
};
use std::sync::OnceLock;

/// The embedded font, parsed once (glyphs for the PNG and the SVG outlines alike).
pub(crate) fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).expect("embedded font is valid"))
}

/// Where the baseline sits below the top of the text box, in em.
pub(crate) const BASELINE: f32 = 0.86;

/// The em size in pixels of a plotters text style.
fn em_of(size: f64) -> f32 {
    (size / 1.24) as f32
}

fn px_scale(em: f32) -> PxScale {
    let f = font();
    let upem = f.units_per_em().unwrap_or(1000.0);
    PxScale::from(em * f.height_unscaled() / upem)
}

/// The advance width in pixels of `text` at `em` pixels per em (with kerning).
pub fn text_width(text: &str, em: f32) -> f32 {
    let f = font().as_scaled(px_scale(em));
    let mut x = 0.0;
    let mut prev = None;
    for c in text.chars() {
        let g = f.glyph_id(c);
        if let Some(p) = prev {
            x += f.kern(p, g);
        }
        x += f.h_advance(g);
        prev = Some(g);
    }
    x
}

/// Wraps a backend: text is measured with the embedded font, and rasterized by this
/// wrapper when `raster` is set (bitmap), or passed on to the inner backend (SVG).
pub struct TextFix<B> {
    inner: B,
    raster: bool,
    /// Where the texts passed on to a vector backend are recorded (for outlines).
    runs: Option<super::outline::TextRuns>,
}

impl<B> TextFix<B> {
    /// Wraps `inner`; `raster` = draw text as pixels here (for bitmap backends).
    pub fn new(inner: B, raster: bool) -> TextFix<B> {
        TextFix {
            inner,
            raster,
            runs: None,
        }
    }

    /// Wraps a vector backend, recording every text it is given into `runs` (in
    /// drawing order) so that `outline::outline_svg` can draw them as glyphs.
    pub(crate) fn recording(inner: B, runs: super::outline::TextRuns) -> TextFix<B> {
        TextFix {
            inner,
            raster: false,
            runs: Some(runs),
        }
    }
}

impl<B: DrawingBackend> DrawingBackend for TextFix<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        let em = em_of(style.size());
        Ok((text_width(text, em).ceil() as u32, em.ceil() as u32))
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if !self.raster {
            let color = style.color();
            if let (Some(runs), true) = (&self.runs, color.alpha != 0.0) {
                let (r, g, b) = color.rgb;
                runs.borrow_mut().push(super::outline::TextRun {
                    text: text.to_string(),
                    em: em_of(style.size()),
                    h: style.anchor().h_pos,
                    v: style.anchor().v_pos,
                    pos,
                    rotate: super::outline::degrees(&style.transform()),
                    fill: format!("#{r:02X}{g:02X}{b:02X}"),
                    opacity: color.alpha,
                });
            }
            return self.inner.draw_text(text, style, pos);
        }
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let em = em_of(style.size());
        let width = text_width(text, em);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -width / 2.0,
            HPos::Right => -width,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0.0,
            VPos::Center => -em / 2.0,
            VPos::Bottom => -em,
        };
        let trans = style.transform();
        let (w, h) = self.inner.get_size();
        let scale = px_scale(em);
        let f = font().as_scaled(scale);
        let mut caret = 0.0f32;
        let mut prev = None;
        for c in text.chars() {
            let g = f.glyph_id(c);
            if let Some(p) = prev {
                caret += f.kern(p, g);
            }
            prev = Some(g);
            let glyph = g.with_scale_and_position(scale, point(dx + caret, dy + BASELINE * em));
            caret += f.h_advance(g);
            let Some(outline) = font().outline_glyph(glyph) else {
                continue;
            };
            let b = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|gx, gy, cov| {
                if cov > 0.0 {
                    pixels.push((b.min.x as i32 + gx as i32, b.min.y as i32 + gy as i32, cov));
                }
            });
            for (x, y, cov) in pixels {
                let (x, y) = trans.transform(x, y);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                    self.inner.draw_pixel(
                        (x, y),
                        BackendColor {
                            alpha: color.alpha * cov.min(1.0) as f64,
                            rgb: color.rgb,
                        },
                    )?;
                }
            }
        }
        Ok(())
    }
}
