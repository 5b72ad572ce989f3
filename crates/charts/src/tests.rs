//! Tests of the charts on a synthetic results folder.

use super::test_fixture::{write_fixture, Fixture};
use super::*;
use std::fmt::Write as _;
use std::path::Path;

fn decode_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let mut reader = dec.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Asserts that the PNG has the size and is not blank.
fn assert_real_png(path: &Path, size: (u32, u32)) {
    let (w, h, buf) = decode_png(path);
    assert_eq!((w, h), size, "{}", path.display());
    let mut colours = std::collections::BTreeSet::new();
    let mut ink = 0usize;
    for px in buf.chunks(3) {
        colours.insert((px[0], px[1], px[2]));
        if px != [255, 255, 255] {
            ink += 1;
        }
    }
    let share = ink as f64 / (w as f64 * h as f64);
    assert!(
        colours.len() > 30,
        "{}: only {} colours",
        path.display(),
        colours.len()
    );
    assert!(
        share > 0.02,
        "{}: only {:.3} of pixels drawn",
        path.display(),
        share
    );
}

fn names(paths: &[PathBuf]) -> Vec<String> {
    paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect()
}

fn svg(dir: &Path, stem: &str) -> String {
    std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap()
}

#[test]
fn draws_every_chart_as_png_and_svg() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(tmp.path(), &Fixture::default());
    let written = draw_run_charts(tmp.path(), &ChartOptions::default()).unwrap();
    let mut got = names(&written);
    got.sort();
    let mut want: Vec<String> = [
        "adoption", "channels", "quality", "regions", "hazard", "map",
    ]
    .iter()
    .flat_map(|s| [format!("{s}.png"), format!("{s}.svg")])
    .collect();
    want.sort();
    assert_eq!(got, want);
    for p in written.iter().filter(|p| p.extension().unwrap() == "png") {
        assert_real_png(p, (1600, 1000));
    }
    for p in written.iter().filter(|p| p.extension().unwrap() == "svg") {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.contains("<text"), "{}", p.display());
        assert!(text.contains(font::FONT_FAMILY), "{}", p.display());
    }
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    dump(&written, "en");
}

/// Copies charts to `$POLICYSIM_CHART_DUMP/<tag>-<name>` for looking at them.
fn dump(written: &[PathBuf], tag: &str) {
    if let Ok(dir) = std::env::var("POLICYSIM_CHART_DUMP") {
        for p in written {
            let name = format!("{tag}-{}", p.file_name().unwrap().to_string_lossy());
            std::fs::copy(p, Path::new(&dir).join(name)).unwrap();
        }
    }
}

#[test]
fn english_titles_axes_and_legends_are_text() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(tmp.path(), &Fixture::default());
    draw_run_charts(
        tmp.path(),
        &ChartOptions {
            formats: vec![ChartFormat::Svg],
            ..Default::default()
        },
    )
    .unwrap();
    let a = svg(tmp.path(), "adoption");
    for want in [
        // the title starts with the scenario's description ("synthetic"), not its name
        "synthetic — cumulative adoption",
        "Adopted share of governments (%)",
        "Step (year)",
        "Median",
        "5–95% of runs",
        "Promotion (median): step 24",
    ] {
        assert!(a.contains(want), "adoption.svg lacks {want:?}");
    }
    let c = svg(tmp.path(), "channels");
    for want in [
        "new adoptions by channel",
        "Innovation",
        "Learning",
        "Competition",
        "Pilot",
        "Mandate",
        "Abandoned",
        "Governments per year",
    ] {
        assert!(c.contains(want), "channels.svg lacks {want:?}");
    }
    let q = svg(tmp.path(), "quality");
    assert!(q.contains("Mean quality") && q.contains("Mean performance"));
    let r = svg(tmp.path(), "regions");
    for want in ["Northeast", "prefecture", "By region", "By level"] {
        assert!(r.contains(want), "regions.svg lacks {want:?}");
    }
    let h = svg(tmp.path(), "hazard");
    assert!(h.contains("10+") && h.contains("n=20k") && h.contains("Neighbours that have adopted"));
    let m = svg(tmp.path(), "map");
    assert!(m.contains("Never adopted") && m.contains("Adoption step"));
}

#[test]
fn chinese_labels() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(
        tmp.path(),
        &Fixture {
            scenario: "试点推广".into(),
            ..Default::default()
        },
    );
    let opts = ChartOptions {
        lang: Lang::Zh,
        // --title: in place of the description's clause
        title: Some("试点推广".into()),
        ..Default::default()
    };
    let written = draw_run_charts(tmp.path(), &opts).unwrap();
    dump(&written, "zh");
    let a = svg(tmp.path(), "adoption");
    for want in [
        "试点推广：累计采纳比例",
        "采纳比例（%）",
        "时间步（年）",
        "中位数",
        // the marker counts in the axis' unit (years), not "steps"
        "推广（中位数）：第24年",
    ] {
        assert!(a.contains(want), "adoption.svg lacks {want:?}");
    }
    let c = svg(tmp.path(), "channels");
    for want in ["创新", "学习/模仿", "争先", "试点", "强制", "放弃", "每年"] {
        assert!(c.contains(want), "channels.svg lacks {want:?}");
    }
    assert!(!c.contains("Learning"));
    assert!(svg(tmp.path(), "map").contains("未采纳"));
    assert!(svg(tmp.path(), "hazard").contains("已采纳的邻居数"));
    for p in written.iter().filter(|p| p.extension().unwrap() == "png") {
        assert_real_png(p, (1600, 1000));
    }
}

#[test]
fn chinese_text_is_drawn_with_glyphs_in_png() {
    // A title of only hanzi must put ink in the title band of the PNG (not blank boxes:
    // the font has the glyphs, so outlines exist).
    let f = font::FONT_BYTES;
    ensure_glyphs(f, "创新学习竞争试点强制放弃采纳比例年");
}

fn ensure_glyphs(bytes: &'static [u8], text: &str) {
    use ab_glyph::{Font, FontRef};
    let font = FontRef::try_from_slice(bytes).unwrap();
    for c in text.chars() {
        assert_ne!(font.glyph_id(c).0, 0, "font lacks {c}");
    }
}

#[test]
fn years_on_the_x_axis() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(
        tmp.path(),
        &Fixture {
            start_year: Some(2000),
            ..Default::default()
        },
    );
    draw_run_charts(
        tmp.path(),
        &ChartOptions {
            formats: vec![ChartFormat::Svg],
            ..Default::default()
        },
    )
    .unwrap();
    let a = svg(tmp.path(), "adoption");
    assert!(a.contains(">Year<") || a.contains(">\nYear\n<") || a.contains("Year"));
    assert!(a.contains("2000") && a.contains("2050"));
    assert!(a.contains("Promotion (median): 2024"));
    assert!(!a.contains("Step (year)"));
}

#[test]
fn drawing_twice_gives_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(tmp.path(), &Fixture::default());
    let opts = ChartOptions::default();
    let first: Vec<(PathBuf, Vec<u8>)> = draw_run_charts(tmp.path(), &opts)
        .unwrap()
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    let second = draw_run_charts(tmp.path(), &opts).unwrap();
    assert_eq!(first.len(), second.len());
    for (p, bytes) in first {
        assert!(
            std::fs::read(&p).unwrap() == bytes,
            "{} differs",
            p.display()
        );
    }
}

#[test]
fn optional_files_missing_skip_their_charts() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(
        tmp.path(),
        &Fixture {
            regions: false,
            levels: false,
            hazard: false,
            map: false,
            promoted_at: None,
            ..Default::default()
        },
    );
    std::fs::remove_file(tmp.path().join("summary.json")).unwrap();
    let written = draw_run_charts(
        tmp.path(),
        &ChartOptions {
            formats: vec![ChartFormat::Svg],
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        names(&written),
        ["adoption.svg", "channels.svg", "quality.svg"]
    );
    // Without summary.json the folder name is the scenario name and the unit is "step".
    let a = svg(tmp.path(), "adoption");
    let folder = tmp
        .path()
        .canonicalize()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(a.contains(&folder) && a.contains("Step (step)"));
    assert!(!a.contains("Promotion"));
}

#[test]
fn zero_channels_are_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(
        tmp.path(),
        &Fixture {
            zero_channels: vec!["competition", "mandate"],
            ..Default::default()
        },
    );
    draw_run_charts(
        tmp.path(),
        &ChartOptions {
            formats: vec![ChartFormat::Svg],
            ..Default::default()
        },
    )
    .unwrap();
    let c = svg(tmp.path(), "channels");
    assert!(c.contains("Learning") && c.contains("Pilot"));
    assert!(!c.contains("Competition") && !c.contains("Mandate"));
}

#[test]
fn size_option_sets_png_size() {
    let tmp = tempfile::tempdir().unwrap();
    write_fixture(tmp.path(), &Fixture::default());
    let opts = ChartOptions {
        formats: vec![ChartFormat::Png],
        size: (800, 500),
        ..Default::default()
    };
    let written = draw_run_charts(tmp.path(), &opts).unwrap();
    dump(&written, "small");
    assert_eq!(written.len(), 6);
    for p in &written {
        assert_real_png(p, (800, 500));
    }
}

#[test]
fn missing_curves_is_an_input_error_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let err = draw_run_charts(tmp.path(), &ChartOptions::default()).unwrap_err();
    assert!(matches!(err, Error::Input(_)), "{err:?}");
    assert!(err.to_string().contains("curves.csv"), "{err}");
}

#[test]
fn malformed_curves_is_an_input_error_naming_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("curves.csv");
    std::fs::write(
        &path,
        "step,series,mean,sd,p05,p50,p95\n0,adopted_share,0,0,0,0,0\n1,adopted_share,abc,0,0,0,0\n",
    )
    .unwrap();
    let err = draw_run_charts(tmp.path(), &ChartOptions::default()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Input(_)), "{err:?}");
    assert!(
        msg.contains("curves.csv") && msg.contains("line 3") && msg.contains("abc"),
        "{msg}"
    );

    std::fs::write(&path, "step,series,mean\n0,adopted_share,0\n").unwrap();
    let msg = draw_run_charts(tmp.path(), &ChartOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        msg.contains("curves.csv") && msg.contains("missing column `sd`"),
        "{msg}"
    );

    std::fs::write(
        &path,
        "step,series,mean,sd,p05,p50,p95\n0,adopted_share,0,0,0,0\n",
    )
    .unwrap();
    let err = draw_run_charts(tmp.path(), &ChartOptions::default()).unwrap_err();
    assert!(
        matches!(err, Error::Input(_)) && err.to_string().contains("line 2"),
        "{err}"
    );

    std::fs::write(
        &path,
        "step,series,mean,sd,p05,p50,p95\n0,new_learning,0,0,0,0,0\n",
    )
    .unwrap();
    let msg = draw_run_charts(tmp.path(), &ChartOptions::default())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("adopted_share"), "{msg}");
}

#[test]
fn compare_overlays_scenarios_and_writes_csv() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    write_fixture(
        a.path(),
        &Fixture {
            scenario: "baseline".into(),
            ..Default::default()
        },
    );
    write_fixture(
        b.path(),
        &Fixture {
            scenario: "pilot-first".into(),
            promoted_at: None,
            centre: 14.0,
            ..Default::default()
        },
    );
    let out_dir = out.path().join("cmp");
    let dirs = [a.path().to_path_buf(), b.path().to_path_buf()];
    let arms: Vec<_> = dirs
        .iter()
        .map(|d| super::difference::RunValues::read(d).unwrap())
        .collect();
    let written = draw_compare(&dirs, &arms, &out_dir, &ChartOptions::default()).unwrap();
    assert_eq!(
        names(&written),
        ["compare.png", "compare.svg", "compare.csv"]
    );
    dump(&written, "cmp");
    assert_real_png(&out_dir.join("compare.png"), (1600, 1000));
    let s = svg(&out_dir, "compare");
    assert!(
        s.contains("baseline") && s.contains("pilot-first") && s.contains("Scenario comparison")
    );
    let csv = std::fs::read_to_string(out_dir.join("compare.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with(
        "scenario,folder,runs,steps,n,final_share_mean,final_share_ci_low,final_share_ci_high,final_share_p05,final_share_p95,t10_reached,"
    ));
    assert!(lines[0].contains(
        ",t50_km_median,t50_km_median_ci_low,t50_km_median_ci_high,t50_mean_if_reached,"
    ));
    assert!(lines[0].contains("share_learning_mean"));
    assert!(
        lines[1].starts_with("baseline,") && lines[1].contains(",20,50,300,0.9,"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("pilot-first,"));
}

#[test]
fn option_parsers() {
    assert_eq!(
        parse_formats("png,svg").unwrap(),
        vec![ChartFormat::Png, ChartFormat::Svg]
    );
    assert_eq!(parse_formats("SVG").unwrap(), vec![ChartFormat::Svg]);
    assert_eq!(
        parse_formats("png,pdf").unwrap(),
        vec![ChartFormat::Png, ChartFormat::Pdf]
    );
    assert!(parse_formats("png,eps")
        .unwrap_err()
        .contains("png, svg, pdf"));
    assert!(parse_formats("").is_err());
    assert_eq!(parse_lang("zh").unwrap(), Lang::Zh);
    assert_eq!(parse_lang("en").unwrap(), Lang::En);
    assert!(parse_lang("fr").unwrap_err().contains("en, zh"));
    assert_eq!(parse_size("1600x1000").unwrap(), (1600, 1000));
    assert!(parse_size("1600").unwrap_err().contains("1600x1000"));
    assert!(parse_size("0x10").is_err());
    assert!(parse_size("axb").is_err());
    let d = ChartOptions::default();
    assert_eq!(
        (d.lang, d.size, d.formats.len()),
        (Lang::En, (1600, 1000), 2)
    );
}

#[test]
fn hazard_tail_is_grouped_and_empty_rows_skipped() {
    let rows: Vec<read::HazardRow> = (0..15)
        .map(|k| read::HazardRow {
            neighbours_adopted: k,
            at_risk: if k == 3 { 0.0 } else { 10.0 },
            adoptions: 1.0,
            hazard: None,
        })
        .collect();
    let bars = hazard::hazard_bars(&rows);
    let labels: Vec<&str> = bars.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["0", "1", "2", "4", "5", "6", "7", "8", "9", "10+"]);
    assert_eq!(bars.last().unwrap().at_risk, 50.0);
    assert!((bars.last().unwrap().hazard() - 0.1).abs() < 1e-12);
}

#[test]
fn many_regions_short_run_and_single_hazard_row_still_draw() {
    let tmp = tempfile::tempdir().unwrap();
    let mut curves = String::from("step,series,mean,sd,p05,p50,p95\n");
    for s in 0..=3u32 {
        let v = s as f64 / 4.0;
        writeln!(curves, "{s},adopted_share,{v},0.01,{v},{v},{v}").unwrap();
        writeln!(curves, "{s},new_learning,{},,,,", s * 2).unwrap();
        for r in 0..31u32 {
            let v = (v * (1.0 + r as f64 / 40.0)).min(1.0);
            writeln!(
                curves,
                "{s},adopted_share.region.Province number {r},{v},,,,"
            )
            .unwrap();
        }
    }
    std::fs::write(tmp.path().join("curves.csv"), curves).unwrap();
    std::fs::write(
        tmp.path().join("hazard.csv"),
        "neighbours_adopted,at_risk,adoptions,hazard\n0,100,5,0.05\n1,0,0,\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("map.csv"),
        "node,name,x,y,region,level,adopted_step\n0,a,1,1,,,\n",
    )
    .unwrap();
    let written = draw_run_charts(tmp.path(), &ChartOptions::default()).unwrap();
    dump(&written, "edge");
    let got = names(&written);
    for want in [
        "adoption.png",
        "channels.png",
        "regions.png",
        "hazard.png",
        "map.png",
    ] {
        assert!(got.iter().any(|g| g == want), "{want} missing from {got:?}");
    }
    assert!(!got.iter().any(|g| g.starts_with("quality")));
    let r = svg(tmp.path(), "regions");
    assert!(r.contains("Province number 30") && r.contains("Province number 0"));
}
