//! Edge-list and node CSV files.
//!
//! Edge file: header `source,target[,weight]` (column names case-insensitive, any order,
//! extra columns ignored); endpoints are node ids (or unique node names when a node file
//! is given). Node file: header with `id` and any of `name,level,parent,region,x,y` plus
//! numeric columns (traits such as `learning`, or anything else).
//!
//! Robustness: a UTF-8 byte-order mark and Windows line endings are accepted; empty
//! files, missing columns, wrong field counts, non-numeric values, non-UTF-8 bytes and
//! unknown ids are [`Error::Input`] messages of the form
//! `path:line: what is wrong (got "text"), expected ...`. Self-loops and duplicate edges
//! are ignored with a warning. Rows whose fields are all empty are skipped.

use crate::csv_input::{CsvLayout, CsvReader};
use petgraph::graph::{Graph, NodeIndex};
use petgraph::{Directed, EdgeType, Undirected};
use policysim_model::error::{Error, Result};
use policysim_model::network::{Names, Network, NodeTable, NO_PARENT};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// At most this many individual warnings per kind; the rest are summarised.
const MAX_WARNINGS: usize = 10;

/// Shortens text for an error message: at most 40 characters, control characters escaped.
pub(crate) fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    let mut out = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == MAX {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// An input error at `path:line`.
fn at(path: &Path, line: u64, message: impl std::fmt::Display) -> Error {
    Error::Input(format!("{}:{}: {}", path.display(), line, message))
}

/// A CSV file read row by row with a parsed header.
struct CsvTable {
    path: PathBuf,
    /// Header names, trimmed (original case).
    header: Vec<String>,
    reader: CsvReader,
    record: csv::ByteRecord,
    /// Fields of the current row, trimmed.
    fields: Vec<String>,
}

impl CsvTable {
    /// Opens `path` (named by scenario key `key` in messages); `expected` describes the header.
    fn open(path: &Path, key: &str, expected: &str) -> Result<CsvTable> {
        let bytes = crate::csv_input::read_csv_bytes(
            path,
            &format!("the file of {key}, a CSV file with header {expected}"),
        )?;
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(Error::input_in(
                path,
                format!("the file is empty, expected a header line {expected}"),
            ));
        }
        let layout = CsvLayout::default().headerless().flexible();
        let mut reader = crate::csv_input::csv_text(bytes, layout);
        let mut record = csv::ByteRecord::new();
        let mut table = CsvTable {
            path: path.to_path_buf(),
            header: Vec::new(),
            reader: crate::csv_input::csv_text(Vec::new(), layout),
            record: csv::ByteRecord::new(),
            fields: Vec::new(),
        };
        // Header: the first row that is not blank.
        loop {
            let more = reader
                .read_byte_record(&mut record)
                .map_err(|e| table.csv_error(e))?;
            if !more {
                return Err(Error::input_in(
                    path,
                    format!("the file is empty, expected a header line {expected}"),
                ));
            }
            let line = record.position().map_or(1, |p| p.line());
            let mut header = Vec::with_capacity(record.len());
            for f in record.iter() {
                header.push(table.decode(f, line)?.trim().to_string());
            }
            if header.iter().all(|h| h.is_empty()) {
                continue;
            }
            let mut seen = HashSet::new();
            for h in &header {
                if h.is_empty() {
                    return Err(at(
                        path,
                        line,
                        format!(
                            "empty column name in the header (got \"{}\"), expected {expected}",
                            shorten(&header.join(","))
                        ),
                    ));
                }
                if !seen.insert(h.to_lowercase()) {
                    return Err(at(
                        path,
                        line,
                        format!(
                            "column \"{}\" appears twice in the header, expected each column once",
                            shorten(h)
                        ),
                    ));
                }
            }
            table.header = header;
            break;
        }
        table.reader = reader;
        Ok(table)
    }

    /// Index of a column (case-insensitive), if present.
    fn column(&self, name: &str) -> Option<usize> {
        self.header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
    }

    /// Index of a required column, or an error naming the header found.
    fn require(&self, name: &str, expected: &str) -> Result<usize> {
        self.column(name).ok_or_else(|| {
            at(
                &self.path,
                1,
                format!(
                    "missing column \"{name}\" in the header (got \"{}\"), expected {expected}",
                    shorten(&self.header.join(","))
                ),
            )
        })
    }

    /// Decodes a field as UTF-8 or reports the line.
    fn decode<'a>(&self, bytes: &'a [u8], line: u64) -> Result<&'a str> {
        std::str::from_utf8(bytes).map_err(|_| {
            at(
                &self.path,
                line,
                format!(
                    "text is not valid UTF-8 (got \"{}\"), expected UTF-8 (save the file as \"CSV UTF-8\")",
                    shorten(&String::from_utf8_lossy(bytes))
                ),
            )
        })
    }

    /// Converts a csv crate error into an input error.
    fn csv_error(&self, e: csv::Error) -> Error {
        let line = e.position().map_or(0, |p| p.line());
        at(&self.path, line, format!("cannot read CSV: {e}"))
    }

    /// Reads the next non-blank row into `self.fields`; returns its line number.
    fn next_row(&mut self) -> Result<Option<u64>> {
        loop {
            let more = match self.reader.read_byte_record(&mut self.record) {
                Ok(more) => more,
                Err(e) => return Err(self.csv_error(e)),
            };
            if !more {
                return Ok(None);
            }
            let line = self.record.position().map_or(0, |p| p.line());
            if self
                .record
                .iter()
                .all(|f| f.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            if self.record.len() != self.header.len() {
                let text: Vec<String> = self
                    .record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                return Err(at(
                    &self.path,
                    line,
                    format!(
                        "{} fields (got \"{}\"), expected {} like the header \"{}\"",
                        self.record.len(),
                        shorten(&text.join(",")),
                        self.header.len(),
                        shorten(&self.header.join(","))
                    ),
                ));
            }
            self.fields.resize(self.record.len(), String::new());
            for i in 0..self.record.len() {
                let s = self.decode(&self.record[i], line)?.trim();
                self.fields[i].clear();
                self.fields[i].push_str(s);
            }
            return Ok(Some(line));
        }
    }

    /// Parses field `col` of the current row as a finite number.
    fn number(&self, col: usize, line: u64) -> Result<f64> {
        let text = &self.fields[col];
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(at(
                &self.path,
                line,
                format!(
                    "column \"{}\" is not a number (got \"{}\"), expected a finite number like 0.5",
                    self.header[col],
                    shorten(text)
                ),
            )),
        }
    }
}

/// Maps category labels to indices.
///
/// If every label is a non-negative integer the categories are ordered numerically
/// ("0", "1", "2"), otherwise in order of first appearance.
fn categories(values: &[String]) -> (Vec<u16>, Vec<String>) {
    let all_ints = values.iter().all(|v| v.parse::<u64>().is_ok());
    let names: Vec<String> = if all_ints {
        // Keyed by (number, text) so "1" and "01" stay distinct categories.
        let set: BTreeSet<(u64, &String)> = values
            .iter()
            .map(|v| (v.parse::<u64>().unwrap_or(0), v))
            .collect();
        set.into_iter().map(|(_, v)| v.clone()).collect()
    } else {
        let mut seen = HashSet::new();
        values
            .iter()
            .filter(|v| seen.insert(v.as_str()))
            .cloned()
            .collect()
    };
    let index: HashMap<&str, u16> = names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i as u16))
        .collect();
    let idx = values.iter().map(|v| index[v.as_str()]).collect();
    (idx, names)
}

/// Reads a node file; `key` is the scenario key (for messages).
///
/// Required column: `id` (unique, non-empty). Optional: `name`, `level`, `parent` (an id
/// of another row, or empty; the parent links must not form a cycle), `region` (names,
/// see below), `x`, `y` (numbers). Any other
/// column that holds at least one number is numeric: every value must then be a number
/// (it goes to [`NodeTable::columns`]); columns without any number (free text) are
/// ignored. `level` and `region` labels become indices, ordered numerically when all are
/// integers and by first appearance otherwise.
pub fn read_node_file(path: &Path, key: &str) -> Result<NodeTable> {
    let expected = "\"id[,name,level,parent,region,x,y,...]\"";
    let mut t = CsvTable::open(path, key, expected)?;
    let id_col = t.require("id", expected)?;
    let special = ["id", "name", "level", "parent", "region", "x", "y"];
    let name_col = t.column("name");
    let level_col = t.column("level");
    let parent_col = t.column("parent");
    let region_col = t.column("region");
    let x_col = t.column("x");
    let y_col = t.column("y");
    if x_col.is_some() != y_col.is_some() {
        return Err(at(
            path,
            1,
            format!(
                "only one of the columns x and y is present (got \"{}\"), expected both or neither",
                shorten(&t.header.join(","))
            ),
        ));
    }
    let other: Vec<usize> = (0..t.header.len())
        .filter(|&c| !special.iter().any(|s| t.header[c].eq_ignore_ascii_case(s)))
        .collect();
    let mut table = NodeTable::default();
    let mut id_line: HashMap<String, u64> = HashMap::new();
    let mut levels = Vec::new();
    let mut regions = Vec::new();
    let mut parents: Vec<(u64, String)> = Vec::new();
    // Raw text of the other columns: parsed once we know which are numeric.
    let mut raw: Vec<Vec<(u64, String)>> = vec![Vec::new(); other.len()];
    while let Some(line) = t.next_row()? {
        let id = t.fields[id_col].clone();
        if id.is_empty() {
            return Err(at(
                path,
                line,
                "empty id (got \"\"), expected a unique node id",
            ));
        }
        if let Some(first) = id_line.get(&id) {
            return Err(at(
                path,
                line,
                format!(
                    "duplicate id (got \"{}\"), expected unique ids; it is first used on line {first}",
                    shorten(&id)
                ),
            ));
        }
        if table.ids.len() >= (u32::MAX - 1) as usize {
            return Err(at(
                path,
                line,
                "too many nodes, expected fewer than 2^32 - 1",
            ));
        }
        id_line.insert(id.clone(), line);
        table.add_node(id, name_col.map(|c| t.fields[c].clone()));
        for (c, store) in [(level_col, &mut levels), (region_col, &mut regions)] {
            if let Some(c) = c {
                if t.fields[c].is_empty() {
                    return Err(at(
                        path,
                        line,
                        format!(
                            "empty {} (got \"\"), expected a name or number",
                            t.header[c]
                        ),
                    ));
                }
                store.push(t.fields[c].clone());
            }
        }
        if let Some(c) = parent_col {
            parents.push((line, t.fields[c].clone()));
        }
        if let (Some(xc), Some(yc)) = (x_col, y_col) {
            table.x.push(t.number(xc, line)?);
            table.y.push(t.number(yc, line)?);
        }
        for (k, &c) in other.iter().enumerate() {
            raw[k].push((line, t.fields[c].clone()));
        }
    }
    if table.ids.is_empty() {
        return Err(Error::input_in(
            path,
            format!("no rows after the header, expected one row per node with header {expected}"),
        ));
    }
    if level_col.is_some() {
        if levels.iter().collect::<HashSet<_>>().len() > u16::MAX as usize {
            return Err(Error::input_in(
                path,
                "too many distinct levels, expected at most 65535",
            ));
        }
        (table.level, table.level_names) = categories(&levels);
    }
    if region_col.is_some() {
        if regions.iter().collect::<HashSet<_>>().len() > u16::MAX as usize {
            return Err(Error::input_in(
                path,
                "too many distinct regions, expected at most 65535",
            ));
        }
        (table.region, table.region_names) = categories(&regions);
    }
    if parent_col.is_some() {
        table.parent = Vec::with_capacity(parents.len());
        for (i, (line, p)) in parents.iter().enumerate() {
            if p.is_empty() {
                table.parent.push(NO_PARENT);
                continue;
            }
            match table.index_of_id(p) {
                Some(j) if j as usize == i => {
                    return Err(at(
                        path,
                        *line,
                        format!(
                            "a node is its own parent (got \"{}\"), expected another node's id or an empty cell",
                            shorten(p)
                        ),
                    ))
                }
                Some(j) => table.parent.push(j),
                None => {
                    return Err(at(
                        path,
                        *line,
                        format!(
                            "unknown parent id (got \"{}\"), expected the id of a row of this file or an empty cell",
                            shorten(p)
                        ),
                    ))
                }
            }
        }
    }
    if let Some(i) = parent_cycle(&table.parent) {
        let (line, p) = &parents[i];
        return Err(at(
            path,
            *line,
            format!(
                "the parent chain of \"{}\" loops back to itself (got parent \"{}\"), expected parents to form a tree",
                shorten(&table.ids[i]),
                shorten(p)
            ),
        ));
    }
    for (k, &c) in other.iter().enumerate() {
        let values = &raw[k];
        let numeric = values
            .iter()
            .any(|(_, v)| v.parse::<f64>().is_ok_and(f64::is_finite));
        if !numeric {
            continue;
        }
        let mut col = Vec::with_capacity(values.len());
        for (line, v) in values {
            match v.parse::<f64>() {
                Ok(x) if x.is_finite() => col.push(x),
                _ => {
                    return Err(at(
                        path,
                        *line,
                        format!(
                            "column \"{}\" is not a number (got \"{}\"), expected a finite number like 0.5 (the column holds numbers on other rows)",
                            t.header[c],
                            shorten(v)
                        ),
                    ))
                }
            }
        }
        table.columns.push((t.header[c].clone(), col));
    }
    Ok(table)
}

/// A node on a parent cycle, if the parent links are not a forest.
fn parent_cycle(parent: &[u32]) -> Option<usize> {
    // 0 = not seen, 1 = on the current chain, 2 = known to reach a root.
    let mut state = vec![0u8; parent.len()];
    let mut chain = Vec::new();
    for start in 0..parent.len() {
        let mut i = start;
        while state[i] == 0 {
            state[i] = 1;
            chain.push(i);
            match parent[i] {
                NO_PARENT => break,
                p => i = p as usize,
            }
        }
        if state[i] == 1 && parent[i] != NO_PARENT {
            return Some(i);
        }
        for &c in &chain {
            state[c] = 2;
        }
        chain.clear();
    }
    None
}

/// Reads an edge file (and optional node file) into a network.
///
/// With a node file the nodes are its rows in file order and every endpoint must match
/// an `id` (or a unique `name`); without one the nodes are the endpoints in order of
/// first appearance. `directed`: a row `j,i` means i observes (learns from) j. Weights
/// (column `weight`, finite and >= 0) go to `source_weights`. Self-loops and duplicate
/// edges (for undirected networks also `b,a` after `a,b`) are ignored with a warning.
pub fn read_edge_file(edges: &Path, nodes: Option<&Path>, directed: bool) -> Result<Network> {
    if directed {
        read_edges_as::<Directed>(edges, nodes)
    } else {
        read_edges_as::<Undirected>(edges, nodes)
    }
}

fn read_edges_as<Ty: EdgeType>(edges_path: &Path, nodes_path: Option<&Path>) -> Result<Network> {
    let table = match nodes_path {
        Some(p) => Some(read_node_file(p, "network.nodes")?),
        None => None,
    };
    let expected = "\"source,target[,weight]\"";
    let mut t = CsvTable::open(edges_path, "network.edges", expected)?;
    let s_col = t.require("source", expected)?;
    let t_col = t.require("target", expected)?;
    let w_col = t.column("weight");
    let mut graph: Graph<(), f32, Ty, u32> = Graph::default();
    let mut ids: Vec<String> = Vec::new();
    let mut index: HashMap<String, u32> = HashMap::new();
    if let Some(table) = &table {
        graph.reserve_nodes(table.len());
        for _ in 0..table.len() {
            graph.add_node(());
        }
    }
    let mut seen: HashSet<(u32, u32)> = HashSet::new();
    let mut warnings = Vec::new();
    let (mut loops, mut dups) = (0usize, 0usize);
    while let Some(line) = t.next_row()? {
        let mut ends = [0u32; 2];
        for (e, &c) in [s_col, t_col].iter().enumerate() {
            let key = &t.fields[c];
            if key.is_empty() {
                return Err(at(
                    edges_path,
                    line,
                    format!("empty {} (got \"\"), expected a node id", t.header[c]),
                ));
            }
            ends[e] = match &table {
                Some(table) => table.lookup(key).map_err(|why| {
                    at(
                        edges_path,
                        line,
                        format!(
                            "unknown {} (got \"{}\"): {why}, expected an id of {}",
                            t.header[c],
                            shorten(key),
                            nodes_path.map_or(String::new(), |p| p.display().to_string())
                        ),
                    )
                })?,
                None => match index.get(key) {
                    Some(&i) => i,
                    None => {
                        if ids.len() >= (u32::MAX - 1) as usize {
                            return Err(at(
                                edges_path,
                                line,
                                "too many nodes, expected fewer than 2^32 - 1",
                            ));
                        }
                        let i = ids.len() as u32;
                        index.insert(key.clone(), i);
                        ids.push(key.clone());
                        graph.add_node(());
                        i
                    }
                },
            };
        }
        let weight = match w_col {
            Some(c) => {
                let w = t.number(c, line)?;
                if w < 0.0 {
                    return Err(at(
                        edges_path,
                        line,
                        format!(
                            "negative weight (got \"{}\"), expected a number >= 0",
                            shorten(&t.fields[c])
                        ),
                    ));
                }
                w as f32
            }
            None => 1.0,
        };
        let [u, v] = ends;
        if u == v {
            loops += 1;
            if loops <= MAX_WARNINGS {
                warnings.push(format!(
                    "{}:{}: self-loop \"{}\" -> \"{}\" ignored",
                    edges_path.display(),
                    line,
                    shorten(&t.fields[s_col]),
                    shorten(&t.fields[t_col])
                ));
            }
            continue;
        }
        let pair = if Ty::is_directed() {
            (u, v)
        } else {
            (u.min(v), u.max(v))
        };
        if !seen.insert(pair) {
            dups += 1;
            if dups <= MAX_WARNINGS {
                warnings.push(format!(
                    "{}:{}: duplicate edge \"{}\" - \"{}\" ignored (the first one is kept)",
                    edges_path.display(),
                    line,
                    shorten(&t.fields[s_col]),
                    shorten(&t.fields[t_col])
                ));
            }
            continue;
        }
        graph.add_edge(
            NodeIndex::new(u as usize),
            NodeIndex::new(v as usize),
            weight,
        );
    }
    if loops > MAX_WARNINGS {
        warnings.push(format!(
            "{}: {} self-loops ignored in all ({} more not listed)",
            edges_path.display(),
            loops,
            loops - MAX_WARNINGS
        ));
    }
    if dups > MAX_WARNINGS {
        warnings.push(format!(
            "{}: {} duplicate edges ignored in all ({} more not listed)",
            edges_path.display(),
            dups,
            dups - MAX_WARNINGS
        ));
    }
    if graph.node_count() == 0 {
        return Err(Error::input_in(
            edges_path,
            format!("no edges after the header and no node file, expected rows {expected}"),
        ));
    }
    let mut net = Network::from_petgraph(&graph, w_col.is_some());
    match &table {
        Some(table) => table.apply_to(&mut net),
        None => net.names = Names::Listed(ids),
    }
    if net.edge_count() == 0 {
        warnings.push(format!(
            "{}: the network has no edges",
            edges_path.display()
        ));
    }
    net.warnings = warnings;
    Ok(net)
}

#[cfg(test)]
#[path = "network_files_tests.rs"]
mod tests;
