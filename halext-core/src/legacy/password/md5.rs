//! Unsalted and Acmlmboard-salted md5 hex digests (legacy-users.md §1.4, §2.3).

use md5::{Digest, Md5};
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::Secret;

/// How a 32-hex md5 row was computed. Which ones a site tries is part of its
/// [`super::PasswordRules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Md5Construction {
    /// `md5(password)`: AB 1.x, AB2 2011-08..2011-12 (`10d3462`), WordPress ≤ 2.4.
    Plain,
    /// `md5(password ‖ $pwdsalt)`: AB2 2011-12 (`dffcfe9`) .. 2014-02.
    PassSalt,
    /// `md5($pwdsalt2 ‖ password ‖ $pwdsalt)`: AB2 2014-02 (`0620d3b`) .. 2019-01, AB2 2.5.4
    /// `master`, the rasmusolle fork, and AB2's `legacylogin` fallback after 2019.
    Salt2PassSalt,
}

/// The board's site-wide salts from its `lib/config.php` (`$pwdsalt`, `$pwdsalt2`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Md5Salts {
    /// `$pwdsalt`.
    pub pwdsalt: Option<Secret>,
    /// `$pwdsalt2`.
    pub pwdsalt2: Option<Secret>,
}

/// The value `md5("")`: a row holding it has no usable password.
pub const EMPTY_MD5: [u8; 16] =
    [0xd4, 0x1d, 0x8c, 0xd9, 0x8f, 0x00, 0xb2, 0x04, 0xe9, 0x80, 0x09, 0x98, 0xec, 0xf8, 0x42, 0x7e];

/// Parses a 32-character hex md5 (either case: the apps compared in SQL under a
/// case-insensitive collation or with PHP `==`) into its 16 bytes.
pub(crate) fn parse_hex(stored: &str) -> Option<[u8; 16]> {
    let mut out = [0u8; 16];
    hex::decode_to_slice(stored, &mut out).ok()?;
    Some(out)
}

/// Outcome of one md5 attempt.
pub(crate) enum Md5Try {
    Match,
    NoMatch,
    /// The construction needs salts that are not configured.
    NeedsSalts,
}

/// Computes `construction` over `password` and compares it with `expected` in constant time.
pub(crate) fn check(
    construction: Md5Construction,
    salts: &Md5Salts,
    password: &[u8],
    expected: &[u8; 16],
) -> Md5Try {
    let mut h = Md5::new();
    match construction {
        Md5Construction::Plain => h.update(password),
        Md5Construction::PassSalt => {
            let Some(salt) = &salts.pwdsalt else { return Md5Try::NeedsSalts };
            h.update(password);
            h.update(salt.expose());
        }
        Md5Construction::Salt2PassSalt => {
            let (Some(salt), Some(salt2)) = (&salts.pwdsalt, &salts.pwdsalt2) else {
                return Md5Try::NeedsSalts;
            };
            h.update(salt2.expose());
            h.update(password);
            h.update(salt.expose());
        }
    }
    let digest = h.finalize();
    if bool::from(digest.as_slice().ct_eq(expected)) { Md5Try::Match } else { Md5Try::NoMatch }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_md5_constant_is_md5_of_nothing() {
        assert_eq!(Md5::digest(b"").as_slice(), &EMPTY_MD5);
        assert_eq!(parse_hex("D41D8CD98F00B204E9800998ECF8427E"), Some(EMPTY_MD5));
    }

    #[test]
    fn parse_hex_rejects_bad_shapes() {
        assert!(parse_hex("3cb4e732631f47e6eb961f34554b7cd").is_none());
        assert!(parse_hex("3cb4e732631f47e6eb961f34554b7cdz").is_none());
        assert!(parse_hex("3cb4e732631f47e6eb961f34554b7cde0").is_none());
        assert!(parse_hex("").is_none());
    }

    #[test]
    fn salted_constructions_need_their_salts() {
        let none = Md5Salts::default();
        let d = parse_hex("62ab6f520187377afe153a03fc5a7dac").expect("hex");
        assert!(matches!(check(Md5Construction::PassSalt, &none, b"correct horse", &d), Md5Try::NeedsSalts));
        let only1 = Md5Salts { pwdsalt: Some(Secret::from("Please change me!")), pwdsalt2: None };
        assert!(matches!(check(Md5Construction::PassSalt, &only1, b"correct horse", &d), Md5Try::Match));
        assert!(matches!(check(Md5Construction::PassSalt, &only1, b"correct horsE", &d), Md5Try::NoMatch));
        assert!(matches!(
            check(Md5Construction::Salt2PassSalt, &only1, b"correct horse", &d),
            Md5Try::NeedsSalts
        ));
    }
}
