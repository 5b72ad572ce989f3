//! `policysim._policysim`: the command line's commands, called from Python.
//!
//! One function, [`command`], runs `policysim ARGS...` through
//! [`policysim::cli::embedded::command`] (the command line's own flags, defaults, checks
//! and messages) on a thread of its own, without the GIL, while the calling thread
//! watches for Python signals: Ctrl-C (SIGINT) stops the command as on the command
//! line and raises `KeyboardInterrupt`. The Python package (`policysim/__init__.py`)
//! turns keyword arguments into flags and the files written into Arrow tables.

use policysim::cli::embedded;
use policysim::Error;
use pyo3::create_exception;
use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Mutex;
use std::time::Duration;

create_exception!(
    policysim,
    PolicysimError,
    PyValueError,
    "A policysim command failed: the message is the command line's (file, key, what was expected); `exit_code` is its exit code (2 bad input, 1 otherwise)."
);

/// How often the calling thread looks for Python signals while a command runs.
const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `policysim ARGS...` and returns what it prints on standard output.
#[pyfunction]
fn command(py: Python<'_>, args: Vec<String>) -> PyResult<String> {
    let (sender, receiver) = mpsc::channel();
    let worker = std::thread::Builder::new()
        .name("policysim".into())
        .spawn(move || {
            let _ = sender.send(embedded::command(&args));
        })
        .map_err(|e| PolicysimError::new_err(format!("cannot start a thread: {e}")))?;
    // a Receiver is not Sync: the detached closure borrows it through a lock
    let receiver = Mutex::new(receiver);
    let mut signal: Option<PyErr> = None;
    let outcome = loop {
        match py.detach(|| {
            let receiver = receiver.lock().unwrap_or_else(|e| e.into_inner());
            receiver.recv_timeout(SIGNAL_POLL)
        }) {
            Ok(result) => break Some(result),
            Err(RecvTimeoutError::Disconnected) => break None,
            Err(RecvTimeoutError::Timeout) => {
                if signal.is_none() {
                    if let Err(e) = py.check_signals() {
                        embedded::interrupt();
                        signal = Some(e);
                    }
                }
            }
        }
    };
    let _ = py.detach(|| worker.join());
    if signal.is_none() {
        // a signal that came in during the last poll interval
        if let Err(e) = py.check_signals() {
            signal = Some(e);
        }
    }
    match (outcome, signal) {
        (Some(Err(Error::Interrupted(what))), Some(e))
            if e.is_instance_of::<PyKeyboardInterrupt>(py) =>
        {
            Err(PyKeyboardInterrupt::new_err(format!("interrupted: {what}")))
        }
        (_, Some(e)) => Err(e),
        (Some(Ok(out)), None) => Ok(out),
        (Some(Err(e)), None) => Err(error(py, &e)),
        (None, None) => Err(PolicysimError::new_err(
            "internal error: the command stopped without a result (see the message above)",
        )),
    }
}

/// The Python exception of a policysim error, with its exit code.
fn error(py: Python<'_>, e: &Error) -> PyErr {
    let err = PolicysimError::new_err(e.to_string());
    let _ = err.value(py).setattr("exit_code", e.exit_code());
    err
}

/// The extension module.
#[pymodule]
fn _policysim(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(command, m)?)?;
    m.add("PolicysimError", m.py().get_type::<PolicysimError>())?;
    m.add("VERSION", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
