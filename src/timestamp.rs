//! Parsing the two date formats the widget meets, to Unix milliseconds:
//! HTTP-dates in `Retry-After` (RFC 9110 IMF-fixdate) and RFC 3339 `expiresAt`.
//!
//! By hand, unlike the servers (which use the `time` crate): the widget
//! needs only these two fixed formats, and every crate it links is paid for
//! by the host page within the 100 KB budget. `tests/fuzz.rs` checks they
//! never panic.

/// `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate, the form servers must send).
pub fn parse_http_date(s: &str) -> Option<f64> {
    let rest = s.trim().split_once(", ")?.1;
    let mut parts = rest.split(' ');
    let day = digits(parts.next()?, 2)? as u32;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year = digits(parts.next()?, 4)?;
    let (h, m, sec) = hms(parts.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    epoch_ms(year, month, day, h, m, sec, 0.0)
}

/// `2026-11-22T03:04:05Z`, `2026-11-22T03:04:05.250+01:00` (RFC 3339).
pub fn parse_rfc3339(s: &str) -> Option<f64> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', 't', ' '])?;
    let mut d = date.split('-');
    let year: i64 = digits(d.next()?, 4)?;
    let month: u32 = digits(d.next()?, 2)? as u32;
    let day: u32 = digits(d.next()?, 2)? as u32;
    if d.next().is_some() {
        return None;
    }
    let (clock, offset_minutes) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else {
        let i = time.rfind(['+', '-'])?;
        let (c, off) = time.split_at(i);
        let (oh, om) = off[1..].split_once(':')?;
        let (oh, om) = (digits(oh, 2)?, digits(om, 2)?);
        if oh > 23 || om > 59 {
            return None;
        }
        let minutes = oh * 60 + om;
        (
            c,
            if off.starts_with('-') {
                -minutes
            } else {
                minutes
            },
        )
    };
    let (clock, fraction) = match clock.split_once('.') {
        Some((c, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            (c, fraction_ms(f))
        }
        Some(_) => return None,
        None => (clock, 0.0),
    };
    let (h, m, sec) = hms(clock)?;
    Some(epoch_ms(year, month, day, h, m, sec, fraction)? - offset_minutes as f64 * 60_000.0)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// A second's decimal fraction (`250` of `.250`) in milliseconds, read in
/// integers: no float parsing code in the wasm. Digits past the nanosecond
/// are dropped.
fn fraction_ms(digits: &str) -> f64 {
    let nanos = digits
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(9)
        .fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    f64::from(nanos) / 1e6
}

fn hms(s: &str) -> Option<(u32, u32, u32)> {
    let mut p = s.split(':');
    let h = digits(p.next()?, 2)? as u32;
    let m = digits(p.next()?, 2)? as u32;
    let sec = digits(p.next()?, 2)? as u32;
    (p.next().is_none() && h < 24 && m < 60 && sec <= 60).then_some((h, m, sec))
}

fn epoch_ms(year: i64, month: u32, day: u32, h: u32, m: u32, s: u32, ms: f64) -> Option<f64> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month[month as usize - 1] {
        return None;
    }
    // Days from civil (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(month) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + i64::from(h) * 3600 + i64::from(m) * 60 + i64::from(s);
    Some(secs as f64 * 1000.0 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_http_dates() {
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777_000.0)
        );
        assert_eq!(
            parse_http_date("Sun, 22 Nov 2026 03:04:05 GMT"),
            Some(1_795_316_645_000.0)
        );
        // Fixed widths: no signs, no years past 9999 (which overflowed).
        for bad in [
            "Sun, 06 Jan 100000000000000 08:49:37 GMT",
            "Sun, 06 Jan +1994 08:49:37 GMT",
            "Sun, 06 Jan -1 08:49:37 GMT",
            "Sun, 6 Jan 1994 08:49:37 GMT",
            "Sun, +6 Jan 1994 08:49:37 GMT",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
        for bad in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "120",
        ] {
            assert_eq!(parse_http_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn parses_rfc3339() {
        let cases = [
            ("2026-11-22T03:04:05Z", 1_795_316_645_000.0),
            ("2026-11-22T03:04:05.250Z", 1_795_316_645_250.0),
            ("2026-11-22T03:04:05.25Z", 1_795_316_645_250.0),
            ("2026-11-22T03:04:05.0005Z", 1_795_316_645_000.5),
            ("2026-11-22T03:04:05.1234567891Z", 1_795_316_645_123.456_7),
            ("2026-11-22T04:04:05+01:00", 1_795_316_645_000.0),
            ("2026-11-22T02:34:05-00:30", 1_795_316_645_000.0),
            ("2000-02-29T00:00:00Z", 951_782_400_000.0),
        ];
        for (s, want) in cases {
            assert_eq!(parse_rfc3339(s), Some(want), "{s}");
        }
        for bad in [
            "",
            "2026-11-22",
            "2026-13-01T00:00:00Z",
            "2026-11-22T03:04Z",
            "2026-11-22T03:04:05",
            "26-11-22T03:04:05Z",
            "2026-11-22T03:04:05.Z",
            "2026-11-22T03:04:05+99:99",
            "2026-11-22T03:04:05+24:00",
            "2026-11-22T03:04:05-00:60",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
