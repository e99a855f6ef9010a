//! phpass "portable" hashes, `$P$` (WordPress 2.5–6.7) and `$H$` (phpBB and pre-6.8 WordPress
//! checks): legacy-users.md §2.3.
//!
//! `setting` = `$P$` + one count character + 8 salt characters. With `n` the position of the
//! count character in [`ITOA64`] (7 ≤ n ≤ 30): `h = md5(salt ‖ pw)`, then `2^n` times
//! `h = md5(h ‖ pw)`; the stored value is `setting` followed by phpass's own little-endian
//! base64 of the 16 bytes (22 characters), 34 characters in all.

use md5::{Digest, Md5};
use subtle::ConstantTimeEq;

/// phpass's base64 alphabet (also crypt(3)'s): `./0-9A-Za-z`.
pub const ITOA64: &[u8; 64] = b"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A parsed phpass portable hash.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Phpass<'a> {
    /// log2 of the iteration count.
    pub(crate) log2_rounds: u32,
    /// The whole stored value (34 ASCII bytes).
    pub(crate) stored: &'a str,
}

/// Parses `$P$`/`$H$` values; `Err` carries what is malformed.
pub(crate) fn parse(stored: &str) -> Result<Phpass<'_>, &'static str> {
    let b = stored.as_bytes();
    if b.len() != 34 {
        return Err("length is not 34");
    }
    if !b.is_ascii() {
        return Err("non-ASCII characters");
    }
    let log2 = ITOA64.iter().position(|&c| c == b[3]).ok_or("bad count character")?;
    if !(7..=30).contains(&log2) {
        return Err("count outside 2^7..2^30");
    }
    Ok(Phpass { log2_rounds: log2 as u32, stored })
}

/// phpass `encode64` of a 16-byte digest: 22 characters.
fn encode64(input: &[u8; 16]) -> [u8; 22] {
    let mut out = [0u8; 22];
    let mut o = 0;
    let mut i = 0;
    let count = input.len();
    let mut put = |v: u32, out: &mut [u8; 22]| {
        out[o] = ITOA64[(v & 0x3f) as usize];
        o += 1;
    };
    loop {
        let mut value = u32::from(input[i]);
        i += 1;
        put(value, &mut out);
        if i < count {
            value |= u32::from(input[i]) << 8;
        }
        put(value >> 6, &mut out);
        if i >= count {
            break;
        }
        i += 1;
        if i < count {
            value |= u32::from(input[i]) << 16;
        }
        put(value >> 12, &mut out);
        if i >= count {
            break;
        }
        i += 1;
        put(value >> 18, &mut out);
        if i >= count {
            break;
        }
    }
    out
}

/// Checks `password` against a parsed hash in constant time (the caller enforces the
/// work-factor cap first).
pub(crate) fn check(hash: &Phpass<'_>, password: &[u8]) -> bool {
    let stored = hash.stored.as_bytes();
    let salt = &stored[4..12];
    let mut h: [u8; 16] = Md5::new().chain_update(salt).chain_update(password).finalize().into();
    for _ in 0..(1u64 << hash.log2_rounds) {
        h = Md5::new().chain_update(h).chain_update(password).finalize().into();
    }
    let encoded = encode64(&h);
    bool::from(stored[12..].ct_eq(&encoded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phpass_own_test_vector() {
        // From phpass's test program, quoted in legacy-users.md §2.3.
        let h = parse("$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0").expect("parse");
        assert_eq!(h.log2_rounds, 11);
        assert!(check(&h, b"test12345"));
        assert!(!check(&h, b"test12346"));
    }

    #[test]
    fn malformed_values_are_refused() {
        assert!(parse("$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZh").is_err()); // 33 chars
        assert!(parse("$P$!0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.").is_err()); // bad count char
        assert!(parse("$P$40B2brcWLT4G2wJQee6vZ0Vk2L3SZh.").is_err()); // count 2^6
        assert!(parse("$P$z0B2brcWLT4G2wJQee6vZ0Vk2L3SZh.").is_err()); // count 2^63
        assert!(parse("$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZ\u{e9}").is_err()); // non-ASCII
    }

    #[test]
    fn garbage_tail_never_matches() {
        let h = parse("$P$B0B2brcWLT4G2wJQee6vZ0Vk2L3SZ!!").expect("parse");
        assert!(!check(&h, b"correct horse"));
    }
}
