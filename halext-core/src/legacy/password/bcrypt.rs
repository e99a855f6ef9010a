//! PHP `password_verify()` bcrypt (`$2y$`, `$2a$`, `$2b$`) with PHP's input semantics, and
//! WordPress 6.8's `$wp$` pre-hashed bcrypt (legacy-users.md §1.4, §2.3, §3.2).
//!
//! ## The 72-byte policy
//! PHP's crypt_blowfish reads the password as a C string and uses at most its first 72 bytes,
//! silently. Legacy rows were made that way and their owners log in that way, so this module
//! does the same: bytes after the 72nd (or after a NUL byte) do not count (vector 15 verifies).
//! The `bcrypt` crate's `verify` truncates identically; its `non_truncating_verify` would lock
//! such users out. `$wp$` hashes do not have the limit: the HMAC-SHA384 pre-hash covers the
//! whole password (up to WordPress's 4096-byte cap) and bcrypt then sees 64 base64 bytes, so a
//! 72-byte prefix of a longer password does not verify (vector 27).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::Sha384;

/// The bcrypt alphabet (`./A-Za-z0-9`).
fn is_bcrypt_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'/'
}

/// A parsed, structurally valid bcrypt hash (`$2a$`, `$2b$` or `$2y$`, 60 characters).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bcrypt<'a> {
    pub(crate) cost: u32,
    pub(crate) hash: &'a str,
}

/// Why a bcrypt-looking value cannot be used.
#[derive(Debug)]
pub(crate) enum BcryptShape {
    /// Shorter than 60 characters: cut by a narrow column (AB2's `pass varchar(32)`).
    Truncated,
    /// Malformed, with a reason.
    Malformed(&'static str),
}

/// Parses a `$2?$NN$` + 53 characters value.
pub(crate) fn parse(stored: &str) -> Result<Bcrypt<'_>, BcryptShape> {
    let b = stored.as_bytes();
    if b.len() < 60 {
        return Err(BcryptShape::Truncated);
    }
    if b.len() > 60 {
        return Err(BcryptShape::Malformed("longer than 60 characters"));
    }
    if b[0] != b'$' || b[1] != b'2' || b[3] != b'$' || b[6] != b'$' {
        return Err(BcryptShape::Malformed("not $2?$NN$"));
    }
    match b[2] {
        b'a' | b'b' | b'y' => {}
        b'x' => {
            return Err(BcryptShape::Malformed("$2x$ (crypt_blowfish bug-compatible mode) is not supported"));
        }
        _ => return Err(BcryptShape::Malformed("unknown bcrypt minor version")),
    }
    if !b[4].is_ascii_digit() || !b[5].is_ascii_digit() {
        return Err(BcryptShape::Malformed("cost is not two digits"));
    }
    let cost = u32::from(b[4] - b'0') * 10 + u32::from(b[5] - b'0');
    if !(4..=31).contains(&cost) {
        return Err(BcryptShape::Malformed("cost outside 04..31"));
    }
    if !b[7..].iter().all(|&c| is_bcrypt_char(c)) {
        return Err(BcryptShape::Malformed("salt or digest outside the bcrypt alphabet"));
    }
    Ok(Bcrypt { cost, hash: stored })
}

/// PHP `password_verify()` for a bcrypt hash: the password as a C string (up to the first
/// NUL), first 72 bytes. Constant-time digest comparison (inside the `bcrypt` crate, `subtle`).
///
/// `None` when the `bcrypt` crate refuses the value (non-canonical base64 in the salt).
pub(crate) fn check(hash: &Bcrypt<'_>, password: &[u8]) -> Option<bool> {
    let c_string = password.iter().position(|&b| b == 0).map_or(password, |nul| &password[..nul]);
    let used = &c_string[..c_string.len().min(72)];
    bcrypt::verify(used, hash.hash).ok()
}

/// WordPress 6.8 pre-hash: `base64(HMAC-SHA384(key = "wp-sha384", password))`, 64 ASCII bytes
/// (`wp_hash_password()` / `wp_check_password()` in `wp-includes/pluggable.php`).
pub(crate) fn wp_prehash(password: &[u8]) -> [u8; 64] {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = match <Hmac<Sha384> as Mac>::new_from_slice(b"wp-sha384") {
        Ok(m) => m,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    };
    mac.update(password);
    let digest = mac.finalize().into_bytes();
    let mut out = [0u8; 64];
    // 48 bytes encode to exactly 64 characters.
    let written = base64::engine::general_purpose::STANDARD.encode_slice(digest, &mut out);
    debug_assert_eq!(written.ok(), Some(64));
    out
}

/// `wp_check_password()` for `$wp` values: the pre-hash of the password **as given** (not
/// trimmed), then `password_verify()` against the value without its first three characters.
pub(crate) fn check_wp(hash: &Bcrypt<'_>, password: &[u8]) -> Option<bool> {
    let pre = zeroize::Zeroizing::new(wp_prehash(password));
    bcrypt::verify(&pre[..], hash.hash).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const H11: &str = "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG";

    #[test]
    fn parses_costs_and_versions() {
        assert_eq!(parse(H11).map(|b| b.cost).ok(), Some(10));
        for v in ["$2a$", "$2b$"] {
            let h = format!("{v}{}", &H11[4..]);
            assert!(parse(&h).is_ok(), "{v}");
        }
    }

    #[test]
    fn malformed_values_never_panic() {
        let cases = [
            "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ".to_owned(), // 32: truncated
            "$2y$99$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG".to_owned(),
            "$2y$03$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG".to_owned(),
            "$2y$+1$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG".to_owned(),
            "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2R!".to_owned(),
            "$2y$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2R\u{e9}".to_owned(),
            "$2x$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG".to_owned(),
            "$2q$10$ubv0ZGwKmkYIy1RyyFdZDOIPQ7Kz0MB2jZzotXsyjSb.i9xj8P2RG".to_owned(),
            format!("{H11}X"),
        ];
        for c in &cases {
            assert!(parse(c).is_err(), "{c}");
        }
        assert!(matches!(parse(&cases[0]), Err(BcryptShape::Truncated)));
    }

    #[test]
    fn php_c_string_and_72_byte_semantics() {
        let h = parse(H11).expect("parse");
        assert_eq!(check(&h, b"correct horse"), Some(true));
        // Bytes after a NUL are ignored, as PHP's crypt() reads a C string.
        assert_eq!(check(&h, b"correct horse\0anything"), Some(true));
        assert_eq!(check(&h, b"correct hors"), Some(false));
    }

    #[test]
    fn wp_prehash_is_base64_of_hmac_sha384() {
        // python3 -c "import hmac,hashlib,base64;print(base64.b64encode(hmac.new(b'wp-sha384',
        //   b'correct horse',hashlib.sha384).digest()).decode())"
        let pre = wp_prehash(b"correct horse");
        assert_eq!(&pre[..], b"iyBH75fzLT2U6HINiIugTDa560xXZVCknyWH3hO2FoF2OCUm4PI014GDz4jYWTf1");
        assert_ne!(wp_prehash(b"correct horse"), wp_prehash(b"correct horse "));
    }
}
