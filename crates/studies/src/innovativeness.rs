//! `policysim innovativeness`: how early each unit adopts across the policies of a
//! multi-policy file (Boehmke–Skinner style), as a node-file column (docs/forecast.md).
//!
//! Per policy, the n units are ranked by adoption year (1 = first; tied years share the
//! mean of their ranks; units that never adopted the policy are one tie at the end) and
//! the rank r becomes the score (n - r) / (n - 1) in [0, 1]: 1 for a sole first adopter,
//! 0 for a sole last. A unit's innovativeness is the mean of its scores over the
//! policies (each with at least one adoption, minus `--exclude-policy`).

use policysim_io::cells::{csv_field, csv_row};
use policysim_io::csv_input::{csv_error, read_csv, CsvLayout};
use policysim_io::observed::close_names;
use policysim_io::output::write_atomic;
use policysim_model::error::{Error, Result};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Options of `policysim innovativeness`.
#[derive(Debug)]
pub struct InnovativenessOptions {
    /// CSV of observed adoptions of several policies: unit, policy, adoption year.
    pub observed: PathBuf,
    /// Column holding the unit.
    pub unit_column: String,
    /// Column holding the adoption year (empty = never adopted).
    pub year_column: String,
    /// Leave this policy out (repeatable), e.g. the one being forecast.
    pub exclude_policy: Vec<String>,
    /// A node file (column `id`): the units are its nodes, and the output is this file
    /// with the score added as a column (replaced if it exists).
    pub nodes: Option<PathBuf>,
    /// Name of the score column.
    pub column: String,
    /// Output CSV: `unit,innovativeness,policies,adopted`, or the node file with the column.
    pub out: PathBuf,
    /// No messages on stderr.
    pub quiet: bool,
}

/// The adoptions of a multi-policy file: per policy (in order of first appearance), the
/// adoption year of each unit that adopted it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Adoptions {
    /// Units in order of first appearance.
    pub units: Vec<String>,
    /// (policy, year per unit index) per policy.
    pub policies: Vec<(String, HashMap<usize, i32>)>,
}

/// One unit's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Mean normalised rank over the policies.
    pub innovativeness: f64,
    /// Policies averaged.
    pub policies: usize,
    /// How many of them the unit adopted.
    pub adopted: usize,
}

/// Reads a multi-policy adoptions file (without a `policy` column: one policy).
pub fn read_adoptions(path: &Path, unit_column: &str, year_column: &str) -> Result<Adoptions> {
    let mut reader = read_csv(
        path,
        "an observed adoptions file (CSV)",
        CsvLayout::default().flexible(),
    )?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let need = |name: &str, option: &str| {
        col(name).ok_or_else(|| {
            Error::input_in(
                path,
                format!(
                    "missing column \"{name}\" in the header (got \"{}\"); name it with {option}",
                    header.join(",")
                ),
            )
        })
    };
    let unit_col = need(unit_column, "--unit-column")?;
    let year_col = need(year_column, "--year-column")?;
    let policy_col = col("policy");
    let mut out = Adoptions::default();
    let mut unit_index: HashMap<String, usize> = HashMap::new();
    for (k, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(k as u64 + 2, |p| p.line());
        let field = |c: usize| record.get(c).unwrap_or("").trim();
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let unit = field(unit_col);
        if unit.is_empty() {
            return Err(Error::Input(format!(
                "{}:{line}: empty unit in column \"{unit_column}\"",
                path.display()
            )));
        }
        let u = *unit_index.entry(unit.to_string()).or_insert_with(|| {
            out.units.push(unit.to_string());
            out.units.len() - 1
        });
        let policy = policy_col.map_or("", |c| field(c));
        let p = match out.policies.iter().position(|(name, _)| name == policy) {
            Some(p) => p,
            None => {
                out.policies.push((policy.to_string(), HashMap::new()));
                out.policies.len() - 1
            }
        };
        let text = field(year_col);
        if text.is_empty() {
            continue;
        }
        let year = text
            .parse::<f64>()
            .ok()
            .filter(|y| y.fract() == 0.0 && y.abs() < 1e6)
            .ok_or_else(|| {
                Error::Input(format!(
                    "{}:{line}: column \"{year_column}\": \"{text}\" is not a year (expected a whole number such as 1998, or empty for never)",
                    path.display()
                ))
            })? as i32;
        // a unit listed twice for a policy keeps its first adoption
        let years = &mut out.policies[p].1;
        let kept = years.get(&u).map_or(year, |&y: &i32| y.min(year));
        years.insert(u, kept);
    }
    if out.units.is_empty() {
        return Err(Error::input_in(path, "no rows after the header"));
    }
    Ok(out)
}

/// Per-policy normalised ranks averaged over the policies (see the module docs), for
/// `n` units (the adoptions' unit indices must be below `n`).
pub fn scores(n: usize, policies: &[&HashMap<usize, i32>]) -> Vec<Score> {
    let mut sum = vec![0.0; n];
    let mut adopted = vec![0usize; n];
    for years in policies {
        let value: Vec<f64> = (0..n)
            .map(|i| years.get(&i).map_or(f64::INFINITY, |&y| f64::from(y)))
            .collect();
        let ranks = policysim_model::stats::average_ranks(&value);
        for i in 0..n {
            sum[i] += (n as f64 - ranks[i]) / (n as f64 - 1.0);
            adopted[i] += usize::from(years.contains_key(&i));
        }
    }
    let count = policies.len();
    (0..n)
        .map(|i| Score {
            innovativeness: sum[i] / count.max(1) as f64,
            policies: count,
            adopted: adopted[i],
        })
        .collect()
}

/// Runs `policysim innovativeness`.
pub fn run(args: InnovativenessOptions) -> Result<()> {
    let data = read_adoptions(&args.observed, &args.unit_column, &args.year_column)?;
    for p in &args.exclude_policy {
        if !data.policies.iter().any(|(name, _)| name == p) {
            let close = close_names(p, data.policies.iter().map(|(n, _)| n.as_str()));
            return Err(Error::Input(format!(
                "--exclude-policy {p}: no such policy in {}{}",
                args.observed.display(),
                if close.is_empty() {
                    String::new()
                } else {
                    format!("; close names: {}", close.join(", "))
                }
            )));
        }
    }
    let used: Vec<&(String, HashMap<usize, i32>)> = data
        .policies
        .iter()
        .filter(|(name, years)| !years.is_empty() && !args.exclude_policy.contains(name))
        .collect();
    if used.is_empty() {
        return Err(Error::input_in(
            &args.observed,
            "no policy with an adoption is left to score",
        ));
    }
    let text = match &args.nodes {
        None => {
            if data.units.len() < 2 {
                return Err(Error::input_in(
                    &args.observed,
                    "innovativeness needs at least two units",
                ));
            }
            let years: Vec<&HashMap<usize, i32>> = used.iter().map(|(_, y)| y).collect();
            let s = scores(data.units.len(), &years);
            let mut out = format!("unit,{},policies,adopted\n", csv_field(&args.column));
            for (u, s) in data.units.iter().zip(&s) {
                let _ = writeln!(
                    out,
                    "{},{:.4},{},{}",
                    csv_field(u),
                    s.innovativeness,
                    s.policies,
                    s.adopted
                );
            }
            out
        }
        Some(nodes) => with_node_file(nodes, &args, &data, &used)?,
    };
    if let Some(parent) = args.out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    write_atomic(&args.out, text.as_bytes())?;
    policysim_io::provenance::seal_file(&args.out)?;
    if !args.quiet {
        eprintln!(
            "innovativeness of {} units from {} policies written to {}",
            text.lines().count() - 1,
            used.len(),
            args.out.display()
        );
    }
    Ok(())
}

/// The node file with the score column added (or replaced): the units are its nodes.
fn with_node_file(
    nodes: &Path,
    args: &InnovativenessOptions,
    data: &Adoptions,
    used: &[&(String, HashMap<usize, i32>)],
) -> Result<String> {
    let mut reader = read_csv(nodes, "a node file (CSV)", CsvLayout::default())?;
    let mut header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(nodes, &e))?
        .iter()
        .map(str::to_string)
        .collect();
    let id_col = header
        .iter()
        .position(|h| h.trim() == "id")
        .ok_or_else(|| {
            Error::input_in(
                nodes,
                "missing column \"id\" in the header of the node file",
            )
        })?;
    let mut rows: Vec<Vec<String>> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(nodes, &e))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    if rows.len() < 2 {
        return Err(Error::input_in(
            nodes,
            "innovativeness needs at least two nodes",
        ));
    }
    if header[id_col].trim() == args.column.trim() {
        return Err(Error::Input(format!(
            "--column {}: names the node file's id column; choose another name for the score",
            args.column
        )));
    }
    let mut node_of: HashMap<&str, usize> = HashMap::new();
    for (k, r) in rows.iter().enumerate() {
        if let Some(first) = node_of.insert(r[id_col].trim(), k) {
            // rows are numbered from 1 after the header, which is line 1
            return Err(Error::input_in(
                nodes,
                format!(
                    "line {}: duplicate id \"{}\" (first on line {}); node ids must be unique",
                    k + 2,
                    r[id_col].trim(),
                    first + 2
                ),
            ));
        }
    }
    // re-index the adoptions by node; a unit that is not a node is an error
    let mut by_node: Vec<HashMap<usize, i32>> = Vec::new();
    for (policy, years) in used {
        let mut m = HashMap::new();
        for (&u, &y) in years {
            let unit = &data.units[u];
            let Some(&k) = node_of.get(unit.as_str()) else {
                let close = close_names(unit, node_of.keys().copied());
                return Err(Error::Input(format!(
                    "{}: unit \"{unit}\" (policy \"{policy}\") is not a node id of {}{}",
                    args.observed.display(),
                    nodes.display(),
                    if close.is_empty() {
                        String::new()
                    } else {
                        format!("; close names: {}", close.join(", "))
                    }
                )));
            };
            m.insert(k, y);
        }
        by_node.push(m);
    }
    let refs: Vec<&HashMap<usize, i32>> = by_node.iter().collect();
    let s = scores(rows.len(), &refs);
    let col = match header.iter().position(|h| h.trim() == args.column) {
        Some(c) => c,
        None => {
            header.push(args.column.clone());
            header.len() - 1
        }
    };
    let mut out = String::new();
    out.push_str(&csv_row(&header));
    for (row, s) in rows.iter_mut().zip(&s) {
        row.resize(header.len(), String::new());
        row[col] = format!("{:.4}", s.innovativeness);
        out.push_str(&csv_row(row));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_normalised_with_ties_averaged_and_never_adopters_last() {
        // units 0..4; policy a: 0 in 1990, 1 and 2 in 1991, 3 never;
        // policy b: 3 in 2000, 0 in 2001, the rest never
        let a: HashMap<usize, i32> = [(0, 1990), (1, 1991), (2, 1991)].into_iter().collect();
        let b: HashMap<usize, i32> = [(3, 2000), (0, 2001)].into_iter().collect();
        let s = scores(4, &[&a, &b]);
        // a: ranks 1, 2.5, 2.5, 4 -> (4 - r) / 3 = 1, 0.5, 0.5, 0
        // b: ranks 2, 3.5, 3.5, 1 -> 2/3, 1/6, 1/6, 1
        let want = [
            (1.0 + 2.0 / 3.0) / 2.0,
            (0.5 + 1.0 / 6.0) / 2.0,
            (0.5 + 1.0 / 6.0) / 2.0,
            0.5,
        ];
        for (s, w) in s.iter().zip(want) {
            assert!((s.innovativeness - w).abs() < 1e-12, "{s:?} vs {w}");
            assert_eq!(s.policies, 2);
        }
        assert_eq!(
            s.iter().map(|s| s.adopted).collect::<Vec<_>>(),
            vec![2, 1, 1, 1]
        );
    }
}
