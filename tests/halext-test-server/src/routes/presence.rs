//! Presence (reference §2.4): `POST /users/me/presence` = `POST /presence/status`,
//! `GET /users/{username}/presence`, `GET /users/presence?user_ids=1,2`.

use super::{S, Table};
use crate::auth::CurrentUser;
use crate::errors::{Reply, internal_plain, not_found};
use crate::input::{Fields, json_object, query_object};
use crate::state::{AppState, PresenceRow, UserRow, now};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

const STATUSES: [&str; 4] = ["online", "away", "busy", "offline"];

pub(super) fn routes(t: Table) -> Table {
    // A GET on /users/me/presence falls through to /users/{username}/presence, as in Starlette.
    t.at("/users/me/presence", post(update).get(by_me_name))
        .at("/presence/status", post(update))
        .at("/users/{username}/presence", get(by_username))
        .at("/users/presence", get(list))
}

fn partner(state: &AppState, u: &UserRow, p: Option<&PresenceRow>) -> Value {
    match p {
        Some(p) => json!({
            "username": u.username, "is_online": p.is_online, "status": p.status,
            "current_activity": p.current_activity, "status_message": p.status_message,
            "last_seen": state.ts(p.last_seen),
        }),
        None => json!({
            "username": u.username, "is_online": true, "status": "online",
            "current_activity": null, "status_message": null, "last_seen": null,
        }),
    }
}

async fn update(
    State(state): State<S>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let is_online = f.opt_bool("is_online").unwrap_or(true);
    let status = f.opt_str("status");
    if let Some(s) = &status {
        if !STATUSES.contains(&s.as_str()) {
            f.type_error(
                "status",
                "literal_error",
                "Input should be 'online', 'away', 'busy' or 'offline'",
                Value::String(s.clone()),
            );
        }
    }
    let current_activity = f.opt_str("current_activity");
    let status_message = f.opt_str("status_message");
    f.finish()?;
    let row = PresenceRow {
        is_online,
        status: status.unwrap_or_else(|| if is_online { "online" } else { "offline" }.to_owned()),
        current_activity,
        status_message,
        last_seen: now(),
    };
    state.db().presence.insert(me.id, row.clone());
    Ok(Json(partner(&state, &me, Some(&row))).into_response())
}

async fn by_me_name(state: State<S>, user: CurrentUser) -> Reply {
    by_username(state, user, Path("me".to_owned())).await
}

async fn by_username(State(state): State<S>, _me: CurrentUser, Path(username): Path<String>) -> Reply {
    let db = state.db();
    let user = db.user_by_name(&username).ok_or_else(|| not_found("User not found"))?;
    Ok(Json(partner(&state, user, db.presence.get(&user.id))).into_response())
}

async fn list(State(state): State<S>, _me: CurrentUser, uri: Uri) -> Reply {
    let query = query_object(uri.query());
    let mut f = Fields::flat(&query, "query");
    let raw = f.opt_str("user_ids");
    f.finish()?;
    let db = state.db();
    let users: Vec<&UserRow> = match raw {
        // `int(x)` on each piece: a non-integer is an unhandled ValueError → plain-text 500.
        Some(raw) => {
            let ids = raw
                .split(',')
                .map(|s| s.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| internal_plain())?;
            ids.iter().filter_map(|id| db.user_by_id(*id)).collect()
        }
        None => db.users.iter().take(100).collect(),
    };
    let out: Vec<Value> = users
        .into_iter()
        .map(|u| match db.presence.get(&u.id) {
            Some(p) => json!({ "user_id": u.id, "status": p.status, "last_seen": state.ts(p.last_seen), "is_typing": false }),
            None => json!({ "user_id": u.id, "status": "offline", "last_seen": null, "is_typing": false }),
        })
        .collect();
    Ok(Json(out).into_response())
}
