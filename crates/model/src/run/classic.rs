//! The decision passes of the classic baselines (`si`, `bass`, `threshold`, `cascade`).

use super::*;

impl Run<'_> {
    /// `si` on an explicit network: the hot loop of the classic benchmark, written over
    /// the flat arrays directly (same decisions and draws as [`Run::decide_classic`]).
    /// The at-risk tally comes from `at_risk`, kept up to date as nodes adopt; only
    /// the nodes with an adopting neighbour (the `exposed` bits) are visited, in
    /// ascending order; each draws the first uniform of its own stream of the step, as
    /// [`Run::decide_classic`] does.
    pub(super) fn decide_si(&mut self, t: u32, thresholds: &[u64], adoptions: &mut Vec<Adoption>) {
        let max_k = thresholds.len();
        if self.hazard.len() < max_k {
            self.hazard.resize(max_k, (0, 0));
        }
        let hazard = &mut self.hazard[..max_k];
        for (h, &c) in hazard.iter_mut().zip(&self.at_risk) {
            h.0 += c;
        }
        let streams = self.streams;
        let counts = &self.nbr_count;
        for (w, &word) in self.exposed.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let i = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let k = counts[i] as usize;
                // the integer form of `random::<f64>() < prob` (same draw, same decision)
                let threshold = thresholds[k];
                if threshold == 0
                    || (streams.first_u64(t, i as u32, Purpose::Decide) >> 11) >= threshold
                {
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
    /// Each node's uniform is the first of its own stream of the step.
    pub(super) fn decide_classic(
        &mut self,
        t: u32,
        setup: &ClassicSetup,
        adoptions: &mut Vec<Adoption>,
    ) {
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
                    let u = self.uniform(t, i);
                    if u >= h {
                        continue;
                    }
                    classic_model::bass_channel(*p, *q, share, u, h)
                }
                ClassicSetup::Si { by_infected, .. } => {
                    let prob = by_infected[k];
                    if prob <= 0.0 || self.uniform(t, i) >= prob {
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
    /// The attempt along the e-th edge of sender j in step t draws the first uniform of
    /// the cascade stream of (t, j, e), whether or not the other attempts were made.
    pub(super) fn decide_cascade(
        &mut self,
        t: u32,
        src: &CascadeSource,
        adoptions: &mut Vec<Adoption>,
    ) {
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
                let u = || {
                    super::decide::unit_interval(self.streams.first_u64_of(
                        t,
                        j as u32,
                        e as u32,
                        Purpose::Cascade,
                    ))
                };
                if p <= 0.0 || u() >= p {
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

impl Run<'_> {
    /// The first uniform of government i's decision stream of step t.
    #[inline]
    fn uniform(&self, t: u32, i: usize) -> f64 {
        super::decide::unit_interval(self.streams.first_u64(t, i as u32, Purpose::Decide))
    }
}
