//! Token validation: Halext access tokens, OpenWebUI SSO tokens and standard JWTs (RS*/PS*/ES*/
//! EdDSA/HS*) from keys, JWKS documents or a JWKS URL with rotation.
//!
//! ```
//! use halext_core::Secret;
//! use halext_core::token::{Validator, halext_format};
//!
//! let secret = Secret::from("a-long-random-secret-shared-with-the-halext-server");
//! let validator = Validator::halext_access_token(secret.clone())?;
//! # let token = halext_format::sign_access_token(&secret, "alice", 4_000_000_000);
//! let claims = validator.validate(&token)?;
//! assert_eq!(claims.sub(), Some("alice"));
//! # Ok::<(), halext_core::token::TokenError>(())
//! ```
//!
//! Rules (details in `docs/tokens.md`): the validator's allowed algorithms decide, never the
//! token (RFC 8725 §3.1); `alg: none` never passes; unknown `crit` is rejected (RFC 7515
//! §4.1.11); a configured issuer/audience must be present; a token with `aud` is rejected when
//! no audience is configured; `exp` is required unless explicitly allowed; tokens have a size cap;
//! HMAC comparison is constant time; shared secrets under 32 bytes need `allow_short_secret`.
//!
//! | file | what |
//! | --- | --- |
//! | `validator.rs` | [`ValidatorBuilder`], [`Validator`] and the claim rules |
//! | `profiles.rs` | the Halext access-token and OpenWebUI SSO presets |
//! | `options.rs` | [`ValidatorOptions`]: a validator as data (what PHP, C and the CLI build from) |
//! | `fingerprint.rs` | [`ValidatorOptions::fingerprint`]: the registry key, secrets only as SHA-256 |
//! | `registry.rs` | [`ValidatorRegistry`]: one shared validator per distinct options, bounded |
//! | `compact.rs` | compact JWS splitting, base64url, the JOSE header |
//! | `claims.rs` | [`Claims`], NumericDate rules |
//! | `keys.rs` | [`Key`], key selection, signature verification |
//! | `hmac_ctx.rs` | the HMAC fast path: one reusable keyed aws-lc context per key |
//! | `jwks.rs` / `remote.rs` | JWKS documents; JWKS URL cache, refresh, rate limit, single flight |
//! | `cache.rs` | the bounded verified-token cache |
//! | `clock.rs` | [`Clock`], [`SystemClock`], [`FixedClock`] |
//! | `inspect.rs` | [`decode_unverified`] for `halext token inspect` |
//! | `halext_format.rs` | test/demo-only signing in the server's exact format |
//! | `error.rs` | [`TokenError`] |

mod cache;
mod claims;
mod clock;
mod compact;
mod error;
mod fingerprint;
pub mod halext_format;
mod hmac_ctx;
mod inspect;
mod jwks;
mod keys;
mod options;
mod profiles;
mod registry;
mod remote;
mod validator;

pub use cache::{DEFAULT_CACHE_CAPACITY, MAX_CACHE_CAPACITY};
pub use claims::{ClaimKind, Claims, MAX_NUMERIC_DATE, MIN_NUMERIC_DATE};
pub use clock::{Clock, FixedClock, SystemClock};
pub use compact::alg_name;
pub use error::TokenError;
pub use inspect::{INSPECT_MAX_BYTES, UnverifiedToken, decode_unverified};
pub use jsonwebtoken::Algorithm;
pub use jwks::{DEFAULT_MAX_JWKS_BYTES, DEFAULT_MAX_JWKS_KEYS};
pub use keys::{Key, MIN_HMAC_SECRET_BYTES};
pub use options::{OPTION_NAMES, Profile, ValidatorOptions};
pub use registry::{DEFAULT_REGISTRY_CAPACITY, Lookup as RegistryLookup, ValidatorRegistry};
pub use remote::JwksUrlOptions;
pub use validator::{DEFAULT_MAX_TOKEN_BYTES, Validator, ValidatorBuilder};

/// The token in an `Authorization` header value: `Bearer <token>` (RFC 6750 §2.1; the scheme is
/// case-insensitive, RFC 7235 §2.1). `None` for another scheme or an empty token.
pub fn bearer_token(authorization: &str) -> Option<&str> {
    let value = authorization.trim();
    let (scheme, rest) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = rest.trim_start_matches(' ');
    (!token.is_empty() && !token.contains(' ')).then_some(token)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn bearer() {
        assert_eq!(bearer_token("Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token("bearer  abc"), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearer a b"), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }
}
