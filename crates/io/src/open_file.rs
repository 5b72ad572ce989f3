//! Opening a file for reading without ever blocking: every file policysim reads is
//! opened here, by the capped reader (`capped_read`) or as a stream (CSV streams, the
//! hashes of provenance, the row count of the memory estimate).

/// Opens `path` for reading; on Unix with `O_NONBLOCK`, so that opening a named pipe
/// returns at once and reading it gives what is there (nothing: end of file, or
/// `WouldBlock`) instead of waiting for a writer. Regular files and devices read as usual.
/// A caller that reads a stream reads no more than it needs (a stream's reader checks
/// the file first, `capped_read::check_stream_file`).
pub fn open_without_blocking(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}
