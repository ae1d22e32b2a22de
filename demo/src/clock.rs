//! Time as the demo reads and writes it: Unix seconds, and RFC 3339 in UTC
//! to the second (`2026-11-22T03:04:05Z`), the provider's format.

use std::time::{SystemTime, UNIX_EPOCH};

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Now, in seconds since 1970.
pub fn unix_now() -> u64 {
    unix_secs(SystemTime::now())
}

/// `t` in whole seconds since 1970 (0 for an earlier time).
pub fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The last second RFC 3339 can write: `9999-12-31T23:59:59Z`.
const LAST_RFC3339_SECOND: u64 = 253_402_300_799;

/// `2026-11-22T03:04:05Z` for `secs` since 1970; a later time than RFC 3339
/// can write (after the year 9999) as its last second.
pub fn rfc3339(secs: u64) -> String {
    let secs = secs.min(LAST_RFC3339_SECOND) as i64;
    // Both steps succeed for every second from 1970 to the year 9999.
    OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_rfc3339() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_795_316_645, "2026-11-22T03:04:05Z"),
            (253_402_300_799, "9999-12-31T23:59:59Z"),
            (u64::MAX, "9999-12-31T23:59:59Z"),
        ];
        for (secs, want) in cases {
            assert_eq!(rfc3339(secs), want);
        }
    }
}
