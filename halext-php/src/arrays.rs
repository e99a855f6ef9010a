//! PHP arrays in and out for the `Password` and `Migration` bindings: an options array split
//! into its secret entries (taken as bytes straight into a [`Secret`], never through a JSON
//! string) and the rest (as JSON, interpreted by the core), and the core's ordered result
//! objects returned as PHP arrays with a declared `array` type.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::ZendHashTable;
use halext_core::mapping::json::Object;
use halext_core::{AnyError, Code, Secret};
use serde_json::{Map, Value};

use crate::convert;

/// An options array split by [`split_secrets`]: the JSON object of the ordinary options and the
/// secrets, in the order they were asked for.
pub(crate) type Split<const N: usize> = (Map<String, Value>, [Option<Secret>; N]);

/// Splits `table` (a PHP options array, `None` = `[]`) into the entries named in `secrets`
/// (strings, as bytes; `null` counts as absent) and a JSON object of everything else.
///
/// # Errors
/// `code` with a message naming the option when a secret entry is not a string;
/// `InvalidArgument` from [`convert::to_json`] for a value that cannot be converted.
pub(crate) fn split_secrets<const N: usize>(
    table: Option<&ZendHashTable>,
    secrets: [&str; N],
    code: Code,
) -> Result<Split<N>, AnyError> {
    let mut map = Map::new();
    let mut found: [Option<Secret>; N] = std::array::from_fn(|_| None);
    let Some(table) = table else { return Ok((map, found)) };
    let mut iter = table.iter();
    while let Some((key, value)) = iter.next_zval() {
        let name = match (key.long(), key.zend_str()) {
            (Some(i), _) => i.to_string(),
            (None, Some(s)) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            (None, None) => continue,
        };
        let value = value.dereference();
        if let Some(i) = secrets.iter().position(|s| *s == name) {
            if value.is_null() {
                continue;
            }
            let bytes = value
                .zend_str()
                .ok_or_else(|| AnyError::new(code, format!("option `{name}` must be a string")))?;
            found[i] = Some(Secret::new(bytes.as_bytes()));
            continue;
        }
        map.insert(name, convert::to_json(value)?);
    }
    Ok((map, found))
}

fn engine(e: ext_php_rs::error::Error) -> AnyError {
    AnyError::new(Code::Internal, format!("PHP engine error: {e}"))
}

/// An ordered JSON object (the core's shapes for bindings) as an associative PHP array, keys
/// in the core's order; values converted by [`convert::to_zval`].
///
/// # Errors
/// `Internal` when the engine refuses an insertion (should not happen).
pub(crate) fn object(o: &Object) -> Result<ZBox<ZendHashTable>, AnyError> {
    let mut ht = ZendHashTable::with_capacity(u32::try_from(o.0.len()).unwrap_or(u32::MAX));
    for (k, v) in &o.0 {
        ht.insert(*k, convert::to_zval(v)?).map_err(engine)?;
    }
    Ok(ht)
}

/// A list of ordered objects as a PHP list of arrays.
///
/// # Errors
/// As [`object`].
pub(crate) fn objects(list: &[Object]) -> Result<ZBox<ZendHashTable>, AnyError> {
    let mut ht = ZendHashTable::with_capacity(u32::try_from(list.len()).unwrap_or(u32::MAX));
    for o in list {
        ht.push(object(o)?).map_err(engine)?;
    }
    Ok(ht)
}
