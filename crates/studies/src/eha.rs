//! `policysim eha`: the discrete-time event-history logit (Berry & Berry 1990) on a panel
//! written by `policysim panel` (unit-year: monadic; dyad-year: dyadic), with duration
//! dependence as a cubic in `years_since_first` and standard errors clustered by unit
//! (the target of a dyad) within a run. Writes `eha.csv` and `eha.json`.

use crate::forecast::logit::{clustered_se, fit_logit, Logit};
use policysim_io::cells::{csv_field, num};
use policysim_io::output::write_atomic;
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
    /// Folder for `eha.csv` and `eha.json` (written atomically, file by file).
    pub out: PathBuf,
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

/// Reads the panel and fits the logit.
pub fn fit_panel(panel: &Path, covariates: &[String]) -> Result<EhaFit> {
    policysim_io::capped_read::check_stream_file(
        panel,
        "a panel CSV written by `policysim panel`",
    )?;
    let mut reader = csv::Reader::from_path(panel)
        .map_err(|e| Error::input_in(panel, format!("cannot be read as a panel CSV: {e}")))?;
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
        let key = (r[run].to_string(), r[unit].to_string());
        let next = ids.len();
        clusters.push(*ids.entry(key).or_insert(next));
    }
    let mut names = vec!["intercept".to_string()];
    names.extend(covariates.iter().cloned());
    names.extend(DURATION.iter().map(|s| s.to_string()));
    let logit = fit_logit(&x, &y, &names).map_err(|e| Error::input_in(panel, e.to_string()))?;
    let se = clustered_se(&logit, &x, &y, &clusters);
    Ok(EhaFit {
        design,
        clustered_se: se,
        rows: (x.len(), dropped),
        clusters: ids.len(),
        logit,
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

/// Fits the panel and writes `eha.csv` and `eha.json` into `options.out`.
pub fn eha(options: &EhaOptions) -> Result<EhaFit> {
    let fit = fit_panel(&options.panel, &options.covariates)?;
    if options.out.exists() && !options.out.is_dir() {
        return Err(Error::Input(format!(
            "--out {}: exists and is not a folder",
            options.out.display()
        )));
    }
    std::fs::create_dir_all(&options.out).map_err(|e| Error::io(&options.out, e))?;
    let json = serde_json::to_string_pretty(&eha_json(&fit, &options.panel))
        .expect("a JSON value serialises");
    write_atomic(&options.out.join("eha.csv"), eha_csv(&fit).as_bytes())?;
    write_atomic(
        &options.out.join("eha.json"),
        format!("{json}\n").as_bytes(),
    )?;
    // written in place: its record names the files then in the folder
    policysim_io::provenance::seal(&options.out, &options.out)?;
    Ok(fit)
}
