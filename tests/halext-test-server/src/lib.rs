//! A Halext-compatible test server: reproduces the Halext Org API's routes, quirks and error
//! shapes (see `reference/halext-api.md`) for every route the halext client uses, with fault
//! injection and a request log for tests.
//!
//! * In-process (Rust tests): [`spawn`] starts it on `127.0.0.1:<free port>` in its own
//!   thread and runtime; the [`ServerHandle`] gives its [`url`](ServerHandle::url), seeds users,
//!   injects faults and reads the request log, and stops the server when dropped.
//! * As a process (PHP/C tests): the `halext-test-server` binary (see `--help`) prints
//!   `listening on http://127.0.0.1:PORT` once ready; the same controls are at `/__test/...`
//!   (`POST /__test/faults`, `POST /__test/reset`, `POST /__test/users`, `POST /__test/token`,
//!   `GET /__test/requests`; bodies are the JSON forms of [`Fault`], [`SeedUser`] and
//!   [`LoggedRequest`]).
//!
//! What it deliberately does not do, because the real server does not: rate limiting (only as
//! an injected fault), notifications, `/ai/context/...`, token refresh or revocation.

// Handlers answer `Result<Response, Response>`, the axum idiom; boxing the error buys nothing here.
#![allow(clippy::result_large_err)]

mod auth;
pub mod config;
mod errors;
mod faults;
mod input;
mod log;
mod routes;
mod serve;
mod state;

pub use auth::{DEFAULT_ROUNDS, TOKEN_LIFETIME_SECS, hash_password, verify_password};
pub use config::ServerConfig;
pub use faults::{Fault, FaultKind};
pub use log::{LoggedPart, LoggedRequest};
pub use routes::control::SeedUser;

use axum::Router;
use axum::middleware::from_fn_with_state;
use serde_json::Value;
use state::{AppState, Db};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// The mock AI provider's fixed reply.
pub const MOCK_REPLY: &str = routes::ai_mock_reply();

/// Builds the application and its state.
fn build(config: ServerConfig) -> (Router, Arc<AppState>) {
    let (router, patterns) = routes::table();
    let state = Arc::new(AppState {
        config,
        db: Mutex::new(Db::default()),
        faults: Default::default(),
        log: Default::default(),
        patterns,
    });
    let app = router
        .fallback(routes::fallback)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(from_fn_with_state(Arc::clone(&state), faults::apply))
        .layer(from_fn_with_state(Arc::clone(&state), log::record))
        .layer(from_fn_with_state(Arc::clone(&state), date_offset))
        .with_state(Arc::clone(&state));
    (app, state)
}

/// Sets the `Date` header to the real time plus `date_offset_secs` (when not 0); hyper keeps a
/// `Date` a handler set.
async fn date_offset(
    axum::extract::State(state): axum::extract::State<Arc<AppState>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let offset = state.config.date_offset_secs;
    let mut resp = next.run(req).await;
    if offset != 0 {
        let now = std::time::SystemTime::now();
        let shifted = if offset > 0 {
            now + std::time::Duration::from_secs(offset.unsigned_abs())
        } else {
            now - std::time::Duration::from_secs(offset.unsigned_abs())
        };
        if let Ok(v) = axum::http::HeaderValue::from_str(&httpdate::fmt_http_date(shifted)) {
            resp.headers_mut().insert(axum::http::header::DATE, v);
        }
    }
    resp
}

/// Serves on an already bound listener, with `seeds` created first, until `shutdown`
/// resolves (used by the binary).
///
/// # Errors
/// When the listener cannot be registered with the runtime, or a seed user is a duplicate.
pub async fn run(
    listener: std::net::TcpListener,
    config: ServerConfig,
    seeds: Vec<SeedUser>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let keep_alive = config.keep_alive_timeout;
    let (app, state) = build(config);
    for seed in seeds {
        let name = seed.username.clone();
        routes::control::seed_user(&state, seed)
            .map_err(|e| std::io::Error::other(format!("seed user {name}: {e}")))?;
    }
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = tx.send(true);
    });
    serve::serve(listener, app, keep_alive, rx).await;
    Ok(())
}

/// A running in-process server; dropping it stops the server and joins its thread.
pub struct ServerHandle {
    url: String,
    addr: SocketAddr,
    state: Arc<AppState>,
    stop: Option<watch::Sender<bool>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// Starts a server on `127.0.0.1:<free port>` in its own thread (with its own current-thread
/// runtime), so it works from sync and async tests alike.
///
/// # Errors
/// When the port cannot be bound or the thread/runtime cannot be created.
pub fn spawn(config: ServerConfig) -> std::io::Result<ServerHandle> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let keep_alive = config.keep_alive_timeout;
    let (app, state) = build(config);
    let (tx, rx) = watch::channel(false);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let thread = std::thread::Builder::new().name("halext-test-server".into()).spawn(move || {
        rt.block_on(async move {
            match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => serve::serve(l, app, keep_alive, rx).await,
                Err(e) => eprintln!("halext-test-server: {e}"),
            }
        });
    })?;
    Ok(ServerHandle { url: format!("http://{addr}"), addr, state, stop: Some(tx), thread: Some(thread) })
}

impl ServerHandle {
    /// `http://127.0.0.1:PORT` (no trailing slash; the routes are at `/…` and `/api/…`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &ServerConfig {
        &self.state.config
    }

    /// Creates a user directly; returns its id. `Err` names a duplicate.
    ///
    /// # Errors
    /// `"Email already registered"` / `"Username already registered"`.
    pub fn seed_user(&self, user: SeedUser) -> Result<i64, String> {
        routes::control::seed_user(&self.state, user).map(|u| u.id)
    }

    /// Registers a fault.
    pub fn add_fault(&self, fault: Fault) {
        self.state.faults.add(fault);
    }

    /// Every logged request so far, oldest first.
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.state.log.all()
    }

    /// Logged requests whose path (without `/api`) starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<LoggedRequest> {
        self.requests().into_iter().filter(|r| routes::strip_api(&r.path).starts_with(prefix)).collect()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.state.log.clear();
    }

    /// Clears faults, the log and every table.
    pub fn reset(&self) {
        routes::control::reset(&self.state);
    }

    /// An access token for `username` signed with the server's `SECRET_KEY`:
    /// `exp` = the given Unix time, or no `exp` claim at all for `None`.
    pub fn mint_token(&self, username: &str, exp: Option<i64>) -> String {
        let mut claims = serde_json::json!({ "sub": username });
        if let Some(exp) = exp {
            claims["exp"] = exp.into();
        }
        self.sign_claims(&claims)
    }

    /// Any claims signed HS256 with the server's `SECRET_KEY`.
    pub fn sign_claims(&self, claims: &Value) -> String {
        auth::sign(claims, &self.state.config.secret_key)
    }

    /// The process-global AI default model (`mock:mock` until `/ai/models` is called).
    pub fn ai_default_model(&self) -> String {
        self.state.db().ai_default_model.clone()
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(true);
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}
