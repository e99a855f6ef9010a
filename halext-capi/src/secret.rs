//! `halext_secret`: a secret (shared HMAC key, access code, password) held by the library.
//!
//! Configuration functions of the capability bindings take a `const halext_secret *` instead of
//! raw bytes, so a C program can load a secret the way every other halext front end does
//! (`NAME` or `NAME_FILE` from the environment, or a file) without ever holding it in its own
//! memory. The bytes are zeroed when the handle is freed and never appear in an error message.
//!
//! Thread safety: a `halext_secret` is immutable after construction; it may be shared between
//! threads and freed from any thread once no thread uses it.

use std::ffi::{OsStr, c_char};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use halext_core::{AnyError, Code, Secret};

use crate::args;
use crate::boundary::{status_boundary, value_boundary};
use crate::handle::{self, Handle, Shareable};

/// A secret held by the library: an opaque handle. Create it with `halext_secret_new`,
/// `halext_secret_from_env` or `halext_secret_from_file`; free it with `halext_secret_free`.
/// Immutable: may be shared between threads.
#[allow(non_camel_case_types)]
pub struct halext_secret {
    secret: Secret,
}

impl halext_secret {
    /// The secret, for bindings that take a `const halext_secret *`.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }
}

impl Handle for halext_secret {
    const C_NAME: &'static str = "halext_secret";
}

impl Shareable for halext_secret {}

/// Copies `len` bytes at `bytes` into a new secret and writes the handle to `*out`.
///
/// `(NULL, 0)` makes an empty secret (whether an empty or short secret is acceptable is
/// decided by the function that uses it). The caller may wipe its own copy right after.
///
/// Errors: `HALEXT_STATUS_INVALID_ARGUMENT` when `out` is NULL, or `bytes` is NULL with
/// `len > 0`. On error `*out` is NULL. Free the handle with `halext_secret_free`.
///
/// # Safety
/// `bytes` must point to `len` readable bytes (or be NULL when `len` is 0); `out` must be NULL
/// or point to a writable `halext_secret *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_secret_new(
    bytes: *const u8,
    len: usize,
    out: *mut *mut halext_secret,
) -> Code {
    status_boundary("halext_secret_new", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let bytes = unsafe { args::bytes(bytes, len, "bytes") }?;
        *out = handle::into_raw(halext_secret { secret: Secret::new(bytes) });
        Ok(())
    })
}

/// Reads a secret from the environment: the variable `name` holds the value itself, or
/// `<name>_FILE` names a file whose contents (one trailing newline removed) are the value;
/// `name` wins when both are set. This is the rule every halext front end uses
/// (`halext_core::Secret::from_env`).
///
/// Errors: `HALEXT_STATUS_CONFIG` when neither variable is set; `HALEXT_STATUS_IO` when
/// `<name>_FILE` cannot be read (the message names the path, never the contents);
/// `HALEXT_STATUS_INVALID_ARGUMENT` when `name` or `out` is NULL or `name` is empty or not
/// UTF-8. On error `*out` is NULL. Free the handle with `halext_secret_free`.
///
/// Reading the environment races with `setenv` on other threads (a libc limitation): call it
/// at start-up, before such threads exist.
///
/// # Safety
/// `name` must be NULL or a NUL-terminated string; `out` must be NULL or point to a writable
/// `halext_secret *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_secret_from_env(name: *const c_char, out: *mut *mut halext_secret) -> Code {
    status_boundary("halext_secret_from_env", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let name = unsafe { args::c_str(name, "name") }?;
        if name.is_empty() || name.contains('=') {
            return Err(AnyError::new(
                Code::InvalidArgument,
                "argument `name` must be a non-empty environment variable name without '='",
            ));
        }
        let secret = Secret::from_env(name)
            .map_err(|e| AnyError::new(Code::Io, format!("cannot read the file named by {name}_FILE: {e}")))?
            .ok_or_else(|| AnyError::new(Code::Config, format!("neither {name} nor {name}_FILE is set")))?;
        *out = handle::into_raw(halext_secret { secret });
        Ok(())
    })
}

/// Reads a secret from the file at `path` (bytes, not necessarily UTF-8), removing one
/// trailing newline (`\n` or `\r\n`).
///
/// Errors: `HALEXT_STATUS_IO` when the file cannot be read (the message names the path, never
/// the contents); `HALEXT_STATUS_INVALID_ARGUMENT` when `path` or `out` is NULL or `path` is
/// empty. On error `*out` is NULL. Free the handle with `halext_secret_free`.
///
/// # Safety
/// `path` must be NULL or a NUL-terminated string; `out` must be NULL or point to a writable
/// `halext_secret *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_secret_from_file(path: *const c_char, out: *mut *mut halext_secret) -> Code {
    status_boundary("halext_secret_from_file", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let path = Path::new(OsStr::from_bytes(unsafe { args::c_bytes(path, "path") }?));
        if path.as_os_str().is_empty() {
            return Err(AnyError::new(Code::InvalidArgument, "argument `path` must not be empty"));
        }
        let secret = Secret::from_file(path).map_err(|e| {
            AnyError::new(Code::Io, format!("cannot read secret file {}: {e}", path.display()))
        })?;
        *out = handle::into_raw(halext_secret { secret });
        Ok(())
    })
}

/// The length of the secret in bytes; 0 for NULL. Never fails; does not touch the last error.
///
/// # Safety
/// `secret` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_secret_len(secret: *const halext_secret) -> usize {
    // SAFETY: the caller's contract above.
    value_boundary(0, || unsafe { handle::as_ref(secret, "secret") }.map_or(0, |s| s.secret.len()))
}

/// Frees a secret, zeroing its bytes. NULL is a no-op. Never fails; does not touch the last
/// error. Call it once, when no other thread uses the handle.
///
/// # Safety
/// `secret` must be NULL or a handle from a `halext_secret_*` constructor, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_secret_free(secret: *mut halext_secret) {
    // SAFETY: the caller's contract above.
    value_boundary((), || unsafe { handle::free(secret) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::last_error;
    use std::ffi::CString;
    use std::ptr;

    fn secret_bytes(h: *const halext_secret) -> Vec<u8> {
        // SAFETY: callers pass a live handle.
        unsafe { handle::as_ref(h, "h") }.map(|s| s.secret().expose().to_vec()).unwrap_or_default()
    }

    #[test]
    fn new_copies_bytes_and_accepts_empty() {
        let mut h: *mut halext_secret = ptr::null_mut();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(halext_secret_new(b"k\0y".as_ptr(), 3, &mut h), Code::Ok);
            assert_eq!((halext_secret_len(h), secret_bytes(h)), (3, b"k\0y".to_vec()));
            halext_secret_free(h);
            assert_eq!(halext_secret_new(ptr::null(), 0, &mut h), Code::Ok);
            assert_eq!(halext_secret_len(h), 0);
            halext_secret_free(h);
            assert_eq!(halext_secret_new(ptr::null(), 4, &mut h), Code::InvalidArgument);
            assert!(h.is_null());
            assert_eq!(halext_secret_new(b"x".as_ptr(), 1, ptr::null_mut()), Code::InvalidArgument);
            assert_eq!(halext_secret_len(ptr::null()), 0);
            halext_secret_free(ptr::null_mut());
        }
    }

    #[test]
    fn from_file_strips_one_newline_and_never_quotes_contents() {
        let dir = tempfile::tempdir().ok();
        let dir = dir.as_ref().map(|d| d.path().to_owned()).unwrap_or_default();
        let file = dir.join("secret");
        assert!(std::fs::write(&file, "s3cr3t\n").is_ok());
        let c_path = CString::new(file.as_os_str().as_bytes()).unwrap_or_default();
        let mut h: *mut halext_secret = ptr::null_mut();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(halext_secret_from_file(c_path.as_ptr(), &mut h), Code::Ok);
            assert_eq!(secret_bytes(h), b"s3cr3t");
            halext_secret_free(h);
            let missing = CString::new(dir.join("nope").as_os_str().as_bytes()).unwrap_or_default();
            assert_eq!(halext_secret_from_file(missing.as_ptr(), &mut h), Code::Io);
            assert!(last_error::message().contains("nope"));
            assert_eq!(halext_secret_from_file(c"".as_ptr(), &mut h), Code::InvalidArgument);
            assert_eq!(halext_secret_from_file(ptr::null(), &mut h), Code::InvalidArgument);
        }
    }

    #[test]
    fn from_env_reports_unset_and_bad_names() {
        let mut h: *mut halext_secret = ptr::null_mut();
        // SAFETY: valid pointers. (Only unset variables are read: no env mutation in tests.)
        unsafe {
            let name = c"HALEXT_CAPI_TEST_SURELY_UNSET_VARIABLE";
            assert_eq!(halext_secret_from_env(name.as_ptr(), &mut h), Code::Config);
            assert!(last_error::message().contains("HALEXT_CAPI_TEST_SURELY_UNSET_VARIABLE_FILE"));
            assert_eq!(halext_secret_from_env(c"".as_ptr(), &mut h), Code::InvalidArgument);
            assert_eq!(halext_secret_from_env(c"A=B".as_ptr(), &mut h), Code::InvalidArgument);
            assert_eq!(halext_secret_from_env(c"\xff".as_ptr(), &mut h), Code::InvalidArgument);
            assert!(h.is_null());
        }
    }

    #[test]
    fn a_secret_handle_is_shareable() {
        fn shareable<T: Shareable>() {}
        shareable::<halext_secret>();
    }
}
