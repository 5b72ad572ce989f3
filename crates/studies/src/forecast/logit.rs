//! A binary logit fitted by maximum likelihood: Newton–Raphson (the same steps as
//! iteratively reweighted least squares), with standard errors from the inverse of the
//! observed information at the optimum.

// The matrix code indexes rows and columns as the formulas do.
#![allow(clippy::needless_range_loop)]

use policysim_model::error::{Error, Result};

/// A fitted logit P(y = 1 | x) = 1 / (1 + exp(-x·b)).
#[derive(Debug, Clone, PartialEq)]
pub struct Logit {
    /// Covariate names, in the order of the columns of x.
    pub names: Vec<String>,
    /// Coefficients b.
    pub coef: Vec<f64>,
    /// Their standard errors (NaN when the information matrix is singular at b).
    pub se: Vec<f64>,
    /// Log-likelihood at b.
    pub log_likelihood: f64,
    /// Newton iterations used.
    pub iterations: usize,
    /// The steps became negligible (false: e.g. perfect separation, coefficients drifting off).
    pub converged: bool,
}

/// Most Newton iterations.
const MAX_ITER: usize = 100;

impl Logit {
    /// The fitted probability for covariates `x`.
    pub fn probability(&self, x: &[f64]) -> f64 {
        logistic(dot(&self.coef, x))
    }
}

pub use policysim_model::stats::logistic;

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(a, b)| a * b).sum()
}

fn log_likelihood(b: &[f64], x: &[Vec<f64>], y: &[bool]) -> f64 {
    x.iter()
        .zip(y)
        .map(|(row, &y)| {
            let z = dot(b, row);
            // log p = -ln(1 + e^-z), log(1 - p) = -ln(1 + e^z), computed stably
            let softplus = |v: f64| v.max(0.0) + (-v.abs()).exp().ln_1p();
            if y {
                -softplus(-z)
            } else {
                -softplus(z)
            }
        })
        .sum()
}

/// Fits the logit of `y` on the rows of `x` (each row holds every covariate, the
/// intercept's 1 included); `names` labels the columns.
pub fn fit_logit(x: &[Vec<f64>], y: &[bool], names: &[String]) -> Result<Logit> {
    let d = names.len();
    if x.is_empty() || x.iter().any(|r| r.len() != d) {
        return Err(Error::Input(
            "the logit has no observations (or rows of the wrong width)".into(),
        ));
    }
    let mut b = vec![0.0; d];
    let mut ll = log_likelihood(&b, x, y);
    let mut converged = false;
    let mut iterations = 0;
    while iterations < MAX_ITER {
        iterations += 1;
        let (grad, info) = gradient_information(&b, x, y);
        let Some(step) = solve(&info, &grad) else {
            if iterations == 1 {
                // at b = 0 every weight is 1/4: a singular information is collinearity
                return Err(collinear(names));
            }
            // the weights have vanished (separation: coefficients drifting off)
            break;
        };
        // step halving keeps every step uphill
        let mut scale = 1.0;
        let mut next: Vec<f64>;
        let mut next_ll;
        loop {
            next = b.iter().zip(&step).map(|(b, s)| b + scale * s).collect();
            next_ll = log_likelihood(&next, x, y);
            if next_ll >= ll - 1e-12 || scale < 1e-6 {
                break;
            }
            scale *= 0.5;
        }
        let biggest = step.iter().fold(0.0f64, |m, s| m.max((scale * s).abs()));
        b = next;
        let gain = next_ll - ll;
        ll = next_ll;
        if biggest < 1e-10 || gain.abs() < 1e-12 * (1.0 + ll.abs()) {
            converged = biggest < 1e-4;
            break;
        }
    }
    let (_, info) = gradient_information(&b, x, y);
    // no standard errors where the information is singular (a drifting fit)
    let se = match invert(&info) {
        Some(inverse) => (0..d).map(|k| inverse[k][k].max(0.0).sqrt()).collect(),
        None => vec![f64::NAN; d],
    };
    Ok(Logit {
        names: names.to_vec(),
        coef: b,
        se,
        log_likelihood: ll,
        iterations,
        converged,
    })
}

/// Cluster-robust (sandwich) standard errors of a fitted logit: V = A^-1 B A^-1 with A
/// the information X'WX at b and B the sum over clusters of the outer product of each
/// cluster's score, times the small-sample factor G/(G-1) (N-1)/(N-K) (statsmodels'
/// `cov_type="cluster"` with its default correction). `clusters[r]` is row r's cluster
/// (0..G). NaN where A is singular or there is a single cluster.
pub fn clustered_se(logit: &Logit, x: &[Vec<f64>], y: &[bool], clusters: &[usize]) -> Vec<f64> {
    let d = logit.coef.len();
    let g_count = clusters.iter().max().map_or(0, |m| m + 1);
    let (_, info) = gradient_information(&logit.coef, x, y);
    let Some(inverse) = invert(&info).filter(|_| g_count > 1) else {
        return vec![f64::NAN; d];
    };
    let mut scores = vec![vec![0.0; d]; g_count];
    for ((row, &y), &g) in x.iter().zip(y).zip(clusters) {
        let r = f64::from(u8::from(y)) - logistic(dot(&logit.coef, row));
        for j in 0..d {
            scores[g][j] += row[j] * r;
        }
    }
    let mut meat = vec![vec![0.0; d]; d];
    for s in &scores {
        for j in 0..d {
            for k in 0..d {
                meat[j][k] += s[j] * s[k];
            }
        }
    }
    let (n, gf, kf) = (x.len() as f64, g_count as f64, d as f64);
    let factor = gf / (gf - 1.0) * (n - 1.0) / (n - kf);
    (0..d)
        .map(|k| {
            // (A^-1 B A^-1)[k][k]
            let mut v = 0.0;
            for a in 0..d {
                for b in 0..d {
                    v += inverse[k][a] * meat[a][b] * inverse[b][k];
                }
            }
            (factor * v).max(0.0).sqrt()
        })
        .collect()
}

fn collinear(names: &[String]) -> Error {
    Error::Input(format!(
        "the event-history logit cannot be fitted: its covariates ({}) are collinear on the training years",
        names.join(", ")
    ))
}

/// The score vector X'(y - p) and the information matrix X'WX at `b`.
fn gradient_information(b: &[f64], x: &[Vec<f64>], y: &[bool]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let d = b.len();
    let mut g = vec![0.0; d];
    let mut h = vec![vec![0.0; d]; d];
    for (row, &y) in x.iter().zip(y) {
        let p = logistic(dot(b, row));
        let r = f64::from(u8::from(y)) - p;
        let w = p * (1.0 - p);
        for j in 0..d {
            g[j] += row[j] * r;
            for k in 0..=j {
                h[j][k] += w * row[j] * row[k];
            }
        }
    }
    for j in 0..d {
        for k in 0..j {
            h[k][j] = h[j][k];
        }
    }
    (g, h)
}

/// Cholesky factor L (lower) of a symmetric positive-definite matrix, None when it is not.
fn cholesky(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let d = a.len();
    let scale = (0..d)
        .map(|k| a[k][k].abs())
        .fold(0.0f64, f64::max)
        .max(1e-300);
    let mut l = vec![vec![0.0; d]; d];
    for j in 0..d {
        let mut s = a[j][j];
        for k in 0..j {
            s -= l[j][k] * l[j][k];
        }
        if s <= 1e-12 * scale {
            return None;
        }
        l[j][j] = s.sqrt();
        for i in j + 1..d {
            let mut s = a[i][j];
            for k in 0..j {
                s -= l[i][k] * l[j][k];
            }
            l[i][j] = s / l[j][j];
        }
    }
    Some(l)
}

/// Solves A z = v for symmetric positive-definite A.
fn solve(a: &[Vec<f64>], v: &[f64]) -> Option<Vec<f64>> {
    let l = cholesky(a)?;
    let d = v.len();
    let mut z = v.to_vec();
    for i in 0..d {
        for k in 0..i {
            z[i] -= l[i][k] * z[k];
        }
        z[i] /= l[i][i];
    }
    for i in (0..d).rev() {
        for k in i + 1..d {
            z[i] -= l[k][i] * z[k];
        }
        z[i] /= l[i][i];
    }
    Some(z)
}

/// The inverse of a symmetric positive-definite matrix.
fn invert(a: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let d = a.len();
    let mut inv = vec![vec![0.0; d]; d];
    for k in 0..d {
        let mut e = vec![0.0; d];
        e[k] = 1.0;
        let col = solve(a, &e)?;
        for i in 0..d {
            inv[i][k] = col[i];
        }
    }
    Some(inv)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    #[test]
    fn recovers_the_coefficients_of_simulated_data_within_their_standard_errors() {
        let truth = [-2.0, 1.5, -0.8];
        let mut rng = rand::rngs::Xoshiro256PlusPlus::seed_from_u64(16);
        let mut x = Vec::new();
        let mut y = Vec::new();
        for _ in 0..20_000 {
            let row = vec![1.0, rng.random::<f64>(), rng.random::<f64>() * 2.0 - 1.0];
            let p = logistic(dot(&truth, &row));
            y.push(rng.random::<f64>() < p);
            x.push(row);
        }
        let names: Vec<String> = ["intercept", "a", "b"].map(String::from).to_vec();
        let fit = fit_logit(&x, &y, &names).unwrap();
        assert!(fit.converged);
        for k in 0..3 {
            // 3.5 standard errors: a false alarm about once in 2000 seeds per coefficient
            let z = (fit.coef[k] - truth[k]) / fit.se[k];
            assert!(
                z.abs() < 3.5,
                "{}: {} ± {} vs {}",
                names[k],
                fit.coef[k],
                fit.se[k],
                truth[k]
            );
            // the standard error is that of 20,000 draws: small, but not zero
            assert!(fit.se[k] > 0.01 && fit.se[k] < 0.2, "{}", fit.se[k]);
        }
    }

    #[test]
    fn a_fit_without_events_drifts_and_says_so() {
        let x: Vec<Vec<f64>> = (0..50).map(|i| vec![1.0, (i % 7) as f64]).collect();
        let y = vec![false; 50];
        let names: Vec<String> = ["intercept", "a"].map(String::from).to_vec();
        let fit = fit_logit(&x, &y, &names).unwrap();
        assert!(!fit.converged);
        assert!(fit.probability(&[1.0, 3.0]) < 1e-3, "{fit:?}");
    }

    #[test]
    fn collinear_covariates_are_refused_by_name() {
        let x: Vec<Vec<f64>> = (0..10)
            .map(|i| vec![1.0, i as f64, 2.0 * i as f64])
            .collect();
        let y: Vec<bool> = (0..10).map(|i| i % 3 == 0).collect();
        let names: Vec<String> = ["intercept", "a", "twice_a"].map(String::from).to_vec();
        let e = fit_logit(&x, &y, &names).unwrap_err().to_string();
        assert!(e.contains("twice_a") && e.contains("collinear"), "{e}");
    }
}
