//! Social circles and pulses (reference §4.1).

use super::{S, Table};
use crate::auth::CurrentUser;
use crate::errors::{Reply, not_found};
use crate::input::{Fields, json_object, query_object};
use crate::state::{AppState, CircleRow, PulseRow, now, now_seconds};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use serde_json::{Value, json};

pub(super) fn routes(t: Table) -> Table {
    t.at("/social/circles", get(list).post(create))
        .at("/social/circles/join", post(join))
        .at("/social/circles/{id}/pulses", get(pulses).post(post_pulse))
}

fn circle_json(state: &AppState, c: &CircleRow) -> Value {
    json!({
        "id": c.id, "name": c.name, "description": c.description, "emoji": c.emoji,
        "theme_color": c.theme_color, "vibe": c.vibe, "owner_id": c.owner_id,
        "invite_code": c.invite_code, "created_at": state.ts(c.created_at),
        "member_count": c.members.len(),
    })
}

async fn list(State(state): State<S>, CurrentUser(me): CurrentUser) -> Reply {
    let circles: Vec<CircleRow> =
        state.db().circles.iter().filter(|c| c.members.contains(&me.id)).cloned().collect();
    Ok(Json(circles.iter().map(|c| circle_json(&state, c)).collect::<Vec<_>>()).into_response())
}

async fn create(
    State(state): State<S>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let name = f.req_str("name");
    let description = f.opt_str("description");
    let emoji = f.opt_str("emoji");
    let theme_color = f.opt_str("theme_color").or_else(|| Some("#A855F7".to_owned()));
    let vibe = f.opt_str("vibe").or_else(|| Some("cozy".to_owned()));
    f.finish()?;
    let mut db = state.db();
    let invite_code = loop {
        let code = hex::encode_upper(rand::random::<[u8; 3]>());
        if !db.circles.iter().any(|c| c.invite_code == code) {
            break code;
        }
    };
    let row = CircleRow {
        id: db.next_id("social_circles"),
        name,
        description,
        emoji,
        theme_color,
        vibe,
        owner_id: me.id,
        invite_code,
        created_at: now_seconds(),
        members: vec![me.id],
    };
    db.circles.push(row.clone());
    drop(db);
    Ok((StatusCode::CREATED, Json(circle_json(&state, &row))).into_response())
}

async fn join(State(state): State<S>, CurrentUser(me): CurrentUser, uri: Uri) -> Reply {
    let query = query_object(uri.query());
    let mut f = Fields::flat(&query, "query");
    let code = f.req_str("invite_code");
    f.finish()?;
    let mut db = state.db();
    let circle = db
        .circles
        .iter_mut()
        .find(|c| c.invite_code.eq_ignore_ascii_case(code.trim()))
        .ok_or_else(|| not_found("Circle not found"))?;
    if !circle.members.contains(&me.id) {
        circle.members.push(me.id);
    }
    let circle = circle.clone();
    drop(db);
    Ok(Json(circle_json(&state, &circle)).into_response())
}

fn pulse_json(state: &AppState, p: &PulseRow, author_name: &str) -> Value {
    json!({
        "id": p.id, "circle_id": p.circle_id, "author_id": p.author_id, "message": p.message,
        "mood": p.mood, "attachments": p.attachments, "created_at": state.ts(p.created_at),
        "author_name": author_name,
    })
}

fn author_name(state: &AppState, id: i64) -> String {
    let db = state.db();
    db.user_by_id(id).map(|u| u.full_name.clone().unwrap_or_else(|| u.username.clone())).unwrap_or_default()
}

async fn pulses(State(state): State<S>, CurrentUser(me): CurrentUser, Path(id): Path<i64>) -> Reply {
    let db = state.db();
    // A non-member (or an unknown circle) gets an empty list, not a 403.
    let member = db.circles.iter().any(|c| c.id == id && c.members.contains(&me.id));
    let mut list: Vec<PulseRow> =
        if member { db.pulses.iter().filter(|p| p.circle_id == id).cloned().collect() } else { Vec::new() };
    drop(db);
    list.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    let out: Vec<Value> =
        list.iter().take(25).map(|p| pulse_json(&state, p, &author_name(&state, p.author_id))).collect();
    Ok(Json(out).into_response())
}

async fn post_pulse(
    State(state): State<S>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let parsed = json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let message = f.req_str("message");
    let mood = f.opt_str("mood");
    let attachments = f.opt_str_list("attachments").unwrap_or_default();
    f.finish()?;
    let mut db = state.db();
    if !db.circles.iter().any(|c| c.id == id && c.members.contains(&me.id)) {
        return Err(not_found("Circle not found"));
    }
    let row = PulseRow {
        id: db.next_id("social_pulses"),
        circle_id: id,
        author_id: me.id,
        message,
        mood,
        attachments,
        created_at: now(),
    };
    db.pulses.push(row.clone());
    drop(db);
    let name = me.full_name.clone().unwrap_or_else(|| me.username.clone());
    Ok((StatusCode::CREATED, Json(pulse_json(&state, &row, &name))).into_response())
}
