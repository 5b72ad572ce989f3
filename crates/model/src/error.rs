//! The error type of policysim and the exit codes the command line maps it to.

use std::path::{Path, PathBuf};

/// Everything that can go wrong, split by who must act: the user (bad input) or not.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario, data file or option is wrong; the message says where and what is allowed. Exit code 2.
    #[error("{0}")]
    Input(String),
    /// Reading or writing a file failed. Exit code 1.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// The work was interrupted (SIGINT/SIGTERM) before it finished. Exit code 1.
    #[error("interrupted: {0}")]
    Interrupted(String),
    /// `--precision` did not reach its width within `--max-runs`; the results of the runs
    /// made were written. Exit code 3.
    #[error("{0}")]
    Imprecise(String),
    /// Anything else. Exit code 1.
    #[error("{0}")]
    Failure(String),
}

impl Error {
    /// The process exit code for this error: 2 for bad input, 3 for a precision not
    /// reached, 1 otherwise.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) => 2,
            Error::Imprecise(_) => 3,
            _ => 1,
        }
    }

    /// The same error said of one of several things (`what`, e.g. `policy "x"`): bad input
    /// and failures get the prefix `what: `; an interruption or an I/O error is left as it is.
    pub fn of(self, what: &str) -> Error {
        match self {
            Error::Input(m) => Error::Input(format!("{what}: {m}")),
            Error::Failure(m) => Error::Failure(format!("{what}: {m}")),
            e => e,
        }
    }

    /// An input error about a file: `FILE: message`.
    pub fn input_in(path: &Path, message: impl std::fmt::Display) -> Error {
        Error::Input(format!("{}: {}", path.display(), message))
    }

    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// Result with the policysim [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
