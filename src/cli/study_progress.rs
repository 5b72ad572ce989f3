//! A study's progress on stderr: a progress bar once the study plans its work, its
//! warnings as `warning:` lines and its other news as plain lines (none when quiet).

use crate::progress::Progress;
use indicatif::ProgressBar;
use std::sync::OnceLock;

/// Calls `study` with callbacks that show its progress bar (counting what the study
/// plans; with `grow`, lengthened when the work runs past the plan) and print its
/// warnings and news, unless `quiet`.
pub(super) fn with_progress<T>(quiet: bool, grow: bool, study: impl FnOnce(&Progress) -> T) -> T {
    let bar: OnceLock<ProgressBar> = OnceLock::new();
    let plan = |total: u64, unit: &str| {
        let _ = bar.set(super::progress_bar_of(total, unit, quiet));
    };
    let tick = |k: u64| {
        if let Some(bar) = bar.get() {
            bar.inc(k);
            if grow && bar.length().is_some_and(|l| bar.position() > l) {
                bar.set_length(bar.position());
            }
        }
    };
    let done = || {
        if let Some(bar) = bar.get() {
            bar.finish_and_clear();
        }
    };
    let warning = |w: &str| {
        if !quiet {
            eprintln!("warning: {w}");
        }
    };
    let note = |line: &str| {
        if !quiet {
            eprintln!("{line}");
        }
    };
    study(&Progress {
        plan: &plan,
        tick: &tick,
        done: &done,
        warning: &warning,
        note: &note,
    })
}
