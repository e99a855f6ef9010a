//! Secrets in memory: redacted in `Debug`, zeroed on drop, read from the environment or a file.
//!
//! Rule of the house: a secret (HMAC key, password, access code, token) never reaches a log,
//! an error message or a panic. Holding it in [`Secret`] makes an accidental `{:?}` print
//! `Secret(<redacted, N bytes>)` instead of the value.

use std::fmt;
use zeroize::Zeroizing;

/// Bytes that must not be printed: a shared secret, a password, an access code.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

impl Secret {
    /// Wraps raw bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Secret(Zeroizing::new(bytes.into()))
    }

    /// The secret bytes. Keep the borrow short and never format it.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as UTF-8, if it is.
    pub fn expose_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the secret has no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads a secret from the environment: `NAME` holds the value itself, or `NAME_FILE`
    /// names a file whose contents (one trailing newline removed) are the value.
    /// `NAME` wins when both are set. Returns `Ok(None)` when neither is set.
    ///
    /// # Errors
    /// `std::io::Error` when `NAME_FILE` is set but the file cannot be read.
    pub fn from_env(name: &str) -> std::io::Result<Option<Secret>> {
        if let Some(v) = std::env::var_os(name) {
            return Ok(Some(Secret::new(v.into_encoded_bytes())));
        }
        match std::env::var_os(format!("{name}_FILE")) {
            Some(path) => Secret::from_file(std::path::Path::new(&path)).map(Some),
            None => Ok(None),
        }
    }

    /// Reads a secret from a file, removing one trailing `\n` (or `\r\n`).
    ///
    /// # Errors
    /// `std::io::Error` when the file cannot be read; the message names the path, never the contents.
    pub fn from_file(path: &std::path::Path) -> std::io::Result<Secret> {
        let mut bytes = Zeroizing::new(std::fs::read(path)?);
        if bytes.ends_with(b"\n") {
            bytes.pop();
            if bytes.ends_with(b"\r") {
                bytes.pop();
            }
        }
        Ok(Secret(bytes))
    }
}

/// A secret configured in one of three ways, as every `halext.toml` secret is: the value itself
/// (`key = "..."`), an environment variable (`key_env = "NAME"`, which also honours `NAME_FILE`,
/// see [`Secret::from_env`]) or a file (`key_file = "/run/secrets/x"`). Exactly one may be set.
///
/// `key` is only used in error messages. Returns `Ok(None)` when none of the three is set.
///
/// # Errors
/// A message naming the key (never the value) when more than one is set, the variable is
/// unset, or the file is unreadable.
pub fn resolve_secret(
    key: &str,
    value: Option<&Secret>,
    env: Option<&str>,
    file: Option<&std::path::Path>,
) -> Result<Option<Secret>, String> {
    let set = usize::from(value.is_some()) + usize::from(env.is_some()) + usize::from(file.is_some());
    if set > 1 {
        return Err(format!("set only one of {key}, {key}_env, {key}_file"));
    }
    if let Some(v) = value {
        return Ok(Some(v.clone()));
    }
    if let Some(name) = env {
        return match Secret::from_env(name) {
            Ok(Some(s)) => Ok(Some(s)),
            Ok(None) => Err(format!("{key}_env: environment variable {name} is not set")),
            Err(e) => Err(format!("{key}_env: {name}_FILE: {e}")),
        };
    }
    if let Some(path) = file {
        return Secret::from_file(path).map(Some).map_err(|e| format!("{key}_file {}: {e}", path.display()));
    }
    Ok(None)
}

/// Serde helper: deserialises an optional string into an optional [`Secret`]
/// (`#[serde(default, deserialize_with = "halext_core::secret::de_secret")]`).
///
/// # Errors
/// The deserializer's error when the value is not a string.
pub fn de_secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    use serde::Deserialize;
    Ok(Option::<String>::deserialize(d)?.map(Secret::from))
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s.as_bytes())
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret::new(s.into_bytes())
    }
}

impl From<&[u8]> for Secret {
    fn from(s: &[u8]) -> Self {
        Secret::new(s)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<redacted, {} bytes>)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let s = Secret::from("hunter2-hunter2");
        let shown = format!("{s:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("15 bytes"));
    }

    #[test]
    fn file_loses_one_trailing_newline() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("s");
        std::fs::write(&p, "abc\r\n").expect("write");
        assert_eq!(Secret::from_file(&p).expect("read").expose(), b"abc");
        std::fs::write(&p, "abc\n\n").expect("write");
        assert_eq!(Secret::from_file(&p).expect("read").expose(), b"abc\n");
    }
}
