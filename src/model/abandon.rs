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

#[cfg(test)]
mod tests {
    #[test]
    fn only_failing_adopters_abandon_and_capable_ones_more_often() {
        assert_eq!(super::probability(0.5, 0.0, 0.4, 1.0), 0.0);
        assert!((super::probability(-0.5, 0.0, 0.4, 1.0) - 0.4).abs() < 1e-15);
        assert!((super::probability(-0.5, 0.0, 0.4, 0.25) - 0.1).abs() < 1e-15);
    }
}
