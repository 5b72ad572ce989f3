//! Pilot site selection (MODEL.md section 4): whom the centre designates, by
//! `central.pilot.selection`.

use crate::scenario::Selection;
use rand::{Rng, RngExt};

/// The units of the government traits that pilot selection looks at.
pub struct Candidates<'a> {
    /// Governments that may be designated (not adopted, never abandoned).
    pub eligible: &'a [u32],
    /// Learning capacity per government.
    pub learning: &'a [f32],
    /// Competitive urge per government.
    pub competition: &'a [f32],
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
fn top_by<R: Rng + ?Sized>(eligible: &[u32], score: &[f32], k: usize, rng: &mut R) -> Vec<u32> {
    let mut keyed: Vec<(f64, u64, u32)> = eligible
        .iter()
        .map(|&i| (f64::from(score[i as usize]), rng.random::<u64>(), i))
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

    /// Candidates over two regions.
    fn candidates<'a>(
        eligible: &'a [u32],
        learning: &'a [f32],
        competition: &'a [f32],
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

    fn traits() -> (Vec<u32>, Vec<f32>, Vec<f32>, Vec<u16>) {
        let n = 12;
        let eligible: Vec<u32> = (0..n).filter(|i| i % 5 != 4).collect();
        let learning: Vec<f32> = (0..n).map(|i| i as f32 / n as f32).collect();
        let competition: Vec<f32> = (0..n).map(|i| 1.0 - i as f32 / n as f32).collect();
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
}
