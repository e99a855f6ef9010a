//! # halext-php
//!
//! The `halext` PHP extension: a thin layer over `halext-core` that converts types and maps
//! errors. Everything a binding needs is here; a binding file is a handful of
//! `#[php_function]`s (or a `#[php_class]`) plus one `register(module)` call in
//! `get_module` (below).
//!
//! | module | what it gives a binding |
//! | --- | --- |
//! | [`boundary`] | `run(|| …)`: the panic boundary + error → exception conversion every entry point uses |
//! | [`exception`] | the `Halext\…Exception` classes, the one `Code` → class table, [`exception::Thrown`] |
//! | [`config`] | `halext.*` INI values with `HALEXT_*` environment fallback (`config::jwt_secret()`, …) |
//! | [`convert`] | `serde_json::Value` ⇄ PHP values (`convert::to_zval`, `convert::to_json`) |
//! | `sensitive` | the table of parameters marked `#[\SensitiveParameter]` |
//! | [`token`] | the Tokens binding: `Halext\TokenValidator`, `halext_validate_token()` |
//! | [`client`] | the API client binding: `Halext\Client` |
//! | [`password`] | the legacy password binding: `Halext\Password` |
//! | [`migration`] | the migration binding: `Halext\Migration` |
//!
//! A binding, end to end:
//!
//! ```text
//! /// `halext_validate_token(#[\SensitiveParameter] string $token, array $options = []): array`
//! #[php_function]
//! pub fn halext_validate_token(token: &str, options: Option<&ZendHashTable>) -> PhpResult<Zval> {
//!     boundary::run(|| -> Result<Zval, AnyError> {
//!         let secret = config::jwt_secret()?.ok_or_else(|| AnyError::new(Code::Config, "no halext.jwt_secret"))?;
//!         let claims = halext_core::token::…(token, &secret)?;      // TokenError → TokenException
//!         Ok(convert::to_zval(&claims)?)
//!     })
//! }
//! ```
//! then add `("halext_validate_token", 0)` to `sensitive::PARAMETERS`, the function to
//! `halext.stub.php` (the stub test fails until you do), and tests under `tests/php/`.
//!
//! ## Tests
//! `cargo test -p halext-php` runs the pure-Rust unit tests (naming rules, parsing); they
//! link without PHP, so they must not reach a function that calls the engine. Everything
//! that touches the engine is tested from PHP: `tests/php/` via `scripts/test-php.sh`.
//!
//! ## Module start-up (fork safety)
//! MINIT registers INI entries, classes and parameter attributes, interns the claim names of
//! the claims array and installs the panic hook: nothing else. No tokio runtime, HTTP client, MySQL pool, thread or socket is
//! created at MINIT or RINIT; they are made lazily per process by `halext_core::runtime`
//! (PHP-FPM forks its workers after MINIT). There is no RINIT/RSHUTDOWN.

mod arrays;
pub mod boundary;
pub mod client;
pub mod config;
pub mod convert;
#[cfg(any(debug_assertions, feature = "test-hooks"))]
mod debug;
pub mod exception;
mod ffi;
mod functions;
mod info;
mod ini;
pub mod migration;
pub mod password;
mod sensitive;
pub mod token;

use ext_php_rs::error::php_error;
use ext_php_rs::flags::ErrorType;
use ext_php_rs::prelude::*;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The capabilities shown in `phpinfo()`; a binding author flips theirs to `true`.
pub(crate) const CAPABILITIES: &[(&str, bool)] = &[
    ("Token validation", true),
    ("Halext API client", true),
    ("Legacy identity", true),
    ("Migration", true),
];

/// MINIT (`#[php(startup)]`, before ext-php-rs registers anything of its own).
fn startup(_ty: i32, module_number: i32) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
        boundary::install_panic_hook();
        halext_core::logging::init_from_env();
        ini::register(module_number);
        token::claims::intern_names();
        exception::register().map_err(|e| format!("registering the exception classes: {e}"))?;
        sensitive::mark_all()
    }));
    let failure = match outcome {
        Ok(Ok(())) => return 0,
        Ok(Err(message)) => message,
        Err(_) => "a panic during start-up".to_owned(),
    };
    php_error(&ErrorType::CoreWarning, &format!("halext: module start-up failed: {failure}"));
    -1
}

/// MSHUTDOWN.
extern "C" fn shutdown(_ty: i32, module_number: i32) -> i32 {
    ini::unregister(module_number);
    0
}

/// The `#[php_module]` lives in its own module only so that the undocumented
/// `ext_php_rs_describe_module_v2` it generates does not trip `missing_docs`.
#[allow(missing_docs)]
mod entry {
    use super::{client, debug_register, functions, info, migration, password, shutdown, startup, token};
    use ext_php_rs::prelude::*;

    /// The module entry: name `halext`, version `halext_core::VERSION`.
    #[php_module]
    #[php(startup = "startup")]
    pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
        let module = module
            .name("halext")
            .version(halext_core::VERSION)
            .shutdown_function(shutdown)
            .info_function(info::module_info);
        let module = token::register(functions::register(module));
        debug_register(migration::register(password::register(client::register(module))))
    }
}

#[cfg(any(debug_assertions, feature = "test-hooks"))]
fn debug_register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    debug::register(module)
}

#[cfg(not(any(debug_assertions, feature = "test-hooks")))]
fn debug_register(module: ModuleBuilder<'_>) -> ModuleBuilder<'_> {
    module
}
