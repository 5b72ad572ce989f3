//! Times that do not round: the time a run's adopted share crossed a level, interpolated
//! within the step. The whole-step time t (t10, t50, t90) is the first step whose share
//! is at or above the level; the share at step t - 1 was below it. Between the two the
//! share is taken as linear, so the crossing time is
//! `(t - 1) + (level - s[t-1]) / (s[t] - s[t-1])`, in (t - 1, t]; a level reached at
//! step 0 is crossed at 0, and a level never reached has no time (censored at the
//! horizon, as the whole-step time is). docs/model.md and docs/statistics.md.

/// The levels of t10, t50 and t90.
pub const LEVELS: [f64; 3] = [0.1, 0.5, 0.9];

/// The interpolated crossing time of `level`, given the whole-step time `whole` (the first
/// step at or above the level, None if never) and the adopted share at each step
/// (`share(t)`, t = 0 ..= steps).
pub fn interpolated(level: f64, whole: Option<u32>, share: impl Fn(usize) -> f64) -> Option<f64> {
    let t = whole?;
    if t == 0 {
        return Some(0.0);
    }
    let (before, after) = (share(t as usize - 1), share(t as usize));
    let rise = after - before;
    // the share rose across the level in this step; a rise of 0 cannot happen (the
    // step before was below the level), and the fraction is kept in [0, 1] against rounding
    let fraction = if rise > 0.0 {
        ((level - before) / rise).clamp(0.0, 1.0)
    } else {
        1.0
    };
    Some(f64::from(t) - 1.0 + fraction)
}

/// The interpolated t10, t50 and t90 of a run from its whole-step times and shares.
pub fn interpolated_times(
    whole: [Option<u32>; 3],
    share: impl Fn(usize) -> f64,
) -> [Option<f64>; 3] {
    [0, 1, 2].map(|k| interpolated(LEVELS[k], whole[k], &share))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crossing_is_placed_within_its_step_by_linear_interpolation() {
        // shares 0, 0.2, 0.6, 1.0 at steps 0..=3: t50 is step 2, crossed a quarter
        // of the way (0.5 - 0.2) / 0.4 = 0.75 into step 2's rise, at 1.75
        let s = [0.0, 0.2, 0.6, 1.0];
        let at = |t: usize| s[t];
        assert_eq!(interpolated(0.5, Some(2), at), Some(1.75));
        // 10%: from 0 to 0.2 during step 1: crossed at 0.5
        assert_eq!(interpolated(0.1, Some(1), at), Some(0.5));
        // exactly at the level at the end of a step: crossed at that step
        assert_eq!(interpolated(0.6, Some(2), at), Some(2.0));
        // reached at step 0: time 0; never reached: no time
        assert_eq!(interpolated(0.0, Some(0), at), Some(0.0));
        assert_eq!(interpolated(0.9, None, at), None);
        let [a, b, c] = interpolated_times([Some(1), Some(2), Some(3)], at);
        assert_eq!((a, b), (Some(0.5), Some(1.75)));
        assert!((c.unwrap() - 2.75).abs() < 1e-12, "{c:?}");
        // every interpolated time lies in (t - 1, t]
        for (k, t) in [(0, 1u32), (1, 2), (2, 3)] {
            let x = interpolated(LEVELS[k], Some(t), at).unwrap();
            assert!(x > f64::from(t) - 1.0 && x <= f64::from(t), "{x}");
        }
    }
}
