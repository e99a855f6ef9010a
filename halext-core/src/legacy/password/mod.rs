//! Legacy password hashes: detection, verification with each app's input quirks, and
//! "needs rehash" decisions (legacy-users.md §1.4, §2.3, §3.2, §4, §6).
//!
//! Two levels:
//!
//! * [`verify`] — the scheme level: does this password (or one of the input forms the site's
//!   [`PasswordRules`] allow) produce this stored hash? The format is detected from the
//!   stored value; every digest comparison is constant time (`subtle`).
//! * [`verify_login`] — the site level, what a login does: refuses an empty password, a
//!   password over the app's size limit, the md5-of-empty sentinel, an empty column and formats
//!   the app never accepts, then calls [`verify`].
//!
//! [`options::PasswordOptions`] describes "app X's rules" with named options (PHP's
//! `Halext\Password`, C's `halext_password_rules`) and answers a login form (`verify`: a bool),
//! a report (`check`: the match or the reason) and `needs_rehash`.
//!
//! | stored value | [`HashFormat`] | [`Scheme`]s it can match |
//! | --- | --- | --- |
//! | 32 hex digits | `Md5Hex` | `md5_hex`, `acmlm2_md5_pass_salt`, `acmlm2_md5_salt2_pass_salt` (per [`PasswordRules::md5`]) |
//! | `$P$`/`$H$` + 31 | `Phpass` | `wp_phpass` |
//! | `$2a$`/`$2b$`/`$2y$` + 56 | `Bcrypt` | `php_bcrypt` |
//! | `$wp$2y$…` | `WpBcrypt` | `wp_bcrypt_sha384` |
//! | `$pbkdf2-sha256$…` | `Pbkdf2Sha256` | `halext_pbkdf2_sha256` |
//!
//! Input forms tried, in order ([`InputVariant`]): the raw bytes; their PHP `addslashes()`
//! form when the rules say the app escaped input and the password has `'` `"` `\` or NUL; for
//! md5 rows only and when the rules say so, the windows-1252 bytes (and their escaped form).
//! No form is trimmed or tag-stripped: no app does that at login (WordPress trims only when
//! hashing, ZEN3MP strips tags only when hashing; vectors 18 and 29 must fail).

mod apps;
mod bcrypt;
mod input;
mod md5;
pub mod options;
mod pbkdf2;
mod phpass;

use std::fmt;

use serde::Deserialize;

pub use self::apps::APPS;
pub use self::input::{InputVariant, addslashes, to_windows1252};
pub use self::md5::{EMPTY_MD5, Md5Construction, Md5Salts};
pub use self::options::{App, CheckReport, PasswordOptions, PasswordOptionsError, identify};
pub use self::pbkdf2::{
    AB64, HALEXT_ROUNDS, hash as hash_halext_pbkdf2, hash_with_salt as hash_halext_pbkdf2_with_salt,
};
use super::error::{LegacyError, UnusableReason};

/// The format of a stored hash, detected from the value alone ([`detect`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HashFormat {
    /// 32 hexadecimal digits: plain or Acmlmboard-salted md5 (the site's rules say which).
    Md5Hex,
    /// phpass portable, `$P$` or `$H$`.
    Phpass,
    /// PHP bcrypt, `$2y$` (also `$2a$`, `$2b$`).
    Bcrypt,
    /// WordPress ≥ 6.8, `$wp` + bcrypt of an HMAC-SHA384 pre-hash.
    WpBcrypt,
    /// Halext/passlib `$pbkdf2-sha256$`.
    Pbkdf2Sha256,
}

impl HashFormat {
    /// A stable name: `"md5_hex"`, `"phpass"`, `"bcrypt"`, `"wp_bcrypt"`, `"pbkdf2_sha256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HashFormat::Md5Hex => "md5_hex",
            HashFormat::Phpass => "phpass",
            HashFormat::Bcrypt => "bcrypt",
            HashFormat::WpBcrypt => "wp_bcrypt",
            HashFormat::Pbkdf2Sha256 => "pbkdf2_sha256",
        }
    }
}

impl fmt::Display for HashFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The scheme that matched: how the stored hash was computed. Names are the `scheme` values of
/// `tests/data/hash-vectors.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// `md5(password)` hex.
    Md5,
    /// `md5(password ‖ $pwdsalt)` (Acmlmboard 2, 2011–2014).
    Md5PassSalt,
    /// `md5($pwdsalt2 ‖ password ‖ $pwdsalt)` (Acmlmboard 2 2014–2019, rasmusolle fork).
    Md5Salt2PassSalt,
    /// phpass portable (`$P$`, `$H$`).
    Phpass,
    /// PHP `password_hash()` bcrypt.
    Bcrypt,
    /// WordPress 6.8 `$wp$` bcrypt over the HMAC-SHA384 pre-hash.
    WpBcryptSha384,
    /// passlib pbkdf2-sha256 (Halext).
    Pbkdf2Sha256,
}

impl Scheme {
    /// The vector-file name: `"md5_hex"`, `"acmlm2_md5_pass_salt"`,
    /// `"acmlm2_md5_salt2_pass_salt"`, `"wp_phpass"`, `"php_bcrypt"`, `"wp_bcrypt_sha384"`,
    /// `"halext_pbkdf2_sha256"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::Md5 => "md5_hex",
            Scheme::Md5PassSalt => "acmlm2_md5_pass_salt",
            Scheme::Md5Salt2PassSalt => "acmlm2_md5_salt2_pass_salt",
            Scheme::Phpass => "wp_phpass",
            Scheme::Bcrypt => "php_bcrypt",
            Scheme::WpBcryptSha384 => "wp_bcrypt_sha384",
            Scheme::Pbkdf2Sha256 => "halext_pbkdf2_sha256",
        }
    }

    fn of_md5(c: Md5Construction) -> Scheme {
        match c {
            Md5Construction::Plain => Scheme::Md5,
            Md5Construction::PassSalt => Scheme::Md5PassSalt,
            Md5Construction::Salt2PassSalt => Scheme::Md5Salt2PassSalt,
        }
    }
}

/// A successful verification: which scheme and which input form matched. Useful for reports
/// ("12 users still log in with an addslashes form"); it never carries the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PasswordMatch {
    /// How the stored hash was computed.
    pub scheme: Scheme,
    /// Which form of the typed password matched.
    pub variant: InputVariant,
}

/// Caps on work factors read from stored hashes, so that a crafted or corrupted row cannot
/// pin a PHP worker for minutes. A stored hash above a cap is
/// [`UnusableReason::WorkFactorTooHigh`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Highest bcrypt cost verified (default 14: ≈ 16× a cost-10 check). PHP writes 10 (12
    /// from PHP 8.4).
    pub max_bcrypt_cost: u32,
    /// Highest phpass log2 iteration count verified (default 20; WordPress writes 13, `B`).
    pub max_phpass_log2: u32,
    /// Most pbkdf2 rounds verified (default 1 000 000; Halext writes 29 000).
    pub max_pbkdf2_rounds: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bcrypt_cost: 14, max_phpass_log2: 20, max_pbkdf2_rounds: 1_000_000 }
    }
}

/// What one app accepts at login and which input forms it may have hashed. Build it with a
/// per-app constructor and adjust fields as the site's configuration says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordRules {
    /// Formats the app's login accepts ([`verify_login`] refuses others with
    /// [`UnusableReason::NotAcceptedBySite`]).
    pub accept: Vec<HashFormat>,
    /// md5 constructions tried for [`HashFormat::Md5Hex`] rows, in order.
    pub md5: Vec<Md5Construction>,
    /// The board's salts for the salted md5 constructions.
    pub salts: Md5Salts,
    /// Also try PHP `addslashes()` of the input (apps that escaped all request input).
    pub addslashes: bool,
    /// For md5 rows, also try the windows-1252 bytes of the input (latin1-era pages).
    pub windows1252_md5: bool,
    /// Passwords longer than this many bytes never match (WordPress: 4096).
    pub max_password_bytes: Option<usize>,
    /// Work-factor caps.
    pub limits: Limits,
}

impl PasswordRules {
    /// Acmlmboard 2 `develop` (2019-01-03 `52f5a35` onwards): bcrypt; md5 rows only when the
    /// board's `$config['legacylogin']` is on, checked as `md5($pwdsalt2 ‖ pass ‖ $pwdsalt)`.
    /// Input was escaped with `addslashes()` until `8637e90` (2020-01-17); latin1-era rows may
    /// hold md5 of windows-1252 bytes (legacy-users.md §1.4).
    pub fn acmlmboard2(legacylogin: bool, salts: Md5Salts) -> Self {
        let mut accept = vec![HashFormat::Bcrypt];
        if legacylogin {
            accept.push(HashFormat::Md5Hex);
        }
        PasswordRules {
            accept,
            md5: vec![Md5Construction::Salt2PassSalt],
            salts,
            addslashes: true,
            windows1252_md5: true,
            max_password_bytes: None,
            limits: Limits::default(),
        }
    }

    /// Acmlmboard 2.5.4 `master`, and the rasmusolle fork: `md5($pwdsalt2 ‖ pass ‖ $pwdsalt)`
    /// natively (bcrypt accepted too, for boards upgraded since), `addslashes()` forms, windows-1252
    /// fallback for md5 rows.
    pub fn acmlmboard2_md5(salts: Md5Salts) -> Self {
        PasswordRules {
            accept: vec![HashFormat::Md5Hex, HashFormat::Bcrypt],
            ..Self::acmlmboard2(true, salts)
        }
    }

    /// AcmlmBoard 1.92: plain `md5(pass)`, `addslashes()` form (magic quotes), windows-1252
    /// fallback (legacy-users.md §1.3, §1.4).
    pub fn acmlmboard1() -> Self {
        PasswordRules {
            accept: vec![HashFormat::Md5Hex, HashFormat::Bcrypt],
            md5: vec![Md5Construction::Plain],
            ..Self::acmlmboard2(true, Md5Salts::default())
        }
    }

    /// WordPress (`wp_check_password()`, 6.8+ and earlier): values ≤ 32 characters as plain md5
    /// (UTF-8 input only), phpass `$P$` (and `$H$`, which WordPress ≤ 6.7 accepted), `$wp$`
    /// and plain bcrypt; passwords over 4096 bytes are refused; the slashed POST value is tried
    /// too (legacy-users.md §2.3 "Slashes"); never trimmed at check time.
    pub fn wordpress() -> Self {
        PasswordRules {
            accept: vec![HashFormat::Md5Hex, HashFormat::Phpass, HashFormat::WpBcrypt, HashFormat::Bcrypt],
            md5: vec![Md5Construction::Plain],
            salts: Md5Salts::default(),
            addslashes: true,
            windows1252_md5: false,
            max_password_bytes: Some(4096),
            limits: Limits::default(),
        }
    }

    /// ZEN3MP: only `password_verify()` over the raw input (no escaping, no `strip_tags()` at
    /// login); a 32-hex md5 can never log in (legacy-users.md §3.2).
    pub fn zen3mp() -> Self {
        PasswordRules {
            accept: vec![HashFormat::Bcrypt],
            md5: Vec::new(),
            salts: Md5Salts::default(),
            addslashes: false,
            windows1252_md5: false,
            max_password_bytes: None,
            limits: Limits::default(),
        }
    }

    /// Halext itself: passlib pbkdf2-sha256 over the raw UTF-8 password (halext-api.md §1.6).
    pub fn halext() -> Self {
        PasswordRules { accept: vec![HashFormat::Pbkdf2Sha256], ..Self::zen3mp() }
    }
}

/// A stored value, parsed.
enum Parsed<'a> {
    Md5([u8; 16]),
    Phpass(phpass::Phpass<'a>),
    Bcrypt(bcrypt::Bcrypt<'a>),
    WpBcrypt(bcrypt::Bcrypt<'a>),
    Pbkdf2(pbkdf2::Pbkdf2),
}

impl Parsed<'_> {
    fn format(&self) -> HashFormat {
        match self {
            Parsed::Md5(_) => HashFormat::Md5Hex,
            Parsed::Phpass(_) => HashFormat::Phpass,
            Parsed::Bcrypt(_) => HashFormat::Bcrypt,
            Parsed::WpBcrypt(_) => HashFormat::WpBcrypt,
            Parsed::Pbkdf2(_) => HashFormat::Pbkdf2Sha256,
        }
    }
}

fn malformed(format: &'static str, detail: &'static str) -> LegacyError {
    LegacyError::unusable(UnusableReason::Malformed { format, detail })
}

fn parse_bcrypt(stored: &str) -> Result<bcrypt::Bcrypt<'_>, LegacyError> {
    bcrypt::parse(stored).map_err(|shape| match shape {
        bcrypt::BcryptShape::Truncated => LegacyError::unusable(UnusableReason::TruncatedBcrypt),
        bcrypt::BcryptShape::Malformed(detail) => malformed("bcrypt", detail),
    })
}

fn parse(stored: &str) -> Result<Parsed<'_>, LegacyError> {
    if stored.is_empty() {
        return Err(LegacyError::unusable(UnusableReason::NoPassword));
    }
    if let Some(rest) = stored.strip_prefix("$wp") {
        return parse_bcrypt(rest).map(Parsed::WpBcrypt).map_err(|e| match e {
            LegacyError::UnusableHash { reason: UnusableReason::Malformed { detail, .. } } => {
                malformed("wp_bcrypt", detail)
            }
            other => other,
        });
    }
    if stored.starts_with("$2") && stored.len() >= 4 && stored.as_bytes()[3] == b'$' {
        return parse_bcrypt(stored).map(Parsed::Bcrypt);
    }
    if stored.starts_with("$P$") || stored.starts_with("$H$") {
        return phpass::parse(stored).map(Parsed::Phpass).map_err(|d| malformed("phpass", d));
    }
    if stored.starts_with(pbkdf2::PREFIX) {
        return pbkdf2::parse(stored).map(Parsed::Pbkdf2).map_err(|d| malformed("pbkdf2_sha256", d));
    }
    if stored.len() == 32 {
        if let Some(digest) = md5::parse_hex(stored) {
            return Ok(Parsed::Md5(digest));
        }
    }
    Err(LegacyError::unknown_format(stored))
}

/// Detects the format of a stored hash and checks its structure.
///
/// # Errors
/// * [`LegacyError::UnknownHashFormat`] when no scheme recognises the value;
/// * [`LegacyError::UnusableHash`] for an empty value ([`UnusableReason::NoPassword`]), a
///   32-character bcrypt ([`UnusableReason::TruncatedBcrypt`]) or a malformed value with a
///   known prefix ([`UnusableReason::Malformed`]: wrong length, bad alphabet, cost outside
///   04..31, phpass count outside 7..30, pbkdf2 digest not 32 bytes).
pub fn detect(stored: &str) -> Result<HashFormat, LegacyError> {
    parse(stored).map(|p| p.format())
}

/// Whether `stored` is `md5("")` (either case): the "no usable password" sentinel.
pub fn is_empty_password_sentinel(stored: &str) -> bool {
    stored.len() == 32 && md5::parse_hex(stored) == Some(EMPTY_MD5)
}

fn too_high(format: &'static str, stored: u64, max: u64) -> Result<(), LegacyError> {
    if stored > max {
        return Err(LegacyError::unusable(UnusableReason::WorkFactorTooHigh { format, stored, max }));
    }
    Ok(())
}

/// Scheme-level verification: does `password` — raw, or in one of the input forms `rules`
/// allows — produce `stored`? The format is detected from `stored`; [`PasswordRules::accept`],
/// [`PasswordRules::max_password_bytes`] and the empty-password rules are **not** applied here
/// (see [`verify_login`]), so `md5("")` verifies an empty password (vector 4).
///
/// Returns `Ok(Some(match))` on a match, `Ok(None)` on a mismatch.
///
/// # Errors
/// Everything [`detect`] returns, plus [`UnusableReason::WorkFactorTooHigh`] (above
/// [`PasswordRules::limits`]) and [`UnusableReason::MissingSalts`] (an md5 row, no match, and a
/// configured salted construction that could not be tried for want of salts).
pub fn verify(
    stored: &str,
    password: &[u8],
    rules: &PasswordRules,
) -> Result<Option<PasswordMatch>, LegacyError> {
    let parsed = parse(stored)?;
    verify_parsed(&parsed, password, rules)
}

fn verify_parsed(
    parsed: &Parsed<'_>,
    password: &[u8],
    rules: &PasswordRules,
) -> Result<Option<PasswordMatch>, LegacyError> {
    let limits = &rules.limits;
    let windows1252 = matches!(parsed, Parsed::Md5(_)) && rules.windows1252_md5;
    let forms = input::candidates(password, rules.addslashes, windows1252);
    let found = |scheme: Scheme, variant: InputVariant| Ok(Some(PasswordMatch { scheme, variant }));
    match parsed {
        Parsed::Md5(expected) => {
            let mut skipped_for_salts = false;
            for form in &forms {
                for &construction in &rules.md5 {
                    match md5::check(construction, &rules.salts, form.bytes(), expected) {
                        md5::Md5Try::Match => return found(Scheme::of_md5(construction), form.variant),
                        md5::Md5Try::NoMatch => {}
                        md5::Md5Try::NeedsSalts => skipped_for_salts = true,
                    }
                }
            }
            if skipped_for_salts {
                return Err(LegacyError::unusable(UnusableReason::MissingSalts));
            }
            Ok(None)
        }
        Parsed::Phpass(h) => {
            too_high("phpass", u64::from(h.log2_rounds), u64::from(limits.max_phpass_log2))?;
            for form in &forms {
                if phpass::check(h, form.bytes()) {
                    return found(Scheme::Phpass, form.variant);
                }
            }
            Ok(None)
        }
        Parsed::Bcrypt(h) | Parsed::WpBcrypt(h) => {
            too_high("bcrypt", u64::from(h.cost), u64::from(limits.max_bcrypt_cost))?;
            let wp = matches!(parsed, Parsed::WpBcrypt(_));
            for form in &forms {
                let ok = if wp { bcrypt::check_wp(h, form.bytes()) } else { bcrypt::check(h, form.bytes()) };
                match ok {
                    Some(true) => {
                        return found(if wp { Scheme::WpBcryptSha384 } else { Scheme::Bcrypt }, form.variant);
                    }
                    Some(false) => {}
                    None => return Err(malformed("bcrypt", "salt or digest is not canonical bcrypt base64")),
                }
            }
            Ok(None)
        }
        Parsed::Pbkdf2(h) => {
            too_high("pbkdf2_sha256", u64::from(h.rounds), u64::from(limits.max_pbkdf2_rounds))?;
            for form in &forms {
                if pbkdf2::check(h, form.bytes()) {
                    return found(Scheme::Pbkdf2Sha256, form.variant);
                }
            }
            Ok(None)
        }
    }
}

/// Site-level verification, as the app's login would decide (`LegacySite::verify_password`
/// uses it). In order:
///
/// 1. no stored value (`None` or empty) → `Err(UnusableHash(NoPassword))`;
/// 2. `md5("")` → `Err(UnusableHash(EmptyPasswordSentinel))`: no app lets a user set an empty
///    password, so such a row has no usable password (legacy-users.md §6);
/// 3. a malformed or unknown value → the [`detect`] error;
/// 4. a format the app never accepts → `Err(UnusableHash(NotAcceptedBySite))`;
/// 5. an empty typed password → `Ok(None)` (no app's login accepts one);
/// 6. a typed password over [`PasswordRules::max_password_bytes`] → `Ok(None)` (WordPress);
/// 7. otherwise [`verify`].
///
/// # Errors
/// As listed above, plus those of [`verify`].
pub fn verify_login(
    stored: Option<&str>,
    password: &[u8],
    rules: &PasswordRules,
) -> Result<Option<PasswordMatch>, LegacyError> {
    let stored = stored.filter(|s| !s.is_empty()).ok_or(LegacyError::unusable(UnusableReason::NoPassword))?;
    if is_empty_password_sentinel(stored) {
        return Err(LegacyError::unusable(UnusableReason::EmptyPasswordSentinel));
    }
    let parsed = parse(stored)?;
    let format = parsed.format();
    if !rules.accept.contains(&format) {
        return Err(LegacyError::unusable(UnusableReason::NotAcceptedBySite { format: format.as_str() }));
    }
    if password.is_empty() || rules.max_password_bytes.is_some_and(|max| password.len() > max) {
        return Ok(None);
    }
    verify_parsed(&parsed, password, rules)
}

/// The hashing an app uses today, for [`needs_rehash`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RehashPolicy {
    /// WordPress ≥ 6.8 (`wp_password_needs_rehash()`): `$wp` bcrypt at exactly `cost`;
    /// everything else (md5, phpass, plain bcrypt) needs a rehash.
    WordPress {
        /// The site's bcrypt cost (10 under PHP < 8.4, 12 from 8.4).
        cost: u32,
    },
    /// PHP `password_hash(PASSWORD_DEFAULT)` bcrypt (Acmlmboard 2, ZEN3MP): anything that is
    /// not bcrypt, or bcrypt below `cost`.
    PhpBcrypt {
        /// The target cost.
        cost: u32,
    },
    /// Halext passlib pbkdf2-sha256: anything that is not pbkdf2-sha256, or fewer rounds.
    Halext {
        /// The minimum rounds (29 000 today).
        min_rounds: u32,
    },
}

impl RehashPolicy {
    /// WordPress 6.8 under PHP < 8.4.
    pub const WORDPRESS_6_8: RehashPolicy = RehashPolicy::WordPress { cost: 10 };
    /// PHP < 8.4 `PASSWORD_DEFAULT`.
    pub const PHP_BCRYPT: RehashPolicy = RehashPolicy::PhpBcrypt { cost: 10 };
    /// Halext today.
    pub const HALEXT: RehashPolicy = RehashPolicy::Halext { min_rounds: HALEXT_ROUNDS };
}

/// Whether `stored` is weaker than (or different from) what `policy` writes today, so the
/// app would replace it after the next successful login. md5 and phpass always need a rehash.
/// A value that cannot be verified at all (unknown, malformed, truncated) also returns `true`:
/// it certainly has to be replaced.
pub fn needs_rehash(stored: &str, policy: RehashPolicy) -> bool {
    let Ok(parsed) = parse(stored) else { return true };
    match (policy, &parsed) {
        (RehashPolicy::WordPress { cost }, Parsed::WpBcrypt(h)) => h.cost != cost,
        (RehashPolicy::PhpBcrypt { cost }, Parsed::Bcrypt(h)) => h.cost < cost,
        (RehashPolicy::Halext { min_rounds }, Parsed::Pbkdf2(h)) => h.rounds < min_rounds,
        _ => true,
    }
}

#[cfg(test)]
mod tests;
