//! Writing one file atomically: to a temporary name in the same folder, then renamed
//! when complete, so a reader never sees a half-written file.
//!
//! Every file policysim writes outside a staging folder goes through [`AtomicFile`]:
//! whole texts by [`write_atomic`] (or [`write_atomic_unsynced`] for a sweep's many
//! small point files), streams (a panel, a point's event history, a Parquet table) by
//! writing into an [`AtomicFile`] and [`publishing`](AtomicFile::publish) it. A file
//! dropped before it is published leaves nothing behind.

use policysim_model::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Whether a published file waits for the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `fsync` before the rename: after a crash the file is whole or absent.
    Synced,
    /// No `fsync` (cheaper for many small files that are recomputed when missing or
    /// unreadable after a crash, as a sweep's point files are on resume).
    Unsynced,
}

/// A file being written under its temporary name (`.<name>.tmp` beside it), published
/// under its own name by [`AtomicFile::publish`]; dropped unpublished, the temporary
/// file is removed.
///
/// # Examples
///
/// ```
/// use policysim_io::atomic_file::{AtomicFile, Durability};
/// use std::io::Write;
///
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("panel.csv");
/// let mut file = AtomicFile::create(&path).unwrap();
/// writeln!(file, "unit,year,adopted").unwrap();
/// assert!(!path.exists());
/// file.publish(Durability::Synced).unwrap();
/// assert_eq!(std::fs::read_to_string(&path).unwrap(), "unit,year,adopted\n");
/// ```
pub struct AtomicFile {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicFile {
    /// Creates the temporary file of `path` (replacing one left by an earlier attempt).
    pub fn create(path: &Path) -> Result<AtomicFile> {
        let tmp = temp_name(path);
        let file = File::create(&tmp).map_err(|e| Error::io(path, e))?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            tmp,
            writer: Some(BufWriter::new(file)),
        })
    }

    /// The temporary file, complete up to the last [`Write::flush`]: for a table that is
    /// read again (converted to Parquet) before it is published.
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// The name the file is published under.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes, waits for the disk when `durability` says so, and renames the file into
    /// place. On an error the temporary file is removed and `path` is left as it was.
    pub fn publish(mut self, durability: Durability) -> Result<()> {
        let writer = self.writer.take().expect("an AtomicFile is published once");
        let result = (|| {
            let file = writer.into_inner().map_err(|e| e.into_error())?;
            if durability == Durability::Synced {
                file.sync_all()?;
            }
            drop(file);
            std::fs::rename(&self.tmp, &self.path)
        })();
        result.map_err(|e| {
            let _ = std::fs::remove_file(&self.tmp);
            Error::io(&self.path, e)
        })
    }

    /// The error of writing to this file, naming it.
    pub fn error(&self, e: std::io::Error) -> Error {
        Error::io(&self.path, e)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.writer.as_mut() {
            Some(w) => w.write(buf),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.writer.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, `fsync`, then
/// rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, bytes, Durability::Synced)
}

/// Writes `bytes` to `path` atomically without waiting for the disk
/// ([`Durability::Unsynced`]): after a crash the file reads as missing or unreadable.
pub fn write_atomic_unsynced(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, bytes, Durability::Unsynced)
}

fn write_with(path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    let mut file = AtomicFile::create(path)?;
    file.write_all(bytes).map_err(|e| file.error(e))?;
    file.publish(durability)
}

/// The temporary name used while `path` is being written: `.<name>.tmp` beside it.
pub fn temp_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unpublished_file_leaves_nothing_and_the_old_file_stays() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "old").unwrap();
        {
            let mut f = AtomicFile::create(&path).unwrap();
            f.write_all(b"new, half").unwrap();
            f.flush().unwrap();
            assert_eq!(std::fs::read(f.temp_path()).unwrap(), b"new, half");
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write_atomic_unsynced(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        // the destination is a non-empty folder: the rename fails
        let path = dir.path().join("taken");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("x"), "x").unwrap();
        let e = write_atomic(&path, b"data").unwrap_err();
        assert!(e.to_string().contains("taken"), "{e}");
        assert!(!temp_name(&path).exists());
    }
}
