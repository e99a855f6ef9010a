//! A typed, fork-safe client for the Halext Org API (`reference/halext-api.md`).
//!
//! * [`HalextClient`]: async, for Rust apps on their own tokio runtime.
//! * [`BlockingClient`]: the same calls, synchronous, on the per-process runtime; this is
//!   what the PHP extension, the C ABI and the CLI use.
//! * [`ClientConfig`]: base URL (with or without `/api`), access code, timeouts in
//!   milliseconds, retries, proxy, extra CA file, upload limit; [`ClientConfig::from_env`]
//!   reads `HALEXT_*`.
//! * [`ApiError`]: one error type, codes 200–211 (`api.*`).
//! * [`ClientOptions`]: the settings as bindings take them (PHP array, C JSON), falling back
//!   to `HALEXT_*`; [`ClientRegistry`]: one shared client per configuration and process (PHP
//!   objects die at request end; the registry keeps the client and its connection).
//!
//! The server's quirks are handled here, not by callers: `/token` is form-encoded; trailing
//! slashes are sent exactly as declared (`/users/`, `/users/me/`; everything else without)
//! and redirects are never followed (a 307 is an [`ApiError::Redirect`] naming the path);
//! `detail` may be a string, a list or missing, and 500s may be plain text; datetimes may lack
//! an offset ([`Timestamp`]); registration never sends `is_admin` and defaults to
//! `create_demo_data=false`.
//!
//! Retries: idempotent requests only (GET/HEAD/PUT/DELETE), on connection failures, 5xx and
//! 429, with capped exponential backoff and jitter, honouring `Retry-After` (see [`retry`]).
//!
//! Transport: one `reqwest::Client` per process; the blocking facade talks to a plain
//! `http://` base over its own keep-alive hyper connection (see
//! [`ClientConfig::with_direct_http`]).
//!
//! Fork safety: connections are created lazily per process (see
//! [`crate::runtime::PerProcess`]); a client made before `fork()` works in parent and child.
//!
//! Routes without a typed method (and planned ones such as `/ai/context/{site}`) go through
//! [`HalextClient::request_json`]. See `docs/api-client.md`.

mod ai;
mod blocking;
mod client;
mod clock;
mod config;
mod content;
mod context;
mod direct;
mod error;
mod input;
mod media;
mod openwebui;
mod options;
mod registry;
pub mod retry;
mod social;
mod sse;
mod system;
mod time;
mod token;
mod transport;
mod users;
mod validate;

pub use ai::{AiModel, AiModels, ChatMessage, ChatReply, ChatRequest, ChatStream, MODEL_HEADER, ModelQuery};
pub use blocking::{BlockingClient, StreamSummary};
pub use client::HalextClient;
pub use clock::ServerClock;
pub use config::{ClientConfig, defaults};
pub use content::{
    BlogPost, BlogPostUpdate, NavLink, NewBlogPost, NewPhotoAlbum, NewSitePage, PageSection, PhotoAlbum,
    PhotoAlbumUpdate, SitePage, SitePageUpdate,
};
pub use context::{
    ContextAnswer, ContextPrompt, ContextRequest, ContextSnippet, DEFAULT_BUDGET_CHARS, MIN_SNIPPET_CHARS,
    build_context_prompt,
};
pub use error::{ApiError, FieldError};
pub use input::from_json_input;
pub use media::{MediaAsset, MediaUpload};
pub use openwebui::{OpenWebUiStatus, SsoLink, SyncFeatures, SyncResult, SyncStatus};
pub use options::{ClientOptions, OPTION_NAMES};
pub use registry::{ClientLookup, ClientRegistry, DEFAULT_CLIENT_REGISTRY_CAPACITY};
pub use social::{NewCircle, NewPulse, SocialCircle, SocialPulse};
pub use system::{Health, HealthEnv, VersionInfo};
pub use time::Timestamp;
pub use token::{AccessToken, MAX_TOKEN_BYTES};
pub use users::{
    NewUser, PartnerPresence, PresenceEntry, PresenceStatus, PresenceUpdate, RegisterOptions, User,
};
pub use validate::RemoteValidation;

/// The HTTP method type of [`HalextClient::request_json`] (re-exported from `http`).
pub use http::Method;

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync>() {}

    #[test]
    fn clients_can_be_shared_across_threads() {
        send_sync::<super::HalextClient>();
        send_sync::<super::BlockingClient>();
        send_sync::<super::ApiError>();
        send_sync::<super::AccessToken>();
    }
}
