//! [`ValidatorBuilder`] (every rule stated explicitly) and [`Validator`] (validates tokens).

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::Algorithm;

use super::cache::{DEFAULT_CACHE_CAPACITY, VerifiedCache};
use super::claims::{ClaimKind, Claims, ClaimsData, parse_claims};
use super::clock::{Clock, SystemClock};
use super::compact::{Header, HeaderMemo, Parts, alg_name, b64_decode_into, is_base64url, split};
use super::error::TokenError;
use super::jwks::{DEFAULT_MAX_JWKS_BYTES, DEFAULT_MAX_JWKS_KEYS, JwksRules, parse_jwks};
use super::keys::{AlgSet, Key, KeySet};
use super::remote::{JwksUrlOptions, Lookup, RemoteJwks};

/// Default cap on a token's size in bytes.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8 * 1024;

/// Builds a [`Validator`]. Nothing is implicit: the allowed algorithms and the keys are always
/// given; every other rule has the secure default listed on its method.
///
/// Defaults: `exp` required, leeway 0 s, no issuer (an `iss` is then not checked), no audience
/// (a token with `aud` is then rejected), 8 KiB size cap, 1024-entry verified-token cache,
/// system clock, HMAC secrets of at least 32 bytes.
#[derive(Debug, Clone)]
pub struct ValidatorBuilder {
    algorithms: Vec<Algorithm>,
    keys: Vec<Key>,
    jwks_documents: Vec<Vec<u8>>,
    jwks_url: Option<(String, JwksUrlOptions)>,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway_secs: u64,
    required: Vec<(String, ClaimKind)>,
    require_exp: bool,
    reject_future_iat: bool,
    max_token_bytes: usize,
    cache_capacity: usize,
    clock: Option<Arc<dyn Clock>>,
    allow_short_secret: bool,
}

impl Default for ValidatorBuilder {
    fn default() -> Self {
        ValidatorBuilder {
            algorithms: Vec::new(),
            keys: Vec::new(),
            jwks_documents: Vec::new(),
            jwks_url: None,
            issuers: Vec::new(),
            audiences: Vec::new(),
            leeway_secs: 0,
            required: Vec::new(),
            require_exp: true,
            reject_future_iat: false,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
            clock: None,
            allow_short_secret: false,
        }
    }
}

impl ValidatorBuilder {
    /// An empty builder: give it algorithms and keys.
    pub fn new() -> Self {
        Self::default()
    }

    /// The algorithms a token may use (RFC 8725 §3.1: the verifier decides, not the token).
    /// Replaces any earlier list. Required: `build` fails without one.
    pub fn algorithms(mut self, algs: &[Algorithm]) -> Self {
        self.algorithms = algs.to_vec();
        self
    }

    /// Adds a key (HMAC secret or public key). Repeatable.
    pub fn key(mut self, key: Key) -> Self {
        self.keys.push(key);
        self
    }

    /// Adds the keys of a JWKS document (RFC 7517 §5), parsed at `build` with the same limits and
    /// per-key rules as a fetched set (including `oct` keys, which a JWKS URL never provides).
    pub fn jwks_document(mut self, json: impl Into<Vec<u8>>) -> Self {
        self.jwks_documents.push(json.into());
        self
    }

    /// Takes keys from a JWKS URL (https) fetched on first use, cached and refreshed per
    /// `options`. Cannot be combined with static keys or documents.
    pub fn jwks_url(mut self, url: impl Into<String>, options: JwksUrlOptions) -> Self {
        self.jwks_url = Some((url.into(), options));
        self
    }

    /// Requires `iss` to be present and equal to `issuer` (RFC 7519 §4.1.1). Repeatable: any of
    /// the given issuers is accepted.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuers.push(issuer.into());
        self
    }

    /// Requires `aud` to be present and to contain `audience` (RFC 7519 §4.1.3). Repeatable: one
    /// match is enough. Without any audience, tokens carrying `aud` are rejected.
    pub fn audience(mut self, audience: impl Into<String>) -> Self {
        self.audiences.push(audience.into());
        self
    }

    /// Clock-skew allowance in **seconds** for `exp`, `nbf` and `iat`. Default 0 (Halext uses none).
    pub fn leeway_secs(mut self, secs: u64) -> Self {
        self.leeway_secs = secs;
        self
    }

    /// Requires claim `name` to be present with JSON type `kind` (registered claims are checked
    /// in their typed form: `exp`/`nbf`/`iat` are integers, `aud` an array). Repeatable.
    pub fn require_claim(mut self, name: impl Into<String>, kind: ClaimKind) -> Self {
        self.required.push((name.into(), kind));
        self
    }

    /// Accepts tokens without `exp`, which then never expire. Off by default; the Halext server
    /// accepts them (halext-api.md §1.3), which is why this exists. Unsafe: use only if you must.
    pub fn allow_missing_exp(mut self, allow: bool) -> Self {
        self.require_exp = !allow;
        self
    }

    /// Rejects an `iat` in the future (beyond the leeway) as [`TokenError::NotYetValid`].
    /// Off by default (RFC 7519 §4.1.6 gives `iat` no validation rule; Halext only type-checks it).
    pub fn reject_future_iat(mut self, reject: bool) -> Self {
        self.reject_future_iat = reject;
        self
    }

    /// Largest accepted token in bytes (default 8192), checked before anything else.
    pub fn max_token_bytes(mut self, bytes: usize) -> Self {
        self.max_token_bytes = bytes;
        self
    }

    /// Slots of the verified-token cache (default 1024, rounded up to a power of two; 0 disables).
    pub fn cache_capacity(mut self, slots: usize) -> Self {
        self.cache_capacity = slots;
        self
    }

    /// The time source (default [`SystemClock`]); tests pass an `Arc<FixedClock>`.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Accepts HMAC secrets shorter than 32 bytes (legacy deployments). Off by default; a short
    /// secret can be brute-forced from a single token (RFC 7518 §3.2, RFC 8725 §3.5).
    pub fn allow_short_secret(mut self, allow: bool) -> Self {
        self.allow_short_secret = allow;
        self
    }

    /// Checks the configuration and builds the validator. Does no I/O and creates no runtime or
    /// HTTP client (safe in a PHP module start-up hook, before PHP-FPM forks).
    ///
    /// # Errors
    /// [`TokenError::Config`]: no algorithms, no key source, both static keys and a JWKS URL, a
    /// static key that fits no allowed algorithm, a bad JWKS URL, a zero size cap.
    /// [`TokenError::InvalidKey`]: a short/empty HMAC secret, an unusable JWKS document.
    pub fn build(self) -> Result<Validator, TokenError> {
        if self.algorithms.is_empty() {
            return Err(TokenError::config("no algorithms allowed"));
        }
        if self.max_token_bytes == 0 {
            return Err(TokenError::config("max_token_bytes must be positive"));
        }
        let allowed = AlgSet::of(&self.algorithms);
        let clock: Arc<dyn Clock> = self.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let has_static = !self.keys.is_empty() || !self.jwks_documents.is_empty();
        let rules = |allow_oct| JwksRules {
            max_bytes: DEFAULT_MAX_JWKS_BYTES,
            max_keys: DEFAULT_MAX_JWKS_KEYS,
            allowed,
            allow_oct,
            allow_short_secret: self.allow_short_secret,
        };
        let source = match self.jwks_url {
            Some(_) if has_static => {
                return Err(TokenError::config("use either static keys/documents or a JWKS URL, not both"));
            }
            Some((url, opts)) => {
                let mut r = rules(false);
                r.max_bytes = opts.max_document_bytes;
                r.max_keys = opts.max_keys;
                KeySource::Remote(Box::new(RemoteJwks::new(&url, opts, r, Arc::clone(&clock))?))
            }
            None if !has_static => return Err(TokenError::config("no keys given")),
            None => {
                let mut resolved = Vec::new();
                for (i, key) in self.keys.into_iter().enumerate() {
                    match key.resolve(allowed, self.allow_short_secret)? {
                        Some(k) => resolved.push(k),
                        None => {
                            return Err(TokenError::config(format!(
                                "key #{i} cannot verify any allowed algorithm ({:?})",
                                allowed
                            )));
                        }
                    }
                }
                for doc in &self.jwks_documents {
                    resolved.extend(parse_jwks(doc, &rules(true))?);
                }
                KeySource::Static(KeySet::new(resolved))
            }
        };
        Ok(Validator {
            inner: Arc::new(Inner {
                allowed,
                source,
                issuers: self.issuers,
                audiences: self.audiences,
                leeway: i64::try_from(self.leeway_secs).unwrap_or(i64::MAX),
                leeway_secs: self.leeway_secs,
                required: self.required,
                require_exp: self.require_exp,
                reject_future_iat: self.reject_future_iat,
                max_token_bytes: self.max_token_bytes,
                cache: VerifiedCache::new(self.cache_capacity),
                header_memo: HeaderMemo::default(),
                clock,
            }),
        })
    }
}

enum KeySource {
    Static(Arc<KeySet>),
    Remote(Box<RemoteJwks>),
}

/// Generation of a static key set (it never changes).
const STATIC_GENERATION: u64 = 0;

struct Inner {
    allowed: AlgSet,
    source: KeySource,
    issuers: Vec<String>,
    audiences: Vec<String>,
    leeway: i64,
    leeway_secs: u64,
    required: Vec<(String, ClaimKind)>,
    require_exp: bool,
    reject_future_iat: bool,
    max_token_bytes: usize,
    cache: Option<VerifiedCache>,
    header_memo: HeaderMemo,
    clock: Arc<dyn Clock>,
}

/// Validates tokens. Immutable, cheap to clone (shared), `Send + Sync`; build it once (e.g. at
/// PHP module start-up) and reuse it, so the verified-token cache and the JWKS cache help.
///
/// The steps, in order: size cap → verified-token cache → compact JWS split → header (`alg`
/// allowed and never `none`, no `crit`) → key selection by `kid`/`alg` → signature → claims
/// types → required claims → `exp`/`nbf`/`iat` against the clock → `iss` → `aud`.
#[derive(Clone)]
pub struct Validator {
    inner: Arc<Inner>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &*self.inner;
        let source = match &i.source {
            KeySource::Static(s) => format!("{} static key(s)", s.len()),
            KeySource::Remote(_) => "JWKS URL".to_string(),
        };
        f.debug_struct("Validator")
            .field("algorithms", &i.allowed)
            .field("keys", &source)
            .field("issuers", &i.issuers)
            .field("audiences", &i.audiences)
            .field("leeway_secs", &i.leeway_secs)
            .field("require_exp", &i.require_exp)
            .field("max_token_bytes", &i.max_token_bytes)
            .finish_non_exhaustive()
    }
}

/// A token that passed the checks before key selection.
struct Pending<'a> {
    token: &'a [u8],
    parts: Parts<'a>,
    header: Header,
    /// The cache's quick key, when the cache is on.
    quick: Option<u64>,
}

enum Step<'a> {
    Done(Claims),
    NeedKeys(Pending<'a>),
}

impl Validator {
    /// Starts a [`ValidatorBuilder`].
    pub fn builder() -> ValidatorBuilder {
        ValidatorBuilder::new()
    }

    /// Validates `token` (the compact JWS, without any `Bearer ` prefix) and returns its claims.
    ///
    /// Blocking. With static keys or a JWKS document it never touches a runtime. With a JWKS URL
    /// it fetches, when a fetch is due, on this process's runtime (`crate::runtime::block_on`).
    ///
    /// # Errors
    /// Every [`TokenError`] variant except `Config`/`InvalidKey`; in particular
    /// [`TokenError::BlockingInAsyncContext`] when a fetch is due and this is called inside a
    /// tokio runtime (use [`Validator::validate_async`] there).
    pub fn validate(&self, token: impl AsRef<[u8]>) -> Result<Claims, TokenError> {
        let token = token.as_ref();
        let pending = match self.prepare(token)? {
            Step::Done(c) => return Ok(c),
            Step::NeedKeys(p) => p,
        };
        let (set, generation) = match &self.inner.source {
            KeySource::Static(set) => (Arc::clone(set), STATIC_GENERATION),
            KeySource::Remote(remote) => match remote.lookup(pending.header.kid.as_deref())? {
                Lookup::Ready(set, generation) => (set, generation),
                Lookup::NeedFetch => {
                    if tokio::runtime::Handle::try_current().is_ok() {
                        return Err(TokenError::BlockingInAsyncContext);
                    }
                    crate::runtime::block_on(remote.refresh()).map_err(|e| {
                        TokenError::KeySetUnavailable { reason: format!("cannot start the runtime: {e}") }
                    })??
                }
            },
        };
        self.finish(pending, &set, generation)
    }

    /// Like [`Validator::validate`], for async callers: a due JWKS fetch runs on the caller's
    /// tokio runtime (which needs I/O and time enabled).
    ///
    /// # Errors
    /// As [`Validator::validate`], except `BlockingInAsyncContext`.
    pub async fn validate_async(&self, token: impl AsRef<[u8]>) -> Result<Claims, TokenError> {
        let token = token.as_ref();
        let pending = match self.prepare(token)? {
            Step::Done(c) => return Ok(c),
            Step::NeedKeys(p) => p,
        };
        let (set, generation) = match &self.inner.source {
            KeySource::Static(set) => (Arc::clone(set), STATIC_GENERATION),
            KeySource::Remote(remote) => match remote.lookup(pending.header.kid.as_deref())? {
                Lookup::Ready(set, generation) => (set, generation),
                Lookup::NeedFetch => remote.refresh().await?,
            },
        };
        self.finish(pending, &set, generation)
    }

    /// How many tokens the verified-token cache holds now (diagnostics; locks every slot).
    pub fn cached_tokens(&self) -> usize {
        self.inner.cache.as_ref().map_or(0, VerifiedCache::len)
    }

    /// Size cap, cache, split, header checks.
    fn prepare<'a>(&self, token: &'a [u8]) -> Result<Step<'a>, TokenError> {
        let inner = &*self.inner;
        if token.len() > inner.max_token_bytes {
            return Err(TokenError::TooLarge { size: token.len(), max: inner.max_token_bytes });
        }
        let mut quick = None;
        if let Some(cache) = &inner.cache {
            let generation = match &inner.source {
                KeySource::Static(_) => Some(STATIC_GENERATION),
                KeySource::Remote(r) => r.fresh_generation(),
            };
            let q = VerifiedCache::quick(token);
            if let Some(claims) = generation.and_then(|g| cache.get(token, q, g)) {
                self.check_times(claims.data(), inner.clock.now())?;
                return Ok(Step::Done(claims));
            }
            quick = Some(q);
        }
        let parts = split(token)?;
        let header = inner.header_memo.parse(parts.header)?;
        if !inner.allowed.contains(header.alg) {
            return Err(TokenError::algorithm(Some(alg_name(header.alg)), "not an allowed algorithm"));
        }
        Ok(Step::NeedKeys(Pending { token, parts, header, quick }))
    }

    /// Signature, claims, cache insert.
    fn finish(&self, p: Pending<'_>, set: &KeySet, generation: u64) -> Result<Claims, TokenError> {
        let inner = &*self.inner;
        set.verify(p.header.alg, p.header.kid.as_deref(), &p.parts).map_err(|e| match e {
            // Only on failure (off the hot path): a garbled signature (outside the alphabet, or
            // non-canonical trailing bits) is malformed, not "bad".
            TokenError::BadSignature
                if !is_base64url(p.parts.signature)
                    || super::compact::b64_decode(p.parts.signature, "").is_err() =>
            {
                TokenError::malformed("signature is not base64url")
            }
            e => e,
        })?;
        let mut buf = [0u8; 384];
        let heap;
        let payload: &[u8] = match b64_decode_into(p.parts.payload, &mut buf) {
            Some(n) => &buf[..n],
            None => {
                heap = super::compact::b64_decode(p.parts.payload, "payload is not base64url")?;
                &heap
            }
        };
        let claims = parse_claims(payload, p.header.alg, p.header.kid)?;
        self.check_static(claims.data())?;
        self.check_times(claims.data(), inner.clock.now())?;
        if let (Some(cache), Some(q)) = (&inner.cache, p.quick) {
            cache.insert(p.token, q, generation, &claims);
        }
        Ok(claims)
    }

    /// Rules that do not depend on the time (so a cached token need not repeat them).
    fn check_static(&self, c: &ClaimsData) -> Result<(), TokenError> {
        let inner = &*self.inner;
        if inner.require_exp && c.exp.is_none() {
            return Err(TokenError::missing("exp"));
        }
        for (name, kind) in &inner.required {
            check_required(c, name, *kind)?;
        }
        if !inner.issuers.is_empty() {
            match &c.iss {
                None => return Err(TokenError::missing("iss")),
                Some(iss) if !inner.issuers.contains(iss) => {
                    return Err(TokenError::WrongIssuer { expected: inner.issuers.clone() });
                }
                Some(_) => {}
            }
        }
        match (&c.aud, inner.audiences.is_empty()) {
            (None, true) => {}
            (Some(_), true) => return Err(TokenError::WrongAudience { expected: Vec::new() }),
            (None, false) => return Err(TokenError::missing("aud")),
            (Some(aud), false) => {
                if !aud.iter().any(|a| inner.audiences.contains(a)) {
                    return Err(TokenError::WrongAudience { expected: inner.audiences.clone() });
                }
            }
        }
        Ok(())
    }

    /// `exp` (RFC 7519 §4.1.4: invalid on or after it), `nbf` (§4.1.5: invalid before it) and,
    /// when configured, `iat`, all with the leeway. `now` in seconds since the epoch.
    fn check_times(&self, c: &ClaimsData, now: i64) -> Result<(), TokenError> {
        let inner = &*self.inner;
        let (now_w, leeway) = (i128::from(now), i128::from(inner.leeway));
        if let Some(exp) = c.exp {
            if now_w >= i128::from(exp) + leeway {
                return Err(TokenError::Expired { exp, now, leeway_secs: inner.leeway_secs });
            }
        }
        if let Some(nbf) = c.nbf {
            if now_w + leeway < i128::from(nbf) {
                return Err(TokenError::NotYetValid {
                    claim: "nbf",
                    value: nbf,
                    now,
                    leeway_secs: inner.leeway_secs,
                });
            }
        }
        if inner.reject_future_iat {
            if let Some(iat) = c.iat {
                if now_w + leeway < i128::from(iat) {
                    return Err(TokenError::NotYetValid {
                        claim: "iat",
                        value: iat,
                        now,
                        leeway_secs: inner.leeway_secs,
                    });
                }
            }
        }
        Ok(())
    }
}

fn check_required(c: &ClaimsData, name: &str, kind: ClaimKind) -> Result<(), TokenError> {
    let wrong = || TokenError::invalid_claim(name, kind.describe());
    let (present, ok) = match name {
        "sub" => (c.sub.is_some(), matches!(kind, ClaimKind::Any | ClaimKind::String)),
        "iss" => (c.iss.is_some(), matches!(kind, ClaimKind::Any | ClaimKind::String)),
        "jti" => (c.jti.is_some(), matches!(kind, ClaimKind::Any | ClaimKind::String)),
        "aud" => (c.aud.is_some(), matches!(kind, ClaimKind::Any)),
        "exp" | "nbf" | "iat" => {
            let v = match name {
                "exp" => c.exp,
                "nbf" => c.nbf,
                _ => c.iat,
            };
            (v.is_some(), matches!(kind, ClaimKind::Any | ClaimKind::Integer | ClaimKind::Number))
        }
        _ => match c.extra.get(name) {
            None => (false, true),
            Some(v) => (true, kind.matches(v)),
        },
    };
    if !present {
        return Err(TokenError::missing(name));
    }
    if !ok {
        return Err(wrong());
    }
    Ok(())
}
