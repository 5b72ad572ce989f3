//! The one capped reader of input files: a file larger than policysim reads is refused
//! with a message instead of exhausting memory (`/dev/zero`, a runaway pipe), and a
//! named pipe (FIFO) with no writer, or with a writer that sends nothing, is an error at
//! once instead of a read that blocks for ever (it is opened without blocking).
//!
//! Every input file goes through [`read_limited`]: scenario files, data files (node,
//! edge, initial), observed adoptions, hypotheses files, the node file of
//! `innovativeness --nodes`, the data files a sweep fingerprints, and the files of a
//! results folder that `plot` and `compare` read. Each is noted, with the SHA-256 of the
//! bytes read, for the `provenance.json` of the folder the command writes.

use crate::machine::{available_memory, format_bytes};
use policysim_model::error::Error;

/// Largest data file read, relative to the available memory: reading and indexing an
/// edge file takes about 8 bytes per byte of file.
const FILE_BYTES_FACTOR: u64 = 8;

/// Largest scenario file read (a scenario is a few kilobytes; this only stops runaway reads).
pub const MAX_SCENARIO_BYTES: u64 = 64 << 20;

/// Largest data file read: what the available memory allows, else 16 GiB.
pub fn max_data_file_bytes() -> u64 {
    available_memory().map_or(16 << 30, |a| (a / FILE_BYTES_FACTOR).max(1 << 20))
}

/// Reads a whole file, but fails with [`std::io::ErrorKind::FileTooLarge`] beyond `cap`
/// bytes (so that `/dev/zero` or a runaway pipe is refused instead of exhausting memory).
pub fn read_limited(path: &std::path::Path, cap: u64) -> std::io::Result<Vec<u8>> {
    let bytes = read_capped(path, cap)?;
    crate::provenance::note_input(path, &bytes);
    Ok(bytes)
}

/// A file of a results folder read for the folder's bookkeeping (a sweep's resume, a
/// merge's check, the summary a run adds to): capped like an input ([`read_limited`],
/// with the data files' cap) but not noted as an input of the command.
pub fn read_folder_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    read_capped(path, max_data_file_bytes())
}

/// [`read_folder_file`] as UTF-8 text; errors name the file.
pub fn read_folder_text(path: &std::path::Path) -> Result<String, Error> {
    let bytes = read_folder_file(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|_| Error::input_in(path, "not UTF-8 text"))
}

/// Reads a whole file up to `cap` bytes ([`read_limited`] without the note).
fn read_capped(path: &std::path::Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = crate::open_file::open_without_blocking(path)?;
    let metadata = file.metadata()?;
    if metadata.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::IsADirectory,
            "is a folder, not a file",
        ));
    }
    let hint = metadata.len().min(cap);
    let mut bytes = Vec::with_capacity(hint as usize);
    file.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!(
                "larger than {}, the most policysim reads",
                format_bytes(cap)
            ),
        ));
    }
    Ok(bytes)
}

/// The error of reading input file `path` (`what` it should be, e.g. "an observed
/// adoptions file"): the one rule of which failures are bad input (exit 2: missing, a
/// folder, too large, not readable as a file) and which are the system's (exit 1).
pub fn input_error(path: &std::path::Path, e: std::io::Error, what: &str) -> Error {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => Error::input_in(path, format!("file not found; expected {what}")),
        K::IsADirectory => Error::input_in(path, format!("is a folder; expected {what}")),
        K::NotADirectory => Error::input_in(
            path,
            format!("file not found (a folder on its path is a file); expected {what}"),
        ),
        K::FileTooLarge | K::InvalidData | K::WouldBlock | K::UnexpectedEof => {
            Error::input_in(path, format!("cannot be read as {what}: {e}"))
        }
        _ => Error::io(path, e),
    }
}

/// Checks that a file read as a stream (too large to hold, e.g. a panel) is a regular
/// file: missing, a folder or a pipe is bad input naming it ([`input_error`]'s rule).
pub fn check_stream_file(path: &std::path::Path, what: &str) -> Result<(), Error> {
    let metadata = std::fs::metadata(path).map_err(|e| input_error(path, e, what))?;
    if metadata.is_dir() {
        return Err(input_error(
            path,
            std::io::Error::from(std::io::ErrorKind::IsADirectory),
            what,
        ));
    }
    if !metadata.is_file() {
        return Err(Error::input_in(
            path,
            format!("is not a regular file (a pipe or a device); expected {what}"),
        ));
    }
    Ok(())
}

/// Like [`read_limited`] with the cap for data files ([`max_data_file_bytes`]).
pub fn read_data_file(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    read_limited(path, max_data_file_bytes())
}

/// A data file as UTF-8 text ([`read_data_file`]); errors name the file.
pub fn read_data_text(path: &std::path::Path) -> Result<String, Error> {
    let bytes = read_data_file(path).map_err(|e| Error::io(path, e))?;
    String::from_utf8(bytes).map_err(|_| Error::input_in(path, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_beyond_the_cap_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, vec![b'x'; 100]).unwrap();
        assert_eq!(read_limited(&p, 100).unwrap().len(), 100);
        let e = read_limited(&p, 99).unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::FileTooLarge);
    }

    /// A named pipe that nobody writes to reads as empty at once (before: a read that
    /// never returned).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_without_a_writer_does_not_block() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&p)
            .status()
            .unwrap();
        assert!(status.success());
        let (done, seen) = std::sync::mpsc::channel();
        let path = p.clone();
        std::thread::spawn(move || {
            let _ = done.send(read_limited(&path, 1 << 20).map(|b| b.len()));
        });
        let got = seen
            .recv_timeout(std::time::Duration::from_secs(5))
            .expect("the read returned");
        assert_eq!(got.unwrap(), 0);
    }
}
