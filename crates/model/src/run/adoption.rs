//! What adopting and abandoning change in a run: the adopter lists, lineages, the chance
//! to abandon, growing capacity, and the neighbourhood counts and signals.

use super::*;

/// Sub-index of the clock streams: adopting (at the start, after an abandonment).
pub(super) const ADOPT_CLOCK: u32 = 0;
/// Sub-index of the clock streams: adopting again after a step whose adoption found nobody to learn from.
pub(super) const RETRY_CLOCK: u32 = 1;
/// Sub-index of the clock streams: abandoning (at each adoption).
pub(super) const ABANDON_CLOCK: u32 = 2;

impl Run<'_> {
    /// A fresh uniform for government i's clock: the first of its clock stream of
    /// (step, sub), sub being what the clock is for.
    #[inline]
    pub(super) fn fresh_clock(&self, step: u32, i: usize, sub: u32) -> f64 {
        super::decide::unit_interval(
            self.streams
                .first_u64_of(step, i as u32, sub, Purpose::Clock),
        )
    }

    /// A new lineage, invented by government `inventor`.
    pub(super) fn new_lineage(&mut self, inventor: u32) -> u32 {
        self.lineage_count.push(0);
        self.inventor.push(inventor);
        (self.lineage_count.len() - 1) as u32
    }

    #[inline]
    pub(super) fn performance(&self, i: usize) -> f64 {
        self.quality[i] + f64::from(self.agents.fit[i])
    }

    /// Makes unit i an adopter and updates every count that depends on it.
    pub(super) fn adopt(&mut self, a: Adoption, t: u32) {
        let i = a.unit as usize;
        debug_assert_ne!(self.status[i], ADOPTED);
        if self.classic.is_none() {
            // the abandonment clock of this adoption (of its first adoption, whenever it is)
            let when = super::decide::variant_step(self.status[i], t);
            self.clock[i] = self.fresh_clock(when, i, ABANDON_CLOCK);
        }
        if self.status[i] == NEVER && !self.at_risk.is_empty() {
            self.at_risk[self.nbr_count[i] as usize] -= 1;
            if let Some(word) = self.exposed.get_mut(i / 64) {
                *word &= !(1u64 << (i % 64));
            }
        }
        self.status[i] = ADOPTED;
        self.quality[i] = a.quality;
        self.lineage[i] = a.lineage;
        if let Some(since) = self.since.get_mut(i) {
            *since = t;
        }
        if let Some(step) = self.adopted_step.get_mut(i).filter(|s| **s == u32::MAX) {
            *step = t;
        }
        if matches!(a.channel, Channel::Pilot | Channel::Mandate) {
            self.locked[i] = true;
        }
        if self.events.is_some() {
            self.record_event(Event {
                unit: a.unit,
                step: t,
                kind: EventKind::Adopt,
                channel: Some(a.channel),
                source: a.source,
                lineage: a.lineage,
                quality: a.quality,
            });
        }
        if self.classic.is_none() {
            if a.channel == Channel::Learning && t > 0 {
                self.grow(i);
            }
            let ab = &self.s.abandon;
            self.abandon_p[i] = abandon::probability(
                a.quality + f64::from(self.agents.fit[i]),
                ab.threshold,
                ab.rate,
                f64::from(self.agents.learning[i]),
            ) as f32;
        }
        if t > 0 {
            self.channel_total[a.channel as usize] += 1;
            self.step_new[a.channel as usize] += 1;
        }
        self.adopter_pos[i] = self.adopters.len() as u32;
        self.adopters.push(a.unit);
        self.adopter_risk.push(self.risk(i));
        let lc = &mut self.lineage_count[a.lineage as usize];
        if *lc == 0 {
            self.active_lineages += 1;
        }
        *lc += 1;
        if !self.pending.is_empty() {
            // `cascade`: i is new, it may activate its observers next step
            self.fresh.push(i as u32);
        }
        let y = a.quality + f64::from(self.agents.fit[i]);
        self.sum_q += a.quality;
        self.sum_q2 += a.quality * a.quality;
        self.sum_y += y;
        self.change_neighbourhood(i, 1, y);
    }

    /// Appends an event to the history (kept out of line: the step loop pays only the
    /// test of whether events are recorded).
    #[cold]
    #[inline(never)]
    fn record_event(&mut self, e: Event) {
        if let Some(events) = self.events.as_mut() {
            events.push(e);
        }
    }

    /// Adopter i's chance to abandon in a step: none while locked (a pilot or a mandate).
    #[inline]
    pub(super) fn risk(&self, i: usize) -> f32 {
        if self.locked[i] {
            0.0
        } else {
            self.abandon_p[i]
        }
    }

    /// Keeps `adopter_risk` in step with i's lock and abandonment probability.
    pub(super) fn refresh_risk(&mut self, i: usize) {
        if let Some(pos) = self.adopter_pos.get(i).filter(|&&p| p != u32::MAX) {
            self.adopter_risk[*pos as usize] = self.risk(i);
        }
    }

    /// Makes adopter i drop the policy in step t.
    pub(super) fn abandon(&mut self, i: u32, t: u32) {
        let i = i as usize;
        if self.events.is_some() {
            self.record_event(Event {
                unit: i as u32,
                step: t,
                kind: EventKind::Abandon,
                channel: None,
                source: NO_SOURCE,
                lineage: self.lineage[i],
                quality: self.quality[i],
            });
        }
        debug_assert_eq!(self.status[i], ADOPTED);
        self.status[i] = ABANDONED;
        if !self.clock.is_empty() {
            // a new adoption clock, from the step it abandons
            self.clock[i] = self.fresh_clock(t, i, ADOPT_CLOCK);
        }
        self.locked[i] = false;
        self.step_abandoned += 1;
        let pos = self.adopter_pos[i] as usize;
        self.adopters.swap_remove(pos);
        self.adopter_risk.swap_remove(pos);
        if pos < self.adopters.len() {
            self.adopter_pos[self.adopters[pos] as usize] = pos as u32;
        }
        self.adopter_pos[i] = u32::MAX;
        let lc = &mut self.lineage_count[self.lineage[i] as usize];
        *lc -= 1;
        if *lc == 0 {
            self.active_lineages -= 1;
        }
        let q = self.quality[i];
        let y = self.performance(i);
        self.sum_q -= q;
        self.sum_q2 -= q * q;
        self.sum_y -= y;
        self.change_neighbourhood(i, -1, y);
        if let Some(f) = self.failures.as_mut() {
            // every abandonment is a failure: own evaluation below the threshold, or a failed pilot wound up
            if self.net.complete {
                f.fail(i, 0..self.n);
            } else {
                f.fail(i, self.net.observers(i).iter().map(|&o| o as usize));
            }
        }
    }

    /// Capacity that grows: i's L becomes L + growth * (1 - L), and what depends on L follows.
    pub(super) fn grow(&mut self, i: usize) {
        let growth = self.s.learning.growth;
        if growth <= 0.0 {
            return;
        }
        let old = f64::from(self.agents.learning[i]);
        self.agents.learning[i] = learning::grown(old, growth) as f32;
        let new = f64::from(self.agents.learning[i]);
        self.sum_learning += new - old;
        let need = learning::need(&self.s.learning, f64::from(self.agents.fit[i]));
        self.propensity.learning[i] = learning::propensity(
            self.s.learning.rate,
            new,
            need,
            f64::from(self.agents.inertia[i]),
        ) as f32;
        if self.status[i] == ADOPTED {
            let ab = &self.s.abandon;
            self.abandon_p[i] =
                abandon::probability(self.performance(i), ab.threshold, ab.rate, new) as f32;
            self.refresh_risk(i);
        }
    }

    /// The signal weight of adopter j (its performance at adoption, which stays fixed).
    pub(super) fn weight_of(&self, j: usize) -> f64 {
        learning::signal_weight(&self.s.learning, self.performance(j))
    }

    /// The learning signal sum of government o summed afresh over the adopters it observes
    /// (after a running sum lost its digits; see [`cancelled`]).
    fn signal_of(&self, o: usize) -> f64 {
        self.net
            .sources(o)
            .iter()
            .filter(|&&j| self.status[j as usize] == ADOPTED)
            .map(|&j| self.weight_of(j as usize))
            .sum()
    }

    /// Updates neighbour counts, signals and group/region/level tallies when i adopts (+1) or abandons (-1).
    pub(super) fn change_neighbourhood(&mut self, i: usize, delta: i32, performance: f64) {
        let w = learning::signal_weight(&self.s.learning, performance);
        let signed_w = if delta > 0 { w } else { -w };
        if self.net.complete {
            let before = self.signal_total;
            self.signal_total += signed_w;
            if delta < 0 && cancelled(before, self.signal_total) {
                self.signal_total = self
                    .adopters
                    .iter()
                    .map(|&j| self.weight_of(j as usize))
                    .sum();
            }
        } else if !self.at_risk.is_empty() {
            // classic models that tally the never-adopted by adopting neighbours (they
            // weigh every adopting neighbour alike: no signal to keep)
            debug_assert!(!self.weighted);
            for &o in self.net.observers(i) {
                let o = o as usize;
                let old = self.nbr_count[o];
                let new = old.wrapping_add_signed(delta);
                self.nbr_count[o] = new;
                if self.status[o] == NEVER {
                    self.at_risk[old as usize] -= 1;
                    self.at_risk[new as usize] += 1;
                    if let Some(word) = self.exposed.get_mut(o / 64) {
                        if new == 0 {
                            *word &= !(1u64 << (o % 64));
                        } else {
                            *word |= 1u64 << (o % 64);
                        }
                    }
                }
            }
        } else {
            for &o in self.net.observers(i) {
                let o = o as usize;
                self.nbr_count[o] = self.nbr_count[o].wrapping_add_signed(delta);
                if self.weighted {
                    let before = self.nbr_signal[o];
                    let after = before + signed_w;
                    self.nbr_signal[o] = if delta < 0 && cancelled(before, after) {
                        self.signal_of(o)
                    } else {
                        after
                    };
                }
            }
        }
        if let Some(g) = self.groups {
            // the share of adopters among each member's other members (same_parent rivals)
            let gi = g.of[i] as usize;
            let adopted = self.group_adopted[gi].wrapping_add_signed(delta);
            self.group_adopted[gi] = adopted;
            let others = g.members(gi as u32).len().saturating_sub(1);
            self.group_share[gi] = if others == 0 {
                0.0
            } else {
                adopted as f64 / others as f64
            };
        }
        if !self.region_size.is_empty() {
            let r = self.net.region[i] as usize;
            self.region_adopted[r] = self.region_adopted[r].wrapping_add_signed(delta);
        }
        if !self.level_size.is_empty() {
            let l = self.net.level[i] as usize;
            self.level_adopted[l] = self.level_adopted[l].wrapping_add_signed(delta);
        }
        if let Some(&c) = self.centre_of.get(i).filter(|&&c| c != NO_CENTRE) {
            self.centre_adopted[c as usize] =
                self.centre_adopted[c as usize].wrapping_add_signed(delta);
        }
    }
}

/// Whether a running sum of weights lost its significant digits when a weight was taken
/// away: what is left is below 1e-9 of what was there (weights spanning many orders of
/// magnitude, `learning.performance_weight` large). The sum is then taken afresh, so a
/// large legal weight never leaves float residue (or inf − inf = NaN) in the signal.
#[inline]
fn cancelled(before: f64, after: f64) -> bool {
    after < before * 1e-9
}
