//! The names of the files each kind of results folder holds, in one place: the commands
//! that write them and the checks that recognise them read the same list.

// `policysim sensitivity`, written into its sweep folder

/// The indices per parameter, one row per (parameter, index).
pub const SENSITIVITY_CSV: &str = "sensitivity.csv";

/// The design matrix, one row per point in run order.
pub const DESIGN_CSV: &str = "design.csv";

/// The indices as Parquet (`--table-format parquet|both`).
pub const SENSITIVITY_PARQUET: &str = "sensitivity.parquet";

/// The design matrix as Parquet (`--table-format parquet|both`).
pub const DESIGN_PARQUET: &str = "design.parquet";

/// What was analysed: method, metric, sizes, ranges, bootstrap.
pub const SENSITIVITY_JSON: &str = "sensitivity.json";

/// The stem of the ranking chart (`sensitivity.png`, `sensitivity.svg`).
pub const CHART_STEM: &str = "sensitivity";

/// True for the name of a file `policysim sensitivity` writes into a sweep folder (so
/// that the sweep's `--force` and `merge` treat it as policysim's own).
pub fn is_sensitivity_file(name: &str) -> bool {
    [
        SENSITIVITY_CSV,
        DESIGN_CSV,
        SENSITIVITY_JSON,
        SENSITIVITY_PARQUET,
        DESIGN_PARQUET,
    ]
    .contains(&name)
        || name == format!("{CHART_STEM}.png")
        || name == format!("{CHART_STEM}.svg")
}
