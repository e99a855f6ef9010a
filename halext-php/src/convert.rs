//! Conversions between PHP values and `serde_json::Value`, used by every binding that
//! returns claims or API responses ([`to_zval`]) or takes structured input ([`to_json`]).
//!
//! JSON → PHP ([`to_zval`]), the same shapes as `json_decode($json, true)`:
//!
//! | JSON | PHP |
//! | --- | --- |
//! | `null`, `true`/`false`, string | `null`, `bool`, `string` |
//! | integer in `i64` range | `int` |
//! | integer above `i64::MAX` (up to `u64::MAX`) | decimal `string` (lossless; `json_decode` would give a lossy `float`) |
//! | other number | `float` |
//! | array | list (packed array, preallocated) |
//! | object | associative array (preallocated); a canonical decimal key such as `"42"` becomes the int key `42`, as in any PHP array |
//!
//! Object keys come back in `serde_json`'s map order (sorted by key), not document order.
//!
//! PHP → JSON ([`to_json`]), the same shapes as `json_encode`:
//! `null`, `bool`, `int`, `float` (finite), `string` (valid UTF-8), and arrays: a list
//! (keys `0..n-1` in order, including the empty array) becomes a JSON array, any other array
//! a JSON object with string keys. References are followed. Objects, resources, non-UTF-8
//! strings or keys, NAN/INF and nesting beyond [`MAX_DEPTH`] (which also stops recursive
//! references) are rejected with a [`ConvertError`] (code `InvalidArgument`) naming the
//! path, e.g. `$['users'][3]['avatar']: an object of class DateTime cannot be converted`.

use ext_php_rs::types::{ZendHashTable, Zval};
use halext_core::{Code, HalextError};
use serde_json::{Map, Number, Value};
use std::fmt::Write as _;

/// The deepest nesting converted either way (the default depth of `json_encode`).
pub const MAX_DEPTH: usize = 512;

/// A value that cannot be converted. Code `InvalidArgument` (`Internal` for [`ConvertError::Engine`]).
/// The message names where (a PHP-style path from the root `$`) and what type, never the value.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    /// An object, resource or other non-JSON PHP value.
    #[error("{path}: {what} cannot be converted (only null, bool, int, float, string and array can)")]
    Unsupported {
        /// Where, e.g. `$['a'][0]`.
        path: String,
        /// What was found, e.g. `an object of class DateTime`.
        what: String,
    },
    /// A string that is not valid UTF-8 (JSON text is Unicode).
    #[error("{path}: string is not valid UTF-8")]
    NotUtf8 {
        /// Where.
        path: String,
    },
    /// An array key that is not valid UTF-8.
    #[error("{path}: array key is not valid UTF-8")]
    KeyNotUtf8 {
        /// Where (the array holding the key).
        path: String,
    },
    /// `NAN` or `INF`.
    #[error("{path}: float {value} has no JSON representation")]
    NonFinite {
        /// Where.
        path: String,
        /// The float.
        value: f64,
    },
    /// Nested deeper than [`MAX_DEPTH`] (or an array that contains a reference to itself).
    #[error("{path}: nested deeper than {MAX_DEPTH} levels (or a recursive reference)")]
    TooDeep {
        /// Where the limit was hit.
        path: String,
    },
    /// The engine refused an insertion (should not happen).
    #[error("{path}: the PHP engine refused the value: {detail}")]
    Engine {
        /// Where.
        path: String,
        /// The engine error.
        detail: String,
    },
}

impl HalextError for ConvertError {
    fn code(&self) -> Code {
        match self {
            ConvertError::Engine { .. } => Code::Internal,
            _ => Code::InvalidArgument,
        }
    }
}

const PATH_HEAD: usize = 12;
const PATH_TAIL: usize = 4;

/// One step of a path, collected only when a conversion fails.
enum Seg {
    Index(i64),
    Key(String),
}

enum FailKind {
    Unsupported(String),
    NotUtf8,
    KeyNotUtf8,
    NonFinite(f64),
    TooDeep,
    Engine(String),
}

/// A failure on its way up: the path is pushed leaf-first as the recursion unwinds.
struct Fail {
    kind: FailKind,
    path: Vec<Seg>,
}

impl Fail {
    fn new(kind: FailKind) -> Self {
        Fail { kind, path: Vec::new() }
    }

    fn at(mut self, seg: Seg) -> Self {
        self.path.push(seg);
        self
    }

    fn into_error(self) -> ConvertError {
        let mut path = String::from("$");
        // Keep long paths (deep nesting, recursive references) readable: the first
        // PATH_HEAD and last PATH_TAIL steps.
        let total = self.path.len();
        for (n, seg) in self.path.iter().rev().enumerate() {
            if total > PATH_HEAD + PATH_TAIL && n >= PATH_HEAD && n < total - PATH_TAIL {
                if n == PATH_HEAD {
                    let _ = write!(path, "…({} more)…", total - PATH_HEAD - PATH_TAIL);
                }
                continue;
            }
            match seg {
                Seg::Index(i) => {
                    let _ = write!(path, "[{i}]");
                }
                Seg::Key(k) => {
                    let shown: String = k.chars().take(64).collect();
                    let _ = write!(path, "['{}']", shown.replace('\\', "\\\\").replace('\'', "\\'"));
                }
            }
        }
        match self.kind {
            FailKind::Unsupported(what) => ConvertError::Unsupported { path, what },
            FailKind::NotUtf8 => ConvertError::NotUtf8 { path },
            FailKind::KeyNotUtf8 => ConvertError::KeyNotUtf8 { path },
            FailKind::NonFinite(value) => ConvertError::NonFinite { path, value },
            FailKind::TooDeep => ConvertError::TooDeep { path },
            FailKind::Engine(detail) => ConvertError::Engine { path, detail },
        }
    }
}

// ---------------------------------------------------------------- JSON → PHP

/// Converts a JSON value to a PHP value (see the module docs for the shapes).
///
/// # Errors
/// [`ConvertError::TooDeep`] beyond [`MAX_DEPTH`]; [`ConvertError::Engine`] if the engine
/// refuses an insertion.
pub fn to_zval(value: &Value) -> Result<Zval, ConvertError> {
    build(value, 0).map_err(Fail::into_error)
}

/// Converts a JSON object (e.g. token claims) to an associative PHP array.
///
/// # Errors
/// As [`to_zval`].
pub fn map_to_zval(map: &Map<String, Value>) -> Result<Zval, ConvertError> {
    build_map(map, 1).map_err(Fail::into_error)
}

fn capacity(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

fn engine(e: ext_php_rs::error::Error) -> Fail {
    Fail::new(FailKind::Engine(e.to_string()))
}

fn build(value: &Value, depth: usize) -> Result<Zval, Fail> {
    let mut out = Zval::new();
    match value {
        Value::Null => out.set_null(),
        Value::Bool(b) => out.set_bool(*b),
        Value::Number(n) => set_number(&mut out, n),
        Value::String(s) => out.set_string(s, false).map_err(engine)?,
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(Fail::new(FailKind::TooDeep));
            }
            let mut table = ZendHashTable::with_capacity(capacity(items.len()));
            for (i, item) in items.iter().enumerate() {
                let index = i64::try_from(i).unwrap_or(i64::MAX);
                let zval = build(item, depth + 1).map_err(|f| f.at(Seg::Index(index)))?;
                table.push(zval).map_err(|e| engine(e).at(Seg::Index(index)))?;
            }
            out.set_hashtable(table);
        }
        Value::Object(map) => return build_map(map, depth + 1),
    }
    Ok(out)
}

fn build_map(map: &Map<String, Value>, depth: usize) -> Result<Zval, Fail> {
    if depth > MAX_DEPTH {
        return Err(Fail::new(FailKind::TooDeep));
    }
    let mut table = ZendHashTable::with_capacity(capacity(map.len()));
    for (key, item) in map {
        let zval = build(item, depth).map_err(|f| f.at(Seg::Key(key.clone())))?;
        let inserted = match numeric_key(key) {
            Some(index) => table.insert_at_index(index, zval),
            None => table.insert(key.as_str(), zval),
        };
        inserted.map_err(|e| engine(e).at(Seg::Key(key.clone())))?;
    }
    let mut out = Zval::new();
    out.set_hashtable(table);
    Ok(out)
}

fn set_number(out: &mut Zval, n: &Number) {
    if let Some(i) = n.as_i64() {
        out.set_long(i);
    } else if let Some(u) = n.as_u64() {
        // Above i64::MAX: a decimal string keeps every digit (a float would not).
        if out.set_string(&u.to_string(), false).is_err() {
            out.set_null();
        }
    } else {
        out.set_double(n.as_f64().unwrap_or(f64::NAN));
    }
}

/// The integer a string key becomes in a PHP array (`ZEND_HANDLE_NUMERIC_STR`): a
/// canonical decimal `zend_long` (optional `-`, no leading zeros, no `+`, not `-0`).
pub fn numeric_key(key: &str) -> Option<i64> {
    let digits = key.strip_prefix('-').unwrap_or(key);
    let canonical = match digits.as_bytes() {
        [b'0'] => key.len() == 1,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if canonical { key.parse().ok() } else { None }
}

// ---------------------------------------------------------------- PHP → JSON

/// Converts a PHP value to JSON (see the module docs for the shapes).
///
/// # Errors
/// See [`ConvertError`].
pub fn to_json(value: &Zval) -> Result<Value, ConvertError> {
    walk(value, 0).map_err(Fail::into_error)
}

/// Converts a PHP array to JSON (a list → array, anything else → object).
///
/// # Errors
/// See [`ConvertError`].
pub fn array_to_json(array: &ZendHashTable) -> Result<Value, ConvertError> {
    walk_array(array, 1).map_err(Fail::into_error)
}

fn walk(zv: &Zval, depth: usize) -> Result<Value, Fail> {
    let zv = zv.dereference();
    let zv = zv.indirect().unwrap_or(zv);
    if zv.is_null() {
        return Ok(Value::Null);
    }
    if let Some(b) = zv.bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = zv.long() {
        return Ok(Value::Number(n.into()));
    }
    if let Some(f) = zv.double() {
        return Number::from_f64(f).map(Value::Number).ok_or_else(|| Fail::new(FailKind::NonFinite(f)));
    }
    if let Some(s) = zv.zend_str() {
        return match std::str::from_utf8(s.as_bytes()) {
            Ok(text) => Ok(Value::String(text.to_owned())),
            Err(_) => Err(Fail::new(FailKind::NotUtf8)),
        };
    }
    if let Some(array) = zv.array() {
        return walk_array(array, depth + 1);
    }
    Err(Fail::new(FailKind::Unsupported(describe(zv))))
}

fn describe(zv: &Zval) -> String {
    if let Some(object) = zv.object() {
        match object.get_class_name() {
            Ok(name) => format!("an object of class {name}"),
            Err(_) => "an object".to_owned(),
        }
    } else if zv.is_resource() {
        "a resource".to_owned()
    } else {
        format!("a value of type {}", zv.get_type())
    }
}

/// Converts an array in one pass: it is collected as a list while its keys are `0, 1, 2, …`
/// and switches to an object at the first key that breaks the sequence.
fn walk_array(array: &ZendHashTable, depth: usize) -> Result<Value, Fail> {
    if depth > MAX_DEPTH {
        return Err(Fail::new(FailKind::TooDeep));
    }
    let mut list: Vec<Value> = Vec::with_capacity(array.len());
    let mut map: Option<Map<String, Value>> = None;
    let mut iter = array.iter();
    while let Some((key, item)) = iter.next_zval() {
        let index = key.long();
        if map.is_none() && index == i64::try_from(list.len()).ok() {
            let seg = || Seg::Index(index.unwrap_or_default());
            list.push(walk(item, depth).map_err(|f| f.at(seg()))?);
            continue;
        }
        let key = match index {
            Some(i) => i.to_string(),
            None => match key.zend_str().map(|s| std::str::from_utf8(s.as_bytes())) {
                Some(Ok(text)) => text.to_owned(),
                _ => return Err(Fail::new(FailKind::KeyNotUtf8)),
            },
        };
        let value = walk(item, depth).map_err(|f| {
            f.at(match index {
                Some(i) => Seg::Index(i),
                None => Seg::Key(key.clone()),
            })
        })?;
        let map = map.get_or_insert_with(|| {
            let mut m = Map::new();
            for (i, v) in list.drain(..).enumerate() {
                m.insert(i.to_string(), v);
            }
            m
        });
        map.insert(key, value);
    }
    Ok(match map {
        Some(map) => Value::Object(map),
        None => Value::Array(list),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_keys_follow_php_rules() {
        assert_eq!(numeric_key("0"), Some(0));
        assert_eq!(numeric_key("42"), Some(42));
        assert_eq!(numeric_key("-7"), Some(-7));
        assert_eq!(numeric_key("9223372036854775807"), Some(i64::MAX));
        assert_eq!(numeric_key("-9223372036854775808"), Some(i64::MIN));
        for not in ["", "-", "-0", "01", "+1", "1.0", " 1", "1 ", "9223372036854775808", "1e3", "0x1"] {
            assert_eq!(numeric_key(not), None, "{not:?}");
        }
    }

    #[test]
    fn paths_render_php_style_and_escape_quotes() {
        let fail = Fail::new(FailKind::NotUtf8)
            .at(Seg::Key("it's".into()))
            .at(Seg::Index(3))
            .at(Seg::Key("users".into()));
        assert_eq!(fail.into_error().to_string(), r"$['users'][3]['it\'s']: string is not valid UTF-8");
    }

    #[test]
    fn long_paths_are_elided_in_the_middle() {
        let mut fail = Fail::new(FailKind::TooDeep);
        for i in (0..100).rev() {
            fail = fail.at(Seg::Index(i));
        }
        let text = fail.into_error().to_string();
        assert!(
            text.starts_with("$[0][1][2][3][4][5][6][7][8][9][10][11]…(84 more)…[96][97][98][99]: nested"),
            "{text}"
        );
    }
}
