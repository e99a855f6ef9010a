//! Library-allocated outputs returned to C: `char *` strings (usually JSON) that the caller
//! frees with `halext_string_free`, never with `free()` (the library's allocator is Rust's, not
//! necessarily the C program's `malloc`).

use std::ffi::{CString, c_char};

use halext_core::{AnyError, Code};
use zeroize::Zeroize;

use crate::boundary::value_boundary;

/// Hands `s` to C as a NUL-terminated string to be freed with `halext_string_free`.
///
/// # Errors
/// `Code::Internal` when `s` contains a NUL byte (C could not see past it); bindings return
/// arbitrary data as JSON, where NUL is escaped, so this is a bug, not bad input.
pub fn string(s: String) -> Result<*mut c_char, AnyError> {
    CString::new(s).map(CString::into_raw).map_err(|e| {
        AnyError::new(Code::Internal, format!("output string has a NUL byte at offset {}", e.nul_position()))
    })
}

/// Serialises `value` as compact JSON and hands it to C (free with `halext_string_free`).
///
/// # Errors
/// `Code::Internal` when serialisation fails (a map with non-string keys: a bug).
pub fn json_string<T: serde::Serialize + ?Sized>(value: &T) -> Result<*mut c_char, AnyError> {
    let text = serde_json::to_string(value)
        .map_err(|e| AnyError::new(Code::Internal, format!("cannot serialise output as JSON: {e}")))?;
    string(text)
}

/// A C string made from `s`, with any NUL byte replaced by U+FFFD so nothing is cut off.
pub fn c_string_lossy(s: String) -> CString {
    match CString::new(s) {
        Ok(c) => c,
        Err(e) => {
            let text = String::from_utf8_lossy(&e.into_vec()).replace('\0', "\u{fffd}");
            CString::new(text).unwrap_or_default()
        }
    }
}

/// The length of the longest prefix of `bytes` that has at most `max` bytes and does not end
/// inside a UTF-8 character (`bytes` is UTF-8).
pub fn utf8_prefix_len(bytes: &[u8], max: usize) -> usize {
    if bytes.len() <= max {
        return bytes.len();
    }
    let mut n = max;
    // A continuation byte (0b10xx_xxxx) at `n` means a character starts before `n` and
    // continues past it: back off to that character's first byte.
    while n > 0 && (bytes[n] & 0xC0) == 0x80 {
        n -= 1;
    }
    n
}

/// Frees a string returned by any halext function (a `char *` out-parameter, usually JSON).
///
/// The bytes are overwritten with zeros before the memory is released (such strings can hold
/// a token). NULL is a no-op. Never pass a string that did not come from halext, or one that
/// was already freed. Callable from any thread (the string is not tied to the thread that
/// made it). Never fails; does not touch the last error.
///
/// # Safety
/// `s` must be NULL or a string returned by halext and not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_string_free(s: *mut c_char) {
    value_boundary((), || {
        if s.is_null() {
            return;
        }
        // SAFETY: made by `CString::into_raw` in this library (caller), freed once.
        let owned = unsafe { CString::from_raw(s) };
        let mut bytes = owned.into_bytes_with_nul();
        bytes.zeroize();
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn strings_round_trip_and_nul_is_refused() {
        let p = string("h\u{e9}llo".to_owned()).unwrap_or(std::ptr::null_mut());
        assert!(!p.is_null());
        // SAFETY: a live string from `string`.
        assert_eq!(unsafe { CStr::from_ptr(p) }.to_str().ok(), Some("h\u{e9}llo"));
        // SAFETY: freed once; NULL is a no-op.
        unsafe {
            halext_string_free(p);
            halext_string_free(std::ptr::null_mut());
        }
        assert_eq!(string("a\0b".to_owned()).err().map(|e| e.code()), Some(Code::Internal));
    }

    #[test]
    fn json_escapes_nul_and_quotes() {
        let p = json_string(&serde_json::json!({"u": "a\0\"b"})).unwrap_or(std::ptr::null_mut());
        // SAFETY: a live string from `json_string`.
        let text = unsafe { CStr::from_ptr(p) }.to_str().map(str::to_owned).unwrap_or_default();
        // SAFETY: freed once.
        unsafe { halext_string_free(p) };
        assert_eq!(text, r#"{"u":"a\u0000\"b"}"#);
    }

    #[test]
    fn lossy_c_strings_keep_everything_after_a_nul() {
        assert_eq!(c_string_lossy("a\0b".to_owned()).to_str().ok(), Some("a\u{fffd}b"));
        assert_eq!(c_string_lossy("plain".to_owned()).to_str().ok(), Some("plain"));
    }

    #[test]
    fn utf8_prefix_never_splits_a_character() {
        let s = "a\u{e9}\u{20ac}".as_bytes(); // 1 + 2 + 3 bytes
        let cuts: Vec<usize> = (0..=7).map(|m| utf8_prefix_len(s, m)).collect();
        assert_eq!(cuts, vec![0, 1, 1, 3, 3, 3, 6, 6]);
    }
}
