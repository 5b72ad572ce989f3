//! Evaluation by adopters: a failing policy is dropped by those capable of noticing.

/// Per-step probability of abandoning: abandon.rate * L_i when performance < threshold, else 0.
#[inline]
pub fn probability(performance: f64, threshold: f64, rate: f64, learning: f64) -> f64 {
    if performance < threshold {
        super::clamp01(rate * learning)
    } else {
        0.0
    }
}

/// The factor a failure leaves on innovation and competition: 1 - cost * (1 - tolerance),
/// where cost is `abandon.penalty` (the abandoner) or `abandon.deterrence` (its observers).
#[inline]
pub fn cost_factor(cost: f64, tolerance: f64) -> f64 {
    super::clamp01(1.0 - cost * (1.0 - tolerance))
}

/// The costs of failure within one run (容错免责): each government's remaining appetite for
/// risk, a factor on its innovation and competition probabilities (1 = untouched).
#[derive(Debug, Clone)]
pub struct Failures {
    /// Factor on each government's innovation and competition probabilities.
    pub appetite: Vec<f64>,
    /// Governments that failed and bore the penalty (factor < 1) at least once.
    pub penalised: Vec<bool>,
    /// Governments whose probabilities a neighbour's failure lowered at least once.
    pub deterred: Vec<bool>,
    own: f64,
    peers: f64,
}

impl Failures {
    /// The record of n governments, or None when failure costs nothing
    /// (penalty and deterrence 0, or tolerance 1): then nothing is kept and nothing changes.
    pub fn new(n: usize, penalty: f64, deterrence: f64, tolerance: f64) -> Option<Failures> {
        if penalty == 0.0 && deterrence == 0.0 {
            return None;
        }
        Some(Failures {
            appetite: vec![1.0; n],
            penalised: vec![false; n],
            deterred: vec![false; n],
            own: cost_factor(penalty, tolerance),
            peers: cost_factor(deterrence, tolerance),
        })
    }

    /// Government `i` failed (abandoned); `observers` watched it. Repeat failures compound.
    pub fn fail(&mut self, i: usize, observers: impl IntoIterator<Item = usize>) {
        if self.own < 1.0 {
            self.appetite[i] *= self.own;
            self.penalised[i] = true;
        }
        if self.peers < 1.0 {
            for o in observers {
                if o != i {
                    self.appetite[o] *= self.peers;
                    self.deterred[o] = true;
                }
            }
        }
    }

    /// Number of governments penalised at least once.
    pub fn penalised_count(&self) -> u32 {
        self.penalised.iter().filter(|&&b| b).count() as u32
    }

    /// Number of governments deterred at least once.
    pub fn deterred_count(&self) -> u32 {
        self.deterred.iter().filter(|&&b| b).count() as u32
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_failing_adopters_abandon_and_capable_ones_more_often() {
        assert_eq!(super::probability(0.5, 0.0, 0.4, 1.0), 0.0);
        assert!((super::probability(-0.5, 0.0, 0.4, 1.0) - 0.4).abs() < 1e-15);
        assert!((super::probability(-0.5, 0.0, 0.4, 0.25) - 0.1).abs() < 1e-15);
    }

    use super::{cost_factor, Failures};
    use crate::network::Network;

    #[test]
    fn the_penalty_compounds_with_repeat_failures() {
        let mut f = Failures::new(3, 0.5, 0.0, 0.2).unwrap();
        // 1 - 0.5 * (1 - 0.2) = 0.6 per failure
        assert!((cost_factor(0.5, 0.2) - 0.6).abs() < 1e-15);
        f.fail(1, []);
        assert!((f.appetite[1] - 0.6).abs() < 1e-15);
        f.fail(1, []);
        assert!((f.appetite[1] - 0.36).abs() < 1e-15);
        assert_eq!(f.appetite[0], 1.0);
        assert_eq!(f.appetite[2], 1.0);
        assert_eq!(f.penalised_count(), 1);
        assert_eq!(f.deterred_count(), 0);
    }

    #[test]
    fn deterrence_reaches_exactly_the_observers() {
        // directed 0 -> 1 -> 2 and 3 -> 0: 1 observes 0, 0 observes 3; 2 and 3 do not observe 0
        let net = Network::from_edges(4, &[(0, 1), (1, 2), (3, 0)], None, true);
        let observers: Vec<usize> = net.observers(0).iter().map(|&o| o as usize).collect();
        assert_eq!(observers, vec![1]);
        let mut f = Failures::new(4, 0.0, 0.25, 0.0).unwrap();
        f.fail(0, observers);
        assert_eq!(f.appetite, vec![1.0, 0.75, 1.0, 1.0]);
        assert_eq!(f.deterred, vec![false, true, false, false]);
        assert_eq!(
            f.penalised_count(),
            0,
            "penalty 0: the failing one keeps its appetite"
        );
        // two failures watched by the same government compound too
        f.fail(0, [1]);
        assert!((f.appetite[1] - 0.5625).abs() < 1e-15);
    }

    #[test]
    fn full_tolerance_removes_both_costs_and_no_cost_keeps_no_record() {
        let mut f = Failures::new(3, 0.9, 0.7, 1.0).unwrap();
        f.fail(0, [1, 2]);
        assert_eq!(f.appetite, vec![1.0; 3]);
        assert_eq!((f.penalised_count(), f.deterred_count()), (0, 0));
        assert_eq!(cost_factor(1.0, 1.0), 1.0);
        assert_eq!(cost_factor(1.0, 0.0), 0.0);
        assert!(Failures::new(3, 0.0, 0.0, 0.3).is_none());
    }
}
