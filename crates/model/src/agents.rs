//! The governments' traits for one run, kept as flat arrays (structure of arrays).

use crate::error::{Error, Result};
use crate::network::Network;
use crate::rng::traits_rng;
use crate::scenario::{Sampler, Scenario, TraitSpec};
use rand::Rng;

/// Traits of every government in one run (index = node).
///
/// Kept as `f32`: drawn in `f64` and rounded (a relative precision of 6e-8, far finer than
/// any trait a scenario can specify), so that a run of 10^7 governments needs 16 bytes per
/// government for its four traits instead of 32; every formula computes in `f64`.
#[derive(Debug, Clone, Default)]
pub struct Agents {
    /// Learning capacity L in `[0, 1]`.
    pub learning: Vec<f32>,
    /// Competitive urge C in `[0, 1]`.
    pub competition: Vec<f32>,
    /// Resources R in `[0, 1]`.
    pub resources: Vec<f32>,
    /// Inertia rho in `[0, 1]`.
    pub inertia: Vec<f32>,
    /// Fit phi (real).
    pub fit: Vec<f32>,
}

/// A trait read from the node file as a scenario writes it, for messages.
fn trait_text(spec: &TraitSpec) -> String {
    match spec {
        TraitSpec::Indicators(i) => format!("{{ from = {}, ... }}", i.columns_text()),
        _ => format!(
            "{{ from = \"{}\" }}",
            spec.node_columns().unwrap_or_default()
        ),
    }
}

/// How one trait is filled: drawn from a sampler or copied from a node column.
#[derive(Debug, Clone)]
enum TraitSource {
    Draw(Sampler),
    Column(Vec<f64>),
}

/// The recipe for drawing [`Agents`], checked once per scenario and reused by every run.
#[derive(Debug, Clone)]
pub struct AgentRecipe {
    traits: [(TraitSource, bool); 5],
    /// The traits every run shares, drawn once from the scenario's seed (`agents.redraw = false`).
    fixed: Option<Agents>,
}

impl AgentRecipe {
    /// Checks the trait specifications against the network (node columns exist) and prepares samplers.
    pub fn new(scenario: &Scenario, network: &Network) -> Result<AgentRecipe> {
        let a = &scenario.agents;
        let source = |key: &str, spec: &TraitSpec| -> Result<TraitSource> {
            match spec.node_values(network.n, |c| network.column(c)) {
                Some(Ok(values)) => Ok(TraitSource::Column(values)),
                Some(Err(e)) => Err(Error::Input(format!(
                    "agents.{key} = {}: {e}{}",
                    trait_text(spec),
                    network.columns_hint()
                ))),
                None => Ok(TraitSource::Draw(spec.sampler().expect("not a column"))),
            }
        };
        let mut recipe = AgentRecipe {
            traits: [
                (source("learning", &a.learning)?, true),
                (source("competition", &a.competition)?, true),
                (source("resources", &a.resources)?, true),
                (source("inertia", &a.inertia)?, true),
                (source("fit", &a.fit)?, false),
            ],
            fixed: None,
        };
        if !a.redraw {
            // one population for the whole scenario, from a stream no run uses
            let agents = recipe.draw_new(network.n, &mut traits_rng(scenario.seed));
            recipe.fixed = Some(agents);
        }
        Ok(recipe)
    }

    /// The traits of one run's n governments: the scenario's own population when the traits
    /// are drawn once (no draw from `rng`), otherwise a new draw.
    pub fn draw<R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> Agents {
        match &self.fixed {
            Some(agents) => {
                debug_assert_eq!(agents.learning.len(), n, "drawn for this network");
                agents.clone()
            }
            None => self.draw_new(n, rng),
        }
    }

    /// Draws the traits of n governments (traits bounded to `[0, 1]` are clamped).
    fn draw_new<R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> Agents {
        let mut out: [Vec<f32>; 5] = Default::default();
        for (k, (src, bounded)) in self.traits.iter().enumerate() {
            let value = |x: f64| if *bounded { x.clamp(0.0, 1.0) } else { x } as f32;
            out[k] = match src {
                TraitSource::Draw(s) => s.draw_many(n, rng, value),
                TraitSource::Column(c) => c.iter().map(|&x| value(x)).collect(),
            };
        }
        let [learning, competition, resources, inertia, fit] = out;
        Agents {
            learning,
            competition,
            resources,
            inertia,
            fit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use crate::scenario::Distribution;

    #[test]
    fn traits_are_drawn_clamped_or_read_from_columns() {
        let mut s = Scenario::default();
        s.agents.learning = TraitSpec::Dist(Distribution::Normal { mean: 0.5, sd: 2.0 });
        s.agents.fit = TraitSpec::Dist(Distribution::Normal { mean: 0.0, sd: 3.0 });
        s.agents.resources = TraitSpec::Column { from: "gdp".into() };
        let mut net = Network::complete(500);
        net.columns
            .push(("gdp".into(), (0..500).map(|i| i as f64 / 500.0).collect()));
        let recipe = AgentRecipe::new(&s, &net).unwrap();
        let a = recipe.draw(500, &mut run_rng(1, 0));
        assert!(a.learning.iter().all(|&x| (0.0..=1.0).contains(&x)));
        assert!(a.learning.contains(&0.0) && a.learning.contains(&1.0));
        assert!(
            a.fit.iter().any(|&x| !(0.0..=1.0).contains(&x)),
            "fit is not clamped"
        );
        assert_eq!(a.resources[250], 0.5);
        assert!(a.inertia.iter().all(|&x| x == 0.0));
    }

    #[test]
    fn an_index_of_columns_is_read_as_written_in_the_scenario() {
        let s = crate::scenario::parse_scenario(
            "[network]\nkind = \"file\"\nedges = \"e.csv\"\nnodes = \"n.csv\"\n[agents]\nresources = { from = [\"gdp\", \"revenue\"], weights = [3, 1], normalise = \"minmax\" }\nlearning = { from = \"gdp\", normalise = \"rank\" }\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let mut net = Network::complete(3);
        net.columns.push(("gdp".into(), vec![0.0, 5.0, 10.0]));
        net.columns.push(("revenue".into(), vec![30.0, 10.0, 20.0]));
        let a = AgentRecipe::new(&s, &net)
            .unwrap()
            .draw(3, &mut run_rng(1, 0));
        // gdp -> 0, .5, 1 and revenue -> 1, 0, .5, weighted 3/4 and 1/4
        assert_eq!(a.resources, vec![0.25, 0.375, 0.875]);
        assert_eq!(a.learning, vec![0.0, 0.5, 1.0]);
    }

    #[test]
    fn traits_drawn_once_are_the_same_in_every_run_and_follow_the_seed() {
        let mut s = Scenario::default();
        s.agents.learning = TraitSpec::Dist(Distribution::Beta { a: 2.0, b: 2.0 });
        s.agents.fit = TraitSpec::Dist(Distribution::Normal { mean: 0.0, sd: 1.0 });
        let net = Network::complete(400);
        let per_run = AgentRecipe::new(&s, &net).unwrap();
        let (a0, a1) = (
            per_run.draw(400, &mut run_rng(1, 0)),
            per_run.draw(400, &mut run_rng(1, 1)),
        );
        assert_ne!(
            a0.learning, a1.learning,
            "redraw = true: a new population per run"
        );
        s.agents.redraw = false;
        let once = AgentRecipe::new(&s, &net).unwrap();
        let mut rng = run_rng(1, 0);
        let b0 = once.draw(400, &mut rng);
        let b1 = once.draw(400, &mut run_rng(1, 1));
        assert_eq!(b0.learning, b1.learning);
        assert_eq!(b0.fit, b1.fit);
        // the run's own stream is left untouched for the run
        assert_eq!(
            rand::RngExt::random::<u64>(&mut rng),
            rand::RngExt::random::<u64>(&mut run_rng(1, 0))
        );
        // the population is not any run's: it comes from the seed's own traits stream
        assert_ne!(b0.learning, a0.learning);
        s.seed += 1;
        let other_seed = AgentRecipe::new(&s, &net).unwrap().draw(400, &mut rng);
        assert_ne!(other_seed.learning, b0.learning);
        // and it is a Beta(2, 2) sample: mean 1/2, sd 1/sqrt(20) = 0.224, so the mean
        // of 400 draws lies within 4 standard errors (0.045) of 1/2
        let mean = b0.learning.iter().map(|&x| f64::from(x)).sum::<f64>() / 400.0;
        assert!((mean - 0.5).abs() < 4.0 * 0.2236 / 20.0, "mean {mean}");
    }

    #[test]
    fn a_missing_column_is_an_input_error_naming_it() {
        let mut s = Scenario::default();
        s.agents.learning = TraitSpec::Column {
            from: "capacity".into(),
        };
        let err = AgentRecipe::new(&s, &Network::complete(3))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("agents.learning") && err.contains("capacity"),
            "{err}"
        );
    }
}
