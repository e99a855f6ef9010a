//! `POST /token` (reference §1.1): form-encoded OAuth2 password form.

use super::{S, Table};
use crate::auth::{mint_access_token, verify_password};
use crate::errors::{Reply, internal_plain, unauthorized, validation};
use crate::input::{Fields, pairs_object};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::post;
use serde_json::{Value, json};

pub(super) fn routes(t: Table) -> Table {
    t.at("/token", post(token))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            ct.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
        .unwrap_or(false)
}

async fn token(State(state): State<S>, headers: HeaderMap, body: Bytes) -> Reply {
    // Anything but a form body (JSON included) reads as an empty form: both fields missing.
    let form = if is_form(&headers) { pairs_object(&body) } else { Value::Object(Default::default()) };
    let mut f = Fields::flat(&form, "body");
    let username = f.req_str("username");
    let password = f.req_str("password");
    let mut errors = f.into_errors();
    if let Some(Value::String(g)) = form.get("grant_type") {
        if g != "password" {
            errors.push(json!({
                "type": "string_pattern_mismatch",
                "loc": ["body", "grant_type"],
                "msg": "String should match pattern '^password$'",
                "input": g,
                "ctx": { "pattern": "^password$" },
            }));
        }
    }
    if !errors.is_empty() {
        // pydantic reports form fields in declaration order: grant_type, username, password.
        errors.sort_by_key(|e| match e["loc"][1].as_str() {
            Some("grant_type") => 0,
            Some("username") => 1,
            _ => 2,
        });
        return Err(validation(errors));
    }
    let user = {
        let db = state.db();
        db.user_by_name(&username).or_else(|| db.users.iter().find(|u| u.email == username)).cloned()
    };
    let Some(user) = user else {
        return Err(unauthorized("Incorrect username or password"));
    };
    match verify_password(&password, &user.hashed_password) {
        Err(()) => Err(internal_plain()),
        Ok(false) => Err(unauthorized("Incorrect username or password")),
        Ok(true) => Ok(Json(json!({
            "access_token": mint_access_token(&user.username, &state.config.secret_key),
            "token_type": "bearer",
        }))
        .into_response()),
    }
}
