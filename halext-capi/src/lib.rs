//! # libhalext: the halext C ABI
//!
//! A thin layer over [`halext_core`]: it converts C types to Rust types, maps errors to one
//! status enum and keeps panics from crossing into C. No identity, token or HTTP logic lives
//! here. The C header `include/halext.h` is generated from this crate by cbindgen
//! (`make header`; `make header-check` fails when it is stale). `docs/c-api.md` is the C
//! programmer's guide.
//!
//! ## Conventions every exported function follows
//!
//! | rule | how | where |
//! | --- | --- | --- |
//! | Fallible functions return `halext_status` (the core's [`Code`](halext_core::Code), `0` = OK) | [`boundary::status_boundary`] | [`boundary`] |
//! | Failure records a thread-local last error (code + message); success clears it | [`last_error`] | `halext_last_error_*` |
//! | No panic unwinds into C: it becomes `HALEXT_STATUS_INTERNAL` | `catch_unwind` in [`boundary`] | |
//! | NULL and invalid UTF-8 are `HALEXT_STATUS_INVALID_ARGUMENT`, never UB | [`args`] | |
//! | Opaque handles: `Box::into_raw` / `_new` / `_free`, `_free(NULL)` is a no-op | [`handle`] | `halext_secret_*`, `halext_validator_*`, `halext_claims_*`, `halext_password_rules_*`, `halext_migration_*` |
//! | Library-allocated strings (`char *`, usually JSON) are freed with `halext_string_free` | [`output`] | |
//!
//! ## Writing a binding (the pattern a new `src/<capability>.rs` follows)
//!
//! A sketch (the real token binding, [`token`], follows it with a claims handle instead of JSON):
//!
//! ```text
//! /// Validates `token` (NUL-terminated) and writes its claims as a JSON object to `*out_json`
//! /// (free it with `halext_string_free`). Errors: `HALEXT_STATUS_TOKEN_*`, INVALID_ARGUMENT.
//! #[unsafe(no_mangle)]
//! pub unsafe extern "C" fn halext_example_validate(
//!     validator: *const halext_example,
//!     token: *const c_char,
//!     out_json: *mut *mut c_char,
//! ) -> Code {
//!     status_boundary("halext_example_validate", || {
//!         // Out-parameters first, so they are NULL/0 on every failure after this line.
//!         let out_json = unsafe { args::out(out_json, "out_json") }?;
//!         let validator = unsafe { handle::as_ref(validator, "validator") }?;
//!         let token = unsafe { args::c_str(token, "token") }?;
//!         let claims = validator.inner.validate(token)?; // TokenError -> AnyError via `?`
//!         *out_json = output::json_string(&claims)?;
//!         Ok(())
//!     })
//! }
//! ```
//!
//! Each exported function is written out literally with `#[unsafe(no_mangle)] pub extern "C"`
//! (cbindgen does not expand macros), has a doc comment (it becomes the header's comment)
//! that names its errors, ownership of every pointer and its thread-safety, and is covered by
//! a C test in `tests/c/`.
//!
//! ## Fork and thread safety
//!
//! Handles may be used in a child after `fork()`: anything that must not cross a fork (the
//! tokio runtime, HTTP clients, MySQL pools) lives in the core's per-process slots
//! ([`halext_core::runtime::PerProcess`]) and is rebuilt in the child. Each function family
//! documents which handles may be shared between threads; handles that are immutable after
//! construction implement [`handle::Shareable`] (a compile-time `Send + Sync` check).

// Exported function families, in the order the header lists them (cbindgen follows the
// module order; keep each family in its own group so rustfmt does not sort them).
pub mod status;

pub mod last_error;

pub mod output;

pub mod secret;

pub mod token;

pub mod client;
pub mod password;

pub mod migration;

// Plumbing for the bindings: no exported functions except the panic test hook.
pub mod args;
pub mod boundary;
pub mod handle;

use std::ffi::{CStr, c_char};

/// The library version, NUL-terminated (same as `halext_core::VERSION`).
const VERSION_C: &CStr = match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes())
{
    Ok(v) => v,
    Err(_) => panic!("the package version contains a NUL byte"),
};

/// The version of libhalext as a static NUL-terminated string, e.g. `"0.1.0"`.
///
/// It equals the `HALEXT_VERSION` macro of the header the program was compiled against when
/// the header and the library match. Never free the result. Never fails; callable from any
/// thread; does not touch the last error.
#[unsafe(no_mangle)]
pub extern "C" fn halext_version() -> *const c_char {
    VERSION_C.as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_the_core_version() {
        // SAFETY: halext_version returns a static NUL-terminated string.
        let v = unsafe { CStr::from_ptr(halext_version()) };
        assert_eq!(v.to_str().ok(), Some(halext_core::VERSION));
        assert_eq!(halext_version(), halext_version(), "the pointer is static");
    }
}
