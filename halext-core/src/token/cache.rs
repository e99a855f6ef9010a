//! A small, bounded cache of tokens that already passed every check.
//!
//! A PHP-FPM worker sees the same user's token on every request for up to 30 minutes; after the
//! first full validation, a hit costs one SHA-256 of the token, a slot lock and the clock checks.
//!
//! * Keyed by SHA-256 of the whole token: a hit requires presenting the exact token bytes
//!   (collision resistance); the digests are compared in constant time.
//! * A free pre-filter in front of the SHA-256: slots are chosen, and entries first matched, by a
//!   64-bit "quick key" mixed from the token's last 16 bytes (the tail of its signature, which is
//!   pseudo-random for any real token). A lookup computes the SHA-256 only when the quick key of
//!   the slot's entry matches, so a token that is not cached (a one-off caller) pays no hash at
//!   all. The quick key is never trusted: an attacker who matches it only makes halext compute
//!   the SHA-256 comparison that then fails.
//! * Only fully validated tokens are inserted. Nothing about failures is remembered, so a forged
//!   token can neither occupy nor probe a slot beyond evicting a valid entry by chance.
//! * Admission on the second sighting: the first validation of a token only records its quick
//!   key; the claims (and the SHA-256) are stored when the same token validates again. A stream
//!   of distinct tokens then costs an atomic swap instead of a hash and keeping claims alive; a
//!   PHP worker's repeat visitor is cached from the second request on. A quick-key collision
//!   only admits a token early (never unsafe: a hit still needs the full digest).
//! * A lookup first reads the admission value of the token's slot: when it is another token's
//!   quick key, the slot cannot hold this token and is not locked at all.
//! * Direct-mapped: `capacity` slots (a power of two), the slot chosen by quick-key bits; a new
//!   entry replaces the old one in its slot. Memory is bounded by `capacity` entries.
//! * Each entry remembers the key-set generation it was verified with; after a JWKS refresh
//!   that changed the keys, older entries no longer hit.
//! * The caller re-checks `exp`/`nbf`/`iat` against the clock on every hit.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use super::claims::Claims;

/// Default number of slots.
pub const DEFAULT_CACHE_CAPACITY: usize = 1024;
/// Largest number of slots accepted (larger requests are clamped).
pub const MAX_CACHE_CAPACITY: usize = 1 << 20;

/// A SHA-256 digest of a token.
pub(crate) type Digest = [u8; 32];

struct Entry {
    quick: u64,
    digest: Digest,
    generation: u64,
    claims: Claims,
}

pub(crate) struct VerifiedCache {
    slots: Box<[Mutex<Option<Entry>>]>,
    /// Quick keys of tokens validated once (admission filter), same indexing as `slots`.
    seen: Box<[AtomicU64]>,
    mask: usize,
}

/// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^ (h >> 33)
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

    /// SHA-256 of `bytes` (also used for JWKS documents).
    pub fn digest(bytes: &[u8]) -> Digest {
        let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
        let mut out = [0u8; 32];
        out.copy_from_slice(d.as_ref());
        out
    }

    /// The quick key of a token: its length and last 16 bytes, mixed (never 0, the empty
    /// admission value). Not a security boundary (see the module docs).
    pub fn quick(token: &[u8]) -> u64 {
        let n = token.len();
        let mut tail = [0u8; 16];
        let k = n.min(16);
        tail[16 - k..].copy_from_slice(&token[n - k..]);
        let mut a = [0u8; 8];
        let mut b = [0u8; 8];
        a.copy_from_slice(&tail[..8]);
        b.copy_from_slice(&tail[8..]);
        let a = u64::from_le_bytes(a);
        let b = u64::from_le_bytes(b) ^ (n as u64);
        fmix64(a ^ fmix64(b)) | 1
    }

    fn index(&self, quick: u64) -> usize {
        ((quick >> 32) as usize) & self.mask
    }

    fn slot(&self, quick: u64) -> &Mutex<Option<Entry>> {
        &self.slots[self.index(quick)]
    }

    /// The cached claims of `token` (whose quick key is `quick`), if it was verified under
    /// key-set `generation`. Computes the token's SHA-256 only when the quick key matches.
    pub fn get(&self, token: &[u8], quick: u64, generation: u64) -> Option<Claims> {
        // An entry is only stored while `seen` holds its quick key, so a different `seen` value
        // means a miss without touching (and locking) the slot: what a stream of new tokens
        // pays is one load from the small `seen` array. (If another token took `seen` since,
        // the entry is skipped until this token re-validates twice: a miss, never a false hit.)
        if self.seen[self.index(quick)].load(Ordering::Relaxed) != quick {
            return None;
        }
        let (digest, claims) = {
            let slot = self.slot(quick).lock().unwrap_or_else(|p| p.into_inner());
            match slot.as_ref() {
                Some(e) if e.quick == quick && e.generation == generation => (e.digest, e.claims.clone()),
                _ => return None,
            }
        };
        let presented = Self::digest(token);
        aws_lc_rs::constant_time::verify_slices_are_equal(&presented, &digest).ok().map(|()| claims)
    }

    /// Records a validated token; its claims are stored (cloned: a reference count) from its
    /// second validation on.
    pub fn insert(&self, token: &[u8], quick: u64, generation: u64, claims: &Claims) {
        if self.seen[self.index(quick)].swap(quick, Ordering::Relaxed) != quick {
            return;
        }
        let entry = Entry { quick, digest: Self::digest(token), generation, claims: claims.clone() };
        let old = {
            let mut slot = self.slot(quick).lock().unwrap_or_else(|p| p.into_inner());
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

    fn q(t: &[u8]) -> u64 {
        VerifiedCache::quick(t)
    }

    #[test]
    fn bounded_and_generation_aware() {
        let cache = VerifiedCache::new(3).unwrap();
        assert_eq!(cache.slots.len(), 4);
        assert!(VerifiedCache::new(0).is_none());
        let claims = parse_claims(br#"{"sub":"a"}"#, jsonwebtoken::Algorithm::HS256, None).unwrap();
        for i in 0..100u32 {
            let t = format!("token-{i}");
            cache.insert(t.as_bytes(), q(t.as_bytes()), 1, &claims);
            cache.insert(t.as_bytes(), q(t.as_bytes()), 1, &claims);
        }
        assert!(cache.len() <= 4);
        let t = b"header.payload.signature-tok";
        cache.insert(t, q(t), 7, &claims);
        assert_eq!(cache.get(t, q(t), 7), None, "admitted on the second sighting only");
        cache.insert(t, q(t), 7, &claims);
        assert_eq!(cache.get(t, q(t), 7), Some(claims));
        assert_eq!(cache.get(t, q(t), 8), None, "other key-set generation");
        assert_eq!(cache.get(b"header.payload.signature-tk2", q(b"header.payload.signature-tk2"), 7), None);
    }

    #[test]
    fn a_matching_quick_key_is_not_enough_for_a_hit() {
        let cache = VerifiedCache::new(8).unwrap();
        let claims = parse_claims(br#"{"sub":"a"}"#, jsonwebtoken::Algorithm::HS256, None).unwrap();
        let genuine = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.SAME-TAIL-0123456789";
        let forged = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiIn0.SAME-TAIL-0123456789";
        assert_eq!(q(genuine), q(forged), "same length and last 16 bytes: same quick key");
        cache.insert(genuine, q(genuine), 1, &claims);
        cache.insert(genuine, q(genuine), 1, &claims);
        assert_eq!(cache.get(genuine, q(genuine), 1), Some(claims));
        assert_eq!(cache.get(forged, q(forged), 1), None, "the SHA-256 decides");
    }

    #[test]
    fn a_slot_taken_over_in_the_admission_filter_is_skipped_then_readmitted() {
        let cache = VerifiedCache::new(4).unwrap();
        let claims = parse_claims(br#"{"sub":"a"}"#, jsonwebtoken::Algorithm::HS256, None).unwrap();
        let a = b"token-a".to_vec();
        let b = (0..1000u32)
            .map(|i| format!("token-b{i}").into_bytes())
            .find(|b| cache.index(q(b)) == cache.index(q(&a)) && q(b) != q(&a))
            .unwrap();
        cache.insert(&a, q(&a), 1, &claims);
        cache.insert(&a, q(&a), 1, &claims);
        assert_eq!(cache.get(&a, q(&a), 1), Some(claims.clone()));
        cache.insert(&b, q(&b), 1, &claims); // b's first sighting takes the admission value
        assert_eq!(cache.get(&a, q(&a), 1), None, "skipped without locking the slot");
        assert_eq!(cache.get(&b, q(&b), 1), None, "b is not stored yet");
        cache.insert(&a, q(&a), 1, &claims);
        assert_eq!(cache.get(&a, q(&a), 1), Some(claims), "a's entry is reachable again");
    }

    #[test]
    fn quick_keys_spread_and_handle_short_input() {
        assert_ne!(q(b""), 0);
        assert_ne!(q(b"a"), q(b"b"));
        assert_ne!(q(b"ab"), q(b"\0ab"), "the length is mixed in");
        let cache = VerifiedCache::new(64).unwrap();
        let mut used = std::collections::HashSet::new();
        for i in 0..256u32 {
            used.insert(cache.index(q(format!("sig-{i:08}").as_bytes())));
        }
        assert!(used.len() > 48, "only {} of 64 slots used", used.len());
    }
}
