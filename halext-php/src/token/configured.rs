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

use std::sync::Mutex;
use std::time::Duration;

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
    /// [`coarse_now`] when the file was last read.
    read_at: Option<Duration>,
    validator: Validator,
}

static CURRENT: Mutex<Option<Current>> = Mutex::new(None);

fn slot() -> std::sync::MutexGuard<'static, Option<Current>> {
    CURRENT.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A non-empty environment variable's bytes, borrowed from the environment (valid until the
/// environment changes, so only for the duration of one call). `getenv` directly: no copy and
/// no allocation on the hot path; PHP is single-threaded per request, so nothing changes the
/// environment during the call.
fn env_bytes<'a>(name: &str) -> Option<&'a [u8]> {
    let mut buf = [0u8; 64];
    let n = name.len();
    if n >= buf.len() || name.as_bytes().contains(&0) {
        return None;
    }
    buf[..n].copy_from_slice(name.as_bytes());
    // SAFETY: `buf` is NUL-terminated; getenv returns NULL or a pointer into the environment.
    let value = unsafe { libc::getenv(buf.as_ptr().cast()) };
    if value.is_null() {
        return None;
    }
    // SAFETY: a NUL-terminated string in the environment block.
    let bytes = unsafe { std::ffi::CStr::from_ptr(value) }.to_bytes();
    (!bytes.is_empty()).then_some(bytes)
}

/// Runs `f` with where the secret is configured and what identifies it without reading a file
/// (the value itself for value sources, the path for file sources), borrowed for the call.
fn with_located<R>(setting: &'static SecretSetting, f: impl FnOnce(Option<(Source, &[u8])>) -> R) -> R {
    crate::ini::with_current(setting.value.ini, |value| match value {
        Some(v) => f(Some((Source::Ini, v))),
        None => crate::ini::with_current(setting.file.ini, |path| match path {
            Some(p) => f(Some((Source::IniFile, p))),
            None => match env_bytes(setting.value.env) {
                Some(v) => f(Some((Source::Env, v))),
                None => f(env_bytes(setting.file.env).map(|p| (Source::EnvFile, p))),
            },
        }),
    })
}

/// A monotonic time for the [`FILE_RECHECK`] interval: `CLOCK_MONOTONIC_COARSE` on Linux (the
/// last tick, a few milliseconds old, read without touching the clock hardware: ≈5 ns instead
/// of ≈25 ns on every call), `Instant` elsewhere; `None` if the clock cannot be read (the file
/// is then re-read). Only ever compared with itself.
fn coarse_now() -> Option<Duration> {
    #[cfg(target_os = "linux")]
    {
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `ts` is a valid, writable timespec.
        let ok = unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC_COARSE, &mut ts) } == 0;
        ok.then(|| {
            Duration::new(u64::try_from(ts.tv_sec).unwrap_or(0), u32::try_from(ts.tv_nsec).unwrap_or(0))
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        Some(START.get_or_init(std::time::Instant::now).elapsed())
    }
}

/// True while a file read at `read_at` ([`coarse_now`]) is within [`FILE_RECHECK`].
fn fresh(read_at: Option<Duration>) -> bool {
    matches!((read_at, coarse_now()), (Some(at), Some(now)) if now.checked_sub(at).is_some_and(|d| d < FILE_RECHECK))
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
    let current = with_located(&config::JWT, |located| {
        let (source, key) = located?;
        let guard = slot();
        let cur = guard.as_ref().filter(|cur| cur.source == source)?;
        let same =
            if is_file(source) { cur.path == key && fresh(cur.read_at) } else { cur.secret.expose() == key };
        same.then(|| cur.validator.clone())
    });
    match current {
        Some(v) => Ok(v),
        None => rebuild(with_located(&config::JWT, |l| l.map(|(s, k)| (s, k.to_vec())))),
    }
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
                cur.read_at = coarse_now();
                return Ok(cur.validator.clone());
            }
        }
    }
    let options = ValidatorOptions::profile(Profile::Halext).with_secret(secret.clone())?;
    let (validator, _) = super::registry().get_or_build(&options)?;
    let old =
        slot().replace(Current { source, path, secret, read_at: coarse_now(), validator: validator.clone() });
    drop(old); // outside the lock
    Ok(validator)
}
