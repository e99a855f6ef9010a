//! The Halext API client for C: `halext_client` (opaque, immutable, shareable between threads)
//! and one function per route, each returning the answer as JSON (free it with
//! `halext_string_free`). The same capabilities, names and rules as PHP's `Halext\Client`:
//! the options are `halext_core::api::ClientOptions`, inputs are the core's input types read
//! from JSON objects (unknown keys rejected), answers are the core's typed answers serialised
//! (datetimes as RFC 3339 UTC strings, as Halext sends them).
//!
//! Errors: the function returns the status (`HALEXT_STATUS_API_*` 200–211, `CONFIG`,
//! `INVALID_ARGUMENT`, `IO`); `halext_last_error_json` then also carries the HTTP status, the
//! 422 field errors and the 429 `Retry-After` ([`api_error_fields`]).
//!
//! | file | routes |
//! | --- | --- |
//! | `mod.rs` | the handle, `_new`, `_from_env`, `_free`, `halext_client_request` (any route) |
//! | `users.rs` | health, version, login, register, me, delete me, search, presence |
//! | `content.rs` | blog posts, site pages, photo albums, media uploads |
//! | `social_ai.rs` | circles and pulses, AI chat (and streaming with a C callback), models, OpenWebUI, remote validation |

mod content;
mod social_ai;
mod users;

use std::ffi::c_char;

use halext_core::api::{AccessToken, ApiError, BlockingClient, ClientOptions, Method, from_json_input};
use halext_core::{AnyError, Capability, Code};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::args;
use crate::boundary::{status_boundary, value_boundary};
use crate::handle::{self, Handle, Shareable};
use crate::output;
use crate::secret::halext_secret;

/// A Halext API client: an opaque handle. Create it with `halext_client_new` or
/// `halext_client_from_env`; free it with `halext_client_free`. Immutable: one client may be
/// used from several threads (calls take turns on the library's per-process runtime); keep it
/// for the life of the program so its keep-alive connection is reused. Usable in a child after
/// `fork()` (the child opens its own connection).
#[allow(non_camel_case_types)]
pub struct halext_client {
    inner: BlockingClient,
}

impl Handle for halext_client {
    const C_NAME: &'static str = "halext_client";
}

impl Shareable for halext_client {}

/// The client behind a handle argument.
///
/// # Safety
/// `client` must be NULL or a live `halext_client`.
unsafe fn client_ref<'a>(client: *const halext_client) -> Result<&'a BlockingClient, AnyError> {
    // SAFETY: forwarded to the caller.
    Ok(&unsafe { handle::as_ref(client, "client") }?.inner)
}

/// A required bearer token argument.
///
/// # Safety
/// `token` must be NULL or a NUL-terminated string.
unsafe fn bearer(token: *const c_char) -> Result<AccessToken, AnyError> {
    // SAFETY: forwarded to the caller.
    Ok(AccessToken::new(unsafe { args::c_str(token, "token") }?))
}

/// A JSON argument (NULL: `None`).
///
/// # Safety
/// `json` must be NULL or a NUL-terminated string.
unsafe fn opt_json(json: *const c_char, name: &'static str) -> Result<Option<Value>, AnyError> {
    // SAFETY: forwarded to the caller.
    match unsafe { args::opt_c_str(json, name) }? {
        None => Ok(None),
        Some(text) => serde_json::from_str(text).map(Some).map_err(|e| {
            AnyError::new(
                Code::InvalidArgument,
                format!("argument `{name}` is not valid JSON (line {} column {})", e.line(), e.column()),
            )
        }),
    }
}

/// A required JSON argument deserialised into a core input type.
///
/// # Safety
/// `json` must be NULL or a NUL-terminated string.
unsafe fn input<T: DeserializeOwned>(json: *const c_char, name: &'static str) -> Result<T, AnyError> {
    // SAFETY: forwarded to the caller.
    let value = unsafe { opt_json(json, name) }?
        .ok_or_else(|| AnyError::new(Code::InvalidArgument, format!("argument `{name}` must not be NULL")))?;
    from_json_input(name, value)
}

/// An optional JSON argument deserialised into a core input type (NULL: its default).
///
/// # Safety
/// `json` must be NULL or a NUL-terminated string.
unsafe fn opt_input<T: DeserializeOwned + Default>(
    json: *const c_char,
    name: &'static str,
) -> Result<T, AnyError> {
    // SAFETY: forwarded to the caller.
    match unsafe { opt_json(json, name) }? {
        None => Ok(T::default()),
        Some(value) => from_json_input(name, value),
    }
}

/// Writes `value` as JSON to the out-parameter.
fn answer<T: Serialize + ?Sized>(out: &mut *mut c_char, value: &T) -> Result<(), AnyError> {
    *out = output::json_string(value)?;
    Ok(())
}

/// The extra fields of `halext_last_error_json` for an API error: `http_status` (the HTTP
/// status, `null` when no answer arrived), `detail` (the server's `detail` or body excerpt, or
/// `null`), `field_errors` (a 422's `[{"loc": [...], "msg", "type", "field"}]`, else `[]`),
/// `retry_after` (a 429's `Retry-After` in seconds, else `null`). `None` for other errors
/// (including the client's `CONFIG` and `IO` errors).
pub(crate) fn api_error_fields(e: &AnyError) -> Option<serde_json::Map<String, Value>> {
    if e.code().capability() != Capability::Api {
        return None; // a configuration or runtime error of the client has no HTTP data
    }
    let api = e.inner()?.downcast_ref::<ApiError>()?;
    let fields: Vec<Value> = api
        .field_errors()
        .iter()
        .map(|f| serde_json::json!({"loc": f.loc, "msg": f.msg, "type": f.kind, "field": f.field()}))
        .collect();
    let mut map = serde_json::Map::new();
    map.insert("http_status".into(), api.status().into());
    map.insert("detail".into(), api.detail().into());
    map.insert("field_errors".into(), Value::Array(fields));
    map.insert("retry_after".into(), api.retry_after().into());
    Some(map)
}

/// A client from named options, given as a JSON object (UTF-8, NUL-terminated; NULL or `{}` for
/// none): the options of PHP's `Halext\Client` — `url` (required: base URL with or without
/// `/api`), `timeout_ms` (per attempt, default 10000, 0 = none), `connect_timeout_ms` (3000),
/// `retries` (extra attempts for GET/PUT/DELETE on connection failures, 5xx and 429; default
/// 2), `retry_base_ms` (100), `retry_max_ms` (2000; also the longest `Retry-After` honoured),
/// `user_agent`, `proxy`, `ca_file` (extra PEM roots), `max_upload_bytes` (26214400).
/// Integers may be given as numbers or decimal strings. Nothing is read from the environment
/// (use `halext_client_from_env` for that).
///
/// `access_code` (may be NULL) is the registration access code (sent as `X-Halext-Code` on
/// `halext_client_register` only); it is copied, so it may be freed right after.
///
/// No connection is opened and no thread started here (that happens on the first call, per
/// process). Errors: `HALEXT_STATUS_CONFIG` for an unknown option (the message lists the known
/// ones), a wrong type, a missing or invalid URL, an unreadable CA file, a bad proxy URL;
/// `HALEXT_STATUS_INVALID_ARGUMENT` for JSON that does not parse, a JSON value that is not an
/// object, a NULL `out`. On error `*out` is NULL. Free the result with `halext_client_free`.
///
/// # Safety
/// `options_json` must be NULL or a NUL-terminated string; `access_code` NULL or a live
/// `halext_secret`; `out` NULL or a writable `halext_client *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_new(
    options_json: *const c_char,
    access_code: *const halext_secret,
    out: *mut *mut halext_client,
) -> Code {
    status_boundary("halext_client_new", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        // SAFETY: as above.
        let options = match unsafe { opt_json(options_json, "options_json") }? {
            None => serde_json::Map::new(),
            Some(Value::Object(map)) => map,
            Some(_) => {
                return Err(AnyError::new(
                    Code::InvalidArgument,
                    "argument `options_json` must be a JSON object",
                ));
            }
        };
        let mut options = ClientOptions::from_json(&options)?;
        // SAFETY: as above.
        if let Some(code) = unsafe { access_code.as_ref() } {
            options.access_code = Some(code.secret().clone());
        }
        let inner = BlockingClient::new(options.into_config(|_| None)?)?;
        *out = handle::into_raw(halext_client { inner });
        Ok(())
    })
}

/// A client configured from the environment: `HALEXT_URL` (required), `HALEXT_ACCESS_CODE` /
/// `HALEXT_ACCESS_CODE_FILE`, `HALEXT_TIMEOUT_MS`, `HALEXT_CONNECT_TIMEOUT_MS`,
/// `HALEXT_RETRIES`, `HALEXT_RETRY_BASE_MS`, `HALEXT_RETRY_MAX_MS`, `HALEXT_POOL_IDLE_MS`,
/// `HALEXT_USER_AGENT`, `HALEXT_PROXY`, `HALEXT_CA_FILE`, `HALEXT_MAX_UPLOAD_BYTES`,
/// `HALEXT_VALIDATION_CACHE_TTL_MS`, `HALEXT_VALIDATION_CACHE_SIZE`, `HALEXT_DIRECT_HTTP`
/// (docs/api-client.md has the table).
///
/// Errors: `HALEXT_STATUS_CONFIG` naming the variable (never a secret value); on error `*out`
/// is NULL. Reads the environment: do not race it with `setenv` on other threads.
///
/// # Safety
/// `out` must be NULL or point to a writable `halext_client *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_from_env(out: *mut *mut halext_client) -> Code {
    status_boundary("halext_client_from_env", || {
        // SAFETY: the caller's contract above.
        let out = unsafe { args::out(out, "out") }?;
        *out = handle::into_raw(halext_client { inner: BlockingClient::from_env()? });
        Ok(())
    })
}

/// Frees a client (closing its connection once no call is running on it). NULL is a no-op.
/// Never fails; does not touch the last error.
///
/// # Safety
/// `client` must be NULL or a client from `halext_client_new`/`_from_env`, not yet freed and
/// not in use by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_free(client: *mut halext_client) {
    // SAFETY: the caller's contract above.
    value_boundary((), || unsafe { handle::free(client) })
}

/// Any route, for routes without a dedicated function (and planned ones): `method` (`"GET"`,
/// `"POST"`, ..., case-insensitive), `path` (the bare path with its exact trailing slash, e.g.
/// `"/users/me/"`; no query), `token` (NULL: no `Authorization`), `query_json` (NULL or a JSON
/// object of name → string/number/bool, sent sorted by name), `body_json` (NULL: no body; any
/// JSON value: sent as the JSON body).
///
/// `*out_json` receives the answer's JSON (`null` for an empty answer, a JSON string for a
/// non-JSON text answer). GET/HEAD/PUT/DELETE are retried like the dedicated functions.
///
/// Errors: `HALEXT_STATUS_API_*`; `HALEXT_STATUS_API_REQUEST` for a malformed path;
/// `HALEXT_STATUS_INVALID_ARGUMENT` for a bad method, JSON that does not parse, a query value
/// that is not a scalar, NULL `client`/`method`/`path`/`out_json`. Blocks until the answer
/// (bounded by the timeouts). Thread-safe.
///
/// # Safety
/// String arguments must be NULL or NUL-terminated; `client` NULL or live; `out_json` NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_request(
    client: *const halext_client,
    method: *const c_char,
    path: *const c_char,
    token: *const c_char,
    query_json: *const c_char,
    body_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_request", || {
        // SAFETY: the caller's contract above (for every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let method = unsafe { args::c_str(method, "method") }?;
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes())
            .map_err(|_| AnyError::new(Code::InvalidArgument, "argument `method` is not an HTTP method"))?;
        // SAFETY: as above.
        let path = unsafe { args::c_str(path, "path") }?;
        // SAFETY: as above.
        let token = unsafe { args::opt_c_str(token, "token") }?.map(AccessToken::new);
        // SAFETY: as above.
        let query = match unsafe { opt_json(query_json, "query_json") }? {
            None => Vec::new(),
            Some(Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) => Ok((k, s)),
                    Value::Number(n) => Ok((k, n.to_string())),
                    Value::Bool(b) => Ok((k, b.to_string())),
                    _ => Err(AnyError::new(
                        Code::InvalidArgument,
                        format!("query_json: the value of `{k}` must be a string, number or bool"),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => {
                return Err(AnyError::new(
                    Code::InvalidArgument,
                    "argument `query_json` must be a JSON object",
                ));
            }
        };
        // SAFETY: as above.
        let body = unsafe { opt_json(body_json, "body_json") }?;
        let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        answer(out, &c.request_json(method, path, token.as_ref(), &pairs, body.as_ref())?)
    })
}
