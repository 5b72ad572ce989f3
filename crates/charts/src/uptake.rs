//! The lineage the centre took up against the others (mode `uptake`, MODEL.md 4b): their
//! shares of all governments over time in the representative run, from `lineages.csv`.

use super::curves::{
    draw_lines_with_bands, titled, with_legend, y_range_of, BandSeries, LinesPanel, VMarker,
};
use super::read::{cell, read_optional, whole, Summary};
use super::style::{category_color, LegendEntry, Style, Swatch, GREY, INK};
use super::{Figure, Lang};
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_model::Result;
use std::path::Path;

/// One row of `lineages.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineageRow {
    /// Step.
    pub step: u32,
    /// `taken_up`, `rival` or `rest`.
    pub group: String,
    /// Lineage id (None for `rest`).
    pub lineage: Option<u32>,
    /// Id of the government that invented it.
    pub inventor: String,
    /// Share of all governments on it, in [0, 1].
    pub share: f64,
    /// Step of the uptake in this run (None without one).
    pub uptake_at: Option<f64>,
}

/// Reads `lineages.csv`; `Ok(None)` when the file does not exist.
pub fn read_lineages(path: &Path) -> Result<Option<Vec<LineageRow>>> {
    read_optional(
        path,
        &[
            "step",
            "group",
            "lineage",
            "inventor",
            "adopters",
            "share",
            "uptake_at",
        ],
        |line, c| {
            Ok(LineageRow {
                step: whole(path, line, "step", c[0])?,
                group: c[1].to_string(),
                lineage: if c[2].is_empty() {
                    None
                } else {
                    Some(whole(path, line, "lineage", c[2])?)
                },
                inventor: c[3].to_string(),
                share: cell(path, line, "share", c[5])?.unwrap_or(0.0),
                uptake_at: cell(path, line, "uptake_at", c[6])?,
            })
        },
    )
}

/// The words of this chart, in English and Chinese.
struct Words {
    title: &'static str,
    taken_up: &'static str,
    rival: &'static str,
    rest: &'static str,
    marker: &'static str,
    y_label: &'static str,
    /// The y axis of a compact chart, briefly.
    y_short: &'static str,
    /// The heading of the upper panel when the rivals get a panel of their own.
    all: &'static str,
    /// The heading of the rivals' magnified panel.
    rivals: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            title: "Version taken up vs. the others (representative run)",
            taken_up: "taken up",
            rival: "rival version",
            rest: "all other versions",
            marker: "Uptake",
            y_label: "Share of governments on the version (%)",
            y_short: "On the version (%)",
            all: "All versions, 0–100%",
            rivals: "Rival versions, magnified",
        },
        Lang::Zh => Words {
            title: "被吸纳的版本与其他版本（代表性运行）",
            taken_up: "被吸纳",
            rival: "竞争版本",
            rest: "其他全部版本",
            marker: "吸纳",
            y_label: "采用该版本的政府占比（%）",
            y_short: "该版本占比（%）",
            all: "全部版本，0–100%",
            rivals: "竞争版本（放大）",
        },
    }
}

/// The adoption chart's marker word in mode `uptake`: "Uptake (median)" / "吸纳（中位数）".
pub fn uptake_marker(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Uptake (median)",
        Lang::Zh => "吸纳（中位数）",
    }
}

/// Rivals that all stay below this share (in %) of all governments get a magnified panel
/// of their own under the 0–100% one (not in a compact chart, too short for two axes):
/// drawn on its scale alone they would lie on the axis.
pub const MAGNIFY_BELOW_PERCENT: f64 = 15.0;

/// Shares over time of the lineage taken up (thick), its largest rivals and the rest.
pub struct UptakeChart<'a> {
    summary: &'a Summary,
    rows: Vec<LineageRow>,
}

impl<'a> UptakeChart<'a> {
    /// The chart, or `None` when there are no rows.
    pub fn new(summary: &'a Summary, rows: Vec<LineageRow>) -> Option<UptakeChart<'a>> {
        (!rows.is_empty()).then_some(UptakeChart { summary, rows })
    }

    /// The series keys in drawing order: (group, lineage), the taken-up lineage first.
    fn keys(&self) -> Vec<(String, Option<u32>)> {
        let mut keys: Vec<(String, Option<u32>)> = Vec::new();
        for r in &self.rows {
            let k = (r.group.clone(), r.lineage);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys.sort_by_key(|(g, _)| match g.as_str() {
            "taken_up" => 0,
            "rival" => 1,
            _ => 2,
        });
        keys
    }

    /// The step at which the centre took the lineage up in this run.
    fn uptake_step(&self) -> Option<f64> {
        self.rows.iter().find_map(|r| r.uptake_at)
    }
}

impl Figure for UptakeChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = self.summary;
        let w = words(style.lang);
        let area = titled(root, &style.title(&s.heading(style.lang), w.title), style)?;
        let mut series = Vec::new();
        let mut legend = Vec::new();
        let mut rival = 0;
        for (group, lineage) in self.keys() {
            let pts: Vec<&LineageRow> = self
                .rows
                .iter()
                .filter(|r| r.group == group && r.lineage == lineage)
                .collect();
            let inventor = pts.first().map_or("", |r| r.inventor.as_str());
            let (color, label, dashed) = match group.as_str() {
                "taken_up" => (
                    category_color(0),
                    format!("{} ({inventor})", w.taken_up),
                    false,
                ),
                "rival" => {
                    rival += 1;
                    (
                        category_color(rival),
                        format!("{} ({inventor})", w.rival),
                        false,
                    )
                }
                _ => (GREY, w.rest.to_string(), true),
            };
            let x: Vec<f64> = pts.iter().map(|r| s.x_of(f64::from(r.step))).collect();
            let y: Vec<Option<f64>> = pts.iter().map(|r| Some(r.share * 100.0)).collect();
            legend.push(LegendEntry::new(
                if dashed {
                    Swatch::Dashed(color)
                } else {
                    Swatch::Line(color)
                },
                label.clone(),
            ));
            series.push(BandSeries {
                label,
                color,
                x,
                line: if dashed {
                    vec![None; y.len()]
                } else {
                    y.clone()
                },
                band: None,
                dashed: dashed.then_some(y),
            });
        }
        let mut markers = Vec::new();
        if let Some(at) = self.uptake_step() {
            markers.push(VMarker {
                x: s.x_of(at),
                color: INK,
            });
            legend.push(LegendEntry::new(Swatch::Dashed(INK), w.marker));
        }
        let y_label = if style.compact { w.y_short } else { w.y_label };
        let rivals: Vec<BandSeries> = series
            .iter()
            .zip(self.keys())
            .filter(|(_, (group, _))| group == "rival")
            .map(|(r, _)| r.clone())
            .collect();
        let largest = rivals
            .iter()
            .flat_map(|r| r.line.iter().flatten())
            .fold(0.0_f64, |a, &b| a.max(b));
        // a compact chart (a phone's width) has no height for a second panel's axis
        if style.compact || rivals.is_empty() || largest <= 0.0 || largest >= MAGNIFY_BELOW_PERCENT
        {
            let panel = LinesPanel {
                x_label: style.x_label(s.unit(), s.start_year.is_some()),
                y_label: y_label.to_string(),
                series,
                y_range: Some((0.0, 100.0)),
                markers,
                legend: Some(legend),
                x_integer: true,
                ..Default::default()
            };
            return draw_lines_with_bands(&area, &panel, style);
        }
        // the rivals near 0%: the 0-100% panel above, the rivals on their own scale below
        let plot = with_legend(&area, &legend, style)?;
        let (_, h) = plot.dim_in_pixel();
        let (upper, lower) = plot.split_vertically((f64::from(h) * 0.55) as i32);
        // two panels: the short axis label, which fits half the height
        let panel =
            |subtitle: &str, series: Vec<BandSeries>, y_range, x_label: String| LinesPanel {
                subtitle: Some(subtitle.to_string()),
                x_label,
                y_label: w.y_short.to_string(),
                series,
                y_range: Some(y_range),
                markers: markers.clone(),
                legend: Some(Vec::new()),
                x_integer: true,
                ..Default::default()
            };
        let zoom = y_range_of(rivals.iter().flat_map(BandSeries::values), true);
        draw_lines_with_bands(
            &upper,
            &panel(w.all, series, (0.0, 100.0), String::new()),
            style,
        )?;
        draw_lines_with_bands(
            &lower,
            &panel(
                w.rivals,
                rivals,
                zoom,
                style.x_label(s.unit(), s.start_year.is_some()),
            ),
            style,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lineage_taken_up_comes_first_and_the_rest_last() {
        let row = |step, group: &str, lineage| LineageRow {
            step,
            group: group.into(),
            lineage,
            inventor: "x".into(),
            share: 0.1,
            uptake_at: Some(4.0),
        };
        let summary = Summary::default();
        let rows = vec![
            row(0, "rival", Some(3)),
            row(0, "rest", None),
            row(0, "taken_up", Some(7)),
            row(1, "rival", Some(3)),
            row(1, "rest", None),
            row(1, "taken_up", Some(7)),
        ];
        let chart = UptakeChart::new(&summary, rows).unwrap();
        assert_eq!(
            chart.keys(),
            vec![
                ("taken_up".to_string(), Some(7)),
                ("rival".to_string(), Some(3)),
                ("rest".to_string(), None)
            ]
        );
        assert_eq!(chart.uptake_step(), Some(4.0));
        assert!(UptakeChart::new(&summary, Vec::new()).is_none());
    }

    /// Rivals that stay near 0% get a magnified panel of their own; rivals with a large
    /// share are drawn on the 0-100% scale alone.
    #[test]
    fn rivals_near_zero_get_a_magnified_panel() {
        let draw = |rival_share: f64| -> String {
            let mut rows = Vec::new();
            for step in 0..10u32 {
                let t = f64::from(step) / 9.0;
                for (group, lineage, share) in [
                    ("taken_up", Some(1), 0.9 * t),
                    ("rival", Some(2), rival_share * t),
                    ("rest", None, 0.05 * t),
                ] {
                    rows.push(LineageRow {
                        step,
                        group: group.into(),
                        lineage,
                        inventor: format!("city_{}", lineage.unwrap_or(0)),
                        share,
                        uptake_at: Some(5.0),
                    });
                }
            }
            let summary = Summary::default();
            let chart = UptakeChart::new(&summary, rows).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let opts = crate::ChartOptions {
                formats: vec![crate::ChartFormat::Svg],
                svg_outlines: false,
                ..Default::default()
            };
            crate::save_figure(&chart, dir.path(), "uptake", &opts).unwrap();
            std::fs::read_to_string(dir.path().join("uptake.svg")).unwrap()
        };
        let small = draw(0.012);
        assert!(small.contains("Rival versions, magnified"), "{small}");
        assert!(small.contains("All versions, 0–100%"));
        // its axis reaches the rival's 1.2%, not 100%
        // its own axis has ticks with decimals up to about the rival's 1.2% (the 0-100%
        // panel's ticks are whole numbers)
        let ticks: Vec<f64> = small
            .lines()
            .map(str::trim)
            .filter(|t| t.contains('.'))
            .filter_map(|t| t.parse().ok())
            .collect();
        let top = ticks.iter().fold(0.0_f64, |a, &b| a.max(b));
        assert!((1.0..=1.5).contains(&top), "{ticks:?}");
        assert!(small.lines().any(|l| l.trim() == "100"));
        let large = draw(0.3);
        assert!(!large.contains("magnified") && !large.contains("All versions"));
    }
}
