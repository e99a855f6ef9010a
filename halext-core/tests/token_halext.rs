//! The Halext access-token and OpenWebUI SSO profiles against tokens shaped exactly like the
//! real server's (halext-api.md §1.2–1.3, §6). `token_data/python-jose-vectors.json` holds
//! tokens minted by python-jose 3.5.0, the library the server signs with.
#![allow(clippy::unwrap_used, missing_docs)]

mod token_support;

use halext_core::token::halext_format::{self, OpenWebUiSsoClaims};
use halext_core::token::{Algorithm, Validator, ValidatorBuilder};
use halext_core::{Code, HalextError, Secret};
use token_support::*;

fn halext(now: i64) -> Validator {
    ValidatorBuilder::halext_access_token(Secret::from(SECRET)).clock(clock(now)).build().unwrap()
}

fn vectors() -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(format!(
        "{}/tests/token_data/python-jose-vectors.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["vectors"].as_array().unwrap().clone()
}

#[test]
fn signing_reproduces_python_jose_byte_for_byte() {
    let mut checked = 0;
    for v in vectors() {
        let secret = Secret::from(v["secret"].as_str().unwrap());
        let token = v["token"].as_str().unwrap();
        let ours = if let Some(o) = v.get("openwebui") {
            halext_format::sign_openwebui_sso_token(
                &secret,
                &OpenWebUiSsoClaims {
                    user_id: o["user_id"].as_i64().unwrap(),
                    username: o["username"].as_str().unwrap().into(),
                    email: o["email"].as_str().unwrap().into(),
                    iat: o["iat"].as_i64().unwrap(),
                    exp: o["exp"].as_i64().unwrap(),
                },
            )
        } else {
            halext_format::sign_access_token(&secret, v["sub"].as_str().unwrap(), v["exp"].as_i64().unwrap())
        };
        assert_eq!(ours, token, "vector {v}");
        checked += 1;
    }
    assert_eq!(checked, 6);
}

#[test]
fn python_jose_tokens_validate_with_their_exact_claims() {
    for v in vectors() {
        if v.get("openwebui").is_some() {
            continue;
        }
        let exp = v["exp"].as_i64().unwrap();
        let claims = halext(exp - 1).validate(v["token"].as_str().unwrap()).unwrap();
        assert_eq!(claims.sub(), v["sub"].as_str());
        assert_eq!(claims.exp(), Some(exp));
        assert_eq!(claims.alg(), Algorithm::HS256);
        assert_eq!(claims.to_json(), serde_json::json!({"sub": v["sub"], "exp": exp}));
        assert!(claims.extra().is_empty() && claims.kid().is_none() && claims.aud().is_empty());
    }
}

#[test]
fn two_logins_in_the_same_second_give_identical_tokens() {
    let secret = Secret::from(SECRET);
    let a = halext_format::sign_access_token(&secret, "alice", NOW + 1800);
    let b = halext_format::sign_access_token(&secret, "alice", NOW + 1800);
    assert_eq!(a, b);
    let v = halext(NOW);
    assert_eq!(v.validate(&a).unwrap(), v.validate(&b).unwrap());
    assert_ne!(a, halext_format::sign_access_token(&secret, "alice", NOW + 1801));
}

#[test]
fn exp_has_no_leeway_and_ends_validity_at_exp() {
    let token = halext_format::sign_access_token(&Secret::from(SECRET), "alice", NOW);
    assert!(halext(NOW - 1).validate(&token).is_ok());
    let e = halext(NOW).validate(&token).unwrap_err();
    assert_eq!(e.code(), Code::TokenExpired);
    assert!(matches!(e, halext_core::token::TokenError::Expired { exp: NOW, now: NOW, leeway_secs: 0 }));
    assert!(!e.to_string().contains(&token[..20]), "message must not contain the token: {e}");
}

#[test]
fn exp_is_required_unless_explicitly_allowed() {
    let token = hs256(SECRET, r#"{"sub":"alice"}"#);
    let e = halext(NOW).validate(&token).unwrap_err();
    assert_eq!(e.code(), Code::TokenMissingClaim);
    assert!(e.to_string().contains("exp"), "{e}");
    let lenient = ValidatorBuilder::halext_access_token(Secret::from(SECRET))
        .allow_missing_exp(true)
        .clock(clock(i64::MAX))
        .build()
        .unwrap();
    assert_eq!(lenient.validate(&token).unwrap().sub(), Some("alice"));
}

#[test]
fn sub_must_be_a_string() {
    assert_eq!(
        code(halext(NOW).validate(hs256(SECRET, r#"{"sub":7,"exp":1800000000}"#))),
        Code::TokenInvalidClaim
    );
    assert_eq!(code(halext(NOW).validate(hs256(SECRET, r#"{"exp":1800000000}"#))), Code::TokenMissingClaim);
}

#[test]
fn aud_is_rejected_like_the_server_does() {
    for aud in [r#""halext""#, r#"["halext"]"#, "[]"] {
        let t = hs256(SECRET, &format!(r#"{{"sub":"alice","exp":1800000000,"aud":{aud}}}"#));
        assert_eq!(code(halext(NOW).validate(&t)), Code::TokenWrongAudience, "{aud}");
    }
}

#[test]
fn future_nbf_is_rejected_and_iat_is_only_type_checked() {
    let v = halext(NOW);
    let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":1800000000,"nbf":{}}}"#, NOW + 1));
    assert_eq!(code(v.validate(&t)), Code::TokenNotYetValid);
    let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":1800000000,"nbf":{NOW}}}"#));
    assert!(v.validate(&t).is_ok(), "valid from nbf on");
    let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":1800000000,"iat":{}}}"#, NOW + 3600));
    assert!(v.validate(&t).is_ok(), "future iat passes, as on the server");
    let strict = ValidatorBuilder::halext_access_token(Secret::from(SECRET))
        .reject_future_iat(true)
        .clock(clock(NOW))
        .build()
        .unwrap();
    assert_eq!(code(strict.validate(&t)), Code::TokenNotYetValid);
    for iat in [r#""yesterday""#, "null", "true", "{}"] {
        let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":1800000000,"iat":{iat}}}"#));
        assert_eq!(code(v.validate(&t)), Code::TokenInvalidClaim, "{iat}");
    }
}

#[test]
fn float_exp_is_accepted_and_rounded_down() {
    let v = halext(NOW);
    let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":{}.75}}"#, NOW + 1));
    assert_eq!(v.validate(&t).unwrap().exp(), Some(NOW + 1));
    // exp = now + 0.5: the server would still accept it for half a second; we already refuse.
    let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":{NOW}.5}}"#));
    assert_eq!(code(v.validate(&t)), Code::TokenExpired);
}

#[test]
fn huge_and_negative_exp() {
    let v = halext(NOW);
    for huge in ["253402300800", "9223372036854775807", "9223372036854775808", "1e20", "18446744073709551616"]
    {
        let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":{huge}}}"#));
        assert_eq!(code(v.validate(&t)), Code::TokenInvalidClaim, "{huge}");
    }
    let t = hs256(SECRET, r#"{"sub":"a","exp":253402300799}"#);
    assert_eq!(v.validate(&t).unwrap().exp(), Some(253_402_300_799), "year 9999 is still a date");
    for neg in ["-1", "-1700000000", "-0.5"] {
        let t = hs256(SECRET, &format!(r#"{{"sub":"a","exp":{neg}}}"#));
        assert_eq!(code(v.validate(&t)), Code::TokenExpired, "{neg}");
    }
    let t = hs256(SECRET, r#"{"sub":"a","exp":"1800000000"}"#);
    assert_eq!(code(v.validate(&t)), Code::TokenInvalidClaim, "a numeric string is not a NumericDate");
}

#[test]
fn only_hs256_with_the_right_secret_passes() {
    let v = halext(NOW);
    let claims = r#"{"sub":"a","exp":1800000000}"#;
    let hs512 = hs(Algorithm::HS512, SECRET.as_bytes(), r#"{"alg":"HS512","typ":"JWT"}"#, claims);
    assert_eq!(code(v.validate(hs512)), Code::TokenAlgorithm);
    assert_eq!(
        code(v.validate(hs256("another-secret-of-sufficient-length-0001", claims))),
        Code::TokenBadSignature
    );
    let good = hs256(SECRET, claims);
    let (body, sig) = good.rsplit_once('.').unwrap();
    let mut flipped = sig.as_bytes().to_vec();
    flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
    let forged = format!("{body}.{}", String::from_utf8(flipped).unwrap());
    assert_eq!(code(v.validate(forged)), Code::TokenBadSignature);
    assert_eq!(code(v.validate(format!("{body}."))), Code::TokenBadSignature, "empty signature");
    assert_eq!(code(v.validate(format!("{body}.{}", &sig[..20]))), Code::TokenBadSignature, "truncated");
    assert!(v.validate(&good).is_ok());
}

#[test]
fn extra_claims_are_kept_and_ignored() {
    let t = hs256(SECRET, r#"{"sub":"a","exp":1800000000,"iss":"someone","uid":5}"#);
    let c = halext(NOW).validate(&t).unwrap();
    assert_eq!((c.iss(), c.get_i64("uid")), (Some("someone"), Some(5)));
}

#[test]
fn short_and_empty_secrets() {
    let e = Validator::halext_access_token(Secret::from("short-legacy-secret")).unwrap_err();
    assert_eq!(e.code(), Code::TokenInvalidKey);
    assert!(!e.to_string().contains("short-legacy-secret"), "{e}");
    let v = ValidatorBuilder::halext_access_token(Secret::from("short-legacy-secret"))
        .allow_short_secret(true)
        .clock(clock(NOW))
        .build()
        .unwrap();
    let t = halext_format::sign_access_token(&Secret::from("short-legacy-secret"), "a", NOW + 10);
    assert_eq!(v.validate(&t).unwrap().sub(), Some("a"));
    let e = ValidatorBuilder::halext_access_token(Secret::new(Vec::new())).allow_short_secret(true).build();
    assert_eq!(code(e), Code::TokenInvalidKey);
    // The server's public default secret is long enough: it builds (with a logged warning).
    assert!(Validator::halext_access_token(Secret::from("a_very_secret_key_that_should_be_in_env")).is_ok());
}

fn sso(secret: &str) -> Validator {
    ValidatorBuilder::openwebui_sso_token(Secret::from(secret)).clock(clock(NOW)).build().unwrap()
}

const SSO_SECRET: &str = "openwebui-sso-secret-0123456789-abcdef";

#[test]
fn openwebui_sso_token() {
    let claims = OpenWebUiSsoClaims {
        user_id: 42,
        username: "alice".into(),
        email: "alice@example.org".into(),
        iat: NOW,
        exp: NOW + 86_400,
    };
    let token = halext_format::sign_openwebui_sso_token(&Secret::from(SSO_SECRET), &claims);
    let c = sso(SSO_SECRET).validate(&token).unwrap();
    assert_eq!(c.iss(), Some("halext-org"));
    assert_eq!(c.get_i64("user_id"), Some(42));
    assert_eq!((c.get_str("username"), c.get_str("email")), (Some("alice"), Some("alice@example.org")));
    assert_eq!((c.iat(), c.exp()), (Some(NOW), Some(NOW + 86_400)));

    // Signed with SECRET_KEY instead of JWT_SECRET_KEY.
    assert_eq!(code(sso(SECRET).validate(&token)), Code::TokenBadSignature);
    // An access token is not an SSO token.
    let access = halext_format::sign_access_token(&Secret::from(SSO_SECRET), "alice", NOW + 60);
    assert_eq!(code(sso(SSO_SECRET).validate(access)), Code::TokenMissingClaim);

    let base = r#""username":"alice","email":"a@x","exp":1800000000,"iat":1700000000"#;
    let cases = [
        (format!(r#"{{"user_id":42,{base},"iss":"evil"}}"#), Code::TokenWrongIssuer),
        (format!(r#"{{"user_id":42,{base}}}"#), Code::TokenMissingClaim),
        (format!(r#"{{"user_id":"42",{base},"iss":"halext-org"}}"#), Code::TokenInvalidClaim),
        (format!(r#"{{"user_id":4.2,{base},"iss":"halext-org"}}"#), Code::TokenInvalidClaim),
        (format!(r#"{{{base},"iss":"halext-org"}}"#), Code::TokenMissingClaim),
        (
            r#"{"user_id":1,"username":"a","email":"e","exp":1800000000,"iss":"halext-org"}"#.into(),
            Code::TokenMissingClaim,
        ),
        (
            format!(r#"{{"user_id":42,{base},"iss":"halext-org","aud":"openwebui"}}"#),
            Code::TokenWrongAudience,
        ),
    ];
    for (claims, want) in cases {
        assert_eq!(code(sso(SSO_SECRET).validate(hs256(SSO_SECRET, &claims))), want, "{claims}");
    }
    let e = sso(SSO_SECRET).validate(hs256(SSO_SECRET, &format!(r#"{{"user_id":42,{base},"iss":"evil"}}"#)));
    assert!(e.unwrap_err().to_string().contains("halext-org"), "names the expected issuer");
}
