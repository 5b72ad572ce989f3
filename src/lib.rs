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

//! The workspace's packages, each importing only those before it: `policysim-model`
//! (the model, no files), `policysim-io` (every file read and write), `policysim-charts`,
//! `policysim-studies` (what the commands do) and `policysim-explore` (the page); this
//! package is the binary (`cli`, one file per command) and re-exports the packages'
//! modules under the paths they have always had.

pub mod cli;

pub use policysim_charts as charts;
pub use policysim_explore as explore;
pub use policysim_io::{
    atomic_file, capped_read, cells, csv_input, limits, machine, observed, open_file, output,
    overrides, parquet_table, private_dir, provenance, result_files, results_folder,
    scenario_files, staging, threads, verify,
};
pub use policysim_model::{
    agents, aggregate, crossing, error, model, paired, rng, run, sequential, stats, Error, Result,
    Scenario,
};
pub use policysim_studies::{
    eha, fit, forecast, innovativeness, mechanisms, odd, panel, plot, precision, progress,
    sensitivity, simulate, sweep,
};

/// Scenarios: the model's types and parsing, and reading a scenario file.
pub mod scenario {
    pub use policysim_io::scenario_files::{load_scenario, read_scenario_text};
    pub use policysim_model::scenario::*;
}

/// Networks: the model's networks and generators, and reading node and edge files.
pub mod network {
    pub use policysim_io::network_files::{read_edge_file, read_node_file};
    pub use policysim_model::network::*;
}

/// Initial adopters: the model's, and reading an initial-adopters file.
pub mod initial {
    pub use policysim_io::initial_file::read_initial_file;
    pub use policysim_model::initial::*;
}

/// The ensemble: the model's, and [`prepare`](ensemble::prepare) reading the data files.
pub mod ensemble {
    pub use policysim_io::scenario_files::prepare;
    pub use policysim_model::ensemble::*;
}
