//! The one capped reader of input files: a file larger than policysim reads is refused
//! with a message instead of exhausting memory (`/dev/zero`, a runaway pipe).

use crate::machine::{available_memory, format_bytes};

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
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(cap);
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
