//! How others' adoptions reach a government in a run (MODEL.md section 4d): edge
//! weights, the exposure mode and the recency kernel, when the scenario asks for more
//! than the unweighted share of adopting neighbours (which the running counts give).

use super::*;
use crate::model::influence;
use crate::scenario::{Exposure, Recency};

/// The run's rule of exposure, present only when the scenario uses edge weights, an
/// exposure other than `share`, or a recency kernel (the plain share is kept by the
/// running neighbour counts instead).
pub(super) struct Influence {
    /// How the weighted sum becomes the signal S.
    pub(super) exposure: Exposure,
    recency: Recency,
    scale: f64,
    /// Per government, the sum of the weights of its sources (empty when edges weigh 1).
    row: Vec<f64>,
    /// Complete network: the sum of v_j * K over every adopter at the start of the step.
    everyone: f64,
}

impl Influence {
    /// The rule of a policy-model run on `net`, or `None` when the plain share applies.
    pub(super) fn new(s: &Scenario, net: &Network) -> Option<Influence> {
        let weighted = s.network.use_weights && !net.complete && !net.source_weights.is_empty();
        let l = &s.learning;
        if !weighted && l.exposure == Exposure::Share && l.recency == Recency::None {
            return None;
        }
        let row = if weighted {
            (0..net.n)
                .map(|i| net.source_weights(i).iter().map(|&w| f64::from(w)).sum())
                .collect()
        } else {
            Vec::new()
        };
        Some(Influence {
            exposure: l.exposure,
            recency: l.recency,
            scale: l.recency_scale,
            row,
            everyone: 0.0,
        })
    }

    /// Whether the kernel needs the step at which each adopter adopted.
    pub(super) fn timed(s: &Scenario) -> bool {
        s.learning.recency != Recency::None
    }
}

impl Run<'_> {
    /// K(t - t_j) for adopter j at step t (1 without a recency kernel).
    #[inline]
    fn fade(&self, inf: &Influence, j: usize, t: u32) -> f64 {
        if inf.recency == Recency::None {
            1.0
        } else {
            influence::kernel(inf.recency, inf.scale, t.saturating_sub(self.since[j]))
        }
    }

    /// At the start of step t on a complete network: the sum over every adopter of its
    /// signal weight times its kernel, which every government sees alike.
    pub(super) fn begin_exposure_step(&mut self, t: u32) {
        let Some(inf) = &self.influence else { return };
        if !self.net.complete {
            return;
        }
        let everyone = self
            .adopters
            .iter()
            .map(|&j| self.weight_of(j as usize) * self.fade(inf, j as usize, t))
            .sum();
        if let Some(inf) = &mut self.influence {
            inf.everyone = everyone;
        }
    }

    /// What reaches government i at step t: the sum over its adopting sources of
    /// w_ij * v_j * K(t - t_j), and the sum of the weights of all its sources.
    pub(super) fn reached(&self, inf: &Influence, i: usize, t: u32) -> (f64, f64) {
        if self.net.complete {
            return (inf.everyone, self.n.saturating_sub(1) as f64);
        }
        let sources = self.net.sources(i);
        let weights = if inf.row.is_empty() {
            &[][..]
        } else {
            self.net.source_weights(i)
        };
        let mut reached = 0.0;
        for (k, &j) in sources.iter().enumerate() {
            let j = j as usize;
            if self.status[j] == ADOPTED {
                let w = weights.get(k).map_or(1.0, |&w| f64::from(w));
                if w > 0.0 {
                    reached += w * self.weight_of(j) * self.fade(inf, j, t);
                }
            }
        }
        let row = inf.row.get(i).copied().unwrap_or(sources.len() as f64);
        (reached, row)
    }

    /// The weight a learner gives the k-th of its sources, adopter j, when choosing whom
    /// to learn from at step t: w_ij * K(t - t_j) (1 without weights or kernel).
    #[inline]
    pub(super) fn source_pull(&self, i: usize, k: usize, j: usize, t: u32) -> f64 {
        let Some(inf) = &self.influence else {
            return 1.0;
        };
        let w = if inf.row.is_empty() || self.net.complete {
            1.0
        } else {
            f64::from(self.net.source_weights(i)[k])
        };
        w * self.fade(inf, j, t)
    }
}
