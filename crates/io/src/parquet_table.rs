//! Tables as CSV and/or Parquet (`--table-format csv|parquet|both`): every Parquet file
//! policysim writes is made here, from the CSV text (or CSV files) the commands already
//! write, so the two formats always hold the same table.
//!
//! Column types: a column named in [`TEXT_COLUMNS`] (node ids, channels, names) is Utf8;
//! one named in [`INTEGER_COLUMNS`] (runs, points, steps, years, 0/1 indicators, counts)
//! is Int64 when every cell is a whole number; any other column whose cells are all
//! numbers is Float64 (so a share that happens to be 0 or 1 in every row is still a
//! float), and the rest is Utf8. An empty CSV cell is a null. The types depend on the
//! column names and cells only, so the same table always gets the same schema.
//!
//! The bytes are reproducible: the writer's `created_by` is `policysim VERSION`, no
//! timestamp is written, rows keep the CSV's order, and row groups hold
//! [`ROW_GROUP_ROWS`] rows (a large table is converted in batches: memory does not grow
//! with it). Pages are compressed with Snappy, which every Parquet reader knows.

use crate::atomic_file::{AtomicFile, Durability};
use arrow_array::builder::{Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use policysim_model::error::{Error, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which files a table is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableFormat {
    /// `NAME.csv` only (the default).
    #[default]
    Csv,
    /// `NAME.parquet` only.
    Parquet,
    /// Both `NAME.csv` and `NAME.parquet`.
    Both,
}

/// The values of `--table-format`.
pub const TABLE_FORMATS: &[&str] = &["csv", "parquet", "both"];

impl TableFormat {
    /// Parses `csv`, `parquet` or `both`.
    pub fn parse(s: &str) -> std::result::Result<TableFormat, String> {
        match s {
            "csv" => Ok(TableFormat::Csv),
            "parquet" => Ok(TableFormat::Parquet),
            "both" => Ok(TableFormat::Both),
            _ => Err(format!(
                "`{s}`: unknown table format (expected csv, parquet or both)"
            )),
        }
    }

    /// True when the CSV file is written.
    pub fn csv(self) -> bool {
        self != TableFormat::Parquet
    }

    /// True when the Parquet file is written.
    pub fn parquet(self) -> bool {
        self != TableFormat::Csv
    }
}

/// Rows per Parquet row group (and per batch converted at a time).
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Columns always written as Utf8: node ids (which may look like numbers), names, labels.
pub const TEXT_COLUMNS: &[&str] = &[
    "unit",
    "source",
    "target",
    "node_name",
    "name",
    "label",
    "event",
    "channel",
    "series",
    "region",
    "level",
    "term",
    "note",
    "converged",
    "parameter",
    "index",
    "metric",
    "method",
];

/// Columns written as Int64 when every cell is a whole number: run and point numbers,
/// seeds, steps, years, 0/1 indicators and counts.
pub const INTEGER_COLUMNS: &[&str] = &[
    "point",
    "run",
    "seed",
    "step",
    "year",
    "node",
    "adopted_step",
    "lineage",
    "adopt",
    "years_since_first",
    "n_sources_adopted",
    "parent_adopted",
    "contiguous",
    "same_parent",
    "learned_from",
    "source_years_since_adoption",
    "neighbours_adopted",
    "at_risk",
    "adoptions",
    "event_time",
    "cascade_id",
    "toa",
    "runs",
    "rows",
    "clusters",
];

/// The `created_by` of every Parquet file: `policysim VERSION`, no build detail, so
/// files do not change with the compiler.
pub fn created_by() -> String {
    format!("policysim {}", env!("CARGO_PKG_VERSION"))
}

/// Where one part of a table comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// CSV text in memory.
    Text(&'a str),
    /// A CSV file.
    File(&'a Path),
}

/// One part of a table: its CSV rows, and with a key column (`point` of a sweep) the
/// key every row of this part gets.
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// The rows.
    pub source: Source<'a>,
    /// The value of the key column for these rows.
    pub key: Option<i64>,
}

/// Writes the table `csv` to `csv_path` (when `format` writes CSV) and to the same name
/// with `.parquet` (when it writes Parquet), each atomically.
pub fn write_table(csv_path: &Path, csv: &str, format: TableFormat) -> Result<()> {
    if format.csv() {
        crate::atomic_file::write_atomic(csv_path, csv.as_bytes())?;
    }
    if format.parquet() {
        let part = Part {
            source: Source::Text(csv),
            key: None,
        };
        write_parquet(&parquet_path(csv_path), &[part], None)?;
    }
    Ok(())
}

/// `NAME.parquet` beside `NAME.csv` (a name without `.csv` gets `.parquet` added; a
/// `.parquet` name stays).
pub fn parquet_path(csv_path: &Path) -> PathBuf {
    if csv_path
        .extension()
        .is_some_and(|e| e == "csv" || e == "parquet")
    {
        csv_path.with_extension("parquet")
    } else {
        let mut name = csv_path.as_os_str().to_os_string();
        name.push(".parquet");
        PathBuf::from(name)
    }
}

/// Converts the CSV file `csv_path` into `NAME.parquet` beside it; with a format that
/// writes no CSV, the CSV file is then removed. Used for the tables streamed to disk as
/// runs finish (`runs.csv`, `events.csv`).
pub fn convert_file(csv_path: &Path, format: TableFormat) -> Result<()> {
    if format.parquet() {
        let part = Part {
            source: Source::File(csv_path),
            key: None,
        };
        write_parquet(&parquet_path(csv_path), &[part], None)?;
    }
    if !format.csv() {
        std::fs::remove_file(csv_path).map_err(|e| Error::io(csv_path, e))?;
    }
    Ok(())
}

/// Writes the parts (CSV tables, their columns in the order they first appear) as one Parquet file at `path`,
/// atomically (a temporary name, renamed when complete). With `key_column`, the file's
/// first column holds each part's key (a sweep's `point`).
pub fn write_parquet(path: &Path, parts: &[Part], key_column: Option<&str>) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    write_parquet_to(&mut file, parts, key_column)
        .map_err(|e| e.of(&path.display().to_string()))?;
    file.publish(Durability::Synced)
}

/// Writes the parts as one Parquet file into `out` and returns it.
pub fn write_parquet_to<W: Write + Send>(
    out: W,
    parts: &[Part],
    key_column: Option<&str>,
) -> Result<W> {
    if parts.is_empty() {
        return Err(Error::Failure("a table with no part".into()));
    }
    // the columns: every part's, in the order they first appear (a part without a
    // column has nulls in it: points of a sweep may differ in optional columns)
    let mut header: Vec<String> = Vec::new();
    let mut maps: Vec<Vec<Option<usize>>> = Vec::with_capacity(parts.len());
    for part in parts {
        for name in header_of(part)? {
            if !header.contains(&name) {
                header.push(name);
            }
        }
    }
    for part in parts {
        let own = header_of(part)?;
        maps.push(
            header
                .iter()
                .map(|name| own.iter().position(|n| n == name))
                .collect(),
        );
    }
    // first pass: what every column holds
    let mut stats = vec![ColumnStats::default(); header.len()];
    for (part, map) in parts.iter().zip(&maps) {
        let mut reader = open(part)?;
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(part, e))?;
            for (s, i) in stats.iter_mut().zip(map) {
                s.see(i.and_then(|i| record.get(i)).unwrap_or(""));
            }
        }
    }
    let kinds: Vec<Kind> = header
        .iter()
        .zip(&stats)
        .map(|(name, s)| s.kind(name))
        .collect();
    let mut fields = Vec::with_capacity(header.len() + 1);
    if let Some(k) = key_column {
        fields.push(Field::new(k, DataType::Int64, false));
    }
    for (name, kind) in header.iter().zip(&kinds) {
        fields.push(Field::new(name.as_str(), kind.data_type(), true));
    }
    let schema = Arc::new(Schema::new(fields));
    let props = WriterProperties::builder()
        .set_created_by(created_by())
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .build();
    let mut writer =
        ArrowWriter::try_new(out, schema.clone(), Some(props)).map_err(parquet_error)?;
    // second pass: the rows, a batch at a time
    let mut batch = Batch::new(key_column.is_some(), &kinds);
    for (part, map) in parts.iter().zip(&maps) {
        let mut reader = open(part)?;
        for record in reader.records() {
            let record = record.map_err(|e| csv_error(part, e))?;
            batch.push(part.key, map, &record);
            if batch.rows == ROW_GROUP_ROWS {
                writer
                    .write(&batch.finish(&schema)?)
                    .map_err(parquet_error)?;
            }
        }
    }
    if batch.rows > 0 || writer.flushed_row_groups().is_empty() {
        writer
            .write(&batch.finish(&schema)?)
            .map_err(parquet_error)?;
    }
    writer.into_inner().map_err(parquet_error)
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Float,
    Text,
}

impl Kind {
    fn data_type(self) -> DataType {
        match self {
            Kind::Int => DataType::Int64,
            Kind::Float => DataType::Float64,
            Kind::Text => DataType::Utf8,
        }
    }
}

/// What the cells of one column are.
#[derive(Debug, Clone)]
struct ColumnStats {
    all_int: bool,
    all_float: bool,
}

impl Default for ColumnStats {
    fn default() -> Self {
        ColumnStats {
            all_int: true,
            all_float: true,
        }
    }
}

impl ColumnStats {
    fn see(&mut self, cell: &str) {
        if cell.is_empty() {
            return;
        }
        if self.all_int && cell.parse::<i64>().is_err() {
            self.all_int = false;
        }
        if self.all_float && cell.parse::<f64>().is_err() {
            self.all_float = false;
        }
    }

    fn kind(&self, name: &str) -> Kind {
        if TEXT_COLUMNS.contains(&name) {
            Kind::Text
        } else if INTEGER_COLUMNS.contains(&name) && self.all_int {
            Kind::Int
        } else if self.all_float {
            Kind::Float
        } else {
            Kind::Text
        }
    }
}

/// One column being filled.
enum Builder {
    Int(Int64Builder),
    Float(Float64Builder),
    Text(StringBuilder),
}

/// The rows of one batch, column by column.
struct Batch {
    key: Option<Int64Builder>,
    columns: Vec<Builder>,
    rows: usize,
}

impl Batch {
    fn new(keyed: bool, kinds: &[Kind]) -> Batch {
        Batch {
            key: keyed.then(Int64Builder::new),
            columns: kinds
                .iter()
                .map(|k| match k {
                    Kind::Int => Builder::Int(Int64Builder::new()),
                    Kind::Float => Builder::Float(Float64Builder::new()),
                    Kind::Text => Builder::Text(StringBuilder::new()),
                })
                .collect(),
            rows: 0,
        }
    }

    /// Adds one row (its cells were checked by the first pass): the table's column `c`
    /// is the record's cell `map[c]`.
    fn push(&mut self, key: Option<i64>, map: &[Option<usize>], record: &csv::StringRecord) {
        if let Some(b) = self.key.as_mut() {
            b.append_value(key.unwrap_or_default());
        }
        for (b, i) in self.columns.iter_mut().zip(map) {
            let cell = i.and_then(|i| record.get(i)).unwrap_or("");
            let empty = cell.is_empty();
            match b {
                Builder::Int(b) => b.append_option((!empty).then(|| cell.parse().ok()).flatten()),
                Builder::Float(b) => b.append_option((!empty).then(|| cell.parse().ok()).flatten()),
                Builder::Text(b) => b.append_option((!empty).then_some(cell)),
            }
        }
        self.rows += 1;
    }

    /// The batch of the rows added since the last one (the builders start again empty).
    fn finish(&mut self, schema: &Arc<Schema>) -> Result<RecordBatch> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len() + 1);
        if let Some(b) = self.key.as_mut() {
            arrays.push(Arc::new(b.finish()));
        }
        for b in &mut self.columns {
            arrays.push(match b {
                Builder::Int(b) => Arc::new(b.finish()),
                Builder::Float(b) => Arc::new(b.finish()),
                Builder::Text(b) => Arc::new(b.finish()),
            });
        }
        self.rows = 0;
        RecordBatch::try_new(schema.clone(), arrays)
            .map_err(|e| Error::Failure(format!("a Parquet batch: {e}")))
    }
}

fn open<'a>(part: &Part<'a>) -> Result<csv::Reader<Box<dyn Read + 'a>>> {
    use crate::csv_input::CsvLayout;
    let read: Box<dyn Read + 'a> = match part.source {
        Source::Text(t) => Box::new(t.as_bytes()),
        Source::File(p) => {
            return crate::csv_input::stream_csv(p, "a results table (CSV)", CsvLayout::default())
        }
    };
    Ok(CsvLayout::default().reader(read))
}

fn header_of(part: &Part) -> Result<Vec<String>> {
    let mut reader = open(part)?;
    let header = reader.headers().map_err(|e| csv_error(part, e))?;
    Ok(header.iter().map(str::to_string).collect())
}

fn part_name(part: &Part) -> String {
    match part.source {
        Source::Text(_) => "a table".into(),
        Source::File(p) => p.display().to_string(),
    }
}

fn csv_error(part: &Part, e: csv::Error) -> Error {
    Error::Failure(format!("{}: {e}", part_name(part)))
}

fn parquet_error(e: parquet::errors::ParquetError) -> Error {
    Error::Failure(format!("writing Parquet: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(csv: &str, key: Option<&str>) -> Vec<u8> {
        let part = Part {
            source: Source::Text(csv),
            key: Some(7),
        };
        write_parquet_to(Vec::new(), &[part], key).unwrap()
    }

    #[test]
    fn formats_parse_and_say_what_they_write() {
        assert_eq!(TableFormat::parse("both"), Ok(TableFormat::Both));
        assert!(TableFormat::parse("xml")
            .unwrap_err()
            .contains("csv, parquet or both"));
        assert!(TableFormat::Csv.csv() && !TableFormat::Csv.parquet());
        assert!(!TableFormat::Parquet.csv() && TableFormat::Parquet.parquet());
        assert!(TableFormat::Both.csv() && TableFormat::Both.parquet());
    }

    #[test]
    fn column_types_follow_names_and_cells() {
        let stats = |cells: &[&str]| {
            let mut s = ColumnStats::default();
            for c in cells {
                s.see(c);
            }
            s
        };
        assert_eq!(stats(&["1", "", "3"]).kind("run"), Kind::Int);
        // a share that is 0 or 1 in every row is still a float
        assert_eq!(stats(&["1", "0"]).kind("final_share"), Kind::Float);
        assert_eq!(stats(&["1.5", "2"]).kind("year"), Kind::Float);
        assert_eq!(stats(&["12", "3"]).kind("unit"), Kind::Text);
        assert_eq!(stats(&["a", "2"]).kind("x"), Kind::Text);
        assert_eq!(stats(&["", ""]).kind("t50"), Kind::Float);
    }

    #[test]
    fn the_same_table_gives_the_same_bytes_and_a_parquet_file() {
        let csv = "run,unit,share,channel\n0,3,0.5,learning\n1,,1,\n";
        let a = bytes(csv, Some("point"));
        assert_eq!(a, bytes(csv, Some("point")));
        assert_eq!(&a[..4], b"PAR1");
        assert_eq!(&a[a.len() - 4..], b"PAR1");
        let created = created_by();
        assert!(a.windows(created.len()).any(|w| w == created.as_bytes()));
        assert_ne!(a, bytes(csv, None));
    }

    #[test]
    fn parts_with_other_columns_get_nulls_in_them() {
        let parts = [
            Part {
                source: Source::Text("a,b\n1,2\n"),
                key: Some(0),
            },
            Part {
                source: Source::Text("a,c\n1,2\n"),
                key: Some(1),
            },
        ];
        let both = write_parquet_to(Vec::new(), &parts, Some("point")).unwrap();
        // the same as the table with the empty cells written out
        let filled = [
            Part {
                source: Source::Text("a,b,c\n1,2,\n"),
                key: Some(0),
            },
            Part {
                source: Source::Text("a,b,c\n1,,2\n"),
                key: Some(1),
            },
        ];
        assert_eq!(
            both,
            write_parquet_to(Vec::new(), &filled, Some("point")).unwrap()
        );
    }

    #[test]
    fn parquet_names_replace_csv() {
        assert_eq!(
            parquet_path(Path::new("a/panel.csv")),
            PathBuf::from("a/panel.parquet")
        );
        assert_eq!(
            parquet_path(Path::new("a/panel.parquet")),
            PathBuf::from("a/panel.parquet")
        );
        assert_eq!(
            parquet_path(Path::new("a/panel")),
            PathBuf::from("a/panel.parquet")
        );
    }
}
