//! Password rules by app name, for tools that check one hash without a site configuration:
//! `halext hash verify --app …` and PHP's `Halext\Password::verify($pw, $hash, ['app' => …])`.
//! A configured site uses [`crate::legacy::source::password_rules`] instead (its variant,
//! `legacylogin` and md5 constructions).

use super::{HashFormat, Md5Construction, Md5Salts, PasswordRules};

/// The app names [`PasswordRules::for_app`] knows, in the order help texts list them.
pub const APPS: &[&str] = &["generic", "acmlmboard", "wordpress", "zen3mp", "halext"];

impl PasswordRules {
    /// Any supported format (md5, phpass, bcrypt, WordPress `$wp$`, Halext pbkdf2-sha256); md5
    /// rows as plain `md5(pw)`, plus Acmlmboard's salted constructions only for the salts given
    /// (`md5(pw ‖ $pwdsalt)`, then `md5($pwdsalt2 ‖ pw ‖ $pwdsalt)` when both are);
    /// the password exactly as typed, at most 4096 bytes (longer never matches). PHP's
    /// `Halext\Password` app `generic`; [`PasswordRules::for_app`]`("generic")` adds every
    /// input form.
    pub fn generic(salts: Md5Salts) -> PasswordRules {
        let mut md5 = vec![Md5Construction::Plain];
        if salts.pwdsalt.is_some() {
            md5.push(Md5Construction::PassSalt);
            if salts.pwdsalt2.is_some() {
                md5.push(Md5Construction::Salt2PassSalt);
            }
        }
        PasswordRules {
            accept: vec![
                HashFormat::Md5Hex,
                HashFormat::Phpass,
                HashFormat::Bcrypt,
                HashFormat::WpBcrypt,
                HashFormat::Pbkdf2Sha256,
            ],
            md5,
            salts,
            max_password_bytes: Some(4096),
            ..PasswordRules::zen3mp()
        }
    }

    /// The rules for checking a hash of the named app outside any site configuration:
    ///
    /// * `"acmlmboard"`: every Acmlmboard era at once (legacy-users.md §1.4): bcrypt, and md5
    ///   rows as `md5($pwdsalt2 ‖ pw ‖ $pwdsalt)` (2014–2019, rasmusolle), `md5(pw ‖ $pwdsalt)`
    ///   (2011–2014) and plain `md5(pw)` (AB 1.x, 2011), with the `addslashes()` and
    ///   windows-1252 forms. Without salts, a salted row that the plain form does not match is
    ///   [`super::UnusableReason::MissingSalts`], not a mismatch;
    /// * `"wordpress"`, `"zen3mp"`, `"halext"`: [`PasswordRules::wordpress`],
    ///   [`PasswordRules::zen3mp`], [`PasswordRules::halext`];
    /// * `"generic"`: any format, every input form; md5 as plain, plus the salted
    ///   constructions only for the salts given.
    ///
    /// Returns `None` for another name (see [`APPS`]).
    pub fn for_app(app: &str, salts: Md5Salts) -> Option<PasswordRules> {
        let rules = match app {
            "acmlmboard" => PasswordRules {
                md5: vec![Md5Construction::Salt2PassSalt, Md5Construction::PassSalt, Md5Construction::Plain],
                ..PasswordRules::acmlmboard2_md5(salts)
            },
            "wordpress" => PasswordRules::wordpress(),
            "zen3mp" => PasswordRules::zen3mp(),
            "halext" => PasswordRules::halext(),
            "generic" => PasswordRules {
                addslashes: true,
                windows1252_md5: true,
                max_password_bytes: None,
                ..PasswordRules::generic(salts)
            },
            _ => return None,
        };
        Some(rules)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::legacy::password::{Scheme, verify_login};

    fn salts() -> Md5Salts {
        Md5Salts {
            pwdsalt: Some(Secret::from("Please change me!")),
            pwdsalt2: Some(Secret::from("Addtional Salt. Please Change me!")),
        }
    }

    #[test]
    fn every_listed_app_has_rules_and_others_do_not() {
        for app in APPS {
            assert!(PasswordRules::for_app(app, Md5Salts::default()).is_some(), "{app}");
        }
        assert!(PasswordRules::for_app("phpbb", Md5Salts::default()).is_none());
    }

    #[test]
    fn acmlmboard_tries_every_era_and_reports_missing_salts() {
        // Fixture bob: md5(pwdsalt2 . "correct horse" . pwdsalt) with the sample salts.
        let bob = "9b70ca48433e0b776f24c75557817c1b";
        let rules = PasswordRules::for_app("acmlmboard", salts()).expect("rules");
        let m = verify_login(Some(bob), b"correct horse", &rules).expect("verifies").expect("match");
        assert_eq!(m.scheme, Scheme::Md5Salt2PassSalt);
        let plain = "3cb4e732631f47e6eb961f34554b7cde"; // md5("correct horse")
        let m = verify_login(Some(plain), b"correct horse", &rules).expect("ok").expect("match");
        assert_eq!(m.scheme, Scheme::Md5);
        let unsalted = PasswordRules::for_app("acmlmboard", Md5Salts::default()).expect("rules");
        assert!(verify_login(Some(bob), b"correct horse", &unsalted).is_err());
    }

    #[test]
    fn generic_uses_only_the_salted_constructions_it_can_compute() {
        let rules = PasswordRules::for_app("generic", Md5Salts::default()).expect("rules");
        assert_eq!(rules.md5, vec![Md5Construction::Plain]);
        let bob = "9b70ca48433e0b776f24c75557817c1b";
        assert_eq!(verify_login(Some(bob), b"correct horse", &rules).expect("no salts needed"), None);
        let salted = PasswordRules::for_app("generic", salts()).expect("rules");
        assert!(verify_login(Some(bob), b"correct horse", &salted).expect("ok").is_some());
    }
}
