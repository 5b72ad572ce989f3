//! `policysim eha`: the flags, turned into [`EhaOptions`].

use crate::eha::{eha, EhaOptions};
use crate::error::Result;
use clap::Args;
use std::path::PathBuf;

/// Examples shown by `policysim eha --help`.
pub(crate) const EHA_EXAMPLES: &str = "Examples:
  policysim eha results/us-events/panel-unit-year.csv --out results/us-events/eha
  policysim eha results/us-events/panel-dyad-year.csv --covariate contiguous --out results/us-events/eha-dyad";

/// Options of `policysim eha`.
#[derive(Debug, Args)]
pub(crate) struct EhaArgs {
    /// A unit-year or dyad-year panel written by `policysim panel`.
    panel: PathBuf,
    /// A covariate (a column of the panel; repeatable). Default: share_sources_adopted and
    /// national_share (unit-year), contiguous and source_years_since_adoption (dyad-year).
    #[arg(long)]
    covariate: Vec<String>,
    /// Folder for eha.csv and eha.json (written whole: a new or empty folder, or an earlier eha's).
    #[arg(long)]
    out: PathBuf,
    /// Also fit every run on its own (one run is one history, as one policy is): eha_by_run.csv, and in eha.json how often each term is significant at 5% (Wilson intervals; runs whose fit did not converge are left out and counted)
    #[arg(long)]
    by_run: bool,
    /// Write eha.csv (and eha_by_run.csv) as csv, parquet (eha.parquet) or both; eha.json is always written.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = super::table_format())]
    table_format: crate::parquet_table::TableFormat,
}

/// Runs `policysim eha`.
pub(crate) fn run(args: EhaArgs) -> Result<()> {
    let fit = eha(&EhaOptions {
        panel: args.panel,
        covariates: args.covariate,
        out: args.out.clone(),
        by_run: args.by_run,
        table_format: args.table_format,
    })?;
    eprintln!(
        "{} logit on {} rows ({} clusters), log-likelihood {:.4}: written to {}",
        fit.design,
        fit.rows.0,
        fit.clusters,
        fit.logit.log_likelihood,
        args.out.display()
    );
    Ok(())
}
