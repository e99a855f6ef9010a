//! RFC 7515 / 7517 / 7519 / 8725 pitfalls, static keys (PEM, DER, JWKS documents), the
//! verified-token cache, `decode_unverified`, and one test that reaches every token code.
#![allow(clippy::unwrap_used, missing_docs)]

mod token_support;

use std::sync::Arc;

use halext_core::token::{
    Algorithm, ClaimKind, Clock, FixedClock, Key, TokenError, Validator, ValidatorBuilder, decode_unverified,
};
use halext_core::{Code, HalextError, Secret};
use token_support::*;

const CLAIMS: &str = r#"{"sub":"alice","exp":1800000000}"#;

fn hmac_validator() -> Validator {
    Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .clock(clock(NOW))
        .build()
        .unwrap()
}

fn rsa_validator(algs: &[Algorithm]) -> Validator {
    Validator::builder()
        .algorithms(algs)
        .key(Key::from_pem(&key_file("rsa_public.pem")).unwrap())
        .clock(clock(NOW))
        .build()
        .unwrap()
}

#[test]
fn alg_confusion_hs256_signed_with_the_rsa_public_key_fails() {
    let pem = key_file("rsa_public.pem");
    let forged = hs(Algorithm::HS256, &pem, &header("HS256", None), CLAIMS);
    // The validator holds the RSA key: HS256 is not allowed...
    assert_eq!(code(rsa_validator(&[Algorithm::RS256]).validate(&forged)), Code::TokenAlgorithm);
    // ...and even if HS256 were allowed, an RSA key never serves as an HMAC secret.
    assert_eq!(
        code(rsa_validator(&[Algorithm::RS256, Algorithm::HS256]).validate(&forged)),
        Code::TokenAlgorithm
    );
    // The genuine RS256 token passes.
    let good = sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", None), CLAIMS);
    assert_eq!(rsa_validator(&[Algorithm::RS256]).validate(&good).unwrap().alg(), Algorithm::RS256);
}

#[test]
fn alg_none_never_passes_in_any_spelling() {
    let v = hmac_validator();
    for none in ["none", "None", "NONE", "nOnE"] {
        let unsigned = format!("{}.{}.", b64(header(none, None)), b64(CLAIMS));
        assert_eq!(code(v.validate(&unsigned)), Code::TokenAlgorithm, "{none}");
        // Even with a (meaningless) signature attached.
        let signed = hs(Algorithm::HS256, SECRET.as_bytes(), &header(none, None), CLAIMS);
        assert_eq!(code(v.validate(&signed)), Code::TokenAlgorithm, "{none}");
    }
    let no_alg = hs(Algorithm::HS256, SECRET.as_bytes(), r#"{"typ":"JWT"}"#, CLAIMS);
    assert_eq!(code(v.validate(no_alg)), Code::TokenAlgorithm);
    let lower = hs(Algorithm::HS256, SECRET.as_bytes(), r#"{"alg":"hs256"}"#, CLAIMS);
    assert_eq!(code(v.validate(lower)), Code::TokenAlgorithm);
}

#[test]
fn crit_headers_are_rejected() {
    let v = hmac_validator();
    let crit = hs(
        Algorithm::HS256,
        SECRET.as_bytes(),
        r#"{"alg":"HS256","crit":["http://x/ext"],"http://x/ext":1}"#,
        CLAIMS,
    );
    let e = v.validate(crit).unwrap_err();
    assert_eq!(e.code(), Code::TokenUnsupportedCritical);
    assert!(e.to_string().contains("http://x/ext"), "{e}");
    let b64 =
        hs(Algorithm::HS256, SECRET.as_bytes(), r#"{"alg":"HS256","crit":["b64"],"b64":false}"#, CLAIMS);
    assert_eq!(code(v.validate(b64)), Code::TokenUnsupportedCritical);
    let empty = hs(Algorithm::HS256, SECRET.as_bytes(), r#"{"alg":"HS256","crit":[]}"#, CLAIMS);
    assert_eq!(code(v.validate(empty)), Code::TokenMalformed);
}

#[test]
fn kid_pointing_at_a_key_of_another_type_is_an_algorithm_error() {
    let v = Validator::builder()
        .algorithms(&[Algorithm::RS256, Algorithm::ES256, Algorithm::HS256])
        .key(Key::from_pem(&key_file("rsa_public.pem")).unwrap().with_kid("rsa"))
        .key(Key::from_pem(&key_file("ec256_public.pem")).unwrap().with_kid("ec"))
        .key(Key::hmac_secret(Secret::from(SECRET)).with_kid("mac"))
        .clock(clock(NOW))
        .build()
        .unwrap();
    let es_with_rsa_kid =
        sign_pem(Algorithm::ES256, "ec256_private.pem", &header("ES256", Some("rsa")), CLAIMS);
    assert_eq!(code(v.validate(es_with_rsa_kid)), Code::TokenAlgorithm);
    let hs_with_rsa_kid =
        hs(Algorithm::HS256, &key_file("rsa_public.pem"), &header("HS256", Some("rsa")), CLAIMS);
    assert_eq!(code(v.validate(hs_with_rsa_kid)), Code::TokenAlgorithm);
    let rs_with_mac_kid =
        sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", Some("mac")), CLAIMS);
    assert_eq!(code(v.validate(rs_with_mac_kid)), Code::TokenAlgorithm);
    // Right kid, right type.
    let ok = sign_pem(Algorithm::ES256, "ec256_private.pem", &header("ES256", Some("ec")), CLAIMS);
    assert_eq!(v.validate(ok).unwrap().kid(), Some("ec"));
    let ok = hs(Algorithm::HS256, SECRET.as_bytes(), &header("HS256", Some("mac")), CLAIMS);
    assert!(v.validate(ok).is_ok());
    // Unknown kid, and no kid-less key to fall back on.
    let unknown = sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", Some("nope")), CLAIMS);
    assert_eq!(code(v.validate(unknown)), Code::TokenUnknownKeyId);
    // No kid: every key of the right type is tried.
    let no_kid = sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", None), CLAIMS);
    assert!(v.validate(no_kid).is_ok());
}

#[test]
fn every_supported_key_type_from_pem_and_der() {
    let cases = [
        (Algorithm::RS256, "rsa_private.pem", "rsa_public.pem"),
        (Algorithm::PS256, "rsa_private.pem", "rsa_public.pem"),
        (Algorithm::RS512, "rsa_private.pem", "rsa_public_pkcs1.pem"),
        (Algorithm::ES256, "ec256_private.pem", "ec256_public.pem"),
        (Algorithm::ES384, "ec384_private.pem", "ec384_public.pem"),
        (Algorithm::EdDSA, "ed25519_private.pem", "ed25519_public.pem"),
    ];
    for (alg, private, public) in cases {
        let name = halext_core::token::alg_name(alg);
        let token = sign_pem(alg, private, &header(name, None), CLAIMS);
        let v = Validator::builder()
            .algorithms(&[alg])
            .key(Key::from_pem(&key_file(public)).unwrap())
            .clock(clock(NOW))
            .build()
            .unwrap();
        assert_eq!(v.validate(&token).unwrap().sub(), Some("alice"), "{name}");
        let other = sign_pem(Algorithm::RS256, "rsa2_private.pem", &header("RS256", None), CLAIMS);
        assert!(v.validate(other).is_err(), "{name}: another key's token");
    }
    // ES256 token against a P-384 key: the key cannot do ES256.
    let v = Validator::builder()
        .algorithms(&[Algorithm::ES256, Algorithm::ES384])
        .key(Key::from_pem(&key_file("ec384_public.pem")).unwrap())
        .clock(clock(NOW))
        .build()
        .unwrap();
    let es256 = sign_pem(Algorithm::ES256, "ec256_private.pem", &header("ES256", None), CLAIMS);
    assert_eq!(code(v.validate(es256)), Code::TokenAlgorithm);
    // DER SubjectPublicKeyInfo.
    let der = Key::from_der(&key_file("rsa_public.der")).unwrap();
    let v = Validator::builder().algorithms(&[Algorithm::RS256]).key(der).clock(clock(NOW)).build().unwrap();
    assert!(
        v.validate(sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", None), CLAIMS)).is_ok()
    );
}

#[test]
fn unusable_key_material() {
    for bad in ["rsa1024_public.pem", "k256_public.pem", "rsa_private.pem", "README.md"] {
        let r = Key::from_pem(&key_file(bad));
        assert!(r.is_err(), "{bad}: {r:?}");
        assert_eq!(code(r), Code::TokenInvalidKey, "{bad}");
    }
    assert_eq!(code(Key::from_der(b"\x30\x03\x02\x01\x01")), Code::TokenInvalidKey);
    // A key that fits no allowed algorithm is a configuration error, not a silent no-op.
    let e = Validator::builder()
        .algorithms(&[Algorithm::RS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .build()
        .unwrap_err();
    assert_eq!(e.code(), Code::Config);
    assert_eq!(code(Validator::builder().key(Key::hmac_secret(Secret::from(SECRET))).build()), Code::Config);
    assert_eq!(code(Validator::builder().algorithms(&[Algorithm::HS256]).build()), Code::Config);
}

#[test]
fn audience_as_string_or_array() {
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .audience("zeniea")
        .audience("acmlmboard")
        .clock(clock(NOW))
        .build()
        .unwrap();
    let with = |aud: &str| hs256(SECRET, &format!(r#"{{"sub":"a","exp":1800000000,"aud":{aud}}}"#));
    assert_eq!(v.validate(with(r#""zeniea""#)).unwrap().aud(), ["zeniea".to_string()]);
    assert_eq!(v.validate(with(r#"["x","acmlmboard"]"#)).unwrap().aud().len(), 2);
    assert_eq!(code(v.validate(with(r#""other""#))), Code::TokenWrongAudience);
    assert_eq!(code(v.validate(with(r#"["x","y"]"#))), Code::TokenWrongAudience);
    assert_eq!(code(v.validate(with("[]"))), Code::TokenWrongAudience);
    assert_eq!(code(v.validate(with(r#"["zeniea",1]"#))), Code::TokenInvalidClaim);
    assert_eq!(code(v.validate(with("7"))), Code::TokenInvalidClaim);
    assert_eq!(
        code(v.validate(hs256(SECRET, CLAIMS))),
        Code::TokenMissingClaim,
        "configured audience must be present"
    );
}

#[test]
fn issuer_must_be_present_and_match() {
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .issuer("https://org.halext.org")
        .clock(clock(NOW))
        .build()
        .unwrap();
    let with = |iss: &str| hs256(SECRET, &format!(r#"{{"sub":"a","exp":1800000000,"iss":{iss}}}"#));
    assert!(v.validate(with(r#""https://org.halext.org""#)).is_ok());
    assert_eq!(code(v.validate(with(r#""https://org.halext.org/""#))), Code::TokenWrongIssuer);
    assert_eq!(code(v.validate(with("1"))), Code::TokenInvalidClaim);
    assert_eq!(code(v.validate(hs256(SECRET, CLAIMS))), Code::TokenMissingClaim);
}

#[test]
fn leeway_edges_for_exp_nbf_and_iat() {
    let clock = clock(NOW);
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .leeway_secs(30)
        .reject_future_iat(true)
        .cache_capacity(0)
        .clock(clock.clone())
        .build()
        .unwrap();
    let exp = hs256(SECRET, &format!(r#"{{"exp":{NOW}}}"#));
    clock.set(NOW + 29);
    assert!(v.validate(&exp).is_ok(), "exp + leeway - 1");
    clock.set(NOW + 30);
    assert_eq!(code(v.validate(&exp)), Code::TokenExpired, "exp + leeway");
    for claim in ["nbf", "iat"] {
        let t = hs256(SECRET, &format!(r#"{{"exp":1800000000,"{claim}":{NOW}}}"#));
        clock.set(NOW - 30);
        assert!(v.validate(&t).is_ok(), "{claim} - leeway");
        clock.set(NOW - 31);
        let e = v.validate(&t).unwrap_err();
        assert_eq!(e.code(), Code::TokenNotYetValid, "{claim} - leeway - 1");
        assert!(e.to_string().contains(claim), "{e}");
    }
}

#[test]
fn nbf_float_is_rounded_up() {
    let v = hmac_validator();
    let t = hs256(SECRET, &format!(r#"{{"exp":1800000000,"nbf":{}.1}}"#, NOW - 1));
    assert_eq!(v.validate(&t).unwrap().nbf(), Some(NOW));
    let t = hs256(SECRET, &format!(r#"{{"exp":1800000000,"nbf":{NOW}.1}}"#));
    assert_eq!(code(v.validate(&t)), Code::TokenNotYetValid);
}

#[test]
fn size_cap_is_checked_first() {
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .max_token_bytes(200)
        .clock(clock(NOW))
        .build()
        .unwrap();
    let big = hs256(SECRET, &format!(r#"{{"exp":1800000000,"pad":"{}"}}"#, "x".repeat(200)));
    assert!(matches!(v.validate(&big), Err(TokenError::TooLarge { max: 200, .. })));
    assert_eq!(code(v.validate("x".repeat(201))), Code::TokenTooLarge, "before any parsing");
    assert_eq!(code(hmac_validator().validate("a".repeat(8193))), Code::TokenTooLarge, "8 KiB default");
}

#[test]
fn garbage_is_malformed_never_a_panic() {
    let v = hmac_validator();
    let h = b64(header("HS256", None));
    let p = b64(CLAIMS);
    let cases = [
        String::new(),
        ".".into(),
        "..".into(),
        "...".into(),
        "a.b".into(),
        format!("{h}..{p}.sig"),
        format!("{h}.{p}.sig.extra"),
        format!("{h}.{p}.a.b.c"),
        format!("{h}.{p}"),
        format!("!!.{p}.sig"),
        format!("{h}=.{p}.sig"),
        format!("{}.{p}.sig", b64("not json")),
        format!("{}.{p}.sig", b64("[1,2]")),
        format!("{}.{p}.sig", b64("")),
        format!(" {h}.{p}.sig"),
        "\u{0}\u{1}.\u{2}.\u{3}".into(),
        "é.é.é".into(),
    ];
    for t in &cases {
        assert_eq!(code(v.validate(t)), Code::TokenMalformed, "{t:?}");
    }
    // A correctly signed token whose payload is not a claims object, or not base64url.
    for payload in ["[1]", "\"s\"", "{\"exp\":1800000000,\"exp\":1800000001}", "{", ""] {
        let input = format!("{h}.{}", b64(payload));
        let tag = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET.as_bytes()),
            input.as_bytes(),
        );
        let t = format!("{input}.{}", b64(tag.as_ref()));
        assert_eq!(code(v.validate(&t)), Code::TokenMalformed, "{payload:?}");
    }
    let input = format!("{h}.@@@@");
    let tag = aws_lc_rs::hmac::sign(
        &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET.as_bytes()),
        input.as_bytes(),
    );
    assert_eq!(code(v.validate(format!("{input}.{}", b64(tag.as_ref())))), Code::TokenMalformed);
    assert_eq!(code(v.validate(format!("{h}.{p}.a+b/c="))), Code::TokenMalformed, "signature alphabet");
    // A signature whose last character has non-canonical trailing bits (43 characters carry
    // 258 bits for 256): malformed, like such a header or payload, not a bad signature.
    let input = format!("{h}.{p}");
    let tag = aws_lc_rs::hmac::sign(
        &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, SECRET.as_bytes()),
        input.as_bytes(),
    );
    let sig = b64(tag.as_ref());
    assert!(v.validate(format!("{input}.{sig}")).is_ok());
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = ALPHABET.iter().position(|&c| c == *sig.as_bytes().last().unwrap()).unwrap();
    let flipped = ALPHABET[last ^ 1] as char; // same 4 leading bits, another trailing bit
    let non_canonical = format!("{input}.{}{flipped}", &sig[..sig.len() - 1]);
    assert_eq!(code(v.validate(&non_canonical)), Code::TokenMalformed, "non-canonical signature");
    assert_eq!(code(v.validate(format!("{input}."))), Code::TokenBadSignature, "empty signature");
    // Invalid UTF-8 bytes.
    assert_eq!(code(v.validate([0xffu8, b'.', 0xfe, b'.', 0xfd])), Code::TokenMalformed);
}

#[test]
fn required_claim_kinds() {
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .require_claim("n", ClaimKind::Number)
        .require_claim("b", ClaimKind::Bool)
        .require_claim("any", ClaimKind::Any)
        .require_claim("jti", ClaimKind::String)
        .require_claim("nbf", ClaimKind::Integer)
        .clock(clock(NOW))
        .build()
        .unwrap();
    let ok = r#"{"exp":1800000000,"n":1.5,"b":false,"any":null,"jti":"j","nbf":1}"#;
    assert!(v.validate(hs256(SECRET, ok)).is_ok());
    for (bad, want) in [
        (r#"{"exp":1800000000,"n":"1","b":false,"any":0,"jti":"j","nbf":1}"#, Code::TokenInvalidClaim),
        (r#"{"exp":1800000000,"n":1,"b":0,"any":0,"jti":"j","nbf":1}"#, Code::TokenInvalidClaim),
        (r#"{"exp":1800000000,"n":1,"b":true,"jti":"j","nbf":1}"#, Code::TokenMissingClaim),
        (r#"{"exp":1800000000,"n":1,"b":true,"any":0,"nbf":1}"#, Code::TokenMissingClaim),
        (r#"{"exp":1800000000,"n":1,"b":true,"any":0,"jti":"j"}"#, Code::TokenMissingClaim),
    ] {
        assert_eq!(code(v.validate(hs256(SECRET, bad))), want, "{bad}");
    }
}

#[test]
fn jwks_document_rules() {
    let doc = serde_json::json!({"keys": [
        {"kty": "oct", "k": b64(SECRET), "kid": "mac", "alg": "HS256"},
        {"kty": "oct", "k": b64("short"), "kid": "short"},
        {"kty": "oct", "k": b64(SECRET), "kid": "enc", "use": "enc"},
        {"kty": "oct", "k": b64(SECRET), "kid": "wrapper", "key_ops": ["wrapKey"]},
        {"kty": "oct", "k": b64(SECRET), "kid": "oaep", "alg": "RSA-OAEP"},
        {"kty": "oct", "k": b64(SECRET), "kid": "hs512-only", "alg": "HS512"},
        {"kty": "XYZ", "kid": "unknown-kty"},
        {"kty": "EC", "crv": "P-256", "x": "AAAA", "y": "AAAA", "kid": "bad-ec"},
        {"kty": "RSA", "n": "AQAB", "e": "AQAB", "kid": "tiny-rsa"},
        {"kty": "oct", "k": b64(SECRET), "kid": "no-alg"},
        "not even an object",
    ]});
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .jwks_document(doc.to_string())
        .clock(clock(NOW))
        .build()
        .unwrap();
    let with_kid = |kid: &str| hs(Algorithm::HS256, SECRET.as_bytes(), &header("HS256", Some(kid)), CLAIMS);
    assert!(v.validate(with_kid("mac")).is_ok());
    assert!(v.validate(with_kid("no-alg")).is_ok(), "a key without alg serves its kty's allowed algorithms");
    for skipped in ["short", "enc", "wrapper", "oaep", "hs512-only", "unknown-kty", "bad-ec", "tiny-rsa"] {
        assert_eq!(code(v.validate(with_kid(skipped))), Code::TokenUnknownKeyId, "{skipped}");
    }
    // Whole-document failures.
    let build = |doc: String| Validator::builder().algorithms(&[Algorithm::HS256]).jwks_document(doc).build();
    assert_eq!(code(build("{}".into())), Code::TokenInvalidKey);
    assert_eq!(code(build("not json".into())), Code::TokenInvalidKey);
    assert_eq!(code(build(r#"{"keys":[{"kty":"XYZ"}]}"#.into())), Code::TokenInvalidKey);
    let many: Vec<_> =
        (0..65).map(|i| serde_json::json!({"kty":"oct","k":b64(SECRET),"kid":i.to_string()})).collect();
    assert_eq!(code(build(serde_json::json!({"keys": many}).to_string())), Code::TokenInvalidKey);
    let huge = format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(200 * 1024));
    assert_eq!(code(build(huge)), Code::TokenInvalidKey);
}

#[test]
fn verified_cache_rechecks_time_on_every_hit() {
    let clock = Arc::new(FixedClock::new(NOW));
    let v = Validator::builder()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .clock(clock.clone())
        .build()
        .unwrap();
    let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":{},"nbf":{}}}"#, NOW + 10, NOW - 5));
    let first = v.validate(&t).unwrap();
    assert_eq!(v.cached_tokens(), 0, "a token is cached from its second validation on");
    assert_eq!(v.validate(&t).unwrap(), first);
    assert_eq!(v.cached_tokens(), 1);
    assert_eq!(v.validate(&t).unwrap(), first, "cache hit returns the same claims");
    clock.set(NOW + 10);
    assert_eq!(code(v.validate(&t)), Code::TokenExpired, "a cached token still expires");
    clock.set(NOW - 6);
    assert_eq!(code(v.validate(&t)), Code::TokenNotYetValid, "and still honours nbf");
    clock.set(NOW);
    // A tampered copy of a cached token is not a hit.
    let (body, sig) = t.rsplit_once('.').unwrap();
    let tampered = format!("{body}.{}A", &sig[..sig.len() - 1]);
    assert!(v.validate(&tampered).is_err());
    assert!(v.validate(&t).is_ok());
    assert_eq!(clock.now(), NOW);
    assert_eq!(v.cached_tokens(), 1, "failures are never cached");
}

#[test]
fn decode_unverified_reads_without_checking() {
    let t = hs(Algorithm::HS256, b"whatever", &header("HS256", Some("k1")), r#"{"sub":"a","exp":1}"#);
    let u = decode_unverified(&t).unwrap();
    assert_eq!((u.alg(), u.kid()), (Some("HS256"), Some("k1")));
    assert_eq!(u.claims["sub"], "a");
    assert_eq!(u.signature_len, 32);
    let none = format!("{}.{}.", b64(header("none", None)), b64("{}"));
    assert_eq!(decode_unverified(none).unwrap().signature_len, 0);
    assert_eq!(code(decode_unverified("a.b")), Code::TokenMalformed);
    assert_eq!(code(decode_unverified("a".repeat(70_000))), Code::TokenTooLarge);
}

/// Every code of the token range is produced by some input (codes 100–113).
#[test]
fn every_token_code_is_reachable() {
    use std::collections::BTreeSet;
    let v = hmac_validator();
    let mut seen = BTreeSet::new();
    let note = |seen: &mut BTreeSet<u32>, r: Result<halext_core::token::Claims, TokenError>| {
        seen.insert(code(r).as_u32());
    };
    note(&mut seen, v.validate("a.b"));
    note(&mut seen, v.validate("a".repeat(9000)));
    note(&mut seen, v.validate(hs(Algorithm::HS256, b"x", &header("none", None), CLAIMS)));
    note(&mut seen, v.validate(hs256("wrong-secret-wrong-secret-wrong-secret!!", CLAIMS)));
    note(&mut seen, v.validate(hs256(SECRET, r#"{"exp":1}"#)));
    note(&mut seen, v.validate(hs256(SECRET, r#"{"exp":1800000000,"nbf":1800000000}"#)));
    let with_iss = ValidatorBuilder::new()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)))
        .issuer("me")
        .clock(clock(NOW))
        .build()
        .unwrap();
    note(&mut seen, with_iss.validate(hs256(SECRET, r#"{"exp":1800000000,"iss":"you"}"#)));
    note(&mut seen, v.validate(hs256(SECRET, r#"{"exp":1800000000,"aud":"x"}"#)));
    note(&mut seen, v.validate(hs256(SECRET, r#"{"sub":"a"}"#)));
    note(&mut seen, v.validate(hs256(SECRET, r#"{"exp":"soon"}"#)));
    let with_kid = ValidatorBuilder::new()
        .algorithms(&[Algorithm::HS256])
        .key(Key::hmac_secret(Secret::from(SECRET)).with_kid("a"))
        .build()
        .unwrap();
    note(
        &mut seen,
        with_kid.validate(hs(Algorithm::HS256, SECRET.as_bytes(), &header("HS256", Some("b")), CLAIMS)),
    );
    let unreachable = ValidatorBuilder::new()
        .algorithms(&[Algorithm::RS256])
        .jwks_url(
            "http://127.0.0.1:9/jwks",
            halext_core::token::JwksUrlOptions { allow_http_loopback: true, ..Default::default() },
        )
        .build()
        .unwrap();
    note(
        &mut seen,
        unreachable.validate(sign_pem(Algorithm::RS256, "rsa_private.pem", &header("RS256", None), CLAIMS)),
    );
    note(
        &mut seen,
        v.validate(hs(Algorithm::HS256, SECRET.as_bytes(), r#"{"alg":"HS256","crit":["x"],"x":1}"#, CLAIMS)),
    );
    seen.insert(code(Validator::halext_access_token(Secret::from("short"))).as_u32());
    let token_codes: BTreeSet<u32> =
        Code::ALL.iter().map(|c| c.as_u32()).filter(|n| (100..200).contains(n)).collect();
    assert_eq!(seen, token_codes);
}

#[test]
fn validators_and_claims_are_send_sync_and_debug_shows_no_secret() {
    fn send_sync<T: Send + Sync + Clone>() {}
    send_sync::<Validator>();
    send_sync::<halext_core::token::Claims>();
    send_sync::<Key>();
    let shown = format!("{:?} {:?}", hmac_validator(), Key::hmac_secret(Secret::from(SECRET)));
    assert!(!shown.contains(SECRET), "{shown}");
}
