//! The shapes the bindings exchange with PHP and C for login-time migration, registration and
//! resolve/link: results as JSON values (PHP converts them to arrays, C returns the text) and
//! the parsing of the few structured arguments. One definition, so `Halext\Migration` and
//! `halext_migration_*` return the same keys.
//!
//! | result | JSON |
//! | --- | --- |
//! | [`LoginResult`] ([`login_json`]) | `{"outcome": "migrated", "access_token": "eyJ…" \| null, "expires_at": 1764432000 \| null, "legacy_id": 2, "halext_username": "bob" \| null, "halext_login": null \| "bob@example.org"}` |
//! | [`Mapping`] ([`mapping_json`]) | `{"site", "legacy_id", "halext_username", "halext_user_id", "halext_email", "full_name", "status", "method", "reason", "plan_run", "created_at", "updated_at", "linked_at"}` (times: Unix seconds) |
//! | reverse lookup ([`reverse_json`]) | `[{"site": "wordpress", "legacy_id": 2}, …]` |
//! | [`RegisteredAccount`] ([`registered_json`]) | `{"id": 7, "username": "newcomer"}` |
//!
//! `outcome` is [`super::login::LoginOutcome::as_str`]; `expires_at` is the token's `exp`, read
//! **without verification** (for cookie lifetimes; validate the token to trust it).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroize;

use super::error::MigrationError;
use super::halext::{NewAccount, RegisteredAccount};
use super::login::LoginResult;
use super::model::{LinkMethod, Mapping, MappingKey};
use crate::Secret;
use crate::token::decode_unverified;

/// A JSON object whose keys keep the order given here (the order the docs list them): it
/// serialises in that order (C's JSON text) and bindings iterate it (PHP's array order).
#[derive(Debug, Clone, PartialEq)]
pub struct Object(pub Vec<(&'static str, Value)>);

impl Object {
    /// The value of `key`, if present.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().map(|(k, _)| *k)
    }
}

impl Serialize for Object {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl std::ops::Index<&str> for Object {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

/// An [`Object`] holding an access token: the token's text is zeroed when this is dropped.
/// Deref to the object to convert or serialise it.
#[derive(Debug)]
pub struct TokenJson(Object);

impl std::ops::Deref for TokenJson {
    type Target = Object;
    fn deref(&self) -> &Object {
        &self.0
    }
}

impl Drop for TokenJson {
    fn drop(&mut self) {
        for (k, v) in &mut self.0.0 {
            if let (&mut "access_token", Value::String(token)) = (k, v) {
                token.zeroize();
            }
        }
    }
}

/// `exp` of a token, read without verification (rounded down); `None` when absent or unreadable.
pub fn unverified_exp(token: &[u8]) -> Option<i64> {
    let t = decode_unverified(token).ok()?;
    let exp = t.claims.get("exp")?;
    exp.as_i64().or_else(|| exp.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64))
}

fn opt<T: Into<Value>>(v: Option<T>) -> Value {
    v.map_or(Value::Null, Into::into)
}

/// A [`LoginResult`] as JSON (see the module docs). The token text is in the result, so it is
/// wrapped in a [`TokenJson`].
pub fn login_json(r: &LoginResult) -> TokenJson {
    let token = r.access_token.as_ref().and_then(Secret::expose_str);
    TokenJson(Object(vec![
        ("outcome", r.outcome.as_str().into()),
        ("access_token", opt(token)),
        ("expires_at", opt(r.access_token.as_ref().and_then(|t| unverified_exp(t.expose())))),
        ("legacy_id", r.legacy_user_id.into()),
        ("halext_username", opt(r.halext_username.clone())),
        ("halext_login", opt(r.halext_login.clone())),
    ]))
}

/// A mapping row as JSON (see the module docs); `method` is the row's `link_method`.
pub fn mapping_json(m: &Mapping) -> Object {
    Object(vec![
        ("site", (*m.site).into()),
        ("legacy_id", m.legacy_id.into()),
        ("halext_username", opt(m.halext_username.clone())),
        ("halext_user_id", opt(m.halext_user_id)),
        ("halext_email", opt(m.halext_email.clone())),
        ("full_name", opt(m.full_name.clone())),
        ("status", m.status.as_str().into()),
        ("method", m.link_method.as_str().into()),
        ("reason", m.reason.clone().into()),
        ("plan_run", opt(m.plan_run.clone())),
        ("created_at", m.created_at.into()),
        ("updated_at", m.updated_at.into()),
        ("linked_at", opt(m.linked_at)),
    ])
}

/// The legacy accounts of a reverse lookup as a list of `{"site", "legacy_id"}`.
pub fn reverse_json(keys: &[MappingKey]) -> Vec<Object> {
    keys.iter().map(|k| Object(vec![("site", (*k.site).into()), ("legacy_id", k.legacy_id.into())])).collect()
}

/// A registered Halext account as `{"id", "username"}`.
pub fn registered_json(a: &RegisteredAccount) -> Object {
    Object(vec![("id", a.id.into()), ("username", a.username.clone().into())])
}

/// The link methods a binding's `link()` accepts: `"registration"` (gated registration, the
/// default), `"login"` (the app linked the account at a login it verified itself) and
/// `"manual"` (an operator; may replace an existing link). `"plan"` is written by `apply`
/// only.
///
/// # Errors
/// [`MigrationError::InvalidArgument`] for any other name.
pub fn parse_link_method(name: &str) -> Result<LinkMethod, MigrationError> {
    match LinkMethod::parse(name) {
        Some(m @ (LinkMethod::Registration | LinkMethod::Login | LinkMethod::Manual)) => Ok(m),
        _ => Err(MigrationError::InvalidArgument(format!(
            "link method {:?}: use \"registration\", \"login\" or \"manual\"",
            name.chars().take(40).collect::<String>()
        ))),
    }
}

/// The account fields of a registration (`username`, `email`, `full_name`) from a JSON object,
/// with the password given separately (a secret, never in the JSON). `is_admin` is accepted
/// and ignored: registration never forwards it (least privilege towards Halext). A `password`
/// key, or any other key, is an error (a typo must not drop a field silently).
///
/// # Errors
/// [`MigrationError::InvalidArgument`] for a missing or non-string `username`/`email`, a
/// non-string `full_name`, a missing password, or an unknown key.
pub fn new_account(
    fields: &Map<String, Value>,
    password: Option<Secret>,
) -> Result<NewAccount, MigrationError> {
    let bad = |m: String| MigrationError::InvalidArgument(format!("registration: {m}"));
    let mut username = None;
    let mut email = None;
    let mut full_name = None;
    for (key, value) in fields {
        match (key.as_str(), value) {
            ("is_admin", _) => {}
            ("username", Value::String(s)) => username = Some(s.clone()),
            ("email", Value::String(s)) => email = Some(s.clone()),
            ("full_name", Value::String(s)) => full_name = Some(s.clone()),
            ("full_name", Value::Null) => {}
            ("username" | "email" | "full_name", _) => return Err(bad(format!("`{key}` must be a string"))),
            ("password", _) => return Err(bad("the password is a secret: pass it separately".into())),
            (other, _) => {
                return Err(bad(format!(
                    "unknown key {:?} (known: username, email, password, full_name; is_admin is ignored)",
                    other.chars().take(40).collect::<String>()
                )));
            }
        }
    }
    Ok(NewAccount {
        username: username.ok_or_else(|| bad("`username` is required".into()))?,
        email: email.ok_or_else(|| bad("`email` is required".into()))?,
        password: password.ok_or_else(|| bad("`password` is required".into()))?,
        full_name,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::mapping::MappingStatus;
    use crate::mapping::login::LoginOutcome;
    use crate::token::halext_format::sign_access_token;
    use serde_json::json;
    use std::sync::Arc;

    #[test]
    fn login_results_carry_every_key_and_the_unverified_expiry() {
        let token = sign_access_token(&Secret::from("k".repeat(32).as_str()), "bob", 1_764_432_000);
        let r = LoginResult {
            outcome: LoginOutcome::Migrated,
            legacy_user_id: 2,
            halext_username: Some("bob".into()),
            access_token: Some(Secret::from(token.as_str())),
            halext_login: None,
        };
        let v = login_json(&r);
        assert_eq!(v["outcome"], "migrated");
        assert_eq!(v["access_token"], token.as_str());
        assert_eq!(v["expires_at"], 1_764_432_000);
        assert_eq!(v["legacy_id"], 2);
        assert_eq!(v["halext_username"], "bob");
        assert!(v["halext_login"].is_null());
        let none = LoginResult {
            outcome: LoginOutcome::HalextPasswordRequired,
            access_token: None,
            halext_username: None,
            halext_login: Some("bob@example.org".into()),
            ..r
        };
        let v = login_json(&none);
        assert_eq!(
            v.keys().collect::<Vec<_>>(),
            ["outcome", "access_token", "expires_at", "legacy_id", "halext_username", "halext_login"]
        );
        assert!(v["access_token"].is_null() && v["expires_at"].is_null());
        assert_eq!(v["halext_login"], "bob@example.org");
        assert_eq!(unverified_exp(b"not.a.token"), None);
    }

    #[test]
    fn mappings_name_the_method() {
        let m = Mapping {
            site: Arc::from("wordpress"),
            legacy_id: 9,
            halext_username: Some("alice".into()),
            halext_user_id: Some(3),
            halext_email: Some("alice@example.com".into()),
            full_name: None,
            status: MappingStatus::Linked,
            link_method: LinkMethod::Registration,
            reason: "gated registration".into(),
            plan_run: None,
            created_at: 1,
            updated_at: 2,
            linked_at: Some(2),
        };
        let v = mapping_json(&m);
        assert_eq!((v["status"].as_str(), v["method"].as_str()), (Some("linked"), Some("registration")));
        assert_eq!(v.keys().count(), 13);
        assert_eq!(v.keys().next(), Some("site"));
        let keys = [MappingKey { site: Arc::from("social"), legacy_id: 1 }];
        // Serialised in the listed order.
        assert_eq!(
            serde_json::to_string(&reverse_json(&keys)).unwrap(),
            r#"[{"site":"social","legacy_id":1}]"#
        );
        let reg = registered_json(&RegisteredAccount { id: 7, username: "n".into() });
        assert_eq!(serde_json::to_value(&reg).unwrap(), json!({"id": 7, "username": "n"}));
    }

    #[test]
    fn link_methods_and_account_fields() {
        assert_eq!(parse_link_method("registration").unwrap(), LinkMethod::Registration);
        assert_eq!(parse_link_method("login").unwrap(), LinkMethod::Login);
        assert_eq!(parse_link_method("manual").unwrap(), LinkMethod::Manual);
        assert!(parse_link_method("plan").is_err() && parse_link_method("Login").is_err());

        let map = |v: Value| v.as_object().unwrap().clone();
        let a = new_account(
            &map(json!({"username": "n", "email": "n@example.net", "is_admin": true, "full_name": null})),
            Some(Secret::from("pw")),
        )
        .unwrap();
        assert_eq!((a.username.as_str(), a.email.as_str(), a.full_name), ("n", "n@example.net", None));
        for (fields, want) in [
            (json!({"email": "e@x"}), "`username` is required"),
            (json!({"username": "n", "email": "e@x", "nick": "x"}), "unknown key \"nick\""),
            (json!({"username": 3, "email": "e@x"}), "`username` must be a string"),
            (json!({"username": "n", "email": "e@x", "password": "pw"}), "pass it separately"),
        ] {
            let err = new_account(&map(fields.clone()), Some(Secret::from("pw"))).unwrap_err();
            assert!(err.to_string().contains(want), "{fields}: {err}");
        }
        let err = new_account(&map(json!({"username": "n", "email": "e@x"})), None).unwrap_err();
        assert!(err.to_string().contains("`password` is required"), "{err}");
    }
}
