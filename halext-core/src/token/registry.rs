//! [`ValidatorRegistry`]: a small, bounded map from [`ValidatorOptions`] to a shared
//! [`Validator`], so callers that re-describe the same validator on every request (a PHP script
//! runs `new Halext\TokenValidator($options)` per request) get the same validator back, with
//! its verified-token cache and JWKS cache warm.
//!
//! * Keyed by [`ValidatorOptions::fingerprint`] (SHA-256 of the normalised options, the secret
//!   entering only as its own SHA-256): the map holds no secret.
//! * Bounded: at most `capacity` validators; the least recently used one is dropped to make
//!   room. A dropped validator stays alive while a caller still holds it.
//! * Failures are not remembered: a bad configuration is rebuilt (and fails) every time.
//! * The lock is never held while a validator is built.

use std::sync::Mutex;

use super::error::TokenError;
use super::options::ValidatorOptions;
use super::validator::Validator;

/// Default capacity of a [`ValidatorRegistry`]: distinct validator configurations per process.
pub const DEFAULT_REGISTRY_CAPACITY: usize = 32;

struct Entry {
    key: [u8; 32],
    validator: Validator,
    last_used: u64,
}

struct Slots {
    entries: Vec<Entry>,
    tick: u64,
}

/// A bounded map of validators keyed by their options' fingerprint. `Send + Sync`.
pub struct ValidatorRegistry {
    capacity: usize,
    slots: Mutex<Slots>,
}

impl std::fmt::Debug for ValidatorRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidatorRegistry")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

/// Where [`ValidatorRegistry::get_or_build`] found its validator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// An existing validator was reused.
    Hit,
    /// A new validator was built (and stored).
    Built,
}

impl ValidatorRegistry {
    /// An empty registry holding at most `capacity` validators (at least 1).
    pub const fn new(capacity: usize) -> Self {
        ValidatorRegistry {
            capacity: if capacity == 0 { 1 } else { capacity },
            slots: Mutex::new(Slots { entries: Vec::new(), tick: 0 }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Slots> {
        self.slots.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The validator for `options`: the stored one when the same options were built before,
    /// otherwise a new one (built with [`ValidatorOptions::build`], outside the lock) that is
    /// stored, dropping the least recently used entry when full.
    ///
    /// # Errors
    /// Whatever [`ValidatorOptions::build`] returns; nothing is stored then.
    pub fn get_or_build(&self, options: &ValidatorOptions) -> Result<(Validator, Lookup), TokenError> {
        let key = options.fingerprint();
        if let Some(v) = self.get(&key) {
            return Ok((v, Lookup::Hit));
        }
        let built = options.build()?;
        let mut slots = self.lock();
        slots.tick += 1;
        let tick = slots.tick;
        // Another thread may have built the same validator meanwhile: keep the first one.
        if let Some(e) = slots.entries.iter_mut().find(|e| e.key == key) {
            e.last_used = tick;
            return Ok((e.validator.clone(), Lookup::Hit));
        }
        let evicted = if slots.entries.len() >= self.capacity {
            let oldest = slots.entries.iter().enumerate().min_by_key(|(_, e)| e.last_used).map(|(i, _)| i);
            oldest.map(|i| slots.entries.swap_remove(i))
        } else {
            None
        };
        slots.entries.push(Entry { key, validator: built.clone(), last_used: tick });
        drop(slots);
        drop(evicted); // outside the lock
        Ok((built, Lookup::Built))
    }

    fn get(&self, key: &[u8; 32]) -> Option<Validator> {
        let mut slots = self.lock();
        slots.tick += 1;
        let tick = slots.tick;
        let e = slots.entries.iter_mut().find(|e| &e.key == key)?;
        e.last_used = tick;
        Some(e.validator.clone())
    }

    /// How many validators are stored.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// True when no validator is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The maximum number of validators stored.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Drops every stored validator.
    pub fn clear(&self) {
        let old = std::mem::take(&mut self.lock().entries);
        drop(old);
    }
}

impl Default for ValidatorRegistry {
    fn default() -> Self {
        ValidatorRegistry::new(DEFAULT_REGISTRY_CAPACITY)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::token::Profile;

    fn opts(leeway: u64) -> ValidatorOptions {
        let mut o = ValidatorOptions::profile(Profile::Halext)
            .with_secret(Secret::from("registry-test-secret-registry-test-secret"))
            .unwrap();
        o.leeway_secs = Some(leeway);
        o
    }

    #[test]
    fn same_options_share_one_validator_with_its_cache() {
        let r = ValidatorRegistry::new(4);
        let (a, la) = r.get_or_build(&opts(0)).unwrap();
        let (b, lb) = r.get_or_build(&opts(0)).unwrap();
        assert_eq!((la, lb), (Lookup::Built, Lookup::Hit));
        let token = crate::token::halext_format::sign_access_token(
            &Secret::from("registry-test-secret-registry-test-secret"),
            "alice",
            4_000_000_000,
        );
        a.validate(&token).unwrap();
        a.validate(&token).unwrap();
        assert_eq!(b.cached_tokens(), 1, "the second handle sees the first one's cache");
        assert_eq!(r.get_or_build(&opts(1)).unwrap().1, Lookup::Built);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn bounded_with_least_recently_used_eviction() {
        let r = ValidatorRegistry::new(2);
        r.get_or_build(&opts(0)).unwrap();
        r.get_or_build(&opts(1)).unwrap();
        r.get_or_build(&opts(0)).unwrap(); // 0 is now the most recent
        r.get_or_build(&opts(2)).unwrap(); // evicts 1
        assert_eq!(r.len(), 2);
        assert_eq!(r.get_or_build(&opts(0)).unwrap().1, Lookup::Hit);
        assert_eq!(r.get_or_build(&opts(1)).unwrap().1, Lookup::Built);
        r.clear();
        assert!(r.is_empty());
        assert_eq!(ValidatorRegistry::new(0).capacity(), 1);
    }

    #[test]
    fn failures_are_not_stored() {
        let r = ValidatorRegistry::default();
        let bad = ValidatorOptions::profile(Profile::Halext);
        assert!(r.get_or_build(&bad).is_err());
        assert!(r.is_empty());
    }
}
