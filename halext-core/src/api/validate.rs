//! Remote token validation: ask Halext who a token belongs to (`GET /users/me/`), with a
//! small in-memory cache.
//!
//! Halext has no introspection endpoint (reference §1.3, §7), so `GET /users/me/` is the way
//! to validate a token without its signing secret. The cache:
//!
//! * is keyed by the SHA-256 of the token (the token itself is not kept);
//! * keeps an answer at most `min(max TTL, exp − now)`: never past the token's `exp` (read
//!   without verification; a token without `exp` gets the max TTL), and never longer than the
//!   max TTL (60 s by default) so a deleted account stops working soon;
//! * holds at most `max entries`; when full, expired entries go first, then the one closest to
//!   expiry;
//! * never caches a failure: a rejected or failed validation asks Halext again next time.
//!
//! It lives in the client, so each PHP-FPM worker has its own (it is plain data: a forked
//! child may use what it inherited).

use super::client::HalextClient;
use super::error::ApiError;
use super::token::AccessToken;
use super::users::User;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The answer of [`HalextClient::validate_token`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RemoteValidation {
    /// The token's user, as Halext reported it.
    pub user: User,
    /// True when the answer came from the cache (no request was made).
    pub cached: bool,
}

struct Entry {
    user: User,
    expires: Instant,
}

/// The bounded, time-limited cache.
pub(crate) struct ValidationCache {
    entries: Mutex<HashMap<[u8; 32], Entry>>,
    max_entries: usize,
    max_ttl: Duration,
}

impl ValidationCache {
    pub fn new(max_entries: usize, max_ttl_ms: u64) -> Self {
        ValidationCache {
            entries: Mutex::new(HashMap::new()),
            max_entries,
            max_ttl: Duration::from_millis(max_ttl_ms),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Entry>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn key(token: &AccessToken) -> [u8; 32] {
        Sha256::digest(token.expose().as_bytes()).into()
    }

    /// A live entry, removing it when it has expired.
    pub fn get(&self, key: &[u8; 32], now: Instant) -> Option<User> {
        let mut map = self.lock();
        match map.get(key) {
            Some(e) if e.expires > now => Some(e.user.clone()),
            Some(_) => {
                map.remove(key);
                None
            }
            None => None,
        }
    }

    /// How long an answer for a token with this `exp` (Unix seconds) may be kept, at `now`
    /// (time since the Unix epoch): up to the instant `exp`, at most the max TTL. `None`: not
    /// at all.
    pub fn ttl(&self, exp: Option<i64>, now: Duration) -> Option<Duration> {
        if self.max_entries == 0 || self.max_ttl.is_zero() {
            return None;
        }
        let ttl = match exp {
            None => self.max_ttl,
            Some(exp) => {
                let exp = Duration::from_secs(u64::try_from(exp).ok()?);
                self.max_ttl.min(exp.checked_sub(now)?)
            }
        };
        (!ttl.is_zero()).then_some(ttl)
    }

    pub fn insert(&self, key: [u8; 32], user: User, ttl: Duration, now: Instant) {
        let mut map = self.lock();
        if map.len() >= self.max_entries && !map.contains_key(&key) {
            map.retain(|_, e| e.expires > now);
            if map.len() >= self.max_entries {
                if let Some(oldest) = map.iter().min_by_key(|(_, e)| e.expires).map(|(k, _)| *k) {
                    map.remove(&oldest);
                }
            }
        }
        map.insert(key, Entry { user, expires: now + ttl });
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }
}

fn since_epoch() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default()
}

impl HalextClient {
    /// Validates `token` by asking Halext (`GET /users/me/`), answering from the cache when
    /// a fresh answer is there (see the module documentation for the cache rules).
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`] when Halext rejects the token (expired, bad signature,
    /// deleted user); transport and server errors as they come (none is cached).
    pub async fn validate_token(&self, token: &AccessToken) -> Result<RemoteValidation, ApiError> {
        let cache = &self.inner.cache;
        let key = ValidationCache::key(token);
        if let Some(user) = cache.get(&key, Instant::now()) {
            return Ok(RemoteValidation { user, cached: true });
        }
        let user = self.me(token).await?;
        if let Some(ttl) = cache.ttl(token.expires_at(), since_epoch()) {
            cache.insert(key, user.clone(), ttl, Instant::now());
        }
        Ok(RemoteValidation { user, cached: false })
    }

    /// Number of entries in the remote-validation cache.
    pub fn validation_cache_len(&self) -> usize {
        self.inner.cache.len()
    }

    /// Empties the remote-validation cache (e.g. after a logout on the calling site).
    pub fn clear_validation_cache(&self) {
        self.inner.cache.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str) -> User {
        User {
            id: 1,
            username: name.into(),
            email: format!("{name}@x"),
            full_name: None,
            is_admin: false,
            created_at: None,
        }
    }

    #[test]
    fn ttl_is_bounded_by_exp_and_the_max() {
        let c = ValidationCache::new(10, 60_000);
        let at = |s: u64, ms: u64| Duration::from_secs(s) + Duration::from_millis(ms);
        assert_eq!(c.ttl(None, at(1000, 0)), Some(Duration::from_secs(60)));
        assert_eq!(c.ttl(Some(1010), at(1000, 0)), Some(Duration::from_secs(10)));
        assert_eq!(
            c.ttl(Some(1010), at(1009, 250)),
            Some(Duration::from_millis(750)),
            "up to the instant exp"
        );
        assert_eq!(c.ttl(Some(5000), at(1000, 0)), Some(Duration::from_secs(60)));
        assert_eq!(c.ttl(Some(1000), at(1000, 0)), None);
        assert_eq!(c.ttl(Some(10), at(1000, 0)), None);
        assert_eq!(c.ttl(Some(-5), at(1000, 0)), None);
        assert_eq!(ValidationCache::new(0, 60_000).ttl(None, at(0, 0)), None);
        assert_eq!(ValidationCache::new(10, 0).ttl(None, at(0, 0)), None);
    }

    #[test]
    fn entries_expire_and_the_size_is_bounded() {
        let c = ValidationCache::new(2, 60_000);
        let t0 = Instant::now();
        let (a, b, d) = ([1u8; 32], [2u8; 32], [3u8; 32]);
        c.insert(a, user("a"), Duration::from_secs(10), t0);
        c.insert(b, user("b"), Duration::from_secs(5), t0);
        assert_eq!(c.get(&a, t0).map(|u| u.username), Some("a".into()));
        assert_eq!(c.get(&a, t0 + Duration::from_secs(10)), None, "expired at its deadline");
        c.insert(a, user("a"), Duration::from_secs(10), t0);
        c.insert(d, user("d"), Duration::from_secs(20), t0);
        assert_eq!(c.len(), 2);
        assert!(c.get(&b, t0).is_none(), "the entry closest to expiry was evicted");
        assert!(c.get(&a, t0).is_some() && c.get(&d, t0).is_some());
    }

    #[test]
    fn keys_are_digests_not_tokens() {
        let t = AccessToken::new("abc");
        assert_eq!(
            hex::encode(ValidationCache::key(&t)),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
