//! The validator behind `halext_validate_token()`: one per process, built from the configured
//! Halext secret (INI `halext.jwt_secret[_file]`, env `HALEXT_JWT_SECRET[_FILE]`, the
//! precedence of [`config::SecretSetting::resolve`]) and rebuilt when that secret changes.
//!
//! The configuration is read on every call, as everywhere in the extension (`.user.ini` can
//! differ per directory), but cheaply: a secret given as a value is compared with the one the
//! current validator was built from (one INI hash probe or one `getenv`, then a byte compare);
//! a secret given as a file is re-read only when its path changes or [`FILE_RECHECK`] has passed
//! since it was last read, so a rotated file takes effect within that time without a reload.
//!
//! The slot keeps a copy of the secret (a [`Secret`]: zeroed when replaced) to compare with; no
//! lock is held while a validator is built or a token validated (a PHP fatal error during the
//! call, e.g. `memory_limit`, skips Rust destructors and would leave a lock held).

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use halext_core::token::{Profile, Validator, ValidatorOptions};
use halext_core::{AnyError, Code, Secret};

use crate::config::{self, SecretSetting, Source};

/// How long a secret read from a file is trusted before the file is read again.
pub(crate) const FILE_RECHECK: Duration = Duration::from_secs(2);

struct Current {
    source: Source,
    /// The path for file sources; empty for value sources.
    path: Vec<u8>,
    secret: Secret,
    read_at: Instant,
    validator: Validator,
}

static CURRENT: Mutex<Option<Current>> = Mutex::new(None);

fn slot() -> std::sync::MutexGuard<'static, Option<Current>> {
    CURRENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A non-empty environment variable's bytes.
fn env_bytes(name: &str) -> Option<Vec<u8>> {
    std::env::var_os(name).map(OsString::into_vec).filter(|v| !v.is_empty())
}

/// Where the secret is configured and what identifies it without reading a file: the value
/// itself for value sources, the path for file sources.
fn locate(setting: &'static SecretSetting) -> Option<(Source, Vec<u8>)> {
    if let Some(v) = crate::ini::current(setting.value.ini) {
        return Some((Source::Ini, v));
    }
    if let Some(p) = crate::ini::current(setting.file.ini) {
        return Some((Source::IniFile, p));
    }
    if let Some(v) = env_bytes(setting.value.env) {
        return Some((Source::Env, v));
    }
    env_bytes(setting.file.env).map(|p| (Source::EnvFile, p))
}

fn is_file(source: Source) -> bool {
    matches!(source, Source::IniFile | Source::EnvFile)
}

/// The secret of `setting`, or a `CONFIG` error naming every place it can be set.
///
/// # Errors
/// `Code::Config` when it is set nowhere, or its file is unreadable or empty.
pub(crate) fn required_secret(setting: &'static SecretSetting, what: &str) -> Result<Secret, AnyError> {
    setting.get()?.ok_or_else(|| {
        AnyError::new(
            Code::Config,
            format!(
                "no secret for {what}: pass one, or set {} or {} (INI), or {} or {} (environment)",
                setting.value.ini, setting.file.ini, setting.value.env, setting.file.env
            ),
        )
    })
}

/// The process's Halext-profile validator for the configured secret.
///
/// # Errors
/// `Code::Config` when no secret is configured or its file cannot be read; the core's
/// `token.invalid_key` for an unusable secret (empty, under 32 bytes).
pub(crate) fn validator() -> Result<Validator, AnyError> {
    let located = locate(&config::JWT);
    if let Some((source, key)) = &located {
        let guard = slot();
        if let Some(cur) = guard.as_ref() {
            if cur.source == *source {
                let same = if is_file(*source) {
                    cur.path == *key && cur.read_at.elapsed() < FILE_RECHECK
                } else {
                    cur.secret.expose() == key.as_slice()
                };
                if same {
                    return Ok(cur.validator.clone());
                }
            }
        }
    }
    rebuild(located)
}

/// The slow path: resolve the secret (reading its file), reuse the current validator when the
/// secret did not change, otherwise get one from the registry and remember it.
fn rebuild(located: Option<(Source, Vec<u8>)>) -> Result<Validator, AnyError> {
    let secret = required_secret(&config::JWT, "halext_validate_token()")?;
    let (source, key) = located.unwrap_or((Source::Ini, Vec::new()));
    let path = if is_file(source) { key } else { Vec::new() };
    {
        let mut guard = slot();
        if let Some(cur) = guard.as_mut() {
            if cur.secret == secret {
                cur.source = source;
                cur.path = path;
                cur.read_at = Instant::now();
                return Ok(cur.validator.clone());
            }
        }
    }
    let options = ValidatorOptions::profile(Profile::Halext).with_secret(secret.clone())?;
    let (validator, _) = super::registry().get_or_build(&options)?;
    let old = slot().replace(Current {
        source,
        path,
        secret,
        read_at: Instant::now(),
        validator: validator.clone(),
    });
    drop(old); // outside the lock
    Ok(validator)
}
