//! Leave-one-policy-out innovativeness for `forecast --evaluate-all`: when the scenario
//! reads the node column `innovativeness` (computed from every policy of a file, the
//! forecast one included), the evaluation of policy P replaces it by the score of the
//! other policies of the observed file, counting only their adoptions up to P's last
//! training year, so that neither P nor later years leak into P's forecast
//! (docs/forecast.md).

use crate::innovativeness::scores;
use policysim_io::observed::{read_observed, ObservedOptions};
use policysim_model::network::Network;
use policysim_model::scenario::{Scenario, TraitSpec};
use std::collections::HashMap;
use std::path::Path;

/// The node column that is recomputed per policy.
pub const COLUMN: &str = "innovativeness";

/// True when a trait of `scenario` reads the node column [`COLUMN`] (alone or in an
/// index of columns).
pub fn scenario_uses_column(scenario: &Scenario) -> bool {
    let a = &scenario.agents;
    [
        &a.learning,
        &a.competition,
        &a.resources,
        &a.inertia,
        &a.fit,
    ]
    .iter()
    .any(|spec| match spec {
        TraitSpec::Column { from } => from == COLUMN,
        TraitSpec::Indicators(i) => i.from.iter().any(|c| c == COLUMN),
        _ => false,
    })
}

/// The adoption year of every node for each policy of the file that can be read (matched
/// to the network as the forecast matches its own policy); a policy that cannot be read
/// is left out of the scores (its own evaluation says why).
pub fn read_policies(
    path: &Path,
    network: &Network,
    reading: &ObservedOptions,
    policies: &[String],
) -> Vec<PolicyYears> {
    policies
        .iter()
        .filter_map(|p| {
            let reading = ObservedOptions {
                policy: Some(p.clone()),
                ..reading.clone()
            };
            let o = read_observed(path, network, &reading).ok()?;
            let years = o
                .adopted_step
                .iter()
                .map(|s| s.map(|s| o.start_year + s as i32))
                .collect();
            Some((p.clone(), years))
        })
        .collect()
}

/// Each policy's adoption year per node (None: not adopted).
pub type PolicyYears = (String, Vec<Option<i32>>);

/// What the evaluation of one policy used in place of the node column.
#[derive(Debug, Clone, PartialEq)]
pub struct LeftOut {
    /// The score per node, rounded to 4 decimals as `policysim innovativeness` writes it.
    pub values: Vec<f64>,
    /// The other policies with at least one adoption up to `until`.
    pub policies: usize,
    /// The last year whose adoptions count (the policy's last training year).
    pub until: i32,
}

/// The innovativeness of every node from the policies other than `policy`, counting only
/// adoptions up to `until`; None when no other policy has an adoption by then.
pub fn left_out(all: &[PolicyYears], policy: &str, until: i32, n: usize) -> Option<LeftOut> {
    let used: Vec<HashMap<usize, i32>> = all
        .iter()
        .filter(|(p, _)| p != policy)
        .map(|(_, years)| {
            years
                .iter()
                .enumerate()
                .filter_map(|(i, y)| y.filter(|&y| y <= until).map(|y| (i, y)))
                .collect::<HashMap<usize, i32>>()
        })
        .filter(|m| !m.is_empty())
        .collect();
    if used.is_empty() || n < 2 {
        return None;
    }
    let refs: Vec<&HashMap<usize, i32>> = used.iter().collect();
    let values = scores(n, &refs)
        .iter()
        .map(|s| {
            format!("{:.4}", s.innovativeness)
                .parse()
                .unwrap_or(s.innovativeness)
        })
        .collect();
    Some(LeftOut {
        values,
        policies: used.len(),
        until,
    })
}

/// `network` with its column [`COLUMN`] replaced by `values`.
pub fn with_column(network: &Network, values: &[f64]) -> Network {
    let mut net = network.clone();
    for (name, column) in &mut net.columns {
        if name == COLUMN {
            *column = values.to_vec();
        }
    }
    net
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_left_out_policy_and_later_years_do_not_count() {
        let all = vec![
            ("p".to_string(), vec![Some(1990), None, Some(1991)]),
            ("q".to_string(), vec![None, Some(1980), Some(1981)]),
            ("r".to_string(), vec![Some(2000), Some(1999), None]),
        ];
        // leaving p out, up to 1990: q alone (r has nothing by then)
        let l = left_out(&all, "p", 1990, 3).unwrap();
        assert_eq!(l.policies, 1);
        // q: ranks 3, 1, 2 -> (3 - r) / 2 = 0, 1, 0.5
        assert_eq!(l.values, vec![0.0, 1.0, 0.5]);
        // nothing of the others by 1970
        assert!(left_out(&all, "p", 1970, 3).is_none());
        assert_eq!(left_out(&all, "p", 2000, 3).unwrap().policies, 2);
    }
}
