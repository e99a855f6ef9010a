//! [`TokenError`]: every way a token validation (or a validator's construction) can fail.

use crate::error::{Code, HalextError};

/// Why a token or a validator was rejected. One variant per code in the 100–199 range of
/// [`Code`], plus [`TokenError::Config`] and [`TokenError::BlockingInAsyncContext`], which
/// map to the general codes [`Code::Config`] and [`Code::InvalidArgument`].
///
/// `Display` is the human message. It never contains the token, a secret or a key. Strings that
/// come from the token header (a `kid`, a `crit` name, an `alg`) are shortened to 64 characters
/// and printed escaped (`{:?}`), so a hostile header cannot inject lines into a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// Code 100 `token.malformed`: not a compact JWS `header.payload.signature` of base64url
    /// (RFC 7515 §3.1, §7.1), a part is not valid base64url without padding, the header or
    /// payload is not a JSON object, or a JSON member name appears twice (RFC 7515 §4, RFC 7519 §4).
    #[error("malformed token: {reason}")]
    Malformed {
        /// What is wrong, e.g. `"expected 3 dot-separated parts"`.
        reason: &'static str,
    },

    /// Code 101 `token.too_large`: the token is longer than the validator's `max_token_bytes`.
    #[error("token is {size} bytes, larger than the {max}-byte limit")]
    TooLarge {
        /// Size of the presented token in bytes.
        size: usize,
        /// The configured maximum in bytes.
        max: usize,
    },

    /// Code 102 `token.algorithm`: `alg` is missing, `none` (in any case), unknown, not in the
    /// validator's allowed list, or does not fit the selected key (RFC 8725 §3.1, §3.2).
    #[error("algorithm rejected ({}): {reason}", shown(alg.as_deref()))]
    Algorithm {
        /// The `alg` header value as presented (shortened), if there was one.
        alg: Option<String>,
        /// Why it was rejected.
        reason: &'static str,
    },

    /// Code 103 `token.bad_signature`: the signature does not verify with the selected key(s).
    #[error("signature does not verify")]
    BadSignature,

    /// Code 104 `token.expired`: `now >= exp + leeway` (RFC 7519 §4.1.4). Seconds since the epoch.
    #[error("token expired at {exp} (now {now}, leeway {leeway_secs}s)")]
    Expired {
        /// The token's `exp` (seconds since the Unix epoch, rounded down if it was fractional).
        exp: i64,
        /// The validator clock's time (seconds since the Unix epoch).
        now: i64,
        /// The configured leeway in seconds.
        leeway_secs: u64,
    },

    /// Code 105 `token.not_yet_valid`: `now + leeway < nbf` (RFC 7519 §4.1.5), or the same test on
    /// `iat` when the validator rejects future `iat`. Seconds since the epoch.
    #[error("token not valid before {value} ({claim}; now {now}, leeway {leeway_secs}s)")]
    NotYetValid {
        /// `"nbf"` or `"iat"`.
        claim: &'static str,
        /// The claim's value (seconds since the Unix epoch, rounded up if it was fractional).
        value: i64,
        /// The validator clock's time (seconds since the Unix epoch).
        now: i64,
        /// The configured leeway in seconds.
        leeway_secs: u64,
    },

    /// Code 106 `token.wrong_issuer`: `iss` is not one of the configured issuers (RFC 7519 §4.1.1).
    #[error("issuer is not the expected one ({})", expected.join(", "))]
    WrongIssuer {
        /// The configured issuer(s).
        expected: Vec<String>,
    },

    /// Code 107 `token.wrong_audience`: `aud` names none of the configured audiences, or the
    /// token has an `aud` while the validator expects none (RFC 7519 §4.1.3; Halext does the same).
    #[error("{}", if expected.is_empty() {
        "token has an audience but this validator expects none".to_string()
    } else {
        format!("audience does not include {}", expected.join(" or "))
    })]
    WrongAudience {
        /// The configured audience(s); empty when the validator expects no `aud` at all.
        expected: Vec<String>,
    },

    /// Code 108 `token.missing_claim`: a required claim is absent (`exp` by default, `iss`/`aud`
    /// when an issuer/audience is configured, and any claim the profile requires).
    #[error("required claim {claim:?} is missing")]
    MissingClaim {
        /// The claim name.
        claim: String,
    },

    /// Code 109 `token.invalid_claim`: a claim has the wrong JSON type or an out-of-range value
    /// (e.g. a string `exp`, an `exp` beyond year 9999, a non-string `sub`).
    #[error("claim {claim:?} is invalid: {reason}")]
    InvalidClaim {
        /// The claim name.
        claim: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// Code 110 `token.unknown_kid`: the header's `kid` names no key of the key set (for a JWKS
    /// URL: not even after a refresh, or a refresh was not allowed yet by the rate limit).
    #[error("no key with kid {}", shown(Some(kid)))]
    UnknownKeyId {
        /// The `kid` as presented (shortened).
        kid: String,
    },

    /// Code 111 `token.key_set_unavailable`: the JWKS URL could not be fetched or parsed and no
    /// previously good key set is cached.
    #[error("key set unavailable: {reason}")]
    KeySetUnavailable {
        /// Why the last fetch failed (HTTP status, timeout, size limit, parse error).
        reason: String,
    },

    /// Code 112 `token.unsupported_crit`: the header's `crit` lists an extension this validator
    /// does not implement (RFC 7515 §4.1.11), or uses `b64` other than `true` (RFC 7797).
    #[error("unsupported critical header parameter {}", shown(Some(name)))]
    UnsupportedCritical {
        /// The extension name (shortened).
        name: String,
    },

    /// Code 113 `token.invalid_key`: key material is unusable: bad PEM/DER/JWK, an RSA key
    /// outside 2048–8192 bits, a shared secret under 32 bytes without `allow_short_secret`,
    /// a JWKS document with no usable key or over the size/key-count limits.
    #[error("invalid key: {reason}")]
    InvalidKey {
        /// What is wrong (never the key itself).
        reason: String,
    },

    /// [`Code::Config`]: the validator's configuration is incomplete or contradictory (no
    /// algorithms, no keys, a plain-http JWKS URL without `allow_insecure_http`, ...).
    #[error("invalid token validator configuration: {reason}")]
    Config {
        /// What is wrong.
        reason: String,
    },

    /// [`Code::InvalidArgument`]: the blocking `Validator::validate` needed to fetch a JWKS but was
    /// called from inside a tokio runtime, where blocking is not allowed; use `validate_async`.
    #[error("Validator::validate cannot fetch a JWKS inside an async runtime; use validate_async")]
    BlockingInAsyncContext,
}

/// Shortens and escapes an attacker-controlled header string for a message.
fn shown(s: Option<&str>) -> String {
    match s {
        None => "none given".to_string(),
        Some(s) => format!("{:?}", shorten(s)),
    }
}

/// The first 64 characters of `s` (header values are attacker-controlled; keep messages short).
pub(crate) fn shorten(s: &str) -> String {
    const MAX: usize = 64;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

impl HalextError for TokenError {
    fn code(&self) -> Code {
        match self {
            TokenError::Malformed { .. } => Code::TokenMalformed,
            TokenError::TooLarge { .. } => Code::TokenTooLarge,
            TokenError::Algorithm { .. } => Code::TokenAlgorithm,
            TokenError::BadSignature => Code::TokenBadSignature,
            TokenError::Expired { .. } => Code::TokenExpired,
            TokenError::NotYetValid { .. } => Code::TokenNotYetValid,
            TokenError::WrongIssuer { .. } => Code::TokenWrongIssuer,
            TokenError::WrongAudience { .. } => Code::TokenWrongAudience,
            TokenError::MissingClaim { .. } => Code::TokenMissingClaim,
            TokenError::InvalidClaim { .. } => Code::TokenInvalidClaim,
            TokenError::UnknownKeyId { .. } => Code::TokenUnknownKeyId,
            TokenError::KeySetUnavailable { .. } => Code::TokenKeySetUnavailable,
            TokenError::UnsupportedCritical { .. } => Code::TokenUnsupportedCritical,
            TokenError::InvalidKey { .. } => Code::TokenInvalidKey,
            TokenError::Config { .. } => Code::Config,
            TokenError::BlockingInAsyncContext => Code::InvalidArgument,
        }
    }
}

impl TokenError {
    pub(crate) fn malformed(reason: &'static str) -> Self {
        TokenError::Malformed { reason }
    }

    pub(crate) fn algorithm(alg: Option<&str>, reason: &'static str) -> Self {
        TokenError::Algorithm { alg: alg.map(shorten), reason }
    }

    pub(crate) fn invalid_claim(claim: &str, reason: &'static str) -> Self {
        TokenError::InvalidClaim { claim: shorten(claim), reason }
    }

    pub(crate) fn missing(claim: &str) -> Self {
        TokenError::MissingClaim { claim: claim.to_string() }
    }

    pub(crate) fn invalid_key(reason: impl Into<String>) -> Self {
        TokenError::InvalidKey { reason: reason.into() }
    }

    pub(crate) fn config(reason: impl Into<String>) -> Self {
        TokenError::Config { reason: reason.into() }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn header_strings_are_shortened_and_escaped() {
        let e = TokenError::UnknownKeyId { kid: shorten(&format!("{}\nINJECTED", "k".repeat(100))) };
        let msg = e.to_string();
        assert!(!msg.contains('\n'), "{msg}");
        assert!(!msg.contains("INJECTED"), "{msg}");
        let e = TokenError::UnsupportedCritical { name: "a\nb".into() };
        assert!(!e.to_string().contains('\n'));
    }
}
