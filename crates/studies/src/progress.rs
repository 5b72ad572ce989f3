//! What a long study tells its caller while it works: the work planned, the work done,
//! warnings and other lines of news, each at the moment it arises (the command line turns
//! them into a progress bar, `warning:` lines and plain lines; a caller from Rust may
//! ignore them all).

/// The callbacks a study ([`crate::fit::study`], [`crate::forecast::study`],
/// [`crate::mechanisms::study`], [`crate::sweep::study`], [`crate::sensitivity::study`])
/// reports through.
#[derive(Clone, Copy)]
pub struct Progress<'a> {
    /// Called once before the long work with its size and what it counts
    /// (`evaluations`, `evaluations and runs (40 policies)`, ...).
    pub plan: &'a dyn Fn(u64, &str),
    /// Called with the work done since the last call (from worker threads); the total
    /// may exceed the plan (a fit draws more ABC batches while too few are accepted).
    pub tick: &'a (dyn Fn(u64) + Sync),
    /// Called once when the long work is over, finished or not, before anything else is
    /// reported or written.
    pub done: &'a dyn Fn(),
    /// Called with each warning (without a `warning: ` prefix), in the order they arise.
    pub warning: &'a dyn Fn(&str),
    /// Called with each line of news that is not a warning (how many runs `--precision`
    /// chose, a chart written, what the points of a design came to), in the order they
    /// arise among the warnings.
    pub note: &'a dyn Fn(&str),
}

impl Progress<'static> {
    /// Callbacks that do nothing.
    pub fn silent() -> Self {
        Progress {
            plan: &ignore_plan,
            tick: &ignore_tick,
            done: &ignore_done,
            warning: &ignore_warning,
            note: &ignore_warning,
        }
    }
}

impl Default for Progress<'static> {
    fn default() -> Self {
        Progress::silent()
    }
}

fn ignore_plan(_: u64, _: &str) {}
fn ignore_tick(_: u64) {}
fn ignore_done() {}
fn ignore_warning(_: &str) {}
