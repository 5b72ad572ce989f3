//! Global sensitivity analysis: which of a scenario's parameters drive a headline metric.
//!
//! A `[sensitivity]` table (or `--set KEY=LOW:HIGH`) gives each parameter a range; a design
//! places points in the unit cube, mapped onto the ranges; the points run as a zip sweep
//! (saved as they finish, resumable, shardable, paired: every point uses the scenario's
//! master seed); the metric of every point is read from `sweep.csv` and analysed.
//!
//! ```toml
//! [sensitivity]
//! method = "sobol"          # or "morris"
//! samples = 64              # Sobol: N base rows, N (k + 2) points
//! trajectories = 10         # Morris: r trajectories, r (k + 1) points
//! levels = 4                # Morris: p grid levels (even)
//! "learning.rate" = { low = 0.1, high = 0.9 }
//! "central.pilot.sites" = { low = 5, high = 40 }   # integers: every whole number equally likely
//! ```
//!
//! - [`sobol`]: Sobol' indices S1 and ST (Saltelli 2010, Jansen 1999) on a Saltelli design.
//! - [`morris`]: Morris elementary effects mu*, mu, sigma (Morris 1991, Campolongo 2007).
//! - [`chart`]: the ranking chart, drawn from the files read back by [`saved`].
//! - [`study`]: `policysim sensitivity` as a library call (the design run or resumed, the
//!   metric read back, the analysis written by `files`).
//!
//! The method and its SALib equivalent are written down in `docs/sensitivity.md`.

pub mod chart;
mod files;
pub mod morris;
mod problem;
pub mod saved;
pub mod sobol;
pub mod study;

pub use problem::{load_problem, parse_problem, parse_range, Parameter, Problem};

use crate::sweep::{value_text, Sweep, SweepMode};
use policysim_io::cells::{csv_field, num};
use policysim_model::aggregate::quantile_sorted;
use std::fmt::Write as _;

/// Default number of Sobol' base rows N.
pub const DEFAULT_SAMPLES: usize = 64;
/// Default number of Morris trajectories r.
pub const DEFAULT_TRAJECTORIES: usize = 10;
/// Default number of Morris levels p.
pub const DEFAULT_LEVELS: usize = 4;
/// Default number of bootstrap resamples.
pub const DEFAULT_RESAMPLES: usize = 1000;
/// Stream of the scenario seed the design's and the bootstrap's random numbers come from.
pub use policysim_io::result_files::{CHART_STEM, DESIGN_CSV, SENSITIVITY_CSV, SENSITIVITY_JSON};

const SENSITIVITY_STREAM: u64 = 0x5E45_1717;

/// The analysis method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// Sobol' indices (variance-based, N (k + 2) points).
    #[default]
    Sobol,
    /// Morris elementary effects (screening, r (k + 1) points).
    Morris,
}

impl Method {
    /// The name in files and options: `sobol` or `morris`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Sobol => "sobol",
            Method::Morris => "morris",
        }
    }

    /// Parses `sobol` or `morris`.
    pub fn parse(s: &str) -> std::result::Result<Method, String> {
        match s {
            "sobol" => Ok(Method::Sobol),
            "morris" => Ok(Method::Morris),
            other => Err(format!(
                "method must be \"sobol\" (Sobol' indices) or \"morris\" (elementary effects), found \"{other}\""
            )),
        }
    }

    /// The indices this method writes, in `sensitivity.csv` order.
    pub fn indices(self) -> &'static [&'static str] {
        match self {
            Method::Sobol => &["S1", "ST"],
            Method::Morris => &["mu_star", "mu", "sigma"],
        }
    }
}

/// One index of one parameter with its bootstrap interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The dotted key.
    pub parameter: String,
    /// `S1`, `ST`, `mu_star`, `mu` or `sigma`.
    pub index: &'static str,
    /// The estimate on all base rows (trajectories).
    pub estimate: f64,
    /// Lower end of the 95% bootstrap percentile interval.
    pub ci_low: f64,
    /// Upper end of the 95% bootstrap percentile interval.
    pub ci_high: f64,
}

impl Estimate {
    /// An estimate with its interval `(low, high)`.
    pub fn new(parameter: &str, index: &'static str, estimate: f64, ci: (f64, f64)) -> Estimate {
        Estimate {
            parameter: parameter.to_string(),
            index,
            estimate,
            ci_low: ci.0,
            ci_high: ci.1,
        }
    }
}

/// The 2.5% and 97.5% percentiles (linear interpolation, as NumPy's default) of bootstrap
/// replicates; (0, 0) without replicates.
pub fn bootstrap_interval(mut replicates: Vec<f64>) -> (f64, f64) {
    if replicates.is_empty() {
        return (0.0, 0.0);
    }
    replicates.sort_by(f64::total_cmp);
    let tail = (1.0 - policysim_model::stats::CONFIDENCE) / 2.0;
    (
        quantile_sorted(&replicates, tail),
        quantile_sorted(&replicates, 1.0 - tail),
    )
}

/// The random numbers of the design (Morris) and of the bootstrap: a stream derived from
/// the scenario's master seed, so the analysis is reproducible and the same on every machine.
pub fn analysis_rng(seed: u64, purpose: u64) -> policysim_model::rng::RunRng {
    policysim_model::rng::run_rng(
        policysim_model::rng::point_seed(seed, SENSITIVITY_STREAM),
        purpose,
    )
}

/// Stream of [`analysis_rng`] for the Morris trajectories.
pub const DESIGN_RNG: u64 = 0;
/// Stream of [`analysis_rng`] for the bootstrap resamples.
pub const BOOTSTRAP_RNG: u64 = 1;

/// The points of an analysis: unit-cube coordinates and what each point is.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    /// Sobol or Morris.
    pub method: Method,
    /// Per point, per parameter: the coordinate in [0, 1].
    pub unit: Vec<Vec<f64>>,
    /// Per point: its base row (Sobol) or trajectory (Morris), from 0.
    pub sample: Vec<usize>,
    /// Per point: `A`, `AB_i`, `B` (Sobol) or `start`, `+KEY`, `-KEY` (Morris).
    pub role: Vec<String>,
    /// The Morris trajectories (empty for Sobol).
    pub trajectories: Vec<morris::Trajectory>,
}

impl Design {
    /// The design of `problem`: a Saltelli design of N base rows (Sobol) or r random
    /// trajectories (Morris, drawn from the scenario seed `seed`).
    pub fn new(problem: &Problem, seed: u64) -> Design {
        let k = problem.parameters.len();
        let mut d = Design {
            method: problem.method,
            unit: Vec::new(),
            sample: Vec::new(),
            role: Vec::new(),
            trajectories: Vec::new(),
        };
        match problem.method {
            Method::Sobol => {
                d.unit = sobol::saltelli_design(problem.samples, k);
                for j in 0..problem.samples {
                    d.sample.extend(std::iter::repeat_n(j, k + 2));
                    d.role.push("A".into());
                    d.role.extend((1..=k).map(|i| format!("AB_{i}")));
                    d.role.push("B".into());
                }
            }
            Method::Morris => {
                let mut rng = analysis_rng(seed, DESIGN_RNG);
                for t in 0..problem.trajectories {
                    let tr = morris::trajectory(k, problem.levels, &mut rng);
                    d.unit.extend(tr.points.iter().cloned());
                    d.sample.extend(std::iter::repeat_n(t, k + 1));
                    d.role.push("start".into());
                    for &(i, dir) in &tr.steps {
                        let sign = if dir > 0.0 { '+' } else { '-' };
                        d.role.push(format!("{sign}{}", problem.parameters[i].key));
                    }
                    d.trajectories.push(tr);
                }
            }
        }
        d
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.unit.len()
    }

    /// True without points.
    pub fn is_empty(&self) -> bool {
        self.unit.is_empty()
    }

    /// The values of every parameter at every point, in parameter units.
    pub fn values(&self, problem: &Problem) -> Vec<Vec<toml::Value>> {
        self.unit
            .iter()
            .map(|u| {
                problem
                    .parameters
                    .iter()
                    .zip(u)
                    .map(|(p, &x)| p.value(x))
                    .collect()
            })
            .collect()
    }

    /// The design as a zip sweep: point i of the sweep is point i of the design.
    pub fn sweep(&self, problem: &Problem) -> Sweep {
        let values = self.values(problem);
        let k = problem.parameters.len();
        Sweep {
            keys: problem.parameters.iter().map(|p| p.key.clone()).collect(),
            values: (0..k)
                .map(|i| values.iter().map(|v| v[i].clone()).collect())
                .collect(),
            mode: SweepMode::Zip,
            ..Sweep::default()
        }
    }

    /// `design.csv`: point, sample, role, the unit-cube coordinate of every parameter
    /// (`<key>_unit`) and its value (`<key>`), in the order the points run.
    pub fn csv(&self, problem: &Problem) -> String {
        let mut out = String::from("point,sample,role");
        for p in &problem.parameters {
            let _ = write!(out, ",{}", csv_field(&format!("{}_unit", p.key)));
        }
        for p in &problem.parameters {
            let _ = write!(out, ",{}", csv_field(&p.key));
        }
        out.push('\n');
        for (i, values) in self.values(problem).iter().enumerate() {
            let _ = write!(out, "{i},{},{}", self.sample[i], csv_field(&self.role[i]));
            for x in &self.unit[i] {
                let _ = write!(out, ",{}", num(*x));
            }
            for v in values {
                let _ = write!(out, ",{}", csv_field(&value_text(v)));
            }
            out.push('\n');
        }
        out
    }

    /// The indices of the outputs `y` (one per point, in design order).
    pub fn analyse(&self, problem: &Problem, y: &[f64], seed: u64) -> Vec<Estimate> {
        let names: Vec<String> = problem.parameters.iter().map(|p| p.key.clone()).collect();
        let mut rng = analysis_rng(seed, BOOTSTRAP_RNG);
        match self.method {
            Method::Sobol => sobol::analyse(y, &names, problem.resamples, &mut rng),
            Method::Morris => {
                let ee = morris::effects(&self.trajectories, y, problem.levels);
                morris::analyse(&ee, &names, problem.resamples, &mut rng)
            }
        }
    }
}

/// `sensitivity.csv`: parameter, index, estimate, ci_low, ci_high (tidy long format).
pub fn sensitivity_csv(estimates: &[Estimate]) -> String {
    let mut out = String::from("parameter,index,estimate,ci_low,ci_high\n");
    for e in estimates {
        let _ = writeln!(
            out,
            "{},{},{},{},{}",
            csv_field(&e.parameter),
            e.index,
            num(e.estimate),
            num(e.ci_low),
            num(e.ci_high)
        );
    }
    out
}

#[cfg(test)]
mod tests;
