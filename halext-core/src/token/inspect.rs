//! `decode_unverified`: read a token's header and claims **without verifying anything**, for
//! `halext token inspect` and debugging. Never use its output for an access decision.

use serde_json::{Map, Value};

use super::compact::{b64_decode, split};
use super::error::TokenError;

/// Largest token [`decode_unverified`] reads, in bytes.
pub const INSPECT_MAX_BYTES: usize = 64 * 1024;

/// A decoded but **unverified** token: nothing in it can be trusted.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedToken {
    /// The JOSE header, as JSON.
    pub header: Map<String, Value>,
    /// The payload, as JSON (a JWT's claims are an object; anything else is reported malformed).
    pub claims: Map<String, Value>,
    /// Length of the decoded signature in bytes (0 for an unsecured `alg: none` token).
    pub signature_len: usize,
}

impl UnverifiedToken {
    /// The header's `alg`, if it is a string.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `kid`, if it is a string.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
}

/// Decodes `token` (compact JWS) **without verifying** its signature or any claim.
///
/// # Errors
/// [`TokenError::TooLarge`] over [`INSPECT_MAX_BYTES`]; [`TokenError::Malformed`] when it is not
/// three base64url parts whose first two are JSON objects.
pub fn decode_unverified(token: impl AsRef<[u8]>) -> Result<UnverifiedToken, TokenError> {
    let token = token.as_ref();
    if token.len() > INSPECT_MAX_BYTES {
        return Err(TokenError::TooLarge { size: token.len(), max: INSPECT_MAX_BYTES });
    }
    let parts = split(token)?;
    let header = b64_decode(parts.header, "header is not base64url")?;
    let header: Map<String, Value> =
        serde_json::from_slice(&header).map_err(|_| TokenError::malformed("header is not a JSON object"))?;
    let claims = b64_decode(parts.payload, "payload is not base64url")?;
    let claims: Map<String, Value> =
        serde_json::from_slice(&claims).map_err(|_| TokenError::malformed("payload is not a JSON object"))?;
    let signature_len = b64_decode(parts.signature, "signature is not base64url")?.len();
    Ok(UnverifiedToken { header, claims, signature_len })
}
