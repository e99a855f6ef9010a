//! `GET /health` and `GET /version` (reference §8).

use super::{S, Table};
use crate::state::now;
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

/// The app version string of the reference commit.
pub const APP_VERSION: &str = "0.2.0-refactored";

pub(super) fn routes(t: Table) -> Table {
    t.at("/health", get(health)).at("/version", get(version))
}

async fn health(State(state): State<S>) -> Response {
    let cfg = &state.config;
    let mut warnings = Vec::new();
    if cfg.required_access_code().is_none() && !cfg.dev_mode {
        warnings.push("ACCESS_CODE is not set: registration is open to anyone");
    }
    let ai_model = state.db().ai_default_model.clone();
    Json(json!({
        "status": "healthy",
        "version": APP_VERSION,
        "timestamp": state.ts(now()),
        "env": {
            "issues": [],
            "warnings": warnings,
            "configured_providers": ["mock"],
            "missing_provider_keys": ["openai", "gemini"],
            "offline": false,
            "dev_mode": cfg.dev_mode,
        },
        "components": { "database": "ok", "ai_provider": "mock", "ai_model": ai_model },
        "system": { "python": "3.11.2", "platform": "Linux" },
    }))
    .into_response()
}

async fn version() -> Response {
    Json(json!({
        "version": APP_VERSION,
        "api_name": "Halext Org API",
        "docs_url": "/docs",
        "features": ["tasks", "events", "pages", "ai", "social", "content", "openwebui"],
    }))
    .into_response()
}
