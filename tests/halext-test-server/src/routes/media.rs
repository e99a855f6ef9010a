//! Media (reference §3.4): `POST /content/admin/media` (multipart `file` + optional `title`,
//! admin only) and `GET /content/admin/media` (newest first). No file is written: the test
//! server keeps the name and size only.

use super::{S, Table};
use crate::auth::AdminUser;
use crate::errors::{Reply, missing, validation};
use crate::log::{LogId, LoggedPart};
use crate::state::{AppState, MediaRow, now};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::Extensions;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

pub(super) fn routes(t: Table) -> Table {
    t.at("/content/admin/media", get(list).post(upload))
}

fn media_json(state: &AppState, m: &MediaRow) -> Value {
    let root = state.config.media_root.trim_end_matches('/');
    let base = state.config.media_url_base.trim_end_matches('/');
    json!({
        "id": m.id, "title": m.title,
        "file_path": format!("{root}/{}", m.file_name),
        "public_url": format!("{base}/{}", m.file_name),
        "thumbnail_url": null, "meta": {}, "owner_id": m.owner_id,
        "created_at": state.ts(m.created_at),
    })
}

async fn list(State(state): State<S>, _admin: AdminUser) -> Reply {
    let mut media: Vec<MediaRow> = state.db().media.clone();
    media.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let out: Vec<Value> = media.iter().map(|m| media_json(&state, m)).collect();
    Ok(Json(out).into_response())
}

/// `<uuid4 hex><original extension>`, as the real server names saved files.
fn stored_name(original: &str) -> String {
    let ext = std::path::Path::new(original)
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| format!(".{e}"))
        .unwrap_or_default();
    let id: [u8; 16] = rand::random();
    format!("{}{ext}", hex::encode(id))
}

async fn upload(
    State(state): State<S>,
    AdminUser(admin): AdminUser,
    ext: Extensions,
    mut mp: Multipart,
) -> Reply {
    let mut parts = Vec::new();
    let mut file: Option<String> = None;
    let mut title: Option<String> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Err(crate::errors::bad_request("There was an error parsing the body")),
        };
        let name = field.name().unwrap_or("").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let data = field
            .bytes()
            .await
            .map_err(|_| crate::errors::bad_request("There was an error parsing the body"))?;
        parts.push(LoggedPart {
            name: name.clone(),
            file_name: file_name.clone(),
            content_type,
            size: data.len(),
        });
        match name.as_str() {
            "file" => file = Some(file_name.unwrap_or_default()),
            "title" => title = Some(String::from_utf8_lossy(&data).into_owned()),
            _ => {}
        }
    }
    if let Some(id) = ext.get::<LogId>() {
        state.log.update(*id, |e| e.multipart = Some(parts));
    }
    let Some(original) = file else {
        return Err(validation(vec![missing(vec![json!("body"), json!("file")], Value::Null)]));
    };
    let mut db = state.db();
    let row = MediaRow {
        id: db.next_id("media_assets"),
        title,
        file_name: stored_name(&original),
        owner_id: admin.id,
        created_at: now(),
    };
    db.media.push(row.clone());
    drop(db);
    Ok(Json(media_json(&state, &row)).into_response())
}
