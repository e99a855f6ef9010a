//! The panic boundary every PHP entry point runs inside.
//!
//! ext-php-rs 0.16 already catches a panic in a `#[php_function]`/method, but turns it
//! into a plain `\Error` whose message is the panic payload. That is the wrong class for
//! `catch (Halext\Exception $e)` and the payload may contain a secret. So every binding
//! wraps its body in [`run`]: a panic becomes `Halext\Exception` with code
//! `Halext\Exception::INTERNAL` and a fixed message, an error becomes the exception of its
//! code's class.
//!
//! The panic hook installed at MINIT (`install_panic_hook`) replaces the default one
//! (which prints the payload to stderr, i.e. the PHP-FPM log): it prints the location only.
//! The hook belongs to this extension's copy of the Rust standard library, so it affects
//! panics in halext code only, not other Rust extensions loaded in the same process.

use crate::exception::Thrown;
use ext_php_rs::exception::PhpResult;
use halext_core::AnyError;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs a binding body: `Ok` passes through, an error becomes the halext exception of its
/// code (through [`Thrown`]), a panic becomes `Halext\Exception` code `INTERNAL`.
///
/// ```ignore
/// #[php_function]
/// pub fn halext_something(token: &str) -> PhpResult<Zval> {
///     boundary::run(|| -> Result<_, AnyError> {
///         let claims = halext_core::token::validate(token)?; // any HalextError
///         Ok(convert::to_zval(&claims)?)
///     })
/// }
/// ```
///
/// # Errors
/// The PHP exception to throw.
pub fn run<T, E: Into<AnyError>>(body: impl FnOnce() -> Result<T, E>) -> PhpResult<T> {
    run_thrown(|| body().map_err(|e| Thrown::from(e.into())))
}

/// Like [`run`] for a body that builds its own [`Thrown`] (to set extra properties).
///
/// # Errors
/// The PHP exception to throw.
pub fn run_thrown<T>(body: impl FnOnce() -> Result<T, Thrown>) -> PhpResult<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(thrown)) => Err(thrown.into()),
        Err(payload) => {
            // Dropped without looking at it: it may hold a secret.
            drop(payload);
            Err(Thrown::panic().into())
        }
    }
}

/// Replaces the panic hook with one that prints `halext: internal error: Rust panic at
/// <file>:<line>:<column>` to stderr and nothing of the payload. Called at MINIT (it creates
/// no thread and no I/O resource).
pub(crate) fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let location = info.location().map_or_else(
            || "an unknown location".to_owned(),
            |l| format!("{}:{}:{}", l.file(), l.line(), l.column()),
        );
        eprintln!(
            "halext: internal error: Rust panic at {location} (message withheld: it may contain a secret); please report it"
        );
    }));
}
