//! Column values → Rust values, the way the reference says legacy columns must be read:
//! text by the table's charset (latin1 columns: UTF-8 bytes first, windows-1252 fallback),
//! zero dates and NULL as `None`, integers from either MySQL protocol.
//!
//! The connection asks for `character_set_results = binary`, so text arrives as the stored
//! bytes, untouched by the server; the decoding below is the only conversion.

use mysql_async::Value;

use crate::legacy::config::{Charset, TimeKind};

/// Why a value could not be decoded (becomes [`crate::legacy::RejectedRow::reason`]).
pub(crate) type Reason = String;

/// Decodes stored text bytes into a `String`, reusing the buffer when it already is UTF-8.
///
/// * `utf8mb4`/`utf8`: strict UTF-8; invalid bytes are an error.
/// * `latin1`: UTF-8 when the bytes are valid UTF-8 (apps that never set a connection charset
///   stored UTF-8 bytes in latin1 columns: `4A C3 BC 72 67 65 6E` = `Jürgen`), else
///   windows-1252 (genuine latin1 rows: `5A 6F EB` = `Zoë`).
pub(crate) fn text(bytes: Vec<u8>, charset: Charset) -> Result<String, Reason> {
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => match charset {
            Charset::Latin1 => {
                let bytes = e.into_bytes();
                let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
                Ok(decoded.into_owned())
            }
            Charset::Utf8 | Charset::Utf8mb4 => Err(format!(
                "invalid UTF-8 at byte {} in a {} column",
                e.utf8_error().valid_up_to(),
                charset.as_sql()
            )),
        },
    }
}

/// The bytes of a text-ish value (`None` for NULL). Numbers are rendered as text so that a
/// custom rule can compare `"1"` with an integer column.
pub(crate) fn bytes(v: Value) -> Option<Vec<u8>> {
    match v {
        Value::NULL => None,
        Value::Bytes(b) => Some(b),
        Value::Int(i) => Some(i.to_string().into_bytes()),
        Value::UInt(u) => Some(u.to_string().into_bytes()),
        Value::Float(f) => Some(f.to_string().into_bytes()),
        Value::Double(f) => Some(f.to_string().into_bytes()),
        other @ (Value::Date(..) | Value::Time(..)) => {
            Some(other.as_sql(true).trim_matches('\'').as_bytes().to_vec())
        }
    }
}

/// Optional text: NULL → `None`; empty (after trimming ASCII whitespace when `trim`) → `None`.
pub(crate) fn opt_text(v: Value, charset: Charset, trim: bool) -> Result<Option<String>, Reason> {
    let Some(b) = bytes(v) else { return Ok(None) };
    let mut s = text(b, charset)?;
    if trim {
        let end = s.trim_end().len();
        s.truncate(end);
        let start = s.len() - s.trim_start().len();
        if start > 0 {
            s.drain(..start);
        }
    }
    Ok(if s.is_empty() { None } else { Some(s) })
}

/// An integer from either protocol (text: ASCII decimal). NULL → `None`. A `FLOAT`/`DOUBLE`
/// column (binary protocol) is accepted when its value is a whole number, as its text form is
/// (a custom profile keeping Unix times in a `DOUBLE`).
pub(crate) fn int(v: &Value) -> Result<Option<i128>, Reason> {
    let whole = |f: f64| (f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38).then_some(f as i128);
    match v {
        Value::NULL => Ok(None),
        Value::Int(i) => Ok(Some(i128::from(*i))),
        Value::UInt(u) => Ok(Some(i128::from(*u))),
        Value::Double(f) => whole(*f).map(Some).ok_or_else(|| format!("{f} is not an integer")),
        Value::Float(f) => whole(f64::from(*f)).map(Some).ok_or_else(|| format!("{f} is not an integer")),
        Value::Bytes(b) => {
            let s = std::str::from_utf8(b).map_err(|_| "integer column holds non-ASCII bytes".to_owned())?;
            s.trim().parse::<i128>().map(Some).map_err(|_| format!("`{}` is not an integer", shorten(s)))
        }
        other => Err(format!("expected an integer, got {}", kind_name(other))),
    }
}

/// A legacy id: a non-negative integer that fits `u64`.
pub(crate) fn id(raw: i128) -> Result<u64, Reason> {
    u64::try_from(raw).map_err(|_| format!("id {raw} is not a non-negative 64-bit integer"))
}

/// A point in time as Unix seconds (UTC). Zero values and NULL → `None`.
///
/// * [`TimeKind::Unix`]: an integer; `0` and negatives mean "never/unknown" (the apps write
///   0 as their default).
/// * [`TimeKind::Datetime`]/[`TimeKind::Date`]: a `DATETIME`/`DATE` (binary protocol) or the
///   text `YYYY-MM-DD[ HH:MM:SS[.ffffff]]`; `0000-00-00…` → `None`; an impossible date
///   (`2019-02-30`, allowed by `ALLOW_INVALID_DATES`) is an error.
pub(crate) fn time(v: &Value, kind: TimeKind) -> Result<Option<i64>, Reason> {
    match kind {
        TimeKind::Unix => {
            let Some(t) = int(v)? else { return Ok(None) };
            if t <= 0 {
                return Ok(None);
            }
            i64::try_from(t).map(Some).map_err(|_| format!("timestamp {t} out of range"))
        }
        TimeKind::Datetime | TimeKind::Date => match v {
            Value::NULL => Ok(None),
            Value::Date(y, mo, d, h, mi, s, _) => civil(i64::from(*y), *mo, *d, *h, *mi, *s),
            Value::Bytes(b) => parse_datetime(b),
            other => Err(format!("expected a date, got {}", kind_name(other))),
        },
    }
}

fn parse_datetime(b: &[u8]) -> Result<Option<i64>, Reason> {
    let bad = || format!("`{}` is not a date", shorten(&String::from_utf8_lossy(b)));
    let num = |s: &[u8]| -> Option<u32> {
        if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(s).ok()?.parse().ok()
    };
    let (date, clock) = match b.iter().position(|&c| c == b' ' || c == b'T') {
        Some(i) => (&b[..i], Some(&b[i + 1..])),
        None => (b, None),
    };
    let mut dp = date.split(|&c| c == b'-');
    let (Some(y), Some(mo), Some(d), None) = (dp.next(), dp.next(), dp.next(), dp.next()) else {
        return Err(bad());
    };
    let (y, mo, d) = (num(y).ok_or_else(bad)?, num(mo).ok_or_else(bad)?, num(d).ok_or_else(bad)?);
    let (mut h, mut mi, mut s) = (0, 0, 0);
    if let Some(clock) = clock {
        let clock = clock.split(|&c| c == b'.').next().unwrap_or(clock);
        let mut cp = clock.split(|&c| c == b':');
        let (Some(a), Some(b2), Some(c), None) = (cp.next(), cp.next(), cp.next(), cp.next()) else {
            return Err(bad());
        };
        (h, mi, s) = (num(a).ok_or_else(bad)?, num(b2).ok_or_else(bad)?, num(c).ok_or_else(bad)?);
    }
    let small = |v: u32| u8::try_from(v).map_err(|_| bad());
    civil(i64::from(y), small(mo)?, small(d)?, small(h)?, small(mi)?, small(s)?)
}

/// Calendar fields → Unix seconds, with the zero-date rules above.
fn civil(y: i64, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> Result<Option<i64>, Reason> {
    if y == 0 && mo == 0 && d == 0 {
        return Ok(None);
    }
    let shown = || format!("impossible date {y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
    let month = time::Month::try_from(mo).map_err(|_| shown())?;
    let year = i32::try_from(y).map_err(|_| shown())?;
    let date = time::Date::from_calendar_date(year, month, d).map_err(|_| shown())?;
    let dt = date.with_hms(h, mi, s).map_err(|_| shown())?;
    Ok(Some(dt.assume_utc().unix_timestamp()))
}

fn kind_name(v: &Value) -> &'static str {
    match v {
        Value::NULL => "NULL",
        Value::Bytes(_) => "text",
        Value::Int(_) | Value::UInt(_) => "an integer",
        Value::Float(_) | Value::Double(_) => "a float",
        Value::Date(..) => "a date",
        Value::Time(..) => "a time",
    }
}

/// At most 40 characters of a value for an error message (these are never secrets: dates and
/// numbers only).
fn shorten(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_columns_decode_utf8_bytes_then_windows_1252() {
        assert_eq!(text(b"J\xc3\xbcrgen".to_vec(), Charset::Latin1).as_deref(), Ok("Jürgen"));
        assert_eq!(text(b"Zo\xeb".to_vec(), Charset::Latin1).as_deref(), Ok("Zoë"));
        assert_eq!(text(b"\x80 5".to_vec(), Charset::Latin1).as_deref(), Ok("€ 5"));
        assert!(text(b"Zo\xeb".to_vec(), Charset::Utf8mb4).is_err());
        assert_eq!(text("Zoë".as_bytes().to_vec(), Charset::Utf8mb4).as_deref(), Ok("Zoë"));
    }

    #[test]
    fn optional_text_trims_and_empties() {
        let v = |s: &str| Value::Bytes(s.as_bytes().to_vec());
        assert_eq!(opt_text(v("  a@b.c \t"), Charset::Utf8mb4, true), Ok(Some("a@b.c".to_owned())));
        assert_eq!(opt_text(v("   "), Charset::Utf8mb4, true), Ok(None));
        assert_eq!(opt_text(v(""), Charset::Utf8mb4, false), Ok(None));
        assert_eq!(opt_text(v(" x "), Charset::Utf8mb4, false), Ok(Some(" x ".to_owned())));
        assert_eq!(opt_text(Value::NULL, Charset::Utf8mb4, true), Ok(None));
        assert_eq!(opt_text(Value::Int(3), Charset::Utf8mb4, true), Ok(Some("3".to_owned())));
    }

    #[test]
    fn integers_from_both_protocols() {
        assert_eq!(int(&Value::Bytes(b"-1".to_vec())), Ok(Some(-1)));
        assert_eq!(int(&Value::Bytes(b"18446744073709551615".to_vec())), Ok(Some(i128::from(u64::MAX))));
        assert_eq!(int(&Value::UInt(7)), Ok(Some(7)));
        assert_eq!(int(&Value::NULL), Ok(None));
        assert_eq!(int(&Value::Double(1_600_000_000.0)), Ok(Some(1_600_000_000)));
        assert_eq!(int(&Value::Float(-3.0)), Ok(Some(-3)));
        assert!(int(&Value::Double(1.5)).is_err());
        assert!(int(&Value::Double(f64::NAN)).is_err());
        assert!(int(&Value::Double(1e300)).is_err());
        assert!(int(&Value::Bytes(b"12abc".to_vec())).is_err());
        assert!(int(&Value::Bytes(b"\xff".to_vec())).is_err());
        assert_eq!(id(5), Ok(5));
        assert!(id(-1).is_err());
        assert!(id(i128::from(u64::MAX) + 1).is_err());
    }

    #[test]
    fn times_and_zero_dates() {
        let b = |s: &str| Value::Bytes(s.as_bytes().to_vec());
        assert_eq!(time(&b("2015-03-01 12:00:00"), TimeKind::Datetime), Ok(Some(1_425_211_200)));
        assert_eq!(time(&b("2015-03-01 12:00:00.250000"), TimeKind::Datetime), Ok(Some(1_425_211_200)));
        assert_eq!(time(&b("0000-00-00 00:00:00"), TimeKind::Datetime), Ok(None));
        assert_eq!(time(&b("0000-00-00"), TimeKind::Date), Ok(None));
        assert_eq!(time(&b("2019-03-29"), TimeKind::Date), Ok(Some(1_553_817_600)));
        assert_eq!(time(&Value::Date(2019, 3, 29, 0, 0, 0, 0), TimeKind::Date), Ok(Some(1_553_817_600)));
        assert_eq!(time(&Value::Date(0, 0, 0, 0, 0, 0, 0), TimeKind::Datetime), Ok(None));
        assert_eq!(time(&Value::NULL, TimeKind::Date), Ok(None));
        assert!(time(&b("2019-02-30"), TimeKind::Date).expect_err("impossible").contains("impossible date"));
        assert!(time(&b("2019-00-10"), TimeKind::Date).is_err());
        assert!(time(&b("yesterday"), TimeKind::Date).is_err());
        assert!(time(&b("2019-1-1-1"), TimeKind::Date).is_err());
        assert!(time(&b("2019-01-01 25:00:00"), TimeKind::Datetime).is_err());
        assert_eq!(time(&b("1262304000"), TimeKind::Unix), Ok(Some(1_262_304_000)));
        assert_eq!(time(&b("0"), TimeKind::Unix), Ok(None));
        assert_eq!(time(&Value::Int(-5), TimeKind::Unix), Ok(None));
    }
}
