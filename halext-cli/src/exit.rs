//! Exit codes, the same for every command (documented in `docs/cli.md`).

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: the command did what was asked and the check (if any) passed.
    Ok = 0,
    /// 1: the check failed: e.g. the token is invalid, expired or not decodable.
    CheckFailed = 1,
    /// 2: usage or configuration error: bad arguments, a missing secret, an unreadable file,
    /// a database that cannot be reached.
    Usage = 2,
    /// 130 (128 + SIGINT): stopped by Ctrl-C or SIGTERM at a clean point; nothing is half
    /// written, and rerunning the command resumes (`migration.interrupted`).
    Interrupted = 130,
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e as u8)
    }
}
