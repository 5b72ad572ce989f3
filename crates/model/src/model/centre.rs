//! The centre (MODEL.md sections 4 and 4b): a state machine asked at the start of every
//! step what it does — designate pilots, evaluate them (in rounds, with noise, revising its
//! template), review the local variants and take the best one up, promote by mandate or
//! endorsement — and which owns everything it remembers between steps.
//!
//! The run loop ([`crate::run`]) shows the centre what the governments are doing
//! ([`Locals`]) and carries out its [`Orders`]; the governments' own decisions read the
//! mandate and endorsement in force from here ([`Centre::mandate_on`], [`Centre::endorsed`]).
//!
//! Random draws happen only where a rule needs them (pilot selection, evaluation noise
//! when it is above 0), so that scenarios without the new keys draw exactly as before.

use super::clamp01;
use super::learning;
use crate::scenario::{Central, CentralMode, Learning, Mandate, Promotion, Revise};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// A government that has never adopted (status code shared with the run loop).
pub const NEVER: u8 = 0;
/// A current adopter.
pub const ADOPTED: u8 = 1;
/// A government that adopted and dropped the policy.
pub const ABANDONED: u8 = 2;

/// The lineage id of the centre's own template (pilots and a mandate of mode `mandate`).
pub const TEMPLATE_LINEAGE: u32 = 0;

/// What the centre concludes from an evaluation of the pilots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Pilots' mean performance is above `promote_above`: promote.
    Promote,
    /// Not above: wind up (if configured) and wait, or try another round.
    Fail,
}

/// Compares the observed mean performance with the promotion threshold (strictly above promotes).
pub fn evaluate(observed_mean_performance: f64, promote_above: f64) -> Verdict {
    if observed_mean_performance > promote_above {
        Verdict::Promote
    } else {
        Verdict::Fail
    }
}

/// What the governments are doing, as the centre sees it at the start of a step.
pub struct Locals<'a> {
    /// Status per government ([`NEVER`], [`ADOPTED`], [`ABANDONED`]).
    pub status: &'a [u8],
    /// Quality of each government's variant (meaningful for adopters).
    pub quality: &'a [f64],
    /// Lineage of each government's variant.
    pub lineage: &'a [u32],
    /// Local fit phi per government (performance = quality + fit).
    pub fit: &'a [f32],
    /// Learning capacity per government.
    pub learning: &'a [f32],
    /// Competitive urge per government.
    pub competition: &'a [f32],
    /// Region index per government (empty when the network has no regions).
    pub region: &'a [u16],
    /// Number of regions.
    pub n_regions: usize,
    /// Level index per government (empty when the network has no levels).
    pub level: &'a [u16],
    /// The current adopters, in no particular order.
    pub adopters: &'a [u32],
    /// The government that started each lineage (`u32::MAX` for the centre's template).
    pub inventor: &'a [u32],
    /// The centre each government is under, with `central.scope` below national ([`NO_CENTRE`]
    /// for none); empty for one national centre.
    pub centre_of: &'a [u32],
    /// Current adopters under each centre (empty for one national centre).
    pub centre_adopted: &'a [u32],
}

impl Locals<'_> {
    /// Performance y = q + phi of government i's variant.
    #[inline]
    pub fn performance(&self, i: u32) -> f64 {
        self.quality[i as usize] + f64::from(self.fit[i as usize])
    }

    /// Adopted share of all governments.
    pub fn adopted_share(&self) -> f64 {
        self.adopters.len() as f64 / self.status.len().max(1) as f64
    }
}

/// `centre_of` value of a government no centre acts on (a centre itself, or above the scope).
pub const NO_CENTRE: u32 = u32::MAX;

/// Centres at a level (`central.scope`, MODEL.md 4c, 四级联动): every government at that
/// level is the centre of the governments below it (its descendants by parent links).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    /// The centre each government is under ([`NO_CENTRE`] for the centres themselves and
    /// everything above or outside their subtrees).
    pub centre_of: Vec<u32>,
    /// The government that is each centre, in ascending id order.
    pub centres: Vec<u32>,
    /// The governments under each centre, in ascending id order.
    pub members: Vec<Vec<u32>>,
}

/// Assigns every government below a unit of level `scope_level` to that unit's centre:
/// the nearest ancestor of that level. `parent` uses `u32::MAX` for no parent.
pub fn assign_scope(parent: &[u32], level: &[u16], scope_level: u16) -> Scope {
    let n = parent.len();
    let centres: Vec<u32> = (0..n as u32)
        .filter(|&i| level.get(i as usize) == Some(&scope_level))
        .collect();
    let mut index = vec![NO_CENTRE; n];
    for (k, &c) in centres.iter().enumerate() {
        index[c as usize] = k as u32;
    }
    let mut centre_of = vec![NO_CENTRE; n];
    let mut members = vec![Vec::new(); centres.len()];
    for i in 0..n {
        // walk up to the nearest ancestor at the scope level (levels are few: short walks)
        let mut j = parent[i];
        let mut steps = 0;
        while j != u32::MAX && (j as usize) < n && steps <= n {
            if level.get(j as usize) == Some(&scope_level) {
                centre_of[i] = index[j as usize];
                members[index[j as usize] as usize].push(i as u32);
                break;
            }
            j = parent[j as usize];
            steps += 1;
        }
    }
    Scope {
        centre_of,
        centres,
        members,
    }
}

/// What the centre orders for the current step; the run carries it out.
#[derive(Debug, Clone, Default)]
pub struct Orders {
    /// Designated pilots: they adopt the template at the end of this step.
    pub designate: Vec<u32>,
    /// Pilots released from the lock (they may abandon on their own from now on).
    pub release: Vec<u32>,
    /// Pilots that drop the policy at the end of this step (a failed batch wound up).
    pub wind_up: Vec<u32>,
    /// Pilots of a successful batch, who learn by doing (`learning.growth`).
    pub learn_by_doing: Vec<u32>,
}

impl Orders {
    /// Forgets the orders of the previous step.
    pub fn clear(&mut self) {
        self.designate.clear();
        self.release.clear();
        self.wind_up.clear();
        self.learn_by_doing.clear();
    }
}

/// Promotion by endorsement: the promoted variant acts as one extra neighbour of everyone,
/// whose weight in the signal is its adopters' mean w and whose variant is the best one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Endorsement {
    /// `central.endorse.weight`.
    pub weight: f64,
    /// Mean signal weight w of the evaluated adopters.
    pub mean_w: f64,
    /// Quality of the endorsed variant.
    pub quality: f64,
    /// Lineage of the endorsed variant.
    pub lineage: u32,
    /// Performance of the endorsed variant where it was observed.
    pub performance: f64,
}

/// One evaluation by the centre: a pilot round or a review of the local variants (a row of `rounds.csv`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    /// The centre that evaluated (index into the run's centres; 0 for the national one).
    pub centre: u32,
    /// 1 for the centre's first evaluation of the run, then 2, 3, ...
    pub round: u32,
    /// Step at which it took place.
    pub step: u32,
    /// Sites evaluated: the batch's adopting pilots, or the adopters of the lineage that looked best.
    pub sites: u32,
    /// Mean performance as the centre observed it (with noise).
    pub observed: f64,
    /// True mean performance of the same sites.
    pub true_mean: f64,
    /// Whether it led to promotion (uptake).
    pub promoted: bool,
}

/// The outcome of the centre's uptake of a local variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UptakeRecord {
    /// Step of the review that took the lineage up.
    pub step: u32,
    /// The lineage taken up.
    pub lineage: u32,
    /// The government that invented it.
    pub inventor: u32,
    /// True mean quality of the best lineage in use at that review minus that of the lineage taken up.
    pub regret: f64,
}

/// A lineage's tally at a review: adopters, sums of performance and quality, best variant.
#[derive(Debug, Clone, Copy)]
struct LineageTally {
    adopters: u32,
    sum_performance: f64,
    sum_quality: f64,
    best_quality: f64,
    best_unit: u32,
}

/// The centre of one run: its plan, what it remembers, and what it has done.
#[derive(Debug, Clone)]
pub struct Centre<'s> {
    central: &'s Central,
    learning: &'s Learning,
    /// Level index pilots are designated among (`central.pilot.level`), if any.
    pilot_level: Option<u16>,
    /// The template pilots adopt: (quality, lineage).
    template: (f64, u32),
    batch: Vec<u32>,
    batch_size: usize,
    batches: u32,
    evaluation_at: Option<u32>,
    next_review: Option<u32>,
    mandate_from: Option<u32>,
    deadline_at: Option<u32>,
    mandate_variant: (f64, u32),
    endorsed: Option<Endorsement>,
    promoted_at: Option<u32>,
    first_evaluation: Option<f64>,
    evaluations: Vec<Evaluation>,
    uptake: Option<UptakeRecord>,
    /// This centre's index among the run's centres (0 for the national one).
    index: u32,
    /// The governments under this centre (`None` = every government: the national centre).
    members: Option<&'s [u32]>,
}

impl<'s> Centre<'s> {
    /// A centre with `central`'s plan and a template of quality `template_quality`.
    pub fn new(
        central: &'s Central,
        learning: &'s Learning,
        template_quality: f64,
        pilot_level: Option<u16>,
    ) -> Centre<'s> {
        Centre {
            central,
            learning,
            pilot_level,
            template: (template_quality, TEMPLATE_LINEAGE),
            batch: Vec::new(),
            batch_size: 0,
            batches: 0,
            evaluation_at: None,
            next_review: (central.mode == CentralMode::Uptake).then(|| central.uptake.start.max(1)),
            mandate_from: None,
            deadline_at: None,
            mandate_variant: (template_quality, TEMPLATE_LINEAGE),
            endorsed: None,
            promoted_at: None,
            first_evaluation: None,
            evaluations: Vec::new(),
            uptake: None,
            index: 0,
            members: None,
        }
    }

    /// The same centre acting only on `members` (ascending ids), as centre number `index`
    /// of a scope below national.
    pub fn scoped(mut self, index: u32, members: &'s [u32]) -> Centre<'s> {
        self.index = index;
        self.members = Some(members);
        self
    }

    /// Number of governments under this centre (`n` for the national one).
    pub fn size(&self, n: usize) -> usize {
        self.members.map_or(n, <[u32]>::len)
    }

    /// Whether government i is under this centre.
    #[inline]
    fn covers(&self, locals: &Locals, i: u32) -> bool {
        self.members.is_none() || locals.centre_of[i as usize] == self.index
    }

    /// Adopted share among the governments under this centre.
    fn adopted_share(&self, locals: &Locals) -> f64 {
        match self.members {
            None => locals.adopted_share(),
            Some(m) => {
                f64::from(locals.centre_adopted[self.index as usize]) / m.len().max(1) as f64
            }
        }
    }

    /// The centre acts at the start of step t: designates, evaluates, reviews, promotes.
    pub fn begin_step<R: Rng + ?Sized>(
        &mut self,
        t: u32,
        locals: &Locals,
        rng: &mut R,
        orders: &mut Orders,
    ) {
        let c = self.central;
        match c.mode {
            CentralMode::Mandate => {
                if t == c.mandate.start.max(1) && self.mandate_from.is_none() {
                    self.mandate_from = Some(t);
                    self.promoted_at = Some(t);
                    if c.mandate.enforce_at_start {
                        self.deadline_at = Some(t);
                    } else if c.mandate.deadline > 0 {
                        self.deadline_at = Some(t.saturating_add(c.mandate.deadline));
                    }
                    self.mandate_variant = self.template;
                }
            }
            CentralMode::Pilot => {
                if t == c.pilot.start.max(1) {
                    self.designate(c.pilot.sites, t, locals, rng, orders);
                }
                if self.evaluation_at == Some(t) {
                    self.evaluate_pilots(t, locals, rng, orders);
                }
            }
            CentralMode::Uptake => {
                if self.next_review.is_some_and(|r| t >= r) {
                    let triggered = c
                        .uptake
                        .trigger_share
                        .is_none_or(|s| self.adopted_share(locals) + 1e-12 >= s);
                    if triggered {
                        self.review(t, locals, rng);
                    }
                }
            }
            CentralMode::None | CentralMode::Recognition => {}
        }
    }

    /// Whether a mandate is in force at step t.
    #[inline]
    pub fn mandate_on(&self, t: u32) -> bool {
        self.mandate_from.is_some_and(|m| t >= m)
    }

    /// Whether step t is the mandate's deadline (enforcement).
    #[inline]
    pub fn at_deadline(&self, t: u32) -> bool {
        self.deadline_at == Some(t)
    }

    /// The variant a government complying with the mandate adopts: (quality, lineage).
    #[inline]
    pub fn mandate_variant(&self) -> (f64, u32) {
        self.mandate_variant
    }

    /// The template designated pilots adopt: (quality, lineage).
    #[inline]
    pub fn template(&self) -> (f64, u32) {
        self.template
    }

    /// The endorsement in force, if any.
    #[inline]
    pub fn endorsed(&self) -> Option<Endorsement> {
        self.endorsed
    }

    /// Step of the first promotion (pilot, uptake) or of the mandate.
    pub fn promoted_at(&self) -> Option<u32> {
        self.promoted_at
    }

    /// True mean performance of the pilots at the first evaluation.
    pub fn first_evaluation(&self) -> Option<f64> {
        self.first_evaluation
    }

    /// Every evaluation of the run, in order.
    pub fn evaluations(&self) -> &[Evaluation] {
        &self.evaluations
    }

    /// Pilot batches designated so far (the rounds used).
    pub fn rounds_used(&self) -> u32 {
        self.batches
    }

    /// The uptake, once it has happened.
    pub fn uptake(&self) -> Option<UptakeRecord> {
        self.uptake
    }

    /// Designates a batch of `size` pilots among never-adopters (of the pilot level, if set).
    fn designate<R: Rng + ?Sized>(
        &mut self,
        size: usize,
        t: u32,
        locals: &Locals,
        rng: &mut R,
        orders: &mut Orders,
    ) {
        let all: Vec<u32>;
        let pool: &[u32] = match self.members {
            Some(m) => m,
            None => {
                all = (0..locals.status.len() as u32).collect();
                &all
            }
        };
        let eligible: Vec<u32> = pool
            .iter()
            .copied()
            .filter(|&i| {
                locals.status[i as usize] == NEVER
                    && self
                        .pilot_level
                        .is_none_or(|l| locals.level.get(i as usize) == Some(&l))
            })
            .collect();
        let cand = Candidates {
            eligible: &eligible,
            learning: locals.learning,
            competition: locals.competition,
            region: locals.region,
            n_regions: locals.n_regions,
        };
        // Prepared::new has checked that representative selection has regions.
        let chosen =
            select_pilots(self.central.pilot.selection, &cand, size, rng).unwrap_or_default();
        self.batch = chosen.clone();
        self.batch_size = size;
        self.batches += 1;
        orders.designate.extend_from_slice(&chosen);
        self.evaluation_at = Some(t.saturating_add(self.central.pilot.evaluate_after.max(1)));
    }

    /// Evaluates the current batch of pilots: promote, or wind up and perhaps try another round.
    fn evaluate_pilots<R: Rng + ?Sized>(
        &mut self,
        t: u32,
        locals: &Locals,
        rng: &mut R,
        orders: &mut Orders,
    ) {
        let pilot = &self.central.pilot;
        self.evaluation_at = None;
        let batch: Vec<u32> = self
            .batch
            .iter()
            .copied()
            .filter(|&i| locals.status[i as usize] == ADOPTED)
            .collect();
        if batch.is_empty() {
            return;
        }
        let true_y: Vec<f64> = batch.iter().map(|&i| locals.performance(i)).collect();
        let observed_y = observe(&true_y, pilot.evaluation_noise, rng);
        let true_mean = mean(&true_y);
        let observed_mean = mean(&observed_y);
        self.first_evaluation.get_or_insert(true_mean);
        let verdict = evaluate(observed_mean, pilot.promote_above);
        self.evaluations.push(Evaluation {
            centre: self.index,
            round: self.evaluations.len() as u32 + 1,
            step: t,
            sites: batch.len() as u32,
            observed: observed_mean,
            true_mean,
            promoted: verdict == Verdict::Promote,
        });
        match verdict {
            Verdict::Promote => {
                self.promoted_at.get_or_insert(t);
                // every pilot of a batch that passes its evaluation learns by doing
                orders.learn_by_doing.extend_from_slice(&batch);
                let best = *batch
                    .iter()
                    .max_by(|&&a, &&b| {
                        locals.quality[a as usize]
                            .total_cmp(&locals.quality[b as usize])
                            .then(b.cmp(&a))
                    })
                    .expect("non-empty batch");
                match pilot.promotion {
                    Promotion::Mandate => self.promote_by_mandate(t, locals, best),
                    Promotion::Endorse => {
                        self.endorse(&batch, locals, best);
                        orders.release.extend_from_slice(&batch);
                    }
                    Promotion::Expand => {
                        orders.release.extend_from_slice(&batch);
                        let next = (self.batch_size as f64 * pilot.expand_factor).ceil() as usize;
                        self.designate(next, t, locals, rng, orders);
                    }
                }
            }
            Verdict::Fail => {
                orders.release.extend_from_slice(&batch);
                if pilot.wind_up {
                    orders.wind_up.extend_from_slice(&batch);
                }
                if self.batches < pilot.rounds {
                    if pilot.revise == Revise::BestPilot {
                        // the centre learns from its own experiment: the best pilot as it saw it
                        let k = argmax(&observed_y);
                        let b = batch[k] as usize;
                        self.template = (locals.quality[b], locals.lineage[b]);
                    }
                    let size = self.batch_size;
                    self.designate(size, t, locals, rng, orders);
                }
            }
        }
    }

    /// Makes `best`'s variant the mandated one (the first promotion starts the mandate).
    fn promote_by_mandate(&mut self, t: u32, locals: &Locals, best: u32) {
        if self.mandate_from.is_none() {
            self.mandate_from = Some(t);
            let m = &self.central.mandate;
            if m.deadline > 0 {
                self.deadline_at = Some(t.saturating_add(m.deadline));
            }
        }
        self.mandate_variant = (locals.quality[best as usize], locals.lineage[best as usize]);
    }

    /// Endorses `best`'s variant, with the signal weight of the evaluated `sites`.
    fn endorse(&mut self, sites: &[u32], locals: &Locals, best: u32) {
        let mean_w = sites
            .iter()
            .map(|&i| learning::signal_weight(self.learning, locals.performance(i)))
            .sum::<f64>()
            / sites.len() as f64;
        self.endorsed = Some(Endorsement {
            weight: self.central.endorse.weight,
            mean_w,
            quality: locals.quality[best as usize],
            lineage: locals.lineage[best as usize],
            performance: locals.performance(best),
        });
    }

    /// Reviews the local variants in use (MODEL.md 4b) and takes the best one up, or waits.
    fn review<R: Rng + ?Sized>(&mut self, t: u32, locals: &Locals, rng: &mut R) {
        let u = &self.central.uptake;
        self.next_review = Some(t.saturating_add(u.review_every.max(1)));
        let tallies = tally_lineages(locals, |i| self.covers(locals, i));
        let Some(pick) = pick_lineage(&tallies, u.min_adopters, u.evaluation_noise, rng) else {
            return;
        };
        let (lineage, observed) = pick;
        let tally = tallies[lineage as usize].expect("picked lineage in use");
        let promoted = observed > u.promote_above;
        self.evaluations.push(Evaluation {
            centre: self.index,
            round: self.evaluations.len() as u32 + 1,
            step: t,
            sites: tally.adopters,
            observed,
            true_mean: tally.sum_performance / f64::from(tally.adopters),
            promoted,
        });
        if !promoted {
            return;
        }
        self.next_review = None;
        self.promoted_at.get_or_insert(t);
        let best = tally.best_unit;
        self.template = (tally.best_quality, lineage);
        self.uptake = Some(UptakeRecord {
            step: t,
            lineage,
            inventor: locals.inventor[lineage as usize],
            regret: uptake_regret(&tallies, lineage),
        });
        match u.promotion {
            Promotion::Endorse => {
                let sites: Vec<u32> = locals
                    .adopters
                    .iter()
                    .copied()
                    .filter(|&i| locals.lineage[i as usize] == lineage && self.covers(locals, i))
                    .collect();
                self.endorse(&sites, locals, best);
            }
            // validation refuses `expand` for uptake; mandate is the default
            Promotion::Mandate | Promotion::Expand => self.promote_by_mandate(t, locals, best),
        }
    }
}

/// Per-step probability that a unit complies with a mandate in force:
/// rate * (1 - resistance * rho); at the deadline step also enforcement, as an independent hazard.
#[inline]
pub fn mandate_probability(mandate: &Mandate, inertia: f64, at_deadline: bool) -> f64 {
    let hazard = clamp01(mandate.rate * (1.0 - mandate.resistance * inertia));
    if at_deadline {
        1.0 - (1.0 - hazard) * (1.0 - clamp01(mandate.enforcement))
    } else {
        hazard
    }
}

/// The centre's view of each site: its performance plus Normal(0, noise) (no draw when noise is 0).
///
/// The mean of n such observations is the sites' mean plus Normal(0, noise / sqrt(n)):
/// the evaluation error of MODEL.md 4b.
pub fn observe<R: Rng + ?Sized>(performance: &[f64], noise: f64, rng: &mut R) -> Vec<f64> {
    if noise > 0.0 {
        performance
            .iter()
            .map(|&y| {
                let z: f64 = StandardNormal.sample(rng);
                y + noise * z
            })
            .collect()
    } else {
        performance.to_vec()
    }
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

/// Index of the largest value (the first one on ties).
fn argmax(x: &[f64]) -> usize {
    let mut best = 0;
    for (k, v) in x.iter().enumerate() {
        if *v > x[best] {
            best = k;
        }
    }
    best
}

/// Each lineage's tally among the current adopters that `covered` accepts (`None` for a
/// lineage not in use there).
fn tally_lineages(locals: &Locals, covered: impl Fn(u32) -> bool) -> Vec<Option<LineageTally>> {
    let mut tallies: Vec<Option<LineageTally>> = vec![None; locals.inventor.len()];
    // ascending ids so that ties between equal variants go to the lowest id, whatever the adopters' order
    let mut adopters: Vec<u32> = locals
        .adopters
        .iter()
        .copied()
        .filter(|&i| covered(i))
        .collect();
    adopters.sort_unstable();
    for i in adopters {
        let l = locals.lineage[i as usize] as usize;
        if l >= tallies.len() {
            tallies.resize(l + 1, None);
        }
        let q = locals.quality[i as usize];
        let y = locals.performance(i);
        let t = tallies[l].get_or_insert(LineageTally {
            adopters: 0,
            sum_performance: 0.0,
            sum_quality: 0.0,
            best_quality: q,
            best_unit: i,
        });
        t.adopters += 1;
        t.sum_performance += y;
        t.sum_quality += q;
        if q > t.best_quality {
            t.best_quality = q;
            t.best_unit = i;
        }
    }
    tallies
}

/// The lineage with the highest observed mean performance among those with at least
/// `min_adopters` adopters: (lineage, observed mean). Each lineage's mean is seen with
/// error Normal(0, noise / sqrt(adopters)), drawn in ascending lineage order.
fn pick_lineage<R: Rng + ?Sized>(
    tallies: &[Option<LineageTally>],
    min_adopters: u32,
    noise: f64,
    rng: &mut R,
) -> Option<(u32, f64)> {
    let mut best: Option<(u32, f64)> = None;
    for (l, t) in tallies.iter().enumerate() {
        let Some(t) = t.filter(|t| t.adopters >= min_adopters.max(1)) else {
            continue;
        };
        let mut observed = t.sum_performance / f64::from(t.adopters);
        if noise > 0.0 {
            let z: f64 = StandardNormal.sample(rng);
            observed += noise / f64::from(t.adopters).sqrt() * z;
        }
        if best.is_none_or(|(_, b)| observed > b) {
            best = Some((l as u32, observed));
        }
    }
    best
}

/// True mean quality of the best lineage in use minus that of `taken` (0 = the true best).
fn uptake_regret(tallies: &[Option<LineageTally>], taken: u32) -> f64 {
    let mean_q = |t: &LineageTally| t.sum_quality / f64::from(t.adopters);
    let best = tallies
        .iter()
        .flatten()
        .map(mean_q)
        .fold(f64::NEG_INFINITY, f64::max);
    let taken = tallies[taken as usize].as_ref().map_or(best, mean_q);
    (best - taken).max(0.0)
}

pub use super::selection::{largest_remainder, select_pilots, Candidates};

#[cfg(test)]
#[path = "centre_tests.rs"]
mod tests;
