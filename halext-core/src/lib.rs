//! # halext-core
//!
//! Everything halext does, with no knowledge of PHP or C: the PHP extension (`halext-php`),
//! the C ABI (`halext-capi`) and the `halext` CLI are thin layers over this crate.
//!
//! | module | capability |
//! | --- | --- |
//! | [`token`] | validate Halext access tokens, OpenWebUI SSO tokens and JWTs from a JWKS |
//! | [`api`] | a typed, fork-safe client for the Halext API |
//! | [`legacy`] | legacy password hashes and the legacy `users` tables (Acmlmboard, WordPress, ZEN3MP) |
//! | [`mapping`] | the legacy→Halext mapping store, the migration planner, login-time migration, gated registration |
//!
//! Shared pieces: [`error`] (the one table of stable error codes), [`runtime`] (per-process
//! tokio runtime and fork safety), [`secret`] (redacted secret bytes), [`config`] (`halext.toml`)
//! [`registry`] (the bounded per-process map behind the validator and client registries) and
//! [`logging`] (opt-in `HALEXT_LOG` diagnostics for the PHP and C hosts).

pub mod api;
pub mod config;
pub mod error;
pub mod legacy;
pub mod logging;
pub mod mapping;
pub mod registry;
pub mod runtime;
pub mod secret;
pub mod token;

pub use error::{AnyError, Capability, Code, HalextError};
pub use secret::Secret;

/// The version of this crate (and of the PHP extension, C library and CLI built from it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
