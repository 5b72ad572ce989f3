//! Staging folders: a results folder appears complete or not at all.
//!
//! Files are written into a hidden folder beside the destination,
//! `.<name>.partial-<host>-<pid>`, which is renamed into place when every file is
//! complete. Beside it lies its lock file, `.<name>.partial-<host>-<pid>.lock`, which the
//! writing process holds locked (an advisory `flock`-style lock, [`std::fs::File::try_lock`])
//! from before the staging folder exists until after it has been published or removed.
//!
//! A later run removes a staging folder left behind (by SIGKILL, the OOM killer, a lost
//! node) only when it can *prove* its writer dead: the lock file exists and can be locked.
//! The kernel (or the network file system's lock manager) releases a lock when its holder
//! dies, whatever machine or PID namespace it ran in, so a live run on another container
//! or cluster node is never mistaken for a dead one, as the earlier `/proc/<pid>` check
//! was. A staging folder without a lock file (an older policysim's, or a folder that only
//! looks like one) is never deleted.

use policysim_model::error::{Error, Result};
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The part of a staging folder's name after the destination's name: `.<name>` + this
/// (defined with the scenario, whose `name` may not contain it).
pub use policysim_model::scenario::STAGING_MARK;

/// The longest file or folder name the file systems policysim writes to take, in bytes.
const MAX_NAME_LEN: usize = 255;

/// Suffix of a staging folder's lock file.
const LOCK_SUFFIX: &str = ".lock";

/// Suffix of the folder that holds the previous results while the new ones move in.
const OLD_SUFFIX: &str = ".old";

/// Writes a folder of results all at once: `write` fills a hidden staging folder beside
/// `out_dir`, to which `provenance.json` is added ([`crate::provenance::seal`]), and
/// which is renamed into place (replacing `out_dir`) only when `write`
/// succeeds; otherwise it is removed, with any parent folders created for it, and
/// `out_dir` is left as it was. A second Ctrl-C meanwhile removes it too
/// ([`remove_staging_now`]). The caller decides whether `out_dir` may be replaced.
pub fn write_staged<T>(out_dir: &Path, write: impl FnOnce(&Path) -> Result<T>) -> Result<T> {
    remove_stale_staging(out_dir);
    let existed = out_dir.exists();
    if existed {
        refuse_read_only(out_dir)?;
    }
    // Folders created for the destination are removed again when nothing is written.
    let mut created: Vec<PathBuf> = Vec::new();
    if let Some(parent) = out_dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        let mut missing = parent;
        while !missing.as_os_str().is_empty() && !missing.exists() {
            created.push(missing.to_path_buf());
            missing = missing.parent().unwrap_or(Path::new(""));
        }
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let remove_created = || {
        for dir in &created {
            if std::fs::remove_dir(dir).is_err() {
                break;
            }
        }
    };
    let staging = staging_dir(out_dir);
    // The lock first: from the moment the staging folder exists, it is provably alive.
    let lock = match StagingLock::acquire(&staging) {
        Ok(lock) => lock,
        Err(e) => {
            remove_created();
            return Err(e);
        }
    };
    if let Err(e) = std::fs::create_dir(&staging) {
        drop(lock);
        remove_created();
        return Err(Error::io(&staging, e));
    }
    let registered = StagingGuard::register(&staging);
    let outcome = match write(&staging) {
        Ok(value) => match crate::provenance::seal(&staging, out_dir) {
            Err(e) => Err(e),
            Ok(()) => {
                // From here on the staging folder holds complete results: a second Ctrl-C
                // must not delete it while it is being moved into place.
                drop(registered);
                publish(&staging, out_dir).map(|()| value)
            }
        },
        Err(e) => Err(said_interrupted(e, None, out_dir, existed)),
    };
    if outcome.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    // The lock goes last but before the created parents, which it would keep non-empty.
    drop(lock);
    if outcome.is_err() {
        remove_created();
    }
    outcome
}

/// An error of work whose results go to `out_dir` through [`write_staged`]: an
/// interruption is said as [`interrupted_message`] with `progress` (None: the
/// interruption's own text), other errors are returned as they are.
pub fn interrupted_before_writing(e: Error, progress: Option<&str>, out_dir: &Path) -> Error {
    said_interrupted(e, progress, out_dir, out_dir.exists())
}

fn said_interrupted(e: Error, progress: Option<&str>, out_dir: &Path, existed: bool) -> Error {
    match e {
        Error::Interrupted(own) => Error::Interrupted(interrupted_message(
            progress.unwrap_or(&own),
            out_dir,
            existed,
        )),
        e => e,
    }
}

/// What an interrupted command tells the user: nothing was written, and what `out_dir`
/// holds (`existed`: whether it was there before).
pub fn interrupted_message(progress: &str, out_dir: &Path, existed: bool) -> String {
    let progress = if progress.is_empty() {
        String::new()
    } else {
        format!("{progress}; ")
    };
    if existed {
        format!(
            "{progress}no results written (previous results in {} are unchanged)",
            out_dir.display()
        )
    } else {
        format!(
            "{progress}no results written ({} was not created)",
            out_dir.display()
        )
    }
}

/// Refuses to replace a folder whose owner made it read-only: its moved-aside copy could
/// not be removed afterwards (and the user meant to keep it).
fn refuse_read_only(out_dir: &Path) -> Result<()> {
    let read_only = std::fs::metadata(out_dir)
        .map(|m| m.permissions().readonly())
        .unwrap_or(false);
    if read_only {
        return Err(Error::Input(format!(
            "{}: the folder is read-only; policysim does not replace it (make it writable, or choose another --out)",
            out_dir.display()
        )));
    }
    Ok(())
}

/// Opens (creating it if needed, never truncating it) a lock file for an advisory lock:
/// the staging folders' and the merge's.
pub fn open_lock_file(path: &Path) -> Result<File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, e))
}

/// The lock file of a staging folder, held locked while this process writes it; removed
/// when dropped.
struct StagingLock {
    path: PathBuf,
    _file: File,
}

impl StagingLock {
    /// Creates (or takes over a dead writer's) lock file of `staging` and locks it.
    fn acquire(staging: &Path) -> Result<StagingLock> {
        let path = lock_path(staging);
        let mut file = open_lock_file(&path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(Error::Failure(format!(
                    "{}: held by another live policysim process of the same name; try again when it has finished",
                    path.display()
                )))
            }
            Err(TryLockError::Error(e)) => {
                return Err(Error::io(
                    &path,
                    std::io::Error::new(e.kind(), format!("cannot lock the staging folder: {e}")),
                ))
            }
        }
        // A stale staging folder of the same name (a dead writer with our host and pid).
        if staging.exists() {
            let _ = std::fs::remove_dir_all(staging);
        }
        use std::io::Write;
        let _ = file.set_len(0);
        let _ = writeln!(file, "{} {}", host_name(), std::process::id());
        Ok(StagingLock { path, _file: file })
    }
}

impl Drop for StagingLock {
    fn drop(&mut self) {
        // Removed while still locked, so nobody can take it for a dead writer's.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The staging folder being written, for [`remove_staging_now`].
static CURRENT_STAGING: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Registers a staging folder for the duration of a simulation.
struct StagingGuard;

impl StagingGuard {
    fn register(staging: &Path) -> StagingGuard {
        if let Ok(mut current) = CURRENT_STAGING.lock() {
            *current = Some(staging.to_path_buf());
        }
        StagingGuard
    }
}

impl Drop for StagingGuard {
    fn drop(&mut self) {
        if let Ok(mut current) = CURRENT_STAGING.lock() {
            *current = None;
        }
    }
}

/// Removes the staging folder of the simulation under way, if any, and its lock file
/// (best effort).
///
/// For a signal handler that is about to exit the process without waiting for the run.
pub fn remove_staging_now() {
    let staging = match CURRENT_STAGING.try_lock() {
        Ok(current) => current.clone(),
        Err(_) => None,
    };
    if let Some(staging) = staging {
        let _ = std::fs::remove_dir_all(&staging);
        let _ = std::fs::remove_file(lock_path(&staging));
    }
}

/// Whether the writer of a staging folder can be proven dead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Writer {
    /// Its lock file exists and this process could lock it: nobody holds it.
    Dead,
    /// Its lock file is locked by a live process (on any machine).
    Alive,
    /// No lock file, or it cannot be opened: nothing is proven.
    Unknown,
}

/// Probes the lock file at `path`; when the writer is dead, returns the now-held file so
/// that the caller cleans up before anyone else can take the name.
fn probe(path: &Path) -> (Writer, Option<File>) {
    let Ok(file) = OpenOptions::new().read(true).write(true).open(path) else {
        return (Writer::Unknown, None);
    };
    match file.try_lock() {
        Ok(()) => (Writer::Dead, Some(file)),
        Err(TryLockError::WouldBlock) => (Writer::Alive, None),
        Err(TryLockError::Error(_)) => (Writer::Unknown, None),
    }
}

/// Removes staging folders of `out_dir` whose writers are provably dead (killed with
/// SIGKILL, by the OOM killer, or on a node that was lost), restoring previous results
/// that were left only in a moved-aside `.old` folder. Folders of live writers, and
/// folders without a lock file, are left alone.
pub fn remove_stale_staging(out_dir: &Path) {
    let Some(name) = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
    else {
        return;
    };
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefix = format!(".{name}{STAGING_MARK}");
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix) && !n.ends_with(LOCK_SUFFIX))
        .collect();
    // The `.old` folder of a writer before its staging folder: restore first.
    names.sort_by_key(|n| !n.ends_with(OLD_SUFFIX));
    for file_name in names {
        let base = file_name.strip_suffix(OLD_SUFFIX).unwrap_or(&file_name);
        let lock = parent.join(format!("{base}{LOCK_SUFFIX}"));
        let (writer, held) = probe(&lock);
        if writer != Writer::Dead {
            continue;
        }
        let path = parent.join(&file_name);
        if file_name.ends_with(OLD_SUFFIX) && !out_dir.exists() {
            // Killed between the two renames of `publish`: the previous results are only
            // in the `.old` folder. Put them back.
            let _ = std::fs::rename(&path, out_dir);
        } else {
            let _ = std::fs::remove_dir_all(&path);
        }
        let staging = parent.join(base);
        let mut old = staging.clone().into_os_string();
        old.push(OLD_SUFFIX);
        if !staging.exists() && !Path::new(&old).exists() {
            let _ = std::fs::remove_file(&lock);
        }
        drop(held);
    }
}

/// The hidden staging folder beside `out_dir`: `.<name>.partial-<host>-<pid>`.
fn staging_dir(out_dir: &Path) -> PathBuf {
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "results".into());
    out_dir.with_file_name(format!(
        ".{name}{STAGING_MARK}{}-{}",
        host_name(),
        std::process::id()
    ))
}

/// The lock file beside a staging folder.
fn lock_path(staging: &Path) -> PathBuf {
    let mut name = staging.file_name().unwrap_or_default().to_os_string();
    name.push(LOCK_SUFFIX);
    staging.with_file_name(name)
}

/// This machine's host name, reduced to letters, digits and `-` (at most 40), so that
/// processes with the same pid on two machines or containers name different folders.
fn host_name() -> String {
    let raw = crate::machine::host_name().unwrap_or_default();
    let clean: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(40)
        .collect();
    if clean.is_empty() {
        "host".into()
    } else {
        clean
    }
}

/// Moves the finished staging folder into place, replacing earlier results.
fn publish(staging: &Path, out_dir: &Path) -> Result<()> {
    if out_dir.exists() {
        let mut old_name = staging.file_name().unwrap_or_default().to_os_string();
        old_name.push(OLD_SUFFIX);
        let old = staging.with_file_name(old_name);
        std::fs::rename(out_dir, &old).map_err(|e| Error::io(out_dir, e))?;
        if let Err(e) = std::fs::rename(staging, out_dir) {
            // Put the previous results back rather than leave them hidden.
            let _ = std::fs::rename(&old, out_dir);
            return Err(Error::io(out_dir, e));
        }
        let _ = std::fs::remove_dir_all(&old);
    } else {
        std::fs::rename(staging, out_dir).map_err(|e| Error::io(out_dir, e))?;
    }
    Ok(())
}

/// The checks of an `--out` folder that [`write_staged`] would replace: it can be renamed
/// (not `.`, `..` or `/`, which would also delete far more than results), it is not a
/// file, and it is not the current folder or one containing it. Returns whether it
/// exists with something in it; the caller then decides whether that may be replaced.
pub fn check_out_folder(out_dir: &Path, example: &str) -> Result<bool> {
    if out_dir.file_name().is_none() {
        return Err(Error::Input(format!(
            "--out {}: not a folder policysim can write results into; give a new or results folder such as {example}",
            out_dir.display(),
        )));
    }
    // every name on the way must fit the file system's 255 bytes, and the last one also
    // in its staging folder's lock file (`.<name>.partial-<host>-<pid>.lock`)
    let lock = lock_path(&staging_dir(out_dir));
    let lock_name = lock.file_name().map_or(0, |n| n.len());
    let longest = out_dir
        .components()
        .map(|c| c.as_os_str().len())
        .max()
        .unwrap_or(0);
    if longest > MAX_NAME_LEN || lock_name > MAX_NAME_LEN {
        let room = MAX_NAME_LEN
            .saturating_sub(lock_name.saturating_sub(out_dir.file_name().map_or(0, |n| n.len())));
        return Err(Error::Input(format!(
            "--out {}: a folder name is too long ({} bytes); the last name may have at most {room} bytes here (its staging folder's name adds {} to it), every other at most {MAX_NAME_LEN}",
            out_dir.display(),
            longest.max(out_dir.file_name().map_or(0, |n| n.len())),
            lock_name - out_dir.file_name().map_or(0, |n| n.len()),
        )));
    }
    if !out_dir.exists() {
        return Ok(false);
    }
    if !out_dir.is_dir() {
        return Err(Error::Input(format!(
            "{}: exists and is not a folder",
            out_dir.display()
        )));
    }
    if let (Ok(dir), Ok(cwd)) = (out_dir.canonicalize(), std::env::current_dir()) {
        if cwd.starts_with(&dir) {
            return Err(Error::Input(format!(
                "--out {}: is the current folder or contains it; choose another --out",
                out_dir.display()
            )));
        }
    }
    let empty = std::fs::read_dir(out_dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    Ok(!empty)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_staging_folder_is_removed_only_when_its_lock_proves_its_writer_dead() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let dead = dir.path().join(".out.partial-elsewhere-1");
        let alive = dir.path().join(".out.partial-elsewhere-2");
        let unknown = dir.path().join(".out.partial-3");
        for d in [&dead, &alive, &unknown] {
            std::fs::create_dir(d).unwrap();
        }
        std::fs::write(lock_path(&dead), "elsewhere 1\n").unwrap();
        std::fs::write(lock_path(&alive), "elsewhere 2\n").unwrap();
        // Held by a live writer (this test, through another open file description).
        let holder = File::options().write(true).open(lock_path(&alive)).unwrap();
        holder.try_lock().unwrap();
        remove_stale_staging(&out);
        assert!(!dead.exists() && !lock_path(&dead).exists());
        assert!(alive.exists() && lock_path(&alive).exists());
        assert!(unknown.exists());
        drop(holder);
        remove_stale_staging(&out);
        assert!(!alive.exists() && !lock_path(&alive).exists());
        assert!(unknown.exists());
    }

    #[test]
    fn a_dead_writers_moved_aside_results_are_restored() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let staging = dir.path().join(".out.partial-h-9");
        let old = dir.path().join(".out.partial-h-9.old");
        std::fs::create_dir(&staging).unwrap();
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("summary.json"), "{}").unwrap();
        std::fs::write(lock_path(&staging), "h 9\n").unwrap();
        remove_stale_staging(&out);
        assert!(out.join("summary.json").exists());
        assert!(!staging.exists() && !old.exists() && !lock_path(&staging).exists());
    }

    #[test]
    fn write_staged_publishes_and_leaves_no_lock_or_staging() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a/b/out");
        write_staged(&out, |s| {
            std::fs::write(s.join("x"), "1").map_err(|e| Error::io(s, e))
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(out.join("x")).unwrap(), "1");
        let left: Vec<_> = std::fs::read_dir(out.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(left, vec![std::ffi::OsString::from("out")]);
        // A failure leaves nothing, not even the parents it created.
        let other = dir.path().join("c/d/out");
        let r: Result<()> = write_staged(&other, |_| Err(Error::Input("no".into())));
        assert!(r.is_err());
        assert!(!dir.path().join("c").exists());
    }
}
