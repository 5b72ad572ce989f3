//! The files of a run's results folder besides `runs.csv`: curves, hazard, summary,
//! the recorded scenario, lineages, map and, with observed adoptions, their table.

use crate::observed::Observed;
use crate::output;
use policysim_model::ensemble::EnsembleResult;
use policysim_model::error::Result;
use policysim_model::scenario::Scenario;
use std::path::{Path, PathBuf};

/// Writes the aggregated outputs (everything except `runs.csv`) into `dir`; with
/// observed adoptions also `observed.csv` and, when the runs start from the observed
/// first adopters, `initial.csv`, which the recorded `scenario.toml` names (so running
/// it again reproduces the results).
pub fn write_outputs(
    scenario: &Scenario,
    dir: &Path,
    result: &EnsembleResult,
    observed: Option<&Observed>,
) -> Result<()> {
    let w = |name: &str, text: &str| output::write_atomic(&dir.join(name), text.as_bytes());
    w("curves.csv", &output::curves_csv(result))?;
    w("hazard.csv", &output::hazard_csv(result))?;
    w(
        "summary.json",
        &output::summary_json(scenario, scenario.seed, result, observed),
    )?;
    let mut recorded = std::borrow::Cow::Borrowed(scenario);
    if let Some(o) = observed {
        w("observed.csv", &o.observed_csv())?;
        if !o.initial.is_empty() {
            w("initial.csv", &o.initial_csv())?;
            // relative: resolved against the folder of the recorded scenario.toml
            recorded.to_mut().initial = policysim_model::scenario::Initial {
                file: Some(PathBuf::from("initial.csv")),
                ..Default::default()
            };
        }
    }
    w("scenario.toml", &recorded.to_toml())?;
    if let Some(lineages) = output::lineages_csv(result) {
        w("lineages.csv", &lineages)?;
    }
    if let Some((nodes, edges)) = output::map_csv(result) {
        w("map.csv", &nodes)?;
        if let Some(edges) = edges {
            w("map_edges.csv", &edges)?;
        }
    }
    Ok(())
}
