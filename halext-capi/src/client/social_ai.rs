//! Social circles and pulses (reference §4.1), AI (§5: chat, streaming chat with a C callback,
//! questions with site context, models), OpenWebUI (§6) and remote token validation.
//!
//! # Safety (every function)
//! String arguments must be NULL or NUL-terminated; `client` NULL or a live `halext_client`;
//! `out_json` NULL or a writable `char *`.

use std::ffi::{c_char, c_void};
use std::ops::ControlFlow;

use halext_core::Code;
use halext_core::api::{ChatRequest, ContextRequest, ModelQuery, NewCircle, NewPulse};

use super::{answer, bearer, client_ref, input, opt_input};
use crate::args;
use crate::boundary::status_boundary;
use crate::output;

/// `GET /social/circles`: the circles the caller belongs to.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_circles(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_circles", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.circles(&t)?)
    })
}

/// `POST /social/circles` (never retried): `circle_json` = `{"name", "description"?, "emoji"?,
/// "theme_color"?, "vibe"?}`; writes the circle with its `invite_code`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_create_circle(
    client: *const super::halext_client,
    token: *const c_char,
    circle_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_create_circle", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let circle: NewCircle = unsafe { input(circle_json, "circle_json") }?;
        answer(out, &c.create_circle(&t, &circle)?)
    })
}

/// `POST /social/circles/join?invite_code=`: joins by invite code (harmless twice);
/// `HALEXT_STATUS_API_NOT_FOUND` for an unknown code.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_join_circle(
    client: *const super::halext_client,
    token: *const c_char,
    invite_code: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_join_circle", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let invite_code = unsafe { args::c_str(invite_code, "invite_code") }?;
        answer(out, &c.join_circle(&t, invite_code)?)
    })
}

/// `GET /social/circles/{circle_id}/pulses`: the latest 25, newest first.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_pulses(
    client: *const super::halext_client,
    token: *const c_char,
    circle_id: i64,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_pulses", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.pulses(&t, circle_id)?)
    })
}

/// `POST /social/circles/{circle_id}/pulses` (never retried): `pulse_json` = `{"message",
/// "mood"?, "attachments"?}`; `HALEXT_STATUS_API_NOT_FOUND` when the caller is not a member.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_post_pulse(
    client: *const super::halext_client,
    token: *const c_char,
    circle_id: i64,
    pulse_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_post_pulse", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let pulse: NewPulse = unsafe { input(pulse_json, "pulse_json") }?;
        answer(out, &c.post_pulse(&t, circle_id, &pulse)?)
    })
}

/// `POST /ai/chat` (never retried): `request_json` = `{"prompt", "history"? ([{"role", "content"}]),
/// "model"? ("<provider>:<model>")}`; writes `{"response", "model", "provider", "mock": bool}`
/// (`mock`: Halext's fallback answered, no AI backend was reachable).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_chat(
    client: *const super::halext_client,
    token: *const c_char,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_chat", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let request: ChatRequest = unsafe { input(request_json, "request_json") }?;
        let reply = c.chat(&t, &request)?;
        answer(
            out,
            &serde_json::json!({"response": reply.response, "model": reply.model, "provider": reply.provider, "mock": reply.is_mock()}),
        )
    })
}

/// Called by `halext_client_chat_stream` for each chunk of the answer, in order: `chunk` is
/// the chunk's text (UTF-8, NUL-terminated, `len` bytes without the NUL; valid only during the
/// call), `user_data` what the caller passed. Return `true` to go on, `false` to stop (the
/// connection is closed). The callback must return normally (no `longjmp` across it) and must
/// not call the same `halext_client` (such a call fails with `HALEXT_STATUS_API_REQUEST`).
#[allow(non_camel_case_types)]
pub type halext_chunk_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, chunk: *const c_char, len: usize) -> bool>;

/// `POST /ai/chat/stream` (never retried): streams the answer to `request_json` (as for
/// `halext_client_chat`), calling `on_chunk(user_data, chunk, len)` for each piece as it
/// arrives. Writes `{"model": "<provider>:<model>"|null, "text": "<all chunks delivered>",
/// "chunks": n, "stopped": bool}` (`stopped`: the callback returned `false`).
///
/// Each chunk waits at most the client's `timeout_ms` (`HALEXT_STATUS_API_TIMEOUT`); a stream
/// that breaks or ends without Halext's `[DONE]` is `HALEXT_STATUS_API_TRANSPORT` (chunks
/// already delivered stay delivered). `HALEXT_STATUS_INVALID_ARGUMENT` when `on_chunk` is NULL.
/// Blocks until the stream ends; thread-safe; `*out_json` is freed with `halext_string_free`.
///
/// # Safety
/// As for every function of this module; `on_chunk` must be safe to call with `user_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_chat_stream(
    client: *const super::halext_client,
    token: *const c_char,
    request_json: *const c_char,
    on_chunk: halext_chunk_callback,
    user_data: *mut c_void,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_chat_stream", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let request: ChatRequest = unsafe { input(request_json, "request_json") }?;
        let on_chunk = on_chunk.ok_or_else(|| {
            halext_core::AnyError::new(Code::InvalidArgument, "argument `on_chunk` must not be NULL")
        })?;
        let mut text = String::new();
        let summary = c.chat_stream(&t, &request, |chunk| {
            text.push_str(chunk);
            let c_chunk = output::c_string_lossy(chunk.to_owned());
            let len = c_chunk.as_bytes().len();
            // SAFETY: the caller guarantees `on_chunk` may be called with `user_data`; the chunk
            // outlives the call.
            let go_on = unsafe { on_chunk(user_data, c_chunk.as_ptr(), len) };
            if go_on { ControlFlow::Continue(()) } else { ControlFlow::Break(()) }
        })?;
        answer(
            out,
            &serde_json::json!({"model": summary.model, "text": text, "chunks": summary.chunks, "stopped": summary.stopped}),
        )
    })
}

/// Asks `POST /ai/chat` a question with the site's context: `request_json` = `{"site",
/// "question", "snippets"? ([{"source"?, "title"?, "text"}], most relevant first), "budget_chars"?
/// (default 6000), "model"?, "history"?}`. Writes `{"response", "model", "provider", "mock",
/// "snippets_used", "snippets_truncated", "snippets_dropped"}` (docs/api-client.md: the prompt layout).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_chat_with_context(
    client: *const super::halext_client,
    token: *const c_char,
    request_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_chat_with_context", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let request: ContextRequest = unsafe { input(request_json, "request_json") }?;
        let a = c.ask_with_context(&t, &request)?;
        answer(
            out,
            &serde_json::json!({"response": a.reply.response, "model": a.reply.model, "provider": a.reply.provider, "mock": a.is_mock, "snippets_used": a.snippets_used, "snippets_truncated": a.snippets_truncated, "snippets_dropped": a.snippets_dropped}),
        )
    })
}

/// `GET /ai/models`: `query_json` NULL or `{"provider"?, "limit"? (1–500)}`. Note: Halext also makes
/// the first listed model its global default.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_models(
    client: *const super::halext_client,
    token: *const c_char,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_models", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let query: ModelQuery = unsafe { opt_input(query_json, "query_json") }?;
        answer(out, &c.models(&t, &query)?)
    })
}

/// `GET /integrations/openwebui` (no auth): `{"enabled", "url"}`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_openwebui_status(
    client: *const super::halext_client,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_openwebui_status", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        answer(out, &c.openwebui_status()?)
    })
}

/// `GET /integrations/openwebui/sync/status` (`HALEXT_STATUS_API_SERVER` 503 when sync is off).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_openwebui_sync_status(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_openwebui_sync_status", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.openwebui_sync_status(&t)?)
    })
}

/// `POST /integrations/openwebui/sync/user`: provisions the caller in OpenWebUI; `{"success",
/// "action", "user_id", "message", "error"}` (check `success`).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_openwebui_sync_user(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_openwebui_sync_user", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.openwebui_sync_user(&t)?)
    })
}

/// `POST /integrations/openwebui/sso`: a sign-in link `{"sso_url", "token", "expires_in"}` for
/// the caller (`redirect_to` may be NULL). The URL and token are credentials: never log them.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_openwebui_sso(
    client: *const super::halext_client,
    token: *const c_char,
    redirect_to: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_openwebui_sso", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let redirect = unsafe { args::opt_c_str(redirect_to, "redirect_to") }?;
        let link = c.openwebui_sso(&t, redirect)?;
        answer(
            out,
            &serde_json::json!({"sso_url": link.sso_url(), "token": link.token(), "expires_in": link.expires_in()}),
        )
    })
}

/// Validates `token` by asking Halext (`GET /users/me/`), with the client's cache (at most
/// `HALEXT_VALIDATION_CACHE_TTL_MS`, never past the token's `exp`; failures never cached):
/// writes `{"user": {...}, "cached": bool}`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_validate_remote(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_validate_remote", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        let v = c.validate_token(&t)?;
        answer(out, &serde_json::json!({"user": v.user, "cached": v.cached}))
    })
}
