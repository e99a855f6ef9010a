//! The one table of stable error codes shared by every capability and every binding.
//!
//! Each capability has its own error type ([`crate::token::TokenError`],
//! [`crate::api::ApiError`], [`crate::legacy::LegacyError`],
//! [`crate::mapping::MigrationError`]); each of their variants maps to exactly one [`Code`].
//! A code has two stable spellings:
//!
//! * a number (`u32`), used as the C status (`halext_status` in `include/halext.h`) and as
//!   PHP's `Exception::getCode()`;
//! * a dotted string such as `"token.expired"`, used in JSON output, logs and PHP's
//!   `getReason()`.
//!
//! Numbers are grouped by capability (0–99 general, 100–199 token, 200–299 API,
//! 300–399 legacy sources and hashes, 400–499 mapping and migration). Codes are only ever
//! added, never renumbered or reused.

use std::fmt;

/// A stable machine-readable error code: numbers grouped by capability (0–99 general,
/// 100–199 token, 200–299 API, 300–399 legacy, 400–499 mapping and migration), only ever added,
/// never renumbered or reused.
///
/// `#[repr(C)]` so that cbindgen exports it unchanged as the C status enum (`halext_status`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    // ---- general (0-99) ----
    /// Success. Only used by the C ABI as a return status.
    Ok = 0,
    /// A bug inside halext (including a caught panic). Please report it.
    Internal = 1,
    /// An argument was invalid (null pointer, bad UTF-8, unknown option, out-of-range value).
    InvalidArgument = 2,
    /// The configuration is invalid or incomplete (missing secret, bad URL, unreadable file).
    Config = 3,
    /// A local I/O operation failed (reading a key file, writing an export).
    Io = 4,

    // ---- token validation (100-199) ----
    /// The token is not a well-formed compact JWS (RFC 7515 §7.1) or its JSON is invalid.
    TokenMalformed = 100,
    /// The token is larger than the validator's configured maximum size.
    TokenTooLarge = 101,
    /// The token's `alg` is `none`, unsupported, not allowed by the validator, or does not
    /// match the algorithm of the selected key (RFC 8725 §3.1).
    TokenAlgorithm = 102,
    /// The signature does not verify with the selected key.
    TokenBadSignature = 103,
    /// `exp` is in the past (beyond the leeway). RFC 7519 §4.1.4.
    TokenExpired = 104,
    /// `nbf` (or `iat`, when configured) is in the future (beyond the leeway). RFC 7519 §4.1.5.
    TokenNotYetValid = 105,
    /// `iss` does not match the configured issuer. RFC 7519 §4.1.1.
    TokenWrongIssuer = 106,
    /// `aud` does not contain the configured audience (or is present when none is expected).
    /// RFC 7519 §4.1.3.
    TokenWrongAudience = 107,
    /// A required claim is absent.
    TokenMissingClaim = 108,
    /// A claim has the wrong type or an out-of-range value (e.g. a string `exp`).
    TokenInvalidClaim = 109,
    /// The token's `kid` names no key in the key set (after a refresh, for a JWKS URL).
    TokenUnknownKeyId = 110,
    /// The JWKS could not be fetched or parsed and no previously good key set is cached.
    TokenKeySetUnavailable = 111,
    /// The header lists a `crit` extension the validator does not understand (RFC 7515 §4.1.11).
    TokenUnsupportedCritical = 112,
    /// The key material is unusable (bad PEM/DER, a shared secret that is too short, ...).
    TokenInvalidKey = 113,

    // ---- Halext API client (200-299) ----
    /// HTTP 401: no, invalid or expired token; bad login; missing access code.
    ApiUnauthorized = 200,
    /// HTTP 403: admin-only route or not the owner.
    ApiForbidden = 201,
    /// HTTP 404: missing object or unknown route.
    ApiNotFound = 202,
    /// HTTP 400 business-rule rejection, such as "Email already registered".
    ApiConflict = 203,
    /// HTTP 422: request validation failed; carries field errors.
    ApiValidation = 204,
    /// HTTP 429: rate limited; carries `Retry-After` when the server sent it.
    ApiRateLimited = 205,
    /// HTTP 5xx (or another unexpected status); carries the status and a body excerpt.
    ApiServer = 206,
    /// The request did not complete within the configured timeout.
    ApiTimeout = 207,
    /// The connection could not be established (refused, DNS, TLS handshake).
    ApiConnect = 208,
    /// The response body could not be decoded into the expected shape.
    ApiDecode = 209,
    /// The connection broke after it was established (reset, truncated body).
    ApiTransport = 210,
    /// The request was refused before sending (e.g. an upload over the size limit).
    ApiRequest = 211,

    // ---- legacy sources and password hashes (300-399) ----
    /// A legacy database could not be reached or a query failed.
    LegacyDatabase = 300,
    /// A legacy table does not match its site profile (missing column, wrong type).
    LegacySchema = 301,
    /// A legacy row could not be decoded (charset, date, type).
    LegacyDecode = 302,
    /// A stored password hash has a format no supported scheme recognises.
    LegacyUnknownHashFormat = 303,
    /// A stored password hash is recognised but unusable (truncated bcrypt, empty-password
    /// sentinel, md5 scheme without its salts configured).
    LegacyUnusableHash = 304,

    // ---- mapping store and migration (400-499) ----
    /// Unknown user or wrong password: deliberately the same code for both.
    MigrationInvalidCredentials = 400,
    /// The legacy account may not log in (banned, closed, deleted, spam).
    MigrationAccountBlocked = 401,
    /// Halext could not be reached and the policy does not allow a legacy-only login.
    MigrationHalextUnavailable = 402,
    /// The mapping for this user is in conflict and needs an operator decision.
    MigrationConflict = 403,
    /// Halext already has an account with this username.
    MigrationDuplicateUsername = 404,
    /// Halext already has an account with this email.
    MigrationDuplicateEmail = 405,
    /// The mapping store (the `halext_user_map` table) failed.
    MappingStore = 406,
    /// No mapping exists for the requested user.
    MappingNotFound = 407,
    /// A long-running job was interrupted (Ctrl-C); it can be resumed.
    MigrationInterrupted = 408,
}

/// The capability a [`Code`] belongs to; bindings use it to pick an exception class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Codes 0–99.
    General,
    /// Codes 100–199 ([`crate::token`]).
    Token,
    /// Codes 200–299 ([`crate::api`]).
    Api,
    /// Codes 300–399 ([`crate::legacy`]).
    Legacy,
    /// Codes 400–499 ([`crate::mapping`]).
    Migration,
}

impl Code {
    /// Every code, in numeric order. Used by the bindings to export constants and by tests.
    pub const ALL: &'static [Code] = &[
        Code::Ok,
        Code::Internal,
        Code::InvalidArgument,
        Code::Config,
        Code::Io,
        Code::TokenMalformed,
        Code::TokenTooLarge,
        Code::TokenAlgorithm,
        Code::TokenBadSignature,
        Code::TokenExpired,
        Code::TokenNotYetValid,
        Code::TokenWrongIssuer,
        Code::TokenWrongAudience,
        Code::TokenMissingClaim,
        Code::TokenInvalidClaim,
        Code::TokenUnknownKeyId,
        Code::TokenKeySetUnavailable,
        Code::TokenUnsupportedCritical,
        Code::TokenInvalidKey,
        Code::ApiUnauthorized,
        Code::ApiForbidden,
        Code::ApiNotFound,
        Code::ApiConflict,
        Code::ApiValidation,
        Code::ApiRateLimited,
        Code::ApiServer,
        Code::ApiTimeout,
        Code::ApiConnect,
        Code::ApiDecode,
        Code::ApiTransport,
        Code::ApiRequest,
        Code::LegacyDatabase,
        Code::LegacySchema,
        Code::LegacyDecode,
        Code::LegacyUnknownHashFormat,
        Code::LegacyUnusableHash,
        Code::MigrationInvalidCredentials,
        Code::MigrationAccountBlocked,
        Code::MigrationHalextUnavailable,
        Code::MigrationConflict,
        Code::MigrationDuplicateUsername,
        Code::MigrationDuplicateEmail,
        Code::MappingStore,
        Code::MappingNotFound,
        Code::MigrationInterrupted,
    ];

    /// The stable dotted name, e.g. `"token.expired"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Code::Ok => "ok",
            Code::Internal => "internal",
            Code::InvalidArgument => "invalid_argument",
            Code::Config => "config",
            Code::Io => "io",
            Code::TokenMalformed => "token.malformed",
            Code::TokenTooLarge => "token.too_large",
            Code::TokenAlgorithm => "token.algorithm",
            Code::TokenBadSignature => "token.bad_signature",
            Code::TokenExpired => "token.expired",
            Code::TokenNotYetValid => "token.not_yet_valid",
            Code::TokenWrongIssuer => "token.wrong_issuer",
            Code::TokenWrongAudience => "token.wrong_audience",
            Code::TokenMissingClaim => "token.missing_claim",
            Code::TokenInvalidClaim => "token.invalid_claim",
            Code::TokenUnknownKeyId => "token.unknown_kid",
            Code::TokenKeySetUnavailable => "token.key_set_unavailable",
            Code::TokenUnsupportedCritical => "token.unsupported_crit",
            Code::TokenInvalidKey => "token.invalid_key",
            Code::ApiUnauthorized => "api.unauthorized",
            Code::ApiForbidden => "api.forbidden",
            Code::ApiNotFound => "api.not_found",
            Code::ApiConflict => "api.conflict",
            Code::ApiValidation => "api.validation",
            Code::ApiRateLimited => "api.rate_limited",
            Code::ApiServer => "api.server",
            Code::ApiTimeout => "api.timeout",
            Code::ApiConnect => "api.connect",
            Code::ApiDecode => "api.decode",
            Code::ApiTransport => "api.transport",
            Code::ApiRequest => "api.request",
            Code::LegacyDatabase => "legacy.database",
            Code::LegacySchema => "legacy.schema",
            Code::LegacyDecode => "legacy.decode",
            Code::LegacyUnknownHashFormat => "legacy.unknown_hash_format",
            Code::LegacyUnusableHash => "legacy.unusable_hash",
            Code::MigrationInvalidCredentials => "migration.invalid_credentials",
            Code::MigrationAccountBlocked => "migration.account_blocked",
            Code::MigrationHalextUnavailable => "migration.halext_unavailable",
            Code::MigrationConflict => "migration.conflict",
            Code::MigrationDuplicateUsername => "migration.duplicate_username",
            Code::MigrationDuplicateEmail => "migration.duplicate_email",
            Code::MappingStore => "mapping.store",
            Code::MappingNotFound => "mapping.not_found",
            Code::MigrationInterrupted => "migration.interrupted",
        }
    }

    /// The stable number (the C status value and PHP exception code).
    pub const fn as_u32(self) -> u32 {
        self as u32
    }

    /// The code with this number, if any.
    pub fn from_u32(n: u32) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_u32() == n)
    }

    /// The code with this dotted name, if any.
    pub fn from_name(name: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The capability this code belongs to, from its numeric range.
    pub const fn capability(self) -> Capability {
        match self as u32 {
            100..=199 => Capability::Token,
            200..=299 => Capability::Api,
            300..=399 => Capability::Legacy,
            400..=499 => Capability::Migration,
            _ => Capability::General,
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Implemented by every capability error so bindings can map it with one table.
///
/// `Display` of an implementor is the human message: it never contains a secret, a
/// password or a whole token.
pub trait HalextError: std::error::Error + Send + Sync + 'static {
    /// The stable code of this error.
    fn code(&self) -> Code;
}

/// An error from any capability, for callers (bindings, CLI) that handle them uniformly.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct AnyError {
    code: Code,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl AnyError {
    /// An error with a code and a message (which must not contain secrets).
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        AnyError { code, message: message.into(), source: None }
    }

    /// The stable code.
    pub fn code(&self) -> Code {
        self.code
    }

    /// The capability error this was made from, if any (downcast it to act on its data).
    pub fn inner(&self) -> Option<&(dyn std::error::Error + Send + Sync + 'static)> {
        self.source.as_deref()
    }
}

impl<E: HalextError> From<E> for AnyError {
    fn from(e: E) -> Self {
        AnyError { code: e.code(), message: e.to_string(), source: Some(Box::new(e)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn numbers_and_names_are_unique_and_round_trip() {
        let mut nums = HashSet::new();
        let mut names = HashSet::new();
        for &c in Code::ALL {
            assert!(nums.insert(c.as_u32()), "duplicate number {}", c.as_u32());
            assert!(names.insert(c.as_str()), "duplicate name {}", c.as_str());
            assert_eq!(Code::from_u32(c.as_u32()), Some(c));
            assert_eq!(Code::from_name(c.as_str()), Some(c));
        }
        let mut sorted: Vec<u32> = Code::ALL.iter().map(|c| c.as_u32()).collect();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            Code::ALL.iter().map(|c| c.as_u32()).collect::<Vec<_>>(),
            "ALL must be in numeric order"
        );
    }

    #[test]
    fn names_carry_their_capability_prefix() {
        for &c in Code::ALL {
            let prefix = match c.capability() {
                Capability::Token => "token.",
                Capability::Api => "api.",
                Capability::Legacy => "legacy.",
                Capability::Migration => {
                    if c.as_str().starts_with("mapping.") {
                        "mapping."
                    } else {
                        "migration."
                    }
                }
                Capability::General => "",
            };
            assert!(c.as_str().starts_with(prefix), "{c:?} -> {}", c.as_str());
        }
    }
}
