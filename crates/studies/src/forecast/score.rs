//! Scores of probabilistic forecasts against 0/1 outcomes: AUC, Brier score, log loss,
//! the ROC curve and the reliability (calibration) table (docs/forecast.md).

/// Probabilities are clipped to `[EPS, 1 - EPS]` before the log loss (only there), so
/// that a forecast of exactly 0 or 1 that turns out wrong costs ln(1000) ≈ 6.9, not infinity.
pub const EPS: f64 = 1e-3;

use policysim_model::stats::average_ranks;

/// The three scores of one forecast.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scores {
    /// Area under the ROC curve (None when the outcomes are all 0 or all 1).
    pub auc: Option<f64>,
    /// Mean squared difference between probability and outcome.
    pub brier: f64,
    /// Mean negative log-likelihood of the outcomes (probabilities clipped to [EPS, 1-EPS]).
    pub log_loss: f64,
}

/// Scores `p` (probabilities) against `y` (outcomes), unit by unit.
pub fn scores(p: &[f64], y: &[bool]) -> Scores {
    Scores {
        auc: auc(p, y),
        brier: brier(p, y),
        log_loss: log_loss(p, y),
    }
}

/// The AUC: the probability that a random adopter gets a higher forecast than a random
/// non-adopter, ties counting one half (the Mann–Whitney statistic with average ranks).
pub fn auc(p: &[f64], y: &[bool]) -> Option<f64> {
    let pos = y.iter().filter(|&&v| v).count();
    let neg = y.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let ranks = average_ranks(p);
    let rank_sum: f64 = ranks
        .iter()
        .zip(y)
        .filter(|(_, &v)| v)
        .map(|(r, _)| r)
        .sum();
    let u = rank_sum - (pos * (pos + 1)) as f64 / 2.0;
    Some(u / (pos * neg) as f64)
}

/// The Brier score: mean of (p - y)².
pub fn brier(p: &[f64], y: &[bool]) -> f64 {
    let n = p.len().max(1) as f64;
    p.iter()
        .zip(y)
        .map(|(p, &y)| (p - f64::from(u8::from(y))).powi(2))
        .sum::<f64>()
        / n
}

/// The log loss: mean of -[y ln p + (1 - y) ln(1 - p)] with p clipped to [EPS, 1 - EPS].
pub fn log_loss(p: &[f64], y: &[bool]) -> f64 {
    let n = p.len().max(1) as f64;
    p.iter()
        .zip(y)
        .map(|(p, &y)| {
            let p = p.clamp(EPS, 1.0 - EPS);
            if y {
                -p.ln()
            } else {
                -(1.0 - p).ln()
            }
        })
        .sum::<f64>()
        / n
}

/// The ROC curve: (false-positive rate, true-positive rate) from (0, 0) to (1, 1), one
/// point per distinct threshold (tied forecasts move both rates at once).
pub fn roc(p: &[f64], y: &[bool]) -> Vec<(f64, f64)> {
    let pos = y.iter().filter(|&&v| v).count().max(1) as f64;
    let neg = y.iter().filter(|&&v| !v).count().max(1) as f64;
    let mut order: Vec<usize> = (0..p.len()).collect();
    order.sort_by(|&a, &b| p[b].total_cmp(&p[a]));
    let mut out = vec![(0.0, 0.0)];
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && p[order[j]] == p[order[i]] {
            if y[order[j]] {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
            j += 1;
        }
        out.push((fp / neg, tp / pos));
        i = j;
    }
    out
}

/// One bin of a reliability diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Mean forecast of the units in the bin.
    pub mean_p: f64,
    /// Share of them that adopted.
    pub observed: f64,
    /// Number of units.
    pub count: usize,
}

/// The reliability table: forecasts in `bins` equal-width bins over [0, 1] (the last one
/// closed), empty bins left out.
pub fn calibration(p: &[f64], y: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut sum_p = vec![0.0; bins];
    let mut sum_y = vec![0.0; bins];
    let mut count = vec![0usize; bins];
    for (&p, &y) in p.iter().zip(y) {
        let b = ((p.clamp(0.0, 1.0) * bins as f64) as usize).min(bins - 1);
        sum_p[b] += p;
        sum_y[b] += f64::from(u8::from(y));
        count[b] += 1;
    }
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| CalibrationBin {
            mean_p: sum_p[b] / count[b] as f64,
            observed: sum_y[b] / count[b] as f64,
            count: count[b],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_match_hand_computed_values() {
        // adopters get 0.9, 0.4 and 0.4; non-adopters 0.4, 0.2
        let p = [0.9, 0.4, 0.4, 0.4, 0.2];
        let y = [true, true, false, true, false];
        // pairs (adopter, non-adopter): 0.9>0.4, 0.9>0.2, 0.4=0.4 (1/2), 0.4>0.2,
        // 0.4=0.4 (1/2), 0.4>0.2: 5 of 6
        assert!((auc(&p, &y).unwrap() - 5.0 / 6.0).abs() < 1e-12);
        // (0.01 + 0.36 + 0.16 + 0.36 + 0.04) / 5
        assert!((brier(&p, &y) - 0.186).abs() < 1e-12);
        let ll = -(0.9f64.ln() + 0.4f64.ln() + 0.6f64.ln() + 0.4f64.ln() + 0.8f64.ln()) / 5.0;
        assert!((log_loss(&p, &y) - ll).abs() < 1e-12);
        // clipping: a certain wrong forecast costs -ln(EPS)
        assert!((log_loss(&[0.0], &[true]) + EPS.ln()).abs() < 1e-12);
        assert!((log_loss(&[1.0], &[true]) + (1.0 - EPS).ln()).abs() < 1e-12);
        assert_eq!(auc(&[0.1, 0.2], &[true, true]), None);
        assert_eq!(
            average_ranks(&[3.0, 1.0, 3.0, 2.0]),
            vec![3.5, 1.0, 3.5, 2.0]
        );
    }

    #[test]
    fn roc_and_calibration_follow_the_forecasts() {
        let p = [0.9, 0.4, 0.4, 0.2];
        let y = [true, true, false, false];
        assert_eq!(
            roc(&p, &y),
            vec![(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)]
        );
        let c = calibration(&p, &y, 10);
        assert_eq!(c.len(), 3);
        assert_eq!((c[1].mean_p, c[1].observed, c[1].count), (0.4, 0.5, 2));
        assert_eq!(calibration(&[1.0], &[true], 10)[0].count, 1);
    }
}
