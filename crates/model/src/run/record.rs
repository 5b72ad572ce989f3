//! What a run records: its per-step row of every series and its summary (`runs.csv`).

use super::*;

impl Run<'_> {
    /// What the finished run reports about itself (its row of `runs.csv`).
    pub(super) fn summarise(&self, run: u64, [t10, t50, t90]: [Option<u32>; 3]) -> RunSummary {
        let n = self.n;
        let a = self.adopters.len();
        let total: u64 = self.channel_total.iter().sum();
        let mean_perf_end = (a > 0).then(|| self.sum_y / a as f64);
        let centres = &self.centres;
        // the first promotion of any centre; with centres at a level, the mean of their first evaluations
        let promoted_at = centres.iter().filter_map(Centre::promoted_at).min();
        let first: Vec<f64> = centres
            .iter()
            .filter_map(Centre::first_evaluation)
            .collect();
        let first_evaluation =
            (!first.is_empty()).then(|| first.iter().sum::<f64>() / first.len() as f64);
        // the earliest uptake (lowest step, then lowest centre)
        let uptake = centres
            .iter()
            .filter_map(Centre::uptake)
            .min_by_key(|u| u.step);
        let scoped = !self.centre_of.is_empty();
        RunSummary {
            run,
            final_share: a as f64 / n.max(1) as f64,
            t10,
            t50,
            t90,
            t_interp: [None; 3],
            channel_shares: (total > 0).then(|| {
                let mut shares = [0.0; 5];
                for (share, &c) in shares.iter_mut().zip(&self.channel_total) {
                    *share = c as f64 / total as f64;
                }
                shares
            }),
            shock_share: (total > 0 && self.shock_series.is_some())
                .then(|| self.channel_total[Channel::Shock as usize] as f64 / total as f64),
            promoted_at,
            evaluation_bias: match (first_evaluation, mean_perf_end) {
                (Some(e), Some(m)) => Some(e - m),
                _ => None,
            },
            final_mean_quality: (a > 0 && self.classic.is_none()).then(|| self.sum_q / a as f64),
            penalised: self
                .failures
                .as_ref()
                .map(abandon::Failures::penalised_count),
            deterred: self
                .failures
                .as_ref()
                .map(abandon::Failures::deterred_count),
            final_mean_learning: self
                .mean_learning
                .map(|_| self.sum_learning / n.max(1) as f64),
            rounds_used: reports_rounds(self.s)
                .then(|| centres.iter().map(Centre::rounds_used).sum()),
            uptake,
            uptake_inventor: uptake
                .and_then(|u| self.net.names.get(u.inventor as usize).map(Cow::into_owned))
                .unwrap_or_default(),
            evaluations: centres
                .iter()
                .flat_map(|c| c.evaluations().iter().copied())
                .collect(),
            centres: if scoped {
                centres
                    .iter()
                    .zip(&self.centre_adopted)
                    .enumerate()
                    .map(|(k, (c, &adopted))| CentreOutcome {
                        unit: self.centre_units[k],
                        units: c.size(n) as u32,
                        promoted_at: c.promoted_at(),
                        rounds_used: c.rounds_used(),
                        uptake_regret: c.uptake().map(|u| u.regret),
                        final_share: f64::from(adopted) / c.size(n).max(1) as f64,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            events: Vec::new(),
        }
    }

    /// The adopted share under each centre with at least one government under it.
    pub(super) fn centre_shares(&self) -> Vec<f64> {
        self.centres
            .iter()
            .zip(&self.centre_adopted)
            .filter_map(|(c, &a)| {
                let size = c.size(self.n);
                (size > 0).then(|| f64::from(a) / size as f64)
            })
            .collect()
    }

    /// Writes the state at the end of a step into one row of the record.
    pub(super) fn record(&self, row: &mut [f64]) {
        use series::*;
        let a = self.adopters.len();
        row[ADOPTED_SHARE] = a as f64 / self.n.max(1) as f64;
        for c in 0..5 {
            row[NEW_INNOVATION + c] = self.step_new[c] as f64;
        }
        row[ABANDONED] = self.step_abandoned as f64;
        if let Some(k) = self.shock_series {
            row[k] = self.step_new[Channel::Shock as usize] as f64;
        }
        if a > 0 {
            let af = a as f64;
            let mq = self.sum_q / af;
            row[MEAN_QUALITY] = mq;
            row[MEAN_PERFORMANCE] = self.sum_y / af;
            row[QUALITY_SD] = (self.sum_q2 / af - mq * mq).max(0.0).sqrt();
        }
        row[LINEAGES] = self.active_lineages as f64;
        if self.classic.is_some() {
            // the classic models have no variants: no quality, performance or lineages
            for k in [MEAN_QUALITY, MEAN_PERFORMANCE, QUALITY_SD, LINEAGES] {
                row[k] = f64::NAN;
            }
        }
        let mut k = FIXED;
        for (adopted, size) in self.region_adopted.iter().zip(&self.region_size) {
            row[k] = *adopted as f64 / (*size).max(1) as f64;
            k += 1;
        }
        for (adopted, size) in self.level_adopted.iter().zip(&self.level_size) {
            row[k] = *adopted as f64 / (*size).max(1) as f64;
            k += 1;
        }
        if let Some(k) = self.mean_learning {
            row[k] = self.sum_learning / self.n.max(1) as f64;
        }
        if let Some(k) = self.centre_share {
            let shares = self.centre_shares();
            if !shares.is_empty() {
                let m = shares.len() as f64;
                row[k] = shares.iter().copied().fold(f64::INFINITY, f64::min);
                row[k + 1] = shares.iter().sum::<f64>() / m;
                row[k + 2] = shares.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            }
        }
        if let (Some(k), Some(u)) = (self.uptake_share, self.centres[0].uptake()) {
            row[k] = f64::from(self.lineage_count[u.lineage as usize]) / self.n.max(1) as f64;
        }
    }
}
