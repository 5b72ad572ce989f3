//! The mechanisms chart: the observed cumulative share (points) and each hypothesis's
//! fitted mean curve (fitted on every observed year), with a marker at the end of the
//! held-out forecast's training years.

use super::saved::SavedMechanisms;
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_charts::curves::{draw_lines_with_bands, titled, BandSeries, LinesPanel, VMarker};
use policysim_charts::style::{category_color, LegendEntry, Style, Swatch, INK};
use policysim_charts::{save_figure, ChartOptions, Figure, Lang};
use policysim_model::Result;
use std::path::{Path, PathBuf};

/// Colour of the training-years marker.
const MARKER: RGBColor = RGBColor(120, 120, 120);

/// Draws `mechanisms` of the comparison's folder `dir` into it, from its files
/// ([`SavedMechanisms`]).
pub fn draw_mechanisms_chart(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>> {
    let saved = SavedMechanisms::read(dir)?;
    save_figure(&MechanismsChart { saved: &saved }, dir, "mechanisms", opts)
}

/// The chart of a comparison, as its folder records it.
pub struct MechanismsChart<'a> {
    /// The comparison.
    pub saved: &'a SavedMechanisms,
}

impl Figure for MechanismsChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let c = self.saved;
        let w = style.words();
        let area = titled(root, &style.title(&c.name, w.mechanisms_title), style)?;
        let x = &c.years;
        let pct = |v: &[f64]| -> Vec<Option<f64>> {
            v.iter()
                .map(|v| v.is_finite().then_some(v * 100.0))
                .collect()
        };
        let mut series = Vec::new();
        let mut legend = vec![LegendEntry::new(Swatch::Dot(INK), w.observed)];
        let mut top = c.observed_share.iter().fold(0.0f64, |a, &b| a.max(b));
        for (k, r) in c.hypotheses.iter().enumerate() {
            let color = category_color(k);
            series.push(BandSeries {
                label: r.name.clone(),
                color,
                x: x.clone(),
                line: pct(&r.mean),
                band: None,
                dashed: None,
            });
            top = r
                .mean
                .iter()
                .filter(|v| v.is_finite())
                .fold(top, |a, &b| a.max(b));
            let score = r.penalised.map_or("–".to_string(), |s| format!("{s:.1}"));
            // (the held-out scores are in the table: a longer label would not fit)
            let text = match style.lang {
                Lang::En => format!("{} (RMSE {:.3}, score {score})", r.name, r.rmse),
                Lang::Zh => format!("{}（RMSE {:.3}，惩罚得分 {score}）", r.name, r.rmse),
            };
            legend.push(LegendEntry::new(Swatch::Line(color), text));
        }
        series.push(BandSeries::dots(
            w.observed,
            INK,
            x.iter()
                .zip(&c.observed_share)
                .map(|(x, v)| (*x, v * 100.0)),
        ));
        let split = f64::from(c.train_until);
        legend.push(LegendEntry::new(
            Swatch::Dashed(MARKER),
            match style.lang {
                Lang::En => format!("end of the training years ({split})"),
                Lang::Zh => format!("训练期结束（{split}）"),
            },
        ));
        let panel = LinesPanel {
            x_label: w.year.to_string(),
            y_label: w.adopted_share_pct.to_string(),
            series,
            y_range: Some((0.0, (top * 110.0).clamp(5.0, 100.0))),
            legend: Some(legend),
            markers: vec![VMarker {
                x: split,
                color: MARKER,
            }],
            x_integer: true,
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}
