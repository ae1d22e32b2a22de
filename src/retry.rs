//! When to retry fetching a session: `Retry-After` and exponential backoff with jitter.

use std::time::Duration;

use crate::timestamp::parse_http_date;

/// The longest `Retry-After` the widget waits for; a longer one fails at once
/// with `rate_limited`, telling the host when to try again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// How many times a fetch is retried after network errors, 5xx and 429.
pub const MAX_RETRIES: u32 = 3;

const BASE: Duration = Duration::from_millis(400);
const CAP: Duration = Duration::from_secs(5);

/// Parses `Retry-After`: delay-seconds or an HTTP-date, relative to `now_ms`.
/// A date in the past means "now".
pub fn parse_retry_after(value: &str, now_ms: f64) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = parse_http_date(value)?;
    Some(Duration::from_millis((at - now_ms).max(0.0) as u64))
}

/// The delay before retry number `attempt` (0-based): exponential from 400 ms,
/// capped at 5 s, with "equal jitter" (`jitter` in `[0, 1)`: half fixed, half random)
/// so that many clients do not retry in step.
pub fn backoff(attempt: u32, jitter: f64) -> Duration {
    let exp = BASE.saturating_mul(1 << attempt.min(16)).min(CAP);
    // Whole milliseconds: `Duration::mul_f64` would bring its panic messages.
    let half = exp.as_millis() as u64 / 2;
    Duration::from_millis(half + (half as f64 * jitter.clamp(0.0, 1.0)) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_and_dates() {
        let now = 784_111_777_000.0; // Sun, 06 Nov 1994 08:49:37 GMT
        let cases = [
            ("0", Some(0)),
            ("5", Some(5_000)),
            (" 120 ", Some(120_000)),
            ("Sun, 06 Nov 1994 08:49:47 GMT", Some(10_000)),
            ("Sun, 06 Nov 1994 08:49:00 GMT", Some(0)),
            ("-5", None),
            ("1.5", None),
            ("soon", None),
            ("", None),
        ];
        for (value, want) in cases {
            assert_eq!(
                parse_retry_after(value, now),
                want.map(Duration::from_millis),
                "{value:?}"
            );
        }
        assert_eq!(
            parse_retry_after("99999999999999999999999", now),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn backoff_grows_exponentially_within_bounds() {
        let schedule: Vec<(u64, u64)> = (0..6)
            .map(|a| {
                (
                    backoff(a, 0.0).as_millis() as u64,
                    backoff(a, 0.999_999).as_millis() as u64,
                )
            })
            .collect();
        assert_eq!(
            schedule,
            vec![
                (200, 399),
                (400, 799),
                (800, 1599),
                (1600, 3199),
                (2500, 4999),
                (2500, 4999)
            ]
        );
        assert_eq!(backoff(1000, 0.5), backoff(10, 0.5));
    }
}
