//! [`PasswordOptions`]: "check this password against this stored hash the way app X does",
//! described by a few named options. It is the one description the front ends share: PHP's
//! `Halext\Password` options array, C's `halext_password_rules_new` JSON, and the CLI's
//! `halext hash` flags all become a `PasswordOptions` (same names, same checks, same messages).
//!
//! | option | type | default | meaning |
//! | --- | --- | --- | --- |
//! | `app` | string | `"generic"` | whose login rules: [`App`] |
//! | `legacylogin` | bool | `false` | `app = "acmlmboard"` only: AB2's `$config['legacylogin']` (md5 rows accepted) |
//! | `md5` | list of strings | per app | md5 constructions tried for 32-hex rows: `"plain"`, `"pass_salt"`, `"salt2_pass_salt"` |
//! | `cost` | int 4..=31 | 10 | the bcrypt cost the app writes today, for [`PasswordOptions::needs_rehash`] |
//! | `pwdsalt`, `pwdsalt2` | secrets | none | Acmlmboard's `$pwdsalt`/`$pwdsalt2`; never inside the JSON/map, given with [`PasswordOptions::with_salts`] |
//!
//! Three answers, for three callers (all with [`verify_login`]'s site-level rules):
//!
//! * [`PasswordOptions::verify`] — a login form: `true`/`false`. A stored value that can never
//!   log anyone in (unknown format, malformed, truncated bcrypt, the md5-of-empty sentinel, a
//!   format the app does not accept, a work factor above the caps) is simply `false`, as it is
//!   on the app itself. Only a problem of the *caller's configuration* is an error: a salted md5
//!   row with the salts missing ([`UnusableReason::MissingSalts`]) would otherwise lock every
//!   such user out without a word.
//! * [`PasswordOptions::check`] — a migration report: the [`PasswordMatch`] (scheme and input
//!   form) or `None`, and every unusable or unknown hash as its [`LegacyError`] (the reason).
//! * [`PasswordOptions::needs_rehash`] — whether the app would replace the stored hash after a
//!   successful login ([`needs_rehash`] with the app's [`RehashPolicy`]).

use serde_json::{Map, Value};

use super::{
    HashFormat, Md5Construction, Md5Salts, PasswordMatch, PasswordRules, RehashPolicy, detect, needs_rehash,
    verify_login,
};
use crate::legacy::error::{LegacyError, UnusableReason};
use crate::{Code, HalextError, Secret};

/// Whose login rules a password is checked with (option `app`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum App {
    /// `"generic"` (default): any supported format, detected from the stored value; md5 rows
    /// as plain `md5(pw)`, plus the salted Acmlmboard constructions when salts are given; the
    /// password exactly as typed (no `addslashes`, no windows-1252 form: those are app quirks,
    /// chosen by naming the app); passwords over 4096 bytes never match (the WordPress cap,
    /// which also bounds the cost of a phpass check).
    #[default]
    Generic,
    /// `"acmlmboard"`: Acmlmboard 2 ([`PasswordRules::acmlmboard2`]): bcrypt; md5 rows only with
    /// `legacylogin` (2.5.4 `master` and the rasmusolle fork accept them natively: give
    /// `legacylogin = true` for those), checked as `md5($pwdsalt2 ‖ pw ‖ $pwdsalt)` unless `md5`
    /// says otherwise; `addslashes` and windows-1252 forms.
    Acmlmboard,
    /// `"acmlmboard1"`: AcmlmBoard 1.92 ([`PasswordRules::acmlmboard1`]): plain md5 (and bcrypt),
    /// `addslashes` and windows-1252 forms.
    Acmlmboard1,
    /// `"wordpress"`: `wp_check_password()` ([`PasswordRules::wordpress`]): md5, phpass, `$wp$`,
    /// bcrypt; the slashed form; 4096-byte cap.
    Wordpress,
    /// `"zen3mp"`: `password_verify()` only ([`PasswordRules::zen3mp`]).
    Zen3mp,
    /// `"halext"`: passlib pbkdf2-sha256 ([`PasswordRules::halext`]).
    Halext,
}

impl App {
    /// Every app, in the order messages list them.
    pub const ALL: [App; 6] =
        [App::Generic, App::Acmlmboard, App::Acmlmboard1, App::Wordpress, App::Zen3mp, App::Halext];

    /// The option value: `"generic"`, `"acmlmboard"`, `"acmlmboard1"`, `"wordpress"`,
    /// `"zen3mp"`, `"halext"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            App::Generic => "generic",
            App::Acmlmboard => "acmlmboard",
            App::Acmlmboard1 => "acmlmboard1",
            App::Wordpress => "wordpress",
            App::Zen3mp => "zen3mp",
            App::Halext => "halext",
        }
    }

    /// The app called `name` (exact, lower case).
    pub fn parse(name: &str) -> Option<App> {
        App::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether the app's md5 rows can be salted (so `pwdsalt`/`pwdsalt2`/`md5` make sense).
    const fn salted_md5(self) -> bool {
        matches!(self, App::Generic | App::Acmlmboard | App::Acmlmboard1)
    }
}

/// The option names [`PasswordOptions::from_map`] accepts (the salts are given separately).
pub const OPTION_NAMES: &[&str] = &["app", "legacylogin", "md5", "cost"];

/// Invalid password options: an unknown option or app, a wrong type, an option the app does not
/// use. Code [`Code::InvalidArgument`]. The message names the option, never a salt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid password options: {0}")]
pub struct PasswordOptionsError(pub String);

impl HalextError for PasswordOptionsError {
    fn code(&self) -> Code {
        Code::InvalidArgument
    }
}

/// Which app's rules, and that app's settings. See the module docs for the option table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PasswordOptions {
    /// Whose rules (`app`).
    pub app: App,
    /// Acmlmboard 2's `$config['legacylogin']` (`legacylogin`; `app = acmlmboard` only).
    pub legacylogin: bool,
    /// md5 constructions for 32-hex rows (`md5`); `None` = the app's default.
    pub md5: Option<Vec<Md5Construction>>,
    /// The board's salts (`pwdsalt`, `pwdsalt2`).
    pub salts: Md5Salts,
    /// The bcrypt cost the app writes today (`cost`, 4..=31); `None` = 10 (PHP < 8.4's
    /// `PASSWORD_DEFAULT`).
    pub cost: Option<u32>,
}

fn bad(message: impl Into<String>) -> PasswordOptionsError {
    PasswordOptionsError(message.into())
}

impl PasswordOptions {
    /// The defaults of `app`.
    pub fn new(app: App) -> Self {
        PasswordOptions { app, ..Self::default() }
    }

    /// Reads the named options (`app`, `legacylogin`, `md5`, `cost`) from a JSON object (PHP's
    /// options array converted, or C's options JSON). Salts are not read from here: a `pwdsalt`
    /// or `pwdsalt2` key is an error (give them with [`PasswordOptions::with_salts`], as
    /// secrets). `null` values count as absent.
    ///
    /// # Errors
    /// [`PasswordOptionsError`] naming the first unknown option or app, wrong type, out-of-range
    /// cost, or option the app does not use (`legacylogin` outside `acmlmboard`, `md5` for an
    /// app without md5 rows).
    pub fn from_map(map: &Map<String, Value>) -> Result<Self, PasswordOptionsError> {
        let mut out = PasswordOptions::default();
        for (name, value) in map {
            if value.is_null() {
                continue;
            }
            match name.as_str() {
                "app" => {
                    let text = value.as_str().ok_or_else(|| bad("`app` must be a string"))?;
                    out.app = App::parse(text).ok_or_else(|| {
                        let known: Vec<&str> = App::ALL.iter().map(|a| a.as_str()).collect();
                        bad(format!("unknown app {:?} (known: {})", truncate(text), known.join(", ")))
                    })?;
                }
                "legacylogin" => {
                    out.legacylogin = value.as_bool().ok_or_else(|| bad("`legacylogin` must be a bool"))?;
                }
                "md5" => {
                    let list = value.as_array().ok_or_else(|| bad("`md5` must be a list of strings"))?;
                    let mut constructions = Vec::with_capacity(list.len());
                    for item in list {
                        let c = item.as_str().and_then(parse_md5).ok_or_else(|| {
                            bad("`md5` entries must be \"plain\", \"pass_salt\" or \"salt2_pass_salt\"")
                        })?;
                        constructions.push(c);
                    }
                    out.md5 = Some(constructions);
                }
                "cost" => {
                    let cost = value
                        .as_u64()
                        .filter(|c| (4..=31).contains(c))
                        .ok_or_else(|| bad("`cost` must be an integer from 4 to 31"))?;
                    out.cost = Some(cost as u32);
                }
                "pwdsalt" | "pwdsalt2" => {
                    return Err(bad(format!("`{name}` is a secret: pass it separately, not in the options")));
                }
                other => {
                    return Err(bad(format!(
                        "unknown option {:?} (known: {}, pwdsalt, pwdsalt2)",
                        truncate(other),
                        OPTION_NAMES.join(", ")
                    )));
                }
            }
        }
        out.consistent()?;
        Ok(out)
    }

    /// Sets the board's salts (`$pwdsalt`, `$pwdsalt2`); `None` leaves a salt unset.
    ///
    /// # Errors
    /// [`PasswordOptionsError`] when a salt is given for an app whose md5 rows are never
    /// salted (`wordpress`, `zen3mp`, `halext`).
    pub fn with_salts(
        mut self,
        pwdsalt: Option<Secret>,
        pwdsalt2: Option<Secret>,
    ) -> Result<Self, PasswordOptionsError> {
        if (pwdsalt.is_some() || pwdsalt2.is_some()) && !self.app.salted_md5() {
            return Err(bad(format!(
                "`pwdsalt`/`pwdsalt2` apply to apps with salted md5 rows (generic, acmlmboard, acmlmboard1), not {}",
                self.app.as_str()
            )));
        }
        self.salts = Md5Salts { pwdsalt, pwdsalt2 };
        Ok(self)
    }

    fn consistent(&self) -> Result<(), PasswordOptionsError> {
        if self.legacylogin && self.app != App::Acmlmboard {
            return Err(bad(format!(
                "`legacylogin` applies to app acmlmboard only, not {}",
                self.app.as_str()
            )));
        }
        if self.md5.is_some() && !self.app.salted_md5() && self.app != App::Wordpress {
            return Err(bad(format!(
                "`md5` does not apply to app {}: it never accepts md5 rows",
                self.app.as_str()
            )));
        }
        Ok(())
    }

    /// The [`PasswordRules`] these options describe.
    pub fn rules(&self) -> PasswordRules {
        let mut rules = match self.app {
            App::Generic => PasswordRules::generic(self.salts.clone()),
            App::Acmlmboard => PasswordRules::acmlmboard2(self.legacylogin, self.salts.clone()),
            App::Acmlmboard1 => PasswordRules { salts: self.salts.clone(), ..PasswordRules::acmlmboard1() },
            App::Wordpress => PasswordRules::wordpress(),
            App::Zen3mp => PasswordRules::zen3mp(),
            App::Halext => PasswordRules::halext(),
        };
        if let Some(md5) = &self.md5 {
            rules.md5 = md5.clone();
        }
        rules
    }

    /// The hashing the app does today, for [`PasswordOptions::needs_rehash`]: `wordpress` →
    /// WordPress 6.8 `$wp$` bcrypt at `cost`; `halext` → pbkdf2-sha256 with 29 000 rounds; every
    /// other app → PHP `password_hash()` bcrypt at `cost` (default 10).
    pub fn rehash_policy(&self) -> RehashPolicy {
        let cost = self.cost.unwrap_or(10);
        match self.app {
            App::Wordpress => RehashPolicy::WordPress { cost },
            App::Halext => RehashPolicy::HALEXT,
            _ => RehashPolicy::PhpBcrypt { cost },
        }
    }

    /// A login form's answer: does `password` (the bytes as typed) log in against `stored`?
    /// See the module docs: an unusable or unknown stored value is `Ok(false)`.
    ///
    /// # Errors
    /// [`LegacyError::UnusableHash`] with [`UnusableReason::MissingSalts`]: a salted md5 row
    /// that could only be checked with the salts, which were not given.
    pub fn verify(&self, stored: &str, password: &[u8]) -> Result<bool, LegacyError> {
        match self.check(stored, password) {
            Ok(m) => Ok(m.is_some()),
            Err(e @ LegacyError::UnusableHash { reason: UnusableReason::MissingSalts }) => Err(e),
            Err(LegacyError::UnusableHash { .. } | LegacyError::UnknownHashFormat { .. }) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// A report's answer: which scheme and input form matched (`Ok(Some)`), no match
    /// (`Ok(None)`), or why `stored` cannot be used (`Err`). Same rules as the app's login
    /// ([`verify_login`]): an empty password never matches.
    ///
    /// # Errors
    /// [`LegacyError::UnknownHashFormat`]; [`LegacyError::UnusableHash`] (no password,
    /// md5-of-empty sentinel, malformed, truncated bcrypt, work factor above the caps, missing
    /// salts, a format the app does not accept).
    pub fn check(&self, stored: &str, password: &[u8]) -> Result<Option<PasswordMatch>, LegacyError> {
        verify_login(Some(stored), password, &self.rules())
    }

    /// Whether the app would replace `stored` after a successful login (see
    /// [`PasswordOptions::rehash_policy`]); `true` for anything unusable.
    pub fn needs_rehash(&self, stored: &str) -> bool {
        needs_rehash(stored, self.rehash_policy())
    }
}

/// What [`identify`] calls each format: the scheme family names of the project's hash-vector
/// table where one format is one scheme (`wp_bcrypt_sha384`, `halext_pbkdf2_sha256`), the
/// format otherwise (`md5_hex` covers plain and salted md5, `phpass` is WordPress's portable
/// hash, `bcrypt` is PHP's `password_hash()`). These are the names of the PHP API contract.
pub const fn identify_name(format: HashFormat) -> &'static str {
    match format {
        HashFormat::Md5Hex => "md5_hex",
        HashFormat::Phpass => "phpass",
        HashFormat::Bcrypt => "bcrypt",
        HashFormat::WpBcrypt => "wp_bcrypt_sha384",
        HashFormat::Pbkdf2Sha256 => "halext_pbkdf2_sha256",
    }
}

/// The format of a stored hash by name ([`identify_name`]): `"bcrypt"`, `"phpass"`,
/// `"wp_bcrypt_sha384"`, `"md5_hex"`, `"halext_pbkdf2_sha256"`. The value's structure is
/// checked ([`detect`]); the md5-of-empty sentinel is still `"md5_hex"`.
///
/// # Errors
/// As [`detect`]: [`LegacyError::UnknownHashFormat`], or [`LegacyError::UnusableHash`] for an
/// empty, truncated or malformed value.
pub fn identify(stored: &str) -> Result<&'static str, LegacyError> {
    detect(stored).map(identify_name)
}

/// The result of [`PasswordOptions::check`] as the bindings return it (PHP array, C JSON):
/// `{"match": bool, "format": "bcrypt", "scheme": "php_bcrypt" | null, "variant": "raw" | null}`.
/// `scheme` and `variant` are the names of [`super::Scheme::as_str`] and
/// [`super::InputVariant::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CheckReport {
    /// Whether the password matched.
    #[serde(rename = "match")]
    pub matched: bool,
    /// The stored value's format ([`identify_name`]).
    pub format: &'static str,
    /// The scheme that matched.
    pub scheme: Option<&'static str>,
    /// The input form that matched.
    pub variant: Option<&'static str>,
}

impl PasswordOptions {
    /// [`PasswordOptions::check`] as a [`CheckReport`].
    ///
    /// # Errors
    /// As [`PasswordOptions::check`].
    pub fn check_report(&self, stored: &str, password: &[u8]) -> Result<CheckReport, LegacyError> {
        let found = self.check(stored, password)?;
        let format = identify(stored)?;
        Ok(CheckReport {
            matched: found.is_some(),
            format,
            scheme: found.map(|m| m.scheme.as_str()),
            variant: found.map(|m| m.variant.as_str()),
        })
    }
}

fn parse_md5(s: &str) -> Option<Md5Construction> {
    match s {
        "plain" => Some(Md5Construction::Plain),
        "pass_salt" => Some(Md5Construction::PassSalt),
        "salt2_pass_salt" => Some(Md5Construction::Salt2PassSalt),
        _ => None,
    }
}

/// A caller-supplied name, cut for a message (names are not secrets, but may be long).
fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    const BCRYPT: &str = "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";
    /// Vector 7: md5(pwdsalt2 . "correct horse" . pwdsalt), config.sample.php salts.
    const SALTED: &str = "9b70ca48433e0b776f24c75557817c1b";
    const PHPASS: &str = "$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.";

    fn opts(v: Value) -> Result<PasswordOptions, PasswordOptionsError> {
        PasswordOptions::from_map(v.as_object().unwrap())
    }

    fn sample_salts() -> (Option<Secret>, Option<Secret>) {
        (Some(Secret::from("Please change me!")), Some(Secret::from("Addtional Salt. Please Change me!")))
    }

    #[test]
    fn names_round_trip_and_defaults() {
        for app in App::ALL {
            assert_eq!(App::parse(app.as_str()), Some(app));
        }
        let o = opts(json!({})).unwrap();
        assert_eq!(o.app, App::Generic);
        assert_eq!(o.rehash_policy(), RehashPolicy::PhpBcrypt { cost: 10 });
        let o = opts(json!({"app": "wordpress", "cost": 12, "md5": null})).unwrap();
        assert_eq!(o.rehash_policy(), RehashPolicy::WordPress { cost: 12 });
        assert_eq!(opts(json!({"app": "halext"})).unwrap().rehash_policy(), RehashPolicy::HALEXT);
    }

    #[test]
    fn bad_options_name_the_problem() {
        let cases = [
            (json!({"app": "wordpres"}), "unknown app \"wordpres\""),
            (json!({"app": 3}), "`app` must be a string"),
            (json!({"nope": 1}), "unknown option \"nope\""),
            (json!({"pwdsalt": "x"}), "`pwdsalt` is a secret"),
            (json!({"cost": 3}), "`cost` must be an integer from 4 to 31"),
            (json!({"cost": "10"}), "`cost`"),
            (json!({"md5": ["md4"]}), "`md5` entries"),
            (json!({"app": "zen3mp", "legacylogin": true}), "acmlmboard only"),
            (json!({"app": "halext", "md5": ["plain"]}), "never accepts md5"),
        ];
        for (input, want) in cases {
            let err = opts(input.clone()).unwrap_err();
            assert!(err.to_string().contains(want), "{input}: {err}");
            assert_eq!(err.code(), Code::InvalidArgument);
        }
        let (s1, s2) = sample_salts();
        let err = PasswordOptions::new(App::Zen3mp).with_salts(s1, s2).unwrap_err();
        assert!(err.to_string().contains("not zen3mp"), "{err}");
        assert!(!err.to_string().contains("Please change"), "salts never appear: {err}");
    }

    #[test]
    fn verify_is_a_login_answer_and_check_gives_the_reason() {
        let generic = PasswordOptions::default();
        assert!(generic.verify(BCRYPT, b"correct horse").unwrap());
        assert!(!generic.verify(BCRYPT, b"wrong").unwrap());
        assert!(!generic.verify(BCRYPT, b"").unwrap(), "an empty password never logs in");
        // Unusable or unknown rows: false for a login form...
        for row in ["", "d41d8cd98f00b204e9800998ecf8427e", &BCRYPT[..32], "not a hash", "$2x$10$abc"] {
            assert!(!generic.verify(row, b"correct horse").unwrap(), "{row:?}");
            // ...the reason for a report.
            assert!(generic.check(row, b"correct horse").is_err(), "{row:?}");
        }
        // ZEN3MP never accepts md5 rows: false, and check says why.
        let zen = PasswordOptions::new(App::Zen3mp);
        assert!(!zen.verify("3cb4e732631f47e6eb961f34554b7cde", b"correct horse").unwrap());
        let why = zen.check("3cb4e732631f47e6eb961f34554b7cde", b"correct horse").unwrap_err();
        assert!(why.to_string().contains("not accepted"), "{why}");
    }

    #[test]
    fn salted_md5_needs_its_salts_and_legacylogin() {
        let hash = SALTED;
        let (s1, s2) = sample_salts();
        let ab = opts(json!({"app": "acmlmboard", "legacylogin": true})).unwrap();
        // Without the salts: a configuration problem, loudly.
        let err = ab.verify(hash, b"correct horse").unwrap_err();
        assert_eq!(err.code(), Code::LegacyUnusableHash);
        let ab = ab.with_salts(s1.clone(), s2.clone()).unwrap();
        let report = ab.check_report(hash, b"correct horse").unwrap();
        assert_eq!(
            report,
            CheckReport {
                matched: true,
                format: "md5_hex",
                scheme: Some("acmlm2_md5_salt2_pass_salt"),
                variant: Some("raw")
            }
        );
        assert!(ab.verify(hash, b"correct horse").unwrap());
        assert!(!ab.verify(hash, b"wrong password").unwrap());
        // legacylogin off: AB2 develop refuses md5 rows (false; check says why).
        let strict = opts(json!({"app": "acmlmboard"})).unwrap().with_salts(s1, s2).unwrap();
        assert!(!strict.verify(hash, b"correct horse").unwrap());
        assert!(strict.check(hash, b"correct horse").unwrap_err().to_string().contains("not accepted"));
    }

    #[test]
    fn generic_adds_salted_constructions_only_with_salts() {
        let (s1, s2) = sample_salts();
        assert_eq!(PasswordOptions::default().rules().md5, vec![Md5Construction::Plain]);
        let one = PasswordOptions::default().with_salts(s1.clone(), None).unwrap();
        assert_eq!(one.rules().md5, vec![Md5Construction::Plain, Md5Construction::PassSalt]);
        let both = PasswordOptions::default().with_salts(s1, s2).unwrap();
        assert_eq!(both.rules().md5.len(), 3);
        let chosen = opts(json!({"md5": ["salt2_pass_salt"]})).unwrap();
        assert_eq!(chosen.rules().md5, vec![Md5Construction::Salt2PassSalt]);
        assert!(!PasswordOptions::default().rules().addslashes);
    }

    #[test]
    fn identify_uses_the_contract_names() {
        assert_eq!(identify(BCRYPT).unwrap(), "bcrypt");
        assert_eq!(identify("3cb4e732631f47e6eb961f34554b7cde").unwrap(), "md5_hex");
        assert_eq!(identify("d41d8cd98f00b204e9800998ecf8427e").unwrap(), "md5_hex");
        assert_eq!(identify(PHPASS).unwrap(), "phpass");
        assert_eq!(identify(&PHPASS[..20]).unwrap_err().code(), Code::LegacyUnusableHash);
        assert_eq!(identify("nope").unwrap_err().code(), Code::LegacyUnknownHashFormat);
        let names: Vec<&str> = [
            HashFormat::Md5Hex,
            HashFormat::Phpass,
            HashFormat::Bcrypt,
            HashFormat::WpBcrypt,
            HashFormat::Pbkdf2Sha256,
        ]
        .into_iter()
        .map(identify_name)
        .collect();
        assert_eq!(names, ["md5_hex", "phpass", "bcrypt", "wp_bcrypt_sha384", "halext_pbkdf2_sha256"]);
    }

    #[test]
    fn rehash_follows_the_app() {
        let wp = PasswordOptions::new(App::Wordpress);
        assert!(wp.needs_rehash(BCRYPT), "WordPress 6.8 rewrites plain bcrypt as $wp$");
        let php = PasswordOptions::default();
        assert!(!php.needs_rehash(BCRYPT));
        assert!(php.needs_rehash("3cb4e732631f47e6eb961f34554b7cde"));
        assert!(opts(json!({"cost": 12})).unwrap().needs_rehash(BCRYPT));
        assert!(php.needs_rehash("garbage"));
    }
}
