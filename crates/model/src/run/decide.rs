//! The decisions of a step in the policy model: the centre acts, then every government
//! that has not adopted decides (MODEL.md sections 3 and 4), and chooses whom to copy.

use super::*;
use crate::model::influence;

impl Run<'_> {
    /// The centres act at the start of step t ([`Centre::begin_step`], in centre order); the
    /// run carries out their orders.
    pub(super) fn centre_acts(&mut self, t: u32, abandonments: &mut Vec<u32>) {
        self.orders.clear();
        let locals = Locals {
            status: &self.status,
            quality: &self.quality,
            lineage: &self.lineage,
            fit: &self.agents.fit,
            learning: &self.agents.learning,
            competition: &self.agents.competition,
            region: &self.net.region,
            n_regions: self.net.region_names.len(),
            level: &self.net.level,
            adopters: &self.adopters,
            inventor: &self.inventor,
            centre_of: self.centre_of,
            centre_adopted: &self.centre_adopted,
        };
        // each centre draws from its own stream of the step (keyed by its index)
        for (k, centre) in self.centres.iter_mut().enumerate() {
            let mut g = self.streams.stream(t, k as u32, Purpose::Centre);
            centre.begin_step(t, &locals, &mut g, &mut self.orders);
        }
        let orders = std::mem::take(&mut self.orders);
        for &i in &orders.learn_by_doing {
            self.grow(i as usize);
        }
        for &i in &orders.release {
            self.locked[i as usize] = false;
            self.refresh_risk(i as usize);
        }
        for &i in &orders.designate {
            self.designated[i as usize] = true;
        }
        abandonments.extend_from_slice(&orders.wind_up);
        self.orders = orders;
    }

    /// Every government decides for step t, reading only the state at the start of t:
    /// the policy model ([`Run::decide_policy`]) or a classic one ([`Run::decide_classic`]).
    pub(super) fn decide(
        &mut self,
        t: u32,
        adoptions: &mut Vec<Adoption>,
        abandonments: &mut Vec<u32>,
    ) {
        match self.classic {
            None => self.decide_policy(t, adoptions, abandonments),
            Some(ClassicSetup::Cascade(src)) => self.decide_cascade(src, adoptions),
            Some(ClassicSetup::Si {
                by_infected,
                miss_scale,
                ..
            }) if !self.net.complete => self.decide_si(by_infected, miss_scale, adoptions),
            Some(setup) => self.decide_classic(setup, adoptions),
        }
    }

    /// The policy model's decisions (MODEL.md sections 3 and 4).
    pub(super) fn decide_policy(
        &mut self,
        t: u32,
        adoptions: &mut Vec<Adoption>,
        abandonments: &mut Vec<u32>,
    ) {
        let s = self.s;
        let n = self.n;
        let a_start = self.adopters.len();
        let share = a_start as f64 / n.max(1) as f64;
        let credit =
            competition::credit(share, s.competition.first_mover_bias, s.central.recognition);
        // what each centre has in force this step; a government under no centre sees none
        let now: Vec<CentreNow> = self.centres.iter().map(|c| CentreNow::of(c, t)).collect();
        let national = self.centre_of.is_empty();
        let abandon_on = s.abandon.rate > 0.0;
        let comp_on = s.competition.rate > 0.0;
        let complete = self.net.complete;
        let others = n.saturating_sub(1).max(1) as f64;
        // a common shock in this step: an extra hazard for every government that never adopted
        let shock = s.shock.hazard_at(t);
        // adopters first: each one that is not locked may abandon (its abandonment clock)
        if abandon_on {
            for (k, &p) in self.adopter_risk.iter().enumerate() {
                let j = self.adopters[k];
                if clock_step(&mut self.clock[j as usize], f64::from(p)) {
                    abandonments.push(j);
                }
            }
        }
        let any_designated = !self.orders.designate.is_empty();
        // then every government that has not adopted, in ascending order; the list is
        // compacted as it goes to those that do not adopt now
        let mut undecided = std::mem::take(&mut self.undecided);
        let mut kept = 0;
        for next in 0..undecided.len() {
            let i = undecided[next];
            undecided[kept] = i;
            kept += 1;
            let i = i as usize;
            let status = self.status[i];
            let k_adopted = if complete {
                a_start
            } else {
                self.nbr_count[i] as usize
            };
            if status == NEVER {
                if self.hazard.len() <= k_adopted {
                    self.hazard.resize(k_adopted + 1, (0, 0));
                }
                self.hazard[k_adopted].0 += 1;
            }
            let centre = if national {
                &now[0]
            } else {
                match self.centre_of[i] {
                    NO_CENTRE => &CentreNow::NONE,
                    c => &now[c as usize],
                }
            };
            // the variant it adopts (and whom it copies) comes from its own streams, keyed
            // by its first adoption whenever that happens (by the step when it re-adopts)
            let when = variant_step(status, t);
            if any_designated && self.designated[i] {
                let mut v = self.streams.stream(when, i as u32, Purpose::Variant);
                let q = adapt::adapt(
                    &s.adapt,
                    centre.template.0,
                    f64::from(self.agents.learning[i]),
                    &mut v,
                );
                adoptions.push(Adoption {
                    unit: i as u32,
                    channel: Channel::Pilot,
                    quality: q,
                    lineage: centre.template.1,
                    source: self.centre_source(i),
                });
                kept -= 1;
                self.hazard[k_adopted].1 += 1;
                continue;
            }
            let degree = if complete {
                others
            } else {
                self.net.in_degree(i) as f64
            };
            // learning signal S_i
            let (mut signal_sum, mut denom) = if let Some(inf) = &self.influence {
                self.reached(inf, i, t)
            } else if complete {
                let sum = if self.weighted && a_start > 0 {
                    self.signal_total
                } else {
                    a_start as f64
                };
                (sum, degree)
            } else if self.weighted && k_adopted > 0 {
                // (with nobody adopting the sum is exactly 0, not float residue)
                (self.nbr_signal[i], degree)
            } else {
                (k_adopted as f64, degree)
            };
            if let Some(e) = centre.endorsed {
                signal_sum += e.weight * e.mean_w;
                denom += e.weight;
            }
            let signal = match &self.influence {
                Some(inf) => influence::signal(inf.exposure, signal_sum, denom),
                None if denom > 0.0 => signal_sum / denom,
                None => 0.0,
            };
            let mut probs = [0.0; 6];
            probs[1] = model::clamp01(f64::from(self.propensity.learning[i]) * signal);
            if status == NEVER {
                probs[0] = f64::from(self.propensity.innovation[i]);
                if comp_on {
                    let p_rivals = self.rivals_share(i, k_adopted, a_start);
                    probs[2] = model::clamp01(
                        f64::from(self.propensity.competition[i]) * p_rivals * credit,
                    );
                }
                if let Some(f) = &self.failures {
                    // the costs of failure: appetite for risk left after failures seen
                    probs[0] *= f.appetite[i];
                    probs[2] *= f.appetite[i];
                }
                probs[5] = shock;
                if centre.mandate_on {
                    probs[4] = centre::mandate_probability(
                        &s.central.mandate,
                        f64::from(self.agents.inertia[i]),
                        centre.at_deadline,
                    );
                }
            }
            let total = model::combined_probability(&probs);
            // the stream's first uniform u decides whether to adopt (u < total); given that,
            // u / total is uniform on [0, 1) and credits the channel: the channels hold
            // fixed stretches of [0, total), so a change in one channel's probability moves
            // only the adoptions at its margin (paired runs stay in step)
            let u = self.clock[i];
            if !clock_step(&mut self.clock[i], total) {
                continue;
            }
            let channel = model::attribute(&probs, u / total);
            let mut v = self.streams.stream(when, i as u32, Purpose::Variant);
            let ((source_q, lineage), source) = match channel {
                // a common shock pushes a government to design its own version
                Channel::Innovation | Channel::Shock => {
                    let q = self.innovation_quality.draw(&mut v);
                    ((q, self.new_lineage(i as u32)), NO_SOURCE)
                }
                Channel::Learning => match self.learning_source(when, t, i, centre.endorsed) {
                    Some((variant, ENDORSED_SOURCE)) => (variant, self.centre_source(i)),
                    Some(chosen) => chosen,
                    // S_i > 0 only through rounding, with nobody to learn from: no
                    // adoption, and a fresh clock (the old one is known to be small)
                    None => {
                        self.clock[i] = self.fresh_clock(t, i, adoption::RETRY_CLOCK);
                        continue;
                    }
                },
                Channel::Competition => self.competition_source(when, i),
                Channel::Mandate => (centre.mandate_variant, self.centre_source(i)),
                Channel::Pilot => (centre.template, self.centre_source(i)),
            };
            // innovation starts a new variant; every copied variant is adapted
            let quality = if matches!(channel, Channel::Innovation | Channel::Shock) {
                source_q
            } else {
                adapt::adapt(
                    &s.adapt,
                    source_q,
                    f64::from(self.agents.learning[i]),
                    &mut v,
                )
            };
            if status == NEVER {
                self.hazard[k_adopted].1 += 1;
            }
            adoptions.push(Adoption {
                unit: i as u32,
                channel,
                quality,
                lineage,
                source,
            });
            kept -= 1;
        }
        undecided.truncate(kept);
        self.undecided = undecided;
    }

    /// The governments that have not adopted, after a step's adoptions and abandonments
    /// (the decision pass has already dropped the governments that adopted).
    pub(super) fn update_undecided(&mut self, abandonments: &[u32]) {
        debug_assert!(self
            .undecided
            .iter()
            .all(|&i| self.status[i as usize] != ADOPTED));
        merge_sorted(&mut self.undecided, abandonments);
    }

    /// P_i: the share of i's rivals that have adopted.
    pub(super) fn rivals_share(&self, i: usize, k_adopted: usize, a_start: usize) -> f64 {
        let others = self.n.saturating_sub(1);
        match self.s.competition.rivals {
            Rivals::Neighbours => {
                let k = self.net.in_degree(i);
                if k == 0 {
                    0.0
                } else {
                    k_adopted as f64 / k as f64
                }
            }
            Rivals::All => {
                if others == 0 {
                    0.0
                } else {
                    a_start as f64 / others as f64
                }
            }
            Rivals::SameParent => {
                let g = self.groups.expect("groups prepared for same_parent");
                self.group_share[g.of[i] as usize]
            }
        }
    }

    /// An adopter picked uniformly, from i's rival stream of step t (sub-index `u32::MAX`,
    /// which no government's index reaches).
    fn pick_adopter(&self, t: u32, i: u32) -> usize {
        let mut g = self.streams.substream(t, i, u32::MAX, Purpose::Rival);
        self.adopters[g.random_range(0..self.adopters.len())] as usize
    }

    /// The source recorded for an adoption from i's centre: [`CENTRE_SOURCE`] for the
    /// national centre, else the government that is i's centre.
    pub(super) fn centre_source(&self, i: usize) -> u32 {
        match self.centre_of.get(i) {
            Some(&c) if c != NO_CENTRE => self.centre_units[c as usize],
            _ => CENTRE_SOURCE,
        }
    }

    /// Whom i learns from (the four-step cycle): an adopting neighbour, chosen by observed
    /// performance; its variant (quality, lineage) and who it is ([`ENDORSED_SOURCE`] for
    /// the endorsed pilots).
    ///
    /// Each candidate's observation noise comes from its own stream of (step, learner,
    /// candidate), so a candidate that comes or goes does not change what the learner
    /// sees of the others; the choice is one uniform over the cumulative weights (in the
    /// order the candidates are offered), the first number of the learner's stream of
    /// sub-index [`CHOICE_SUB`].
    pub(super) fn learning_source(
        &mut self,
        t: u32,
        now: u32,
        i: usize,
        endorsed: Option<Endorsement>,
    ) -> Option<((f64, u32), u32)> {
        let mut keys = std::mem::take(&mut self.source_keys);
        let mut chooser = learning::SourceChooser::new(
            &self.s.learning,
            f64::from(self.agents.learning[i]),
            &mut keys,
        );
        let learner = i as u32;
        let streams = self.streams;
        let mut offer = |j: u32, sub: u32, performance: f64, weight: f64| {
            let mut c = streams.substream(t, learner, sub, Purpose::LearnSource);
            chooser.offer(j, performance, weight, &mut c);
        };
        if self.net.complete {
            let a = self.adopters.len();
            if a <= COMPLETE_OBSERVATION_SAMPLE {
                for &j in &self.adopters {
                    let pull = self.source_pull(i, 0, j as usize, now);
                    offer(j, j, self.performance(j as usize), pull);
                }
            } else {
                // observation k of a sample drawn with replacement: its own stream picks
                // the adopter, then its noise (as a candidate's)
                for k in 0..COMPLETE_OBSERVATION_SAMPLE as u32 {
                    let mut o = streams.substream(t, learner, k, Purpose::Observe);
                    let j = self.adopters[o.random_range(0..a)];
                    let pull = self.source_pull(i, 0, j as usize, now);
                    chooser.offer(j, self.performance(j as usize), pull, &mut o);
                }
            }
        } else {
            for (k, &j) in self.net.sources(i).iter().enumerate() {
                if self.status[j as usize] == ADOPTED {
                    let pull = self.source_pull(i, k, j as usize, now);
                    if pull > 0.0 {
                        offer(j, j, self.performance(j as usize), pull);
                    }
                }
            }
        }
        if let Some(e) = endorsed.filter(|e| e.weight > 0.0) {
            let mut c = streams.substream(t, learner, ENDORSED_SOURCE, Purpose::LearnSource);
            chooser.offer(ENDORSED_SOURCE, e.performance, e.weight, &mut c);
        }
        let u = unit_interval(streams.first_u64_of(t, learner, CHOICE_SUB, Purpose::LearnSource));
        let chosen = chooser.choose(u);
        self.source_keys = keys;
        match chosen? {
            ENDORSED_SOURCE => endorsed.map(|e| ((e.quality, e.lineage), ENDORSED_SOURCE)),
            j => Some(((self.quality[j as usize], self.lineage[j as usize]), j)),
        }
    }

    /// Whom i copies when racing: an adopting rival picked uniformly; its variant and index.
    ///
    /// Among its neighbours or the members of its group, one index into the adopting
    /// rivals (in the order of the network's lists), among all adopters (rivals `all`,
    /// or a complete network) one index into the adopters: either from i's rival stream
    /// of the step (sub-index `u32::MAX`, which no government's index reaches).
    pub(super) fn competition_source(&self, t: u32, i: usize) -> ((f64, u32), u32) {
        let learner = i as u32;
        let nth_adopting = |candidates: &[u32]| {
            let adopting = candidates
                .iter()
                .filter(|&&j| self.status[j as usize] == ADOPTED)
                .count();
            let mut g = self.streams.substream(t, learner, u32::MAX, Purpose::Rival);
            let m = g.random_range(0..adopting.max(1));
            candidates
                .iter()
                .filter(|&&j| self.status[j as usize] == ADOPTED)
                .nth(m)
                .map_or(usize::MAX, |&j| j as usize)
        };
        let j = match self.s.competition.rivals {
            Rivals::All => self.pick_adopter(t, learner),
            Rivals::Neighbours if self.net.complete => self.pick_adopter(t, learner),
            Rivals::Neighbours => nth_adopting(self.net.sources(i)),
            Rivals::SameParent => {
                let groups = self.groups.expect("groups prepared");
                nth_adopting(groups.members(groups.of[i]))
            }
        };
        ((self.quality[j], self.lineage[j]), j as u32)
    }
}

/// The step that keys the streams of a government's variant when it adopts in step t:
/// [`FIRST_ADOPTION`] for its first adoption (so that it draws the same variant noise
/// whenever it first adopts), t when it re-adopts after abandoning.
#[inline]
pub(super) fn variant_step(status: u8, t: u32) -> u32 {
    if status == NEVER {
        FIRST_ADOPTION
    } else {
        t
    }
}

/// The sub-index of a learner's stream whose first number chooses whom it learns from
/// (no candidate's index reaches it: `u32::MAX` is the endorsed pilots).
const CHOICE_SUB: u32 = u32::MAX - 1;

/// One step of a running uniform u (a government's clock) against the step's
/// probability p: the event happens when u < p; otherwise u becomes (u - p) / (1 - p).
///
/// Given u >= p, (u - p) / (1 - p) is again uniform on [0, 1) and independent of the
/// past, so the event happens in each step with exactly its probability, as with a
/// fresh uniform per step; and given u < p, u / p is uniform on [0, 1) (it credits the
/// channel). Paired runs whose probabilities differ then keep the same clock: a
/// government that is slow to adopt in one arm is slow in the other. Floating point
/// rounding moves the event's probability by about 2^-53 / (1 - p) per step.
#[inline]
pub(super) fn clock_step(u: &mut f64, p: f64) -> bool {
    if p <= 0.0 {
        return false;
    }
    if *u < p {
        return true;
    }
    *u = (*u - p) / (1.0 - p);
    false
}

/// The uniform in [0, 1) of 64 random bits, as `random::<f64>()` makes it (53 bits).
#[inline]
pub(super) fn unit_interval(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Merges `extra` (ascending, none of them in `list`) into the ascending `list`, in place
/// from the back: the governments that abandoned rejoin the undecided in their order.
fn merge_sorted(list: &mut Vec<u32>, extra: &[u32]) {
    if extra.is_empty() {
        return;
    }
    let mut a = list.len();
    let mut b = extra.len();
    list.resize(a + b, 0);
    let mut k = a + b;
    while b > 0 {
        if a > 0 && list[a - 1] > extra[b - 1] {
            list[k - 1] = list[a - 1];
            a -= 1;
        } else {
            list[k - 1] = extra[b - 1];
            b -= 1;
        }
        k -= 1;
    }
}

#[cfg(test)]
mod tests {
    use super::{merge_sorted, unit_interval};
    use crate::rng::{run_streams, Purpose};
    use rand::RngExt;

    #[test]
    fn the_first_uniform_read_directly_is_the_streams_first() {
        let s = run_streams(3, 9);
        for i in 0..50 {
            let direct = unit_interval(s.first_u64(4, i, Purpose::Abandon));
            let drawn: f64 = s.stream(4, i, Purpose::Abandon).random();
            assert_eq!(direct, drawn);
            assert!((0.0..1.0).contains(&direct));
        }
    }

    #[test]
    fn merging_keeps_the_undecided_list_ascending() {
        let mut rng_state = 12345u64;
        for case in 0..200 {
            // two disjoint ascending lists drawn from 0..60
            let mut list = Vec::new();
            let mut extra = Vec::new();
            for i in 0..60u32 {
                rng_state = rng_state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                match (rng_state >> 33) % 3 {
                    0 => list.push(i),
                    1 => extra.push(i),
                    _ => {}
                }
            }
            let mut expected = [list.clone(), extra.clone()].concat();
            expected.sort_unstable();
            merge_sorted(&mut list, &extra);
            assert_eq!(list, expected, "case {case}");
        }
        let mut empty = Vec::new();
        merge_sorted(&mut empty, &[3, 9]);
        assert_eq!(empty, [3, 9]);
    }
}
