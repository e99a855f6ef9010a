//! `halext_status`: the C status enum *is* [`halext_core::Code`] (exported by cbindgen from
//! the core, renamed `halext_status`, variants `HALEXT_STATUS_<NAME>`), so the numbers cannot
//! drift from the core's table. This module adds the name lookups.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use halext_core::{AnyError, Code};

use crate::args;
use crate::boundary::{status_boundary, value_boundary};
use crate::output;

/// A status as C passes it *in*: the header spells it `halext_status` (cbindgen renames it),
/// but Rust receives the raw number, because a C caller may pass any integer and a Rust enum
/// holding an undeclared value would be undefined behaviour. Same size and passing convention
/// as the enum: `Code` is `#[repr(C)]` with non-negative values, a 32-bit integer on every
/// supported platform.
pub type StatusArg = u32;

/// NUL-terminated copies of every dotted name, in `Code::ALL` order; built once, never freed.
fn names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| Code::ALL.iter().map(|c| output::c_string_lossy(c.as_str().to_owned())).collect())
}

/// The stable dotted name of a status, e.g. `"token.expired"` for `HALEXT_STATUS_TOKEN_EXPIRED`,
/// `"ok"` for `HALEXT_STATUS_OK` (the same names the core uses in JSON, logs and PHP's
/// `getReason()`).
///
/// Returns a static string (never free it), or NULL for a number that is not a status.
/// Never fails; callable from any thread; does not touch the last error.
#[unsafe(no_mangle)]
pub extern "C" fn halext_status_name(status: StatusArg) -> *const c_char {
    value_boundary(std::ptr::null(), || match Code::ALL.binary_search_by_key(&status, |c| c.as_u32()) {
        Ok(i) => names().get(i).map_or(std::ptr::null(), |n| n.as_ptr()),
        Err(_) => std::ptr::null(),
    })
}

/// The status whose dotted name is `name` (e.g. `"api.rate_limited"`), written to `*out`; the
/// inverse of `halext_status_name`, for programs that read halext's JSON or logs.
///
/// Errors: `HALEXT_STATUS_INVALID_ARGUMENT` when `name` or `out` is NULL, `name` is not UTF-8
/// or names no status (`*out` is then `HALEXT_STATUS_OK`). Callable from any thread.
///
/// # Safety
/// `name` must be NULL or a NUL-terminated string; `out` must be NULL or point to a writable
/// `halext_status`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_status_from_name(name: *const c_char, out: *mut Code) -> Code {
    status_boundary("halext_status_from_name", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let name = unsafe { args::c_str(name, "name") }?;
        *out = Code::from_name(name).ok_or_else(|| {
            AnyError::new(Code::InvalidArgument, "argument `name` is not the name of a halext status")
        })?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::ffi::CStr;

    fn name_of(n: u32) -> Option<String> {
        let p = halext_status_name(n);
        // SAFETY: NULL or a static string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    #[test]
    fn every_code_has_its_core_name_and_round_trips() {
        for &code in Code::ALL {
            assert_eq!(name_of(code.as_u32()).as_deref(), Some(code.as_str()));
            let c_name = CString::new(code.as_str()).unwrap_or_default();
            let mut back = Code::Internal;
            // SAFETY: valid pointers.
            assert_eq!(unsafe { halext_status_from_name(c_name.as_ptr(), &mut back) }, Code::Ok);
            assert_eq!(back, code);
        }
        assert_eq!(halext_status_name(0), halext_status_name(0), "names are static");
    }

    #[test]
    fn unknown_numbers_and_names() {
        let known: HashSet<u32> = Code::ALL.iter().map(|c| c.as_u32()).collect();
        for n in (0..1000).chain([u32::MAX, 1 << 31]) {
            assert_eq!(name_of(n).is_some(), known.contains(&n), "{n}");
        }
        let mut out = Code::Internal;
        // SAFETY: valid pointers or NULL.
        unsafe {
            assert_eq!(halext_status_from_name(c"token.nope".as_ptr(), &mut out), Code::InvalidArgument);
            assert_eq!(out, Code::Ok);
            assert_eq!(halext_status_from_name(std::ptr::null(), &mut out), Code::InvalidArgument);
            assert_eq!(halext_status_from_name(c"ok".as_ptr(), std::ptr::null_mut()), Code::InvalidArgument);
        }
    }

    /// `TokenUnknownKeyId` -> `TOKEN_UNKNOWN_KEY_ID`, the way cbindgen's ScreamingSnakeCase
    /// renames variants.
    fn screaming_snake(variant: &str) -> String {
        let mut out = String::new();
        for (i, ch) in variant.chars().enumerate() {
            if ch.is_ascii_uppercase() && i > 0 {
                out.push('_');
            }
            out.push(ch.to_ascii_uppercase());
        }
        out
    }

    #[test]
    fn the_committed_header_declares_every_code_with_its_number() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../include/halext.h");
        let header = std::fs::read_to_string(path).unwrap_or_default();
        assert!(!header.is_empty(), "cannot read {path}");
        let declared: Vec<(String, u32)> = header
            .lines()
            .filter_map(|line| {
                let (name, value) = line.trim().trim_end_matches(',').split_once(" = ")?;
                let name = name.strip_prefix("HALEXT_STATUS_")?;
                Some((name.to_owned(), value.parse().ok()?))
            })
            .collect();
        let expected: Vec<(String, u32)> =
            Code::ALL.iter().map(|c| (screaming_snake(&format!("{c:?}")), c.as_u32())).collect();
        assert_eq!(declared, expected, "include/halext.h is stale: run `make header`");
    }
}
