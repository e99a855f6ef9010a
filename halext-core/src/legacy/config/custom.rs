//! `[site.custom]`: the custom profile's description of another PHP app's users table.

use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

use super::{de_secret, resolve_secret};
use crate::Secret;
use crate::legacy::error::LegacyError;
use crate::legacy::password::{HashFormat, Md5Construction, Md5Salts};

/// `[site.custom]`: any other PHP app's users table, column by column.
///
/// ```toml
/// [site.custom]
/// table = "members"
/// id = "member_id"                  # integer primary key (keyset pagination)
/// login = "username"
/// login_columns = ["nickname"]      # more columns the login form matches (optional)
/// email = "mail"                    # optional
/// email_login = "fallback"          # never | fallback | only
/// password = "pw_hash"
/// display_name = "nickname"         # optional
/// registered = { column = "created", kind = "datetime" }   # unix | datetime | date
/// last_seen = { column = "last_login", kind = "unix" }
/// states = [ { column = "status", values = ["banned"], state = "banned" },
///            { column = "activated", values = [0], state = "unverified" } ]
/// admin = { column = "role", values = ["admin"] }
/// email_verified = { column = "activated", values = [1] }
/// [site.custom.passwords]
/// accept = ["bcrypt", "md5_hex"]
/// md5 = ["plain"]
/// addslashes = true
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomConfig {
    /// The users table.
    pub table: String,
    /// The integer primary key.
    pub id: String,
    /// The login name column.
    pub login: String,
    /// Further columns the app's login form matches (e.g. a display name).
    #[serde(default)]
    pub login_columns: Vec<String>,
    /// The email column.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether the login form also takes an email address.
    #[serde(default)]
    pub email_login: EmailLogin,
    /// The password hash column.
    pub password: String,
    /// A display name column.
    #[serde(default)]
    pub display_name: Option<String>,
    /// The registration time column.
    #[serde(default)]
    pub registered: Option<TimeColumn>,
    /// A last activity / login time column.
    #[serde(default)]
    pub last_seen: Option<TimeColumn>,
    /// Account-state rules, first match wins; no match = active.
    #[serde(default)]
    pub states: Vec<StateRule>,
    /// When the account is an administrator.
    #[serde(default)]
    pub admin: Option<ValueRule>,
    /// When the email counts as verified (default: never).
    #[serde(default)]
    pub email_verified: Option<ValueRule>,
    /// How the app hashed and checked passwords.
    pub passwords: CustomPasswords,
}

/// Whether a custom app's login form takes an email address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailLogin {
    /// Logins are names only.
    #[default]
    Never,
    /// Like WordPress: names first; when nothing matches and the input contains `@`, emails.
    Fallback,
    /// Like ZEN3MP: emails only.
    Only,
}

/// A time column and how it stores time.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimeColumn {
    /// The column.
    pub column: String,
    /// How the value is stored.
    pub kind: TimeKind,
}

/// How a column stores a point in time. Zero values (`0`, `0000-00-00`, `0000-00-00
/// 00:00:00`) and NULL mean "unknown".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeKind {
    /// An integer of Unix seconds.
    Unix,
    /// `DATETIME`/`TIMESTAMP` (or text `YYYY-MM-DD HH:MM:SS`), taken as UTC.
    Datetime,
    /// `DATE` (or text `YYYY-MM-DD`), midnight UTC.
    Date,
}

/// An account-state rule of a custom profile.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateRule {
    /// The column to look at.
    pub column: String,
    /// The values (compared as text, exactly) that put the account in `state`.
    #[serde(deserialize_with = "de_scalars")]
    pub values: Vec<String>,
    /// The state.
    pub state: StateKind,
    /// For `banned`: a column holding the ban's end (0/NULL = permanent).
    #[serde(default)]
    pub until: Option<TimeColumn>,
}

/// A "column has one of these values" rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRule {
    /// The column.
    pub column: String,
    /// Values (compared as text, exactly).
    #[serde(deserialize_with = "de_scalars")]
    pub values: Vec<String>,
}

/// The states a custom rule can set (see [`crate::legacy::AccountState`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StateKind {
    /// [`crate::legacy::AccountState::Banned`].
    Banned,
    /// [`crate::legacy::AccountState::Closed`].
    Closed,
    /// [`crate::legacy::AccountState::Unverified`].
    Unverified,
    /// [`crate::legacy::AccountState::Deleted`].
    Deleted,
    /// [`crate::legacy::AccountState::Spam`].
    Spam,
}

fn de_scalars<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Scalar {
        S(String),
        I(i64),
        B(bool),
    }
    Ok(Vec::<Scalar>::deserialize(d)?
        .into_iter()
        .map(|s| match s {
            Scalar::S(s) => s,
            Scalar::I(i) => i.to_string(),
            Scalar::B(b) => if b { "1" } else { "0" }.to_owned(),
        })
        .collect())
}

/// `[site.custom.passwords]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomPasswords {
    /// Formats the login accepts.
    pub accept: Vec<HashFormat>,
    /// md5 constructions for 32-hex rows (default `["plain"]`).
    #[serde(default)]
    pub md5: Option<Vec<Md5Construction>>,
    /// Salt for `pass_salt` / `salt2_pass_salt` (value, `_env` or `_file`).
    #[serde(default, deserialize_with = "de_secret")]
    pub pwdsalt: Option<Secret>,
    /// Environment variable holding the salt.
    #[serde(default)]
    pub pwdsalt_env: Option<String>,
    /// File holding the salt.
    #[serde(default)]
    pub pwdsalt_file: Option<PathBuf>,
    /// Second salt for `salt2_pass_salt`.
    #[serde(default, deserialize_with = "de_secret")]
    pub pwdsalt2: Option<Secret>,
    /// Environment variable holding the second salt.
    #[serde(default)]
    pub pwdsalt2_env: Option<String>,
    /// File holding the second salt.
    #[serde(default)]
    pub pwdsalt2_file: Option<PathBuf>,
    /// The app escaped request input with `addslashes()` (magic quotes).
    #[serde(default)]
    pub addslashes: bool,
    /// Try windows-1252 bytes for md5 rows.
    #[serde(default)]
    pub windows1252_md5: bool,
    /// Longest accepted password in bytes.
    #[serde(default)]
    pub max_password_bytes: Option<usize>,
}

impl CustomPasswords {
    /// The salts, read from wherever they are configured.
    ///
    /// # Errors
    /// As [`super::SiteConfig::resolve_dsn`].
    pub fn resolve_salts(&self, site: &Arc<str>) -> Result<Md5Salts, LegacyError> {
        Ok(Md5Salts {
            pwdsalt: resolve_secret(
                site,
                "pwdsalt",
                self.pwdsalt.as_ref(),
                self.pwdsalt_env.as_deref(),
                self.pwdsalt_file.as_deref(),
            )?,
            pwdsalt2: resolve_secret(
                site,
                "pwdsalt2",
                self.pwdsalt2.as_ref(),
                self.pwdsalt2_env.as_deref(),
                self.pwdsalt2_file.as_deref(),
            )?,
        })
    }
}
