//! The decision passes of the classic baselines (`si`, `bass`, `threshold`, `cascade`).

use super::decide::clock_step;
use super::*;

impl Run<'_> {
    /// `si` on an explicit network: the hot loop of the classic benchmark, written over
    /// the flat arrays directly (same decisions as [`Run::decide_classic`]).
    /// The at-risk tally comes from `at_risk`, kept up to date as nodes adopt; only
    /// the nodes with an adopting neighbour (the `exposed` bits) are visited, in
    /// ascending order; each steps its own clock against its probability, as
    /// [`Run::decide_classic`] does (a product by `1 / (1 - p)` in place of the division).
    pub(super) fn decide_si(
        &mut self,
        by_infected: &[f64],
        miss_scale: &[f64],
        adoptions: &mut Vec<Adoption>,
    ) {
        let max_k = by_infected.len();
        if self.hazard.len() < max_k {
            self.hazard.resize(max_k, (0, 0));
        }
        let hazard = &mut self.hazard[..max_k];
        for (h, &c) in hazard.iter_mut().zip(&self.at_risk) {
            h.0 += c;
        }
        let counts = &self.nbr_count;
        let clock = &mut self.clock;
        for (w, &word) in self.exposed.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let k = counts[i] as usize;
                let p = by_infected[k];
                let u = clock[i];
                if p <= 0.0 {
                    continue;
                }
                if u >= p {
                    clock[i] = (u - p) * miss_scale[k];
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
    }

    /// `bass`, `si`, `threshold` (see [`crate::model::classic`]): each never-adopted node
    /// decides from k (adopting sources at the start of the step) and d (its sources).
    /// `bass` and `si` step each node's clock against its probability of the step
    /// ([`super::decide::clock_step`]); `threshold` draws nothing.
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
                    // given u < h, u / h is uniform on [0, 1) and credits the channel
                    let u = self.clock[i];
                    if !clock_step(&mut self.clock[i], h) {
                        continue;
                    }
                    classic_model::bass_channel(*p, *q, share, u, h)
                }
                ClassicSetup::Si { by_infected, .. } => {
                    let prob = by_infected[k];
                    if !clock_step(&mut self.clock[i], prob) {
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
    /// A node sends once (it never abandons), so the attempt along its e-th edge is the
    /// e-th 64-bit number of the sender's cascade stream, which names neither the step
    /// nor the other attempts: two per Philox block, read only as far as needed.
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
            // the last block read: (its index, its two numbers)
            let mut cached = (u32::MAX, [0u64; 2]);
            for e in 0..targets {
                let i = if complete { e } else { observers[e] as usize };
                if i == j || self.status[i] != NEVER || self.pending[i] {
                    continue;
                }
                let p = match src {
                    CascadeSource::Edges { offsets, prob } => prob[offsets[j] + e],
                    _ => p_sender,
                };
                if p <= 0.0 {
                    continue;
                }
                let index = e as u32 / 2;
                if index != cached.0 {
                    cached = (
                        index,
                        self.streams.block_u64s(
                            FIRST_ADOPTION,
                            j as u32,
                            0,
                            Purpose::Cascade,
                            index,
                        ),
                    );
                }
                if super::decide::unit_interval(cached.1[e % 2]) >= p {
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
