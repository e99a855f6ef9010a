//! Verification keys: what a caller hands over ([`Key`]) and what the validator uses
//! (`VerifyingKey`, `KeySet`), plus signature verification.
//!
//! HMAC keys are precomputed at construction (the inner/outer pads are hashed once): an
//! `aws_lc_rs::hmac::Key` plus a reusable aws-lc context (`hmac_ctx.rs`, the per-call fast
//! path); tags are compared in constant time. RSA, ECDSA and
//! EdDSA signatures are verified by jsonwebtoken (`jsonwebtoken::crypto::verify`); their keys are
//! checked once with aws-lc-rs when loaded, so a bad key fails at load time, not per token.

use std::fmt;
use std::sync::Arc;

use aws_lc_rs::hmac;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, ED25519, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256,
};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey};

use super::compact::{Parts, alg_name, b64_decode_into};
use super::error::TokenError;
use super::hmac_ctx::ReusableHmac;
use crate::Secret;

/// Minimum HMAC secret length in bytes without `allow_short_secret` (RFC 7518 §3.2 asks for a
/// key at least as long as the hash output: 32 bytes for HS256).
pub const MIN_HMAC_SECRET_BYTES: usize = 32;

/// Public default secrets of the Halext server (halext-api.md §1.2, §6): long, but published.
const KNOWN_PUBLIC_SECRETS: &[&[u8]] =
    &[b"a_very_secret_key_that_should_be_in_env", b"your-secret-key-change-in-production"];

/// A set of algorithms, as a bit mask.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct AlgSet(u16);

const ALL_ALGS: [Algorithm; 12] = [
    Algorithm::HS256,
    Algorithm::HS384,
    Algorithm::HS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::EdDSA,
];

impl AlgSet {
    fn bit(alg: Algorithm) -> u16 {
        ALL_ALGS.iter().position(|a| *a == alg).map_or(0, |i| 1 << i)
    }
    pub fn of(algs: &[Algorithm]) -> Self {
        AlgSet(algs.iter().fold(0, |m, a| m | Self::bit(*a)))
    }
    pub fn contains(self, alg: Algorithm) -> bool {
        self.0 & Self::bit(alg) != 0
    }
    pub fn intersect(self, other: AlgSet) -> AlgSet {
        AlgSet(self.0 & other.0)
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Algorithm> {
        ALL_ALGS.into_iter().filter(move |a| self.contains(*a))
    }
}

impl fmt::Debug for AlgSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter().map(alg_name)).finish()
    }
}

/// What kind of public key, as far as algorithm selection is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PublicKind {
    Rsa,
    EcP256,
    EcP384,
    Ed25519,
}

impl PublicKind {
    fn algorithms(self) -> AlgSet {
        match self {
            PublicKind::Rsa => AlgSet::of(AlgorithmFamily::Rsa.algorithms()),
            PublicKind::EcP256 => AlgSet::of(&[Algorithm::ES256]),
            PublicKind::EcP384 => AlgSet::of(&[Algorithm::ES384]),
            PublicKind::Ed25519 => AlgSet::of(&[Algorithm::EdDSA]),
        }
    }
}

#[derive(Clone)]
enum KeyKind {
    Hmac(Secret),
    Public { kind: PublicKind, key: DecodingKey },
}

/// Key material for a validator: an HMAC shared secret or a public key, optionally tagged with
/// a `kid` (matched against the token header's `kid`) and restricted to one algorithm.
///
/// Build it with [`Key::hmac_secret`], [`Key::from_pem`] or [`Key::from_der`].
#[derive(Clone)]
pub struct Key {
    kind: KeyKind,
    kid: Option<String>,
    alg: Option<Algorithm>,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            KeyKind::Hmac(s) => format!("hmac({} bytes)", s.len()),
            KeyKind::Public { kind, .. } => format!("{kind:?}"),
        };
        f.debug_struct("Key").field("kind", &kind).field("kid", &self.kid).field("alg", &self.alg).finish()
    }
}

impl Key {
    /// A shared HMAC secret (HS256/HS384/HS512), the raw bytes used as the HMAC key (RFC 7518
    /// §3.2). For Halext, the UTF-8 bytes of the server's `SECRET_KEY` (halext-api.md §1.2).
    /// The length rule (32 bytes unless `allow_short_secret`) is checked by the validator builder.
    pub fn hmac_secret(secret: Secret) -> Key {
        Key { kind: KeyKind::Hmac(secret), kid: None, alg: None }
    }

    /// A public key in PEM: `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) holding an RSA,
    /// EC P-256, EC P-384 or Ed25519 key, or `-----BEGIN RSA PUBLIC KEY-----` (PKCS#1).
    ///
    /// # Errors
    /// [`TokenError::InvalidKey`]: not PEM, a private key or certificate, another curve, an RSA
    /// modulus outside 2048–8192 bits.
    pub fn from_pem(pem: &[u8]) -> Result<Key, TokenError> {
        let bad = |what: &str| TokenError::invalid_key(format!("public key: {what}"));
        if let Ok(k) = DecodingKey::from_rsa_pem(pem) {
            check_public(PublicKind::Rsa, &k)
                .map_err(|_| bad("RSA key rejected (2048-8192 bits required)"))?;
            return Ok(Key::public(PublicKind::Rsa, k));
        }
        if let Ok(k) = DecodingKey::from_ec_pem(pem) {
            for kind in [PublicKind::EcP256, PublicKind::EcP384] {
                if check_public(kind, &k).is_ok() {
                    return Ok(Key::public(kind, k));
                }
            }
            return Err(bad("EC key is not on P-256 or P-384"));
        }
        if let Ok(k) = DecodingKey::from_ed_pem(pem) {
            check_public(PublicKind::Ed25519, &k).map_err(|_| bad("Ed25519 key rejected"))?;
            return Ok(Key::public(PublicKind::Ed25519, k));
        }
        Err(bad("not an RSA, EC (P-256/P-384) or Ed25519 public key"))
    }

    /// A public key as DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7), e.g. from
    /// `openssl pkey -pubin -outform DER`. Same key types and errors as [`Key::from_pem`].
    ///
    /// # Errors
    /// [`TokenError::InvalidKey`].
    pub fn from_der(der: &[u8]) -> Result<Key, TokenError> {
        let body = STANDARD.encode(der);
        let mut pem = String::from("-----BEGIN PUBLIC KEY-----\n");
        for chunk in body.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(chunk).unwrap_or_default());
            pem.push('\n');
        }
        pem.push_str("-----END PUBLIC KEY-----\n");
        Key::from_pem(pem.as_bytes())
    }

    fn public(kind: PublicKind, key: DecodingKey) -> Key {
        Key { kind: KeyKind::Public { kind, key }, kid: None, alg: None }
    }

    /// Tags the key with a key id: a token whose header names this `kid` is verified with it.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Key {
        self.kid = Some(kid.into());
        self
    }

    /// Restricts the key to one algorithm (RFC 7517 §4.4 semantics). Without it, the key is
    /// usable for every allowed algorithm of its type (e.g. RS256 and PS256 for an RSA key).
    pub fn with_algorithm(mut self, alg: Algorithm) -> Key {
        self.alg = Some(alg);
        self
    }

    /// Resolves the key against the validator's allowed algorithms.
    pub(crate) fn resolve(
        self,
        allowed: AlgSet,
        allow_short_secret: bool,
    ) -> Result<Option<VerifyingKey>, TokenError> {
        let mut algs = match &self.kind {
            KeyKind::Hmac(_) => AlgSet::of(AlgorithmFamily::Hmac.algorithms()),
            KeyKind::Public { kind, .. } => kind.algorithms(),
        };
        if let Some(a) = self.alg {
            algs = algs.intersect(AlgSet::of(&[a]));
        }
        let algs = algs.intersect(allowed);
        if algs.is_empty() {
            return Ok(None);
        }
        let material = match self.kind {
            KeyKind::Hmac(secret) => {
                check_secret(&secret, allow_short_secret)?;
                Material::Hmac(Box::new(HmacKeys::new(secret.expose(), algs)))
            }
            KeyKind::Public { key, .. } => Material::Public(key),
        };
        Ok(Some(VerifyingKey { kid: self.kid, algs, material }))
    }
}

/// Checks an HMAC secret's length; warns (without the value) about the server's public defaults.
fn check_secret(secret: &Secret, allow_short_secret: bool) -> Result<(), TokenError> {
    if secret.is_empty() {
        return Err(TokenError::invalid_key("the HMAC secret is empty"));
    }
    if secret.len() < MIN_HMAC_SECRET_BYTES && !allow_short_secret {
        return Err(TokenError::invalid_key(format!(
            "the HMAC secret is {} bytes; at least {MIN_HMAC_SECRET_BYTES} are required \
             (set allow_short_secret to accept a legacy short secret)",
            secret.len()
        )));
    }
    if KNOWN_PUBLIC_SECRETS.iter().any(|k| *k == secret.expose()) {
        tracing::warn!(
            "the HMAC secret is one of the Halext server's published default secrets: \
             anyone can forge tokens; set SECRET_KEY / JWT_SECRET_KEY on the server and here"
        );
    }
    Ok(())
}

/// Checks a public key once with aws-lc-rs (size, curve, encoding).
pub(crate) fn check_public(kind: PublicKind, key: &DecodingKey) -> Result<(), TokenError> {
    let alg: &'static dyn aws_lc_rs::signature::VerificationAlgorithm = match kind {
        PublicKind::Rsa => &RSA_PKCS1_2048_8192_SHA256,
        PublicKind::EcP256 => &ECDSA_P256_SHA256_FIXED,
        PublicKind::EcP384 => &ECDSA_P384_SHA384_FIXED,
        PublicKind::Ed25519 => &ED25519,
    };
    let bytes = key.try_get_as_bytes().map_err(|_| TokenError::invalid_key("unexpected key encoding"))?;
    if kind == PublicKind::Rsa {
        // Parsing alone does not enforce the size; RFC 7518 §3.3 requires 2048 bits or more.
        let rsa = aws_lc_rs::rsa::PublicKey::from_der(bytes)
            .map_err(|_| TokenError::invalid_key("key rejected"))?;
        if !(256..=1024).contains(&rsa.modulus_len()) {
            return Err(TokenError::invalid_key("RSA modulus must be 2048-8192 bits"));
        }
    }
    ParsedPublicKey::new(alg, bytes).map(|_| ()).map_err(|_| TokenError::invalid_key("key rejected"))
}

/// A JWK's key as parsed by the JWKS loader (already checked).
pub(crate) fn public_from_parts(kind: PublicKind, key: DecodingKey) -> Key {
    Key::public(kind, key)
}

/// One HMAC key: the aws-lc-rs key (pads precomputed) and, when aws-lc could key one, a
/// reusable context that skips the per-call context copy ([`ReusableHmac`]).
struct HmacKey {
    key: hmac::Key,
    reusable: Option<ReusableHmac>,
}

impl HmacKey {
    fn new(alg: Algorithm, h: hmac::Algorithm, secret: &[u8]) -> Self {
        HmacKey { key: hmac::Key::new(h, secret), reusable: ReusableHmac::new(alg, secret) }
    }

    /// Constant-time verification of `tag` over `data`: the reusable context when it is free,
    /// `aws_lc_rs::hmac::verify` otherwise.
    fn verify(&self, data: &[u8], tag: &[u8]) -> bool {
        match self.reusable.as_ref().and_then(|r| r.verify(data, tag)) {
            Some(ok) => ok,
            None => hmac::verify(&self.key, data, tag).is_ok(),
        }
    }
}

/// HMAC keys with their pads precomputed, one per allowed HS algorithm.
struct HmacKeys {
    hs256: Option<HmacKey>,
    hs384: Option<HmacKey>,
    hs512: Option<HmacKey>,
}

impl HmacKeys {
    fn new(secret: &[u8], algs: AlgSet) -> Self {
        let make = |a: Algorithm, h: hmac::Algorithm| algs.contains(a).then(|| HmacKey::new(a, h, secret));
        HmacKeys {
            hs256: make(Algorithm::HS256, hmac::HMAC_SHA256),
            hs384: make(Algorithm::HS384, hmac::HMAC_SHA384),
            hs512: make(Algorithm::HS512, hmac::HMAC_SHA512),
        }
    }
}

enum Material {
    Hmac(Box<HmacKeys>),
    Public(DecodingKey),
}

/// A key ready for verification, limited to the algorithms it may verify.
pub(crate) struct VerifyingKey {
    kid: Option<String>,
    algs: AlgSet,
    material: Material,
}

impl fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.material {
            Material::Hmac(_) => "hmac",
            Material::Public(_) => "public",
        };
        f.debug_struct("VerifyingKey")
            .field("kid", &self.kid)
            .field("algs", &self.algs)
            .field("kind", &kind)
            .finish()
    }
}

impl VerifyingKey {
    /// Whether the signature of `parts` verifies under this key with `alg` (constant time for HMAC).
    fn verify(&self, alg: Algorithm, parts: &Parts<'_>) -> bool {
        if !self.algs.contains(alg) {
            return false;
        }
        match &self.material {
            Material::Hmac(keys) => {
                let (key, len) = match alg {
                    Algorithm::HS256 => (&keys.hs256, 32),
                    Algorithm::HS384 => (&keys.hs384, 48),
                    Algorithm::HS512 => (&keys.hs512, 64),
                    _ => return false,
                };
                let Some(key) = key else { return false };
                let mut sig = [0u8; 64];
                match b64_decode_into(parts.signature, &mut sig) {
                    // A wrong length is not secret: only the comparison must be constant time.
                    Some(n) if n == len => key.verify(parts.signing_input, &sig[..n]),
                    _ => false,
                }
            }
            Material::Public(key) => {
                // jsonwebtoken decodes the signature leniently; insist on canonical base64url.
                let Ok(sig) = std::str::from_utf8(parts.signature) else { return false };
                if URL_SAFE_NO_PAD.decode(sig).is_err() {
                    return false;
                }
                jsonwebtoken::crypto::verify(sig, parts.signing_input, key, alg).unwrap_or(false)
            }
        }
    }
}

/// An immutable set of verifying keys.
#[derive(Debug, Default)]
pub(crate) struct KeySet {
    keys: Vec<VerifyingKey>,
}

impl KeySet {
    pub fn new(keys: Vec<VerifyingKey>) -> Arc<KeySet> {
        Arc::new(KeySet { keys })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether some key carries exactly this `kid`.
    pub fn has_kid(&self, kid: &str) -> bool {
        self.keys.iter().any(|k| k.kid.as_deref() == Some(kid))
    }

    /// Verifies the signature of `parts`, choosing keys by `kid` and `alg`:
    ///
    /// * a token `kid` selects the keys with that `kid`; when none has it, the keys without a
    ///   `kid` (wildcards) are used; when there are none either → [`TokenError::UnknownKeyId`];
    /// * without a `kid`, every key is a candidate;
    /// * candidates that cannot verify `alg` (another key type, another `alg`) are dropped; if
    ///   none is left → [`TokenError::Algorithm`] (this is where RFC 8725 §3.1 alg confusion ends);
    /// * the signature must verify under one remaining candidate → else [`TokenError::BadSignature`].
    pub fn verify(&self, alg: Algorithm, kid: Option<&str>, parts: &Parts<'_>) -> Result<(), TokenError> {
        let any_exact = match kid {
            Some(kid) => self.has_kid(kid),
            None => true,
        };
        let selected = |k: &VerifyingKey| match kid {
            Some(kid) if any_exact => k.kid.as_deref() == Some(kid),
            Some(_) => k.kid.is_none(),
            None => true,
        };
        if !self.keys.iter().any(selected) {
            return Err(TokenError::UnknownKeyId { kid: super::error::shorten(kid.unwrap_or_default()) });
        }
        let mut usable = self.keys.iter().filter(|k| selected(k) && k.algs.contains(alg)).peekable();
        if usable.peek().is_none() {
            return Err(TokenError::algorithm(
                Some(alg_name(alg)),
                if kid.is_some() {
                    "the key selected by kid cannot verify this algorithm"
                } else {
                    "no key can verify this algorithm"
                },
            ));
        }
        if usable.any(|k| k.verify(alg, parts)) { Ok(()) } else { Err(TokenError::BadSignature) }
    }
}
