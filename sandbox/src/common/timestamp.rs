//! The one time format of both APIs: RFC 3339 in UTC, to the second
//! (`2026-11-22T03:04:05Z`), written by the `time` crate.

use serde::{Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A moment to the second, written as RFC 3339 in UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timestamp(OffsetDateTime);

/// The last second RFC 3339 can write (9999-12-31T23:59:59Z).
const LAST: i64 = 253_402_300_799;

impl Timestamp {
    /// The moment `secs` seconds after the Unix epoch (at most the last
    /// second of year 9999, which the format can write).
    pub fn from_unix(secs: u64) -> Self {
        let secs = i64::try_from(secs).unwrap_or(LAST).min(LAST);
        Self(OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH))
    }

    /// The moment `millis` milliseconds after the Unix epoch, to the second below.
    pub fn from_unix_millis(millis: i64) -> Self {
        Self::from_unix(u64::try_from(millis / 1000).unwrap_or(0))
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Whole seconds in UTC, from year 1970 to 9999: always writable.
        let text = self.0.format(&Rfc3339).map_err(|_| std::fmt::Error)?;
        f.write_str(&text)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Timestamp::from_unix(0).to_string(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Timestamp::from_unix(1_795_316_645).to_string(),
            "2026-11-22T03:04:05Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(1_795_316_645_999).to_string(),
            "2026-11-22T03:04:05Z"
        );
        assert_eq!(
            Timestamp::from_unix(u64::MAX).to_string(),
            "9999-12-31T23:59:59Z"
        );
        assert_eq!(
            serde_json::to_string(&Timestamp::from_unix(0)).unwrap(),
            r#""1970-01-01T00:00:00Z""#
        );
    }
}
