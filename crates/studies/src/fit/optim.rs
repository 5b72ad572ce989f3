//! Derivative-free optimisation: a Latin-hypercube design and Nelder–Mead, both
//! deterministic given their inputs.

use policysim_model::rng::RunRng;
use rand::RngExt;

/// `count` points of a Latin hypercube in the box `[lo, hi]` (per dimension): each
/// dimension's range is cut into `count` equal strata, each stratum used once.
pub fn latin_hypercube(count: usize, lo: &[f64], hi: &[f64], rng: &mut RunRng) -> Vec<Vec<f64>> {
    let d = lo.len();
    let mut points = vec![vec![0.0; d]; count];
    for k in 0..d {
        let mut strata: Vec<usize> = (0..count).collect();
        // Fisher–Yates
        for i in (1..count).rev() {
            let j = rng.random_range(0..=i);
            strata.swap(i, j);
        }
        for (p, s) in points.iter_mut().zip(strata) {
            let u = (s as f64 + rng.random::<f64>()) / count as f64;
            p[k] = lo[k] + u * (hi[k] - lo[k]);
        }
    }
    points
}

/// Minimises `f` by Nelder–Mead from `start` with initial steps `step`, using at most
/// `budget` evaluations; returns every point evaluated with its value, in order.
///
/// Standard coefficients (reflection 1, expansion 2, contraction 0.5, shrink 0.5); stops
/// early when the simplex is smaller than `min_size` in every coordinate, or when its
/// values and size have collapsed.
pub fn nelder_mead(
    f: &mut dyn FnMut(&[f64]) -> f64,
    start: &[f64],
    step: f64,
    min_size: f64,
    budget: usize,
) -> Vec<(Vec<f64>, f64)> {
    let d = start.len();
    let mut log: Vec<(Vec<f64>, f64)> = Vec::new();
    let mut eval = |x: &[f64], log: &mut Vec<(Vec<f64>, f64)>| -> Option<f64> {
        if log.len() >= budget {
            return None;
        }
        let v = f(x);
        let v = if v.is_nan() { f64::INFINITY } else { v };
        log.push((x.to_vec(), v));
        Some(v)
    };
    let mut simplex: Vec<(Vec<f64>, f64)> = Vec::with_capacity(d + 1);
    for i in 0..=d {
        let mut x = start.to_vec();
        if i > 0 {
            x[i - 1] += step;
        }
        match eval(&x, &mut log) {
            Some(v) => simplex.push((x, v)),
            None => return log,
        }
    }
    loop {
        simplex.sort_by(|a, b| a.1.total_cmp(&b.1));
        let best = simplex[0].1;
        let worst = simplex[d].1;
        let size = simplex
            .iter()
            .skip(1)
            .map(|(x, _)| {
                x.iter()
                    .zip(&simplex[0].0)
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max);
        if size < min_size || ((worst - best).abs() <= 1e-12 * (1.0 + best.abs()) && size < 1e-6) {
            return log;
        }
        let centroid: Vec<f64> = (0..d)
            .map(|k| simplex[..d].iter().map(|(x, _)| x[k]).sum::<f64>() / d as f64)
            .collect();
        let along = |t: f64| -> Vec<f64> {
            centroid
                .iter()
                .zip(&simplex[d].0)
                .map(|(c, w)| c + t * (c - w))
                .collect()
        };
        let xr = along(1.0);
        let Some(fr) = eval(&xr, &mut log) else {
            return log;
        };
        if fr < simplex[0].1 {
            let xe = along(2.0);
            let Some(fe) = eval(&xe, &mut log) else {
                return log;
            };
            simplex[d] = if fe < fr { (xe, fe) } else { (xr, fr) };
        } else if fr < simplex[d - 1].1 {
            simplex[d] = (xr, fr);
        } else {
            let (xc, outside) = if fr < simplex[d].1 {
                (along(0.5), true)
            } else {
                (along(-0.5), false)
            };
            let Some(fc) = eval(&xc, &mut log) else {
                return log;
            };
            if (outside && fc <= fr) || (!outside && fc < simplex[d].1) {
                simplex[d] = (xc, fc);
            } else {
                let x0 = simplex[0].0.clone();
                for vertex in simplex.iter_mut().skip(1) {
                    let x: Vec<f64> = vertex
                        .0
                        .iter()
                        .zip(&x0)
                        .map(|(v, b)| b + 0.5 * (v - b))
                        .collect();
                    let Some(v) = eval(&x, &mut log) else {
                        return log;
                    };
                    *vertex = (x, v);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use policysim_model::rng::run_rng;

    #[test]
    fn nelder_mead_finds_a_quadratic_minimum() {
        let mut f = |x: &[f64]| (x[0] - 1.0).powi(2) + 3.0 * (x[1] + 2.0).powi(2);
        let log = nelder_mead(&mut f, &[0.0, 0.0], 0.5, 0.0, 300);
        let best = log.iter().min_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert!((best.0[0] - 1.0).abs() < 1e-3 && (best.0[1] + 2.0).abs() < 1e-3);
        assert!(log.len() <= 300);
    }

    #[test]
    fn latin_hypercube_uses_every_stratum_once() {
        let pts = latin_hypercube(10, &[0.0, 5.0], &[1.0, 6.0], &mut run_rng(3, 0));
        for k in 0..2 {
            let mut strata: Vec<usize> = pts
                .iter()
                .map(|p| ((p[k] - [0.0, 5.0][k]) * 10.0) as usize)
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }
}
