//! Passwords (passlib `pbkdf2_sha256`, reference §1.6), access tokens (HS256 with `sub`+`exp`,
//! 30 minutes, reference §1.2) and their validation as python-jose does it (reference §1.3).

use crate::errors::{admin_required, unauthorized};
use crate::state::{AppState, UserRow};
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::Response;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::{Value, json};
use sha2::Sha256;
use std::sync::Arc;

/// Rounds passlib uses for new `pbkdf2_sha256` hashes.
pub const DEFAULT_ROUNDS: u32 = 29_000;
/// Lifetime of an access token in seconds (`ACCESS_TOKEN_EXPIRE_MINUTES = 30`).
pub const TOKEN_LIFETIME_SECS: i64 = 30 * 60;

/// passlib's "adapted base64": standard alphabet with `.` for `+`, no padding.
fn ab64_encode(bytes: &[u8]) -> String {
    STANDARD_NO_PAD.encode(bytes).replace('+', ".")
}

fn ab64_decode(s: &str) -> Option<Vec<u8>> {
    STANDARD_NO_PAD.decode(s.replace('.', "+")).ok()
}

/// `$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 digest>` with a random 16-byte salt.
pub fn hash_password(password: &str, rounds: u32) -> String {
    let salt: [u8; 16] = rand::random();
    let mut digest = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, rounds, &mut digest);
    format!("$pbkdf2-sha256${rounds}${}${}", ab64_encode(&salt), ab64_encode(&digest))
}

/// Verifies a password against a stored hash. `Err(())` when the hash is not a
/// `pbkdf2-sha256` hash at all: the real server crashes with a 500 there (reference §1.6).
#[allow(clippy::result_unit_err)]
pub fn verify_password(password: &str, stored: &str) -> Result<bool, ()> {
    let mut parts = stored.split('$');
    let (Some(""), Some("pbkdf2-sha256"), Some(rounds), Some(salt), Some(digest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(());
    };
    let rounds: u32 = rounds.parse().map_err(|_| ())?;
    let (Some(salt), Some(digest)) = (ab64_decode(salt), ab64_decode(digest)) else {
        return Err(());
    };
    if rounds == 0 || digest.is_empty() {
        return Err(());
    }
    let mut out = vec![0u8; digest.len()];
    pbkdf2::pbkdf2_hmac::<Sha256>(password.as_bytes(), &salt, rounds, &mut out);
    Ok(out == digest)
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Signs `claims` with HS256 and `secret` (header `{"alg":"HS256","typ":"JWT"}`).
pub fn sign(claims: &Value, secret: &str) -> String {
    // An empty secret cannot sign (jsonwebtoken refuses it): such a server issues empty tokens.
    EncodingKey::from_secret(secret.as_bytes())
        .and_then(|key| jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key))
        .unwrap_or_default()
}

/// A Halext access token: exactly `sub` and `exp` (now + 30 minutes).
pub fn mint_access_token(username: &str, secret: &str) -> String {
    sign(&json!({ "sub": username, "exp": unix_now() + TOKEN_LIFETIME_SECS }), secret)
}

/// The username of a valid token, following python-jose `jwt.decode(token, key, ["HS256"])`:
/// HS256 only; `exp` checked with no leeway when present (int or float; absent = forever);
/// a future `nbf` rejected; a non-numeric `iat` rejected; any `aud` rejected; `sub` a string.
pub fn token_subject(token: &str, secret: &str) -> Option<String> {
    let mut v = Validation::new(Algorithm::HS256);
    v.required_spec_claims.clear();
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.leeway = 0;
    let key = DecodingKey::from_secret(secret.as_bytes()).ok()?;
    let data = jsonwebtoken::decode::<Value>(token, &key, &v).ok()?;
    let claims = data.claims.as_object()?;
    let now = unix_now() as f64;
    if let Some(exp) = claims.get("exp") {
        if exp.as_f64()? < now {
            return None;
        }
    }
    if let Some(nbf) = claims.get("nbf") {
        if nbf.as_f64()? > now {
            return None;
        }
    }
    if let Some(iat) = claims.get("iat") {
        iat.as_f64()?;
    }
    if claims.contains_key("aud") {
        return None;
    }
    claims.get("sub")?.as_str().map(str::to_owned)
}

/// The authenticated caller (`get_current_user`): 401 `Not authenticated` without a bearer
/// header, 401 `Could not validate credentials` for a bad token or unknown `sub`.
pub struct CurrentUser(pub UserRow);

impl FromRequestParts<Arc<AppState>> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Response> {
        let header = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or("");
        let (scheme, token) = header.split_once(' ').unwrap_or((header, ""));
        if header.is_empty() || !scheme.eq_ignore_ascii_case("bearer") {
            return Err(unauthorized("Not authenticated"));
        }
        let sub = token_subject(token.trim(), &state.config.secret_key)
            .ok_or_else(|| unauthorized("Could not validate credentials"))?;
        let user = state.db().user_by_name(&sub).cloned();
        user.map(CurrentUser).ok_or_else(|| unauthorized("Could not validate credentials"))
    }
}

/// An authenticated admin: as [`CurrentUser`], then 403 `Admin access required`.
pub struct AdminUser(pub UserRow);

impl FromRequestParts<Arc<AppState>> for AdminUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Arc<AppState>) -> Result<Self, Response> {
        let CurrentUser(user) = CurrentUser::from_request_parts(parts, state).await?;
        if user.is_admin { Ok(AdminUser(user)) } else { Err(admin_required()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verifies_the_reference_passlib_shape_and_rejects_other_formats() {
        let h = hash_password("correct horse", 1000);
        let fields: Vec<&str> = h.split('$').collect();
        assert_eq!(fields[1..3], ["pbkdf2-sha256", "1000"]);
        assert_eq!((fields[3].len(), fields[4].len()), (22, 43));
        assert_eq!(verify_password("correct horse", &h), Ok(true));
        assert_eq!(verify_password("wrong", &h), Ok(false));
        assert_eq!(verify_password("x", "$2y$10$abcdefghijklmnopqrstuu"), Err(()));
        assert_eq!(verify_password("x", "5f4dcc3b5aa765d61d8327deb882cf99"), Err(()));
    }

    #[test]
    fn verifies_the_project_passlib_vectors() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/hash-vectors.json");
        let vectors: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json");
        let mut n = 0;
        for v in vectors.iter().filter(|v| v["scheme"] == "halext_pbkdf2_sha256") {
            let (pw, hash) = (v["password"].as_str().expect("pw"), v["hash"].as_str().expect("hash"));
            assert_eq!(verify_password(pw, hash), Ok(v["valid"] == true), "{hash}");
            n += 1;
        }
        assert!(n >= 4, "found {n} vectors");
    }

    #[test]
    fn token_rules_follow_python_jose() {
        let k = "k";
        let now = unix_now();
        assert_eq!(token_subject(&mint_access_token("ann", k), k).as_deref(), Some("ann"));
        assert_eq!(token_subject(&mint_access_token("ann", k), "other"), None);
        assert_eq!(token_subject(&sign(&json!({"sub": "ann"}), k), k).as_deref(), Some("ann"));
        assert_eq!(token_subject(&sign(&json!({"sub": "ann", "exp": now - 1}), k), k), None);
        assert!(token_subject(&sign(&json!({"sub": "ann", "exp": (now + 60) as f64 + 0.5}), k), k).is_some());
        assert_eq!(token_subject(&sign(&json!({"sub": "ann", "aud": "x"}), k), k), None);
        assert_eq!(token_subject(&sign(&json!({"sub": "ann", "nbf": now + 100}), k), k), None);
        assert_eq!(token_subject(&sign(&json!({"sub": "ann", "iat": "x"}), k), k), None);
        assert_eq!(token_subject(&sign(&json!({"sub": 7}), k), k), None);
        let hs512 = jsonwebtoken::encode(
            &Header::new(Algorithm::HS512),
            &json!({"sub": "ann"}),
            &EncodingKey::from_secret(k.as_bytes()).expect("key"),
        )
        .expect("sign");
        assert_eq!(token_subject(&hs512, k), None);
    }
}
