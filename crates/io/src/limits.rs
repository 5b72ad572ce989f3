//! Resource limits: refuse, before anything is built, a request whose memory would exceed
//! what the machine has, with an estimate instead of being killed by the operating system.
//!
//! The estimate errs on the large side, and `tests/memory_limit.rs` holds it above the
//! peak resident memory of `policysim run` for every network kind (and below twice it).
//! Memory peaks in one of two phases, so the estimate is the larger of the two (plus
//! [`BASE_BYTES`] for the program itself):
//!
//! - **building the network**: the generator's petgraph graph (20 bytes per edge), the
//!   edge list (8) and the CSR arrays (8; placed by a counting sort, no sorted copy) are
//!   alive together, about [`BUILD_BYTES_PER_EDGE`] bytes per edge (measured 36 for ring
//!   and Erdős–Rényi); spatial networks keep an edge list besides,
//!   [`BUILD_EXTRA_BYTES_PER_EDGE`] more; Barabási–Albert builds the CSR straight from
//!   its edge list, [`BUILD_LIST_BYTES_PER_EDGE`] (measured 17); plus
//!   [`BUILD_BYTES_PER_NODE`] per government; reading an edge file keeps the file and
//!   its seen-edge set as well ([`FILE_BUILD_BYTES_PER_EDGE`] per row, plus the file's
//!   bytes);
//! - **running**: the finished network ([`NETWORK_BYTES_PER_NODE`] per government,
//!   [`NETWORK_BYTES_PER_EDGE`] per edge), the state of one run per worker thread
//!   ([`RUN_BYTES_PER_NODE`] per government, measured 97 on `ba_million.toml` before
//!   the clock of issue 29 added 8: 79 of state — four `f32` traits, three `f32`
//!   propensities, status, variant, the clock, counters and lists — and, in the step the centre picks its pilots, the ranked candidates, 24
//!   per eligible government; plus its per-step record) and
//!   the aggregation (`(steps + 1) x series x (STAT_CELL_BYTES + 8 min(runs, 1000))`
//!   bytes: each cell of the per-step statistics has its running moments and quantile
//!   markers, about 450 bytes, besides the values it keeps);
//! - networks whose nodes have stored names (hierarchies, node and edge files) take
//!   [`NAME_BYTES_PER_NODE`] more per government in both phases; generated networks name
//!   their nodes "0", "1", ... without storing the names.
//!
//! So a run of the policy model on 10^7 Barabási–Albert governments (m = 3) with two
//! threads needs about 24 + 3 x 16 + 2 x 112 = 296 bytes per government by these figures,
//! 3.0 GB (280 and 2.8 GB before the clock); measured: a peak of 1.89 GB (`docs/model.md`, section 8b).
//!
//! Edges are the expected number for the kind (`n k / 2` for a ring, `n m` for
//! Barabási–Albert, `n k` for spatial, the rows of an edge file). An edge file without
//! a node file does not say how many governments it names before it is read, so the
//! estimate assumes the most it could name (two per row, at most one per 4 bytes), far
//! above most real files. The available memory is `MemAvailable` from `/proc/meminfo`;
//! where that cannot be read, no limit is applied. The environment variable
//! `POLICYSIM_MEMORY_AVAILABLE` (bytes) overrides it (for tests and for machines with
//! limits that `/proc/meminfo` does not show).

use crate::capped_read::max_data_file_bytes;
use crate::machine::{available_memory, format_bytes};
use policysim_model::aggregate::{EXACT_LIMIT, STAT_CELL_BYTES};
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;
use policysim_model::scenario::{NetworkKind, Scenario};

/// The program itself: code, thread stacks, allocator (a tiny run peaks at about 7 MiB).
pub const BASE_BYTES: u64 = 16 << 20;

/// One run's state per government (traits, status, counters), per worker thread.
pub const RUN_BYTES_PER_NODE: u64 = 112;

/// One run's state per government on a complete network, per worker thread: no counts
/// or signals per neighbourhood (one total for everyone), so far less than
/// [`RUN_BYTES_PER_NODE`]; measured 34 with 500,000 governments (`tests/memory_limit.rs`),
/// taken with room to spare.
pub const COMPLETE_RUN_BYTES_PER_NODE: u64 = 64;

/// The population every run shares, per government, when traits are drawn once (`agents.redraw = false`).
pub const FIXED_TRAITS_BYTES_PER_NODE: u64 = 20;

/// The finished network per government (CSR offsets, coordinates, levels).
pub const NETWORK_BYTES_PER_NODE: u64 = 24;

/// A stored node name (id, label) per government, in the network and while building it.
pub const NAME_BYTES_PER_NODE: u64 = 64;

/// The finished network per edge: both CSR directions (4 bytes each) and weights.
pub const NETWORK_BYTES_PER_EDGE: u64 = 16;

/// Building a network, per government (graph node, offsets and their fill copy, coordinates).
pub const BUILD_BYTES_PER_NODE: u64 = 48;

/// Building a generated network, per edge (petgraph graph, edge list, CSR).
pub const BUILD_BYTES_PER_EDGE: u64 = 40;

/// Building a spatial network: its own edge list besides, per edge.
pub const BUILD_EXTRA_BYTES_PER_EDGE: u64 = 8;

/// Building a Barabási–Albert network, per edge (its edge list and the CSR; no graph).
pub const BUILD_LIST_BYTES_PER_EDGE: u64 = 20;

/// Reading an edge file, per row (the seen-edge set, the graph, the arcs, the CSR).
pub const FILE_BUILD_BYTES_PER_EDGE: u64 = 112;

/// The summed network of `[network.layers]`, per arc (one direction of a pair is one
/// arc): its CSR index both ways and its weight.
pub const NETWORK_BYTES_PER_ARC: u64 = 12;

/// Combining layers, per arc: the arc list (observer, source, weight, 16 bytes) with room
/// for its growth, the deduplicated edges and weights, and the CSR built from them
/// (measured 36 on a `same_parent` layer of 13.6 million arcs).
pub const LAYER_BUILD_BYTES_PER_ARC: u64 = 44;

/// The arcs the layers of a scenario give together, and what reading their edge files
/// takes.
struct LayerArcs {
    arcs: u64,
    read_bytes: u64,
}

/// The layers' arcs: the network's own edges (both directions), an edge file's rows
/// (twice when undirected), the k nearest governments (both ways), or siblings — every
/// ordered pair under one parent, known before the network is built for a hierarchy
/// (count of a level squared over the count of the level above); for parents read from
/// a node file it is not (the layer's own limit, 500 million arcs, then applies).
fn layer_arcs(scenario: &Scenario, nodes: u64, edges: u64) -> LayerArcs {
    use policysim_model::scenario::LayerSource;
    let net = &scenario.network;
    let mut out = LayerArcs {
        arcs: 0,
        read_bytes: 0,
    };
    for layer in net.layers.values() {
        let arcs = match layer.from {
            // a spatial network's estimate counts n k edges, but about half of the k
            // nearest are mutual: some 3/4 n k distinct pairs, two arcs each
            LayerSource::Network if net.kind == NetworkKind::Spatial => edges.saturating_mul(3) / 2,
            LayerSource::Network => edges.saturating_mul(2),
            LayerSource::File => {
                let Some(path) = layer.edges.as_ref() else {
                    continue;
                };
                let path = if path.is_absolute() {
                    path.clone()
                } else {
                    scenario.base_dir.join(path)
                };
                let rows = rows(&path);
                out.read_bytes = out.read_bytes.saturating_add(
                    file_len(&path).saturating_add(rows.saturating_mul(FILE_BUILD_BYTES_PER_EDGE)),
                );
                if layer.directed {
                    rows
                } else {
                    rows.saturating_mul(2)
                }
            }
            LayerSource::SameParent if net.kind == NetworkKind::Hierarchy => net
                .levels
                .windows(2)
                .map(|w| {
                    let (above, count) = (w[0].count.max(1) as u64, w[1].count as u64);
                    count.saturating_mul(count) / above
                })
                .fold(0u64, u64::saturating_add),
            LayerSource::SameParent => 0,
            // k nearest per government, made mutual and deduplicated: between n k and
            // 2 n k arcs, about n k when half the pairs are mutual
            LayerSource::Distance => nodes.saturating_mul(layer.k as u64),
        };
        out.arcs = out.arcs.saturating_add(arcs);
    }
    out
}

/// One recorded event (`policysim run --record events`), with room for the doubling of
/// the list it grows in (an event is 32 bytes).
pub const EVENT_BYTES: u64 = 64;

/// The most events one run can record: each government adopts once, unless it can
/// abandon (`abandon.rate` > 0 or pilots wound up), then at most one event per step.
pub fn events_per_run(scenario: &Scenario) -> u64 {
    let n = scenario.network.n as u64;
    let abandons = scenario.model == policysim_model::scenario::ModelKind::Policy
        && (scenario.abandon.rate > 0.0
            || (scenario.central.mode == policysim_model::scenario::CentralMode::Pilot
                && scenario.central.pilot.wind_up));
    if abandons {
        n.saturating_mul(u64::from(scenario.steps) + 1)
    } else {
        n
    }
}

/// Memory the event histories take on top of [`estimate`] when they are recorded: the
/// runs in flight (two batches, [`policysim_model::ensemble::batch_size`]) each hold at
/// most [`events_per_run`] events of [`EVENT_BYTES`]; the events are written to
/// `events.csv` as each run is folded, so this does not grow with the number of runs.
pub fn events_bytes(scenario: &Scenario, threads: usize) -> u64 {
    let in_flight = 2 * policysim_model::ensemble::batch_size(threads.max(1));
    in_flight
        .saturating_mul(events_per_run(scenario))
        .saturating_mul(EVENT_BYTES)
}

/// [`check_memory`] for a run that records every run's events ([`events_bytes`] more).
pub fn check_memory_with_events(scenario: &Scenario, threads: usize) -> Result<()> {
    let Some(available) = available_memory() else {
        return Ok(());
    };
    check_holding_against(scenario, threads, 0, available)?;
    let need = estimate(scenario, threads)
        .total
        .saturating_add(events_bytes(scenario, threads));
    if need > available {
        return Err(Error::Input(format!(
            "--record events: this scenario with every run's events needs about {} of memory, {} available ({} for the events of the runs in flight); use fewer --threads, fewer steps or a smaller network",
            format_bytes(need),
            format_bytes(available),
            format_bytes(events_bytes(scenario, threads)),
        )));
    }
    Ok(())
}

/// A memory estimate of a scenario, in bytes, by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Number of governments (an upper bound when it depends on a file).
    pub nodes: u64,
    /// Expected number of edges (best guess).
    pub edges: u64,
    /// Building the network (once; in every worker thread as well with `network.redraw`).
    pub build: u64,
    /// The finished network and the population runs share with `agents.redraw = false` (held once; once per thread as well with `network.redraw`).
    pub network: u64,
    /// One run's state (per worker thread).
    pub per_thread: u64,
    /// Worker threads.
    pub threads: u64,
    /// The per-step statistics of every series.
    pub aggregation: u64,
    /// Everything together: the larger of building and running, plus [`BASE_BYTES`].
    pub total: u64,
}

/// Estimates the memory a run of `scenario` with `threads` worker threads needs.
pub fn estimate(scenario: &Scenario, threads: usize) -> Estimate {
    estimate_holding(scenario, threads, 0)
}

/// [`estimate`] for a caller that holds `held` more copies of the network meanwhile
/// (`policysim fit` keeps the scenario's network besides the one each evaluation uses).
pub fn estimate_holding(scenario: &Scenario, threads: usize, held: u64) -> Estimate {
    let net = &scenario.network;
    let n = net.n as u64;
    let (nodes, edges, per_edge, file_bytes) = match net.kind {
        NetworkKind::Complete => (n, 0, 0, 0),
        NetworkKind::Ring | NetworkKind::WattsStrogatz => (
            n,
            n.saturating_mul(net.k as u64) / 2,
            BUILD_BYTES_PER_EDGE,
            0,
        ),
        NetworkKind::ErdosRenyi => {
            let degree = match (net.p, net.mean_degree) {
                (Some(p), _) if p.is_finite() => p.clamp(0.0, 1.0) * n.saturating_sub(1) as f64,
                (_, Some(d)) if d.is_finite() => d.max(0.0),
                _ => 0.0,
            };
            (n, (degree * n as f64 / 2.0) as u64, BUILD_BYTES_PER_EDGE, 0)
        }
        NetworkKind::BarabasiAlbert => (
            n,
            n.saturating_mul(net.m as u64),
            BUILD_LIST_BYTES_PER_EDGE,
            0,
        ),
        NetworkKind::Spatial => {
            let file = net.nodes.as_deref().map_or(0, file_len);
            let nodes = match net.nodes.as_deref() {
                Some(path) => rows(path),
                None => n,
            };
            (
                nodes,
                nodes.saturating_mul(net.k as u64),
                BUILD_BYTES_PER_EDGE + BUILD_EXTRA_BYTES_PER_EDGE,
                file,
            )
        }
        NetworkKind::Hierarchy => {
            let nodes = net
                .levels
                .iter()
                .fold(0u64, |acc, l| acc.saturating_add(l.count as u64));
            (
                nodes,
                nodes.saturating_mul(net.k as u64 + 1),
                BUILD_BYTES_PER_EDGE,
                0,
            )
        }
        NetworkKind::File => {
            let edges_file = net.edges.as_deref().map_or(0, file_len);
            let nodes_file = net.nodes.as_deref().map_or(0, file_len);
            let edges = net.edges.as_deref().map_or(0, rows);
            let nodes = match net.nodes.as_deref() {
                Some(path) => rows(path),
                // two new names per row at most, and a name with its separator takes
                // at least two bytes
                None => edges.saturating_mul(2).min(edges_file / 4),
            };
            (
                nodes,
                edges,
                FILE_BUILD_BYTES_PER_EDGE,
                edges_file.saturating_add(nodes_file),
            )
        }
    };
    let named = match net.kind {
        NetworkKind::Hierarchy | NetworkKind::File => true,
        NetworkKind::Spatial => net.nodes.is_some(),
        _ => false,
    };
    let names = if named {
        nodes.saturating_mul(NAME_BYTES_PER_NODE)
    } else {
        0
    };
    let fixed_traits = if scenario.agents.redraw {
        0
    } else {
        nodes.saturating_mul(FIXED_TRAITS_BYTES_PER_NODE)
    };
    let mut network = nodes
        .saturating_mul(NETWORK_BYTES_PER_NODE)
        .saturating_add(names)
        .saturating_add(fixed_traits)
        .saturating_add(edges.saturating_mul(NETWORK_BYTES_PER_EDGE));
    let mut build = nodes
        .saturating_mul(BUILD_BYTES_PER_NODE)
        .saturating_add(names)
        .saturating_add(edges.saturating_mul(per_edge))
        .saturating_add(file_bytes);
    if !net.layers.is_empty() {
        // the layers are summed over the finished network (held meanwhile) and replace
        // its edges: every arc of every layer while they are combined, then the summed
        // network with at most that many arcs
        let layers = layer_arcs(scenario, nodes, edges);
        let combined = nodes
            .saturating_mul(NETWORK_BYTES_PER_NODE)
            .saturating_add(names)
            .saturating_add(fixed_traits)
            .saturating_add(layers.arcs.saturating_mul(NETWORK_BYTES_PER_ARC));
        build = build.max(
            network
                .saturating_add(layers.read_bytes)
                .saturating_add(layers.arcs.saturating_mul(LAYER_BUILD_BYTES_PER_ARC)),
        );
        network = combined;
    }
    let series = policysim_model::run::series_names(&Network::default()).len() as u64
        + scenario.network.regions.len() as u64
        + scenario.network.levels.len() as u64;
    let rows = u64::from(scenario.steps) + 1;
    let record = rows.saturating_mul(series).saturating_mul(8);
    let mut per_thread = nodes
        .saturating_mul(if net.kind == NetworkKind::Complete {
            COMPLETE_RUN_BYTES_PER_NODE
        } else {
            RUN_BYTES_PER_NODE
        })
        .saturating_add(record);
    if scenario.network.redraw {
        per_thread = per_thread.saturating_add(network.max(build));
    }
    let kept = u64::from(scenario.runs).min(EXACT_LIMIT as u64);
    // each cell of the per-step statistics: its own fixed size, plus 8 bytes for each
    // value kept for the exact quantiles
    let aggregation = rows
        .saturating_mul(series)
        .saturating_mul(
            kept.max(1)
                .saturating_mul(8)
                .saturating_add(STAT_CELL_BYTES),
        )
        .saturating_add(u64::from(scenario.runs).saturating_mul(8));
    let threads = threads.max(1) as u64;
    let others = network.saturating_mul(held);
    let running = network
        .saturating_add(others)
        .saturating_add(per_thread.saturating_mul(threads))
        .saturating_add(aggregation);
    let total = BASE_BYTES.saturating_add(running.max(build.saturating_add(others)));
    Estimate {
        nodes,
        edges,
        build,
        network,
        per_thread,
        threads,
        aggregation,
        total,
    }
}

/// Data rows of a file (its lines, less the header), counted without keeping it.
///
/// Only a regular file, and no more of it than [`max_data_file_bytes`] (what policysim
/// reads at most): a device such as `/dev/zero` counts 0, and its reader refuses it.
fn rows(path: &std::path::Path) -> u64 {
    use std::io::Read;
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return 0;
    }
    let Ok(file) = crate::open_file::open_without_blocking(path) else {
        return 0;
    };
    let mut file = file.take(max_data_file_bytes());
    let mut buffer = vec![0u8; 1 << 20];
    let (mut lines, mut last) = (0u64, b'\n');
    while let Ok(k) = file.read(&mut buffer) {
        if k == 0 {
            break;
        }
        lines += buffer[..k].iter().filter(|&&b| b == b'\n').count() as u64;
        last = buffer[k - 1];
    }
    if last != b'\n' {
        lines += 1; // a last line without its newline
    }
    lines.saturating_sub(1)
}

fn file_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Refuses (as bad input, exit code 2) a scenario whose estimated memory exceeds what is available.
pub fn check_memory(scenario: &Scenario, threads: usize) -> Result<()> {
    check_memory_holding(scenario, threads, 0)
}

/// [`check_memory`] for a caller that holds `held` more copies of the network (see
/// [`estimate_holding`]).
pub fn check_memory_holding(scenario: &Scenario, threads: usize, held: u64) -> Result<()> {
    match available_memory() {
        Some(available) => check_holding_against(scenario, threads, held, available),
        None => Ok(()),
    }
}

/// [`check_memory`] against a given number of available bytes.
pub fn check_against(scenario: &Scenario, threads: usize, available: u64) -> Result<()> {
    check_holding_against(scenario, threads, 0, available)
}

fn check_holding_against(
    scenario: &Scenario,
    threads: usize,
    held: u64,
    available: u64,
) -> Result<()> {
    let e = estimate_holding(scenario, threads, held);
    if e.total <= available {
        return Ok(());
    }
    let source = scenario
        .source
        .as_ref()
        .map_or(String::new(), |p| format!("{}: ", p.display()));
    let nodes = if scenario.network.kind == NetworkKind::File {
        format!("up to {} governments", e.nodes)
    } else {
        format!("{} governments", e.nodes)
    };
    let edges = if e.edges > 0 {
        format!(" and about {} edges", e.edges)
    } else {
        String::new()
    };
    Err(Error::Input(format!(
        "{source}this scenario needs about {} of memory, {} available (network of {nodes}{edges}: {} to build, {} built; \
         run state: {} thread(s) x {}; per-step statistics for steps = {}: {}); \
         use a smaller network, fewer --threads or fewer steps",
        format_bytes(e.total),
        format_bytes(available),
        format_bytes(e.build),
        format_bytes(e.network),
        e.threads,
        format_bytes(e.per_thread),
        scenario.steps,
        format_bytes(e.aggregation),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_networks_are_refused_small_ones_pass() {
        let mut s = Scenario::default();
        check_against(&s, 4, 1 << 30).unwrap();
        s.network.n = 100_000_000;
        s.network.kind = NetworkKind::BarabasiAlbert;
        let e = check_against(&s, 2, 23 << 30).unwrap_err().to_string();
        assert!(
            e.contains("needs about") && e.contains("23 GiB available"),
            "{e}"
        );
        let s = Scenario {
            steps: u32::MAX,
            ..Scenario::default()
        };
        assert!(check_against(&s, 1, 1 << 40).is_err());
    }
}
