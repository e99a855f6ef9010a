//! [`ApiError`]: every way a Halext API call can fail, each with a stable [`Code`] (200–211,
//! plus the general `config`, `io` and `internal` codes).
//!
//! How HTTP answers map (reference §0 "Error shapes"):
//!
//! | answer | variant | data |
//! | --- | --- | --- |
//! | 400 | [`ApiError::Conflict`] | the server's `detail` string ("Email already registered") |
//! | 401 | [`ApiError::Unauthorized`] | `detail` |
//! | 403 | [`ApiError::Forbidden`] | `detail` |
//! | 404 | [`ApiError::NotFound`] | `detail` |
//! | 422 | [`ApiError::Validation`] | the pydantic list as [`FieldError`]s (`loc`, `msg`, `type`; never `input`) |
//! | 429 | [`ApiError::RateLimited`] | `Retry-After` in seconds |
//! | 3xx | [`ApiError::Redirect`] | the `Location`: the client never follows redirects |
//! | 5xx, other | [`ApiError::Server`] | status and a short excerpt (JSON `detail` or plain text) |
//!
//! `detail` may be a string, a list, absent, or the body may not be JSON at all (the plain-text
//! `Internal Server Error`); all are handled. Messages name the method and path (never the
//! query string, a token, a password or the access code).

use crate::error::{Code, HalextError};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest `detail` or body excerpt kept in an error, in characters.
const MAX_EXCERPT: usize = 300;

/// One entry of a 422 answer: where (`loc`, e.g. `["body", "email"]`), what (`msg`), and the
/// pydantic error type (`type`, e.g. `missing`). The `input` and `ctx` members are dropped:
/// `input` echoes the request body, which may hold a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// Location path; integers (list indexes) are rendered in decimal. First element is
    /// `body`, `query`, `path` or `header`.
    pub loc: Vec<String>,
    /// Human message, e.g. `Field required`.
    pub msg: String,
    /// pydantic error type, e.g. `missing`, `string_type`.
    #[serde(rename = "type")]
    pub kind: String,
}

impl FieldError {
    /// The field's path without its `body`/`query`/`path`/`header` prefix, dotted
    /// (`email`, `history.0`); empty for an error about the whole body.
    pub fn field(&self) -> String {
        let skip = usize::from(matches!(
            self.loc.first().map(String::as_str),
            Some("body" | "query" | "path" | "header" | "cookie")
        ));
        self.loc[skip.min(self.loc.len())..].join(".")
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.loc.join("."), self.msg, self.kind)
    }
}

/// A failed Halext API call. `endpoint` is `"<METHOD> <path>"`, e.g. `"GET /users/me/"`.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// HTTP 401: no, invalid or expired token; bad login; missing access code. Code 200.
    #[error("{endpoint}: unauthorized (401): {detail}")]
    Unauthorized {
        /// Method and path.
        endpoint: String,
        /// The server's `detail`, e.g. `Could not validate credentials`.
        detail: String,
    },
    /// HTTP 403: admin-only route or not the owner. Code 201.
    #[error("{endpoint}: forbidden (403): {detail}")]
    Forbidden {
        /// Method and path.
        endpoint: String,
        /// The server's `detail`, e.g. `Admin access required`.
        detail: String,
    },
    /// HTTP 404: missing object or unknown route. Code 202.
    #[error("{endpoint}: not found (404): {detail}")]
    NotFound {
        /// Method and path.
        endpoint: String,
        /// The server's `detail`, e.g. `Blog post not found` or `Not Found`.
        detail: String,
    },
    /// HTTP 400 business-rule rejection (duplicate email/username/slug, ...). Code 203.
    #[error("{endpoint}: rejected (400): {detail}")]
    Conflict {
        /// Method and path.
        endpoint: String,
        /// The server's `detail`, e.g. `Email already registered`.
        detail: String,
    },
    /// HTTP 422: request validation failed. Code 204.
    #[error("{endpoint}: invalid request (422): {}", summarize(errors))]
    Validation {
        /// Method and path.
        endpoint: String,
        /// The field errors, in the server's order.
        errors: Vec<FieldError>,
    },
    /// HTTP 429. Code 205.
    #[error("{endpoint}: rate limited (429){}", retry_after.map(|s| format!(", retry after {s} s")).unwrap_or_default())]
    RateLimited {
        /// Method and path.
        endpoint: String,
        /// `Retry-After` in seconds, when the server sent one.
        retry_after: Option<u64>,
    },
    /// HTTP 5xx or another status the route does not define. Code 206.
    #[error("{endpoint}: server error ({status}): {excerpt}")]
    Server {
        /// Method and path.
        endpoint: String,
        /// The HTTP status.
        status: u16,
        /// The JSON `detail`, or the start of the body (e.g. `Internal Server Error`).
        excerpt: String,
    },
    /// A 3xx answer. The client never follows redirects: Halext answers 307 when the trailing
    /// slash is wrong, and behind nginx the `Location` loses `/api`. Code 206.
    #[error("{endpoint}: unexpected redirect ({status}) to {location}; the client must call the exact path")]
    Redirect {
        /// Method and path.
        endpoint: String,
        /// The HTTP status (usually 307).
        status: u16,
        /// The `Location` header (empty when absent).
        location: String,
    },
    /// The request did not complete in time. Code 207.
    #[error("{endpoint}: timed out after {after_ms} ms ({phase})")]
    Timeout {
        /// Method and path.
        endpoint: String,
        /// The timeout that fired, in milliseconds.
        after_ms: u64,
        /// `connect`, `request` or `stream` (waiting for the next streamed chunk).
        phase: &'static str,
    },
    /// The connection could not be established (refused, DNS, TLS handshake, proxy). Code 208.
    #[error("{endpoint}: cannot connect: {reason}")]
    Connect {
        /// Method and path.
        endpoint: String,
        /// What went wrong (no URL, no credentials).
        reason: String,
    },
    /// The response could not be decoded into the expected shape. Code 209.
    #[error("{endpoint}: cannot decode the response: {reason}")]
    Decode {
        /// Method and path.
        endpoint: String,
        /// Where decoding failed (line/column and category; never the offending value).
        reason: String,
    },
    /// The connection broke after it was established (reset, truncated body). Code 210.
    #[error("{endpoint}: connection failed: {reason}")]
    Transport {
        /// Method and path.
        endpoint: String,
        /// What went wrong.
        reason: String,
    },
    /// The request was refused before anything was sent (too large an upload, a token that
    /// cannot be a header value, a bad raw path). Code 211.
    #[error("{endpoint}: request refused before sending: {reason}")]
    Request {
        /// Method and path (or the operation).
        endpoint: String,
        /// Why.
        reason: String,
    },
    /// The client configuration is invalid (bad base URL, unreadable CA file, bad proxy).
    /// Code `config` (3).
    #[error("invalid Halext client configuration: {reason}")]
    Config {
        /// What is wrong (names the setting or file, never a secret).
        reason: String,
    },
    /// The per-process runtime could not be created (the OS refused threads or descriptors).
    /// Code `io` (4).
    #[error("cannot start the halext runtime: {reason}")]
    Runtime {
        /// The OS error.
        reason: String,
    },
}

fn summarize(errors: &[FieldError]) -> String {
    if errors.is_empty() {
        return "no details".to_owned();
    }
    let shown: Vec<String> = errors.iter().take(5).map(ToString::to_string).collect();
    let more = errors.len().saturating_sub(5);
    if more > 0 { format!("{}; and {more} more", shown.join("; ")) } else { shown.join("; ") }
}

impl HalextError for ApiError {
    fn code(&self) -> Code {
        match self {
            ApiError::Unauthorized { .. } => Code::ApiUnauthorized,
            ApiError::Forbidden { .. } => Code::ApiForbidden,
            ApiError::NotFound { .. } => Code::ApiNotFound,
            ApiError::Conflict { .. } => Code::ApiConflict,
            ApiError::Validation { .. } => Code::ApiValidation,
            ApiError::RateLimited { .. } => Code::ApiRateLimited,
            ApiError::Server { .. } | ApiError::Redirect { .. } => Code::ApiServer,
            ApiError::Timeout { .. } => Code::ApiTimeout,
            ApiError::Connect { .. } => Code::ApiConnect,
            ApiError::Decode { .. } => Code::ApiDecode,
            ApiError::Transport { .. } => Code::ApiTransport,
            ApiError::Request { .. } => Code::ApiRequest,
            ApiError::Config { .. } => Code::Config,
            ApiError::Runtime { .. } => Code::Io,
        }
    }
}

impl ApiError {
    /// The HTTP status when the server answered, else `None`.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::Conflict { .. } => Some(400),
            ApiError::Validation { .. } => Some(422),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::Server { status, .. } | ApiError::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's `detail` string (400/401/403/404) or excerpt (5xx), if any.
    pub fn detail(&self) -> Option<&str> {
        match self {
            ApiError::Unauthorized { detail, .. }
            | ApiError::Forbidden { detail, .. }
            | ApiError::NotFound { detail, .. }
            | ApiError::Conflict { detail, .. } => Some(detail),
            ApiError::Server { excerpt, .. } => Some(excerpt),
            _ => None,
        }
    }

    /// The 422 field errors (empty for every other error).
    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Validation { errors, .. } => errors,
            _ => &[],
        }
    }

    /// `Retry-After` in seconds (429 only).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the error is worth retrying for an idempotent request: connection failures,
    /// broken connections, 5xx and 429. Timeouts are not (they would multiply the wait).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Connect { .. } | ApiError::Transport { .. } | ApiError::RateLimited { .. } => true,
            ApiError::Server { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// Builds the error for a non-2xx answer from its status, headers and body.
pub(crate) fn from_response(
    endpoint: &str,
    status: u16,
    location: Option<&str>,
    retry_after: Option<u64>,
    body: &[u8],
) -> ApiError {
    let endpoint = endpoint.to_owned();
    if (300..400).contains(&status) {
        return ApiError::Redirect { endpoint, status, location: location.unwrap_or("").to_owned() };
    }
    let parsed: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let detail_value = parsed.as_ref().and_then(|v| v.get("detail"));
    let detail = || match detail_value {
        Some(serde_json::Value::String(s)) => excerpt(s),
        Some(other @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
            let errors = field_errors(other);
            if errors.is_empty() { excerpt(&other.to_string()) } else { summarize(&errors) }
        }
        Some(other) if !other.is_null() => excerpt(&other.to_string()),
        _ => excerpt(&String::from_utf8_lossy(body)),
    };
    match status {
        400 => ApiError::Conflict { endpoint, detail: detail() },
        401 => ApiError::Unauthorized { endpoint, detail: detail() },
        403 => ApiError::Forbidden { endpoint, detail: detail() },
        404 => ApiError::NotFound { endpoint, detail: detail() },
        422 => {
            let errors = match detail_value {
                Some(v @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => field_errors(v),
                Some(serde_json::Value::String(s)) => {
                    vec![FieldError { loc: Vec::new(), msg: excerpt(s), kind: String::new() }]
                }
                _ => Vec::new(),
            };
            ApiError::Validation { endpoint, errors }
        }
        429 => ApiError::RateLimited { endpoint, retry_after },
        _ => ApiError::Server { endpoint, status, excerpt: detail() },
    }
}

/// Reads pydantic error entries, keeping `loc`, `msg` and `type` only.
fn field_errors(v: &serde_json::Value) -> Vec<FieldError> {
    let items: Vec<&serde_json::Value> = match v {
        serde_json::Value::Array(items) => items.iter().collect(),
        obj @ serde_json::Value::Object(_) => vec![obj],
        _ => Vec::new(),
    };
    items
        .into_iter()
        .filter_map(|item| {
            let obj = item.as_object()?;
            let loc = match obj.get("loc") {
                Some(serde_json::Value::Array(parts)) => parts
                    .iter()
                    .map(|p| match p {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let text = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(excerpt).unwrap_or_default();
            Some(FieldError { loc, msg: text("msg"), kind: text("type") })
        })
        .collect()
}

/// At most [`MAX_EXCERPT`] characters, whitespace runs collapsed.
pub(crate) fn excerpt(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_EXCERPT + 3));
    let mut chars = 0;
    let mut last_space = false;
    for c in s.trim().chars() {
        let c = if c.is_whitespace() || c.is_control() { ' ' } else { c };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        if chars == MAX_EXCERPT {
            out.push('…');
            break;
        }
        out.push(c);
        chars += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(status: u16, body: &str) -> ApiError {
        from_response("GET /x", status, None, None, body.as_bytes())
    }

    #[test]
    fn detail_string_list_absent_or_not_json() {
        assert_eq!(
            err(400, r#"{"detail": "Email already registered"}"#).detail(),
            Some("Email already registered")
        );
        assert_eq!(err(500, "Internal Server Error").detail(), Some("Internal Server Error"));
        assert_eq!(err(500, r#"{"detail": "AI chat failed"}"#).detail(), Some("AI chat failed"));
        assert_eq!(err(404, "{}").detail(), Some("{}"));
        assert_eq!(err(403, r#"{"detail": null}"#).code(), Code::ApiForbidden);
        assert_eq!(err(503, "").status(), Some(503));
        let long = "x".repeat(5000);
        assert!(err(502, &long).detail().expect("excerpt").chars().count() <= MAX_EXCERPT + 1);
    }

    #[test]
    fn validation_keeps_loc_msg_type_and_drops_input() {
        let body = r#"{"detail": [
            {"type": "missing", "loc": ["body", "email"], "msg": "Field required", "input": {"password": "hunter2"}},
            {"type": "string_type", "loc": ["body", "history", 0], "msg": "Input should be a valid string", "input": 5, "ctx": {}}
        ]}"#;
        let e = err(422, body);
        assert_eq!(e.code(), Code::ApiValidation);
        let fe = e.field_errors();
        assert_eq!(fe.len(), 2);
        assert_eq!(
            fe[0],
            FieldError {
                loc: vec!["body".into(), "email".into()],
                msg: "Field required".into(),
                kind: "missing".into()
            }
        );
        assert_eq!(fe[0].field(), "email");
        assert_eq!(fe[1].field(), "history.0");
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        // A string detail on 422 (e.g. /ai/generate-tasks) still yields one entry.
        assert_eq!(err(422, r#"{"detail": "bad output"}"#).field_errors()[0].msg, "bad output");
    }

    #[test]
    fn redirects_and_rate_limits_carry_their_data() {
        let e = from_response("GET /users/me", 307, Some("http://h/users/me/"), None, b"");
        assert_eq!(e.code(), Code::ApiServer);
        assert!(e.to_string().contains("GET /users/me"));
        let e = from_response("GET /x", 429, None, Some(3), b"{}");
        assert_eq!((e.code(), e.retry_after()), (Code::ApiRateLimited, Some(3)));
        assert!(e.is_transient());
        assert!(!err(404, "").is_transient());
        assert!(err(502, "").is_transient());
    }
}
