//! JWK Set documents (RFC 7517 §5) → key sets, with limits for hostile documents.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, KeyOperations, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use serde::Deserialize;

use super::error::TokenError;
use super::keys::{AlgSet, Key, PublicKind, VerifyingKey, check_public, public_from_parts};
use crate::Secret;

/// Default cap on a JWKS document's size in bytes (a set of ten RSA-4096 keys is ~9 KiB).
pub const DEFAULT_MAX_JWKS_BYTES: usize = 128 * 1024;
/// Default cap on the number of keys in a JWKS document.
pub const DEFAULT_MAX_JWKS_KEYS: usize = 64;

/// How a JWKS document is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct JwksRules {
    pub max_bytes: usize,
    pub max_keys: usize,
    /// The validator's allowed algorithms.
    pub allowed: AlgSet,
    /// Whether `kty: "oct"` (shared secret) keys are accepted. Not for documents fetched from a
    /// URL: a secret published at a URL is no secret.
    pub allow_oct: bool,
    pub allow_short_secret: bool,
}

#[derive(Deserialize)]
struct Document {
    keys: Vec<serde_json::Value>,
}

/// Parses a JWKS document into a key set. Keys that cannot serve (see `jwk_to_key`) are skipped;
/// the document fails only as a whole: too large, not `{"keys": [...]}`, too many keys, or no
/// usable key at all.
///
/// # Errors
/// [`TokenError::InvalidKey`] with the reason.
pub(crate) fn parse_jwks(doc: &[u8], rules: &JwksRules) -> Result<Vec<VerifyingKey>, TokenError> {
    if doc.len() > rules.max_bytes {
        return Err(TokenError::invalid_key(format!(
            "JWKS document is {} bytes, over the {}-byte limit",
            doc.len(),
            rules.max_bytes
        )));
    }
    let parsed: Document = serde_json::from_slice(doc)
        .map_err(|e| TokenError::invalid_key(format!("not a JWKS document ({})", e.classify_name())))?;
    if parsed.keys.len() > rules.max_keys {
        return Err(TokenError::invalid_key(format!(
            "JWKS has {} keys, over the limit of {}",
            parsed.keys.len(),
            rules.max_keys
        )));
    }
    let mut keys = Vec::new();
    for (i, value) in parsed.keys.into_iter().enumerate() {
        match jwk_to_key(value, rules) {
            Ok(key) => match key.resolve(rules.allowed, rules.allow_short_secret) {
                Ok(Some(k)) => keys.push(k),
                Ok(None) => tracing::debug!(index = i, "JWK skipped: no allowed algorithm fits it"),
                Err(e) => tracing::debug!(index = i, error = %e, "JWK skipped"),
            },
            Err(why) => tracing::debug!(index = i, why, "JWK skipped"),
        }
    }
    if keys.is_empty() {
        return Err(TokenError::invalid_key("the JWKS has no key usable with the allowed algorithms"));
    }
    Ok(keys)
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "no \"keys\" array",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}

fn b64(s: &str) -> Result<Vec<u8>, &'static str> {
    URL_SAFE_NO_PAD.decode(s).map_err(|_| "component is not base64url")
}

/// One JWK → a [`Key`], following RFC 7517 §4:
///
/// * `use` other than `"sig"` (e.g. `"enc"`) → skipped (§4.2);
/// * `key_ops` without `"verify"` → skipped (§4.3);
/// * `alg` (§4.4) restricts the key to that algorithm; an `alg` we do not implement → skipped;
///   without `alg`, the key serves every allowed algorithm fitting its `kty`/`crv`;
/// * `kty` other than RSA / EC (P-256, P-384) / OKP (Ed25519) / oct, or components that do not
///   decode to a valid key → skipped.
fn jwk_to_key(value: serde_json::Value, rules: &JwksRules) -> Result<Key, &'static str> {
    let jwk: Jwk = serde_json::from_value(value).map_err(|_| "not a JWK")?;
    let common = &jwk.common;
    match &common.public_key_use {
        None | Some(PublicKeyUse::Signature) => {}
        Some(_) => return Err("use is not sig"),
    }
    if let Some(ops) = &common.key_operations {
        if !ops.iter().any(|o| matches!(o, KeyOperations::Verify)) {
            return Err("key_ops lacks verify");
        }
    }
    let alg = match &common.key_algorithm {
        None => None,
        Some(a) => Some(jwk_alg(a).ok_or("alg is not a supported JWS algorithm")?),
    };
    let key = match &jwk.algorithm {
        AlgorithmParameters::RSA(p) => {
            let n = b64(&p.n)?;
            let e = b64(&p.e)?;
            let significant = n.iter().skip_while(|b| **b == 0).count();
            if !(256..=1024).contains(&significant) || e.is_empty() || e.len() > 8 {
                return Err("RSA modulus must be 2048-8192 bits");
            }
            public_from_parts(PublicKind::Rsa, DecodingKey::from_rsa_raw_components(&n, &e))
        }
        AlgorithmParameters::EllipticCurve(p) => {
            let kind = match p.curve {
                EllipticCurve::P256 => PublicKind::EcP256,
                EllipticCurve::P384 => PublicKind::EcP384,
                _ => return Err("unsupported EC curve"),
            };
            let k = DecodingKey::from_ec_components(&p.x, &p.y).map_err(|_| "bad EC components")?;
            check_public(kind, &k).map_err(|_| "EC point rejected")?;
            public_from_parts(kind, k)
        }
        AlgorithmParameters::OctetKeyPair(p) => {
            if p.curve != EllipticCurve::Ed25519 {
                return Err("unsupported OKP curve");
            }
            let k = DecodingKey::from_ed_components(&p.x).map_err(|_| "bad OKP component")?;
            check_public(PublicKind::Ed25519, &k).map_err(|_| "Ed25519 key rejected")?;
            public_from_parts(PublicKind::Ed25519, k)
        }
        AlgorithmParameters::OctetKey(p) => {
            if !rules.allow_oct {
                return Err("oct keys are not accepted from a JWKS URL");
            }
            Key::hmac_secret(Secret::new(b64(&p.value)?))
        }
        _ => return Err("unsupported kty"),
    };
    let key = match &common.key_id {
        Some(kid) => key.with_kid(kid.clone()),
        None => key,
    };
    Ok(match alg {
        Some(a) => key.with_algorithm(a),
        None => key,
    })
}

fn jwk_alg(a: &KeyAlgorithm) -> Option<Algorithm> {
    Some(match a {
        KeyAlgorithm::HS256 => Algorithm::HS256,
        KeyAlgorithm::HS384 => Algorithm::HS384,
        KeyAlgorithm::HS512 => Algorithm::HS512,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        _ => return None,
    })
}
