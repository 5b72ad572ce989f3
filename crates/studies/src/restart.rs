//! Runs restarted from an observed state: the scenario started from who had adopted by a
//! given step, for a horizon. `forecast` runs them from the end of the training years (p_k
//! of a unit is the share of runs in which it adopted within k steps); `fit --objective
//! log-score` runs them one step from every training year.

use policysim_model::error::{Error, Result};
use policysim_model::initial::InitialAdopters;
use policysim_model::network::Network;
use policysim_model::run::Prepared;
use policysim_model::scenario::{CentralMode, Scenario};
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// The scenario of the forecast runs: `horizon` steps from the end of the training year,
/// which lies `elapsed` steps after the observed start. The centre's dates are counted
/// from the start, so they move back by `elapsed`: a mandate already in force is in force
/// from the first forecast step (its deadline kept at the same calendar year, or none
/// when that has passed); pilots designated before the split cannot be restarted; an
/// uptake's reviews go on from the first forecast step when they began before the split.
pub fn forecast_scenario(scenario: &Scenario, elapsed: u32, horizon: u32) -> Result<Scenario> {
    let mut s = scenario.clone();
    s.steps = horizon;
    s.initial = Default::default();
    let c = &mut s.central;
    match c.mode {
        CentralMode::Mandate => {
            let start = c.mandate.start.max(1);
            if start > elapsed {
                c.mandate.start = start - elapsed;
            } else {
                let deadline_at = start + c.mandate.deadline;
                c.mandate.start = 1;
                // a deadline on the first forecast step is enforced there (before: lost,
                // as 0 means no deadline); one that passed during the training years was
                // enforced then
                c.mandate.enforce_at_start = c.mandate.deadline > 0 && deadline_at == elapsed + 1;
                c.mandate.deadline = if c.mandate.deadline == 0 || deadline_at <= elapsed + 1 {
                    0
                } else {
                    deadline_at - elapsed - 1
                };
            }
        }
        CentralMode::Pilot => {
            let start = c.pilot.start.max(1);
            if start <= elapsed {
                return Err(Error::Input(format!(
                    "central.mode = \"pilot\" with central.pilot.start = {start}: the pilots are designated before the end of the training years, and a forecast cannot restart their evaluation from the observed adoptions; use a later --train-until or another central mode"
                )));
            }
            c.pilot.start = start - elapsed;
        }
        CentralMode::Uptake => {
            // reviews that began before the split go on from the first forecast step
            // (the observed adoptions carry no lineages, so no earlier uptake is known)
            let start = c.uptake.start.max(1);
            c.uptake.start = start.saturating_sub(elapsed).max(1);
        }
        CentralMode::None | CentralMode::Recognition => {}
    }
    Ok(s)
}

/// For each unit, in how many of the `scenario.runs` runs it adopted within k steps,
/// k = 1..=scenario.steps (`adopted[i]`: unit i had adopted by the end of the training
/// years; those start as adopters). Counts are sums over runs, so they do not depend on
/// the number of threads.
pub fn adoption_counts(
    scenario: &Scenario,
    network: &Network,
    adopted: &[bool],
    seed: u64,
    threads: Option<usize>,
    cancel: Option<&AtomicBool>,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Vec<u32>>> {
    let mut prepared = Prepared::new(
        scenario,
        network.clone(),
        policysim_io::scenario_files::data_files(),
    )?;
    let initial: Vec<u32> = (0..network.n as u32)
        .filter(|&i| adopted[i as usize])
        .collect();
    prepared.initial = if initial.is_empty() {
        InitialAdopters::None
    } else {
        InitialAdopters::Fixed(initial)
    };
    let horizon = scenario.steps as usize;
    let n = network.n;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .map_err(|e| Error::Failure(format!("cannot start worker threads: {e}")))?;
    let counts = pool.install(|| {
        (0..scenario.runs as u64)
            .into_par_iter()
            .map(|run| -> Result<Vec<u32>> {
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err(Error::Interrupted(String::new()));
                }
                let out =
                    policysim_model::ensemble::run_indexed(scenario, seed, &prepared, run, true)?;
                progress(1);
                // cumulative per unit: counts[i * horizon + k - 1] = 1 if adopted by step k
                let steps = out.adopted_step.unwrap_or_default();
                let mut c = vec![0u32; n * horizon];
                for (i, &s) in steps.iter().enumerate() {
                    if !adopted[i] && s >= 1 && (s as usize) <= horizon {
                        for k in s as usize..=horizon {
                            c[i * horizon + k - 1] = 1;
                        }
                    }
                }
                Ok(c)
            })
            .try_reduce(
                || vec![0u32; n * horizon],
                |mut a, b| {
                    for (x, y) in a.iter_mut().zip(b) {
                        *x += y;
                    }
                    Ok(a)
                },
            )
    })?;
    Ok((0..n)
        .map(|i| counts[i * horizon..(i + 1) * horizon].to_vec())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_centre_dates_move_back_by_the_training_years() {
        let mut s = Scenario::default();
        s.central.mode = CentralMode::Mandate;
        s.central.mandate.start = 10;
        s.central.mandate.deadline = 5;
        // not yet in force: 4 steps after the split
        let f = forecast_scenario(&s, 6, 8).unwrap();
        assert_eq!(
            (f.steps, f.central.mandate.start, f.central.mandate.deadline),
            (8, 4, 5)
        );
        // in force since step 10, deadline at step 15 = forecast step 3
        let f = forecast_scenario(&s, 12, 8).unwrap();
        assert_eq!(
            (f.central.mandate.start, f.central.mandate.deadline),
            (1, 2)
        );
        // the deadline has passed
        let f = forecast_scenario(&s, 15, 8).unwrap();
        assert_eq!(
            (f.central.mandate.start, f.central.mandate.deadline),
            (1, 0)
        );
        s.central.mode = CentralMode::Pilot;
        s.central.pilot.start = 3;
        assert!(forecast_scenario(&s, 5, 2).is_err());
        assert_eq!(forecast_scenario(&s, 1, 2).unwrap().central.pilot.start, 2);
    }
}
