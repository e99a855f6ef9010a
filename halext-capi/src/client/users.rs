//! System routes, login, registration, the current user, search and presence.

use std::ffi::c_char;

use halext_core::api::{NewUser, PresenceUpdate, RegisterOptions};
use halext_core::{AnyError, Code, Secret};

use super::{answer, bearer, client_ref, input, opt_json};
use crate::args;
use crate::boundary::status_boundary;

/// `GET /health` (no auth): `{"status": "healthy"|"degraded", "version", "timestamp", "env",
/// "components", "system"}` in `*out_json` (free with `halext_string_free`).
///
/// Errors: `HALEXT_STATUS_API_*` (connect, timeout, 5xx, decode), `INVALID_ARGUMENT` for a NULL
/// argument. Blocks until the answer. Thread-safe.
///
/// # Safety
/// `client` must be NULL or live; `out_json` NULL or a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_health(
    client: *const super::halext_client,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_health", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        answer(out, &unsafe { client_ref(client) }?.health()?)
    })
}

/// `GET /version` (no auth): `{"version", "api_name", "docs_url", "features": [...]}`.
///
/// Errors, blocking and thread safety as for `halext_client_health`.
///
/// # Safety
/// As for `halext_client_health`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_version(
    client: *const super::halext_client,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_version", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        answer(out, &unsafe { client_ref(client) }?.version()?)
    })
}

/// `POST /token` (form-encoded, never retried): logs in with a username **or an email** and a
/// password (UTF-8), and writes `{"access_token": "...", "token_type": "bearer",
/// "expires_at": 1764432000}` (`expires_at`: the token's `exp`, Unix seconds, `null` if absent)
/// to `*out_json`. The token is a credential: free the JSON with `halext_string_free` (which
/// zeroes it) and do not log it.
///
/// Errors: `HALEXT_STATUS_API_UNAUTHORIZED` for a wrong username or password;
/// `HALEXT_STATUS_API_SERVER` (500) when Halext cannot verify the stored hash (an imported
/// non-pbkdf2 hash); other `HALEXT_STATUS_API_*`; `INVALID_ARGUMENT` for NULL or non-UTF-8
/// arguments. The password is never part of a message.
///
/// # Safety
/// String arguments must be NULL or NUL-terminated; `client` NULL or live; `out_json` NULL or
/// a writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_login(
    client: *const super::halext_client,
    username_or_email: *const c_char,
    password: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_login", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let user = unsafe { args::c_str(username_or_email, "username_or_email") }?;
        // SAFETY: as above.
        let password = Secret::new(unsafe { args::c_bytes(password, "password") }?);
        let token = c.login(user, &password)?;
        answer(
            out,
            &serde_json::json!({
                "access_token": token.expose(),
                "token_type": "bearer",
                "expires_at": token.expires_at(),
            }),
        )
    })
}

/// The JSON shape of `halext_client_register`'s user.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct NewUserJson {
    username: String,
    email: String,
    password: String,
    #[serde(default)]
    full_name: Option<String>,
    /// Accepted and dropped: the client never sends it (Halext would honour it).
    #[serde(default)]
    #[allow(dead_code)]
    is_admin: Option<serde_json::Value>,
}

/// `POST /users/?create_demo_data=false` with the client's access code (`X-Halext-Code`):
/// registers `user_json` = `{"username", "email", "password", "full_name"?}` (`is_admin` is
/// accepted and never sent) and writes the new user (`{"id", "username", "email", "full_name",
/// "is_admin", "created_at"}`) to `*out_json`. Never retried.
///
/// Errors: `HALEXT_STATUS_API_CONFLICT` ("Email already registered" / "Username already
/// registered"), `HALEXT_STATUS_API_UNAUTHORIZED` ("Access code required"),
/// `HALEXT_STATUS_API_VALIDATION`; `INVALID_ARGUMENT` for a missing or unknown key or a value of
/// the wrong type (never quoted in the message).
///
/// # Safety
/// As for `halext_client_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_register(
    client: *const super::halext_client,
    user_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_register", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let u: NewUserJson = unsafe { input(user_json, "user_json") }?;
        let mut user = NewUser::new(u.username, u.email, Secret::from(u.password));
        user.full_name = u.full_name;
        answer(out, &c.register(&user, RegisterOptions::default())?)
    })
}

/// `GET /users/me/`: the token's user (`{"id", "username", "email", "full_name", "is_admin",
/// "created_at"}`).
///
/// Errors: `HALEXT_STATUS_API_UNAUTHORIZED` for a missing, invalid or expired token or a deleted
/// user; `HALEXT_STATUS_API_REQUEST` for a token that cannot be a header value; other
/// `HALEXT_STATUS_API_*`; `INVALID_ARGUMENT` for NULL arguments.
///
/// # Safety
/// As for `halext_client_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_me(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_me", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let (c, t) = unsafe { (client_ref(client)?, bearer(token)?) };
        answer(out, &c.me(&t)?)
    })
}

/// `DELETE /users/me/`: deletes the token's account and everything it owns. No output.
///
/// Errors as for `halext_client_me`.
///
/// # Safety
/// `client` must be NULL or live; `token` NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_delete_me(
    client: *const super::halext_client,
    token: *const c_char,
) -> Code {
    status_boundary("halext_client_delete_me", || {
        // SAFETY: the caller's contract above.
        let (c, t) = unsafe { (client_ref(client)?, bearer(token)?) };
        Ok(c.delete_me(&t)?)
    })
}

/// `GET /users/search?q=&limit=`: users whose username or full name contains `q`
/// (case-insensitive), without the caller, as a JSON list of users. `limit` < 0 lets the
/// server choose (20).
///
/// Errors as for `halext_client_me`.
///
/// # Safety
/// As for `halext_client_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_search_users(
    client: *const super::halext_client,
    token: *const c_char,
    q: *const c_char,
    limit: i64,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_search_users", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let (c, t) = unsafe { (client_ref(client)?, bearer(token)?) };
        // SAFETY: as above.
        let q = unsafe { args::c_str(q, "q") }?;
        let limit = (limit >= 0).then(|| u32::try_from(limit).unwrap_or(u32::MAX));
        answer(out, &c.search_users(&t, q, limit)?)
    })
}

/// `POST /users/me/presence`: sets the caller's presence from `presence_json` =
/// `{"is_online"?, "status"? ("online"|"away"|"busy"|"offline"), "current_activity"?,
/// "status_message"?}`; writes the resulting presence.
///
/// Errors as for `halext_client_register`.
///
/// # Safety
/// As for `halext_client_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_set_presence(
    client: *const super::halext_client,
    token: *const c_char,
    presence_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_set_presence", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let (c, t) = unsafe { (client_ref(client)?, bearer(token)?) };
        // SAFETY: as above.
        let update: PresenceUpdate = unsafe { input(presence_json, "presence_json") }?;
        answer(out, &c.set_presence(&t, &update)?)
    })
}

/// `GET /users/{username}/presence`.
///
/// Errors as for `halext_client_me`, plus `HALEXT_STATUS_API_NOT_FOUND` ("User not found").
///
/// # Safety
/// As for `halext_client_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_presence(
    client: *const super::halext_client,
    token: *const c_char,
    username: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_presence", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let (c, t) = unsafe { (client_ref(client)?, bearer(token)?) };
        // SAFETY: as above.
        let username = unsafe { args::c_str(username, "username") }?;
        answer(out, &c.presence_of(&t, username)?)
    })
}

/// `GET /users/presence?user_ids=`: `user_ids_json` is NULL (the first 100 users) or a JSON
/// list of user ids (`[1, 2]`); writes `[{"user_id", "status", "last_seen", "is_typing"}]`.
///
/// Errors as for `halext_client_me`; `INVALID_ARGUMENT` when `user_ids_json` is not a list of
/// integers.
///
/// # Safety
/// As for `halext_client_login`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_presence_list(
    client: *const super::halext_client,
    token: *const c_char,
    user_ids_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_presence_list", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let (c, t) = unsafe { (client_ref(client)?, bearer(token)?) };
        // SAFETY: as above.
        let ids: Vec<i64> = match unsafe { opt_json(user_ids_json, "user_ids_json") }? {
            None => Vec::new(),
            Some(v) => serde_json::from_value(v).map_err(|_| {
                AnyError::new(
                    Code::InvalidArgument,
                    "argument `user_ids_json` must be a JSON list of integers",
                )
            })?,
        };
        answer(out, &c.presence_list(&t, &ids)?)
    })
}
