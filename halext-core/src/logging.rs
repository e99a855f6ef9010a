//! Opt-in diagnostics for the bindings (PHP extension, C library): the core reports what an
//! operator should know — an ambiguous legacy login refused, a legacy hash that cannot be
//! verified, a JWKS endpoint failing, a published default secret — through `tracing`. The
//! `halext` CLI prints those events itself; a PHP or C host process gets them on its standard
//! error (PHP-FPM: the pool's log with `catch_workers_output = yes`) once [`init_from_env`]
//! found `HALEXT_LOG` set. Events never carry a secret, a password or a whole token.

use std::sync::Once;

/// The environment variable naming what to log: an `EnvFilter` directive list such as `warn`,
/// `info` or `halext_core::mapping=debug` (tracing-subscriber's syntax).
pub const LOG_ENV: &str = "HALEXT_LOG";

/// Installs, at most once per process, a `tracing` subscriber that writes events to standard
/// error (no colours, no timestamps: the host's log adds its own) when [`LOG_ENV`] is set to a
/// valid filter. Does nothing when it is unset or invalid, or when the process already has a
/// global subscriber. Returns whether this call installed it. Safe to call from any thread;
/// a forked child inherits the subscriber and the stderr descriptor.
pub fn init_from_env() -> bool {
    static ONCE: Once = Once::new();
    let mut installed = false;
    ONCE.call_once(|| {
        let Ok(filter) = tracing_subscriber::EnvFilter::try_from_env(LOG_ENV) else {
            return;
        };
        installed = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .with_ansi(false)
            .without_time()
            .try_init()
            .is_ok();
    });
    installed
}
