//! Morris elementary effects: r one-at-a-time trajectories on a grid of p levels (Morris
//! 1991), and per parameter mu* (the mean absolute effect, Campolongo et al. 2007), mu and
//! sigma, with bootstrap percentile intervals over the trajectories.
//!
//! The statistics are those of SALib's `morris.analyze(problem, X, Y, num_levels=p)` on the
//! same design: see `docs/sensitivity.md`.

use super::{bootstrap_interval, Estimate};
use policysim_model::rng::RunRng;
use rand::RngExt;

/// The step of a trajectory in the unit cube: Δ = p / (2 (p - 1)) for `levels` p (even).
pub fn delta(levels: usize) -> f64 {
    levels as f64 / (2.0 * (levels as f64 - 1.0))
}

/// One trajectory: its k + 1 points in the unit cube and, for the step into point j + 1,
/// the parameter moved and the direction (+1 up, -1 down).
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// The k + 1 points (k coordinates each).
    pub points: Vec<Vec<f64>>,
    /// Per step: (parameter moved, direction).
    pub steps: Vec<(usize, f64)>,
}

/// A random Morris trajectory for `k` parameters on `levels` levels: a base point on the
/// levels {0, 1/(p-1), ..., 1 - Δ}, a random direction per parameter and a random order in
/// which the parameters move by Δ, so every point lies on the grid inside [0, 1].
pub fn trajectory(k: usize, levels: usize, rng: &mut RunRng) -> Trajectory {
    let d = delta(levels);
    let step = 1.0 / (levels as f64 - 1.0);
    let base_levels = levels / 2;
    let mut x: Vec<f64> = Vec::with_capacity(k);
    let mut dir: Vec<f64> = Vec::with_capacity(k);
    for _ in 0..k {
        let base = rng.random_range(0..base_levels) as f64 * step;
        let up = rng.random_bool(0.5);
        dir.push(if up { 1.0 } else { -1.0 });
        x.push(if up { base } else { base + d });
    }
    // a random order (Fisher–Yates)
    let mut order: Vec<usize> = (0..k).collect();
    for i in (1..k).rev() {
        let j = rng.random_range(0..=i);
        order.swap(i, j);
    }
    let mut points = vec![x.iter().map(|v| clean(*v)).collect::<Vec<f64>>()];
    let mut steps = Vec::with_capacity(k);
    for &i in &order {
        x[i] += dir[i] * d;
        points.push(x.iter().map(|v| clean(*v)).collect());
        steps.push((i, dir[i]));
    }
    Trajectory { points, steps }
}

/// A grid coordinate without binary rounding noise (12 significant digits, within [0, 1]).
fn clean(v: f64) -> f64 {
    policysim_io::cells::round_sig(v).clamp(0.0, 1.0)
}

/// The elementary effects of each trajectory: `effects[t][i]` = (f(x with parameter i
/// higher) - f(x with it lower)) / Δ, from the outputs `y` in design order (trajectory
/// after trajectory, k + 1 points each).
pub fn effects(trajectories: &[Trajectory], y: &[f64], levels: usize) -> Vec<Vec<f64>> {
    let d = delta(levels);
    let mut out = Vec::with_capacity(trajectories.len());
    let mut at = 0;
    for t in trajectories {
        let k = t.steps.len();
        let mut ee = vec![0.0; k];
        for (j, &(i, dir)) in t.steps.iter().enumerate() {
            ee[i] = dir * (y[at + j + 1] - y[at + j]) / d;
        }
        out.push(ee);
        at += k + 1;
    }
    out
}

/// mu*, mu and sigma of parameter `i` over the trajectories `rows` (which may repeat).
fn statistics(effects: &[Vec<f64>], rows: &[usize], i: usize) -> (f64, f64, f64) {
    let n = rows.len() as f64;
    let mu_star = rows.iter().map(|&t| effects[t][i].abs()).sum::<f64>() / n;
    let mu = rows.iter().map(|&t| effects[t][i]).sum::<f64>() / n;
    let sigma = if rows.len() > 1 {
        (rows
            .iter()
            .map(|&t| (effects[t][i] - mu).powi(2))
            .sum::<f64>()
            / (n - 1.0))
            .sqrt()
    } else {
        0.0
    };
    (mu_star, mu, sigma)
}

/// mu_star, mu and sigma of every parameter from the elementary effects, with bootstrap
/// percentile intervals from `resamples` resamples of the trajectories drawn from `rng`.
pub fn analyse(
    effects: &[Vec<f64>],
    names: &[String],
    resamples: usize,
    rng: &mut RunRng,
) -> Vec<Estimate> {
    let r = effects.len();
    let all: Vec<usize> = (0..r).collect();
    let draws: Vec<Vec<usize>> = (0..resamples)
        .map(|_| (0..r).map(|_| rng.random_range(0..r)).collect())
        .collect();
    let mut out = Vec::with_capacity(3 * names.len());
    for (i, name) in names.iter().enumerate() {
        let (mu_star, mu, sigma) = statistics(effects, &all, i);
        let boot: Vec<(f64, f64, f64)> = draws.iter().map(|d| statistics(effects, d, i)).collect();
        let ci = |f: fn(&(f64, f64, f64)) -> f64| bootstrap_interval(boot.iter().map(f).collect());
        out.push(Estimate::new(name, "mu_star", mu_star, ci(|b| b.0)));
        out.push(Estimate::new(name, "mu", mu, ci(|b| b.1)));
        out.push(Estimate::new(name, "sigma", sigma, ci(|b| b.2)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> RunRng {
        policysim_model::rng::run_rng(5, 0)
    }

    #[test]
    fn trajectories_move_one_parameter_by_delta_on_the_grid() {
        let mut r = rng();
        for _ in 0..50 {
            let t = trajectory(4, 4, &mut r);
            assert_eq!(t.points.len(), 5);
            let mut moved: Vec<usize> = t.steps.iter().map(|s| s.0).collect();
            moved.sort_unstable();
            assert_eq!(moved, vec![0, 1, 2, 3]);
            for (j, &(i, dir)) in t.steps.iter().enumerate() {
                let (a, b) = (&t.points[j], &t.points[j + 1]);
                for c in 0..4 {
                    let change = b[c] - a[c];
                    if c == i {
                        assert!((change - dir * 2.0 / 3.0).abs() < 1e-9);
                    } else {
                        assert_eq!(change, 0.0);
                    }
                }
                for v in b {
                    let level = v * 3.0;
                    assert!((level - level.round()).abs() < 1e-9 && (0.0..=1.0).contains(v));
                }
            }
        }
    }

    #[test]
    fn a_linear_function_has_its_slopes_as_effects_and_no_spread() {
        // f = 3 x0 - 2 x1 + 0 x2 in the unit cube: every elementary effect is the slope
        let mut r = rng();
        let ts: Vec<Trajectory> = (0..12).map(|_| trajectory(3, 6, &mut r)).collect();
        let y: Vec<f64> = ts
            .iter()
            .flat_map(|t| t.points.iter().map(|x| 3.0 * x[0] - 2.0 * x[1]))
            .collect();
        let ee = effects(&ts, &y, 6);
        let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
        let est = analyse(&ee, &names, 200, &mut r);
        let get = |p: &str, i: &str| {
            est.iter()
                .find(|e| e.parameter == p && e.index == i)
                .unwrap()
                .clone()
        };
        assert!((get("a", "mu_star").estimate - 3.0).abs() < 1e-9);
        assert!((get("b", "mu").estimate + 2.0).abs() < 1e-9);
        assert!((get("b", "mu_star").estimate - 2.0).abs() < 1e-9);
        assert!(get("a", "sigma").estimate.abs() < 1e-9);
        assert_eq!(get("c", "mu_star").estimate, 0.0);
        assert_eq!(get("c", "mu_star").ci_high, 0.0);
    }
}
