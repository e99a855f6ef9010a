//! Building (or finding) the core client behind a `Halext\Client`.
//!
//! Options come from the constructor's array, else the INI entries (`halext.url`,
//! `halext.timeout_ms`, `halext.connect_timeout_ms`, `halext.access_code[_file]`), else the
//! environment (`HALEXT_*`, every name `ClientConfig::from_lookup` reads). The resulting
//! configuration is looked up in a per-process [`ClientRegistry`] by its fingerprint (secrets
//! only as SHA-256), so `new Halext\Client($same_options)` in the next request of the same
//! PHP-FPM worker gets the same core client back, with its open keep-alive connection and its
//! remote-validation cache.

use super::args::Bag;
use crate::config;
use ext_php_rs::types::ZendHashTable;
use halext_core::AnyError;
use halext_core::api::{BlockingClient, ClientOptions, ClientRegistry};

/// The clients of this process (at most 16 configurations; the least recently used is dropped).
pub fn registry() -> &'static ClientRegistry {
    static REGISTRY: ClientRegistry = ClientRegistry::new(halext_core::api::DEFAULT_CLIENT_REGISTRY_CAPACITY);
    &REGISTRY
}

fn millis(d: Option<std::time::Duration>) -> Option<String> {
    d.map(|d| d.as_millis().to_string())
}

/// The client for a constructor's `$options`.
///
/// # Errors
/// `CONFIG` (`Halext\Exception`): an unknown option, a value of the wrong type, no URL in the
/// options, INI or environment, an invalid INI/env value, an unreadable CA or secret file.
/// `INVALID_ARGUMENT`: a value that cannot be converted at all (an object, a resource).
pub fn client(options: Option<&ZendHashTable>) -> Result<BlockingClient, AnyError> {
    let mut bag = Bag::read("$options", options, &["access_code", "proxy"])?;
    let access_code = bag.secret("access_code");
    let proxy = bag.secret("proxy");
    let mut opts = ClientOptions::from_json(&bag.into_map())?;
    opts.access_code = match access_code {
        Some(code) => Some(code),
        None => config::access_code()?,
    };
    opts.proxy = proxy;
    let (url, timeout, connect) = (config::url()?, config::timeout()?, config::connect_timeout()?);
    let config = opts.into_config(|name| match name {
        "HALEXT_URL" => url.clone(),
        "HALEXT_TIMEOUT_MS" => millis(timeout),
        "HALEXT_CONNECT_TIMEOUT_MS" => millis(connect),
        // Resolved above with the INI layer and its file variants.
        "HALEXT_ACCESS_CODE" | "HALEXT_ACCESS_CODE_FILE" => None,
        other => std::env::var(other).ok().filter(|v| !v.is_empty()),
    })?;
    Ok(registry().get_or_build(config)?.0)
}
