//! The command line run from inside another program (the Python package, `python/`):
//! the same flags, defaults, checks and messages, parsed from a list of arguments,
//! with Ctrl-C left to the host and the error returned instead of an exit code.
//!
//! The host calls [`command`] on a thread of its own and, to stop the work, calls
//! [`interrupt`]: every command then stops between runs (or points) exactly as on a
//! first Ctrl-C, keeping what it keeps there (a sweep's finished points).

use super::{dispatch, Cli, Command, INTERRUPTED};
use crate::error::{Error, Result};
use clap::Parser;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Set while a host runs commands: [`super::interrupt_flag`] then installs no signal
/// handler (the host's own stays) and hands out the flag [`interrupt`] sets.
pub(super) static EMBEDDED: AtomicBool = AtomicBool::new(false);

/// One command at a time: the interrupt flag is shared.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `policysim ARGS...` (without the program name) and returns what the command
/// prints on standard output (`check`: the resolved scenario; `--help`: the help text;
/// other commands: nothing, their results are files). Messages on standard error are
/// those of the command line (pass `--quiet` to silence them). Errors are those the
/// command line prints after `error: `, option errors as [`Error::Input`].
pub fn command(args: &[String]) -> Result<String> {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    EMBEDDED.store(true, Ordering::SeqCst);
    INTERRUPTED.store(false, Ordering::SeqCst);
    let argv = std::iter::once("policysim").chain(args.iter().map(String::as_str));
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(e) if !e.use_stderr() => return Ok(e.render().to_string()),
        Err(e) => return Err(Error::Input(option_message(&e.render().to_string()))),
    };
    match cli.command {
        Command::Check { file, set } => super::check(&file, &set),
        other => dispatch(Cli { command: other }).map(|()| String::new()),
    }
}

/// Asks the command under way to stop, as a first Ctrl-C does on the command line.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether [`interrupt`] was called during the last (or current) command.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// clap's message without its `error: ` prefix and its closing `For more information,
/// try '--help'.` line (a host has no `--help` to try; the usage line stays).
fn option_message(rendered: &str) -> String {
    let text = rendered.trim_end();
    let text = text.strip_prefix("error: ").unwrap_or(text);
    let text = match text.rfind("\n\nFor more information") {
        Some(i) => &text[..i],
        None => text,
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_errors_keep_what_and_usage_only() {
        let m = option_message(
            "error: unexpected argument '--bogus' found\n\nUsage: policysim run <FILE>\n\nFor more information, try '--help'.\n",
        );
        assert_eq!(
            m,
            "unexpected argument '--bogus' found\n\nUsage: policysim run <FILE>"
        );
    }

    #[test]
    fn commands_parse_as_on_the_command_line() {
        let m = command(&["run".into(), "--bogus".into()]).unwrap_err();
        assert_eq!(m.exit_code(), 2);
        assert!(m.to_string().contains("'--bogus'"), "{m}");
        let help = command(&["sweep".into(), "--help".into()]).unwrap();
        assert!(help.contains("--keep-points"), "{help}");
        let m = command(&["check".into(), "no/such/file.toml".into()]).unwrap_err();
        assert!(m.to_string().contains("no/such/file.toml"), "{m}");
    }
}
