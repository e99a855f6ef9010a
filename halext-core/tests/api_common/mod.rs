//! Shared support for the `api_*` integration tests: an in-process Halext test server and
//! clients configured for quick tests. Include with `mod api_common;`.
#![allow(dead_code)]

use halext_core::Secret;
use halext_core::api::{AccessToken, BlockingClient, ClientConfig, HalextClient};
use halext_test_server::{SeedUser, ServerConfig, ServerHandle};

/// A server with the default (real-server-like) configuration.
pub fn server() -> ServerHandle {
    server_with(|_| {})
}

/// A server with a tweaked configuration.
pub fn server_with(f: impl FnOnce(&mut ServerConfig)) -> ServerHandle {
    let mut cfg = ServerConfig { secret_key: "test-secret-key".into(), ..ServerConfig::default() };
    f(&mut cfg);
    halext_test_server::spawn(cfg).expect("start the test server")
}

thread_local! {
    static DIRECT: std::cell::Cell<bool> = const { std::cell::Cell::new(true) };
}

/// Runs `test` with the blocking facade's direct HTTP path on or off (for this test thread).
pub fn with_direct(on: bool, test: fn()) {
    DIRECT.with(|d| d.set(on));
    test();
}

/// Runs each listed test function twice: through the direct HTTP path and through reqwest.
#[macro_export]
macro_rules! both_paths {
    ($($name:ident),* $(,)?) => {
        mod via_direct_http {
            $( #[test] fn $name() { $crate::api_common::with_direct(true, super::$name) } )*
        }
        mod via_reqwest {
            $( #[test] fn $name() { $crate::api_common::with_direct(false, super::$name) } )*
        }
    };
}

/// A client config for tests: short timeouts, quick retries.
pub fn config(url: &str) -> ClientConfig {
    ClientConfig::new(url)
        .expect("config")
        .with_timeout_ms(2_000)
        .with_connect_timeout_ms(1_000)
        .with_retries(2)
        .with_retry_delays_ms(5, 20)
        .with_direct_http(DIRECT.with(|d| d.get()))
}

/// A blocking client for `server`.
pub fn blocking(server: &ServerHandle) -> BlockingClient {
    BlockingClient::new(config(server.url())).expect("client")
}

/// An async client for `server`.
pub fn client(server: &ServerHandle) -> HalextClient {
    HalextClient::new(config(server.url())).expect("client")
}

/// Seeds a user (1000 PBKDF2 rounds to keep tests quick) and returns a token minted for it.
pub fn user(server: &ServerHandle, name: &str, admin: bool) -> AccessToken {
    let mut seed = SeedUser::new(name, &format!("{name}@example.org"), &format!("{name}-password"));
    seed.is_admin = admin;
    seed.rounds = Some(1000);
    server.seed_user(seed).expect("seed user");
    AccessToken::new(server.mint_token(name, Some(unix_now() + 1800)))
}

/// The password `user` seeded for `name`.
pub fn password(name: &str) -> Secret {
    Secret::from(format!("{name}-password"))
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs() as i64
}
