//! OpenWebUI integration (reference §6): status, sync status, user sync and SSO.

use super::{S, Table};
use crate::auth::{CurrentUser, sign, unix_now};
use crate::errors::{Reply, detail};
use crate::input::{Fields, optional_json_object};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

/// Lifetime of an SSO token in seconds (24 h).
pub const SSO_LIFETIME_SECS: i64 = 86_400;

pub(super) fn routes(t: Table) -> Table {
    t.at("/integrations/openwebui", get(status))
        .at("/integrations/openwebui/sync/status", get(sync_status))
        .at("/integrations/openwebui/sync/user", post(sync_user))
        .at("/integrations/openwebui/sso", post(sso))
}

fn disabled() -> Response {
    detail(StatusCode::SERVICE_UNAVAILABLE, "OpenWebUI sync is disabled")
}

async fn status(State(state): State<S>) -> Reply {
    let cfg = &state.config;
    Ok(Json(json!({ "enabled": cfg.openwebui_url.is_some(), "url": cfg.openwebui_public() })).into_response())
}

async fn sync_status(State(state): State<S>, _me: CurrentUser) -> Reply {
    let cfg = &state.config;
    if !cfg.openwebui_sync_on() {
        return Err(disabled());
    }
    Ok(Json(json!({
        "enabled": true,
        "configured": true,
        "admin_configured": cfg.openwebui_admin_configured,
        "openwebui_url": cfg.openwebui_url,
        "features": { "user_provisioning": true, "sso": true, "auto_sync": true },
    }))
    .into_response())
}

async fn sync_user(State(state): State<S>, CurrentUser(me): CurrentUser) -> Reply {
    let cfg = &state.config;
    if !cfg.openwebui_sync_on() {
        return Err(disabled());
    }
    if !cfg.openwebui_admin_configured {
        return Ok(Json(json!({
            "success": false, "action": "failed", "user_id": null,
            "message": "Could not provision user in OpenWebUI", "error": "Failed to authenticate as admin",
        }))
        .into_response());
    }
    let created = state.db().openwebui_users.insert(me.id);
    let (action, message) = if created {
        ("created", "User created in OpenWebUI")
    } else {
        ("exists", "User already exists in OpenWebUI")
    };
    Ok(Json(json!({
        "success": true, "action": action, "user_id": format!("owui-{}", me.id),
        "message": message, "error": null,
    }))
    .into_response())
}

async fn sso(State(state): State<S>, CurrentUser(me): CurrentUser, headers: HeaderMap, body: Bytes) -> Reply {
    let cfg = &state.config;
    if !cfg.openwebui_sync_on() {
        return Err(disabled());
    }
    let parsed = optional_json_object(&headers, &body)?;
    let mut f = Fields::body(&parsed);
    let redirect_to = f.opt_str("redirect_to");
    f.finish()?;
    let now = unix_now();
    let token = sign(
        &json!({
            "user_id": me.id, "username": me.username, "email": me.email,
            "exp": now + SSO_LIFETIME_SECS, "iat": now, "iss": "halext-org",
        }),
        &cfg.jwt_secret_key,
    );
    let base = cfg.openwebui_public().unwrap_or("").trim_end_matches('/');
    // `redirect` is appended without URL-encoding, as the real server does.
    let mut sso_url = format!("{base}/sso?token={token}");
    if let Some(r) = redirect_to {
        sso_url.push_str("&redirect=");
        sso_url.push_str(&r);
    }
    Ok(Json(json!({ "sso_url": sso_url, "token": token, "expires_in": SSO_LIFETIME_SECS })).into_response())
}
