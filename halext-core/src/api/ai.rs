//! AI (reference §5): chat, streaming chat, model list. Every route needs a token (any user).
//!
//! Provider failures never surface as errors on Halext: the gateway falls back to the `mock`
//! provider and answers 200 with a fixed text. Check [`ChatReply::is_mock`].

use super::client::HalextClient;
use super::error::ApiError;
use super::sse::{SseEvent, SseParser};
use super::token::AccessToken;
use futures_util::Stream;
use http::Method;
use serde::{Deserialize, Serialize};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// The header naming the model of a chat stream.
pub const MODEL_HEADER: &str = "x-halext-ai-model";

/// One message of a chat history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// `user`, `assistant` or `system`.
    pub role: String,
    /// The text.
    pub content: String,
}

impl ChatMessage {
    /// A `user` message.
    pub fn user(content: impl Into<String>) -> Self {
        ChatMessage { role: "user".into(), content: content.into() }
    }

    /// An `assistant` message.
    pub fn assistant(content: impl Into<String>) -> Self {
        ChatMessage { role: "assistant".into(), content: content.into() }
    }

    /// A `system` message.
    pub fn system(content: impl Into<String>) -> Self {
        ChatMessage { role: "system".into(), content: content.into() }
    }
}

/// `AiChatRequest`. Deserialises from `{"prompt", "history"?, "model"?}` (unknown keys rejected).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    /// The prompt (required).
    pub prompt: String,
    /// Earlier messages, oldest first (omitted when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<ChatMessage>,
    /// `<provider>:<model>`; the server's default when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl ChatRequest {
    /// A prompt without history, on the default model.
    pub fn new(prompt: impl Into<String>) -> Self {
        ChatRequest { prompt: prompt.into(), ..Default::default() }
    }

    /// Chooses the model.
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = Some(model.into());
        self
    }

    /// Sets the history.
    pub fn with_history(mut self, history: Vec<ChatMessage>) -> Self {
        self.history = history;
        self
    }
}

/// `AiChatResponse`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatReply {
    /// The reply text.
    pub response: String,
    /// The resolved model identifier.
    #[serde(default)]
    pub model: String,
    /// The provider that answered (`mock` when Halext fell back).
    #[serde(default)]
    pub provider: String,
}

impl ChatReply {
    /// True when the mock provider answered (no real AI backend was reachable).
    pub fn is_mock(&self) -> bool {
        self.provider == "mock"
    }
}

/// One entry of [`AiModels::models`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AiModel {
    /// `<provider>:<model>`.
    pub id: String,
    /// Model name.
    #[serde(default)]
    pub name: String,
    /// Provider.
    #[serde(default)]
    pub provider: String,
    /// Source (e.g. a node name).
    #[serde(default)]
    pub source: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Context window in tokens.
    #[serde(default)]
    pub context_window: Option<u64>,
    /// Max output tokens.
    #[serde(default)]
    pub max_output_tokens: Option<u64>,
    /// Vision support.
    #[serde(default)]
    pub supports_vision: Option<bool>,
    /// Function-calling support.
    #[serde(default)]
    pub supports_function_calling: Option<bool>,
    /// Everything else the server sent about the model (size, node, costs, metadata, ...).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// `AiModelsResponse`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AiModels {
    /// The models.
    #[serde(default)]
    pub models: Vec<AiModel>,
    /// Current provider.
    #[serde(default)]
    pub provider: String,
    /// Current model.
    #[serde(default)]
    pub current_model: String,
    /// The default model id.
    #[serde(default)]
    pub default_model_id: Option<String>,
    /// Credential status per provider (free-form).
    #[serde(default)]
    pub credentials: Vec<serde_json::Value>,
}

/// Query of `GET /ai/models`. Deserialises from `{"provider"?, "limit"?}` (unknown keys rejected).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelQuery {
    /// Only this provider (`ollama-local` is treated as `ollama`).
    pub provider: Option<String>,
    /// 1–500 (server default 200).
    pub limit: Option<u32>,
}

/// A streamed chat answer: an async [`Stream`] of text chunks, ending after `[DONE]`.
///
/// Each chunk waits at most the client's `timeout_ms` ([`ApiError::Timeout`] with phase
/// `stream`). Dropping the stream closes the connection.
pub struct ChatStream {
    model: Option<String>,
    inner: Pin<Box<dyn Stream<Item = Result<String, ApiError>> + Send>>,
}

impl std::fmt::Debug for ChatStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatStream").field("model", &self.model).finish_non_exhaustive()
    }
}

impl ChatStream {
    /// The model from the `X-Halext-AI-Model` header.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }
}

impl Stream for ChatStream {
    type Item = Result<String, ApiError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

struct StreamState {
    resp: reqwest::Response,
    parser: SseParser,
    endpoint: String,
    idle_ms: u64,
    finished: bool,
}

impl StreamState {
    fn fail(&mut self, e: ApiError) -> Option<Result<String, ApiError>> {
        self.finished = true;
        Some(Err(e))
    }

    async fn next(&mut self) -> Option<Result<String, ApiError>> {
        loop {
            if self.finished {
                return None;
            }
            match self.parser.next_event() {
                Some(SseEvent::Data(text)) => return Some(Ok(text)),
                Some(SseEvent::Done) => {
                    self.finished = true;
                    return None;
                }
                None => {}
            }
            let chunk = self.resp.chunk();
            let chunk = if self.idle_ms > 0 {
                match tokio::time::timeout(Duration::from_millis(self.idle_ms), chunk).await {
                    Ok(c) => c,
                    Err(_) => {
                        let e = ApiError::Timeout {
                            endpoint: self.endpoint.clone(),
                            after_ms: self.idle_ms,
                            phase: "stream",
                        };
                        return self.fail(e);
                    }
                }
            } else {
                chunk.await
            };
            match chunk {
                Ok(Some(bytes)) => self.parser.push(&bytes),
                Ok(None) => {
                    // End of body without `[DONE]`: hand out a last unterminated chunk, then fail.
                    match self.parser.finish() {
                        Some(SseEvent::Data(text)) => return Some(Ok(text)),
                        Some(SseEvent::Done) => {
                            self.finished = true;
                            return None;
                        }
                        None => {}
                    }
                    let e = ApiError::Transport {
                        endpoint: self.endpoint.clone(),
                        reason: "the stream ended before `data: [DONE]`".into(),
                    };
                    return self.fail(e);
                }
                Err(e) => {
                    let e = ApiError::Transport {
                        endpoint: self.endpoint.clone(),
                        reason: super::transport::chain(&e.without_url()),
                    };
                    return self.fail(e);
                }
            }
        }
    }
}

impl HalextClient {
    /// `POST /ai/chat`. Never retried.
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`], [`ApiError::Validation`], [`ApiError::Server`] (503 `AI
    /// provider timed out`, 500 `AI chat failed`; rare, the gateway falls back to mock).
    pub async fn chat(&self, token: &AccessToken, request: &ChatRequest) -> Result<ChatReply, ApiError> {
        self.route(Method::POST, &["ai", "chat"], false).bearer(token).json(request).send().await
    }

    /// `POST /ai/chat/stream`: the answer as a stream of text chunks (SSE, raw text, trailing
    /// spaces kept), with the model from `X-Halext-AI-Model`. Never retried.
    ///
    /// # Errors
    /// As [`HalextClient::chat`] for the request; stream items fail with
    /// [`ApiError::Timeout`] (phase `stream`) or [`ApiError::Transport`] (the connection broke
    /// or ended before `[DONE]`).
    pub async fn chat_stream(
        &self,
        token: &AccessToken,
        request: &ChatRequest,
    ) -> Result<ChatStream, ApiError> {
        let (resp, endpoint) = self
            .route(Method::POST, &["ai", "chat", "stream"], false)
            .bearer(token)
            .json(request)
            .open_stream()
            .await?;
        let model = resp.headers().get(MODEL_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let state = StreamState {
            resp,
            parser: SseParser::default(),
            endpoint,
            idle_ms: self.config().timeout_ms(),
            finished: false,
        };
        // Fused: polling again after the end keeps answering `None` instead of panicking.
        let inner = futures_util::StreamExt::fuse(futures_util::stream::unfold(state, |mut st| async move {
            let item = st.next().await?;
            Some((item, st))
        }));
        Ok(ChatStream { model, inner: Box::pin(inner) })
    }

    /// `GET /ai/models?provider=&limit=`. Note: on Halext this also makes the first listed
    /// model the gateway's default for everyone (reference §5.1).
    ///
    /// # Errors
    /// [`ApiError::Unauthorized`], [`ApiError::Validation`] (limit outside 1–500).
    pub async fn models(&self, token: &AccessToken, query: &ModelQuery) -> Result<AiModels, ApiError> {
        self.route(Method::GET, &["ai", "models"], false)
            .bearer(token)
            .query_opt("provider", query.provider.as_deref())
            .query_opt("limit", query.limit)
            .send()
            .await
    }
}
