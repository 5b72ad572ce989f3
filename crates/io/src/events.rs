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
