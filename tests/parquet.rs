//! `--table-format csv|parquet|both`: the Parquet files hold the same table as the CSV
//! files (column names, values, empty cells as nulls), are byte-identical with 1 and 2
//! threads, a sweep shard's tables are one file each (a `point` column), and a bad
//! format is refused with exit code 2 and nothing written. `eha` writes its folder whole.

use crate::common::{ok_in as ok, policysim_in as policysim};
use arrow_array::{Array, Float64Array, Int64Array, RecordBatch, StringArray};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::path::{Path, PathBuf};

/// The run tables `--table-format` writes as Parquet.
const RUN_TABLES: [&str; 4] = ["runs", "curves", "hazard", "events"];

/// A Parquet file's columns: (name, Arrow type, cells as the CSV would write them, None
/// for a null); and its `created_by`.
struct Table {
    names: Vec<String>,
    types: Vec<String>,
    cells: Vec<Vec<Option<Cell>>>,
    created_by: String,
}

/// One non-null cell.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Int(i64),
    Float(f64),
    Text(String),
}

fn read_parquet(path: &Path) -> Table {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let created_by = builder
        .metadata()
        .file_metadata()
        .created_by()
        .unwrap_or_default()
        .to_string();
    let schema = builder.schema().clone();
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let types = schema
        .fields()
        .iter()
        .map(|f| f.data_type().to_string())
        .collect();
    let mut cells = Vec::new();
    for batch in builder.build().unwrap() {
        let batch: RecordBatch = batch.unwrap();
        for row in 0..batch.num_rows() {
            let mut out = Vec::new();
            for column in batch.columns() {
                let c = column.as_any();
                out.push(if column.is_null(row) {
                    None
                } else if let Some(a) = c.downcast_ref::<Int64Array>() {
                    Some(Cell::Int(a.value(row)))
                } else if let Some(a) = c.downcast_ref::<Float64Array>() {
                    Some(Cell::Float(a.value(row)))
                } else if let Some(a) = c.downcast_ref::<StringArray>() {
                    Some(Cell::Text(a.value(row).to_string()))
                } else {
                    panic!("{}: a column of another type", path.display())
                });
            }
            cells.push(out);
        }
    }
    Table {
        names,
        types,
        cells,
        created_by,
    }
}

/// The CSV file's header and rows.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap();
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// True when a Parquet cell is what the CSV cell says.
fn same(cell: &Option<Cell>, text: &str) -> bool {
    match cell {
        None => text.is_empty(),
        Some(Cell::Int(i)) => text.parse::<i64>() == Ok(*i),
        Some(Cell::Float(x)) => text.parse::<f64>() == Ok(*x),
        Some(Cell::Text(t)) => t == text,
    }
}

/// Asserts that the Parquet table `p` (after its key columns `skip`) holds the CSV rows
/// `rows` under the CSV `header`; returns the number of nulls.
fn assert_same_table(
    what: &str,
    p: &Table,
    skip: usize,
    header: &[String],
    rows: &[Vec<String>],
) -> usize {
    assert_eq!(&p.names[skip..], header, "{what}: column names");
    assert_eq!(p.cells.len(), rows.len(), "{what}: rows");
    let mut nulls = 0;
    for (i, (pr, cr)) in p.cells.iter().zip(rows).enumerate() {
        for (j, (pc, cc)) in pr[skip..].iter().zip(cr).enumerate() {
            assert!(
                same(pc, cc),
                "{what}: row {i}, column {}: {pc:?} vs `{cc}`",
                header[j]
            );
            nulls += usize::from(pc.is_none());
        }
    }
    nulls
}

fn type_of<'a>(t: &'a Table, column: &str) -> &'a str {
    let k = t.names.iter().position(|n| n == column).unwrap();
    &t.types[k]
}

fn run_small(dir: &Path, out: &str, extra: &[&str]) -> PathBuf {
    crate::events::run(dir, crate::events::SMALL, out, extra)
}

#[test]
fn run_writes_the_same_tables_as_parquet_whatever_the_threads() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let events = ["--record", "events"];
    let both1 = run_small(
        t,
        "both1",
        &[&events[..], &["--table-format", "both", "--threads", "1"]].concat(),
    );
    let both2 = run_small(
        t,
        "both2",
        &[&events[..], &["--table-format", "both", "--threads", "2"]].concat(),
    );
    let only = run_small(
        t,
        "only",
        &[
            &events[..],
            &["--table-format", "parquet", "--threads", "2"],
        ]
        .concat(),
    );
    let csv = run_small(t, "csv", &events);
    let mut nulls = 0;
    for name in RUN_TABLES {
        let pq = format!("{name}.parquet");
        let csv_name = format!("{name}.csv");
        let bytes = std::fs::read(both1.join(&pq)).unwrap();
        assert_eq!(&bytes[..4], b"PAR1", "{pq}");
        assert_eq!(
            bytes,
            std::fs::read(both2.join(&pq)).unwrap(),
            "{pq}: 1 and 2 threads"
        );
        assert_eq!(
            bytes,
            std::fs::read(only.join(&pq)).unwrap(),
            "{pq}: parquet and both"
        );
        assert!(
            !only.join(&csv_name).exists(),
            "{csv_name} written with parquet alone"
        );
        assert!(!csv.join(&pq).exists(), "{pq} written by default");
        assert_eq!(
            std::fs::read(both1.join(&csv_name)).unwrap(),
            std::fs::read(csv.join(&csv_name)).unwrap(),
            "{csv_name}: the CSV does not change with the format"
        );
        let p = read_parquet(&both1.join(&pq));
        assert_eq!(
            p.created_by,
            format!("policysim {}", env!("CARGO_PKG_VERSION"))
        );
        let (header, rows) = read_csv(&both1.join(&csv_name));
        assert!(!rows.is_empty(), "{csv_name} has rows");
        nulls += assert_same_table(&pq, &p, 0, &header, &rows);
    }
    // events: empty source (own invention) and year (no calendar) cells are nulls
    assert!(nulls > 0);
    let e = read_parquet(&only.join("events.parquet"));
    assert_eq!(type_of(&e, "run"), "Int64");
    assert_eq!(type_of(&e, "unit"), "Utf8");
    assert_eq!(type_of(&e, "quality"), "Float64");
    let r = read_parquet(&only.join("runs.parquet"));
    assert_eq!(type_of(&r, "final_share"), "Float64");
    // the provenance record names the Parquet files with their hashes
    let prov = std::fs::read_to_string(only.join("provenance.json")).unwrap();
    assert!(
        prov.contains("\"events.parquet\"") && !prov.contains("\"events.csv\""),
        "{prov}"
    );
}

#[test]
fn a_sweep_shard_writes_one_parquet_file_per_table_with_a_point_column() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(
        t.join("s.toml"),
        "name = \"pq-sweep\"\nsteps = 12\nruns = 4\nseed = 9\n[network]\nkind = \"ring\"\nn = 40\nk = 4\n\
         [innovation]\nrate = 0.02\n[learning]\nrate = 0.4\n[abandon]\nthreshold = -0.2\nrate = 0.3\n",
    )
    .unwrap();
    let sweep = |out: &str, shard: &str, threads: &str| {
        ok(
            t,
            &[
                "sweep",
                "s.toml",
                "--set",
                "learning.rate=0.1,0.2,0.3,0.4",
                "--out",
                out,
                "--shard",
                shard,
                "--threads",
                threads,
                "--keep-points",
                "--record",
                "events",
                "--table-format",
                "parquet",
                "--quiet",
                "--no-charts",
            ],
        );
        t.join(out)
    };
    let a = sweep("a", "1/2", "1");
    let a2 = sweep("a2", "1/2", "2");
    let b = sweep("b", "2/2", "2");
    for (dir, points) in [(&a, [0i64, 2]), (&b, [1, 3])] {
        let (header, rows) = read_csv(&dir.join("sweep.csv"));
        let s = read_parquet(&dir.join("sweep.parquet"));
        assert_same_table("sweep.parquet", &s, 0, &header, &rows);
        for name in ["runs", "curves", "events"] {
            let pq = format!("{name}.parquet");
            let p = read_parquet(&dir.join(&pq));
            assert_eq!(p.names[0], "point");
            assert_eq!(p.types[0], "Int64");
            let mut at = 0;
            for point in points {
                let (header, rows) = read_csv(&dir.join(format!("points/{point}/{name}.csv")));
                let part = Table {
                    names: p.names.clone(),
                    types: p.types.clone(),
                    cells: p.cells[at..at + rows.len()].to_vec(),
                    created_by: p.created_by.clone(),
                };
                assert!(
                    part.cells.iter().all(|r| r[0] == Some(Cell::Int(point))),
                    "{pq}: point {point}"
                );
                assert_same_table(&pq, &part, 1, &header, &rows);
                at += rows.len();
            }
            assert_eq!(at, p.cells.len(), "{pq}: only the shard's points");
            assert_eq!(
                std::fs::read(a.join(&pq)).unwrap(),
                std::fs::read(a2.join(&pq)).unwrap(),
                "{pq}: 1 and 2 threads"
            );
        }
        // one file per table: none per point
        for entry in std::fs::read_dir(dir.join("points")).unwrap() {
            for f in std::fs::read_dir(entry.unwrap().path()).unwrap() {
                let name = f.unwrap().file_name().to_string_lossy().into_owned();
                assert!(!name.ends_with(".parquet"), "a point's {name}");
            }
        }
    }
    // the shards merge as before (the Parquet files are the shards' own)
    ok(
        t,
        &["merge", "a", "b", "--out", "all", "--no-charts", "--quiet"],
    );
    assert!(t.join("all/sweep.csv").is_file());
}

#[test]
fn sensitivity_writes_its_design_and_results_as_parquet() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(
        t.join("s.toml"),
        "name = \"pq-sens\"\nsteps = 10\nruns = 3\nseed = 3\n[network]\nkind = \"ring\"\nn = 30\nk = 4\n\
         [sensitivity]\ntrajectories = 3\n\"innovation.rate\" = { low = 0.0, high = 0.1 }\n\"learning.rate\" = { low = 0.2, high = 0.4 }\n",
    )
    .unwrap();
    ok(
        t,
        &[
            "sensitivity",
            "s.toml",
            "--method",
            "morris",
            "--out",
            "out",
            "--table-format",
            "parquet",
            "--no-charts",
            "--quiet",
        ],
    );
    let out = t.join("out");
    for name in ["design", "sensitivity", "sweep"] {
        let (header, rows) = read_csv(&out.join(format!("{name}.csv")));
        let p = read_parquet(&out.join(format!("{name}.parquet")));
        assert_same_table(name, &p, 0, &header, &rows);
    }
}

#[test]
fn a_panel_and_an_eha_are_written_as_parquet_beside_or_instead_of_csv() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let run = run_small(t, "run", &["--record", "events"]);
    let r = run.to_str().unwrap();
    for sub in ["p", "q", "x"] {
        std::fs::create_dir(t.join(sub)).unwrap();
    }
    ok(
        t,
        &[
            "panel",
            r,
            "--design",
            "unit-year",
            "--out",
            "p/uy.csv",
            "--table-format",
            "both",
        ],
    );
    ok(
        t,
        &[
            "panel",
            r,
            "--design",
            "unit-year",
            "--out",
            "q/uy.csv",
            "--table-format",
            "parquet",
        ],
    );
    ok(
        t,
        &[
            "panel",
            r,
            "--design",
            "unit-year",
            "--out",
            "x/uy.parquet",
            "--table-format",
            "parquet",
        ],
    );
    let (header, rows) = read_csv(&t.join("p/uy.csv"));
    let p = read_parquet(&t.join("p/uy.parquet"));
    assert!(
        assert_same_table("uy.parquet", &p, 0, &header, &rows) > 0,
        "null cells"
    );
    let bytes = std::fs::read(t.join("p/uy.parquet")).unwrap();
    assert_eq!(bytes, std::fs::read(t.join("q/uy.parquet")).unwrap());
    assert_eq!(bytes, std::fs::read(t.join("x/uy.parquet")).unwrap());
    let mut q: Vec<String> = std::fs::read_dir(t.join("q"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    q.sort();
    assert_eq!(q, ["uy.parquet", "uy.parquet.provenance.json"]);
    // eha: eha.parquet holds eha.csv's table
    ok(
        t,
        &[
            "eha",
            "p/uy.csv",
            "--by-run",
            "--out",
            "e",
            "--table-format",
            "both",
        ],
    );
    for name in ["eha", "eha_by_run"] {
        let (header, rows) = read_csv(&t.join(format!("e/{name}.csv")));
        let p = read_parquet(&t.join(format!("e/{name}.parquet")));
        assert_same_table(name, &p, 0, &header, &rows);
    }
}

/// `eha` writes its folder whole: a folder of other files (the results it came from) is
/// refused, a failed fit leaves an earlier one as it was, an output it cannot create
/// leaves nothing behind.
#[test]
fn eha_writes_its_folder_whole_or_not_at_all() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    let run = run_small(t, "run", &["--record", "events"]);
    let r = run.to_str().unwrap();
    ok(t, &["panel", r, "--design", "unit-year", "--out", "uy.csv"]);
    let listing = |dir: &Path| {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                let e = e.unwrap();
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let before = listing(&run);
    let o = policysim(t, &["eha", "uy.csv", "--out", r]);
    assert_eq!(o.status.code(), Some(2));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("--out") && e.contains("events.csv"), "{e}");
    assert_eq!(listing(&run), before, "the results folder is untouched");
    // an earlier fit is replaced by a new one, and kept when the new one fails
    ok(t, &["eha", "uy.csv", "--out", "e"]);
    let fitted = listing(&t.join("e"));
    assert!(fitted.iter().any(|(n, _)| n == "provenance.json"));
    let o = policysim(
        t,
        &["eha", "uy.csv", "--covariate", "nonesuch", "--out", "e"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(listing(&t.join("e")), fitted);
    ok(t, &["eha", "uy.csv", "--by-run", "--out", "e"]);
    assert!(t.join("e/eha_by_run.csv").is_file());
    // an output folder inside a file cannot be made: an error, and no staging folder left
    let o = policysim(t, &["eha", "uy.csv", "--out", "uy.csv/eha"]);
    assert_ne!(o.status.code(), Some(0));
    let hidden: Vec<String> = std::fs::read_dir(t)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn an_unknown_table_format_is_refused_before_anything_is_written() {
    let d = tempfile::tempdir().unwrap();
    let t = d.path();
    std::fs::write(t.join("s.toml"), crate::events::SMALL).unwrap();
    std::fs::write(t.join("p.csv"), "run,unit,year,adopt\n").unwrap();
    for args in [
        vec!["run", "s.toml", "--out", "out"],
        vec![
            "sweep",
            "s.toml",
            "--set",
            "learning.rate=0.1,0.2",
            "--out",
            "out",
        ],
        vec![
            "sensitivity",
            "s.toml",
            "--set",
            "learning.rate=0.1:0.2",
            "--out",
            "out",
        ],
        vec!["panel", "s.toml", "--design", "toa", "--out", "out"],
        vec!["eha", "p.csv", "--out", "out"],
    ] {
        let o = policysim(t, &[&args[..], &["--table-format", "xml"]].concat());
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(
            e.contains("--table-format") && e.contains("csv, parquet or both"),
            "{args:?}: {e}"
        );
        assert!(!t.join("out").exists(), "{args:?}");
    }
}
