//! Networks: who observes whom. Built with petgraph (or read from files), then converted
//! to a compact adjacency (CSR with u32 indices) for the step loop.

mod files;
mod generators;

pub use files::{read_edge_file, read_node_file, NodeTable};
pub use generators::{
    barabasi_albert, build_network, erdos_renyi, hierarchy, knn_edges, ring, spatial,
    watts_strogatz,
};

use petgraph::graph::Graph;
use petgraph::EdgeType;

/// Marker for "no parent" in [`Network::parent`].
pub const NO_PARENT: u32 = u32::MAX;

/// A network of governments in the compact form the step loop uses.
///
/// `sources(i)` are the governments i observes (learns from); `observers(j)` are those
/// that observe j. For undirected networks the two are the same lists.
#[derive(Debug, Clone, Default)]
pub struct Network {
    /// Number of governments.
    pub n: usize,
    /// Everyone observes everyone; the adjacency lists are empty and never materialised.
    pub complete: bool,
    /// Edges are directed (j -> i means i observes j).
    pub directed: bool,
    /// CSR offsets into `source_ids` (length n + 1; empty when complete).
    pub source_offsets: Vec<usize>,
    /// Concatenated source lists.
    pub source_ids: Vec<u32>,
    /// Edge weights aligned with `source_ids` (empty when the network has none).
    pub source_weights: Vec<f32>,
    /// CSR offsets into `observer_ids` (empty when undirected: use the source lists).
    pub observer_offsets: Vec<usize>,
    /// Concatenated observer lists (directed networks only).
    pub observer_ids: Vec<u32>,
    /// Node names (ids from files, or "0", "1", ...).
    pub names: Vec<String>,
    /// Level index per node (empty when the network has no levels).
    pub level: Vec<u16>,
    /// Names of the levels, indexed by `level`.
    pub level_names: Vec<String>,
    /// Parent node per node ([`NO_PARENT`] for none; empty when there is no hierarchy).
    pub parent: Vec<u32>,
    /// Region index per node (empty when the network has no regions).
    pub region: Vec<u16>,
    /// Names of the regions, indexed by `region`.
    pub region_names: Vec<String>,
    /// x coordinate per node (empty when none).
    pub x: Vec<f64>,
    /// y coordinate per node (empty when none).
    pub y: Vec<f64>,
    /// Numeric node-file columns (for traits given as `{ from = "column" }`).
    pub columns: Vec<(String, Vec<f64>)>,
    /// Human-readable names from a node file's `name` column (empty when none).
    pub labels: Vec<String>,
    /// Problems found while building that were tolerated (self-loops, duplicate edges).
    pub warnings: Vec<String>,
}

impl Network {
    /// A complete network of n governments (implicit adjacency).
    pub fn complete(n: usize) -> Network {
        Network {
            n,
            complete: true,
            names: (0..n).map(|i| i.to_string()).collect(),
            ..Network::default()
        }
    }

    /// Builds the CSR from an edge list (u, v[, weight]); self-loops and duplicates are dropped.
    ///
    /// Undirected: each edge links both ways. Directed: u -> v means v observes u.
    pub fn from_edges(
        n: usize,
        edges: &[(u32, u32)],
        weights: Option<&[f32]>,
        directed: bool,
    ) -> Network {
        // (observer, source, weight) triples.
        let mut arcs: Vec<(u32, u32, f32)> =
            Vec::with_capacity(edges.len() * if directed { 1 } else { 2 });
        for (e, &(u, v)) in edges.iter().enumerate() {
            if u == v {
                continue;
            }
            let w = weights.map_or(1.0, |ws| ws[e]);
            arcs.push((v, u, w));
            if !directed {
                arcs.push((u, v, w));
            }
        }
        arcs.sort_by_key(|a| (a.0, a.1)); // stable: the first weight is kept
        arcs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let (source_offsets, source_ids, source_weights) = csr(
            n,
            arcs.iter().map(|a| (a.0, a.1, a.2)),
            arcs.len(),
            weights.is_some(),
        );
        let (observer_offsets, observer_ids) = if directed {
            let mut rev: Vec<(u32, u32)> = arcs.iter().map(|a| (a.1, a.0)).collect();
            rev.sort_unstable();
            let (o, ids, _) = csr(n, rev.iter().map(|a| (a.0, a.1, 1.0)), rev.len(), false);
            (o, ids)
        } else {
            (Vec::new(), Vec::new())
        };
        Network {
            n,
            complete: false,
            directed,
            source_offsets,
            source_ids,
            source_weights: if weights.is_some() {
                source_weights
            } else {
                Vec::new()
            },
            observer_offsets,
            observer_ids,
            names: (0..n).map(|i| i.to_string()).collect(),
            ..Network::default()
        }
    }

    /// Converts a petgraph graph into the compact form; `weighted` keeps the edge weights.
    ///
    /// Directedness follows the graph type (an edge a -> b means b observes a).
    /// Self-loops and duplicate edges are dropped (the first weight is kept).
    pub fn from_petgraph<N, Ty: EdgeType>(
        graph: &Graph<N, f32, Ty, u32>,
        weighted: bool,
    ) -> Network {
        let raw = graph.raw_edges();
        let edges: Vec<(u32, u32)> = raw
            .iter()
            .map(|e| (e.source().index() as u32, e.target().index() as u32))
            .collect();
        let weights: Option<Vec<f32>> = weighted.then(|| raw.iter().map(|e| e.weight).collect());
        Network::from_edges(
            graph.node_count(),
            &edges,
            weights.as_deref(),
            Ty::is_directed(),
        )
    }

    /// The governments node i observes (empty for a complete network: use `n`).
    #[inline]
    pub fn sources(&self, i: usize) -> &[u32] {
        if self.complete {
            return &[];
        }
        &self.source_ids[self.source_offsets[i]..self.source_offsets[i + 1]]
    }

    /// Weights of the edges to `sources(i)` (empty when the network is unweighted).
    #[inline]
    pub fn source_weights(&self, i: usize) -> &[f32] {
        if self.source_weights.is_empty() {
            return &[];
        }
        &self.source_weights[self.source_offsets[i]..self.source_offsets[i + 1]]
    }

    /// The governments that observe node j.
    #[inline]
    pub fn observers(&self, j: usize) -> &[u32] {
        if self.complete {
            return &[];
        }
        if self.directed {
            &self.observer_ids[self.observer_offsets[j]..self.observer_offsets[j + 1]]
        } else {
            self.sources(j)
        }
    }

    /// Number of governments node i observes.
    #[inline]
    pub fn in_degree(&self, i: usize) -> usize {
        if self.complete {
            self.n.saturating_sub(1)
        } else {
            self.source_offsets[i + 1] - self.source_offsets[i]
        }
    }

    /// Number of edges (undirected edges counted once).
    pub fn edge_count(&self) -> usize {
        if self.complete {
            return self.n * self.n.saturating_sub(1) / if self.directed { 1 } else { 2 };
        }
        if self.directed {
            self.source_ids.len()
        } else {
            self.source_ids.len() / 2
        }
    }

    /// True when the network has coordinates for every node.
    pub fn has_coordinates(&self) -> bool {
        self.x.len() == self.n && self.y.len() == self.n && self.n > 0
    }

    /// For error messages: which numeric node columns exist, e.g. " (numeric columns: a, b)".
    pub fn columns_hint(&self) -> String {
        if self.columns.is_empty() {
            " (the network has no numeric node columns: add the column to the node file given by network.nodes)".to_string()
        } else {
            let names: Vec<&str> = self.columns.iter().map(|(c, _)| c.as_str()).collect();
            format!(" (numeric columns: {})", names.join(", "))
        }
    }

    /// A numeric node column by name.
    pub fn column(&self, name: &str) -> Option<&[f64]> {
        self.columns
            .iter()
            .find(|(c, _)| c == name)
            .map(|(_, v)| v.as_slice())
    }

    /// Index of the node with this name, if any.
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|s| s == name)
    }
}

/// Builds CSR arrays from (row, col, weight) triples sorted by row (weights kept if `weighted`).
fn csr(
    n: usize,
    rows: impl Iterator<Item = (u32, u32, f32)>,
    len: usize,
    weighted: bool,
) -> (Vec<usize>, Vec<u32>, Vec<f32>) {
    let mut offsets = vec![0usize; n + 1];
    let mut ids = Vec::with_capacity(len);
    let mut ws = Vec::with_capacity(if weighted { len } else { 0 });
    for (r, c, w) in rows {
        offsets[r as usize + 1] += 1;
        ids.push(c);
        if weighted {
            ws.push(w);
        }
    }
    for i in 0..n {
        offsets[i + 1] += offsets[i];
    }
    (offsets, ids, ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csr_drops_self_loops_and_duplicates() {
        let net = Network::from_edges(4, &[(0, 1), (1, 0), (1, 2), (2, 2), (0, 1)], None, false);
        assert_eq!(net.sources(0), &[1]);
        assert_eq!(net.sources(1), &[0, 2]);
        assert_eq!(net.sources(2), &[1]);
        assert_eq!(net.sources(3), &[] as &[u32]);
        assert_eq!(net.edge_count(), 2);
    }

    #[test]
    fn directed_edges_point_from_source_to_observer() {
        let net = Network::from_edges(3, &[(0, 1), (0, 2)], None, true);
        assert_eq!(net.sources(1), &[0]);
        assert_eq!(net.sources(0), &[] as &[u32]);
        assert_eq!(net.observers(0), &[1, 2]);
        assert_eq!(net.in_degree(2), 1);
    }
}
