//! [`HalextClient`]: the async client, its request builder, and the raw JSON request.

use super::config::ClientConfig;
use super::error::ApiError;
use super::token::{AccessToken, MAX_TOKEN_BYTES};
use super::transport::{Body, Call, Transport};
use super::validate::ValidationCache;
use bytes::Bytes;
use http::Method;
use http::header::HeaderValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// An async client for the Halext API. Cheap to clone (one shared pool per process).
///
/// Use it from your own tokio runtime. Bindings and other synchronous callers use
/// [`super::BlockingClient`], which runs the same calls on the per-process runtime.
///
/// Every route method documents its Halext route; `token` is the caller's bearer token.
#[derive(Clone)]
pub struct HalextClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub transport: Transport,
    pub cache: ValidationCache,
}

impl std::fmt::Debug for HalextClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HalextClient")
            .field("base_url", &self.config().base_url().as_str())
            .finish_non_exhaustive()
    }
}

impl HalextClient {
    /// A client for `config`. Reads and checks the CA file, proxy and access code now; opens
    /// no connection and starts no thread (that happens on the first request, per process).
    ///
    /// # Errors
    /// [`ApiError::Config`] for an unreadable or invalid CA file, proxy URL or access code.
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        Self::build(config, false)
    }

    /// The client behind [`super::BlockingClient`]: only ever driven by the per-process
    /// runtime, so it may use the direct HTTP path.
    pub(crate) fn for_blocking(config: ClientConfig) -> Result<Self, ApiError> {
        Self::build(config, true)
    }

    fn build(config: ClientConfig, blocking: bool) -> Result<Self, ApiError> {
        let cache = ValidationCache::new(config.validation_cache_size(), config.validation_cache_ttl_ms());
        Ok(HalextClient { inner: Arc::new(Inner { transport: Transport::new(config, blocking)?, cache }) })
    }

    /// A client configured from the `HALEXT_*` environment variables ([`ClientConfig::from_env`]).
    ///
    /// # Errors
    /// [`ApiError::Config`] as for [`ClientConfig::from_env`] and [`HalextClient::new`].
    pub fn from_env() -> Result<Self, ApiError> {
        Self::new(ClientConfig::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.transport.config
    }

    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// A request to `base/seg/seg[/]`.
    pub(crate) fn route(&self, method: Method, segments: &[&str], trailing_slash: bool) -> Req<'_> {
        let url = self.transport().url(segments, trailing_slash);
        Req::new(self, method, url)
    }

    /// Any route, for routes without a typed method (and for planned ones such as
    /// `GET /ai/context/{site}`, which Halext does not have yet).
    ///
    /// * `path`: the bare route path appended to the base URL, **with its exact trailing
    ///   slash** (`/users/me/`, `/ai/models`); it must start with `/` and carry no query.
    /// * `query`: pairs appended as the query string (URL-encoded).
    /// * `body`: sent as JSON when given.
    ///
    /// Returns the JSON body, `Value::Null` for an empty body (204), or the body as a JSON
    /// string when it is not JSON (e.g. `text/css`). Retries follow the method (idempotent
    /// methods only).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::Request`] for a malformed path.
    pub async fn request_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&AccessToken>,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, ApiError> {
        let url = self.transport().raw_url(path)?;
        let mut req = Req::new(self, method, url);
        if let Some(t) = token {
            req = req.bearer(t);
        }
        for (k, v) in query {
            req = req.query(k, v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let (bytes, call) = req.bytes().await?;
        if bytes.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        match serde_json::from_slice(&bytes) {
            Ok(v) => Ok(v),
            Err(_) => match std::str::from_utf8(&bytes) {
                Ok(text) => Ok(serde_json::Value::String(text.to_owned())),
                Err(_) => Err(ApiError::Decode {
                    endpoint: self.transport().endpoint(&call.method, &call.url),
                    reason: "the body is neither JSON nor UTF-8 text".into(),
                }),
            },
        }
    }
}

/// A request being built (crate-internal). Errors found while building (e.g. a token that
/// cannot be a header value) are reported when it is sent, before anything goes out.
pub(crate) struct Req<'a> {
    client: &'a HalextClient,
    call: Call,
    deferred: Option<ApiError>,
}

impl<'a> Req<'a> {
    fn new(client: &'a HalextClient, method: Method, url: url::Url) -> Self {
        Req {
            client,
            call: Call { method, url, bearer: None, access_code: false, body: Body::Empty },
            deferred: None,
        }
    }

    fn refuse(&mut self, reason: &str) {
        if self.deferred.is_none() {
            let endpoint = self.client.transport().endpoint(&self.call.method, &self.call.url);
            self.deferred = Some(ApiError::Request { endpoint, reason: reason.to_owned() });
        }
    }

    /// `Authorization: Bearer <token>` (marked sensitive).
    pub fn bearer(mut self, token: &AccessToken) -> Self {
        if token.len() > MAX_TOKEN_BYTES {
            self.refuse("the token is larger than 8 KiB");
            return self;
        }
        let mut value = Vec::with_capacity(7 + token.len());
        value.extend_from_slice(b"Bearer ");
        value.extend_from_slice(token.expose().as_bytes());
        match HeaderValue::from_maybe_shared(Bytes::from(value)) {
            Ok(mut v) => {
                v.set_sensitive(true);
                self.call.bearer = Some(v);
            }
            Err(_) => self.refuse("the token contains characters not allowed in an HTTP header"),
        }
        self
    }

    /// Appends `k=v` to the query string.
    pub fn query(mut self, k: &str, v: &str) -> Self {
        self.call.url.query_pairs_mut().append_pair(k, v);
        self
    }

    /// Appends `k=v` when `v` is `Some`.
    pub fn query_opt(self, k: &str, v: Option<impl ToString>) -> Self {
        match v {
            Some(v) => self.query(k, &v.to_string()),
            None => self,
        }
    }

    /// A JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match serde_json::to_vec(body) {
            Ok(v) => self.call.body = Body::Json(Bytes::from(v)),
            Err(_) => self.refuse("the request body cannot be serialized as JSON"),
        }
        self
    }

    /// A form-encoded body (already encoded).
    pub fn form(mut self, encoded: Bytes) -> Self {
        self.call.body = Body::Form(encoded);
        self
    }

    /// A multipart body (sent once; the call is never retried).
    pub fn multipart(mut self, form: reqwest::multipart::Form) -> Self {
        self.call.body = Body::Multipart(Some(form));
        self
    }

    /// Sends the configured access code as `X-Halext-Code`.
    pub fn access_code(mut self) -> Self {
        self.call.access_code = true;
        self
    }

    /// Sends and returns the 2xx body with the call (for error messages).
    pub async fn bytes(mut self) -> Result<(Bytes, Call), ApiError> {
        if let Some(e) = self.deferred {
            return Err(e);
        }
        let body = self.client.transport().execute(&mut self.call).await?;
        Ok((body, self.call))
    }

    /// Sends and decodes the JSON answer into `T`.
    pub async fn send<T: DeserializeOwned>(self) -> Result<T, ApiError> {
        let client = self.client;
        let (bytes, call) = self.bytes().await?;
        decode(client, &call, &bytes)
    }

    /// Sends and ignores the answer's body (204 routes).
    pub async fn send_unit(self) -> Result<(), ApiError> {
        self.bytes().await.map(|_| ())
    }

    /// Sends once and returns the response with its body unread (SSE).
    pub async fn open_stream(self) -> Result<(reqwest::Response, String), ApiError> {
        if let Some(e) = self.deferred {
            return Err(e);
        }
        let endpoint = self.client.transport().endpoint(&self.call.method, &self.call.url);
        let resp = self.client.transport().open_stream(self.call).await?;
        Ok((resp, endpoint))
    }
}

/// Decodes a JSON body; the error names where decoding failed, never the offending value.
pub(crate) fn decode<T: DeserializeOwned>(
    client: &HalextClient,
    call: &Call,
    bytes: &[u8],
) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::Decode {
        endpoint: client.transport().endpoint(&call.method, &call.url),
        reason: describe_json_error(&e),
    })
}

/// A serde_json error without the value it choked on (which could be a token).
pub(crate) fn describe_json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax => "not valid JSON".to_owned(),
        Category::Eof => "the JSON ends early".to_owned(),
        Category::Io => "I/O error".to_owned(),
        Category::Data => {
            let msg = e.to_string();
            match msg.strip_prefix("missing field ") {
                Some(rest) => format!("missing field {}", rest.split(" at line").next().unwrap_or(rest)),
                None => "a value has an unexpected type".to_owned(),
            }
        }
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_errors_never_show_the_value() {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[allow(dead_code)]
            n: u64,
        }
        let e = serde_json::from_str::<T>(r#"{"n": "eyJhbGciOi.secret.sig"}"#).expect_err("type");
        let d = describe_json_error(&e);
        assert!(!d.contains("secret"), "{d}");
        assert!(d.contains("unexpected type"), "{d}");
        let e = serde_json::from_str::<T>("{}").expect_err("missing");
        assert!(describe_json_error(&e).starts_with("missing field `n`"), "{}", describe_json_error(&e));
        let e = serde_json::from_str::<T>("<html>").expect_err("syntax");
        assert!(describe_json_error(&e).starts_with("not valid JSON"));
    }
}
