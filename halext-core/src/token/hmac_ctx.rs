//! A reusable aws-lc HMAC context per key: the HS256/384/512 fast path.
//!
//! `aws_lc_rs::hmac::verify` clones the key's whole `HMAC_CTX` (inner, outer and working hash
//! states, ≈700 bytes: `HMAC_CTX_init` + `HMAC_CTX_copy_ex`) for every call and cleanses the
//! clone afterwards; on a Halext token that bookkeeping cost about as much as the three SHA-256
//! compressions themselves (perf, `docs/benchmarks.md`). OpenSSL's HMAC API is made for reuse
//! instead: `HMAC_Init_ex(ctx, NULL, 0, NULL, NULL)` restarts a keyed context from its
//! precomputed inner state, and `HMAC_Final` leaves it ready for that (aws-lc
//! `crypto/fipsmodule/hmac/hmac.c`). So each key keeps one keyed context behind a mutex.
//!
//! * Same library, same construction: the MAC is computed by aws-lc (`aws-lc-sys`, the crate
//!   under aws-lc-rs), only the per-call copy goes; the tag comparison stays
//!   `aws_lc_rs::constant_time::verify_slices_are_equal` (constant time).
//! * Never blocks: [`ReusableHmac::verify`] uses `try_lock`, and answers `None` when another
//!   thread holds the context or aws-lc reports an error; the caller then verifies with
//!   `aws_lc_rs::hmac::verify`, as before.
//! * The context holds key-derived state: it is freed with `HMAC_CTX_free`, which cleanses it.

use std::os::raw::c_uint;
use std::ptr;
use std::sync::Mutex;

use aws_lc_sys as sys;
use jsonwebtoken::Algorithm;

/// An owned, keyed `HMAC_CTX` (heap-allocated by aws-lc, so it never moves).
struct Ctx(ptr::NonNull<sys::HMAC_CTX>);

// SAFETY: the context is plain memory owned by this value; its `md`/`methods` pointers refer to
// aws-lc's static method tables. It is only used through `&mut` under the mutex.
unsafe impl Send for Ctx {}

impl Drop for Ctx {
    fn drop(&mut self) {
        // SAFETY: allocated by `HMAC_CTX_new`, freed once; `HMAC_CTX_free` cleanses it first.
        unsafe { sys::HMAC_CTX_free(self.0.as_ptr()) }
    }
}

/// One HMAC key (HS256, HS384 or HS512) with a keyed context kept for reuse.
pub(crate) struct ReusableHmac {
    ctx: Mutex<Ctx>,
}

impl ReusableHmac {
    /// A context keyed with `secret` for `alg` (an HS algorithm); `None` for another algorithm
    /// or if aws-lc fails to allocate or key it (the caller then keeps to the aws-lc-rs path).
    pub fn new(alg: Algorithm, secret: &[u8]) -> Option<Self> {
        // SAFETY: the EVP_sha* functions return pointers to static method tables.
        let md = unsafe {
            match alg {
                Algorithm::HS256 => sys::EVP_sha256(),
                Algorithm::HS384 => sys::EVP_sha384(),
                Algorithm::HS512 => sys::EVP_sha512(),
                _ => return None,
            }
        };
        // SAFETY: a fresh context (NULL on allocation failure), owned by `Ctx` from here on.
        let ctx = Ctx(ptr::NonNull::new(unsafe { sys::HMAC_CTX_new() })?);
        // SAFETY: `ctx` is a valid context; `secret` is read for `secret.len()` bytes.
        let keyed = unsafe {
            sys::HMAC_Init_ex(ctx.0.as_ptr(), secret.as_ptr().cast(), secret.len(), md, ptr::null_mut())
        };
        (keyed == 1).then(|| ReusableHmac { ctx: Mutex::new(ctx) })
    }

    /// Whether `tag` is the HMAC of `data` (compared in constant time); `None` when the context
    /// is in use by another thread or aws-lc reports an error: then verify another way.
    pub fn verify(&self, data: &[u8], tag: &[u8]) -> Option<bool> {
        let guard = self.ctx.try_lock().ok()?;
        let ctx = guard.0.as_ptr();
        let mut out = [0u8; 64]; // EVP_MAX_MD_SIZE
        let mut len: c_uint = 0;
        // SAFETY: `ctx` is a keyed context used by this thread only (the lock); a NULL key with
        // a NULL md restarts it with its key (hmac.c, `HMAC_Init_ex`); `out` has room for any
        // SHA-2 digest; `data` is read for `data.len()` bytes.
        let ok = unsafe {
            sys::HMAC_Init_ex(ctx, ptr::null(), 0, ptr::null(), ptr::null_mut()) == 1
                && sys::HMAC_Update(ctx, data.as_ptr(), data.len()) == 1
                && sys::HMAC_Final(ctx, out.as_mut_ptr(), &mut len) == 1
        };
        drop(guard);
        let computed = out.get(..usize::try_from(len).ok()?).filter(|_| ok)?;
        Some(aws_lc_rs::constant_time::verify_slices_are_equal(computed, tag).is_ok())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use aws_lc_rs::hmac;

    #[test]
    fn agrees_with_aws_lc_rs_for_every_hs_algorithm() {
        let secret = b"0123456789abcdef0123456789abcdef-and-more";
        for (alg, h) in [
            (Algorithm::HS256, hmac::HMAC_SHA256),
            (Algorithm::HS384, hmac::HMAC_SHA384),
            (Algorithm::HS512, hmac::HMAC_SHA512),
        ] {
            let r = ReusableHmac::new(alg, secret).unwrap();
            let key = hmac::Key::new(h, secret);
            for data in [&b""[..], b"a", &[7u8; 200][..]] {
                let tag = hmac::sign(&key, data);
                // Repeated use of one context gives the same answers (it restarts cleanly).
                for _ in 0..3 {
                    assert_eq!(r.verify(data, tag.as_ref()), Some(true), "{alg:?}");
                    let mut bad = tag.as_ref().to_vec();
                    bad[0] ^= 1;
                    assert_eq!(r.verify(data, &bad), Some(false), "{alg:?}");
                    assert_eq!(r.verify(data, &tag.as_ref()[1..]), Some(false), "short tag");
                }
            }
        }
        assert!(ReusableHmac::new(Algorithm::RS256, secret).is_none());
    }

    #[test]
    fn a_busy_context_defers_to_the_caller() {
        let r = ReusableHmac::new(Algorithm::HS256, b"k").unwrap();
        let _held = r.ctx.lock().unwrap();
        assert_eq!(r.verify(b"data", &[0; 32]), None);
    }
}
