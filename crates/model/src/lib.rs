//! policysim's model: how policy innovations spread between governments, as
//! MODEL.md specifies it, with no files, flags or pixels.
//!
//! The data flow follows the modules: [`scenario`] (a scenario, parsed from TOML text and
//! validated) -> [`network`] (who observes whom) -> [`agents`] (the governments'
//! traits) -> [`model`] (the mechanisms: innovation, learning, competition, adaptation,
//! abandonment, the centre's pilots, mandates and uptake, the classic baselines) ->
//! [`run`] (one run, the step loop) -> [`ensemble`] (many runs in parallel) ->
//! [`aggregate`] and [`stats`] (means, intervals, quantiles, Kaplan–Meier times,
//! paired differences in [`paired`]).
//!
//! The principal types: [`Scenario`] (what to simulate), [`network::Network`] (a
//! compressed adjacency of who observes whom), [`run::Prepared`] (what every run of a
//! scenario shares), [`run::RunSummary`] (one row of `runs.csv`) and
//! [`ensemble::EnsembleResult`] (the aggregated curves, times and shares). Data files
//! named by a scenario are read through the [`network::DataFiles`] trait, which
//! `policysim-io` implements; the model itself never touches the file system.
//!
//! A scenario from text, its ensemble, and the mean adopted share at the last step:
//!
//! ```
//! use policysim_model::network::NoDataFiles;
//! use policysim_model::ensemble::{prepare_from, run_ensemble, EnsembleOptions};
//! use policysim_model::scenario::parse_scenario;
//! use std::sync::Arc;
//!
//! let scenario = parse_scenario(
//!     r#"
//!     name = "lesson"
//!     steps = 20
//!     runs = 50
//!     [network]
//!     kind = "ring"
//!     n = 200
//!     [innovation]
//!     rate = 0.02
//!     "#,
//!     std::path::Path::new("lesson.toml"),
//! )?;
//! // the network, drawn once from the seed (a generated one: no data files to read)
//! let prepared = prepare_from(&scenario, Arc::new(NoDataFiles))?;
//! let mut finals = Vec::new();
//! let result = run_ensemble(&scenario, scenario.seed, &prepared, &EnsembleOptions::default(), &mut |run| {
//!     finals.push(run.final_share); // one row of runs.csv, in run order
//!     Ok(())
//! })?;
//! let share = result.runs.final_share.summary().expect("50 runs");
//! assert_eq!(finals.len(), 50);
//! assert!(share.mean > 0.0 && share.mean <= 1.0);
//! assert!(share.p05 <= share.p50 && share.p50 <= share.p95);
//! # Ok::<(), policysim_model::Error>(())
//! ```

pub mod agents;
pub mod aggregate;
pub mod crossing;
pub mod ensemble;
pub mod error;
pub mod initial;
pub mod model;
pub mod network;
pub mod paired;
pub mod philox;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sequential;
pub mod stats;

pub use error::{Error, Result};
pub use scenario::Scenario;
