//! The request log: what each client request looked like, so tests can assert what a client
//! sent (e.g. that `is_admin` was never sent, that `create_demo_data=false` was).
//!
//! Secrets are masked before they are stored: any body or form field whose name contains
//! `password`, or is `client_secret`, `api_key`, `token` or `access_token`, becomes `"***"`.
//! Headers are recorded by name only (their values may be tokens or access codes).

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::state::AppState;

/// Largest request body the server accepts (bigger ones get 413).
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// One part of a multipart body, as the media handler saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedPart {
    /// The form field name (`file`, `title`).
    pub name: String,
    /// The part's file name, if it has one.
    pub file_name: Option<String>,
    /// The part's `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// Size of the part's content in bytes.
    pub size: usize,
}

/// One logged request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedRequest {
    /// Sequence number (starts at 1; not reset by `/__test/reset`).
    pub id: u64,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path as received (with `/api` if the client sent it).
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Lower-case names of the headers that were present.
    pub headers: Vec<String>,
    /// The `Content-Type` value, if any.
    pub content_type: Option<String>,
    /// The `User-Agent` value, if any.
    pub user_agent: Option<String>,
    /// A JSON body, or a form body as an object of strings, with secrets masked.
    pub body: Option<Value>,
    /// The body size in bytes.
    pub body_len: usize,
    /// The parts of a multipart body (filled in by the media handler).
    pub multipart: Option<Vec<LoggedPart>>,
    /// The response status (absent when the connection was dropped by a fault).
    pub status: Option<u16>,
    /// The number of the TCP connection it arrived on (1, 2, ... in accept order; 0 when
    /// unknown). Requests with the same number shared one keep-alive connection.
    #[serde(default)]
    pub connection: u64,
}

impl LoggedRequest {
    /// True when the header (lower-case name) was present.
    pub fn has_header(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }

    /// The value of a query parameter, if present.
    pub fn query_param(&self, key: &str) -> Option<String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(self.query.as_deref().unwrap_or("")).unwrap_or_default();
        pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

/// Most entries kept; older ones are dropped (a long-running server stays bounded).
pub const MAX_ENTRIES: usize = 10_000;

/// The log itself.
#[derive(Default)]
pub struct RequestLog {
    entries: Mutex<VecDeque<LoggedRequest>>,
    seq: AtomicU64,
}

/// The id of the current request's log entry (in the request's extensions).
#[derive(Clone, Copy)]
pub struct LogId(pub u64);

impl RequestLog {
    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<LoggedRequest>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A copy of every entry (the last [`MAX_ENTRIES`]), oldest first.
    pub fn all(&self) -> Vec<LoggedRequest> {
        self.lock().iter().cloned().collect()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// Changes the entry with this id, if it is still there (searched from the newest end:
    /// the entry of a request in flight is near it).
    pub fn update(&self, id: LogId, f: impl FnOnce(&mut LoggedRequest)) {
        if let Some(e) = self.lock().iter_mut().rev().find(|e| e.id == id.0) {
            f(e);
        }
    }

    fn push(&self, mut entry: LoggedRequest) -> LogId {
        entry.id = self.seq.fetch_add(1, Ordering::Relaxed) + 1;
        let id = LogId(entry.id);
        let mut entries = self.lock();
        if entries.len() == MAX_ENTRIES {
            entries.pop_front();
        }
        entries.push_back(entry);
        id
    }
}

fn is_secret_key(k: &str) -> bool {
    let k = k.to_ascii_lowercase();
    k.contains("password") || matches!(k.as_str(), "client_secret" | "api_key" | "token" | "access_token")
}

/// Replaces secret values (at any depth) with `"***"`.
pub fn mask(v: &mut Value) {
    match v {
        Value::Object(map) => {
            for (k, val) in map.iter_mut() {
                if is_secret_key(k) {
                    *val = Value::String("***".into());
                } else {
                    mask(val);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// Middleware: buffers the body, logs the request, runs the rest, records the status.
/// The control API (`/__test/...`) is not logged.
pub async fn record(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/__test") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let content_type =
        parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let mime = content_type.as_deref().unwrap_or("").split(';').next().unwrap_or("").trim().to_owned();
    let body_value = if bytes.is_empty() {
        None
    } else if mime.ends_with("json") {
        serde_json::from_slice::<Value>(&bytes).ok()
    } else if mime == "application/x-www-form-urlencoded" {
        Some(crate::input::pairs_object(&bytes))
    } else {
        None
    };
    let body_value = body_value.map(|mut v| {
        mask(&mut v);
        v
    });
    let entry = LoggedRequest {
        id: 0,
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.keys().map(|k| k.as_str().to_owned()).collect(),
        content_type,
        user_agent: parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
        body: body_value,
        body_len: bytes.len(),
        multipart: None,
        status: None,
        connection: parts.extensions.get::<crate::serve::ConnId>().map_or(0, |c| c.0),
    };
    let id = state.log.push(entry);
    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(id);
    let resp = next.run(req).await;
    let status = resp.status().as_u16();
    state.log.update(id, |e| e.status = Some(status));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> LoggedRequest {
        LoggedRequest {
            id: 0,
            method: "GET".into(),
            path: "/health".into(),
            query: None,
            headers: Vec::new(),
            content_type: None,
            user_agent: None,
            body: None,
            body_len: 0,
            multipart: None,
            status: None,
            connection: 0,
        }
    }

    #[test]
    fn the_log_is_bounded_and_updates_find_recent_entries() {
        let log = RequestLog::default();
        let first = log.push(entry());
        let mut last = first;
        for _ in 0..MAX_ENTRIES {
            last = log.push(entry());
        }
        log.update(last, |e| e.status = Some(204));
        log.update(first, |e| e.status = Some(500));
        let all = log.all();
        assert_eq!(all.len(), MAX_ENTRIES);
        assert_eq!((all[0].id, all.last().map(|e| (e.id, e.status))), (2, Some((last.0, Some(204)))));
        assert!(all.iter().all(|e| e.status != Some(500)), "the dropped entry is gone");
    }

    #[test]
    fn secrets_are_masked_at_any_depth() {
        let mut v = serde_json::json!({
            "username": "a", "password": "hunter2", "nested": [{"new_password": "x", "api_key": "k"}]
        });
        mask(&mut v);
        assert_eq!(
            v,
            serde_json::json!({
                "username": "a", "password": "***", "nested": [{"new_password": "***", "api_key": "***"}]
            })
        );
    }
}
