//! Users (reference §2.2, §2.3, §2.4 search): `POST /users/`, `GET|DELETE /users/me/`,
//! `GET /users/search`.

use super::{S, Table};
use crate::auth::{CurrentUser, hash_password};
use crate::errors::{Reply, bad_request, no_content};
use crate::input::{Fields, json_object, query_object};
use crate::state::{AppState, UserRow, now_seconds};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};

pub(super) fn routes(t: Table) -> Table {
    t.at("/users/", axum::routing::post(register))
        .at("/users/me/", get(me).delete(delete_me))
        .at("/users/search", get(search))
}

/// `UserSummary` (no embedded arrays).
pub(crate) fn user_summary(state: &AppState, u: &UserRow) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "email": u.email,
        "full_name": u.full_name,
        "is_admin": u.is_admin,
        "created_at": state.ts(u.created_at),
    })
}

/// The full `User`, with the per-user arrays (demo content when it was seeded).
fn user_full(state: &AppState, u: &UserRow) -> Value {
    let mut v = user_summary(state, u);
    let (tasks, events, pages, labels) =
        if u.demo_data { demo_content(state, u) } else { Default::default() };
    v["tasks"] = Value::Array(tasks);
    v["events"] = Value::Array(events);
    v["pages"] = Value::Array(pages);
    v["labels"] = Value::Array(labels);
    v
}

type Arrays = (Vec<Value>, Vec<Value>, Vec<Value>, Vec<Value>);

/// What `create_demo_data=true` seeds: 8 tasks, 6 events, 1 dashboard page, 12 labels.
fn demo_content(state: &AppState, u: &UserRow) -> Arrays {
    let at = state.ts(u.created_at);
    let labels: Vec<Value> = (1..=12)
        .map(|i| json!({ "id": u.id * 100 + i, "name": format!("Label {i}"), "color": "#6366F1", "owner_id": u.id }))
        .collect();
    let tasks = (1..=8)
        .map(|i| {
            json!({
                "id": u.id * 100 + i, "owner_id": u.id, "title": format!("Demo task {i}"),
                "description": null, "due_date": null, "completed": false, "created_at": at,
                "labels": [labels[(i as usize) % 12].clone()],
            })
        })
        .collect();
    let events = (1..=6)
        .map(|i| {
            json!({
                "id": u.id * 100 + i, "owner_id": u.id, "title": format!("Demo event {i}"),
                "description": null, "start_time": at, "end_time": at, "location": null,
                "recurrence_type": "none", "recurrence_interval": 1, "recurrence_end_date": null,
            })
        })
        .collect();
    let pages = vec![json!({
        "id": u.id, "owner_id": u.id, "title": "Dashboard", "description": null,
        "visibility": "private", "layout": [], "created_at": at, "updated_at": at,
    })];
    (tasks, events, pages, labels)
}

async fn register(State(state): State<S>, headers: HeaderMap, uri: Uri, body: Bytes) -> Reply {
    let query = query_object(uri.query());
    let mut q = Fields::flat(&query, "query");
    let create_demo_data = q.opt_bool("create_demo_data").unwrap_or(true);
    let mut errors = q.into_errors();
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let username = f.req_str("username");
    let email = f.req_str("email");
    let password = f.req_str("password");
    let full_name = f.opt_str("full_name");
    let is_admin = f.opt_bool("is_admin").unwrap_or(false);
    errors.extend(f.into_errors());
    if !errors.is_empty() {
        return Err(crate::errors::validation(errors));
    }
    if let Some(code) = state.config.required_access_code() {
        let sent = headers.get("x-halext-code").and_then(|v| v.to_str().ok()).unwrap_or("");
        if sent != code {
            return Err(crate::errors::detail(axum::http::StatusCode::UNAUTHORIZED, "Access code required"));
        }
    }
    let hashed_password = hash_password(&password, crate::auth::DEFAULT_ROUNDS);
    let mut db = state.db();
    if db.users.iter().any(|u| u.email == email) {
        return Err(bad_request("Email already registered"));
    }
    if db.user_by_name(&username).is_some() {
        return Err(bad_request("Username already registered"));
    }
    let id = db.next_id("users");
    let row = UserRow {
        id,
        username,
        email,
        hashed_password,
        full_name,
        is_admin,
        created_at: now_seconds(),
        demo_data: create_demo_data,
    };
    db.users.push(row.clone());
    drop(db);
    Ok(Json(user_full(&state, &row)).into_response())
}

async fn me(State(state): State<S>, CurrentUser(user): CurrentUser) -> Reply {
    Ok(Json(user_full(&state, &user)).into_response())
}

async fn delete_me(State(state): State<S>, CurrentUser(user): CurrentUser) -> Reply {
    state.db().delete_user(user.id);
    Ok(no_content())
}

async fn search(State(state): State<S>, CurrentUser(me): CurrentUser, uri: Uri) -> Reply {
    let query = query_object(uri.query());
    let mut f = Fields::flat(&query, "query");
    let q = f.req_str("q");
    let limit = f.opt_int("limit").unwrap_or(20);
    f.finish()?;
    let needle = q.to_lowercase();
    let db = state.db();
    let mut found: Vec<&UserRow> = db
        .users
        .iter()
        .filter(|u| u.id != me.id)
        .filter(|u| {
            u.username.to_lowercase().contains(&needle)
                || u.full_name.as_deref().is_some_and(|n| n.to_lowercase().contains(&needle))
        })
        .collect();
    found.sort_by(|a, b| a.username.cmp(&b.username));
    let out: Vec<Value> =
        found.into_iter().take(limit.max(0) as usize).map(|u| user_summary(&state, u)).collect();
    Ok(Json(out).into_response())
}
