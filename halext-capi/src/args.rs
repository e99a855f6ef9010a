//! Borrowed inputs from C: NUL-terminated strings, `(pointer, length)` byte and UTF-8 slices,
//! and out-parameters.
//!
//! Every helper turns a NULL pointer, a bad length or invalid UTF-8 into
//! `HALEXT_STATUS_INVALID_ARGUMENT` with a message naming the argument (never its contents).
//! The returned borrows have an unbounded lifetime: use them only for the duration of the
//! exported call, never store them (copy into an owned value instead).

use std::ffi::{CStr, c_char};

use halext_core::{AnyError, Code};

fn invalid(message: String) -> AnyError {
    AnyError::new(Code::InvalidArgument, message)
}

/// A required NUL-terminated UTF-8 string (`const char *`).
///
/// # Errors
/// `Code::InvalidArgument` when `ptr` is NULL or the bytes are not UTF-8 (the message gives
/// the byte offset of the first invalid byte, not the contents).
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid and unmodified for
/// the returned lifetime.
pub unsafe fn c_str<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, AnyError> {
    // SAFETY: forwarded to the caller.
    let bytes = unsafe { c_bytes(ptr, name) }?;
    utf8(bytes, name)
}

/// An optional NUL-terminated UTF-8 string: NULL gives `None`.
///
/// # Errors
/// `Code::InvalidArgument` for invalid UTF-8.
///
/// # Safety
/// As for [`c_str`].
pub unsafe fn opt_c_str<'a>(ptr: *const c_char, name: &'static str) -> Result<Option<&'a str>, AnyError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded to the caller.
    unsafe { c_str(ptr, name) }.map(Some)
}

/// A required NUL-terminated string as raw bytes (without the NUL), for values that need not
/// be UTF-8 (file paths, legacy passwords in a legacy charset).
///
/// # Errors
/// `Code::InvalidArgument` when `ptr` is NULL.
///
/// # Safety
/// As for [`c_str`].
pub unsafe fn c_bytes<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a [u8], AnyError> {
    if ptr.is_null() {
        return Err(invalid(format!("argument `{name}` must not be NULL")));
    }
    // SAFETY: non-NULL, and the caller guarantees a NUL-terminated string.
    Ok(unsafe { CStr::from_ptr(ptr) }.to_bytes())
}

/// A byte slice given as `(const uint8_t *ptr, size_t len)`. `(NULL, 0)` is the empty slice.
///
/// # Errors
/// `Code::InvalidArgument` when `ptr` is NULL and `len > 0`, or `len` exceeds `isize::MAX`.
///
/// # Safety
/// When `len > 0`, `ptr` must point to `len` readable bytes that stay valid and unmodified
/// for the returned lifetime.
pub unsafe fn bytes<'a>(ptr: *const u8, len: usize, name: &'static str) -> Result<&'a [u8], AnyError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(invalid(format!("argument `{name}` is NULL but its length is {len}")));
    }
    if len > isize::MAX as usize {
        return Err(invalid(format!("argument `{name}` has an impossible length {len}")));
    }
    // SAFETY: non-NULL, `len` within `isize::MAX`, and the caller guarantees `len` bytes.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// A UTF-8 string given as `(const char *ptr, size_t len)` (no NUL needed; an embedded NUL
/// is kept as a character). `(NULL, 0)` is `""`.
///
/// # Errors
/// As for [`bytes`], plus `Code::InvalidArgument` for invalid UTF-8.
///
/// # Safety
/// As for [`bytes`].
pub unsafe fn str_slice<'a>(ptr: *const c_char, len: usize, name: &'static str) -> Result<&'a str, AnyError> {
    // SAFETY: forwarded to the caller.
    let bytes = unsafe { bytes(ptr.cast::<u8>(), len, name) }?;
    utf8(bytes, name)
}

fn utf8<'a>(bytes: &'a [u8], name: &'static str) -> Result<&'a str, AnyError> {
    std::str::from_utf8(bytes).map_err(|e| {
        invalid(format!("argument `{name}` is not valid UTF-8 (invalid byte at offset {})", e.valid_up_to()))
    })
}

/// A value an out-parameter is reset to before anything can fail, so that C never reads an
/// uninitialised value after an error: NULL for pointers, 0/false for numbers.
pub trait OutInit {
    /// The reset value.
    fn out_init() -> Self;
}

impl<T> OutInit for *mut T {
    fn out_init() -> Self {
        std::ptr::null_mut()
    }
}

impl<T> OutInit for *const T {
    fn out_init() -> Self {
        std::ptr::null()
    }
}

macro_rules! out_init_zero {
    ($($t:ty),*) => {$(
        impl OutInit for $t {
            fn out_init() -> Self {
                Default::default()
            }
        }
    )*};
}
out_init_zero!(bool, u8, u16, u32, u64, usize, i32, i64, f64);

impl OutInit for Code {
    fn out_init() -> Self {
        Code::Ok
    }
}

/// A required out-parameter (`T *out`): resets `*out` to [`OutInit::out_init`] and returns it
/// for writing. Call it first in an exported function, before any other check can fail.
///
/// # Errors
/// `Code::InvalidArgument` when `ptr` is NULL.
///
/// # Safety
/// `ptr` must be NULL or valid for writes of `T` for the returned lifetime (it need not be
/// initialised).
pub unsafe fn out<'a, T: OutInit>(ptr: *mut T, name: &'static str) -> Result<&'a mut T, AnyError> {
    if ptr.is_null() {
        return Err(invalid(format!("out-parameter `{name}` must not be NULL")));
    }
    // SAFETY: non-NULL and writable (caller); `write` does not read or drop the old value,
    // which may be uninitialised memory.
    unsafe {
        ptr.write(T::out_init());
        Ok(&mut *ptr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T>(r: Result<T, AnyError>) -> Code {
        r.err().map_or(Code::Ok, |e| e.code())
    }

    #[test]
    fn c_str_rejects_null_and_bad_utf8_naming_the_argument() {
        // SAFETY: NULL is checked.
        let e = unsafe { c_str(std::ptr::null(), "token") }.err();
        assert_eq!(e.as_ref().map(AnyError::code), Some(Code::InvalidArgument));
        assert!(e.map(|e| e.to_string()).unwrap_or_default().contains("`token`"));

        let bad = c"ab\xffcd";
        // SAFETY: a valid C string.
        let e = unsafe { c_str(bad.as_ptr(), "name") }.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("offset 2") && !e.contains("ab"), "{e}");
        // SAFETY: as above.
        assert_eq!(unsafe { c_str(c"h\u{e9}".as_ptr(), "n") }.ok(), Some("h\u{e9}"));
    }

    #[test]
    fn optional_strings_and_raw_bytes() {
        // SAFETY: NULL and a valid C string.
        unsafe {
            assert_eq!(opt_c_str(std::ptr::null(), "x").ok(), Some(None));
            assert_eq!(opt_c_str(c"v".as_ptr(), "x").ok(), Some(Some("v")));
            assert_eq!(code(opt_c_str(c"\xc3".as_ptr(), "x")), Code::InvalidArgument);
            assert_eq!(c_bytes(c"\xc3".as_ptr(), "p").ok(), Some(&b"\xc3"[..]));
        }
    }

    #[test]
    fn byte_slices() {
        let data = [1u8, 2, 3];
        // SAFETY: the pointers are NULL or point to `data`.
        unsafe {
            assert_eq!(bytes(std::ptr::null(), 0, "b").ok(), Some(&[][..]));
            assert_eq!(bytes(data.as_ptr(), 0, "b").ok(), Some(&[][..]));
            assert_eq!(bytes(data.as_ptr(), 3, "b").ok(), Some(&data[..]));
            assert_eq!(code(bytes(std::ptr::null(), 3, "b")), Code::InvalidArgument);
            assert_eq!(code(bytes(data.as_ptr(), usize::MAX, "b")), Code::InvalidArgument);
            assert_eq!(str_slice(b"a\0b".as_ptr().cast(), 3, "s").ok(), Some("a\0b"));
            assert_eq!(code(str_slice(b"\xff".as_ptr().cast(), 1, "s")), Code::InvalidArgument);
        }
    }

    #[test]
    fn out_resets_before_returning() {
        let mut p: *mut u8 = 0x1234 as *mut u8;
        // SAFETY: `p` is writable.
        let slot = unsafe { out(&mut p, "out") };
        assert!(slot.is_ok_and(|s| s.is_null()));
        let mut n = 99usize;
        // SAFETY: `n` is writable.
        assert_eq!(unsafe { out(&mut n, "n") }.map(|v| *v).ok(), Some(0));
        // SAFETY: NULL is checked.
        assert_eq!(code(unsafe { out::<usize>(std::ptr::null_mut(), "n") }), Code::InvalidArgument);
    }
}
