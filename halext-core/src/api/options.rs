//! [`ClientOptions`]: the client settings as the bindings take them (a PHP `$options` array, a
//! C JSON object), with one set of names, types and error messages for both.
//!
//! | option | type | `HALEXT_*` variable it overrides |
//! | --- | --- | --- |
//! | `url` | string | `HALEXT_URL` |
//! | `access_code` | string (secret) | `HALEXT_ACCESS_CODE` / `_FILE` |
//! | `timeout_ms` | integer ≥ 0 (milliseconds; 0 = none) | `HALEXT_TIMEOUT_MS` |
//! | `connect_timeout_ms` | integer ≥ 0 (milliseconds; 0 = none) | `HALEXT_CONNECT_TIMEOUT_MS` |
//! | `retries` | integer ≥ 0 | `HALEXT_RETRIES` |
//! | `retry_base_ms` | integer ≥ 0 (milliseconds) | `HALEXT_RETRY_BASE_MS` |
//! | `retry_max_ms` | integer ≥ 0 (milliseconds) | `HALEXT_RETRY_MAX_MS` |
//! | `user_agent` | string | `HALEXT_USER_AGENT` |
//! | `proxy` | string (URL; may hold credentials) | `HALEXT_PROXY` |
//! | `ca_file` | string (path of a PEM bundle) | `HALEXT_CA_FILE` |
//! | `max_upload_bytes` | integer ≥ 0 (bytes) | `HALEXT_MAX_UPLOAD_BYTES` |
//!
//! Integers may also be given as decimal strings (`"1500"`). An unknown option, a wrong type or
//! a negative number is an [`ApiError::Config`] naming the option (never a secret value).
//! Whatever an option does not set comes from a fallback lookup of the `HALEXT_*` names (the
//! environment; PHP INI entries mapped to those names), see [`ClientOptions::into_config`].

use super::config::ClientConfig;
use super::error::ApiError;
use crate::secret::Secret;
use serde_json::{Map, Value};
use std::path::PathBuf;

/// Client settings given explicitly by a caller; unset ones fall back to `HALEXT_*`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClientOptions {
    /// Base URL, with or without `/api`.
    pub url: Option<String>,
    /// Registration access code (`X-Halext-Code`).
    pub access_code: Option<Secret>,
    /// Whole-request timeout per attempt, milliseconds (0 = none).
    pub timeout_ms: Option<u64>,
    /// Connect timeout, milliseconds (0 = none).
    pub connect_timeout_ms: Option<u64>,
    /// Extra attempts for idempotent requests.
    pub retries: Option<u64>,
    /// First backoff delay, milliseconds.
    pub retry_base_ms: Option<u64>,
    /// Backoff and honoured `Retry-After` cap, milliseconds.
    pub retry_max_ms: Option<u64>,
    /// `User-Agent`.
    pub user_agent: Option<String>,
    /// Proxy URL (may carry credentials, so held as a secret).
    pub proxy: Option<Secret>,
    /// Extra CA bundle (PEM).
    pub ca_file: Option<PathBuf>,
    /// Largest media upload, bytes.
    pub max_upload_bytes: Option<u64>,
}

/// Every option name, in documentation order.
pub const OPTION_NAMES: &[&str] = &[
    "url",
    "access_code",
    "timeout_ms",
    "connect_timeout_ms",
    "retries",
    "retry_base_ms",
    "retry_max_ms",
    "user_agent",
    "proxy",
    "ca_file",
    "max_upload_bytes",
];

fn bad(reason: String) -> ApiError {
    ApiError::Config { reason }
}

/// A non-negative integer from a JSON number or a decimal string.
fn whole(name: &str, v: &Value) -> Result<u64, ApiError> {
    let parsed = match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    parsed.ok_or_else(|| bad(format!("option `{name}` must be a whole number, 0 or more")))
}

fn text(name: &str, v: &Value) -> Result<String, ApiError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        _ => Err(bad(format!("option `{name}` must be a string"))),
    }
}

impl ClientOptions {
    /// Reads options from a JSON object (`null` values count as unset).
    ///
    /// # Errors
    /// [`ApiError::Config`] for an unknown option (the message lists the known ones), a value
    /// of the wrong type, or a negative number; it names the option, never a secret value.
    pub fn from_json(map: &Map<String, Value>) -> Result<Self, ApiError> {
        let mut o = ClientOptions::default();
        for (name, value) in map {
            if value.is_null() {
                continue;
            }
            let n = name.as_str();
            match n {
                "url" => o.url = Some(text(n, value)?),
                "access_code" => o.access_code = Some(Secret::from(text(n, value)?)),
                "timeout_ms" => o.timeout_ms = Some(whole(n, value)?),
                "connect_timeout_ms" => o.connect_timeout_ms = Some(whole(n, value)?),
                "retries" => o.retries = Some(whole(n, value)?),
                "retry_base_ms" => o.retry_base_ms = Some(whole(n, value)?),
                "retry_max_ms" => o.retry_max_ms = Some(whole(n, value)?),
                "user_agent" => o.user_agent = Some(text(n, value)?),
                "proxy" => o.proxy = Some(Secret::from(text(n, value)?)),
                "ca_file" => o.ca_file = Some(PathBuf::from(text(n, value)?)),
                "max_upload_bytes" => o.max_upload_bytes = Some(whole(n, value)?),
                _ => {
                    let shown: String = name.chars().take(40).collect();
                    return Err(bad(format!(
                        "unknown client option `{shown}` (known: {})",
                        OPTION_NAMES.join(", ")
                    )));
                }
            }
        }
        Ok(o)
    }

    /// The value an option gives for a `HALEXT_*` name (secrets excluded: they are applied
    /// to the configuration directly, never turned into a lookup string).
    fn lookup(&self, name: &str) -> Option<String> {
        let num = |v: Option<u64>| v.map(|n| n.to_string());
        match name {
            "HALEXT_URL" => self.url.clone(),
            "HALEXT_TIMEOUT_MS" => num(self.timeout_ms),
            "HALEXT_CONNECT_TIMEOUT_MS" => num(self.connect_timeout_ms),
            "HALEXT_RETRIES" => num(self.retries),
            "HALEXT_RETRY_BASE_MS" => num(self.retry_base_ms),
            "HALEXT_RETRY_MAX_MS" => num(self.retry_max_ms),
            "HALEXT_USER_AGENT" => self.user_agent.clone(),
            "HALEXT_CA_FILE" => self.ca_file.as_ref().map(|p| p.to_string_lossy().into_owned()),
            "HALEXT_MAX_UPLOAD_BYTES" => num(self.max_upload_bytes),
            _ => None,
        }
    }

    /// The configuration: each `HALEXT_*` setting from the option when it is set, otherwise
    /// from `fallback` (e.g. `|n| std::env::var(n).ok()`, or PHP INI then the environment),
    /// read with the same rules as [`ClientConfig::from_lookup`]. The access code and proxy
    /// options, when set, replace whatever the fallback has (including `HALEXT_ACCESS_CODE_FILE`).
    ///
    /// # Errors
    /// [`ApiError::Config`]: no URL anywhere, a malformed value in the fallback (named by its
    /// variable), a bad URL.
    pub fn into_config(self, fallback: impl Fn(&str) -> Option<String>) -> Result<ClientConfig, ApiError> {
        let lookup = |name: &str| -> Option<String> {
            match name {
                "HALEXT_ACCESS_CODE" | "HALEXT_ACCESS_CODE_FILE" if self.access_code.is_some() => None,
                "HALEXT_PROXY" if self.proxy.is_some() => None,
                _ => self.lookup(name).or_else(|| fallback(name)),
            }
        };
        if lookup("HALEXT_URL").is_none_or(|u| u.trim().is_empty()) {
            return Err(bad(
                "no Halext URL: set the `url` option, or HALEXT_URL (or the halext.url INI entry in PHP)"
                    .into(),
            ));
        }
        let mut config = ClientConfig::from_lookup(lookup)?;
        if let Some(code) = &self.access_code {
            config = config.with_access_code(code.clone());
        }
        if let Some(proxy) = self.proxy.as_ref().and_then(Secret::expose_str) {
            config = config.with_proxy(proxy);
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn opts(v: Value) -> Result<ClientOptions, ApiError> {
        match v {
            Value::Object(m) => ClientOptions::from_json(&m),
            _ => unreachable!("test input is an object"),
        }
    }

    #[test]
    fn every_option_is_read_and_overrides_the_fallback() {
        let o = opts(json!({
            "url": "http://127.0.0.1:9/api", "access_code": "c0de-s3cret", "timeout_ms": 1500,
            "connect_timeout_ms": "250", "retries": 0, "retry_base_ms": 5, "retry_max_ms": 50,
            "user_agent": "zeniea/3", "proxy": "http://u:pr0xy@proxy:3128", "ca_file": null,
            "max_upload_bytes": 1024
        }))
        .expect("options");
        assert!(!format!("{o:?}").contains("c0de-s3cret") && !format!("{o:?}").contains("pr0xy"));
        let fallback = |n: &str| match n {
            "HALEXT_URL" => Some("http://elsewhere".to_owned()),
            "HALEXT_TIMEOUT_MS" => Some("9999".to_owned()),
            "HALEXT_ACCESS_CODE_FILE" => Some("/nonexistent/file".to_owned()),
            "HALEXT_POOL_IDLE_MS" => Some("1234".to_owned()),
            _ => None,
        };
        let c = o.into_config(fallback).expect("config");
        assert_eq!(c.base_url().as_str(), "http://127.0.0.1:9/api");
        assert_eq!(c.access_code().and_then(Secret::expose_str), Some("c0de-s3cret"));
        assert_eq!((c.timeout_ms(), c.connect_timeout_ms(), c.retries()), (1500, 250, 0));
        assert_eq!((c.retry_base_ms(), c.retry_max_ms()), (5, 50));
        assert_eq!((c.user_agent(), c.max_upload_bytes()), ("zeniea/3", 1024));
        assert_eq!(c.proxy(), Some("http://u:pr0xy@proxy:3128"));
        assert_eq!(c.pool_idle_ms(), 1234, "unset options come from the fallback");
    }

    #[test]
    fn the_fallback_supplies_what_options_do_not() {
        let c = ClientOptions::default()
            .into_config(|n| (n == "HALEXT_URL").then(|| "https://org.halext.org/api".to_owned()))
            .expect("config");
        assert_eq!(c.base_url().as_str(), "https://org.halext.org/api");
        let e = ClientOptions::default().into_config(|_| None).expect_err("no url");
        assert!(e.to_string().contains("`url` option"), "{e}");
    }

    #[test]
    fn bad_options_name_the_option_never_the_value() {
        for (input, needle) in [
            (json!({"timeout": 5}), "unknown client option `timeout`"),
            (json!({"timeout_ms": -5}), "`timeout_ms` must be a whole number"),
            (json!({"retries": "two"}), "`retries` must be a whole number"),
            (json!({"url": 5}), "`url` must be a string"),
            (json!({"access_code": ["hunter2"]}), "`access_code` must be a string"),
        ] {
            let e = opts(input).expect_err(needle).to_string();
            assert!(e.contains(needle), "{e}");
            assert!(!e.contains("hunter2"), "{e}");
        }
        let e = opts(json!({"url": "ftp://x"})).and_then(|o| o.into_config(|_| None)).expect_err("scheme");
        assert_eq!(crate::HalextError::code(&e), crate::Code::Config);
    }
}
