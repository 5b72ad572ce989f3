//! A scenario's files read from disk: the scenario file itself (capped, UTF-8 checked)
//! and, through [`DataFileReader`], the node, edge and initial-adopter files it names.

use policysim_model::ensemble::prepare_from;
use policysim_model::error::{Error, Result};
use policysim_model::network::DataFiles;
use policysim_model::network::{Network, NodeTable};
use policysim_model::run::Prepared;
use policysim_model::scenario::{line_col, parse_scenario_except, Scenario};
use std::path::Path;
use std::sync::Arc;

/// The data files a scenario names, read from the file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataFileReader;

impl DataFiles for DataFileReader {
    fn node_table(&self, path: &Path, key: &str) -> Result<NodeTable> {
        crate::network_files::read_node_file(path, key)
    }

    fn edge_network(&self, edges: &Path, nodes: Option<&Path>, directed: bool) -> Result<Network> {
        crate::network_files::read_edge_file(edges, nodes, directed)
    }

    fn initial_adopters(&self, path: &Path, network: &Network) -> Result<Vec<u32>> {
        crate::initial_file::read_initial_file(path, network)
    }
}

/// The data-file reader every command prepares its scenarios with.
pub fn data_files() -> Arc<dyn DataFiles> {
    Arc::new(DataFileReader)
}

/// Builds the network a scenario draws once (from the seed), reading the data files it
/// names, and prepares the shared state.
///
/// Input errors about a scenario key name the scenario file and line ([`locate_error`]).
pub fn prepare(scenario: &Scenario) -> Result<Prepared> {
    prepare_from(scenario, data_files()).map_err(|e| locate_error(scenario, e))
}

/// [`Scenario::locate_error_in`] with the text of the scenario's file, read again (an
/// unreadable file gives the message with the file's name only).
pub fn locate_error(scenario: &Scenario, e: Error) -> Error {
    let text = scenario
        .source
        .as_deref()
        .and_then(|path| {
            crate::capped_read::read_limited(path, crate::capped_read::MAX_SCENARIO_BYTES).ok()
        })
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default();
    scenario.locate_error_in(e, &text)
}

/// Reads, parses and validates the scenario file at `path`.
///
/// A `[sweep]` table (read by `policysim sweep`) is left out, with a warning saying so.
pub fn load_scenario(path: &Path) -> Result<Scenario> {
    let text = read_scenario_text(path)?;
    let mut scenario = parse_scenario_except(&text, path, &STUDY_TABLES.map(|(t, _)| t))?;
    warn_of_study_tables(&mut scenario, &text, path, None);
    Ok(scenario)
}

/// The tables of a scenario file that one study reads and every other command leaves
/// out: (table, the command that reads it).
pub const STUDY_TABLES: [(&str, &str); 2] = [
    ("sweep", "policysim sweep"),
    ("sensitivity", "policysim sensitivity"),
];

/// The JSON Schema of a scenario file as every command reads it (`policysim schema`):
/// the model's keys ([`json_schema`](policysim_model::scenario::json_schema)) and the
/// study tables of [`STUDY_TABLES`], each a table its command checks.
pub fn scenario_schema() -> serde_json::Value {
    let mut schema = policysim_model::scenario::json_schema();
    if let Some(serde_json::Value::Object(properties)) = schema.get_mut("properties") {
        for (table, command) in STUDY_TABLES {
            properties.insert(
                table.to_string(),
                serde_json::json!({
                    "type": "object",
                    "description": format!("Read by `{command}` only (its keys are checked by that command); every other command uses the scenario without it."),
                }),
            );
        }
    }
    schema
}

/// Adds to the scenario's warnings that each of [`STUDY_TABLES`] present in `text`
/// (other than `reader`'s own) is read by its command only.
pub fn warn_of_study_tables(
    scenario: &mut Scenario,
    text: &str,
    path: &Path,
    reader: Option<&str>,
) {
    let Ok(table) = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .parse::<toml::Table>()
    else {
        return;
    };
    for (name, command) in STUDY_TABLES {
        if table.contains_key(name) && reader != Some(name) {
            scenario.warnings.push(format!(
                "{}: the [{name}] table is read by `{command}` only; this command uses the scenario without it",
                path.display()
            ));
        }
    }
}

/// Reads a scenario file as UTF-8 text (a message names the file and the first bad byte).
pub fn read_scenario_text(path: &Path) -> Result<String> {
    let bytes = crate::capped_read::read_limited(path, crate::capped_read::MAX_SCENARIO_BYTES)
        .map_err(|e| Error::input_in(path, format!("cannot read the scenario file: {e}")))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, col) = line_col(&prefix, valid);
            return Err(Error::Input(format!(
                "{}:{line}:{col}: the scenario file is not UTF-8 text (byte 0x{:02X}); save it as UTF-8",
                path.display(),
                bytes[valid]
            )));
        }
    };
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use policysim_model::network::build_network;
    use policysim_model::rng::network_rng;
    use policysim_model::scenario::NetworkKind;

    #[test]
    fn unreadable_and_non_utf8_scenario_files_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("latin1.toml");
        std::fs::write(&path, b"name = \"x\"\ndescription = \"caf\xe9\"\n").unwrap();
        let m = load_scenario(&path).unwrap_err().to_string();
        assert!(m.ends_with("latin1.toml:2:19: the scenario file is not UTF-8 text (byte 0xE9); save it as UTF-8"), "{m}");
        let m = load_scenario(&dir.path().join("missing.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("missing.toml: cannot read the scenario file:"),
            "{m}"
        );
    }

    #[test]
    fn scenario_paths_are_relative_to_the_scenario_folder() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("data")).unwrap();
        std::fs::write(d.path().join("data/e.csv"), "source,target\n1,2\n").unwrap();
        std::fs::write(
            d.path().join("data/n.csv"),
            "id,x,y\n1,0,0\n2,1,0\n3,0.1,0\n",
        )
        .unwrap();
        let mut s = Scenario {
            base_dir: d.path().to_path_buf(),
            ..Scenario::default()
        };
        s.network.kind = NetworkKind::File;
        s.network.edges = Some("data/e.csv".into());
        s.network.nodes = Some("data/n.csv".into());
        let net = build_network(&s, &mut network_rng(1), &DataFileReader).unwrap();
        assert_eq!(net.n, 3);
        assert_eq!(net.edge_count(), 1);
        s.network.kind = NetworkKind::Spatial;
        s.network.edges = None;
        s.network.k = 1;
        let net = build_network(&s, &mut network_rng(1), &DataFileReader).unwrap();
        assert_eq!(net.sources(0), &[2]);
        assert_eq!(net.sources(1), &[2]);
        assert!(net.has_coordinates());
        s.network.kind = NetworkKind::File;
        s.network.nodes = None;
        let m = build_network(&s, &mut network_rng(1), &DataFileReader)
            .unwrap_err()
            .to_string();
        assert!(m.contains("network.edges is missing"), "{m}");
    }
}
