//! How others' adoptions reach a government (MODEL.md section 4d): the recency kernel
//! that fades a source's influence with the steps since it adopted, and the exposure
//! that turns the weighted sum over adopting neighbours into the learning signal S.

use crate::scenario::{Exposure, Recency};

/// K(d): the weight of a source that adopted d >= 1 steps before the step that decides.
///
/// `none` is 1; `exponential` is exp(-(d - 1) / scale); `rayleigh` is
/// exp(-(d - 1)^2 / (2 scale^2)). Every kernel gives 1 to last step's adopters (the
/// one-step lag of the synchronous update), so a kernel only ever takes influence away.
///
/// # Examples
/// ```
/// use policysim_model::model::influence::kernel;
/// use policysim_model::scenario::Recency;
/// assert_eq!(kernel(Recency::Exponential, 2.0, 1), 1.0);
/// assert!((kernel(Recency::Exponential, 2.0, 3) - (-1.0f64).exp()).abs() < 1e-15);
/// assert_eq!(kernel(Recency::None, 2.0, 40), 1.0);
/// ```
#[inline]
pub fn kernel(recency: Recency, scale: f64, d: u32) -> f64 {
    let lag = f64::from(d.saturating_sub(1));
    match recency {
        Recency::None => 1.0,
        Recency::Exponential => (-lag / scale).exp(),
        Recency::Rayleigh => (-lag * lag / (2.0 * scale * scale)).exp(),
    }
}

/// The learning signal S from the weighted sum over adopting sources (`reached`, each
/// term w_ij * v_j * K) and the sum of the weights of all sources (`row`).
///
/// `share`: reached / row (0 when row is 0: the row-standardised spatial lag); `count`:
/// reached; `any`: 1 when reached > 0, else 0. The channel's probability is clamped to
/// [0, 1] afterwards.
#[inline]
pub fn signal(exposure: Exposure, reached: f64, row: f64) -> f64 {
    match exposure {
        Exposure::Share => {
            if row > 0.0 {
                reached / row
            } else {
                0.0
            }
        }
        Exposure::Count => reached,
        Exposure::Any => {
            if reached > 0.0 {
                1.0
            } else {
                0.0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_give_last_steps_adopters_full_weight_and_fade_as_documented() {
        for r in [Recency::None, Recency::Exponential, Recency::Rayleigh] {
            assert_eq!(kernel(r, 3.0, 1), 1.0);
        }
        assert!((kernel(Recency::Exponential, 3.0, 7) - (-2.0f64).exp()).abs() < 1e-15);
        assert!((kernel(Recency::Rayleigh, 3.0, 4) - (-0.5f64).exp()).abs() < 1e-15);
        // rayleigh holds on longer at first, then falls faster than exponential
        assert!(kernel(Recency::Rayleigh, 3.0, 2) > kernel(Recency::Exponential, 3.0, 2));
        assert!(kernel(Recency::Rayleigh, 3.0, 20) < kernel(Recency::Exponential, 3.0, 20));
    }

    #[test]
    fn exposure_modes_turn_the_weighted_sum_into_the_signal() {
        assert_eq!(signal(Exposure::Share, 1.5, 3.0), 0.5);
        assert_eq!(signal(Exposure::Share, 0.0, 0.0), 0.0);
        assert_eq!(signal(Exposure::Count, 1.5, 3.0), 1.5);
        assert_eq!(signal(Exposure::Any, 0.01, 3.0), 1.0);
        assert_eq!(signal(Exposure::Any, 0.0, 3.0), 0.0);
    }
}
