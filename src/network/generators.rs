//! Network generators (to be completed: see issue 2).

use super::Network;
use crate::error::{Error, Result};
use crate::rng::RunRng;
use crate::scenario::{NetworkKind, Scenario};

/// Builds the network a scenario describes, drawing any randomness from `rng`.
pub fn build_network(scenario: &Scenario, _rng: &mut RunRng) -> Result<Network> {
    let spec = &scenario.network;
    match spec.kind {
        NetworkKind::Complete => Ok(Network::complete(spec.n)),
        NetworkKind::Ring => {
            let n = spec.n;
            let half = (spec.k / 2).max(1);
            let mut edges = Vec::new();
            for i in 0..n {
                for d in 1..=half {
                    edges.push((i as u32, ((i + d) % n) as u32));
                }
            }
            Ok(Network::from_edges(n, &edges, None, false))
        }
        other => Err(Error::Input(format!(
            "network kind {other:?} is not implemented yet"
        ))),
    }
}
