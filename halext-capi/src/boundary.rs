//! The panic boundary: the one place where a Rust result or a Rust panic becomes a C status.
//!
//! Every exported function runs its body inside [`status_boundary`] (functions returning
//! `halext_status`) or [`value_boundary`] (functions that cannot fail: accessors returning a
//! pointer or a length, and `_free` functions). A panic is caught with `catch_unwind` and
//! never unwinds into C, which would be undefined behaviour. This relies on the workspace's
//! `panic = "unwind"` profiles; with `panic = "abort"` a panic would abort the process instead.
//!
//! The closures run under `AssertUnwindSafe`: after a caught panic the call returns
//! `HALEXT_STATUS_INTERNAL` and the caller is told (docs/c-api.md) to free, not reuse, a handle
//! that was being mutated. Handles that are immutable after construction cannot be left
//! half-updated.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use halext_core::{AnyError, Code};

use crate::last_error;

/// Runs the body of an exported function that returns `halext_status`.
///
/// * `Ok(())`: clears this thread's last error and returns `HALEXT_STATUS_OK`;
/// * `Err(e)`: records `e` as this thread's last error and returns `e.code()` (an error that
///   claims `Code::Ok` is a bug and becomes `HALEXT_STATUS_INTERNAL`);
/// * a panic: caught here, recorded as a generic `internal` error naming `function` (the panic
///   message is not copied: it could quote input), returns `HALEXT_STATUS_INTERNAL`.
///
/// The default panic hook still prints the panic to stderr; the library installs no hook of
/// its own because the hook is process-global and belongs to the host program.
pub fn status_boundary(function: &'static str, body: impl FnOnce() -> Result<(), AnyError>) -> Code {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            last_error::clear();
            Code::Ok
        }
        Ok(Err(error)) if error.code() == Code::Ok => {
            last_error::set(AnyError::new(
                Code::Internal,
                format!("internal error in {function}: an error was reported with status ok"),
            ));
            Code::Internal
        }
        Ok(Err(error)) => {
            let code = error.code();
            last_error::set(error);
            code
        }
        Err(payload) => {
            discard_panic_payload(payload);
            last_error::set(AnyError::new(
                Code::Internal,
                format!(
                    "internal error in {function}: a panic was caught at the C boundary (please report it)"
                ),
            ));
            Code::Internal
        }
    }
}

/// Runs the body of an exported function that cannot fail (it returns a pointer, a number or
/// nothing). A panic is caught and `fallback` (NULL, 0) is returned. The last error is never
/// touched, so pointers returned by `halext_last_error_message` stay valid across such calls.
pub fn value_boundary<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            discard_panic_payload(payload);
            fallback
        }
    }
}

/// Drops a panic payload without letting a panicking `Drop` escape; a payload whose drop
/// panics again is leaked (this only happens after a bug).
fn discard_panic_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

/// Panics on purpose inside the panic boundary, to prove that a panic returns
/// `HALEXT_STATUS_INTERNAL` (with a generic last-error message) and the process survives.
///
/// Test hook only: exported by debug builds and by builds with the `test-hooks` feature, never
/// by a default release build, and left out of `include/halext.h` (the C tests declare it in
/// `tests/c/halext_test_hooks.h`).
#[cfg(any(debug_assertions, feature = "test-hooks"))]
#[unsafe(no_mangle)]
pub extern "C" fn halext_test_panic() -> Code {
    status_boundary("halext_test_panic", || panic!("halext_test_panic: deliberate panic (test hook)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ok_clears_and_error_sets_the_last_error() {
        let code = status_boundary("t", || Err(AnyError::new(Code::Config, "missing base URL")));
        assert_eq!(code, Code::Config);
        assert_eq!(last_error::code(), Code::Config);
        assert_eq!(last_error::message(), "missing base URL");
        assert_eq!(status_boundary("t", || Ok(())), Code::Ok);
        assert_eq!(last_error::code(), Code::Ok);
        assert_eq!(last_error::message(), "");
    }

    #[test]
    fn an_error_claiming_ok_is_internal() {
        assert_eq!(status_boundary("t", || Err(AnyError::new(Code::Ok, "?"))), Code::Internal);
        assert_eq!(last_error::code(), Code::Internal);
    }

    #[test]
    fn a_panic_becomes_internal_with_a_generic_message() {
        let code = status_boundary("halext_example", || panic!("secret-ish detail"));
        assert_eq!(code, Code::Internal);
        let message = last_error::message();
        assert!(message.contains("halext_example"), "{message}");
        assert!(!message.contains("secret-ish"), "the panic message must not leak: {message}");
        assert_eq!(halext_test_panic(), Code::Internal);
    }

    #[test]
    fn value_boundary_returns_the_fallback_and_keeps_the_last_error() {
        let _ = status_boundary("t", || Err(AnyError::new(Code::Io, "disk")));
        let v: usize = value_boundary(7, || panic!("boom"));
        assert_eq!(v, 7);
        assert_eq!(value_boundary(0, || 3), 3);
        assert_eq!(last_error::code(), Code::Io, "value_boundary never touches the last error");
    }

    #[test]
    fn a_payload_whose_drop_panics_is_contained() {
        struct Nasty;
        impl Drop for Nasty {
            fn drop(&mut self) {
                panic!("drop of the payload panics too");
            }
        }
        let code = status_boundary("t", || std::panic::panic_any(Nasty));
        assert_eq!(code, Code::Internal);
    }
}
