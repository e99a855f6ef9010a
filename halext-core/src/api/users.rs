//! Users and presence (reference §2): registration, the current user, search, presence.

use super::client::HalextClient;
use super::error::ApiError;
use super::time::Timestamp;
use super::token::AccessToken;
use crate::secret::Secret;
use http::Method;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

/// A Halext user (`User` of `GET /users/me/` and `UserSummary` of `/users/search`).
///
/// The per-user arrays embedded in `GET /users/me/` (`tasks`, `events`, `pages`, `labels`)
/// are deliberately not decoded: they can be large and no bridge needs them (use
/// [`HalextClient::request_json`] to read them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Numeric id.
    pub id: i64,
    /// Unique username (the token's `sub`).
    pub username: String,
    /// Unique email (never verified by Halext).
    pub email: String,
    /// Optional full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Admin flag (gates `/content/admin/*`).
    #[serde(default)]
    pub is_admin: bool,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

/// The body of `POST /users/`. There is deliberately **no `is_admin` field**: the server
/// honours a client-supplied `is_admin` (reference §2.2), so this client never sends one.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Unique username.
    pub username: String,
    /// Unique email.
    pub email: String,
    /// The password (sent once, over the wire only).
    pub password: Secret,
    /// Optional full name.
    pub full_name: Option<String>,
}

impl NewUser {
    /// A registration without a full name.
    pub fn new(username: impl Into<String>, email: impl Into<String>, password: Secret) -> Self {
        NewUser { username: username.into(), email: email.into(), password, full_name: None }
    }

    /// Sets the full name.
    pub fn with_full_name(mut self, name: impl Into<String>) -> Self {
        self.full_name = Some(name.into());
        self
    }
}

impl Serialize for NewUser {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let password =
            self.password.expose_str().ok_or_else(|| serde::ser::Error::custom("password is not UTF-8"))?;
        let mut m = s.serialize_map(Some(3 + usize::from(self.full_name.is_some())))?;
        m.serialize_entry("username", &self.username)?;
        m.serialize_entry("email", &self.email)?;
        m.serialize_entry("password", password)?;
        if let Some(n) = &self.full_name {
            m.serialize_entry("full_name", n)?;
        }
        m.end()
    }
}

/// Options of `POST /users/`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegisterOptions {
    /// Seed demo content (8 tasks, 6 events, a page, 12 labels). Default **false** here (the
    /// server's default is true): imported accounts must not get demo data.
    pub create_demo_data: bool,
}

/// A presence status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PresenceStatus {
    /// `online`
    Online,
    /// `away`
    Away,
    /// `busy`
    Busy,
    /// `offline`
    Offline,
}

/// The body of `POST /users/me/presence`; unset fields are not sent (the server defaults
/// `is_online` to true).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PresenceUpdate {
    /// Online flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_online: Option<bool>,
    /// Status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<PresenceStatus>,
    /// What the user is doing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_activity: Option<String>,
    /// Free-text status message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
}

/// `PartnerPresence`: one user's presence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartnerPresence {
    /// Whose presence.
    pub username: String,
    /// Online flag (a user with no record reports as online).
    #[serde(default)]
    pub is_online: bool,
    /// `online`, `away`, `busy` or `offline` (kept as text: the server may grow values).
    #[serde(default)]
    pub status: String,
    /// What the user is doing.
    #[serde(default)]
    pub current_activity: Option<String>,
    /// Status message.
    #[serde(default)]
    pub status_message: Option<String>,
    /// Last update.
    #[serde(default)]
    pub last_seen: Option<Timestamp>,
}

/// One entry of `GET /users/presence`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceEntry {
    /// User id.
    pub user_id: i64,
    /// Status text.
    #[serde(default)]
    pub status: String,
    /// Last update.
    #[serde(default)]
    pub last_seen: Option<Timestamp>,
    /// Always false today.
    #[serde(default)]
    pub is_typing: bool,
}

impl HalextClient {
    /// `POST /users/?create_demo_data=<opts>` with `X-Halext-Code` (the configured access
    /// code, when set) and `{username, email, password, full_name?}` — never `is_admin`.
    /// Never retried.
    ///
    /// # Errors
    /// [`ApiError::Conflict`] `Email already registered` (checked first) or `Username already
    /// registered`; [`ApiError::Unauthorized`] `Access code required`; [`ApiError::Validation`].
    pub async fn register(&self, user: &NewUser, opts: RegisterOptions) -> Result<User, ApiError> {
        self.route(Method::POST, &["users"], true)
            .query("create_demo_data", if opts.create_demo_data { "true" } else { "false" })
            .access_code()
            .json(user)
            .send()
            .await
    }

    /// `GET /users/me/`: who the token belongs to.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`] for a missing, invalid or expired token or a deleted user.
    pub async fn me(&self, token: &AccessToken) -> Result<User, ApiError> {
        self.route(Method::GET, &["users", "me"], true).bearer(token).send().await
    }

    /// `DELETE /users/me/` (204): deletes the caller's account and everything it owns.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`].
    pub async fn delete_me(&self, token: &AccessToken) -> Result<(), ApiError> {
        self.route(Method::DELETE, &["users", "me"], true).bearer(token).send_unit().await
    }

    /// `GET /users/search?q=&limit=`: users whose username or full name contains `q`
    /// (case-insensitive), excluding the caller, ordered by username; `limit` defaults to 20
    /// on the server. Note: exposes every match's email to any logged-in user.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`], [`ApiError::Validation`].
    pub async fn search_users(
        &self,
        token: &AccessToken,
        q: &str,
        limit: Option<u32>,
    ) -> Result<Vec<User>, ApiError> {
        self.route(Method::GET, &["users", "search"], false)
            .bearer(token)
            .query("q", q)
            .query_opt("limit", limit)
            .send()
            .await
    }

    /// `POST /users/me/presence` (same as `POST /presence/status`): sets the caller's presence.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`], [`ApiError::Validation`].
    pub async fn set_presence(
        &self,
        token: &AccessToken,
        update: &PresenceUpdate,
    ) -> Result<PartnerPresence, ApiError> {
        self.route(Method::POST, &["users", "me", "presence"], false).bearer(token).json(update).send().await
    }

    /// `GET /users/{username}/presence`.
    ///
    /// # Errors
    /// [`ApiError::NotFound`] `User not found`, [`ApiError::Unauthorized`].
    pub async fn presence_of(
        &self,
        token: &AccessToken,
        username: &str,
    ) -> Result<PartnerPresence, ApiError> {
        self.route(Method::GET, &["users", username, "presence"], false).bearer(token).send().await
    }

    /// `GET /users/presence?user_ids=1,2,3`; an empty `user_ids` asks for the first 100 users.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`].
    pub async fn presence_list(
        &self,
        token: &AccessToken,
        user_ids: &[i64],
    ) -> Result<Vec<PresenceEntry>, ApiError> {
        let ids =
            (!user_ids.is_empty()).then(|| user_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","));
        self.route(Method::GET, &["users", "presence"], false)
            .bearer(token)
            .query_opt("user_ids", ids)
            .send()
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_user_never_serializes_is_admin() {
        let u = NewUser::new("ann", "ann@example.org", Secret::from("pw")).with_full_name("Ann");
        let v = serde_json::to_value(&u).expect("json");
        assert_eq!(
            v,
            serde_json::json!({"username": "ann", "email": "ann@example.org", "password": "pw", "full_name": "Ann"})
        );
        assert!(!format!("{u:?}").contains("\"pw\""));
    }

    #[test]
    fn users_decode_leniently() {
        let u: User = serde_json::from_str(
            r#"{"id": 1, "username": "a", "email": "e", "full_name": null, "is_admin": false,
                "created_at": "2026-11-29T16:54:53", "tasks": [{"id": 1}], "new_field": 3}"#,
        )
        .expect("user");
        assert_eq!(u.created_at.map(|t| t.unix_seconds()), Some(1_795_971_293));
    }
}
