//! policysim's files: every read and write of a file goes through this package.
//!
//! Inputs: [`scenario_files`] (the scenario file, capped and checked as UTF-8, and the
//! [`scenario_files::DataFileReader`] that reads the node, edge and initial-adopter
//! files a scenario names: [`network_files`], [`initial_file`]), [`observed`] (observed
//! adoptions), [`capped_read`] (the one capped reader), [`overrides`] (`--set`).
//! Outputs: [`staging`] (a results folder appears complete or not at all),
//! [`atomic_file`] (one file written whole or not at all),
//! [`output`] and [`results_folder`] (the files of a run's folder), [`cells`] (how
//! numbers and names are written), [`result_files`] (the names of the files),
//! [`private_dir`] (private temporary folders), [`parquet_table`] (tables as Parquet,
//! `--table-format`). Limits: [`limits`] (the memory estimate), [`machine`] (memory and
//! cores available). Provenance: [`provenance`] (the
//! `provenance.json` of every results folder: build, command, inputs and outputs by
//! SHA-256) and [`verify`] (a folder checked against it).

pub mod atomic_file;
pub mod capped_read;
pub mod cells;
pub mod csv_input;
pub mod events;
pub mod initial_file;
pub mod limits;
pub mod machine;
pub mod network_files;
pub mod observed;
pub mod open_file;
pub mod output;
pub mod overrides;
pub mod parquet_table;
pub mod private_dir;
pub mod provenance;
pub mod result_files;
pub mod results_folder;
pub mod scenario_files;
pub mod staging;
pub mod threads;
pub mod verify;
