//! AI (reference §5.1–5.3) with only the mock provider configured: `POST /ai/chat`,
//! `POST /ai/chat/stream` (and `/ai/stream`), `GET /ai/models`.

use super::{S, Table};
use crate::auth::CurrentUser;
use crate::errors::{Reply, problem, validation};
use crate::input::{Fields, json_object, query_object};
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

/// The mock provider's fixed reply (reference §5.1).
pub const MOCK_REPLY: &str = "I am a mock AI assistant. Connect me to a real backend to get started!";
const MOCK_MODELS: [&str; 2] = ["llama3.1", "mistral"];

pub(super) fn routes(t: Table) -> Table {
    t.at("/ai/chat", post(chat))
        .at("/ai/chat/stream", post(chat_stream))
        .at("/ai/stream", post(chat_stream))
        .at("/ai/models", get(models))
}

/// Validates an `AiChatRequest` and returns the resolved model identifier.
fn read_chat(state: &S, headers: &HeaderMap, body: &[u8]) -> Result<String, Response> {
    let parsed = json_object(headers, body)?;
    let mut f = Fields::body(&parsed);
    f.req_str("prompt");
    let model = f.opt_str("model");
    let mut errors = f.into_errors();
    match parsed.get("history") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let ok = item.as_object().is_some_and(|o| o.values().all(Value::is_string));
                if !ok {
                    errors.push(problem(
                        "dict_type",
                        vec![json!("body"), json!("history"), json!(i)],
                        "Input should be a valid dictionary",
                        item.clone(),
                    ));
                }
            }
        }
        Some(other) => errors.push(problem(
            "list_type",
            vec![json!("body"), json!("history")],
            "Input should be a valid list",
            other.clone(),
        )),
    }
    if !errors.is_empty() {
        return Err(validation(errors));
    }
    // Only the mock provider exists here: a `mock:` model is used as asked; anything else
    // falls back to the gateway's default (which is a mock model), never to an error.
    Ok(match model {
        Some(m) if m.starts_with("mock:") => m,
        _ => state.db().ai_default_model.clone(),
    })
}

async fn chat(State(state): State<S>, _me: CurrentUser, headers: HeaderMap, body: Bytes) -> Reply {
    let model = read_chat(&state, &headers, &body)?;
    Ok(Json(json!({ "response": MOCK_REPLY, "model": model, "provider": "mock" })).into_response())
}

async fn chat_stream(State(state): State<S>, _me: CurrentUser, headers: HeaderMap, body: Bytes) -> Reply {
    let model = read_chat(&state, &headers, &body)?;
    // The mock streams word by word, each word with a trailing space, then `[DONE]`.
    let mut events: Vec<Result<Bytes, std::io::Error>> =
        MOCK_REPLY.split(' ').map(|w| Ok(Bytes::from(format!("data: {w} \n\n")))).collect();
    events.push(Ok(Bytes::from_static(b"data: [DONE]\n\n")));
    let mut r = Response::new(Body::from_stream(futures_util::stream::iter(events)));
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/event-stream; charset=utf-8"));
    if let Ok(v) = HeaderValue::from_str(&model) {
        h.insert("x-halext-ai-model", v);
    }
    Ok(r)
}

async fn models(State(state): State<S>, _me: CurrentUser, uri: Uri) -> Reply {
    let query = query_object(uri.query());
    let mut f = Fields::flat(&query, "query");
    let provider = f.opt_str("provider");
    let limit = f.opt_int("limit").unwrap_or(200);
    if !(1..=500).contains(&limit) {
        let (kind, msg, bound) = if limit < 1 {
            ("greater_than_equal", "Input should be greater than or equal to 1", 1)
        } else {
            ("less_than_equal", "Input should be less than or equal to 500", 500)
        };
        f.type_error("limit", kind, msg, json!(limit.to_string()));
        let mut errors = f.into_errors();
        if let Some(last) = errors.last_mut() {
            last["ctx"] = json!({ if limit < 1 { "ge" } else { "le" }: bound });
        }
        return Err(validation(errors));
    }
    f.finish()?;
    // Listing models makes the first one the gateway's global default (reference §5.1).
    let current = {
        let mut db = state.db();
        db.ai_default_model = "mock:llama3.1".to_owned();
        db.ai_default_model.clone()
    };
    let wanted = provider.as_deref().map(|p| if p == "ollama-local" { "ollama" } else { p });
    let models: Vec<Value> = MOCK_MODELS
        .iter()
        .filter(|_| wanted.is_none_or(|p| p == "mock"))
        .take(limit as usize)
        .map(|name| {
            json!({
                "id": format!("mock:{name}"), "name": name, "provider": "mock", "size": null,
                "source": "mock", "node_id": null, "node_name": null, "endpoint": null,
                "latency_ms": null, "metadata": {}, "modified_at": null,
                "description": "Offline mock model", "context_window": null,
                "max_output_tokens": null, "input_cost_per_1m": null, "output_cost_per_1m": null,
                "supports_vision": false, "supports_function_calling": false,
            })
        })
        .collect();
    Ok(Json(json!({
        "models": models, "provider": "mock", "current_model": current,
        "default_model_id": current, "credentials": [],
    }))
    .into_response())
}
