//! The extension's configuration: `halext.*` INI entries with a `HALEXT_*` environment
//! fallback, read at call time.
//!
//! Precedence, highest first (documented in `docs/php-api.md`):
//!
//! 1. an explicit value in the `$options` array of the call (handled by each binding:
//!    `match option { Some(v) => v, None => config::jwt_secret()? }`);
//! 2. the INI entry (`halext.jwt_secret`; for secrets then `halext.jwt_secret_file`);
//! 3. the environment (`HALEXT_JWT_SECRET`; for secrets then `HALEXT_JWT_SECRET_FILE`).
//!
//! An empty INI value or an empty environment variable counts as unset. Values are read on
//! every call and never cached: `PHP_INI_PERDIR` entries can differ per directory
//! (`.user.ini`) and `PHP_INI_ALL` ones per `ini_set()`, and a request must see its own.
//! A lookup costs one hash probe per layer; a `*_file` secret costs one file read.
//!
//! Under PHP-FPM the worker environment is cleared by default (`clear_env = yes`): pass
//! variables with `env[HALEXT_URL] = ...` in the pool configuration.

use crate::ini;
use halext_core::{Code, HalextError, Secret};
use std::ffi::{CStr, OsString};
use std::os::unix::ffi::OsStringExt;
use std::path::PathBuf;
use std::time::Duration;

/// What a setting holds; decides its INI permission, `phpinfo()` display and parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text (the Halext URL).
    Text,
    /// A filesystem path (the `halext.toml` file).
    Path,
    /// A whole number of milliseconds, 1 to [`MAX_MILLIS`].
    Millis,
    /// A secret value; shown as `(set)`/`(not set)` in `phpinfo()`.
    Secret,
    /// The path of a file holding a secret (one trailing newline is removed).
    SecretFile,
}

/// One configuration setting: its INI entry and its environment variable.
#[derive(Debug)]
pub struct Setting {
    /// The INI entry, e.g. `"halext.url"`.
    pub ini: &'static str,
    /// The same name NUL-terminated, for the engine.
    pub(crate) ini_c: &'static CStr,
    /// The environment variable used when the INI entry is empty, e.g. `"HALEXT_URL"`.
    pub env: &'static str,
    /// What the setting holds.
    pub kind: Kind,
}

/// A secret that can be given directly or as a file path, in INI or in the environment.
#[derive(Debug)]
pub struct SecretSetting {
    /// The setting holding the secret itself (`halext.jwt_secret` / `HALEXT_JWT_SECRET`).
    pub value: &'static Setting,
    /// The setting naming a file that holds it (`halext.jwt_secret_file` / `HALEXT_JWT_SECRET_FILE`).
    pub file: &'static Setting,
}

const fn cstr(bytes: &'static [u8]) -> &'static CStr {
    match CStr::from_bytes_with_nul(bytes) {
        Ok(c) => c,
        Err(_) => panic!("setting names are NUL-terminated literals"),
    }
}

macro_rules! setting {
    ($ini:literal, $env:literal, $kind:expr) => {
        Setting { ini: $ini, ini_c: cstr(concat!($ini, "\0").as_bytes()), env: $env, kind: $kind }
    };
}

/// `halext.url` / `HALEXT_URL`: the Halext API base URL, e.g. `https://org.halext.org/api`
/// (the prefix every route in `reference/halext-api.md` is appended to).
pub const URL: Setting = setting!("halext.url", "HALEXT_URL", Kind::Text);
/// `halext.timeout_ms` / `HALEXT_TIMEOUT_MS`: whole-request timeout for Halext API calls,
/// in milliseconds. Unset: the API client's default.
pub const TIMEOUT_MS: Setting = setting!("halext.timeout_ms", "HALEXT_TIMEOUT_MS", Kind::Millis);
/// `halext.connect_timeout_ms` / `HALEXT_CONNECT_TIMEOUT_MS`: TCP+TLS connect timeout, in
/// milliseconds. Unset: the API client's default.
pub const CONNECT_TIMEOUT_MS: Setting =
    setting!("halext.connect_timeout_ms", "HALEXT_CONNECT_TIMEOUT_MS", Kind::Millis);
/// `halext.config` / `HALEXT_CONFIG`: path of a `halext.toml` (legacy sites, mapping DSN).
pub const CONFIG: Setting = setting!("halext.config", "HALEXT_CONFIG", Kind::Path);
/// `halext.jwt_secret` / `HALEXT_JWT_SECRET`: the Halext server's `SECRET_KEY`, used to
/// validate Halext access tokens locally (HS256, `reference/halext-api.md` §1).
pub const JWT_SECRET: Setting = setting!("halext.jwt_secret", "HALEXT_JWT_SECRET", Kind::Secret);
/// `halext.jwt_secret_file` / `HALEXT_JWT_SECRET_FILE`: a file holding [`JWT_SECRET`].
pub const JWT_SECRET_FILE: Setting =
    setting!("halext.jwt_secret_file", "HALEXT_JWT_SECRET_FILE", Kind::SecretFile);
/// `halext.openwebui_secret` / `HALEXT_OPENWEBUI_SECRET`: the key OpenWebUI SSO tokens are
/// signed with.
pub const OPENWEBUI_SECRET: Setting =
    setting!("halext.openwebui_secret", "HALEXT_OPENWEBUI_SECRET", Kind::Secret);
/// `halext.openwebui_secret_file` / `HALEXT_OPENWEBUI_SECRET_FILE`: a file holding [`OPENWEBUI_SECRET`].
pub const OPENWEBUI_SECRET_FILE: Setting =
    setting!("halext.openwebui_secret_file", "HALEXT_OPENWEBUI_SECRET_FILE", Kind::SecretFile);
/// `halext.access_code` / `HALEXT_ACCESS_CODE`: the Halext registration access code.
pub const ACCESS_CODE: Setting = setting!("halext.access_code", "HALEXT_ACCESS_CODE", Kind::Secret);
/// `halext.access_code_file` / `HALEXT_ACCESS_CODE_FILE`: a file holding [`ACCESS_CODE`].
pub const ACCESS_CODE_FILE: Setting =
    setting!("halext.access_code_file", "HALEXT_ACCESS_CODE_FILE", Kind::SecretFile);

/// Every setting, in the order `phpinfo()` and `halext_config()` list them. The INI table
/// is generated from this list.
pub const ALL: [&Setting; 10] = [
    &URL,
    &TIMEOUT_MS,
    &CONNECT_TIMEOUT_MS,
    &CONFIG,
    &JWT_SECRET,
    &JWT_SECRET_FILE,
    &OPENWEBUI_SECRET,
    &OPENWEBUI_SECRET_FILE,
    &ACCESS_CODE,
    &ACCESS_CODE_FILE,
];

/// The Halext `SECRET_KEY` (value or file).
pub const JWT: SecretSetting = SecretSetting { value: &JWT_SECRET, file: &JWT_SECRET_FILE };
/// The OpenWebUI SSO signing key (value or file).
pub const OPENWEBUI: SecretSetting = SecretSetting { value: &OPENWEBUI_SECRET, file: &OPENWEBUI_SECRET_FILE };
/// The Halext registration access code (value or file).
pub const ACCESS: SecretSetting = SecretSetting { value: &ACCESS_CODE, file: &ACCESS_CODE_FILE };

/// Every secret, in display order.
pub const SECRETS: [(&str, &SecretSetting); 3] =
    [("jwt_secret", &JWT), ("openwebui_secret", &OPENWEBUI), ("access_code", &ACCESS)];

/// The largest accepted timeout: 24 hours, in milliseconds.
pub const MAX_MILLIS: u64 = 86_400_000;

/// Which layer a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The INI entry itself.
    Ini,
    /// A file named by the `*_file` INI entry.
    IniFile,
    /// The environment variable itself.
    Env,
    /// A file named by the `*_FILE` environment variable.
    EnvFile,
}

impl Source {
    /// `"ini"`, `"ini_file"`, `"env"` or `"env_file"` (as shown by `halext_config()`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Source::Ini => "ini",
            Source::IniFile => "ini_file",
            Source::Env => "env",
            Source::EnvFile => "env_file",
        }
    }
}

/// A value together with where it came from.
#[derive(Debug)]
pub struct Resolved<T> {
    /// The value.
    pub value: T,
    /// The layer it came from.
    pub source: Source,
    /// The INI entry or environment variable that supplied it (never the value).
    pub from: &'static str,
}

/// A setting that is present but unusable. Code [`Code::Config`]; the message names the
/// setting and never contains a secret value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The value must be UTF-8 text.
    #[error("{setting} is not valid UTF-8")]
    NotUtf8 {
        /// The INI entry or environment variable.
        setting: &'static str,
    },
    /// A timeout is not a whole number of milliseconds in range.
    #[error("{setting} must be a whole number of milliseconds from 1 to {MAX_MILLIS}, got {value:?}")]
    BadMillis {
        /// The INI entry or environment variable.
        setting: &'static str,
        /// The offending value (at most 32 characters; timeouts are not secret).
        value: String,
    },
    /// A secret file could not be read.
    #[error("cannot read the secret file {path:?} named by {setting}: {source}")]
    SecretFile {
        /// The INI entry or environment variable naming the file.
        setting: &'static str,
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: std::io::Error,
    },
    /// A secret file is empty (after removing one trailing newline).
    #[error("the secret file {path:?} named by {setting} is empty")]
    EmptySecretFile {
        /// The INI entry or environment variable naming the file.
        setting: &'static str,
        /// The file.
        path: PathBuf,
    },
}

impl HalextError for ConfigError {
    fn code(&self) -> Code {
        Code::Config
    }
}

/// A non-empty environment variable's bytes.
fn env_bytes(name: &str) -> Option<Vec<u8>> {
    std::env::var_os(name).map(OsString::into_vec).filter(|v| !v.is_empty())
}

impl Setting {
    /// The raw bytes of the first non-empty layer (INI, then environment).
    pub fn raw(&'static self) -> Option<Resolved<Vec<u8>>> {
        if let Some(value) = ini::current(self.ini) {
            return Some(Resolved { value, source: Source::Ini, from: self.ini });
        }
        env_bytes(self.env).map(|value| Resolved { value, source: Source::Env, from: self.env })
    }

    /// The value as UTF-8 text.
    ///
    /// # Errors
    /// [`ConfigError::NotUtf8`].
    pub fn text(&'static self) -> Result<Option<Resolved<String>>, ConfigError> {
        self.raw()
            .map(|r| match String::from_utf8(r.value) {
                Ok(value) => Ok(Resolved { value, source: r.source, from: r.from }),
                Err(_) => Err(ConfigError::NotUtf8 { setting: r.from }),
            })
            .transpose()
    }

    /// The value as a path (any bytes).
    pub fn path(&'static self) -> Option<Resolved<PathBuf>> {
        self.raw().map(|r| Resolved {
            value: PathBuf::from(OsString::from_vec(r.value)),
            source: r.source,
            from: r.from,
        })
    }

    /// The value as a duration given in whole milliseconds (surrounding spaces allowed).
    ///
    /// # Errors
    /// [`ConfigError::BadMillis`] unless it is an integer from 1 to [`MAX_MILLIS`].
    pub fn millis(&'static self) -> Result<Option<Resolved<Duration>>, ConfigError> {
        self.raw()
            .map(|r| {
                parse_millis(&r.value, r.from).map(|value| Resolved { value, source: r.source, from: r.from })
            })
            .transpose()
    }
}

/// Parses a millisecond count for `setting`.
pub(crate) fn parse_millis(raw: &[u8], setting: &'static str) -> Result<Duration, ConfigError> {
    let parsed = std::str::from_utf8(raw).ok().and_then(|t| t.trim().parse::<u64>().ok());
    match parsed {
        Some(ms @ 1..=MAX_MILLIS) => Ok(Duration::from_millis(ms)),
        _ => Err(ConfigError::BadMillis {
            setting,
            value: String::from_utf8_lossy(raw).chars().take(32).collect(),
        }),
    }
}

/// Reads the secret file `path`, named by `setting`.
fn read_secret_file(path: Vec<u8>, setting: &'static str) -> Result<Secret, ConfigError> {
    let path = PathBuf::from(OsString::from_vec(path));
    match Secret::from_file(&path) {
        Ok(secret) if secret.is_empty() => Err(ConfigError::EmptySecretFile { setting, path }),
        Ok(secret) => Ok(secret),
        Err(source) => Err(ConfigError::SecretFile { setting, path, source }),
    }
}

impl SecretSetting {
    /// The layer that would supply the secret, without reading any file (for `phpinfo()`).
    pub fn source(&'static self) -> Option<(Source, &'static str)> {
        if ini::current(self.value.ini).is_some() {
            Some((Source::Ini, self.value.ini))
        } else if ini::current(self.file.ini).is_some() {
            Some((Source::IniFile, self.file.ini))
        } else if env_bytes(self.value.env).is_some() {
            Some((Source::Env, self.value.env))
        } else if env_bytes(self.file.env).is_some() {
            Some((Source::EnvFile, self.file.env))
        } else {
            None
        }
    }

    /// The secret from the first layer that has it: INI value, INI file, environment value,
    /// environment file. `Ok(None)` when none is set.
    ///
    /// # Errors
    /// [`ConfigError::SecretFile`] / [`ConfigError::EmptySecretFile`] when the chosen file
    /// cannot be read or is empty (a set-but-broken file never falls through to a lower layer).
    pub fn resolve(&'static self) -> Result<Option<Resolved<Secret>>, ConfigError> {
        if let Some(value) = ini::current(self.value.ini) {
            return Ok(Some(Resolved {
                value: Secret::new(value),
                source: Source::Ini,
                from: self.value.ini,
            }));
        }
        if let Some(path) = ini::current(self.file.ini) {
            let value = read_secret_file(path, self.file.ini)?;
            return Ok(Some(Resolved { value, source: Source::IniFile, from: self.file.ini }));
        }
        if let Some(value) = env_bytes(self.value.env) {
            return Ok(Some(Resolved {
                value: Secret::new(value),
                source: Source::Env,
                from: self.value.env,
            }));
        }
        if let Some(path) = env_bytes(self.file.env) {
            let value = read_secret_file(path, self.file.env)?;
            return Ok(Some(Resolved { value, source: Source::EnvFile, from: self.file.env }));
        }
        Ok(None)
    }

    /// The secret alone; see [`SecretSetting::resolve`].
    ///
    /// # Errors
    /// As [`SecretSetting::resolve`].
    pub fn get(&'static self) -> Result<Option<Secret>, ConfigError> {
        Ok(self.resolve()?.map(|r| r.value))
    }
}

/// The Halext API base URL (`halext.url`, `HALEXT_URL`), e.g. `https://org.halext.org/api`.
///
/// # Errors
/// [`ConfigError::NotUtf8`].
pub fn url() -> Result<Option<String>, ConfigError> {
    Ok(URL.text()?.map(|r| r.value))
}

/// The whole-request timeout for API calls (`halext.timeout_ms`, `HALEXT_TIMEOUT_MS`).
///
/// # Errors
/// [`ConfigError::BadMillis`].
pub fn timeout() -> Result<Option<Duration>, ConfigError> {
    Ok(TIMEOUT_MS.millis()?.map(|r| r.value))
}

/// The connect timeout for API calls (`halext.connect_timeout_ms`, `HALEXT_CONNECT_TIMEOUT_MS`).
///
/// # Errors
/// [`ConfigError::BadMillis`].
pub fn connect_timeout() -> Result<Option<Duration>, ConfigError> {
    Ok(CONNECT_TIMEOUT_MS.millis()?.map(|r| r.value))
}

/// The `halext.toml` path (`halext.config`, `HALEXT_CONFIG`); not opened here.
pub fn config_file() -> Option<PathBuf> {
    CONFIG.path().map(|r| r.value)
}

/// The Halext `SECRET_KEY` for local token validation (`halext.jwt_secret[_file]`,
/// `HALEXT_JWT_SECRET[_FILE]`).
///
/// # Errors
/// See [`SecretSetting::resolve`].
pub fn jwt_secret() -> Result<Option<Secret>, ConfigError> {
    JWT.get()
}

/// The OpenWebUI SSO signing key (`halext.openwebui_secret[_file]`, `HALEXT_OPENWEBUI_SECRET[_FILE]`).
///
/// # Errors
/// See [`SecretSetting::resolve`].
pub fn openwebui_secret() -> Result<Option<Secret>, ConfigError> {
    OPENWEBUI.get()
}

/// The Halext registration access code (`halext.access_code[_file]`, `HALEXT_ACCESS_CODE[_FILE]`).
///
/// # Errors
/// See [`SecretSetting::resolve`].
pub fn access_code() -> Result<Option<Secret>, ConfigError> {
    ACCESS.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names_follow_the_ini_names() {
        for s in ALL {
            let suffix = s.ini.strip_prefix("halext.").expect("halext. prefix");
            assert_eq!(s.env, format!("HALEXT_{}", suffix.to_ascii_uppercase()));
            assert_eq!(s.ini_c.to_str().ok(), Some(s.ini));
        }
        for (name, secret) in SECRETS {
            assert_eq!(secret.value.ini, format!("halext.{name}"));
            assert_eq!(secret.file.ini, format!("halext.{name}_file"));
            assert_eq!((secret.value.kind, secret.file.kind), (Kind::Secret, Kind::SecretFile));
        }
    }

    #[test]
    fn milliseconds_parse_strictly() {
        assert_eq!(parse_millis(b"1", "x").ok(), Some(Duration::from_millis(1)));
        assert_eq!(parse_millis(b" 2500\n", "x").ok(), Some(Duration::from_millis(2500)));
        assert_eq!(parse_millis(b"86400000", "x").ok(), Some(Duration::from_millis(MAX_MILLIS)));
        for bad in [&b"0"[..], b"", b"-1", b"1.5", b"1e3", b"86400001", b"ten", b"\xff"] {
            let err = parse_millis(bad, "halext.timeout_ms").expect_err("rejected");
            assert_eq!(err.code(), Code::Config);
            assert!(err.to_string().starts_with("halext.timeout_ms must be a whole number"), "{err}");
        }
    }

    #[test]
    fn a_bad_value_is_echoed_at_most_32_characters() {
        let long = "9".repeat(100);
        let err = parse_millis(long.as_bytes(), "HALEXT_TIMEOUT_MS").expect_err("rejected");
        assert!(err.to_string().contains(&format!("{:?}", "9".repeat(32))), "{err}");
    }
}
