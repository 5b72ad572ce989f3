//! Layers of influence (MODEL.md section 4d): several named sets of weighted edges over
//! the same governments — the network's own edges, an imported edge list (such as a
//! network inferred by NetInf), siblings under the same parent, distance decay — whose
//! weighted sum w_ij = sum over layers of weight_l * w^l_ij becomes the network the run
//! uses. The network's nodes (names, levels, parents, regions, coordinates, columns)
//! stay those of `[network]`.

use super::{knn_edges, DataFiles, Network, NO_PARENT};
use crate::error::{Error, Result};
use crate::scenario::{LayerSource, LayerSpec};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The most arcs the layers may give together (as the generators' edge limit).
const MAX_ARCS: usize = 500_000_000;

/// The network whose edges are the weighted sum of the `layers` over `base`'s governments.
///
/// # Arguments
/// * `base` — the network `[network]` describes (its nodes are kept).
/// * `layers` — the layers by name (the order of the sum is the names' order).
/// * `base_dir` — the folder relative `edges` paths are read against.
/// * `files` — reads the layers' edge lists.
///
/// # Returns
/// A directed network (every arc explicit) with weights; an arc present in several
/// layers carries the sum of their contributions; a layer of weight 0 adds nothing.
///
/// # Errors
/// A layer that needs what the network lacks (edges of a complete network, parents,
/// coordinates), or an edge list naming an id the network does not have.
///
/// # Complexity
/// O(A log A) time and O(A) memory for A arcs over all layers (a `same_parent` layer has
/// the sum over groups of size² arcs).
pub fn combine_layers(
    base: Network,
    layers: &BTreeMap<String, LayerSpec>,
    base_dir: &Path,
    files: &dyn DataFiles,
) -> Result<Network> {
    let n = base.n;
    // (observer, source, weight)
    let mut arcs: Vec<(u32, u32, f64)> = Vec::new();
    for (name, layer) in layers {
        let key = |k: &str| format!("network.layers.{name}.{k}");
        let start = arcs.len();
        match layer.from {
            LayerSource::Network => {
                if base.complete {
                    return Err(Error::Input(format!(
                        "key `{}`: \"network\" takes the edges of [network], but a complete network has no edge list (everyone observes everyone); use another kind, or a layer from = \"file\"",
                        key("from")
                    )));
                }
                for i in 0..n {
                    let ws = base.source_weights(i);
                    for (k, &j) in base.sources(i).iter().enumerate() {
                        let w = ws.get(k).map_or(1.0, |&w| f64::from(w));
                        arcs.push((i as u32, j, w));
                    }
                }
            }
            LayerSource::File => {
                let path = layer.edges.as_ref().map(|p| {
                    if p.is_absolute() {
                        p.clone()
                    } else {
                        base_dir.join(p)
                    }
                });
                let Some(path) = path else {
                    return Err(Error::Input(format!(
                        "key `{}`: is required when from = \"file\"",
                        key("edges")
                    )));
                };
                let net = files.edge_network(&path, None, layer.directed)?;
                let index = names_index(&base);
                let mut to_base = Vec::with_capacity(net.n);
                for id in net.names.iter() {
                    match index.get(id.as_ref()) {
                        Some(&i) => to_base.push(i),
                        None => {
                            return Err(Error::input_in(
                                &path,
                                format!(
                                    "id \"{id}\" (layer `{name}`) is not a government of the network; a layer's edges must join the network's ids"
                                ),
                            ))
                        }
                    }
                }
                for i in 0..net.n {
                    let ws = net.source_weights(i);
                    for (k, &j) in net.sources(i).iter().enumerate() {
                        let w = ws.get(k).map_or(1.0, |&w| f64::from(w));
                        arcs.push((to_base[i], to_base[j as usize], w));
                    }
                }
            }
            LayerSource::SameParent => {
                if base.parent.is_empty() {
                    return Err(Error::Input(format!(
                        "key `{}`: \"same_parent\" needs parents (a hierarchy network, or a node file with a parent column)",
                        key("from")
                    )));
                }
                let mut groups: BTreeMap<(u32, u16), Vec<u32>> = BTreeMap::new();
                for i in 0..n {
                    if base.parent[i] != NO_PARENT {
                        let level = base.level.get(i).copied().unwrap_or(0);
                        groups
                            .entry((base.parent[i], level))
                            .or_default()
                            .push(i as u32);
                    }
                }
                let total: usize = groups.values().map(|g| g.len() * g.len()).sum();
                if total > MAX_ARCS {
                    return Err(Error::Input(format!(
                        "key `{}`: \"same_parent\" gives about {total} links, more than {MAX_ARCS}",
                        key("from")
                    )));
                }
                for members in groups.values() {
                    for &i in members {
                        for &j in members {
                            if i != j {
                                arcs.push((i, j, 1.0));
                            }
                        }
                    }
                }
            }
            LayerSource::Distance => {
                if base.x.is_empty() {
                    return Err(Error::Input(format!(
                        "key `{}`: \"distance\" needs coordinates (a spatial or hierarchy network, or a node file with x and y columns)",
                        key("from")
                    )));
                }
                if (n as f64) * (layer.k as f64) * 2.0 > MAX_ARCS as f64 {
                    return Err(Error::Input(format!(
                        "key `{}`: {} nearest of {n} governments gives more than {MAX_ARCS} links",
                        key("k"),
                        layer.k
                    )));
                }
                let (x, y) = (&base.x, &base.y);
                let mut pairs: Vec<(u32, u32)> = knn_edges(x, y, layer.k)
                    .into_iter()
                    .flat_map(|(i, j)| [(i, j), (j, i)])
                    .collect();
                // a pair that are each other's nearest is one edge, not two
                pairs.sort_unstable();
                pairs.dedup();
                for (i, j) in pairs {
                    let d = (x[i as usize] - x[j as usize]).hypot(y[i as usize] - y[j as usize]);
                    let w = if layer.scale > 0.0 {
                        (-d / layer.scale).exp()
                    } else {
                        1.0
                    };
                    arcs.push((i, j, w));
                }
            }
        }
        for arc in &mut arcs[start..] {
            arc.2 *= layer.weight;
        }
        if arcs.len() > MAX_ARCS {
            return Err(Error::Input(format!(
                "key `network.layers`: the layers give more than {MAX_ARCS} links together"
            )));
        }
    }
    // one arc per (observer, source), carrying the sum over layers (self-loops dropped)
    arcs.retain(|a| a.0 != a.1);
    arcs.sort_unstable_by_key(|a| (a.0, a.1));
    let mut edges: Vec<(u32, u32)> = Vec::with_capacity(arcs.len());
    let mut weights: Vec<f32> = Vec::with_capacity(arcs.len());
    for (k, &(i, j, w)) in arcs.iter().enumerate() {
        if k > 0 && arcs[k - 1].0 == i && arcs[k - 1].1 == j {
            let last = weights.len() - 1;
            weights[last] = (f64::from(weights[last]) + w) as f32;
        } else {
            // directed: j -> i means i observes j
            edges.push((j, i));
            weights.push(w as f32);
        }
    }
    let mut net = Network::from_edges(n, &edges, Some(&weights), true);
    net.names = base.names;
    net.level = base.level;
    net.level_names = base.level_names;
    net.parent = base.parent;
    net.region = base.region;
    net.region_names = base.region_names;
    net.x = base.x;
    net.y = base.y;
    net.columns = base.columns;
    net.labels = base.labels;
    net.warnings = base.warnings;
    Ok(net)
}

/// The index of every government by name.
fn names_index(net: &Network) -> HashMap<String, u32> {
    net.names
        .iter()
        .enumerate()
        .map(|(i, s)| (s.into_owned(), i as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{ring, NoDataFiles};

    fn layer(from: LayerSource, weight: f64) -> LayerSpec {
        LayerSpec {
            from,
            weight,
            ..LayerSpec::default()
        }
    }

    #[test]
    fn an_arc_in_two_layers_carries_the_sum_of_their_weights() {
        let mut layers = BTreeMap::new();
        layers.insert("a".to_string(), layer(LayerSource::Network, 0.5));
        layers.insert("b".to_string(), layer(LayerSource::Network, 2.0));
        let net =
            combine_layers(ring(6, 2).unwrap(), &layers, Path::new("."), &NoDataFiles).unwrap();
        for i in 0..6 {
            assert_eq!(net.sources(i).len(), 2);
            assert!(net.source_weights(i).iter().all(|&w| w == 2.5));
        }
    }

    #[test]
    fn a_layer_of_weight_zero_adds_edges_that_carry_nothing() {
        let mut layers = BTreeMap::new();
        layers.insert("only".to_string(), layer(LayerSource::Network, 0.0));
        let net =
            combine_layers(ring(5, 2).unwrap(), &layers, Path::new("."), &NoDataFiles).unwrap();
        assert!(net.source_weights.iter().all(|&w| w == 0.0));
    }

    #[test]
    fn layers_that_need_what_the_network_lacks_are_refused_with_their_key() {
        for (from, needle) in [
            (LayerSource::SameParent, "needs parents"),
            (LayerSource::Distance, "needs coordinates"),
        ] {
            let mut layers = BTreeMap::new();
            layers.insert("x".to_string(), layer(from, 1.0));
            let e = combine_layers(ring(5, 2).unwrap(), &layers, Path::new("."), &NoDataFiles)
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("network.layers.x.from") && e.contains(needle),
                "{e}"
            );
        }
        let mut layers = BTreeMap::new();
        layers.insert("own".to_string(), layer(LayerSource::Network, 1.0));
        let e = combine_layers(Network::complete(5), &layers, Path::new("."), &NoDataFiles)
            .unwrap_err()
            .to_string();
        assert!(e.contains("complete network"), "{e}");
    }
}
