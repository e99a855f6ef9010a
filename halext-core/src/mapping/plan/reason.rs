//! [`Reason`]: why the planner decided what it did, typed (for code) and as text (for people).

use crate::mapping::error::BlockReason;
use crate::mapping::model::MappingKey;
use serde::Serialize;
use std::fmt;

/// What the stored password hash looks like, judged from its shape only (the legacy module
/// verifies; the planner only reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HashNote {
    /// bcrypt, phpass, `$wp$`, argon2 or another salted scheme: verifiable at login.
    Usable,
    /// A 32-hex md5 (plain or Acmlmboard-salted): verifiable only with the site's md5 support
    /// (and salts) configured; ZEN3MP never accepted these.
    Md5,
    /// No stored hash: the account cannot log in, so it can never migrate by itself.
    Missing,
    /// Unusable: a bcrypt string cut short by a narrow column, md5 of the empty string, or a
    /// value no supported scheme recognises (`legacy::password::detect` fails).
    Unusable,
}

impl HashNote {
    /// Classifies a stored hash by its shape.
    pub fn classify(hash: Option<&str>) -> HashNote {
        let Some(h) = hash.map(str::trim).filter(|h| !h.is_empty()) else {
            return HashNote::Missing;
        };
        if h.eq_ignore_ascii_case("d41d8cd98f00b204e9800998ecf8427e") {
            return HashNote::Unusable;
        }
        if h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return HashNote::Md5;
        }
        // Every other scheme is checked by the same parser login-time verification uses: a
        // value it does not recognise (`zz`, a cut-off phpass) can never verify a password.
        match crate::legacy::password::detect(h) {
            Ok(_) => HashNote::Usable,
            Err(_) => HashNote::Unusable,
        }
    }
}

/// One reason behind a decision. A decision carries every reason that applies, e.g. a merged
/// account with an md5 hash has both [`Reason::MergedByEmail`] and [`Reason::Md5Hash`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Reason {
    /// Linked already (a login or registration happened): kept, never changed by a plan.
    AlreadyLinked,
    /// The account's site state, and whether the policy skipped it or planned it anyway.
    Blocked {
        /// The state.
        state: BlockReason,
        /// `true` = status `skipped`; `false` = planned and marked.
        skipped: bool,
    },
    /// Merged with accounts on other sites through the same trusted email.
    MergedByEmail {
        /// How many accounts the identity has (≥ 2).
        accounts: u32,
    },
    /// This account is not the identity's primary account; the username comes from it.
    SecondaryAccount {
        /// The primary account (site priority, then earliest registration, then lowest id).
        primary: MappingKey,
    },
    /// Another account on the same site has the same trusted email; accounts of one site are
    /// never merged with each other.
    SameSiteDuplicateEmail {
        /// The account of this site that joined the identity.
        kept: MappingKey,
    },
    /// Another identity has the same normalised email, but this account's email was not
    /// merged because its site never verified it (takeover rule).
    EmailNotTrusted,
    /// The legacy login did not satisfy the username rule and was slugged.
    UsernameSlugged {
        /// The legacy login.
        from: String,
    },
    /// Nothing usable was left of the login; the name is `{site}_{id}`.
    UsernameFallback,
    /// The wanted username (case-insensitively) belongs to a higher-ranked identity; this one
    /// got a suffix.
    UsernameSuffixed {
        /// The username the identity wanted.
        wanted: String,
        /// The primary account of the identity that kept it (`None`: an existing link).
        winner: Option<MappingKey>,
    },
    /// As above, but the collision policy is `conflict`.
    UsernameTaken {
        /// The username the identity wanted.
        wanted: String,
        /// The primary account of the identity that kept it.
        winner: Option<MappingKey>,
    },
    /// Another identity keeps this normalised email (Halext emails are unique): conflict.
    EmailTaken {
        /// The primary account of the identity that kept it.
        winner: Option<MappingKey>,
    },
    /// No usable email; a `…@noemail.invalid` placeholder is planned.
    EmailPlaceholder,
    /// No usable email and the policy is `conflict`.
    NoEmail,
    /// The stored hash is md5: migrates only if the site's md5 scheme (and salts) verify it.
    Md5Hash,
    /// No stored hash: the account cannot log in to migrate.
    NoPasswordHash,
    /// The stored hash can never verify (truncated bcrypt, md5 of the empty password).
    UnusableHash,
    /// A legacy administrator. Reported only: `is_admin` is never sent to Halext.
    LegacyAdmin,
}

impl Reason {
    /// A stable snake_case code (`"merged_by_email"`, ...), for CSV/JSON and filters.
    pub const fn code(&self) -> &'static str {
        match self {
            Reason::AlreadyLinked => "already_linked",
            Reason::Blocked { .. } => "blocked",
            Reason::MergedByEmail { .. } => "merged_by_email",
            Reason::SecondaryAccount { .. } => "secondary_account",
            Reason::SameSiteDuplicateEmail { .. } => "same_site_duplicate_email",
            Reason::EmailNotTrusted => "email_not_trusted",
            Reason::UsernameSlugged { .. } => "username_slugged",
            Reason::UsernameFallback => "username_fallback",
            Reason::UsernameSuffixed { .. } => "username_suffixed",
            Reason::UsernameTaken { .. } => "username_taken",
            Reason::EmailTaken { .. } => "email_taken",
            Reason::EmailPlaceholder => "email_placeholder",
            Reason::NoEmail => "no_email",
            Reason::Md5Hash => "md5_hash",
            Reason::NoPasswordHash => "no_password_hash",
            Reason::UnusableHash => "unusable_hash",
            Reason::LegacyAdmin => "legacy_admin",
        }
    }
}

fn who(k: &Option<MappingKey>) -> String {
    match k {
        Some(k) => format!("{}:{}", k.site, k.legacy_id),
        None => "an existing link".to_owned(),
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::AlreadyLinked => f.write_str("already linked; the plan leaves it alone"),
            Reason::Blocked { state, skipped: true } => {
                write!(f, "{} on its site; skipped by policy", state.as_str())
            }
            Reason::Blocked { state, skipped: false } => {
                write!(
                    f,
                    "{} on its site; planned, but cannot log in to migrate while blocked",
                    state.as_str()
                )
            }
            Reason::MergedByEmail { accounts } => {
                write!(f, "merged with {} other account(s) by trusted email", accounts - 1)
            }
            Reason::SecondaryAccount { primary } => {
                write!(f, "username taken from the primary account {}:{}", primary.site, primary.legacy_id)
            }
            Reason::SameSiteDuplicateEmail { kept } => write!(
                f,
                "same email as {}:{} on the same site; accounts of one site are never merged",
                kept.site, kept.legacy_id
            ),
            Reason::EmailNotTrusted => {
                f.write_str("email shared with another account but not merged: its site never verified it")
            }
            Reason::UsernameSlugged { from } => {
                write!(f, "login {from:?} is not a safe Halext username; slugged")
            }
            Reason::UsernameFallback => f.write_str("nothing usable in the login; username is site_id"),
            Reason::UsernameSuffixed { wanted, winner } => {
                write!(f, "username {wanted:?} belongs to {}; suffixed", who(winner))
            }
            Reason::UsernameTaken { wanted, winner } => {
                write!(f, "username {wanted:?} belongs to {}; needs an operator", who(winner))
            }
            Reason::EmailTaken { winner } => {
                write!(f, "email belongs to {} on Halext; needs an operator", who(winner))
            }
            Reason::EmailPlaceholder => f.write_str("no usable email; placeholder address under .invalid"),
            Reason::NoEmail => f.write_str("no usable email; needs an operator"),
            Reason::Md5Hash => {
                f.write_str("md5 password hash: migrates only if the site's md5 scheme verifies it")
            }
            Reason::NoPasswordHash => f.write_str("no password hash: cannot migrate at login"),
            Reason::UnusableHash => {
                f.write_str("unusable password hash (truncated, empty-password or unknown format): cannot migrate at login")
            }
            Reason::LegacyAdmin => f.write_str("legacy administrator (not an admin on Halext)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_shapes() {
        assert_eq!(
            HashNote::classify(Some("$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG")),
            HashNote::Usable
        );
        assert_eq!(HashNote::classify(Some("$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ")), HashNote::Unusable);
        assert_eq!(HashNote::classify(Some("d41d8cd98f00b204e9800998ecf8427e")), HashNote::Unusable);
        assert_eq!(HashNote::classify(Some("9b70ca48433e0b776f24c75557817c1b")), HashNote::Md5);
        assert_eq!(HashNote::classify(Some("$P$BBcGN.qvZ6rIjsjE6MXjGiFkoeAPnU0")), HashNote::Usable);
        assert_eq!(
            HashNote::classify(Some("$wp$2y$10$rLBG8WQVbNQOruJTxBItC.gFrTuN0DD8BPIasglv.WMPRbxt6Papm")),
            HashNote::Usable
        );
        assert_eq!(HashNote::classify(None), HashNote::Missing);
        assert_eq!(HashNote::classify(Some("  ")), HashNote::Missing);
        assert_eq!(HashNote::classify(Some("zz")), HashNote::Unusable, "no scheme recognises it");
        assert_eq!(HashNote::classify(Some("$P$BBcGN.qvZ6rIjsjE6")), HashNote::Unusable, "cut-off phpass");
    }
}
