//! Blog posts (reference §3.1): public reads of published posts, admin CRUD by slug.

use super::{S, Table};
use crate::auth::AdminUser;
use crate::errors::{Reply, bad_request, no_content, not_found};
use crate::input::{Fields, json_object, query_object};
use crate::state::{AppState, BlogRow, now};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

pub(super) fn routes(t: Table) -> Table {
    t.at("/content/public/blog", get(public_list))
        .at("/content/public/blog/{slug}", get(public_get))
        .at("/content/admin/blog-posts", get(admin_list).post(create))
        .at("/content/admin/blog-posts/{slug}", axum::routing::put(update).delete(delete))
}

fn post_json(state: &AppState, p: &BlogRow) -> Value {
    json!({
        "id": p.id, "slug": p.slug, "title": p.title, "summary": p.summary,
        "body_markdown": p.body_markdown, "tags": p.tags, "hero_image_url": p.hero_image_url,
        "status": p.status, "published_at": state.ts_opt(p.published_at), "file_path": p.file_path,
        "author_id": p.author_id, "created_at": state.ts(p.created_at), "updated_at": state.ts(p.updated_at),
    })
}

async fn public_list(State(state): State<S>, uri: Uri) -> Reply {
    let query = query_object(uri.query());
    let mut f = Fields::flat(&query, "query");
    let limit = f.opt_int("limit");
    f.finish()?;
    let db = state.db();
    let mut posts: Vec<&BlogRow> = db.blog.iter().filter(|p| p.status == "published").collect();
    posts.sort_by_key(|p| std::cmp::Reverse(p.published_at));
    let limit = limit.map(|l| l.max(0) as usize).unwrap_or(usize::MAX);
    let out: Vec<Value> = posts.into_iter().take(limit).map(|p| post_json(&state, p)).collect();
    Ok(Json(out).into_response())
}

async fn public_get(State(state): State<S>, Path(slug): Path<String>) -> Reply {
    let db = state.db();
    let post = db
        .blog
        .iter()
        .find(|p| p.slug == slug && p.status == "published")
        .ok_or_else(|| not_found("Blog post not found"))?;
    Ok(Json(post_json(&state, post)).into_response())
}

async fn admin_list(State(state): State<S>, _admin: AdminUser) -> Reply {
    let db = state.db();
    let mut posts: Vec<&BlogRow> = db.blog.iter().collect();
    posts.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let out: Vec<Value> = posts.into_iter().map(|p| post_json(&state, p)).collect();
    Ok(Json(out).into_response())
}

async fn create(
    State(state): State<S>,
    AdminUser(admin): AdminUser,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let slug = f.req_str("slug");
    let title = f.req_str("title");
    let body_markdown = f.req_str("body_markdown");
    let summary = f.opt_str("summary");
    let tags = f.opt_str_list("tags").unwrap_or_default();
    let hero_image_url = f.opt_str("hero_image_url");
    let status = f.opt_str("status").unwrap_or_else(|| "draft".to_owned());
    let published_at = f.opt_datetime("published_at");
    let file_path = f.opt_str("file_path");
    f.finish()?;
    let mut db = state.db();
    if db.blog.iter().any(|p| p.slug == slug) {
        return Err(bad_request("Slug already exists"));
    }
    let at = now();
    let published_at = published_at.or_else(|| (status == "published").then_some(at));
    let row = BlogRow {
        id: db.next_id("blog_posts"),
        slug,
        title,
        summary,
        body_markdown,
        tags,
        hero_image_url,
        status,
        published_at,
        file_path,
        author_id: Some(admin.id),
        created_at: at,
        updated_at: at,
    };
    db.blog.push(row.clone());
    Ok(Json(post_json(&state, &row)).into_response())
}

async fn update(
    State(state): State<S>,
    _admin: AdminUser,
    Path(slug): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let title = f.has("title").then(|| f.opt_str("title"));
    let body_markdown = f.has("body_markdown").then(|| f.opt_str("body_markdown"));
    let summary = f.has("summary").then(|| f.opt_str("summary"));
    let tags = f.has("tags").then(|| f.opt_str_list("tags"));
    let hero = f.has("hero_image_url").then(|| f.opt_str("hero_image_url"));
    let status = f.has("status").then(|| f.opt_str("status"));
    let published_at = f.has("published_at").then(|| f.opt_datetime("published_at"));
    let file_path = f.has("file_path").then(|| f.opt_str("file_path"));
    f.finish()?;
    let mut db = state.db();
    let post = db.blog.iter_mut().find(|p| p.slug == slug).ok_or_else(|| not_found("Blog post not found"))?;
    if let Some(Some(v)) = title {
        post.title = v;
    }
    if let Some(Some(v)) = body_markdown {
        post.body_markdown = v;
    }
    if let Some(v) = summary {
        post.summary = v;
    }
    if let Some(v) = tags {
        post.tags = v.unwrap_or_default();
    }
    if let Some(v) = hero {
        post.hero_image_url = v;
    }
    if let Some(Some(v)) = status {
        post.status = v;
    }
    if let Some(v) = published_at {
        post.published_at = v;
    }
    if let Some(v) = file_path {
        post.file_path = v;
    }
    let at = now();
    if post.status == "published" && post.published_at.is_none() {
        post.published_at = Some(at);
    }
    post.updated_at = at;
    let out = post_json(&state, post);
    Ok(Json(out).into_response())
}

async fn delete(State(state): State<S>, _admin: AdminUser, Path(slug): Path<String>) -> Reply {
    let mut db = state.db();
    let before = db.blog.len();
    db.blog.retain(|p| p.slug != slug);
    if db.blog.len() == before {
        return Err(not_found("Blog post not found"));
    }
    Ok(no_content())
}
