//! What the machine offers a run: its available memory and cores, its host name, and sizes in words.

/// Memory available to this process in bytes: `POLICYSIM_MEMORY_AVAILABLE`, else
/// `MemAvailable` of `/proc/meminfo`, else None (unknown).
pub fn available_memory() -> Option<u64> {
    if let Ok(v) = std::env::var("POLICYSIM_MEMORY_AVAILABLE") {
        if let Ok(bytes) = v.trim().parse::<u64>() {
            return Some(bytes);
        }
    }
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&info)
}

/// `MemAvailable` (in bytes) from the text of `/proc/meminfo`.
fn parse_meminfo(info: &str) -> Option<u64> {
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let mut parts = line.split_whitespace().skip(1);
    let value: u64 = parts.next()?.parse().ok()?;
    let factor = match parts.next() {
        Some("kB") | None => 1024,
        Some("MB") => 1024 * 1024,
        Some(_) => return None,
    };
    value.checked_mul(factor)
}

/// This machine's host name as the system gives it (`/proc/sys/kernel/hostname`, else
/// `HOSTNAME` or `COMPUTERNAME`), trimmed; None when it gives none.
pub fn host_name() -> Option<String> {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
}

/// Human-readable size: "512 MiB", "3.2 GiB".
pub fn format_bytes(bytes: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    const GIB: f64 = MIB * 1024.0;
    let b = bytes as f64;
    if b >= 10.0 * GIB {
        format!("{:.0} GiB", b / GIB)
    } else if b >= GIB {
        format!("{:.1} GiB", b / GIB)
    } else {
        format!("{:.0} MiB", (b / MIB).ceil())
    }
}

/// The number of worker threads a run will use (`--threads`, else all cores).
pub fn thread_count(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_parsed_in_bytes() {
        let info = "MemTotal:       32000000 kB\nMemAvailable:   24000000 kB\n";
        assert_eq!(parse_meminfo(info), Some(24_000_000 * 1024));
        assert_eq!(parse_meminfo("MemTotal: 1 kB\n"), None);
    }
}
