//! The byte strings a typed password is tried as: raw, PHP `addslashes()`-escaped, and the
//! windows-1252 bytes a latin1-served page would have received.
//!
//! Transformed copies of the password are held in [`Zeroizing`] buffers.

use std::borrow::Cow;

use zeroize::Zeroizing;

/// Which form of the typed password produced the stored hash. Reported by
/// [`super::PasswordMatch`]; never carries the password itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InputVariant {
    /// The bytes exactly as the login form sent them.
    Raw,
    /// PHP `addslashes()` of the input: `'` `"` `\` prefixed with `\`, NUL written as `\0`
    /// (magic quotes, real or emulated; legacy-users.md §1.4 and §2.3 "Slashes").
    AddSlashes,
    /// The input re-encoded as windows-1252 (pages served as latin1 in the AB 1.x era;
    /// legacy-users.md §1.4 "Which bytes were hashed"). Characters windows-1252 cannot hold
    /// become HTML numeric references (`&#1046;`), which is what browsers submit from such pages.
    Windows1252,
    /// windows-1252 bytes, then `addslashes()`.
    Windows1252AddSlashes,
}

impl InputVariant {
    /// A stable name: `"raw"`, `"addslashes"`, `"windows1252"`, `"windows1252+addslashes"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            InputVariant::Raw => "raw",
            InputVariant::AddSlashes => "addslashes",
            InputVariant::Windows1252 => "windows1252",
            InputVariant::Windows1252AddSlashes => "windows1252+addslashes",
        }
    }
}

/// PHP `addslashes()`: `'`, `"` and `\` get a `\` in front, NUL becomes `\0`.
///
/// Returns `None` when the input has none of those bytes (the escaped form equals the raw one).
pub fn addslashes(input: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let extra = input.iter().filter(|&&b| matches!(b, b'\'' | b'"' | b'\\' | 0)).count();
    if extra == 0 {
        return None;
    }
    let mut out = Zeroizing::new(Vec::with_capacity(input.len() + extra));
    for &b in input {
        match b {
            0 => out.extend_from_slice(b"\\0"),
            b'\'' | b'"' | b'\\' => {
                out.push(b'\\');
                out.push(b);
            }
            _ => out.push(b),
        }
    }
    Some(out)
}

/// The windows-1252 bytes of a UTF-8 input, as a browser would have sent them from a page
/// served as latin1 (WHATWG encoder: unmappable characters become `&#N;`).
///
/// Returns `None` when the input is not UTF-8 (it already is some other encoding) or is
/// pure ASCII (the bytes would be identical).
pub fn to_windows1252(input: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    if input.is_ascii() {
        return None;
    }
    let text = std::str::from_utf8(input).ok()?;
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    match bytes {
        Cow::Borrowed(_) => None,
        Cow::Owned(v) => Some(Zeroizing::new(v)),
    }
}

/// One form of the password to try.
pub(crate) struct Candidate<'a> {
    pub(crate) variant: InputVariant,
    bytes: CandidateBytes<'a>,
}

enum CandidateBytes<'a> {
    Borrowed(&'a [u8]),
    Owned(Zeroizing<Vec<u8>>),
}

impl Candidate<'_> {
    pub(crate) fn bytes(&self) -> &[u8] {
        match &self.bytes {
            CandidateBytes::Borrowed(b) => b,
            CandidateBytes::Owned(v) => v,
        }
    }
}

/// The forms to try, in order: raw, addslashes (when enabled and different), then — when
/// `windows1252` — the windows-1252 bytes and their addslashes form.
pub(crate) fn candidates(password: &[u8], addslashes_too: bool, windows1252: bool) -> Vec<Candidate<'_>> {
    let mut out = Vec::with_capacity(4);
    out.push(Candidate { variant: InputVariant::Raw, bytes: CandidateBytes::Borrowed(password) });
    if addslashes_too {
        if let Some(escaped) = addslashes(password) {
            out.push(Candidate { variant: InputVariant::AddSlashes, bytes: CandidateBytes::Owned(escaped) });
        }
    }
    if windows1252 {
        if let Some(latin) = to_windows1252(password) {
            let escaped = if addslashes_too { addslashes(&latin) } else { None };
            out.push(Candidate { variant: InputVariant::Windows1252, bytes: CandidateBytes::Owned(latin) });
            if let Some(escaped) = escaped {
                out.push(Candidate {
                    variant: InputVariant::Windows1252AddSlashes,
                    bytes: CandidateBytes::Owned(escaped),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addslashes_matches_php() {
        // PHP: addslashes("o'brien \"q\"") === 'o\\\'brien \\"q\\"'
        assert_eq!(
            addslashes(b"o'brien \"q\"").as_deref().map(Vec::as_slice),
            Some(&b"o\\'brien \\\"q\\\""[..])
        );
        assert_eq!(addslashes(b"a\\b").as_deref().map(Vec::as_slice), Some(&b"a\\\\b"[..]));
        assert_eq!(addslashes(b"nul\0x").as_deref().map(Vec::as_slice), Some(&b"nul\\0x"[..]));
        assert!(addslashes(b"plain password").is_none());
        assert!(addslashes(b"").is_none());
    }

    #[test]
    fn windows1252_of_utf8() {
        assert_eq!(
            to_windows1252("p@ss w0rd ü".as_bytes()).as_deref().map(Vec::as_slice),
            Some(&b"p@ss w0rd \xfc"[..])
        );
        // The euro sign is 0x80 in windows-1252 (not latin1's control range).
        assert_eq!(to_windows1252("€".as_bytes()).as_deref().map(Vec::as_slice), Some(&b"\x80"[..]));
        // Unmappable: a browser sends a numeric character reference.
        assert_eq!(to_windows1252("Ж".as_bytes()).as_deref().map(Vec::as_slice), Some(&b"&#1046;"[..]));
        assert!(to_windows1252(b"ascii only").is_none());
        assert!(to_windows1252(b"\xfc already latin1").is_none());
    }

    #[test]
    fn candidate_order_and_dedup() {
        let kinds = |c: Vec<Candidate<'_>>| c.iter().map(|c| c.variant).collect::<Vec<_>>();
        assert_eq!(kinds(candidates(b"plain", true, true)), vec![InputVariant::Raw]);
        assert_eq!(kinds(candidates(b"o'k", true, true)), vec![InputVariant::Raw, InputVariant::AddSlashes]);
        assert_eq!(kinds(candidates(b"o'k", false, true)), vec![InputVariant::Raw]);
        assert_eq!(
            kinds(candidates("o'ü".as_bytes(), true, true)),
            vec![
                InputVariant::Raw,
                InputVariant::AddSlashes,
                InputVariant::Windows1252,
                InputVariant::Windows1252AddSlashes
            ]
        );
        let c = candidates("o'ü".as_bytes(), true, true);
        assert_eq!(c[3].bytes(), b"o\\'\xfc");
    }
}
