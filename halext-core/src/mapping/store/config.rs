//! [`StoreConfig`]: how to reach and use the mapping table.

use super::DEFAULT_TABLE;
use crate::Secret;
use std::time::Duration;

/// How to reach and use the mapping table.
#[derive(Clone)]
pub struct StoreConfig {
    /// A mysql_async URL, `mysql://user:pass@host:port/db` (options such as `?socket=…` or
    /// `?prefer_socket=false` are honoured). Held as a secret: it contains a password.
    pub url: Secret,
    /// Table name (`[A-Za-z0-9_]`, at most 64 characters). Default `halext_user_map`.
    pub table: String,
    /// Linked mappings kept in the per-process cache (only linked rows are cached: see
    /// `store/cache.rs`); 0 disables caching. Default 10 000.
    pub cache_capacity: usize,
    /// How long a cached linked mapping is trusted (an unlink by another process becomes
    /// visible after at most this; links are seen at once). Default 30 s.
    pub cache_ttl: Duration,
    /// How long login-time migration waits for another process migrating the same user.
    /// Default 10 s.
    pub lock_timeout: Duration,
}

impl std::fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreConfig")
            .field("url", &"<redacted>")
            .field("table", &self.table)
            .field("cache_capacity", &self.cache_capacity)
            .field("cache_ttl", &self.cache_ttl)
            .field("lock_timeout", &self.lock_timeout)
            .finish()
    }
}

impl StoreConfig {
    /// A configuration with the defaults above for this DSN.
    pub fn new(url: impl Into<Secret>) -> Self {
        StoreConfig {
            url: url.into(),
            table: DEFAULT_TABLE.to_owned(),
            cache_capacity: 10_000,
            cache_ttl: Duration::from_secs(30),
            lock_timeout: Duration::from_secs(10),
        }
    }
}
