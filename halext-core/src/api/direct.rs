//! The direct path of the blocking facade: plain `http://` without a proxy (typically a PHP
//! site talking to Halext's uvicorn on the same host) goes over one keep-alive HTTP/1.1
//! connection per process driven by hyper itself, like a reused curl handle. Everything else
//! (TLS, proxies, multipart uploads, streams, the async client) goes through the
//! `reqwest::Client`.
//!
//! Why: on the project's VM a small GET through reqwest costs about 14 µs more than the bare
//! socket exchange (tower layers, re-parsing the URL of every response, pool bookkeeping) and
//! ends up slower than PHP's reused curl handle; this path costs about 7 µs (numbers in
//! `docs/api-client.md`). Same semantics: the same headers, timeouts, size cap, no
//! redirects, and the same error mapping; `ClientConfig::with_direct_http(false)` turns it off.
//!
//! Fork safety: the connection lives in a [`PerProcess`] slot (a forked child opens its own);
//! its driver task runs on the per-process runtime of [`crate::runtime::block_on`], which is
//! the only runtime this path is used from.

use super::config::ClientConfig;
use super::error::ApiError;
use super::transport::{Answer, Body, Call, MAX_RESPONSE_BYTES};
use crate::runtime::PerProcess;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue, USER_AGENT};
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// An idle connection and when it became idle.
struct Idle {
    sender: SendRequest<Full<Bytes>>,
    since: Instant,
}

/// The per-process direct connection of one client.
pub(crate) struct Direct {
    /// `host:port` to connect to.
    addr: String,
    /// The `Host` header value.
    host: HeaderValue,
    user_agent: HeaderValue,
    idle: PerProcess<Mutex<Option<Idle>>>,
}

impl Direct {
    /// The direct path for this configuration, when it applies (plain http, no proxy).
    pub fn for_config(config: &ClientConfig) -> Option<Direct> {
        let url = config.base_url();
        if url.scheme() != "http" || config.proxy().is_some() || !config.direct_http() {
            return None;
        }
        let host = url.host_str()?;
        let port = url.port_or_known_default()?;
        let authority = match url.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        };
        Some(Direct {
            addr: format!("{host}:{port}"),
            host: HeaderValue::from_str(&authority).ok()?,
            user_agent: HeaderValue::from_str(config.user_agent()).ok()?,
            idle: PerProcess::new(),
        })
    }

    /// Whether a call can take this path (not a multipart upload).
    pub fn accepts(call: &Call) -> bool {
        !matches!(call.body, Body::Multipart(_))
    }

    fn slot(&self) -> std::sync::Arc<Mutex<Option<Idle>>> {
        self.idle.get_or_init(|| Mutex::new(None))
    }

    /// One attempt over the direct connection. `endpoint` names the call in errors.
    pub async fn attempt(
        &self,
        config: &ClientConfig,
        call: &Call,
        access_code: Option<&HeaderValue>,
        endpoint: impl Fn() -> String,
    ) -> Result<Answer, ApiError> {
        let timeout = config.timeout_ms();
        let work = self.exchange(config, call, access_code, &endpoint);
        if timeout == 0 {
            return work.await;
        }
        match tokio::time::timeout(Duration::from_millis(timeout), work).await {
            Ok(r) => r,
            Err(_) => Err(ApiError::Timeout { endpoint: endpoint(), after_ms: timeout, phase: "request" }),
        }
    }

    async fn exchange(
        &self,
        config: &ClientConfig,
        call: &Call,
        access_code: Option<&HeaderValue>,
        endpoint: &impl Fn() -> String,
    ) -> Result<Answer, ApiError> {
        let request = self
            .request(call, access_code)
            .map_err(|reason| ApiError::Request { endpoint: endpoint(), reason })?;
        let mut sender = self.checkout(config, endpoint).await?;
        let transport = |e: hyper::Error| ApiError::Transport {
            endpoint: endpoint(),
            reason: super::transport::chain(&e),
        };
        sender.ready().await.map_err(transport)?;
        let resp = sender.send_request(request).await.map_err(transport)?;
        let (parts, body) = resp.into_parts();
        let body = Limited::new(body, MAX_RESPONSE_BYTES).collect().await.map_err(|e| {
            if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                ApiError::Decode {
                    endpoint: endpoint(),
                    reason: format!("the response is larger than {MAX_RESPONSE_BYTES} bytes"),
                }
            } else {
                ApiError::Transport { endpoint: endpoint(), reason: super::transport::chain(&*e) }
            }
        })?;
        // Back to the slot only once the body is complete (hyper then knows whether the
        // connection may be reused; a `Connection: close` answer closes it).
        if !sender.is_closed() {
            if let Ok(mut slot) = self.slot().lock() {
                *slot = Some(Idle { sender, since: Instant::now() });
            }
        }
        Ok(Answer::new(parts.status, &parts.headers, body.to_bytes()))
    }

    /// The idle connection when it is still usable, else a new one.
    async fn checkout(
        &self,
        config: &ClientConfig,
        endpoint: &impl Fn() -> String,
    ) -> Result<SendRequest<Full<Bytes>>, ApiError> {
        let idle = self.slot().lock().ok().and_then(|mut s| s.take());
        if let Some(idle) = idle {
            let fresh = idle.since.elapsed() < Duration::from_millis(config.pool_idle_ms());
            if fresh && !idle.sender.is_closed() {
                return Ok(idle.sender);
            }
        }
        self.connect(config, endpoint).await
    }

    async fn connect(
        &self,
        config: &ClientConfig,
        endpoint: &impl Fn() -> String,
    ) -> Result<SendRequest<Full<Bytes>>, ApiError> {
        let connect = tokio::net::TcpStream::connect(self.addr.as_str());
        let ms = config.connect_timeout_ms();
        let stream = if ms > 0 {
            tokio::time::timeout(Duration::from_millis(ms), connect).await.map_err(|_| ApiError::Timeout {
                endpoint: endpoint(),
                after_ms: ms,
                phase: "connect",
            })?
        } else {
            connect.await
        }
        .map_err(|e| ApiError::Connect { endpoint: endpoint(), reason: format!("tcp connect error: {e}") })?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| ApiError::Connect { endpoint: endpoint(), reason: super::transport::chain(&e) })?;
        // Drives the connection; ends when the server closes it or the sender is dropped.
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    fn request(
        &self,
        call: &Call,
        access_code: Option<&HeaderValue>,
    ) -> Result<http::Request<Full<Bytes>>, String> {
        let target = match call.url.query() {
            Some(q) => format!("{}?{q}", call.url.path()),
            None => call.url.path().to_owned(),
        };
        let mut b = http::Request::builder()
            .method(call.method.clone())
            .uri(target)
            .header(HOST, self.host.clone())
            .header(USER_AGENT, self.user_agent.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some(v) = &call.bearer {
            b = b.header(AUTHORIZATION, v.clone());
        }
        if call.access_code {
            if let Some(code) = access_code {
                b = b.header("x-halext-code", code.clone());
            }
        }
        let body = match &call.body {
            Body::Empty => Bytes::new(),
            Body::Json(bytes) => {
                b = b.header(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                bytes.clone()
            }
            Body::Form(bytes) => {
                b = b.header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
                bytes.clone()
            }
            Body::Multipart(_) => return Err("multipart bodies do not take the direct path".into()),
        };
        b.body(Full::new(body)).map_err(|e| format!("cannot build the request: {e}"))
    }
}
