//! The claims of a validated token: registered claims typed (RFC 7519 §4.1), the rest as JSON.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use jsonwebtoken::Algorithm;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::compact::alg_name;
use super::error::TokenError;

/// Earliest NumericDate accepted: 0001-01-01T00:00:00Z, in seconds since the Unix epoch.
pub const MIN_NUMERIC_DATE: i64 = -62_135_596_800;
/// Latest NumericDate accepted: 9999-12-31T23:59:59Z, in seconds since the Unix epoch.
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// The verified claims of a token, plus its header's `alg` and `kid`.
///
/// Cheap to clone (shared). Registered claims (RFC 7519 §4.1) are typed:
/// * `sub`, `iss`, `jti`: strings;
/// * `aud`: always a list, also when the token carries a single string (RFC 7519 §4.1.3);
/// * `exp`, `nbf`, `iat`: whole **seconds** since the Unix epoch as `i64`. A fractional
///   NumericDate is rounded towards the stricter side: `exp` down, `nbf` and `iat` up.
///
/// Every other claim is in [`Claims::extra`] as JSON, unchanged.
#[derive(Clone, PartialEq)]
pub struct Claims(Arc<ClaimsData>);

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ClaimsData {
    pub sub: Option<String>,
    pub iss: Option<String>,
    pub aud: Option<Vec<String>>,
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub iat: Option<i64>,
    pub jti: Option<String>,
    pub extra: Map<String, Value>,
    pub alg: Algorithm,
    pub kid: Option<String>,
}

impl Claims {
    pub(crate) fn data(&self) -> &ClaimsData {
        &self.0
    }

    /// `sub` (subject). For a Halext access token, the username (halext-api.md §1.2).
    pub fn sub(&self) -> Option<&str> {
        self.0.sub.as_deref()
    }

    /// `iss` (issuer).
    pub fn iss(&self) -> Option<&str> {
        self.0.iss.as_deref()
    }

    /// `aud` (audience) as a list; empty when the token has none.
    pub fn aud(&self) -> &[String] {
        self.0.aud.as_deref().unwrap_or(&[])
    }

    /// `exp` in seconds since the Unix epoch (rounded down if the token had a fraction).
    pub fn exp(&self) -> Option<i64> {
        self.0.exp
    }

    /// `nbf` in seconds since the Unix epoch (rounded up if the token had a fraction).
    pub fn nbf(&self) -> Option<i64> {
        self.0.nbf
    }

    /// `iat` in seconds since the Unix epoch (rounded up if the token had a fraction).
    pub fn iat(&self) -> Option<i64> {
        self.0.iat
    }

    /// `jti` (JWT ID).
    pub fn jti(&self) -> Option<&str> {
        self.0.jti.as_deref()
    }

    /// Every claim that is not one of the seven registered ones, as JSON.
    pub fn extra(&self) -> &Map<String, Value> {
        &self.0.extra
    }

    /// A non-registered claim, e.g. `"user_id"` of an OpenWebUI SSO token.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.extra.get(name)
    }

    /// A non-registered claim that is a string.
    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// A non-registered claim that is an integer fitting in `i64`.
    pub fn get_i64(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(Value::as_i64)
    }

    /// The header's `alg` that verified (always one the validator allows).
    pub fn alg(&self) -> Algorithm {
        self.0.alg
    }

    /// The header's `alg` as its RFC 7518 name, e.g. `"HS256"`.
    pub fn alg_name(&self) -> &'static str {
        alg_name(self.0.alg)
    }

    /// The header's `kid`, if it had one.
    pub fn kid(&self) -> Option<&str> {
        self.0.kid.as_deref()
    }

    /// All claims as one JSON object (what the bindings turn into a PHP array or a C JSON
    /// string): the registered claims in their typed form (`aud` as a list, dates as integer
    /// seconds) and the other claims unchanged. Header values are not included.
    pub fn to_json(&self) -> Value {
        let d = &*self.0;
        let mut m = d.extra.clone();
        let mut put_str = |k: &str, v: &Option<String>| {
            if let Some(v) = v {
                m.insert(k.to_string(), Value::String(v.clone()));
            }
        };
        put_str("sub", &d.sub);
        put_str("iss", &d.iss);
        put_str("jti", &d.jti);
        if let Some(aud) = &d.aud {
            m.insert("aud".into(), Value::Array(aud.iter().cloned().map(Value::String).collect()));
        }
        for (k, v) in [("exp", d.exp), ("nbf", d.nbf), ("iat", d.iat)] {
            if let Some(v) = v {
                m.insert(k.into(), Value::from(v));
            }
        }
        Value::Object(m)
    }
}

impl fmt::Debug for Claims {
    /// Claims are not secret, but `Debug` stays short: registered claims, the extra claim names.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &*self.0;
        f.debug_struct("Claims")
            .field("alg", &alg_name(d.alg))
            .field("kid", &d.kid)
            .field("sub", &d.sub)
            .field("iss", &d.iss)
            .field("aud", &d.aud)
            .field("exp", &d.exp)
            .field("nbf", &d.nbf)
            .field("iat", &d.iat)
            .field("jti", &d.jti)
            .field("extra", &d.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The JSON type a required claim must have (see `ValidatorBuilder::require_claim`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimKind {
    /// Any JSON value (only presence is required).
    Any,
    /// A JSON string.
    String,
    /// A JSON integer (no fraction) that fits in `i64`.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Bool,
}

impl ClaimKind {
    pub(crate) fn matches(self, v: &Value) -> bool {
        match self {
            ClaimKind::Any => true,
            ClaimKind::String => v.is_string(),
            ClaimKind::Integer => v.is_i64(),
            ClaimKind::Number => v.is_number(),
            ClaimKind::Bool => v.is_boolean(),
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            ClaimKind::Any => "must be present",
            ClaimKind::String => "must be a string",
            ClaimKind::Integer => "must be an integer",
            ClaimKind::Number => "must be a number",
            ClaimKind::Bool => "must be a boolean",
        }
    }
}

/// Which way a fractional NumericDate is rounded.
#[derive(Clone, Copy)]
enum Round {
    Down,
    Up,
}

/// Converts a NumericDate (RFC 7519 §2: a JSON number of seconds, possibly fractional).
///
/// Rules (documented in docs/tokens.md): integers are taken as they are; fractions are rounded
/// towards the stricter side; values outside years 0001–9999 (including integers beyond `i64`)
/// are rejected as [`TokenError::InvalidClaim`]; any non-number (a string, even a numeric one,
/// `true`, `null`) is rejected.
fn numeric_date(name: &str, v: &Value, round: Round) -> Result<i64, TokenError> {
    let Value::Number(n) = v else {
        return Err(TokenError::invalid_claim(name, "must be a number (NumericDate)"));
    };
    let secs = if let Some(i) = n.as_i64() {
        i
    } else if n.is_u64() {
        return Err(TokenError::invalid_claim(name, "is beyond year 9999"));
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        let r = match round {
            Round::Down => f.floor(),
            Round::Up => f.ceil(),
        };
        if !r.is_finite() || r < MIN_NUMERIC_DATE as f64 || r > MAX_NUMERIC_DATE as f64 {
            return Err(TokenError::invalid_claim(name, "is outside years 0001-9999"));
        }
        r as i64
    };
    if !(MIN_NUMERIC_DATE..=MAX_NUMERIC_DATE).contains(&secs) {
        return Err(TokenError::invalid_claim(name, "is outside years 0001-9999"));
    }
    Ok(secs)
}

fn string_claim(name: &str, v: Value) -> Result<String, TokenError> {
    match v {
        Value::String(s) => Ok(s),
        _ => Err(TokenError::invalid_claim(name, "must be a string")),
    }
}

fn audience(v: Value) -> Result<Vec<String>, TokenError> {
    match v {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => Ok(s),
                _ => Err(TokenError::invalid_claim("aud", "must be a string or an array of strings")),
            })
            .collect(),
        _ => Err(TokenError::invalid_claim("aud", "must be a string or an array of strings")),
    }
}

/// The payload as read, registered claims still untyped.
#[derive(Default)]
struct RawClaims {
    sub: Option<Value>,
    iss: Option<Value>,
    aud: Option<Value>,
    exp: Option<Value>,
    nbf: Option<Value>,
    iat: Option<Value>,
    jti: Option<Value>,
    extra: Map<String, Value>,
}

/// A map key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a claim name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> de::Deserialize<'de> for RawClaims {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawClaims;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object of claims")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawClaims, A::Error> {
                let mut raw = RawClaims::default();
                while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
                    let slot = match key.as_ref() {
                        "sub" => &mut raw.sub,
                        "iss" => &mut raw.iss,
                        "aud" => &mut raw.aud,
                        "exp" => &mut raw.exp,
                        "nbf" => &mut raw.nbf,
                        "iat" => &mut raw.iat,
                        "jti" => &mut raw.jti,
                        _ => {
                            let value: Value = map.next_value()?;
                            if raw.extra.insert(key.into_owned(), value).is_some() {
                                return Err(de::Error::custom("duplicate claim"));
                            }
                            continue;
                        }
                    };
                    if slot.replace(map.next_value()?).is_some() {
                        return Err(de::Error::custom("duplicate claim"));
                    }
                }
                Ok(raw)
            }
        }
        d.deserialize_map(V)
    }
}

/// The fast path of [`parse_claims`] for the payload every Halext access token carries
/// (halext-api.md §1.2, written by python-jose with `separators=(",", ":")`): exactly
/// `{"sub":"<name>","exp":<integer>}`, where `<name>` is printable ASCII without `"` or `\`
/// (so there is no escape to decode) and `<integer>` is a JSON integer (`0`, or digits without
/// a leading zero, optionally after `-`) within [`MIN_NUMERIC_DATE`]..=[`MAX_NUMERIC_DATE`].
///
/// This grammar is a strict subset of JSON with unique member names, read with the same
/// meaning as the general path, so it yields the same claims; anything else (whitespace, other
/// members or order, escapes, fractions, out-of-range dates) returns `None` and goes through
/// serde_json, which also produces every error. It exists because the general parse was the
/// largest single cost of validating a new token (docs/benchmarks.md).
fn halext_access_shape(json: &[u8]) -> Option<(&str, i64)> {
    let rest = json.strip_prefix(br#"{"sub":""#)?;
    let end = rest.iter().position(|&b| !(b' '..=b'~').contains(&b) || b == b'"' || b == b'\\')?;
    let (name, rest) = rest.split_at(end);
    let digits = rest.strip_prefix(br#"","exp":"#)?.strip_suffix(b"}")?;
    let (negative, digits) = match digits.strip_prefix(b"-") {
        Some(d) => (true, d),
        None => (false, digits),
    };
    // At most 12 digits: every accepted date has them, and the fold below cannot overflow.
    let integer = !digits.is_empty()
        && digits.len() <= 12
        && digits.iter().all(u8::is_ascii_digit)
        && (digits[0] != b'0' || (digits.len() == 1 && !negative));
    if !integer {
        return None;
    }
    let magnitude = digits.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let exp = if negative { -magnitude } else { magnitude };
    if !(MIN_NUMERIC_DATE..=MAX_NUMERIC_DATE).contains(&exp) {
        return None;
    }
    // Printable ASCII only, so always UTF-8.
    Some((std::str::from_utf8(name).ok()?, exp))
}

/// Parses a (verified) payload into claims.
///
/// # Errors
/// [`TokenError::Malformed`] if it is not one JSON object with unique member names (RFC 7519 §4
/// allows rejecting duplicates); [`TokenError::InvalidClaim`] for a registered claim of the wrong
/// type or range.
pub(crate) fn parse_claims(json: &[u8], alg: Algorithm, kid: Option<String>) -> Result<Claims, TokenError> {
    if let Some((sub, exp)) = halext_access_shape(json) {
        return Ok(Claims(Arc::new(ClaimsData {
            sub: Some(sub.to_owned()),
            iss: None,
            aud: None,
            exp: Some(exp),
            nbf: None,
            iat: None,
            jti: None,
            extra: Map::new(),
            alg,
            kid,
        })));
    }
    parse_general(json, alg, kid)
}

/// [`parse_claims`] without the fast path: serde_json, then the registered claims typed.
fn parse_general(json: &[u8], alg: Algorithm, kid: Option<String>) -> Result<Claims, TokenError> {
    let raw: RawClaims = serde_json::from_slice(json)
        .map_err(|_| TokenError::malformed("payload is not a JSON object with unique claim names"))?;
    let data = ClaimsData {
        sub: raw.sub.map(|v| string_claim("sub", v)).transpose()?,
        iss: raw.iss.map(|v| string_claim("iss", v)).transpose()?,
        aud: raw.aud.map(audience).transpose()?,
        exp: raw.exp.map(|v| numeric_date("exp", &v, Round::Down)).transpose()?,
        nbf: raw.nbf.map(|v| numeric_date("nbf", &v, Round::Up)).transpose()?,
        iat: raw.iat.map(|v| numeric_date("iat", &v, Round::Up)).transpose()?,
        jti: raw.jti.map(|v| string_claim("jti", v)).transpose()?,
        extra: raw.extra,
        alg,
        kid,
    };
    Ok(Claims(Arc::new(data)))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Claims, TokenError> {
        parse_claims(json.as_bytes(), Algorithm::HS256, None)
    }

    fn invalid(json: &str) -> String {
        match parse(json) {
            Err(TokenError::InvalidClaim { claim, .. }) => claim,
            other => panic!("{json}: {other:?}"),
        }
    }

    #[test]
    fn registered_claims_are_typed() {
        let c = parse(r#"{"sub":"alice","aud":"a","exp":10,"nbf":5,"iat":4,"jti":"j","iss":"i","x":[1]}"#)
            .unwrap();
        assert_eq!(c.sub(), Some("alice"));
        assert_eq!(c.aud(), ["a".to_string()]);
        assert_eq!((c.exp(), c.nbf(), c.iat()), (Some(10), Some(5), Some(4)));
        assert_eq!((c.jti(), c.iss()), (Some("j"), Some("i")));
        assert_eq!(c.get("x"), Some(&serde_json::json!([1])));
        assert_eq!(
            c.to_json(),
            serde_json::json!({"sub":"alice","aud":["a"],"exp":10,"nbf":5,"iat":4,"jti":"j","iss":"i","x":[1]})
        );
        let c = parse(r#"{"aud":["a","b"]}"#).unwrap();
        assert_eq!(c.aud(), ["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn numeric_dates() {
        let c = parse(r#"{"exp":100.9,"nbf":50.1,"iat":49.0}"#).unwrap();
        assert_eq!((c.exp(), c.nbf(), c.iat()), (Some(100), Some(51), Some(49)));
        assert_eq!(parse(r#"{"exp":-5}"#).unwrap().exp(), Some(-5));
        assert_eq!(parse(r#"{"exp":253402300799}"#).unwrap().exp(), Some(MAX_NUMERIC_DATE));
        for bad in [
            r#"{"exp":253402300800}"#,
            r#"{"exp":9223372036854775808}"#,
            r#"{"exp":18446744073709551615}"#,
            r#"{"exp":1e300}"#,
            r#"{"exp":-1e300}"#,
            r#"{"exp":-62135596801}"#,
            r#"{"exp":"1700000000"}"#,
            r#"{"exp":true}"#,
            r#"{"exp":null}"#,
        ] {
            assert_eq!(invalid(bad), "exp", "{bad}");
        }
        assert_eq!(invalid(r#"{"iat":"yesterday"}"#), "iat");
        assert_eq!(invalid(r#"{"nbf":[1]}"#), "nbf");
    }

    #[test]
    fn wrong_types_and_shapes() {
        assert_eq!(invalid(r#"{"sub":42}"#), "sub");
        assert_eq!(invalid(r#"{"iss":{}}"#), "iss");
        assert_eq!(invalid(r#"{"aud":5}"#), "aud");
        assert_eq!(invalid(r#"{"aud":["a",5]}"#), "aud");
        assert_eq!(invalid(r#"{"jti":1}"#), "jti");
        for bad in [r#"[1]"#, r#""x""#, r#"{"sub":"a","sub":"b"}"#, r#"{"x":1,"x":2}"#, r#"{"a":1"#, "{} {}"]
        {
            assert!(matches!(parse(bad), Err(TokenError::Malformed { .. })), "{bad}");
        }
    }

    #[test]
    fn halext_shape_fast_path_agrees_with_the_general_parser() {
        let general = |json: &str| parse_general(json.as_bytes(), Algorithm::HS256, None);
        let taken = [
            r#"{"sub":"alice","exp":1764432000}"#,
            r#"{"sub":"","exp":0}"#,
            r#"{"sub":"a b~!#$%&'()*+,-./:;<=>?@[]^_`{|}","exp":-5}"#,
            r#"{"sub":"x","exp":253402300799}"#,
            r#"{"sub":"x","exp":-62135596800}"#,
        ];
        for json in taken {
            assert!(halext_access_shape(json.as_bytes()).is_some(), "{json}");
            assert_eq!(parse(json).unwrap(), general(json).unwrap(), "{json}");
        }
        // Declined by the fast path: the general parser decides, with the same result.
        let declined = [
            r#"{"sub":"al\u0069ce","exp":1}"#,
            r#"{"sub":"a\"b","exp":1}"#,
            "{\"sub\":\"caf\u{e9}\",\"exp\":1}",
            "{\"sub\":\"a\tb\",\"exp\":1}",
            "{\"sub\":\"a\u{7f}\",\"exp\":1}",
            r#"{"sub":"a","exp":01}"#,
            r#"{"sub":"a","exp":-0}"#,
            r#"{"sub":"a","exp":-01}"#,
            r#"{"sub":"a","exp":1.5}"#,
            r#"{"sub":"a","exp":1e3}"#,
            r#"{"sub":"a","exp":}"#,
            r#"{"sub":"a","exp":-}"#,
            r#"{"sub":"a","exp":253402300800}"#,
            r#"{"sub":"a","exp":-62135596801}"#,
            r#"{"sub":"a","exp":99999999999999999999}"#,
            r#"{"sub":"a","exp":1} "#,
            r#"{"sub":"a","exp":1}}"#,
            r#"{"sub":"a","exp":1,"sub":"b"}"#,
            r#"{"sub":"a","exp":1,"x":2}"#,
            r#"{"exp":1,"sub":"a"}"#,
            r#"{ "sub":"a","exp":1}"#,
            r#"{"sub":"a", "exp":1}"#,
            r#"{"sub":"a","exp":"1"}"#,
            r#"{"sub":"a","exp":1"#,
            r#"{"sub":"a""#,
            r#"{"sub":"#,
        ];
        for json in declined {
            assert!(halext_access_shape(json.as_bytes()).is_none(), "{json}");
            assert_eq!(parse(json), general(json), "{json}");
        }
        // Bytes that are not UTF-8 are not printable ASCII: declined, and the general parser
        // rejects them.
        let bad_utf8 = b"{\"sub\":\"\xff\",\"exp\":1}";
        assert!(halext_access_shape(bad_utf8).is_none());
        assert!(matches!(parse_claims(bad_utf8, Algorithm::HS256, None), Err(TokenError::Malformed { .. })));
    }

    #[test]
    fn escaped_names_are_recognised() {
        let c = parse(r#"{"s\u0075b":"alice","\u00e9":1}"#).unwrap();
        assert_eq!(c.sub(), Some("alice"));
        assert_eq!(c.get_i64("é"), Some(1));
    }
}
