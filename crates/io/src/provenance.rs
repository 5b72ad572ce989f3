//! `provenance.json`: how a results folder was made, written into every folder a command
//! writes, and the only file of it that carries times and host names.
//!
//! The command line ([`begin`]) notes the arguments, the build and the start time; the
//! one capped reader notes every input file with the SHA-256 of the bytes it read
//! ([`note_input`]); the command notes its seed and thread count. [`seal`] then writes
//! `provenance.json` with the SHA-256 of every file of the folder. [`write_staged`]
//! seals every folder it publishes (inside the staging folder, so the record appears
//! with the results or not at all); the commands that write a folder in place (a sweep
//! resumes in it) seal it when they end.
//!
//! [`write_staged`]: crate::staging::write_staged

use policysim_model::error::{Error, Result};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The name of the record in a results folder.
pub const PROVENANCE_JSON: &str = "provenance.json";

/// Environment variable that fixes the start and end time written into
/// `provenance.json` (an RFC 3339 time such as `2030-01-02T03:04:05Z`). For tests, which
/// compare two runs made "on different days"; read in [`now`] only.
pub const FAKE_NOW_VAR: &str = "POLICYSIM_FAKE_NOW";

/// The build of the binary, as its build script saw it ("unknown" where it could not tell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Build {
    /// policysim's version (the package version).
    pub version: String,
    /// The git commit the binary was built from, or "unknown" (no git, a source tarball).
    pub git_commit: String,
    /// Whether tracked files differed from that commit: "true", "false" or "unknown".
    pub git_modified: String,
    /// `rustc --version` of the compiler.
    pub rustc: String,
    /// The target triple.
    pub target: String,
    /// The build profile: "release" or "debug".
    pub profile: String,
}

impl Build {
    /// A build nothing is known of (library callers that did not call [`begin`]).
    fn unknown() -> Build {
        let unknown = || "unknown".to_string();
        Build {
            version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: unknown(),
            git_modified: unknown(),
            rustc: unknown(),
            target: unknown(),
            profile: unknown(),
        }
    }
}

/// What this process has noted for its record.
struct Context {
    argv: Vec<String>,
    build: Option<Build>,
    started: Option<String>,
    clock: Option<std::time::Instant>,
    seed: Option<u64>,
    threads: Option<usize>,
    inputs: BTreeMap<PathBuf, (String, u64)>,
}

static CONTEXT: Mutex<Context> = Mutex::new(Context {
    argv: Vec::new(),
    build: None,
    started: None,
    clock: None,
    seed: None,
    threads: None,
    inputs: BTreeMap::new(),
});

fn with_context<T>(f: impl FnOnce(&mut Context) -> T) -> T {
    let mut guard = CONTEXT.lock().unwrap_or_else(|p| p.into_inner());
    f(&mut guard)
}

/// Notes the command line and the build, and starts the clock: the first thing a
/// command does.
pub fn begin(argv: Vec<String>, build: Build) {
    let started = now();
    with_context(|c| {
        c.argv = argv;
        c.build = Some(build);
        c.started = Some(started);
        c.clock = Some(std::time::Instant::now());
    });
}

/// Notes the master seed of the command's simulations.
pub fn note_seed(seed: u64) {
    with_context(|c| c.seed = Some(seed));
}

/// Notes the number of worker threads the command uses (every command notes the default
/// first; `--threads` replaces it).
pub fn note_threads(threads: usize) {
    with_context(|c| c.threads = Some(threads));
}

/// Notes an input file with the bytes read from it.
pub fn note_input(path: &Path, bytes: &[u8]) {
    let path = absolute(path);
    let hash = hex(&Sha256::digest(bytes));
    with_context(|c| c.inputs.insert(path, (hash, bytes.len() as u64)));
}

/// Notes an input file that is read otherwise than whole (copied, streamed): hashed
/// from the disk.
pub fn note_input_file(path: &Path) -> Result<()> {
    let (hash, bytes) = hash_file(path)?;
    with_context(|c| c.inputs.insert(absolute(path), (hash, bytes)));
    Ok(())
}

/// The current time in UTC, RFC 3339 (`2030-01-02T03:04:05Z`), or [`FAKE_NOW_VAR`].
pub fn now() -> String {
    if let Ok(fake) = std::env::var(FAKE_NOW_VAR) {
        return fake.trim().to_string();
    }
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    rfc3339(secs)
}

/// Seconds since 1970 as an RFC 3339 UTC time.
fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rest = secs % 86_400;
    // Howard Hinnant's civil_from_days
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// This machine's host name as the system gives it ("unknown" if it does not).
pub fn host_name() -> String {
    crate::machine::host_name().unwrap_or_else(|| "unknown".into())
}

/// Lower-case hexadecimal of a digest.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// The SHA-256 (hexadecimal) and size of a file, read in pieces.
pub fn hash_file(path: &Path) -> Result<(String, u64)> {
    let mut file = crate::open_file::open_without_blocking(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut total = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((hex(&hasher.finalize()), total))
}

/// `path` made absolute without resolving links it does not need to (canonical when it exists).
fn absolute(path: &Path) -> PathBuf {
    path.canonicalize()
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The files of a results folder, relative and with `/` between names, sorted: every
/// file below `dir` except `provenance.json` itself and folders that hold their own
/// `provenance.json` (results written into it later by another command).
pub fn folder_files(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    collect(dir, "", &mut files)?;
    files.sort();
    Ok(files)
}

fn collect(dir: &Path, prefix: &str, files: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(|e| Error::io(&entry.path(), e))?;
        if kind.is_dir() {
            if !entry.path().join(PROVENANCE_JSON).exists() {
                collect(&entry.path(), &format!("{rel}/"), files)?;
            }
        } else if rel != PROVENANCE_JSON {
            files.push(rel);
        }
    }
    Ok(())
}

/// Writes `provenance.json` into `dir`, whose files are the results to be published at
/// `destination` (the same folder when it is written in place). Inputs that lie in
/// either folder (earlier results a command checked or resumed from) are not inputs.
pub fn seal(dir: &Path, destination: &Path) -> Result<()> {
    let record = record(dir, destination, None)?;
    let mut text = serde_json::to_string_pretty(&record).expect("a JSON value serialises");
    text.push('\n');
    crate::atomic_file::write_atomic(&dir.join(PROVENANCE_JSON), text.as_bytes())
}

/// The name of the record of a command that writes one file, beside it:
/// `<file>.provenance.json`.
pub fn file_record(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(PROVENANCE_JSON);
    file.with_file_name(name)
}

/// Writes the record of a command that writes one file (`panel`, `innovativeness`)
/// beside it ([`file_record`]); its one output is the file, named relative to its folder.
pub fn seal_file(file: &Path) -> Result<()> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let record = record(dir, file, Some(vec![name.into_owned()]))?;
    let mut text = serde_json::to_string_pretty(&record).expect("a JSON value serialises");
    text.push('\n');
    crate::atomic_file::write_atomic(&file_record(file), text.as_bytes())
}

/// The record of `dir` (see [`seal`]): of the files `only` when given, else of all.
fn record(dir: &Path, destination: &Path, only: Option<Vec<String>>) -> Result<Value> {
    let mut outputs = Vec::new();
    let files = match only {
        Some(files) => files,
        None => folder_files(dir)?,
    };
    for rel in files {
        let (hash, bytes) = hash_file(&dir.join(&rel))?;
        outputs.push(json!({"path": rel, "sha256": hash, "bytes": bytes}));
    }
    let inside = [absolute(dir), absolute(destination)];
    let finished = now();
    let cwd = std::env::current_dir()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|_| "unknown".into());
    let record = with_context(|c| {
        let build = c.build.clone().unwrap_or_else(Build::unknown);
        let inputs: Vec<Value> = c
            .inputs
            .iter()
            .filter(|(p, _)| !inside.iter().any(|d| p.starts_with(d)))
            .map(|(p, (hash, bytes))| {
                json!({"path": p.display().to_string(), "sha256": hash, "bytes": bytes})
            })
            .collect();
        let modified = match build.git_modified.as_str() {
            "true" => json!(true),
            "false" => json!(false),
            other => json!(other),
        };
        json!({
            "tool": "policysim",
            "version": build.version,
            "command": c.argv,
            "working_directory": cwd,
            "git_commit": build.git_commit,
            "git_modified": modified,
            "rustc": build.rustc,
            "target": build.target,
            "profile": build.profile,
            "threads": c.threads,
            "seed": c.seed,
            "started": c.started.clone().unwrap_or_else(|| finished.clone()),
            "finished": finished,
            "wall_time_s": c.clock.map(|t| (t.elapsed().as_secs_f64() * 1000.0).round() / 1000.0),
            "host": host_name(),
            "inputs": inputs,
            "outputs": outputs,
        })
    });
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // 2000-02-29 12:34:56 UTC
        assert_eq!(rfc3339(951_827_696), "2000-02-29T12:34:56Z");
        assert_eq!(rfc3339(4_102_444_800), "2100-01-01T00:00:00Z");
    }

    #[test]
    fn sha256_of_a_known_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("abc");
        std::fs::write(&p, "abc").unwrap();
        let (hash, bytes) = hash_file(&p).unwrap();
        assert_eq!(
            hash,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(bytes, 3);
    }

    #[test]
    fn nested_results_and_the_record_itself_are_not_outputs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("points/0")).unwrap();
        std::fs::create_dir_all(dir.path().join("eha")).unwrap();
        std::fs::write(dir.path().join("points/0/point.json"), "{}").unwrap();
        std::fs::write(dir.path().join("eha/provenance.json"), "{}").unwrap();
        std::fs::write(dir.path().join("eha/eha.csv"), "x").unwrap();
        std::fs::write(dir.path().join("a.csv"), "x").unwrap();
        std::fs::write(dir.path().join(PROVENANCE_JSON), "{}").unwrap();
        assert_eq!(
            folder_files(dir.path()).unwrap(),
            vec!["a.csv".to_string(), "points/0/point.json".to_string()]
        );
    }
}
