//! [`from_json_input`]: the bindings' input arrays / JSON objects → the client's input types
//! (`NewBlogPost`, `PresenceUpdate`, `ChatRequest`, ...), which deserialise strictly (unknown
//! keys rejected), with one wording of errors for PHP and C.

use crate::error::{AnyError, Code};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Deserialises `value` into `T`. `what` names the input in messages (`$post`, `post_json`).
///
/// # Errors
/// [`Code::InvalidArgument`]: `"<what>: missing key `slug`"`, `"<what>: unknown key `titel`,
/// expected one of …"`, or `"<what>: a value has the wrong type (expected …)"`. A message never
/// quotes a value (serde's own "invalid type" text can, and a value may be a password).
pub fn from_json_input<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, AnyError> {
    serde_json::from_value(value).map_err(|e| {
        let text = e.to_string();
        let reason = if text.starts_with("missing field") || text.starts_with("unknown field") {
            text.replace("field", "key")
        } else {
            match text.split_once(", expected ") {
                Some((_, expected)) => format!("a value has the wrong type (expected {expected})"),
                None => "a value has the wrong type".to_owned(),
            }
        };
        AnyError::new(Code::InvalidArgument, format!("{what}: {reason}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        name: String,
        n: Option<u32>,
    }

    #[test]
    fn errors_name_the_input_never_the_value() {
        let e = from_json_input::<T>("$post", json!({"n": 1})).expect_err("missing").to_string();
        assert_eq!(e, "$post: missing key `name`");
        let e =
            from_json_input::<T>("$post", json!({"name": "a", "nme": 1})).expect_err("unknown").to_string();
        assert!(e.starts_with("$post: unknown key `nme`"), "{e}");
        let e = from_json_input::<T>("$post", json!({"name": "hunter2", "n": "hunter2"})).expect_err("type");
        assert_eq!(e.code(), Code::InvalidArgument);
        assert!(!e.to_string().contains("hunter2") && e.to_string().contains("expected u32"), "{e}");
        let e = from_json_input::<T>("post_json", json!([1])).expect_err("not an object").to_string();
        assert!(e.starts_with("post_json: a value has the wrong type"), "{e}");
    }
}
