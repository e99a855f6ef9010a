//! [`MigrationError`]: the one error type of the mapping capability (codes 400–499).

use crate::legacy::LegacyError;
use crate::{Code, HalextError};

/// Why a legacy account may not log in (see [`crate::legacy::AccountState`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// Banned (permanently, or temporarily and the ban has not ended yet).
    Banned,
    /// Closed by its owner.
    Closed,
    /// Never verified (ZEN3MP `verify_user = 'no'`).
    Unverified,
    /// Deleted (WordPress multisite).
    Deleted,
    /// Flagged as spam (WordPress multisite).
    Spam,
}

impl BlockReason {
    /// Stable lower-case name (`"banned"`, ...), used in reports and reason texts.
    pub const fn as_str(self) -> &'static str {
        match self {
            BlockReason::Banned => "banned",
            BlockReason::Closed => "closed",
            BlockReason::Unverified => "unverified",
            BlockReason::Deleted => "deleted",
            BlockReason::Spam => "spam",
        }
    }
}

/// Errors of the mapping store, the planner and apply, login-time migration and gated
/// registration.
///
/// Messages never contain a password, a token or an email address (emails are personal data
/// and would end up in logs); they may contain a site name, a legacy id and a Halext
/// username, which operators need to act.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    /// Unknown user, wrong password, empty password, an ambiguous login name or an unusable
    /// stored hash: deliberately one error for all (`migration.invalid_credentials`), so a
    /// login form cannot be used to find out which accounts exist.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The password was right but the legacy account may not log in
    /// (`migration.account_blocked`).
    #[error("the legacy account may not log in ({})", reason.as_str())]
    AccountBlocked {
        /// Why.
        reason: BlockReason,
    },
    /// Halext could not be reached (timeout, connection refused, HTTP 5xx) and the policy is
    /// `fail` (`migration.halext_unavailable`).
    #[error("Halext is unavailable: {detail}")]
    HalextUnavailable {
        /// What failed (no secrets).
        detail: String,
    },
    /// The mapping of this user is in `conflict` and needs an operator decision, or a link
    /// would replace an existing different link (`migration.conflict`).
    #[error("mapping conflict: {detail}")]
    Conflict {
        /// What conflicts.
        detail: String,
    },
    /// Halext (or a planned mapping) already has this username (`migration.duplicate_username`).
    #[error("the Halext username {username:?} is already taken")]
    DuplicateUsername {
        /// The username that was asked for.
        username: String,
    },
    /// Halext already has an account with this email (`migration.duplicate_email`).
    #[error("the email address is already registered on Halext")]
    DuplicateEmail,
    /// The `halext_user_map` table failed (`mapping.store`).
    #[error("mapping store error: {detail}")]
    Store {
        /// The database error (never contains a password: DSNs are not echoed).
        detail: String,
    },
    /// No mapping for this user (`mapping.not_found`).
    #[error("no mapping for {site}:{legacy_id}")]
    NotFound {
        /// Site name.
        site: String,
        /// Legacy user id.
        legacy_id: u64,
    },
    /// A long job (apply) was cancelled between two batches; rerun to resume
    /// (`migration.interrupted`).
    #[error("interrupted after {done} of {total} rows; run it again to resume")]
    Interrupted {
        /// Rows committed before the stop.
        done: u64,
        /// Rows in the job.
        total: u64,
    },
    /// A caller-supplied value is invalid (`invalid_argument`).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The configuration is invalid (`config`), including Halext refusing the access code.
    #[error("configuration error: {0}")]
    Config(String),
    /// A legacy source or site failed (the legacy module's code, e.g. `legacy.database`).
    #[error(transparent)]
    Legacy(#[from] LegacyError),
    /// A bug or an unexpected state (`internal`).
    #[error("internal error: {0}")]
    Internal(String),
}

impl HalextError for MigrationError {
    fn code(&self) -> Code {
        match self {
            MigrationError::InvalidCredentials => Code::MigrationInvalidCredentials,
            MigrationError::AccountBlocked { .. } => Code::MigrationAccountBlocked,
            MigrationError::HalextUnavailable { .. } => Code::MigrationHalextUnavailable,
            MigrationError::Conflict { .. } => Code::MigrationConflict,
            MigrationError::DuplicateUsername { .. } => Code::MigrationDuplicateUsername,
            MigrationError::DuplicateEmail => Code::MigrationDuplicateEmail,
            MigrationError::Store { .. } => Code::MappingStore,
            MigrationError::NotFound { .. } => Code::MappingNotFound,
            MigrationError::Interrupted { .. } => Code::MigrationInterrupted,
            MigrationError::InvalidArgument(_) => Code::InvalidArgument,
            MigrationError::Config(_) => Code::Config,
            MigrationError::Legacy(e) => e.code(),
            MigrationError::Internal(_) => Code::Internal,
        }
    }
}

impl From<mysql_async::Error> for MigrationError {
    fn from(e: mysql_async::Error) -> Self {
        // mysql_async errors carry server messages and I/O errors, never the DSN password.
        MigrationError::Store { detail: e.to_string() }
    }
}

impl MigrationError {
    pub(crate) fn runtime(e: std::io::Error) -> Self {
        MigrationError::Internal(format!("cannot build the runtime: {e}"))
    }
}
