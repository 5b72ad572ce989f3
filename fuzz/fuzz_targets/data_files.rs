//! Fuzz the edge-list, node-file and initial-adopters readers with arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use policysim::network::{read_edge_file, read_node_file, Network};

fuzz_target!(|data: &[u8]| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data.csv");
    std::fs::write(&path, data).unwrap();
    let _ = read_node_file(&path, "network.nodes");
    let _ = read_edge_file(&path, None, false);
    let _ = read_edge_file(&path, None, true);
    let net = Network::complete(3);
    let _ = policysim::initial::read_initial_file(&path, &net);
});
