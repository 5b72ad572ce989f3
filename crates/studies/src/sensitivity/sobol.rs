//! Sobol' indices: the Sobol' low-discrepancy sequence (Joe & Kuo 2008 direction numbers),
//! the radial A/B/AB_i design of Saltelli (2002, 2010), the first-order estimator of
//! Saltelli et al. (2010) and the total-order estimator of Jansen (1999), with bootstrap
//! percentile intervals over the base rows.
//!
//! The design and the point estimates are those of SALib's `sobol.sample(problem, N,
//! calc_second_order=False, scramble=False)` and `sobol.analyze(problem, Y,
//! calc_second_order=False)`: see `docs/sensitivity.md`.

use super::{bootstrap_interval, Estimate};
use rand::RngExt;

/// Direction numbers of Joe & Kuo's `new-joe-kuo-6.21201` for dimensions 2 to 40: the
/// degree `s` of the primitive polynomial, its coefficients `a` and the initial `m_1..m_s`.
/// Dimension 1 is the van der Corput sequence in base 2 and needs none.
const JOE_KUO: [(u32, u32, &[u32]); 39] = [
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
];

/// The number of dimensions the embedded direction numbers cover.
pub const MAX_DIMENSIONS: usize = JOE_KUO.len() + 1;

/// The most parameters a Sobol' design can have (each needs two dimensions, A and B).
pub const MAX_PARAMETERS: usize = MAX_DIMENSIONS / 2;

/// Bits of every coordinate.
const BITS: usize = 32;

/// The direction numbers `v_1..v_32` of dimension `d` (0-based), scaled to 32 bits.
fn directions(d: usize) -> [u32; BITS] {
    let mut v = [0u32; BITS];
    if d == 0 {
        for (k, vk) in v.iter_mut().enumerate() {
            *vk = 1 << (BITS - 1 - k);
        }
        return v;
    }
    let (s, a, m) = JOE_KUO[d - 1];
    let s = s as usize;
    for k in 0..BITS {
        v[k] = if k < s {
            m[k] << (BITS - 1 - k)
        } else {
            let mut x = v[k - s] ^ (v[k - s] >> s);
            for l in 1..s {
                if (a >> (s - 1 - l)) & 1 == 1 {
                    x ^= v[k - l];
                }
            }
            x
        };
    }
    v
}

/// The first `n` points of the (unscrambled) Sobol' sequence in `dims` dimensions, in
/// Gray-code order (Antonov & Saleev 1979), starting with the origin: the points of
/// Joe & Kuo's `sobol.cc` and of SciPy's `qmc.Sobol(d, scramble=False)`.
///
/// Panics if `dims` exceeds [`MAX_DIMENSIONS`] (callers check the parameter count first).
pub fn sobol_points(n: usize, dims: usize) -> Vec<Vec<f64>> {
    assert!(
        dims <= MAX_DIMENSIONS,
        "at most {MAX_DIMENSIONS} dimensions"
    );
    let v: Vec<[u32; BITS]> = (0..dims).map(directions).collect();
    let mut x = vec![0u32; dims];
    let scale = 2f64.powi(BITS as i32);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        if i > 0 {
            // the bit that changes between Gray codes i-1 and i: the lowest zero of i-1
            let c = (i - 1).trailing_ones() as usize;
            for (xd, vd) in x.iter_mut().zip(&v) {
                *xd ^= vd[c.min(BITS - 1)];
            }
        }
        out.push(x.iter().map(|&xd| f64::from(xd) / scale).collect());
    }
    out
}

/// The Saltelli design in the unit cube for `k` parameters and `n` base rows: per base row
/// `j`, the points A_j, AB_j^1, ..., AB_j^k, B_j (AB^i is A with column i from B), so
/// `n (k + 2)` points. A and B are the first and last `k` coordinates of the first `n`
/// points of the 2k-dimensional Sobol' sequence.
pub fn saltelli_design(n: usize, k: usize) -> Vec<Vec<f64>> {
    let base = sobol_points(n, 2 * k);
    let mut out = Vec::with_capacity(n * (k + 2));
    for row in &base {
        let (a, b) = row.split_at(k);
        out.push(a.to_vec());
        for i in 0..k {
            let mut ab = a.to_vec();
            ab[i] = b[i];
            out.push(ab);
        }
        out.push(b.to_vec());
    }
    out
}

/// The outputs of a Saltelli design split per base row: f(A_j), f(AB_j^i), f(B_j).
struct Blocks<'a> {
    y: &'a [f64],
    k: usize,
}

impl Blocks<'_> {
    fn a(&self, j: usize) -> f64 {
        self.y[j * (self.k + 2)]
    }
    fn ab(&self, j: usize, i: usize) -> f64 {
        self.y[j * (self.k + 2) + 1 + i]
    }
    fn b(&self, j: usize) -> f64 {
        self.y[j * (self.k + 2) + self.k + 1]
    }
}

/// First-order and total indices of parameter `i` over the base rows `rows` (which may
/// repeat, for a bootstrap resample): Saltelli (2010) S1 = mean(f(B)(f(AB^i) - f(A))) / V and
/// Jansen (1999) ST = mean((f(A) - f(AB^i))^2) / (2V), with V the (population) variance of
/// f(A) and f(B) together. Zero when V is 0 (the output does not vary).
fn indices(blocks: &Blocks, rows: &[usize], i: usize) -> (f64, f64) {
    let n = rows.len() as f64;
    let mean = rows.iter().map(|&j| blocks.a(j) + blocks.b(j)).sum::<f64>() / (2.0 * n);
    let var = rows
        .iter()
        .map(|&j| (blocks.a(j) - mean).powi(2) + (blocks.b(j) - mean).powi(2))
        .sum::<f64>()
        / (2.0 * n);
    if var <= 0.0 || !var.is_finite() {
        return (0.0, 0.0);
    }
    let (mut s1, mut st) = (0.0, 0.0);
    for &j in rows {
        let (a, ab, b) = (blocks.a(j), blocks.ab(j, i), blocks.b(j));
        s1 += b * (ab - a);
        st += (a - ab).powi(2);
    }
    (s1 / n / var, st / n / (2.0 * var))
}

/// Sobol' indices S1 and ST of every parameter from the outputs `y` of a Saltelli design
/// of `k` parameters (in the order of [`saltelli_design`]), with bootstrap percentile
/// intervals from `resamples` resamples of the base rows drawn from `rng`.
///
/// As in SALib, the outputs are first standardised over all points (which changes S1's
/// estimate slightly, not ST's); `names` gives the parameter of each column.
pub fn analyse(
    y: &[f64],
    names: &[String],
    resamples: usize,
    rng: &mut policysim_model::rng::RunRng,
) -> Vec<Estimate> {
    let k = names.len();
    let n = y.len() / (k + 2);
    let count = (n * (k + 2)) as f64;
    let mean = y.iter().sum::<f64>() / count;
    let sd = (y.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / count).sqrt();
    let z: Vec<f64> = if sd > 0.0 {
        y.iter().map(|v| (v - mean) / sd).collect()
    } else {
        vec![0.0; y.len()]
    };
    let blocks = Blocks { y: &z, k };
    let all: Vec<usize> = (0..n).collect();
    // one set of resamples for every parameter (as SALib does)
    let draws: Vec<Vec<usize>> = (0..resamples)
        .map(|_| (0..n).map(|_| rng.random_range(0..n)).collect())
        .collect();
    let mut out = Vec::with_capacity(2 * k);
    for (i, name) in names.iter().enumerate() {
        let (s1, st) = indices(&blocks, &all, i);
        let boot: Vec<(f64, f64)> = draws.iter().map(|r| indices(&blocks, r, i)).collect();
        let s1_ci = bootstrap_interval(boot.iter().map(|b| b.0).collect());
        let st_ci = bootstrap_interval(boot.iter().map(|b| b.1).collect());
        out.push(Estimate::new(name, "S1", s1, s1_ci));
        out.push(Estimate::new(name, "ST", st, st_ci));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_points_are_the_published_ones() {
        // Joe & Kuo's sobol.cc (and SciPy's unscrambled qmc.Sobol), first 8 points of 3 dimensions
        let expected = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.5],
            [0.75, 0.25, 0.25],
            [0.25, 0.75, 0.75],
            [0.375, 0.375, 0.625],
            [0.875, 0.875, 0.125],
            [0.625, 0.125, 0.875],
            [0.125, 0.625, 0.375],
        ];
        let points = sobol_points(8, 3);
        for (p, e) in points.iter().zip(&expected) {
            assert_eq!(p.as_slice(), e.as_slice());
        }
        // dimensions 21 and 40 (the last of the table), first 16 points, as SciPy 1.17's
        // qmc.Sobol(d=40, scramble=False) gives them (all 40 dimensions x 64 points agree)
        let d21 = [0, 8, 4, 12, 2, 10, 6, 14, 3, 11, 7, 15, 1, 9, 5, 13];
        let d40 = [0, 8, 4, 12, 14, 6, 10, 2, 9, 1, 13, 5, 7, 15, 3, 11];
        let points = sobol_points(16, MAX_DIMENSIONS);
        for (i, p) in points.iter().enumerate() {
            assert_eq!(p[20] * 16.0, f64::from(d21[i]), "dimension 21, point {i}");
            assert_eq!(p[39] * 16.0, f64::from(d40[i]), "dimension 40, point {i}");
        }
    }

    #[test]
    fn every_dimension_is_a_net_of_the_unit_interval() {
        // the first 2^m points of every one-dimensional projection hit every interval
        // [i/2^m, (i+1)/2^m) exactly once
        let points = sobol_points(64, MAX_DIMENSIONS);
        for d in 0..MAX_DIMENSIONS {
            let mut cells: Vec<usize> = points.iter().map(|p| (p[d] * 64.0) as usize).collect();
            cells.sort_unstable();
            assert_eq!(cells, (0..64).collect::<Vec<_>>(), "dimension {}", d + 1);
        }
    }

    #[test]
    fn the_design_crosses_b_into_a_one_column_at_a_time() {
        let d = saltelli_design(4, 2);
        assert_eq!(d.len(), 16);
        let base = sobol_points(4, 4);
        let j = 3;
        assert_eq!(d[j * 4], base[j][..2].to_vec());
        assert_eq!(d[j * 4 + 1], vec![base[j][2], base[j][1]]);
        assert_eq!(d[j * 4 + 2], vec![base[j][0], base[j][3]]);
        assert_eq!(d[j * 4 + 3], base[j][2..].to_vec());
    }
}
