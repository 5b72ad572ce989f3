//! Unit tests of the centre's rules (MODEL.md sections 4 and 4b).

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
        enforce_at_start: false,
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

/// A small world: `quality` and `lineage` per government, all adopters, fit 0.
struct World {
    status: Vec<u8>,
    quality: Vec<f64>,
    lineage: Vec<u32>,
    zeros: Vec<f32>,
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
            centre_of: &[],
            centre_adopted: &[],
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
    let tallies = tally_lineages(&w.locals(), |_| true);
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
        let tallies = tally_lineages(&w.locals(), |_| true);
        let reps = 20_000;
        let draws: Vec<f64> = (0..reps)
            .map(|_| pick_lineage(&tallies, 1, 2.0, &mut rng).unwrap().1)
            .collect();
        let m = mean(&draws);
        let sd = (draws.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (reps - 1) as f64).sqrt();
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

#[test]
fn scope_puts_every_unit_below_a_centre_under_exactly_one_centre() {
    // 0 national; 1, 2 provinces; 3, 4 cities of 1; 5 city of 2; 6, 7 counties of 3 and 5
    let none = u32::MAX;
    let parent = [none, 0, 0, 1, 1, 2, 3, 5];
    let level = [0u16, 1, 1, 2, 2, 2, 3, 3];
    let s = assign_scope(&parent, &level, 1);
    assert_eq!(s.centres, vec![1, 2]);
    assert_eq!(s.members, vec![vec![3, 4, 6], vec![5, 7]]);
    // the centres themselves and the unit above them are under no centre
    for i in [0, 1, 2] {
        assert_eq!(s.centre_of[i], NO_CENTRE);
    }
    for (k, members) in s.members.iter().enumerate() {
        for &i in members {
            assert_eq!(s.centre_of[i as usize], k as u32);
        }
    }
    let total: usize = s.members.iter().map(Vec::len).sum();
    assert_eq!(
        total,
        s.centre_of.iter().filter(|&&c| c != NO_CENTRE).count()
    );
    // at the lowest level nobody lies below
    let s = assign_scope(&parent, &level, 3);
    assert!(s.members.iter().all(Vec::is_empty));
}

#[test]
fn each_centre_designates_its_own_sites_among_its_own_units() {
    let none = u32::MAX;
    let parent = [none, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    let level = [0u16, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2];
    let scope = assign_scope(&parent, &level, 1);
    let (c, l) = pilot_centre(1, Revise::None);
    let mut centres: Vec<Centre> = scope
        .members
        .iter()
        .enumerate()
        .map(|(k, m)| Centre::new(&c, &l, 0.0, None).scoped(k as u32, m))
        .collect();
    let w = never_adopted(11);
    let mut rng = run_rng(6, 0);
    let mut orders = Orders::default();
    let centre_adopted = vec![0u32; 2];
    let locals = Locals {
        centre_of: &scope.centre_of,
        centre_adopted: &centre_adopted,
        ..w.locals()
    };
    for centre in &mut centres {
        centre.begin_step(1, &locals, &mut rng, &mut orders);
    }
    // sites = 2 per centre: 2 among 3..=6 and 2 among 7..=10
    assert_eq!(orders.designate.len(), 4);
    let (first, second) = orders.designate.split_at(2);
    assert!(first.iter().all(|&i| (3..=6).contains(&i)), "{first:?}");
    assert!(second.iter().all(|&i| (7..=10).contains(&i)), "{second:?}");
    assert_eq!(centres[1].size(11), 4);
}
