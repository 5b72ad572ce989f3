//! The classic baselines of MODEL.md section 5: `bass`, `si`, `threshold`, `cascade`.
//!
//! They run through the same step loop as the policy model ([`crate::run`]), with the
//! same synchronous update: every decision in step t reads the state at the start of t
//! (A = the adopters at the start of t) and all adoptions are applied together at the end
//! of t. Nobody abandons. For a government i that has not adopted:
//!
//! - k_i = number of i's sources (the governments i observes) that have adopted;
//!   on a complete network k_i = A (i itself has not adopted, so it is never counted);
//! - d_i = number of i's sources (in-degree); on a complete network d_i = N - 1;
//! - S_i = k_i / d_i, the share of i's neighbours that have adopted (0 when d_i = 0).
//!
//! Channel credit: `bass` splits its adoptions between innovation (p) and learning
//! (q S_i) in proportion; `si`, `threshold` and `cascade` credit every adoption to
//! learning. Initial adopters (step 0) are not credited to any channel, as in the policy
//! model. Quality, performance and lineage series are NaN: the classic models have no
//! variants.

use crate::error::{Error, Result};
use crate::model::{clamp01, Channel};
use crate::network::Network;
use crate::scenario::{ModelKind, Sampler, Scenario, TraitSpec};
use rand::Rng;

/// Tolerance of the threshold comparison: S_i >= theta_i - THRESHOLD_EPS.
///
/// It only absorbs floating-point rounding (a threshold computed as 2.0 / 7.0 in another
/// program is reached by 2 of 7 neighbours); shares that differ by more are never equal.
pub const THRESHOLD_EPS: f64 = 1e-12;

/// Bass: the per-step adoption hazard `clamp(p + q * S, 0, 1)`.
///
/// `share` is S_i, the share of i's neighbours that had adopted at the start of the step.
#[inline]
pub fn bass_hazard(p: f64, q: f64, share: f64) -> f64 {
    clamp01(p + q * share)
}

/// Bass: the channel credited with an adoption drawn as `u < hazard`.
///
/// Given the adoption, u / hazard is uniform on [0, 1); the adoption is credited to
/// innovation when u / hazard < p / (p + q S) and to learning otherwise, so the credit
/// is proportional to the two terms of the hazard (also when the hazard is clamped at 1).
#[inline]
pub fn bass_channel(p: f64, q: f64, share: f64, u: f64, hazard: f64) -> Channel {
    let total = p + q * share;
    if total <= 0.0 || hazard <= 0.0 || u / hazard < p / total {
        Channel::Innovation
    } else {
        Channel::Learning
    }
}

/// SI: probability that a susceptible node with k infected sources is infected this step,
/// `1 - (1 - beta)^k` (each infected source transmits independently with probability beta).
#[inline]
pub fn si_probability(beta: f64, k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let k = i32::try_from(k).unwrap_or(i32::MAX);
    clamp01(1.0 - (1.0 - beta).powi(k))
}

/// Threshold (Granovetter/Watts): i adopts this step when `k / d >= theta - THRESHOLD_EPS`.
///
/// Deterministic given the thresholds. A node without neighbours (d = 0) adopts only if
/// its threshold is <= 0; a threshold <= 0 makes a node adopt at step 1 in any case, a
/// threshold > 1 means it never adopts.
#[inline]
pub fn threshold_adopts(adopted: usize, neighbours: usize, theta: f64) -> bool {
    if neighbours == 0 {
        return theta <= 0.0;
    }
    adopted as f64 / neighbours as f64 >= theta - THRESHOLD_EPS
}

/// Where the thresholds of `model = "threshold"` come from.
#[derive(Debug, Clone)]
pub enum ThresholdSource {
    /// Drawn per node and run (a constant draws nothing from the RNG).
    Draw(Sampler),
    /// Read from a node-file column (the same in every run).
    Column(Vec<f64>),
}

/// Where the activation probabilities of `model = "cascade"` come from.
#[derive(Debug, Clone)]
pub enum CascadeSource {
    /// The same probability on every edge.
    Constant(f64),
    /// Drawn once per node and run (clamped to [0, 1]): the probability with which that
    /// node, once it has adopted, activates each of its observers.
    PerSender(Sampler),
    /// Per edge, from the edge file's `weight` column: `prob[e]` is aligned with the
    /// observer lists (`observers(j)` of node j starts at `offsets[j]`).
    Edges {
        /// Offsets into `prob` per sender.
        offsets: Vec<usize>,
        /// Activation probability of each (sender, observer) edge.
        prob: Vec<f64>,
    },
}

/// What every run of a classic model shares, checked once per scenario.
#[derive(Debug, Clone)]
pub enum ClassicSetup {
    /// `bass` (p, q).
    Bass {
        /// Innovation coefficient.
        p: f64,
        /// Imitation coefficient.
        q: f64,
    },
    /// `si` (beta).
    Si {
        /// Per-edge infection probability per step.
        beta: f64,
        /// `si_probability(beta, k)` for every k a node can have (0..=max in-degree),
        /// computed once so the step loop does no powers.
        by_infected: Vec<f64>,
        /// `1 / (1 - by_infected[k])`: the step loop carries a node's clock on with a
        /// product instead of a division (`inf` when the probability is 1).
        miss_scale: Vec<f64>,
    },
    /// `threshold`.
    Threshold(ThresholdSource),
    /// `cascade`.
    Cascade(CascadeSource),
}

impl ClassicSetup {
    /// Checks a classic model's parameters against the network; `None` for the policy model.
    pub fn new(scenario: &Scenario, network: &Network) -> Result<Option<ClassicSetup>> {
        Ok(Some(match scenario.model {
            ModelKind::Policy => return Ok(None),
            ModelKind::Bass => ClassicSetup::Bass {
                p: scenario.bass.p,
                q: scenario.bass.q,
            },
            ModelKind::Si => {
                let max_k = if network.complete {
                    network.n.saturating_sub(1)
                } else {
                    (0..network.n).map(|i| network.in_degree(i)).max().unwrap_or(0)
                };
                let by_infected: Vec<f64> = (0..=max_k)
                    .map(|k| si_probability(scenario.si.beta, k))
                    .collect();
                ClassicSetup::Si {
                    beta: scenario.si.beta,
                    miss_scale: by_infected.iter().map(|&p| 1.0 / (1.0 - p)).collect(),
                    by_infected,
                }
            }
            ModelKind::Threshold => {
                ClassicSetup::Threshold(match &scenario.threshold.value {
                    TraitSpec::Column { from } => match network.column(from) {
                        Some(col) if col.len() == network.n => {
                            ThresholdSource::Column(col.to_vec())
                        }
                        _ => {
                            return Err(Error::Input(format!(
                                "threshold.value = {{ from = \"{from}\" }}: the node file has no numeric column `{from}`{}",
                                network.columns_hint()
                            )))
                        }
                    },
                    TraitSpec::Indicators(i) => ThresholdSource::Column(
                        i.values(network.n, |c| network.column(c)).map_err(|e| {
                            Error::Input(format!(
                                "threshold.value = {{ from = {}, ... }}: {e}{}",
                                i.columns_text(),
                                network.columns_hint()
                            ))
                        })?,
                    ),
                    other => ThresholdSource::Draw(other.sampler().expect("not a column")),
                })
            }
            ModelKind::Cascade => ClassicSetup::Cascade(match &scenario.cascade.p {
                TraitSpec::Constant(p) => CascadeSource::Constant(clamp01(*p)),
                TraitSpec::Dist(d) => CascadeSource::PerSender(d.sampler()),
                TraitSpec::Column { from } => {
                    if from != "weight" {
                        return Err(Error::Input(format!(
                            "cascade.p = {{ from = \"{from}\" }}: cascade probabilities can only come from the edge file's weights; write cascade.p = {{ from = \"weight\" }}"
                        )));
                    }
                    cascade_edge_probabilities(network)?
                }
                TraitSpec::Indicators(i) => {
                    return Err(Error::Input(format!(
                        "cascade.p = {{ from = {}, ... }}: cascade probabilities can only come from the edge file's weights; write cascade.p = {{ from = \"weight\" }}",
                        i.columns_text()
                    )));
                }
            }),
        }))
    }

    /// Per-node values one run needs: thresholds or per-sender probabilities (else empty).
    pub fn draw_node_values<R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> Vec<f64> {
        match self {
            ClassicSetup::Threshold(ThresholdSource::Column(c)) => c.clone(),
            ClassicSetup::Threshold(ThresholdSource::Draw(s)) => {
                (0..n).map(|_| s.draw(rng)).collect()
            }
            ClassicSetup::Cascade(CascadeSource::PerSender(s)) => {
                (0..n).map(|_| clamp01(s.draw(rng))).collect()
            }
            _ => Vec::new(),
        }
    }
}

/// Edge weights as activation probabilities aligned with the observer lists.
fn cascade_edge_probabilities(network: &Network) -> Result<CascadeSource> {
    if network.complete || network.source_weights.is_empty() {
        return Err(Error::Input(
            "cascade.p = { from = \"weight\" }: the network has no edge weights \
             (use network.kind = \"file\" with an edge file that has a `weight` column, or give a number)"
                .to_string(),
        ));
    }
    if let Some(w) = network
        .source_weights
        .iter()
        .find(|w| !(0.0..=1.0).contains(*w))
    {
        return Err(Error::Input(format!(
            "cascade.p = {{ from = \"weight\" }}: edge weights are used as activation probabilities and must be in [0, 1], found {w}"
        )));
    }
    let n = network.n;
    if !network.directed {
        // undirected: observers(j) = sources(j) and the weights are symmetric
        return Ok(CascadeSource::Edges {
            offsets: network.source_offsets.clone(),
            prob: network.source_weights.iter().map(|&w| w as f64).collect(),
        });
    }
    // directed: walk the source lists in observer order; each observer list is sorted by
    // observer, so a cursor per sender fills the weights in place
    let offsets = network.observer_offsets.clone();
    let mut cursor: Vec<usize> = offsets[..n].to_vec();
    let mut prob = vec![0.0; network.observer_ids.len()];
    for i in 0..n {
        for (&j, &w) in network.sources(i).iter().zip(network.source_weights(i)) {
            let c = &mut cursor[j as usize];
            debug_assert_eq!(network.observer_ids[*c] as usize, i);
            prob[*c] = w as f64;
            *c += 1;
        }
    }
    Ok(CascadeSource::Edges { offsets, prob })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bass_hazard_is_clamped_and_credit_is_proportional() {
        assert!((bass_hazard(0.1, 0.4, 0.5) - 0.3).abs() < 1e-15);
        assert_eq!(bass_hazard(0.9, 0.4, 1.0), 1.0);
        // p = 0.1, q S = 0.2: innovation for u < 0.1, learning for 0.1 <= u < 0.3
        assert_eq!(bass_channel(0.1, 0.4, 0.5, 0.09, 0.3), Channel::Innovation);
        assert_eq!(bass_channel(0.1, 0.4, 0.5, 0.11, 0.3), Channel::Learning);
        // clamped: p = 0.6, q S = 0.6, hazard 1: half each
        assert_eq!(bass_channel(0.6, 0.6, 1.0, 0.49, 1.0), Channel::Innovation);
        assert_eq!(bass_channel(0.6, 0.6, 1.0, 0.51, 1.0), Channel::Learning);
    }

    #[test]
    fn si_probability_compounds_per_source() {
        assert_eq!(si_probability(0.3, 0), 0.0);
        assert!((si_probability(0.3, 1) - 0.3).abs() < 1e-15);
        assert!((si_probability(0.3, 2) - 0.51).abs() < 1e-15);
        assert_eq!(si_probability(1.0, 5), 1.0);
    }

    #[test]
    fn threshold_compares_shares_with_isolated_nodes_special() {
        assert!(threshold_adopts(1, 99, 1.0 / 99.0));
        assert!(!threshold_adopts(1, 99, 2.0 / 99.0));
        assert!(threshold_adopts(3, 10, 0.3));
        assert!(threshold_adopts(0, 0, 0.0));
        assert!(!threshold_adopts(0, 0, 0.1));
        assert!(threshold_adopts(0, 5, -0.5));
    }

    #[test]
    fn directed_edge_weights_follow_the_observer_lists() {
        // 0 -> 1 (0.2), 0 -> 2 (0.7), 2 -> 1 (0.9)
        let net = Network::from_edges(3, &[(0, 1), (0, 2), (2, 1)], Some(&[0.2, 0.7, 0.9]), true);
        let CascadeSource::Edges { offsets, prob } = cascade_edge_probabilities(&net).unwrap()
        else {
            panic!("edges expected")
        };
        for j in 0..3 {
            for (k, &o) in net.observers(j).iter().enumerate() {
                let expected = match (j, o) {
                    (0, 1) => 0.2f32,
                    (0, 2) => 0.7,
                    (2, 1) => 0.9,
                    _ => unreachable!(),
                };
                assert_eq!(prob[offsets[j] + k], expected as f64);
            }
        }
    }

    #[test]
    fn weights_as_probabilities_need_weights_in_unit_interval() {
        let net = Network::from_edges(2, &[(0, 1)], None, false);
        let err = cascade_edge_probabilities(&net).unwrap_err().to_string();
        assert!(err.contains("no edge weights"), "{err}");
        let net = Network::from_edges(2, &[(0, 1)], Some(&[1.5]), false);
        let err = cascade_edge_probabilities(&net).unwrap_err().to_string();
        assert!(err.contains("[0, 1]"), "{err}");
    }
}
