//! Per-process state that must not cross `fork()`: the tokio runtime, HTTP clients, MySQL pools.
//!
//! PHP-FPM loads the extension in the master process and then forks workers. A tokio runtime,
//! a reqwest connection pool or a MySQL pool inherited across `fork()` is broken in the child:
//! its worker threads do not exist there, and its sockets are shared with the parent. So
//! nothing async is created at module start-up; [`PerProcess`] creates a value lazily, remembers
//! the process id it was made in, and makes a fresh one when called from another process.
//! The stale copy is leaked on purpose: dropping it in the child could join threads that do not
//! exist (hang) or shut down sockets the parent still uses.
//!
//! The process id is cached and refreshed by a `pthread_atfork` child handler, so the check
//! costs one atomic load instead of a `getpid` system call.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Once};

static CACHED_PID: AtomicU32 = AtomicU32::new(0);
static ATFORK: Once = Once::new();

extern "C" fn refresh_pid_in_child() {
    CACHED_PID.store(std::process::id(), Ordering::Relaxed);
}

/// The id of the current process; cheap (an atomic load after the first call).
pub fn current_pid() -> u32 {
    ATFORK.call_once(|| {
        CACHED_PID.store(std::process::id(), Ordering::Relaxed);
        // SAFETY: registering a plain `extern "C"` function with no captured state; the
        // handler only performs an async-signal-safe getpid and an atomic store.
        let rc = unsafe { libc::pthread_atfork(None, None, Some(refresh_pid_in_child)) };
        if rc != 0 {
            // Without the handler we cannot trust the cache; 0 makes every call ask the kernel.
            CACHED_PID.store(0, Ordering::Relaxed);
        }
    });
    match CACHED_PID.load(Ordering::Relaxed) {
        0 => std::process::id(),
        pid => pid,
    }
}

/// A value that exists once per process, created on first use and re-created after `fork()`.
///
/// Typical use: `static CLIENT: PerProcess<HalextClient> = PerProcess::new();`.
pub struct PerProcess<T> {
    slot: Mutex<Option<(u32, Arc<T>)>>,
}

impl<T> Default for PerProcess<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> PerProcess<T> {
    /// An empty slot; `const` so it can live in a `static`.
    pub const fn new() -> Self {
        PerProcess { slot: Mutex::new(None) }
    }

    /// The value for this process, creating it with `init` if this process has none yet.
    ///
    /// # Errors
    /// Whatever `init` returns; the slot stays empty and the next call tries again.
    pub fn get_or_try_init<E>(&self, init: impl FnOnce() -> Result<T, E>) -> Result<Arc<T>, E> {
        let pid = current_pid();
        let mut slot = self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((owner, value)) = slot.as_ref() {
            if *owner == pid {
                return Ok(Arc::clone(value));
            }
        }
        if let Some(stale) = slot.take() {
            // Made in the parent process: never drop it here (see the module docs).
            std::mem::forget(stale);
        }
        let value = Arc::new(init()?);
        *slot = Some((pid, Arc::clone(&value)));
        Ok(value)
    }

    /// Like [`PerProcess::get_or_try_init`] for an infallible `init`.
    pub fn get_or_init(&self, init: impl FnOnce() -> T) -> Arc<T> {
        match self.get_or_try_init::<std::convert::Infallible>(|| Ok(init())) {
            Ok(v) => v,
            Err(never) => match never {},
        }
    }

    /// Drops this process's value (if it was made in this process), so the next use rebuilds it.
    pub fn reset(&self) {
        let pid = current_pid();
        let mut slot = self.slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match slot.take() {
            Some((owner, value)) if owner == pid => drop(value),
            Some(stale) => std::mem::forget(stale),
            None => {}
        }
    }
}

static RUNTIME: PerProcess<tokio::runtime::Runtime> = PerProcess::new();

/// This process's tokio runtime: current-thread, I/O and timers enabled, built on first use.
///
/// Current-thread because its callers (a PHP-FPM worker, a C program) are single-threaded and
/// block on each call: no cross-thread wake-ups on the hot path.
///
/// # Errors
/// `std::io::Error` if the OS refuses the runtime's resources (e.g. no epoll descriptors left).
pub fn runtime() -> std::io::Result<Arc<tokio::runtime::Runtime>> {
    RUNTIME.get_or_try_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build())
}

/// Runs `fut` to completion on this process's runtime (the blocking facade used by bindings).
///
/// Must not be called from inside an async context (tokio forbids nested `block_on`).
///
/// # Errors
/// Only if the runtime cannot be built; see [`runtime`].
pub fn block_on<F: Future>(fut: F) -> std::io::Result<F::Output> {
    Ok(runtime()?.block_on(fut))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_process_reuses_the_value_in_one_process() {
        let cell: PerProcess<u64> = PerProcess::new();
        let mut calls = 0;
        let a = cell.get_or_init(|| {
            calls += 1;
            7
        });
        let b = cell.get_or_init(|| unreachable!("already initialised"));
        assert_eq!((*a, *b, calls), (7, 7, 1));
        assert!(Arc::ptr_eq(&a, &b));
        cell.reset();
        assert_eq!(*cell.get_or_init(|| 8), 8);
    }

    #[test]
    fn failed_init_leaves_the_slot_empty() {
        let cell: PerProcess<u64> = PerProcess::new();
        assert_eq!(cell.get_or_try_init(|| Err::<u64, _>("nope")).err(), Some("nope"));
        assert_eq!(*cell.get_or_init(|| 3), 3);
    }

    #[test]
    fn block_on_runs_a_future() {
        let out = block_on(async { 40 + 2 }).expect("runtime");
        assert_eq!(out, 42);
    }

    #[test]
    fn a_forked_child_gets_its_own_runtime() {
        let parent_rt = runtime().expect("runtime");
        let parent_ptr = Arc::as_ptr(&parent_rt) as usize;
        // SAFETY: the child only calls async-signal-unsafe code that is fine in a fresh
        // single-threaded child of this test (allocations, a new runtime), then _exits.
        let pid = unsafe { libc::fork() };
        assert!(pid >= 0, "fork failed");
        if pid == 0 {
            let ok = std::panic::catch_unwind(|| {
                let child_rt = runtime().expect("child runtime");
                let fresh = Arc::as_ptr(&child_rt) as usize != parent_ptr;
                let works = child_rt.block_on(async { 1 + 1 }) == 2;
                current_pid() == std::process::id() && fresh && works
            })
            .unwrap_or(false);
            // SAFETY: terminate the child without running the parent's destructors/atexit.
            unsafe { libc::_exit(if ok { 0 } else { 1 }) };
        }
        let mut status = 0;
        // SAFETY: waiting on the child we just forked.
        unsafe { libc::waitpid(pid, &mut status, 0) };
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "child status {status}");
        assert_eq!(parent_rt.block_on(async { 5 }), 5, "parent runtime still works");
    }
}
