//! [`Registry`]: the bounded, least-recently-used map behind the per-process registries of
//! the bindings ([`crate::token::ValidatorRegistry`], [`crate::api::ClientRegistry`]): a PHP
//! script re-describes its validator or client on every request, and gets the same object back
//! (with its caches and connections) when the description's fingerprint is the same.
//!
//! * Keyed by a 32-byte fingerprint (SHA-256 of a normalised configuration, secrets entering
//!   only as their own SHA-256): the map holds no secret in a key.
//! * Bounded: at most `capacity` values; the least recently used one is dropped to make room
//!   (a caller still holding a clone keeps it alive). Eviction is `lru::LruCache`'s.
//! * Failures are not remembered: a failing build fails again next time.
//! * The lock is never held while a value is built, nor while an evicted value is dropped.
//!   Two threads building the same key at once both build; the first stored value wins and
//!   both callers get it.

use std::num::NonZeroUsize;
use std::sync::{Mutex, MutexGuard, PoisonError};

use lru::LruCache;

/// A fingerprint: what a registry is keyed by.
pub type Fingerprint = [u8; 32];

/// Where [`Registry::get_or_try_build`] found its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// An existing value was reused (its caches and connections come with it).
    Hit,
    /// A new value was built and stored.
    Built,
}

/// A bounded LRU map from [`Fingerprint`] to a cheaply cloned handle `V`. `Send + Sync` when
/// `V: Send`; `const`-constructible, so it can live in a `static`.
pub struct Registry<V> {
    capacity: NonZeroUsize,
    /// Created at the first insert (`LruCache::new` is not `const`).
    map: Mutex<Option<LruCache<Fingerprint, V>>>,
}

impl<V: Clone> Registry<V> {
    /// An empty registry holding at most `capacity` values (0 counts as 1).
    pub const fn new(capacity: usize) -> Self {
        let capacity = match NonZeroUsize::new(capacity) {
            Some(n) => n,
            None => NonZeroUsize::MIN,
        };
        Registry { capacity, map: Mutex::new(None) }
    }

    fn lock(&self) -> MutexGuard<'_, Option<LruCache<Fingerprint, V>>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The value stored under `key` (marked most recently used), or the one `build` makes,
    /// stored then (dropping the least recently used value when full).
    ///
    /// # Errors
    /// Whatever `build` returns; nothing is stored then.
    pub fn get_or_try_build<E>(
        &self,
        key: Fingerprint,
        build: impl FnOnce() -> Result<V, E>,
    ) -> Result<(V, Lookup), E> {
        if let Some(v) = self.lock().as_mut().and_then(|m| m.get(&key).cloned()) {
            return Ok((v, Lookup::Hit));
        }
        let built = build()?;
        let mut guard = self.lock();
        let map = guard.get_or_insert_with(|| LruCache::new(self.capacity));
        // Another thread may have stored the same key meanwhile: keep the first one.
        if let Some(v) = map.get(&key) {
            return Ok((v.clone(), Lookup::Hit));
        }
        let evicted = map.push(key, built.clone());
        drop(guard);
        drop(evicted); // outside the lock
        Ok((built, Lookup::Built))
    }

    /// How many values are stored.
    pub fn len(&self) -> usize {
        self.lock().as_ref().map_or(0, LruCache::len)
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The maximum number of values stored.
    pub fn capacity(&self) -> usize {
        self.capacity.get()
    }

    /// Drops every stored value (outside the lock).
    pub fn clear(&self) {
        let old = self.lock().take();
        drop(old);
    }
}

impl<V> std::fmt::Debug for Registry<V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let len = self.map.lock().unwrap_or_else(PoisonError::into_inner).as_ref().map_or(0, LruCache::len);
        f.debug_struct("Registry").field("capacity", &self.capacity).field("len", &len).finish()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn key(n: u8) -> Fingerprint {
        [n; 32]
    }

    #[test]
    fn builds_once_then_hits() {
        let r: Registry<u32> = Registry::new(4);
        let mut builds = 0;
        let (v, l) = r
            .get_or_try_build(key(1), || -> Result<u32, ()> {
                builds += 1;
                Ok(7)
            })
            .unwrap();
        assert_eq!((v, l), (7, Lookup::Built));
        let (v, l) = r
            .get_or_try_build(key(1), || -> Result<u32, ()> {
                builds += 1;
                Ok(8)
            })
            .unwrap();
        assert_eq!((v, l, builds), (7, Lookup::Hit, 1));
    }

    #[test]
    fn evicts_the_least_recently_used() {
        let r: Registry<u32> = Registry::new(2);
        let ok = |n: u32| move || -> Result<u32, ()> { Ok(n) };
        r.get_or_try_build(key(1), ok(1)).unwrap();
        r.get_or_try_build(key(2), ok(2)).unwrap();
        r.get_or_try_build(key(1), ok(0)).unwrap(); // 1 is now the most recent
        r.get_or_try_build(key(3), ok(3)).unwrap(); // evicts 2
        assert_eq!(r.len(), 2);
        assert_eq!(r.get_or_try_build(key(1), ok(0)).unwrap(), (1, Lookup::Hit));
        assert_eq!(r.get_or_try_build(key(2), ok(22)).unwrap(), (22, Lookup::Built));
    }

    #[test]
    fn failures_are_not_stored_and_zero_capacity_is_one() {
        let r: Registry<u32> = Registry::new(0);
        assert_eq!(r.capacity(), 1);
        assert_eq!(r.get_or_try_build(key(1), || Err::<u32, &str>("bad")), Err("bad"));
        assert!(r.is_empty());
        r.get_or_try_build(key(1), || Ok::<u32, ()>(1)).unwrap();
        r.clear();
        assert!(r.is_empty());
    }
}
