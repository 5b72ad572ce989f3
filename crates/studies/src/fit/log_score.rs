//! The unit-level objective of `fit --objective log-score`: how well the model, started
//! each year from who had really adopted by then, predicts **who** adopts that year.
//!
//! For every training step t = 1..=T, the ensemble is run for one step from the observed
//! state at the end of step t − 1 (the units that had adopted by then are adopters; the
//! centre's dates move as in a forecast, [`crate::restart::forecast_scenario`]).
//! A unit i at risk at t, with k of its sources already adopters, gets the predictive
//! probability
//!
//! p(i, t) = (c(i, t) + m · p̄(k, t)) / (R + m),   p̄(k, t) = (C(k, t) + ½) / (R · n(k, t) + 1),
//!
//! where c(i, t) is the number of the R runs in which it adopted at that step, and p̄ the
//! rate of its class: C(k, t) adoptions in the runs among the n(k, t) units at risk with k
//! adopting sources (the classes of the hazard table). The unit's own count is shrunk
//! towards its class's rate with the weight of m = [`SHRINK_RUNS`] runs: a probability
//! far below 1/R (a lone innovator's) is then the model's class rate, not 0, nor a floor
//! that would be the same for every parameter value (a fixed prior such as (c + ½)/(R + 1)
//! gives every unit at least 1/(2R), which rewarded parameters that predicted too few
//! innovators in the synthetic test: the fit then ran to the box's low end). The
//! objective is the mean **negative log score** (log loss) over the at-risk unit-years:
//!
//! L = −(1/N) Σ [ y(i, t) ln p(i, t) + (1 − y(i, t)) ln(1 − p(i, t)) ],
//!
//! y(i, t) = 1 when unit i adopted at step t. This is the one-step-ahead predictive
//! likelihood an event-history analysis maximises, with the model in place of the logit,
//! so a fit on it uses who adopted when, not only how many.
//!
//! The ABC tolerance on it is likelihood-based ([`tolerance`]): the points whose total log
//! score lies within χ²(d, 0.90)/2 of the best one (Wilks' 90% region for d free keys),
//! plus the Monte-Carlo error of L itself.

use crate::restart::{adoption_counts, forecast_scenario};
use policysim_io::observed::Observed;
use policysim_model::error::Result;
use policysim_model::network::Network;
use policysim_model::scenario::Scenario;
use std::sync::atomic::AtomicBool;

/// The weight, in runs, of a unit's class rate in its predictive probability.
pub const SHRINK_RUNS: f64 = 10.0;

/// The log score of a scenario on observed adoptions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LogScore {
    /// Mean negative log score over the at-risk unit-years (lower is better).
    pub mean_loss: f64,
    /// The at-risk unit-years scored (N).
    pub unit_years: usize,
    /// Monte-Carlo standard error of `mean_loss`: the binomial variance of each c(i, t)
    /// carried through ln p by the delta method.
    pub se: f64,
}

/// The at-risk unit-years of `observed` over its steps: units not yet adopted at the
/// start of each step 1..=T.
pub fn unit_years(observed: &Observed) -> usize {
    (1..=observed.steps)
        .map(|t| {
            observed
                .adopted_step
                .iter()
                .filter(|s| s.is_none_or(|s| s >= t))
                .count()
        })
        .sum()
}

/// Scores `scenario` (its `runs` runs per step, from `seed`) on `observed`, matched to
/// `network`.
///
/// # Arguments
/// - `scenario`: the scenario at the parameter point (steps are set here);
/// - `network`: its network (the observed units are its nodes);
/// - `observed`: who adopted at which step.
///
/// # Returns
/// The mean log loss, the unit-years scored and its Monte-Carlo standard error.
///
/// # Complexity
/// T ensembles of one step each: about the cost of one ensemble over the T steps.
pub fn log_score(
    scenario: &Scenario,
    network: &Network,
    observed: &Observed,
    seed: u64,
    threads: Option<usize>,
    cancel: Option<&AtomicBool>,
) -> Result<LogScore> {
    let runs = f64::from(scenario.runs.max(1));
    let (mut loss, mut var, mut n) = (0.0, 0.0, 0usize);
    for t in 1..=observed.steps {
        let one_step = forecast_scenario(scenario, t - 1, 1)?;
        let adopted: Vec<bool> = observed
            .adopted_step
            .iter()
            .map(|s| s.is_some_and(|s| s < t))
            .collect();
        let counts = adoption_counts(&one_step, network, &adopted, seed, threads, cancel, &|_| {})?;
        // each unit's class: how many of its sources had adopted
        let class: Vec<usize> = (0..network.n)
            .map(|i| {
                if network.complete {
                    adopted.iter().filter(|&&a| a).count()
                } else {
                    network
                        .sources(i)
                        .iter()
                        .filter(|&&j| adopted[j as usize])
                        .count()
                }
            })
            .collect();
        let mut in_class: Vec<(f64, f64)> = Vec::new();
        for i in (0..network.n).filter(|&i| !adopted[i]) {
            if in_class.len() <= class[i] {
                in_class.resize(class[i] + 1, (0.0, 0.0));
            }
            in_class[class[i]].0 += f64::from(counts[i][0]);
            in_class[class[i]].1 += 1.0;
        }
        let m = SHRINK_RUNS;
        for i in (0..network.n).filter(|&i| !adopted[i]) {
            let (adoptions, units) = in_class[class[i]];
            let rate = (adoptions + 0.5) / (runs * units + 1.0);
            let c = f64::from(counts[i][0]);
            let p = (c + m * rate) / (runs + m);
            let y = observed.adopted_step[i] == Some(t);
            loss -= if y { p.ln() } else { (1.0 - p).ln() };
            // d(−ln p)/dc = −1/(p (R+m)); d(−ln(1−p))/dc = 1/((1−p)(R+m)); Var c ≈ R p (1−p)
            let slope = if y { 1.0 / p } else { 1.0 / (1.0 - p) } / (runs + m);
            var += slope * slope * runs * p * (1.0 - p);
            n += 1;
        }
    }
    let n_f = n.max(1) as f64;
    Ok(LogScore {
        mean_loss: loss / n_f,
        unit_years: n,
        se: var.sqrt() / n_f,
    })
}

/// The 90% quantile of the χ² distribution with `d` degrees of freedom (exact values for
/// d ≤ 5, the Wilson–Hilferty approximation beyond, within 0.5% there).
pub fn chi_square_90(d: usize) -> f64 {
    match d {
        0 => 0.0,
        1 => 2.705_543,
        2 => 4.605_170,
        3 => 6.251_389,
        4 => 7.779_440,
        5 => 9.236_357,
        _ => {
            let k = d as f64;
            let z = 1.281_551_6; // the normal 90% quantile
            let a = 2.0 / (9.0 * k);
            k * (1.0 - a + z * a.sqrt()).powi(3)
        }
    }
}

/// ABC tolerance on the mean log loss for `d` free keys: the best loss, plus the
/// likelihood region's width χ²(d, 0.90) / (2 N) (Wilks: −2 Δ ln L ≤ χ² over the N
/// unit-years), plus twice the best point's Monte-Carlo standard error (its loss is
/// itself an estimate from R runs).
pub fn tolerance(best: &LogScore, d: usize) -> f64 {
    best.mean_loss + chi_square_90(d) / (2.0 * best.unit_years.max(1) as f64) + 2.0 * best.se
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chi_square_quantiles_match_the_tables() {
        // exact for 1..=5; Wilson–Hilferty against the table values for 6 and 10
        assert!((chi_square_90(1) - 2.7055).abs() < 1e-4);
        assert!((chi_square_90(6) - 10.6446).abs() / 10.6446 < 0.005);
        assert!((chi_square_90(10) - 15.9872).abs() / 15.9872 < 0.005);
    }

    #[test]
    fn unit_years_count_the_units_at_risk_each_step() {
        let o = Observed {
            start_year: 2000,
            steps: 3,
            adopted_step: vec![Some(0), Some(1), Some(3), None],
            initial: vec![0],
            initial_ids: vec!["a".into()],
            source: String::new(),
            warnings: Vec::new(),
        };
        // step 1: b, c, d at risk; step 2: c, d; step 3: c, d
        assert_eq!(unit_years(&o), 3 + 2 + 2);
    }

    #[test]
    fn the_tolerance_widens_with_free_keys_and_shrinks_with_data() {
        let best = LogScore {
            mean_loss: 0.3,
            unit_years: 1000,
            se: 0.001,
        };
        let one = tolerance(&best, 1);
        assert!((one - (0.3 + 2.705_543 / 2000.0 + 0.002)).abs() < 1e-12);
        assert!(tolerance(&best, 2) > one);
        let more = LogScore {
            unit_years: 4000,
            ..best
        };
        assert!(tolerance(&more, 1) < one);
    }
}
