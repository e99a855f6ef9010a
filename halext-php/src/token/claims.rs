//! Claims → PHP array, built directly from the core's typed [`Claims`] (no JSON round trip).

use std::sync::OnceLock;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::convert::IntoZval;
use ext_php_rs::types::{ArrayKey, ZendHashTable, ZendStr};
use halext_core::token::Claims;
use halext_core::{AnyError, Code};

use crate::convert;

/// The registered claim names (RFC 7519 §4.1), in the order [`to_array`] writes them.
const REGISTERED: [&str; 7] = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti"];
const ISS: usize = 0;
const SUB: usize = 1;
const AUD: usize = 2;
const EXP: usize = 3;
const NBF: usize = 4;
const IAT: usize = 5;
const JTI: usize = 6;

/// [`REGISTERED`] as persistent interned `zend_string`s, made once by [`intern_names`] at MINIT
/// (the engine's interned-string table may only grow during startup). A key inserted this way
/// carries its precomputed hash and is not copied, so a claims array costs no key hashing or
/// allocation.
struct Names([&'static ZendStr; 7]);

// SAFETY: persistent interned strings are immutable and live until the engine shuts down
// (after every request); the engine never frees or changes them while the module is loaded.
unsafe impl Send for Names {}
unsafe impl Sync for Names {}

static NAMES: OnceLock<Names> = OnceLock::new();

/// MINIT: interns the registered claim names. Before it runs (or if it never does) the keys
/// are inserted by value, which is slower but the same array.
pub(crate) fn intern_names() {
    let _ = NAMES.get_or_init(|| {
        // SAFETY (lifetime): a persistent interned string is never freed while the module is
        // loaded; `ZBox::into_raw` gives up ownership so nothing releases it.
        Names(REGISTERED.map(|n| unsafe { &*ZBox::into_raw(ZendStr::new_interned(n, true)) }))
    });
}

/// Inserts the registered claim `REGISTERED[name]`.
fn put(ht: &mut ZendHashTable, name: usize, value: impl IntoZval) -> Result<(), AnyError> {
    match NAMES.get() {
        Some(names) => ht.insert(ArrayKey::ZendString(names.0[name]), value),
        None => ht.insert(REGISTERED[name], value),
    }
    .map_err(engine)
}

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
        put(&mut ht, ISS, iss)?;
    }
    if let Some(sub) = claims.sub() {
        put(&mut ht, SUB, sub)?;
    }
    if !claims.aud().is_empty() {
        let mut list = ZendHashTable::with_capacity(u32::try_from(claims.aud().len()).unwrap_or(u32::MAX));
        for a in claims.aud() {
            list.push(a.as_str()).map_err(engine)?;
        }
        put(&mut ht, AUD, list)?;
    }
    for (name, value) in [(EXP, claims.exp()), (NBF, claims.nbf()), (IAT, claims.iat())] {
        if let Some(v) = value {
            put(&mut ht, name, v)?;
        }
    }
    if let Some(jti) = claims.jti() {
        put(&mut ht, JTI, jti)?;
    }
    for (name, value) in claims.extra() {
        ht.insert(name.as_str(), convert::to_zval(value)?).map_err(engine)?;
    }
    Ok(ht)
}
