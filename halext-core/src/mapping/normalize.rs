//! The identity rules: email normalisation, the Halext username rule, and the
//! case-insensitive key under which two usernames are "the same name to a human".
//!
//! These functions are pure and shared by the planner, login-time migration and gated
//! registration, so every path derives the same names. They are documented for operators in
//! `docs/migration.md` ("Rules").

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Shortest Halext username the rule accepts, in characters (ZEN3MP allows 2-byte names).
pub const USERNAME_MIN_CHARS: usize = 2;
/// Longest Halext username the rule produces, in characters. Leaves room in the 64-character
/// `halext_user_map.halext_username` column for a collision suffix.
pub const USERNAME_MAX_CHARS: usize = 48;
/// Longest email address kept, in bytes (RFC 5321 §4.5.3.1.3 path limit is 256 octets).
pub const EMAIL_MAX_BYTES: usize = 254;
/// The reserved domain (RFC 2606 `.invalid` TLD) of placeholder addresses given to accounts
/// without a usable email, e.g. `acmlm-3@noemail.invalid`.
pub const PLACEHOLDER_EMAIL_DOMAIN: &str = "noemail.invalid";

/// Characters never allowed in a Halext username, besides control, whitespace and invisible
/// (format) characters:
///
/// * `/ ? # %` and `\` would change the meaning of URL paths such as
///   `/users/{username}/presence` (Halext API §2.4);
/// * `@` would let a username look like (and, since Halext's `/token` tries the username
///   before the email, shadow) someone else's email address;
/// * `" ' < > `` ` are HTML/quoting metacharacters that apps would have to escape.
pub const USERNAME_FORBIDDEN: &[char] = &['/', '?', '#', '%', '\\', '@', '"', '\'', '<', '>', '`'];

/// Normalises an email address for merging and for Halext's unique `email` column.
///
/// Rule: trim surrounding whitespace (Unicode `White_Space`), Unicode NFC, then lower-case the
/// whole address (local part included: all three legacy apps compare emails
/// case-insensitively through their collations, although RFC 5321 §2.4 allows a
/// case-sensitive local part). Nothing else: dots and `+tags` are kept
/// (`alice+zen@example.com` stays a different address).
///
/// Returns `None` (no usable email) when the result is empty, longer than
/// [`EMAIL_MAX_BYTES`], contains whitespace or a control character, or is not exactly one
/// `@` with a non-empty part on each side.
pub fn normalize_email(raw: &str) -> Option<String> {
    let t = raw.trim();
    if t.is_empty() || t.len() > EMAIL_MAX_BYTES {
        return None;
    }
    let lowered = if t.is_ascii() { t.to_ascii_lowercase() } else { nfc(t).to_lowercase() };
    let (local, domain) = lowered.split_once('@')?;
    if local.is_empty() || domain.is_empty() || domain.contains('@') {
        return None;
    }
    if lowered.chars().any(|c| c.is_whitespace() || c.is_control() || is_invisible(c)) {
        return None;
    }
    Some(lowered)
}

/// The placeholder address for an account without a usable email:
/// `{site}-{legacy_id}@noemail.invalid`, the site name reduced to `[a-z0-9-]`.
///
/// `.invalid` is reserved by RFC 2606 §2: it can never receive mail or belong to anyone, so
/// the placeholder cannot collide with a real address or be claimed by an attacker.
pub fn placeholder_email(site: &str, legacy_id: u64) -> String {
    let mut s: String =
        site.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if s.is_empty() {
        s.push_str("site");
    }
    format!("{s}-{legacy_id}@{PLACEHOLDER_EMAIL_DOMAIN}")
}

/// How [`derive_username`] produced a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Derivation {
    /// The legacy login, trimmed and in NFC, already satisfied the rule.
    AsIs,
    /// Forbidden characters were replaced with `_` (and/or the name was shortened).
    Slugged,
    /// Nothing usable was left; the name is the fallback `{site}_{legacy_id}`.
    Fallback,
}

/// Whether `name` satisfies the Halext username rule (see [`derive_username`]).
///
/// # Errors
/// A human reason when it does not (e.g. `"contains '/'"`).
pub fn check_username(name: &str) -> Result<(), String> {
    let n = name.chars().count();
    if !(USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&n) {
        return Err(format!("must be {USERNAME_MIN_CHARS} to {USERNAME_MAX_CHARS} characters long"));
    }
    if name.trim() != name {
        return Err("has surrounding whitespace".into());
    }
    if !matches!(is_nfc_quick(name.chars()), IsNormalized::Yes) && nfc(name) != name {
        return Err("is not in Unicode NFC".into());
    }
    if name.chars().all(|c| c == '.') {
        return Err("consists only of dots".into());
    }
    if let Some(c) = name.chars().find(|&c| !username_char_ok(c)) {
        return Err(if c.is_control() || c.is_whitespace() || is_invisible(c) {
            format!("contains the character U+{:04X}", c as u32)
        } else {
            format!("contains {c:?}")
        });
    }
    Ok(())
}

/// Derives the Halext username for a legacy login name.
///
/// The rule (documented in `docs/migration.md`):
/// 1. trim surrounding whitespace and convert to Unicode NFC; Unicode letters are kept
///    (Halext compares usernames byte-exactly, and they are valid in URL paths once
///    percent-encoded);
/// 2. every run of forbidden characters (control, whitespace, invisible/bidi format
///    characters, and [`USERNAME_FORBIDDEN`]) becomes one `_`, and `_` at either end is
///    dropped;
/// 3. the name is cut to [`USERNAME_MAX_CHARS`] characters;
/// 4. if fewer than [`USERNAME_MIN_CHARS`] characters remain, or only dots, the name is
///    `{site}_{legacy_id}` (site reduced to `[A-Za-z0-9_-]`).
pub fn derive_username(login: &str, site: &str, legacy_id: u64) -> (String, Derivation) {
    let t = login.trim();
    let t = nfc(t);
    let clean = t.chars().all(username_char_ok);
    let count = t.chars().count();
    if clean && (USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&count) && !t.chars().all(|c| c == '.') {
        return (t.into_owned(), Derivation::AsIs);
    }
    let mut out = String::with_capacity(t.len());
    let mut chars = 0usize;
    let mut pending_sep = false;
    for c in t.chars() {
        if username_char_ok(c) && c != '_' {
            if pending_sep && !out.is_empty() {
                if chars + 1 >= USERNAME_MAX_CHARS {
                    break;
                }
                out.push('_');
                chars += 1;
            }
            pending_sep = false;
            if chars >= USERNAME_MAX_CHARS {
                break;
            }
            out.push(c);
            chars += 1;
        } else {
            pending_sep = true;
        }
    }
    if chars < USERNAME_MIN_CHARS || out.chars().all(|c| c == '.') {
        let site_part: String =
            site.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').take(24).collect();
        let site_part = if site_part.is_empty() { "user".to_owned() } else { site_part };
        return (format!("{site_part}_{legacy_id}"), Derivation::Fallback);
    }
    (out, Derivation::Slugged)
}

/// `name` with a collision suffix: `{name}_{n}`, the name shortened (at a character
/// boundary) so the result stays within [`USERNAME_MAX_CHARS`].
pub fn suffixed_username(name: &str, n: u32) -> String {
    let suffix = format!("_{n}");
    let keep = USERNAME_MAX_CHARS.saturating_sub(suffix.len());
    let mut out: String = name.chars().take(keep).collect();
    while out.ends_with('_') {
        out.pop();
    }
    out.push_str(&suffix);
    out
}

/// Whether an ASCII login already satisfies the username rule as it is (the planner's fast
/// path; same answer as `derive_username(login, ..).1 == Derivation::AsIs` for ASCII input).
pub(crate) fn ascii_username_as_is(login: &str) -> bool {
    let b = login.as_bytes();
    (USERNAME_MIN_CHARS..=USERNAME_MAX_CHARS).contains(&b.len())
        && b.iter().all(|&c| c.is_ascii_graphic() && !USERNAME_FORBIDDEN.contains(&(c as char)))
        && !b.iter().all(|&c| c == b'.')
}

/// Whether trimmed ASCII `t` is a usable email as far as [`normalize_email`] is concerned
/// (the planner's fast path: then the normalised form is `t` lower-cased).
pub(crate) fn ascii_email_ok(t: &str) -> bool {
    let b = t.as_bytes();
    if b.is_empty() || b.len() > EMAIL_MAX_BYTES || !b.iter().all(u8::is_ascii_graphic) {
        return false;
    }
    match b.iter().position(|&c| c == b'@') {
        Some(at) => at > 0 && at + 1 < b.len() && !b[at + 1..].contains(&b'@'),
        None => false,
    }
}

/// [`username_key`] without allocating when the name is already its own key (lower-case
/// ASCII).
pub(crate) fn username_key_cow(name: &str) -> Cow<'_, str> {
    if name.is_ascii() && !name.bytes().any(|c| c.is_ascii_uppercase()) {
        Cow::Borrowed(name)
    } else {
        Cow::Owned(username_key(name))
    }
}

/// The key under which two usernames are the same name to a human: NFC, then Unicode
/// lower-case (`Alice`, `alice` and `ALICE` share the key `alice`; `Jürgen` and `jurgen` do
/// not: accents are kept). Stored as `halext_user_map.halext_username_key`.
pub fn username_key(name: &str) -> String {
    if name.is_ascii() { name.to_ascii_lowercase() } else { nfc(name).to_lowercase() }
}

fn nfc(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || matches!(is_nfc_quick(s.chars()), IsNormalized::Yes) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

fn username_char_ok(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_graphic() && !USERNAME_FORBIDDEN.contains(&c);
    }
    !(c.is_control() || c.is_whitespace() || is_invisible(c))
}

/// Invisible and bidirectional format characters (Unicode category Cf in the ranges that
/// matter for spoofing): soft hyphen, zero-width space/joiners, LRM/RLM, bidi embeddings and
/// overrides and isolates, word joiner and invisible operators, BOM, interlinear annotation
/// marks, plus variation selectors... kept short on purpose: the list of code points that
/// render as nothing or reorder text.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased_only() {
        assert_eq!(normalize_email("  Alice@Example.com ").as_deref(), Some("alice@example.com"));
        assert_eq!(normalize_email("ALICE@example.COM").as_deref(), Some("alice@example.com"));
        assert_eq!(normalize_email("alice+zen@example.com").as_deref(), Some("alice+zen@example.com"));
        assert_eq!(normalize_email("JÜRGEN@Example.de").as_deref(), Some("jürgen@example.de"));
        // decomposed ü (u + U+0308) becomes the composed form
        assert_eq!(normalize_email("ju\u{308}rgen@x.de").as_deref(), Some("jürgen@x.de"));
        for bad in ["", "   ", "no-at-sign", "@x.de", "a@", "a@b@c", "a b@c.d", "a\u{200B}@c.d"] {
            assert_eq!(normalize_email(bad), None, "{bad:?}");
        }
        assert_eq!(normalize_email(&format!("{}@x.de", "a".repeat(260))), None);
    }

    #[test]
    fn placeholders_use_the_invalid_tld() {
        assert_eq!(placeholder_email("acmlm", 3), "acmlm-3@noemail.invalid");
        assert_eq!(placeholder_email("My Site!", 7), "my-site--7@noemail.invalid");
        assert!(normalize_email(&placeholder_email("x", 1)).is_some());
    }

    #[test]
    fn usernames_keep_unicode_and_slug_the_rest() {
        assert_eq!(derive_username("Alice", "a", 1), ("Alice".into(), Derivation::AsIs));
        assert_eq!(derive_username(" Jürgen ", "a", 3), ("Jürgen".into(), Derivation::AsIs));
        assert_eq!(derive_username("Ju\u{308}rgen", "a", 3), ("Jürgen".into(), Derivation::AsIs));
        assert_eq!(derive_username("Bobby Tables", "a", 2), ("Bobby_Tables".into(), Derivation::Slugged));
        assert_eq!(derive_username("a/b?c#d%e", "a", 2), ("a_b_c_d_e".into(), Derivation::Slugged));
        assert_eq!(derive_username("al\u{202E}ice", "a", 2), ("al_ice".into(), Derivation::Slugged));
        assert_eq!(derive_username("x@y.z", "a", 2), ("x_y.z".into(), Derivation::Slugged));
        assert_eq!(derive_username("//", "acmlm", 9), ("acmlm_9".into(), Derivation::Fallback));
        assert_eq!(derive_username("..", "wp site", 4), ("wpsite_4".into(), Derivation::Fallback));
        assert_eq!(derive_username("x", "s", 4), ("s_4".into(), Derivation::Fallback));
        let long = "é".repeat(80);
        let (d, how) = derive_username(&long, "s", 1);
        assert_eq!((d.chars().count(), how), (USERNAME_MAX_CHARS, Derivation::Slugged));
        for name in ["Alice", "Jürgen", "Bobby_Tables", "acmlm_9", &d] {
            assert_eq!(check_username(name), Ok(()), "{name}");
        }
        for bad in ["a/b", " a", "a b", "x", "..", "a\u{0}b", "ju\u{308}rgen", "a@b"] {
            assert!(check_username(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn suffixes_fit_the_length_limit() {
        assert_eq!(suffixed_username("alice", 2), "alice_2");
        let s = suffixed_username(&"a".repeat(48), 12);
        assert_eq!(s.chars().count(), USERNAME_MAX_CHARS);
        assert!(s.ends_with("_12"));
    }

    #[test]
    fn fast_paths_agree_with_the_full_rules() {
        for login in
            ["Alice", "bob", "x", "..", "a/b", "Bobby Tables", "a@b", &"a".repeat(48), &"a".repeat(49), "é"]
        {
            if login.is_ascii() {
                assert_eq!(
                    ascii_username_as_is(login),
                    derive_username(login, "s", 1).1 == Derivation::AsIs,
                    "{login}"
                );
            }
        }
        for raw in ["Alice@Example.com", "a@b", "@b", "a@", "a@b@c", "a b@c", "a\tb@c", "plain", ""] {
            let t = raw.trim();
            if ascii_email_ok(t) {
                assert_eq!(normalize_email(raw), Some(t.to_ascii_lowercase()), "{raw}");
            } else {
                assert_eq!(normalize_email(raw), None, "{raw}");
            }
        }
        assert!(matches!(username_key_cow("alice_2"), Cow::Borrowed(_)));
        assert_eq!(username_key_cow("Alice"), "alice");
    }

    #[test]
    fn keys_fold_case_but_not_accents() {
        assert_eq!(username_key("Alice"), username_key("ALICE"));
        assert_eq!(username_key("Jürgen"), username_key("JÜRGEN"));
        assert_ne!(username_key("Jürgen"), username_key("jurgen"));
        assert_eq!(username_key("Ju\u{308}rgen"), username_key("jürgen"));
    }
}
