//! The event-history baseline (Berry & Berry 1990): a discrete-time logit of adoption on
//! the unit-years at risk of the training years, with the share of adopted neighbours
//! on the scenario's network, the national adopted share and the node columns the
//! scenario uses as traits as covariates; its hazard carried over the horizon with the
//! covariates held at their values at the end of the last training year.

use super::logit::{fit_logit, Logit};
use policysim_io::observed::Observed;
use policysim_model::error::Result;
use policysim_model::network::Network;
use policysim_model::scenario::{Scenario, TraitSpec};

/// The covariates of the event-history logit for one network and scenario.
#[derive(Debug, Clone)]
pub struct Covariates<'a> {
    network: &'a Network,
    /// Node columns used as traits: (column name, or `agents.KEY` for an index of
    /// columns, and the value per node).
    traits: Vec<(String, Vec<f64>)>,
}

/// Name of the neighbour covariate (absent on a complete network, where it is the national share).
pub const NEIGHBOURS: &str = "adopted_neighbours_share";
/// Name of the national covariate.
pub const NATIONAL: &str = "national_adopted_share";

impl<'a> Covariates<'a> {
    /// The covariates for `scenario` on `network`: every node column a trait is read
    /// from (`agents.* = { from = "column" }`), once each, and every trait built from an
    /// index of columns (`agents.resources = { from = [...], normalise = ... }`) as the
    /// index the model sees, named `agents.resources`.
    pub fn new(scenario: &Scenario, network: &'a Network) -> Covariates<'a> {
        let a = &scenario.agents;
        let mut traits: Vec<(String, Vec<f64>)> = Vec::new();
        for (key, spec) in [
            ("learning", &a.learning),
            ("competition", &a.competition),
            ("resources", &a.resources),
            ("inertia", &a.inertia),
            ("fit", &a.fit),
        ] {
            let name = match spec {
                TraitSpec::Column { from } => from.clone(),
                TraitSpec::Indicators(_) => format!("agents.{key}"),
                _ => continue,
            };
            if let Some(Ok(values)) = spec.node_values(network.n, |c| network.column(c)) {
                if !traits.iter().any(|(c, v)| c == &name || v == &values) {
                    traits.push((name, values));
                }
            }
        }
        Covariates { network, traits }
    }

    /// Column names, the intercept first.
    pub fn names(&self) -> Vec<String> {
        let mut v = vec!["intercept".to_string()];
        if !self.network.complete {
            v.push(NEIGHBOURS.into());
        }
        v.push(NATIONAL.into());
        v.extend(self.traits.iter().map(|(c, _)| c.clone()));
        v
    }

    /// The covariates of unit `i` given who had adopted (`adopted[j]`) and the national share.
    fn row(&self, i: usize, adopted: &[bool], national: f64) -> Vec<f64> {
        let mut v = vec![1.0];
        if !self.network.complete {
            let src = self.network.sources(i);
            let k = src.iter().filter(|&&j| adopted[j as usize]).count();
            v.push(if src.is_empty() {
                0.0
            } else {
                k as f64 / src.len() as f64
            });
        }
        v.push(national);
        v.extend(self.traits.iter().map(|(_, col)| col[i]));
        v
    }

    /// The covariates of every unit at the start of step t (adopted before t): (row per
    /// unit, adopted before t per unit).
    pub fn at_step(&self, observed: &Observed, t: u32) -> (Vec<Vec<f64>>, Vec<bool>) {
        let adopted: Vec<bool> = observed
            .adopted_step
            .iter()
            .map(|s| s.is_some_and(|s| s < t))
            .collect();
        let national = adopted.iter().filter(|&&a| a).count() as f64 / observed.n().max(1) as f64;
        let rows = (0..observed.n())
            .map(|i| self.row(i, &adopted, national))
            .collect();
        (rows, adopted)
    }

    /// The unit-years at risk of steps 1..=steps of `observed`: covariates and whether
    /// the unit adopted that year.
    pub fn unit_years(&self, observed: &Observed) -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut x = Vec::new();
        let mut y = Vec::new();
        for t in 1..=observed.steps {
            let (rows, adopted) = self.at_step(observed, t);
            for (i, row) in rows.into_iter().enumerate() {
                if !adopted[i] {
                    x.push(row);
                    y.push(observed.adopted_step[i] == Some(t));
                }
            }
        }
        (x, y)
    }
}

/// The fitted event-history baseline.
#[derive(Debug, Clone)]
pub struct Eha {
    /// The logit (only covariates that vary over the unit-years at risk).
    pub logit: Logit,
    /// Covariates left out: constant on the training unit-years, or collinear with the others.
    pub dropped: Vec<String>,
    /// Unit-years at risk in the training years.
    pub unit_years: usize,
    /// Adoptions among them.
    pub events: usize,
}

impl Eha {
    /// Fits the logit on the training years of `observed`.
    pub fn fit(cov: &Covariates, observed: &Observed) -> Result<Eha> {
        let names = cov.names();
        let (x, y) = cov.unit_years(observed);
        // a covariate constant over every unit-year (e.g. no trait variation) cannot be
        // told apart from the intercept: leave it out
        let keep: Vec<usize> = (0..names.len())
            .filter(|&k| {
                k == 0
                    || x.iter()
                        .any(|r| (r[k] - x[0][k]).abs() > 1e-12 * (1.0 + x[0][k].abs()))
            })
            .collect();
        let mut keep = keep;
        // collinear covariates (e.g. two traits from the same column values): the last
        // ones are left out until the rest can be told apart
        let logit = loop {
            let kept_names: Vec<String> = keep.iter().map(|&k| names[k].clone()).collect();
            let xs: Vec<Vec<f64>> = x
                .iter()
                .map(|r| keep.iter().map(|&k| r[k]).collect())
                .collect();
            match fit_logit(&xs, &y, &kept_names) {
                Ok(l) => break l,
                Err(e) if keep.len() <= 1 => return Err(e),
                Err(_) => {
                    keep.pop();
                }
            }
        };
        let dropped = (0..names.len())
            .filter(|k| !keep.contains(k))
            .map(|k| names[k].clone())
            .collect();
        Ok(Eha {
            logit,
            dropped,
            unit_years: y.len(),
            events: y.iter().filter(|&&v| v).count(),
        })
    }

    /// The probability that each unit not adopted by the last training step adopts
    /// within 1..=horizon steps: p_k = 1 - (1 - h)^k, h the hazard at the covariates of
    /// the end of the training years. Units already adopted get None.
    pub fn predict(
        &self,
        cov: &Covariates,
        observed: &Observed,
        horizon: u32,
    ) -> Vec<Option<Vec<f64>>> {
        let names = cov.names();
        let keep: Vec<usize> = (0..names.len())
            .filter(|&k| !self.dropped.contains(&names[k]))
            .collect();
        let (rows, adopted) = cov.at_step(observed, observed.steps + 1);
        rows.iter()
            .zip(&adopted)
            .map(|(row, &a)| {
                (!a).then(|| {
                    let x: Vec<f64> = keep.iter().map(|&k| row[k]).collect();
                    let h = self.logit.probability(&x);
                    (1..=horizon)
                        .map(|k| 1.0 - (1.0 - h).powi(k as i32))
                        .collect()
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::logit::logistic;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn an_index_of_columns_is_one_covariate_with_the_values_the_model_sees() {
        let mut net = Network::from_edges(3, &[(0, 1), (1, 2)], None, false);
        net.columns = vec![
            ("gdp".into(), vec![1.0, 2.0, 4.0]),
            ("revenue".into(), vec![3.0, 1.0, 2.0]),
        ];
        let mut scenario = Scenario::default();
        scenario.agents.resources = TraitSpec::Indicators(policysim_model::scenario::Indicators {
            from: vec!["gdp".into(), "revenue".into()],
            weights: None,
            normalise: policysim_model::scenario::Normalise::Rank,
        });
        scenario.agents.learning = TraitSpec::Column { from: "gdp".into() };
        let cov = Covariates::new(&scenario, &net);
        assert_eq!(
            cov.names(),
            ["intercept", NEIGHBOURS, NATIONAL, "gdp", "agents.resources"].map(String::from)
        );
        // ranks (0, .5, 1) and (1, 0, .5), averaged
        assert_eq!(cov.traits[1].1, vec![0.5, 0.25, 0.75]);
    }

    /// A diffusion on a ring lattice whose yearly hazard is a known logit of the three
    /// covariates the baseline uses; the fit must find the coefficients again.
    #[test]
    fn recovers_the_hazard_of_a_diffusion_simulated_from_a_logit() {
        let n = 3000;
        let edges: Vec<(u32, u32)> = (0..n as u32)
            .flat_map(|i| [(i, (i + 1) % n as u32), (i, (i + 2) % n as u32)])
            .collect();
        let mut net = Network::from_edges(n, &edges, None, false);
        let trait_col: Vec<f64> = (0..n).map(|i| (i % 10) as f64 / 10.0).collect();
        net.columns = vec![("capacity".into(), trait_col.clone())];
        let mut scenario = Scenario::default();
        scenario.agents.resources = TraitSpec::Column {
            from: "capacity".into(),
        };
        let cov = Covariates::new(&scenario, &net);
        assert_eq!(
            cov.names(),
            ["intercept", NEIGHBOURS, NATIONAL, "capacity"].map(String::from)
        );
        let truth = [-4.0, 2.5, 3.0, 1.0];
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(7);
        let steps = 12;
        let mut observed = Observed {
            start_year: 2000,
            steps,
            adopted_step: vec![None; n],
            initial: Vec::new(),
            initial_ids: Vec::new(),
            source: "simulated".into(),
            warnings: Vec::new(),
        };
        for i in (0..n).step_by(50) {
            observed.adopted_step[i] = Some(0);
        }
        for t in 1..=steps {
            let (rows, adopted) = cov.at_step(&observed, t);
            for i in 0..n {
                let h = logistic(rows[i].iter().zip(&truth).map(|(x, b)| x * b).sum());
                if !adopted[i] && rng.random::<f64>() < h {
                    observed.adopted_step[i] = Some(t);
                }
            }
        }
        let eha = Eha::fit(&cov, &observed).unwrap();
        assert!(eha.dropped.is_empty() && eha.logit.converged);
        // thousands of unit-years: every coefficient is pinned down to well under one unit
        assert!(
            eha.unit_years > 20_000 && eha.events > 1000,
            "{} {}",
            eha.unit_years,
            eha.events
        );
        for (k, truth) in truth.iter().enumerate() {
            assert!(
                eha.logit.se[k] < 0.6,
                "{}: se {}",
                eha.logit.names[k],
                eha.logit.se[k]
            );
            let z = (eha.logit.coef[k] - truth) / eha.logit.se[k];
            assert!(
                z.abs() < 3.5,
                "{}: {} ± {} vs {}",
                eha.logit.names[k],
                eha.logit.coef[k],
                eha.logit.se[k],
                truth
            );
        }
        // the carried hazard: p_k = 1 - (1 - h)^k, increasing in k
        let p = eha.predict(&cov, &observed, 3);
        let first = p.iter().flatten().next().unwrap();
        let h = first[0];
        assert!((first[2] - (1.0 - (1.0 - h).powi(3))).abs() < 1e-12);
        assert!(p
            .iter()
            .zip(&observed.adopted_step)
            .all(|(p, s)| p.is_none() == s.is_some()));
    }
}
