//! Site content: blog posts, site pages, photo albums (reference §3.1–3.3) and media uploads
//! (§3.4). Public reads need no token; every `admin` route needs an admin's token
//! (`HALEXT_STATUS_API_FORBIDDEN` "Admin access required" otherwise). Create/update inputs are
//! JSON objects with Halext's field names (unknown keys rejected: `INVALID_ARGUMENT`); updates
//! are partial (only the keys given change). Answers are Halext's JSON objects.
//!
//! Every function: errors `HALEXT_STATUS_API_*` as the route defines them (404 not found, 403
//! not an admin, 400 "Slug already exists", 422 validation), `INVALID_ARGUMENT` for NULL or
//! malformed arguments; blocks until the answer; thread-safe; `*out_json` is freed with
//! `halext_string_free`.
//!
//! # Safety (every function)
//! String arguments must be NULL or NUL-terminated; `client` NULL or a live `halext_client`;
//! `out_json` NULL or a writable `char *`; `(bytes, len)` NULL/0 or `len` readable bytes.

use std::ffi::c_char;

use halext_core::Code;
use halext_core::api::{
    BlogPostUpdate, MediaUpload, NewBlogPost, NewPhotoAlbum, NewSitePage, PhotoAlbumUpdate, SitePageUpdate,
};

use super::{answer, bearer, client_ref, input, opt_input};
use crate::args;
use crate::boundary::status_boundary;

/// `GET /content/public/blog?limit=`: published posts, newest `published_at` first.
/// `limit` < 0 lets the server choose.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_public_blog(
    client: *const super::halext_client,
    limit: i64,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_public_blog", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        let limit = (limit >= 0).then(|| u32::try_from(limit).unwrap_or(u32::MAX));
        answer(out, &c.public_blog_posts(limit)?)
    })
}

/// `GET /content/public/blog/{slug}` (published only; `HALEXT_STATUS_API_NOT_FOUND` otherwise).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_public_blog_post(
    client: *const super::halext_client,
    slug: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_public_blog_post", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let slug = unsafe { args::c_str(slug, "slug") }?;
        answer(out, &c.public_blog_post(slug)?)
    })
}

/// `GET /content/admin/blog-posts` (admin): every post, newest created first.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_admin_blog_posts(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_admin_blog_posts", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.admin_blog_posts(&t)?)
    })
}

/// `POST /content/admin/blog-posts` (admin; never retried): `post_json` = `{"slug", "title",
/// "body_markdown", "summary"?, "tags"?, "hero_image_url"?, "status"? ("draft"|"published"),
/// "published_at"? (RFC 3339), "file_path"?}`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_create_blog_post(
    client: *const super::halext_client,
    token: *const c_char,
    post_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_create_blog_post", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let post: NewBlogPost = unsafe { input(post_json, "post_json") }?;
        answer(out, &c.create_blog_post(&t, &post)?)
    })
}

/// `PUT /content/admin/blog-posts/{slug}` (admin): `patch_json` has any of the create keys but
/// `slug`; publishing without `published_at` stamps the current time.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_update_blog_post(
    client: *const super::halext_client,
    token: *const c_char,
    slug: *const c_char,
    patch_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_update_blog_post", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let slug = unsafe { args::c_str(slug, "slug") }?;
        // SAFETY: as above.
        let patch: BlogPostUpdate = unsafe { input(patch_json, "patch_json") }?;
        answer(out, &c.update_blog_post(&t, slug, &patch)?)
    })
}

/// `DELETE /content/admin/blog-posts/{slug}` (admin). No output.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_delete_blog_post(
    client: *const super::halext_client,
    token: *const c_char,
    slug: *const c_char,
) -> Code {
    status_boundary("halext_client_delete_blog_post", || {
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let slug = unsafe { args::c_str(slug, "slug") }?;
        Ok(c.delete_blog_post(&t, slug)?)
    })
}

/// `GET /content/public/pages/{slug}` (published pages only).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_public_page(
    client: *const super::halext_client,
    slug: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_public_page", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let slug = unsafe { args::c_str(slug, "slug") }?;
        answer(out, &c.public_page(slug)?)
    })
}

/// `GET /content/admin/pages` (admin).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_admin_pages(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_admin_pages", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.admin_pages(&t)?)
    })
}

/// `POST /content/admin/pages` (admin; never retried): `page_json` = `{"slug", "title", "summary"?,
/// "hero_image_url"?, "sections"?, "nav_links"?, "theme"?, "is_published"?}`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_create_page(
    client: *const super::halext_client,
    token: *const c_char,
    page_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_create_page", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let page: NewSitePage = unsafe { input(page_json, "page_json") }?;
        answer(out, &c.create_page(&t, &page)?)
    })
}

/// `PUT /content/admin/pages/{page_id}` (admin): any create key but `slug`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_update_page(
    client: *const super::halext_client,
    token: *const c_char,
    page_id: i64,
    patch_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_update_page", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let patch: SitePageUpdate = unsafe { input(patch_json, "patch_json") }?;
        answer(out, &c.update_page(&t, page_id, &patch)?)
    })
}

/// `DELETE /content/admin/pages/{page_id}` (admin). No output.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_delete_page(
    client: *const super::halext_client,
    token: *const c_char,
    page_id: i64,
) -> Code {
    status_boundary("halext_client_delete_page", || {
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        Ok(c.delete_page(&t, page_id)?)
    })
}

/// `GET /content/public/photo-albums`: public albums by slug.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_public_albums(
    client: *const super::halext_client,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_public_albums", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        answer(out, &c.public_albums()?)
    })
}

/// `GET /content/public/photo-albums/{slug}`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_public_album(
    client: *const super::halext_client,
    slug: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_public_album", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let slug = unsafe { args::c_str(slug, "slug") }?;
        answer(out, &c.public_album(slug)?)
    })
}

/// `GET /content/admin/photo-albums` (admin).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_admin_albums(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_admin_albums", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.admin_albums(&t)?)
    })
}

/// `POST /content/admin/photo-albums` (admin; never retried): `album_json` = `{"slug", "title",
/// "description"?, "cover_image_url"?, "hero_text"?, "photos"?, "is_public"?}`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_create_album(
    client: *const super::halext_client,
    token: *const c_char,
    album_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_create_album", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let album: NewPhotoAlbum = unsafe { input(album_json, "album_json") }?;
        answer(out, &c.create_album(&t, &album)?)
    })
}

/// `PUT /content/admin/photo-albums/{album_id}` (admin): any create key but `slug`.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_update_album(
    client: *const super::halext_client,
    token: *const c_char,
    album_id: i64,
    patch_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_update_album", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let patch: PhotoAlbumUpdate = unsafe { input(patch_json, "patch_json") }?;
        answer(out, &c.update_album(&t, album_id, &patch)?)
    })
}

/// `DELETE /content/admin/photo-albums/{album_id}` (admin). No output.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_delete_album(
    client: *const super::halext_client,
    token: *const c_char,
    album_id: i64,
) -> Code {
    status_boundary("halext_client_delete_album", || {
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        Ok(c.delete_album(&t, album_id)?)
    })
}

/// The options of the media uploads.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct MediaOptions {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    filename: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
}

impl MediaOptions {
    fn apply(self, mut upload: MediaUpload) -> MediaUpload {
        if let Some(t) = self.title {
            upload = upload.with_title(t);
        }
        if let Some(n) = self.filename {
            upload = upload.with_file_name(n);
        }
        if let Some(ct) = self.content_type {
            upload = upload.with_content_type(ct);
        }
        upload
    }
}

/// `POST /content/admin/media` (admin, multipart; never retried): uploads the file at `path`
/// (bytes: any file name), streamed from disk. `options_json` (may be NULL) = `{"title"?,
/// "filename"? (default: the file's name), "content_type"? (default: from the name)}`. Writes
/// the asset (`{"id", "title", "file_path", "public_url", ...}`).
///
/// Errors: `HALEXT_STATUS_API_REQUEST`, before anything is sent, for a file larger than
/// `max_upload_bytes`, unreadable or not a regular file.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_upload_media(
    client: *const super::halext_client,
    token: *const c_char,
    path: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_upload_media", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let path = unsafe { args::c_bytes(path, "path") }?;
        // SAFETY: as above.
        let options: MediaOptions = unsafe { opt_input(options_json, "options_json") }?;
        let path =
            std::path::PathBuf::from(<std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(path));
        answer(out, &c.upload_media(&t, options.apply(MediaUpload::from_path(path)))?)
    })
}

/// Like `halext_client_upload_media` with the content in memory: `(bytes, len)` under
/// `filename` (its extension is kept by Halext). `options_json`: `title`, `content_type`
/// (`filename` here overrides the argument).
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_upload_media_bytes(
    client: *const super::halext_client,
    token: *const c_char,
    bytes: *const u8,
    len: usize,
    filename: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_upload_media_bytes", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        // SAFETY: as above.
        let bytes = unsafe { args::bytes(bytes, len, "bytes") }?;
        // SAFETY: as above.
        let filename = unsafe { args::c_str(filename, "filename") }?;
        // SAFETY: as above.
        let options: MediaOptions = unsafe { opt_input(options_json, "options_json") }?;
        answer(out, &c.upload_media(&t, options.apply(MediaUpload::from_bytes(filename, bytes.to_vec())))?)
    })
}

/// `GET /content/admin/media` (admin): every asset, newest first.
///
/// Errors: the route's `HALEXT_STATUS_API_*`; `HALEXT_STATUS_INVALID_ARGUMENT` for a NULL or
/// malformed argument. `*out_json` (NULL on error) is freed with `halext_string_free`.
/// Blocks until the answer (bounded by the client's timeouts); thread-safe.
///
/// # Safety
/// String arguments: NULL or NUL-terminated; `client`: NULL or live; `out_json`: NULL or a
/// writable `char *`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn halext_client_list_media(
    client: *const super::halext_client,
    token: *const c_char,
    out_json: *mut *mut c_char,
) -> Code {
    status_boundary("halext_client_list_media", || {
        // SAFETY: the caller's contract above (every pointer below).
        let out = unsafe { args::out(out_json, "out_json") }?;
        // SAFETY: as above.
        let c = unsafe { client_ref(client) }?;
        // SAFETY: as above.
        let t = unsafe { bearer(token) }?;
        answer(out, &c.list_media(&t)?)
    })
}
