//! The `--threads` every command takes: checked once, by one rule, and noted for
//! `provenance.json`.

use crate::machine::thread_count;
use policysim_model::error::{Error, Result};

/// The largest `--threads` accepted (each worker thread reserves a stack).
pub const MAX_THREADS: usize = 1024;

/// Refuses a `--threads` of 0 or above [`MAX_THREADS`] (every command that takes it),
/// and notes the thread count for `provenance.json`.
pub fn check_threads(threads: Option<usize>) -> Result<()> {
    if threads == Some(0) {
        return Err(Error::Input("--threads must be at least 1".into()));
    }
    if let Some(t) = threads.filter(|&t| t > MAX_THREADS) {
        return Err(Error::Input(format!(
            "--threads {t}: must be at most {MAX_THREADS} (this machine has {} cores)",
            thread_count(None)
        )));
    }
    crate::provenance::note_threads(thread_count(threads));
    Ok(())
}
