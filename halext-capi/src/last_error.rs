//! The thread-local last error: the code and message of the most recent failure on this thread.
//!
//! Model (the same one `errno` users know, minus its pitfalls):
//!
//! * every function that returns `halext_status` sets the last error when it fails and clears
//!   it when it succeeds (via [`crate::boundary::status_boundary`]);
//! * functions that cannot fail (`halext_version`, `halext_status_name`, `_len` accessors,
//!   `_free` functions) and the `halext_last_error_*` accessors themselves never change it;
//! * it is per thread: a failure on one thread is invisible on another.
//!
//! The message is human-readable English, never contains a secret, password or whole token,
//! and is not a stable interface (match on the status, not on the text).

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};

use halext_core::{AnyError, Code};

use crate::args;
use crate::boundary::value_boundary;
use crate::output;

struct LastError {
    error: AnyError,
    message: CString,
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

/// Records `error` as this thread's last error, replacing the previous one.
///
/// Never panics: if the thread-local is being destroyed (a call from a TLS destructor at
/// thread exit) the error is dropped.
pub fn set(error: AnyError) {
    let message = output::c_string_lossy(error.to_string());
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = Some(LastError { error, message });
        }
    });
}

/// Clears this thread's last error (after a successful call).
pub fn clear() {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = None;
        }
    });
}

/// Runs `f` with this thread's last error, if any, and returns its result.
///
/// For bindings that expose the data a caller acts on: downcast [`AnyError::inner`] to the
/// capability error (e.g. an `ApiError` carrying `retry_after`) inside `f`. Returns `None`
/// (without calling `f`) only when this thread's storage is already destroyed, i.e. for a
/// call made from a thread-local destructor while the thread exits.
pub fn with<R>(f: impl FnOnce(Option<&AnyError>) -> R) -> Option<R> {
    LAST_ERROR
        .try_with(|slot| {
            let slot = slot.try_borrow();
            f(slot.as_ref().ok().and_then(|s| s.as_ref()).map(|e| &e.error))
        })
        .ok()
}

/// This thread's last error code (`Code::Ok` when the last status-returning call succeeded).
pub fn code() -> Code {
    with(|e| e.map_or(Code::Ok, AnyError::code)).unwrap_or(Code::Ok)
}

/// This thread's last error message (`""` when there is none). For tests and Rust callers.
pub fn message() -> String {
    with(|e| e.map(ToString::to_string).unwrap_or_default()).unwrap_or_default()
}

/// Runs `f` with the last error message as a C string (`""` when there is none); the
/// message's buffer lives in the thread-local slot until the slot is next written.
/// `None` as for [`with`].
fn with_message<R>(f: impl FnOnce(&CStr) -> R) -> Option<R> {
    LAST_ERROR
        .try_with(|slot| {
            let slot = slot.try_borrow();
            f(slot.as_ref().ok().and_then(|s| s.as_ref()).map_or(c"", |e| e.message.as_c_str()))
        })
        .ok()
}

/// The status of the most recent failed call on this thread, or `HALEXT_STATUS_OK` when the
/// most recent call that returns `halext_status` succeeded (or none was made yet).
///
/// Never fails; does not change the last error; per thread.
#[unsafe(no_mangle)]
pub extern "C" fn halext_last_error_code() -> Code {
    value_boundary(Code::Internal, code)
}

/// The message of the most recent failed call on this thread, as a NUL-terminated UTF-8
/// string; `""` (never NULL) when there is no error.
///
/// Lifetime: the pointer is owned by the library and stays valid until the next call on this
/// thread that returns `halext_status` (only those change the last error), or until the thread
/// exits. Copy it (or use `halext_last_error_message_copy`) to keep it longer. Never free it.
///
/// The text never contains a secret, password or whole token, and is not a stable interface:
/// match on the status, not on the message. Does not change the last error; per thread.
#[unsafe(no_mangle)]
pub extern "C" fn halext_last_error_message() -> *const c_char {
    // The CString lives in the thread-local slot until the slot is next written, so the
    // pointer outlives this borrow; `c""` is static.
    value_boundary(c"".as_ptr(), || with_message(|m| m.as_ptr()).unwrap_or(c"".as_ptr()))
}

/// Copies the last error message (UTF-8, NUL-terminated) into the caller's buffer.
///
/// * `buf`, `len`: the destination and its size in bytes. At most `len - 1` bytes of the
///   message are written, cut at a UTF-8 character boundary, followed by a NUL. `buf` may be
///   NULL only when `len` is 0 (a size query).
/// * `out_len` (may be NULL): receives the full length of the message in bytes, without the
///   NUL. The copy was truncated exactly when `*out_len >= len`; allocate `*out_len + 1`.
///
/// Returns `HALEXT_STATUS_OK`, or `HALEXT_STATUS_INVALID_ARGUMENT` when `buf` is NULL and
/// `len > 0`. Unlike other functions it never changes the last error (it reads it), so its
/// status is only returned. Per thread.
///
/// # Safety
/// `buf` must point to `len` writable bytes; `out_len` must be NULL or point to a `size_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_last_error_message_copy(
    buf: *mut c_char,
    len: usize,
    out_len: *mut usize,
) -> Code {
    value_boundary(Code::Internal, || {
        with_message(|message| {
            let bytes = message.to_bytes();
            if !out_len.is_null() {
                // SAFETY: the caller passes NULL or a valid `size_t *`.
                unsafe { *out_len = bytes.len() };
            }
            if buf.is_null() {
                return if len == 0 { Code::Ok } else { Code::InvalidArgument };
            }
            if len == 0 {
                return Code::Ok;
            }
            let n = output::utf8_prefix_len(bytes, len - 1);
            // SAFETY: the caller guarantees `len` writable bytes at `buf`; `n < len`; the
            // source is our own CString, which cannot overlap the caller's buffer.
            unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), buf.cast::<u8>(), n);
                *buf.add(n) = 0;
            }
            Code::Ok
        })
        .unwrap_or(Code::Internal)
    })
}

/// The JSON shape of `halext_last_error_json` (a struct, so the key order is fixed); a
/// capability's extra fields (e.g. an API error's `http_status`) follow the three fixed ones.
#[derive(serde::Serialize)]
struct ErrorJson {
    status: u32,
    name: &'static str,
    message: String,
    #[serde(flatten)]
    extra: Option<serde_json::Map<String, serde_json::Value>>,
}

/// Writes the last error as a JSON object to `*out_json`:
/// `{"status":104,"name":"token.expired","message":"..."}` (keys in this order), or
/// `{"status":0,"name":"ok","message":""}` when there is no error.
///
/// An API client error (`HALEXT_STATUS_API_*`, codes 200–211) adds
/// `"http_status"` (the HTTP status, or `null` when no answer arrived), `"detail"` (the server's
/// `detail` or the start of its body, or `null`), `"field_errors"` (a 422's
/// `[{"loc":["body","email"],"msg":"...","type":"missing","field":"email"}]`, else `[]`) and
/// `"retry_after"` (a 429's `Retry-After` in seconds, else `null`).
///
/// The string is allocated by the library: free it with `halext_string_free` (not `free`).
/// Returns `HALEXT_STATUS_OK`, or `HALEXT_STATUS_INVALID_ARGUMENT` when `out_json` is NULL.
/// Never changes the last error (its own status is only returned). Per thread.
///
/// # Safety
/// `out_json` must be NULL or point to a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_last_error_json(out_json: *mut *mut c_char) -> Code {
    value_boundary(Code::Internal, || {
        // SAFETY: the caller passes NULL or a valid `char **`.
        let Ok(out_json) = (unsafe { args::out(out_json, "out_json") }) else {
            return Code::InvalidArgument;
        };
        let json = with(|e| {
            let code = e.map_or(Code::Ok, AnyError::code);
            ErrorJson {
                status: code.as_u32(),
                name: code.as_str(),
                message: e.map(ToString::to_string).unwrap_or_default(),
                extra: e.and_then(crate::client::api_error_fields),
            }
        })
        .unwrap_or(ErrorJson { status: 0, name: "ok", message: String::new(), extra: None });
        match output::json_string(&json) {
            Ok(ptr) => {
                *out_json = ptr;
                Code::Ok
            }
            Err(e) => e.code(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::halext_string_free;

    fn fail(code: Code, message: &str) {
        set(AnyError::new(code, message));
    }

    fn copy(len: usize) -> (Code, Vec<u8>, usize) {
        let mut buf = vec![0x55u8; len];
        let mut out_len = usize::MAX;
        let ptr = if len == 0 { std::ptr::null_mut() } else { buf.as_mut_ptr().cast() };
        // SAFETY: `buf` has `len` bytes.
        let code = unsafe { halext_last_error_message_copy(ptr, len, &mut out_len) };
        (code, buf, out_len)
    }

    #[test]
    fn message_pointer_is_empty_not_null_without_error() {
        clear();
        assert_eq!(halext_last_error_code(), Code::Ok);
        let p = halext_last_error_message();
        assert!(!p.is_null());
        // SAFETY: valid until the next status-returning call on this thread.
        assert_eq!(unsafe { CStr::from_ptr(p) }.to_bytes(), b"");
    }

    #[test]
    fn accessors_read_without_clearing() {
        fail(Code::TokenExpired, "token expired 30 s ago");
        let p1 = halext_last_error_message();
        let p2 = halext_last_error_message();
        assert_eq!(p1, p2, "reading twice gives the same buffer");
        assert_eq!(halext_last_error_code(), Code::TokenExpired);
        assert_eq!(copy(64).0, Code::Ok);
        assert_eq!(halext_last_error_code(), Code::TokenExpired, "copy does not clear");
        // SAFETY: still valid: no status-returning call happened in between.
        assert_eq!(unsafe { CStr::from_ptr(p1) }.to_str().ok(), Some("token expired 30 s ago"));
    }

    #[test]
    fn copy_reports_length_and_truncates_on_a_char_boundary() {
        fail(Code::Config, "caf\u{e9} au lait"); // "é" is 2 bytes: total 13
        let (code, buf, n) = copy(64);
        assert_eq!((code, n), (Code::Ok, 13));
        assert_eq!(&buf[..14], "caf\u{e9} au lait\0".as_bytes());

        // Room for 4 bytes + NUL would split "é": back off to "caf".
        let (code, buf, n) = copy(5);
        assert_eq!((code, n), (Code::Ok, 13));
        assert_eq!(&buf[..4], b"caf\0");

        // Size query.
        let (code, _, n) = copy(0);
        assert_eq!((code, n), (Code::Ok, 13));

        // A one-byte buffer gets just the NUL.
        let (code, buf, _) = copy(1);
        assert_eq!((code, buf[0]), (Code::Ok, 0));
    }

    #[test]
    fn copy_rejects_null_buffer_with_length_and_accepts_null_out_len() {
        fail(Code::Io, "x");
        // SAFETY: NULL buffer is checked by the function.
        let code = unsafe { halext_last_error_message_copy(std::ptr::null_mut(), 8, std::ptr::null_mut()) };
        assert_eq!(code, Code::InvalidArgument);
        assert_eq!(halext_last_error_code(), Code::Io, "its own failure is not recorded");
        let mut buf = [1 as c_char; 4];
        // SAFETY: 4 writable bytes.
        let code = unsafe { halext_last_error_message_copy(buf.as_mut_ptr(), 4, std::ptr::null_mut()) };
        assert_eq!((code, buf[0], buf[1]), (Code::Ok, b'x' as c_char, 0));
    }

    #[test]
    fn nul_in_a_message_does_not_truncate_or_fail() {
        fail(Code::ApiServer, "body: a\0b");
        // SAFETY: valid until the next status-returning call.
        let m = unsafe { CStr::from_ptr(halext_last_error_message()) }.to_string_lossy().into_owned();
        assert!(m.starts_with("body: a") && m.ends_with('b') && !m.contains('\0'), "{m:?}");
    }

    #[test]
    fn json_describes_the_last_error() {
        fail(Code::TokenExpired, "expired \"quoted\"");
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: `out` is a valid `char **`.
        assert_eq!(unsafe { halext_last_error_json(&mut out) }, Code::Ok);
        // SAFETY: a NUL-terminated string from the library.
        let text = unsafe { CStr::from_ptr(out) }.to_str().map(str::to_owned).unwrap_or_default();
        // SAFETY: allocated by the library, freed once.
        unsafe { halext_string_free(out) };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(v["status"], 104);
        assert_eq!(v["name"], "token.expired");
        assert_eq!(v["message"], "expired \"quoted\"");
        assert_eq!(halext_last_error_code(), Code::TokenExpired);
        // SAFETY: NULL is checked.
        assert_eq!(unsafe { halext_last_error_json(std::ptr::null_mut()) }, Code::InvalidArgument);
    }

    #[test]
    fn last_error_is_per_thread() {
        fail(Code::Config, "main thread");
        let other = std::thread::spawn(|| {
            let before = code();
            fail(Code::Io, "other thread");
            (before, code())
        })
        .join()
        .ok();
        assert_eq!(other, Some((Code::Ok, Code::Io)));
        assert_eq!(code(), Code::Config);
        assert_eq!(message(), "main thread");
    }
}
