//! The decision passes of the classic baselines (`si`, `bass`, `threshold`, `cascade`).

use super::*;

impl Run<'_> {
    /// `si` on an explicit network: the hot loop of the classic benchmark, written over
    /// the flat arrays directly (same decisions and draws as [`Run::decide_classic`]).
    /// The at-risk tally comes from `at_risk`, kept up to date as nodes adopt; only
    /// the nodes with an adopting neighbour (the `exposed` bits) are visited, in
    /// ascending order as a scan of all nodes would: the same draws in the same order.
    pub(super) fn decide_si(&mut self, thresholds: &[u64], adoptions: &mut Vec<Adoption>) {
        let max_k = thresholds.len();
        if self.hazard.len() < max_k {
            self.hazard.resize(max_k, (0, 0));
        }
        let hazard = &mut self.hazard[..max_k];
        for (h, &c) in hazard.iter_mut().zip(&self.at_risk) {
            h.0 += c;
        }
        // a local copy of the generator stays in registers; it is written back below
        let mut rng = self.rng.clone();
        let counts = &self.nbr_count;
        for (w, &word) in self.exposed.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let k = counts[i] as usize;
                // the integer form of `rng.random::<f64>() < prob` (same draw, same decision)
                let threshold = thresholds[k];
                if threshold == 0 || (rng.next_u64() >> 11) >= threshold {
                    continue;
                }
                hazard[k].1 += 1;
                adoptions.push(Adoption {
                    unit: i as u32,
                    channel: Channel::Learning,
                    quality: 0.0,
                    lineage: TEMPLATE_LINEAGE,
                    source: NO_SOURCE,
                });
            }
        }
        self.rng = rng;
    }

    /// `bass`, `si`, `threshold` (see [`crate::model::classic`]): each never-adopted node
    /// decides from k (adopting sources at the start of the step) and d (its sources).
    pub(super) fn decide_classic(&mut self, setup: &ClassicSetup, adoptions: &mut Vec<Adoption>) {
        let n = self.n;
        let complete = self.net.complete;
        let a_start = self.adopters.len();
        let degree = |i: usize| {
            if complete {
                n - 1
            } else {
                self.net.in_degree(i)
            }
        };
        for i in 0..n {
            if self.status[i] != NEVER {
                continue;
            }
            let k = if complete {
                a_start
            } else {
                self.nbr_count[i] as usize
            };
            if self.hazard.len() <= k {
                self.hazard.resize(k + 1, (0, 0));
            }
            self.hazard[k].0 += 1;
            let channel = match setup {
                ClassicSetup::Bass { p, q } => {
                    let d = degree(i);
                    let share = if d > 0 { k as f64 / d as f64 } else { 0.0 };
                    let h = classic_model::bass_hazard(*p, *q, share);
                    if h <= 0.0 {
                        continue;
                    }
                    let u = self.rng.random::<f64>();
                    if u >= h {
                        continue;
                    }
                    classic_model::bass_channel(*p, *q, share, u, h)
                }
                ClassicSetup::Si { by_infected, .. } => {
                    let prob = by_infected[k];
                    if prob <= 0.0 || self.rng.random::<f64>() >= prob {
                        continue;
                    }
                    Channel::Learning
                }
                ClassicSetup::Threshold(_) => {
                    if !classic_model::threshold_adopts(k, degree(i), self.node_values[i]) {
                        continue;
                    }
                    Channel::Learning
                }
                ClassicSetup::Cascade(_) => unreachable!("cascade has its own pass"),
            };
            self.hazard[k].1 += 1;
            adoptions.push(Adoption {
                unit: i as u32,
                channel,
                quality: 0.0,
                lineage: TEMPLATE_LINEAGE,
                source: NO_SOURCE,
            });
        }
    }

    /// `cascade`: each node that adopted in the previous step tries once to activate each
    /// never-adopted observer; the cost is proportional to the edges of those nodes.
    pub(super) fn decide_cascade(&mut self, src: &CascadeSource, adoptions: &mut Vec<Adoption>) {
        let n = self.n;
        let complete = self.net.complete;
        let a_start = self.adopters.len();
        // every never-adopted node is at risk, tallied by its adopting neighbours
        if complete {
            if a_start < n {
                if self.hazard.len() <= a_start {
                    self.hazard.resize(a_start + 1, (0, 0));
                }
                self.hazard[a_start].0 += (n - a_start) as u64;
            }
        } else if let Some(top) = self.at_risk.iter().rposition(|&c| c > 0) {
            if self.hazard.len() <= top {
                self.hazard.resize(top + 1, (0, 0));
            }
            for (h, &c) in self.hazard.iter_mut().zip(&self.at_risk[..=top]) {
                h.0 += c;
            }
        }
        let mut fresh = std::mem::take(&mut self.fresh);
        for &j in &fresh {
            let j = j as usize;
            let p_sender = match src {
                CascadeSource::Constant(p) => *p,
                CascadeSource::PerSender(_) => self.node_values[j],
                CascadeSource::Edges { .. } => 0.0,
            };
            let observers: &[u32] = if complete { &[] } else { self.net.observers(j) };
            let targets = if complete { n } else { observers.len() };
            for e in 0..targets {
                let i = if complete { e } else { observers[e] as usize };
                if i == j || self.status[i] != NEVER || self.pending[i] {
                    continue;
                }
                let p = match src {
                    CascadeSource::Edges { offsets, prob } => prob[offsets[j] + e],
                    _ => p_sender,
                };
                if p <= 0.0 || self.rng.random::<f64>() >= p {
                    continue;
                }
                self.pending[i] = true;
                let k = if complete {
                    a_start
                } else {
                    self.nbr_count[i] as usize
                };
                self.hazard[k].1 += 1;
                adoptions.push(Adoption {
                    unit: i as u32,
                    channel: Channel::Learning,
                    quality: 0.0,
                    lineage: TEMPLATE_LINEAGE,
                    source: j as u32,
                });
            }
        }
        fresh.clear();
        self.fresh = fresh;
        for a in adoptions.iter() {
            self.pending[a.unit as usize] = false;
        }
    }
}
