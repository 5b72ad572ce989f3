//! A finished forecast read back from its folder (`forecast.json`, `forecast.csv` and,
//! for a network with coordinates, `map.csv` and `map_edges.csv`): the charts are drawn
//! from these files, by `policysim forecast` as by `policysim plot`, so a redraw gives
//! the same charts.

use super::MODELS;
use policysim_charts::read::{read_map, read_map_edges};
use policysim_model::error::{Error, Result};
use std::collections::HashMap;
use std::path::Path;

/// The forecast's numbers file.
pub const FORECAST_JSON: &str = "forecast.json";
/// The forecast's table: one row per unit at risk.
pub const FORECAST_CSV: &str = "forecast.csv";

/// What the forecast charts need, as a forecast folder records it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedForecast {
    /// The charts' title: `heading · policy` (the heading alone without a policy).
    pub name: policysim_charts::title::Heading,
    /// The last training year.
    pub train_until: i32,
    /// Years forecast (K).
    pub horizon: u32,
    /// p_K of policysim, the event-history logit and the Bass curve, per unit at risk.
    pub at_horizon: [Vec<f64>; 3],
    /// Whether each unit at risk adopted within the horizon.
    pub outcome: Vec<bool>,
    /// AUC at the horizon of the three forecasts (None: one class only).
    pub auc: [Option<f64>; 3],
    /// Brier score at the horizon of the three forecasts.
    pub brier: [f64; 3],
    /// The map's network (None without coordinates).
    pub map: Option<SavedMap>,
}

/// The network of the forecast map, as `map.csv` and `map_edges.csv` record it.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedMap {
    /// X coordinate per node.
    pub x: Vec<f64>,
    /// Y coordinate per node.
    pub y: Vec<f64>,
    /// Edges `(source, target)` as drawn (None: not written, e.g. a complete network).
    pub edges: Option<Vec<(u32, u32)>>,
    /// The node of each unit at risk, in `forecast.csv` order.
    pub at_risk: Vec<usize>,
}

impl SavedForecast {
    /// Reads the forecast in `dir`, or an error naming the file and what was expected.
    pub fn read(dir: &Path) -> Result<SavedForecast> {
        let json_path = dir.join(FORECAST_JSON);
        let text = read_required(&json_path)?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Error::input_in(&json_path, format!("not valid JSON: {e}")))?;
        let missing = |what: &str| Error::input_in(&json_path, format!("missing {what}"));
        let scenario = policysim_charts::title::Heading::new(
            json["scenario"]
                .as_str()
                .ok_or_else(|| missing("text `scenario`"))?,
            json["description"].as_str().unwrap_or(""),
            json["description_zh"].as_str().unwrap_or(""),
        );
        let name = match &json["policy"] {
            serde_json::Value::Null => scenario,
            p => scenario.with_suffix(&format!(
                " · {}",
                p.as_str()
                    .ok_or_else(|| missing("text (or null) `policy`"))?
            )),
        };
        let train_until = json["train_until"]
            .as_i64()
            .and_then(|y| i32::try_from(y).ok())
            .ok_or_else(|| missing("year `train_until`"))?;
        let horizon = json["horizon"]
            .as_u64()
            .and_then(|h| u32::try_from(h).ok())
            .filter(|&h| h > 0)
            .ok_or_else(|| missing("whole number `horizon` of at least 1"))?;
        let mut auc = [None; 3];
        let mut brier = [0.0; 3];
        for (m, model) in MODELS.iter().enumerate() {
            let s = &json["scores"][model];
            auc[m] =
                match &s["auc"] {
                    serde_json::Value::Null => None,
                    a => Some(a.as_f64().ok_or_else(|| {
                        missing(&format!("number (or null) `scores.{model}.auc`"))
                    })?),
                };
            brier[m] = s["brier"]
                .as_f64()
                .ok_or_else(|| missing(&format!("number `scores.{model}.brier`")))?;
        }
        let csv_path = dir.join(FORECAST_CSV);
        let table = read_table(&csv_path, horizon)?;
        let map = read_saved_map(dir, &table.units)?;
        Ok(SavedForecast {
            name,
            train_until,
            horizon,
            at_horizon: table.at_horizon,
            outcome: table.outcome,
            auc,
            brier,
            map,
        })
    }
}

/// The columns of `forecast.csv` the charts read.
struct Table {
    units: Vec<String>,
    at_horizon: [Vec<f64>; 3],
    outcome: Vec<bool>,
}

/// Reads the units, their p_K of the three forecasts and their outcomes from `forecast.csv`.
fn read_table(path: &Path, horizon: u32) -> Result<Table> {
    let mut reader = read_required_csv(path)?;
    let headers = reader
        .headers()
        .map_err(|e| policysim_io::csv_input::csv_error(path, &e))?
        .clone();
    let column = |name: &str| -> Result<usize> {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            Error::input_in(
                path,
                format!("no column `{name}` (forecast.json gives horizon {horizon})"),
            )
        })
    };
    let unit = column("unit")?;
    let p = [
        column(&format!("p{horizon}"))?,
        column(&format!("eha_p{horizon}"))?,
        column(&format!("bass_p{horizon}"))?,
    ];
    let adopted = column("adopted_within_horizon")?;
    let mut table = Table {
        units: Vec::new(),
        at_horizon: Default::default(),
        outcome: Vec::new(),
    };
    for (line, record) in (2..).zip(reader.records()) {
        let record = record.map_err(|e| policysim_io::csv_input::csv_error(path, &e))?;
        let cell = |c: usize| record.get(c).unwrap_or("");
        table.units.push(cell(unit).to_string());
        for (values, &c) in table.at_horizon.iter_mut().zip(&p) {
            let v: f64 = cell(c)
                .parse()
                .ok()
                .filter(|v: &f64| (0.0..=1.0).contains(v))
                .ok_or_else(|| {
                    Error::input_in(
                        path,
                        format!(
                            "line {line}: `{}` in `{}` is no probability (a number from 0 to 1)",
                            cell(c),
                            &headers[c]
                        ),
                    )
                })?;
            values.push(v);
        }
        table.outcome.push(match cell(adopted) {
            "1" => true,
            "0" => false,
            other => {
                return Err(Error::input_in(
                    path,
                    format!("line {line}: `{other}` in `adopted_within_horizon`, expected 0 or 1"),
                ))
            }
        });
    }
    Ok(table)
}

/// The map's network from `map.csv` and `map_edges.csv` (None when there is no
/// `map.csv`: the network has no coordinates), each unit of `units` found in it.
fn read_saved_map(dir: &Path, units: &[String]) -> Result<Option<SavedMap>> {
    let map_path = dir.join("map.csv");
    let Some(nodes) = read_map(&map_path)? else {
        return Ok(None);
    };
    let mut node_of = HashMap::new();
    for (row, n) in nodes.iter().enumerate() {
        if n.node as usize != row {
            return Err(Error::input_in(
                &map_path,
                format!("line {}: node {}, expected {row}", row + 2, n.node),
            ));
        }
        node_of.insert(n.name.as_str(), row);
    }
    let at_risk = units
        .iter()
        .enumerate()
        .map(|(row, u)| {
            node_of.get(u.as_str()).copied().ok_or_else(|| {
                Error::input_in(
                    &dir.join(FORECAST_CSV),
                    format!("line {}: unit `{u}` is not in map.csv", row + 2),
                )
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let edges_path = dir.join("map_edges.csv");
    let edges = read_map_edges(&edges_path)?;
    if let Some(bad) = edges
        .iter()
        .flatten()
        .position(|&(a, b)| a as usize >= nodes.len() || b as usize >= nodes.len())
    {
        return Err(Error::input_in(
            &edges_path,
            format!(
                "line {}: a node beyond the {} of map.csv",
                bad + 2,
                nodes.len()
            ),
        ));
    }
    Ok(Some(SavedMap {
        x: nodes.iter().map(|n| n.x).collect(),
        y: nodes.iter().map(|n| n.y).collect(),
        edges,
        at_risk,
    }))
}

/// The text of a file a results folder must hold: a missing one is an input error naming
/// it (the folder is incomplete), not a failure of the disk.
pub fn read_required(path: &Path) -> Result<String> {
    check_present(path)?;
    policysim_io::capped_read::read_data_text(path)
}

/// Opens a CSV table of a results folder ([`policysim_io::csv_input::read_csv`]); a
/// missing one is an incomplete folder, as in [`read_required`].
pub fn read_required_csv(path: &Path) -> Result<policysim_io::csv_input::CsvReader> {
    check_present(path)?;
    policysim_io::csv_input::read_csv(
        path,
        "a table of a policysim results folder",
        policysim_io::csv_input::CsvLayout::default(),
    )
}

/// A file of a results folder must be there: else the folder is incomplete.
fn check_present(path: &Path) -> Result<()> {
    if !path.is_file() {
        return Err(Error::input_in(
            path,
            "missing: the results folder is incomplete (re-run the command that wrote it)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A forecast folder of three units (two at risk) with a map of two edges.
    fn folder(edges: &str) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        let w = |name: &str, text: &str| std::fs::write(d.path().join(name), text).unwrap();
        w(
            FORECAST_JSON,
            r#"{"scenario": "s", "policy": null, "train_until": 1990, "horizon": 2,
                "scores": {"policysim": {"auc": 0.75, "brier": 0.2},
                           "eha": {"auc": null, "brier": 0.3},
                           "bass": {"auc": 0.5, "brier": 0.25}}}"#,
        );
        w(
            FORECAST_CSV,
            "unit,name,p1,p2,eha_p1,eha_p2,bass_p1,bass_p2,adopted_within_horizon,adopted_year\n\
             c,C,0.1,0.3,0.2,0.4,0.05,0.1,1,1991\n\
             a,A,0.2,0.6,0.1,0.2,0.05,0.1,0,\n",
        );
        w(
            "map.csv",
            "node,name,x,y,region,level,adopted_step,label\n0,a,0,0,,,,\n1,b,1,0,,,3,\n2,c,0,1,,,,\n",
        );
        w("map_edges.csv", edges);
        d
    }

    #[test]
    fn reads_the_horizon_columns_the_scores_and_the_units_on_the_map() {
        let d = folder("source,target\n1,0\n2,1\n");
        let f = SavedForecast::read(d.path()).unwrap();
        assert_eq!(f.name.en, "s");
        assert_eq!((f.train_until, f.horizon), (1990, 2));
        assert_eq!(
            f.at_horizon,
            [vec![0.3, 0.6], vec![0.4, 0.2], vec![0.1, 0.1]]
        );
        assert_eq!(f.outcome, [true, false]);
        assert_eq!(f.auc, [Some(0.75), None, Some(0.5)]);
        assert_eq!(f.brier, [0.2, 0.3, 0.25]);
        let map = f.map.unwrap();
        assert_eq!(map.at_risk, [2, 0]);
        assert_eq!(map.edges, Some(vec![(1, 0), (2, 1)]));
        assert_eq!((map.x, map.y), (vec![0.0, 1.0, 0.0], vec![0.0, 0.0, 1.0]));
    }

    #[test]
    fn an_edge_to_a_node_not_on_the_map_is_refused_naming_the_line() {
        let d = folder("source,target\n1,0\n7,1\n");
        let e = SavedForecast::read(d.path()).unwrap_err().to_string();
        assert!(e.contains("map_edges.csv") && e.contains("line 3"), "{e}");
        // without map.csv: no map, the other charts still
        std::fs::remove_file(d.path().join("map.csv")).unwrap();
        assert!(SavedForecast::read(d.path()).unwrap().map.is_none());
    }
}
