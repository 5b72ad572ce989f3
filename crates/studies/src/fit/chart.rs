//! The fit chart: observed cumulative share (points), the fitted model's mean with its
//! 5–95% band over runs, and the closed-form Bass curve.

use super::FitResult;
use plotters::coord::Shift;
use plotters::prelude::*;
use policysim_charts::curves::{draw_lines_with_bands, titled, BandSeries, LinesPanel};
use policysim_charts::style::{category_color, LegendEntry, Style, Swatch, INK};
use policysim_charts::{Figure, Lang};
use policysim_model::Result;

/// The fit chart of one [`FitResult`].
pub struct FitChart<'a> {
    /// The fit.
    pub fit: &'a FitResult,
    /// Chart title's scenario part.
    pub name: policysim_charts::title::Heading,
}

impl Figure for FitChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let f = self.fit;
        let w = style.words();
        let area = titled(
            root,
            &style.title(self.name.get(style.lang), w.fit_title),
            style,
        )?;
        let y0 = f.ensemble.start_year.unwrap_or(0) as f64;
        let steps = f.observed_share.len();
        let x: Vec<f64> = (0..steps).map(|t| y0 + t as f64).collect();
        let pct = |v: &[f64]| -> Vec<Option<f64>> {
            v.iter()
                .map(|v| v.is_finite().then_some(v * 100.0))
                .collect()
        };
        let model_color = category_color(0);
        let bass_color = category_color(1);
        let model = BandSeries {
            label: w.fitted_model.into(),
            color: model_color,
            x: x.clone(),
            line: pct(&f.curve.mean),
            band: Some((pct(&f.curve.p05), pct(&f.curve.p95))),
            dashed: None,
        };
        let bass_values: Vec<f64> = (0..steps)
            .map(|t| f.bass.share(t as f64 + f.bass_offset))
            .collect();
        let bass = BandSeries {
            label: w.bass_curve.into(),
            color: bass_color,
            x: x.clone(),
            line: vec![None; steps],
            band: None,
            dashed: Some(pct(&bass_values)),
        };
        let observed = BandSeries::dots(
            w.observed,
            INK,
            x.iter()
                .zip(&f.observed_share)
                .map(|(x, v)| (*x, v * 100.0)),
        );
        let rmse = |v: f64| match style.lang {
            Lang::En => format!(" (RMSE {:.3})", v),
            Lang::Zh => format!("（RMSE {:.3}）", v),
        };
        let legend = vec![
            LegendEntry::new(Swatch::Dot(INK), w.observed),
            LegendEntry::new(
                Swatch::LineBand(model_color),
                format!("{}{}", w.fitted_model, rmse(f.best_eval.curve_rmse)),
            ),
            LegendEntry::new(
                Swatch::Dashed(bass_color),
                format!("{}{}", w.bass_curve, rmse(f.bass_rmse)),
            ),
            LegendEntry::new(Swatch::Band(model_color), w.band),
        ];
        let top = f
            .curve
            .p95
            .iter()
            .chain(&f.observed_share)
            .chain(&bass_values)
            .filter(|v| v.is_finite())
            .fold(0.0f64, |a, &b| a.max(b));
        let panel = LinesPanel {
            x_label: w.year.to_string(),
            y_label: w.adopted_share_pct.to_string(),
            series: vec![model, bass, observed],
            y_range: Some((0.0, (top * 110.0).clamp(5.0, 100.0))),
            legend: Some(legend),
            x_integer: true,
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}
