//! Fault injection for tests: `POST /__test/faults` (or [`crate::ServerHandle::add_fault`])
//! registers a fault that hits the next `count` requests whose path starts with `path_prefix`.
//!
//! Matching ignores a leading `/api`, so `/health` matches `/health` and `/api/health`.
//! Faults are checked in registration order; the first live match wins and is used up.

use crate::errors::internal_plain;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

use crate::state::AppState;

/// What a fault does to a matching request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Waits `ms` milliseconds, then handles the request normally.
    DelayMs {
        /// Delay in milliseconds.
        ms: u64,
    },
    /// Answers a plain-text `500 Internal Server Error` (what an unhandled exception gives).
    #[serde(rename = "status_500")]
    Status500,
    /// Answers with any status and `{"detail": detail}` (JSON), e.g. a 503.
    Status {
        /// The HTTP status.
        status: u16,
        /// The `detail` string (default: `Injected fault`).
        #[serde(default)]
        detail: Option<String>,
    },
    /// Answers `429` with `{"detail": "Too Many Requests"}` and, when given, `Retry-After`
    /// (seconds). The real server has no rate limiting; this stands in for a proxy's.
    RateLimit {
        /// `Retry-After` in seconds.
        #[serde(default)]
        retry_after: Option<u64>,
    },
    /// Closes the connection without sending any response.
    Reset,
    /// Answers `200` with `Content-Type: application/json` and a body that is not JSON.
    GarbageBody,
    /// Answers `200` with a `Content-Length` larger than the body, then closes the connection.
    Truncate,
    /// Handles the request normally but waits `ms` milliseconds before every body chunk
    /// after the first (a stalled stream).
    SlowBody {
        /// Pause before each later chunk, in milliseconds.
        ms: u64,
    },
}

/// A registered fault.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Path prefix to match (after removing a leading `/api`).
    pub path_prefix: String,
    /// Only requests with this method (any when absent).
    #[serde(default)]
    pub method: Option<String>,
    /// How many matching requests it hits (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// What it does.
    #[serde(flatten)]
    pub kind: FaultKind,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// A fault on the next request under `path_prefix`.
    pub fn new(path_prefix: impl Into<String>, kind: FaultKind) -> Self {
        Fault { path_prefix: path_prefix.into(), method: None, count: 1, kind }
    }

    /// Hits the next `count` matching requests.
    pub fn times(mut self, count: u32) -> Self {
        self.count = count;
        self
    }

    /// Only hits requests with this method.
    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }
}

/// The registry of live faults.
#[derive(Default)]
pub struct Faults(Mutex<Vec<Fault>>);

impl Faults {
    /// Registers a fault.
    pub fn add(&self, fault: Fault) {
        self.lock().push(fault);
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one use of the first fault matching this request, if any.
    fn take(&self, method: &str, path: &str) -> Option<FaultKind> {
        let bare = crate::routes::strip_api(path);
        let mut faults = self.lock();
        let idx = faults.iter().position(|f| {
            f.count > 0
                && bare.starts_with(&f.path_prefix)
                && f.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
        })?;
        let kind = faults[idx].kind.clone();
        faults[idx].count -= 1;
        if faults[idx].count == 0 {
            faults.remove(idx);
        }
        Some(kind)
    }
}

/// The per-connection kill switch the accept loop puts in every request's extensions.
#[derive(Clone)]
pub struct ConnKill(pub Arc<Notify>);

/// Middleware applying faults before the handler runs.
pub async fn apply(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let Some(kind) = state.faults.take(req.method().as_str(), req.uri().path()) else {
        return next.run(req).await;
    };
    match kind {
        FaultKind::DelayMs { ms } => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        FaultKind::Status500 => internal_plain(),
        FaultKind::Status { status, detail } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            crate::errors::detail(status, detail.as_deref().unwrap_or("Injected fault"))
        }
        FaultKind::RateLimit { retry_after } => {
            let mut r = crate::errors::detail(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
            if let Some(secs) = retry_after {
                r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            r
        }
        FaultKind::Reset => {
            if let Some(kill) = req.extensions().get::<ConnKill>() {
                kill.0.notify_one();
            }
            // The accept loop drops the connection (and this future with it).
            std::future::pending::<Response>().await
        }
        FaultKind::GarbageBody => {
            ([(header::CONTENT_TYPE, "application/json")], "<html>definitely not json").into_response()
        }
        FaultKind::SlowBody { ms } => {
            let (parts, body) = next.run(req).await.into_parts();
            let mut first = true;
            let slowed = futures_util::StreamExt::then(body.into_data_stream(), move |chunk| {
                let wait = !std::mem::replace(&mut first, false);
                async move {
                    if wait {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                    }
                    chunk
                }
            });
            Response::from_parts(parts, Body::from_stream(slowed))
        }
        FaultKind::Truncate => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"status\": \"heal")),
                Err(std::io::Error::new(std::io::ErrorKind::BrokenPipe, "injected truncation")),
            ];
            let mut r = Response::new(Body::from_stream(futures_util::stream::iter(chunks)));
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from_static("400"));
            r
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse_from_the_documented_json() {
        let f: Fault = serde_json::from_str(
            r#"{"path_prefix": "/health", "kind": "rate_limit", "retry_after": 2, "count": 3}"#,
        )
        .expect("parse");
        assert_eq!(f, Fault::new("/health", FaultKind::RateLimit { retry_after: Some(2) }).times(3));
        let f: Fault =
            serde_json::from_str(r#"{"path_prefix": "/x", "kind": "delay_ms", "ms": 50}"#).expect("parse");
        assert_eq!(f.count, 1);
    }

    #[test]
    fn a_fault_is_used_up_and_matches_with_or_without_api() {
        let faults = Faults::default();
        faults.add(Fault::new("/users/me", FaultKind::Status500).times(2).method("get"));
        assert_eq!(faults.take("POST", "/users/me/"), None);
        assert_eq!(faults.take("GET", "/api/users/me/"), Some(FaultKind::Status500));
        assert_eq!(faults.take("GET", "/users/me/"), Some(FaultKind::Status500));
        assert_eq!(faults.take("GET", "/users/me/"), None);
    }
}
