//! Request input read the way FastAPI/pydantic v2 reads it, with the same 422 entries:
//! JSON bodies, form bodies and query strings.

use crate::errors::{missing, problem, validation};
use axum::http::{HeaderMap, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

/// True when the request's `Content-Type` is JSON (`application/json` or `+json`).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| {
            let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            mime == "application/json" || mime.ends_with("+json")
        })
        .unwrap_or(false)
}

/// Reads a required JSON object body. Errors as FastAPI reports them: absent body →
/// `missing` at `["body"]`; bad JSON → `json_invalid`; a non-object → `model_attributes_type`.
pub fn json_object(headers: &HeaderMap, body: &[u8]) -> Result<Value, Response> {
    if body.is_empty() {
        return Err(validation(vec![missing(vec![json!("body")], Value::Null)]));
    }
    if !is_json(headers) {
        let raw = String::from_utf8_lossy(body).into_owned();
        return Err(validation(vec![problem(
            "model_attributes_type",
            vec![json!("body")],
            "Input should be a valid dictionary or object to extract fields from",
            Value::String(raw),
        )]));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(other) => Err(validation(vec![problem(
            "model_attributes_type",
            vec![json!("body")],
            "Input should be a valid dictionary or object to extract fields from",
            other,
        )])),
        Err(e) => Err(validation(vec![json!({
            "type": "json_invalid",
            "loc": ["body", e.column()],
            "msg": "JSON decode error",
            "input": {},
            "ctx": { "error": "Expecting value" },
        })])),
    }
}

/// Reads an optional JSON object body (absent → empty object).
pub fn optional_json_object(headers: &HeaderMap, body: &[u8]) -> Result<Value, Response> {
    if body.is_empty() { Ok(Value::Object(Map::new())) } else { json_object(headers, body) }
}

/// Field-by-field reading of a body object, collecting pydantic-style errors.
pub struct Fields<'a> {
    whole: &'a Value,
    obj: Map<String, Value>,
    errors: Vec<Value>,
    loc0: &'static str,
}

impl<'a> Fields<'a> {
    /// Reads fields of a JSON body (errors located under `body`).
    pub fn body(whole: &'a Value) -> Self {
        let obj = whole.as_object().cloned().unwrap_or_default();
        Fields { whole, obj, errors: Vec::new(), loc0: "body" }
    }

    /// Reads fields of a query string or form (errors located under `loc0`).
    pub fn flat(whole: &'a Value, loc0: &'static str) -> Self {
        let obj = whole.as_object().cloned().unwrap_or_default();
        Fields { whole, obj, errors: Vec::new(), loc0 }
    }

    fn loc(&self, key: &str) -> Vec<Value> {
        vec![json!(self.loc0), json!(key)]
    }

    /// True when the key was sent (even as null).
    pub fn has(&self, key: &str) -> bool {
        self.obj.contains_key(key)
    }

    /// A required string.
    pub fn req_str(&mut self, key: &str) -> String {
        match self.obj.get(key).cloned() {
            None => {
                let input = if self.loc0 == "body" { self.whole.clone() } else { Value::Null };
                self.errors.push(missing(self.loc(key), input));
                String::new()
            }
            Some(Value::String(s)) => s,
            Some(other) => {
                self.type_error(key, "string_type", "Input should be a valid string", other);
                String::new()
            }
        }
    }

    /// An optional string (absent or null → `None`).
    pub fn opt_str(&mut self, key: &str) -> Option<String> {
        match self.obj.get(key).cloned() {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.type_error(key, "string_type", "Input should be a valid string", other);
                None
            }
        }
    }

    /// An optional boolean in pydantic's lax mode.
    pub fn opt_bool(&mut self, key: &str) -> Option<bool> {
        match self.obj.get(key).cloned() {
            None | Some(Value::Null) => None,
            Some(v) => match lax_bool(&v) {
                Some(b) => Some(b),
                None => {
                    let (kind, msg) = if v.is_string() {
                        ("bool_parsing", "Input should be a valid boolean, unable to interpret input")
                    } else {
                        ("bool_type", "Input should be a valid boolean")
                    };
                    self.type_error(key, kind, msg, v);
                    None
                }
            },
        }
    }

    /// An optional integer (JSON number without fraction, or a numeric string in a query).
    pub fn opt_int(&mut self, key: &str) -> Option<i64> {
        match self.obj.get(key).cloned() {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
            Some(Value::String(s)) => match s.trim().parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    self.type_error(
                        key,
                        "int_parsing",
                        "Input should be a valid integer, unable to parse string as an integer",
                        Value::String(s),
                    );
                    None
                }
            },
            Some(other) => {
                self.type_error(key, "int_type", "Input should be a valid integer", other);
                None
            }
        }
    }

    /// An optional list of strings (absent or null → `None`).
    pub fn opt_str_list(&mut self, key: &str) -> Option<Vec<String>> {
        match self.obj.get(key).cloned() {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.into_iter().enumerate() {
                    match item {
                        Value::String(s) => out.push(s),
                        other => self.errors.push(problem(
                            "string_type",
                            vec![json!(self.loc0), json!(key), json!(i)],
                            "Input should be a valid string",
                            other,
                        )),
                    }
                }
                Some(out)
            }
            Some(other) => {
                self.type_error(key, "list_type", "Input should be a valid list", other);
                None
            }
        }
    }

    /// An optional JSON value of any shape (absent → `None`).
    pub fn opt_value(&mut self, key: &str) -> Option<Value> {
        self.obj.get(key).cloned()
    }

    /// Records a custom error at `key`.
    pub fn type_error(&mut self, key: &str, kind: &str, msg: &str, input: Value) {
        self.errors.push(problem(kind, self.loc(key), msg, input));
    }

    /// The collected errors as a 422, if any.
    pub fn finish(self) -> Result<(), Response> {
        if self.errors.is_empty() { Ok(()) } else { Err(validation(self.errors)) }
    }

    /// Hands over the collected errors (to merge with others).
    pub fn into_errors(self) -> Vec<Value> {
        self.errors
    }
}

/// pydantic's lax boolean: true/false, 0/1, and the usual strings.
pub fn lax_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => match n.as_i64() {
            Some(0) => Some(false),
            Some(1) => Some(true),
            _ => None,
        },
        Value::String(s) => match s.to_ascii_lowercase().as_str() {
            "1" | "true" | "t" | "yes" | "y" | "on" => Some(true),
            "0" | "false" | "f" | "no" | "n" | "off" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A query string or form body as a JSON object of strings (the last value of a repeated key wins).
pub fn pairs_object(raw: &[u8]) -> Value {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(raw).unwrap_or_default();
    let mut obj = Map::new();
    for (k, v) in pairs {
        obj.insert(k, Value::String(v));
    }
    Value::Object(obj)
}

/// The query string of a URI as a JSON object of strings.
pub fn query_object(query: Option<&str>) -> Value {
    pairs_object(query.unwrap_or("").as_bytes())
}

/// Parses a pydantic datetime: RFC 3339 / ISO 8601 with or without an offset (none = UTC).
pub fn parse_datetime(s: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::{Iso8601, Rfc3339};
    let s = s.trim();
    time::OffsetDateTime::parse(s, &Rfc3339)
        .or_else(|_| time::OffsetDateTime::parse(s, &Iso8601::DEFAULT))
        .or_else(|_| time::PrimitiveDateTime::parse(s, &Iso8601::DEFAULT).map(|p| p.assume_utc()))
        .ok()
        .map(|t| t.to_offset(time::UtcOffset::UTC))
}

impl Fields<'_> {
    /// An optional datetime (absent or null → `None`); an unparseable one is a 422.
    pub fn opt_datetime(&mut self, key: &str) -> Option<time::OffsetDateTime> {
        match self.obj.get(key).cloned() {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => match parse_datetime(&s) {
                Some(t) => Some(t),
                None => {
                    self.type_error(
                        key,
                        "datetime_from_date_parsing",
                        "Input should be a valid datetime or date, invalid character in year",
                        Value::String(s),
                    );
                    None
                }
            },
            Some(other) => {
                self.type_error(key, "datetime_type", "Input should be a valid datetime", other);
                None
            }
        }
    }
}
