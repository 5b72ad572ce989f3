//! Initial adopters at step 0: a count, a share (drawn per run), or a fixed list from a file.

use crate::error::{Error, Result};
use crate::network::DataFiles;
use crate::network::Network;
use crate::scenario::{Initial, Scenario};
use rand::{Rng, RngExt};

/// The initial adopters as resolved once per scenario.
#[derive(Debug, Clone, PartialEq)]
pub enum InitialAdopters {
    /// Nobody adopts at step 0.
    None,
    /// This many, chosen uniformly per run.
    Count(usize),
    /// The same nodes in every run.
    Fixed(Vec<u32>),
}

impl InitialAdopters {
    /// Resolves `[initial]` against the network (reads the file, if any).
    pub fn resolve(
        scenario: &Scenario,
        network: &Network,
        files: &dyn DataFiles,
    ) -> Result<InitialAdopters> {
        let init: &Initial = &scenario.initial;
        if let Some(path) = &init.file {
            let path = scenario.base_dir.join(path);
            return files
                .initial_adopters(&path, network)
                .map(InitialAdopters::Fixed);
        }
        let count = match init.share {
            Some(s) => (s * network.n as f64).round() as usize,
            None => init.count,
        };
        if count > network.n {
            return Err(Error::Input(format!(
                "initial.count = {count}: more initial adopters than the {} governments of the network",
                network.n
            )));
        }
        Ok(if count == 0 {
            InitialAdopters::None
        } else {
            InitialAdopters::Count(count)
        })
    }

    /// The adopters of one run, in ascending order.
    pub fn draw<R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> Vec<u32> {
        match self {
            InitialAdopters::None => Vec::new(),
            InitialAdopters::Fixed(v) => v.clone(),
            InitialAdopters::Count(k) => {
                // Floyd's algorithm: k distinct values from 0..n with k draws.
                let mut chosen = std::collections::BTreeSet::new();
                for j in (n - k)..n {
                    let t = rng.random_range(0..=j) as u32;
                    if !chosen.insert(t) {
                        chosen.insert(j as u32);
                    }
                }
                chosen.into_iter().collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;

    #[test]
    fn count_draws_distinct_nodes() {
        let init = InitialAdopters::Count(10);
        let v = init.draw(20, &mut run_rng(1, 0));
        assert_eq!(v.len(), 10);
        assert!(v.windows(2).all(|w| w[0] < w[1]) && v.iter().all(|&i| i < 20));
        assert_ne!(v, init.draw(20, &mut run_rng(1, 1)));
    }
}
