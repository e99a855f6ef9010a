//! [`ClientRegistry`]: a small, bounded, per-process map from a [`ClientConfig`] to a shared
//! [`BlockingClient`], so a caller that re-describes the same client on every request (a PHP
//! script runs `new Halext\Client($options)` per request; PHP objects die at request end) gets
//! the same client back, with its keep-alive connection and its remote-validation cache.
//!
//! * Keyed by [`ClientConfig::fingerprint`]: SHA-256 of the normalised configuration, secrets
//!   (access code, proxy URL) entering only as their own SHA-256. The map holds no secret in a
//!   key (the clients themselves hold their configuration, as any client does).
//! * Bounded: at most `capacity` clients; the least recently used one is dropped to make room
//!   (a caller still holding it keeps it alive).
//! * Failures are not remembered: a bad configuration fails every time.
//! * The lock is never held while a client is built.
//! * Fork: entries are plain handles; a client's connections are per process
//!   ([`crate::runtime::PerProcess`]), so an entry inherited by a forked child opens its own.
//!
//! A client keeps the CA file it read when it was built: a changed CA file on disk is picked
//! up by a new process (e.g. a PHP-FPM reload), not by a registry hit.

use super::blocking::BlockingClient;
use super::config::ClientConfig;
use super::error::ApiError;
use sha2::{Digest, Sha256};
use std::sync::Mutex;

/// Default capacity of a [`ClientRegistry`]: distinct client configurations per process.
pub const DEFAULT_CLIENT_REGISTRY_CAPACITY: usize = 16;

impl ClientConfig {
    /// SHA-256 of every setting, normalised (the base URL as parsed, numbers as numbers); the
    /// access code and the proxy URL (which may carry credentials) enter as their own SHA-256.
    /// Two configurations with the same fingerprint make clients that behave the same.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        let mut field = |tag: &str, bytes: &[u8]| {
            h.update(tag.as_bytes());
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        let secret_digest =
            |s: Option<&[u8]>| -> Vec<u8> { s.map(|b| Sha256::digest(b).to_vec()).unwrap_or_default() };
        field("url", self.base_url().as_str().as_bytes());
        field("access_code", &secret_digest(self.access_code().map(crate::Secret::expose)));
        field("timeout_ms", &self.timeout_ms().to_le_bytes());
        field("connect_timeout_ms", &self.connect_timeout_ms().to_le_bytes());
        field("retries", &self.retries().to_le_bytes());
        field("retry_base_ms", &self.retry_base_ms().to_le_bytes());
        field("retry_max_ms", &self.retry_max_ms().to_le_bytes());
        field("pool_idle_ms", &self.pool_idle_ms().to_le_bytes());
        field("user_agent", self.user_agent().as_bytes());
        field("proxy", &secret_digest(self.proxy().map(str::as_bytes)));
        field("ca_file", self.ca_file().map(|p| p.as_os_str().as_encoded_bytes()).unwrap_or_default());
        field("max_upload_bytes", &self.max_upload_bytes().to_le_bytes());
        field("validation_cache_ttl_ms", &self.validation_cache_ttl_ms().to_le_bytes());
        field("validation_cache_size", &(self.validation_cache_size() as u64).to_le_bytes());
        field("direct_http", &[u8::from(self.direct_http())]);
        h.finalize().into()
    }
}

/// Where [`ClientRegistry::get_or_build`] found its client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientLookup {
    /// An existing client was reused (its connection and caches come with it).
    Hit,
    /// A new client was built (and stored).
    Built,
}

struct Entry {
    key: [u8; 32],
    client: BlockingClient,
    last_used: u64,
}

struct Slots {
    entries: Vec<Entry>,
    tick: u64,
}

/// A bounded map of blocking clients keyed by their configuration's fingerprint.
/// `Send + Sync`; usually one per process in a `static`.
pub struct ClientRegistry {
    capacity: usize,
    slots: Mutex<Slots>,
}

impl std::fmt::Debug for ClientRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRegistry").field("capacity", &self.capacity).field("len", &self.len()).finish()
    }
}

impl Default for ClientRegistry {
    fn default() -> Self {
        ClientRegistry::new(DEFAULT_CLIENT_REGISTRY_CAPACITY)
    }
}

impl ClientRegistry {
    /// An empty registry holding at most `capacity` clients (at least 1). `const`, so it can
    /// live in a `static`.
    pub const fn new(capacity: usize) -> Self {
        ClientRegistry {
            capacity: if capacity == 0 { 1 } else { capacity },
            slots: Mutex::new(Slots { entries: Vec::new(), tick: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The client for `config`: the stored one when a configuration with the same
    /// [fingerprint](ClientConfig::fingerprint) was built before, otherwise a new one (built
    /// outside the lock with [`BlockingClient::new`]) that is stored, dropping the least
    /// recently used entry when full.
    ///
    /// # Errors
    /// As [`BlockingClient::new`] ([`ApiError::Config`] for an unreadable CA file, a bad proxy
    /// URL or access code); nothing is stored then.
    pub fn get_or_build(&self, config: ClientConfig) -> Result<(BlockingClient, ClientLookup), ApiError> {
        let key = config.fingerprint();
        {
            let mut slots = self.lock();
            slots.tick += 1;
            let tick = slots.tick;
            if let Some(e) = slots.entries.iter_mut().find(|e| e.key == key) {
                e.last_used = tick;
                return Ok((e.client.clone(), ClientLookup::Hit));
            }
        }
        let built = BlockingClient::new(config)?;
        let mut slots = self.lock();
        slots.tick += 1;
        let tick = slots.tick;
        // Another thread may have built the same client meanwhile: keep the first one.
        if let Some(e) = slots.entries.iter_mut().find(|e| e.key == key) {
            e.last_used = tick;
            return Ok((e.client.clone(), ClientLookup::Hit));
        }
        let evicted = if slots.entries.len() >= self.capacity {
            let oldest = slots.entries.iter().enumerate().min_by_key(|(_, e)| e.last_used).map(|(i, _)| i);
            oldest.map(|i| slots.entries.swap_remove(i))
        } else {
            None
        };
        slots.entries.push(Entry { key, client: built.clone(), last_used: tick });
        drop(slots);
        drop(evicted); // outside the lock
        Ok((built, ClientLookup::Built))
    }

    /// How many clients are stored.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// True when no client is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The maximum number of clients stored.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Drops every stored client (their connections close once no caller holds them).
    pub fn clear(&self) {
        let old = std::mem::take(&mut self.lock().entries);
        drop(old);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;

    fn config(url: &str) -> ClientConfig {
        ClientConfig::new(url).expect("config")
    }

    #[test]
    fn fingerprints_follow_every_setting_and_hide_secrets() {
        let base = config("http://127.0.0.1:8000");
        assert_eq!(base.fingerprint(), config("http://127.0.0.1:8000/").fingerprint(), "normalised URL");
        let variants = [
            config("http://127.0.0.1:8001"),
            base.clone().with_timeout_ms(1),
            base.clone().with_connect_timeout_ms(1),
            base.clone().with_retries(0),
            base.clone().with_retry_delays_ms(1, 2),
            base.clone().with_pool_idle_ms(1),
            base.clone().with_user_agent("x"),
            base.clone().with_proxy("http://proxy:3128"),
            base.clone().with_ca_file("/etc/ssl/x.pem"),
            base.clone().with_max_upload_bytes(1),
            base.clone().with_validation_cache(1, 1),
            base.clone().with_direct_http(false),
            base.clone().with_access_code(Secret::from("code-a")),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(v.fingerprint(), base.fingerprint(), "variant {i}");
        }
        let a = base.clone().with_access_code(Secret::from("code-a")).fingerprint();
        let b = base.clone().with_access_code(Secret::from("code-b")).fingerprint();
        assert_ne!(a, b);
        assert!(!hex::encode(a).contains(&hex::encode("code-a")));
    }

    #[test]
    fn same_config_same_client_bounded_lru() {
        let r = ClientRegistry::new(2);
        let (a, l1) = r.get_or_build(config("http://127.0.0.1:1")).expect("a");
        let (a2, l2) = r.get_or_build(config("http://127.0.0.1:1/")).expect("a again");
        assert_eq!((l1, l2), (ClientLookup::Built, ClientLookup::Hit));
        assert_eq!(a.config().fingerprint(), a2.config().fingerprint());
        r.get_or_build(config("http://127.0.0.1:2")).expect("b");
        r.get_or_build(config("http://127.0.0.1:1")).expect("touch a");
        r.get_or_build(config("http://127.0.0.1:3")).expect("c evicts b");
        assert_eq!(r.len(), 2);
        assert_eq!(r.get_or_build(config("http://127.0.0.1:1")).expect("a").1, ClientLookup::Hit);
        assert_eq!(r.get_or_build(config("http://127.0.0.1:2")).expect("b").1, ClientLookup::Built);
        r.clear();
        assert!(r.is_empty());
    }

    #[test]
    fn failures_are_not_stored() {
        let r = ClientRegistry::default();
        let bad = config("https://x").with_ca_file("/nonexistent/ca.pem");
        assert!(matches!(r.get_or_build(bad), Err(ApiError::Config { .. })));
        assert!(r.is_empty());
    }
}
