//! Health, version (reference §8) and login (`POST /token`, reference §1.1).

use super::client::HalextClient;
use super::error::ApiError;
use super::time::Timestamp;
use super::token::AccessToken;
use crate::secret::Secret;
use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// `GET /health`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// `healthy` or `degraded`.
    pub status: String,
    /// Server version, e.g. `0.2.0-refactored`.
    #[serde(default)]
    pub version: String,
    /// Server time.
    #[serde(default)]
    pub timestamp: Option<Timestamp>,
    /// Configuration problems.
    #[serde(default)]
    pub env: HealthEnv,
    /// Component states (`database`, `ai_provider`, `ai_model`).
    #[serde(default)]
    pub components: serde_json::Map<String, serde_json::Value>,
    /// Runtime information (`python`, `platform`).
    #[serde(default)]
    pub system: serde_json::Map<String, serde_json::Value>,
}

impl Health {
    /// True when `status` is `healthy`.
    pub fn is_healthy(&self) -> bool {
        self.status == "healthy"
    }
}

/// The `env` block of [`Health`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HealthEnv {
    /// Problems that make the server degraded.
    pub issues: Vec<String>,
    /// Warnings (e.g. open registration without an access code).
    pub warnings: Vec<String>,
    /// AI providers with credentials.
    pub configured_providers: Vec<String>,
    /// AI providers without credentials.
    pub missing_provider_keys: Vec<String>,
    /// `AI_OFFLINE`.
    pub offline: bool,
    /// `DEV_MODE`.
    pub dev_mode: bool,
}

/// `GET /version`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionInfo {
    /// e.g. `0.2.0-refactored`.
    pub version: String,
    /// The API name.
    #[serde(default)]
    pub api_name: String,
    /// Where the OpenAPI docs are.
    #[serde(default)]
    pub docs_url: Option<String>,
    /// Feature names.
    #[serde(default)]
    pub features: Vec<String>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    #[allow(dead_code)]
    token_type: Option<String>,
}

impl HalextClient {
    /// `GET /health` (no auth).
    ///
    /// # Errors
    /// Any [`ApiError`] (transport, 5xx, decode).
    pub async fn health(&self) -> Result<Health, ApiError> {
        self.route(Method::GET, &["health"], false).send().await
    }

    /// `GET /version` (no auth).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn version(&self) -> Result<VersionInfo, ApiError> {
        self.route(Method::GET, &["version"], false).send().await
    }

    /// `POST /token`: logs in with a username **or an email** (the server tries the username
    /// first) and returns the access token (HS256, `sub` = username, 30 minutes), with its
    /// `exp` read without verification. Form-encoded with `grant_type=password`; never retried.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`] (`Incorrect username or password`); [`ApiError::Server`]
    /// 500 when the stored hash is not pbkdf2 (e.g. an imported bcrypt hash, reference §1.6).
    pub async fn login(&self, username_or_email: &str, password: &Secret) -> Result<AccessToken, ApiError> {
        let password = password.expose_str().ok_or_else(|| ApiError::Request {
            endpoint: "POST /token".into(),
            reason: "the password is not valid UTF-8".into(),
        })?;
        let encoded = Zeroizing::new(
            serde_urlencoded::to_string([
                ("grant_type", "password"),
                ("username", username_or_email),
                ("password", password),
            ])
            .unwrap_or_default(),
        );
        let answer: TokenAnswer = self
            .route(Method::POST, &["token"], false)
            .form(Bytes::copy_from_slice(encoded.as_bytes()))
            .send()
            .await?;
        Ok(AccessToken::new(answer.access_token))
    }
}
