//! `policysim panel`: the data designs of the diffusion literature from the event
//! histories of a results folder (`run --record events`) or from observed adoptions:
//! the monadic unit-year risk set, directed dyad-years, NetworkInference cascades and
//! netdiffuseR times of adoption (`docs/empirical.md` defines every column).

mod designs;
mod histories;

pub use designs::{header, write_run};
pub use histories::{Histories, History, HistoryEvent};

use policysim_io::atomic_file::{AtomicFile, Durability};
use policysim_io::observed::{read_observed, ObservedOptions};
use policysim_io::parquet_table::{parquet_path, write_parquet, Part, Source, TableFormat};
use policysim_io::scenario_files::{load_scenario, prepare};
use policysim_model::error::{Error, Result};
use std::io::Write;
use std::path::PathBuf;

/// The data designs `policysim panel` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// One row per unit and year at risk, up to and including its adoption year.
    UnitYear,
    /// One row per target at risk, source adopted before the year, and year.
    DyadYear,
    /// NetworkInference's long cascade format: `node_name,event_time,cascade_id`.
    Cascades,
    /// netdiffuseR's time of adoption: `run,unit,toa`.
    Toa,
}

/// Where the adoptions come from.
#[derive(Debug, Clone)]
pub enum PanelSource {
    /// A results folder written by `policysim run --record events`.
    Results(PathBuf),
    /// An observed adoption file on the network of a scenario file (read as `fit` reads it).
    Observed {
        /// The adoption file.
        file: PathBuf,
        /// The scenario whose network the units are matched to.
        scenario: PathBuf,
        /// How to read the file.
        reading: ObservedOptions,
    },
}

/// Everything `policysim panel` needs.
#[derive(Debug, Clone)]
pub struct PanelOptions {
    /// The adoptions.
    pub source: PanelSource,
    /// The design to write.
    pub design: Design,
    /// The CSV file to write (replaced atomically; never half-written).
    pub out: PathBuf,
    /// The most rows a dyad-year panel may have (its bound, every directed pair in
    /// every year of every history, is checked before anything is written).
    pub max_rows: u64,
    /// CSV (`out`), Parquet (`out` with `.parquet` for `.csv`) or both.
    pub table_format: TableFormat,
}

/// The default of [`PanelOptions::max_rows`]: 50 million rows (a few GB of CSV).
pub const MAX_DYAD_ROWS: u64 = 50_000_000;

/// What was written: rows and the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanelReport {
    /// Data rows written.
    pub rows: u64,
    /// Histories (runs, or 1 for observed adoptions) read.
    pub histories: u64,
    /// The files written (the CSV file, the Parquet file, or both).
    pub files: Vec<PathBuf>,
}

/// Builds the design and writes it to `options.out` (a temporary file renamed when
/// complete: on any error nothing is left behind).
pub fn panel(options: &PanelOptions) -> Result<PanelReport> {
    let (network, mut histories) = match &options.source {
        PanelSource::Results(dir) => histories::from_results(dir)?,
        PanelSource::Observed {
            file,
            scenario,
            reading,
        } => {
            let s = load_scenario(scenario)?;
            let prepared = prepare(&s)?;
            let observed = read_observed(file, &prepared.network, reading)?;
            let h = histories::from_observed(&observed);
            (prepared.network, h)
        }
    };
    if options.design == Design::DyadYear {
        let (runs, steps) = histories.extent();
        let n = network.n as u64;
        let bound = runs
            .saturating_mul(u64::from(steps))
            .saturating_mul(n)
            .saturating_mul(n.saturating_sub(1));
        if bound > options.max_rows {
            return Err(Error::Input(format!(
                "--design dyad-year: the panel could hold up to {bound} rows ({runs} histories x {steps} years x {n} x {} directed pairs), more than --max-rows {}; use fewer runs, or raise --max-rows if the disk can hold it",
                n.saturating_sub(1),
                options.max_rows
            )));
        }
    }
    let format = options.table_format;
    // `--out` names the CSV file; its Parquet file is the same name with `.parquet`
    // (`--out x.parquet` with parquet alone: the CSV name is x.csv, never written)
    let out = &if options.out.extension().is_some_and(|e| e == "parquet") {
        options.out.with_extension("csv")
    } else {
        options.out.clone()
    };
    let parquet_out = parquet_path(out);
    for path in [Some(out), format.parquet().then_some(&parquet_out)]
        .into_iter()
        .flatten()
    {
        if path.is_dir() {
            return Err(Error::Input(format!(
                "--out {}: is a folder; give the CSV file to write, e.g. {}/panel.csv",
                path.display(),
                path.display()
            )));
        }
    }
    let result = (|| -> Result<PanelReport> {
        let mut file = AtomicFile::create(out)?;
        let w = &mut file;
        let simulated = histories.simulated;
        writeln!(w, "{}", header(options.design, &network, simulated))
            .map_err(|e| Error::io(out, e))?;
        let mut report = PanelReport {
            rows: 0,
            histories: 0,
            files: Vec::new(),
        };
        while let Some(h) = histories.next_history(&network)? {
            report.rows += write_run(options.design, &network, &h, simulated, w)
                .map_err(|e| Error::io(out, e))?;
            report.histories += 1;
        }
        file.flush().map_err(|e| Error::io(out, e))?;
        if format.parquet() {
            let part = Part {
                source: Source::File(file.temp_path()),
                key: None,
            };
            write_parquet(&parquet_out, &[part], None)?;
        }
        if format.csv() {
            file.publish(Durability::Synced)?;
        }
        Ok(report)
    })();
    // one file, not a folder: its record lies beside it (`FILE.provenance.json`)
    let mut report = result?;
    if format.csv() {
        policysim_io::provenance::seal_file(out)?;
        report.files.push(out.clone());
    }
    if format.parquet() {
        policysim_io::provenance::seal_file(&parquet_out)?;
        report.files.push(parquet_out);
    }
    Ok(report)
}
