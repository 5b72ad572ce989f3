//! policysim: simulate how policy innovations spread between governments.
//!
//! The data flow follows the modules: [`scenario`] (the TOML file, validated) ->
//! [`network`] (who observes whom) -> [`agents`] (the governments' traits) ->
//! [`model`] (the mechanisms of MODEL.md, one module each) -> [`run`] (one run, the step
//! loop) -> [`ensemble`] (many runs in parallel) -> [`aggregate`] (means, spreads,
//! quantiles) -> [`output`] (CSV, JSON) and [`charts`].
//!
//! Everything the command line does can be done from Rust. A scenario from text, its
//! ensemble, and the mean adopted share at the last step:
//!
//! ```
//! use policysim::ensemble::{prepare, run_ensemble, EnsembleOptions};
//! use policysim::scenario::parse_scenario;
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
//! let prepared = prepare(&scenario)?; // the network, drawn once from the seed
//! let mut finals = Vec::new();
//! let result = run_ensemble(&scenario, scenario.seed, &prepared, &EnsembleOptions::default(), &mut |run| {
//!     finals.push(run.final_share); // one row of runs.csv, in run order
//!     Ok(())
//! })?;
//! let share = result.runs.final_share.summary().expect("50 runs");
//! assert_eq!(finals.len(), 50);
//! assert!(share.mean > 0.0 && share.mean <= 1.0);
//! assert!(share.p05 <= share.p50 && share.p50 <= share.p95);
//! # Ok::<(), policysim::Error>(())
//! ```

#![warn(missing_docs)]

pub mod agents;
pub mod aggregate;
pub mod capped_read;
pub mod cells;
pub mod charts;
pub mod cli;
pub mod ensemble;
pub mod error;
pub mod explore;
pub mod fit;
pub mod forecast;
pub mod initial;
pub mod innovativeness;
pub mod limits;
pub mod machine;
pub mod mechanisms;
pub mod model;
pub mod network;
pub mod observed;
pub mod output;
pub mod overrides;
pub mod paired;
pub mod plot;
pub mod private_dir;
pub mod result_files;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod sensitivity;
pub mod simulate;
pub mod staging;
pub mod stats;
pub mod sweep;

pub use error::{Error, Result};
pub use scenario::Scenario;
