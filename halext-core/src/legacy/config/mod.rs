//! Site configuration: one `[[site]]` table of the CLI's `halext.toml` (or the same shape
//! built in Rust, from PHP INI entries or through the C ABI).
//!
//! ```toml
//! [[site]]
//! name = "acmlm"                  # the site name used in mappings and reports
//! profile = "acmlmboard"          # acmlmboard | wordpress | zen3mp | custom
//! dsn_env = "HALEXT_ACMLM_DSN"    # or dsn = "mysql://…", or dsn_file = "/run/secrets/acmlm-dsn"
//! batch_size = 5000               # rows per keyset page when reading the whole table
//! on_bad_row = "stop"             # or "report": skip undecodable rows and report them
//!
//! [site.acmlmboard]
//! variant = "ab2"                 # ab2 | ab2-master | rasmusolle | ab1.92
//! legacylogin = true              # $config['legacylogin'] of lib/config.php
//! pwdsalt_env = "ACMLM_PWDSALT"   # $pwdsalt  (or pwdsalt = "…", pwdsalt_file = "…")
//! pwdsalt2_env = "ACMLM_PWDSALT2" # $pwdsalt2
//! ```
//!
//! Secrets (the DSN, which carries the database password, and the Acmlmboard salts) are held
//! in [`Secret`] and come from the value itself, an environment variable (`*_env`, which also
//! honours `NAME_FILE`, see [`Secret::from_env`]) or a file (`*_file`, one trailing newline
//! removed). Exactly one of the three may be set. They are never printed: `Debug` redacts them
//! and no error message contains them. Every key is documented in `docs/legacy.md`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Deserializer};

mod custom;

pub use self::custom::{
    CustomConfig, CustomPasswords, EmailLogin, StateKind, StateRule, TimeColumn, TimeKind, ValueRule,
};
use super::error::LegacyError;
use super::password::{Limits, Md5Construction, Md5Salts};
use crate::Secret;

/// One legacy site.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The site name (`"acmlm"`, `"wordpress"`, `"social"`): stored in every [`super::LegacyUser`]
    /// and in the mapping table, so keep it stable.
    pub name: String,
    /// Which legacy app the table belongs to.
    pub profile: ProfileKind,
    /// The DSN itself, `mysql://user:password@host:port/database` (mysql_async URL syntax).
    #[serde(default, deserialize_with = "de_secret")]
    pub dsn: Option<Secret>,
    /// The name of an environment variable holding the DSN (or `NAME_FILE` naming a file).
    #[serde(default)]
    pub dsn_env: Option<String>,
    /// A file holding the DSN.
    #[serde(default)]
    pub dsn_file: Option<PathBuf>,
    /// The character set of the users table: the connection uses it so that login lookups
    /// compare under the table's own collation. Default per profile: `latin1` for
    /// Acmlmboard, `utf8mb4` otherwise.
    #[serde(default)]
    pub charset: Option<Charset>,
    /// Rows per keyset page when reading the whole table (default 5000, 1..=100 000).
    #[serde(default = "default_batch_size")]
    pub batch_size: u32,
    /// What a full read does with a row it cannot decode (default `stop`).
    #[serde(default)]
    pub on_bad_row: BadRowPolicy,
    /// Most connections this process opens to the site (default 2).
    #[serde(default = "default_max_connections")]
    pub max_connections: usize,
    /// Work-factor caps for stored hashes.
    #[serde(default)]
    pub limits: Limits,
    /// Settings when `profile = "acmlmboard"` (all optional).
    #[serde(default)]
    pub acmlmboard: Option<AcmlmboardConfig>,
    /// Settings when `profile = "wordpress"` (all optional).
    #[serde(default)]
    pub wordpress: Option<WordPressConfig>,
    /// Settings when `profile = "zen3mp"` (all optional).
    #[serde(default)]
    pub zen3mp: Option<Zen3mpConfig>,
    /// Settings when `profile = "custom"` (required).
    #[serde(default)]
    pub custom: Option<CustomConfig>,
}

fn default_batch_size() -> u32 {
    5000
}

fn default_max_connections() -> usize {
    2
}

fn yes() -> bool {
    true
}

pub(super) fn de_secret<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Secret>, D::Error> {
    crate::secret::de_secret(d)
}

/// The legacy app a site runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileKind {
    /// Acmlmboard (AB2 develop/master, the rasmusolle fork, AB 1.92): legacy-users.md §1.
    Acmlmboard,
    /// WordPress (single site or multisite): legacy-users.md §2.
    Wordpress,
    /// ZEN3MP / Zeniea, database `social`: legacy-users.md §3.
    Zen3mp,
    /// Any other PHP app, described column by column.
    Custom,
}

impl ProfileKind {
    /// `"acmlmboard"`, `"wordpress"`, `"zen3mp"`, `"custom"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ProfileKind::Acmlmboard => "acmlmboard",
            ProfileKind::Wordpress => "wordpress",
            ProfileKind::Zen3mp => "zen3mp",
            ProfileKind::Custom => "custom",
        }
    }
}

/// A MySQL character set for the users table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Charset {
    /// `utf8mb4`: text is strict UTF-8.
    Utf8mb4,
    /// `utf8` (utf8mb3): text is strict UTF-8.
    Utf8,
    /// `latin1`: the bytes are decoded as UTF-8 when they are valid UTF-8 (what PHP apps that
    /// never set a connection charset stored), else as windows-1252 (legacy-users.md §5
    /// "Mojibake in Acmlmboard").
    Latin1,
}

impl Charset {
    /// The MySQL name (`"utf8mb4"`, `"utf8"`, `"latin1"`).
    pub const fn as_sql(self) -> &'static str {
        match self {
            Charset::Utf8mb4 => "utf8mb4",
            Charset::Utf8 => "utf8",
            Charset::Latin1 => "latin1",
        }
    }
}

/// What a full read does with a row it cannot decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BadRowPolicy {
    /// Stop with [`LegacyError::Decode`] naming the site, the id and the reason.
    #[default]
    Stop,
    /// Skip the row and keep it for [`super::UserSource::take_rejected`] (and log a warning).
    Report,
}

/// The Acmlmboard code base a board runs (legacy-users.md §1.1–§1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
pub enum AcmlmVariant {
    /// Acmlmboard 2 `develop` (bcrypt since `52f5a35`, 2019-01-03; md5 only with
    /// `legacylogin`). Groups: banned 9, admins 4 and 6.
    #[default]
    #[serde(rename = "ab2")]
    Ab2,
    /// Acmlmboard 2.5.4 `master` (2018): `md5($pwdsalt2 ‖ pass ‖ $pwdsalt)`. Groups as AB2.
    #[serde(rename = "ab2-master")]
    Ab2Master,
    /// The rasmusolle fork (2020, `73e5b62`): salted md5, table `groups` with banned 1,
    /// admins 6 and 7, no `power` column.
    #[serde(rename = "rasmusolle")]
    Rasmusolle,
    /// AcmlmBoard 1.92.08: `password` = `md5(pass)`, `powerlevel` (negative = banned, ≥ 3 =
    /// admin), `lastactivity`, no display name, no groups.
    #[serde(rename = "ab1.92")]
    Ab192,
}

impl AcmlmVariant {
    /// Default banned group ids (the shipped `group`/`groups` data).
    pub fn default_banned_groups(self) -> Vec<i64> {
        match self {
            AcmlmVariant::Ab2 | AcmlmVariant::Ab2Master => vec![9],
            AcmlmVariant::Rasmusolle => vec![1],
            AcmlmVariant::Ab192 => Vec::new(),
        }
    }

    /// Default administrator group ids (Administrator, Root Administrator).
    pub fn default_admin_groups(self) -> Vec<i64> {
        match self {
            AcmlmVariant::Ab2 | AcmlmVariant::Ab2Master => vec![4, 6],
            AcmlmVariant::Rasmusolle => vec![6, 7],
            AcmlmVariant::Ab192 => Vec::new(),
        }
    }

    /// Default md5 constructions tried for 32-hex rows.
    pub fn default_md5(self) -> Vec<Md5Construction> {
        match self {
            AcmlmVariant::Ab192 => vec![Md5Construction::Plain],
            _ => vec![Md5Construction::Salt2PassSalt],
        }
    }
}

/// `[site.acmlmboard]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcmlmboardConfig {
    /// The code base (default `ab2`).
    #[serde(default)]
    pub variant: AcmlmVariant,
    /// The users table (default `users`).
    #[serde(default)]
    pub table: Option<String>,
    /// `$config['legacylogin']`: AB2 `develop` accepts md5 rows only when it is on (default
    /// off, as in the board's config.sample.php). Ignored by the md5-native variants.
    #[serde(default)]
    pub legacylogin: bool,
    /// `$pwdsalt` of `lib/config.php`.
    #[serde(default, deserialize_with = "de_secret")]
    pub pwdsalt: Option<Secret>,
    /// Environment variable holding `$pwdsalt`.
    #[serde(default)]
    pub pwdsalt_env: Option<String>,
    /// File holding `$pwdsalt`.
    #[serde(default)]
    pub pwdsalt_file: Option<PathBuf>,
    /// `$pwdsalt2` of `lib/config.php`.
    #[serde(default, deserialize_with = "de_secret")]
    pub pwdsalt2: Option<Secret>,
    /// Environment variable holding `$pwdsalt2`.
    #[serde(default)]
    pub pwdsalt2_env: Option<String>,
    /// File holding `$pwdsalt2`.
    #[serde(default)]
    pub pwdsalt2_file: Option<PathBuf>,
    /// Group ids whose members are banned (default per variant).
    #[serde(default)]
    pub banned_group_ids: Option<Vec<i64>>,
    /// Group ids whose members are administrators (default per variant).
    #[serde(default)]
    pub admin_group_ids: Option<Vec<i64>>,
    /// md5 constructions tried for 32-hex rows, in order (default per variant). Add `"plain"`
    /// and `"pass_salt"` for boards that still hold rows from 2011–2014 or from AB 1.x.
    #[serde(default)]
    pub md5: Option<Vec<Md5Construction>>,
    /// Try the windows-1252 bytes of the password for md5 rows (default on).
    #[serde(default = "yes")]
    pub windows1252_fallback: bool,
    /// Treat the legacy `power` (AB 1.x `powerlevel`) below 0 as a permanent ban (default on).
    #[serde(default = "yes")]
    pub power_banned: bool,
}

/// `[site.wordpress]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WordPressConfig {
    /// `$table_prefix` of wp-config.php (default `wp_`); also prefixes the usermeta keys
    /// `{prefix}capabilities`.
    #[serde(default = "default_wp_prefix")]
    pub table_prefix: String,
}

impl Default for WordPressConfig {
    fn default() -> Self {
        WordPressConfig { table_prefix: default_wp_prefix() }
    }
}

fn default_wp_prefix() -> String {
    "wp_".to_owned()
}

/// `[site.zen3mp]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Zen3mpConfig {
    /// The users table (default `users`).
    #[serde(default = "default_users_table")]
    pub table: String,
}

impl Default for Zen3mpConfig {
    fn default() -> Self {
        Zen3mpConfig { table: default_users_table() }
    }
}

fn default_users_table() -> String {
    "users".to_owned()
}

impl SiteConfig {
    /// A configuration with defaults for everything but the name, profile and DSN source.
    pub fn new(name: impl Into<String>, profile: ProfileKind) -> Self {
        SiteConfig {
            name: name.into(),
            profile,
            dsn: None,
            dsn_env: None,
            dsn_file: None,
            charset: None,
            batch_size: default_batch_size(),
            on_bad_row: BadRowPolicy::default(),
            max_connections: default_max_connections(),
            limits: Limits::default(),
            acmlmboard: None,
            wordpress: None,
            zen3mp: None,
            custom: None,
        }
    }

    /// Parses one site from a TOML table (the body of a `[[site]]` entry).
    ///
    /// # Errors
    /// [`LegacyError::Config`] with TOML's message (which quotes the offending key, never a
    /// secret value: secrets are plain strings that always parse).
    pub fn from_toml_str(text: &str) -> Result<Self, LegacyError> {
        toml::from_str(text)
            .map_err(|e| LegacyError::Config { site: Arc::from("?"), message: e.message().to_owned() })
    }

    /// The character set in force: the configured one or the profile's default.
    pub fn effective_charset(&self) -> Charset {
        self.charset.unwrap_or(match self.profile {
            ProfileKind::Acmlmboard => Charset::Latin1,
            _ => Charset::Utf8mb4,
        })
    }

    /// Reads the DSN from wherever it is configured.
    ///
    /// # Errors
    /// [`LegacyError::Config`] when none or more than one of `dsn`, `dsn_env`, `dsn_file` is
    /// set, the variable is unset, or the file cannot be read (the message names the variable
    /// or path, never the value).
    pub fn resolve_dsn(&self) -> Result<Secret, LegacyError> {
        let site: Arc<str> = Arc::from(self.name.as_str());
        resolve_secret(&site, "dsn", self.dsn.as_ref(), self.dsn_env.as_deref(), self.dsn_file.as_deref())?
            .ok_or_else(|| LegacyError::config(&site, "no DSN: set one of dsn, dsn_env, dsn_file"))
    }
}

/// [`crate::secret::resolve_secret`] with the error attributed to `site`.
///
/// # Errors
/// [`LegacyError::Config`] when more than one is set, the variable is unset or the file
/// unreadable.
pub(crate) fn resolve_secret(
    site: &Arc<str>,
    key: &str,
    value: Option<&Secret>,
    env: Option<&str>,
    file: Option<&Path>,
) -> Result<Option<Secret>, LegacyError> {
    crate::secret::resolve_secret(key, value, env, file).map_err(|m| LegacyError::config(site, m))
}

impl AcmlmboardConfig {
    /// The board's salts, read from wherever they are configured (either may be absent).
    ///
    /// # Errors
    /// As [`SiteConfig::resolve_dsn`], for `pwdsalt` and `pwdsalt2`.
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

/// Checks a table or column name from the configuration before it is put into SQL (quoted
/// with backticks): 1–64 characters of `[A-Za-z0-9_$]`.
///
/// # Errors
/// [`LegacyError::Config`] naming the key.
pub(crate) fn check_identifier(site: &Arc<str>, key: &str, name: &str) -> Result<(), LegacyError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'$');
    if ok {
        Ok(())
    } else {
        Err(LegacyError::config(site, format!("{key}: `{name}` is not a plain SQL identifier")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::legacy::password::HashFormat;

    #[test]
    fn parses_a_full_acmlmboard_site() {
        let cfg = SiteConfig::from_toml_str(
            r#"
            name = "acmlm"
            profile = "acmlmboard"
            dsn = "mysql://u:topsecret@127.0.0.1:3306/acmlm"
            batch_size = 1000
            on_bad_row = "report"
            [acmlmboard]
            variant = "rasmusolle"
            legacylogin = true
            pwdsalt = "Please change me!"
            pwdsalt2 = "Addtional Salt. Please Change me!"
            banned_group_ids = [1, 9]
            md5 = ["salt2_pass_salt", "plain"]
            "#,
        )
        .expect("parse");
        assert_eq!(cfg.profile, ProfileKind::Acmlmboard);
        assert_eq!(cfg.batch_size, 1000);
        assert_eq!(cfg.on_bad_row, BadRowPolicy::Report);
        assert_eq!(cfg.effective_charset(), Charset::Latin1);
        let ab = cfg.acmlmboard.as_ref().expect("section");
        assert_eq!(ab.variant, AcmlmVariant::Rasmusolle);
        assert_eq!(ab.md5.as_deref(), Some(&[Md5Construction::Salt2PassSalt, Md5Construction::Plain][..]));
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("topsecret") && !shown.contains("Please change"), "{shown}");
        assert_eq!(cfg.resolve_dsn().expect("dsn").expose(), b"mysql://u:topsecret@127.0.0.1:3306/acmlm");
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = SiteConfig::from_toml_str("name = \"x\"\nprofile = \"wordpress\"\ndsn_fiel = \"/x\"\n")
            .expect_err("typo must fail");
        assert!(err.to_string().contains("dsn_fiel"), "{err}");
        assert!(SiteConfig::from_toml_str("name = \"x\"\nprofile = \"phpbb\"\n").is_err());
    }

    #[test]
    fn dsn_sources_are_exclusive_and_errors_hide_values() {
        let mut cfg = SiteConfig::new("wp", ProfileKind::Wordpress);
        assert!(cfg.resolve_dsn().is_err());
        cfg.dsn = Some(Secret::from("mysql://a:b@h/d"));
        cfg.dsn_env = Some("HALEXT_TEST_NOT_SET_DSN".into());
        assert!(cfg.resolve_dsn().expect_err("two sources").to_string().contains("only one"));
        cfg.dsn = None;
        let msg = cfg.resolve_dsn().expect_err("unset").to_string();
        assert!(msg.contains("HALEXT_TEST_NOT_SET_DSN") && !msg.contains("a:b"), "{msg}");
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("dsn");
        std::fs::write(&p, "mysql://u:pw@h/db\n").expect("write");
        cfg.dsn_env = None;
        cfg.dsn_file = Some(p);
        assert_eq!(cfg.resolve_dsn().expect("file").expose(), b"mysql://u:pw@h/db");
    }

    #[test]
    fn custom_values_accept_strings_numbers_and_bools() {
        let cfg = SiteConfig::from_toml_str(
            r#"
            name = "app"
            profile = "custom"
            dsn = "mysql://u:p@h/d"
            [custom]
            table = "members"
            id = "member_id"
            login = "username"
            password = "pw"
            states = [{ column = "status", values = ["banned", 2, true], state = "banned" }]
            [custom.passwords]
            accept = ["bcrypt"]
            "#,
        )
        .expect("parse");
        let custom = cfg.custom.expect("custom");
        assert_eq!(custom.states[0].values, vec!["banned", "2", "1"]);
        assert_eq!(custom.passwords.accept, vec![HashFormat::Bcrypt]);
    }

    #[test]
    fn identifiers_are_checked() {
        let site: Arc<str> = Arc::from("s");
        assert!(check_identifier(&site, "table", "wp_users").is_ok());
        for bad in ["", "users`; DROP TABLE x; --", "a b", "db.users", "ü", &"x".repeat(65)] {
            assert!(check_identifier(&site, "table", bad).is_err(), "{bad}");
        }
    }
}
