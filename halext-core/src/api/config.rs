//! [`ClientConfig`]: where Halext is and how to talk to it.
//!
//! Environment variables read by [`ClientConfig::from_env`] (all times in **milliseconds**):
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `HALEXT_URL` | base URL, with or without `/api` (e.g. `https://org.halext.org/api`) | required |
//! | `HALEXT_ACCESS_CODE` / `HALEXT_ACCESS_CODE_FILE` | registration access code (`X-Halext-Code`) | none |
//! | `HALEXT_TIMEOUT_MS` | whole-request timeout, per attempt | 10000 |
//! | `HALEXT_CONNECT_TIMEOUT_MS` | TCP + TLS connect timeout | 3000 |
//! | `HALEXT_RETRIES` | extra attempts for idempotent requests | 2 |
//! | `HALEXT_RETRY_BASE_MS` | first backoff delay (doubles per attempt, jittered) | 100 |
//! | `HALEXT_RETRY_MAX_MS` | cap of one backoff delay and of an honoured `Retry-After` | 2000 |
//! | `HALEXT_POOL_IDLE_MS` | how long an idle keep-alive connection is reused | 4000 |
//! | `HALEXT_USER_AGENT` | `User-Agent` | `halext/<version>` |
//! | `HALEXT_PROXY` | proxy URL for every request (`http://`, `https://`, `socks5://` unsupported) | none |
//! | `HALEXT_CA_FILE` | PEM file of extra trusted root certificates | none |
//! | `HALEXT_MAX_UPLOAD_BYTES` | largest media upload sent | 26214400 (25 MiB) |
//! | `HALEXT_VALIDATION_CACHE_TTL_MS` | max lifetime of a remote-validation cache entry | 60000 |
//! | `HALEXT_VALIDATION_CACHE_SIZE` | max entries of that cache (0 disables it) | 1024 |
//! | `HALEXT_DIRECT_HTTP` | `0` turns off the blocking facade's direct path for plain `http://` | `1` |

use super::ApiError;
use crate::secret::Secret;
use std::path::PathBuf;
use url::Url;

/// Defaults, in milliseconds where they are times.
pub mod defaults {
    /// Whole-request timeout per attempt.
    pub const TIMEOUT_MS: u64 = 10_000;
    /// Connect timeout.
    pub const CONNECT_TIMEOUT_MS: u64 = 3_000;
    /// Extra attempts for idempotent requests.
    pub const RETRIES: u32 = 2;
    /// First backoff delay.
    pub const RETRY_BASE_MS: u64 = 100;
    /// Backoff and `Retry-After` cap.
    pub const RETRY_MAX_MS: u64 = 2_000;
    /// Idle keep-alive reuse window: below uvicorn's 5 s `timeout_keep_alive`, so the client
    /// does not reuse a connection the server is about to close.
    pub const POOL_IDLE_MS: u64 = 4_000;
    /// Largest upload (25 MiB).
    pub const MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;
    /// Max lifetime of a remote-validation cache entry.
    pub const VALIDATION_CACHE_TTL_MS: u64 = 60_000;
    /// Max entries of the remote-validation cache.
    pub const VALIDATION_CACHE_SIZE: usize = 1024;
}

/// Client configuration. Build with [`ClientConfig::new`] and the `with_*` setters, or
/// [`ClientConfig::from_env`]. Creating a config never opens a connection or starts a thread.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    base_url: Url,
    access_code: Option<Secret>,
    timeout_ms: u64,
    connect_timeout_ms: u64,
    retries: u32,
    retry_base_ms: u64,
    retry_max_ms: u64,
    pool_idle_ms: u64,
    user_agent: String,
    /// May carry credentials (`http://user:pass@proxy:3128`): held as a secret.
    proxy: Option<Secret>,
    ca_file: Option<PathBuf>,
    max_upload_bytes: u64,
    validation_cache_ttl_ms: u64,
    validation_cache_size: usize,
    direct_http: bool,
}

impl ClientConfig {
    /// A configuration for the Halext API at `base_url`, with or without `/api`
    /// (`https://org.halext.org/api`, `http://127.0.0.1:8000`); the client appends the bare
    /// route paths (`/users/me/`) to it.
    ///
    /// # Errors
    /// [`ApiError::Config`] unless the URL is absolute `http`/`https` without query, fragment
    /// or credentials.
    pub fn new(base_url: &str) -> Result<Self, ApiError> {
        Ok(ClientConfig {
            base_url: normalize_base(base_url)?,
            access_code: None,
            timeout_ms: defaults::TIMEOUT_MS,
            connect_timeout_ms: defaults::CONNECT_TIMEOUT_MS,
            retries: defaults::RETRIES,
            retry_base_ms: defaults::RETRY_BASE_MS,
            retry_max_ms: defaults::RETRY_MAX_MS,
            pool_idle_ms: defaults::POOL_IDLE_MS,
            user_agent: format!("halext/{}", crate::VERSION),
            proxy: None,
            ca_file: None,
            max_upload_bytes: defaults::MAX_UPLOAD_BYTES,
            validation_cache_ttl_ms: defaults::VALIDATION_CACHE_TTL_MS,
            validation_cache_size: defaults::VALIDATION_CACHE_SIZE,
            direct_http: true,
        })
    }

    /// Reads the `HALEXT_*` variables listed in the module documentation.
    ///
    /// # Errors
    /// [`ApiError::Config`] when `HALEXT_URL` is missing or a value is malformed (the message
    /// names the variable, never its value when it is a secret).
    pub fn from_env() -> Result<Self, ApiError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`ClientConfig::from_env`] with a custom lookup (tests, INI entries mapped to the
    /// same names). `NAME_FILE` variants are read from the named file.
    ///
    /// # Errors
    /// As [`ClientConfig::from_env`].
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, ApiError> {
        let url = get("HALEXT_URL").ok_or_else(|| config_err("HALEXT_URL is not set"))?;
        let mut c = ClientConfig::new(&url)?;
        if let Some(code) = get("HALEXT_ACCESS_CODE") {
            c.access_code = Some(Secret::from(code));
        } else if let Some(path) = get("HALEXT_ACCESS_CODE_FILE") {
            let s = Secret::from_file(std::path::Path::new(&path))
                .map_err(|e| config_err(format!("HALEXT_ACCESS_CODE_FILE {path}: {e}")))?;
            c.access_code = Some(s);
        }
        let num = |name: &str| -> Result<Option<u64>, ApiError> {
            get(name)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| config_err(format!("{name} must be a whole number, got {v:?}")))
                })
                .transpose()
        };
        if let Some(v) = num("HALEXT_TIMEOUT_MS")? {
            c = c.with_timeout_ms(v);
        }
        if let Some(v) = num("HALEXT_CONNECT_TIMEOUT_MS")? {
            c = c.with_connect_timeout_ms(v);
        }
        if let Some(v) = num("HALEXT_RETRIES")? {
            c = c.with_retries(u32::try_from(v).unwrap_or(u32::MAX));
        }
        if let Some(v) = num("HALEXT_RETRY_BASE_MS")? {
            c.retry_base_ms = v;
        }
        if let Some(v) = num("HALEXT_RETRY_MAX_MS")? {
            c.retry_max_ms = v;
        }
        if let Some(v) = num("HALEXT_POOL_IDLE_MS")? {
            c.pool_idle_ms = v;
        }
        if let Some(v) = num("HALEXT_MAX_UPLOAD_BYTES")? {
            c.max_upload_bytes = v;
        }
        if let Some(v) = num("HALEXT_VALIDATION_CACHE_TTL_MS")? {
            c.validation_cache_ttl_ms = v;
        }
        if let Some(v) = num("HALEXT_VALIDATION_CACHE_SIZE")? {
            c.validation_cache_size = usize::try_from(v).unwrap_or(usize::MAX);
        }
        if let Some(v) = get("HALEXT_DIRECT_HTTP") {
            c.direct_http = match v.trim() {
                "1" | "true" | "on" | "yes" => true,
                "0" | "false" | "off" | "no" => false,
                _ => return Err(config_err(format!("HALEXT_DIRECT_HTTP must be 0 or 1, got {v:?}"))),
            };
        }
        if let Some(ua) = get("HALEXT_USER_AGENT") {
            c = c.with_user_agent(ua);
        }
        if let Some(p) = get("HALEXT_PROXY").filter(|p| !p.trim().is_empty()) {
            c = c.with_proxy(p);
        }
        if let Some(f) = get("HALEXT_CA_FILE").filter(|p| !p.trim().is_empty()) {
            c = c.with_ca_file(f);
        }
        Ok(c)
    }

    /// Sets the registration access code (sent as `X-Halext-Code` on `POST /users/` only).
    pub fn with_access_code(mut self, code: Secret) -> Self {
        self.access_code = Some(code);
        self
    }

    /// Whole-request timeout per attempt, in milliseconds (0 = none).
    pub fn with_timeout_ms(mut self, ms: u64) -> Self {
        self.timeout_ms = ms;
        self
    }

    /// Connect timeout in milliseconds (0 = none).
    pub fn with_connect_timeout_ms(mut self, ms: u64) -> Self {
        self.connect_timeout_ms = ms;
        self
    }

    /// Extra attempts for idempotent requests (GET/HEAD/PUT/DELETE); 0 disables retries.
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// Backoff: first delay and cap, in milliseconds. The cap also bounds an honoured
    /// `Retry-After`; a longer `Retry-After` ends the retries and returns the 429.
    pub fn with_retry_delays_ms(mut self, base_ms: u64, max_ms: u64) -> Self {
        self.retry_base_ms = base_ms;
        self.retry_max_ms = max_ms.max(base_ms);
        self
    }

    /// How long an idle keep-alive connection may be reused, in milliseconds.
    pub fn with_pool_idle_ms(mut self, ms: u64) -> Self {
        self.pool_idle_ms = ms;
        self
    }

    /// The `User-Agent` header.
    pub fn with_user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = ua.into();
        self
    }

    /// A proxy URL for every request (e.g. `http://proxy:3128`; credentials in the URL are
    /// allowed and never shown in `Debug` or errors).
    pub fn with_proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(Secret::from(url.into()));
        self
    }

    /// A PEM file of extra trusted root certificates (added to the system roots).
    pub fn with_ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_file = Some(path.into());
        self
    }

    /// Largest media upload, in bytes; larger ones are refused before sending.
    pub fn with_max_upload_bytes(mut self, bytes: u64) -> Self {
        self.max_upload_bytes = bytes;
        self
    }

    /// Remote-validation cache: max entry lifetime (ms) and max entries (0 disables it).
    pub fn with_validation_cache(mut self, ttl_ms: u64, max_entries: usize) -> Self {
        self.validation_cache_ttl_ms = ttl_ms;
        self.validation_cache_size = max_entries;
        self
    }

    /// Whether the blocking facade may talk to a plain `http://` base (without a proxy) over
    /// its own keep-alive connection driven by hyper directly instead of through the
    /// `reqwest::Client` (default true; same behaviour, less overhead per call).
    pub fn with_direct_http(mut self, on: bool) -> Self {
        self.direct_http = on;
        self
    }

    /// See [`ClientConfig::with_direct_http`].
    pub fn direct_http(&self) -> bool {
        self.direct_http
    }

    /// The normalized base URL (no trailing slash).
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The access code, if set.
    pub fn access_code(&self) -> Option<&Secret> {
        self.access_code.as_ref()
    }

    /// Whole-request timeout per attempt (ms; 0 = none).
    pub fn timeout_ms(&self) -> u64 {
        self.timeout_ms
    }

    /// Connect timeout (ms; 0 = none).
    pub fn connect_timeout_ms(&self) -> u64 {
        self.connect_timeout_ms
    }

    /// Extra attempts for idempotent requests.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// First backoff delay (ms).
    pub fn retry_base_ms(&self) -> u64 {
        self.retry_base_ms
    }

    /// Backoff and `Retry-After` cap (ms).
    pub fn retry_max_ms(&self) -> u64 {
        self.retry_max_ms
    }

    /// Idle keep-alive reuse window (ms).
    pub fn pool_idle_ms(&self) -> u64 {
        self.pool_idle_ms
    }

    /// `User-Agent`.
    pub fn user_agent(&self) -> &str {
        &self.user_agent
    }

    /// Proxy URL, if any.
    pub fn proxy(&self) -> Option<&str> {
        self.proxy.as_ref().and_then(Secret::expose_str)
    }

    /// Extra CA file, if any.
    pub fn ca_file(&self) -> Option<&std::path::Path> {
        self.ca_file.as_deref()
    }

    /// Largest upload (bytes).
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }

    /// Max lifetime of a remote-validation cache entry (ms).
    pub fn validation_cache_ttl_ms(&self) -> u64 {
        self.validation_cache_ttl_ms
    }

    /// Max entries of the remote-validation cache.
    pub fn validation_cache_size(&self) -> usize {
        self.validation_cache_size
    }
}

fn config_err(reason: impl Into<String>) -> ApiError {
    ApiError::Config { reason: reason.into() }
}

/// Parses and normalizes the base URL: http(s), no query/fragment/credentials, no trailing `/`.
fn normalize_base(raw: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw.trim()).map_err(|e| config_err(format!("base URL is not a valid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(config_err(format!("base URL scheme must be http or https, not {:?}", url.scheme())));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(config_err("base URL has no host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(config_err("base URL must not have a query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(config_err("base URL must not contain credentials"));
    }
    let mut url = url;
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn base_urls_are_normalized() {
        for (raw, want) in [
            ("https://org.halext.org/api", "https://org.halext.org/api"),
            ("https://org.halext.org/api/", "https://org.halext.org/api"),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
            ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
        ] {
            assert_eq!(ClientConfig::new(raw).expect(raw).base_url().as_str(), want);
        }
        for bad in ["", "org.halext.org", "ftp://x/", "http://x/?a=1", "http://u:p@x/", "http://x/#f"] {
            let e = ClientConfig::new(bad).expect_err(bad);
            assert_eq!(crate::HalextError::code(&e), crate::Code::Config, "{bad}");
            assert!(!e.to_string().contains(":p@"), "{e}");
        }
    }

    #[test]
    fn env_lookup_reads_every_variable() {
        let env: HashMap<&str, &str> = [
            ("HALEXT_URL", "https://org.halext.org/api"),
            ("HALEXT_ACCESS_CODE", "s3cret-code"),
            ("HALEXT_TIMEOUT_MS", "1500"),
            ("HALEXT_CONNECT_TIMEOUT_MS", "250"),
            ("HALEXT_RETRIES", "0"),
            ("HALEXT_RETRY_BASE_MS", "5"),
            ("HALEXT_RETRY_MAX_MS", "50"),
            ("HALEXT_POOL_IDLE_MS", "1000"),
            ("HALEXT_USER_AGENT", "zeniea/3"),
            ("HALEXT_MAX_UPLOAD_BYTES", "1024"),
            ("HALEXT_VALIDATION_CACHE_TTL_MS", "500"),
            ("HALEXT_VALIDATION_CACHE_SIZE", "8"),
            ("HALEXT_DIRECT_HTTP", "0"),
        ]
        .into_iter()
        .collect();
        let c = ClientConfig::from_lookup(|k| env.get(k).map(|v| v.to_string())).expect("config");
        assert_eq!(c.access_code().and_then(Secret::expose_str), Some("s3cret-code"));
        assert_eq!((c.timeout_ms(), c.connect_timeout_ms(), c.retries()), (1500, 250, 0));
        assert_eq!((c.retry_base_ms(), c.retry_max_ms(), c.pool_idle_ms()), (5, 50, 1000));
        assert_eq!((c.user_agent(), c.max_upload_bytes()), ("zeniea/3", 1024));
        assert_eq!(
            (c.validation_cache_ttl_ms(), c.validation_cache_size(), c.direct_http()),
            (500, 8, false)
        );
        assert!(!format!("{c:?}").contains("s3cret"), "Debug shows the access code");
        let c = c.with_proxy("http://user:pr0xy-pw@proxy:3128");
        assert_eq!(c.proxy(), Some("http://user:pr0xy-pw@proxy:3128"));
        assert!(!format!("{c:?}").contains("pr0xy-pw"), "Debug shows the proxy password");
    }

    #[test]
    fn env_errors_name_the_variable() {
        let e = ClientConfig::from_lookup(|_| None).expect_err("no url");
        assert!(e.to_string().contains("HALEXT_URL"));
        let e = ClientConfig::from_lookup(|k| match k {
            "HALEXT_URL" => Some("http://x".into()),
            "HALEXT_TIMEOUT_MS" => Some("10s".into()),
            _ => None,
        })
        .expect_err("bad number");
        assert!(e.to_string().contains("HALEXT_TIMEOUT_MS"), "{e}");
    }

    #[test]
    fn access_code_file_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("code");
        std::fs::write(&p, "from-file\n").expect("write");
        let path = p.to_string_lossy().into_owned();
        let c = ClientConfig::from_lookup(|k| match k {
            "HALEXT_URL" => Some("http://x".into()),
            "HALEXT_ACCESS_CODE_FILE" => Some(path.clone()),
            _ => None,
        })
        .expect("config");
        assert_eq!(c.access_code().and_then(Secret::expose_str), Some("from-file"));
    }
}
