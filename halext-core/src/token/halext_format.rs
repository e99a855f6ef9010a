//! **For tests and demos only — not for production use.** Mints tokens byte-for-byte the way the
//! Halext server does, so tests and the demo can exercise validators without a running server.
//!
//! Production tokens come from Halext (`POST /token`, `POST /integrations/openwebui/sso`); a PHP
//! site holding the secret must never mint its own (halext-api.md §1.3: anyone with the secret
//! can impersonate any user).
//!
//! The layout is python-jose's (`jose.jwt.encode`, HS256), which the server uses:
//! * header: `json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":"), sort_keys=True)`
//!   → `{"alg":"HS256","typ":"JWT"}`;
//! * claims: `json.dumps(claims, separators=(",", ":"))` in insertion order, with Python's
//!   default `ensure_ascii=True` (every non-ASCII character as a lowercase `\uXXXX` escape,
//!   UTF-16 surrogate pairs beyond U+FFFF); datetimes become integer seconds (`timegm`);
//! * each part base64url without padding; signature HMAC-SHA256 over `header.payload` with the
//!   secret's bytes.
//!
//! The access token's claims are `{"sub":<username>,"exp":<int>}` (halext-api.md §1.2); the
//! OpenWebUI SSO token's are `{"user_id","username","email","exp","iat","iss":"halext-org"}` (§6).

use std::fmt::Write as _;

use aws_lc_rs::hmac;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::Secret;

/// The issuer of OpenWebUI SSO tokens (halext-api.md §6).
pub const OPENWEBUI_SSO_ISSUER: &str = "halext-org";

/// Appends `s` as a JSON string the way Python's `json.dumps` (ensure_ascii) writes it.
pub fn python_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
    }
    out.push('"');
}

fn sign_hs256(secret: &Secret, payload_json: &str) -> String {
    // base64url('{"alg":"HS256","typ":"JWT"}'), python-jose's sorted, compact header.
    const HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    let mut token = String::with_capacity(HEADER.len() + payload_json.len() * 4 / 3 + 48);
    token.push_str(HEADER);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload_json, &mut token);
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.expose());
    let tag = hmac::sign(&key, token.as_bytes());
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(tag.as_ref(), &mut token);
    token
}

/// **Test/demo only.** A Halext access token for username `sub` expiring at `exp` (seconds since
/// the Unix epoch), identical to what the server's `POST /token` returns for the same inputs.
pub fn sign_access_token(secret: &Secret, sub: &str, exp: i64) -> String {
    let mut json = String::from("{\"sub\":");
    python_json_string(&mut json, sub);
    let _ = write!(json, ",\"exp\":{exp}}}");
    sign_hs256(secret, &json)
}

/// The claims of an OpenWebUI SSO token (halext-api.md §6). Times in seconds since the epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenWebUiSsoClaims {
    /// The Halext user id.
    pub user_id: i64,
    /// The Halext username.
    pub username: String,
    /// The user's email.
    pub email: String,
    /// Issued at (the server sets now).
    pub iat: i64,
    /// Expiry (the server sets now + 24 h).
    pub exp: i64,
}

/// **Test/demo only.** An OpenWebUI SSO token signed with `JWT_SECRET_KEY`, in the server's layout:
/// `{"user_id":..,"username":..,"email":..,"exp":..,"iat":..,"iss":"halext-org"}`.
pub fn sign_openwebui_sso_token(secret: &Secret, claims: &OpenWebUiSsoClaims) -> String {
    let mut json = String::new();
    let _ = write!(json, "{{\"user_id\":{},\"username\":", claims.user_id);
    python_json_string(&mut json, &claims.username);
    json.push_str(",\"email\":");
    python_json_string(&mut json, &claims.email);
    let _ = write!(json, ",\"exp\":{},\"iat\":{},\"iss\":", claims.exp, claims.iat);
    python_json_string(&mut json, OPENWEBUI_SSO_ISSUER);
    json.push('}');
    sign_hs256(secret, &json)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn python_string_escapes() {
        let mut s = String::new();
        python_json_string(&mut s, "a\"\\\n\u{1}\u{7f}é€😀/");
        assert_eq!(s, r#""a\"\\\n\u0001\u007f\u00e9\u20ac\ud83d\ude00/""#);
    }

    #[test]
    fn header_constant_is_python_joses() {
        assert_eq!(
            URL_SAFE_NO_PAD.decode("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9").unwrap(),
            br#"{"alg":"HS256","typ":"JWT"}"#
        );
    }
}
