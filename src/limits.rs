//! Resource limits: refuse, before anything is built, a request whose memory would exceed
//! what the machine has, with an estimate instead of being killed by the operating system.
//!
//! The estimate is deliberately rough (it errs on the large side): the network (nodes and
//! edges, including the intermediate graph while it is built), the state of one run per
//! worker thread (about [`RUN_BYTES_PER_NODE`] bytes per government, plus its per-step
//! record), and the aggregation (`(steps + 1) x series x min(runs, 1000) x 8` bytes). The
//! available memory is `MemAvailable` from `/proc/meminfo`; where that cannot be read, no
//! limit is applied. The environment variable `POLICYSIM_MEMORY_AVAILABLE` (bytes)
//! overrides it (for tests and for machines with limits that `/proc/meminfo` does not show).

use crate::aggregate::EXACT_LIMIT;
use crate::error::{Error, Result};
use crate::network::Network;
use crate::scenario::{NetworkKind, Scenario};

/// Approximate memory of one run's state per government (traits, status, counters).
pub const RUN_BYTES_PER_NODE: u64 = 100;

/// Approximate memory of the network per node (name, CSR offsets, labels, levels, coordinates).
const NETWORK_BYTES_PER_NODE: u64 = 64;

/// Approximate memory per (undirected) edge: the graph while it is built plus both CSR directions.
const NETWORK_BYTES_PER_EDGE: u64 = 48;

/// Approximate memory per byte of an edge or node file while it is read and indexed.
const FILE_BYTES_FACTOR: u64 = 8;

/// A memory estimate of a scenario, in bytes, by part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// Number of governments (an upper bound when it depends on a file).
    pub nodes: u64,
    /// Expected number of edges (best guess).
    pub edges: u64,
    /// The network (held once; once per thread as well with `network.redraw`).
    pub network: u64,
    /// One run's state (per worker thread).
    pub per_thread: u64,
    /// Worker threads.
    pub threads: u64,
    /// The per-step statistics of every series.
    pub aggregation: u64,
    /// Everything together.
    pub total: u64,
}

/// Estimates the memory a run of `scenario` with `threads` worker threads needs.
pub fn estimate(scenario: &Scenario, threads: usize) -> Estimate {
    let net = &scenario.network;
    let n = net.n as u64;
    let (nodes, edges, file_bytes) = match net.kind {
        NetworkKind::Complete => (n, 0, 0),
        NetworkKind::Ring | NetworkKind::WattsStrogatz => {
            (n, n.saturating_mul(net.k as u64) / 2, 0)
        }
        NetworkKind::ErdosRenyi => {
            let degree = match (net.p, net.mean_degree) {
                (Some(p), _) if p.is_finite() => p.clamp(0.0, 1.0) * n.saturating_sub(1) as f64,
                (_, Some(d)) if d.is_finite() => d.max(0.0),
                _ => 0.0,
            };
            (n, (degree * n as f64 / 2.0) as u64, 0)
        }
        NetworkKind::BarabasiAlbert => (n, n.saturating_mul(net.m as u64), 0),
        NetworkKind::Spatial => {
            let file = net.nodes.as_deref().map_or(0, file_len);
            // A node row is at least "i,x,y\n".
            let nodes = if net.nodes.is_some() { file / 6 } else { n };
            (nodes, nodes.saturating_mul(net.k as u64), file)
        }
        NetworkKind::Hierarchy => {
            let nodes = net
                .levels
                .iter()
                .fold(0u64, |acc, l| acc.saturating_add(l.count as u64));
            (nodes, nodes.saturating_mul(net.k as u64 + 1), 0)
        }
        NetworkKind::File => {
            let edges_file = net.edges.as_deref().map_or(0, file_len);
            let nodes_file = net.nodes.as_deref().map_or(0, file_len);
            // A row is at least "a,b\n"; the file contents dominate anyway.
            let nodes = if nodes_file > 0 {
                nodes_file / 2
            } else {
                edges_file / 8
            };
            (nodes, edges_file / 4, edges_file.saturating_add(nodes_file))
        }
    };
    let network = nodes
        .saturating_mul(NETWORK_BYTES_PER_NODE)
        .saturating_add(edges.saturating_mul(NETWORK_BYTES_PER_EDGE))
        .saturating_add(file_bytes.saturating_mul(FILE_BYTES_FACTOR));
    let series = crate::run::series_names(&Network::default()).len() as u64
        + scenario.network.regions.len() as u64
        + scenario.network.levels.len() as u64;
    let rows = u64::from(scenario.steps) + 1;
    let record = rows.saturating_mul(series).saturating_mul(8);
    let mut per_thread = nodes
        .saturating_mul(RUN_BYTES_PER_NODE)
        .saturating_add(record);
    if scenario.network.redraw {
        per_thread = per_thread.saturating_add(network);
    }
    let kept = u64::from(scenario.runs).min(EXACT_LIMIT as u64);
    let aggregation = rows
        .saturating_mul(series)
        .saturating_mul(kept.max(1))
        .saturating_mul(8)
        .saturating_add(u64::from(scenario.runs).saturating_mul(8));
    let threads = threads.max(1) as u64;
    let total = network
        .saturating_add(per_thread.saturating_mul(threads))
        .saturating_add(aggregation);
    Estimate {
        nodes,
        edges,
        network,
        per_thread,
        threads,
        aggregation,
        total,
    }
}

fn file_len(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// Memory available to this process in bytes: `POLICYSIM_MEMORY_AVAILABLE`, else
/// `MemAvailable` of `/proc/meminfo`, else None (unknown).
pub fn available_memory() -> Option<u64> {
    if let Ok(v) = std::env::var("POLICYSIM_MEMORY_AVAILABLE") {
        if let Ok(bytes) = v.trim().parse::<u64>() {
            return Some(bytes);
        }
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&info)
}

/// `MemAvailable` (in bytes) from the text of `/proc/meminfo`.
fn parse_meminfo(info: &str) -> Option<u64> {
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut parts = line.split_whitespace().skip(1);
    let value: u64 = parts.next()?.parse().ok()?;
    let factor = match parts.next() {
        Some("kB") | None => 1024,
        Some("MB") => 1024 * 1024,
        Some(_) => return None,
    };
    value.checked_mul(factor)
}

/// Largest scenario file read (a scenario is a few kilobytes; this only stops runaway reads).
pub const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// Largest data file read: what the available memory allows, else 16 GiB.
pub fn max_data_file_bytes() -> u64 {
    available_memory().map_or(16 << 30, |a| (a / FILE_BYTES_FACTOR).max(1 << 20))
}

/// Reads a whole file, but fails with [`std::io::ErrorKind::FileTooLarge`] beyond `cap`
/// bytes (so that `/dev/zero` or a runaway pipe is refused instead of exhausting memory).
pub fn read_limited(path: &std::path::Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(cap);
    let mut bytes = Vec::with_capacity(hint as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than {}, the most policysim reads",
                format_bytes(cap)
            ),
        ));
    }
    Ok(bytes)
}

/// Human-readable size: "512 MiB", "3.2 GiB".
pub fn format_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    const GIB: f64 = MIB * 1024.0;
    let b = bytes as f64;
    if b >= 10.0 * GIB {
        format!("{:.0} GiB", b / GIB)
    } else if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else {
        format!("{:.0} MiB", (b / MIB).ceil())
    }
}

/// The number of worker threads a run will use (`--threads`, else all cores).
pub fn thread_count(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// Refuses (as bad input, exit code 2) a scenario whose estimated memory exceeds what is available.
pub fn check_memory(scenario: &Scenario, threads: usize) -> Result<()> {
    match available_memory() {
        Some(available) => check_against(scenario, threads, available),
        None => Ok(()),
    }
}

/// [`check_memory`] against a given number of available bytes.
pub fn check_against(scenario: &Scenario, threads: usize, available: u64) -> Result<()> {
    let e = estimate(scenario, threads);
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
        "{source}this scenario needs about {} of memory, {} available (network of {nodes}{edges}: {}; \
         run state: {} thread(s) x {}; per-step statistics for steps = {}: {}); \
         use a smaller network, fewer --threads or fewer steps",
        format_bytes(e.total),
        format_bytes(available),
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
    fn meminfo_is_parsed_in_bytes() {
        let info = "MemTotal:       32000000 kB\nMemAvailable:   24000000 kB\n";
        assert_eq!(parse_meminfo(info), Some(24_000_000 * 1024));
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
    }

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
