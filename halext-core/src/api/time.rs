//! [`Timestamp`]: the one datetime type of the API client.
//!
//! Halext returns ISO-8601 datetimes *without* an offset on SQLite (`2026-11-29T16:54:53`) and
//! probably *with* one on Postgres (`2026-11-29T16:54:53+00:00`); reference §0 "Datetimes".
//! Both parse; a value without an offset is UTC. A `Timestamp` is always held in UTC and is
//! written back as RFC 3339 with `Z` (which the server accepts).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// An instant in UTC, parsed leniently from Halext's ISO-8601 strings.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]` (also with a space instead of `T`).
    /// No offset means UTC. Returns `None` for anything else.
    pub fn parse(s: &str) -> Option<Timestamp> {
        let s = s.trim();
        let owned;
        let s = if s.len() > 10 && s.as_bytes()[10] == b' ' {
            owned = format!("{}T{}", &s[..10], &s[11..]);
            owned.as_str()
        } else {
            s
        };
        OffsetDateTime::parse(s, &Rfc3339)
            .or_else(|_| OffsetDateTime::parse(s, &Iso8601::DEFAULT))
            .or_else(|_| PrimitiveDateTime::parse(s, &Iso8601::DEFAULT).map(PrimitiveDateTime::assume_utc))
            .ok()
            .map(|t| Timestamp(t.to_offset(UtcOffset::UTC)))
    }

    /// The instant `secs` seconds after the Unix epoch, if representable.
    pub fn from_unix(secs: i64) -> Option<Timestamp> {
        OffsetDateTime::from_unix_timestamp(secs).ok().map(Timestamp)
    }

    /// The current time.
    pub fn now() -> Timestamp {
        Timestamp(OffsetDateTime::now_utc())
    }

    /// Whole seconds since the Unix epoch (rounded down).
    pub fn unix_seconds(&self) -> i64 {
        self.0.unix_timestamp()
    }

    /// The value as a `time::OffsetDateTime` in UTC.
    pub fn as_offset_datetime(&self) -> OffsetDateTime {
        self.0
    }

    /// RFC 3339 in UTC, e.g. `2026-11-29T16:54:53Z` (fraction only when non-zero).
    pub fn to_rfc3339(&self) -> String {
        self.0.format(&Rfc3339).unwrap_or_default()
    }
}

impl From<OffsetDateTime> for Timestamp {
    fn from(t: OffsetDateTime) -> Self {
        Timestamp(t.to_offset(UtcOffset::UTC))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.to_rfc3339())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Timestamp::parse(&s).ok_or_else(|| serde::de::Error::custom("expected an ISO-8601 datetime"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_and_without_offset() {
        let naive = Timestamp::parse("2026-11-29T16:54:53").expect("naive");
        assert_eq!(naive.unix_seconds(), 1_795_971_293);
        assert_eq!(Timestamp::parse("2026-11-29T16:54:53Z"), Some(naive));
        assert_eq!(Timestamp::parse("2026-11-29T16:54:53+00:00"), Some(naive));
        assert_eq!(Timestamp::parse("2026-11-29T18:54:53+02:00"), Some(naive));
        assert_eq!(Timestamp::parse("2026-11-29 16:54:53"), Some(naive));
        let frac = Timestamp::parse("2026-11-29T16:54:53.123456").expect("fraction");
        assert_eq!(frac.as_offset_datetime().microsecond(), 123_456);
        assert_eq!(frac.to_rfc3339(), "2026-11-29T16:54:53.123456Z");
        assert_eq!(naive.to_string(), "2026-11-29T16:54:53Z");
        for bad in ["", "yesterday", "2026-13-01T00:00:00", "2026-11-29"] {
            assert_eq!(Timestamp::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn serde_round_trip() {
        let t: Timestamp = serde_json::from_str("\"2026-11-29T16:54:53\"").expect("de");
        assert_eq!(serde_json::to_string(&t).expect("ser"), "\"2026-11-29T16:54:53Z\"");
        assert!(serde_json::from_str::<Timestamp>("42").is_err());
    }
}
