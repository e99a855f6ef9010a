//! The test-only control API under `/__test` (a path the real server does not have):
//!
//! | route | body | effect |
//! | --- | --- | --- |
//! | `POST /__test/faults` | a [`Fault`] or a list of them | registers faults |
//! | `POST /__test/reset` | none | clears faults, the request log and every table |
//! | `POST /__test/users` | a [`SeedUser`] | creates a user, answers its `UserSummary` |
//! | `GET /__test/requests` | none | the request log, oldest first ([`crate::LoggedRequest`]) |
//! | `POST /__test/token` | `{"username", "exp"?: int\|null}` | `{"access_token"}` signed with `SECRET_KEY` (`exp` absent = now+30 min, `null` = no `exp`) |

use crate::auth::{DEFAULT_ROUNDS, TOKEN_LIFETIME_SECS, hash_password, sign, unix_now};
use crate::errors::{bad_request, no_content};
use crate::faults::Fault;
use crate::state::{AppState, Db, UserRow, now_seconds};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::sync::Arc;

/// A user to create directly (bypassing registration rules).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SeedUser {
    /// Unique username.
    pub username: String,
    /// Unique email.
    pub email: String,
    /// Plain password, hashed as passlib would (ignored when `password_hash` is given).
    #[serde(default)]
    pub password: String,
    /// Optional full name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// Admin flag.
    #[serde(default)]
    pub is_admin: bool,
    /// A stored hash to use verbatim (e.g. a PHP bcrypt hash, which makes `/token` crash
    /// with a 500 like the real server).
    #[serde(default)]
    pub password_hash: Option<String>,
    /// PBKDF2 rounds for the generated hash (default 29000, passlib's).
    #[serde(default)]
    pub rounds: Option<u32>,
}

impl SeedUser {
    /// A non-admin user with a password.
    pub fn new(username: &str, email: &str, password: &str) -> Self {
        SeedUser {
            username: username.into(),
            email: email.into(),
            password: password.into(),
            ..Default::default()
        }
    }

    /// Makes the user an admin.
    pub fn admin(mut self) -> Self {
        self.is_admin = true;
        self
    }
}

/// Creates a seeded user; `Err` names the duplicate field.
pub fn seed_user(state: &AppState, seed: SeedUser) -> Result<UserRow, String> {
    let hashed_password = match seed.password_hash {
        Some(h) => h,
        None => hash_password(&seed.password, seed.rounds.unwrap_or(DEFAULT_ROUNDS).max(1)),
    };
    let mut db = state.db();
    if db.users.iter().any(|u| u.email == seed.email) {
        return Err("Email already registered".into());
    }
    if db.user_by_name(&seed.username).is_some() {
        return Err("Username already registered".into());
    }
    let row = UserRow {
        id: db.next_id("users"),
        username: seed.username,
        email: seed.email,
        hashed_password,
        full_name: seed.full_name,
        is_admin: seed.is_admin,
        created_at: now_seconds(),
        demo_data: false,
    };
    db.users.push(row.clone());
    Ok(row)
}

/// Clears faults, the request log and every table.
pub fn reset(state: &AppState) {
    state.faults.clear();
    state.log.clear();
    *state.db() = Db::default();
}

pub(super) fn routes(router: Router<Arc<AppState>>) -> Router<Arc<AppState>> {
    router
        .route("/__test/faults", post(faults))
        .route("/__test/reset", post(reset_route))
        .route("/__test/users", post(users))
        .route("/__test/requests", get(requests))
        .route("/__test/token", post(token))
}

async fn faults(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let parsed: Result<Vec<Fault>, _> = serde_json::from_slice::<Vec<Fault>>(&body)
        .or_else(|_| serde_json::from_slice::<Fault>(&body).map(|f| vec![f]));
    match parsed {
        Ok(list) => {
            list.into_iter().for_each(|f| state.faults.add(f));
            no_content()
        }
        Err(e) => bad_request(&format!("bad fault: {e}")),
    }
}

async fn reset_route(State(state): State<Arc<AppState>>) -> Response {
    reset(&state);
    no_content()
}

async fn users(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let seed: SeedUser = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => return bad_request(&format!("bad user: {e}")),
    };
    match seed_user(&state, seed) {
        Ok(row) => Json(super::users::user_summary(&state, &row)).into_response(),
        Err(msg) => bad_request(&msg),
    }
}

async fn requests(State(state): State<Arc<AppState>>) -> Response {
    Json(state.log.all()).into_response()
}

async fn token(State(state): State<Arc<AppState>>, body: Bytes) -> Response {
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return bad_request("expected {\"username\": ..., \"exp\": ...}");
    };
    let Some(username) = req.get("username").and_then(Value::as_str) else {
        return bad_request("username is required");
    };
    let mut claims = json!({ "sub": username });
    match req.get("exp") {
        None => claims["exp"] = json!(unix_now() + TOKEN_LIFETIME_SECS),
        Some(Value::Null) => {}
        Some(exp) => claims["exp"] = exp.clone(),
    }
    Json(json!({ "access_token": sign(&claims, &state.config.secret_key) })).into_response()
}
