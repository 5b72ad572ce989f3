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
use crate::scenario::{Central, CentralMode, Learning, Mandate, Promotion, Revise, Selection};
use rand::{Rng, RngExt};
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
    pub fit: &'a [f64],
    /// Learning capacity per government.
    pub learning: &'a [f64],
    /// Competitive urge per government.
    pub competition: &'a [f64],
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
}

impl Locals<'_> {
    /// Performance y = q + phi of government i's variant.
    #[inline]
    pub fn performance(&self, i: u32) -> f64 {
        self.quality[i as usize] + self.fit[i as usize]
    }

    /// Adopted share of all governments.
    pub fn adopted_share(&self) -> f64 {
        self.adopters.len() as f64 / self.status.len().max(1) as f64
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
    /// 1 for the first evaluation of the run, then 2, 3, ...
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
                    if c.mandate.deadline > 0 {
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
                        .is_none_or(|s| locals.adopted_share() + 1e-12 >= s);
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
        let eligible: Vec<u32> = (0..locals.status.len() as u32)
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
        orders.designate = chosen;
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
        let tallies = tally_lineages(locals);
        let Some(pick) = pick_lineage(&tallies, u.min_adopters, u.evaluation_noise, rng) else {
            return;
        };
        let (lineage, observed) = pick;
        let tally = tallies[lineage as usize].expect("picked lineage in use");
        let promoted = observed > u.promote_above;
        self.evaluations.push(Evaluation {
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
                    .filter(|&i| locals.lineage[i as usize] == lineage)
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

/// Each lineage's tally among the current adopters (`None` for a lineage not in use).
fn tally_lineages(locals: &Locals) -> Vec<Option<LineageTally>> {
    let mut tallies: Vec<Option<LineageTally>> = vec![None; locals.inventor.len()];
    // ascending ids so that ties between equal variants go to the lowest id, whatever the adopters' order
    let mut adopters = locals.adopters.to_vec();
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

/// The units of the government traits that pilot selection looks at.
pub struct Candidates<'a> {
    /// Governments that may be designated (not adopted, never abandoned).
    pub eligible: &'a [u32],
    /// Learning capacity per government.
    pub learning: &'a [f64],
    /// Competitive urge per government.
    pub competition: &'a [f64],
    /// Region index per government (empty when the network has no regions).
    pub region: &'a [u16],
    /// Number of regions.
    pub n_regions: usize,
}

/// Picks `sites` pilot sites by `selection`; returns them in ascending id order.
///
/// - `random`: uniformly without replacement;
/// - `capable`: highest learning capacity (ties broken at random);
/// - `willing`: highest competitive urge (ties broken at random);
/// - `representative`: sites split across regions in proportion to their eligible units
///   (largest remainder), random within each region. Needs regions.
pub fn select_pilots<R: Rng + ?Sized>(
    selection: Selection,
    c: &Candidates,
    sites: usize,
    rng: &mut R,
) -> Result<Vec<u32>, String> {
    let sites = sites.min(c.eligible.len());
    let mut chosen: Vec<u32> = match selection {
        Selection::Random => {
            let mut pool = c.eligible.to_vec();
            partial_shuffle(&mut pool, sites, rng);
            pool.truncate(sites);
            pool
        }
        Selection::Capable => top_by(c.eligible, c.learning, sites, rng),
        Selection::Willing => top_by(c.eligible, c.competition, sites, rng),
        Selection::Representative => {
            if c.region.is_empty() || c.n_regions == 0 {
                return Err(
                    "central.pilot.selection = \"representative\" needs regions; the network has none"
                        .to_string(),
                );
            }
            let mut by_region: Vec<Vec<u32>> = vec![Vec::new(); c.n_regions];
            for &i in c.eligible {
                by_region[c.region[i as usize] as usize].push(i);
            }
            let quotas =
                largest_remainder(&by_region.iter().map(Vec::len).collect::<Vec<_>>(), sites);
            let mut picked = Vec::with_capacity(sites);
            for (mut pool, q) in by_region.into_iter().zip(quotas) {
                partial_shuffle(&mut pool, q, rng);
                picked.extend_from_slice(&pool[..q]);
            }
            picked
        }
    };
    chosen.sort_unstable();
    Ok(chosen)
}

/// Splits `total` over groups in proportion to `sizes` (largest remainder; ties to the earlier group).
pub fn largest_remainder(sizes: &[usize], total: usize) -> Vec<usize> {
    let sum: usize = sizes.iter().sum();
    if sum == 0 {
        return vec![0; sizes.len()];
    }
    let total = total.min(sum);
    let mut quotas: Vec<usize> = sizes.iter().map(|&s| s * total / sum).collect();
    let mut rest = total - quotas.iter().sum::<usize>();
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    // remainder numerators s * total mod sum, larger first
    order.sort_by_key(|&g| std::cmp::Reverse((sizes[g] * total) % sum));
    for g in order {
        if rest == 0 {
            break;
        }
        if quotas[g] < sizes[g] {
            quotas[g] += 1;
            rest -= 1;
        }
    }
    quotas
}

/// The `k` eligible governments with the highest `score`, ties broken at random.
fn top_by<R: Rng + ?Sized>(eligible: &[u32], score: &[f64], k: usize, rng: &mut R) -> Vec<u32> {
    let mut keyed: Vec<(f64, u64, u32)> = eligible
        .iter()
        .map(|&i| (score[i as usize], rng.random::<u64>(), i))
        .collect();
    let order = |a: &(f64, u64, u32), b: &(f64, u64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    if k < keyed.len() {
        if k > 0 {
            keyed.select_nth_unstable_by(k - 1, order);
        }
        keyed.truncate(k);
    }
    keyed.sort_by(order);
    keyed.into_iter().map(|(_, _, i)| i).collect()
}

/// Moves a uniform random sample of `k` elements to the front of `v` (Fisher–Yates prefix).
fn partial_shuffle<R: Rng + ?Sized>(v: &mut [u32], k: usize, rng: &mut R) {
    let n = v.len();
    for i in 0..k.min(n) {
        let j = rng.random_range(i..n);
        v.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::run_rng;
    use crate::scenario::Learning;

    fn mandate() -> Mandate {
        Mandate {
            start: 0,
            rate: 0.5,
            resistance: 0.5,
            deadline: 3,
            enforcement: 0.8,
        }
    }

    #[test]
    fn mandate_is_slowed_by_inertia_and_enforced_at_deadline() {
        let m = mandate();
        assert!((mandate_probability(&m, 0.0, false) - 0.5).abs() < 1e-15);
        assert!((mandate_probability(&m, 1.0, false) - 0.25).abs() < 1e-15);
        assert!((mandate_probability(&m, 1.0, true) - (1.0 - 0.75 * 0.2)).abs() < 1e-15);
    }

    #[test]
    fn promotion_needs_performance_strictly_above_threshold() {
        assert_eq!(evaluate(0.6, 0.5), Verdict::Promote);
        assert_eq!(evaluate(0.5, 0.5), Verdict::Fail);
        assert_eq!(evaluate(0.1, 0.5), Verdict::Fail);
    }

    /// Candidates over two regions.
    fn candidates<'a>(
        eligible: &'a [u32],
        learning: &'a [f64],
        competition: &'a [f64],
        region: &'a [u16],
    ) -> Candidates<'a> {
        Candidates {
            eligible,
            learning,
            competition,
            region,
            n_regions: 2,
        }
    }

    fn traits() -> (Vec<u32>, Vec<f64>, Vec<f64>, Vec<u16>) {
        let n = 12;
        let eligible: Vec<u32> = (0..n).filter(|i| i % 5 != 4).collect();
        let learning: Vec<f64> = (0..n).map(|i| i as f64 / n as f64).collect();
        let competition: Vec<f64> = (0..n).map(|i| 1.0 - i as f64 / n as f64).collect();
        let region: Vec<u16> = (0..n).map(|i| if i < 3 { 0 } else { 1 }).collect();
        (eligible, learning, competition, region)
    }

    #[test]
    fn capable_and_willing_pick_the_extremes_among_eligible() {
        let (eligible, learning, competition, region) = traits();
        let c = candidates(&eligible, &learning, &competition, &region);
        let mut rng = run_rng(1, 0);
        // ids 4 and 9 are not eligible; highest learning among eligible: 11, 10, 8
        assert_eq!(
            select_pilots(Selection::Capable, &c, 3, &mut rng).unwrap(),
            vec![8, 10, 11]
        );
        // highest competition: 0, 1, 2
        assert_eq!(
            select_pilots(Selection::Willing, &c, 3, &mut rng).unwrap(),
            vec![0, 1, 2]
        );
    }

    #[test]
    fn random_selection_is_uniform_over_eligible() {
        let (eligible, learning, competition, region) = traits();
        let c = candidates(&eligible, &learning, &competition, &region);
        let mut rng = run_rng(1, 1);
        let mut counts = [0usize; 12];
        let reps = 20_000;
        for _ in 0..reps {
            let s = select_pilots(Selection::Random, &c, 3, &mut rng).unwrap();
            assert_eq!(s.len(), 3);
            for i in s {
                counts[i as usize] += 1;
            }
        }
        let p = 3.0 / eligible.len() as f64;
        for (i, &k) in counts.iter().enumerate() {
            if i % 5 == 4 {
                assert_eq!(k, 0, "ineligible {i} chosen");
            } else {
                let se = (p * (1.0 - p) / reps as f64).sqrt();
                assert!((k as f64 / reps as f64 - p).abs() < 4.0 * se);
            }
        }
    }

    #[test]
    fn representative_selection_is_stratified_by_region() {
        let (eligible, learning, competition, region) = traits();
        // eligible: region 0 has 3 (0,1,2), region 1 has 7 -> 5 sites split 2/3 by largest remainder (1.5, 3.5)
        let c = candidates(&eligible, &learning, &competition, &region);
        let mut rng = run_rng(1, 2);
        for _ in 0..50 {
            let s = select_pilots(Selection::Representative, &c, 5, &mut rng).unwrap();
            let in0 = s.iter().filter(|&&i| region[i as usize] == 0).count();
            assert_eq!(s.len(), 5);
            assert!(in0 == 1 || in0 == 2, "{s:?}");
        }
        assert_eq!(largest_remainder(&[30, 60, 10], 10), vec![3, 6, 1]);
        assert_eq!(largest_remainder(&[1, 1, 1], 2).iter().sum::<usize>(), 2);
        assert_eq!(largest_remainder(&[2, 0], 5), vec![2, 0]);
        let none = Candidates {
            region: &[],
            n_regions: 0,
            ..c
        };
        let err = select_pilots(Selection::Representative, &none, 2, &mut rng).unwrap_err();
        assert!(err.contains("representative"));
    }

    #[test]
    fn selection_never_exceeds_the_eligible_units() {
        let (eligible, learning, competition, region) = traits();
        let c = candidates(&eligible, &learning, &competition, &region);
        let mut rng = run_rng(1, 3);
        assert_eq!(
            select_pilots(Selection::Random, &c, 100, &mut rng)
                .unwrap()
                .len(),
            eligible.len()
        );
    }

    /// A small world: `quality` and `lineage` per government, all adopters, fit 0.
    struct World {
        status: Vec<u8>,
        quality: Vec<f64>,
        lineage: Vec<u32>,
        zeros: Vec<f64>,
        level: Vec<u16>,
        adopters: Vec<u32>,
        inventor: Vec<u32>,
    }

    impl World {
        fn new(quality: &[f64], lineage: &[u32]) -> World {
            let n = quality.len();
            let lineages = lineage.iter().max().map_or(1, |m| *m as usize + 1);
            World {
                status: vec![ADOPTED; n],
                quality: quality.to_vec(),
                lineage: lineage.to_vec(),
                zeros: vec![0.0; n],
                level: (0..n).map(|i| (i % 2) as u16).collect(),
                adopters: (0..n as u32).collect(),
                inventor: (0..lineages as u32).map(|l| 100 + l).collect(),
            }
        }

        fn locals(&self) -> Locals<'_> {
            Locals {
                status: &self.status,
                quality: &self.quality,
                lineage: &self.lineage,
                fit: &self.zeros,
                learning: &self.zeros,
                competition: &self.zeros,
                region: &[],
                n_regions: 0,
                level: &self.level,
                adopters: &self.adopters,
                inventor: &self.inventor,
            }
        }
    }

    #[test]
    fn review_picks_the_highest_observed_mean_among_large_enough_lineages() {
        // lineage 1: mean 0.5 (3 adopters); lineage 2: mean 0.9 but only 2 adopters; lineage 3: mean 0.2
        let w = World::new(
            &[0.4, 0.5, 0.6, 0.9, 0.9, 0.1, 0.2, 0.3],
            &[1, 1, 1, 2, 2, 3, 3, 3],
        );
        let tallies = tally_lineages(&w.locals());
        let mut rng = run_rng(1, 0);
        assert_eq!(pick_lineage(&tallies, 3, 0.0, &mut rng), Some((1, 0.5)));
        // with min_adopters 2 the smaller but better lineage is seen and wins
        assert_eq!(pick_lineage(&tallies, 2, 0.0, &mut rng), Some((2, 0.9)));
        // nobody has 4 adopters: no pick
        assert_eq!(pick_lineage(&tallies, 4, 0.0, &mut rng), None);
        // regret: the best lineage in use (0.9) minus the one taken up (0.5), whatever min_adopters
        assert!((uptake_regret(&tallies, 1) - 0.4).abs() < 1e-12);
        assert_eq!(uptake_regret(&tallies, 2), 0.0);
    }

    #[test]
    fn review_noise_shrinks_with_the_square_root_of_adopters() {
        let mut rng = run_rng(2, 0);
        for n in [4usize, 16] {
            let w = World::new(&vec![0.0; n], &vec![1; n]);
            let tallies = tally_lineages(&w.locals());
            let reps = 20_000;
            let draws: Vec<f64> = (0..reps)
                .map(|_| pick_lineage(&tallies, 1, 2.0, &mut rng).unwrap().1)
                .collect();
            let m = mean(&draws);
            let sd =
                (draws.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (reps - 1) as f64).sqrt();
            let expected = 2.0 / (n as f64).sqrt();
            // the sd of a normal sample's sd is sd / sqrt(2 (reps - 1))
            let se = expected / (2.0 * (reps - 1) as f64).sqrt();
            assert!(
                (sd - expected).abs() < 4.0 * se,
                "n {n}: sd {sd} vs {expected}"
            );
            assert!(m.abs() < 4.0 * expected / (reps as f64).sqrt());
        }
    }

    fn pilot_centre(rounds: u32, revise: Revise) -> (Central, Learning) {
        let mut c = Central {
            mode: CentralMode::Pilot,
            ..Central::default()
        };
        c.pilot.sites = 2;
        c.pilot.evaluate_after = 1;
        c.pilot.promote_above = 0.5;
        c.pilot.rounds = rounds;
        c.pilot.revise = revise;
        c.pilot.wind_up = true;
        (c, Learning::default())
    }

    /// Runs the centre over `steps` steps in a world where designated pilots adopt the
    /// template with the qualities `pilot_quality` gives them, and failed ones wind up.
    fn play(
        centre: &mut Centre,
        w: &mut World,
        steps: u32,
        pilot_quality: impl Fn(u32) -> f64,
    ) -> Vec<Vec<u32>> {
        let mut rng = run_rng(3, 0);
        let mut batches = Vec::new();
        for t in 1..=steps {
            let mut orders = Orders::default();
            centre.begin_step(t, &w.locals(), &mut rng, &mut orders);
            for &i in &orders.wind_up {
                w.status[i as usize] = ABANDONED;
                w.adopters.retain(|&a| a != i);
            }
            for &i in &orders.designate {
                w.status[i as usize] = ADOPTED;
                w.quality[i as usize] = pilot_quality(i);
                w.lineage[i as usize] = centre.template().1;
                w.adopters.push(i);
            }
            if !orders.designate.is_empty() {
                batches.push(orders.designate.clone());
            }
        }
        batches
    }

    fn never_adopted(n: usize) -> World {
        let mut w = World::new(&vec![0.0; n], &vec![0; n]);
        w.status = vec![NEVER; n];
        w.adopters.clear();
        w
    }

    #[test]
    fn failed_rounds_stop_at_rounds() {
        for rounds in [1u32, 3] {
            let (c, l) = pilot_centre(rounds, Revise::None);
            let mut centre = Centre::new(&c, &l, 0.0, None);
            let mut w = never_adopted(20);
            // every pilot performs at 0, below promote_above 0.5: every round fails
            let batches = play(&mut centre, &mut w, 20, |_| 0.0);
            assert_eq!(batches.len(), rounds as usize);
            assert_eq!(centre.rounds_used(), rounds);
            assert_eq!(centre.evaluations().len(), rounds as usize);
            assert!(centre.evaluations().iter().all(|e| !e.promoted));
            assert_eq!(centre.promoted_at(), None);
            // each new batch comes from never-adopters: no site is designated twice
            let mut all: Vec<u32> = batches.concat();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), 2 * rounds as usize);
        }
    }

    #[test]
    fn revision_takes_the_observed_best_pilot() {
        let (c, l) = pilot_centre(2, Revise::BestPilot);
        let mut centre = Centre::new(&c, &l, 0.0, None);
        let mut w = never_adopted(10);
        // first batch fails (mean at most 0.425 < 0.5); its best pilot had quality 0.05 * id
        let batches = play(&mut centre, &mut w, 3, |i| 0.05 * i as f64);
        assert_eq!(batches.len(), 2, "a second round after the failure");
        let best = *batches[0].iter().max().unwrap();
        assert!((centre.template().0 - 0.05 * best as f64).abs() < 1e-12);
        // with revise = "none" the template stays the centre's own
        let (c, l) = pilot_centre(2, Revise::None);
        let mut centre = Centre::new(&c, &l, 0.0, None);
        let mut w = never_adopted(10);
        play(&mut centre, &mut w, 3, |i| 0.05 * i as f64);
        assert_eq!(centre.template().0, 0.0);
    }

    #[test]
    fn pilots_are_designated_only_at_their_level() {
        let (c, l) = pilot_centre(3, Revise::None);
        let mut centre = Centre::new(&c, &l, 0.0, Some(1));
        let mut w = never_adopted(12);
        let batches = play(&mut centre, &mut w, 10, |_| 0.0);
        assert_eq!(batches.len(), 3);
        for i in batches.concat() {
            assert_eq!(w.level[i as usize], 1, "site {i} is not of level 1");
        }
    }

    #[test]
    fn noisy_evaluation_reports_the_truth_beside_what_was_seen() {
        let (mut c, l) = pilot_centre(1, Revise::None);
        c.pilot.evaluation_noise = 1.0;
        let mut centre = Centre::new(&c, &l, 0.0, None);
        let mut w = never_adopted(10);
        play(&mut centre, &mut w, 3, |_| 0.2);
        let e = centre.evaluations()[0];
        assert!((e.true_mean - 0.2).abs() < 1e-12);
        assert_ne!(e.observed, e.true_mean);
        assert_eq!(e.promoted, e.observed > 0.5);
    }

    #[test]
    fn uptake_takes_up_the_best_variant_of_the_best_lineage_and_mandates_it() {
        let mut c = Central {
            mode: CentralMode::Uptake,
            ..Central::default()
        };
        c.uptake.start = 2;
        c.uptake.min_adopters = 2;
        let l = Learning::default();
        let mut centre = Centre::new(&c, &l, 0.0, None);
        let w = World::new(&[0.4, 0.8, 0.1, 0.2, 0.3], &[1, 1, 2, 2, 2]);
        let mut rng = run_rng(4, 0);
        let mut orders = Orders::default();
        centre.begin_step(1, &w.locals(), &mut rng, &mut orders);
        assert!(centre.uptake().is_none(), "no review before start");
        centre.begin_step(2, &w.locals(), &mut rng, &mut orders);
        let u = centre.uptake().expect("taken up at the first review");
        assert_eq!((u.step, u.lineage, u.inventor), (2, 1, 101));
        assert_eq!(u.regret, 0.0);
        assert_eq!(centre.mandate_variant(), (0.8, 1));
        assert!(centre.mandate_on(2) && !centre.mandate_on(1));
        assert_eq!(centre.promoted_at(), Some(2));
    }

    #[test]
    fn uptake_waits_below_promote_above_and_for_the_trigger_share() {
        let mut c = Central {
            mode: CentralMode::Uptake,
            ..Central::default()
        };
        c.uptake.start = 1;
        c.uptake.review_every = 2;
        c.uptake.min_adopters = 1;
        c.uptake.promote_above = 1.0;
        let l = Learning::default();
        let mut centre = Centre::new(&c, &l, 0.0, None);
        let w = World::new(&[0.4, 0.8], &[1, 2]);
        let mut rng = run_rng(5, 0);
        let mut orders = Orders::default();
        for t in 1..=6 {
            centre.begin_step(t, &w.locals(), &mut rng, &mut orders);
        }
        assert!(centre.uptake().is_none());
        let steps: Vec<u32> = centre.evaluations().iter().map(|e| e.step).collect();
        assert_eq!(steps, vec![1, 3, 5], "a review every 2 steps, each a wait");
        // a trigger share not yet reached: no review at all
        c.uptake.promote_above = 0.0;
        c.uptake.trigger_share = Some(0.5);
        let mut centre = Centre::new(&c, &l, 0.0, None);
        let mut w = World::new(&[0.4, 0.8, 0.0, 0.0, 0.0], &[1, 2, 0, 0, 0]);
        w.status[2..].fill(NEVER);
        w.adopters.truncate(2);
        centre.begin_step(1, &w.locals(), &mut rng, &mut orders);
        assert!(centre.evaluations().is_empty(), "share 0.4 < trigger 0.5");
        w.status[2] = ADOPTED;
        w.adopters.push(2);
        w.lineage[2] = 2;
        centre.begin_step(2, &w.locals(), &mut rng, &mut orders);
        assert_eq!(centre.uptake().map(|u| u.step), Some(2));
    }
}
