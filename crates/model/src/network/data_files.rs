//! The model's one window on data files: node, edge and initial-adopter files are read
//! by whoever prepares a scenario, through this trait, so that the model itself never
//! touches the file system (policysim's io package implements it; a caller with data
//! in memory can implement it too).

use super::{Network, NodeTable};
use crate::error::{Error, Result};
use std::path::Path;

/// Reads the data files a scenario names (each path already resolved against the
/// scenario's folder).
pub trait DataFiles: std::fmt::Debug + Send + Sync {
    /// The node file at `path`; `key` is the scenario key that names it (for messages).
    fn node_table(&self, path: &Path, key: &str) -> Result<NodeTable>;

    /// The network of the edge file `edges`, its nodes named by the node file `nodes`
    /// when given (else in order of first appearance); `directed` as `network.directed`.
    fn edge_network(&self, edges: &Path, nodes: Option<&Path>, directed: bool) -> Result<Network>;

    /// The governments listed in the initial-adopters file at `path`, as node indices of
    /// `network`, in ascending order.
    fn initial_adopters(&self, path: &Path, network: &Network) -> Result<Vec<u32>>;
}

/// No data files: every read is an input error naming the file (for scenarios built in
/// memory from generators only).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDataFiles;

impl NoDataFiles {
    fn refuse<T>(path: &Path) -> Result<T> {
        Err(Error::input_in(
            path,
            "this scenario reads a data file, and no data-file reader was given (prepare it with policysim's io package)",
        ))
    }
}

impl DataFiles for NoDataFiles {
    fn node_table(&self, path: &Path, _key: &str) -> Result<NodeTable> {
        NoDataFiles::refuse(path)
    }

    fn edge_network(
        &self,
        edges: &Path,
        _nodes: Option<&Path>,
        _directed: bool,
    ) -> Result<Network> {
        NoDataFiles::refuse(edges)
    }

    fn initial_adopters(&self, path: &Path, _network: &Network) -> Result<Vec<u32>> {
        NoDataFiles::refuse(path)
    }
}
