//! [`LegacyError`]: the one error type of the legacy capability (codes 300–399 in
//! [`crate::error`], plus the general `config` code for a bad site configuration).
//!
//! Messages name the site, the legacy id and the column when they are known, never a password,
//! a salt, a DSN or a stored hash (only its *shape*: length and `$id$` prefix).

use std::fmt;
use std::sync::Arc;

use crate::{Code, HalextError};

/// Errors from legacy sources (the users tables) and legacy password hashes.
///
/// One variant per [`Code`]; match on the variant for the data, or call
/// [`HalextError::code`] for the stable code.
#[derive(Debug, thiserror::Error)]
pub enum LegacyError {
    /// The site configuration is invalid or incomplete: no DSN, an unreadable `*_file`, an
    /// unset `*_env` variable, an unsafe table or column name, a missing profile section.
    /// Code [`Code::Config`].
    #[error("legacy site `{site}`: configuration: {message}")]
    Config {
        /// The configured site name (`"?"` when the name itself is missing).
        site: Arc<str>,
        /// What is wrong (never the value of a secret).
        message: String,
    },

    /// The legacy database could not be reached or a query failed.
    /// Code [`Code::LegacyDatabase`].
    #[error("legacy site `{site}`: database: {message}")]
    Database {
        /// The configured site name.
        site: Arc<str>,
        /// The driver's message (MySQL error text; it never contains the DSN password).
        message: String,
    },

    /// The users table does not match the site's profile (missing table or column).
    /// Code [`Code::LegacySchema`].
    #[error("legacy site `{site}`: schema of `{table}`: {message}")]
    Schema {
        /// The configured site name.
        site: Arc<str>,
        /// The table that was checked.
        table: String,
        /// What does not match.
        message: String,
    },

    /// A row could not be decoded (invalid UTF-8 in a utf8 column, an impossible date, an
    /// out-of-range id). Code [`Code::LegacyDecode`].
    #[error("legacy site `{}`: {}", .0.site, .0)]
    Decode(RejectedRow),

    /// The stored password hash has a shape no supported scheme recognises.
    /// Code [`Code::LegacyUnknownHashFormat`].
    #[error("stored password hash not recognised ({shape})")]
    UnknownHashFormat {
        /// The hash's shape (length and `$id$` prefix), never the hash itself.
        shape: HashShape,
    },

    /// The stored password hash is recognised but cannot be used to log in.
    /// Code [`Code::LegacyUnusableHash`].
    #[error("stored password hash unusable: {reason}")]
    UnusableHash {
        /// Why.
        reason: UnusableReason,
    },
}

impl HalextError for LegacyError {
    fn code(&self) -> Code {
        match self {
            LegacyError::Config { .. } => Code::Config,
            LegacyError::Database { .. } => Code::LegacyDatabase,
            LegacyError::Schema { .. } => Code::LegacySchema,
            LegacyError::Decode(_) => Code::LegacyDecode,
            LegacyError::UnknownHashFormat { .. } => Code::LegacyUnknownHashFormat,
            LegacyError::UnusableHash { .. } => Code::LegacyUnusableHash,
        }
    }
}

impl LegacyError {
    /// A [`LegacyError::Config`] for `site`.
    pub fn config(site: &Arc<str>, message: impl Into<String>) -> Self {
        LegacyError::Config { site: Arc::clone(site), message: message.into() }
    }

    /// A [`LegacyError::Database`] for `site` from a driver error (its `Display`).
    pub fn database(site: &Arc<str>, err: impl fmt::Display) -> Self {
        LegacyError::Database { site: Arc::clone(site), message: err.to_string() }
    }

    /// A [`LegacyError::UnknownHashFormat`] describing `stored` by its shape only.
    pub fn unknown_format(stored: &str) -> Self {
        LegacyError::UnknownHashFormat { shape: HashShape::of(stored) }
    }

    /// A [`LegacyError::UnusableHash`].
    pub fn unusable(reason: UnusableReason) -> Self {
        LegacyError::UnusableHash { reason }
    }
}

/// A row of a legacy users table that could not be decoded: which site, which row, which
/// column and why. Carried by [`LegacyError::Decode`] (when the source's policy is to stop)
/// or collected by a source whose policy is to skip and report (see
/// [`crate::legacy::UserSource::take_rejected`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    /// The configured site name.
    pub site: Arc<str>,
    /// The row's legacy id, when the id itself could be decoded.
    pub id: Option<u64>,
    /// The column that failed (`None` for a whole-row problem).
    pub column: Option<String>,
    /// Why, e.g. `"invalid UTF-8 in a utf8mb4 column"` or `"impossible date 2019-02-30"`.
    pub reason: String,
}

impl fmt::Display for RejectedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.id {
            Some(id) => write!(f, "row id {id}")?,
            None => f.write_str("row with an undecodable id")?,
        }
        if let Some(c) = &self.column {
            write!(f, ", column `{c}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// Why a recognised stored hash cannot be used (see [`LegacyError::UnusableHash`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnusableReason {
    /// The row has no stored hash at all (empty column).
    NoPassword,
    /// `d41d8cd98f00b204e9800998ecf8427e` = md5 of the empty string: no legacy app lets a
    /// user set it, so it means "no usable password" (legacy-users.md §6, vector 4).
    EmptyPasswordSentinel,
    /// A bcrypt hash shorter than its 60 characters: cut by a narrow column, typically
    /// Acmlmboard's `pass varchar(32)` (legacy-users.md §1.4 "Truncated bcrypt"); it can never
    /// verify.
    TruncatedBcrypt,
    /// The value has a known `$id$` but is malformed (wrong length, bad alphabet, bad cost).
    Malformed {
        /// The format it claims to be.
        format: &'static str,
        /// What is wrong with it.
        detail: &'static str,
    },
    /// The work factor is above the configured cap ([`crate::legacy::password::Limits`]);
    /// refused so that a crafted row cannot pin a worker for minutes.
    WorkFactorTooHigh {
        /// The format (`"bcrypt"`, `"phpass"`, `"pbkdf2-sha256"`).
        format: &'static str,
        /// The stored work factor (bcrypt cost, phpass log2 rounds, pbkdf2 rounds).
        stored: u64,
        /// The cap in force.
        max: u64,
    },
    /// A salted Acmlmboard md5 row, but the board's `$pwdsalt`/`$pwdsalt2` are not configured.
    MissingSalts,
    /// The format is valid but this site's app never accepts it at login (e.g. md5 on
    /// ZEN3MP, or md5 on Acmlmboard 2 with `legacylogin` off).
    NotAcceptedBySite {
        /// The stored format.
        format: &'static str,
    },
}

impl fmt::Display for UnusableReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnusableReason::NoPassword => f.write_str("the account has no stored password"),
            UnusableReason::EmptyPasswordSentinel => {
                f.write_str("md5 of the empty string: the account has no usable password")
            }
            UnusableReason::TruncatedBcrypt => {
                f.write_str("bcrypt hash truncated by a column narrower than 60 characters")
            }
            UnusableReason::Malformed { format, detail } => write!(f, "malformed {format} hash: {detail}"),
            UnusableReason::WorkFactorTooHigh { format, stored, max } => {
                write!(f, "{format} work factor {stored} is above the configured maximum {max}")
            }
            UnusableReason::MissingSalts => {
                f.write_str("salted md5 hash but the board's pwdsalt/pwdsalt2 are not configured")
            }
            UnusableReason::NotAcceptedBySite { format } => {
                write!(f, "{format} hashes are not accepted by this site's login")
            }
        }
    }
}

/// The shape of a stored hash, safe to print: its length in bytes and, when it starts with
/// `$`, its identifier up to the second `$` (at most 16 characters), e.g. `60 bytes, $2x$`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashShape {
    /// Length of the stored value in bytes.
    pub len: usize,
    /// The `$id$` prefix, if the value has one.
    pub prefix: Option<String>,
}

impl HashShape {
    /// The shape of `stored`.
    pub fn of(stored: &str) -> Self {
        let prefix = stored.strip_prefix('$').and_then(|rest| {
            let end = rest.find('$')?;
            let id = &rest[..end];
            (id.len() <= 14 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
                .then(|| format!("${id}$"))
        });
        HashShape { len: stored.len(), prefix }
    }
}

impl fmt::Display for HashShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.prefix {
            Some(p) => write!(f, "{} bytes, {p}", self.len),
            None => write!(f, "{} bytes, no $id$ prefix", self.len),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_variants() {
        let site: Arc<str> = Arc::from("acmlm");
        assert_eq!(LegacyError::config(&site, "x").code(), Code::Config);
        assert_eq!(LegacyError::database(&site, "x").code(), Code::LegacyDatabase);
        let schema =
            LegacyError::Schema { site: Arc::clone(&site), table: "users".into(), message: "x".into() };
        assert_eq!(schema.code(), Code::LegacySchema);
        let row = RejectedRow { site, id: Some(3), column: Some("name".into()), reason: "bad".into() };
        assert_eq!(LegacyError::Decode(row).code(), Code::LegacyDecode);
        assert_eq!(LegacyError::unknown_format("abc").code(), Code::LegacyUnknownHashFormat);
        assert_eq!(LegacyError::unusable(UnusableReason::TruncatedBcrypt).code(), Code::LegacyUnusableHash);
    }

    #[test]
    fn shape_never_shows_the_hash_body() {
        let stored = "$2x$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";
        let msg = LegacyError::unknown_format(stored).to_string();
        assert!(msg.contains("60 bytes, $2x$"), "{msg}");
        assert!(!msg.contains("ubv0ZG"), "{msg}");
        let md5 = LegacyError::unknown_format("3cb4e732631f47e6eb961f34554b7cd").to_string();
        assert!(!md5.contains("3cb4"), "{md5}");
        assert!(md5.contains("31 bytes, no $id$ prefix"), "{md5}");
    }

    #[test]
    fn decode_message_names_site_id_and_column() {
        let row = RejectedRow {
            site: Arc::from("wp"),
            id: Some(42),
            column: Some("user_registered".into()),
            reason: "impossible date".into(),
        };
        let msg = LegacyError::Decode(row).to_string();
        assert_eq!(msg, "legacy site `wp`: row id 42, column `user_registered`: impossible date");
    }
}
