//! [`AccessToken`]: a Halext bearer token held as a secret, with its `exp` and `sub` read
//! from the payload **without verification** (for caching decisions only; reference §1.2).

use crate::secret::Secret;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::fmt;

/// Largest token accepted as a bearer credential, in bytes. Halext tokens are ~150 bytes.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// A bearer token. `Debug` prints `AccessToken(<redacted>, exp=…)`, never the token.
///
/// `expires_at` and `subject` come from the JWT payload decoded without checking the
/// signature: use them to decide how long to cache, never to decide who the user is.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken {
    secret: Secret,
    expires_at: Option<i64>,
    subject: Option<String>,
}

impl AccessToken {
    /// Wraps a token string (e.g. one kept in a PHP session). Never fails: a token whose
    /// payload cannot be read simply has no known expiry or subject.
    pub fn new(token: impl Into<String>) -> Self {
        let token: String = token.into();
        let (expires_at, subject) = read_unverified(&token);
        AccessToken { secret: Secret::from(token), expires_at, subject }
    }

    /// The token text, for the `Authorization: Bearer` header. Never log it.
    pub fn expose(&self) -> &str {
        self.secret.expose_str().unwrap_or("")
    }

    /// `exp` (Unix seconds, rounded down), read without verification. `None` when absent or
    /// unreadable (Halext accepts tokens without `exp` forever; reference §1.3).
    pub fn expires_at(&self) -> Option<i64> {
        self.expires_at
    }

    /// `sub` (the username), read without verification.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// Seconds left before `exp` at `now` (Unix seconds); negative once expired, `None`
    /// without `exp`.
    pub fn seconds_left(&self, now: i64) -> Option<i64> {
        self.expires_at.map(|exp| exp - now)
    }

    /// True when `exp` is known and not after `now` (Unix seconds). Halext rejects a token
    /// once `exp < now`; this errs a second early.
    pub fn is_expired_at(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|exp| exp <= now)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.secret.len()
    }

    /// True for an empty token.
    pub fn is_empty(&self) -> bool {
        self.secret.is_empty()
    }
}

impl From<String> for AccessToken {
    fn from(s: String) -> Self {
        AccessToken::new(s)
    }
}

impl From<&str> for AccessToken {
    fn from(s: &str) -> Self {
        AccessToken::new(s)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken(<redacted, {} bytes>, exp={:?})", self.secret.len(), self.expires_at)
    }
}

/// `exp` and `sub` of a compact JWS payload, without verification.
fn read_unverified(token: &str) -> (Option<i64>, Option<String>) {
    if token.len() > MAX_TOKEN_BYTES {
        return (None, None);
    }
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return (None, None);
    };
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')) else {
        return (None, None);
    };
    let Ok(serde_json::Value::Object(mut claims)) = serde_json::from_slice::<serde_json::Value>(&bytes)
    else {
        return (None, None);
    };
    let exp = match claims.get("exp") {
        Some(serde_json::Value::Number(n)) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
        }
        _ => None,
    };
    let sub = match claims.remove("sub") {
        Some(serde_json::Value::String(s)) => Some(s),
        _ => None,
    };
    (exp, sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.{}.c2ln", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn reads_exp_and_sub_without_verification() {
        let t = AccessToken::new(jwt(r#"{"sub":"ann","exp":1795971293}"#));
        assert_eq!((t.expires_at(), t.subject()), (Some(1_795_971_293), Some("ann")));
        assert!(t.is_expired_at(1_795_971_293));
        assert!(!t.is_expired_at(1_795_971_292));
        assert_eq!(t.seconds_left(1_795_971_283), Some(10));
        let t = AccessToken::new(jwt(r#"{"sub":"ann","exp":1795971293.9}"#));
        assert_eq!(t.expires_at(), Some(1_795_971_293));
        let t = AccessToken::new(jwt(r#"{"sub":7}"#));
        assert_eq!((t.expires_at(), t.subject()), (None, None));
    }

    #[test]
    fn garbage_is_accepted_without_claims() {
        for s in ["", "abc", "a.b", "a.!!!.c", "a.b.c.d", &jwt("[1]"), &jwt(r#"{"exp":"soon"}"#)] {
            let t = AccessToken::new(s);
            assert_eq!((t.expires_at(), t.subject()), (None, None), "{s}");
            assert_eq!(t.expose(), s);
        }
    }

    #[test]
    fn debug_never_shows_the_token() {
        let raw = jwt(r#"{"sub":"ann","exp":1}"#);
        let shown = format!("{:?}", AccessToken::new(raw.clone()));
        assert!(!shown.contains(&raw) && !shown.contains("c2ln"), "{shown}");
    }
}
