//! policysim's integration tests, in one binary (as ripgrep does): each module is one
//! topic, run through the library's public paths or the built `policysim` binary.
//!
//! Run one topic with `cargo test --release --test tests golden::`.

mod common;

mod bad_inputs;
mod chart_fonts;
mod chart_legibility;
mod charts_cli;
mod classic_models;
mod cli;
mod cluster;
mod csv_quoting;
mod doc_numbers;
mod docs_zh;
mod eha;
mod events;
mod every_command;
mod explore_api;
mod explore_classroom;
mod explore_differences;
mod explore_refusals;
mod explore_server;
mod fit;
mod fit_coverage;
mod fit_log_score;
mod fit_pooled;
mod fixed_population;
mod forecast;
mod forecast_evaluate;
mod golden;
mod hostile_input;
mod influence;
mod input_caps;
mod interrupt;
mod mechanisms;
mod memory_limit;
mod metrics;
mod observed_run;
mod odd;
mod one_rule;
mod out_dir;
mod paired;
mod paired_streams;
mod panel;
mod parquet;
mod parsers_proptest;
mod plot_cli;
mod plot_kinds;
mod policy_model;
mod precision;
mod provenance;
mod readme;
mod schema;
mod scope;
mod sensitivity;
mod statistics;
mod studies_api;
mod sweep;
mod sweep_integrity;
mod tolerance;
mod trait_limits;
mod uptake;
