//! The contents of a node file: ids, names, levels, parents, regions, coordinates and
//! numeric columns, as the model uses them (the io package reads the file).

use super::{Names, Network};
use std::collections::HashMap;

/// The contents of a node file.
#[derive(Debug, Clone, Default)]
pub struct NodeTable {
    /// The `id` of every row, in file order.
    pub ids: Vec<String>,
    /// The `name` column (empty when absent).
    pub labels: Vec<String>,
    /// Level index per node and the level names (empty when absent).
    pub level: Vec<u16>,
    /// Names of the levels.
    pub level_names: Vec<String>,
    /// Parent per node ([`NO_PARENT`](super::NO_PARENT) for an empty cell; empty when absent).
    pub parent: Vec<u32>,
    /// Region index per node (empty when absent).
    pub region: Vec<u16>,
    /// Names of the regions.
    pub region_names: Vec<String>,
    /// x coordinates (empty when absent).
    pub x: Vec<f64>,
    /// y coordinates (empty when absent).
    pub y: Vec<f64>,
    /// Other numeric columns.
    pub columns: Vec<(String, Vec<f64>)>,
    /// id -> node index.
    id_index: HashMap<String, u32>,
    /// name -> node index (None when the name is shared by several nodes).
    name_index: HashMap<String, Option<u32>>,
}

impl NodeTable {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the table has no nodes.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The node with this id, or else with this (unique) name.
    pub fn lookup(&self, key: &str) -> std::result::Result<u32, &'static str> {
        if let Some(&i) = self.id_index.get(key) {
            return Ok(i);
        }
        match self.name_index.get(key) {
            Some(Some(i)) => Ok(*i),
            Some(None) => Err("the name is shared by several nodes: use the id"),
            None => Err("no node has this id or name"),
        }
    }

    /// Adds a node with its `id` and, when the file has a `name` column, its name (an
    /// empty name is kept as a label but cannot be looked up).
    pub fn add_node(&mut self, id: String, name: Option<String>) {
        let index = self.ids.len() as u32;
        self.id_index.insert(id.clone(), index);
        self.ids.push(id);
        if let Some(name) = name {
            if !name.is_empty() {
                self.name_index
                    .entry(name.clone())
                    .and_modify(|e| *e = None)
                    .or_insert(Some(index));
            }
            self.labels.push(name);
        }
    }

    /// The node with this id (names are not looked at).
    pub fn index_of_id(&self, id: &str) -> Option<u32> {
        self.id_index.get(id).copied()
    }

    /// Copies the node attributes onto a network with the same nodes.
    pub fn apply_to(&self, net: &mut Network) {
        net.names = Names::Listed(self.ids.clone());
        net.labels = self.labels.clone();
        net.level = self.level.clone();
        net.level_names = self.level_names.clone();
        net.parent = self.parent.clone();
        net.region = self.region.clone();
        net.region_names = self.region_names.clone();
        net.x = self.x.clone();
        net.y = self.y.clone();
        net.columns = self.columns.clone();
    }
}
