//! Network generators: ring, Erdős–Rényi, Watts–Strogatz, Barabási–Albert, spatial k-nearest
//! and administrative hierarchies. Each builds a petgraph graph, then converts it to the
//! compact [`Network`] with [`Network::from_petgraph`].
//!
//! All generators are deterministic given the state of the random generator: no hash-map
//! iteration order reaches the output.

use super::{Names, Network, NO_PARENT};
use crate::error::{Error, Result};
use crate::network::DataFiles;
use crate::rng::RunRng;
use crate::scenario::{LevelSpec, NetworkKind, NetworkSpec, Scenario};
use petgraph::graph::{NodeIndex, UnGraph};
use rand::RngExt;
use rand_distr::Distribution as _;
use std::path::{Path, PathBuf};

/// Refuse generated networks with more expected edges than this (use `complete` instead).
const MAX_EDGES: f64 = 5e8;

/// Largest number of nodes (indices are u32 and `u32::MAX` marks "no parent").
const MAX_NODES: usize = (u32::MAX - 1) as usize;

/// A graph with `n` nodes and no edges.
fn empty_graph(n: usize, edges: usize) -> UnGraph<(), f32, u32> {
    let mut g = UnGraph::with_capacity(n, edges);
    for _ in 0..n {
        g.add_node(());
    }
    g
}

/// Adds the undirected edge u - v.
#[inline]
fn link(g: &mut UnGraph<(), f32, u32>, u: usize, v: usize) {
    g.add_edge(NodeIndex::new(u), NodeIndex::new(v), 1.0);
}

fn bad(msg: String) -> Error {
    Error::Input(msg)
}

fn check_n(n: usize) -> Result<()> {
    if n == 0 {
        return Err(bad("network.n = 0: must be at least 1".into()));
    }
    if n > MAX_NODES {
        return Err(bad(format!("network.n = {n}: must be at most {MAX_NODES}")));
    }
    Ok(())
}

fn check_k_below_n(k: usize, n: usize, kind: &str) -> Result<()> {
    if k >= n {
        return Err(bad(format!(
            "network.k = {k}: must be less than the number of nodes ({n}) for kind = \"{kind}\""
        )));
    }
    Ok(())
}

/// Refuses k-nearest networks whose edge lists would not fit in memory.
/// `per_node` links per node; `k` is the value of the key as written.
fn check_knn_size(n: usize, per_node: usize, k: usize) -> Result<()> {
    if n as f64 * per_node as f64 > MAX_EDGES {
        return Err(bad(format!(
            "network.k = {k}: gives about {:.0} links for {n} nodes, more than {MAX_EDGES:.0}; use a smaller k",
            n as f64 * per_node as f64
        )));
    }
    Ok(())
}

fn resolve(base: &Path, p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        base.join(p)
    }
}

/// Builds the network a scenario describes, drawing any randomness from `rng`.
///
/// Validates the `[network]` keys the kind uses; each error names the key and value.
/// Relative file paths are resolved against `scenario.base_dir`.
pub fn build_network(
    scenario: &Scenario,
    rng: &mut RunRng,
    files: &dyn DataFiles,
) -> Result<Network> {
    let base = build_base(scenario, rng, files)?;
    if scenario.network.layers.is_empty() {
        return Ok(base);
    }
    super::combine_layers(base, &scenario.network.layers, &scenario.base_dir, files)
}

/// The network of `[network]`'s own keys (before any layers).
fn build_base(scenario: &Scenario, rng: &mut RunRng, files: &dyn DataFiles) -> Result<Network> {
    let spec: &NetworkSpec = &scenario.network;
    let kind_name = match spec.kind {
        NetworkKind::Complete => "complete",
        NetworkKind::Ring => "ring",
        NetworkKind::ErdosRenyi => "erdos_renyi",
        NetworkKind::WattsStrogatz => "watts_strogatz",
        NetworkKind::BarabasiAlbert => "barabasi_albert",
        NetworkKind::Spatial => "spatial",
        NetworkKind::Hierarchy => "hierarchy",
        NetworkKind::File => "file",
    };
    if spec.directed && spec.kind != NetworkKind::File {
        return Err(bad(format!(
            "network.directed = true: only supported with kind = \"file\" (got kind = \"{kind_name}\")"
        )));
    }
    if spec.edges.is_some() && spec.kind != NetworkKind::File {
        return Err(bad(format!(
            "network.edges is set: only used with kind = \"file\" (got kind = \"{kind_name}\")"
        )));
    }
    if spec.nodes.is_some() && !matches!(spec.kind, NetworkKind::File | NetworkKind::Spatial) {
        return Err(bad(format!(
            "network.nodes is set: only used with kind = \"file\" or \"spatial\" (got kind = \"{kind_name}\")"
        )));
    }
    let base = &scenario.base_dir;
    match spec.kind {
        NetworkKind::Complete => {
            check_n(spec.n)?;
            Ok(Network::complete(spec.n))
        }
        NetworkKind::Ring => ring(spec.n, spec.k),
        NetworkKind::ErdosRenyi => {
            check_n(spec.n)?;
            let n = spec.n;
            let p = match (spec.p, spec.mean_degree) {
                (Some(_), Some(_)) => {
                    return Err(bad(
                        "network.p and network.mean_degree are both given: give exactly one for kind = \"erdos_renyi\"".into(),
                    ))
                }
                (None, None) => {
                    return Err(bad(
                        "network.p or network.mean_degree is missing: give exactly one for kind = \"erdos_renyi\"".into(),
                    ))
                }
                (Some(p), None) => p,
                (None, Some(d)) => {
                    if !(d.is_finite() && d >= 0.0 && d <= (n - 1) as f64) {
                        return Err(bad(format!(
                            "network.mean_degree = {d}: must be between 0 and n - 1 = {}",
                            n - 1
                        )));
                    }
                    if n == 1 {
                        0.0
                    } else {
                        d / (n - 1) as f64
                    }
                }
            };
            erdos_renyi(n, p, rng)
        }
        NetworkKind::WattsStrogatz => watts_strogatz(spec.n, spec.k, spec.beta, rng),
        NetworkKind::BarabasiAlbert => barabasi_albert(spec.n, spec.m, rng),
        NetworkKind::Spatial => match &spec.nodes {
            Some(nodes) => {
                let path = resolve(base, nodes);
                let table = files.node_table(&path, "network.nodes")?;
                if table.x.is_empty() {
                    return Err(Error::input_in(
                        &path,
                        "missing columns \"x\" and \"y\", expected them for kind = \"spatial\"",
                    ));
                }
                let mut net = spatial(table.x.clone(), table.y.clone(), spec.k)?;
                table.apply_to(&mut net);
                Ok(net)
            }
            None => {
                check_n(spec.n)?;
                let x: Vec<f64> = (0..spec.n).map(|_| rng.random::<f64>()).collect();
                let y: Vec<f64> = (0..spec.n).map(|_| rng.random::<f64>()).collect();
                spatial(x, y, spec.k)
            }
        },
        NetworkKind::Hierarchy => hierarchy(&spec.levels, &spec.regions, spec.k, rng),
        NetworkKind::File => {
            let edges = spec.edges.as_ref().ok_or_else(|| {
                bad("network.edges is missing: kind = \"file\" needs an edge list CSV (source,target[,weight])".into())
            })?;
            let nodes = spec.nodes.as_ref().map(|p| resolve(base, p));
            files.edge_network(&resolve(base, edges), nodes.as_deref(), spec.directed)
        }
    }
}

/// Ring lattice: node i is linked to the k/2 nodes on each side (every degree is exactly k).
///
/// Requires n >= 1, k even and k < n (k = 0 gives isolated nodes).
pub fn ring(n: usize, k: usize) -> Result<Network> {
    Ok(Network::from_petgraph(&ring_graph(n, k, "ring")?, false))
}

fn ring_graph(n: usize, k: usize, kind: &str) -> Result<UnGraph<(), f32, u32>> {
    check_n(n)?;
    if !k.is_multiple_of(2) {
        return Err(bad(format!(
            "network.k = {k}: must be even for kind = \"{kind}\" (k/2 neighbours on each side)"
        )));
    }
    check_k_below_n(k, n, kind)?;
    check_knn_size(n, k / 2, k)?;
    let mut g = empty_graph(n, n * (k / 2));
    for d in 1..=k / 2 {
        for i in 0..n {
            link(&mut g, i, (i + d) % n);
        }
    }
    Ok(g)
}

/// G(n, p) random graph by geometric skipping (Batagelj & Brandes 2005): O(n + edges).
///
/// Requires n >= 1 and p in [0, 1].
pub fn erdos_renyi(n: usize, p: f64, rng: &mut RunRng) -> Result<Network> {
    check_n(n)?;
    if !(0.0..=1.0).contains(&p) {
        return Err(bad(format!("network.p = {p}: must be between 0 and 1")));
    }
    let pairs = n as f64 * (n as f64 - 1.0) / 2.0;
    if p * pairs > MAX_EDGES {
        return Err(bad(format!(
            "network.p = {p}: gives about {:.0} edges for n = {n}, more than {MAX_EDGES:.0}; use kind = \"complete\" or a smaller p / mean_degree",
            p * pairs
        )));
    }
    let mut g = empty_graph(n, (p * pairs * 1.05) as usize + 16);
    if p >= 1.0 {
        for v in 1..n {
            for w in 0..v {
                link(&mut g, v, w);
            }
        }
    } else if p > 0.0 {
        let lp = (1.0 - p).ln();
        let (mut v, mut w): (u64, i64) = (1, -1);
        let n64 = n as u64;
        while v < n64 {
            let r: f64 = rng.random();
            // Number of pairs skipped before the next edge; capped so the sum cannot overflow.
            let skip = ((1.0 - r).ln() / lp).floor().min(1e15) as i64;
            w += 1 + skip;
            while w >= v as i64 && v < n64 {
                w -= v as i64;
                v += 1;
            }
            if v < n64 {
                link(&mut g, v as usize, w as usize);
            }
        }
    }
    Ok(Network::from_petgraph(&g, false))
}

/// Watts–Strogatz small world: a ring lattice (degree k) whose edges are rewired with
/// probability beta.
///
/// For each offset d = 1..k/2 and each node u in order, with probability beta the edge
/// u - (u+d) is replaced by u - w with w uniform among nodes that are neither u nor
/// already linked to u (as in NetworkX; a node already linked to all others is skipped).
/// The edge count stays n k / 2. Requires k even, k < n and beta in [0, 1].
pub fn watts_strogatz(n: usize, k: usize, beta: f64, rng: &mut RunRng) -> Result<Network> {
    if !(0.0..=1.0).contains(&beta) {
        return Err(bad(format!(
            "network.beta = {beta}: must be between 0 and 1"
        )));
    }
    let mut g = ring_graph(n, k, "watts_strogatz")?;
    if beta > 0.0 {
        for d in 1..=k / 2 {
            for u in 0..n {
                if !rng.random_bool(beta) {
                    continue;
                }
                let (a, b) = (NodeIndex::new(u), NodeIndex::new((u + d) % n));
                if g.neighbors(a).count() >= n - 1 {
                    continue;
                }
                let Some(e) = g.find_edge(a, b) else { continue };
                let w = loop {
                    let w = rng.random_range(0..n);
                    if w != u && g.find_edge(a, NodeIndex::new(w)).is_none() {
                        break w;
                    }
                };
                g.remove_edge(e);
                link(&mut g, u, w);
            }
        }
    }
    Ok(Network::from_petgraph(&g, false))
}

/// Barabási–Albert preferential attachment with m edges per new node.
///
/// Seed graph: a complete graph on the first m + 1 nodes. Each later node links to m
/// distinct earlier nodes drawn with probability proportional to their degree (from the
/// list of edge endpoints). Edges: m (m + 1) / 2 + (n - m - 1) m. Requires 1 <= m < n.
pub fn barabasi_albert(n: usize, m: usize, rng: &mut RunRng) -> Result<Network> {
    check_n(n)?;
    if m == 0 {
        return Err(bad("network.m = 0: must be at least 1".into()));
    }
    if m >= n {
        return Err(bad(format!(
            "network.m = {m}: must be less than network.n = {n}"
        )));
    }
    if n as f64 * m as f64 > MAX_EDGES {
        return Err(bad(format!(
            "network.m = {m}: gives about {:.0} edges for n = {n}, more than {MAX_EDGES:.0}; use a smaller m",
            n as f64 * m as f64
        )));
    }
    // The edge list itself is the urn of preferential attachment: endpoint k of the list
    // (edge k / 2, end k % 2) is drawn uniformly, so a node is drawn in proportion to its
    // degree. The list goes straight into the compact form (a petgraph graph of 10^7 nodes
    // would triple the memory of building).
    let count = m * (m + 1) / 2 + (n - m - 1) * m;
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(count);
    for u in 0..=m {
        for v in 0..u {
            edges.push((u as u32, v as u32));
        }
    }
    let mut chosen: Vec<u32> = Vec::with_capacity(m);
    for t in m + 1..n {
        chosen.clear();
        while chosen.len() < m {
            let k = rng.random_range(0..2 * edges.len());
            let (a, b) = edges[k / 2];
            let v = if k % 2 == 0 { a } else { b };
            if !chosen.contains(&v) {
                chosen.push(v);
            }
        }
        for &v in &chosen {
            edges.push((t as u32, v));
        }
    }
    Ok(Network::from_edges(n, &edges, None, false))
}

/// Spatial network: each node linked to its k nearest nodes (undirected union); sets x, y.
///
/// Requires 1 <= k < n (with a single node, k is ignored).
pub fn spatial(x: Vec<f64>, y: Vec<f64>, k: usize) -> Result<Network> {
    let n = x.len();
    check_n(n)?;
    if n > 1 {
        if k == 0 {
            return Err(bad(
                "network.k = 0: must be at least 1 for kind = \"spatial\"".into(),
            ));
        }
        check_k_below_n(k, n, "spatial")?;
        check_knn_size(n, k, k)?;
    }
    let pairs = knn_edges(&x, &y, k);
    let mut g = empty_graph(n, pairs.len());
    for &(u, v) in &pairs {
        link(&mut g, u as usize, v as usize);
    }
    let mut net = Network::from_petgraph(&g, false);
    net.x = x;
    net.y = y;
    Ok(net)
}

/// The k nearest neighbours of every point: pairs (i, j) grouped by i in index order, each
/// group ordered by distance (ties by index). Uses a bucket grid, so it is about
/// O(n k) for points spread in the plane. k is capped at n - 1.
pub fn knn_edges(x: &[f64], y: &[f64], k: usize) -> Vec<(u32, u32)> {
    let n = x.len().min(y.len());
    let k = k.min(n.saturating_sub(1));
    let mut out = Vec::with_capacity(n * k);
    if k == 0 {
        return out;
    }
    let d2 = |i: usize, j: usize| {
        let (dx, dy) = (x[i] - x[j], y[i] - y[j]);
        dx * dx + dy * dy
    };
    // best: sorted ascending by (distance², index), at most k entries.
    let insert = |best: &mut Vec<(f64, u32)>, cand: (f64, u32)| {
        if best.len() == k {
            let last = best[k - 1];
            if (cand.0, cand.1) >= (last.0, last.1) {
                return;
            }
        }
        let pos = best.partition_point(|b| (b.0, b.1) < (cand.0, cand.1));
        best.insert(pos, cand);
        best.truncate(k);
    };
    let mut best: Vec<(f64, u32)> = Vec::with_capacity(k + 1);
    if n <= 64 {
        for i in 0..n {
            best.clear();
            for j in 0..n {
                if j != i {
                    insert(&mut best, (d2(i, j), j as u32));
                }
            }
            out.extend(best.iter().map(|&(_, j)| (i as u32, j)));
        }
        return out;
    }
    let fold = |v: &[f64]| {
        v.iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &a| {
                (lo.min(a), hi.max(a))
            })
    };
    let (x0, x1) = fold(&x[..n]);
    let (y0, y1) = fold(&y[..n]);
    let (w, h) = (x1 - x0, y1 - y0);
    // About two points per cell; never more than about 3n/2 cells, even for points on a line.
    let target = n as f64 / 2.0;
    let mut s = ((w * h) / target).sqrt().max(w.max(h) / target);
    if !(s.is_finite() && s > 0.0) {
        s = 1.0;
    }
    let gx = ((w / s) as usize + 1).max(1);
    let gy = ((h / s) as usize + 1).max(1);
    let cell_of = |i: usize| -> (usize, usize) {
        let cx = (((x[i] - x0) / s) as usize).min(gx - 1);
        let cy = (((y[i] - y0) / s) as usize).min(gy - 1);
        (cx, cy)
    };
    let mut offsets = vec![0usize; gx * gy + 1];
    for i in 0..n {
        let (cx, cy) = cell_of(i);
        offsets[cy * gx + cx + 1] += 1;
    }
    for c in 0..gx * gy {
        offsets[c + 1] += offsets[c];
    }
    let mut fill = offsets.clone();
    let mut members = vec![0u32; n];
    for i in 0..n {
        let (cx, cy) = cell_of(i);
        let c = cy * gx + cx;
        members[fill[c]] = i as u32;
        fill[c] += 1;
    }
    let max_r = gx.max(gy) as isize;
    for i in 0..n {
        best.clear();
        let (cx, cy) = cell_of(i);
        let (cx, cy) = (cx as isize, cy as isize);
        let visit = |bx: isize, by: isize, best: &mut Vec<(f64, u32)>| {
            if bx < 0 || by < 0 || bx >= gx as isize || by >= gy as isize {
                return;
            }
            let c = by as usize * gx + bx as usize;
            for &j in &members[offsets[c]..offsets[c + 1]] {
                if j as usize != i {
                    insert(best, (d2(i, j as usize), j));
                }
            }
        };
        let mut r: isize = 0;
        loop {
            if r == 0 {
                visit(cx, cy, &mut best);
            } else {
                for bx in cx - r..=cx + r {
                    visit(bx, cy - r, &mut best);
                    visit(bx, cy + r, &mut best);
                }
                for by in cy - r + 1..cy + r {
                    visit(cx - r, by, &mut best);
                    visit(cx + r, by, &mut best);
                }
            }
            // Every unvisited point is at least r * s away.
            let reach = r as f64 * s;
            if best.len() == k && best[k - 1].0 < reach * reach {
                break;
            }
            if r > max_r {
                break;
            }
            r += 1;
        }
        out.extend(best.iter().map(|&(_, j)| (i as u32, j)));
    }
    out
}

/// Administrative hierarchy (provinces -> cities -> counties); every unit is a node.
///
/// - Nodes are ordered level by level (top first); within a level, grouped by parent.
///   Names are `"{level}_{index within level}"`, e.g. `"city_12"`.
/// - Top-level units are placed uniformly in the unit square. Each unit of level l + 1
///   gets a parent of level l: when the level has at least as many units as the level
///   above, every parent gets one child and the rest are spread uniformly at random;
///   when it has fewer (allowed), a random subset of parents gets one child each.
/// - A child sits at its parent's position plus normal jitter with sd
///   0.35 / sqrt(units in the parent's level) (not clamped: units near the border may sit slightly outside the unit square).
/// - Units with the same parent (all top-level units together) are linked to their k
///   nearest siblings (all siblings if fewer), and every unit is linked to its parent.
/// - Regions: top-level units are split into equal bands by x, the first region name
///   taking the highest x (east first); every unit inherits its top ancestor's region.
///
/// Errors: no levels, a count of 0, empty or repeated level names, more regions than
/// top-level units, or more than 2^32 - 2 units in all.
pub fn hierarchy(
    levels: &[LevelSpec],
    regions: &[String],
    k: usize,
    rng: &mut RunRng,
) -> Result<Network> {
    if levels.is_empty() {
        return Err(bad(
            "network.levels is empty: kind = \"hierarchy\" needs at least one level, e.g. levels = [{name = \"province\", count = 31}]".into(),
        ));
    }
    if levels.len() > u16::MAX as usize {
        return Err(bad("network.levels: at most 65535 levels".into()));
    }
    for (l, level) in levels.iter().enumerate() {
        if level.count == 0 {
            return Err(bad(format!(
                "network.levels[{l}].count = 0 (level \"{}\"): must be at least 1",
                level.name
            )));
        }
        if level.name.trim().is_empty() {
            return Err(bad(format!(
                "network.levels[{l}].name is empty: give the level a name"
            )));
        }
        if levels[..l].iter().any(|o| o.name == level.name) {
            return Err(bad(format!(
                "network.levels[{l}].name = \"{}\": used by an earlier level, names must differ",
                level.name
            )));
        }
    }
    let total = levels
        .iter()
        .try_fold(0usize, |acc, l| acc.checked_add(l.count))
        .filter(|&t| t <= MAX_NODES)
        .ok_or_else(|| {
            bad(format!(
                "network.levels: more than {MAX_NODES} units in all"
            ))
        })?;
    if regions.len() > levels[0].count {
        return Err(bad(format!(
            "network.regions has {} names: more than the {} units of the top level \"{}\"",
            regions.len(),
            levels[0].count,
            levels[0].name
        )));
    }
    for (r, name) in regions.iter().enumerate() {
        if name.trim().is_empty() {
            return Err(bad(format!(
                "network.regions[{r}] is empty: give the region a name"
            )));
        }
        if let Some(first) = regions[..r].iter().position(|o| o == name) {
            return Err(bad(format!(
                "network.regions[{r}] = \"{name}\": the same name as network.regions[{first}]; each region needs its own name (one series per region)"
            )));
        }
    }
    if regions.len() > u16::MAX as usize {
        return Err(bad("network.regions: at most 65535 regions".into()));
    }
    let largest = levels.iter().map(|l| l.count).max().unwrap_or(1);
    check_knn_size(total, k.min(largest), k)?;
    let mut x = Vec::with_capacity(total);
    let mut y = Vec::with_capacity(total);
    let mut parent = Vec::with_capacity(total);
    let mut level = Vec::with_capacity(total);
    let mut names = Vec::with_capacity(total);
    let mut start = Vec::with_capacity(levels.len());
    for (l, spec) in levels.iter().enumerate() {
        start.push(x.len());
        if l == 0 {
            for _ in 0..spec.count {
                x.push(rng.random::<f64>());
                y.push(rng.random::<f64>());
                parent.push(NO_PARENT);
            }
        } else {
            let p_count = levels[l - 1].count;
            let p_start = start[l - 1];
            let mut assign: Vec<usize> = if spec.count >= p_count {
                let mut a: Vec<usize> = (0..p_count).collect();
                a.extend((p_count..spec.count).map(|_| rng.random_range(0..p_count)));
                a
            } else {
                // Partial Fisher-Yates: a random subset of the parents.
                let mut a: Vec<usize> = (0..p_count).collect();
                for i in 0..spec.count {
                    let j = rng.random_range(i..p_count);
                    a.swap(i, j);
                }
                a.truncate(spec.count);
                a
            };
            assign.sort_unstable();
            let sd = 0.35 / (p_count as f64).sqrt();
            let jitter = rand_distr::Normal::new(0.0, sd).expect("sd is finite and positive");
            for &a in &assign {
                let p = p_start + a;
                x.push(x[p] + jitter.sample(rng));
                y.push(y[p] + jitter.sample(rng));
                parent.push(p as u32);
            }
        }
        level.extend(std::iter::repeat_n(l as u16, spec.count));
        names.extend((0..spec.count).map(|i| format!("{}_{i}", spec.name)));
    }
    start.push(total);
    let mut g = empty_graph(total, total * (k.min(largest) + 1));
    for l in 0..levels.len() {
        // Sibling groups: contiguous runs with the same parent.
        let (lo, hi) = (start[l], start[l + 1]);
        let mut a = lo;
        while a < hi {
            let mut b = a + 1;
            while b < hi && parent[b] == parent[a] {
                b += 1;
            }
            for (i, j) in knn_edges(&x[a..b], &y[a..b], k) {
                link(&mut g, a + i as usize, a + j as usize);
            }
            a = b;
        }
    }
    for (i, &p) in parent.iter().enumerate() {
        if p != NO_PARENT {
            link(&mut g, i, p as usize);
        }
    }
    let mut net = Network::from_petgraph(&g, false);
    if !regions.is_empty() {
        let top = levels[0].count;
        let mut order: Vec<usize> = (0..top).collect();
        order.sort_by(|&a, &b| x[b].total_cmp(&x[a]).then(a.cmp(&b)));
        let mut region = vec![0u16; total];
        for (rank, &i) in order.iter().enumerate() {
            region[i] = (rank * regions.len() / top) as u16;
        }
        for i in top..total {
            region[i] = region[parent[i] as usize];
        }
        net.region = region;
        net.region_names = regions.to_vec();
    }
    net.names = Names::Listed(names);
    net.level = level;
    net.level_names = levels.iter().map(|l| l.name.clone()).collect();
    net.parent = parent;
    net.x = x;
    net.y = y;
    Ok(net)
}

#[cfg(test)]
#[path = "generators_tests.rs"]
mod tests;
