//! Token validation for C: `halext_validator` (opaque, immutable, shareable between threads) and
//! `halext_claims` (the claims of one validated token, immutable).
//!
//! Constructors: `halext_validator_new_halext` (Halext access tokens), `_new_openwebui`
//! (OpenWebUI SSO tokens), and `halext_validator_new` (any profile, from a JSON object of named
//! options: the same names and rules as PHP's `Halext\TokenValidator` options array, read by
//! `halext_core::token::ValidatorOptions`; the secret is never inside the JSON but passed as a
//! `halext_secret`). JSON rather than a C struct of options: a misspelt key is an error that
//! names it (a struct field cannot be misspelt, but a struct cannot grow without breaking the
//! ABI, and an unset field is indistinguishable from a zero).

use std::ffi::{CString, c_char};
use std::ptr;

use halext_core::token::{Claims, Profile, Validator, ValidatorOptions};
use halext_core::{AnyError, Code};

use crate::args;
use crate::boundary::{status_boundary, value_boundary};
use crate::handle::{self, Handle, Shareable};
use crate::output;
use crate::secret::halext_secret;

/// A token validator: an opaque handle. Create it with `halext_validator_new_halext`,
/// `halext_validator_new_openwebui` or `halext_validator_new`; free it with
/// `halext_validator_free`. Immutable: one validator may be shared by every thread of a program
/// (its caches are internally synchronised); keep it for the life of the program so they help.
#[allow(non_camel_case_types)]
pub struct halext_validator {
    inner: Validator,
}

impl Handle for halext_validator {
    const C_NAME: &'static str = "halext_validator";
}

impl Shareable for halext_validator {}

/// The claims of a validated token: an opaque handle made by `halext_validator_validate`, freed
/// with `halext_claims_free`. Immutable: may be read from several threads.
#[allow(non_camel_case_types)]
pub struct halext_claims {
    claims: Claims,
    /// Every top-level string claim (registered or not) as a C string, for the borrowed
    /// accessors, in name order. Strings holding a NUL byte are left out (C could not see past it).
    strings: Vec<(String, CString)>,
}

impl Handle for halext_claims {
    const C_NAME: &'static str = "halext_claims";
}

impl Shareable for halext_claims {}

impl halext_claims {
    fn new(claims: Claims) -> Self {
        let mut strings: Vec<(String, CString)> = Vec::new();
        let registered = [("sub", claims.sub()), ("iss", claims.iss()), ("jti", claims.jti())];
        for (name, value) in registered {
            if let Some(c) = value.and_then(|v| CString::new(v).ok()) {
                strings.push((name.to_owned(), c));
            }
        }
        for (name, value) in claims.extra() {
            if let Some(c) = value.as_str().and_then(|v| CString::new(v).ok()) {
                strings.push((name.clone(), c));
            }
        }
        strings.sort_by(|a, b| a.0.cmp(&b.0));
        halext_claims { claims, strings }
    }

    fn string(&self, name: &str) -> Option<&CString> {
        self.strings.binary_search_by(|(n, _)| n.as_str().cmp(name)).ok().map(|i| &self.strings[i].1)
    }
}

fn new_validator(options: ValidatorOptions, out: &mut *mut halext_validator) -> Result<(), AnyError> {
    let inner = options.build()?;
    *out = handle::into_raw(halext_validator { inner });
    Ok(())
}

/// A validator for **Halext access tokens** (`POST /token`, halext-api.md §1.2): HS256 only,
/// keyed with the Halext server's `SECRET_KEY`; `sub` (the username) and `exp` required; no
/// leeway; a token carrying `aud` is rejected.
///
/// `secret` is borrowed for the call (the validator keeps only a derived HMAC key; the secret
/// may be freed right after). Load it with `halext_secret_from_env("HALEXT_JWT_SECRET", …)`.
///
/// Errors: `HALEXT_STATUS_TOKEN_INVALID_KEY` when the secret is empty or shorter than 32 bytes
/// (use `halext_validator_new` with `{"allow_short_secret":true}` for a legacy short secret);
/// `HALEXT_STATUS_INVALID_ARGUMENT` when `secret` or `out` is NULL. On error `*out` is NULL.
/// No I/O. Free the result with `halext_validator_free`.
///
/// # Safety
/// `secret` must be NULL or a live `halext_secret`; `out` must be NULL or point to a writable
/// `halext_validator *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_validator_new_halext(
    secret: *const halext_secret,
    out: *mut *mut halext_validator,
) -> Code {
    status_boundary("halext_validator_new_halext", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let secret = unsafe { handle::as_ref(secret, "secret") }?;
        new_validator(ValidatorOptions::profile(Profile::Halext).with_secret(secret.secret().clone())?, out)
    })
}

/// A validator for **OpenWebUI SSO tokens** (`POST /integrations/openwebui/sso`, halext-api.md
/// §6): HS256 keyed with the server's `JWT_SECRET_KEY` (not `SECRET_KEY`); `iss` must be
/// `halext-org`; `user_id` (integer), `username`, `email`, `iat` and `exp` required.
///
/// Errors and ownership as for `halext_validator_new_halext`.
///
/// # Safety
/// As for `halext_validator_new_halext`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_validator_new_openwebui(
    secret: *const halext_secret,
    out: *mut *mut halext_validator,
) -> Code {
    status_boundary("halext_validator_new_openwebui", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let secret = unsafe { handle::as_ref(secret, "secret") }?;
        new_validator(
            ValidatorOptions::profile(Profile::OpenWebUi).with_secret(secret.secret().clone())?,
            out,
        )
    })
}

/// A validator from **named options**, given as a JSON object (UTF-8, NUL-terminated), plus an
/// optional secret. The options are those of PHP's `Halext\TokenValidator` (docs/c-api.md lists
/// them): `profile` (`"halext"` default, `"openwebui"`, `"jwt"`), `algorithms`, `public_key_pem`,
/// `jwks` (a JSON text or object), `jwks_url`, `issuer`, `audience`, `leeway` (seconds),
/// `required_claims`, `max_token_bytes`, `allow_short_secret`, `allow_missing_exp`, `jwks_ttl`
/// (seconds), `jwks_min_refresh_interval` (seconds), `jwks_timeout_ms`, `allow_http_jwks`.
/// Example: `{"profile":"jwt","algorithms":["RS256"],"jwks_url":"https://idp.example/jwks",
/// "issuer":"https://idp.example/","audience":"forum"}`.
///
/// `options_json` may be NULL (same as `{}`: the Halext profile, which then needs `secret`).
/// `secret` (may be NULL) is the HMAC secret; the JSON never holds it (a `"secret"` key is an
/// error). Both are borrowed for the call.
///
/// Errors: `HALEXT_STATUS_CONFIG` for invalid JSON, an unknown option (the message names it and
/// lists the valid ones), a wrong type, an option the profile does not accept, a missing secret
/// or algorithm list, an http JWKS URL; `HALEXT_STATUS_TOKEN_INVALID_KEY` for unusable key
/// material (short secret, bad PEM, JWKS document without a usable key);
/// `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL `out` or non-UTF-8 options. On error `*out` is
/// NULL. No I/O: a JWKS URL is fetched by the first validation that needs it. Free the result
/// with `halext_validator_free`.
///
/// # Safety
/// `options_json` must be NULL or a NUL-terminated string; `secret` NULL or a live
/// `halext_secret`; `out` NULL or a writable `halext_validator *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_validator_new(
    options_json: *const c_char,
    secret: *const halext_secret,
    out: *mut *mut halext_validator,
) -> Code {
    status_boundary("halext_validator_new", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let json = unsafe { args::opt_c_str(options_json, "options_json") }?.unwrap_or("{}");
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| {
            AnyError::new(
                Code::Config,
                format!(
                    "invalid token validator configuration: the options are not valid JSON (line {}, column {})",
                    e.line(),
                    e.column()
                ),
            )
        })?;
        let mut options = ValidatorOptions::from_json(&value)?;
        // SAFETY: as above.
        if let Some(secret) = unsafe { secret.as_ref() } {
            options = options.with_secret(secret.secret().clone())?;
        }
        new_validator(options, out)
    })
}

/// Validates `token` (`token_len` bytes, the compact JWS without `Bearer `; need not be
/// NUL-terminated) and writes its claims to `*out_claims` (free with `halext_claims_free`).
///
/// Errors: the `HALEXT_STATUS_TOKEN_*` status saying why the token was rejected
/// (`TOKEN_EXPIRED`, `TOKEN_BAD_SIGNATURE`, `TOKEN_MALFORMED`, `TOKEN_ALGORITHM`, ...,
/// `TOKEN_KEY_SET_UNAVAILABLE` when a JWKS URL cannot be fetched and no key set is cached);
/// `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL `validator`/`out_claims`, or a NULL `token` with
/// `token_len > 0`. On error `*out_claims` is NULL; the last error's message never contains the
/// token.
///
/// Blocking: with a JWKS URL, a due fetch runs on this process's runtime (at most the configured
/// timeout, 5 s by default); otherwise no I/O. Thread-safe: one validator may validate on many
/// threads at once. Fork-safe: a validator made before `fork()` works in the child.
///
/// # Safety
/// `validator` must be NULL or live; `token` must point to `token_len` readable bytes (or be
/// NULL when `token_len` is 0); `out_claims` must be NULL or a writable `halext_claims *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_validator_validate(
    validator: *const halext_validator,
    token: *const c_char,
    token_len: usize,
    out_claims: *mut *mut halext_claims,
) -> Code {
    status_boundary("halext_validator_validate", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_claims, "out_claims") }?;
        // SAFETY: as above.
        let validator = unsafe { handle::as_ref(validator, "validator") }?;
        // SAFETY: as above.
        let token = unsafe { args::bytes(token.cast::<u8>(), token_len, "token") }?;
        let claims = validator.inner.validate(token)?;
        *out = handle::into_raw(halext_claims::new(claims));
        Ok(())
    })
}

/// Frees a validator. NULL is a no-op. Never fails; does not touch the last error. Call it once,
/// when no thread uses the validator any more.
///
/// # Safety
/// `validator` must be NULL or a handle from a `halext_validator_new*` function, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_validator_free(validator: *mut halext_validator) {
    // SAFETY: the caller's contract above.
    value_boundary((), || unsafe { handle::free(validator) })
}

/// The `sub` claim (for a Halext access token: the username), borrowed from `claims`: valid
/// until `halext_claims_free`, never free it. NULL when the token has no `sub` or `claims` is
/// NULL. Never fails; does not touch the last error.
///
/// # Safety
/// `claims` must be NULL or a live handle.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_claims_sub(claims: *const halext_claims) -> *const c_char {
    // SAFETY: the caller's contract above.
    value_boundary(ptr::null(), || match unsafe { claims.as_ref() } {
        Some(c) => c.string("sub").map_or(ptr::null(), |s| s.as_ptr()),
        None => ptr::null(),
    })
}

/// Writes the `exp` claim (seconds since the Unix epoch; a fractional value was rounded down) to
/// `*out_exp` and returns true; returns false (and writes 0) when the token has no `exp` (only
/// possible with `allow_missing_exp`) or `claims` is NULL. `out_exp` may be NULL to test
/// presence. Never fails; does not touch the last error.
///
/// # Safety
/// `claims` must be NULL or a live handle; `out_exp` NULL or a writable `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_claims_exp(claims: *const halext_claims, out_exp: *mut i64) -> bool {
    value_boundary(false, || {
        // SAFETY: the caller's contract above.
        let exp = unsafe { claims.as_ref() }.and_then(|c| c.claims.exp());
        if !out_exp.is_null() {
            // SAFETY: as above.
            unsafe { *out_exp = exp.unwrap_or(0) };
        }
        exp.is_some()
    })
}

/// A top-level claim that is a JSON string (`"sub"`, `"iss"`, `"username"`, ...), borrowed from
/// `claims` (valid until `halext_claims_free`; never free it). NULL when the claim is absent,
/// not a string, contains a NUL byte, or an argument is NULL or `name` not UTF-8 (use
/// `halext_claims_json` for anything else). Never fails; does not touch the last error.
///
/// # Safety
/// `claims` must be NULL or a live handle; `name` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_claims_get_string(
    claims: *const halext_claims,
    name: *const c_char,
) -> *const c_char {
    value_boundary(ptr::null(), || {
        // SAFETY: the caller's contract above.
        let (Some(c), Ok(name)) = (unsafe { claims.as_ref() }, unsafe { args::c_str(name, "name") }) else {
            return ptr::null();
        };
        c.string(name).map_or(ptr::null(), |s| s.as_ptr())
    })
}

/// Writes a top-level integer claim (`"exp"`, `"iat"`, `"nbf"`, or e.g. `"user_id"`) to
/// `*out_value` and returns true; false (writing 0) when it is absent, not an integer fitting
/// `int64_t`, or an argument is NULL. Dates are whole seconds since the Unix epoch. Never fails;
/// does not touch the last error.
///
/// # Safety
/// `claims` must be NULL or a live handle; `name` NULL or a NUL-terminated string; `out_value`
/// NULL or a writable `int64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_claims_get_int(
    claims: *const halext_claims,
    name: *const c_char,
    out_value: *mut i64,
) -> bool {
    value_boundary(false, || {
        // SAFETY: the caller's contract above.
        let c = unsafe { claims.as_ref() };
        // SAFETY: as above.
        let name = unsafe { args::c_str(name, "name") }.ok();
        let value = match (c, name) {
            (Some(c), Some("exp")) => c.claims.exp(),
            (Some(c), Some("nbf")) => c.claims.nbf(),
            (Some(c), Some("iat")) => c.claims.iat(),
            (Some(c), Some(n)) => c.claims.get_i64(n),
            _ => None,
        };
        if !out_value.is_null() {
            // SAFETY: as above.
            unsafe { *out_value = value.unwrap_or(0) };
        }
        value.is_some()
    })
}

/// Writes all claims as one JSON object to `*out_json`, e.g. `{"exp":1764432000,"sub":"alice"}`:
/// registered claims typed (`aud` always an array, dates integer seconds), others unchanged.
/// The string belongs to the caller: free it with `halext_string_free` (never `free`).
///
/// Errors: `HALEXT_STATUS_INVALID_ARGUMENT` when `claims` or `out_json` is NULL (`*out_json` is
/// then NULL).
///
/// # Safety
/// `claims` must be NULL or a live handle; `out_json` NULL or a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_claims_json(
    claims: *const halext_claims,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_claims_json", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let claims = unsafe { handle::as_ref(claims, "claims") }?;
        *out = output::json_string(&claims.claims.to_json())?;
        Ok(())
    })
}

/// Frees a claims handle (and every string borrowed from it). NULL is a no-op. Never fails; does
/// not touch the last error.
///
/// # Safety
/// `claims` must be NULL or a handle from `halext_validator_validate`, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_claims_free(claims: *mut halext_claims) {
    // SAFETY: the caller's contract above.
    value_boundary((), || unsafe { handle::free(claims) })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::last_error;
    use crate::secret::{halext_secret_free, halext_secret_new};
    use halext_core::Secret;
    use halext_core::token::halext_format;
    use std::ffi::CStr;

    const SECRET: &str = "capi-test-secret-capi-test-secret-capi-test";

    fn secret(s: &str) -> *mut halext_secret {
        let mut h = ptr::null_mut();
        // SAFETY: valid pointers.
        assert_eq!(unsafe { halext_secret_new(s.as_ptr(), s.len(), &mut h) }, Code::Ok);
        h
    }

    fn text(p: *const c_char) -> Option<String> {
        // SAFETY: NULL or a live C string.
        (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
    }

    #[test]
    fn validates_a_halext_token_and_reads_its_claims() {
        let s = secret(SECRET);
        let mut v = ptr::null_mut();
        // SAFETY: valid pointers throughout; handles freed once.
        unsafe {
            assert_eq!(halext_validator_new_halext(s, &mut v), Code::Ok);
            halext_secret_free(s);
            let token = halext_format::sign_access_token(&Secret::from(SECRET), "alice", 4_000_000_000);
            let mut c = ptr::null_mut();
            assert_eq!(halext_validator_validate(v, token.as_ptr().cast(), token.len(), &mut c), Code::Ok);
            assert_eq!(text(halext_claims_sub(c)).as_deref(), Some("alice"));
            assert_eq!(text(halext_claims_get_string(c, c"sub".as_ptr())).as_deref(), Some("alice"));
            assert!(halext_claims_get_string(c, c"exp".as_ptr()).is_null(), "not a string");
            let mut exp = 0;
            assert!(halext_claims_exp(c, &mut exp));
            assert_eq!(exp, 4_000_000_000);
            assert!(!halext_claims_get_int(c, c"user_id".as_ptr(), &mut exp));
            assert_eq!(exp, 0);
            let mut json = ptr::null_mut();
            assert_eq!(halext_claims_json(c, &mut json), Code::Ok);
            assert_eq!(text(json).as_deref(), Some(r#"{"exp":4000000000,"sub":"alice"}"#));
            output::halext_string_free(json);
            halext_claims_free(c);

            let expired = halext_format::sign_access_token(&Secret::from(SECRET), "alice", 1000);
            assert_eq!(
                halext_validator_validate(v, expired.as_ptr().cast(), expired.len(), &mut c),
                Code::TokenExpired
            );
            assert!(c.is_null());
            assert!(!last_error::message().contains(&expired));
            halext_validator_free(v);
        }
    }

    #[test]
    fn options_json_errors_name_the_problem() {
        let mut v = ptr::null_mut();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(halext_validator_new(c"{".as_ptr(), ptr::null(), &mut v), Code::Config);
            assert!(last_error::message().contains("not valid JSON"));
            assert_eq!(halext_validator_new(c"{\"leway\":1}".as_ptr(), ptr::null(), &mut v), Code::Config);
            assert!(last_error::message().contains("leway"));
            assert_eq!(
                halext_validator_new(c"{\"secret\":\"x\"}".as_ptr(), ptr::null(), &mut v),
                Code::Config
            );
            assert_eq!(
                halext_validator_new(ptr::null(), ptr::null(), &mut v),
                Code::Config,
                "halext needs a secret"
            );
            let s = secret("short");
            assert_eq!(halext_validator_new(ptr::null(), s, &mut v), Code::TokenInvalidKey);
            assert_eq!(halext_validator_new(c"{\"allow_short_secret\":true}".as_ptr(), s, &mut v), Code::Ok);
            halext_validator_free(v);
            halext_secret_free(s);
            assert_eq!(halext_validator_new_halext(ptr::null(), &mut v), Code::InvalidArgument);
            assert!(v.is_null());
        }
    }

    #[test]
    fn handles_are_shareable() {
        fn shareable<T: Shareable>() {}
        shareable::<halext_validator>();
        shareable::<halext_claims>();
    }
}
