//! Printing results and failures the same way for every command: human text (results on
//! stdout, failures on stderr) or `--format json` (one JSON document on stdout, failures as
//! `{"error": {"code": 104, "reason": "token.expired", "message": "..."}}`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use halext_core::{AnyError, Code};
use serde_json::{Value, json};

use crate::cli::Format;
use crate::exit::Exit;

/// Where and how to print.
#[derive(Debug, Clone, Copy)]
pub struct Output {
    format: Format,
}

/// A command that did not succeed: the exit code, the halext code, a message (never a secret or
/// a whole token).
#[derive(Debug)]
pub struct Failure {
    /// The process exit code.
    pub exit: Exit,
    /// The stable halext code (its dotted name is printed as the reason).
    pub code: Code,
    /// For people.
    pub message: String,
}

impl Failure {
    /// A failure with an explicit exit code.
    pub fn new(exit: Exit, code: Code, message: impl Into<String>) -> Self {
        Failure { exit, code, message: message.into() }
    }

    /// A failure from a core error: token rejections (codes 100-112) are "check failed" (1),
    /// everything else (configuration, key material, I/O, arguments) a usage error (2).
    pub fn from_error(e: impl Into<AnyError>) -> Self {
        let e = e.into();
        let exit = match e.code() {
            c if (100..=112).contains(&c.as_u32()) => Exit::CheckFailed,
            Code::MigrationInterrupted => Exit::Interrupted,
            _ => Exit::Usage,
        };
        Failure { exit, code: e.code(), message: e.to_string() }
    }
}

impl Output {
    /// An output in `format`.
    pub fn new(format: Format) -> Self {
        Output { format }
    }

    /// The format asked for.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether results are JSON.
    pub fn is_json(&self) -> bool {
        self.format == Format::Json
    }

    /// Prints a result: `human` as text (also for `csv`, which only table commands print), or
    /// `json` as one document.
    pub fn result(&self, human: &str, json: &Value) {
        match self.format {
            Format::Human | Format::Csv => println!("{}", human.trim_end()),
            Format::Json => println!("{}", serde_json::to_string_pretty(json).unwrap_or_default()),
        }
    }

    /// Prints a failure: `halext: <reason>: <message>` on stderr, or the JSON error on stdout.
    pub fn failure(&self, f: &Failure) {
        match self.format {
            Format::Human | Format::Csv => eprintln!("halext: {}: {}", f.code.as_str(), f.message),
            Format::Json => {
                let doc = json!({"error": {"code": f.code.as_u32(), "reason": f.code.as_str(), "message": f.message}});
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            }
        }
    }
}

/// Now, in seconds since the Unix epoch.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A NumericDate as an HTTP date (`Sat, 29 Nov 2025 16:00:00 GMT`), or `None` outside
/// 1970..=9999 (where the formatter does not go).
pub fn utc(secs: i64) -> Option<String> {
    let secs = u64::try_from(secs).ok().filter(|s| *s < 253_402_300_800)?;
    Some(httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs)))
}

/// `"in 29 min"` / `"3 h ago"` for a time `secs` relative to `now`.
pub fn relative(secs: i64, now: i64) -> String {
    let delta = i128::from(secs) - i128::from(now);
    let n = delta.unsigned_abs();
    let amount = match n {
        0..=119 => format!("{n} s"),
        120..=7199 => format!("{} min", n / 60),
        7200..=172_799 => format!("{} h", n / 3600),
        _ => format!("{} days", n / 86_400),
    };
    if delta >= 0 { format!("in {amount}") } else { format!("{amount} ago") }
}

/// `1764432000 (Sat, 29 Nov 2025 16:00:00 GMT, in 29 min)`.
pub fn describe_time(secs: i64, now: i64) -> String {
    match utc(secs) {
        Some(date) => format!("{secs} ({date}, {})", relative(secs, now)),
        None => format!("{secs} (outside years 1970-9999)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_well() {
        assert_eq!(relative(130, 100), "in 30 s");
        assert_eq!(relative(100, 100 + 600), "10 min ago");
        assert_eq!(relative(100 + 3 * 3600, 100), "in 3 h");
        assert_eq!(relative(0, 10 * 86_400), "10 days ago");
        assert_eq!(utc(0).as_deref(), Some("Thu, 01 Jan 1970 00:00:00 GMT"));
        assert_eq!(utc(-1), None);
        assert_eq!(utc(253_402_300_800), None);
        assert!(describe_time(-5, 0).contains("outside"));
    }

    #[test]
    fn core_errors_map_to_exit_codes() {
        let expired = Failure::from_error(AnyError::new(Code::TokenExpired, "x"));
        assert_eq!(expired.exit, Exit::CheckFailed);
        assert_eq!(Failure::from_error(AnyError::new(Code::TokenInvalidKey, "x")).exit, Exit::Usage);
        assert_eq!(Failure::from_error(AnyError::new(Code::Config, "x")).exit, Exit::Usage);
        assert_eq!(
            Failure::from_error(AnyError::new(Code::TokenKeySetUnavailable, "x")).exit,
            Exit::CheckFailed
        );
    }
}
