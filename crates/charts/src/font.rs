//! The one embedded font (Noto Sans SC subset, SIL OFL 1.1; see `assets/fonts/README.md`):
//! it covers Latin and Simplified Chinese, so charts need no system font.

use plotters::style::{register_font, FontStyle};
use std::sync::Once;

/// The family name used for every text element. In SVG it is written as the CSS
/// `font-family`, so viewers fall back to an installed CJK-capable font.
pub const FONT_FAMILY: &str =
    "Noto Sans SC, Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif";

/// The embedded font file.
pub static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Subset.otf");

static REGISTER: Once = Once::new();

/// Registers the embedded font with plotters under [`FONT_FAMILY`] and `sans-serif`
/// (normal and bold; bold is drawn with the regular face). Safe to call repeatedly.
pub fn ensure_registered() {
    REGISTER.call_once(|| {
        for family in [FONT_FAMILY, "sans-serif"] {
            for style in [FontStyle::Normal, FontStyle::Bold] {
                if register_font(family, style, FONT_BYTES).is_err() {
                    panic!("the embedded chart font is not a valid OpenType font");
                }
            }
        }
    });
}
