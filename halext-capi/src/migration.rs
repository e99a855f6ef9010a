//! Login-time migration, gated registration and resolve/link for C: `halext_migration`.
//!
//! A handle is made from a `halext.toml` (the legacy sites, the mapping store, Halext and the
//! login policy; docs/migration.md) plus optional overrides of its `[halext]` section as JSON.
//! Behind it is this process's shared `MigrationService` (database pools, the HTTP connection,
//! lookup caches), so several handles for one file share one service; after `fork()` the child
//! gets its own on first use. Results are JSON objects in the shapes of
//! `halext_core::mapping::json` (the same keys as PHP's `Halext\Migration` arrays), freed with
//! `halext_string_free` (which zeroes them: a login result carries a token).
//!
//! Every call blocks on the process's runtime (database and HTTP I/O, bounded by the configured
//! timeouts). One handle may be used from several threads at once.

use std::ffi::c_char;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

use halext_core::mapping::json::{
    self, login_json, mapping_json, parse_link_method, registered_json, reverse_json,
};
use halext_core::mapping::{MigrationHandle, MigrationOptions};
use halext_core::{AnyError, Code, Secret};

use crate::args;
use crate::boundary::{status_boundary, value_boundary};
use crate::handle::{self, Handle, Shareable};
use crate::output;
use crate::secret::halext_secret;

/// Login-time migration, gated registration and resolve/link over one `halext.toml`: an opaque
/// handle made by `halext_migration_new`, freed with `halext_migration_free`. May be shared by
/// the threads of a program; keep it for the life of the program (its connections and caches
/// are what make calls fast).
#[allow(non_camel_case_types)]
pub struct halext_migration {
    handle: MigrationHandle,
}

impl Handle for halext_migration {
    const C_NAME: &'static str = "halext_migration";
}

impl Shareable for halext_migration {}

fn parse_json_object(
    text: &str,
    what: &str,
    code: Code,
) -> Result<serde_json::Map<String, serde_json::Value>, AnyError> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(AnyError::new(code, format!("{what}: not a JSON object"))),
        Err(e) => Err(AnyError::new(
            code,
            format!("{what}: not valid JSON (line {}, column {})", e.line(), e.column()),
        )),
    }
}

/// Makes a migration handle from the `halext.toml` at `config_path` (NULL: the file named by
/// the environment variable `HALEXT_CONFIG`), with optional overrides of its `[halext]` section
/// as a JSON object (`options_json`, may be NULL): `url`, `timeout_ms`, `connect_timeout_ms`,
/// `retries`, `retry_base_ms`, `retry_max_ms`, `pool_idle_ms`, `user_agent`, `proxy`, `ca_file`,
/// `max_upload_bytes`, `validation_cache_ttl_ms`, `validation_cache_size`, `direct_http`, e.g.
/// `{"url":"https://org.halext.org/api","timeout_ms":3000}`. `access_code` (may be NULL)
/// overrides the file's registration access code. All arguments are borrowed for the call.
///
/// No network or database I/O: a configuration problem is reported here, a database or Halext
/// problem by the first call that needs it. When the environment variable `HALEXT_LOG` is set
/// (e.g. `warn`), the first handle also turns on the library's diagnostics on standard error
/// (an ambiguous legacy login refused, a hash that cannot be verified, …; never a secret).
///
/// Errors: `HALEXT_STATUS_CONFIG` when no file is given or set, the file cannot be read or is
/// invalid (unknown key, missing `[mapping]` or `[[site]]`, bad URL, unreadable secret), or an
/// option is unknown or mistyped (the message names it); `HALEXT_STATUS_INVALID_ARGUMENT` for a
/// NULL `out` or non-UTF-8 JSON. On error `*out` is NULL. Free the handle with
/// `halext_migration_free`.
///
/// # Safety
/// `config_path` and `options_json` must be NULL or NUL-terminated strings; `access_code` NULL
/// or a live `halext_secret`; `out` NULL or a writable `halext_migration *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_new(
    config_path: *const c_char,
    options_json: *const c_char,
    access_code: *const halext_secret,
    out: *mut *mut halext_migration,
) -> Code {
    status_boundary("halext_migration_new", || {
        halext_core::logging::init_from_env();
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let json = unsafe { args::opt_c_str(options_json, "options_json") }?.unwrap_or("{}");
        let map = parse_json_object(json, "invalid migration options", Code::Config)?;
        // SAFETY: as above.
        let code = unsafe { access_code.as_ref() }.map(|s| s.secret().clone());
        let mut options = MigrationOptions::from_map(&map)?.with_access_code(code);
        let path = if config_path.is_null() {
            None
        } else {
            // SAFETY: as above.
            let bytes = unsafe { args::c_bytes(config_path, "config_path") }?;
            Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
        };
        options.config = path
            .or_else(|| options.config.take())
            .or_else(|| std::env::var_os("HALEXT_CONFIG").filter(|v| !v.is_empty()).map(PathBuf::from));
        *out = handle::into_raw(halext_migration { handle: MigrationHandle::open(options)? });
        Ok(())
    })
}

/// Frees a migration handle. NULL is a no-op. Never fails; does not touch the last error. The
/// process's shared service (connections, caches) stays for other handles of the same file.
///
/// # Safety
/// `migration` must be NULL or a handle from `halext_migration_new`, not yet freed and not in use
/// by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_free(migration: *mut halext_migration) {
    // SAFETY: the caller's contract above.
    value_boundary((), || unsafe { handle::free(migration) })
}

/// Creates the mapping table if it does not exist (what `halext migrate init` does; needs the
/// CREATE privilege). Idempotent.
///
/// Errors: `HALEXT_STATUS_MAPPING_STORE`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL handle.
///
/// # Safety
/// `migration` must be NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_init(migration: *const halext_migration) -> Code {
    status_boundary("halext_migration_init", || {
        // SAFETY: the caller's contract above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        Ok(m.handle.service()?.store().init()?)
    })
}

/// Logs a user in with their legacy credentials and migrates them to Halext if needed
/// (docs/migration.md §1.5): `site` is a `[[site]]` name, `login` what the user typed in the
/// app's form (name or email, as the app takes it), `password` the typed bytes
/// (`password_len`; need not be NUL-terminated). Writes to `*out_json` (free with
/// `halext_string_free`; it holds the token):
///
/// `{"outcome":"migrated","access_token":"eyJ…","expires_at":1764432000,"legacy_id":2,
/// "halext_username":"bob","halext_login":null}`
///
/// `outcome` is `logged_in`, `migrated`, `linked_existing`, `legacy_only`,
/// `halext_password_required` (then `halext_login` names the existing Halext account: ask the
/// user for its password and call `halext_migration_link_with_halext_password`) or
/// `not_migrated`; any outcome means the legacy password was right. `access_token` and
/// `expires_at` (the token's `exp`, Unix seconds, read without verification) are null without a
/// token.
///
/// Errors: `HALEXT_STATUS_MIGRATION_INVALID_CREDENTIALS` (unknown user and wrong password alike,
/// same message), `_ACCOUNT_BLOCKED`, `_HALEXT_UNAVAILABLE` (policy `fail`), `_CONFLICT`,
/// `HALEXT_STATUS_MAPPING_STORE`, `HALEXT_STATUS_LEGACY_DATABASE`, `HALEXT_STATUS_CONFIG` (Halext
/// refused the access code), `HALEXT_STATUS_INVALID_ARGUMENT` (unknown site, NULL or non-UTF-8
/// argument). `*out_json` is NULL on error.
///
/// # Safety
/// `migration` NULL or live; `site`, `login` NULL or NUL-terminated; `password` pointing to
/// `password_len` readable bytes (or NULL when 0); `out_json` NULL or a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_login(
    migration: *const halext_migration,
    site: *const c_char,
    login: *const c_char,
    password: *const u8,
    password_len: usize,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_migration_login", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        // SAFETY: as above.
        let (site, login) = unsafe { (args::c_str(site, "site")?, args::c_str(login, "login")?) };
        // SAFETY: as above.
        let password = Secret::new(unsafe { args::bytes(password, password_len, "password") }?);
        let result = m.handle.service()?.login(site, login, &password)?;
        *out = output::json_string(&*login_json(&result))?;
        Ok(())
    })
}

/// After `halext_password_required` (the legacy password was verified in this session): links
/// the legacy account `(site, legacy_id)` to the existing Halext account `halext_login` (as
/// returned) if `halext_password` is its password. Writes the same JSON as
/// `halext_migration_login` (`outcome` `linked_existing`, with a token).
///
/// Errors: `HALEXT_STATUS_MIGRATION_INVALID_CREDENTIALS` when Halext refuses the password;
/// `_HALEXT_UNAVAILABLE`; `_CONFLICT` when the account was meanwhile linked elsewhere;
/// `HALEXT_STATUS_MAPPING_STORE`; `HALEXT_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// As for `halext_migration_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_link_with_halext_password(
    migration: *const halext_migration,
    site: *const c_char,
    legacy_id: u64,
    halext_login: *const c_char,
    halext_password: *const u8,
    halext_password_len: usize,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_migration_link_with_halext_password", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        // SAFETY: as above.
        let (site, halext_login) =
            unsafe { (args::c_str(site, "site")?, args::c_str(halext_login, "halext_login")?) };
        // SAFETY: as above.
        let password =
            Secret::new(unsafe { args::bytes(halext_password, halext_password_len, "halext_password") }?);
        let result =
            m.handle.service()?.link_with_halext_password(site, legacy_id, halext_login, &password)?;
        *out = output::json_string(&*login_json(&result))?;
        Ok(())
    })
}

/// Gated registration, step 1: creates the Halext account described by `user_json`
/// (`{"username":"newcomer","email":"new@example.net","full_name":"New Comer"}`; `full_name`
/// optional, `is_admin` ignored and never sent; the password is never in the JSON) with the
/// password `password` (`password_len` bytes), and writes `{"id":7,"username":"newcomer"}` to
/// `*out_json`. Then create the local account and call `halext_migration_link`.
///
/// Errors: `HALEXT_STATUS_MIGRATION_DUPLICATE_USERNAME` (taken on Halext, or reserved in the
/// mapping table for a legacy account, case-insensitively), `_DUPLICATE_EMAIL`,
/// `_HALEXT_UNAVAILABLE`; `HALEXT_STATUS_INVALID_ARGUMENT` for an unsafe username, an unusable
/// email, an empty password, a missing field, an unknown key or site, invalid JSON.
///
/// # Safety
/// As for `halext_migration_login`; `user_json` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_register(
    migration: *const halext_migration,
    site: *const c_char,
    user_json: *const c_char,
    password: *const u8,
    password_len: usize,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_migration_register", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        // SAFETY: as above.
        let (site, user) = unsafe { (args::c_str(site, "site")?, args::c_str(user_json, "user_json")?) };
        let fields = parse_json_object(user, "registration", Code::InvalidArgument)?;
        // SAFETY: as above.
        let password = Secret::new(unsafe { args::bytes(password, password_len, "password") }?);
        let account = json::new_account(&fields, Some(password))?;
        let created = m.handle.service()?.register(site, &account)?;
        *out = output::json_string(&registered_json(&created))?;
        Ok(())
    })
}

/// Records that the local account `(site, legacy_id)` is the Halext account `halext_username`,
/// made by `method` (NULL = `"registration"`; `"login"`; `"manual"` may replace another link),
/// with the Halext user id when known (`halext_user_id` NULL = unknown), and writes the mapping
/// row to `*out_json` (as `halext_migration_resolve`).
///
/// Errors: `HALEXT_STATUS_MIGRATION_CONFLICT` when the account is linked to another Halext
/// username (unless `"manual"`); `HALEXT_STATUS_MAPPING_STORE`; `HALEXT_STATUS_INVALID_ARGUMENT`
/// for an unknown site or method.
///
/// # Safety
/// `migration` NULL or live; strings NULL or NUL-terminated; `halext_user_id` NULL or readable;
/// `out_json` NULL or a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_link(
    migration: *const halext_migration,
    site: *const c_char,
    legacy_id: u64,
    halext_username: *const c_char,
    method: *const c_char,
    halext_user_id: *const u64,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_migration_link", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        // SAFETY: as above.
        let (site, username) =
            unsafe { (args::c_str(site, "site")?, args::c_str(halext_username, "halext_username")?) };
        // SAFETY: as above.
        let method =
            parse_link_method(unsafe { args::opt_c_str(method, "method") }?.unwrap_or("registration"))?;
        // SAFETY: as above.
        let user_id = unsafe { halext_user_id.as_ref() }.copied();
        let row = m.handle.service()?.link(site, legacy_id, username, user_id, method)?;
        *out = output::json_string(&mapping_json(&row))?;
        Ok(())
    })
}

/// The mapping of the legacy account `(site, legacy_id)`: writes the row as JSON to `*out_json`,
/// `{"site":"wordpress","legacy_id":2,"halext_username":"bob","halext_user_id":7,
/// "halext_email":"…","full_name":null,"status":"linked","method":"login","reason":"…",
/// "plan_run":null,"created_at":…,"updated_at":…,"linked_at":…}` (times in Unix seconds), or
/// **NULL with `HALEXT_STATUS_OK` when the account has no mapping** (not an error: most callers
/// branch on it). A linked row is cached per process (30 s by default; this process's own
/// writes are seen at once); any other answer is read from the database every time.
///
/// Errors: `HALEXT_STATUS_MAPPING_STORE`; `HALEXT_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `migration` NULL or live; `site` NULL or NUL-terminated; `out_json` NULL or a writable
/// `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_resolve(
    migration: *const halext_migration,
    site: *const c_char,
    legacy_id: u64,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_migration_resolve", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        // SAFETY: as above.
        let site = unsafe { args::c_str(site, "site") }?;
        if let Some(row) = m.handle.service()?.resolve(site, legacy_id)? {
            *out = output::json_string(&mapping_json(&row))?;
        }
        Ok(())
    })
}

/// The legacy accounts mapped to a Halext username (byte-exact, like Halext), as a JSON list
/// written to `*out_json`: `[{"site":"social","legacy_id":1},{"site":"wordpress","legacy_id":1}]`
/// (`[]` when none). Always read from the database (not cached).
///
/// Errors: `HALEXT_STATUS_MAPPING_STORE`; `HALEXT_STATUS_INVALID_ARGUMENT`.
///
/// # Safety
/// `migration` NULL or live; `halext_username` NULL or NUL-terminated; `out_json` NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_migration_resolve_halext(
    migration: *const halext_migration,
    halext_username: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_migration_resolve_halext", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let m = unsafe { handle::as_ref(migration, "migration") }?;
        // SAFETY: as above.
        let username = unsafe { args::c_str(halext_username, "halext_username") }?;
        let keys = m.handle.service()?.resolve_halext(username)?;
        *out = output::json_string(&reverse_json(&keys))?;
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::last_error;
    use std::ptr;

    #[test]
    fn configuration_errors_are_config_and_leave_out_null() {
        let mut m = ptr::null_mut();
        // SAFETY: valid pointers.
        unsafe {
            assert_eq!(
                halext_migration_new(c"/nonexistent/halext.toml".as_ptr(), ptr::null(), ptr::null(), &mut m),
                Code::Config
            );
            assert!(m.is_null());
            assert!(last_error::message().contains("/nonexistent/halext.toml"));
            assert_eq!(
                halext_migration_new(c"/x.toml".as_ptr(), c"{\"site\":1}".as_ptr(), ptr::null(), &mut m),
                Code::Config
            );
            assert!(last_error::message().contains("unknown option \"site\""));
            assert_eq!(
                halext_migration_new(c"/x.toml".as_ptr(), c"{".as_ptr(), ptr::null(), &mut m),
                Code::Config
            );
            assert_eq!(
                halext_migration_new(ptr::null(), ptr::null(), ptr::null(), ptr::null_mut()),
                Code::InvalidArgument
            );
            let mut json = ptr::null_mut();
            assert_eq!(
                halext_migration_resolve(ptr::null(), c"s".as_ptr(), 1, &mut json),
                Code::InvalidArgument
            );
            halext_migration_free(ptr::null_mut());
        }
    }
}
