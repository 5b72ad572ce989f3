//! The one CSV reader: every CSV file policysim reads — node, edge and initial files,
//! observed adoptions, the node file of `innovativeness --nodes`, the tables of a results
//! folder that `plot`, `compare`, `sensitivity` and `merge` read, the panels of `eha` —
//! is opened here, so that each rule holds for all of them:
//!
//! - the file is read through the one capped reader ([`crate::capped_read`]), so
//!   `/dev/zero`, a pipe or a folder is refused with a message; files too large to hold
//!   (panels, events) are read as a stream after [`crate::capped_read::check_stream_file`];
//! - a UTF-8 byte-order mark (spreadsheets write one) is skipped, and a UTF-16 file is
//!   refused with the way to save it as UTF-8;
//! - a record that is not valid CSV is an input error `file: line N: ...`
//!   ([`csv_error`]).
//!
//! How a format is laid out (a header or not, comment lines, trimmed fields, rows of
//! different lengths) is the caller's, said by a [`CsvLayout`].
//!
//! # Examples
//!
//! ```
//! use policysim_io::csv_input::{csv_text, CsvLayout};
//!
//! let mut reader = csv_text("\u{feff}id,name\na,\"East, coastal\"\n", CsvLayout::default());
//! assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>(), ["id", "name"]);
//! let row = reader.records().next().unwrap().unwrap();
//! assert_eq!(&row[1], "East, coastal");
//! ```

use crate::capped_read::{check_stream_file, input_error, read_data_file};
use policysim_model::error::{Error, Result};
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

/// A CSV reader over a file held in memory.
pub type CsvReader = csv::Reader<Cursor<Vec<u8>>>;

/// A CSV reader over a file read as a stream.
pub type CsvStream = csv::Reader<Box<dyn Read>>;

/// How a CSV format is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvLayout {
    /// The first row is a header (read by `headers()`, not returned as a record).
    pub header: bool,
    /// Rows may have different numbers of fields (the caller checks them).
    pub flexible: bool,
    /// Lines starting with `#` are comments.
    pub comments: bool,
    /// Spaces around every field are removed.
    pub trim: bool,
}

impl Default for CsvLayout {
    /// A header, rows of the header's length, no comments, fields as written.
    fn default() -> CsvLayout {
        CsvLayout {
            header: true,
            flexible: false,
            comments: false,
            trim: false,
        }
    }
}

impl CsvLayout {
    /// Rows may have different numbers of fields.
    pub fn flexible(self) -> CsvLayout {
        CsvLayout {
            flexible: true,
            ..self
        }
    }

    /// No header: the first row is a record.
    pub fn headerless(self) -> CsvLayout {
        CsvLayout {
            header: false,
            ..self
        }
    }

    /// Lines starting with `#` are comments and fields are trimmed.
    pub fn commented_and_trimmed(self) -> CsvLayout {
        CsvLayout {
            comments: true,
            trim: true,
            ..self
        }
    }

    /// A reader laid out so over `read`: for text borrowed in memory (a table being
    /// converted) or a stream opened by [`stream_csv`]; files are opened by [`read_csv`].
    pub fn reader<R: Read>(self, read: R) -> csv::Reader<R> {
        csv::ReaderBuilder::new()
            .has_headers(self.header)
            .flexible(self.flexible)
            .comment(self.comments.then_some(b'#'))
            .trim(if self.trim {
                csv::Trim::All
            } else {
                csv::Trim::None
            })
            .from_reader(read)
    }
}

/// The bytes of CSV file `path` (`what` it should be, e.g. "an observed adoptions file
/// (CSV)"), read by the capped reader, a UTF-8 byte-order mark removed.
///
/// # Errors
/// Missing, a folder, too large or unreadable: [`input_error`]'s rule. A UTF-16 file
/// (a spreadsheet's "Unicode text"): an input error saying to save it as CSV UTF-8.
pub fn read_csv_bytes(path: &Path, what: &str) -> Result<Vec<u8>> {
    let mut bytes = read_data_file(path).map_err(|e| input_error(path, e, what))?;
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    } else if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Input(format!(
            "{}:1: the file is UTF-16 encoded, expected UTF-8 (save it as \"CSV UTF-8\")",
            path.display()
        )));
    }
    Ok(bytes)
}

/// Opens CSV file `path` (`what` it should be, for messages) laid out as `layout`:
/// [`read_csv_bytes`], then a reader over them.
pub fn read_csv(path: &Path, what: &str, layout: CsvLayout) -> Result<CsvReader> {
    Ok(layout.reader(Cursor::new(read_csv_bytes(path, what)?)))
}

/// A reader over CSV text already in memory (a row kept in a JSON record, a saved
/// table read with its folder): a UTF-8 byte-order mark skipped.
pub fn csv_text(text: impl Into<Vec<u8>>, layout: CsvLayout) -> CsvReader {
    let mut bytes = text.into();
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    layout.reader(Cursor::new(bytes))
}

/// Opens CSV file `path` as a stream, for files too large to hold (a panel, the events
/// of a run): checked to be a regular file first ([`check_stream_file`]); a byte-order
/// mark skipped. An input of the command is noted for its provenance by the caller
/// ([`crate::provenance::note_input_file`]); a table the command wrote itself is not one.
pub fn stream_csv(path: &Path, what: &str, layout: CsvLayout) -> Result<CsvStream> {
    check_stream_file(path, what)?;
    let file =
        crate::open_file::open_without_blocking(path).map_err(|e| input_error(path, e, what))?;
    let mut read = BufReader::new(file);
    let mut start = [0u8; 3];
    let mut filled = 0;
    while filled < 3 {
        match read.read(&mut start[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io(path, e)),
        }
    }
    let kept: Vec<u8> = if start[..filled] == [0xEF, 0xBB, 0xBF] {
        Vec::new()
    } else {
        start[..filled].to_vec()
    };
    let read: Box<dyn Read> = Box::new(Cursor::new(kept).chain(read));
    Ok(layout.reader(read))
}

/// The error of reading a record of CSV file `path`: `file: line N: ...` (bad input),
/// or a failure of the system when the file could not be read.
pub fn csv_error(path: &Path, e: &csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(_) => Error::Failure(format!("{}: {e}", path.display())),
        _ => {
            let line = e.position().map_or(0, |p| p.line());
            Error::input_in(path, format!("line {line}: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_skipped_in_files_texts_and_streams() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("a.csv");
        std::fs::write(&path, "\u{feff}id,x\n1,2\n").unwrap();
        let mut r = read_csv(&path, "a table", CsvLayout::default()).unwrap();
        assert_eq!(&r.headers().unwrap()[0], "id");
        let mut s = stream_csv(&path, "a table", CsvLayout::default()).unwrap();
        assert_eq!(&s.headers().unwrap()[0], "id");
        assert_eq!(s.records().count(), 1);
        let mut t = csv_text("\u{feff}id,x\n", CsvLayout::default());
        assert_eq!(&t.headers().unwrap()[0], "id");
    }

    #[test]
    fn a_short_file_streams_whole() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("a.csv");
        std::fs::write(&path, "a").unwrap();
        let mut s = stream_csv(&path, "a table", CsvLayout::default()).unwrap();
        assert_eq!(&s.headers().unwrap()[0], "a");
    }

    #[test]
    fn utf16_missing_and_folders_are_input_errors_naming_the_file() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join("u.csv");
        std::fs::write(&path, [0xFF, 0xFE, b'i', 0]).unwrap();
        let e = read_csv(&path, "a table", CsvLayout::default()).unwrap_err();
        assert!(matches!(e, Error::Input(_)), "{e}");
        assert!(e.to_string().contains("u.csv:1: the file is UTF-16"), "{e}");
        let missing = d.path().join("none.csv");
        let e = read_csv(&missing, "a table", CsvLayout::default()).unwrap_err();
        assert!(e.to_string().contains("none.csv") && e.to_string().contains("a table"));
        let Err(e) = stream_csv(d.path(), "a table", CsvLayout::default()) else {
            panic!("a folder streamed as CSV")
        };
        assert!(matches!(e, Error::Input(_)), "{e}");
    }

    #[test]
    fn a_bad_record_is_an_input_error_with_its_line() {
        let mut r = csv_text("a,b\n1,2\n3\n", CsvLayout::default());
        let e = r.records().find_map(|r| r.err()).unwrap();
        let e = csv_error(Path::new("t.csv"), &e);
        assert!(matches!(e, Error::Input(_)));
        assert!(
            e.to_string().contains("t.csv") && e.to_string().contains("line 3"),
            "{e}"
        );
        let mut r = csv_text("a,b\n1,2\n3\n", CsvLayout::default().flexible());
        assert!(r.records().all(|r| r.is_ok()));
    }

    #[test]
    fn comments_and_spaces_go_when_the_layout_says_so() {
        let layout = CsvLayout::default().headerless().commented_and_trimmed();
        let mut r = csv_text("# ids\n a , b\n", layout.flexible());
        let row = r.records().next().unwrap().unwrap();
        assert_eq!(row.iter().collect::<Vec<_>>(), ["a", "b"]);
    }
}
