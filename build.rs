//! Notes the build for `provenance.json`: the git commit and whether tracked files were
//! modified (both "unknown" without git or outside a clone: a source tarball), the
//! compiler's version, the target and the profile.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let (commit, modified) = git_state(&root);
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = output(Command::new(rustc).arg("--version")).unwrap_or("unknown".into());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    let profile = std::env::var("PROFILE").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=POLICYSIM_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=POLICYSIM_GIT_MODIFIED={modified}");
    println!("cargo:rustc-env=POLICYSIM_RUSTC_VERSION={rustc_version}");
    println!("cargo:rustc-env=POLICYSIM_TARGET={target}");
    println!("cargo:rustc-env=POLICYSIM_PROFILE={profile}");
    // Sources edited, a commit made or checked out: run again.
    for path in ["build.rs", "Cargo.toml", "Cargo.lock", "src", "crates"] {
        println!("cargo:rerun-if-changed={path}");
    }
    if let Some(dir) = git(&root, &["rev-parse", "--absolute-git-dir"]) {
        let dir = PathBuf::from(dir);
        let mut watched = vec![dir.join("HEAD"), dir.join("index")];
        if let Some(common) = git(&root, &["rev-parse", "--git-common-dir"]) {
            let common = root.join(common);
            watched.push(common.join("packed-refs"));
            if let Some(head) = git(&root, &["symbolic-ref", "-q", "HEAD"]) {
                watched.push(common.join(head));
            }
        }
        // a missing file would make cargo run this script at every build
        for file in watched.iter().filter(|f| f.exists()) {
            println!("cargo:rerun-if-changed={}", file.display());
        }
    }
}

/// The commit and "true"/"false" for modified tracked files, or "unknown" for both when
/// `root` is not the top of a git clone (a source tarball, perhaps inside another clone).
fn git_state(root: &Path) -> (String, String) {
    let unknown = || ("unknown".to_string(), "unknown".to_string());
    let Some(top) = git(root, &["rev-parse", "--show-toplevel"]) else {
        return unknown();
    };
    let same = match (Path::new(&top).canonicalize(), root.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if !same {
        return unknown();
    }
    let Some(commit) = git(root, &["rev-parse", "HEAD"]) else {
        return unknown();
    };
    let modified = match output(Command::new("git").current_dir(root).args([
        "status",
        "--porcelain",
        "--untracked-files=no",
    ])) {
        Some(s) if s.is_empty() => "false".to_string(),
        Some(_) => "true".to_string(),
        None => "unknown".to_string(),
    };
    (commit, modified)
}

/// A git command's trimmed output in `root`, if it succeeded.
fn git(root: &Path, args: &[&str]) -> Option<String> {
    output(Command::new("git").current_dir(root).args(args)).filter(|s| !s.is_empty())
}

/// A command's trimmed standard output, if it ran and succeeded.
fn output(command: &mut Command) -> Option<String> {
    let out = command.output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout)
        .ok()
        .map(|s| s.trim().to_string())
}
