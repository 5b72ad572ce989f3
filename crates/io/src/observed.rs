//! Observed adoptions: a CSV of `unit,adopt_year` (column names configurable, optional
//! `policy` column) matched to the nodes of a network and turned into steps.
//!
//! Step 0 is the start year: by default the first observed year, whose adopters become
//! the fixed initial adopters; with a start year given, nobody has adopted at step 0.
//! Units of the network absent from the file (or with an empty year) never adopted
//! within the window.

use crate::csv_input::{CsvLayout, CsvReader};
use policysim_model::error::{Error, Result};
use policysim_model::initial::InitialAdopters;
use policysim_model::network::Network;
use policysim_model::run::Prepared;
use policysim_model::scenario::Scenario;
use policysim_model::stats::share_rmse;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// How to read an observed-adoptions file.
#[derive(Debug, Clone)]
pub struct ObservedOptions {
    /// Column holding the unit (matched to node ids, then to node names).
    pub unit_column: String,
    /// Column holding the adoption year (empty = never adopted).
    pub year_column: String,
    /// Keep only rows whose `policy` column equals this.
    pub policy: Option<String>,
    /// Year of step 0 with no adopters (default: the first observed year, its adopters initial).
    pub start_year: Option<i32>,
}

impl Default for ObservedOptions {
    fn default() -> Self {
        ObservedOptions {
            unit_column: "unit".into(),
            year_column: "adopt_year".into(),
            policy: None,
            start_year: None,
        }
    }
}

/// Most warnings about one observed file (one more says that there are others).
const MAX_WARNINGS: usize = 10;

/// Observed adoptions mapped onto a network.
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// Calendar year of step 0.
    pub start_year: i32,
    /// Number of steps (last observed year - start year).
    pub steps: u32,
    /// Adoption step per node (`None` = not adopted within the window).
    pub adopted_step: Vec<Option<u32>>,
    /// Nodes that adopted at step 0 (the initial adopters), ascending.
    pub initial: Vec<u32>,
    /// Their node ids in the network's node file, in the same order.
    pub initial_ids: Vec<String>,
    /// Where the adoptions come from: the file, and the policy when one was chosen.
    pub source: String,
    /// Tolerated problems of the file (`FILE:LINE: ...`), e.g. a unit listed twice with
    /// different years; printed as warnings by the commands that read it.
    pub warnings: Vec<String>,
}

impl Observed {
    /// Number of units.
    pub fn n(&self) -> usize {
        self.adopted_step.len()
    }

    /// Cumulative adopted share of all units at steps 0..=steps.
    pub fn share(&self) -> Vec<f64> {
        let mut counts = vec![0usize; self.steps as usize + 1];
        for s in self.adopted_step.iter().flatten() {
            counts[*s as usize] += 1;
        }
        let n = self.n().max(1) as f64;
        let mut acc = 0;
        counts
            .iter()
            .map(|c| {
                acc += c;
                acc as f64 / n
            })
            .collect()
    }

    /// Empirical hazard on `network` by number of adopting neighbours (steps 1..=steps):
    /// (at risk, adoptions), the convention of `hazard.csv`.
    pub fn hazard(&self, network: &Network) -> Vec<(u64, u64)> {
        let mut out: Vec<(u64, u64)> = Vec::new();
        let before = |j: usize, t: u32| self.adopted_step[j].is_some_and(|s| s < t);
        for t in 1..=self.steps {
            let adopted_before = (0..self.n()).filter(|&j| before(j, t)).count();
            for i in 0..self.n() {
                if before(i, t) {
                    continue;
                }
                let k = if network.complete {
                    adopted_before
                } else {
                    network
                        .sources(i)
                        .iter()
                        .filter(|&&j| before(j as usize, t))
                        .count()
                };
                if out.len() <= k {
                    out.resize(k + 1, (0, 0));
                }
                out[k].0 += 1;
                if self.adopted_step[i] == Some(t) {
                    out[k].1 += 1;
                }
            }
        }
        out
    }

    /// Sets the scenario's `steps` to the observed span (or to `steps` when given, to run
    /// past the last observed year) and clears `[initial]` (the observed initial adopters
    /// are set on the prepared state instead).
    pub fn apply(&self, scenario: &mut Scenario, steps: Option<u32>) {
        scenario.steps = steps.unwrap_or(self.steps);
        scenario.initial = Default::default();
    }

    /// Refuses a scenario that cannot start from observed adoptions: one whose network
    /// is drawn anew in every run (the adopters were matched to one network).
    pub fn check_scenario(scenario: &Scenario) -> Result<()> {
        if scenario.network.redraw {
            return Err(Error::Input(
                "network.redraw = true: observed adoptions need one fixed network; set redraw = false"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Sets up a run of `scenario` that starts from these adoptions: `steps` spans the
    /// observed years (or is `steps` when given, to run past them), `[initial]` gives way
    /// to the observed first adopters, and the shared state is prepared again on the same
    /// network. Pass the result to `policysim_studies::simulate::simulate` with these adoptions in
    /// its options, so that the outputs compare the runs with them.
    pub fn start_from(
        &self,
        scenario: &mut Scenario,
        prepared: Prepared,
        steps: Option<u32>,
    ) -> Result<Prepared> {
        Self::check_scenario(scenario)?;
        self.apply(scenario, steps);
        let mut prepared = Prepared::new(scenario, prepared.network, prepared.files)?;
        self.set_initial(&mut prepared)?;
        prepared.bootstrap_share = true;
        Ok(prepared)
    }

    /// Makes every run of `prepared` start from the observed initial adopters (nobody
    /// with a start year before the first adoption).
    pub fn set_initial(&self, prepared: &mut Prepared) -> Result<()> {
        if prepared.network.n != self.n() {
            return Err(Error::Input(format!(
                "the network has {} units but the observed adoptions were matched to {}",
                prepared.network.n,
                self.n()
            )));
        }
        prepared.initial = if self.initial.is_empty() {
            InitialAdopters::None
        } else {
            InitialAdopters::Fixed(self.initial.clone())
        };
        Ok(())
    }

    /// `initial.csv`: the observed initial adopters by node id, one per record under the
    /// header `id`, quoted where needed so that `[initial] file` reads every id back.
    pub fn initial_csv(&self) -> String {
        let mut text = String::from("id\n");
        for id in &self.initial_ids {
            let _ = writeln!(text, "{}", crate::cells::csv_field(id));
        }
        text
    }

    /// `observed.csv`: per step, the calendar year, the units adopted so far and their share.
    pub fn observed_csv(&self) -> String {
        let mut out = String::from("step,year,observed_adopters,observed_share\n");
        let n = self.n() as f64;
        for (t, share) in self.share().iter().enumerate() {
            let adopters = (share * n).round() as u64;
            let _ = writeln!(
                out,
                "{t},{},{adopters},{}",
                self.start_year + t as i32,
                crate::cells::num(*share)
            );
        }
        out
    }

    /// The `observed` block of `summary.json`: where the adoptions come from, their
    /// years, and how far the simulated mean share (`simulated[t]`, step t) is from them
    /// over the years both cover (`compared_years`; null when they share no step).
    pub fn summary_json(&self, simulated: &[f64], rmse_ci: Option<(f64, f64)>) -> Value {
        let share = self.share();
        let compared = self.compared_years(simulated.len());
        let round = crate::cells::round_sig;
        json!({
            "source": self.source,
            "units": self.n(),
            "start_year": self.start_year,
            "last_year": self.start_year + self.steps as i32,
            "initial_adopters": self.initial.len(),
            "final_share": crate::cells::round_sig(share.last().copied().unwrap_or(0.0)),
            "compared_years": compared.map(|(a, b)| json!([a, b])),
            "rmse": share_rmse(&share, simulated).map(round),
            "rmse_ci_low": rmse_ci.map(|c| round(c.0)),
            "rmse_ci_high": rmse_ci.map(|c| round(c.1)),
            "rmse_ci_method": rmse_ci.map(|_| "percentile bootstrap over runs (Poisson weights, 200 replicates)"),
        })
    }

    /// The first and last calendar year that the RMSE compares, for a simulation of
    /// `simulated_len` values (steps 0 ..= steps); None when no step after the first is
    /// shared.
    pub fn compared_years(&self, simulated_len: usize) -> Option<(i32, i32)> {
        let last = (self.steps as usize + 1).min(simulated_len);
        (last >= 2).then(|| (self.start_year + 1, self.start_year + last as i32 - 1))
    }

    /// A warning when the simulation ends before the last observed year (`--steps`
    /// shorter than the span): the comparison then covers only the first years.
    pub fn span_warning(&self, steps: u32) -> Option<String> {
        (steps < self.steps).then(|| {
            format!(
                "--steps {steps} ends in {} but the observed adoptions run to {} ({} years): the comparison with them covers {}-{} only",
                self.start_year + steps as i32,
                self.start_year + self.steps as i32,
                self.steps,
                self.start_year + 1,
                self.start_year + steps as i32
            )
        })
    }
}

/// A warning when the scenario's shares cannot be compared like with like with observed
/// first adoptions (abandonment lowers the simulated share, never the observed one).
pub fn comparison_warning(scenario: &Scenario) -> Option<&'static str> {
    (scenario.abandon.rate > 0.0).then_some(
        "abandon.rate > 0: the simulated share counts current adopters, the observed share first adoptions; set abandon.rate = 0 to compare like with like",
    )
}

/// Up to five candidates closest to `wanted` (by edit distance; containing it counts as close).
pub fn close_names<'a>(wanted: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<String> {
    let w = wanted.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| {
            let lc = c.to_lowercase();
            let d = if !w.is_empty() && (lc.contains(&w) || w.contains(&lc)) {
                0
            } else {
                strsim::levenshtein(&wanted.to_lowercase(), &c.to_lowercase())
            };
            (d, c)
        })
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let limit = (wanted.chars().count() / 2).max(2);
    scored
        .into_iter()
        .filter(|(d, _)| *d <= limit)
        .take(5)
        .map(|(_, c)| c.to_string())
        .collect()
}

fn column(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h.eq_ignore_ascii_case(name))
}

/// An observed-adoptions file opened as CSV ([`crate::csv_input`]) with its
/// trimmed header.
fn open_csv(path: &Path) -> Result<(CsvReader, Vec<String>)> {
    let mut reader = crate::csv_input::read_csv(
        path,
        "an observed adoptions file (CSV)",
        CsvLayout::default().flexible(),
    )?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| crate::csv_input::csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((reader, header))
}

/// The distinct values of the `policy` column of an observed-adoptions file, in order
/// of first appearance (empty when the file has no such column).
pub fn policies(path: &Path) -> Result<Vec<String>> {
    let (mut reader, header) = open_csv(path)?;
    let Some(col) = column(&header, "policy") else {
        return Ok(Vec::new());
    };
    let mut out: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| crate::csv_input::csv_error(path, &e))?;
        let p = record.get(col).unwrap_or("").trim();
        if !p.is_empty() && !out.iter().any(|q| q == p) {
            out.push(p.to_string());
        }
    }
    Ok(out)
}

/// Reads observed adoptions from `path` and matches them to `network`'s nodes.
pub fn read_observed(path: &Path, network: &Network, opts: &ObservedOptions) -> Result<Observed> {
    let (mut reader, header) = open_csv(path)?;
    let expected = format!(
        "expected a CSV with columns \"{}\" and \"{}\" (rename with --unit-column / --year-column)",
        opts.unit_column, opts.year_column
    );
    let require = |name: &str| {
        column(&header, name).ok_or_else(|| {
            Error::input_in(
                path,
                format!(
                    "missing column \"{name}\" in the header (got \"{}\"), {expected}",
                    header.join(",")
                ),
            )
        })
    };
    let unit_col = require(&opts.unit_column)?;
    let year_col = require(&opts.year_column)?;
    let policy_col = column(&header, "policy");
    if opts.policy.is_some() && policy_col.is_none() {
        return Err(Error::input_in(
            path,
            format!(
                "--policy given but the file has no \"policy\" column (got \"{}\")",
                header.join(",")
            ),
        ));
    }
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, label) in network.labels.iter().enumerate() {
        index.entry(label.as_str()).or_insert(i);
    }
    for (i, name) in network
        .names
        .listed()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        index.insert(name.as_str(), i); // ids win over names
    }
    // numbered ids ("0", "1", ...) are not stored: read off the unit itself, first
    let find = |unit: &str| {
        network
            .names
            .numbered_position(unit)
            .or_else(|| index.get(unit).copied())
    };
    let mut policies: Vec<String> = Vec::new();
    let mut year_of: Vec<Option<i32>> = vec![None; network.n];
    // The line of each unit's first listed year, for the warning about a repeated unit.
    let mut year_line: Vec<Option<u64>> = vec![None; network.n];
    let mut warnings: Vec<String> = Vec::new();
    let mut rows = 0usize;
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| crate::csv_input::csv_error(path, &e))?;
        let line = record.position().map_or(k as u64 + 2, |p| p.line());
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if let Some(pc) = policy_col {
            let p = field(pc);
            if !policies.iter().any(|q| q == p) {
                policies.push(p.to_string());
            }
            if opts.policy.as_deref().is_some_and(|want| want != p) {
                continue;
            }
        }
        rows += 1;
        let unit = field(unit_col);
        let Some(node) = find(unit) else {
            let names: Vec<std::borrow::Cow<str>> = network.names.iter().collect();
            let candidates = names
                .iter()
                .map(|c| &**c)
                .chain(network.labels.iter().map(String::as_str));
            let close = close_names(unit, candidates);
            let hint = if close.is_empty() {
                let some: Vec<&str> = names.iter().take(5).map(|c| &**c).collect();
                format!("the network's units look like: {}", some.join(", "))
            } else {
                format!("close names: {}", close.join(", "))
            };
            return Err(Error::Input(format!(
                "{}:{line}: unknown unit \"{unit}\" (not a node id or name of the network); {hint}",
                path.display()
            )));
        };
        let text = field(year_col);
        if text.is_empty() {
            continue; // not adopted
        }
        let year = text
            .parse::<f64>()
            .ok()
            .filter(|y| y.fract() == 0.0 && y.abs() < 1e6)
            .ok_or_else(|| {
                Error::Input(format!(
                    "{}:{line}: column \"{}\": \"{text}\" is not a year (expected a whole number such as 1998, or empty for never)",
                    path.display(),
                    opts.year_column
                ))
            })? as i32;
        // a unit listed twice keeps its first adoption (and the user is told)
        match (year_of[node], year_line[node]) {
            (Some(earlier), Some(first_line)) if earlier != year => {
                let kept = earlier.min(year);
                if warnings.len() < MAX_WARNINGS {
                    warnings.push(format!(
                        "{}:{line}: unit \"{unit}\" is listed again, adopting in {year} (line {first_line}: {earlier}); the earliest year, {kept}, is kept (a first adoption)",
                        path.display()
                    ));
                } else if warnings.len() == MAX_WARNINGS {
                    warnings.push(format!(
                        "{}: more units are listed twice with different years; the earliest year of each is kept",
                        path.display()
                    ));
                }
                year_of[node] = Some(kept);
            }
            (Some(_), _) => {}
            (None, _) => {
                year_of[node] = Some(year);
                year_line[node] = Some(line);
            }
        }
    }
    if policy_col.is_some() && opts.policy.is_none() && policies.len() > 1 {
        let shown: Vec<&str> = policies.iter().take(8).map(String::as_str).collect();
        return Err(Error::input_in(
            path,
            format!(
                "the file holds {} policies; choose one with --policy NAME (e.g. {})",
                policies.len(),
                shown.join(", ")
            ),
        ));
    }
    if let Some(want) = &opts.policy {
        if rows == 0 {
            let close = close_names(want, policies.iter().map(String::as_str));
            let hint = if close.is_empty() {
                let shown: Vec<&str> = policies.iter().take(8).map(String::as_str).collect();
                format!("policies in the file include: {}", shown.join(", "))
            } else {
                format!("close names: {}", close.join(", "))
            };
            return Err(Error::input_in(
                path,
                format!("no rows for policy \"{want}\"; {hint}"),
            ));
        }
    }
    let years: Vec<i32> = year_of.iter().flatten().copied().collect();
    let (Some(&first), Some(&last)) = (years.iter().min(), years.iter().max()) else {
        return Err(Error::input_in(
            path,
            "no adoptions found (every year empty or no rows)",
        ));
    };
    let start = match opts.start_year {
        Some(y) if y >= first => {
            return Err(Error::Input(format!(
                "--start-year {y}: units adopted in {first}, at or before the start year; the start year must precede every adoption (or leave it out to start from the {first} adopters)"
            )));
        }
        Some(y) => y,
        None => first,
    };
    if last <= start {
        return Err(Error::input_in(
            path,
            format!(
                "every adoption is in {last}: at least two years are needed to fit a diffusion"
            ),
        ));
    }
    let adopted_step: Vec<Option<u32>> = year_of
        .iter()
        .map(|y| y.map(|y| (y - start) as u32))
        .collect();
    let initial: Vec<u32> = adopted_step
        .iter()
        .enumerate()
        .filter(|(_, s)| **s == Some(0))
        .map(|(i, _)| i as u32)
        .collect();
    let initial_ids = initial
        .iter()
        .map(|&i| network.names.name(i as usize).into_owned())
        .collect();
    let source = match &opts.policy {
        Some(policy) => format!("{} (policy {policy})", path.display()),
        None => path.display().to_string(),
    };
    Ok(Observed {
        warnings,
        start_year: start,
        steps: (last - start) as u32,
        adopted_step,
        initial,
        initial_ids,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Network {
        let mut n = Network::from_edges(4, &[(0, 1), (1, 2), (2, 3)], None, false);
        n.names = vec!["Ohio".into(), "Iowa".into(), "Utah".into(), "Maine".into()].into();
        n
    }

    #[test]
    fn reads_years_as_steps_with_first_year_initial() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        std::fs::write(
            &p,
            "unit,policy,adopt_year\nOhio,a,1990\nIowa,a,1992\nUtah,b,1980\nMaine,a,\n",
        )
        .unwrap();
        let opts = ObservedOptions {
            policy: Some("a".into()),
            ..Default::default()
        };
        let o = read_observed(&p, &net(), &opts).unwrap();
        assert_eq!(o.start_year, 1990);
        assert_eq!(o.steps, 2);
        assert_eq!(o.adopted_step, vec![Some(0), Some(2), None, None]);
        assert_eq!(o.initial, vec![0]);
        assert_eq!(o.share(), vec![0.25, 0.25, 0.5]);
        // steps 1, 2: Iowa, Utah, Maine at risk; Iowa has 1 adopting neighbour
        assert_eq!(o.hazard(&net()), vec![(4, 0), (2, 1)]);
        let o = read_observed(
            &p,
            &net(),
            &ObservedOptions {
                start_year: Some(1989),
                ..opts.clone()
            },
        )
        .unwrap();
        assert_eq!((o.start_year, o.steps, o.initial.len()), (1989, 3, 0));
    }

    #[test]
    fn unknown_units_and_policies_list_close_names() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        std::fs::write(&p, "unit,adopt_year\nOhio,1990\nUtha,1991\n").unwrap();
        let e = read_observed(&p, &net(), &Default::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains(":3:") && e.contains("\"Utha\"") && e.contains("Utah"),
            "{e}"
        );
        std::fs::write(&p, "unit,policy,adopt_year\nOhio,abc,1990\n").unwrap();
        let opts = ObservedOptions {
            policy: Some("abd".into()),
            ..Default::default()
        };
        let e = read_observed(&p, &net(), &opts).unwrap_err().to_string();
        assert!(e.contains("abc"), "{e}");
        std::fs::write(&p, "state,year\nOhio,1990\n").unwrap();
        let e = read_observed(&p, &net(), &Default::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing column \"unit\""), "{e}");
    }
}
