//! Legacy password hashes for C: `halext_password_rules` (whose login rules, opaque, immutable,
//! shareable between threads) and `halext_password_verify` / `_check` / `_identify` /
//! `_needs_rehash`.
//!
//! The rules are described by the same named options as PHP's `Halext\Password` (read by
//! `halext_core::legacy::password::PasswordOptions`): a JSON object with `app`, `legacylogin`,
//! `md5`, `cost`; the board's salts are `halext_secret` handles, never inside the JSON. Build the
//! rules once (at start-up) and verify with them on any thread.
//!
//! Stored hashes are taken as bytes (`const char *`, NUL-terminated): a value that is not UTF-8
//! is simply not a hash any scheme recognises.

use std::ffi::c_char;

use halext_core::legacy::password::{PasswordOptions, identify};
use halext_core::{AnyError, Code};

use crate::args;
use crate::boundary::{status_boundary, value_boundary};
use crate::handle::{self, Handle, Shareable};
use crate::output;
use crate::secret::halext_secret;

/// Whose login rules a password is checked with: an opaque handle made by
/// `halext_password_rules_new`, freed with `halext_password_rules_free`. Immutable: may be shared
/// by every thread of a program.
#[allow(non_camel_case_types)]
pub struct halext_password_rules {
    options: PasswordOptions,
}

impl Handle for halext_password_rules {
    const C_NAME: &'static str = "halext_password_rules";
}

impl Shareable for halext_password_rules {}

/// The rules of `rules`, or the generic rules when it is NULL.
///
/// # Safety
/// `rules` must be NULL or a live handle.
unsafe fn options(rules: *const halext_password_rules, generic: &PasswordOptions) -> &PasswordOptions {
    // SAFETY: forwarded to the caller.
    match unsafe { rules.as_ref() } {
        Some(r) => &r.options,
        None => generic,
    }
}

/// The stored hash as text (lossy: stored hashes are ASCII; anything else matches no scheme).
///
/// # Safety
/// As for `args::c_bytes`.
unsafe fn hash_arg<'a>(hash: *const c_char) -> Result<std::borrow::Cow<'a, str>, AnyError> {
    // SAFETY: forwarded to the caller.
    let bytes = unsafe { args::c_bytes(hash, "hash") }?;
    Ok(String::from_utf8_lossy(bytes))
}

/// Makes password rules from named options, given as a JSON object (UTF-8, NUL-terminated), and
/// the board's salts.
///
/// Options (all optional; docs/c-api.md has the details): `app` (`"generic"` default,
/// `"acmlmboard"`, `"acmlmboard1"`, `"wordpress"`, `"zen3mp"`, `"halext"`), `legacylogin`
/// (bool, `acmlmboard` only: the board's `$config['legacylogin']`), `md5` (list of `"plain"`,
/// `"pass_salt"`, `"salt2_pass_salt"`), `cost` (int 4–31, default 10: the bcrypt cost the app
/// writes today, for `halext_password_needs_rehash`). Example:
/// `{"app":"acmlmboard","legacylogin":true}`. `options_json` may be NULL (same as `{}`: the
/// generic rules).
///
/// `pwdsalt` and `pwdsalt2` (each may be NULL) are the board's `$pwdsalt`/`$pwdsalt2`, for the
/// salted md5 rows of Acmlmboard 2; they are copied (free them whenever you like).
///
/// Errors: `HALEXT_STATUS_INVALID_ARGUMENT` for invalid JSON, an unknown option or app (the
/// message names it), a wrong type, an option the app does not use (`legacylogin` outside
/// `acmlmboard`; salts or `md5` for an app without salted md5 rows), a `"pwdsalt"` key in the
/// JSON, a NULL `out` or non-UTF-8 options. On error `*out` is NULL. No I/O. Free the result
/// with `halext_password_rules_free`.
///
/// # Safety
/// `options_json` must be NULL or a NUL-terminated string; `pwdsalt`/`pwdsalt2` NULL or live
/// `halext_secret`s; `out` NULL or a writable `halext_password_rules *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_password_rules_new(
    options_json: *const c_char,
    pwdsalt: *const halext_secret,
    pwdsalt2: *const halext_secret,
    out: *mut *mut halext_password_rules,
) -> Code {
    status_boundary("halext_password_rules_new", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let json = unsafe { args::opt_c_str(options_json, "options_json") }?.unwrap_or("{}");
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
            AnyError::new(
                Code::InvalidArgument,
                format!(
                    "invalid password options: not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let map = value.as_object().ok_or_else(|| {
            AnyError::new(Code::InvalidArgument, "invalid password options: not a JSON object")
        })?;
        // SAFETY: as above.
        let (s1, s2) = unsafe { (pwdsalt.as_ref(), pwdsalt2.as_ref()) };
        let options = PasswordOptions::from_map(map)?
            .with_salts(s1.map(|s| s.secret().clone()), s2.map(|s| s.secret().clone()))?;
        *out = handle::into_raw(halext_password_rules { options });
        Ok(())
    })
}

/// Frees password rules. NULL is a no-op. Never fails; does not touch the last error.
///
/// # Safety
/// `rules` must be NULL or a handle from `halext_password_rules_new`, not yet freed and not in
/// use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_password_rules_free(rules: *mut halext_password_rules) {
    // SAFETY: the caller's contract above.
    value_boundary((), || unsafe { handle::free(rules) })
}

/// Whether `password` (`password_len` bytes, as typed; need not be NUL-terminated) logs in
/// against the stored `hash` under `rules` (NULL = the generic rules): what a login form needs.
/// Writes the answer to `*out_match`.
///
/// A stored value that can never log anyone in (unknown format, malformed, bcrypt cut to 32
/// characters, md5 of the empty string, a format the app does not accept, a work factor above the
/// caps) gives `false` and `HALEXT_STATUS_OK`, as on the app itself; an empty password is
/// `false`.
///
/// Errors: `HALEXT_STATUS_LEGACY_UNUSABLE_HASH` for a salted md5 row checked without the board's
/// salts (a configuration problem that would lock every such user out); `HALEXT_STATUS_INVALID_ARGUMENT`
/// for a NULL `hash`/`out_match`, or a NULL `password` with `password_len > 0`. `*out_match` is
/// false on error. CPU only (bcrypt at cost 10 takes ~50 ms); thread-safe.
///
/// # Safety
/// `password` must point to `password_len` readable bytes (or be NULL when it is 0); `hash`
/// NULL or a NUL-terminated string; `rules` NULL or live; `out_match` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_password_verify(
    password: *const u8,
    password_len: usize,
    hash: *const c_char,
    rules: *const halext_password_rules,
    out_match: *mut bool,
) -> Code {
    status_boundary("halext_password_verify", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_match, "out_match") }?;
        // SAFETY: as above.
        let password = unsafe { args::bytes(password, password_len, "password") }?;
        // SAFETY: as above.
        let hash = unsafe { hash_arg(hash) }?;
        let generic = PasswordOptions::default();
        // SAFETY: as above.
        *out = unsafe { options(rules, &generic) }.verify(&hash, password)?;
        Ok(())
    })
}

/// What a migration report needs: checks `password` against `hash` under `rules` (NULL = generic)
/// and writes `{"match":true,"format":"md5_hex","scheme":"acmlm2_md5_salt2_pass_salt","variant":"raw"}`
/// to `*out_json` (`scheme` and `variant`, how the hash was made, are null when it did not match;
/// free the string with `halext_string_free`), or fails with the reason the hash cannot be used.
///
/// Errors: `HALEXT_STATUS_LEGACY_UNKNOWN_HASH_FORMAT`, `HALEXT_STATUS_LEGACY_UNUSABLE_HASH` (the
/// last error's message gives the reason: truncated bcrypt, md5 of the empty string, not accepted
/// by the app, missing salts, ...; never the hash itself, only its shape);
/// `HALEXT_STATUS_INVALID_ARGUMENT` as for `halext_password_verify`. `*out_json` is NULL on error.
///
/// # Safety
/// As for `halext_password_verify`; `out_json` NULL or a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_password_check(
    password: *const u8,
    password_len: usize,
    hash: *const c_char,
    rules: *const halext_password_rules,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_password_check", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let password = unsafe { args::bytes(password, password_len, "password") }?;
        // SAFETY: as above.
        let hash = unsafe { hash_arg(hash) }?;
        let generic = PasswordOptions::default();
        // SAFETY: as above.
        let report = unsafe { options(rules, &generic) }.check_report(&hash, password)?;
        *out = output::json_string(&report)?;
        Ok(())
    })
}

/// The format of a stored hash, as a static string written to `*out_name` (never free it):
/// `"bcrypt"`, `"phpass"`, `"wp_bcrypt_sha384"`, `"md5_hex"` or `"halext_pbkdf2_sha256"`.
///
/// Errors: `HALEXT_STATUS_LEGACY_UNKNOWN_HASH_FORMAT`; `HALEXT_STATUS_LEGACY_UNUSABLE_HASH` for
/// an empty, truncated or malformed value; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL argument.
/// `*out_name` is NULL on error. Thread-safe.
///
/// # Safety
/// `hash` must be NULL or a NUL-terminated string; `out_name` NULL or a writable `const char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_password_identify(hash: *const c_char, out_name: *mut *const c_char) -> Code {
    status_boundary("halext_password_identify", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_name, "out_name") }?;
        // SAFETY: as above.
        let hash = unsafe { hash_arg(hash) }?;
        *out = static_c_name(identify(&hash)?).as_ptr();
        Ok(())
    })
}

/// The NUL-terminated form of a name [`identify`] returns.
fn static_c_name(name: &str) -> &'static std::ffi::CStr {
    match name {
        "md5_hex" => c"md5_hex",
        "phpass" => c"phpass",
        "bcrypt" => c"bcrypt",
        "wp_bcrypt_sha384" => c"wp_bcrypt_sha384",
        "halext_pbkdf2_sha256" => c"halext_pbkdf2_sha256",
        _ => c"unknown",
    }
}

/// Whether the app of `rules` (NULL = generic: PHP `password_hash()` bcrypt at cost 10) would
/// replace the stored `hash` after a successful login; written to `*out_needs`. `wordpress`:
/// anything but `$wp$` bcrypt at `cost`; `halext`: anything but pbkdf2-sha256 with 29 000+
/// rounds; other apps: anything but bcrypt at `cost` or more. Anything unusable needs one.
///
/// Errors: `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL `hash` or `out_needs` (`*out_needs` is
/// then false). Thread-safe.
///
/// # Safety
/// `hash` must be NULL or a NUL-terminated string; `rules` NULL or live; `out_needs` NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_password_needs_rehash(
    hash: *const c_char,
    rules: *const halext_password_rules,
    out_needs: *mut bool,
) -> Code {
    status_boundary("halext_password_needs_rehash", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_needs, "out_needs") }?;
        // SAFETY: as above.
        let hash = unsafe { hash_arg(hash) }?;
        let generic = PasswordOptions::default();
        // SAFETY: as above.
        *out = unsafe { options(rules, &generic) }.needs_rehash(&hash);
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::last_error;
    use std::ffi::CStr;
    use std::ptr;

    const BCRYPT: &CStr = c"$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";

    #[test]
    fn verify_identify_and_rehash_with_generic_rules() {
        let mut ok = true;
        // SAFETY: valid pointers throughout.
        unsafe {
            let pw = b"correct horse";
            assert_eq!(
                halext_password_verify(pw.as_ptr(), pw.len(), BCRYPT.as_ptr(), ptr::null(), &mut ok),
                Code::Ok
            );
            assert!(ok);
            assert_eq!(
                halext_password_verify(pw.as_ptr(), 3, BCRYPT.as_ptr(), ptr::null(), &mut ok),
                Code::Ok
            );
            assert!(!ok);
            assert_eq!(
                halext_password_verify(pw.as_ptr(), pw.len(), c"garbage".as_ptr(), ptr::null(), &mut ok),
                Code::Ok
            );
            assert!(!ok, "an unusable hash is no match");
            let mut name = ptr::null();
            assert_eq!(halext_password_identify(BCRYPT.as_ptr(), &mut name), Code::Ok);
            assert_eq!(CStr::from_ptr(name).to_str().unwrap(), "bcrypt");
            assert_eq!(
                halext_password_identify(c"garbage".as_ptr(), &mut name),
                Code::LegacyUnknownHashFormat
            );
            assert!(name.is_null());
            let mut needs = true;
            assert_eq!(halext_password_needs_rehash(BCRYPT.as_ptr(), ptr::null(), &mut needs), Code::Ok);
            assert!(!needs);
        }
    }

    #[test]
    fn rules_from_json_and_salts() {
        let mut rules = ptr::null_mut();
        // SAFETY: valid pointers; handles freed once.
        unsafe {
            assert_eq!(
                halext_password_rules_new(
                    c"{\"app\":\"wordpres\"}".as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    &mut rules
                ),
                Code::InvalidArgument
            );
            assert!(rules.is_null());
            assert!(last_error::message().contains("unknown app"));
            assert_eq!(
                halext_password_rules_new(c"[1]".as_ptr(), ptr::null(), ptr::null(), &mut rules),
                Code::InvalidArgument
            );
            assert_eq!(
                halext_password_rules_new(
                    c"{\"app\":\"zen3mp\"}".as_ptr(),
                    ptr::null(),
                    ptr::null(),
                    &mut rules
                ),
                Code::Ok
            );
            let mut json = ptr::null_mut();
            let pw = b"correct horse";
            assert_eq!(
                halext_password_check(
                    pw.as_ptr(),
                    pw.len(),
                    c"3cb4e732631f47e6eb961f34554b7cde".as_ptr(),
                    rules,
                    &mut json
                ),
                Code::LegacyUnusableHash
            );
            assert!(json.is_null());
            assert_eq!(
                halext_password_check(pw.as_ptr(), pw.len(), BCRYPT.as_ptr(), rules, &mut json),
                Code::Ok
            );
            assert_eq!(
                CStr::from_ptr(json).to_str().unwrap(),
                r#"{"match":true,"format":"bcrypt","scheme":"php_bcrypt","variant":"raw"}"#
            );
            output::halext_string_free(json);
            halext_password_rules_free(rules);
        }
    }

    #[test]
    fn every_identify_name_has_a_c_string() {
        for name in ["md5_hex", "phpass", "bcrypt", "wp_bcrypt_sha384", "halext_pbkdf2_sha256"] {
            assert_eq!(static_c_name(name).to_str().ok(), Some(name));
        }
    }
}
