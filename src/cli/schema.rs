//! `policysim schema`: the JSON Schema of a scenario file, on stdout or into a file.

use crate::error::{Error, Result};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

/// Examples shown by `policysim schema --help`.
pub(crate) const SCHEMA_EXAMPLES: &str = "Examples:
  policysim schema > scenario.schema.json
  policysim schema --out schema/scenario.schema.json
  policysim schema --keys-of learning        # the keys of [learning] as a Markdown table
  policysim schema --keys-of bass,si         # several tables, keys written bass.p, si.beta

A scenario file whose first line is `#:schema ../schema/scenario.schema.json` (the path
relative to the file) is checked and completed by TOML editors that read JSON Schema
(Taplo / Even Better TOML, Tombi).";

/// Options of `policysim schema`.
#[derive(Debug, Args)]
pub(crate) struct SchemaArgs {
    /// Write the schema into this file (whole or not at all) instead of on stdout.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the keys of these scenario tables (comma-separated: `top`, `network`,
    /// `network.layers.<name>`, `central.pilot`, ...) as a Markdown table (key, default,
    /// allowed, meaning) instead of the schema: the README's scenario reference.
    #[arg(
        long,
        value_name = "TABLE,...",
        value_delimiter = ',',
        conflicts_with = "out"
    )]
    keys_of: Vec<String>,
}

/// The schema's text: pretty JSON (draft-07) and a final newline.
pub(crate) fn schema_text() -> String {
    let schema = crate::scenario_files::scenario_schema();
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The Markdown table of the keys of `tables`, or an error naming the tables there are.
fn keys_text(tables: &[String]) -> Result<String> {
    use policysim_model::scenario::key_table::{key_table, table_names};
    let schema = crate::scenario_files::scenario_schema();
    let names: Vec<&str> = tables.iter().map(String::as_str).collect();
    key_table(&schema, &names).ok_or_else(|| {
        let known = table_names(&schema);
        let unknown = names
            .iter()
            .find(|n| !known.iter().any(|k| k == *n))
            .copied()
            .unwrap_or_default();
        Error::Input(format!(
            "--keys-of {unknown}: not a table of the scenario; the tables are {}",
            known.join(", ")
        ))
    })
}

/// Runs `policysim schema`.
pub(crate) fn run(args: SchemaArgs) -> Result<()> {
    let text = if args.keys_of.is_empty() {
        schema_text()
    } else {
        keys_text(&args.keys_of)?
    };
    let Some(out) = args.out else {
        // a reader that stops early (`| head`) is no error
        let mut stdout = std::io::stdout().lock();
        return match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
        {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Failure(format!(
                "cannot write the schema on stdout: {e}"
            ))),
            _ => Ok(()),
        };
    };
    if out.is_dir() {
        return Err(Error::Input(format!(
            "--out {}: is a folder; give a file name, e.g. {}/scenario.schema.json",
            out.display(),
            out.display()
        )));
    }
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(Error::Input(format!(
                "--out {}: the folder {} does not exist",
                out.display(),
                parent.display()
            )));
        }
    }
    crate::atomic_file::write_atomic(&out, text.as_bytes())?;
    eprintln!(
        "the scenario schema (JSON Schema draft-07) written to {}",
        out.display()
    );
    Ok(())
}
