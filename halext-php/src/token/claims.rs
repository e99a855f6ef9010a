//! Claims → PHP array, built directly from the core's typed [`Claims`] (no JSON round trip).

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::ZendHashTable;
use halext_core::token::Claims;
use halext_core::{AnyError, Code};

use crate::convert;

fn engine(e: ext_php_rs::error::Error) -> AnyError {
    AnyError::new(Code::Internal, format!("PHP engine error: {e}"))
}

/// The claims as an associative array, the shape of `json_decode($payload, true)` with the
/// registered claims typed by the core: `aud` always a list of strings, `exp`/`nbf`/`iat`
/// integer seconds. Order: the registered claims present, in RFC 7519 §4.1 order (`iss`, `sub`,
/// `aud`, `exp`, `nbf`, `iat`, `jti`), then every other claim by name. A Halext access token
/// gives `['sub' => 'alice', 'exp' => 1764432000]`.
///
/// # Errors
/// `Code::Internal` if the engine refuses an insertion (should not happen); a nested claim
/// deeper than the conversion limit gives `Code::InvalidArgument`.
pub(crate) fn to_array(claims: &Claims) -> Result<ZBox<ZendHashTable>, AnyError> {
    let registered = [claims.iss(), claims.sub()].iter().flatten().count()
        + usize::from(!claims.aud().is_empty())
        + [claims.exp(), claims.nbf(), claims.iat()].iter().flatten().count()
        + usize::from(claims.jti().is_some());
    let size = u32::try_from(registered + claims.extra().len()).unwrap_or(u32::MAX);
    let mut ht = ZendHashTable::with_capacity(size);
    if let Some(iss) = claims.iss() {
        ht.insert("iss", iss).map_err(engine)?;
    }
    if let Some(sub) = claims.sub() {
        ht.insert("sub", sub).map_err(engine)?;
    }
    if !claims.aud().is_empty() {
        let mut list = ZendHashTable::with_capacity(u32::try_from(claims.aud().len()).unwrap_or(u32::MAX));
        for a in claims.aud() {
            list.push(a.as_str()).map_err(engine)?;
        }
        ht.insert("aud", list).map_err(engine)?;
    }
    for (name, value) in [("exp", claims.exp()), ("nbf", claims.nbf()), ("iat", claims.iat())] {
        if let Some(v) = value {
            ht.insert(name, v).map_err(engine)?;
        }
    }
    if let Some(jti) = claims.jti() {
        ht.insert("jti", jti).map_err(engine)?;
    }
    for (name, value) in claims.extra() {
        ht.insert(name.as_str(), convert::to_zval(value)?).map_err(engine)?;
    }
    Ok(ht)
}
