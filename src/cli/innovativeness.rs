//! `policysim innovativeness`: the flags, turned into [`InnovativenessOptions`].

use crate::innovativeness::InnovativenessOptions;
use clap::Args;
use std::path::PathBuf;

/// Examples shown by `policysim innovativeness --help`.
pub(crate) const INNOVATIVENESS_EXAMPLES: &str = "Examples:
  policysim innovativeness --observed scenarios/data/spid_sample.csv --out results/innovativeness.csv
  policysim innovativeness --observed scenarios/data/spid_sample.csv --exclude-policy mothersaid \\
    --nodes scenarios/data/us_states_nodes.csv --out results/us_states_nodes.csv";

/// Options of `policysim innovativeness`.
#[derive(Debug, Args)]
pub(crate) struct InnovativenessArgs {
    /// CSV of observed adoptions of several policies: unit, policy, adoption year.
    #[arg(long)]
    observed: PathBuf,
    /// Column holding the unit.
    #[arg(long, default_value = "unit")]
    unit_column: String,
    /// Column holding the adoption year (empty = never adopted).
    #[arg(long, default_value = "adopt_year")]
    year_column: String,
    /// Leave this policy out (repeatable), e.g. the one being forecast.
    #[arg(long)]
    exclude_policy: Vec<String>,
    /// A node file (column `id`): the units are its nodes, and the output is this file
    /// with the score added as a column (replaced if it exists).
    #[arg(long)]
    nodes: Option<PathBuf>,
    /// Name of the score column.
    #[arg(long, default_value = "innovativeness")]
    column: String,
    /// Output CSV: `unit,innovativeness,policies,adopted`, or the node file with the column.
    #[arg(long)]
    out: PathBuf,
    /// No messages on stderr.
    #[arg(long, short)]
    quiet: bool,
}

impl From<InnovativenessArgs> for InnovativenessOptions {
    fn from(a: InnovativenessArgs) -> InnovativenessOptions {
        InnovativenessOptions {
            observed: a.observed,
            unit_column: a.unit_column,
            year_column: a.year_column,
            exclude_policy: a.exclude_policy,
            nodes: a.nodes,
            column: a.column,
            out: a.out,
            quiet: a.quiet,
        }
    }
}
