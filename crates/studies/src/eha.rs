//! `policysim eha`: the discrete-time event-history logit (Berry & Berry 1990) on a panel
//! written by `policysim panel` (unit-year: monadic; dyad-year: dyadic), with duration
//! dependence as a cubic in `years_since_first` and standard errors clustered by unit
//! (the target of a dyad) within a run. Writes `eha.csv` and `eha.json`; with `by_run`,
//! every run fitted on its own too (`eha_by_run.csv`), and how often each term comes
//! out significant — the testbed's question of how often EHA finds a mechanism that the
//! simulated world did or did not have.

use crate::forecast::logit::{clustered_se, fit_logit, Logit};
use policysim_io::cells::{csv_field, num};
use policysim_io::output::write_atomic;
use policysim_io::parquet_table::{write_table, TableFormat};
use policysim_model::error::{Error, Result};
use policysim_model::stats::normal_two_sided_p;
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// What `policysim eha` fits.
#[derive(Debug, Clone)]
pub struct EhaOptions {
    /// A unit-year or dyad-year panel (CSV from `policysim panel`).
    pub panel: PathBuf,
    /// Covariates (columns of the panel); empty: the design's defaults ([`default_covariates`]).
    pub covariates: Vec<String>,
    /// Folder for `eha.csv` and `eha.json` (written whole, through a staging folder).
    pub out: PathBuf,
    /// Also fit every run on its own (`eha_by_run.csv`, and how often each term is
    /// significant in `eha.json`): one run is one history, as one policy is in the field.
    pub by_run: bool,
    /// `eha.csv` and `eha_by_run.csv` as CSV, Parquet or both.
    pub table_format: TableFormat,
}

/// A fitted event-history logit.
#[derive(Debug, Clone)]
pub struct EhaFit {
    /// The design: `unit-year` or `dyad-year`.
    pub design: &'static str,
    /// The logit (model-based standard errors in `se`).
    pub logit: Logit,
    /// Cluster-robust standard errors, by unit within run.
    pub clustered_se: Vec<f64>,
    /// Rows used and rows dropped for an empty cell.
    pub rows: (usize, usize),
    /// Clusters.
    pub clusters: usize,
    /// With `by_run`: the fit of every run on its own, in run order.
    pub by_run: Vec<RunFit>,
}

/// The logit of one run's rows (`eha --by-run`).
#[derive(Debug, Clone)]
pub struct RunFit {
    /// The run, as written in the panel.
    pub run: String,
    /// Rows of the run.
    pub rows: usize,
    /// The fit and its clustered SEs, or why there is none (no adoption, no rows).
    pub fit: std::result::Result<(Logit, Vec<f64>), String>,
}

impl RunFit {
    /// The fit when it converged with finite standard errors (the runs that count).
    pub fn usable(&self) -> Option<(&Logit, &[f64])> {
        match &self.fit {
            Ok((l, se)) if l.converged && se.iter().all(|v| v.is_finite()) => {
                Some((l, se.as_slice()))
            }
            _ => None,
        }
    }
}

/// The covariates fitted when none are named: the lagged share of adopting sources and
/// the national share (monadic), or contiguity and the source's years since adoption (dyadic).
pub fn default_covariates(design: &str) -> Vec<String> {
    let v: &[&str] = if design == "dyad-year" {
        &["contiguous", "source_years_since_adoption"]
    } else {
        &["share_sources_adopted", "national_share"]
    };
    v.iter().map(|s| s.to_string()).collect()
}

/// The duration terms added to every fit.
pub const DURATION: [&str; 3] = [
    "years_since_first",
    "years_since_first^2",
    "years_since_first^3",
];

/// Reads the panel and fits the logit (and, with `by_run`, each run's own).
pub fn fit_panel(panel: &Path, covariates: &[String], by_run: bool) -> Result<EhaFit> {
    let mut reader = policysim_io::csv_input::stream_csv(
        panel,
        "a panel CSV written by `policysim panel`",
        policysim_io::csv_input::CsvLayout::default(),
    )?;
    policysim_io::provenance::note_input_file(panel)?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input_in(panel, format!("cannot read the header: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let (design, unit) = match (col("unit"), col("target")) {
        (Some(u), _) => ("unit-year", u),
        (None, Some(t)) => ("dyad-year", t),
        _ => {
            return Err(Error::input_in(
                panel,
                "neither a unit-year panel (column unit) nor a dyad-year panel (column target); write one with `policysim panel`",
            ))
        }
    };
    let covariates = if covariates.is_empty() {
        default_covariates(design)
    } else {
        covariates.to_vec()
    };
    let need = |name: &str| {
        col(name).ok_or_else(|| {
            Error::input_in(
                panel,
                format!(
                    "has no column `{name}` (--covariate names a column of the panel: {})",
                    header.join(", ")
                ),
            )
        })
    };
    let (run, adopt, duration) = (need("run")?, need("adopt")?, need(DURATION[0])?);
    let columns: Vec<usize> = covariates.iter().map(|c| need(c)).collect::<Result<_>>()?;
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut clusters = Vec::new();
    let mut ids: HashMap<(String, String), usize> = HashMap::new();
    let mut runs: Vec<String> = Vec::new();
    let mut dropped = 0;
    for (line, record) in reader.records().enumerate() {
        let r = record.map_err(|e| Error::input_in(panel, format!("line {}: {e}", line + 2)))?;
        let number = |k: usize| -> Result<Option<f64>> {
            let cell = r.get(k).unwrap_or("");
            if cell.is_empty() {
                return Ok(None);
            }
            cell.parse::<f64>().map(Some).map_err(|_| {
                Error::input_in(
                    panel,
                    format!(
                        "line {}: column {}: `{cell}` is not a number",
                        line + 2,
                        header[k]
                    ),
                )
            })
        };
        let mut row = vec![1.0];
        let mut complete = true;
        for &k in &columns {
            match number(k)? {
                Some(v) => row.push(v),
                None => complete = false,
            }
        }
        let t = number(duration)?;
        let y_cell = number(adopt)?;
        let (Some(t), Some(a), true) = (t, y_cell, complete) else {
            dropped += 1;
            continue;
        };
        row.extend([t, t * t, t * t * t]);
        x.push(row);
        y.push(a == 1.0);
        runs.push(r[run].to_string());
        let key = (r[run].to_string(), r[unit].to_string());
        let next = ids.len();
        clusters.push(*ids.entry(key).or_insert(next));
    }
    let mut names = vec!["intercept".to_string()];
    names.extend(covariates.iter().cloned());
    names.extend(DURATION.iter().map(|s| s.to_string()));
    let logit = fit_logit(&x, &y, &names).map_err(|e| Error::input_in(panel, e.to_string()))?;
    let se = clustered_se(&logit, &x, &y, &clusters);
    let by_run = if by_run {
        fit_each_run(&x, &y, &clusters, &runs, &names)
    } else {
        Vec::new()
    };
    Ok(EhaFit {
        design,
        clustered_se: se,
        rows: (x.len(), dropped),
        clusters: ids.len(),
        logit,
        by_run,
    })
}

/// The logit of every run's rows on their own, runs in numeric order (then text order),
/// SEs clustered by unit within the run.
fn fit_each_run(
    x: &[Vec<f64>],
    y: &[bool],
    clusters: &[usize],
    runs: &[String],
    names: &[String],
) -> Vec<RunFit> {
    let mut rows_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, r) in runs.iter().enumerate() {
        rows_of.entry(r.as_str()).or_default().push(k);
    }
    let mut order: Vec<&str> = rows_of.keys().copied().collect();
    order.sort_by(|a, b| match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(p), Ok(q)) => p.cmp(&q),
        _ => a.cmp(b),
    });
    order
        .into_iter()
        .map(|run| {
            let rows = &rows_of[run];
            let xs: Vec<Vec<f64>> = rows.iter().map(|&k| x[k].clone()).collect();
            let ys: Vec<bool> = rows.iter().map(|&k| y[k]).collect();
            let mut local: HashMap<usize, usize> = HashMap::new();
            let cs: Vec<usize> = rows
                .iter()
                .map(|&k| {
                    let next = local.len();
                    *local.entry(clusters[k]).or_insert(next)
                })
                .collect();
            let fit = if !ys.iter().any(|&a| a) {
                Err("no adoption in the run's rows".to_string())
            } else {
                fit_logit(&xs, &ys, names)
                    .map(|l| {
                        let se = clustered_se(&l, &xs, &ys, &cs);
                        (l, se)
                    })
                    .map_err(|e| e.to_string())
            };
            RunFit {
                run: run.to_string(),
                rows: rows.len(),
                fit,
            }
        })
        .collect()
}

/// `eha_by_run.csv`: one row per run and term (`converged` false, or `note` set, for a
/// run whose fit does not count).
pub fn eha_by_run_csv(fit: &EhaFit) -> String {
    let mut out = String::from("run,term,coef,se,z,p,converged,rows,note\n");
    for r in &fit.by_run {
        match &r.fit {
            Ok((l, se)) => {
                for (k, name) in l.names.iter().enumerate() {
                    let z = l.coef[k] / se[k];
                    out.push_str(&format!(
                        "{},{},{},{},{},{},{},{},\n",
                        csv_field(&r.run),
                        csv_field(name),
                        num(l.coef[k]),
                        num(se[k]),
                        num(z),
                        num(normal_two_sided_p(z)),
                        r.usable().is_some(),
                        r.rows
                    ));
                }
            }
            Err(why) => out.push_str(&format!(
                "{},,,,,,false,{},{}\n",
                csv_field(&r.run),
                r.rows,
                csv_field(why)
            )),
        }
    }
    out
}

/// How often each term is significant over the runs whose fit counts (converged, finite
/// SEs): the share positive and significant at 5% (two-sided, clustered SE) and the share
/// negative and significant, each with its Wilson 95% interval; runs that do not count
/// are reported and left out.
pub fn by_run_summary(fit: &EhaFit) -> serde_json::Value {
    let usable: Vec<(&Logit, &[f64])> = fit.by_run.iter().filter_map(RunFit::usable).collect();
    let n = usable.len() as u64;
    let terms: Vec<_> = fit
        .logit
        .names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let mut up = 0u64;
            let mut down = 0u64;
            for (l, se) in &usable {
                let z = l.coef[k] / se[k];
                if normal_two_sided_p(z) < 0.05 {
                    if z > 0.0 {
                        up += 1;
                    } else {
                        down += 1;
                    }
                }
            }
            let share = |c: u64| {
                if n == 0 {
                    f64::NAN
                } else {
                    c as f64 / n as f64
                }
            };
            let (ul, uh) = policysim_model::stats::wilson_interval(up, n);
            let (dl, dh) = policysim_model::stats::wilson_interval(down, n);
            json!({"term": name,
                   "positive_significant": share(up), "positive_ci": [ul, uh],
                   "negative_significant": share(down), "negative_ci": [dl, dh]})
        })
        .collect();
    json!({
        "runs": fit.by_run.len(),
        "runs_counted": n,
        "runs_left_out": fit.by_run.len() as u64 - n,
        "left_out_because": "the fit did not converge (e.g. perfect separation), a standard error is not finite, or the run has no adoption",
        "level": 0.05,
        "terms": terms,
    })
}

/// `eha.csv`: one row per term: coefficient, clustered and model-based SE, z and p (from the clustered SE).
pub fn eha_csv(fit: &EhaFit) -> String {
    let mut out = String::from("term,coef,se,z,p,se_model\n");
    for (k, name) in fit.logit.names.iter().enumerate() {
        let (b, se) = (fit.logit.coef[k], fit.clustered_se[k]);
        let z = b / se;
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            csv_field(name),
            num(b),
            num(se),
            num(z),
            num(normal_two_sided_p(z)),
            num(fit.logit.se[k])
        ));
    }
    out
}

/// `eha.json`: the same terms with full precision, the log-likelihood, rows and clusters.
pub fn eha_json(fit: &EhaFit, panel: &Path) -> serde_json::Value {
    let terms: Vec<_> = fit
        .logit
        .names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let (b, se) = (fit.logit.coef[k], fit.clustered_se[k]);
            json!({"term": name, "coef": b, "se": se, "z": b / se,
                   "p": normal_two_sided_p(b / se), "se_model": fit.logit.se[k]})
        })
        .collect();
    json!({
        "panel": panel.display().to_string(),
        "design": fit.design,
        "terms": terms,
        "log_likelihood": fit.logit.log_likelihood,
        "rows": fit.rows.0,
        "rows_dropped": fit.rows.1,
        "clusters": fit.clusters,
        "cluster": if fit.design == "dyad-year" { "run, target" } else { "run, unit" },
        "converged": fit.logit.converged,
        "iterations": fit.logit.iterations,
    })
}

/// The files `eha` writes (and its tables' Parquet files): an earlier fit's folder holds
/// these and `provenance.json` only.
const EHA_FILES: [&str; 6] = [
    "eha.csv",
    "eha.json",
    "eha_by_run.csv",
    "eha.parquet",
    "eha_by_run.parquet",
    policysim_io::provenance::PROVENANCE_JSON,
];

/// Refuses an output folder `eha` must not replace: it writes the folder whole (through
/// a staging folder), so only a new or empty folder or an earlier fit's (`eha.json`, and
/// no file `eha` does not write) qualify; never a folder of other files, such as the
/// results folder the panel came from.
fn check_destination(out: &Path) -> Result<()> {
    if !policysim_io::staging::check_out_folder(out, "results/eha")? {
        return Ok(());
    }
    let mut foreign = Vec::new();
    for entry in std::fs::read_dir(out).map_err(|e| Error::io(out, e))? {
        let entry = entry.map_err(|e| Error::io(out, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if !EHA_FILES.contains(&name.as_str()) {
            foreign.push(name);
        }
    }
    if foreign.is_empty() && out.join("eha.json").is_file() {
        return Ok(());
    }
    foreign.sort();
    Err(Error::Input(format!(
        "--out {}: holds files that `policysim eha` did not write ({}); choose a new or empty folder, or an earlier eha's (eha replaces the whole folder)",
        out.display(),
        if foreign.is_empty() {
            "and no eha.json".to_string()
        } else {
            foreign.join(", ")
        }
    )))
}

/// Fits the panel and writes `eha.csv` and `eha.json` (and `eha_by_run.csv`) into
/// `options.out`, all at once: the folder appears complete or not at all
/// ([`policysim_io::staging::write_staged`]), with its `provenance.json`.
pub fn eha(options: &EhaOptions) -> Result<EhaFit> {
    let fit = fit_panel(&options.panel, &options.covariates, options.by_run)?;
    check_destination(&options.out)?;
    let format = options.table_format;
    policysim_io::staging::write_staged(&options.out, |staging| {
        let mut value = eha_json(&fit, &options.panel);
        if options.by_run {
            value["by_run"] = by_run_summary(&fit);
            write_table(
                &staging.join("eha_by_run.csv"),
                &eha_by_run_csv(&fit),
                format,
            )?;
        }
        let json = serde_json::to_string_pretty(&value).expect("a JSON value serialises");
        write_table(&staging.join("eha.csv"), &eha_csv(&fit), format)?;
        write_atomic(&staging.join("eha.json"), format!("{json}\n").as_bytes())
    })?;
    Ok(fit)
}
