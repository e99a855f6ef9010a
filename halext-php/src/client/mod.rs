//! The API client binding: `Halext\Client`, a thin layer over `halext_core::api::BlockingClient`
//! (arrays in, arrays out; `docs/php-api.md` "API client"; contract: the PHP surface notes).
//!
//! | file | what |
//! | --- | --- |
//! | `config.rs` | options → core configuration (array, else INI, else env) and the per-process client registry |
//! | `args.rs` | argument wrappers (strings as bytes, `array $options = []`), the option bag, `: array` returns |
//! | `input.rs` | PHP arrays → the core's input types (`NewUser`, `NewBlogPost`, `ChatRequest`, ...) |
//! | `output.rs` | the core's typed answers → PHP arrays (datetimes as Unix seconds) |
//! | `stream.rs` | `chatStream()`: calling a PHP callable per chunk without letting an exception or a bailout cross the core |
//!
//! Every method runs inside [`boundary::run`]: an `ApiError` becomes `Halext\ApiException` with
//! its status, field errors and `Retry-After` (attached in `exception.rs`), any other error the
//! exception of its code, a panic `Halext\Exception::INTERNAL`.

// Method parameters are named as in PHP (`$usernameOrEmail`): ext-php-rs takes the names from
// the Rust identifiers, and its generated code needs the allowance at module level.
#![allow(non_snake_case)]

mod args;
mod config;
mod input;
mod output;
mod stream;

use crate::boundary;
use args::{OptionsArg, PhpArray, Text};
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendCallable, ZendHashTable, Zval};
use halext_core::api::{
    BlockingClient, BlogPostUpdate, MediaUpload, Method, NewBlogPost, NewCircle, NewPhotoAlbum, NewPulse,
    NewSitePage, PhotoAlbumUpdate, PresenceUpdate, RegisterOptions, SitePageUpdate,
};
use halext_core::{AnyError, Code};
use serde_json::json;

pub use config::registry;

/// Registers the class of this file.
pub(crate) fn register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module.class::<Client>()
}

fn invalid(message: impl Into<String>) -> AnyError {
    AnyError::new(Code::InvalidArgument, message)
}

/// A PHP int argument that must fit a `u32` (limits).
fn small(n: i64, name: &str) -> Result<u32, AnyError> {
    u32::try_from(n).map_err(|_| invalid(format!("${name} must be from 0 to {}", u32::MAX)))
}

/// `Halext\Client`: the Halext API from PHP. One core client per distinct configuration and
/// process (see `config.rs`): constructing it per request is cheap and keeps the connection.
#[php_class]
#[php(name = "Halext\\Client")]
#[php(flags = ext_php_rs::flags::ClassFlags::Final)]
pub struct Client {
    inner: BlockingClient,
}

#[php_impl]
impl Client {
    /// `new Halext\Client(#[\SensitiveParameter] array $options = [])`.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn __construct(options: OptionsArg<'_>) -> PhpResult<Self> {
        boundary::run(|| config::client(options.0).map(|inner| Client { inner }))
    }

    /// `health(): array` — `GET /health`.
    pub fn health(&self) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.health()?))
    }

    /// `version(): array` — `GET /version`.
    pub fn version(&self) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.version()?))
    }

    /// `login(string $usernameOrEmail, #[\SensitiveParameter] string $password): array` —
    /// `POST /token`; `['access_token', 'token_type' => 'bearer', 'expires_at' => ?int]`.
    pub fn login(&self, usernameOrEmail: Text<'_>, password: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let token = self.inner.login(usernameOrEmail.utf8("usernameOrEmail")?, &password.secret())?;
            output::object(json!({
                "access_token": token.expose(),
                "token_type": "bearer",
                "expires_at": token.expires_at(),
            }))
        })
    }

    /// `register(#[\SensitiveParameter] array $user): array` — `POST /users/` (access code
    /// from the options/INI/env; `is_admin` never sent; no demo data).
    pub fn register(&self, user: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            output::array(&self.inner.register(&input::new_user(user)?, RegisterOptions::default())?)
        })
    }

    /// `me(#[\SensitiveParameter] string $token): array` — `GET /users/me/`.
    pub fn me(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.me(&input::token(&token)?)?))
    }

    /// `deleteMe(#[\SensitiveParameter] string $token): void` — `DELETE /users/me/`.
    pub fn delete_me(&self, token: Text<'_>) -> PhpResult<()> {
        boundary::run(|| Ok::<_, AnyError>(self.inner.delete_me(&input::token(&token)?)?))
    }

    /// `searchUsers(#[\SensitiveParameter] string $token, string $q, int $limit = 20): array`.
    #[php(defaults(limit = 20))]
    pub fn search_users(&self, token: Text<'_>, q: Text<'_>, limit: i64) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let found = self.inner.search_users(
                &input::token(&token)?,
                q.utf8("q")?,
                Some(small(limit, "limit")?),
            )?;
            output::array(&found)
        })
    }

    /// `setPresence(#[\SensitiveParameter] string $token, array $presence): array`.
    pub fn set_presence(&self, token: Text<'_>, presence: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let update: PresenceUpdate = input::body("$presence", presence)?;
            output::array(&self.inner.set_presence(&input::token(&token)?, &update)?)
        })
    }

    /// `presence(#[\SensitiveParameter] string $token, string $username): array`.
    pub fn presence(&self, token: Text<'_>, username: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            output::array(&self.inner.presence_of(&input::token(&token)?, username.utf8("username")?)?)
        })
    }

    /// `presenceList(#[\SensitiveParameter] string $token, array $userIds = []): array`.
    #[php(defaults(userIds = OptionsArg::EMPTY))]
    pub fn presence_list(&self, token: Text<'_>, userIds: OptionsArg<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let mut ids = Vec::new();
            if let Some(list) = userIds.0 {
                for (i, (_, v)) in list.iter().enumerate() {
                    ids.push(
                        v.dereference()
                            .long()
                            .ok_or_else(|| invalid(format!("$userIds[{i}] must be an int")))?,
                    );
                }
            }
            output::array(&self.inner.presence_list(&input::token(&token)?, &ids)?)
        })
    }

    /// `publicBlog(?int $limit = null): array`.
    pub fn public_blog(&self, limit: Option<i64>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let limit = limit.map(|n| small(n, "limit")).transpose()?;
            output::array(&self.inner.public_blog_posts(limit)?)
        })
    }

    /// `publicBlogPost(string $slug): array`.
    pub fn public_blog_post(&self, slug: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.public_blog_post(slug.utf8("slug")?)?))
    }

    /// `adminBlogPosts(#[\SensitiveParameter] string $token): array`.
    pub fn admin_blog_posts(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.admin_blog_posts(&input::token(&token)?)?))
    }

    /// `createBlogPost(#[\SensitiveParameter] string $token, array $post): array`.
    pub fn create_blog_post(&self, token: Text<'_>, post: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let post: NewBlogPost = input::body("$post", post)?;
            output::array(&self.inner.create_blog_post(&input::token(&token)?, &post)?)
        })
    }

    /// `updateBlogPost(#[\SensitiveParameter] string $token, string $slug, array $patch): array`.
    pub fn update_blog_post(
        &self,
        token: Text<'_>,
        slug: Text<'_>,
        patch: &ZendHashTable,
    ) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let patch: BlogPostUpdate = input::body("$patch", patch)?;
            output::array(&self.inner.update_blog_post(&input::token(&token)?, slug.utf8("slug")?, &patch)?)
        })
    }

    /// `deleteBlogPost(#[\SensitiveParameter] string $token, string $slug): void`.
    pub fn delete_blog_post(&self, token: Text<'_>, slug: Text<'_>) -> PhpResult<()> {
        boundary::run(|| {
            Ok::<_, AnyError>(self.inner.delete_blog_post(&input::token(&token)?, slug.utf8("slug")?)?)
        })
    }

    /// `publicPage(string $slug): array`.
    pub fn public_page(&self, slug: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.public_page(slug.utf8("slug")?)?))
    }

    /// `adminPages(#[\SensitiveParameter] string $token): array`.
    pub fn admin_pages(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.admin_pages(&input::token(&token)?)?))
    }

    /// `createPage(#[\SensitiveParameter] string $token, array $page): array`.
    pub fn create_page(&self, token: Text<'_>, page: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let page: NewSitePage = input::body("$page", page)?;
            output::array(&self.inner.create_page(&input::token(&token)?, &page)?)
        })
    }

    /// `updatePage(#[\SensitiveParameter] string $token, int $id, array $patch): array`.
    pub fn update_page(&self, token: Text<'_>, id: i64, patch: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let patch: SitePageUpdate = input::body("$patch", patch)?;
            output::array(&self.inner.update_page(&input::token(&token)?, id, &patch)?)
        })
    }

    /// `deletePage(#[\SensitiveParameter] string $token, int $id): void`.
    pub fn delete_page(&self, token: Text<'_>, id: i64) -> PhpResult<()> {
        boundary::run(|| Ok::<_, AnyError>(self.inner.delete_page(&input::token(&token)?, id)?))
    }

    /// `publicAlbums(): array`.
    pub fn public_albums(&self) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.public_albums()?))
    }

    /// `publicAlbum(string $slug): array`.
    pub fn public_album(&self, slug: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.public_album(slug.utf8("slug")?)?))
    }

    /// `adminAlbums(#[\SensitiveParameter] string $token): array`.
    pub fn admin_albums(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.admin_albums(&input::token(&token)?)?))
    }

    /// `createAlbum(#[\SensitiveParameter] string $token, array $album): array`.
    pub fn create_album(&self, token: Text<'_>, album: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let album: NewPhotoAlbum = input::body("$album", album)?;
            output::array(&self.inner.create_album(&input::token(&token)?, &album)?)
        })
    }

    /// `updateAlbum(#[\SensitiveParameter] string $token, int $id, array $patch): array`.
    pub fn update_album(&self, token: Text<'_>, id: i64, patch: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let patch: PhotoAlbumUpdate = input::body("$patch", patch)?;
            output::array(&self.inner.update_album(&input::token(&token)?, id, &patch)?)
        })
    }

    /// `deleteAlbum(#[\SensitiveParameter] string $token, int $id): void`.
    pub fn delete_album(&self, token: Text<'_>, id: i64) -> PhpResult<()> {
        boundary::run(|| Ok::<_, AnyError>(self.inner.delete_album(&input::token(&token)?, id)?))
    }

    /// `uploadMedia(#[\SensitiveParameter] string $token, string $path, array $options = []): array`
    /// — streams the file (options `title`, `filename`, `content_type`).
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn upload_media(
        &self,
        token: Text<'_>,
        path: Text<'_>,
        options: OptionsArg<'_>,
    ) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let path = std::path::PathBuf::from(
                <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(path.0),
            );
            let upload = input::media(MediaUpload::from_path(path), options.0, true)?;
            output::array(&self.inner.upload_media(&input::token(&token)?, upload)?)
        })
    }

    /// `uploadMediaBytes(#[\SensitiveParameter] string $token, string $bytes, string $filename,
    /// array $options = []): array` (options `title`, `content_type`).
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn upload_media_bytes(
        &self,
        token: Text<'_>,
        bytes: Text<'_>,
        filename: Text<'_>,
        options: OptionsArg<'_>,
    ) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let upload = MediaUpload::from_bytes(filename.utf8("filename")?, bytes.0.to_vec());
            let upload = input::media(upload, options.0, false)?;
            output::array(&self.inner.upload_media(&input::token(&token)?, upload)?)
        })
    }

    /// `listMedia(#[\SensitiveParameter] string $token): array`.
    pub fn list_media(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.list_media(&input::token(&token)?)?))
    }

    /// `circles(#[\SensitiveParameter] string $token): array`.
    pub fn circles(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.circles(&input::token(&token)?)?))
    }

    /// `createCircle(#[\SensitiveParameter] string $token, array $circle): array`.
    pub fn create_circle(&self, token: Text<'_>, circle: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let circle: NewCircle = input::body("$circle", circle)?;
            output::array(&self.inner.create_circle(&input::token(&token)?, &circle)?)
        })
    }

    /// `joinCircle(#[\SensitiveParameter] string $token, string $inviteCode): array`.
    pub fn join_circle(&self, token: Text<'_>, inviteCode: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            output::array(&self.inner.join_circle(&input::token(&token)?, inviteCode.utf8("inviteCode")?)?)
        })
    }

    /// `pulses(#[\SensitiveParameter] string $token, int $circleId): array`.
    pub fn pulses(&self, token: Text<'_>, circleId: i64) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.pulses(&input::token(&token)?, circleId)?))
    }

    /// `postPulse(#[\SensitiveParameter] string $token, int $circleId, array $pulse): array`.
    pub fn post_pulse(&self, token: Text<'_>, circleId: i64, pulse: &ZendHashTable) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let pulse: NewPulse = input::body("$pulse", pulse)?;
            output::array(&self.inner.post_pulse(&input::token(&token)?, circleId, &pulse)?)
        })
    }

    /// `chat(#[\SensitiveParameter] string $token, string $prompt, array $options = []): array`
    /// — `['response', 'model', 'provider', 'mock' => bool]`.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn chat(&self, token: Text<'_>, prompt: Text<'_>, options: OptionsArg<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let request = input::chat_request(prompt.utf8("prompt")?, options.0)?;
            let reply = self.inner.chat(&input::token(&token)?, &request)?;
            output::object(json!({
                "response": reply.response,
                "model": reply.model,
                "provider": reply.provider,
                "mock": reply.is_mock(),
            }))
        })
    }

    /// `chatStream(#[\SensitiveParameter] string $token, string $prompt, callable $onChunk,
    /// array $options = []): array` — `$onChunk(string $chunk)` per chunk (`false` stops);
    /// `['model', 'text', 'chunks', 'stopped']`. An exception thrown by `$onChunk` stops the
    /// stream and reaches the caller unchanged.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn chat_stream(
        &self,
        token: Text<'_>,
        prompt: Text<'_>,
        onChunk: ZendCallable<'_>,
        options: OptionsArg<'_>,
    ) -> PhpResult<PhpArray> {
        let (answer, interrupted) = boundary::run(|| {
            let request = input::chat_request(prompt.utf8("prompt")?, options.0)?;
            stream::run(&self.inner, &input::token(&token)?, &request, &onChunk)
        })?;
        match interrupted {
            None | Some(stream::Interrupted::Exception) => Ok(answer),
            Some(stream::Interrupted::Bailout) => {
                drop(answer);
                drop(onChunk);
                // SAFETY: the core call has returned (its runtime guards are dropped) and this
                // frame holds nothing else to drop; the bailout that `$onChunk` raised goes on
                // to the `zend_try` of this method's handler, as if we had not caught it.
                unsafe { ext_php_rs::zend::bailout() }
            }
            Some(stream::Interrupted::Failed) => Err(crate::exception::Thrown::new(
                Code::Internal,
                "calling $onChunk failed without an exception",
            )
            .into()),
        }
    }

    /// `chatWithContext(#[\SensitiveParameter] string $token, string $question, array $snippets,
    /// array $options = []): array` — `['response', 'model', 'provider', 'mock',
    /// 'snippets_used', 'snippets_truncated', 'snippets_dropped']`.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn chat_with_context(
        &self,
        token: Text<'_>,
        question: Text<'_>,
        snippets: &ZendHashTable,
        options: OptionsArg<'_>,
    ) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let request = input::context_request(question.utf8("question")?, snippets, options.0)?;
            let a = self.inner.ask_with_context(&input::token(&token)?, &request)?;
            output::object(json!({
                "response": a.reply.response,
                "model": a.reply.model,
                "provider": a.reply.provider,
                "mock": a.is_mock,
                "snippets_used": a.snippets_used,
                "snippets_truncated": a.snippets_truncated,
                "snippets_dropped": a.snippets_dropped,
            }))
        })
    }

    /// `models(#[\SensitiveParameter] string $token, array $options = []): array` (options
    /// `provider`, `limit`).
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn models(&self, token: Text<'_>, options: OptionsArg<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            output::array(&self.inner.models(&input::token(&token)?, &input::model_query(options.0)?)?)
        })
    }

    /// `openWebUiStatus(): array`.
    pub fn open_web_ui_status(&self) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.openwebui_status()?))
    }

    /// `openWebUiSyncStatus(#[\SensitiveParameter] string $token): array`.
    pub fn open_web_ui_sync_status(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.openwebui_sync_status(&input::token(&token)?)?))
    }

    /// `openWebUiSyncUser(#[\SensitiveParameter] string $token): array`.
    pub fn open_web_ui_sync_user(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.openwebui_sync_user(&input::token(&token)?)?))
    }

    /// `openWebUiSso(#[\SensitiveParameter] string $token, ?string $redirectTo = null): array` —
    /// `['sso_url', 'token', 'expires_in']`.
    pub fn open_web_ui_sso(&self, token: Text<'_>, redirectTo: Option<Text<'_>>) -> PhpResult<PhpArray> {
        boundary::run(|| {
            let redirect = redirectTo.as_ref().map(|r| r.utf8("redirectTo")).transpose()?;
            let link = self.inner.openwebui_sso(&input::token(&token)?, redirect)?;
            output::object(json!({
                "sso_url": link.sso_url(),
                "token": link.token(),
                "expires_in": link.expires_in(),
            }))
        })
    }

    /// `validateRemote(#[\SensitiveParameter] string $token): array` — the token's user via
    /// `GET /users/me/`, cached per process (never past the token's `exp`).
    pub fn validate_remote(&self, token: Text<'_>) -> PhpResult<PhpArray> {
        boundary::run(|| output::array(&self.inner.validate_token(&input::token(&token)?)?.user))
    }

    /// `request(string $method, string $path, #[\SensitiveParameter] array $options = []): mixed`
    /// — any route (options `token`, `query`, `json`); the JSON answer, `null` for an empty one.
    #[php(defaults(options = OptionsArg::EMPTY))]
    pub fn request(&self, method: Text<'_>, path: Text<'_>, options: OptionsArg<'_>) -> PhpResult<Zval> {
        boundary::run(|| {
            let method = Method::from_bytes(method.utf8("method")?.to_ascii_uppercase().as_bytes())
                .map_err(|_| invalid("$method is not an HTTP method"))?;
            let raw = input::raw_request(options.0)?;
            let query: Vec<(&str, &str)> = raw.query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let answer = self.inner.request_json(
                method,
                path.utf8("path")?,
                raw.token.as_ref(),
                &query,
                raw.json.as_ref(),
            )?;
            output::json(&answer)
        })
    }
}
