//! Social circles and pulses (reference §4.1); every route needs a token (any user).

use super::client::HalextClient;
use super::error::ApiError;
use super::time::Timestamp;
use super::token::AccessToken;
use http::Method;
use serde::{Deserialize, Serialize};

/// A social circle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialCircle {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Emoji.
    #[serde(default)]
    pub emoji: Option<String>,
    /// Theme colour (server default `#A855F7`).
    #[serde(default)]
    pub theme_color: Option<String>,
    /// Vibe (server default `cozy`).
    #[serde(default)]
    pub vibe: Option<String>,
    /// Creator's user id.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// 6 uppercase hex characters, for [`HalextClient::join_circle`].
    #[serde(default)]
    pub invite_code: String,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Number of members.
    #[serde(default)]
    pub member_count: i64,
}

/// The body of `POST /social/circles`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCircle {
    /// Name (required).
    pub name: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Emoji.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emoji: Option<String>,
    /// Theme colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme_color: Option<String>,
    /// Vibe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vibe: Option<String>,
}

/// A pulse (a short post in a circle).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SocialPulse {
    /// Id.
    pub id: i64,
    /// The circle.
    pub circle_id: i64,
    /// Author's user id.
    #[serde(default)]
    pub author_id: Option<i64>,
    /// Text.
    pub message: String,
    /// Mood.
    #[serde(default)]
    pub mood: Option<String>,
    /// Attachment URLs.
    #[serde(default)]
    pub attachments: Vec<String>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// The author's full name, or username.
    #[serde(default)]
    pub author_name: Option<String>,
}

/// The body of `POST /social/circles/{id}/pulses`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPulse {
    /// Text (required).
    pub message: String,
    /// Mood.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mood: Option<String>,
    /// Attachment URLs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Vec<String>>,
}

impl HalextClient {
    /// `GET /social/circles`: the circles the caller belongs to.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`].
    pub async fn circles(&self, token: &AccessToken) -> Result<Vec<SocialCircle>, ApiError> {
        self.route(Method::GET, &["social", "circles"], false).bearer(token).send().await
    }

    /// `POST /social/circles` (201): creates a circle owned by the caller. Never retried.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`], [`ApiError::Validation`].
    pub async fn create_circle(
        &self,
        token: &AccessToken,
        circle: &NewCircle,
    ) -> Result<SocialCircle, ApiError> {
        self.route(Method::POST, &["social", "circles"], false).bearer(token).json(circle).send().await
    }

    /// `POST /social/circles/join?invite_code=XXXXXX` (query parameter, no body). Joining
    /// twice is harmless.
    ///
    /// # Errors
    /// [`ApiError::NotFound`] `Circle not found`.
    pub async fn join_circle(
        &self,
        token: &AccessToken,
        invite_code: &str,
    ) -> Result<SocialCircle, ApiError> {
        self.route(Method::POST, &["social", "circles", "join"], false)
            .bearer(token)
            .query("invite_code", invite_code)
            .send()
            .await
    }

    /// `GET /social/circles/{id}/pulses`: the latest 25, newest first; empty for a non-member.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`].
    pub async fn pulses(&self, token: &AccessToken, circle_id: i64) -> Result<Vec<SocialPulse>, ApiError> {
        let id = circle_id.to_string();
        self.route(Method::GET, &["social", "circles", &id, "pulses"], false).bearer(token).send().await
    }

    /// `POST /social/circles/{id}/pulses` (201). Never retried.
    ///
    /// # Errors
    /// [`ApiError::NotFound`] `Circle not found` for a non-member, [`ApiError::Validation`].
    pub async fn post_pulse(
        &self,
        token: &AccessToken,
        circle_id: i64,
        pulse: &NewPulse,
    ) -> Result<SocialPulse, ApiError> {
        let id = circle_id.to_string();
        self.route(Method::POST, &["social", "circles", &id, "pulses"], false)
            .bearer(token)
            .json(pulse)
            .send()
            .await
    }
}
