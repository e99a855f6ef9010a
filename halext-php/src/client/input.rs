//! PHP arrays → the core's input types. Names and rules are the core's (its input types
//! deserialise strictly: unknown keys are rejected); this file only reads PHP values.

use super::args::{Bag, typed};
use super::output::times_from_unix;
use crate::convert;
use ext_php_rs::types::ZendHashTable;
use halext_core::api::{
    AccessToken, ChatMessage, ChatRequest, ContextRequest, ContextSnippet, MediaUpload, ModelQuery, NewUser,
};
use halext_core::{AnyError, Code};
use serde_json::Value;

fn invalid(message: String) -> AnyError {
    AnyError::new(Code::InvalidArgument, message)
}

fn required(value: Option<String>, what: &str, key: &str) -> Result<String, AnyError> {
    value.ok_or_else(|| invalid(format!("{what}: missing key `{key}`")))
}

/// A bearer token argument.
///
/// # Errors
/// `INVALID_ARGUMENT` when it is not UTF-8 (it could never be a header value).
pub fn token(raw: &super::args::Text<'_>) -> Result<AccessToken, AnyError> {
    Ok(AccessToken::new(raw.utf8("token")?))
}

/// `register(array $user)`: `username`, `email`, `password` (required), `full_name`
/// (optional). `is_admin` is accepted and dropped: it is never sent (Halext would honour it).
///
/// # Errors
/// `INVALID_ARGUMENT`: a missing or unknown key, a value of the wrong type.
pub fn new_user(array: &ZendHashTable) -> Result<NewUser, AnyError> {
    const WHAT: &str = "$user";
    let mut bag = Bag::read(WHAT, Some(array), &["password"])?;
    let password =
        bag.secret("password").ok_or_else(|| invalid(format!("{WHAT}: missing key `password`")))?;
    let username = required(bag.string("username")?, WHAT, "username")?;
    let email = required(bag.string("email")?, WHAT, "email")?;
    let full_name = bag.string("full_name")?;
    let _ = bag.value("is_admin");
    bag.finish(&["username", "email", "password", "full_name", "is_admin"])?;
    let mut user = NewUser::new(username, email, password);
    user.full_name = full_name;
    Ok(user)
}

/// Any core input type (`NewBlogPost`, `SitePageUpdate`, `NewPulse`, `PresenceUpdate`, ...)
/// from an array; `published_at` may be Unix seconds.
///
/// # Errors
/// `INVALID_ARGUMENT`: see [`typed`].
pub fn body<T: serde::de::DeserializeOwned>(
    what: &'static str,
    array: &ZendHashTable,
) -> Result<T, AnyError> {
    let mut map = Bag::read(what, Some(array), &[])?.into_map();
    times_from_unix(&mut map, what)?;
    typed(what, map)
}

fn history(value: Option<Value>) -> Result<Vec<ChatMessage>, AnyError> {
    match value {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Object(m) => typed(&format!("$options['history'][{i}]"), m),
                _ => Err(invalid(format!(
                    "$options['history'][{i}] must be ['role' => ..., 'content' => ...]"
                ))),
            })
            .collect(),
        Some(_) => Err(invalid("$options['history'] must be a list of messages".into())),
    }
}

/// `chat($token, $prompt, $options)`: options `history` (list of `['role', 'content']`) and
/// `model` (`"<provider>:<model>"`).
///
/// # Errors
/// `INVALID_ARGUMENT`.
pub fn chat_request(prompt: &str, options: Option<&ZendHashTable>) -> Result<ChatRequest, AnyError> {
    let mut bag = Bag::read("$options", options, &[])?;
    let mut request = ChatRequest::new(prompt).with_history(history(bag.value("history"))?);
    request.model = bag.string("model")?;
    bag.finish(&["history", "model"])?;
    Ok(request)
}

/// `chatWithContext($token, $question, $snippets, $options)`: snippets are
/// `['source' => ..., 'title' => ..., 'text' => ...]`, most relevant first; options `site`
/// (default `"this site"`), `model`, `history`, `budget_chars`.
///
/// # Errors
/// `INVALID_ARGUMENT`.
pub fn context_request(
    question: &str,
    snippets: &ZendHashTable,
    options: Option<&ZendHashTable>,
) -> Result<ContextRequest, AnyError> {
    let list = convert::array_to_json(snippets)?;
    let Value::Array(items) = list else {
        return Err(invalid("$snippets must be a list of ['source', 'title', 'text'] arrays".into()));
    };
    let snippets = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(m) => typed::<ContextSnippet>(&format!("$snippets[{i}]"), m),
            _ => Err(invalid(format!(
                "$snippets[{i}] must be ['source' => ..., 'title' => ..., 'text' => ...]"
            ))),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut bag = Bag::read("$options", options, &[])?;
    let site = bag.string("site")?.unwrap_or_else(|| "this site".to_owned());
    let mut request = ContextRequest::new(site, question);
    request.snippets = snippets;
    request.model = bag.string("model")?;
    request.history = history(bag.value("history"))?;
    if let Some(budget) = bag.whole("budget_chars")? {
        request.budget_chars = usize::try_from(budget).unwrap_or(usize::MAX);
    }
    bag.finish(&["site", "model", "history", "budget_chars"])?;
    Ok(request)
}

/// `models($token, $options)`: options `provider`, `limit` (1–500, checked by Halext).
///
/// # Errors
/// `INVALID_ARGUMENT`.
pub fn model_query(options: Option<&ZendHashTable>) -> Result<ModelQuery, AnyError> {
    let mut bag = Bag::read("$options", options, &[])?;
    let provider = bag.string("provider")?;
    let limit = bag.whole("limit")?.map(|n| u32::try_from(n).unwrap_or(u32::MAX));
    bag.finish(&["provider", "limit"])?;
    Ok(ModelQuery { provider, limit })
}

/// The options of `uploadMedia` (`title`, `filename`, `content_type`) and `uploadMediaBytes`
/// (`title`, `content_type`), applied to `upload`.
///
/// # Errors
/// `INVALID_ARGUMENT`.
pub fn media(
    mut upload: MediaUpload,
    options: Option<&ZendHashTable>,
    allow_filename: bool,
) -> Result<MediaUpload, AnyError> {
    let mut bag = Bag::read("$options", options, &[])?;
    if let Some(title) = bag.string("title")? {
        upload = upload.with_title(title);
    }
    if let Some(ct) = bag.string("content_type")? {
        upload = upload.with_content_type(ct);
    }
    if allow_filename {
        if let Some(name) = bag.string("filename")? {
            upload = upload.with_file_name(name);
        }
        bag.finish(&["title", "filename", "content_type"])?;
    } else {
        bag.finish(&["title", "content_type"])?;
    }
    Ok(upload)
}

/// The options of `request()`: `token` (bearer), `query` (`['k' => scalar, ...]`), `json`
/// (any value, sent as the JSON body).
pub struct RawRequest {
    /// Bearer token.
    pub token: Option<AccessToken>,
    /// Query pairs, in order.
    pub query: Vec<(String, String)>,
    /// JSON body.
    pub json: Option<Value>,
}

/// Reads the options of `request()`.
///
/// # Errors
/// `INVALID_ARGUMENT`: a query value that is not a scalar, a token that is not UTF-8.
pub fn raw_request(options: Option<&ZendHashTable>) -> Result<RawRequest, AnyError> {
    let mut bag = Bag::read_except("$options", options, &["token"], &["query"])?;
    let token = match bag.secret("token") {
        None => None,
        Some(s) => Some(AccessToken::new(
            s.expose_str().ok_or_else(|| invalid("$options['token'] is not valid UTF-8".into()))?,
        )),
    };
    // Read straight from the PHP array: the pairs keep their order.
    let mut query = Vec::new();
    if let Some(q) = options.and_then(|o| o.get("query")).map(|v| v.dereference()).filter(|v| !v.is_null()) {
        let table = q
            .array()
            .ok_or_else(|| invalid("$options['query'] must be an array of 'name' => value".into()))?;
        let mut iter = table.iter();
        while let Some((key, value)) = iter.next_zval() {
            let name = match (key.long(), key.zend_str()) {
                (Some(i), _) => i.to_string(),
                (None, Some(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
                (None, None) => continue,
            };
            let text = match convert::to_json(value.dereference())? {
                Value::String(s) => s,
                Value::Bool(b) => if b { "true" } else { "false" }.to_owned(),
                Value::Number(n) => n.to_string(),
                _ => {
                    return Err(invalid(format!(
                        "$options['query']['{name}'] must be a string, int, float or bool"
                    )));
                }
            };
            query.push((name, text));
        }
    }
    let json = bag.value("json");
    bag.finish(&["token", "query", "json"])?;
    Ok(RawRequest { token, query, json })
}
