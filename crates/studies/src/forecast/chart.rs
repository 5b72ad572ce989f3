//! The forecast charts: ROC curves of the three forecasts, their reliability diagram,
//! and (for networks with coordinates) a map of policysim's probabilities with the
//! observed adopters marked.

use super::saved::{SavedForecast, SavedMap};
use super::score::{calibration, roc};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use policysim_charts::curves::{draw_lines_with_bands, fmt_tick, titled, BandSeries, LinesPanel};
use policysim_charts::style::{category_color, viridis, LegendEntry, Style, Swatch, GREY, INK};
use policysim_charts::{draw_err, save_figure, ChartOptions, Figure, Lang};
use policysim_model::Result;
use std::path::{Path, PathBuf};

/// Bins of the reliability diagram.
pub const CALIBRATION_BINS: usize = 10;

/// The words of the forecast charts.
struct Words {
    roc: &'static str,
    calibration: &'static str,
    map: &'static str,
    fpr: &'static str,
    tpr: &'static str,
    forecast: &'static str,
    observed_share: &'static str,
    chance: &'static str,
    perfect: &'static str,
    models: [&'static str; 3],
    adopted_before: &'static str,
    adopted_after: &'static str,
    probability: &'static str,
}

const EN: Words = Words {
    roc: "ROC curves",
    calibration: "calibration",
    map: "forecast map",
    fpr: "False-positive rate",
    tpr: "True-positive rate",
    forecast: "Forecast probability",
    observed_share: "Observed share adopting",
    chance: "chance",
    perfect: "perfect calibration",
    models: ["policysim", "event-history logit", "Bass curve"],
    adopted_before: "adopted by",
    adopted_after: "adopted within horizon",
    probability: "P(adopt within",
};

const ZH: Words = Words {
    roc: "ROC 曲线",
    calibration: "校准图",
    map: "预测地图",
    fpr: "假阳性率",
    tpr: "真阳性率",
    forecast: "预测概率",
    observed_share: "实际采纳比例",
    chance: "随机猜测",
    perfect: "完美校准",
    models: ["policysim", "事件史 logit", "Bass 曲线"],
    adopted_before: "已采纳（截至",
    adopted_after: "预测期内实际采纳",
    probability: "采纳概率（",
};

fn words(style: &Style) -> &'static Words {
    match style.lang {
        Lang::En => &EN,
        Lang::Zh => &ZH,
    }
}

/// Draws `roc`, `calibration` and (with coordinates: `map.csv`) `map` of the forecast
/// folder `dir` into it, from its files ([`SavedForecast`]).
pub fn draw_forecast_charts(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>> {
    let f = &SavedForecast::read(dir)?;
    let mut written = save_figure(&RocChart { f }, dir, "roc", opts)?;
    written.extend(save_figure(
        &CalibrationChart { f },
        dir,
        "calibration",
        opts,
    )?);
    if let Some(net) = &f.map {
        written.extend(save_figure(&ForecastMap { f, net }, dir, "map", opts)?);
    }
    Ok(written)
}

fn diagonal(label: &str) -> BandSeries {
    BandSeries {
        label: label.into(),
        color: GREY,
        x: vec![0.0, 1.0],
        line: vec![None, None],
        band: None,
        dashed: Some(vec![Some(0.0), Some(1.0)]),
    }
}

/// The ROC curves.
struct RocChart<'a> {
    f: &'a SavedForecast,
}

impl Figure for RocChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let w = words(style);
        let area = titled(
            root,
            &style.title(self.f.name.get(style.lang), w.roc),
            style,
        )?;
        let p = &self.f.at_horizon;
        let mut series = Vec::new();
        let mut legend = Vec::new();
        for (m, p) in p.iter().enumerate() {
            let pts = roc(p, &self.f.outcome);
            series.push(BandSeries {
                label: w.models[m].into(),
                color: category_color(m),
                x: pts.iter().map(|q| q.0).collect(),
                line: pts.iter().map(|q| Some(q.1)).collect(),
                band: None,
                dashed: None,
            });
            let auc = self.f.auc[m].map_or("-".into(), |a| format!("{a:.3}"));
            legend.push(LegendEntry::new(
                Swatch::Line(category_color(m)),
                format!("{} (AUC {auc})", w.models[m]),
            ));
        }
        // the chance diagonal last, over the curves: a model at AUC 0.5 (the Bass curve
        // gives every unit the same probability) lies on it and would hide it
        series.push(diagonal(w.chance));
        legend.push(LegendEntry::new(Swatch::Dashed(GREY), w.chance));
        let panel = LinesPanel {
            x_label: w.fpr.into(),
            y_label: w.tpr.into(),
            series,
            y_range: Some((0.0, 1.0)),
            legend: Some(legend),
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}

/// The reliability diagram.
struct CalibrationChart<'a> {
    f: &'a SavedForecast,
}

impl Figure for CalibrationChart<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let w = words(style);
        let area = titled(
            root,
            &style.title(self.f.name.get(style.lang), w.calibration),
            style,
        )?;
        let p = &self.f.at_horizon;
        let mut series = vec![diagonal(w.perfect)];
        let mut legend = Vec::new();
        for (m, p) in p.iter().enumerate() {
            let bins = calibration(p, &self.f.outcome, CALIBRATION_BINS);
            series.push(BandSeries {
                label: w.models[m].into(),
                color: category_color(m),
                x: bins.iter().map(|b| b.mean_p).collect(),
                line: bins.iter().map(|b| Some(b.observed)).collect(),
                band: None,
                dashed: None,
            });
            // a dot on every bin: each point followed by a gap at the same x
            series.push(BandSeries {
                label: w.models[m].into(),
                color: category_color(m),
                x: bins.iter().flat_map(|b| [b.mean_p, b.mean_p]).collect(),
                line: bins.iter().flat_map(|b| [Some(b.observed), None]).collect(),
                band: None,
                dashed: None,
            });
            legend.push(LegendEntry::new(
                Swatch::Line(category_color(m)),
                format!("{} (Brier {:.3})", w.models[m], self.f.brier[m]),
            ));
        }
        legend.push(LegendEntry::new(Swatch::Dashed(GREY), w.perfect));
        let panel = LinesPanel {
            x_label: w.forecast.into(),
            y_label: w.observed_share.into(),
            series,
            y_range: Some((0.0, 1.0)),
            legend: Some(legend),
            ..Default::default()
        };
        draw_lines_with_bands(&area, &panel, style)
    }
}

/// The map of policysim's probabilities at the horizon.
struct ForecastMap<'a> {
    f: &'a SavedForecast,
    net: &'a SavedMap,
}

impl Figure for ForecastMap<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, style: &Style) -> Result<()> {
        let w = words(style);
        let net = self.net;
        let f = self.f;
        let n = net.x.len();
        let area = titled(root, &style.title(f.name.get(style.lang), w.map), style)?;
        let (aw, _) = area.dim_in_pixel();
        let (plot, legend) = area.split_horizontally(aw as i32 - style.px(420.0));
        let plot = plot.margin(
            style.px(20.0),
            style.px(30.0),
            style.px(40.0),
            style.px(20.0),
        );
        let (pw, ph) = plot.dim_in_pixel();
        let span = |v: &[f64]| {
            let (a, b) = v
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                    (a.min(x), b.max(x))
                });
            if b - a > 1e-9 {
                (a, b)
            } else {
                (a - 1.0, b + 1.0)
            }
        };
        let (x0, x1) = span(&net.x);
        let (y0, y1) = span(&net.y);
        // room for the largest mark (a ring around a dot) on every side
        let pad = f64::from(style.px(14.0) + style.px(9.0));
        let (fw, fh) = (pw as f64 - 2.0 * pad, ph as f64 - 2.0 * pad);
        let k = (fw / (x1 - x0)).min(fh / (y1 - y0));
        let (ox, oy) = (
            pad + (fw - (x1 - x0) * k) / 2.0,
            pad + (fh - (y1 - y0) * k) / 2.0,
        );
        let at = |i: usize| {
            (
                (ox + (net.x[i] - x0) * k).round() as i32,
                (oy + (y1 - net.y[i]) * k).round() as i32,
            )
        };
        let edges = net.edges.as_deref().unwrap_or_default();
        if edges.len() <= policysim_charts::map::MAX_EDGES {
            let edge = GREY.mix(0.35).stroke_width(style.px(1.0) as u32);
            for &(source, target) in edges {
                let line = vec![at(target as usize), at(source as usize)];
                plot.draw(&PathElement::new(line, edge)).map_err(draw_err)?;
            }
        }
        let r = (0.3 * ((pw as f64 * ph as f64) / n.max(1) as f64).sqrt())
            .clamp(style.px(4.0) as f64, style.px(14.0) as f64)
            .round() as i32;
        let p = &f.at_horizon[0];
        let mut row_of = vec![None; n];
        for (row, &i) in net.at_risk.iter().enumerate() {
            row_of[i] = Some(row);
        }
        for (i, row) in row_of.iter().enumerate() {
            match *row {
                None => plot.draw(&Rectangle::new(
                    [
                        (at(i).0 - r * 3 / 4, at(i).1 - r * 3 / 4),
                        (at(i).0 + r * 3 / 4, at(i).1 + r * 3 / 4),
                    ],
                    INK.mix(0.75).filled(),
                )),
                Some(row) => plot.draw(&Circle::new(at(i), r, viridis(p[row]).filled())),
            }
            .map_err(draw_err)?;
        }
        let ring = category_color(1).stroke_width(style.px(4.0) as u32);
        for (row, &i) in net.at_risk.iter().enumerate() {
            if f.outcome[row] {
                plot.draw(&Circle::new(at(i), r + style.px(5.0), ring))
                    .map_err(draw_err)?;
            }
        }
        // legend: colour bar of the probability, then the two marks
        let left = style.px(20.0);
        let top = style.px(90.0);
        let (_, lh) = legend.dim_in_pixel();
        let bar_h = (lh as i32 - top - style.px(260.0)).max(style.px(100.0));
        let bw = style.px(36.0);
        let font = style.legend_font().pos(Pos::new(HPos::Left, VPos::Center));
        let horizon = f.horizon;
        let title = match style.lang {
            Lang::En => format!("{} {horizon} years)", w.probability),
            Lang::Zh => format!("{}{horizon} 年内）", w.probability),
        };
        legend
            .draw(&Text::new(
                title,
                (left, top - style.px(50.0)),
                font.clone(),
            ))
            .map_err(draw_err)?;
        let cells = 100;
        for c in 0..cells {
            // high probabilities at the top
            let a = top + bar_h * c / cells;
            let b = top + bar_h * (c + 1) / cells;
            let colour = viridis(1.0 - c as f64 / (cells - 1) as f64);
            legend
                .draw(&Rectangle::new(
                    [(left, a), (left + bw, b.max(a + 1))],
                    colour.filled(),
                ))
                .map_err(draw_err)?;
        }
        legend
            .draw(&Rectangle::new(
                [(left, top), (left + bw, top + bar_h)],
                INK.stroke_width(1),
            ))
            .map_err(draw_err)?;
        let tick = style.tick_font().pos(Pos::new(HPos::Left, VPos::Center));
        for t in 0..=4 {
            let y = top + bar_h * t / 4;
            let v = 100.0 * (1.0 - t as f64 / 4.0);
            legend
                .draw(&Text::new(
                    format!("{}%", fmt_tick(v, 0)),
                    (left + bw + style.px(14.0), y),
                    tick.clone(),
                ))
                .map_err(draw_err)?;
        }
        let y1 = top + bar_h + style.px(70.0);
        legend
            .draw(&Rectangle::new(
                [
                    (left + bw / 2 - r * 3 / 4, y1 - r * 3 / 4),
                    (left + bw / 2 + r * 3 / 4, y1 + r * 3 / 4),
                ],
                INK.mix(0.75).filled(),
            ))
            .map_err(draw_err)?;
        let before = match style.lang {
            Lang::En => format!("{} {}", w.adopted_before, f.train_until),
            Lang::Zh => format!("{}{}）", w.adopted_before, f.train_until),
        };
        legend
            .draw(&Text::new(
                before,
                (left + bw + style.px(14.0), y1),
                font.clone(),
            ))
            .map_err(draw_err)?;
        let y2 = y1 + style.px(60.0);
        legend
            .draw(&Circle::new((left + bw / 2, y2), style.px(12.0), ring))
            .map_err(draw_err)?;
        legend
            .draw(&Text::new(
                w.adopted_after.to_string(),
                (left + bw + style.px(14.0), y2),
                font,
            ))
            .map_err(draw_err)?;
        Ok(())
    }
}
