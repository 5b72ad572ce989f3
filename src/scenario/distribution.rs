//! Traits and qualities: a constant, a distribution, or a node-file column.

use rand::Rng;
use rand_distr::{Beta, Distribution as _, Normal, Uniform};
use serde::{Deserialize, Serialize};

/// A value given per government (or per variant): a number, a distribution, or a column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum TraitSpec {
    /// The same number for everyone.
    Constant(f64),
    /// Drawn independently per government and run.
    Dist(Distribution),
    /// Read per node from a column of the node file: `{ from = "column" }`.
    Column {
        /// Column name in the node file.
        from: String,
    },
}

/// A probability distribution for a trait: `{ dist = "beta", a = 5.0, b = 2.0 }` and friends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// Beta(a, b) on [0, 1].
    Beta {
        /// First shape parameter (> 0).
        a: f64,
        /// Second shape parameter (> 0).
        b: f64,
    },
    /// Uniform on [low, high].
    Uniform {
        /// Lower bound.
        low: f64,
        /// Upper bound (>= low).
        high: f64,
    },
    /// Normal(mean, sd).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation (>= 0).
        sd: f64,
    },
}

/// A distribution ready to draw from (parameters already validated).
#[derive(Debug, Clone, Copy)]
pub enum Sampler {
    /// Always this value.
    Constant(f64),
    /// Beta distribution.
    Beta(Beta<f64>),
    /// Uniform distribution (low, high); low == high degenerates to a constant.
    Uniform(f64, f64),
    /// Normal distribution (mean, sd); sd == 0 degenerates to a constant.
    Normal(f64, f64),
}

impl Distribution {
    /// Checks the parameters; the error says what is allowed.
    pub fn check(&self) -> Result<(), String> {
        match *self {
            Distribution::Beta { a, b } => {
                if !(a > 0.0 && a.is_finite() && b > 0.0 && b.is_finite()) {
                    return Err(format!(
                        "beta parameters must be finite and > 0, got a = {a}, b = {b}"
                    ));
                }
            }
            Distribution::Uniform { low, high } => {
                if !(low.is_finite() && high.is_finite() && low <= high) {
                    return Err(format!(
                        "uniform needs finite low <= high, got low = {low}, high = {high}"
                    ));
                }
            }
            Distribution::Normal { mean, sd } => {
                if !(mean.is_finite() && sd.is_finite() && sd >= 0.0) {
                    return Err(format!(
                        "normal needs a finite mean and sd >= 0, got mean = {mean}, sd = {sd}"
                    ));
                }
            }
        }
        Ok(())
    }

    /// A sampler for this distribution; call [`Distribution::check`] first.
    pub fn sampler(&self) -> Sampler {
        match *self {
            Distribution::Beta { a, b } => match Beta::new(a, b) {
                Ok(beta) => Sampler::Beta(beta),
                Err(_) => Sampler::Constant(a / (a + b)),
            },
            Distribution::Uniform { low, high } => Sampler::Uniform(low, high),
            Distribution::Normal { mean, sd } => Sampler::Normal(mean, sd),
        }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> f64 {
        match *self {
            Distribution::Beta { a, b } => a / (a + b),
            Distribution::Uniform { low, high } => 0.5 * (low + high),
            Distribution::Normal { mean, .. } => mean,
        }
    }
}

impl Sampler {
    /// Draws one value.
    #[inline]
    pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match *self {
            Sampler::Constant(v) => v,
            Sampler::Beta(beta) => beta.sample(rng),
            Sampler::Uniform(low, high) => {
                if high > low {
                    match Uniform::new_inclusive(low, high) {
                        Ok(u) => u.sample(rng),
                        Err(_) => low,
                    }
                } else {
                    low
                }
            }
            Sampler::Normal(mean, sd) => {
                if sd > 0.0 {
                    match Normal::new(mean, sd) {
                        Ok(n) => n.sample(rng),
                        Err(_) => mean,
                    }
                } else {
                    mean
                }
            }
        }
    }
}

impl TraitSpec {
    /// A sampler when the trait is a constant or a distribution; `None` for a column.
    pub fn sampler(&self) -> Option<Sampler> {
        match self {
            TraitSpec::Constant(v) => Some(Sampler::Constant(*v)),
            TraitSpec::Dist(d) => Some(d.sampler()),
            TraitSpec::Column { .. } => None,
        }
    }

    /// True when every government gets the same fixed value.
    pub fn is_constant(&self) -> bool {
        matches!(self, TraitSpec::Constant(_))
    }
}
