//! `policysim plot`: re-draws the charts of any results folder the tool writes (a run,
//! a sweep, a fit, a sensitivity, a compare, a forecast or a compare-mechanisms folder),
//! told apart by its marker file, from the folder's own files, into the folder itself or
//! into another folder (`--out`). A `forecast --evaluate-all` folder and an `eha` folder
//! have no charts (their results are tables): `plot` says so and draws nothing.

use crate::fit::bass::BassFit;
use crate::fit::{Evaluation, FitResult, FittedCurve};
use crate::forecast::saved::FORECAST_JSON;
use crate::mechanisms::saved::MECHANISMS_JSON;
use crate::sensitivity::saved::SavedAnalysis;
use crate::sensitivity::{CHART_STEM, SENSITIVITY_CSV, SENSITIVITY_JSON};
use policysim_charts::{self as charts, ChartOptions};
use policysim_io::provenance::PROVENANCE_JSON;
use policysim_model::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The table `policysim compare` writes (its `folder` column names the folders compared).
const COMPARE_CSV: &str = "compare.csv";
/// The marker of a `policysim forecast --evaluate-all` folder.
const EVALUATION_JSON: &str = "evaluation.json";

/// What kind of results folder a folder is (by its marker file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FolderKind {
    /// Written by `policysim run` (`summary.json`).
    Run,
    /// Written by `policysim sweep` or `merge` (`sweep.json`).
    Sweep,
    /// Written by `policysim fit` (`fit.json`).
    Fit,
    /// Written by `policysim sensitivity` (`sensitivity.json` beside `sensitivity.csv`).
    Sensitivity,
    /// Written by `policysim compare` (`compare.csv`, which names the folders compared).
    Compare,
    /// Written by `policysim forecast` (`forecast.json`).
    Forecast,
    /// Written by `policysim compare-mechanisms` (`mechanisms.json`).
    Mechanisms,
}

impl FolderKind {
    /// The kind in words (`run`, `sweep`, `fit`, `sensitivity`, ...).
    pub fn name(self) -> &'static str {
        match self {
            FolderKind::Run => "run",
            FolderKind::Sweep => "sweep",
            FolderKind::Fit => "fit",
            FolderKind::Sensitivity => "sensitivity",
            FolderKind::Compare => "compare",
            FolderKind::Forecast => "forecast",
            FolderKind::Mechanisms => "compare-mechanisms",
        }
    }
}

/// The kind of results folder `dir` is, or an error saying what was expected.
pub fn folder_kind(dir: &Path) -> Result<FolderKind> {
    if !dir.is_dir() {
        return Err(Error::Input(format!(
            "{}: not a folder; expected a results folder written by `policysim run`, `sweep`, `fit`, `sensitivity`, `compare`, `forecast` or `compare-mechanisms`",
            dir.display()
        )));
    }
    // a fit folder also holds fitted/summary.json, a sweep folder never a summary.json
    if dir.join(EVALUATION_JSON).is_file() {
        return Err(Error::Input(format!(
            "{}: a `policysim forecast --evaluate-all` folder ({EVALUATION_JSON}): no charts to draw; its results are the tables evaluation.csv, evaluation_means.csv and evaluation.md (`policysim forecast` of one policy draws charts)",
            dir.display()
        )));
    }
    if dir.join("eha.json").is_file() && dir.join("eha.csv").is_file() {
        return Err(Error::Input(format!(
            "{}: a `policysim eha` folder (eha.json): no charts to draw; its results are the tables eha.csv (and eha_by_run.csv)",
            dir.display()
        )));
    }
    if dir.join(FORECAST_JSON).is_file() {
        Ok(FolderKind::Forecast)
    } else if dir.join(MECHANISMS_JSON).is_file() {
        Ok(FolderKind::Mechanisms)
    } else if dir.join("fit.json").is_file() {
        Ok(FolderKind::Fit)
    } else if dir.join(SENSITIVITY_JSON).is_file() && dir.join(SENSITIVITY_CSV).is_file() {
        // a sensitivity folder is also a sweep (its design's points): its chart is the ranking
        Ok(FolderKind::Sensitivity)
    } else if dir.join("sweep.json").is_file() {
        Ok(FolderKind::Sweep)
    } else if dir.join("summary.json").is_file() {
        Ok(FolderKind::Run)
    } else if dir.join(COMPARE_CSV).is_file() {
        Ok(FolderKind::Compare)
    } else {
        Err(Error::Input(format!(
            "{}: not a results folder: it holds no summary.json (a `policysim run` folder), sweep.json (a sweep), fit.json (a fit), sensitivity.json (a sensitivity analysis), compare.csv (a comparison), forecast.json (a forecast) or mechanisms.json (a comparison of mechanisms)",
            dir.display()
        )))
    }
}

/// Re-draws the charts of the results folder `dir` into `out` (which may be `dir`);
/// `metrics` are the sweep metrics to map (a sweep folder only; empty: those whose charts
/// the folder already holds, else `final_share`). Returns the kind and the files written.
pub fn plot(
    dir: &Path,
    out: &Path,
    metrics: &[String],
    opts: &ChartOptions,
) -> Result<(FolderKind, Vec<PathBuf>)> {
    let kind = folder_kind(dir)?;
    let metrics = match (kind, metrics.is_empty()) {
        (FolderKind::Sweep, true) => drawn_metrics(dir)?,
        _ => metrics.to_vec(),
    };
    for m in &metrics {
        crate::sweep::chart::check_metric(m)?;
    }
    if kind != FolderKind::Sweep && !metrics.is_empty() {
        return Err(Error::Input(
            "--metric: only a sweep folder (sweep.json) has metric maps".into(),
        ));
    }
    // read here first, so that a damaged folder's error names its file, not a copy
    match kind {
        FolderKind::Forecast => drop(crate::forecast::saved::SavedForecast::read(dir)?),
        FolderKind::Mechanisms => drop(crate::mechanisms::saved::SavedMechanisms::read(dir)?),
        _ => {}
    }
    let draw = |from: &Path| -> Result<Vec<PathBuf>> {
        match kind {
            FolderKind::Run => charts::draw_run_charts(from, opts),
            FolderKind::Sweep => {
                let mut written = Vec::new();
                for m in &metrics {
                    written.extend(crate::sweep::chart::draw_sweep_charts(from, m, opts)?);
                }
                Ok(written)
            }
            FolderKind::Fit => {
                let mut written = charts::draw_run_charts(&from.join("fitted"), opts)?;
                written.extend(draw_fit_chart(from, opts)?);
                Ok(written)
            }
            FolderKind::Sensitivity => {
                let analysis = SavedAnalysis::read(from)?;
                charts::save_figure(&analysis.chart(opts.lang), from, CHART_STEM, opts)
            }
            FolderKind::Compare => {
                let dirs = compared_folders(dir)?;
                charts::draw_compare_chart(&dirs, from, opts)
            }
            FolderKind::Forecast => crate::forecast::chart::draw_forecast_charts(from, opts),
            FolderKind::Mechanisms => crate::mechanisms::chart::draw_mechanisms_chart(from, opts),
        }
    };
    if same_folder(dir, out) {
        return Ok((kind, draw(dir)?));
    }
    // another folder is written whole, as every results folder is: new, empty, or an
    // earlier plot's (charts only), never a folder with files plot did not write
    if policysim_io::staging::check_out_folder(out, "results/charts")? {
        let foreign = not_charts(out)?;
        if !foreign.is_empty() {
            return Err(Error::Input(format!(
                "--out {}: holds files that `policysim plot` did not write ({}); choose a new or empty folder, or an earlier plot's",
                out.display(),
                crate::sweep::list_paths(&foreign)
            )));
        }
    }
    // the chart functions draw into the folder they read: draw next to a copy of the
    // input files in the staging folder, then leave only the charts there
    let written = policysim_io::staging::write_staged(out, |staging| {
        copy_inputs(dir, staging)?;
        if kind == FolderKind::Fit {
            copy_inputs(&dir.join("fitted"), &staging.join("fitted"))?;
        }
        let drawn = draw(staging)?;
        remove_all_but(staging, &drawn)?;
        Ok(drawn
            .iter()
            .map(|f| out.join(f.strip_prefix(staging).unwrap_or(f)))
            .collect::<Vec<_>>())
    })?;
    Ok((kind, written))
}

/// The folders a compare folder compared, as its `compare.csv` names them (as given to
/// `policysim compare`: relative to the folder it ran in), checked to be there and
/// unchanged: the table they give now must be the table the folder holds.
fn compared_folders(dir: &Path) -> Result<Vec<PathBuf>> {
    let path = dir.join(COMPARE_CSV);
    let bytes = policysim_io::csv_input::read_csv_bytes(
        &path,
        "the table of a compare folder (compare.csv)",
    )?;
    let mut reader = policysim_io::csv_input::csv_text(
        bytes.as_slice(),
        policysim_io::csv_input::CsvLayout::default(),
    );
    let col = reader
        .headers()
        .map_err(|e| policysim_io::csv_input::csv_error(&path, &e))?
        .iter()
        .position(|h| h == "folder")
        .ok_or_else(|| Error::input_in(&path, "no column `folder`"))?;
    let mut dirs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| policysim_io::csv_input::csv_error(&path, &e))?;
        dirs.push(PathBuf::from(record.get(col).unwrap_or("")));
    }
    let rerun = |why: String| {
        let list: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        Error::Input(format!(
            "{}: {why}; run `policysim plot` in the folder `policysim compare` ran in, or re-run `policysim compare {} --out <folder>` with --lang/--size/--format",
            path.display(),
            if list.is_empty() { "<results folders>".to_string() } else { list.join(" ") }
        ))
    };
    if dirs.is_empty() {
        return Err(rerun("names no compared folder".into()));
    }
    if let Some(missing) = dirs.iter().find(|d| !d.join("summary.json").is_file()) {
        return Err(rerun(format!(
            "the compared folder `{}` is not found from here (no summary.json there)",
            missing.display()
        )));
    }
    let arms = dirs
        .iter()
        .map(|d| charts::difference::RunValues::read(d))
        .collect::<Result<Vec<_>>>()?;
    if charts::compare_csv(&dirs, &arms)? != bytes {
        return Err(rerun(
            "the compared folders no longer give this table (they were re-run or changed since)"
                .into(),
        ));
    }
    Ok(dirs)
}

/// Whether a file name is one of the charts `plot` draws (PNG, SVG or PDF).
fn is_chart(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "png" || e == "svg" || e == "pdf")
}

/// The entries of `out` (and of its `fitted/`) that are not charts (or their record).
fn not_charts(out: &Path) -> Result<Vec<PathBuf>> {
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(out).map_err(|e| Error::io(out, e))? {
        let path = entry.map_err(|e| Error::io(out, e))?.path();
        let name = PathBuf::from(path.file_name().unwrap_or_default());
        if path.is_dir() && name == Path::new("fitted") {
            foreign.extend(not_charts(&path)?.into_iter().map(|p| name.join(p)));
        } else if !(path.is_file() && (is_chart(&path) || name == Path::new(PROVENANCE_JSON))) {
            foreign.push(name);
        }
    }
    foreign.sort();
    Ok(foreign)
}

/// Removes every file under `dir` that is not in `keep` (and folders left empty).
fn remove_all_but(dir: &Path, keep: &[PathBuf]) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() {
            remove_all_but(&path, keep)?;
            let _ = std::fs::remove_dir(&path);
        } else if !keep.contains(&path) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// Whether two paths name the same folder (`out` need not exist).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Copies the data files (CSV, JSON, TOML) of `from` into `to`, a new folder.
fn copy_inputs(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(|e| Error::io(to, e))?;
    for entry in std::fs::read_dir(from).map_err(|e| Error::io(from, e))? {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let path = entry.path();
        let data = ["csv", "json", "toml"]
            .iter()
            .any(|e| path.extension().is_some_and(|x| x == *e));
        if data && path.is_file() {
            policysim_io::provenance::note_input_file(&path)?;
            let target = to.join(entry.file_name());
            std::fs::copy(&path, &target).map_err(|e| Error::io(&path, e))?;
        }
    }
    Ok(())
}

/// The metrics whose sweep charts (`sweep_<metric>_map|line.*`) the folder holds, or
/// `final_share` when there is none.
fn drawn_metrics(dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    for m in crate::sweep::chart::metrics() {
        let drawn = ["map", "line"].iter().any(|kind| {
            ["png", "svg"]
                .iter()
                .any(|ext| dir.join(format!("sweep_{m}_{kind}.{ext}")).is_file())
        });
        if drawn {
            found.push(m);
        }
    }
    if found.is_empty() {
        found.push("final_share".to_string());
    }
    Ok(found)
}

/// Draws `fit.png`/`fit.svg` of a fit folder from its `fit.json` and `fit.csv`.
fn draw_fit_chart(dir: &Path, opts: &ChartOptions) -> Result<Vec<PathBuf>> {
    let json_path = dir.join("fit.json");
    let text = policysim_io::capped_read::read_data_text(&json_path)?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::input_in(&json_path, format!("not valid JSON: {e}")))?;
    let number = |key: &str, field: &str| -> Result<f64> {
        json[key][field]
            .as_f64()
            .ok_or_else(|| Error::input_in(&json_path, format!("missing number `{key}.{field}`")))
    };
    let bass = BassFit {
        p: number("bass", "p")?,
        q: number("bass", "q")?,
    };
    let bass_offset = number("bass", "t_offset")?;
    let start_year = json["start_year"].as_i64().map(|y| y as i32);
    let scenario_name = charts::title::Heading::new(
        json["scenario"].as_str().unwrap_or("fit"),
        json["description"].as_str().unwrap_or(""),
        json["description_zh"].as_str().unwrap_or(""),
    );
    let name = match json["policy"].as_str() {
        Some(p) => scenario_name.with_suffix(&format!(" · {p}")),
        None => scenario_name,
    };
    let (observed_share, curve) = read_fit_csv(&dir.join("fit.csv"))?;
    // the chart reads the curves, the Bass fit, the two RMSEs and the start year; the rest stays empty
    let scenario = policysim_model::scenario::Scenario::default();
    let ensemble = policysim_model::ensemble::EnsembleResult {
        curves: policysim_model::aggregate::CurveStats::new(Vec::new(), 0),
        hazard: Vec::new(),
        runs: Default::default(),
        representative: policysim_model::ensemble::Representative {
            run: 0,
            adopted_step: Vec::new(),
            lineages: None,
            network: policysim_io::scenario_files::prepare(&scenario)?.network,
        },
        n: 0,
        wall_time_s: 0.0,
        start_year,
        share_bootstrap: None,
    };
    let fit = FitResult {
        best: Vec::new(),
        interval: Vec::new(),
        best_eval: Evaluation {
            phase: "optimise",
            values: Vec::new(),
            objective: f64::NAN,
            curve_rmse: json["rmse"].as_f64().unwrap_or(f64::NAN),
            hazard_rmse: None,
            log_score: None,
            noise: f64::NAN,
            weight: None,
        },
        evaluations: Vec::new(),
        tolerance: f64::NAN,
        hazard_noise: None,
        accepted: 0,
        accepted_ess: 0.0,
        abc_batches: 0,
        abc_evaluations: 0,
        interval_from_abc: false,
        observed_share,
        curve,
        bass,
        bass_offset,
        bass_rmse: json["bass"]["rmse"].as_f64().unwrap_or(f64::NAN),
        scenario,
        ensemble,
        box_edges: Vec::new(),
    };
    let chart = crate::fit::chart::FitChart { fit: &fit, name };
    charts::save_figure(&chart, dir, "fit", opts)
}

/// The observed share and the fitted mean, p05 and p95 per step of `fit.csv`.
fn read_fit_csv(path: &Path) -> Result<(Vec<f64>, FittedCurve)> {
    let mut reader = policysim_io::csv_input::read_csv(
        path,
        "the table of a fit folder (fit.csv)",
        policysim_io::csv_input::CsvLayout::default(),
    )?;
    let headers = reader
        .headers()
        .map_err(|e| policysim_io::csv_input::csv_error(path, &e))?
        .clone();
    let column = |name: &str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::input_in(path, format!("no column `{name}`")))
    };
    let cols = [
        column("observed_share")?,
        column("fitted_mean")?,
        column("fitted_p05")?,
        column("fitted_p95")?,
    ];
    let mut values: [Vec<f64>; 4] = Default::default();
    for (line, record) in (2..).zip(reader.records()) {
        let record = record.map_err(|e| Error::input_in(path, format!("line {line}: {e}")))?;
        for (v, &c) in values.iter_mut().zip(&cols) {
            let cell = record.get(c).unwrap_or("");
            v.push(if cell.is_empty() {
                f64::NAN
            } else {
                cell.parse().map_err(|_| {
                    Error::input_in(path, format!("line {line}: `{cell}` is not a number"))
                })?
            });
        }
    }
    let [observed, mean, p05, p95] = values;
    Ok((observed, FittedCurve { mean, p05, p95 }))
}
