//! OpenWebUI integration (reference §6). The flow for a PHP site: log the user in
//! ([`HalextClient::login`]), call [`HalextClient::openwebui_sync_user`] once, then
//! [`HalextClient::openwebui_sso`] and redirect the browser to [`SsoLink::sso_url`].
//!
//! When sync is disabled on the server, the sync and SSO routes answer 503
//! `OpenWebUI sync is disabled` ([`super::ApiError::Server`] with status 503).

use super::client::HalextClient;
use super::error::ApiError;
use super::token::AccessToken;
use crate::secret::Secret;
use http::Method;
use serde::{Deserialize, Serialize};

/// `GET /integrations/openwebui`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenWebUiStatus {
    /// True when `OPENWEBUI_URL` is set on the server.
    #[serde(default)]
    pub enabled: bool,
    /// The public OpenWebUI URL.
    #[serde(default)]
    pub url: Option<String>,
}

/// Features of [`SyncStatus`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SyncFeatures {
    /// User provisioning.
    pub user_provisioning: bool,
    /// SSO links.
    pub sso: bool,
    /// Automatic sync.
    pub auto_sync: bool,
}

/// `GET /integrations/openwebui/sync/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// Sync enabled.
    #[serde(default)]
    pub enabled: bool,
    /// URL configured.
    #[serde(default)]
    pub configured: bool,
    /// OpenWebUI admin credentials configured.
    #[serde(default)]
    pub admin_configured: bool,
    /// Internal OpenWebUI URL.
    #[serde(default)]
    pub openwebui_url: Option<String>,
    /// Features.
    #[serde(default)]
    pub features: SyncFeatures,
}

/// `POST /integrations/openwebui/sync/user`. Always HTTP 200 once sync is enabled: check
/// `success`. An "already exists" answer from OpenWebUI counts as success.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncResult {
    /// Whether the user exists in OpenWebUI now.
    #[serde(default)]
    pub success: bool,
    /// `created`, `exists`, `failed` or absent.
    #[serde(default)]
    pub action: Option<String>,
    /// The OpenWebUI user id.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Human message.
    #[serde(default)]
    pub message: Option<String>,
    /// Error text when `success` is false.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct SsoAnswer {
    sso_url: String,
    token: String,
    #[serde(default)]
    expires_in: u64,
}

/// `POST /integrations/openwebui/sso`: a sign-in link. The URL and the token are
/// credentials (a 24-hour JWT signed with `JWT_SECRET_KEY`): `Debug` redacts both.
#[derive(Clone)]
pub struct SsoLink {
    sso_url: Secret,
    token: Secret,
    expires_in: u64,
}

impl SsoLink {
    /// Where to redirect the browser: `<public url>/sso?token=<jwt>[&redirect=<as sent>]`
    /// (Halext appends `redirect` without URL-encoding it).
    pub fn sso_url(&self) -> &str {
        self.sso_url.expose_str().unwrap_or("")
    }

    /// The SSO token (claims `user_id`, `username`, `email`, `exp`, `iat`, `iss: halext-org`).
    pub fn token(&self) -> &str {
        self.token.expose_str().unwrap_or("")
    }

    /// Lifetime in seconds (86400).
    pub fn expires_in(&self) -> u64 {
        self.expires_in
    }
}

impl std::fmt::Debug for SsoLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoLink")
            .field("sso_url", &"<redacted>")
            .field("token", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[derive(Serialize)]
struct SsoRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    redirect_to: Option<&'a str>,
}

impl HalextClient {
    /// `GET /integrations/openwebui` (no auth).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn openwebui_status(&self) -> Result<OpenWebUiStatus, ApiError> {
        self.route(Method::GET, &["integrations", "openwebui"], false).send().await
    }

    /// `GET /integrations/openwebui/sync/status`.
    ///
    /// # Errors
    /// [`ApiError::Server`] 503 when sync is disabled; [`ApiError::Unauthorized`].
    pub async fn openwebui_sync_status(&self, token: &AccessToken) -> Result<SyncStatus, ApiError> {
        self.route(Method::GET, &["integrations", "openwebui", "sync", "status"], false)
            .bearer(token)
            .send()
            .await
    }

    /// `POST /integrations/openwebui/sync/user` (no body): provisions the caller in OpenWebUI.
    /// Never retried.
    ///
    /// # Errors
    /// [`ApiError::Server`] 503 when sync is disabled; [`ApiError::Unauthorized`].
    pub async fn openwebui_sync_user(&self, token: &AccessToken) -> Result<SyncResult, ApiError> {
        self.route(Method::POST, &["integrations", "openwebui", "sync", "user"], false)
            .bearer(token)
            .send()
            .await
    }

    /// `POST /integrations/openwebui/sso` `{redirect_to?}`: a sign-in link for the caller.
    /// Never retried.
    ///
    /// # Errors
    /// [`ApiError::Server`] 503 when sync is disabled; [`ApiError::Unauthorized`].
    pub async fn openwebui_sso(
        &self,
        token: &AccessToken,
        redirect_to: Option<&str>,
    ) -> Result<SsoLink, ApiError> {
        let a: SsoAnswer = self
            .route(Method::POST, &["integrations", "openwebui", "sso"], false)
            .bearer(token)
            .json(&SsoRequest { redirect_to })
            .send()
            .await?;
        Ok(SsoLink {
            sso_url: Secret::from(a.sso_url),
            token: Secret::from(a.token),
            expires_in: a.expires_in,
        })
    }
}
