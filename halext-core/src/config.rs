//! `halext.toml`: the one configuration file of the `halext` CLI, also read by PHP's
//! `Halext\Migration` (INI `halext.config`) and by the C ABI.
//!
//! ```toml
//! [halext]                          # the API client; every key is optional and falls back to
//! url = "https://org.halext.org/api"  # the matching HALEXT_* environment variable
//! access_code_env = "HALEXT_ACCESS_CODE"   # or access_code = "…" / access_code_file = "…"
//! timeout_ms = 5000                 # whole request, milliseconds
//! connect_timeout_ms = 1000
//! retries = 2
//!
//! [mapping]                         # where the halext_user_map table lives
//! dsn_env = "HALEXT_MAPPING_DSN"    # or dsn = "mysql://…" / dsn_file = "…"
//! table = "halext_user_map"
//!
//! [plan]                            # PlanPolicy: site priority, trusted emails, state policies
//! site_priority = ["wordpress", "acmlm", "social"]
//!
//! [login]                           # LoginPolicy: what happens when Halext is down, …
//! on_halext_unavailable = "fail"
//!
//! [[site]]                          # one per legacy site: see docs/legacy.md
//! name = "acmlm"
//! profile = "acmlmboard"
//! dsn_env = "HALEXT_ACMLM_DSN"
//! ```
//!
//! `[halext]` keys are the `HALEXT_*` variable names of [`ClientConfig::from_lookup`] without
//! the prefix, in lower case (`timeout_ms` ↔ `HALEXT_TIMEOUT_MS`), so the file, the environment
//! and PHP's INI entries describe the client the same way. A key in the file wins over the
//! environment. Secrets (`access_code`, DSNs, salts) are given as the value, `*_env` (an
//! environment variable, which also honours `NAME_FILE`) or `*_file`; never on a command line.
//! Unknown keys are errors, so a typo cannot silently drop a setting.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::ClientConfig;
use crate::error::{Code, HalextError};
use crate::legacy::SiteConfig;
use crate::mapping::StoreConfig;
use crate::mapping::login::LoginPolicy;
use crate::mapping::plan::PlanPolicy;
use crate::secret::{Secret, de_secret, resolve_secret};

/// A configuration problem: unreadable file, bad TOML, unknown key, missing or conflicting
/// setting. Code [`Code::Config`]. The message names the file and key, never a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

impl HalextError for ConfigError {
    fn code(&self) -> Code {
        Code::Config
    }
}

/// The whole `halext.toml`. `Debug` redacts the `[halext]` access code (the other secrets are
/// [`Secret`]s and redact themselves).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HalextToml {
    /// `[halext]`: the API client, as `HALEXT_*` names without the prefix (see the module docs).
    #[serde(default)]
    pub halext: toml::Table,
    /// `[mapping]`: the mapping store.
    #[serde(default)]
    pub mapping: Option<MappingSection>,
    /// `[plan]`: the planner's policy.
    #[serde(default)]
    pub plan: PlanPolicy,
    /// `[login]`: the login-time migration policy.
    #[serde(default)]
    pub login: LoginPolicy,
    /// `[[site]]`: the legacy sites.
    #[serde(default, rename = "site")]
    pub sites: Vec<SiteConfig>,
    /// The file this was read from, if any (for messages).
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

impl std::fmt::Debug for HalextToml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let halext: Vec<(&String, String)> = self
            .halext
            .iter()
            .map(|(k, v)| (k, if k == "access_code" { "<redacted>".to_owned() } else { v.to_string() }))
            .collect();
        f.debug_struct("HalextToml")
            .field("halext", &halext)
            .field("mapping", &self.mapping)
            .field("plan", &self.plan)
            .field("login", &self.login)
            .field("sites", &self.sites)
            .field("path", &self.path)
            .finish()
    }
}

/// `[mapping]`: where the `halext_user_map` table lives and how it is cached.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappingSection {
    /// The DSN itself (`mysql://user:password@host:port/database`).
    #[serde(default, deserialize_with = "de_secret")]
    pub dsn: Option<Secret>,
    /// An environment variable holding the DSN (or `NAME_FILE` naming a file).
    #[serde(default)]
    pub dsn_env: Option<String>,
    /// A file holding the DSN.
    #[serde(default)]
    pub dsn_file: Option<PathBuf>,
    /// The table name (default `halext_user_map`).
    #[serde(default)]
    pub table: Option<String>,
    /// How long a cached linked mapping is trusted, milliseconds (default 30 000).
    #[serde(default)]
    pub cache_ttl_ms: Option<u64>,
    /// Entries kept per direction in the per-process cache (default 10 000; 0 disables).
    #[serde(default)]
    pub cache_capacity: Option<usize>,
    /// How long a login waits for another process migrating the same user, milliseconds
    /// (default 10 000).
    #[serde(default)]
    pub lock_timeout_ms: Option<u64>,
}

impl HalextToml {
    /// Reads and checks a `halext.toml`.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file when it cannot be read, is not valid TOML, has an
    /// unknown key, or fails [`HalextToml::check`].
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError(format!("cannot read {}: {e}", path.display())))?;
        let mut cfg = Self::parse(&text).map_err(|e| ConfigError(format!("{}: {}", path.display(), e.0)))?;
        cfg.path = Some(path.to_owned());
        Ok(cfg)
    }

    /// Parses and checks a `halext.toml` given as text.
    ///
    /// # Errors
    /// As [`HalextToml::from_file`].
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let cfg: HalextToml = toml::from_str(text).map_err(|e| ConfigError(e.message().to_owned()))?;
        cfg.check()?;
        Ok(cfg)
    }

    /// Consistency checks that need the whole file: unique site names, `[halext]` keys known.
    ///
    /// # Errors
    /// [`ConfigError`] describing the first problem.
    pub fn check(&self) -> Result<(), ConfigError> {
        let mut names = std::collections::BTreeSet::new();
        for site in &self.sites {
            if !names.insert(site.name.as_str()) {
                return Err(ConfigError(format!("[[site]] name {:?} appears twice", site.name)));
            }
        }
        for key in self.halext.keys() {
            if !HALEXT_KEYS.contains(&key.as_str()) {
                return Err(ConfigError(format!(
                    "[halext]: unknown key {key:?} (known: {})",
                    HALEXT_KEYS.join(", ")
                )));
            }
        }
        Ok(())
    }

    /// The API client configuration: `[halext]` keys, falling back to `HALEXT_*` variables.
    ///
    /// # Errors
    /// [`ConfigError`] when no URL is configured anywhere, a value is malformed, or a secret
    /// cannot be read.
    pub fn client_config(&self) -> Result<ClientConfig, ConfigError> {
        self.client_config_with(|name| std::env::var(name).ok())
    }

    /// [`HalextToml::client_config`] with a custom environment (tests).
    ///
    /// # Errors
    /// As [`HalextToml::client_config`].
    pub fn client_config_with(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ClientConfig, ConfigError> {
        let access_code = resolve_secret(
            "[halext] access_code",
            self.halext_str("access_code")?.map(Secret::from).as_ref(),
            self.halext_str("access_code_env")?.as_deref(),
            self.halext_str("access_code_file")?.map(PathBuf::from).as_deref(),
        )
        .map_err(ConfigError)?;
        let mut file_values = std::collections::HashMap::new();
        for (key, value) in &self.halext {
            if key.starts_with("access_code") {
                continue;
            }
            let text = match value {
                toml::Value::String(s) => s.clone(),
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Boolean(b) => if *b { "1" } else { "0" }.to_owned(),
                other => {
                    return Err(ConfigError(format!(
                        "[halext] {key}: expected a string, number or boolean, got {}",
                        other.type_str()
                    )));
                }
            };
            file_values.insert(format!("HALEXT_{}", key.to_ascii_uppercase()), text);
        }
        let mut cfg = ClientConfig::from_lookup(|name| file_values.get(name).cloned().or_else(|| env(name)))
            .map_err(|e| ConfigError(format!("[halext]: {e}")))?;
        if let Some(code) = access_code {
            cfg = cfg.with_access_code(code);
        }
        Ok(cfg)
    }

    /// The mapping store configuration from `[mapping]`.
    ///
    /// # Errors
    /// [`ConfigError`] when `[mapping]` is missing, has no DSN, or the DSN cannot be read.
    pub fn store_config(&self) -> Result<StoreConfig, ConfigError> {
        let m = self.mapping.as_ref().ok_or_else(|| ConfigError("no [mapping] section".into()))?;
        let dsn =
            resolve_secret("[mapping] dsn", m.dsn.as_ref(), m.dsn_env.as_deref(), m.dsn_file.as_deref())
                .map_err(ConfigError)?
                .ok_or_else(|| ConfigError("[mapping]: set one of dsn, dsn_env, dsn_file".into()))?;
        let mut cfg = StoreConfig::new(dsn);
        if let Some(t) = &m.table {
            cfg.table = t.clone();
        }
        if let Some(ms) = m.cache_ttl_ms {
            cfg.cache_ttl = Duration::from_millis(ms);
        }
        if let Some(n) = m.cache_capacity {
            cfg.cache_capacity = n;
        }
        if let Some(ms) = m.lock_timeout_ms {
            cfg.lock_timeout = Duration::from_millis(ms);
        }
        Ok(cfg)
    }

    /// The site called `name`.
    pub fn site(&self, name: &str) -> Option<&SiteConfig> {
        self.sites.iter().find(|s| s.name == name)
    }

    fn halext_str(&self, key: &str) -> Result<Option<String>, ConfigError> {
        match self.halext.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ConfigError(format!("[halext] {key}: expected a string"))),
        }
    }
}

/// The keys `[halext]` accepts: the `HALEXT_*` names [`ClientConfig::from_lookup`] reads,
/// lower-cased without the prefix, plus the three ways of giving the access code.
pub const HALEXT_KEYS: &[&str] = &[
    "url",
    "access_code",
    "access_code_env",
    "access_code_file",
    "timeout_ms",
    "connect_timeout_ms",
    "retries",
    "retry_base_ms",
    "retry_max_ms",
    "pool_idle_ms",
    "user_agent",
    "proxy",
    "ca_file",
    "max_upload_bytes",
    "validation_cache_ttl_ms",
    "validation_cache_size",
    "direct_http",
];

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
[halext]
url = "http://127.0.0.1:9"
access_code = "letmein"
timeout_ms = 1500
direct_http = false

[mapping]
dsn = "mysql://u:p@127.0.0.1:3306/halext"
table = "map"
cache_ttl_ms = 5000

[plan]
site_priority = ["wordpress", "acmlm"]

[login]
on_halext_unavailable = "legacy_only"

[[site]]
name = "wordpress"
profile = "wordpress"
dsn = "mysql://u:p@127.0.0.1:3306/wordpress"
"#;

    #[test]
    fn reads_every_section() {
        let cfg = HalextToml::parse(SAMPLE).unwrap();
        let client = cfg.client_config_with(|_| None).unwrap();
        assert_eq!(client.base_url().as_str(), "http://127.0.0.1:9/");
        assert_eq!(client.timeout_ms(), 1500);
        assert_eq!(client.access_code().map(Secret::expose), Some(&b"letmein"[..]));
        let store = cfg.store_config().unwrap();
        assert_eq!(store.table, "map");
        assert_eq!(store.cache_ttl, Duration::from_secs(5));
        assert_eq!(cfg.plan.site_priority, ["wordpress", "acmlm"]);
        assert!(cfg.site("wordpress").is_some() && cfg.site("acmlm").is_none());
    }

    #[test]
    fn file_wins_over_environment_and_environment_fills_gaps() {
        let cfg = HalextToml::parse("[halext]\ntimeout_ms = 700\n").unwrap();
        let env = |name: &str| match name {
            "HALEXT_URL" => Some("http://10.0.0.1:8000/api".to_owned()),
            "HALEXT_TIMEOUT_MS" => Some("9999".to_owned()),
            _ => None,
        };
        let client = cfg.client_config_with(env).unwrap();
        assert_eq!(client.timeout_ms(), 700);
        assert_eq!(client.base_url().as_str(), "http://10.0.0.1:8000/api");
    }

    #[test]
    fn rejects_unknown_keys_duplicate_sites_and_missing_url() {
        let typo = HalextToml::parse("[halext]\ntimeout = 5\n").unwrap_err();
        assert!(typo.0.contains("unknown key \"timeout\""), "{typo}");
        let dup = format!(
            "{SAMPLE}\n[[site]]\nname = \"wordpress\"\nprofile = \"wordpress\"\ndsn = \"mysql://x\"\n"
        );
        assert!(HalextToml::parse(&dup).unwrap_err().0.contains("appears twice"));
        let none = HalextToml::parse("").unwrap();
        assert!(none.client_config_with(|_| None).unwrap_err().0.contains("HALEXT_URL"));
        assert!(none.store_config().unwrap_err().0.contains("[mapping]"));
        assert!(HalextToml::parse("[nonsense]\n").is_err());
    }

    #[test]
    fn secrets_are_never_in_messages() {
        let cfg = HalextToml::parse(
            "[halext]\nurl = \"http://h\"\naccess_code = \"s3cr3t-code\"\naccess_code_env = \"X\"\n",
        )
        .unwrap();
        let err = cfg.client_config_with(|_| None).unwrap_err();
        assert!(err.0.contains("set only one of") && !err.0.contains("s3cr3t"), "{err}");
        let shown = format!("{:?}", HalextToml::parse(SAMPLE).unwrap());
        assert!(!shown.contains("u:p@") && !shown.contains("letmein"), "{shown}");
    }
}
