//! The keys of interdependence (MODEL.md section 4d): how exposure enters the learning
//! signal (`learning.exposure`, `learning.recency`), the layers of influence
//! (`[network.layers.<name>]`) and common shocks (`[shock]`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One named layer of influence (`[network.layers.<name>]`): a set of weighted edges
/// over the network's governments, entering w_ij = sum over layers of weight * w^layer_ij.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LayerSpec {
    /// Where its edges come from: the `[network]` edges, an edge file, siblings, or distance.
    pub from: LayerSource,
    /// The layer's weight (>= 0) in the sum over layers.
    pub weight: f64,
    /// Edge list CSV (`source,target[,weight]`, ids of the network) for `from = "file"`.
    pub edges: Option<PathBuf>,
    /// `from = "file"`: a row `j,i` means i observes j only.
    pub directed: bool,
    /// `from = "distance"`: each government's k nearest governments (by x, y), linked both ways.
    pub k: usize,
    /// `from = "distance"`: an edge of length d weighs exp(-d / scale) (0: every edge weighs 1).
    pub scale: f64,
}

impl Default for LayerSpec {
    fn default() -> Self {
        LayerSpec {
            from: LayerSource::Network,
            weight: 1.0,
            edges: None,
            directed: false,
            k: 4,
            scale: 0.0,
        }
    }
}

/// Where a layer's edges come from (`network.layers.<name>.from`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum LayerSource {
    /// The edges `[network]` itself describes (generated or read), with their weights.
    #[default]
    Network,
    /// An edge list over the network's ids (e.g. a network inferred by NetInf).
    File,
    /// Every pair of governments with the same parent and level (same province, same state).
    SameParent,
    /// The k nearest governments by the node coordinates, with distance decay.
    Distance,
}

/// How a government's exposure to adopting neighbours enters the learning signal
/// (`learning.exposure`; MODEL.md section 4d).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    /// The weighted share of its neighbours that have adopted (row-standardised spatial lag).
    #[default]
    Share,
    /// The weighted number of adopting neighbours (probability clamped at 1).
    Count,
    /// 1 when any neighbour with a positive weight has adopted, else 0.
    Any,
}

/// How a source's influence fades with the steps since it adopted (`learning.recency`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema, Default)]
#[serde(rename_all = "snake_case")]
pub enum Recency {
    /// An adopter counts fully however long ago it adopted.
    #[default]
    None,
    /// K(d) = exp(-(d - 1) / scale) for an adopter of d steps ago.
    Exponential,
    /// K(d) = exp(-(d - 1)^2 / (2 scale^2)) for an adopter of d steps ago.
    Rayleigh,
}

/// Common shocks (`[shock]`, MODEL.md section 4d): steps in which an external push (a
/// national document, a federal law, a campaign) gives every government that has never
/// adopted an extra hazard of its own channel, `shock`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Shock {
    /// The steps in which an external push (a national document, a federal law, a campaign)
    /// acts, each once, in 1..=`steps` (1 = the first step after the initial state).
    pub steps: Vec<u32>,
    /// pi_shock: the extra hazard of every government that never adopted, in those steps: one
    /// number for every listed step, or one per step. Its adoptions are the channel `shock`
    /// (`share_shock` in runs.csv, `new_shock` in curves.csv), so common exposure is not
    /// counted as innovation or learning.
    pub hazard: ShockHazard,
}

impl Default for Shock {
    fn default() -> Self {
        Shock {
            steps: Vec::new(),
            hazard: ShockHazard::One(0.0),
        }
    }
}

/// The hazard of a common shock: one for all its steps, or one per step (`shock.hazard`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ShockHazard {
    /// The same hazard in every listed step.
    One(f64),
    /// One hazard per listed step, in the order of `shock.steps`.
    PerStep(Vec<f64>),
}

impl Shock {
    /// Whether the scenario has a common shock (a listed step).
    pub fn is_on(&self) -> bool {
        !self.steps.is_empty()
    }

    /// The shock's hazard at step t (0 in a step that is not listed).
    pub fn hazard_at(&self, t: u32) -> f64 {
        match self.steps.iter().position(|&s| s == t) {
            None => 0.0,
            Some(k) => match &self.hazard {
                ShockHazard::One(h) => *h,
                ShockHazard::PerStep(v) => v.get(k).copied().unwrap_or(0.0),
            },
        }
    }
}
