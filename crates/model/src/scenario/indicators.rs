//! Traits from indicator systems (指标体系): several node-file columns, each normalised
//! to [0, 1] (min–max, z-score then logistic, or rank), combined by a weighted mean,
//! e.g. `resources = { from = ["gdp_per_person", "fiscal_revenue"], weights = [0.6, 0.4],
//! normalise = "minmax" }` (docs/model.md).

use serde::{Deserialize, Serialize};

/// How each indicator column is brought to [0, 1] before the weighted mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Normalise {
    /// (x - min) / (max - min); 0.5 for everyone when the column is constant.
    Minmax,
    /// logistic((x - mean) / sd), sd the population standard deviation (divided by n);
    /// 0.5 for everyone when the column is constant.
    Zscore,
    /// (r - 1) / (n - 1), r the rank from 1 (smallest) to n, ties sharing their mean
    /// rank; 0.5 for a single unit.
    Rank,
}

impl Normalise {
    /// The names allowed in a scenario file.
    pub const NAMES: &'static str = "\"minmax\", \"zscore\" or \"rank\"";

    /// The normalisation of this name.
    pub fn parse(name: &str) -> Option<Normalise> {
        match name {
            "minmax" => Some(Normalise::Minmax),
            "zscore" => Some(Normalise::Zscore),
            "rank" => Some(Normalise::Rank),
            _ => None,
        }
    }

    /// The column `x` normalised to [0, 1].
    pub fn apply(self, x: &[f64]) -> Vec<f64> {
        let n = x.len();
        match self {
            Normalise::Minmax => {
                let lo = x.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if hi > lo {
                    x.iter().map(|v| (v - lo) / (hi - lo)).collect()
                } else {
                    vec![0.5; n]
                }
            }
            Normalise::Zscore => {
                let mean = x.iter().sum::<f64>() / n.max(1) as f64;
                let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n.max(1) as f64;
                let sd = var.sqrt();
                if sd > 0.0 {
                    x.iter()
                        .map(|v| 1.0 / (1.0 + (-(v - mean) / sd).exp()))
                        .collect()
                } else {
                    vec![0.5; n]
                }
            }
            Normalise::Rank => {
                if n < 2 {
                    return vec![0.5; n];
                }
                crate::stats::average_ranks(x)
                    .iter()
                    .map(|r| (r - 1.0) / (n - 1) as f64)
                    .collect()
            }
        }
    }
}

/// A trait built from node-file columns: each normalised, then their weighted mean with
/// the weights scaled to sum to 1 (equal weights when none are given).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicators {
    /// The node-file columns (one or more; one is written back as a string).
    #[serde(serialize_with = "one_or_list")]
    pub from: Vec<String>,
    /// One weight per column (finite, >= 0, summing to more than 0), as given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<f64>>,
    /// How each column is normalised.
    pub normalise: Normalise,
}

impl Indicators {
    /// Checks the columns and weights; the error says what is allowed.
    pub fn check(&self) -> Result<(), String> {
        if self.from.is_empty() {
            return Err("`from` lists no column; name at least one node-file column".into());
        }
        for (k, c) in self.from.iter().enumerate() {
            if c.trim().is_empty() {
                return Err(format!("`from[{k}]` is an empty column name"));
            }
            if let Some(j) = self.from[..k].iter().position(|d| d == c) {
                return Err(format!(
                    "`from[{k}]` = \"{c}\" is the same column as `from[{j}]`; list each column once (weight it instead)"
                ));
            }
        }
        let Some(w) = &self.weights else {
            return Ok(());
        };
        if w.len() != self.from.len() {
            return Err(format!(
                "`weights` has {} values for {} columns in `from`; give one weight per column",
                w.len(),
                self.from.len()
            ));
        }
        if let Some((k, v)) = w
            .iter()
            .enumerate()
            .find(|(_, v)| !(v.is_finite() && **v >= 0.0))
        {
            return Err(format!(
                "`weights[{k}]` must be a finite number >= 0, got {v}"
            ));
        }
        if w.iter().sum::<f64>() <= 0.0 {
            return Err("`weights` sum to 0; at least one weight must be above 0".into());
        }
        Ok(())
    }

    /// The weights scaled to sum to 1.
    pub fn scaled_weights(&self) -> Vec<f64> {
        let n = self.from.len();
        match &self.weights {
            Some(w) => {
                let sum: f64 = w.iter().sum();
                w.iter().map(|v| v / sum).collect()
            }
            None => vec![1.0 / n.max(1) as f64; n],
        }
    }

    /// The trait per node from the named columns (`column` looks a column up by name);
    /// the error names the first column that is missing.
    pub fn values<'a>(
        &self,
        n: usize,
        column: impl Fn(&str) -> Option<&'a [f64]>,
    ) -> Result<Vec<f64>, String> {
        let mut out = vec![0.0; n];
        for (name, w) in self.from.iter().zip(self.scaled_weights()) {
            let col = column(name)
                .filter(|c| c.len() == n)
                .ok_or_else(|| format!("the node file has no numeric column `{name}`"))?;
            for (o, v) in out.iter_mut().zip(self.normalise.apply(col)) {
                *o += w * v;
            }
        }
        Ok(out)
    }

    /// The columns as a scenario writes them, e.g. `["gdp", "revenue"]`.
    pub fn columns_text(&self) -> String {
        let names: Vec<String> = self.from.iter().map(|c| format!("\"{c}\"")).collect();
        format!("[{}]", names.join(", "))
    }
}

/// Writes one column as a string (`from = "a"`), several as a list.
fn one_or_list<S: serde::Serializer>(from: &[String], s: S) -> Result<S::Ok, S::Error> {
    match from {
        [one] => s.serialize_str(one),
        many => many.serialize(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn minmax_maps_the_range_onto_zero_to_one() {
        let v = Normalise::Minmax.apply(&[2.0, 4.0, 10.0, 6.0]);
        assert!(close(&v, &[0.0, 0.25, 1.0, 0.5]), "{v:?}");
        assert_eq!(Normalise::Minmax.apply(&[3.0, 3.0]), vec![0.5, 0.5]);
    }

    #[test]
    fn zscore_is_the_logistic_of_the_standardised_value() {
        // mean 2, population sd sqrt(((1)^2 + 0 + 1^2) / 3) = sqrt(2/3)
        let v = Normalise::Zscore.apply(&[1.0, 2.0, 3.0]);
        let z = 1.0 / (2.0f64 / 3.0).sqrt();
        let l = |z: f64| 1.0 / (1.0 + (-z).exp());
        assert!(close(&v, &[l(-z), 0.5, l(z)]), "{v:?}");
        assert!((v[0] + v[2] - 1.0).abs() < 1e-12);
        assert_eq!(Normalise::Zscore.apply(&[7.0, 7.0, 7.0]), vec![0.5; 3]);
    }

    #[test]
    fn rank_spreads_ranks_evenly_and_ties_share_their_mean() {
        // ranks 2, 4.5, 1, 4.5, 3 of 5 -> (r - 1) / 4
        let v = Normalise::Rank.apply(&[5.0, 9.0, 1.0, 9.0, 7.0]);
        assert!(close(&v, &[0.25, 0.875, 0.0, 0.875, 0.5]), "{v:?}");
        assert_eq!(Normalise::Rank.apply(&[4.0]), vec![0.5]);
        // the rank ignores the scale: a monotone transform changes nothing
        let logs: Vec<f64> = [5.0f64, 9.0, 1.0, 9.0, 7.0]
            .iter()
            .map(|x| x.ln())
            .collect();
        assert_eq!(Normalise::Rank.apply(&logs), v);
    }

    #[test]
    fn the_weighted_mean_uses_weights_scaled_to_one() {
        let ind = Indicators {
            from: vec!["a".into(), "b".into()],
            weights: Some(vec![3.0, 1.0]),
            normalise: Normalise::Minmax,
        };
        assert!(ind.check().is_ok());
        assert_eq!(ind.scaled_weights(), vec![0.75, 0.25]);
        let a = [0.0, 5.0, 10.0];
        let b = [30.0, 10.0, 20.0];
        let v = ind
            .values(3, |c| match c {
                "a" => Some(&a[..]),
                "b" => Some(&b[..]),
                _ => None,
            })
            .unwrap();
        // a -> 0, .5, 1; b -> 1, 0, .5
        assert!(close(&v, &[0.25, 0.375, 0.875]), "{v:?}");
        let e = Indicators {
            from: vec!["a".into(), "c".into()],
            weights: None,
            normalise: Normalise::Rank,
        }
        .values(3, |c| (c == "a").then_some(&a[..]))
        .unwrap_err();
        assert!(e.contains("`c`"), "{e}");
    }

    #[test]
    fn bad_weights_and_columns_are_refused_with_the_reason() {
        let ind = |from: &[&str], w: Option<Vec<f64>>| Indicators {
            from: from.iter().map(|s| s.to_string()).collect(),
            weights: w,
            normalise: Normalise::Minmax,
        };
        for (i, want) in [
            (ind(&["a", "b"], Some(vec![1.0])), "1 values for 2 columns"),
            (
                ind(&["a", "b"], Some(vec![1.0, -0.5])),
                "`weights[1]` must be a finite number >= 0, got -0.5",
            ),
            (ind(&["a", "b"], Some(vec![f64::NAN, 1.0])), "`weights[0]`"),
            (ind(&["a", "b"], Some(vec![0.0, 0.0])), "sum to 0"),
            (ind(&["a", "a"], None), "the same column as `from[0]`"),
            (ind(&[], None), "no column"),
            (ind(&["a", " "], None), "`from[1]` is an empty column name"),
        ] {
            let e = i.check().unwrap_err();
            assert!(e.contains(want), "{e}");
        }
    }
}
