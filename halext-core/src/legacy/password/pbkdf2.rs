//! Halext's own password format: passlib `pbkdf2_sha256`,
//! `$pbkdf2-sha256$<rounds>$<ab64 salt>$<ab64 digest>` (halext-api.md §1.6,
//! legacy-users.md §4). Not the PHC layout of the `pbkdf2` crate's `simple` feature, hence
//! this module's own codec ("ab64": standard base64 with `+` written as `.`, no padding).

use base64::Engine as _;
use base64::alphabet::Alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The identifier, with its surrounding `$`.
pub const PREFIX: &str = "$pbkdf2-sha256$";
/// Rounds Halext (passlib 1.7 default) writes today.
pub const HALEXT_ROUNDS: u32 = 29_000;
/// passlib's largest accepted salt, in bytes.
const MAX_SALT_BYTES: usize = 1024;

const AB64_ALPHABET: Alphabet =
    match Alphabet::new("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789./") {
        Ok(a) => a,
        Err(_) => panic!("the ab64 alphabet is 64 distinct printable ASCII characters"),
    };

/// passlib "adapted base64": standard alphabet with `.` for `+`, no padding. Decoding ignores
/// non-zero trailing bits, as Python's `binascii` does.
pub const AB64: GeneralPurpose = GeneralPurpose::new(
    &AB64_ALPHABET,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(true),
);

/// A parsed passlib pbkdf2-sha256 hash.
#[derive(Debug, Clone)]
pub(crate) struct Pbkdf2 {
    pub(crate) rounds: u32,
    salt: Vec<u8>,
    digest: [u8; 32],
}

/// Parses the value after checking its prefix; `Err` says what is malformed.
pub(crate) fn parse(stored: &str) -> Result<Pbkdf2, &'static str> {
    let rest = stored.strip_prefix(PREFIX).ok_or("missing $pbkdf2-sha256$ prefix")?;
    let mut parts = rest.split('$');
    let (Some(rounds), Some(salt), Some(digest), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("expected <rounds>$<salt>$<digest>");
    };
    if rounds.is_empty() || !rounds.bytes().all(|b| b.is_ascii_digit()) || rounds.starts_with('0') {
        return Err("rounds is not a positive decimal number without leading zeros");
    }
    let rounds: u32 = rounds.parse().map_err(|_| "rounds above 2^32-1")?;
    let salt = AB64.decode(salt).map_err(|_| "salt is not ab64")?;
    if salt.len() > MAX_SALT_BYTES {
        return Err("salt longer than 1024 bytes");
    }
    let mut out = [0u8; 32];
    match AB64.decode_slice(digest, &mut out) {
        Ok(32) => {}
        _ => return Err("digest is not 32 bytes of ab64"),
    }
    Ok(Pbkdf2 { rounds, salt, digest: out })
}

/// PBKDF2-HMAC-SHA256 over the password bytes, compared in constant time. The caller
/// enforces the rounds cap first.
pub(crate) fn check(hash: &Pbkdf2, password: &[u8]) -> bool {
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password, &hash.salt, hash.rounds, &mut out[..]);
    bool::from(out.ct_eq(&hash.digest))
}

/// Hashes `password` the way Halext does: 16 random bytes of salt (from the OS), `rounds`
/// rounds (use [`HALEXT_ROUNDS`]), 32-byte digest, passlib's string format. Halext verifies
/// such hashes with any round count (halext-api.md §1.6).
///
/// # Errors
/// `rand::rngs::OsRng`'s error when the OS has no randomness to give; `rounds == 0` is
/// refused as `InvalidInput`.
pub fn hash(password: &[u8], rounds: u32) -> std::io::Result<String> {
    use rand::TryRngCore as _;
    if rounds == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "pbkdf2 rounds must be at least 1",
        ));
    }
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.try_fill_bytes(&mut salt).map_err(std::io::Error::other)?;
    Ok(hash_with_salt(password, rounds, &salt))
}

/// [`hash`] with a given salt (tests and reproducible fixtures).
pub fn hash_with_salt(password: &[u8], rounds: u32, salt: &[u8]) -> String {
    let mut out = zeroize::Zeroizing::new([0u8; 32]);
    pbkdf2::pbkdf2_hmac::<Sha256>(password, salt, rounds, &mut out[..]);
    format!("{PREFIX}{rounds}${}${}", AB64.encode(salt), AB64.encode(&out[..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const V31: &str =
        "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4";

    #[test]
    fn ab64_round_trips_and_uses_dot_for_plus() {
        let bytes = [0xfbu8, 0xef, 0xff];
        assert_eq!(AB64.encode(bytes), "..//");
        assert_eq!(AB64.decode("..//").ok().as_deref(), Some(&bytes[..]));
        assert!(AB64.decode("++//").is_err(), "+ is not ab64");
        assert!(AB64.decode("AA==").is_err(), "no padding in ab64");
    }

    #[test]
    fn parses_and_re_encodes_passlib_output() {
        let h = parse(V31).expect("parse");
        assert_eq!(h.rounds, 29000);
        assert_eq!(hash_with_salt(b"correct horse", 29000, &h.salt), V31);
        assert!(check(&h, b"correct horse"));
        assert!(!check(&h, b"correct horse "));
    }

    #[test]
    fn generated_hashes_verify_and_differ() {
        let a = hash(b"pw", 1000).expect("hash");
        let b = hash(b"pw", 1000).expect("hash");
        assert_ne!(a, b, "random salts");
        assert!(check(&parse(&a).expect("parse"), b"pw"));
        assert_eq!(a.len(), PREFIX.len() + 4 + 1 + 22 + 1 + 43);
        assert!(hash(b"pw", 0).is_err());
    }

    #[test]
    fn malformed_values_never_panic() {
        for bad in [
            "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg",
            "$pbkdf2-sha256$029000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4",
            "$pbkdf2-sha256$-1$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4",
            "$pbkdf2-sha256$99999999999$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4",
            "$pbkdf2-sha256$29000$u1eq+TbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4",
            "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd",
            "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4AAAA",
            "$pbkdf2-sha256$29000$u1eqtTbmfO/9PwegVKpVCg$C3qq.BwiYD6uhGOc0Mng1mNd/hVa6ahY1O/ydC3qCO4$x",
            "$pbkdf2-sha256$$$",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
