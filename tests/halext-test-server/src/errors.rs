//! The real server's response shapes for errors (reference §0 "Error shapes"): `{"detail": str}`
//! for most statuses, a pydantic-v2 list for 422, and a plain-text 500.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// Handlers answer `Ok(response)` or `Err(error response)`.
pub type Reply = Result<Response, Response>;

/// `{"detail": msg}` with `status`.
pub fn detail(status: StatusCode, msg: &str) -> Response {
    (status, Json(json!({ "detail": msg }))).into_response()
}

/// 401 with `WWW-Authenticate: Bearer`, as FastAPI's OAuth2 scheme and `get_current_user` send.
pub fn unauthorized(msg: &str) -> Response {
    let mut r = detail(StatusCode::UNAUTHORIZED, msg);
    r.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    r
}

/// 403 `Admin access required`.
pub fn admin_required() -> Response {
    detail(StatusCode::FORBIDDEN, "Admin access required")
}

/// 404 with a `<Thing> not found` detail.
pub fn not_found(msg: &str) -> Response {
    detail(StatusCode::NOT_FOUND, msg)
}

/// 400 business-rule rejection.
pub fn bad_request(msg: &str) -> Response {
    detail(StatusCode::BAD_REQUEST, msg)
}

/// Starlette's unhandled-exception answer: `text/plain` `Internal Server Error`.
pub fn internal_plain() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Internal Server Error",
    )
        .into_response()
}

/// 204 with no body.
pub fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// 422 `{"detail": [...]}`.
pub fn validation(errors: Vec<Value>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Json(json!({ "detail": errors }))).into_response()
}

/// One pydantic v2 error entry.
pub fn problem(kind: &str, loc: Vec<Value>, msg: &str, input: Value) -> Value {
    json!({ "type": kind, "loc": loc, "msg": msg, "input": input })
}

/// A `missing` entry.
pub fn missing(loc: Vec<Value>, input: Value) -> Value {
    problem("missing", loc, "Field required", input)
}
