//! What a fit minimises: the curve, the curve and the hazard, or the unit-level log score.

/// What is minimised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Objective {
    /// RMSE of the cumulative adopted share over the observed steps.
    #[default]
    Curve,
    /// Curve RMSE plus the at-risk-weighted RMSE of the hazard by adopting neighbours.
    CurveHazard,
    /// The mean negative log score of who adopts each year, the model restarted every
    /// year from who had adopted ([`super::log_score`]).
    LogScore,
}

impl std::str::FromStr for Objective {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim() {
            "curve" => Ok(Objective::Curve),
            "curve+hazard" | "curve-hazard" => Ok(Objective::CurveHazard),
            "log-score" => Ok(Objective::LogScore),
            other => Err(format!(
                "unknown objective `{other}` (allowed: curve, curve+hazard, log-score)"
            )),
        }
    }
}

impl Objective {
    /// The name used on the command line and in `fit.json`.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Curve => "curve",
            Objective::CurveHazard => "curve+hazard",
            Objective::LogScore => "log-score",
        }
    }
}
