//! Private temporary folders: created exclusively, readable by their owner only, never
//! an existing path.
//!
//! This is the one way policysim makes a scratch folder (the explorer draws each answer
//! in one). A folder under the system temporary directory whose name can be guessed, and
//! which is reused when it already exists, lets another local user plant a symbolic link
//! there and have policysim write through it into the user's own files. So each folder
//! here gets an unpredictable name, is made with `mkdir` (which fails on any existing
//! path, a symbolic link included, and never follows one), with mode `0700` on Unix, and
//! another name is tried when the path exists. The folder and everything in it is
//! removed when the [`PrivateDir`] is dropped.

use policysim_model::error::{Error, Result};
use std::hash::{BuildHasher, Hasher};
use std::path::{Path, PathBuf};

/// How many names are tried before giving up (each a fresh 128-bit random name).
const ATTEMPTS: usize = 64;

/// A folder that this process created and owns alone; removed, with its contents, on drop.
#[derive(Debug)]
pub struct PrivateDir {
    path: PathBuf,
}

impl PrivateDir {
    /// A new private folder under the system temporary directory (`TMPDIR` on Unix),
    /// named `PREFIX-` and 32 random hexadecimal digits.
    pub fn new(prefix: &str) -> Result<PrivateDir> {
        PrivateDir::new_in(&std::env::temp_dir(), prefix)
    }

    /// A new private folder under `parent`, named `PREFIX-` and 32 random hexadecimal
    /// digits.
    pub fn new_in(parent: &Path, prefix: &str) -> Result<PrivateDir> {
        PrivateDir::create_with_names(parent, (0..ATTEMPTS).map(|_| random_name(prefix)))
    }

    /// Creates the first of `names` under `parent` that does not exist yet (any existing
    /// entry, a symbolic link included, is skipped and left alone).
    ///
    /// # Errors
    /// An I/O error naming `parent` when a folder cannot be created there, or when every
    /// name is taken.
    fn create_with_names(
        parent: &Path,
        names: impl IntoIterator<Item = String>,
    ) -> Result<PrivateDir> {
        for name in names {
            let path = parent.join(name);
            match create_exclusive(&path) {
                Ok(()) => return Ok(PrivateDir { path }),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(parent, e)),
            }
        }
        Err(Error::io(
            parent,
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "no free name for a private temporary folder",
            ),
        ))
    }

    /// The folder's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        // remove_dir_all does not follow symbolic links inside the folder
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// `mkdir PATH` with mode 0700 (Unix): fails with `AlreadyExists` on any existing entry.
fn create_exclusive(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)
}

/// 64 bits another user cannot predict: what private folders' names (and the explore
/// classroom's codes and tokens) are made of.
pub fn random_word() -> u64 {
    // Each RandomState is keyed from the operating system's random source; SipHash with
    // a secret key gives values another user cannot predict.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(0);
    h.finish()
}

/// `PREFIX-` and 128 bits from the operating system's randomness, as hexadecimal.
fn random_name(prefix: &str) -> String {
    format!("{prefix}-{:016x}{:016x}", random_word(), random_word())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_fresh_and_unpredictable() {
        let a = random_name("p");
        let b = random_name("p");
        assert_ne!(a, b);
        assert_eq!(a.len(), "p-".len() + 32);
    }

    #[test]
    fn an_existing_path_or_planted_link_is_never_used() {
        let root = tempfile::tempdir().unwrap();
        let victim = root.path().join("victim");
        std::fs::create_dir(&victim).unwrap();
        std::fs::write(victim.join("thesis.tex"), "mine").unwrap();
        let parent = root.path().join("tmp");
        std::fs::create_dir(&parent).unwrap();
        std::fs::create_dir(parent.join("taken")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&victim, parent.join("planted")).unwrap();
        let names = ["taken", "planted", "free"].map(String::from);
        let dir = PrivateDir::create_with_names(&parent, names).unwrap();
        assert_eq!(dir.path(), parent.join("free"));
        std::fs::write(dir.path().join("runs.csv"), "x").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "owner only");
        }
        drop(dir);
        assert!(!parent.join("free").exists(), "removed on drop");
        assert!(
            parent.join("taken").is_dir(),
            "an existing folder is left alone"
        );
        let kept: Vec<_> = std::fs::read_dir(&victim).unwrap().collect();
        assert_eq!(kept.len(), 1, "nothing written through the planted link");
        assert_eq!(
            std::fs::read_to_string(victim.join("thesis.tex")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn every_name_taken_is_an_error_naming_the_parent() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("a")).unwrap();
        let err = PrivateDir::create_with_names(root.path(), ["a".to_string()]).unwrap_err();
        assert!(err.to_string().contains(&root.path().display().to_string()));
    }

    #[test]
    fn a_missing_parent_is_an_error_not_created() {
        let root = tempfile::tempdir().unwrap();
        let parent = root.path().join("missing");
        assert!(PrivateDir::new_in(&parent, "p").is_err());
        assert!(!parent.exists(), "the parent is not created");
    }
}
