//! The adoption histories a panel is built from: one per run of a results folder (read
//! from `events.csv` run by run), or the one of an observed adoption file.

use policysim_io::events::{EventRow, EventsReader, CENTRE_NAME};
use policysim_io::observed::Observed;
use policysim_io::scenario_files::{load_scenario, prepare};
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;
use std::path::Path;

/// One event of a history, on node indices.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    /// The government.
    pub unit: u32,
    /// The step.
    pub step: u32,
    /// Adopted (true) or abandoned.
    pub adopt: bool,
    /// The channel (empty for observed adoptions and abandonments).
    pub channel: String,
    /// The government learned from or copied, if one.
    pub source: Option<u32>,
}

/// One run's (or the observed) adoptions and abandonments, in step order.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Run index (0 for observed adoptions).
    pub run: u64,
    /// Last step (years at risk are 1..=steps).
    pub steps: u32,
    /// Calendar year of step 0 (None: years are steps).
    pub year0: Option<i32>,
    /// The events.
    pub events: Vec<HistoryEvent>,
}

impl History {
    /// The year written for step t.
    pub fn year(&self, t: u32) -> i64 {
        self.year0.map_or(0, i64::from) + i64::from(t)
    }
}

/// A source of histories, one at a time.
pub struct Histories {
    /// Whether they are simulated (channels and sources are known).
    pub simulated: bool,
    runs: u64,
    next_run: u64,
    steps: u32,
    year0: Option<i32>,
    reader: Option<(EventsReader, std::path::PathBuf)>,
    pending: Option<EventRow>,
    observed: Option<History>,
}

/// The network and the histories of a results folder with `events.csv`.
///
/// `dir` is the folder of `run --record events`, or a point of `sweep --record events`
/// (`points/<i>/`: its scenario is the sweep's `sweep.toml` at the point's values).
pub(super) fn from_results(dir: &Path) -> Result<(Network, Histories)> {
    if dir.join("point.json").is_file() && !dir.join("summary.json").is_file() {
        return from_sweep_point(dir);
    }
    if !dir.join("summary.json").is_file() {
        return Err(Error::Input(format!(
            "{}: not a results folder of `policysim run` (no summary.json) nor a point of a sweep (no point.json)",
            dir.display()
        )));
    }
    let events = dir.join("events.csv");
    if !events.is_file() {
        return Err(Error::Input(format!(
            "{}: has no events.csv; run the scenario with `policysim run --record events` to write the event histories a panel is built from",
            dir.display()
        )));
    }
    let scenario = load_scenario(&dir.join("scenario.toml"))?;
    let summary = read_json(&dir.join("summary.json"))?;
    let year0 = summary["start_year"].as_i64().map(|y| y as i32);
    simulated(&scenario, &dir.join("scenario.toml"), "run", events, year0)
}

/// A results folder's JSON file, read as bad input when it is not JSON.
fn read_json(path: &Path) -> Result<serde_json::Value> {
    policysim_io::capped_read::read_folder_file(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| Error::input_in(path, "cannot be read as JSON"))
}

/// The network and the histories of `events` simulated under `scenario` (read from
/// `file`; `command` is what made them, for the message when the network was redrawn).
fn simulated(
    scenario: &Scenario,
    file: &Path,
    command: &str,
    events: std::path::PathBuf,
    year0: Option<i32>,
) -> Result<(Network, Histories)> {
    if scenario.network.redraw {
        return Err(Error::Input(format!(
            "{}: network.redraw = true: every run had its own network, which a panel cannot rebuild; {command} with redraw = false",
            file.display()
        )));
    }
    let prepared = prepare(scenario)?;
    let reader = EventsReader::open(&events)?;
    Ok((
        prepared.network,
        Histories {
            simulated: true,
            runs: u64::from(scenario.runs),
            next_run: 0,
            steps: scenario.steps,
            year0,
            reader: Some((reader, events)),
            pending: None,
            observed: None,
        },
    ))
}

/// The network and histories of point `points/<i>/` of a sweep folder.
fn from_sweep_point(dir: &Path) -> Result<(Network, Histories)> {
    let events = dir.join("events.csv");
    if !events.is_file() {
        return Err(Error::Input(format!(
            "{}: has no events.csv; run the sweep with `--record events` to write each point's event histories",
            dir.display()
        )));
    }
    let sweep_dir = dir.parent().and_then(Path::parent).unwrap_or(dir);
    let point = read_json(&dir.join("point.json"))?;
    let index = point["point"]
        .as_u64()
        .ok_or_else(|| Error::input_in(&dir.join("point.json"), "has no point index (`point`)"))?
        as usize;
    let (base, sweep) = crate::sweep::load_sweep(&sweep_dir.join("sweep.toml"))?;
    if index >= sweep.len() {
        return Err(Error::input_in(
            &dir.join("point.json"),
            format!(
                "point {index} is not a point of the sweep in {}",
                sweep_dir.display()
            ),
        ));
    }
    let scenario = sweep.point_scenario(&base, index)?;
    simulated(
        &scenario,
        &sweep_dir.join("sweep.toml"),
        "sweep",
        events,
        None,
    )
}

/// The one history of observed adoptions (no abandonments, channels or sources).
pub(super) fn from_observed(o: &Observed) -> Histories {
    let mut events: Vec<HistoryEvent> = o
        .adopted_step
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            s.map(|step| HistoryEvent {
                unit: i as u32,
                step,
                adopt: true,
                channel: String::new(),
                source: None,
            })
        })
        .collect();
    events.sort_by_key(|e| (e.step, e.unit));
    Histories {
        simulated: false,
        runs: 1,
        next_run: 0,
        steps: o.steps,
        year0: Some(o.start_year),
        reader: None,
        pending: None,
        observed: Some(History {
            run: 0,
            steps: o.steps,
            year0: Some(o.start_year),
            events,
        }),
    }
}

impl Histories {
    /// How many histories there are and their last step (years at risk are 1..=steps).
    pub fn extent(&self) -> (u64, u32) {
        (self.runs, self.steps)
    }

    /// The next history in run order, or None after the last.
    pub fn next_history(&mut self, network: &Network) -> Result<Option<History>> {
        if self.next_run >= self.runs {
            return Ok(None);
        }
        let run = self.next_run;
        self.next_run += 1;
        if let Some(h) = self.observed.take() {
            return Ok(Some(h));
        }
        let (reader, path) = self.reader.as_mut().expect("a results folder has a reader");
        let mut events = Vec::new();
        loop {
            let row = match self.pending.take() {
                Some(r) => r,
                None => match reader.next_row()? {
                    Some(r) => r,
                    None => break,
                },
            };
            if row.run > run {
                self.pending = Some(row);
                break;
            }
            let bad = |what: String| Error::input_in(path, what);
            if row.run < run || row.run >= self.runs {
                return Err(bad(format!(
                    "run {} out of order (runs 0..{} in order expected)",
                    row.run, self.runs
                )));
            }
            if row.step > self.steps {
                return Err(bad(format!(
                    "run {}: step {} after the last step {}",
                    row.run, row.step, self.steps
                )));
            }
            let index = |name: &str| {
                network.index_of(name).ok_or_else(|| {
                    bad(format!(
                        "run {}: unit {name} is not a node of the scenario's network",
                        row.run
                    ))
                })
            };
            let unit = index(&row.unit)? as u32;
            let source = match row.source.as_str() {
                "" | CENTRE_NAME => None,
                s => Some(index(s)? as u32),
            };
            if let (Some(y), None) = (row.year, self.year0) {
                self.year0 = Some(y - row.step as i32);
            }
            events.push(HistoryEvent {
                unit,
                step: row.step,
                adopt: row.adopt,
                channel: row.channel,
                source,
            });
        }
        Ok(Some(History {
            run,
            steps: self.steps,
            year0: self.year0,
            events,
        }))
    }
}
