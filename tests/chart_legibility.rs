//! Charts a reader can trust (issue 18), checked in the SVGs the binary writes: legend
//! swatches match what is drawn, overlapping bands stay apart, small values stay
//! visible, colour scales and ticks are chosen as documented.

use crate::common::binary;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn policysim(args: &[&str]) -> std::process::Output {
    let o = Command::new(binary()).args(args).output().unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The value of attribute `name` in one SVG tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

/// Every `<element ...>` tag of an SVG.
fn tags<'a>(svg: &'a str, element: &str) -> Vec<&'a str> {
    let open = format!("<{element} ");
    svg.match_indices(&open)
        .map(|(i, _)| {
            let end = svg[i..].find('>').unwrap();
            &svg[i..i + end]
        })
        .collect()
}

/// The band opacity of the charts (style::BAND_ALPHA).
const BAND: &str = "0.12";

/// Fill colours of the shaded bands (translucent polygons) of an SVG.
fn band_colours(svg: &str) -> BTreeSet<String> {
    tags(svg, "polygon")
        .into_iter()
        .filter(|t| attr(t, "opacity") == Some(BAND))
        .filter_map(|t| attr(t, "fill").map(str::to_string))
        .collect()
}

/// Fill colours of the legend's band swatches (translucent rectangles) of an SVG.
fn swatch_colours(svg: &str) -> BTreeSet<String> {
    tags(svg, "rect")
        .into_iter()
        .filter(|t| attr(t, "opacity") == Some(BAND))
        .filter_map(|t| attr(t, "fill").map(str::to_string))
        .collect()
}

/// Every band has a legend swatch of its colour, and every band swatch the colour of a band.
fn assert_swatches_match_bands(svg: &str, chart: &str) {
    let bands = band_colours(svg);
    assert!(!bands.is_empty(), "{chart}: no band drawn");
    assert_eq!(
        bands,
        swatch_colours(svg),
        "{chart}: band colours and legend swatches differ"
    );
}

/// The x extent of a polygon's points.
fn x_extent(tag: &str) -> (f64, f64) {
    attr(tag, "points")
        .unwrap()
        .split_whitespace()
        .map(|p| p.split(',').next().unwrap().parse::<f64>().unwrap())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(x), b.max(x))
        })
}

fn run_small(dir: &Path, file: &str, name: &str) -> String {
    let out = dir.join(name);
    policysim(&[
        "run",
        &scenario(file),
        "--out",
        out.to_str().unwrap(),
        "--runs",
        "12",
        "--steps",
        "20",
        "--quiet",
        "--format",
        "svg",
    ]);
    out.to_string_lossy().into_owned()
}

#[test]
fn legend_swatches_match_the_bands_of_compare_quality_and_sweep_charts() {
    let dir = tempfile::tempdir().unwrap();
    let a = run_small(dir.path(), "baseline.toml", "baseline");
    let b = run_small(dir.path(), "competition.toml", "competition");
    let cmp = dir.path().join("cmp");
    policysim(&[
        "compare",
        &a,
        &b,
        "--out",
        cmp.to_str().unwrap(),
        "--format",
        "svg",
    ]);
    let compare = std::fs::read_to_string(cmp.join("compare.svg")).unwrap();
    assert_swatches_match_bands(&compare, "compare");
    assert_eq!(band_colours(&compare).len(), 2, "one band per scenario");
    assert!(compare.contains("Bands: 5–95% of runs"), "the bands' note");

    // quality: the two bands in two panels side by side, never on top of each other
    let quality = std::fs::read_to_string(Path::new(&b).join("quality.svg")).unwrap();
    assert_swatches_match_bands(&quality, "quality");
    let polygons: Vec<(f64, f64)> = tags(&quality, "polygon")
        .into_iter()
        .filter(|t| attr(t, "opacity") == Some(BAND))
        .map(x_extent)
        .collect();
    assert_eq!(polygons.len(), 2, "quality and performance bands");
    let (l, r) = (polygons[0], polygons[1]);
    assert!(l.1 < r.0 || r.1 < l.0, "the bands overlap: {l:?} {r:?}");

    // the one-key sweep chart, with its difference panel
    let sweep = dir.path().join("sweep");
    policysim(&[
        "sweep",
        &scenario("competition.toml"),
        "--set",
        "competition.rate=0,0.4",
        "--runs",
        "4",
        "--steps",
        "10",
        "--baseline",
        "--out",
        sweep.to_str().unwrap(),
        "--quiet",
        "--format",
        "svg",
    ]);
    let line = std::fs::read_to_string(sweep.join("sweep_final_share_line.svg")).unwrap();
    assert_swatches_match_bands(&line, "sweep line");
    assert_eq!(
        band_colours(&line).len(),
        2,
        "the spread and the difference's CI"
    );
    // the adoption chart too
    let adoption = std::fs::read_to_string(Path::new(&b).join("adoption.svg")).unwrap();
    assert_swatches_match_bands(&adoption, "adoption");
}

/// Heights of the rectangles of one fill colour in an SVG.
fn rect_heights(svg: &str, fill: &str) -> Vec<f64> {
    tags(svg, "rect")
        .into_iter()
        .filter(|t| attr(t, "fill") == Some(fill) && attr(t, "opacity") == Some("1"))
        .filter_map(|t| attr(t, "height")?.parse().ok())
        .collect()
}

#[test]
fn abandonments_are_drawn_on_their_own_scale_not_lost_in_the_zero_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_small(dir.path(), "competition.toml", "competition");
    let runs = std::fs::read_to_string(Path::new(&out).join("curves.csv")).unwrap();
    // the premise: a few abandonments a year against a peak of many adoptions
    let peak = |series: &str| {
        runs.lines()
            .filter(|l| l.split(',').nth(1) == Some(series))
            .filter_map(|l| l.split(',').nth(2)?.parse::<f64>().ok())
            .fold(0.0f64, f64::max)
    };
    let (abandoned, learning) = (peak("abandoned"), peak("new_learning"));
    assert!(
        abandoned > 0.0 && abandoned < learning / 10.0,
        "{abandoned} {learning}"
    );
    let svg = std::fs::read_to_string(Path::new(&out).join("channels.svg")).unwrap();
    // grey bars (GREY = #A0A0A0); the legend swatch is 24 px high
    let tallest = rect_heights(&svg, "#A0A0A0")
        .into_iter()
        .fold(0.0f64, f64::max);
    assert!(
        tallest >= 100.0,
        "the tallest abandonment bar is {tallest} px high in a 1000 px chart"
    );
    assert!(svg.contains("Abandoned"));
}

/// The text of every `<text>` element of an SVG, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.match_indices("<text ")
        .filter_map(|(i, _)| {
            let rest = &svg[i..];
            let open = rest.find('>')? + 1;
            let close = rest.find("</text>")?;
            Some(rest[open..close].trim().to_string())
        })
        .collect()
}

/// The numbers among the texts (tick labels).
fn numbers(svg: &str) -> Vec<f64> {
    texts(svg).iter().filter_map(|t| t.parse().ok()).collect()
}

/// The x position of the first `<text>` whose content is `want`.
fn text_x(svg: &str, want: &str) -> f64 {
    svg.match_indices("<text ")
        .find_map(|(i, _)| {
            let rest = &svg[i..];
            let open = rest.find('>')? + 1;
            let close = rest.find("</text>")?;
            (rest[open..close].trim() == want).then(|| attr(rest, "x")?.parse().ok())?
        })
        .unwrap_or_else(|| panic!("no text {want}"))
}

#[test]
fn the_us_map_labels_states_by_postal_code_and_ticks_its_years_roundly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("us");
    policysim(&[
        "run",
        &scenario("us_states.toml"),
        "--observed",
        &scenario("data/spid_sample.csv"),
        "--policy",
        "mothersaid",
        "--runs",
        "12",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--format",
        "svg",
    ]);
    let csv = std::fs::read_to_string(out.join("map.csv")).unwrap();
    assert!(csv.starts_with("node,name,x,y,region,level,adopted_step,label\n"));
    assert!(
        csv.contains(",California,") && csv.contains(",CA\n"),
        "{csv}"
    );
    let svg = std::fs::read_to_string(out.join("map.svg")).unwrap();
    let t = texts(&svg);
    for code in ["CA", "NY", "TX", "AK", "HI", "RI"] {
        assert!(t.iter().any(|x| x == code), "{code} not on the map");
    }
    assert_eq!(
        t.iter()
            .filter(|x| x.len() == 2 && x.chars().all(|c| c.is_ascii_uppercase()))
            .count(),
        50
    );
    // the colour bar's ticks: calendar years, round (evenly spaced by a round step, 2, 5
    // or 10 years as the span asks, each a multiple of it), more than one
    let years: Vec<f64> = numbers(&svg);
    assert!(years.len() >= 2, "{years:?}");
    let step = years[1] - years[0];
    assert!(
        [2.0, 5.0, 10.0].contains(&step),
        "tick step {step}: {years:?}"
    );
    for (k, y) in years.iter().enumerate() {
        assert!((1911.0..=1931.0).contains(y) && y % step == 0.0, "tick {y}");
        assert_eq!(*y, years[0] + step * k as f64, "evenly spaced: {years:?}");
    }
}

#[test]
fn the_map_s_colour_bar_sits_beside_the_map_with_round_ticks() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_small(dir.path(), "competition.toml", "competition");
    let svg = std::fs::read_to_string(Path::new(&out).join("map.svg")).unwrap();
    let ticks = numbers(&svg);
    assert!(ticks.len() >= 3, "{ticks:?}");
    let step = ticks[1] - ticks[0];
    assert!(
        [1.0, 2.0, 5.0, 10.0].contains(&step),
        "tick step {step}: {ticks:?}"
    );
    assert!(ticks.iter().all(|t| t % step == 0.0), "{ticks:?}");
    // the rightmost dot of the map (the last circle is the legend's never-adopted dot)
    let circles = tags(&svg, "circle");
    let right = circles[..circles.len() - 1]
        .iter()
        .filter_map(|c| attr(c, "cx")?.parse::<f64>().ok())
        .fold(f64::NEG_INFINITY, f64::max);
    let bar_text = text_x(&svg, &format!("{}", ticks[0]));
    assert!(
        bar_text - right < 160.0,
        "an empty band of {} px between the map (right edge {right}) and its colour bar",
        bar_text - right
    );
}

/// A two-key sweep of the competition example (2 x 2 points, 4 runs), with extra lines in
/// its `[sweep]` table; returns the folder.
fn small_map(dir: &Path, name: &str, extra: &str) -> std::path::PathBuf {
    let text = std::fs::read_to_string(scenario("competition.toml")).unwrap();
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(
        &file,
        format!(
            "{text}\n[sweep]\n{extra}\n\"competition.rate\" = [0.2, 0.4]\n\"central.recognition\" = [0.0, 1.0]\n\n[sweep.axis_labels]\n\"competition.rate\" = {{ en = \"Rivalry\", zh = \"竞争强度\" }}\n\"central.recognition\" = \"Praise\"\n"
        ),
    )
    .unwrap();
    let out = dir.join(name);
    policysim(&[
        "sweep",
        file.to_str().unwrap(),
        "--runs",
        "4",
        "--steps",
        "12",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--format",
        "svg",
    ]);
    out
}

/// The `final_share_mean` column of a sweep.csv.
fn final_shares(dir: &Path) -> Vec<f64> {
    let csv = std::fs::read_to_string(dir.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header
        .iter()
        .position(|h| *h == "final_share_mean")
        .unwrap();
    lines
        .map(|l| l.split(',').nth(c).unwrap().parse().unwrap())
        .collect()
}

#[test]
fn a_small_sweep_s_colour_scale_fits_its_data_unless_the_file_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = small_map(dir.path(), "data", "");
    let shares = final_shares(&data);
    let (lo, hi) = shares
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    assert!(hi - lo < 0.5, "the premise: a narrow range {lo}..{hi}");
    let svg = std::fs::read_to_string(data.join("sweep_final_share_map.svg")).unwrap();
    assert!(svg.contains("Colour: data range"));
    // the colour-bar ticks lie inside the data's range (the axis ticks are the swept
    // values 0.2, 0.4 and 0, 1, outside it); a fixed 0-1 scale would have one there at most
    let ticks = numbers(&svg);
    let bar: Vec<f64> = ticks
        .iter()
        .copied()
        .filter(|v| (lo..=hi).contains(v))
        .collect();
    assert!(bar.len() >= 2, "ticks {ticks:?} for data {lo}..{hi}");
    // the readable axis names, not the raw keys
    let t = texts(&svg);
    assert!(
        t.iter().any(|x| x == "Rivalry") && t.iter().any(|x| x == "Praise"),
        "{t:?}"
    );

    let fixed = small_map(dir.path(), "fixed", "color_range = [0.0, 1.0]");
    let svg = std::fs::read_to_string(fixed.join("sweep_final_share_map.svg")).unwrap();
    assert!(svg.contains("Colour: fixed range"));
    let n = numbers(&svg);
    for want in [0.0, 0.2, 0.4, 0.6, 0.8, 1.0] {
        assert!(
            n.contains(&want),
            "fixed scale lacks the tick {want}: {n:?}"
        );
    }
    // Chinese axis names from the same file
    policysim(&[
        "plot",
        fixed.to_str().unwrap(),
        "--lang",
        "zh",
        "--format",
        "svg",
        "--out",
        dir.path().join("zh").to_str().unwrap(),
        "-q",
    ]);
    let zh = std::fs::read_to_string(dir.path().join("zh/sweep_final_share_map.svg")).unwrap();
    assert!(texts(&zh).iter().any(|x| x == "竞争强度"));
    assert!(zh.contains("色标：固定范围"));
}

#[test]
fn the_rmse_map_marks_its_lowest_cell() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rmse");
    policysim(&[
        "sweep",
        &scenario("us_states.toml"),
        "--observed",
        &scenario("data/spid_sample.csv"),
        "--policy",
        "mothersaid",
        "--set",
        "innovation.rate=0.1,0.4,0.7",
        "--set",
        "learning.rate=0,0.5,1",
        "--runs",
        "8",
        "--metric",
        "observed_rmse",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--format",
        "svg",
    ]);
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let c = header.iter().position(|h| *h == "observed_rmse").unwrap();
    let rmse: Vec<f64> = lines
        .map(|l| l.split(',').nth(c).unwrap().parse().unwrap())
        .collect();
    let min = rmse.iter().copied().fold(f64::INFINITY, f64::min);
    assert_eq!(rmse.iter().filter(|&&v| v == min).count(), 1, "{rmse:?}");
    let svg = std::fs::read_to_string(out.join("sweep_observed_rmse_map.svg")).unwrap();
    // the mark: a dark outline 5 px wide (the first is the map's, the second the legend's
    // swatch) around one cell
    let mark = tags(&svg, "polyline")
        .into_iter()
        .find(|r| attr(r, "stroke") == Some("#282828") && attr(r, "stroke-width") == Some("5"))
        .expect("no best-cell mark");
    let corners: Vec<(i64, i64)> = attr(mark, "points")
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    let (x0, y0) = (
        corners.iter().map(|c| c.0).min().unwrap(),
        corners.iter().map(|c| c.1).min().unwrap(),
    );
    let (x1, y1) = (
        corners.iter().map(|c| c.0).max().unwrap(),
        corners.iter().map(|c| c.1).max().unwrap(),
    );
    let want = [x0, y0, x1 - x0, y1 - y0].map(|v| v.to_string());
    let rects = tags(&svg, "rect");
    let cell = rects
        .iter()
        .find(|r| {
            attr(r, "fill") != Some("none")
                && ["x", "y", "width", "height"].map(|a| attr(r, a).unwrap_or("").to_string())
                    == want
        })
        .expect("the mark outlines no cell");
    // on a scale fitted to the data the lowest value is viridis' darkest colour, and only
    // the lowest cell has it (among the cells: rectangles of the cell's size; the colour
    // bar's darkest strip has it too)
    assert_eq!(attr(cell, "fill"), Some("#440154"), "{cell}");
    let same_size =
        |r: &&&str| attr(r, "width") == Some(&want[2]) && attr(r, "height") == Some(&want[3]);
    assert_eq!(
        rects
            .iter()
            .filter(same_size)
            .filter(|r| attr(r, "fill") == Some("#440154"))
            .count(),
        1
    );
    assert!(
        texts(&svg).contains(&format!("lowest: {min:.3}")),
        "{:?}",
        texts(&svg)
    );
}
