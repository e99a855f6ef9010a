//! The compact JWS serialization (RFC 7515 §3.1, §7.1): splitting, base64url, the JOSE header.

use std::borrow::Cow;

use jsonwebtoken::Algorithm;
use serde::Deserialize;

use super::error::{TokenError, shorten};

/// The three parts of a compact JWS, still base64url-encoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts<'a> {
    /// `BASE64URL(header)`.
    pub header: &'a [u8],
    /// `BASE64URL(payload)`.
    pub payload: &'a [u8],
    /// `BASE64URL(signature)` (may be empty, e.g. for `alg: none`).
    pub signature: &'a [u8],
    /// The JWS signing input `header.payload` (RFC 7515 §5.2 step 8).
    pub signing_input: &'a [u8],
}

/// Splits `token` into its three parts.
///
/// # Errors
/// [`TokenError::Malformed`] unless there are exactly two `.` and the header and payload are
/// non-empty. Five parts (JWE, RFC 7516) get their own message.
pub(crate) fn split(token: &[u8]) -> Result<Parts<'_>, TokenError> {
    let three = || TokenError::malformed("expected 3 dot-separated parts");
    // memchr: word-at-a-time/SIMD search instead of a byte loop (a Halext token is ≈150 bytes).
    let first = memchr::memchr(b'.', token).ok_or_else(three)?;
    let second = first + 1 + memchr::memchr(b'.', &token[first + 1..]).ok_or_else(three)?;
    let rest = &token[second + 1..];
    if memchr::memchr(b'.', rest).is_some() {
        let total = memchr::memchr_iter(b'.', token).count();
        return Err(if total == 4 {
            TokenError::malformed("encrypted tokens (JWE, 5 parts) are not supported")
        } else {
            three()
        });
    }
    let parts = Parts {
        header: &token[..first],
        payload: &token[first + 1..second],
        signature: rest,
        signing_input: &token[..second],
    };
    if parts.header.is_empty() {
        return Err(TokenError::malformed("empty header"));
    }
    if parts.payload.is_empty() {
        return Err(TokenError::malformed("empty payload"));
    }
    Ok(parts)
}

/// Whether `part` uses only the base64url alphabet (RFC 4648 §5) without padding.
pub(crate) fn is_base64url(part: &[u8]) -> bool {
    part.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
}

/// Decodes unpadded base64url (RFC 7515 §2): padding, other alphabets, whitespace and
/// non-canonical trailing bits are rejected.
///
/// The token path decodes with `base64-simd` (header, payload and signature: 18 ns where the
/// `base64` crate took 54 ns for a Halext token's payload and signature, docs/benchmarks.md);
/// both reject exactly the same inputs (tested below against `base64`).
pub(crate) fn b64_decode(part: &[u8], what: &'static str) -> Result<Vec<u8>, TokenError> {
    base64_simd::URL_SAFE_NO_PAD.decode_to_vec(part).map_err(|_| TokenError::malformed(what))
}

/// Decodes unpadded base64url into `out` (as [`b64_decode`]), returning the decoded length;
/// `None` when the input is not valid base64url or does not fit.
pub(crate) fn b64_decode_into(part: &[u8], out: &mut [u8]) -> Option<usize> {
    let engine = &base64_simd::URL_SAFE_NO_PAD;
    let dst = out.get_mut(..engine.decoded_length(part).ok()?)?;
    engine.decode(part, base64_simd::Out::from_slice(dst)).ok().map(|d| d.len())
}

/// The JOSE header members this validator acts on. Every other member is ignored, except that
/// the parse fails on a duplicate of one of these (RFC 7515 §4 allows rejecting duplicates).
#[derive(Deserialize)]
struct RawHeader<'a> {
    #[serde(borrow, default)]
    alg: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    kid: Option<Cow<'a, str>>,
    #[serde(default)]
    crit: Option<Vec<String>>,
    #[serde(default)]
    b64: Option<bool>,
}

/// A checked JOSE header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The algorithm, already known to be a real (not `none`) algorithm jsonwebtoken implements.
    pub alg: Algorithm,
    /// The key id, if any.
    pub kid: Option<String>,
}

/// Decodes and checks the header part: JSON object, a supported `alg` (never `none`), no `crit`
/// (RFC 7515 §4.1.11: we implement no extension), `b64` absent or `true` (RFC 7797).
///
/// # Errors
/// [`TokenError::Malformed`], [`TokenError::Algorithm`], [`TokenError::UnsupportedCritical`].
pub(crate) fn parse_header(part: &[u8]) -> Result<Header, TokenError> {
    let mut buf = [0u8; 512];
    let owned;
    let json: &[u8] = match b64_decode_into(part, &mut buf) {
        Some(n) => &buf[..n],
        None => {
            owned = b64_decode(part, "header is not base64url")?;
            &owned
        }
    };
    // serde's derived struct parsing also accepts a JSON array; a header must be an object.
    if json.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(TokenError::malformed("header is not a JSON object"));
    }
    let raw: RawHeader<'_> = serde_json::from_slice(json)
        .map_err(|_| TokenError::malformed("header is not a JSON object with well-typed members"))?;
    if let Some(crit) = &raw.crit {
        // RFC 7515 §4.1.11: an empty list is malformed; any listed extension is one we do not
        // understand (we implement none), so the JWS must be rejected.
        return Err(match crit.first() {
            None => TokenError::malformed("crit must not be empty"),
            Some(name) => TokenError::UnsupportedCritical { name: shorten(name) },
        });
    }
    if raw.b64 == Some(false) {
        return Err(TokenError::UnsupportedCritical { name: "b64".to_string() });
    }
    let alg = match raw.alg.as_deref() {
        None => return Err(TokenError::algorithm(None, "the header has no alg")),
        Some(a) if a.eq_ignore_ascii_case("none") => {
            return Err(TokenError::algorithm(Some(a), "unsecured JWS (alg none) is never accepted"));
        }
        Some(a) => a
            .parse::<Algorithm>()
            .map_err(|_| TokenError::algorithm(Some(a), "unknown or unsupported algorithm"))?,
    };
    Ok(Header { alg, kid: raw.kid.map(Cow::into_owned) })
}

/// Remembers the last successfully parsed header segment: a validator usually sees one header
/// (python-jose's `{"alg":"HS256","typ":"JWT"}` for every Halext token), so re-parsing it can be
/// skipped. The parse result depends on nothing but the segment's bytes, so this is exact.
#[derive(Default)]
pub(crate) struct HeaderMemo(std::sync::Mutex<Option<(Box<[u8]>, Header)>>);

impl HeaderMemo {
    /// Longest header segment remembered, in bytes.
    const MAX: usize = 256;

    /// [`parse_header`], skipping the work when `part` is the remembered segment.
    pub fn parse(&self, part: &[u8]) -> Result<Header, TokenError> {
        if let Ok(memo) = self.0.try_lock() {
            if let Some((seg, header)) = memo.as_ref() {
                if **seg == *part {
                    return Ok(header.clone());
                }
            }
        }
        let header = parse_header(part)?;
        if part.len() <= Self::MAX {
            if let Ok(mut memo) = self.0.try_lock() {
                *memo = Some((part.into(), header.clone()));
            }
        }
        Ok(header)
    }
}

/// The name of an algorithm as it appears in `alg` (RFC 7518 §3.1).
pub fn alg_name(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::HS256 => "HS256",
        Algorithm::HS384 => "HS384",
        Algorithm::HS512 => "HS512",
        Algorithm::ES256 => "ES256",
        Algorithm::ES384 => "ES384",
        Algorithm::RS256 => "RS256",
        Algorithm::RS384 => "RS384",
        Algorithm::RS512 => "RS512",
        Algorithm::PS256 => "PS256",
        Algorithm::PS384 => "PS384",
        Algorithm::PS512 => "PS512",
        Algorithm::EdDSA => "EdDSA",
        _ => "unknown",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn enc(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn decoding_accepts_exactly_what_the_base64_crate_accepts() {
        // Every string of up to 4 characters over a mix of the alphabet's edges and outsiders
        // (padding, the standard alphabet's `+/`, whitespace, a non-ASCII byte), plus real parts.
        let chars: &[u8] = b"AQgw_-09azZ=+/ \n\xff";
        let mut inputs: Vec<Vec<u8>> = vec![Vec::new()];
        let mut frontier: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|p| chars.iter().map(move |&c| [p.as_slice(), &[c]].concat()))
                .collect();
            inputs.extend(frontier.iter().cloned());
        }
        for real in [
            "eyJzdWIiOiJ1c2VyMTIzNDUiLCJleHAiOjE3NjQ0MzIwMDB9",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
        ] {
            inputs.push(real.as_bytes().to_vec());
            let mut flipped = real.as_bytes().to_vec();
            *flipped.last_mut().unwrap() += 1; // non-canonical trailing bits
            inputs.push(flipped);
        }
        let mut buf = [0u8; 64];
        for input in &inputs {
            let expected = URL_SAFE_NO_PAD.decode(input).ok();
            assert_eq!(b64_decode(input, "x").ok(), expected, "{input:?}");
            let into = b64_decode_into(input, &mut buf).map(|n| buf[..n].to_vec());
            assert_eq!(into, expected, "{input:?}");
        }
        // Too small an output buffer: None, not a panic.
        assert_eq!(b64_decode_into(b"AAAAAAAA", &mut [0u8; 5]), None);
    }

    #[test]
    fn split_requires_exactly_three_parts() {
        assert!(split(b"a.b.c").is_ok());
        assert!(split(b"a.b.").is_ok(), "empty signature is a verification matter");
        assert!(is_base64url(b"aZ09-_") && !is_base64url(b"c=") && !is_base64url(b"c+/"));
        for bad in [&b"a.b"[..], b"abc", b"a.b.c.d", b"a..b.c", b".b.c", b"a..c", b""] {
            assert!(matches!(split(bad), Err(TokenError::Malformed { .. })), "{bad:?}");
        }
        let e = split(b"a.b.c.d.e").unwrap_err();
        assert!(e.to_string().contains("JWE"), "{e}");
    }

    #[test]
    fn base64_is_strict() {
        assert!(b64_decode(b"YWJj", "x").is_ok());
        assert!(b64_decode(b"YWI=", "x").is_err(), "padding");
        assert!(b64_decode(b"YW+j", "x").is_err(), "standard alphabet");
        assert!(b64_decode(b"YWI", "x").is_ok());
        assert!(b64_decode(b"YWJ", "x").is_err(), "non-canonical trailing bits");
        assert!(b64_decode(b"YW J", "x").is_err(), "whitespace");
    }

    #[test]
    fn header_rules() {
        let ok = parse_header(enc(r#"{"alg":"HS256","typ":"JWT"}"#).as_bytes()).unwrap();
        assert_eq!(ok, Header { alg: Algorithm::HS256, kid: None });
        let with_kid = parse_header(enc(r#"{"alg":"RS256","kid":"k\u0031"}"#).as_bytes()).unwrap();
        assert_eq!(with_kid.kid.as_deref(), Some("k1"));
        for none in ["none", "None", "NONE", "nOnE"] {
            let e = parse_header(enc(&format!(r#"{{"alg":"{none}"}}"#)).as_bytes()).unwrap_err();
            assert!(matches!(e, TokenError::Algorithm { .. }), "{none}: {e:?}");
        }
        let cases = [
            (r#"{"typ":"JWT"}"#, "algorithm"),
            (r#"{"alg":"hs256"}"#, "algorithm"),
            (r#"{"alg":"HS256","crit":["exp"],"exp":1}"#, "crit"),
            (r#"{"alg":"HS256","crit":[]}"#, "malformed"),
            (r#"{"alg":"HS256","b64":false}"#, "crit"),
            (r#"{"alg":"HS256","alg":"HS256"}"#, "malformed"),
            (r#"{"alg":5}"#, "malformed"),
            (r#"{"alg":"HS256","kid":7}"#, "malformed"),
            (r#"["HS256"]"#, "malformed"),
            (r#"{"alg":"HS256"} x"#, "malformed"),
        ];
        for (json, want) in cases {
            let e = parse_header(enc(json).as_bytes()).unwrap_err();
            let got = match e {
                TokenError::Algorithm { .. } => "algorithm",
                TokenError::UnsupportedCritical { .. } => "crit",
                TokenError::Malformed { .. } => "malformed",
                _ => "other",
            };
            assert_eq!(got, want, "{json}: {e:?}");
        }
    }

    #[test]
    fn memo_returns_the_same_result_as_parsing() {
        let memo = HeaderMemo::default();
        let a = enc(r#"{"alg":"HS256","kid":"a"}"#);
        let b = enc(r#"{"alg":"RS256","kid":"b"}"#);
        for _ in 0..2 {
            assert_eq!(memo.parse(a.as_bytes()).unwrap().kid.as_deref(), Some("a"));
            assert_eq!(memo.parse(b.as_bytes()).unwrap().alg, Algorithm::RS256);
        }
        let none = enc(r#"{"alg":"none"}"#);
        assert!(memo.parse(none.as_bytes()).is_err());
        assert!(memo.parse(none.as_bytes()).is_err(), "failures are never remembered");
    }

    #[test]
    fn long_headers_decode_through_the_heap_path() {
        let json = format!(r#"{{"alg":"HS256","x":"{}"}}"#, "y".repeat(2000));
        assert_eq!(parse_header(enc(&json).as_bytes()).unwrap().alg, Algorithm::HS256);
    }
}
