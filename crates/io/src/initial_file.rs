//! The initial-adopters file: node ids or names, one per record.

use crate::csv_input::CsvLayout;
use policysim_model::error::{Error, Result};
use policysim_model::network::Network;

/// Reads a CSV file of node ids or names, one per record: quoted fields may hold any id
/// (commas, quotes, line breaks, a leading `#`); blank lines and lines starting with an
/// unquoted `#` are skipped. A first record with a column `id` is a header (its `id`
/// column is read, other columns are ignored); without one, a first record that names no
/// node is taken for a header too.
pub fn read_initial_file(path: &std::path::Path, network: &Network) -> Result<Vec<u32>> {
    let bytes = crate::csv_input::read_csv_bytes(path, "an initial adopters file (CSV)")?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::input_in(
            path,
            format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()),
        )
    })?;
    // listed names through an index; numbered ones ("0", "1", ...) are read off the id
    let index: std::collections::HashMap<&str, u32> = network
        .names
        .listed()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i as u32))
        .collect();
    let find = |id: &str| {
        index
            .get(id)
            .copied()
            .or_else(|| network.names.numbered_position(id).map(|i| i as u32))
    };
    let layout = CsvLayout::default()
        .headerless()
        .flexible()
        .commented_and_trimmed();
    let mut reader = crate::csv_input::csv_text(text.as_bytes(), layout);
    let mut out = Vec::new();
    let mut first = true;
    // The column that holds the ids (0 unless a header says otherwise).
    let mut column: Option<usize> = None;
    let mut header: Option<(u64, String)> = None;
    let mut record = csv::StringRecord::new();
    loop {
        let more = reader.read_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            Error::Input(format!(
                "{}:{line}: not a valid CSV record ({e}); quote ids that hold commas, quotes or line breaks",
                path.display()
            ))
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.iter().all(str::is_empty) {
            continue;
        }
        if first {
            first = false;
            if let Some(c) = record.iter().position(|f| f.eq_ignore_ascii_case("id")) {
                column = Some(c);
                continue;
            }
        }
        let id = match column {
            Some(c) => record.get(c).unwrap_or(""),
            None if record.len() > 1 => {
                return Err(Error::Input(format!(
                    "{}:{line}: {} fields, expected one node id or name per line (or a header with a column `id`); quote an id that holds a comma",
                    path.display(),
                    record.len()
                )));
            }
            None => record.get(0).unwrap_or(""),
        };
        if id.is_empty() {
            return Err(Error::Input(format!(
                "{}:{line}: empty id, expected a node id or name of the network",
                path.display()
            )));
        }
        match find(id).as_ref() {
            Some(&i) => out.push(i),
            None if out.is_empty() && header.is_none() && column.is_none() => {
                header = Some((line, id.chars().take(60).collect()))
            }
            None => {
                let shown: String = id.chars().take(60).collect();
                return Err(Error::Input(format!(
                    "{}:{line}: unknown node \"{shown}\": expected a node id or name of the network",
                    path.display(),
                )));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err(match header {
            // The only entry was taken for a header: it is more likely an unknown node.
            Some((line, text)) => Error::Input(format!(
                "{}:{line}: unknown node \"{text}\": expected a node id or name of the network (no initial adopters listed)",
                path.display()
            )),
            None => Error::input_in(
                path,
                "no initial adopters listed (one node id or name per line)",
            ),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_lists_ids_and_reports_unknown_ones_with_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("init.csv");
        let mut net = Network::complete(4);
        net.names = vec!["a".into(), "b".into(), "c".into(), "d".into()].into();
        std::fs::write(&p, "\u{feff}id\r\nc\r\n\r\na\r\n").unwrap();
        assert_eq!(read_initial_file(&p, &net).unwrap(), vec![0, 2]);
        // Quoted ids keep their commas, line breaks and leading `#`; a header picks the column.
        net.names = vec!["x,y".into(), "#c".into(), "l\nb".into(), "id".into()].into();
        std::fs::write(&p, "# note\nid\n\"#c\"\n\"l\nb\"\nid\n").unwrap();
        assert_eq!(read_initial_file(&p, &net).unwrap(), vec![1, 2, 3]);
        std::fs::write(&p, "name,id\nfoo,\"x,y\"\n").unwrap();
        assert_eq!(read_initial_file(&p, &net).unwrap(), vec![0]);
        std::fs::write(&p, "\"#c\"\nx,y\n").unwrap();
        let e = read_initial_file(&p, &net).unwrap_err().to_string();
        assert!(e.contains(":2:") && e.contains("2 fields"), "{e}");
        net.names = vec!["a".into(), "b".into(), "c".into(), "d".into()].into();
        std::fs::write(&p, "a\nzz\n").unwrap();
        let e = read_initial_file(&p, &net).unwrap_err().to_string();
        assert!(e.contains(":2:") && e.contains("zz"), "{e}");
    }
}
