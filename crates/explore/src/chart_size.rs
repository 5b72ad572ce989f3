//! The size the page's charts are drawn at: for the width the page shows them at
//! (`chart_width`, CSS pixels), with text large enough to read there (at least
//! [`MIN_TEXT_PX`] CSS pixels for the smallest text, on a phone too). The downloads keep
//! the usual charts (`download_options`), whatever the page's width.

use super::ApiError;
use policysim_charts::style::SMALLEST_EM;
use policysim_charts::{ChartFormat, ChartOptions, Lang};
use serde_json::{Map, Value};

/// Size of the charts in the downloads (and of the page's charts when the request does
/// not say how wide it shows them), in pixels.
const DOWNLOAD_SIZE: (u32, u32) = (1200, 750);

/// The smallest text on a chart the page shows, in CSS pixels (10, and room for the
/// rounding of font sizes and a scroll bar that narrows the page after the answer).
pub const MIN_TEXT_PX: f64 = 10.5;

/// The widths (CSS pixels) a chart is drawn for: narrower or wider requests are clamped
/// (a phone of 320 px shows its charts about 290 px wide, and the whole of them).
pub const WIDTHS: (u32, u32) = (280, 1600);

/// Below this width (CSS pixels) a chart is drawn taller (4:5 instead of 5:8), so its
/// legend and title have room beside larger text.
const NARROW: u32 = 560;

/// Below this width (CSS pixels, a phone's) a chart is drawn taller than wide (6:5): its
/// legend goes below the plot (charts::Style::compact).
const PHONE: u32 = 420;

/// Picture pixels per CSS pixel (sharp lines on a phone's dense screen).
const DENSITY: u32 = 2;

/// The charts of the downloads: SVG, 1200x750, text as `policysim run` draws it.
pub(crate) fn download_options(lang: Lang) -> ChartOptions {
    ChartOptions {
        formats: vec![ChartFormat::Svg],
        lang,
        size: DOWNLOAD_SIZE,
        text_percent: 100,
        // files: the same on every machine (glyph outlines)
        svg_outlines: true,
        title: None,
    }
}

/// The charts for a page that shows them `shown_at` CSS pixels wide: drawn
/// `DENSITY` times that size, taller on a narrow screen, with text and margins scaled so
/// that the smallest text is at least [`MIN_TEXT_PX`] CSS pixels there (never smaller
/// than the downloads' proportions). None: the downloads' charts.
pub fn page_options(lang: Lang, shown_at: Option<u32>) -> ChartOptions {
    let Some(css) = shown_at else {
        return download_options(lang);
    };
    let css = css.clamp(WIDTHS.0, WIDTHS.1);
    let w = css * DENSITY;
    let h = if css < PHONE {
        w * 6 / 5
    } else if css < NARROW {
        w * 4 / 5
    } else {
        w * 5 / 8
    };
    // the picture's own scale (charts::Style::new), and the smallest text shown at `css`
    let scale = (f64::from(w) / 1600.0).min(f64::from(h) / 1000.0);
    let shown = SMALLEST_EM * scale * f64::from(css) / f64::from(w);
    let percent = (MIN_TEXT_PX / shown * 100.0).ceil().max(100.0) as u32;
    ChartOptions {
        formats: vec![ChartFormat::Svg],
        lang,
        size: (w, h),
        text_percent: percent,
        // the page's charts, shown by the browser with the page's fonts: live text
        svg_outlines: false,
        title: None,
    }
}

/// The `chart_width` of a request: how wide (CSS pixels) the page shows a chart.
pub(crate) fn chart_width(request: &Map<String, Value>) -> Result<Option<u32>, ApiError> {
    match request.get("chart_width") {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .filter(|x| x.is_finite() && (1.0..=100_000.0).contains(x))
            .map(|x| Some(x.round() as u32))
            .ok_or_else(|| {
                ApiError::bad(format!(
                    "key `chart_width`: expected the width a chart is shown at in CSS pixels (a number from 1), found {v}"
                ))
                .zh(format!("键 `chart_width`：应为图表显示宽度（CSS 像素，不小于 1 的数），实为 {v}"))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest text of a chart drawn with `o`, in CSS pixels when shown `css` wide.
    fn smallest_shown(o: &ChartOptions, css: u32) -> f64 {
        let style = policysim_charts::Style::new(o.lang, o.size).with_text_percent(o.text_percent);
        SMALLEST_EM * style.scale * f64::from(css) / f64::from(o.size.0)
    }

    #[test]
    fn the_smallest_text_is_readable_at_every_width() {
        for css in [280, 330, 419, 420, 473, 559, 560, 640, 998, 1600] {
            let o = page_options(Lang::En, Some(css));
            let shown = smallest_shown(&o, css);
            assert!(shown >= MIN_TEXT_PX, "{css} px: {shown}");
            // no larger than needed, unless the downloads' proportions are already enough
            assert!(
                shown < MIN_TEXT_PX + 0.2 || o.text_percent == 100,
                "{css} px: {shown}: larger than needed"
            );
            assert_eq!(o.size.0, 2 * css);
        }
        // a phone's chart is taller than a desktop's
        let phone = page_options(Lang::En, Some(348)).size;
        let desk = page_options(Lang::En, Some(700)).size;
        assert!(phone.1 * desk.0 > desk.1 * phone.0);
        // today's charts shown 473 px wide would have 7.8 px text (the number)
        let old = smallest_shown(&download_options(Lang::En), 473);
        assert!(old < 7.0, "{old}");
    }

    #[test]
    fn without_a_width_the_page_gets_the_downloads_charts() {
        assert_eq!(page_options(Lang::Zh, None), download_options(Lang::Zh));
        // clamped, never below the downloads' proportions
        assert_eq!(page_options(Lang::En, Some(10)).size.0, 560);
        assert!(page_options(Lang::En, Some(5000)).text_percent >= 100);
    }

    #[test]
    fn a_bad_width_is_refused_naming_the_key() {
        let req = |v: Value| {
            let mut m = Map::new();
            m.insert("chart_width".into(), v);
            chart_width(&m)
        };
        assert_eq!(req(Value::from(347.6)).unwrap(), Some(348));
        assert_eq!(req(Value::Null).unwrap(), None);
        for bad in [
            Value::from("wide"),
            Value::from(0),
            Value::from(-5),
            Value::from(1e9),
        ] {
            let e = req(bad).unwrap_err();
            assert_eq!(e.status, 400);
            assert!(e.message.contains("chart_width"), "{}", e.message);
        }
    }
}
