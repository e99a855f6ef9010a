//! [`BlockingClient`]: the synchronous facade used by the PHP extension, the C ABI and the CLI.
//!
//! Every call runs on the per-process current-thread runtime ([`crate::runtime::block_on`]),
//! so a PHP-FPM worker (or any fork) gets its own runtime and its own connection pool the
//! first time it calls, and keeps reusing them. The client may be created before a fork and
//! used on both sides of it.
//!
//! Before a call that follows an idle period (250 ms or more) the runtime is let run for a
//! moment so that connections the server closed while the worker was idle are noticed and
//! dropped, instead of failing the next request.

use super::ai::{AiModels, ChatReply, ChatRequest, ModelQuery};
use super::client::HalextClient;
use super::clock::ServerClock;
use super::config::ClientConfig;
use super::content::{
    BlogPost, BlogPostUpdate, NewBlogPost, NewPhotoAlbum, NewSitePage, PhotoAlbum, PhotoAlbumUpdate,
    SitePage, SitePageUpdate,
};
use super::context::{ContextAnswer, ContextRequest};
use super::error::ApiError;
use super::media::{MediaAsset, MediaUpload};
use super::openwebui::{OpenWebUiStatus, SsoLink, SyncResult, SyncStatus};
use super::social::{NewCircle, NewPulse, SocialCircle, SocialPulse};
use super::system::{Health, VersionInfo};
use super::token::AccessToken;
use super::users::{NewUser, PartnerPresence, PresenceEntry, PresenceUpdate, RegisterOptions, User};
use super::validate::RemoteValidation;
use crate::secret::Secret;
use futures_util::StreamExt;
use http::Method;
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// The synchronous Halext client. Cheap to clone; safe to create before `fork()`.
#[derive(Clone, Debug)]
pub struct BlockingClient {
    inner: HalextClient,
    /// When the last call ended, in milliseconds since [`epoch`] (shared by clones).
    last_call_ms: Arc<AtomicU64>,
}

/// Idle time after which a call first lets the runtime notice connections closed meanwhile.
/// Servers close idle keep-alive connections after seconds (uvicorn 5 s, nginx 75 s), never
/// within this window, so back-to-back calls skip the extra scheduler passes.
const SETTLE_AFTER_IDLE_MS: u64 = 250;

fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ms() -> u64 {
    u64::try_from(epoch().elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What [`BlockingClient::chat_stream`] reports once the stream ends or is stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamSummary {
    /// The model from `X-Halext-AI-Model`.
    pub model: Option<String>,
    /// Chunks delivered to the callback.
    pub chunks: usize,
    /// True when the callback asked to stop before `[DONE]`.
    pub stopped: bool,
}

/// Lets the runtime process events that arrived while it was idle (a server closing an idle
/// keep-alive connection) before the call checks a connection out of the pool: the first
/// yield lets the I/O driver run, the second lets the woken connection tasks run.
async fn settle() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

impl BlockingClient {
    /// A client for `config` (no connection, no thread yet).
    ///
    /// # Errors
    /// As [`HalextClient::new`].
    pub fn new(config: ClientConfig) -> Result<Self, ApiError> {
        // `u64::MAX`: never used, so the first call settles (harmless: there is no pool yet).
        Ok(BlockingClient {
            inner: HalextClient::for_blocking(config)?,
            last_call_ms: Arc::new(AtomicU64::new(u64::MAX)),
        })
    }

    /// A client configured from the `HALEXT_*` environment variables.
    ///
    /// # Errors
    /// As [`ClientConfig::from_env`].
    pub fn from_env() -> Result<Self, ApiError> {
        Self::new(ClientConfig::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &ClientConfig {
        self.inner.config()
    }

    fn block<T>(&self, fut: impl Future<Output = Result<T, ApiError>>) -> Result<T, ApiError> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(ApiError::Request {
                endpoint: "blocking call".into(),
                reason: "BlockingClient was called inside an async runtime; use HalextClient there".into(),
            });
        }
        let last = self.last_call_ms.load(Ordering::Relaxed);
        let idle = last == u64::MAX || now_ms().saturating_sub(last) >= SETTLE_AFTER_IDLE_MS;
        let out = crate::runtime::block_on(async move {
            if idle {
                settle().await;
            }
            fut.await
        });
        self.last_call_ms.store(now_ms(), Ordering::Relaxed);
        out.map_err(|e| ApiError::Runtime { reason: e.to_string() })?
    }

    /// Blocking [`HalextClient::request_json`].
    ///
    /// # Errors
    /// As [`HalextClient::request_json`].
    pub fn request_json(
        &self,
        method: Method,
        path: &str,
        token: Option<&AccessToken>,
        query: &[(&str, &str)],
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, ApiError> {
        self.block(self.inner.request_json(method, path, token, query, body))
    }

    /// Blocking [`HalextClient::chat_stream`]: calls `on_chunk` with each text chunk as it
    /// arrives; return `ControlFlow::Break(())` to stop early (the connection is closed).
    ///
    /// The callback must return normally: a binding whose callback can throw (PHP) catches
    /// the exception inside the callback, returns `Break`, and rethrows after this returns.
    ///
    /// # Errors
    /// As [`HalextClient::chat_stream`], plus the stream's errors.
    pub fn chat_stream(
        &self,
        token: &AccessToken,
        request: &ChatRequest,
        mut on_chunk: impl FnMut(&str) -> ControlFlow<()>,
    ) -> Result<StreamSummary, ApiError> {
        self.block(async {
            let mut stream = self.inner.chat_stream(token, request).await?;
            let mut summary =
                StreamSummary { model: stream.model().map(str::to_owned), chunks: 0, stopped: false };
            while let Some(item) = stream.next().await {
                let text = item?;
                summary.chunks += 1;
                if on_chunk(&text).is_break() {
                    summary.stopped = true;
                    break;
                }
            }
            Ok(summary)
        })
    }

    /// Number of entries in the remote-validation cache.
    pub fn validation_cache_len(&self) -> usize {
        self.inner.validation_cache_len()
    }

    /// Empties the remote-validation cache.
    pub fn clear_validation_cache(&self) {
        self.inner.clear_validation_cache();
    }
}

macro_rules! blocking_methods {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)* ) -> $ret:ty; )*) => {
        impl BlockingClient {
            $(
                #[doc = concat!("Blocking [`HalextClient::", stringify!($name), "`].")]
                ///
                /// # Errors
                #[doc = concat!("As [`HalextClient::", stringify!($name), "`].")]
                pub fn $name(&self $(, $arg: $ty)*) -> Result<$ret, ApiError> {
                    self.block(self.inner.$name($($arg),*))
                }
            )*
        }
    };
}

blocking_methods! {
    fn health(&self) -> Health;
    fn version(&self) -> VersionInfo;
    fn server_clock(&self) -> ServerClock;
    fn login(&self, username_or_email: &str, password: &Secret) -> AccessToken;
    fn register(&self, user: &NewUser, opts: RegisterOptions) -> User;
    fn me(&self, token: &AccessToken) -> User;
    fn delete_me(&self, token: &AccessToken) -> ();
    fn search_users(&self, token: &AccessToken, q: &str, limit: Option<u32>) -> Vec<User>;
    fn set_presence(&self, token: &AccessToken, update: &PresenceUpdate) -> PartnerPresence;
    fn presence_of(&self, token: &AccessToken, username: &str) -> PartnerPresence;
    fn presence_list(&self, token: &AccessToken, user_ids: &[i64]) -> Vec<PresenceEntry>;
    fn validate_token(&self, token: &AccessToken) -> RemoteValidation;
    fn public_blog_posts(&self, limit: Option<u32>) -> Vec<BlogPost>;
    fn public_blog_post(&self, slug: &str) -> BlogPost;
    fn admin_blog_posts(&self, token: &AccessToken) -> Vec<BlogPost>;
    fn create_blog_post(&self, token: &AccessToken, post: &NewBlogPost) -> BlogPost;
    fn update_blog_post(&self, token: &AccessToken, slug: &str, update: &BlogPostUpdate) -> BlogPost;
    fn delete_blog_post(&self, token: &AccessToken, slug: &str) -> ();
    fn public_page(&self, slug: &str) -> SitePage;
    fn admin_pages(&self, token: &AccessToken) -> Vec<SitePage>;
    fn create_page(&self, token: &AccessToken, page: &NewSitePage) -> SitePage;
    fn update_page(&self, token: &AccessToken, page_id: i64, update: &SitePageUpdate) -> SitePage;
    fn delete_page(&self, token: &AccessToken, page_id: i64) -> ();
    fn public_albums(&self) -> Vec<PhotoAlbum>;
    fn public_album(&self, slug: &str) -> PhotoAlbum;
    fn admin_albums(&self, token: &AccessToken) -> Vec<PhotoAlbum>;
    fn create_album(&self, token: &AccessToken, album: &NewPhotoAlbum) -> PhotoAlbum;
    fn update_album(&self, token: &AccessToken, album_id: i64, update: &PhotoAlbumUpdate) -> PhotoAlbum;
    fn delete_album(&self, token: &AccessToken, album_id: i64) -> ();
    fn upload_media(&self, token: &AccessToken, upload: MediaUpload) -> MediaAsset;
    fn list_media(&self, token: &AccessToken) -> Vec<MediaAsset>;
    fn circles(&self, token: &AccessToken) -> Vec<SocialCircle>;
    fn create_circle(&self, token: &AccessToken, circle: &NewCircle) -> SocialCircle;
    fn join_circle(&self, token: &AccessToken, invite_code: &str) -> SocialCircle;
    fn pulses(&self, token: &AccessToken, circle_id: i64) -> Vec<SocialPulse>;
    fn post_pulse(&self, token: &AccessToken, circle_id: i64, pulse: &NewPulse) -> SocialPulse;
    fn chat(&self, token: &AccessToken, request: &ChatRequest) -> ChatReply;
    fn models(&self, token: &AccessToken, query: &ModelQuery) -> AiModels;
    fn ask_with_context(&self, token: &AccessToken, request: &ContextRequest) -> ContextAnswer;
    fn openwebui_status(&self) -> OpenWebUiStatus;
    fn openwebui_sync_status(&self, token: &AccessToken) -> SyncStatus;
    fn openwebui_sync_user(&self, token: &AccessToken) -> SyncResult;
    fn openwebui_sso(&self, token: &AccessToken, redirect_to: Option<&str>) -> SsoLink;
}
