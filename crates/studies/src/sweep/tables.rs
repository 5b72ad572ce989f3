//! A sweep's tables as Parquet (`--table-format parquet|both`): one file per table for
//! the whole folder (a shard's points, or every point), never one small file per point.
//!
//! `sweep.parquet` holds the rows of `sweep.csv`; `runs.parquet`, `curves.parquet` and
//! `events.parquet` hold the points' `runs.csv`, `curves.csv` and `events.csv` (kept with
//! `--keep-points`, `--baseline` or `--record events`), one after the other in point
//! order, with the point's number as the first column, `point`. `sweep.csv` and the
//! points' CSV files stay: they are what a resumed sweep, `merge`, `plot` and
//! `sensitivity` read.

use super::exec::point_dir;
use policysim_io::parquet_table::{parquet_path, write_parquet, Part, Source};
use policysim_model::error::Result;
use std::path::{Path, PathBuf};

/// The points' tables gathered into one Parquet file each.
pub const POINT_TABLES: [&str; 3] = ["runs.csv", "curves.csv", "events.csv"];

/// The Parquet files a sweep may write at the top of its folder.
pub const PARQUET_FILES: [&str; 4] = [
    "sweep.parquet",
    "runs.parquet",
    "curves.parquet",
    "events.parquet",
];

/// Writes `sweep.parquet` (the table `sweep_csv`) and, for every table the `points`
/// kept, one Parquet file of all of them, into `out`.
pub(super) fn write_parquet_tables(out: &Path, sweep_csv: &str, points: &[usize]) -> Result<()> {
    let sweep = Part {
        source: Source::Text(sweep_csv),
        key: None,
    };
    write_parquet(&out.join(super::SWEEP_PARQUET), &[sweep], None)?;
    for name in POINT_TABLES {
        let files: Vec<(i64, PathBuf)> = points
            .iter()
            .map(|&i| (i as i64, point_dir(out, i).join(name)))
            .filter(|(_, p)| p.is_file())
            .collect();
        if files.is_empty() {
            continue;
        }
        let parts: Vec<Part> = files
            .iter()
            .map(|(i, p)| Part {
                source: Source::File(p),
                key: Some(*i),
            })
            .collect();
        write_parquet(&parquet_path(&out.join(name)), &parts, Some("point"))?;
    }
    Ok(())
}
