//! A small, bounded cache of tokens that already passed every check.
//!
//! A PHP-FPM worker sees the same user's token on every request for up to 30 minutes; after the
//! first full validation, a hit costs one SHA-256 of the token, a slot lock and the clock checks.
//!
//! * Keyed by SHA-256 of the whole token: finding an entry requires presenting the exact token
//!   bytes (collision resistance); the digests are compared in constant time anyway.
//! * Only fully validated tokens are inserted. Nothing about failures is remembered, so a forged
//!   token can neither occupy nor probe a slot beyond evicting a valid entry by chance.
//! * Admission on the second sighting: the first validation of a token only records a 64-bit
//!   fingerprint of its digest; the claims are stored when the same token validates again. A
//!   stream of distinct tokens (one-off callers) then costs a hash and an atomic swap instead of
//!   keeping claims alive and freeing cold ones; a PHP worker's repeat visitor is cached from the
//!   second request on. A fingerprint collision only admits a token early (never unsafe: a hit
//!   still needs the full digest).
//! * Direct-mapped: `capacity` slots (a power of two), the slot chosen by digest bits; a new
//!   entry replaces the old one in its slot. Memory is bounded by `capacity` entries.
//! * Each entry remembers the key-set generation it was verified with; after a JWKS refresh
//!   that changed the keys, older entries no longer hit.
//! * The caller re-checks `exp`/`nbf`/`iat` against the clock on every hit.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use subtle::ConstantTimeEq;

use super::claims::Claims;

/// Default number of slots.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;
/// Largest number of slots accepted (larger requests are clamped).
pub const MAX_CACHE_CAPACITY: usize = 1 << 20;

/// A SHA-256 digest of a token.
pub(crate) type Digest = [u8; 32];

struct Entry {
    digest: Digest,
    generation: u64,
    claims: Claims,
}

pub(crate) struct VerifiedCache {
    slots: Box<[Mutex<Option<Entry>>]>,
    /// Fingerprints of tokens validated once (admission filter), same indexing as `slots`.
    seen: Box<[AtomicU64]>,
    mask: usize,
}

impl VerifiedCache {
    /// A cache with `capacity` rounded up to a power of two (and clamped); `None` for 0.
    pub fn new(capacity: usize) -> Option<Self> {
        if capacity == 0 {
            return None;
        }
        let n = capacity.min(MAX_CACHE_CAPACITY).next_power_of_two();
        let slots = (0..n).map(|_| Mutex::new(None)).collect::<Vec<_>>().into_boxed_slice();
        let seen = (0..n).map(|_| AtomicU64::new(0)).collect::<Vec<_>>().into_boxed_slice();
        Some(VerifiedCache { slots, seen, mask: n - 1 })
    }

    pub fn digest(token: &[u8]) -> Digest {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        out
    }

    fn word(digest: &Digest, i: usize) -> u64 {
        let mut b = [0u8; 8];
        b.copy_from_slice(&digest[i * 8..i * 8 + 8]);
        u64::from_le_bytes(b)
    }

    fn index(&self, digest: &Digest) -> usize {
        (Self::word(digest, 0) as usize) & self.mask
    }

    fn slot(&self, digest: &Digest) -> &Mutex<Option<Entry>> {
        &self.slots[self.index(digest)]
    }

    /// The cached claims for this digest, if verified under key-set `generation`.
    pub fn get(&self, digest: &Digest, generation: u64) -> Option<Claims> {
        let slot = self.slot(digest).lock().unwrap_or_else(|p| p.into_inner());
        match slot.as_ref() {
            Some(e) if bool::from(e.digest.ct_eq(digest)) && e.generation == generation => {
                Some(e.claims.clone())
            }
            _ => None,
        }
    }

    /// Records a validated token; its claims are stored from its second validation on.
    pub fn insert(&self, digest: Digest, generation: u64, claims: Claims) {
        let fingerprint = Self::word(&digest, 1) | 1; // never 0, the empty value
        if self.seen[self.index(&digest)].swap(fingerprint, Ordering::Relaxed) != fingerprint {
            return;
        }
        let entry = Entry { digest, generation, claims };
        let old = {
            let mut slot = self.slot(&digest).lock().unwrap_or_else(|p| p.into_inner());
            slot.replace(entry)
        };
        drop(old); // outside the lock
    }

    /// Occupied slots (locks every slot: diagnostics only).
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.lock().map(|s| s.is_some()).unwrap_or(false)).count()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::token::claims::parse_claims;

    #[test]
    fn bounded_and_generation_aware() {
        let cache = VerifiedCache::new(3).unwrap();
        assert_eq!(cache.slots.len(), 4);
        assert!(VerifiedCache::new(0).is_none());
        let claims = parse_claims(br#"{"sub":"a"}"#, jsonwebtoken::Algorithm::HS256, None).unwrap();
        for i in 0..100u32 {
            cache.insert(VerifiedCache::digest(&i.to_le_bytes()), 1, claims.clone());
            cache.insert(VerifiedCache::digest(&i.to_le_bytes()), 1, claims.clone());
        }
        assert!(cache.len() <= 4);
        let d = VerifiedCache::digest(b"tok");
        cache.insert(d, 7, claims.clone());
        assert_eq!(cache.get(&d, 7), None, "admitted on the second sighting only");
        cache.insert(d, 7, claims.clone());
        assert_eq!(cache.get(&d, 7), Some(claims));
        assert_eq!(cache.get(&d, 8), None, "other key-set generation");
        assert_eq!(cache.get(&VerifiedCache::digest(b"tok2"), 7), None);
    }
}
