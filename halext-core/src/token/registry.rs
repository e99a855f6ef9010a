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
//! * The lock is never held while a validator is built (the map is [`crate::registry::Registry`]).

use super::error::TokenError;
use super::options::ValidatorOptions;
use super::validator::Validator;
pub use crate::registry::Lookup;
use crate::registry::Registry;

/// Default capacity of a [`ValidatorRegistry`]: distinct validator configurations per process.
pub const DEFAULT_REGISTRY_CAPACITY: usize = 32;

/// A bounded map of validators keyed by their options' fingerprint. `Send + Sync`.
pub struct ValidatorRegistry {
    inner: Registry<Validator>,
}

impl std::fmt::Debug for ValidatorRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidatorRegistry")
            .field("capacity", &self.capacity())
            .field("len", &self.len())
            .finish()
    }
}

impl ValidatorRegistry {
    /// An empty registry holding at most `capacity` validators (at least 1).
    pub const fn new(capacity: usize) -> Self {
        ValidatorRegistry { inner: Registry::new(capacity) }
    }

    /// The validator for `options`: the stored one when the same options were built before,
    /// otherwise a new one (built with [`ValidatorOptions::build`], outside the lock) that is
    /// stored, dropping the least recently used entry when full.
    ///
    /// # Errors
    /// Whatever [`ValidatorOptions::build`] returns; nothing is stored then.
    pub fn get_or_build(&self, options: &ValidatorOptions) -> Result<(Validator, Lookup), TokenError> {
        self.inner.get_or_try_build(options.fingerprint(), || options.build())
    }

    /// How many validators are stored.
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// True when no validator is stored.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }

    /// The maximum number of validators stored.
    pub fn capacity(&self) -> usize {
        self.inner.capacity()
    }

    /// Drops every stored validator.
    pub fn clear(&self) {
        self.inner.clear();
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
