//! [`MigrationOptions`]: how a binding object (PHP `new Halext\Migration($options)`, C
//! `halext_migration_new`) names the [`MigrationService`] it uses, and [`MigrationHandle`], what
//! such an object holds.
//!
//! The options are a `halext.toml` path plus overrides of its `[halext]` section (the API
//! client: `url`, `timeout_ms`, `access_code`, ... — the same names as the file's keys and
//! PHP's `Halext\Client` options). Legacy sites, the mapping store and the login policy come
//! from the file only: one place an operator reviews.
//!
//! A [`MigrationHandle`] keeps this process's shared service (see
//! [`MigrationService::shared_with`]); after `fork()` its first use fetches the child's own
//! service (the parent's database connections must not be used by two processes), and the
//! parent's copy is never dropped in the child (dropping could close sockets the parent uses).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::error::MigrationError;
use super::service::MigrationService;
use crate::Secret;
use crate::config::{HALEXT_KEYS, HalextToml};
use crate::runtime::current_pid;

/// Overrides of a `halext.toml`'s `[halext]` section, checked against [`HALEXT_KEYS`].
#[derive(Clone, Default)]
pub struct ClientOverrides {
    /// Non-secret keys (`url`, `timeout_ms`, ...), sorted by name.
    values: Vec<(String, toml::Value)>,
    /// `access_code`, when overridden (replaces `access_code`, `access_code_env` and
    /// `access_code_file` of the file).
    access_code: Option<Secret>,
}

impl std::fmt::Debug for ClientOverrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOverrides")
            .field("values", &self.values)
            .field("access_code", &self.access_code)
            .finish()
    }
}

impl ClientOverrides {
    /// True when nothing is overridden.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.access_code.is_none()
    }

    /// SHA-256 of the overrides (the access code only as its own SHA-256): the registry key
    /// part that tells two option sets apart without keeping a secret in the key.
    pub fn fingerprint(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        for (k, v) in &self.values {
            h.update(k.as_bytes());
            h.update(b"=");
            h.update(v.to_string().as_bytes());
            h.update(b"\n");
        }
        if let Some(code) = &self.access_code {
            h.update(b"access_code#sha256=");
            h.update(Sha256::digest(code.expose()));
        }
        h.finalize().into()
    }

    /// Writes the overrides into `cfg.halext` (an overridden access code removes the file's
    /// `access_code_env`/`access_code_file`).
    pub fn apply(&self, cfg: &mut HalextToml) {
        for (k, v) in &self.values {
            cfg.halext.insert(k.clone(), v.clone());
        }
        if let Some(code) = &self.access_code {
            cfg.halext.remove("access_code_env");
            cfg.halext.remove("access_code_file");
            cfg.halext.insert(
                "access_code".into(),
                toml::Value::String(String::from_utf8_lossy(code.expose()).into_owned()),
            );
        }
    }
}

/// What a binding's Migration object is made from. Build it with [`MigrationOptions::from_map`]
/// (PHP's options array converted to JSON; C's options JSON), then
/// [`MigrationOptions::with_access_code`] for the secret, then [`MigrationHandle::open`].
#[derive(Debug, Clone, Default)]
pub struct MigrationOptions {
    /// The `halext.toml` (option `config`); `None` means the binding's default (PHP: INI
    /// `halext.config`, env `HALEXT_CONFIG`; C: env `HALEXT_CONFIG`), which it resolves before
    /// [`MigrationHandle::open`].
    pub config: Option<PathBuf>,
    /// `[halext]` overrides (every other option).
    pub client: ClientOverrides,
}

/// The option names [`MigrationOptions::from_map`] accepts besides the `[halext]` keys.
pub const OPTION_NAMES: &[&str] = &["config"];

impl MigrationOptions {
    /// Reads `config` (a path string) and `[halext]` overrides (strings, integers, booleans;
    /// names as in `halext.toml`) from a JSON object. `null` values count as absent.
    ///
    /// # Errors
    /// [`MigrationError::Config`] naming an unknown option (with the list of known ones), a
    /// value of the wrong type, `access_code`/`access_code_env`/`access_code_file` (the access
    /// code is a secret: give it with [`MigrationOptions::with_access_code`]; the other two
    /// belong in the file).
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, MigrationError> {
        let bad = |m: String| MigrationError::Config(format!("invalid migration options: {m}"));
        let mut out = MigrationOptions::default();
        for (name, value) in map {
            if value.is_null() {
                continue;
            }
            if name == "config" {
                let path = value.as_str().filter(|p| !p.is_empty()).ok_or_else(|| {
                    bad("`config` must be the path of a halext.toml (a non-empty string)".into())
                })?;
                out.config = Some(PathBuf::from(path));
                continue;
            }
            if name.starts_with("access_code") {
                return Err(bad(format!(
                    "`{name}` cannot be an option: pass the access code as a secret, or set it in the file"
                )));
            }
            if !HALEXT_KEYS.contains(&name.as_str()) {
                let known: Vec<&str> = OPTION_NAMES
                    .iter()
                    .chain(HALEXT_KEYS.iter().filter(|k| !k.starts_with("access_code_")))
                    .copied()
                    .collect();
                return Err(bad(format!(
                    "unknown option {:?} (known: {})",
                    name.chars().take(40).collect::<String>(),
                    known.join(", ")
                )));
            }
            let v = match value {
                Value::String(s) => toml::Value::String(s.clone()),
                Value::Bool(b) => toml::Value::Boolean(*b),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => toml::Value::Integer(i),
                    None => return Err(bad(format!("`{name}` must be a whole number"))),
                },
                _ => return Err(bad(format!("`{name}` must be a string, number or boolean"))),
            };
            out.client.values.push((name.clone(), v));
        }
        out.client.values.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Overrides the Halext registration access code (`[halext] access_code`).
    #[must_use]
    pub fn with_access_code(mut self, code: Option<Secret>) -> Self {
        if code.is_some() {
            self.client.access_code = code;
        }
        self
    }
}

/// What a binding object holds: the options it was made from and this process's service.
pub struct MigrationHandle {
    path: PathBuf,
    client: ClientOverrides,
    slot: Mutex<Option<(u32, Arc<MigrationService>)>>,
}

impl std::fmt::Debug for MigrationHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MigrationHandle").field("path", &self.path).field("client", &self.client).finish()
    }
}

impl MigrationHandle {
    /// Gets (or builds) this process's service for `options` now, so a configuration problem
    /// is reported by the constructor rather than the first call. No network or database I/O.
    ///
    /// # Errors
    /// [`MigrationError::Config`] when `options.config` is `None` (the binding must resolve
    /// its default first) or the file or an override is invalid; otherwise as
    /// [`MigrationService::shared_with`].
    pub fn open(options: MigrationOptions) -> Result<Self, MigrationError> {
        let path = options.config.ok_or_else(|| {
            MigrationError::Config(
                "no halext.toml: pass the `config` option, or set halext.config (INI) or HALEXT_CONFIG"
                    .into(),
            )
        })?;
        let service = MigrationService::shared_with(&path, &options.client)?;
        Ok(MigrationHandle { path, client: options.client, slot: Mutex::new(Some((current_pid(), service))) })
    }

    /// The `halext.toml` this handle was opened with.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This process's service: the one made at [`MigrationHandle::open`], or after a `fork()`
    /// the child's own (fetched, and the parent's set aside without being dropped).
    ///
    /// # Errors
    /// As [`MigrationService::shared_with`] (only after a fork: the file is read again).
    pub fn service(&self) -> Result<Arc<MigrationService>, MigrationError> {
        let pid = current_pid();
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((owner, service)) = slot.as_ref() {
            if *owner == pid {
                return Ok(Arc::clone(service));
            }
        }
        if let Some(stale) = slot.take() {
            // Made in the parent: its connections belong to the parent. Never drop it here.
            std::mem::forget(stale);
        }
        let service = MigrationService::shared_with(&self.path, &self.client)?;
        *slot = Some((pid, Arc::clone(&service)));
        Ok(service)
    }
}

impl Drop for MigrationHandle {
    fn drop(&mut self) {
        let slot = self.slot.get_mut().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = slot.take() {
            if entry.0 != current_pid() {
                std::mem::forget(entry);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(v: Value) -> Result<MigrationOptions, MigrationError> {
        MigrationOptions::from_map(v.as_object().unwrap())
    }

    #[test]
    fn reads_config_and_client_overrides() {
        let o = parse(json!({"config": "/etc/halext.toml", "url": "http://h", "timeout_ms": 700, "direct_http": false, "retries": null}))
            .unwrap();
        assert_eq!(o.config.as_deref(), Some(Path::new("/etc/halext.toml")));
        let names: Vec<&str> = o.client.values.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["direct_http", "timeout_ms", "url"]);
        let mut cfg =
            HalextToml::parse("[halext]\nurl = \"http://file\"\naccess_code_env = \"X\"\n").unwrap();
        o.clone().with_access_code(Some(Secret::from("code"))).client.apply(&mut cfg);
        assert_eq!(cfg.halext.get("url").and_then(|v| v.as_str()), Some("http://h"));
        assert_eq!(cfg.halext.get("timeout_ms").and_then(|v| v.as_integer()), Some(700));
        assert!(cfg.halext.get("access_code_env").is_none());
        let client = cfg.client_config_with(|_| None).unwrap();
        assert_eq!(client.access_code().map(Secret::expose), Some(&b"code"[..]));
    }

    #[test]
    fn rejects_unknown_options_secrets_and_wrong_types() {
        for (input, want) in [
            (json!({"site": "wordpress"}), "unknown option \"site\""),
            (json!({"access_code": "x"}), "pass the access code as a secret"),
            (json!({"config": ""}), "`config` must be"),
            (json!({"config": 3}), "`config` must be"),
            (json!({"timeout_ms": 1.5}), "whole number"),
            (json!({"url": ["a"]}), "string, number or boolean"),
        ] {
            let err = parse(input.clone()).unwrap_err();
            assert!(matches!(err, MigrationError::Config(_)), "{input}: {err:?}");
            assert!(err.to_string().contains(want), "{input}: {err}");
        }
        let err = parse(json!({"nope": 1})).unwrap_err().to_string();
        assert!(err.contains("config, url") && !err.contains("access_code_env"), "{err}");
    }

    #[test]
    fn fingerprints_tell_option_sets_apart_without_the_secret() {
        let a = parse(json!({"url": "http://a"})).unwrap().client;
        let b = parse(json!({"url": "http://b"})).unwrap().client;
        assert_ne!(a.fingerprint(), b.fingerprint());
        assert_eq!(a.fingerprint(), parse(json!({"url": "http://a"})).unwrap().client.fingerprint());
        let with_code = |c: &str| {
            parse(json!({"url": "http://a"})).unwrap().with_access_code(Some(Secret::from(c))).client
        };
        assert_ne!(with_code("one").fingerprint(), with_code("two").fingerprint());
        assert!(ClientOverrides::default().is_empty());
        let shown = format!("{:?}", with_code("s3cr3t"));
        assert!(!shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn open_needs_a_file() {
        let err = MigrationHandle::open(MigrationOptions::default()).unwrap_err();
        assert!(err.to_string().contains("HALEXT_CONFIG"), "{err}");
        let err = MigrationHandle::open(MigrationOptions {
            config: Some(PathBuf::from("/nonexistent/halext.toml")),
            ..Default::default()
        })
        .unwrap_err();
        assert!(
            matches!(err, MigrationError::Config(_)) && err.to_string().contains("/nonexistent"),
            "{err}"
        );
    }
}
