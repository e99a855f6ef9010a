//! A JWKS fetched from a URL: cache with TTL, refresh on unknown `kid` (rate limited, single
//! flight), last good set served while the endpoint fails.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::clock::Clock;
use super::error::TokenError;
use super::jwks::{DEFAULT_MAX_JWKS_BYTES, DEFAULT_MAX_JWKS_KEYS, JwksRules, parse_jwks};
use super::keys::KeySet;
use crate::runtime::PerProcess;

/// Options of a JWKS URL source (see `ValidatorBuilder::jwks_url`). All durations are wall
/// durations measured with the validator's clock (`Clock::monotonic`).
#[derive(Debug, Clone)]
pub struct JwksUrlOptions {
    /// How long a fetched set is used before it is fetched again. Default 300 s.
    pub ttl: Duration,
    /// Minimum time between two fetches (successful or not), whatever triggers them (expired
    /// TTL, unknown `kid`, failed earlier fetch). Protects the endpoint from tokens with random
    /// `kid`s. Default 30 s.
    pub min_refresh_interval: Duration,
    /// Timeout of one fetch, connection to last body byte. Default 5 s.
    pub timeout: Duration,
    /// How long past its TTL the last good set may still be served while fetches fail;
    /// `None` (the default) serves it for as long as the endpoint keeps failing.
    pub max_stale: Option<Duration>,
    /// Largest accepted document, in bytes. Default 128 KiB.
    pub max_document_bytes: usize,
    /// Most keys accepted in one document. Default 64.
    pub max_keys: usize,
    /// Honour `Cache-Control: max-age` / `no-cache` / `no-store` from the endpoint: they can only
    /// shorten the TTL, never below `min_refresh_interval`. Default true.
    pub respect_cache_control: bool,
    /// Accept a plain `http://` URL when its host is loopback (127.0.0.0/8, `::1`,
    /// `localhost`), for tests. Never needed in production. Default false.
    pub allow_http_loopback: bool,
}

impl Default for JwksUrlOptions {
    fn default() -> Self {
        JwksUrlOptions {
            ttl: Duration::from_secs(300),
            min_refresh_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(5),
            max_stale: None,
            max_document_bytes: DEFAULT_MAX_JWKS_BYTES,
            max_keys: DEFAULT_MAX_JWKS_KEYS,
            respect_cache_control: true,
            allow_http_loopback: false,
        }
    }
}

struct Good {
    set: Arc<KeySet>,
    fresh_until: Duration,
    doc_digest: [u8; 32],
}

/// A successful fetch: the set, the document's SHA-256, the `Cache-Control` max-age.
struct Fetched {
    set: Arc<KeySet>,
    digest: [u8; 32],
    max_age: Option<Duration>,
}

#[derive(Default)]
struct State {
    good: Option<Good>,
    last_attempt: Option<Duration>,
    last_error: Option<String>,
    /// A fetch is running: callers without a usable answer join it instead of failing fast.
    in_flight: bool,
}

/// Clears `in_flight` when the fetch ends, also if the fetching future is dropped midway.
struct InFlight<'a>(&'a RemoteJwks);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.state().in_flight = false;
    }
}

/// What the validator should do next.
pub(crate) enum Lookup {
    /// Use this set (generation attached).
    Ready(Arc<KeySet>, u64),
    /// A fetch is due (call `refresh`).
    NeedFetch,
}

pub(crate) struct RemoteJwks {
    url: url::Url,
    opts: JwksUrlOptions,
    rules: JwksRules,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
    fetch_lock: tokio::sync::Mutex<()>,
    attempts: AtomicU64,
    generation: AtomicU64,
}

/// The HTTP client for JWKS fetches: one per process, created on first fetch (never at
/// validator construction, which PHP does before forking).
static HTTP: PerProcess<reqwest::Client> = PerProcess::new();

fn http_client() -> Result<Arc<reqwest::Client>, String> {
    HTTP.get_or_try_init(|| {
        reqwest::Client::builder()
            // The configured URL is the key source; never follow a redirect elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Fetches are minutes apart and may run on different runtimes: no pooled connections.
            .pool_max_idle_per_host(0)
            .user_agent(concat!("halext/", env!("CARGO_PKG_VERSION")))
            .build()
    })
    .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))
}

fn describe(e: reqwest::Error) -> String {
    if e.is_timeout() {
        "timed out".into()
    } else if e.is_connect() {
        "connection failed".into()
    } else if e.is_body() || e.is_decode() {
        "response body broken".into()
    } else {
        format!("request failed: {}", e.without_url())
    }
}

/// `max-age` from a `Cache-Control` value; `no-cache`/`no-store` count as 0.
pub(crate) fn cache_control_max_age(value: &str) -> Option<Duration> {
    let mut out = None;
    for directive in value.split(',') {
        let d = directive.trim();
        if d.eq_ignore_ascii_case("no-cache") || d.eq_ignore_ascii_case("no-store") {
            return Some(Duration::ZERO);
        }
        if let Some((name, v)) = d.split_once('=') {
            if name.trim().eq_ignore_ascii_case("max-age") {
                out = v.trim().trim_matches('"').parse::<u64>().ok().map(Duration::from_secs);
            }
        }
    }
    out
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl RemoteJwks {
    pub fn new(
        url: &str,
        opts: JwksUrlOptions,
        rules: JwksRules,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, TokenError> {
        let url = url::Url::parse(url).map_err(|_| TokenError::config("the JWKS URL is not a valid URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if opts.allow_http_loopback && is_loopback(&url) => {}
            "http" => {
                return Err(TokenError::config(
                    "the JWKS URL must be https (plain http only for loopback hosts with allow_http_loopback)",
                ));
            }
            _ => return Err(TokenError::config("the JWKS URL must be https")),
        }
        if opts.ttl.is_zero() {
            return Err(TokenError::config("the JWKS ttl must be positive"));
        }
        Ok(RemoteJwks {
            url,
            opts,
            rules,
            clock,
            state: Mutex::new(State::default()),
            fetch_lock: tokio::sync::Mutex::new(()),
            attempts: AtomicU64::new(0),
            generation: AtomicU64::new(1),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn too_stale(&self, g: &Good, now: Duration) -> bool {
        self.opts.max_stale.is_some_and(|m| now > g.fresh_until.saturating_add(m))
    }

    fn can_attempt(&self, st: &State, now: Duration) -> bool {
        st.last_attempt.is_none_or(|t| now >= t.saturating_add(self.opts.min_refresh_interval))
    }

    fn unavailable(st: &State) -> TokenError {
        TokenError::KeySetUnavailable {
            reason: st.last_error.clone().unwrap_or_else(|| "no key set fetched yet".to_string()),
        }
    }

    /// The key-set generation to match cached tokens against, while the set is fresh (a stale
    /// set sends every token through the full path, which refreshes it).
    pub fn fresh_generation(&self) -> Option<u64> {
        let now = self.clock.monotonic();
        let st = self.state();
        match &st.good {
            Some(g) if now < g.fresh_until => Some(self.generation.load(Ordering::Acquire)),
            _ => None,
        }
    }

    /// Decides between using the current set and fetching, without any I/O.
    ///
    /// # Errors
    /// [`TokenError::KeySetUnavailable`] when there is no usable set and the rate limit forbids
    /// a fetch now.
    pub fn lookup(&self, kid: Option<&str>) -> Result<Lookup, TokenError> {
        let now = self.clock.monotonic();
        let st = self.state();
        let can_attempt = self.can_attempt(&st, now);
        match &st.good {
            Some(g) if !self.too_stale(g, now) => {
                let unknown_kid = kid.is_some_and(|k| !g.set.has_kid(k));
                let due = now >= g.fresh_until || unknown_kid;
                if (due && can_attempt) || (unknown_kid && st.in_flight) {
                    Ok(Lookup::NeedFetch)
                } else {
                    Ok(Lookup::Ready(Arc::clone(&g.set), self.generation.load(Ordering::Acquire)))
                }
            }
            _ if can_attempt || st.in_flight => Ok(Lookup::NeedFetch),
            _ => Err(Self::unavailable(&st)),
        }
    }

    /// Fetches the set (single flight: concurrent callers wait for one fetch and share its
    /// outcome), then returns the best set available.
    ///
    /// # Errors
    /// [`TokenError::KeySetUnavailable`] when no good set exists after the attempt.
    pub async fn refresh(&self) -> Result<(Arc<KeySet>, u64), TokenError> {
        let seen = self.attempts.load(Ordering::Acquire);
        let guard = self.fetch_lock.lock().await;
        let now = self.clock.monotonic();
        let fetch_now = self.attempts.load(Ordering::Acquire) == seen && {
            let mut st = self.state();
            let ok = self.can_attempt(&st, now);
            if ok {
                st.last_attempt = Some(now);
                st.in_flight = true;
            }
            ok
        };
        if fetch_now {
            let in_flight = InFlight(self);
            let outcome = self.fetch().await;
            self.apply(outcome, now);
            drop(in_flight);
            self.attempts.fetch_add(1, Ordering::AcqRel);
        }
        drop(guard);
        let now = self.clock.monotonic();
        let st = self.state();
        match &st.good {
            Some(g) if !self.too_stale(g, now) => {
                Ok((Arc::clone(&g.set), self.generation.load(Ordering::Acquire)))
            }
            _ => Err(Self::unavailable(&st)),
        }
    }

    fn apply(&self, outcome: Result<Fetched, String>, now: Duration) {
        let mut st = self.state();
        st.in_flight = false;
        match outcome {
            Ok(Fetched { set, digest, max_age }) => {
                let mut ttl = self.opts.ttl;
                if let Some(m) = max_age.filter(|_| self.opts.respect_cache_control) {
                    ttl = ttl.min(m).max(self.opts.min_refresh_interval);
                }
                let changed = st.good.as_ref().is_none_or(|g| g.doc_digest != digest);
                if changed && st.good.is_some() {
                    self.generation.fetch_add(1, Ordering::AcqRel);
                }
                tracing::debug!(keys = set.len(), changed, "JWKS fetched");
                st.good = Some(Good { set, fresh_until: now.saturating_add(ttl), doc_digest: digest });
                st.last_error = None;
            }
            Err(reason) => {
                tracing::warn!(
                    host = self.url.host_str().unwrap_or(""),
                    reason = %reason,
                    serving_last_good = st.good.is_some(),
                    "JWKS fetch failed"
                );
                st.last_error = Some(reason);
            }
        }
    }

    async fn fetch(&self) -> Result<Fetched, String> {
        let client = http_client()?;
        let mut resp = client
            .get(self.url.clone())
            .header(http::header::ACCEPT, "application/jwk-set+json, application/json")
            .timeout(self.opts.timeout)
            .send()
            .await
            .map_err(describe)?;
        if !resp.status().is_success() {
            return Err(format!("HTTP status {}", resp.status().as_u16()));
        }
        let max = self.opts.max_document_bytes;
        if resp.content_length().is_some_and(|n| n > max as u64) {
            return Err(format!("document larger than {max} bytes"));
        }
        let max_age = resp
            .headers()
            .get(http::header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .and_then(cache_control_max_age);
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(describe)? {
            if body.len() + chunk.len() > max {
                return Err(format!("document larger than {max} bytes"));
            }
            body.extend_from_slice(&chunk);
        }
        let set = KeySet::new(parse_jwks(&body, &self.rules).map_err(|e| match e {
            TokenError::InvalidKey { reason } => reason,
            other => other.to_string(),
        })?);
        let digest = super::cache::VerifiedCache::digest(&body);
        Ok(Fetched { set, digest, max_age })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cache_control() {
        assert_eq!(cache_control_max_age("public, max-age=600"), Some(Duration::from_secs(600)));
        assert_eq!(cache_control_max_age("Max-Age = \"60\""), Some(Duration::from_secs(60)));
        assert_eq!(cache_control_max_age("no-store"), Some(Duration::ZERO));
        assert_eq!(cache_control_max_age("public"), None);
        assert_eq!(cache_control_max_age("max-age=abc"), None);
    }
}
