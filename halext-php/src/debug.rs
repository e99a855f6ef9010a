//! Test hooks, compiled only into debug builds (`cfg(debug_assertions)`) or with the
//! `test-hooks` cargo feature (for benchmarking a release build): a normal release build
//! (`cargo build --release -p halext-php`, what production runs) has no `Halext\Debug\*`
//! function.
//! `tests/php` uses them to prove the panic boundary, the exception-object mechanism,
//! the conversions and `#[\SensitiveParameter]` before any binding exists.

use crate::boundary;
use crate::convert;
use crate::exception::Thrown;
use ext_php_rs::builders::ModuleBuilder;
use ext_php_rs::prelude::*;
use ext_php_rs::types::{ZendHashTable, Zval};
use halext_core::{AnyError, Code};

/// Registers the hooks.
pub(crate) fn register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module
        .function(wrap_function!(debug_panic))
        .function(wrap_function!(debug_throw))
        .function(wrap_function!(debug_to_json))
        .function(wrap_function!(debug_from_json))
        .function(wrap_function!(debug_roundtrip))
        .function(wrap_function!(debug_sensitive))
        .function(wrap_function!(debug_convert_bench))
}

/// `Halext\Debug\panic(string $message): void`: panics inside the boundary.
#[php_function]
#[php(name = "Halext\\Debug\\panic")]
pub fn debug_panic(message: String) -> PhpResult<()> {
    boundary::run(|| -> Result<(), AnyError> { panic!("{message}") })
}

/// `Halext\Debug\throw(int $code, string $message, ?array $properties = null): void`:
/// throws the exception of `$code` with the given extra properties, through [`Thrown`].
#[php_function]
#[php(name = "Halext\\Debug\\throw")]
pub fn debug_throw(code: i64, message: String, properties: Option<&ZendHashTable>) -> PhpResult<()> {
    boundary::run_thrown(|| {
        let code = u32::try_from(code)
            .ok()
            .and_then(Code::from_u32)
            .ok_or_else(|| Thrown::new(Code::InvalidArgument, format!("no halext code {code}")))?;
        let mut thrown = Thrown::new(code, message);
        if let Some(properties) = properties {
            let mut iter = properties.iter();
            while let Some((key, value)) = iter.next_zval() {
                let declared = key.str().and_then(|k| thrown.class().declared(k));
                let Some(name) = declared else {
                    return Err(Thrown::new(
                        Code::InvalidArgument,
                        format!("{} declares no such property", thrown.class().name()),
                    ));
                };
                thrown = thrown.with_property(name, value.shallow_clone());
            }
        }
        Err(thrown)
    })
}

/// `Halext\Debug\to_json(mixed $value): string`: [`convert::to_json`], serialised.
#[php_function]
#[php(name = "Halext\\Debug\\to_json")]
pub fn debug_to_json(value: &Zval) -> PhpResult<String> {
    boundary::run(|| -> Result<String, AnyError> {
        let json = convert::to_json(value)?;
        serde_json::to_string(&json).map_err(|e| AnyError::new(Code::Internal, e.to_string()))
    })
}

/// `Halext\Debug\from_json(string $json): mixed`: parsed by serde_json, then [`convert::to_zval`].
#[php_function]
#[php(name = "Halext\\Debug\\from_json")]
pub fn debug_from_json(json: &str) -> PhpResult<Zval> {
    boundary::run(|| -> Result<Zval, AnyError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| AnyError::new(Code::InvalidArgument, e.to_string()))?;
        Ok(convert::to_zval(&value)?)
    })
}

/// `Halext\Debug\roundtrip(mixed $value): mixed`: [`convert::to_json`] then [`convert::to_zval`].
#[php_function]
#[php(name = "Halext\\Debug\\roundtrip")]
pub fn debug_roundtrip(value: &Zval) -> PhpResult<Zval> {
    boundary::run(|| -> Result<Zval, AnyError> { Ok(convert::to_zval(&convert::to_json(value)?)?) })
}

/// `Halext\Debug\sensitive(#[\SensitiveParameter] string $secret): void`: always throws
/// `Halext\Exception` (code `CONFIG`), so a test can inspect the trace arguments.
#[php_function]
#[php(name = "Halext\\Debug\\sensitive")]
pub fn debug_sensitive(secret: &str) -> PhpResult<()> {
    let _ = secret;
    boundary::run(|| -> Result<(), AnyError> {
        Err(AnyError::new(Code::Config, "debug: a sensitive parameter was passed"))
    })
}

/// `Halext\Debug\convert_bench(string $json, int $iterations): array`: times the conversions
/// alone (no parsing, no PHP call overhead): `['to_zval_ns' => float, 'to_json_ns' => float]`,
/// nanoseconds per conversion of `$json` (parsed once), each including freeing the result.
/// Used by `tests/php/bench/convert.php`.
#[php_function]
#[php(name = "Halext\\Debug\\convert_bench")]
pub fn debug_convert_bench(json: &str, iterations: i64) -> PhpResult<Zval> {
    boundary::run(|| -> Result<Zval, AnyError> {
        let n = u32::try_from(iterations.clamp(1, 10_000_000)).unwrap_or(1);
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| AnyError::new(Code::InvalidArgument, e.to_string()))?;
        let start = std::time::Instant::now();
        for _ in 0..n {
            drop(std::hint::black_box(convert::to_zval(std::hint::black_box(&value))?));
        }
        let to_zval = start.elapsed().as_secs_f64() * 1e9 / f64::from(n);
        let zval = convert::to_zval(&value)?;
        let start = std::time::Instant::now();
        for _ in 0..n {
            drop(std::hint::black_box(convert::to_json(std::hint::black_box(&zval))?));
        }
        let to_json = start.elapsed().as_secs_f64() * 1e9 / f64::from(n);
        let mut out = serde_json::Map::new();
        out.insert("to_zval_ns".into(), serde_json::Value::from(to_zval));
        out.insert("to_json_ns".into(), serde_json::Value::from(to_json));
        Ok(convert::map_to_zval(&out)?)
    })
}
