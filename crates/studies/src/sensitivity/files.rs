//! The files of a sensitivity analysis: the metric read from the design's `sweep.csv`,
//! and `sensitivity.csv`, `design.csv`, `sensitivity.json` and the ranking chart written.

use super::saved::{parse_estimates, problem_sizes};
use super::study::StudyOptions;
use super::{sensitivity_csv, Design, Estimate, Method, Problem};
use super::{CHART_STEM, DESIGN_CSV, SENSITIVITY_CSV, SENSITIVITY_JSON};
use crate::sweep::SWEEP_CSV;
use policysim_charts::render_figures;
use policysim_io::cells::num;
use policysim_io::output::write_atomic;
use policysim_model::error::{Error, Result};
use policysim_model::scenario::Scenario;
use serde_json::json;
use std::path::{Path, PathBuf};

/// The metric column of `sweep.csv` in `dir`, one value per point in point order; a point
/// where it is undefined (an empty cell) is refused, naming the points.
pub(super) fn read_metric(dir: &Path, column: &str, points: usize) -> Result<Vec<f64>> {
    let path = dir.join(SWEEP_CSV);
    let mut reader = policysim_io::csv_input::read_csv(
        &path,
        "the table of a sweep (sweep.csv)",
        policysim_io::csv_input::CsvLayout::default(),
    )?;
    let header = reader
        .headers()
        .map_err(|e| policysim_io::csv_input::csv_error(&path, &e))?;
    let col = header
        .iter()
        .position(|h| h == column)
        .ok_or_else(|| Error::input_in(&path, format!("no column `{column}`")))?;
    let mut y = Vec::with_capacity(points);
    let mut undefined = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|e| policysim_io::csv_input::csv_error(&path, &e))?;
        match rec.get(col).and_then(|s| s.parse::<f64>().ok()) {
            Some(v) if v.is_finite() => y.push(v),
            _ => {
                undefined.push(i);
                y.push(f64::NAN);
            }
        }
    }
    if y.len() != points {
        return Err(Error::input_in(
            &path,
            format!("{} rows, but the design has {points} points", y.len()),
        ));
    }
    if !undefined.is_empty() {
        let shown: Vec<String> = undefined.iter().take(10).map(|i| i.to_string()).collect();
        let hint = match column.strip_suffix("_km_median") {
            Some(t) => format!(
                " (fewer than half of the runs reached the level there: give more --steps, narrow the ranges, or analyse the share of runs that reached it, --metric {t}_reached)"
            ),
            None => String::new(),
        };
        return Err(Error::Input(format!(
            "{}: `{column}` is undefined at {} of {points} points (point{} {}{}){hint}; the indices need a value at every point",
            path.display(),
            undefined.len(),
            if undefined.len() == 1 { "" } else { "s" },
            shown.join(", "),
            if undefined.len() > 10 { ", ..." } else { "" },
        )));
    }
    Ok(y)
}

/// Writes `sensitivity.csv`, `design.csv`, `sensitivity.json` and the chart into `out`;
/// the chart is rendered before any file is written, and every file is written atomically.
/// Returns the chart files written.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_analysis(
    options: &StudyOptions,
    base: &Scenario,
    problem: &Problem,
    design: &Design,
    column: &str,
    estimates: &[Estimate],
    y: &[f64],
    out: &Path,
) -> Result<Vec<PathBuf>> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    let table = sensitivity_csv(estimates);
    if let Some(opts) = &options.charts {
        // drawn from the table as written (numbers rounded as in the file), as `plot`
        // redraws it from the folder, so both give the same chart
        let written = parse_estimates(&table, problem.method)
            .map_err(|e| Error::Failure(format!("{SENSITIVITY_CSV} as written: {e}")))?;
        let heading = policysim_charts::title::Heading::new(
            &base.name,
            &base.description,
            &base.description_zh,
        );
        let chart = super::chart::SensitivityChart {
            scenario: &heading,
            time_unit: &base.time_unit,
            metric: &options.metric,
            column,
            method: problem.method,
            sizes: problem_sizes(problem, opts.lang),
            runs: base.runs,
            estimates: &written,
        };
        for (f, bytes) in render_figures(&chart, opts)? {
            files.push((out.join(format!("{CHART_STEM}.{}", f.extension())), bytes));
        }
    }
    let spread = y
        .iter()
        .copied()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    let meta = json!({
        "tool": "policysim",
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": base.name,
        "description": base.description,
        "method": problem.method.name(),
        "metric": options.metric,
        "column": column,
        "samples": (problem.method == Method::Sobol).then_some(problem.samples),
        "trajectories": (problem.method == Method::Morris).then_some(problem.trajectories),
        "levels": (problem.method == Method::Morris).then_some(problem.levels),
        "points": design.len(),
        "seed": base.seed,
        "runs": base.runs,
        "steps": base.steps,
        "paired": "every point runs with the scenario's master seed (common random numbers)",
        "parameters": problem.parameters.iter().map(|p| json!({
            "key": p.key, "low": p.low, "high": p.high, "integer": p.integer,
        })).collect::<Vec<_>>(),
        "metric_min": num(spread.0),
        "metric_max": num(spread.1),
        "bootstrap": {
            "resamples": problem.resamples,
            "confidence": policysim_model::stats::CONFIDENCE,
            "interval": "percentile",
            "resampled": if problem.method == Method::Sobol { "base rows" } else { "trajectories" },
        },
    });
    let mut meta = meta;
    policysim_io::output::insert_description_zh(&mut meta, &base.description_zh);
    let mut meta_text = serde_json::to_string_pretty(&meta).unwrap_or_default();
    meta_text.push('\n');
    let design_csv = design.csv(problem);
    if options.table_format.parquet() {
        // the Parquet tables before the CSV table that says the analysis is complete
        for (name, text) in [(DESIGN_CSV, &design_csv), (SENSITIVITY_CSV, &table)] {
            let part = policysim_io::parquet_table::Part {
                source: policysim_io::parquet_table::Source::Text(text),
                key: None,
            };
            let path = policysim_io::parquet_table::parquet_path(&out.join(name));
            policysim_io::parquet_table::write_parquet(&path, &[part], None)?;
        }
    }
    files.push((out.join(DESIGN_CSV), design_csv.into_bytes()));
    files.push((out.join(SENSITIVITY_JSON), meta_text.into_bytes()));
    // the table last: its presence says the analysis is complete
    files.push((out.join(SENSITIVITY_CSV), table.into_bytes()));
    for (path, bytes) in &files {
        write_atomic(path, bytes)?;
    }
    // a chart of an earlier analysis (another metric or method) must not stay beside this one
    for ext in ["png", "svg"] {
        let path = out.join(format!("{CHART_STEM}.{ext}"));
        if path.is_file() && !files.iter().any(|(p, _)| *p == path) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(files
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            p.file_stem().is_some_and(|s| s == CHART_STEM)
                && p.extension().is_some_and(|e| e != "json" && e != "csv")
        })
        .collect())
}
