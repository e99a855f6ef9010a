//! HTTP plumbing: the per-process `reqwest::Client`, building URLs, one attempt, retries,
//! reading bodies, and turning failures into [`ApiError`]s.
//!
//! Fork safety: the `reqwest::Client` (its connection pool and the sockets in it) lives in a
//! [`PerProcess`] slot, created on first use and re-created in a forked child. Nothing here
//! opens a socket or starts a task before the first request.

use super::config::ClientConfig;
use super::direct::Direct;
use super::error::{ApiError, from_response};
use super::retry::{Backoff, is_idempotent};
use crate::runtime::PerProcess;
use bytes::{Bytes, BytesMut};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, LOCATION, RETRY_AFTER};
use http::{Method, StatusCode};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use url::Url;

/// Largest response body read into memory (64 MiB); a larger one is a decode error.
pub(crate) const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A request body.
pub(crate) enum Body {
    Empty,
    Json(Bytes),
    Form(Bytes),
    /// Sent once (never retried): taken out on the first attempt.
    Multipart(Option<reqwest::multipart::Form>),
}

/// One logical call (possibly several attempts).
pub(crate) struct Call {
    pub method: Method,
    pub url: Url,
    pub bearer: Option<HeaderValue>,
    pub access_code: bool,
    pub body: Body,
}

/// A complete answer with any status (and, for errors, the headers errors need).
pub(crate) struct Answer {
    pub status: StatusCode,
    pub location: Option<String>,
    pub retry_after: Option<u64>,
    pub body: Bytes,
}

impl Answer {
    pub(crate) fn new(status: StatusCode, headers: &HeaderMap, body: Bytes) -> Self {
        // Only error answers need headers: a success costs no header copies.
        let (location, retry_after) = if status.is_success() {
            (None, None)
        } else {
            (
                headers.get(LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned),
                headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(parse_retry_after),
            )
        };
        Answer { status, location, retry_after, body }
    }
}

/// Shared HTTP state of a client.
pub(crate) struct Transport {
    pub config: ClientConfig,
    base_path_len: usize,
    certs: Vec<reqwest::Certificate>,
    proxy: Option<reqwest::Proxy>,
    access_code: Option<HeaderValue>,
    http: PerProcess<reqwest::Client>,
    /// The direct path (blocking facade, plain http, no proxy); see [`super::direct`].
    direct: Option<Direct>,
}

impl Transport {
    /// Validates everything that can be validated without opening a connection: the CA file
    /// (read and parsed now), the proxy URL, the access code as a header value. `blocking`:
    /// used only from the per-process runtime (enables the direct path).
    pub fn new(config: ClientConfig, blocking: bool) -> Result<Self, ApiError> {
        let certs = match config.ca_file() {
            None => Vec::new(),
            Some(path) => {
                let pem = std::fs::read(path)
                    .map_err(|e| config_err(format!("cannot read CA file {}: {e}", path.display())))?;
                let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
                    config_err(format!("CA file {} is not a PEM certificate bundle", path.display()))
                })?;
                if certs.is_empty() {
                    return Err(config_err(format!("CA file {} holds no certificate", path.display())));
                }
                certs
            }
        };
        let proxy = match config.proxy() {
            None => None,
            Some(p) => {
                Some(reqwest::Proxy::all(p).map_err(|_| config_err("the proxy is not a valid proxy URL"))?)
            }
        };
        let access_code = match config.access_code() {
            None => None,
            Some(code) => {
                let mut v = HeaderValue::from_bytes(code.expose()).map_err(|_| {
                    config_err("the access code contains characters not allowed in an HTTP header")
                })?;
                v.set_sensitive(true);
                Some(v)
            }
        };
        let base_path_len = config.base_url().path().trim_end_matches('/').len();
        let direct = if blocking { Direct::for_config(&config) } else { None };
        Ok(Transport { config, base_path_len, certs, proxy, access_code, http: PerProcess::new(), direct })
    }

    /// This process's `reqwest::Client`, built on first use (and again after a fork).
    fn http(&self) -> Result<Arc<reqwest::Client>, ApiError> {
        self.http.get_or_try_init(|| {
            let c = &self.config;
            let mut b = reqwest::Client::builder()
                .user_agent(c.user_agent())
                .redirect(reqwest::redirect::Policy::none())
                .http1_only()
                .tcp_nodelay(true)
                .referer(false)
                .pool_idle_timeout(Duration::from_millis(c.pool_idle_ms()))
                .pool_max_idle_per_host(16)
                // One retry policy, ours (idempotent methods only); over HTTP/1.1 reqwest's
                // default (protocol NACKs, an HTTP/2 notion) has nothing to retry anyway.
                .retry(reqwest::retry::never())
                .default_headers(HeaderMap::from_iter([(
                    ACCEPT,
                    HeaderValue::from_static("application/json"),
                )]));
            if c.connect_timeout_ms() > 0 {
                b = b.connect_timeout(Duration::from_millis(c.connect_timeout_ms()));
            }
            for cert in &self.certs {
                b = b.tls_certs_merge([cert.clone()]);
            }
            b = match &self.proxy {
                Some(p) => b.proxy(p.clone()),
                None => b.no_proxy(),
            };
            b.build()
                .map_err(|e| config_err(format!("cannot build the HTTP client: {}", chain(&e.without_url()))))
        })
    }

    /// The URL of a route: base + `/seg/seg` (+ `/` when `trailing_slash`), segments encoded.
    pub fn url(&self, segments: &[&str], trailing_slash: bool) -> Url {
        let mut url = self.config.base_url().clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
            path.extend(segments);
            if trailing_slash {
                path.push("");
            }
        }
        url
    }

    /// The URL of a raw path (`/users/me/`): must start with `/`; no query, fragment, `..`
    /// segment, whitespace or control characters.
    pub fn raw_url(&self, path: &str) -> Result<Url, ApiError> {
        let bad =
            |why: &str| ApiError::Request { endpoint: format!("request {path:?}"), reason: why.to_owned() };
        if !path.starts_with('/') {
            return Err(bad("the path must start with '/'"));
        }
        if path.contains(['?', '#']) || path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad(
                "the path must not contain '?', '#', whitespace or control characters (pass the query separately)",
            ));
        }
        if path.split('/').any(|s| s == ".." || s == ".") {
            return Err(bad("the path must not contain '.' or '..' segments"));
        }
        let base = self.config.base_url().as_str().trim_end_matches('/');
        Url::parse(&format!("{base}{path}")).map_err(|e| bad(&format!("not a valid path: {e}")))
    }

    /// `"<METHOD> <path>"` for messages: the path relative to the base, without the query.
    pub fn endpoint(&self, method: &Method, url: &Url) -> String {
        let path = url.path();
        format!("{method} {}", path.get(self.base_path_len..).filter(|p| !p.is_empty()).unwrap_or(path))
    }

    /// Runs a call with the retry policy; answers the body of a 2xx.
    pub async fn execute(&self, call: &mut Call) -> Result<Bytes, ApiError> {
        let retryable = is_idempotent(&call.method) && !matches!(call.body, Body::Multipart(_));
        let backoff = Backoff { base_ms: self.config.retry_base_ms(), max_ms: self.config.retry_max_ms() };
        let mut attempt = 0u32;
        loop {
            let err = match self.attempt(call).await {
                Ok(a) if a.status.is_success() => return Ok(a.body),
                Ok(a) => self.error_from(call, &a),
                Err(e) => e,
            };
            if !retryable || attempt >= self.config.retries() || !err.is_transient() {
                return Err(err);
            }
            let Some(delay) = backoff.delay(attempt, err.retry_after(), rand::random::<f64>()) else {
                return Err(err);
            };
            tracing::debug!(endpoint = %self.endpoint(&call.method, &call.url), attempt, delay_ms = delay.as_millis() as u64, error = %err, "halext: retrying");
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// Sends a call once and returns the response with unread body, for streaming. A non-2xx
    /// answer becomes its error. `timeout_ms` bounds the wait for the response headers.
    pub async fn open_stream(&self, mut call: Call) -> Result<reqwest::Response, ApiError> {
        let request = self.request(&mut call, false)?;
        let send = request.send();
        let timeout = self.config.timeout_ms();
        let resp = if timeout > 0 {
            tokio::time::timeout(Duration::from_millis(timeout), send).await.map_err(|_| {
                ApiError::Timeout {
                    endpoint: self.endpoint(&call.method, &call.url),
                    after_ms: timeout,
                    phase: "request",
                }
            })?
        } else {
            send.await
        };
        let resp = resp.map_err(|e| self.map_reqwest(&call, e))?;
        if resp.status().is_success() {
            return Ok(resp);
        }
        let (status, headers) = (resp.status(), resp.headers().clone());
        let body = read_body(resp).await.map_err(|e| self.map_read(&call, e))?;
        Err(self.error_from(&call, &Answer::new(status, &headers, body)))
    }

    /// One attempt: a complete answer with any status, or a transport error.
    async fn attempt(&self, call: &mut Call) -> Result<Answer, ApiError> {
        if let Some(direct) = self.direct.as_ref().filter(|_| Direct::accepts(call)) {
            let c: &Call = call;
            return direct
                .attempt(&self.config, c, self.access_code.as_ref(), || self.endpoint(&c.method, &c.url))
                .await;
        }
        let resp = self.request(call, true)?.send().await.map_err(|e| self.map_reqwest(call, e))?;
        let status = resp.status();
        tracing::trace!(endpoint = %self.endpoint(&call.method, &call.url), status = status.as_u16(), "halext: answer");
        let answer = Answer::new(status, resp.headers(), Bytes::new());
        let body = read_body(resp).await.map_err(|e| self.map_read(call, e))?;
        Ok(Answer { body, ..answer })
    }

    fn request(&self, call: &mut Call, whole_timeout: bool) -> Result<reqwest::RequestBuilder, ApiError> {
        let http = self.http()?;
        let mut rb = http.request(call.method.clone(), call.url.clone());
        if whole_timeout && self.config.timeout_ms() > 0 {
            rb = rb.timeout(Duration::from_millis(self.config.timeout_ms()));
        }
        if let Some(b) = &call.bearer {
            rb = rb.header(AUTHORIZATION, b.clone());
        }
        if call.access_code {
            if let Some(code) = &self.access_code {
                rb = rb.header("x-halext-code", code.clone());
            }
        }
        rb = match &mut call.body {
            Body::Empty => rb,
            Body::Json(b) => rb.header(CONTENT_TYPE, "application/json").body(b.clone()),
            Body::Form(b) => rb.header(CONTENT_TYPE, "application/x-www-form-urlencoded").body(b.clone()),
            Body::Multipart(form) => match form.take() {
                Some(f) => rb.multipart(f),
                None => {
                    return Err(ApiError::Request {
                        endpoint: self.endpoint(&call.method, &call.url),
                        reason: "a multipart body can only be sent once".into(),
                    });
                }
            },
        };
        Ok(rb)
    }

    fn error_from(&self, call: &Call, a: &Answer) -> ApiError {
        let endpoint = self.endpoint(&call.method, &call.url);
        from_response(&endpoint, a.status.as_u16(), a.location.as_deref(), a.retry_after, &a.body)
    }

    fn map_read(&self, call: &Call, e: ReadError) -> ApiError {
        match e {
            ReadError::Http(e) => self.map_reqwest(call, e),
            ReadError::TooLarge => ApiError::Decode {
                endpoint: self.endpoint(&call.method, &call.url),
                reason: format!("the response is larger than {MAX_RESPONSE_BYTES} bytes"),
            },
        }
    }

    /// Classifies a reqwest error (timeout, connect, builder, transport) without its URL.
    pub fn map_reqwest(&self, call: &Call, e: reqwest::Error) -> ApiError {
        let endpoint = self.endpoint(&call.method, &call.url);
        if e.is_timeout() {
            let (after_ms, phase) = if e.is_connect() {
                (self.config.connect_timeout_ms(), "connect")
            } else {
                (self.config.timeout_ms(), "request")
            };
            return ApiError::Timeout { endpoint, after_ms, phase };
        }
        let (connect, builder) = (e.is_connect(), e.is_builder());
        let reason = chain(&e.without_url());
        if connect {
            ApiError::Connect { endpoint, reason }
        } else if builder {
            ApiError::Request { endpoint, reason }
        } else {
            ApiError::Transport { endpoint, reason }
        }
    }
}

fn config_err(reason: impl Into<String>) -> ApiError {
    ApiError::Config { reason: reason.into() }
}

/// An error and its sources, joined with `: ` (duplicates skipped), at most 300 characters.
pub(crate) fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    super::error::excerpt(&parts.join(": "))
}

/// Why a body could not be read.
pub(crate) enum ReadError {
    Http(reqwest::Error),
    TooLarge,
}

/// Reads a whole body, refusing more than [`MAX_RESPONSE_BYTES`]. A body that arrives in one
/// chunk is returned without copying.
pub(crate) async fn read_body(mut resp: reqwest::Response) -> Result<Bytes, ReadError> {
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    let mut total = 0usize;
    while let Some(chunk) = resp.chunk().await.map_err(ReadError::Http)? {
        total += chunk.len();
        if total > MAX_RESPONSE_BYTES {
            return Err(ReadError::TooLarge);
        }
        match (&mut first, &mut rest) {
            (None, None) => first = Some(chunk),
            (Some(f), None) => {
                let mut buf = BytesMut::with_capacity(f.len() + chunk.len());
                buf.extend_from_slice(f);
                buf.extend_from_slice(&chunk);
                rest = Some(buf);
            }
            (_, Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }
    Ok(match rest {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// `Retry-After` as seconds: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
pub(crate) fn parse_retry_after(v: &str) -> Option<u64> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(secs);
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(at.duration_since(SystemTime::now()).map(|d| d.as_secs()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transport(base: &str) -> Transport {
        Transport::new(ClientConfig::new(base).expect("config"), false).expect("transport")
    }

    #[test]
    fn urls_append_bare_paths_to_the_base() {
        let t = transport("https://org.halext.org/api/");
        assert_eq!(t.url(&["users", "me"], true).as_str(), "https://org.halext.org/api/users/me/");
        assert_eq!(
            t.url(&["users", "a b/c", "presence"], false).as_str(),
            "https://org.halext.org/api/users/a%20b%2Fc/presence"
        );
        let u = t.url(&["users", "me"], true);
        assert_eq!(t.endpoint(&Method::GET, &u), "GET /users/me/");
        let t = transport("http://127.0.0.1:8000");
        let u = t.url(&["health"], false);
        assert_eq!(
            (u.as_str(), t.endpoint(&Method::GET, &u)),
            ("http://127.0.0.1:8000/health", "GET /health".into())
        );
        assert_eq!(
            t.raw_url("/ai/context/zeniea").expect("raw").as_str(),
            "http://127.0.0.1:8000/ai/context/zeniea"
        );
        for bad in ["users", "/a?b=1", "/a#x", "/a/../b", "/a b", "/a\n"] {
            assert!(t.raw_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn retry_after_accepts_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 7 "), Some(7));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(0));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        assert!(parse_retry_after(&later).is_some_and(|s| (100..=120).contains(&s)));
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn bad_ca_file_and_proxy_are_config_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate").expect("write");
        let cfg = ClientConfig::new("https://x").expect("cfg").with_ca_file(&p);
        assert!(matches!(Transport::new(cfg, false), Err(ApiError::Config { .. })));
        let cfg = ClientConfig::new("https://x").expect("cfg").with_ca_file(dir.path().join("missing.pem"));
        assert!(matches!(Transport::new(cfg, false), Err(ApiError::Config { .. })));
        let cfg = ClientConfig::new("https://x").expect("cfg").with_access_code(crate::Secret::from("a\nb"));
        let e = Transport::new(cfg, false).err().expect("bad code");
        assert!(!e.to_string().contains("a\nb"));
    }
}
