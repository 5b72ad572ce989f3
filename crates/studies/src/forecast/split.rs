//! The time split: training adoptions up to and including `--train-until YEAR`, and the
//! observed outcomes after it, kept apart so that nothing fitted sees a later year.

use policysim_io::observed::Observed;
use policysim_model::error::{Error, Result};

/// Observed adoptions split at a year.
#[derive(Debug, Clone)]
pub struct Split {
    /// The adoptions up to and including `year` (later adoptions are "not adopted"):
    /// everything that is fitted reads only this.
    pub train: Observed,
    /// The last training year.
    pub year: i32,
    /// The observed adoption year of each unit after `year` (None: none observed). Only
    /// the outcome columns and the scores read it.
    pub later: Vec<Option<i32>>,
    /// The last observed adoption year of the file.
    pub last_year: i32,
}

impl Split {
    /// Splits `full` at `year`, refusing a year that leaves nothing to fit or nothing to score.
    pub fn new(full: &Observed, year: i32, horizon: u32) -> Result<Split> {
        if horizon == 0 {
            return Err(Error::Input(
                "--horizon 0: the forecast needs at least one year (e.g. --horizon 5)".into(),
            ));
        }
        let first = full.start_year
            + full
                .adopted_step
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or(0) as i32;
        let last = full.start_year + full.steps as i32;
        if year <= first {
            return Err(Error::Input(format!(
                "--train-until {year}: {} the first adoption ({first}) in {}; the training years must include at least one year after it (e.g. --train-until {})",
                if year < first { "is before" } else { "is the year of" },
                full.source,
                first + 1
            )));
        }
        if year >= last {
            return Err(Error::Input(format!(
                "--train-until {year}: no adoption after {year} in {} (the last is in {last}), so there is nothing to score the forecast against; choose a year before {last}",
                full.source
            )));
        }
        let steps = (year - full.start_year) as u32;
        let mut train = full.clone();
        train.steps = steps;
        for s in &mut train.adopted_step {
            if s.is_some_and(|s| s > steps) {
                *s = None;
            }
        }
        let later = full
            .adopted_step
            .iter()
            .map(|s| s.filter(|&s| s > steps).map(|s| full.start_year + s as i32))
            .collect();
        Ok(Split {
            train,
            year,
            later,
            last_year: last,
        })
    }

    /// The units not adopted by the last training year (those the forecast is about).
    pub fn at_risk(&self) -> Vec<usize> {
        (0..self.train.n())
            .filter(|&i| self.train.adopted_step[i].is_none())
            .collect()
    }

    /// Whether unit i was observed to adopt within `k` years after the training years.
    pub fn adopted_within(&self, i: usize, k: u32) -> bool {
        self.later[i].is_some_and(|y| y <= self.year + k as i32)
    }

    /// A warning when the observed adoptions end before the horizon does: later
    /// adoptions are unknown and count as none.
    pub fn horizon_warning(&self, horizon: u32) -> Option<String> {
        let end = self.year + horizon as i32;
        (end > self.last_year).then(|| {
            format!(
                "--horizon {horizon} reaches {end} but the last observed adoption is in {}: units that adopted after it are scored as not adopting",
                self.last_year
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn observed() -> Observed {
        Observed {
            start_year: 1990,
            steps: 6,
            adopted_step: vec![Some(0), Some(2), Some(3), Some(6), None],
            initial: vec![0],
            initial_ids: vec!["a".into()],
            source: "o.csv".into(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn training_keeps_only_adoptions_up_to_the_year() {
        let s = Split::new(&observed(), 1992, 3).unwrap();
        assert_eq!(s.train.steps, 2);
        assert_eq!(
            s.train.adopted_step,
            vec![Some(0), Some(2), None, None, None]
        );
        assert_eq!(s.later, vec![None, None, Some(1993), Some(1996), None]);
        assert_eq!(s.at_risk(), vec![2, 3, 4]);
        assert!(s.adopted_within(2, 1) && !s.adopted_within(3, 3) && s.adopted_within(3, 4));
        assert!(s.horizon_warning(3).is_none() && s.horizon_warning(5).is_some());
    }

    #[test]
    fn years_that_leave_nothing_to_fit_or_score_are_refused() {
        let o = observed();
        for (year, k, words) in [
            (1989, 3, "is before the first adoption (1990)"),
            (1990, 3, "is the year of the first adoption"),
            (1996, 3, "no adoption after 1996"),
            (2001, 3, "no adoption after 2001"),
            (1992, 0, "--horizon 0"),
        ] {
            let e = Split::new(&o, year, k).unwrap_err();
            assert!(matches!(e, Error::Input(_)));
            assert!(e.to_string().contains(words), "{year}: {e}");
        }
    }
}
