//! Site pages and photo albums (reference §3.2, §3.3): the same life cycle — public reads of
//! visible ones by slug, admin CRUD by id, slug fixed after creation.

use super::{S, Table};
use crate::auth::AdminUser;
use crate::errors::{Reply, bad_request, no_content, not_found};
use crate::input::{Fields, json_object};
use crate::state::{AppState, Db, DocRow, now};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use serde_json::{Map, Value, json};

/// What differs between site pages and photo albums.
struct Kind {
    /// Name of the visibility flag and its default.
    flag: &'static str,
    flag_default: bool,
    /// Optional string fields.
    strings: &'static [&'static str],
    /// List fields (default `[]`).
    lists: &'static [&'static str],
    /// Object fields (default `{}`).
    objects: &'static [&'static str],
    not_found: &'static str,
    /// Site pages carry `updated_by_id`.
    updated_by: bool,
    table: fn(&mut Db) -> &mut Vec<DocRow>,
    id_table: &'static str,
}

const PAGE: Kind = Kind {
    flag: "is_published",
    flag_default: false,
    strings: &["summary", "hero_image_url"],
    lists: &["sections", "nav_links"],
    objects: &["theme"],
    not_found: "Page not found",
    updated_by: true,
    table: |db| &mut db.pages,
    id_table: "site_pages",
};

const ALBUM: Kind = Kind {
    flag: "is_public",
    flag_default: true,
    strings: &["description", "cover_image_url", "hero_text"],
    lists: &["photos"],
    objects: &[],
    not_found: "Album not found",
    updated_by: false,
    table: |db| &mut db.albums,
    id_table: "photo_albums",
};

pub(super) fn routes(t: Table) -> Table {
    t.at("/content/public/pages/{slug}", get(|s, p| public_get(s, p, &PAGE)))
        .at(
            "/content/admin/pages",
            get(|s, a| admin_list(s, a, &PAGE)).post(|s, a, h, b| create(s, a, h, b, &PAGE)),
        )
        .at(
            "/content/admin/pages/{id}",
            put(|s, a, p, h, b| update(s, a, p, h, b, &PAGE)).delete(|s, a, p| delete(s, a, p, &PAGE)),
        )
        .at("/content/public/photo-albums", get(public_albums))
        .at("/content/public/photo-albums/{slug}", get(|s, p| public_get(s, p, &ALBUM)))
        .at(
            "/content/admin/photo-albums",
            get(|s, a| admin_list(s, a, &ALBUM)).post(|s, a, h, b| create(s, a, h, b, &ALBUM)),
        )
        .at(
            "/content/admin/photo-albums/{id}",
            put(|s, a, p, h, b| update(s, a, p, h, b, &ALBUM)).delete(|s, a, p| delete(s, a, p, &ALBUM)),
        )
}

fn doc_json(state: &AppState, d: &DocRow, kind: &Kind) -> Value {
    let mut v = json!({ "id": d.id, "slug": d.slug, "title": d.title });
    for (k, val) in &d.fields {
        v[k] = val.clone();
    }
    v[kind.flag] = Value::Bool(d.visible);
    v["owner_id"] = json!(d.owner_id);
    if kind.updated_by {
        v["updated_by_id"] = json!(d.updated_by_id);
    }
    v["created_at"] = json!(state.ts(d.created_at));
    v["updated_at"] = json!(state.ts(d.updated_at));
    v
}

async fn public_get(State(state): State<S>, Path(slug): Path<String>, kind: &'static Kind) -> Reply {
    let mut db = state.db();
    let doc = (kind.table)(&mut db)
        .iter()
        .find(|d| d.slug == slug && d.visible)
        .cloned()
        .ok_or_else(|| not_found(kind.not_found))?;
    Ok(Json(doc_json(&state, &doc, kind)).into_response())
}

async fn public_albums(State(state): State<S>) -> Reply {
    let db = state.db();
    let mut albums: Vec<DocRow> = db.albums.iter().filter(|a| a.visible).cloned().collect();
    drop(db);
    albums.sort_by(|a, b| a.slug.cmp(&b.slug));
    let out: Vec<Value> = albums.iter().map(|a| doc_json(&state, a, &ALBUM)).collect();
    Ok(Json(out).into_response())
}

async fn admin_list(State(state): State<S>, _admin: AdminUser, kind: &'static Kind) -> Reply {
    let docs: Vec<DocRow> = (kind.table)(&mut state.db()).clone();
    let out: Vec<Value> = docs.iter().map(|d| doc_json(&state, d, kind)).collect();
    Ok(Json(out).into_response())
}

/// Reads the kind-specific fields present in `f` (all of them on create).
fn read_fields(f: &mut Fields<'_>, kind: &Kind, all: bool) -> (Map<String, Value>, Option<bool>) {
    let mut fields = Map::new();
    for k in kind.strings {
        if all || f.has(k) {
            fields.insert((*k).to_owned(), json!(f.opt_str(k)));
        }
    }
    for k in kind.lists {
        if all || f.has(k) {
            let v = match f.opt_value(k) {
                None | Some(Value::Null) => json!([]),
                Some(v @ Value::Array(_)) => v,
                Some(other) => {
                    f.type_error(k, "list_type", "Input should be a valid list", other);
                    json!([])
                }
            };
            fields.insert((*k).to_owned(), v);
        }
    }
    for k in kind.objects {
        if all || f.has(k) {
            let v = match f.opt_value(k) {
                None | Some(Value::Null) => json!({}),
                Some(v @ Value::Object(_)) => v,
                Some(other) => {
                    f.type_error(k, "dict_type", "Input should be a valid dictionary", other);
                    json!({})
                }
            };
            fields.insert((*k).to_owned(), v);
        }
    }
    let flag = f.opt_bool(kind.flag);
    (fields, flag)
}

async fn create(
    State(state): State<S>,
    AdminUser(admin): AdminUser,
    headers: HeaderMap,
    body: Bytes,
    kind: &'static Kind,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let slug = f.req_str("slug");
    let title = f.req_str("title");
    let (fields, flag) = read_fields(&mut f, kind, true);
    f.finish()?;
    let mut db = state.db();
    if (kind.table)(&mut db).iter().any(|d| d.slug == slug) {
        return Err(bad_request("Slug already exists"));
    }
    let at = now();
    let row = DocRow {
        id: db.next_id(kind.id_table),
        slug,
        title,
        fields,
        visible: flag.unwrap_or(kind.flag_default),
        owner_id: Some(admin.id),
        updated_by_id: kind.updated_by.then_some(admin.id),
        created_at: at,
        updated_at: at,
    };
    (kind.table)(&mut db).push(row.clone());
    drop(db);
    Ok(Json(doc_json(&state, &row, kind)).into_response())
}

async fn update(
    State(state): State<S>,
    AdminUser(admin): AdminUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
    kind: &'static Kind,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let title = f.has("title").then(|| f.opt_str("title")).flatten();
    let (fields, flag) = read_fields(&mut f, kind, false);
    f.finish()?;
    let mut db = state.db();
    let doc =
        (kind.table)(&mut db).iter_mut().find(|d| d.id == id).ok_or_else(|| not_found(kind.not_found))?;
    if let Some(t) = title {
        doc.title = t;
    }
    doc.fields.extend(fields);
    if let Some(v) = flag {
        doc.visible = v;
    }
    if kind.updated_by {
        doc.updated_by_id = Some(admin.id);
    }
    doc.updated_at = now();
    let doc = doc.clone();
    drop(db);
    Ok(Json(doc_json(&state, &doc, kind)).into_response())
}

async fn delete(
    State(state): State<S>,
    _admin: AdminUser,
    Path(id): Path<i64>,
    kind: &'static Kind,
) -> Reply {
    let mut db = state.db();
    let table = (kind.table)(&mut db);
    let before = table.len();
    table.retain(|d| d.id != id);
    if table.len() == before {
        return Err(not_found(kind.not_found));
    }
    Ok(no_content())
}
