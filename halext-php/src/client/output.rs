//! Results of `Halext\Client` as PHP arrays: the core's typed answer serialised to JSON, its
//! datetimes turned into Unix seconds (the PHP API's rule: times are `int` seconds), then
//! converted with [`convert::to_zval`].

use super::args::PhpArray;
use crate::convert;
use halext_core::api::Timestamp;
use halext_core::{AnyError, Code};
use serde::Serialize;
use serde_json::Value;

/// The datetime fields of the API client's typed answers (all `Timestamp`s in
/// `halext_core::api`, at the top level of an object).
pub const TIME_KEYS: &[&str] = &["created_at", "updated_at", "published_at", "last_seen", "timestamp"];

fn internal(e: impl std::fmt::Display) -> AnyError {
    AnyError::new(Code::Internal, format!("cannot convert the answer: {e}"))
}

/// Replaces the RFC 3339 strings at [`TIME_KEYS`] of an object, or of each object of a list,
/// with Unix seconds (`int`). Other values are left alone.
pub fn unix_times(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for key in TIME_KEYS {
                if let Some(v) = map.get_mut(*key) {
                    if let Some(t) = v.as_str().and_then(Timestamp::parse) {
                        *v = Value::from(t.unix_seconds());
                    }
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut().filter(|i| i.is_object()) {
                unix_times(item);
            }
        }
        _ => {}
    }
}

/// Turns `published_at` given as Unix seconds (`int`) into the RFC 3339 text the core reads.
///
/// # Errors
/// `INVALID_ARGUMENT` for a time outside the representable range.
pub fn times_from_unix(map: &mut serde_json::Map<String, Value>, what: &str) -> Result<(), AnyError> {
    for key in TIME_KEYS {
        if let Some(v) = map.get_mut(*key) {
            if let Some(secs) = v.as_i64() {
                let t = Timestamp::from_unix(secs).ok_or_else(|| {
                    AnyError::new(Code::InvalidArgument, format!("{what}['{key}'] is out of range"))
                })?;
                *v = Value::String(t.to_rfc3339());
            }
        }
    }
    Ok(())
}

/// A JSON value as a PHP value, for answers that are already JSON.
///
/// # Errors
/// As [`convert::to_zval`].
pub fn json(value: &Value) -> Result<ext_php_rs::types::Zval, AnyError> {
    Ok(convert::to_zval(value)?)
}

/// A typed answer as a PHP array (an object becomes an associative array, a list a list).
///
/// # Errors
/// `INTERNAL` if the answer cannot be serialised (a bug).
pub fn array<T: Serialize + ?Sized>(answer: &T) -> Result<PhpArray, AnyError> {
    let mut value = serde_json::to_value(answer).map_err(internal)?;
    unix_times(&mut value);
    Ok(PhpArray(convert::to_zval(&value)?))
}

/// A JSON object built by the binding (e.g. the login answer) as a PHP array.
///
/// # Errors
/// As [`convert::to_zval`].
pub fn object(value: Value) -> Result<PhpArray, AnyError> {
    Ok(PhpArray(convert::to_zval(&value)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_become_unix_seconds_at_the_top_level_only() {
        let mut v = json!([
            {"id": 1, "created_at": "2026-11-29T16:54:53Z", "published_at": null,
             "meta": {"created_at": "2026-11-29T16:54:53Z"}},
            {"last_seen": "not a time"}
        ]);
        unix_times(&mut v);
        assert_eq!(v[0]["created_at"], json!(1_795_971_293));
        assert_eq!(v[0]["published_at"], Value::Null);
        assert_eq!(v[0]["meta"]["created_at"], json!("2026-11-29T16:54:53Z"), "free-form data is left alone");
        assert_eq!(v[1]["last_seen"], json!("not a time"));
    }

    #[test]
    fn unix_seconds_in_inputs_become_rfc3339() {
        let mut m =
            json!({"published_at": 1_795_971_293, "title": "x"}).as_object().cloned().unwrap_or_default();
        times_from_unix(&mut m, "$post").expect("in range");
        assert_eq!(m["published_at"], json!("2026-11-29T16:54:53Z"));
        let mut m = json!({"published_at": i64::MAX}).as_object().cloned().unwrap_or_default();
        assert!(times_from_unix(&mut m, "$post").is_err());
    }
}
