//! Variety between centres at a level (`central.scope`, MODEL.md 4c, 四级联动): the adopted
//! share of the lowest, the average and the highest centre's subtree over time (each the
//! mean over runs), from the `centre_share_*` series of `curves.csv`.

use super::curves::{draw_lines_with_bands, titled, BandSeries, LinesPanel};
use super::read::CurvePoint;
use super::style::{category_color, LegendEntry, Style, Swatch};
use super::{Figure, Lang, RunData};
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_model::Result;

/// The words of this chart, in English and Chinese.
struct Words {
    title: &'static str,
    mean: &'static str,
    range: &'static str,
    y_label: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            title: "Variety between centres' subtrees",
            mean: "Average centre",
            range: "Lowest to highest centre (mean over runs)",
            y_label: "Adopted share under a centre (%)",
        },
        Lang::Zh => Words {
            title: "各级中心辖区之间的差异",
            mean: "中心平均",
            range: "最低至最高的中心（各次运行平均）",
            y_label: "中心辖区内的采纳比例（%）",
        },
    }
}

/// The band of the lowest to the highest centre's share around the average centre's.
pub struct CentresChart<'a> {
    data: &'a RunData,
    min: &'a [CurvePoint],
    mean: &'a [CurvePoint],
    max: &'a [CurvePoint],
}

impl<'a> CentresChart<'a> {
    /// The chart, or `None` without the `centre_share_*` series (one national centre).
    pub fn new(data: &'a RunData) -> Option<CentresChart<'a>> {
        Some(CentresChart {
            data,
            min: data.curves.get("centre_share_min")?,
            mean: data.curves.get("centre_share_mean")?,
            max: data.curves.get("centre_share_max")?,
        })
    }

    /// The series: the average centre's mean share with the band from the mean lowest to the mean highest.
    fn series(&self, w: &Words) -> BandSeries {
        let s = &self.data.summary;
        let pct = |p: &CurvePoint| p.mean.map(|v| v * 100.0);
        BandSeries {
            label: w.mean.to_string(),
            color: category_color(0),
            x: self
                .mean
                .iter()
                .map(|p| s.x_of(f64::from(p.step)))
                .collect(),
            line: self.mean.iter().map(pct).collect(),
            band: Some((
                self.min.iter().map(pct).collect(),
                self.max.iter().map(pct).collect(),
            )),
            dashed: None,
        }
    }
}

impl Figure for CentresChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let s = &self.data.summary;
        let w = words(style.lang);
        let area = titled(root, &style.title(&s.heading(style.lang), w.title), style)?;
        let color = category_color(0);
        let panel = LinesPanel {
            x_label: style.x_label(s.unit(), s.start_year.is_some()),
            y_label: w.y_label.to_string(),
            series: vec![self.series(&w)],
            y_range: Some((0.0, 100.0)),
            legend: Some(vec![
                LegendEntry::new(Swatch::Line(color), w.mean),
                LegendEntry::new(Swatch::Band(color), w.range),
            ]),
            x_integer: true,
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}
