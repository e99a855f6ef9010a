//! The extension's own PHP functions: version, the code table, effective configuration.

use crate::boundary;
use crate::config::{self, Kind, Source};
use crate::exception::{ExceptionClass, constant_name, exported_codes};
use ext_php_rs::boxed::ZBox;
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use halext_core::{AnyError, Code};

/// Registers the functions of this file.
pub(crate) fn register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module
        .function(wrap_function!(halext_version))
        .function(wrap_function!(halext_error_codes))
        .function(wrap_function!(halext_config))
}

/// `halext_version(): string`: the version of the extension (= `halext_core::VERSION`).
#[php_function]
pub fn halext_version() -> &'static str {
    halext_core::VERSION
}

/// `halext_error_codes(): array`: every code a halext exception can carry, in numeric order,
/// as `['code' => 104, 'reason' => 'token.expired', 'class' => 'Halext\TokenException',
/// 'constant' => 'EXPIRED']` (generated from `halext_core::Code::ALL`, without `ok`).
#[php_function]
pub fn halext_error_codes() -> PhpResult<ZBox<ZendHashTable>> {
    boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
        let codes: Vec<_> = exported_codes().collect();
        let mut list = table(codes.len());
        for code in codes {
            let mut row = table(4);
            row.insert("code", i64::from(code.as_u32())).map_err(engine)?;
            row.insert("reason", code.as_str()).map_err(engine)?;
            row.insert("class", ExceptionClass::for_code(code).name()).map_err(engine)?;
            row.insert("constant", constant_name(code)).map_err(engine)?;
            list.push(row).map_err(engine)?;
        }
        Ok(list)
    })
}

/// `halext_config(): array`: the effective configuration and where each value came from,
/// without any secret. One entry per setting, keyed by its INI name without `halext.`:
/// `['value' => …, 'source' => 'ini'|'env'|null, 'from' => 'halext.url'|'HALEXT_URL'|null]`
/// (`value`: string, int milliseconds, or null when unset); for the three secrets
/// `['set' => bool, 'source' => 'ini'|'ini_file'|'env'|'env_file'|null, 'from' => …]`.
/// A secret file is read (to prove it is readable) and its contents dropped.
///
/// Throws `Halext\Exception` (code `CONFIG`) for the first unusable setting.
#[php_function]
pub fn halext_config() -> PhpResult<ZBox<ZendHashTable>> {
    boundary::run(|| -> Result<ZBox<ZendHashTable>, AnyError> {
        let mut out = table(config::ALL.len());
        for setting in config::ALL {
            let (field, value, provenance) = match setting.kind {
                Kind::Text => match setting.text()? {
                    Some(r) => ("value", string(r.value.as_bytes()), Some((r.source, r.from))),
                    None => ("value", Zval::null(), None),
                },
                Kind::Path => match setting.path() {
                    Some(r) => {
                        ("value", string(r.value.as_os_str().as_encoded_bytes()), Some((r.source, r.from)))
                    }
                    None => ("value", Zval::null(), None),
                },
                Kind::Millis => match setting.millis()? {
                    Some(r) => {
                        let mut z = Zval::new();
                        z.set_long(i64::try_from(r.value.as_millis()).unwrap_or(i64::MAX));
                        ("value", z, Some((r.source, r.from)))
                    }
                    None => ("value", Zval::null(), None),
                },
                Kind::Secret => {
                    let resolved = match config::SECRETS.iter().find(|(_, s)| std::ptr::eq(s.value, setting))
                    {
                        Some((_, secret)) => secret.resolve()?,
                        None => None,
                    };
                    let mut set = Zval::new();
                    set.set_bool(resolved.is_some());
                    ("set", set, resolved.map(|r| (r.source, r.from)))
                }
                Kind::SecretFile => continue, // reported through its secret
            };
            let key = setting.ini.strip_prefix("halext.").unwrap_or(setting.ini);
            out.insert(key, row(field, value, provenance)?).map_err(engine)?;
        }
        Ok(out)
    })
}

fn row(
    field: &str,
    value: Zval,
    provenance: Option<(Source, &'static str)>,
) -> Result<ZBox<ZendHashTable>, AnyError> {
    let mut row = table(3);
    row.insert(field, value).map_err(engine)?;
    row.insert("source", provenance.map(|(s, _)| s.as_str())).map_err(engine)?;
    row.insert("from", provenance.map(|(_, f)| f)).map_err(engine)?;
    Ok(row)
}

fn table(len: usize) -> ZBox<ZendHashTable> {
    ZendHashTable::with_capacity(u32::try_from(len).unwrap_or(u32::MAX))
}

fn string(bytes: &[u8]) -> Zval {
    let mut z = Zval::new();
    z.set_zend_string(ZendStr::new(bytes, false));
    z
}

/// An engine refusal (an insertion into a fresh array cannot fail in practice).
pub(crate) fn engine(e: ext_php_rs::error::Error) -> AnyError {
    AnyError::new(Code::Internal, format!("PHP engine error: {e}"))
}
