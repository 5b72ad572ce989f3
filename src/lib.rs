//! policysim: simulate how policy innovations spread between governments.
//!
//! The data flow follows the modules: [`scenario`] (the TOML file, validated) ->
//! [`network`] (who observes whom) -> [`agents`] (the governments' traits) ->
//! [`model`] (the mechanisms of MODEL.md, one module each) -> [`run`] (one run, the step
//! loop) -> [`ensemble`] (many runs in parallel) -> [`aggregate`] (means, spreads,
//! quantiles) -> [`output`] (CSV, JSON) and [`charts`].

pub mod agents;
pub mod aggregate;
pub mod charts;
pub mod cli;
pub mod ensemble;
pub mod error;
pub mod explore;
pub mod fit;
pub mod initial;
pub mod limits;
pub mod model;
pub mod network;
pub mod output;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod simulate;
pub mod sweep;

pub use error::{Error, Result};
pub use scenario::Scenario;
