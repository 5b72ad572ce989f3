//! A pooled fit: shared parameters fitted to several policies at once (`policysim fit
//! --policy a,b,c` or `--all-policies`). Each policy keeps its own first adopters and
//! span; the pooled objective is the mean of the per-policy objectives; the search is
//! the one of a single fit (docs/fit.md).

use super::search::{self, Search};
use super::{checked_options, tolerance, Evaluation, Evaluator, FitOptions, FitResult};
use policysim_io::observed::Observed;
use policysim_model::ensemble::EnsembleResult;
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;

/// A pooled fit: the shared search and, per policy, its result at the shared best point.
#[derive(Debug, Clone)]
pub struct PooledFit {
    /// The search over the pooled objective (its evaluations are pooled ones).
    pub search: Search,
    /// Per policy (in the order given): the shared values and interval with this
    /// policy's evaluation, curve, ensemble and Bass fit at the best point.
    pub policies: Vec<(String, FitResult)>,
}

/// The pooled evaluation of a point: each score the mean of the policies' scores.
fn mean_evaluation(phase: &'static str, values: &[f64], per: &[Evaluation]) -> Evaluation {
    let n = per.len().max(1) as f64;
    let mean = |f: &dyn Fn(&Evaluation) -> f64| per.iter().map(f).sum::<f64>() / n;
    let hazard = per
        .iter()
        .map(|e| e.hazard_rmse)
        .collect::<Option<Vec<f64>>>()
        .map(|h| h.iter().sum::<f64>() / n);
    Evaluation {
        phase,
        values: values.to_vec(),
        objective: mean(&|e| e.objective),
        curve_rmse: mean(&|e| e.curve_rmse),
        hazard_rmse: hazard,
        // the per-policy log scores stay with each policy's evaluation
        log_score: None,
        noise: mean(&|e| e.noise),
        weight: None,
    }
}

/// Fits the free keys of `scenario`, shared, to every policy of `observed` (each matched
/// to `network`): one evaluation runs the ensemble of every policy from its own first
/// adopters over its own span, with the same seeds (common random numbers), and scores
/// the mean of their objectives. The ABC tolerance at the best point is the mean of the
/// policies' tolerances (each what run-to-run noise explains for that policy).
/// `progress(1)` after each pooled evaluation.
pub fn fit_pooled(
    scenario: &Scenario,
    network: &Network,
    observed: &[(String, Observed)],
    opts: &FitOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<PooledFit> {
    if observed.len() < 2 {
        return Err(Error::Input(
            "a pooled fit needs at least two policies (--policy a,b or --all-policies)".into(),
        ));
    }
    let opts = &checked_options(scenario, opts)?;
    let evs: Vec<Evaluator> = observed
        .iter()
        .map(|(_, o)| Evaluator::new(scenario, network, o, opts))
        .collect();
    // an error of one policy's evaluation names the policy
    let of = |k: usize| {
        let name = &observed[k].0;
        move |e: Error| e.of(&format!("policy \"{name}\""))
    };
    evs[0].check_box()?;
    let evaluate = |phase: &'static str, values: &[f64]| -> Result<Evaluation> {
        let per = evs
            .iter()
            .enumerate()
            .map(|(k, ev)| ev.evaluate(phase, values).map_err(of(k)))
            .collect::<Result<Vec<_>>>()?;
        Ok(mean_evaluation(phase, values, &per))
    };
    type AtBest = (Evaluation, Option<f64>, (Scenario, EnsembleResult));
    let mut last_runs: Vec<AtBest> = Vec::new();
    let mut tolerance_at = |best: &Evaluation, last: bool| -> Result<f64> {
        let mut sum = 0.0;
        let mut runs: Vec<AtBest> = Vec::with_capacity(evs.len());
        for (k, ev) in evs.iter().enumerate() {
            let (s, prepared, run) = ev.ensemble(&best.values).map_err(|e| match e {
                Error::Interrupted(_) if last => Error::Interrupted(
                    "every evaluation finished, the best point's ensembles did not".into(),
                ),
                e => of(k)(e),
            })?;
            let noise = ev.hazard_noise(&s, &prepared, &run.hazard).map_err(of(k))?;
            let own = ev
                .score_with_log(best.phase, &best.values, &s, &prepared.network, &run)
                .map_err(of(k))?;
            sum += tolerance(&own, noise);
            if last {
                runs.push((own, noise, (s, run)));
            }
        }
        if last {
            last_runs = runs;
        }
        Ok(sum / evs.len() as f64)
    };
    let found = search::search(opts, &evaluate, &mut tolerance_at, progress)?;
    let policies = observed
        .iter()
        .zip(&evs)
        .zip(last_runs)
        .map(|(((name, _), ev), (own, noise, last))| {
            (name.clone(), ev.result(&found, own, noise, last))
        })
        .collect();
    Ok(PooledFit {
        search: found,
        policies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pooled_evaluation_is_the_mean_of_the_policies() {
        let e = |objective: f64, hazard: Option<f64>, noise: f64| Evaluation {
            phase: "design",
            values: vec![0.5],
            objective,
            curve_rmse: objective - hazard.unwrap_or(0.0),
            hazard_rmse: hazard,
            log_score: None,
            noise,
            weight: None,
        };
        let m = mean_evaluation(
            "abc",
            &[0.3],
            &[e(0.1, None, 0.02), e(0.3, None, 0.04), e(0.2, None, 0.0)],
        );
        assert!((m.objective - 0.2).abs() < 1e-12 && (m.noise - 0.02).abs() < 1e-12);
        assert_eq!(
            (m.phase, m.values.as_slice(), m.hazard_rmse),
            ("abc", &[0.3][..], None)
        );
        let h = mean_evaluation(
            "abc",
            &[0.3],
            &[e(0.3, Some(0.1), 0.0), e(0.5, Some(0.3), 0.0)],
        );
        assert!((h.hazard_rmse.unwrap() - 0.2).abs() < 1e-12);
        assert!((h.curve_rmse - 0.2).abs() < 1e-12);
    }
}
