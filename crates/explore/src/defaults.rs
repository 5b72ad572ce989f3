//! The preset's own defaults run beside a request (the same seeds and runs), so the why
//! can say what the student's setting changed when no reference is kept; the runs both
//! share: the real adoptions applied and the ensemble with its `runs.csv`.

use super::queue::Progress;
use super::{lock, maps, ApiError, Defaults, Explorer, KEEP_RESULTS};
use policysim_io::observed::{read_observed, Observed, ObservedOptions};
use policysim_io::output;
use policysim_io::scenario_files::prepare;
use policysim_model::ensemble::{run_ensemble, EnsembleOptions, EnsembleResult};
use policysim_model::run::Prepared;
use policysim_model::scenario::Scenario;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// A request's real adoptions: the file and how to read it.
type ObservedAsk<'a> = Option<&'a (PathBuf, ObservedOptions)>;

impl Explorer {
    /// With `observed`, the runs start from the observed first adopters and span the
    /// observed years (`scenario` changed accordingly, and capped again).
    pub(super) fn with_observed(
        &self,
        scenario: &mut Scenario,
        prepared: Prepared,
        observed: ObservedAsk<'_>,
    ) -> Result<(Prepared, Option<Observed>), ApiError> {
        match observed {
            Some((path, options)) => {
                let o = read_observed(path, &prepared.network, options)?;
                let prepared = o.start_from(scenario, prepared, None)?;
                self.check_caps(scenario)?;
                Ok((prepared, Some(o)))
            }
            None => Ok((prepared, None)),
        }
    }

    /// Runs the ensemble of `scenario` (stopping once `flag` is set) and writes its
    /// `runs.csv` as `policysim run` does.
    pub(super) fn ensemble_csv(
        &self,
        scenario: &Scenario,
        prepared: &Prepared,
        flag: &Arc<AtomicBool>,
        progress: &Progress,
    ) -> Result<(EnsembleResult, String), ApiError> {
        let mut runs_csv = format!("{}\n", output::runs_header(scenario));
        let seed = scenario.seed;
        let mut on_run = |s: &policysim_model::run::RunSummary| -> policysim_model::Result<()> {
            runs_csv.push_str(&output::runs_row(seed, s));
            runs_csv.push_str(&output::optional_cells(scenario, s));
            runs_csv.push('\n');
            Ok(())
        };
        progress.expect(u64::from(scenario.runs));
        let advance = |n: u64| progress.advance(n);
        let options = EnsembleOptions {
            threads: self.options.threads,
            progress: Some(&advance),
            cancel: Some(flag),
        };
        let result = run_ensemble(scenario, seed, prepared, &options, &mut on_run)?;
        Ok((result, runs_csv))
    }

    /// The preset's scenario with the request's seed and runs: what the request is
    /// compared with when no reference is kept.
    fn defaults_of(preset: &super::Preset, requested: &Scenario) -> Scenario {
        let mut defaults = preset.scenario.clone();
        defaults.seed = requested.seed;
        defaults.runs = requested.runs;
        defaults
    }

    /// True when the request's scenario is the preset's own (its seed and runs aside).
    pub(super) fn is_defaults(&self, preset: &super::Preset, requested: &Scenario) -> bool {
        same_setting(&Self::defaults_of(preset, requested), requested)
    }

    /// The per-run values of the preset's defaults on the request's seeds and runs (with
    /// the same real adoptions), from the cache or run now (stopping once `flag` is set);
    /// [`Defaults::Same`] when the request is the defaults.
    pub(super) fn defaults_values(
        &self,
        preset: &super::Preset,
        requested: &Scenario,
        observed: ObservedAsk<'_>,
        flag: &Arc<AtomicBool>,
        progress: &Progress,
    ) -> Result<Defaults, ApiError> {
        let mut defaults = Self::defaults_of(preset, requested);
        if same_setting(&defaults, requested) {
            return Ok(Defaults::Same);
        }
        if self.check_caps(&defaults).is_err() {
            return Ok(Defaults::Unavailable);
        }
        let key = format!(
            "{}\n{:?}\n{}",
            preset.id,
            observed,
            toml::to_string(&defaults).unwrap_or_default()
        );
        if let Some((_, v)) = lock(&self.defaults).iter().find(|(k, _)| *k == key) {
            return Ok(Defaults::Ran(Arc::clone(v)));
        }
        let prepared = prepare(&defaults)?;
        if prepared.network.n > self.options.max_nodes {
            return Ok(Defaults::Unavailable);
        }
        let (prepared, _) = self.with_observed(&mut defaults, prepared, observed)?;
        let (_, runs_csv) = self.ensemble_csv(&defaults, &prepared, flag, progress)?;
        // the horizon `summary.json` gives a result's times (its `steps`)
        let steps = Some(defaults.steps);
        let Some(values) = maps::values_of_csv(runs_csv.as_bytes(), steps) else {
            return Ok(Defaults::Unavailable);
        };
        let values = Arc::new(values);
        let mut cache = lock(&self.defaults);
        cache.push_back((key, Arc::clone(&values)));
        while cache.len() > KEEP_RESULTS {
            cache.pop_front();
        }
        Ok(Defaults::Ran(values))
    }
}

/// Two scenarios with the same setting (their warnings aside, which are recomputed
/// without line numbers when a key is set).
fn same_setting(a: &Scenario, b: &Scenario) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.warnings.clear();
    b.warnings.clear();
    a == b
}
