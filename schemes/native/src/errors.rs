//! Errors, and the guard that every long call runs under.
//!
//! `run` releases the GIL, runs the work on this process's thread pool, and turns a panic (here
//! or in a rayon worker, which rayon re-raises on the calling thread) into `NativeError`, a plain
//! Python `RuntimeError`: a panic never crosses into Python as pyo3's `PanicException` (a
//! `BaseException`).
//!
//! The pool belongs to one process. A child made by `fork` (Python's `multiprocessing` default
//! on Linux, pre-forking servers) inherits the parent's pool without its threads, and would wait
//! for them forever; so the pool is keyed by process id and a child builds its own.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

use pyo3::create_exception;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;

create_exception!(_native, NativeError, PyRuntimeError, "An internal failure of the native engine (a bug, never bad input).");
create_exception!(_native, DecodeError, PyValueError, "Bytes that do not encode a valid scalar or point.");
create_exception!(_native, UnsatisfiedRow, PyValueError, "The assignment violates a constraint row; args[0] is the row index.");

#[derive(Debug)]
pub enum Error {
    /// Malformed or invalid encoded input (non-canonical, off the curve, outside the subgroup).
    Decode(String),
    /// A bad argument that is not an encoding (a length, a count, a shape).
    Value(String),
    /// The assignment violates the constraint row with this index.
    Unsatisfied(usize),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        match e {
            Error::Decode(m) => DecodeError::new_err(m),
            Error::Value(m) => PyValueError::new_err(m),
            Error::Unsatisfied(row) => UnsatisfiedRow::new_err((row,)),
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

static POOL: Mutex<Option<(u32, Arc<rayon::ThreadPool>)>> = Mutex::new(None);

/// This process's thread pool (`RAYON_NUM_THREADS` threads, default one per CPU).
fn pool() -> Arc<rayon::ThreadPool> {
    let pid = std::process::id();
    let mut slot = POOL.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((owner, pool)) = slot.as_ref() {
        if *owner == pid {
            return pool.clone();
        }
    }
    if let Some(stale) = slot.take() {
        std::mem::forget(stale); // the parent's pool: its threads do not exist in this process
    }
    let pool = Arc::new(rayon::ThreadPoolBuilder::new().build().expect("a thread pool"));
    *slot = Some((pid, pool.clone()));
    pool
}

/// Run `f` without the GIL; map its error to the Python exception and a panic to `NativeError`.
pub fn run<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> Result<T> + Send,
{
    py.allow_threads(|| quick(|| pool().install(f)))
}

/// Run a short `f` (microseconds) here, keeping the GIL; a panic still becomes `NativeError`.
pub fn quick<T, F>(f: F) -> PyResult<T>
where
    F: FnOnce() -> Result<T>,
{
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.into()),
        Err(payload) => Err(NativeError::new_err(format!(
            "native engine failure (please report): {}",
            panic_message(payload.as_ref())
        ))),
    }
}
