//! Media uploads (reference §3.4): `POST /content/admin/media` (admin, multipart `file` +
//! optional `title`) and `GET /content/admin/media`.
//!
//! The size limit ([`super::ClientConfig::with_max_upload_bytes`]) is checked before any
//! connection is made; a file is streamed from disk, never read into memory whole.

use super::client::HalextClient;
use super::error::ApiError;
use super::time::Timestamp;
use super::token::AccessToken;
use bytes::Bytes;
use http::Method;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tokio::io::AsyncReadExt;

/// An uploaded file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediaAsset {
    /// Id.
    pub id: i64,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Absolute path on the Halext server (`<uuid hex><ext>` in `HALEXT_MEDIA_ROOT`).
    #[serde(default)]
    pub file_path: String,
    /// Public URL (served by nginx, not the API).
    #[serde(default)]
    pub public_url: String,
    /// Always `null` today.
    #[serde(default)]
    pub thumbnail_url: Option<String>,
    /// Always `{}` today.
    #[serde(default)]
    pub meta: serde_json::Map<String, serde_json::Value>,
    /// Uploader's user id.
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Upload time.
    #[serde(default)]
    pub created_at: Option<Timestamp>,
}

enum Source {
    Path(PathBuf),
    Bytes(Bytes),
}

/// A file to upload: from a path (streamed) or from bytes, with a file name (the server keeps
/// its extension), a content type (guessed from the file name when not given) and a title.
pub struct MediaUpload {
    source: Source,
    file_name: String,
    content_type: Option<String>,
    title: Option<String>,
}

impl std::fmt::Debug for MediaUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::Path(p) => format!("path {}", p.display()),
            Source::Bytes(b) => format!("{} bytes", b.len()),
        };
        f.debug_struct("MediaUpload")
            .field("source", &source)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("title", &self.title)
            .finish()
    }
}

impl MediaUpload {
    /// Uploads the file at `path`; its file name is sent as the part's file name.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name =
            path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "upload".into());
        MediaUpload { source: Source::Path(path), file_name, content_type: None, title: None }
    }

    /// Uploads `bytes` under `file_name` (e.g. `photo.jpg`).
    pub fn from_bytes(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        MediaUpload {
            source: Source::Bytes(bytes.into()),
            file_name: file_name.into(),
            content_type: None,
            title: None,
        }
    }

    /// Overrides the file name sent.
    pub fn with_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Sets the content type (otherwise guessed from the file name's extension, falling back
    /// to `application/octet-stream`).
    pub fn with_content_type(mut self, ct: impl Into<String>) -> Self {
        self.content_type = Some(ct.into());
        self
    }

    /// Sets the `title` form field.
    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// The content type that will be sent.
    pub fn content_type(&self) -> String {
        self.content_type.clone().unwrap_or_else(|| {
            mime_guess::from_path(&self.file_name).first_or_octet_stream().essence_str().to_owned()
        })
    }

    /// Builds the multipart form after checking the size against `limit` (bytes).
    async fn into_form(self, limit: u64) -> Result<reqwest::multipart::Form, ApiError> {
        let refuse =
            |reason: String| ApiError::Request { endpoint: "POST /content/admin/media".into(), reason };
        let content_type = self.content_type();
        let part = match self.source {
            Source::Bytes(b) => {
                let len = b.len() as u64;
                if len > limit {
                    return Err(refuse(format!(
                        "the upload is {len} bytes, over the limit of {limit} bytes"
                    )));
                }
                reqwest::multipart::Part::stream_with_length(reqwest::Body::from(b), len)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(&path)
                    .await
                    .map_err(|e| refuse(format!("cannot open {}: {e}", path.display())))?;
                let meta = file
                    .metadata()
                    .await
                    .map_err(|e| refuse(format!("cannot stat {}: {e}", path.display())))?;
                if !meta.is_file() {
                    return Err(refuse(format!("{} is not a regular file", path.display())));
                }
                let len = meta.len();
                if len > limit {
                    return Err(refuse(format!(
                        "{} is {len} bytes, over the limit of {limit} bytes",
                        path.display()
                    )));
                }
                // `take` keeps the body at the announced length even if the file grows.
                let stream = tokio_util::io::ReaderStream::new(file.take(len));
                reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), len)
            }
        };
        let part = part
            .file_name(self.file_name)
            .mime_str(&content_type)
            .map_err(|_| refuse(format!("{content_type:?} is not a valid content type")))?;
        let mut form = reqwest::multipart::Form::new().part("file", part);
        if let Some(t) = self.title {
            form = form.text("title", t);
        }
        Ok(form)
    }
}

impl HalextClient {
    /// `POST /content/admin/media` (admin): uploads a file. Refused with
    /// [`ApiError::Request`] before connecting when it is larger than the configured limit,
    /// unreadable or not a regular file. Never retried.
    ///
    /// # Errors
    /// [`ApiError::Request`], [`ApiError::Forbidden`], [`ApiError::Validation`], transport errors.
    pub async fn upload_media(
        &self,
        token: &AccessToken,
        upload: MediaUpload,
    ) -> Result<MediaAsset, ApiError> {
        let form = upload.into_form(self.config().max_upload_bytes()).await?;
        self.route(Method::POST, &["content", "admin", "media"], false)
            .bearer(token)
            .multipart(form)
            .send()
            .await
    }

    /// `GET /content/admin/media` (admin): every asset, newest first.
    ///
    /// # Errors
    /// [`ApiError::Forbidden`], [`ApiError::Unauthorized`].
    pub async fn list_media(&self, token: &AccessToken) -> Result<Vec<MediaAsset>, ApiError> {
        self.route(Method::GET, &["content", "admin", "media"], false).bearer(token).send().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_is_guessed_from_the_name() {
        assert_eq!(MediaUpload::from_bytes("a.png", vec![1]).content_type(), "image/png");
        assert_eq!(MediaUpload::from_bytes("a.JPG", vec![1]).content_type(), "image/jpeg");
        assert_eq!(MediaUpload::from_bytes("noext", vec![1]).content_type(), "application/octet-stream");
        assert_eq!(
            MediaUpload::from_bytes("a.png", vec![1]).with_content_type("image/webp").content_type(),
            "image/webp"
        );
        assert_eq!(MediaUpload::from_path("/tmp/x/photo.gif").file_name, "photo.gif");
    }
}
