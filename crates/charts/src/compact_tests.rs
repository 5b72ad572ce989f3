//! Charts drawn with large text for a narrow screen ([`Style::compact`]): the legend
//! below the plot, the CLI's charts as they were.

use super::test_fixture::{write_fixture, Fixture};
use super::*;

/// The (x, y) of the first text element of `svg` whose text is `text`.
fn text_at(svg: &str, text: &str) -> (f64, f64) {
    let end = svg
        .find(&format!(">\n{text}\n</text>"))
        .unwrap_or_else(|| panic!("no text {text:?}"));
    let start = svg[..end].rfind("<text").unwrap();
    let tag = &svg[start..end];
    let attr = |name: &str| -> f64 {
        let from = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[from..from + tag[from..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    (attr("x"), attr("y"))
}

fn adoption_svg(opts: &ChartOptions) -> String {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(tmp.path(), &Fixture::default());
    draw_run_charts(tmp.path(), opts).unwrap();
    std::fs::read_to_string(tmp.path().join("adoption.svg")).unwrap()
}

#[test]
fn a_narrow_chart_with_large_text_has_its_legend_below_the_plot() {
    let svg_opts = |size, text_percent| ChartOptions {
        formats: vec![ChartFormat::Svg],
        size,
        text_percent,
        ..Default::default()
    };
    // as `policysim run` draws it: the legend on the right, beside the plot
    let wide = adoption_svg(&svg_opts((1600, 1000), 100));
    let (mean, x_axis) = (text_at(&wide, "Mean"), text_at(&wide, "Step (year)"));
    assert!(mean.0 > 1200.0 && mean.1 < x_axis.1, "{mean:?} {x_axis:?}");
    // for a phone (explore's 330 CSS px at 2x): below the x axis's description
    let narrow = adoption_svg(&svg_opts((660, 792), 233));
    let (mean, x_axis) = (text_at(&narrow, "Mean"), text_at(&narrow, "Step (year)"));
    assert!(mean.0 < 100.0 && mean.1 > x_axis.1, "{mean:?} {x_axis:?}");
}

#[test]
fn only_text_larger_than_the_picture_gives_makes_a_chart_compact() {
    for size in [
        (1600, 1000),
        (1200, 750),
        (800, 500),
        (400, 1000),
        (3000, 400),
    ] {
        let style = Style::new(Lang::En, size).for_width(size.0);
        assert!(!style.compact, "{size:?}");
    }
    let phone = Style::new(Lang::En, (660, 792))
        .with_text_percent(233)
        .for_width(660);
    assert!(phone.compact);
}
