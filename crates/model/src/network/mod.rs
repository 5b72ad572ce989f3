//! Networks: who observes whom. Built with petgraph (or read from files), then converted
//! to a compact adjacency (CSR with u32 indices) for the step loop.

mod data_files;
mod generators;
mod layers;
mod node_table;

pub use data_files::{DataFiles, NoDataFiles};
pub use layers::combine_layers;
pub use node_table::NodeTable;

pub use generators::{
    barabasi_albert, build_network, erdos_renyi, hierarchy, knn_edges, ring, spatial,
    watts_strogatz,
};

use petgraph::graph::Graph;
use petgraph::EdgeType;
use std::borrow::Cow;

/// The names of a network's nodes: "0", "1", ... (generated networks: not stored, so that
/// 10^7 governments do not cost 10^7 strings) or listed (ids from files, hierarchy names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    /// Node i is called `i` (decimal), for n nodes.
    Numbered(usize),
    /// Node i is called `names[i]`.
    Listed(Vec<String>),
}

impl Default for Names {
    fn default() -> Names {
        Names::Numbered(0)
    }
}

impl From<Vec<String>> for Names {
    fn from(names: Vec<String>) -> Names {
        Names::Listed(names)
    }
}

impl Names {
    /// Number of names.
    pub fn len(&self) -> usize {
        match self {
            Names::Numbered(n) => *n,
            Names::Listed(v) => v.len(),
        }
    }

    /// True when there are no names.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name of node i (panics when i is out of range, like indexing).
    pub fn name(&self, i: usize) -> Cow<'_, str> {
        self.get(i).expect("node index out of range")
    }

    /// The name of node i, if there is such a node.
    pub fn get(&self, i: usize) -> Option<Cow<'_, str>> {
        match self {
            Names::Numbered(n) => (i < *n).then(|| Cow::Owned(i.to_string())),
            Names::Listed(v) => v.get(i).map(|s| Cow::Borrowed(s.as_str())),
        }
    }

    /// Every name in node order.
    pub fn iter(&self) -> impl Iterator<Item = Cow<'_, str>> + '_ {
        (0..self.len()).map(|i| self.name(i))
    }

    /// The stored list, when the names are listed.
    pub fn listed(&self) -> Option<&[String]> {
        match self {
            Names::Numbered(_) => None,
            Names::Listed(v) => Some(v),
        }
    }

    /// The node called `name` when the names are numbered (exactly as written: "7", not "07").
    pub fn numbered_position(&self, name: &str) -> Option<usize> {
        match self {
            Names::Numbered(n) => {
                let i: usize = name.parse().ok()?;
                (i < *n && i.to_string() == name).then_some(i)
            }
            Names::Listed(_) => None,
        }
    }

    /// The node called `name`, if any (a linear search when the names are listed).
    pub fn position(&self, name: &str) -> Option<usize> {
        match self {
            Names::Numbered(_) => self.numbered_position(name),
            Names::Listed(v) => v.iter().position(|s| s == name),
        }
    }

    /// The names as strings (for tests and small networks).
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(Cow::into_owned).collect()
    }
}

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
    pub names: Names,
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
            names: Names::Numbered(n),
            ..Network::default()
        }
    }

    /// Builds the CSR from an edge list (u, v[, weight]); self-loops and duplicates are dropped.
    ///
    /// Undirected: each edge links both ways. Directed: u -> v means v observes u.
    /// A counting sort places each arc in its observer's row (in edge order), then each row
    /// is sorted by source (stably: of duplicates the first weight is kept) and compacted in
    /// place: besides the edge list, only the CSR arrays and one offset array are alive.
    pub fn from_edges(
        n: usize,
        edges: &[(u32, u32)],
        weights: Option<&[f32]>,
        directed: bool,
    ) -> Network {
        let weighted = weights.is_some();
        let mut offsets = vec![0usize; n + 1];
        for &(u, v) in edges {
            if u == v {
                continue;
            }
            offsets[v as usize + 1] += 1;
            if !directed {
                offsets[u as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let arcs = offsets[n];
        let mut ids = vec![0u32; arcs];
        let mut ws = vec![0f32; if weighted { arcs } else { 0 }];
        let mut fill = offsets.clone();
        for (e, &(u, v)) in edges.iter().enumerate() {
            if u == v {
                continue;
            }
            let w = weights.map_or(1.0, |ws| ws[e]);
            for (observer, source) in
                [(v, u), (u, v)]
                    .into_iter()
                    .take(if directed { 1 } else { 2 })
            {
                let at = &mut fill[observer as usize];
                ids[*at] = source;
                if weighted {
                    ws[*at] = w;
                }
                *at += 1;
            }
        }
        drop(fill);
        // sort each row by source and drop repeated sources, compacting the arrays
        let mut write = 0usize;
        let mut row: Vec<(u32, f32)> = Vec::new();
        for i in 0..n {
            let (start, end) = (offsets[i], offsets[i + 1]);
            offsets[i] = write;
            if weighted {
                row.clear();
                row.extend(
                    ids[start..end]
                        .iter()
                        .copied()
                        .zip(ws[start..end].iter().copied()),
                );
                row.sort_by_key(|a| a.0); // stable: the first weight is kept
                row.dedup_by_key(|a| a.0);
                for (k, &(id, w)) in row.iter().enumerate() {
                    ids[write + k] = id;
                    ws[write + k] = w;
                }
                write += row.len();
            } else {
                ids[start..end].sort_unstable();
                let mut last = None;
                for k in start..end {
                    let id = ids[k];
                    if last != Some(id) {
                        ids[write] = id;
                        write += 1;
                        last = Some(id);
                    }
                }
            }
        }
        offsets[n] = write;
        ids.truncate(write);
        ids.shrink_to_fit();
        ws.truncate(if weighted { write } else { 0 });
        ws.shrink_to_fit();
        let (observer_offsets, observer_ids) = if directed {
            // i observes each of its sources j: j's observers, ascending because i is
            let mut o = vec![0usize; n + 1];
            for &j in &ids {
                o[j as usize + 1] += 1;
            }
            for k in 0..n {
                o[k + 1] += o[k];
            }
            let mut list = vec![0u32; write];
            let mut fill = o.clone();
            for i in 0..n {
                for &j in &ids[offsets[i]..offsets[i + 1]] {
                    list[fill[j as usize]] = i as u32;
                    fill[j as usize] += 1;
                }
            }
            (o, list)
        } else {
            (Vec::new(), Vec::new())
        };
        Network {
            n,
            complete: false,
            directed,
            source_offsets: offsets,
            source_ids: ids,
            source_weights: ws,
            observer_offsets,
            observer_ids,
            names: Names::Numbered(n),
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
        self.names.position(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn csr_drops_self_loops_and_duplicates() {
        let net = Network::from_edges(4, &[(0, 1), (1, 0), (1, 2), (2, 2), (0, 1)], None, false);
        assert_eq!(net.sources(0), &[1]);
        assert_eq!(net.sources(1), &[0, 2]);
        assert_eq!(net.sources(2), &[1]);
        assert_eq!(net.sources(3), &[] as &[u32]);
        assert_eq!(net.edge_count(), 2);
    }

    /// The CSR by the obvious method: (observer, source, weight) triples, stably sorted, deduplicated.
    fn reference(
        n: usize,
        edges: &[(u32, u32)],
        weights: &[f32],
        directed: bool,
    ) -> Vec<Vec<(u32, f32)>> {
        let mut arcs = Vec::new();
        for (e, &(u, v)) in edges.iter().enumerate() {
            if u != v {
                arcs.push((v, u, weights[e]));
                if !directed {
                    arcs.push((u, v, weights[e]));
                }
            }
        }
        arcs.sort_by_key(|a| (a.0, a.1));
        arcs.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut rows = vec![Vec::new(); n];
        for (o, src, w) in arcs {
            rows[o as usize].push((src, w));
        }
        rows
    }

    #[test]
    fn the_counting_sort_gives_the_sorted_deduplicated_rows_and_first_weights() {
        let mut rng = crate::rng::run_rng(3, 0);
        for directed in [false, true] {
            let n = 40;
            let edges: Vec<(u32, u32)> = (0..400)
                .map(|_| (rng.random_range(0..n as u32), rng.random_range(0..n as u32)))
                .collect();
            let weights: Vec<f32> = (0..400).map(|k| k as f32).collect();
            let want = reference(n, &edges, &weights, directed);
            let net = Network::from_edges(n, &edges, Some(&weights), directed);
            let plain = Network::from_edges(n, &edges, None, directed);
            for i in 0..n {
                let ids: Vec<u32> = want[i].iter().map(|a| a.0).collect();
                let ws: Vec<f32> = want[i].iter().map(|a| a.1).collect();
                assert_eq!(net.sources(i), ids.as_slice());
                assert_eq!(net.source_weights(i), ws.as_slice());
                assert_eq!(plain.sources(i), ids.as_slice());
                if directed {
                    // the observers of i: every j that has i among its sources, ascending
                    let obs: Vec<u32> = (0..n as u32)
                        .filter(|&j| want[j as usize].iter().any(|a| a.0 == i as u32))
                        .collect();
                    assert_eq!(net.observers(i), obs.as_slice());
                }
            }
        }
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
