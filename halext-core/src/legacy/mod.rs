//! Legacy identity: the `users` tables of Acmlmboard, WordPress and ZEN3MP, and their
//! password hashes.
//!
//! This file fixes the shapes the rest of the crate (the [`crate::mapping`] planner and
//! login-time migration) relies on: [`LegacyUser`], [`AccountState`] and [`UserSource`].
//! Submodules hold the hash verifiers and the site readers:
//!
//! | module | what |
//! | --- | --- |
//! | [`password`] | detect and verify md5 / salted md5 / phpass / bcrypt / `$wp$` / pbkdf2 hashes with each app's input quirks; `needs_rehash` |
//! | [`config`] | the `[[site]]` configuration (profile, DSN, salts, table and column names) |
//! | [`source`] | [`MysqlSite`]: batched readers ([`UserSource`]), login lookups and password checks ([`LegacySite`]), the schema check for `halext doctor` |
//! | [`error`] | [`LegacyError`] and its data |
//!
//! The rules come from `docs/legacy.md` and the reference `legacy-users.md`; each function
//! names the legacy app file or commit it follows.

use std::sync::Arc;

pub mod config;
pub mod error;
pub mod password;
pub mod source;

pub use config::SiteConfig;
pub use error::{LegacyError, RejectedRow, UnusableReason};
pub use source::MysqlSite;

/// One legacy account, decoded and normalised from a site's users table.
///
/// Text fields are valid UTF-8 (decoded per the site's charset rules, see the source module);
/// empty strings in the database become `None` where the column is optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyUser {
    /// The configured site name (e.g. `"acmlm"`, `"wordpress"`, `"social"`), not the profile.
    pub site: Arc<str>,
    /// The legacy primary key (`users.id`, `wp_users.ID`). Stable; names are not.
    pub id: u64,
    /// The login name (`users.name`, `user_login`, ZEN3MP `username`).
    pub login: String,
    /// A display name when the site keeps one separately (`displayname`, `display_name`).
    pub display_name: Option<String>,
    /// The stored email, trimmed; `None` when empty.
    pub email: Option<String>,
    /// Whether the site verified the email (ZEN3MP `verify_user = 'yes'`); `false` when the
    /// site never verifies emails (Acmlmboard, WordPress), which is what the planner's
    /// takeover rule needs to know.
    pub email_verified: bool,
    /// The stored password hash as it is in the database (ASCII); `None` when empty.
    pub password_hash: Option<String>,
    /// Whether the account may log in, per the site's own rules.
    pub state: AccountState,
    /// The legacy role says administrator. Recorded for reports only: it is never forwarded
    /// to Halext (`is_admin` is never sent on registration).
    pub is_admin: bool,
    /// Registration time, Unix seconds (UTC); `None` for zero/unknown dates.
    pub registered_at: Option<i64>,
    /// Last activity or login time the site keeps, Unix seconds; `None` when unknown.
    pub last_seen_at: Option<i64>,
}

/// Whether a legacy account may log in, per its site's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccountState {
    /// Normal account.
    Active,
    /// Banned. `until` is the Unix time a temporary ban ends; `None` means permanent.
    Banned {
        /// End of a temporary ban (Unix seconds), or `None` for a permanent ban.
        until: Option<i64>,
    },
    /// Closed by its owner (ZEN3MP `user_closed = 'yes'` on a verified account).
    Closed,
    /// Registered but never verified (ZEN3MP `verify_user = 'no'`).
    Unverified,
    /// Deleted (WordPress multisite `deleted = 1`).
    Deleted,
    /// Flagged as spam (WordPress multisite `spam = 1`).
    Spam,
}

/// A boxed future, so the traits below stay object-safe (`Box<dyn UserSource>`).
pub type BoxFuture<'a, T> = futures_util::future::BoxFuture<'a, T>;

/// A stream of legacy users read in batches, never the whole table in memory.
///
/// Implemented by the site readers; the planner only depends on this trait, so tests can feed
/// it users from memory.
pub trait UserSource: Send {
    /// The configured site name this source reads.
    fn site(&self) -> &Arc<str>;

    /// The next batch (non-empty), or `Ok(None)` at the end.
    ///
    /// # Errors
    /// [`LegacyError`] when the database fails or a row cannot be decoded and the source's
    /// policy is to stop (sources report undecodable rows rather than dropping them silently).
    fn next_batch(&mut self) -> BoxFuture<'_, Result<Option<Vec<LegacyUser>>, LegacyError>>;

    /// Rows skipped since the last call because they could not be decoded, when the source's
    /// policy is to skip and report them instead of stopping (`on_bad_row = "report"`). Each
    /// names the site, the id and the reason; the caller must report them. The default (for
    /// sources that never skip) is empty.
    fn take_rejected(&mut self) -> Vec<RejectedRow> {
        Vec::new()
    }

    /// The legacy ids of accounts this source returned with `is_admin: false` because their
    /// role was not known yet, and that are administrators (for example a WordPress read
    /// with [`defer_admins`](source::MysqlUserSource::defer_admins), whose roles come from a
    /// separate usermeta query). Called once, after [`UserSource::next_batch`] returned
    /// `Ok(None)`; ids that were never returned may be included and mean nothing. Wrappers
    /// must forward it. The default (sources that know `is_admin` when they return a row) is
    /// empty.
    ///
    /// # Errors
    /// [`LegacyError`] when the separate read failed: the batches' `is_admin` cannot be
    /// trusted then.
    fn deferred_admins(&mut self) -> BoxFuture<'_, Result<Vec<u64>, LegacyError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// One configured legacy site, as login-time migration needs it: find the account a login
/// form would find, and check a typed password against its stored hash.
///
/// Implemented by the MySQL-backed site readers; tests can implement it in memory.
pub trait LegacySite: Send + Sync {
    /// The configured site name (e.g. `"acmlm"`).
    fn name(&self) -> &Arc<str>;

    /// The accounts this site's own login form would consider for `login_or_email`, following
    /// the app's rules (Acmlmboard: `name` or `displayname`; WordPress: `user_login`, or
    /// `user_email` when the input contains `@`; ZEN3MP: `email`), compared the way the app's
    /// database collation compares. Usually zero or one; more than one means the legacy data
    /// itself is ambiguous (the caller must not guess).
    ///
    /// # Errors
    /// [`LegacyError`] when the database fails.
    fn find_for_login<'a>(
        &'a self,
        login_or_email: &'a str,
    ) -> BoxFuture<'a, Result<Vec<LegacyUser>, LegacyError>>;

    /// The account with this legacy id, if it exists.
    ///
    /// # Errors
    /// [`LegacyError`] when the database fails.
    fn get_by_id(&self, id: u64) -> BoxFuture<'_, Result<Option<LegacyUser>, LegacyError>>;

    /// Checks a typed password (raw bytes as the form sent them) against `user`'s stored hash
    /// with this site's schemes, salts and quirks, in constant time.
    ///
    /// `Ok(true)` on a match, `Ok(false)` on a mismatch.
    ///
    /// # Errors
    /// [`LegacyError`] when the stored hash is unusable (truncated bcrypt, empty-password
    /// sentinel, salted md5 without configured salts) or of an unknown format.
    fn verify_password(&self, user: &LegacyUser, password: &[u8]) -> Result<bool, LegacyError>;
}
