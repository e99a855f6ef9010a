//! The server's configuration: the Halext environment variables that change behaviour
//! (reference §9), plus a few knobs that only a test server needs.

use std::time::Duration;

/// The public default of `SECRET_KEY` in the real backend (reference §1.2).
pub const DEFAULT_SECRET_KEY: &str = "a_very_secret_key_that_should_be_in_env";
/// The public default of `JWT_SECRET_KEY`, the OpenWebUI SSO signing secret (reference §6).
pub const DEFAULT_JWT_SECRET_KEY: &str = "your-secret-key-change-in-production";
/// `HALEXT_MEDIA_ROOT` default (reference §3.4).
pub const DEFAULT_MEDIA_ROOT: &str = "/www/halext.org/public/img/uploads";
/// `HALEXT_MEDIA_URL_BASE` default (reference §3.4).
pub const DEFAULT_MEDIA_URL_BASE: &str = "https://halext.org/img/uploads";

/// How the test server behaves. `Default` matches a fresh real backend with no `.env`.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// `SECRET_KEY`: HS256 key of access tokens.
    pub secret_key: String,
    /// `JWT_SECRET_KEY`: HS256 key of OpenWebUI SSO tokens.
    pub jwt_secret_key: String,
    /// `ACCESS_CODE`: required in `X-Halext-Code` on `POST /users/` when non-empty
    /// (after trimming) and `dev_mode` is off. Empty means open registration.
    pub access_code: String,
    /// `DEV_MODE=true`: skips the access-code check.
    pub dev_mode: bool,
    /// `OPENWEBUI_URL` (internal base). `None` = OpenWebUI integration disabled.
    pub openwebui_url: Option<String>,
    /// `OPENWEBUI_PUBLIC_URL` (defaults to `openwebui_url`).
    pub openwebui_public_url: Option<String>,
    /// `OPENWEBUI_SYNC_ENABLED=true`. Sync/SSO routes answer 503 unless this is true and
    /// `openwebui_url` is set.
    pub openwebui_sync_enabled: bool,
    /// `OPENWEBUI_ADMIN_EMAIL`/`_PASSWORD` are set. The test server has no OpenWebUI to call:
    /// with this on, `sync/user` reports `created` (then `exists`); off, it reports the real
    /// server's `Failed to authenticate as admin`.
    pub openwebui_admin_configured: bool,
    /// How long an idle keep-alive connection stays open (uvicorn's `timeout_keep_alive`,
    /// 5 s by default). `None` keeps idle connections forever.
    pub keep_alive_timeout: Option<Duration>,
    /// Emit datetimes with a `+00:00` offset (as on Postgres) instead of none (as on SQLite,
    /// the default; reference §0 "Datetimes").
    pub tz_offsets: bool,
    /// Seconds added to the time in every response's `Date` header (0: the real time), to
    /// test clock-skew checks (`halext doctor`). Nothing else is shifted.
    pub date_offset_secs: i64,
    /// `HALEXT_MEDIA_ROOT`: the directory reported in `MediaAsset.file_path` (nothing is written).
    pub media_root: String,
    /// `HALEXT_MEDIA_URL_BASE`: the base of `MediaAsset.public_url`.
    pub media_url_base: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secret_key: DEFAULT_SECRET_KEY.to_owned(),
            jwt_secret_key: DEFAULT_JWT_SECRET_KEY.to_owned(),
            access_code: String::new(),
            dev_mode: false,
            openwebui_url: None,
            openwebui_public_url: None,
            openwebui_sync_enabled: false,
            openwebui_admin_configured: false,
            keep_alive_timeout: Some(Duration::from_secs(5)),
            tz_offsets: false,
            date_offset_secs: 0,
            media_root: DEFAULT_MEDIA_ROOT.to_owned(),
            media_url_base: DEFAULT_MEDIA_URL_BASE.to_owned(),
        }
    }
}

impl ServerConfig {
    /// True when the OpenWebUI sync and SSO routes are enabled (flag on and URL set).
    pub fn openwebui_sync_on(&self) -> bool {
        self.openwebui_sync_enabled && self.openwebui_url.is_some()
    }

    /// The public OpenWebUI URL (`OPENWEBUI_PUBLIC_URL`, else `OPENWEBUI_URL`).
    pub fn openwebui_public(&self) -> Option<&str> {
        self.openwebui_public_url.as_deref().or(self.openwebui_url.as_deref())
    }

    /// The effective access code: trimmed; empty when dev mode is on or none is set.
    pub fn required_access_code(&self) -> Option<&str> {
        let code = self.access_code.trim();
        (!self.dev_mode && !code.is_empty()).then_some(code)
    }
}
