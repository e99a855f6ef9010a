//! The route table. Every route is mounted twice, at its bare path and under `/api`
//! (reference §0 "Two mount points"); a path that only differs by its trailing slash from a
//! declared one gets a 307 to the declared form, with a `Location` lacking `/api` as behind
//! the production nginx (reference §0 "Trailing slashes").

mod ai;
mod auth;
mod content;
pub(crate) mod control;
mod media;
mod openwebui;
mod pages;
mod presence;
mod social;
mod system;
mod users;

use crate::errors::detail;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use std::sync::Arc;

type S = Arc<AppState>;

/// Collects routes and their bare patterns.
pub(crate) struct Table {
    router: Router<S>,
    patterns: Vec<&'static str>,
}

impl Table {
    fn new() -> Self {
        Table { router: Router::new(), patterns: Vec::new() }
    }

    /// Mounts `path` at `/path` and `/api/path`.
    fn at(mut self, path: &'static str, handler: MethodRouter<S>) -> Self {
        self.router = self.router.route(path, handler.clone()).route(&format!("/api{path}"), handler);
        self.patterns.push(path);
        self
    }
}

/// Every Halext route the test server implements, plus the `/__test` control API.
pub(crate) fn table() -> (Router<S>, Vec<&'static str>) {
    let t = Table::new();
    let t = system::routes(t);
    let t = auth::routes(t);
    let t = users::routes(t);
    let t = presence::routes(t);
    let t = content::routes(t);
    let t = pages::routes(t);
    let t = media::routes(t);
    let t = social::routes(t);
    let t = ai::routes(t);
    let t = openwebui::routes(t);
    let router = control::routes(t.router);
    (router, t.patterns)
}

/// The path without a leading `/api` (the form the patterns use).
pub fn strip_api(path: &str) -> &str {
    match path.strip_prefix("/api") {
        Some("") => "/",
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// Whether a bare path matches a pattern (`{x}` matches one non-empty segment).
fn matches(pattern: &str, path: &str) -> bool {
    let mut p = pattern.split('/');
    let mut s = path.split('/');
    loop {
        match (p.next(), s.next()) {
            (None, None) => return true,
            (Some(pp), Some(ss)) => {
                let var = pp.starts_with('{') && pp.ends_with('}');
                if !(pp == ss || (var && !ss.is_empty())) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Fallback: Starlette's `redirect_slashes` (307 to the other slash form when that form is a
/// route, for any method), else 404 `{"detail": "Not Found"}`.
pub(crate) async fn fallback(State(state): State<S>, req: Request) -> Response {
    let bare = strip_api(req.uri().path());
    let alternate = match bare.strip_suffix('/') {
        Some(trimmed) if !trimmed.is_empty() => trimmed.to_owned(),
        Some(_) => String::new(),
        None => format!("{bare}/"),
    };
    if !alternate.is_empty() && state.patterns.iter().any(|p| matches(p, &alternate)) {
        let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        let location = format!("http://{host}{alternate}{query}");
        let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
        if let Ok(v) = HeaderValue::from_str(&location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        return r;
    }
    detail(StatusCode::NOT_FOUND, "Not Found")
}

/// 405 as Starlette sends it.
pub(crate) async fn method_not_allowed() -> Response {
    detail(StatusCode::METHOD_NOT_ALLOWED, "Method Not Allowed")
}

/// The mock provider's reply (re-exported at the crate root).
pub(crate) const fn ai_mock_reply() -> &'static str {
    ai::MOCK_REPLY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_segment_by_segment() {
        assert!(matches("/users/me/", "/users/me/"));
        assert!(!matches("/users/me/", "/users/me"));
        assert!(matches("/users/{username}/presence", "/users/ann/presence"));
        assert!(!matches("/users/{username}/presence", "/users//presence"));
        assert_eq!(strip_api("/api/users/"), "/users/");
        assert_eq!(strip_api("/apix"), "/apix");
    }
}
