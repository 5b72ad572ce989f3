//! Charts that carry their own letters: every chart kind, in SVG and PDF, in English and
//! Chinese, needs no font where it is shown. In the SVG every text is drawn as the
//! embedded font's glyph outlines over its transparent `<text>`; the PDF (made from that
//! SVG) holds no font at all. Through the binary, on the folders of `run`, `compare`,
//! `sweep`, `sensitivity`, `forecast` and `compare-mechanisms` redrawn by `plot`.

use crate::common::{ok_in as ok, repo_file};
use policysim::charts::outline::missing_glyphs;
use std::path::Path;

/// The first clause of `examples/sensitivity.toml`'s description: its charts' titles.
const SENSITIVITY_HEADING: &str = "争先 on a small hierarchy";

/// The first clause of `scenarios/us_states.toml`'s description.
const US_STATES_HEADING: &str = "The 50 US states on their land-border network";

/// The contents of every `<text>` element of an SVG.
fn texts(svg: &str) -> Vec<String> {
    svg.match_indices("<text ")
        .filter_map(|(i, _)| {
            let rest = &svg[i..];
            let open = rest.find('>')? + 1;
            let close = rest.find("</text>")?;
            Some(
                rest[open..close]
                    .trim()
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            )
        })
        .collect()
}

/// Checks every SVG and PDF chart in `dir`: returns how many of each it checked.
fn check_folder(dir: &Path, lang: &str) -> (usize, usize) {
    let mut checked = (0, 0);
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for path in names {
        let what = path.display().to_string();
        match path.extension().and_then(|e| e.to_str()) {
            Some("svg") => {
                let svg = std::fs::read_to_string(&path).unwrap();
                let texts = texts(&svg);
                assert!(!texts.is_empty(), "{what}: no text at all");
                // each text: transparent, followed by its outlines
                assert_eq!(
                    svg.matches("<text ").count(),
                    svg.matches("aria-hidden=\"true\">").count(),
                    "{what}: a text without its outlines"
                );
                for element in svg.split("<text ").skip(1) {
                    let tag = &element[..element.find('>').unwrap()];
                    assert!(
                        tag.contains(" opacity=\"0\""),
                        "{what}: a visible <text>: {tag}"
                    );
                }
                // every letter is a glyph of the embedded font, drawn once per letter
                let letters: usize = texts
                    .iter()
                    .map(|t| t.chars().filter(|c| !c.is_whitespace()).count())
                    .sum();
                assert_eq!(svg.matches("<use ").count(), letters, "{what}");
                for t in &texts {
                    assert!(
                        missing_glyphs(t).is_empty(),
                        "{what}: no glyph for {:?} in {t:?}",
                        missing_glyphs(t)
                    );
                }
                if lang == "zh" {
                    assert!(
                        texts
                            .iter()
                            .any(|t| t.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))),
                        "{what}: no Chinese text in a Chinese chart"
                    );
                }
                let pdf = std::fs::read(path.with_extension("pdf"))
                    .unwrap_or_else(|_| panic!("{what}: no PDF beside it"));
                assert!(pdf.starts_with(b"%PDF-"), "{what}: the PDF");
                let text = String::from_utf8_lossy(&pdf);
                assert!(!text.contains("/Font"), "{what}: the PDF refers to a font");
                checked.0 += 1;
                checked.1 += 1;
            }
            Some("pdf") => assert!(path.with_extension("svg").exists(), "{what}"),
            _ => {}
        }
    }
    checked
}

#[test]
fn every_chart_kind_in_svg_and_pdf_needs_no_font_in_either_language() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let competition = repo_file("scenarios/competition.toml");
    let small = ["--runs", "4", "--steps", "12", "-q", "--format", "svg,pdf"];
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec!["run", &competition, "--out", out];
        args.extend_from_slice(&small);
        args.extend_from_slice(extra);
        ok(t, &args);
    };
    run("a", &[]);
    run("b", &["--set", "central.recognition=0"]);
    ok(
        t,
        &["compare", "a", "b", "--out", "c", "--format", "svg,pdf"],
    );
    ok(
        t,
        &[
            "sweep",
            &competition,
            "--set",
            "learning.rate=0.1,0.3",
            "--runs",
            "3",
            "--steps",
            "10",
            "--out",
            "s",
            "-q",
            "--format",
            "svg,pdf",
        ],
    );
    ok(
        t,
        &[
            "sensitivity",
            &repo_file("examples/sensitivity.toml"),
            "--samples",
            "4",
            "--runs",
            "2",
            "--steps",
            "8",
            "--out",
            "e",
            "-q",
            "--format",
            "svg,pdf",
        ],
    );
    let states = repo_file("scenarios/us_states.toml");
    let observed = repo_file("scenarios/data/spid_sample.csv");
    let policy = ["--observed", &observed, "--policy", "mothersaid"];
    let mut forecast = vec!["forecast", &states, "--train-until", "1915"];
    forecast.extend(policy);
    forecast.extend(["--horizon", "3", "--runs", "4", "--out", "f"]);
    forecast.extend(["-q", "--format", "svg,pdf"]);
    ok(t, &forecast);
    let hypotheses = repo_file("scenarios/mechanisms/us_federal.toml");
    let mut mechanisms = vec!["compare-mechanisms", &hypotheses, "--train-until", "1917"];
    mechanisms.extend(policy);
    mechanisms.extend(["--runs", "2", "--budget", "833", "--out", "m"]);
    mechanisms.extend(["-q", "--format", "svg,pdf"]);
    ok(t, &mechanisms);
    // every kind of folder with charts: run, compare, sweep, sensitivity, forecast and
    // compare-mechanisms (the fit's charts are a run's and the fit chart, drawn alike)
    let folders = ["a", "c", "s", "e", "f", "m"];
    let mut total = (0, 0);
    for folder in folders {
        let (svgs, pdfs) = check_folder(&t.join(folder), "en");
        assert!(svgs > 0, "{folder}: no SVG chart");
        total = (total.0 + svgs, total.1 + pdfs);
        let zh = format!("{folder}-zh");
        ok(
            t,
            &[
                "plot", folder, "--lang", "zh", "--out", &zh, "-q", "--format", "svg,pdf",
            ],
        );
        let (svgs, pdfs) = check_folder(&t.join(&zh), "zh");
        assert!(svgs > 0, "{zh}: no SVG chart");
        total = (total.0 + svgs, total.1 + pdfs);
    }
    println!("checked {} SVG and {} PDF charts", total.0, total.1);
    // the sensitivity chart names its parameters as people say them (the one table of
    // key names the explore page uses), in the chart's language
    for (folder, named) in [
        (
            "e",
            [
                "Invention rate",
                "Learning rate",
                "Competition rate",
                "Pilot sites",
            ],
        ),
        ("e-zh", ["自主创新率", "学习速率", "竞争速率", "试点数量"]),
    ] {
        let shown =
            texts(&std::fs::read_to_string(t.join(folder).join("sensitivity.svg")).unwrap());
        for name in named {
            assert!(
                shown.iter().any(|x| x == name),
                "{folder}: no row named {name}: {shown:?}"
            );
        }
        assert!(
            !shown.iter().any(|x| x == "learning.rate"),
            "{folder}: a dotted key shown"
        );
    }
    // titles: the first clause of the scenario's description, never its internal name;
    // `--title` in its place on every chart kind
    let title_of = |path: &Path| texts(&std::fs::read_to_string(path).unwrap())[0].clone();
    assert_eq!(
        title_of(&t.join("a/adoption.svg")),
        "争先: competitive urge, rivals under the same parent, central recognition — cumulative adoption"
    );
    // the studies' charts too (sweep, sensitivity, forecast), from their folders' records
    let competition_heading =
        "争先: competitive urge, rivals under the same parent, central recognition";
    for (chart, heading) in [
        ("s/sweep_final_share_line.svg", competition_heading),
        // the Chinese charts start with the scenario's Chinese description (description_zh)
        (
            "s-zh/sweep_final_share_line.svg",
            "争先：竞争意愿高，同一上级下的地方政府互为对手，中央表彰先行者",
        ),
        ("e/sensitivity.svg", SENSITIVITY_HEADING),
        ("f/roc.svg", US_STATES_HEADING),
        ("f-zh/roc.svg", "美国 50 个州及其陆地接壤网络"),
        (
            "a-zh/adoption.svg",
            "争先：竞争意愿高，同一上级下的地方政府互为对手，中央表彰先行者",
        ),
    ] {
        // a long title is drawn on two lines, the heading first
        let title = title_of(&t.join(chart));
        assert!(
            title.chars().count() > 20
                && (title.starts_with(heading)
                    || heading.starts_with(title.trim_end_matches(" —"))),
            "{chart}: {title}"
        );
    }
    for folder in folders {
        let out = format!("{folder}-titled");
        ok(
            t,
            &[
                "plot", folder, "--title", "Figure 2", "--out", &out, "-q", "--format", "svg",
            ],
        );
        for entry in std::fs::read_dir(t.join(&out)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "svg") {
                let title = title_of(&path);
                assert!(
                    title.starts_with("Figure 2 — "),
                    "{}: {title}",
                    path.display()
                );
            }
        }
    }
    // the same scenario and seed: the same SVG and PDF bytes
    run("a2", &[]);
    for chart in ["adoption.svg", "adoption.pdf", "map.pdf", "channels.pdf"] {
        assert!(
            std::fs::read(t.join("a").join(chart)).unwrap()
                == std::fs::read(t.join("a2").join(chart)).unwrap(),
            "{chart} differs between two identical runs"
        );
    }
}
