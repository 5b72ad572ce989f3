//! `events.csv`: the event history of every run (`policysim run --record events`), one row
//! per adoption or abandonment, written as each run finishes, in run order.

use crate::cells::{csv_field, num};
use policysim_model::network::Network;
use policysim_model::run::{EventKind, RunSummary, CENTRE_SOURCE, NO_SOURCE};
use std::fmt::Write as _;

/// Header of `events.csv`.
pub const EVENTS_HEADER: &str = "run,unit,step,year,event,channel,source,lineage,quality";

/// The `source` written for an adoption that came from the national centre.
pub const CENTRE_NAME: &str = "centre";

/// The `channel` written for the initial adopters (step 0).
pub const INITIAL_CHANNEL: &str = "initial";

/// The rows of one run's events (each with its newline): `start_year` gives the calendar
/// year of step 0 (None: the `year` column stays empty); `classic` leaves `lineage` and
/// `quality` empty (the classic models have no variants).
pub fn events_rows(
    network: &Network,
    start_year: Option<i32>,
    classic: bool,
    s: &RunSummary,
) -> String {
    let mut out = String::with_capacity(s.events.len() * 40);
    for e in &s.events {
        let year = start_year.map_or(String::new(), |y| {
            (i64::from(y) + i64::from(e.step)).to_string()
        });
        let channel = match (e.kind, e.channel) {
            (EventKind::Adopt, _) if e.step == 0 => INITIAL_CHANNEL,
            (_, Some(c)) => c.name(),
            (_, None) => "",
        };
        let source = match e.source {
            NO_SOURCE => String::new(),
            CENTRE_SOURCE => CENTRE_NAME.to_string(),
            j => csv_field(&network.names.name(j as usize)),
        };
        let (lineage, quality) = if classic {
            (String::new(), String::new())
        } else {
            (e.lineage.to_string(), num(e.quality))
        };
        let _ = writeln!(
            out,
            "{},{},{},{year},{},{channel},{source},{lineage},{quality}",
            s.run,
            csv_field(&network.names.name(e.unit as usize)),
            e.step,
            e.kind.name(),
        );
    }
    out
}

/// One row of `events.csv` as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// Run index.
    pub run: u64,
    /// Node id.
    pub unit: String,
    /// Step.
    pub step: u32,
    /// Calendar year, when the run had one.
    pub year: Option<i32>,
    /// `adopt` (true) or `abandon`.
    pub adopt: bool,
    /// The channel (`initial`, `innovation`, ...; empty for an abandonment).
    pub channel: String,
    /// The source: a node id, [`CENTRE_NAME`], or empty.
    pub source: String,
}

/// Reads `events.csv` row by row (memory does not grow with the file).
pub struct EventsReader {
    path: std::path::PathBuf,
    records: csv::StringRecordsIntoIter<Box<dyn std::io::Read>>,
    line: u64,
}

impl EventsReader {
    /// Opens `path`, checking its header.
    pub fn open(path: &std::path::Path) -> policysim_model::error::Result<EventsReader> {
        use policysim_model::error::Error;
        let mut reader = crate::csv_input::stream_csv(
            path,
            "the events of a run (events.csv)",
            crate::csv_input::CsvLayout::default(),
        )?;
        crate::provenance::note_input_file(path)?;
        let header = reader
            .headers()
            .map_err(|e| Error::input_in(path, format!("cannot read the header: {e}")))?
            .iter()
            .collect::<Vec<_>>()
            .join(",");
        if header != EVENTS_HEADER {
            return Err(Error::input_in(
                path,
                format!("expected the header {EVENTS_HEADER}, found {header}"),
            ));
        }
        Ok(EventsReader {
            path: path.to_path_buf(),
            records: reader.into_records(),
            line: 1,
        })
    }

    /// The next row, or None at the end of the file.
    pub fn next_row(&mut self) -> policysim_model::error::Result<Option<EventRow>> {
        use policysim_model::error::Error;
        let Some(record) = self.records.next() else {
            return Ok(None);
        };
        self.line += 1;
        let bad = |what: &str| {
            Error::input_in(
                &self.path,
                format!(
                    "line {}: {what} (expected a row of {EVENTS_HEADER})",
                    self.line
                ),
            )
        };
        let r = record.map_err(|e| bad(&e.to_string()))?;
        if r.len() != 9 {
            return Err(bad(&format!("{} cells", r.len())));
        }
        let run = r[0].parse().map_err(|_| bad("run is not a whole number"))?;
        let step = r[2]
            .parse()
            .map_err(|_| bad("step is not a whole number"))?;
        let year = if r[3].is_empty() {
            None
        } else {
            Some(
                r[3].parse()
                    .map_err(|_| bad("year is not a whole number"))?,
            )
        };
        let adopt = match &r[4] {
            "adopt" => true,
            "abandon" => false,
            _ => return Err(bad("event is neither adopt nor abandon")),
        };
        Ok(Some(EventRow {
            run,
            unit: r[1].to_string(),
            step,
            year,
            adopt,
            channel: r[5].to_string(),
            source: r[6].to_string(),
        }))
    }
}
