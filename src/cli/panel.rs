//! `policysim panel`: the flags, turned into [`PanelOptions`].

use crate::error::{Error, Result};
use crate::observed::ObservedOptions;
use crate::panel::{panel, Design, PanelOptions, PanelSource};
use clap::Args;
use std::path::PathBuf;

/// Examples shown by `policysim panel --help`.
pub(crate) const PANEL_EXAMPLES: &str = "Examples:
  policysim run scenarios/us_states.toml --runs 50 --record events --out results/us-events
  policysim panel results/us-events --design unit-year --out results/us-events/panel-unit-year.csv
  policysim panel results/us-events --design dyad-year --out results/us-events/panel-dyad-year.csv
  policysim panel --observed scenarios/data/spid_sample.csv --policy mothersaid \\
    --scenario scenarios/us_states.toml --design unit-year --out results/mothersaid-unit-year.csv";

/// The designs, as `--design` spells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DesignArg {
    /// One row per unit and year at risk, up to and including its adoption year.
    UnitYear,
    /// Directed dyads: target at risk, source adopted before the year.
    DyadYear,
    /// NetworkInference's cascades: node_name,event_time,cascade_id (one cascade per run).
    Cascades,
    /// netdiffuseR's time of adoption: run,unit,toa.
    Toa,
}

/// Options of `policysim panel`.
#[derive(Debug, Args)]
pub(crate) struct PanelArgs {
    /// A results folder written by `policysim run --record events` (or give --observed).
    dir: Option<PathBuf>,
    /// The data design to write.
    #[arg(long, value_enum)]
    design: DesignArg,
    /// The CSV file to write (replaced atomically); with `--table-format parquet` or both, its Parquet file is the same name with `.parquet`.
    #[arg(long)]
    out: PathBuf,
    /// Write the panel as csv (`--out`), parquet (`--out` with `.parquet` for `.csv`) or both.
    #[arg(long, value_name = "FORMAT", default_value = "csv", value_parser = super::table_format())]
    table_format: crate::parquet_table::TableFormat,
    /// Observed adoptions (CSV of unit and adoption year) instead of a results folder.
    #[arg(long, conflicts_with = "dir", requires = "scenario")]
    observed: Option<PathBuf>,
    /// With --observed: the scenario whose network the units are matched to.
    #[arg(long, requires = "observed")]
    scenario: Option<PathBuf>,
    #[command(flatten)]
    reading: super::ObservedArgs,
    /// The most rows a dyad-year panel may have; its bound (every directed pair in every year of every run) is checked first.
    #[arg(long, default_value_t = crate::panel::MAX_DYAD_ROWS)]
    max_rows: u64,
}

impl PanelArgs {
    /// The options these flags ask for.
    fn options(&self) -> Result<PanelOptions> {
        let source = match (&self.dir, &self.observed, &self.scenario) {
            (Some(dir), None, _) => PanelSource::Results(dir.clone()),
            (None, Some(file), Some(scenario)) => PanelSource::Observed {
                file: file.clone(),
                scenario: scenario.clone(),
                reading: ObservedOptions::from(&self.reading),
            },
            _ => {
                return Err(Error::Input(
                    "give a results folder written by `policysim run --record events`, or --observed FILE with --scenario FILE".into(),
                ))
            }
        };
        Ok(PanelOptions {
            source,
            design: match self.design {
                DesignArg::UnitYear => Design::UnitYear,
                DesignArg::DyadYear => Design::DyadYear,
                DesignArg::Cascades => Design::Cascades,
                DesignArg::Toa => Design::Toa,
            },
            out: self.out.clone(),
            max_rows: self.max_rows,
            table_format: self.table_format,
        })
    }
}

/// Runs `policysim panel`.
pub(crate) fn run(args: PanelArgs) -> Result<()> {
    let report = panel(&args.options()?)?;
    eprintln!(
        "{} rows from {} {} written to {}",
        report.rows,
        report.histories,
        if report.histories == 1 {
            "history"
        } else {
            "histories"
        },
        report
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ")
    );
    Ok(())
}
