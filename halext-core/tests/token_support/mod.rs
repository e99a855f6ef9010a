//! Helpers shared by the `token_*` integration tests: crafting tokens with arbitrary headers and
//! claims, test keys, fixed clocks.
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use halext_core::token::{Algorithm, FixedClock, TokenError};
use halext_core::{Code, HalextError};
use jsonwebtoken::EncodingKey;

/// A fixed "now" for tests: 2023-11-14T22:13:20Z.
pub const NOW: i64 = 1_700_000_000;
/// A 40-byte secret (long enough for the default rules).
pub const SECRET: &str = "test-secret-0123456789-test-secret-0123";

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

pub fn clock(now: i64) -> Arc<FixedClock> {
    Arc::new(FixedClock::new(now))
}

pub fn key_file(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/token_data/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// HMAC-signs `header.claims` (both raw JSON text) with `secret` under the given HS algorithm.
pub fn hs(alg: Algorithm, secret: &[u8], header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let h = match alg {
        Algorithm::HS256 => aws_lc_rs::hmac::HMAC_SHA256,
        Algorithm::HS384 => aws_lc_rs::hmac::HMAC_SHA384,
        Algorithm::HS512 => aws_lc_rs::hmac::HMAC_SHA512,
        _ => panic!("not an HMAC algorithm"),
    };
    let tag = aws_lc_rs::hmac::sign(&aws_lc_rs::hmac::Key::new(h, secret), input.as_bytes());
    format!("{input}.{}", b64(tag.as_ref()))
}

/// HS256 with the standard header.
pub fn hs256(secret: &str, claims: &str) -> String {
    hs(Algorithm::HS256, secret.as_bytes(), r#"{"alg":"HS256","typ":"JWT"}"#, claims)
}

/// Signs `header.claims` with a private key file (PEM) using jsonwebtoken.
pub fn sign_pem(alg: Algorithm, private_pem_file: &str, header: &str, claims: &str) -> String {
    let pem = key_file(private_pem_file);
    let key = match alg {
        Algorithm::RS256
        | Algorithm::RS384
        | Algorithm::RS512
        | Algorithm::PS256
        | Algorithm::PS384
        | Algorithm::PS512 => EncodingKey::from_rsa_pem(&pem).unwrap(),
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(&pem).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(&pem).unwrap(),
        _ => panic!("not an asymmetric algorithm"),
    };
    let input = format!("{}.{}", b64(header), b64(claims));
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &key, alg).unwrap();
    format!("{input}.{sig}")
}

/// A JOSE header with `alg` and optionally `kid`.
pub fn header(alg: &str, kid: Option<&str>) -> String {
    match kid {
        Some(k) => format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"{k}"}}"#),
        None => format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
    }
}

/// The error's stable code, or a panic naming what was returned instead.
pub fn code<T: std::fmt::Debug>(r: Result<T, TokenError>) -> Code {
    match r {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => e.code(),
    }
}
