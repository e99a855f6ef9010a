//! Site content (reference §3.1–3.3): blog posts, site pages and photo albums. Public reads
//! need no token; every `/content/admin/*` route needs an admin token (403
//! `Admin access required` otherwise).
//!
//! Update bodies are partial: only fields that are `Some` are sent. A field cannot be reset
//! to `null` through them (use [`HalextClient::request_json`] for that).
//!
//! The input types (`New*`, `*Update`, and likewise in `social`/`users`) also deserialise, with
//! unknown keys rejected, so the PHP and C bindings build them from an array / a JSON object
//! with the same names and errors.

use super::client::HalextClient;
use super::error::ApiError;
use super::time::Timestamp;
use super::token::AccessToken;
use http::Method;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A blog post.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BlogPost {
    /// Id.
    pub id: i64,
    /// Unique slug (fixed after creation).
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Markdown body.
    #[serde(default)]
    pub body_markdown: String,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Hero image URL.
    #[serde(default)]
    pub hero_image_url: Option<String>,
    /// `draft` or `published`.
    #[serde(default)]
    pub status: String,
    /// Publication time (stamped when published without one).
    #[serde(default)]
    pub published_at: Option<Timestamp>,
    /// Where the server wrote the Markdown file.
    #[serde(default)]
    pub file_path: Option<String>,
    /// Author's user id.
    #[serde(default)]
    pub author_id: Option<i64>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update.
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
}

/// The body of `POST /content/admin/blog-posts`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBlogPost {
    /// Unique slug (required).
    pub slug: String,
    /// Title (required).
    pub title: String,
    /// Markdown body (required).
    pub body_markdown: String,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Hero image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_image_url: Option<String>,
    /// `draft` (server default) or `published`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Publication time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<Timestamp>,
    /// File path under the server's blog content root.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
}

/// The body of `PUT /content/admin/blog-posts/{slug}` (partial).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BlogPostUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Markdown body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_markdown: Option<String>,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Hero image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_image_url: Option<String>,
    /// `draft` or `published` (publishing without `published_at` stamps the current time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Publication time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<Timestamp>,
    /// File path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_path: Option<String>,
}

/// A section of a site page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageSection {
    /// Section type (free text, e.g. `hero`, `text`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Body text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Items (free-form objects).
    #[serde(default)]
    pub items: Vec<Value>,
    /// Media (free-form object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<Value>,
}

/// A navigation link of a site page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavLink {
    /// Label.
    pub label: String,
    /// Target URL.
    pub url: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A public CMS page (not the per-user dashboard `/pages/`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SitePage {
    /// Id.
    pub id: i64,
    /// Unique slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// Hero image URL.
    #[serde(default)]
    pub hero_image_url: Option<String>,
    /// Sections.
    #[serde(default)]
    pub sections: Vec<PageSection>,
    /// Navigation links.
    #[serde(default)]
    pub nav_links: Vec<NavLink>,
    /// Theme (free-form object).
    #[serde(default)]
    pub theme: Map<String, Value>,
    /// Published flag (public reads see published pages only).
    #[serde(default)]
    pub is_published: bool,
    /// Owner's user id.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Last editor's user id.
    #[serde(default)]
    pub updated_by_id: Option<i64>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update.
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
}

/// The body of `POST /content/admin/pages` (slug and title required).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSitePage {
    /// Unique slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Hero image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_image_url: Option<String>,
    /// Sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<PageSection>>,
    /// Navigation links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nav_links: Option<Vec<NavLink>>,
    /// Theme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<Map<String, Value>>,
    /// Published flag (server default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_published: Option<bool>,
}

/// The body of `PUT /content/admin/pages/{id}` (partial; the slug cannot change).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SitePageUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Hero image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_image_url: Option<String>,
    /// Sections.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sections: Option<Vec<PageSection>>,
    /// Navigation links.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nav_links: Option<Vec<NavLink>>,
    /// Theme.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub theme: Option<Map<String, Value>>,
    /// Published flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_published: Option<bool>,
}

/// A photo album.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhotoAlbum {
    /// Id.
    pub id: i64,
    /// Unique slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Cover image URL.
    #[serde(default)]
    pub cover_image_url: Option<String>,
    /// Hero text.
    #[serde(default)]
    pub hero_text: Option<String>,
    /// Photos (free-form objects).
    #[serde(default)]
    pub photos: Vec<Value>,
    /// Public flag (server default true).
    #[serde(default)]
    pub is_public: bool,
    /// Owner's user id.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Creation time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    /// Last update.
    #[serde(default)]
    pub updated_at: Option<Timestamp>,
}

/// The body of `POST /content/admin/photo-albums` (slug and title required).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPhotoAlbum {
    /// Unique slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Cover image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_image_url: Option<String>,
    /// Hero text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_text: Option<String>,
    /// Photos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<Value>>,
    /// Public flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
}

/// The body of `PUT /content/admin/photo-albums/{id}` (partial).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhotoAlbumUpdate {
    /// Title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Description.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Cover image URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cover_image_url: Option<String>,
    /// Hero text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hero_text: Option<String>,
    /// Photos.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<Value>>,
    /// Public flag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_public: Option<bool>,
}

impl HalextClient {
    /// `GET /content/public/blog?limit=`: published posts, newest `published_at` first.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn public_blog_posts(&self, limit: Option<u32>) -> Result<Vec<BlogPost>, ApiError> {
        self.route(Method::GET, &["content", "public", "blog"], false).query_opt("limit", limit).send().await
    }

    /// `GET /content/public/blog/{slug}` (published only).
    ///
    /// # Errors
    /// [`ApiError::NotFound`] `Blog post not found`.
    pub async fn public_blog_post(&self, slug: &str) -> Result<BlogPost, ApiError> {
        self.route(Method::GET, &["content", "public", "blog", slug], false).send().await
    }

    /// `GET /content/admin/blog-posts` (admin): every post, newest created first.
    ///
    /// # Errors
    /// [`ApiError::Forbidden`], [`ApiError::Unauthorized`].
    pub async fn admin_blog_posts(&self, token: &AccessToken) -> Result<Vec<BlogPost>, ApiError> {
        self.route(Method::GET, &["content", "admin", "blog-posts"], false).bearer(token).send().await
    }

    /// `POST /content/admin/blog-posts` (admin). Never retried.
    ///
    /// # Errors
    /// [`ApiError::Conflict`] `Slug already exists`, [`ApiError::Forbidden`], [`ApiError::Validation`].
    pub async fn create_blog_post(
        &self,
        token: &AccessToken,
        post: &NewBlogPost,
    ) -> Result<BlogPost, ApiError> {
        self.route(Method::POST, &["content", "admin", "blog-posts"], false)
            .bearer(token)
            .json(post)
            .send()
            .await
    }

    /// `PUT /content/admin/blog-posts/{slug}` (admin, partial).
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::Forbidden`], [`ApiError::Validation`].
    pub async fn update_blog_post(
        &self,
        token: &AccessToken,
        slug: &str,
        update: &BlogPostUpdate,
    ) -> Result<BlogPost, ApiError> {
        self.route(Method::PUT, &["content", "admin", "blog-posts", slug], false)
            .bearer(token)
            .json(update)
            .send()
            .await
    }

    /// `DELETE /content/admin/blog-posts/{slug}` (admin, 204).
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::Forbidden`].
    pub async fn delete_blog_post(&self, token: &AccessToken, slug: &str) -> Result<(), ApiError> {
        self.route(Method::DELETE, &["content", "admin", "blog-posts", slug], false)
            .bearer(token)
            .send_unit()
            .await
    }

    /// `GET /content/public/pages/{slug}` (published only).
    ///
    /// # Errors
    /// [`ApiError::NotFound`] `Page not found`.
    pub async fn public_page(&self, slug: &str) -> Result<SitePage, ApiError> {
        self.route(Method::GET, &["content", "public", "pages", slug], false).send().await
    }

    /// `GET /content/admin/pages` (admin).
    ///
    /// # Errors
    /// [`ApiError::Forbidden`], [`ApiError::Unauthorized`].
    pub async fn admin_pages(&self, token: &AccessToken) -> Result<Vec<SitePage>, ApiError> {
        self.route(Method::GET, &["content", "admin", "pages"], false).bearer(token).send().await
    }

    /// `POST /content/admin/pages` (admin). Never retried.
    ///
    /// # Errors
    /// [`ApiError::Conflict`] `Slug already exists`, [`ApiError::Forbidden`], [`ApiError::Validation`].
    pub async fn create_page(&self, token: &AccessToken, page: &NewSitePage) -> Result<SitePage, ApiError> {
        self.route(Method::POST, &["content", "admin", "pages"], false).bearer(token).json(page).send().await
    }

    /// `PUT /content/admin/pages/{page_id}` (admin, partial).
    ///
    /// # Errors
    /// [`ApiError::NotFound`] `Page not found`, [`ApiError::Forbidden`].
    pub async fn update_page(
        &self,
        token: &AccessToken,
        page_id: i64,
        update: &SitePageUpdate,
    ) -> Result<SitePage, ApiError> {
        let id = page_id.to_string();
        self.route(Method::PUT, &["content", "admin", "pages", &id], false)
            .bearer(token)
            .json(update)
            .send()
            .await
    }

    /// `DELETE /content/admin/pages/{page_id}` (admin, 204).
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::Forbidden`].
    pub async fn delete_page(&self, token: &AccessToken, page_id: i64) -> Result<(), ApiError> {
        let id = page_id.to_string();
        self.route(Method::DELETE, &["content", "admin", "pages", &id], false).bearer(token).send_unit().await
    }

    /// `GET /content/public/photo-albums`: public albums ordered by slug.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn public_albums(&self) -> Result<Vec<PhotoAlbum>, ApiError> {
        self.route(Method::GET, &["content", "public", "photo-albums"], false).send().await
    }

    /// `GET /content/public/photo-albums/{slug}` (public only).
    ///
    /// # Errors
    /// [`ApiError::NotFound`].
    pub async fn public_album(&self, slug: &str) -> Result<PhotoAlbum, ApiError> {
        self.route(Method::GET, &["content", "public", "photo-albums", slug], false).send().await
    }

    /// `GET /content/admin/photo-albums` (admin).
    ///
    /// # Errors
    /// [`ApiError::Forbidden`], [`ApiError::Unauthorized`].
    pub async fn admin_albums(&self, token: &AccessToken) -> Result<Vec<PhotoAlbum>, ApiError> {
        self.route(Method::GET, &["content", "admin", "photo-albums"], false).bearer(token).send().await
    }

    /// `POST /content/admin/photo-albums` (admin). Never retried.
    ///
    /// # Errors
    /// [`ApiError::Conflict`] `Slug already exists`, [`ApiError::Forbidden`], [`ApiError::Validation`].
    pub async fn create_album(
        &self,
        token: &AccessToken,
        album: &NewPhotoAlbum,
    ) -> Result<PhotoAlbum, ApiError> {
        self.route(Method::POST, &["content", "admin", "photo-albums"], false)
            .bearer(token)
            .json(album)
            .send()
            .await
    }

    /// `PUT /content/admin/photo-albums/{album_id}` (admin, partial).
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::Forbidden`].
    pub async fn update_album(
        &self,
        token: &AccessToken,
        album_id: i64,
        update: &PhotoAlbumUpdate,
    ) -> Result<PhotoAlbum, ApiError> {
        let id = album_id.to_string();
        self.route(Method::PUT, &["content", "admin", "photo-albums", &id], false)
            .bearer(token)
            .json(update)
            .send()
            .await
    }

    /// `DELETE /content/admin/photo-albums/{album_id}` (admin, 204).
    ///
    /// # Errors
    /// [`ApiError::NotFound`], [`ApiError::Forbidden`].
    pub async fn delete_album(&self, token: &AccessToken, album_id: i64) -> Result<(), ApiError> {
        let id = album_id.to_string();
        self.route(Method::DELETE, &["content", "admin", "photo-albums", &id], false)
            .bearer(token)
            .send_unit()
            .await
    }
}
