//! Tests of `generators.rs`.

use super::*;
use crate::network::NoDataFiles;
use crate::rng::network_rng;

fn scenario(kind: NetworkKind) -> Scenario {
    let mut s = Scenario::default();
    s.network.kind = kind;
    s
}

fn input_message(r: Result<Network>) -> String {
    match r {
        Err(Error::Input(m)) => m,
        Err(e) => panic!("expected an input error, got {e}"),
        Ok(_) => panic!("expected an input error, got a network"),
    }
}

fn degrees(net: &Network) -> Vec<usize> {
    (0..net.n).map(|i| net.in_degree(i)).collect()
}

#[test]
fn ring_degrees_are_exactly_k() {
    for (n, k) in [(10, 2), (10, 4), (7, 6), (1000, 10)] {
        let net = ring(n, k).unwrap();
        assert!(degrees(&net).iter().all(|&d| d == k), "n={n} k={k}");
        assert_eq!(net.edge_count(), n * k / 2);
    }
    let net = ring(10, 4).unwrap();
    assert_eq!(net.sources(0), &[1, 2, 8, 9]);
}

#[test]
fn ring_rejects_odd_or_too_large_k() {
    assert!(input_message(ring(10, 3)).contains("network.k = 3"));
    assert!(input_message(ring(4, 4)).contains("less than"));
    assert!(input_message(ring(0, 2)).contains("network.n = 0"));
}

#[test]
fn erdos_renyi_mean_degree_within_three_standard_errors() {
    let n = 20_000usize;
    for (seed, c) in [(1u64, 5.0f64), (2, 12.0)] {
        let mut s = scenario(NetworkKind::ErdosRenyi);
        s.network.n = n;
        s.network.mean_degree = Some(c);
        let net = build_network(&s, &mut network_rng(seed), &NoDataFiles).unwrap();
        let pairs = n as f64 * (n as f64 - 1.0) / 2.0;
        let p = c / (n as f64 - 1.0);
        let se = 2.0 * (pairs * p * (1.0 - p)).sqrt() / n as f64;
        let mean = 2.0 * net.edge_count() as f64 / n as f64;
        assert!(
            (mean - c).abs() < 3.0 * se,
            "mean {mean} target {c} se {se}"
        );
        // Degrees are Poisson-like: variance close to the mean.
        let var = degrees(&net)
            .iter()
            .map(|&d| (d as f64 - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        assert!((var / c - 1.0).abs() < 0.1, "variance {var} vs {c}");
    }
}

#[test]
fn erdos_renyi_extremes_and_errors() {
    let mut rng = network_rng(3);
    assert_eq!(erdos_renyi(50, 0.0, &mut rng).unwrap().edge_count(), 0);
    assert_eq!(
        erdos_renyi(50, 1.0, &mut rng).unwrap().edge_count(),
        50 * 49 / 2
    );
    assert!(input_message(erdos_renyi(50, 1.5, &mut rng)).contains("network.p = 1.5"));
    let mut s = scenario(NetworkKind::ErdosRenyi);
    assert!(input_message(build_network(&s, &mut rng, &NoDataFiles)).contains("exactly one"));
    s.network.p = Some(0.1);
    s.network.mean_degree = Some(3.0);
    assert!(input_message(build_network(&s, &mut rng, &NoDataFiles)).contains("exactly one"));
    s.network.p = None;
    s.network.mean_degree = Some(500.0);
    assert!(input_message(build_network(&s, &mut rng, &NoDataFiles))
        .contains("network.mean_degree = 500"));
}

#[test]
fn watts_strogatz_beta_zero_is_the_ring_and_beta_one_keeps_edges() {
    let mut rng = network_rng(4);
    let ws = watts_strogatz(200, 6, 0.0, &mut rng).unwrap();
    let lattice = ring(200, 6).unwrap();
    assert_eq!(ws.source_offsets, lattice.source_offsets);
    assert_eq!(ws.source_ids, lattice.source_ids);
    let ws = watts_strogatz(200, 6, 1.0, &mut rng).unwrap();
    assert_eq!(ws.edge_count(), 600);
    assert_ne!(ws.source_ids, lattice.source_ids);
    // No self-loops (from_edges would hide duplicates, so check the count above).
    for i in 0..ws.n {
        assert!(!ws.sources(i).contains(&(i as u32)));
    }
    assert!(input_message(watts_strogatz(20, 4, 1.2, &mut rng)).contains("network.beta"));
}

#[test]
fn barabasi_albert_edge_count_and_heavy_tail() {
    let (n, m) = (20_000, 3);
    let net = barabasi_albert(n, m, &mut network_rng(5)).unwrap();
    assert_eq!(net.edge_count(), m * (m + 1) / 2 + (n - m - 1) * m);
    let d = degrees(&net);
    assert!(d.iter().all(|&x| x >= m));
    let max = *d.iter().max().unwrap();
    // Mean degree ~6; an ER graph of that density would have a maximum near 17.
    assert!(max > 100, "max degree {max}");
    let mut rng = network_rng(5);
    assert!(input_message(barabasi_albert(10, 0, &mut rng)).contains("network.m = 0"));
    assert!(input_message(barabasi_albert(3, 3, &mut rng)).contains("network.m = 3"));
    assert_eq!(barabasi_albert(4, 3, &mut rng).unwrap().edge_count(), 6);
}

#[test]
fn knn_matches_brute_force() {
    let mut rng = network_rng(6);
    let n = 500;
    let x: Vec<f64> = (0..n).map(|_| rng.random::<f64>()).collect();
    // Stretched and shifted coordinates exercise the bounding box.
    let y: Vec<f64> = (0..n).map(|_| 3.0 + 0.2 * rng.random::<f64>()).collect();
    for k in [1, 5, 12] {
        let pairs = knn_edges(&x, &y, k);
        assert_eq!(pairs.len(), n * k);
        for i in 0..n {
            let mut all: Vec<(f64, u32)> = (0..n)
                .filter(|&j| j != i)
                .map(|j| ((x[i] - x[j]).powi(2) + (y[i] - y[j]).powi(2), j as u32))
                .collect();
            all.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            let got: Vec<u32> = pairs[i * k..(i + 1) * k].iter().map(|p| p.1).collect();
            let want: Vec<u32> = all[..k].iter().map(|p| p.1).collect();
            assert!(pairs[i * k..(i + 1) * k].iter().all(|p| p.0 == i as u32));
            assert_eq!(got, want, "node {i} k {k}");
        }
    }
    // Degenerate layouts: all on a line, all at one point.
    let line: Vec<f64> = (0..200).map(|i| i as f64).collect();
    let zeros = vec![0.0; 200];
    let pairs = knn_edges(&line, &zeros, 2);
    assert_eq!(&pairs[..2], &[(0, 1), (0, 2)]);
    assert_eq!(&pairs[20..22], &[(10, 9), (10, 11)]);
    assert_eq!(knn_edges(&zeros, &zeros, 3).len(), 600);
}

#[test]
fn spatial_links_k_nearest_and_sets_coordinates() {
    let mut s = scenario(NetworkKind::Spatial);
    s.network.n = 2000;
    s.network.k = 4;
    let net = build_network(&s, &mut network_rng(7), &NoDataFiles).unwrap();
    assert!(net.has_coordinates());
    assert!(degrees(&net).iter().all(|&d| d >= 4));
    let pairs = knn_edges(&net.x, &net.y, 4);
    for (i, j) in pairs {
        assert!(net.sources(i as usize).contains(&j));
    }
    s.network.k = 2000;
    assert!(
        input_message(build_network(&s, &mut network_rng(7), &NoDataFiles))
            .contains("network.k = 2000")
    );
}

fn levels() -> Vec<LevelSpec> {
    [("province", 31), ("city", 330), ("county", 2850)]
        .iter()
        .map(|&(name, count)| LevelSpec {
            name: name.into(),
            count,
        })
        .collect()
}

#[test]
fn hierarchy_levels_parents_links_and_regions() {
    let mut s = scenario(NetworkKind::Hierarchy);
    s.network.levels = levels();
    s.network.regions = vec!["east".into(), "central".into(), "west".into()];
    s.network.k = 3;
    let net = build_network(&s, &mut network_rng(8), &NoDataFiles).unwrap();
    assert_eq!(net.n, 31 + 330 + 2850);
    assert_eq!(net.level_names, ["province", "city", "county"]);
    for (l, count) in [31, 330, 2850].iter().enumerate() {
        assert_eq!(
            net.level.iter().filter(|&&v| v as usize == l).count(),
            *count
        );
    }
    let mut children = vec![0usize; net.n];
    for i in 0..net.n {
        let p = net.parent[i];
        if net.level[i] == 0 {
            assert_eq!(p, NO_PARENT);
            continue;
        }
        let p = p as usize;
        assert_eq!(net.level[p] + 1, net.level[i], "node {i}");
        assert!(
            net.sources(i).contains(&(p as u32)),
            "node {i} not linked to parent"
        );
        assert_eq!(net.region[i], net.region[p]);
        children[p] += 1;
    }
    // Every province and every city has at least one child.
    assert!((0..361).all(|p| children[p] >= 1));
    // Siblings: every unit is linked to min(k, siblings) others with the same parent.
    for i in 0..net.n {
        let siblings = (0..net.n)
            .filter(|&j| j != i && net.parent[j] == net.parent[i] && net.level[j] == net.level[i])
            .count();
        let linked = net
            .sources(i)
            .iter()
            .filter(|&&j| {
                net.parent[j as usize] == net.parent[i] && net.level[j as usize] == net.level[i]
            })
            .count();
        assert!(linked >= siblings.min(3), "node {i}");
    }
    // Regions: all three present; east has the highest x among provinces.
    assert_eq!(net.region_names, ["east", "central", "west"]);
    for r in 0..3u16 {
        assert!(net.region[..31].contains(&r));
    }
    let min_east = (0..31)
        .filter(|&i| net.region[i] == 0)
        .map(|i| net.x[i])
        .fold(f64::INFINITY, f64::min);
    let max_west = (0..31)
        .filter(|&i| net.region[i] == 2)
        .map(|i| net.x[i])
        .fold(f64::NEG_INFINITY, f64::max);
    assert!(min_east > max_west);
    assert_eq!(net.names.name(31), "city_0");
}

#[test]
fn hierarchy_with_fewer_children_than_parents_and_errors() {
    let lv = vec![
        LevelSpec {
            name: "a".into(),
            count: 10,
        },
        LevelSpec {
            name: "b".into(),
            count: 4,
        },
    ];
    let net = hierarchy(&lv, &[], 2, &mut network_rng(9)).unwrap();
    let mut parents: Vec<u32> = net.parent[10..].to_vec();
    parents.dedup();
    assert_eq!(parents.len(), 4);
    assert!(net.region.is_empty());
    let mut rng = network_rng(9);
    assert!(input_message(hierarchy(&[], &[], 2, &mut rng)).contains("network.levels is empty"));
    let zero = vec![LevelSpec {
        name: "a".into(),
        count: 0,
    }];
    assert!(input_message(hierarchy(&zero, &[], 2, &mut rng)).contains("count = 0"));
    let regions: Vec<String> = (0..11).map(|i| i.to_string()).collect();
    assert!(input_message(hierarchy(&lv, &regions, 2, &mut rng)).contains("network.regions"));
    let big = vec![LevelSpec {
        name: "a".into(),
        count: 1_000_000,
    }];
    assert!(input_message(hierarchy(&big, &[], 999_999, &mut rng)).contains("network.k"));
}

#[test]
fn same_seed_gives_the_same_network() {
    for kind in [
        NetworkKind::ErdosRenyi,
        NetworkKind::WattsStrogatz,
        NetworkKind::BarabasiAlbert,
        NetworkKind::Spatial,
        NetworkKind::Hierarchy,
    ] {
        let mut s = scenario(kind);
        s.network.n = 500;
        s.network.mean_degree = Some(4.0);
        s.network.levels = levels();
        s.network.regions = vec!["east".into(), "west".into()];
        let a = build_network(&s, &mut network_rng(10), &NoDataFiles).unwrap();
        let b = build_network(&s, &mut network_rng(10), &NoDataFiles).unwrap();
        let c = build_network(&s, &mut network_rng(11), &NoDataFiles).unwrap();
        assert_eq!(a.source_offsets, b.source_offsets, "{kind:?}");
        assert_eq!(a.source_ids, b.source_ids, "{kind:?}");
        assert_eq!(a.x, b.x, "{kind:?}");
        assert_eq!(a.region, b.region, "{kind:?}");
        assert_ne!(a.source_ids, c.source_ids, "{kind:?}");
    }
}

#[test]
fn generated_kinds_reject_directed_and_files() {
    let mut s = scenario(NetworkKind::Ring);
    s.network.directed = true;
    assert!(
        input_message(build_network(&s, &mut network_rng(1), &NoDataFiles))
            .contains("network.directed")
    );
    let mut s = scenario(NetworkKind::Complete);
    s.network.n = 0;
    assert!(
        input_message(build_network(&s, &mut network_rng(1), &NoDataFiles))
            .contains("network.n = 0")
    );
}

/// Scale check: `cargo test --lib -- --ignored big_generators --nocapture`.
#[test]
#[ignore]
fn big_generators() {
    let t = std::time::Instant::now();
    let net = barabasi_albert(1_000_000, 3, &mut network_rng(1)).unwrap();
    assert_eq!(net.edge_count(), 6 + (1_000_000 - 4) * 3);
    eprintln!("BA 1e6 m=3: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let net = erdos_renyi(1_000_000, 10.0 / 999_999.0, &mut network_rng(2)).unwrap();
    assert!((net.edge_count() as f64 - 5e6).abs() < 2e4);
    eprintln!("ER 1e6 mean degree 10: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let mut s = scenario(NetworkKind::Spatial);
    s.network.n = 100_000;
    s.network.k = 8;
    let net = build_network(&s, &mut network_rng(3), &NoDataFiles).unwrap();
    assert!(net.edge_count() >= 400_000);
    eprintln!("spatial 1e5 k=8: {:?}", t.elapsed());
}
