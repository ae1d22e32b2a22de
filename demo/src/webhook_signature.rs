//! Verifying OFAuth's webhook signatures: copy this file as it is.
//!
//! `OFAuth-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]` passes when any one
//! `v1` is the HMAC-SHA256 of `"{t}.{raw body}"` keyed with the webhook
//! secret (the provider signs with the old and the new secret while it
//! rotates them), compared in constant time, and `t` is within
//! [`TOLERANCE_SECS`] of this server's clock either way.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a webhook's signed timestamp may be from this server's clock,
/// either way. Old ones are refused so that a captured delivery cannot be
/// replayed later (processing each event id once is the second line); ones
/// in the future get the same slack because the provider's clock may run
/// ahead of ours, and refusing them would drop real events.
pub const TOLERANCE_SECS: u64 = 5 * 60;

/// Checks `OFAuth-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, where a `v1` is
/// the hex HMAC-SHA256, keyed with `secret`, of `"{t}.{body}"` (the raw body,
/// byte for byte: verify before parsing). `now` is the Unix time in seconds.
pub fn verify(
    secret: &str,
    signature: Option<&str>,
    body: &[u8],
    now: u64,
) -> Result<(), &'static str> {
    let signature = signature.ok_or("no OFAuth-Signature header")?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in signature.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or("a malformed OFAuth-Signature header (an entry without `=`)")?;
        match key {
            // One timestamp only: with two, which one was signed is ambiguous.
            "t" if timestamp.is_some() => return Err("two timestamps in OFAuth-Signature"),
            "t" => timestamp = Some(value.parse::<u64>().map_err(|_| "a malformed timestamp")?),
            // Several while the provider rotates its secret: it signs with the
            // old and the new one, and either may be the one we have.
            "v1" => candidates.push(value),
            // Other schemes (a future `v2=`) are not ours to check.
            _ => {}
        }
    }
    let t = timestamp.ok_or("no timestamp in OFAuth-Signature")?;
    if candidates.is_empty() {
        return Err("no v1 signature in OFAuth-Signature");
    }
    if t > now.saturating_add(TOLERANCE_SECS) {
        return Err("a signature timestamp more than 5 minutes in the future");
    }
    if now > t.saturating_add(TOLERANCE_SECS) {
        return Err("a signature timestamp more than 5 minutes old");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "a bad secret")?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    // `verify_slice` compares in constant time, so the time taken says nothing
    // about how much of a guess was right. A candidate that is not hex cannot
    // match and is skipped.
    let valid = candidates
        .iter()
        .filter_map(|candidate| hex::decode(candidate).ok())
        .any(|candidate| mac.clone().verify_slice(&candidate).is_ok());
    if valid {
        Ok(())
    } else {
        Err("no valid signature")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// `OFAuth-Signature` for `body` at `t`, as the provider signs it.
    pub(crate) fn signed(secret: &str, t: u64, body: &str) -> String {
        format!("t={t},v1={}", hmac_hex(secret, t, body))
    }

    /// The hex HMAC-SHA256 of `"{t}.{body}"` keyed with `secret`.
    fn hmac_hex(secret: &str, t: u64, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    const BODY: &str = r#"{"id":"evt_1"}"#;
    const NOW: u64 = 1_795_316_645;

    fn check(signature: &str) -> Result<(), &'static str> {
        verify("s", Some(signature), BODY.as_bytes(), NOW)
    }

    #[test]
    fn webhook_signatures_are_verified() {
        assert_eq!(check(&signed("s", NOW, BODY)), Ok(()));
        // The Python-computed vector of the sandbox's signer verifies too.
        let v = "t=1795316645,v1=8801b69004b0e6a5927c227188923bf2f9fc924554ce71c8c5e0bd8713fd91d6";
        assert_eq!(
            verify("whsec_sandbox_secret", Some(v), BODY.as_bytes(), NOW),
            Ok(())
        );
        assert_eq!(
            verify("s", None, BODY.as_bytes(), NOW),
            Err("no OFAuth-Signature header")
        );
        assert_eq!(
            check(&signed("other", NOW, BODY)),
            Err("no valid signature")
        );
        // The body is what is signed, byte for byte.
        assert_eq!(
            verify(
                "s",
                Some(&signed("s", NOW, BODY)),
                br#"{"id": "evt_1"}"#,
                NOW
            ),
            Err("no valid signature")
        );
        // So is the timestamp: a valid signature moved to another time fails.
        let moved = format!("t={},v1={}", NOW - 1, hmac_hex("s", NOW, BODY));
        assert_eq!(check(&moved), Err("no valid signature"));
    }

    #[test]
    fn timestamps_are_allowed_five_minutes_either_way() {
        for (t, want) in [
            (NOW - 300, Ok(())),
            (NOW - 1, Ok(())),
            (NOW + 1, Ok(())),
            (NOW + 300, Ok(())),
            (
                NOW - 301,
                Err("a signature timestamp more than 5 minutes old"),
            ),
            (
                NOW + 301,
                Err("a signature timestamp more than 5 minutes in the future"),
            ),
            (0, Err("a signature timestamp more than 5 minutes old")),
            (
                u64::MAX,
                Err("a signature timestamp more than 5 minutes in the future"),
            ),
        ] {
            assert_eq!(check(&signed("s", t, BODY)), want, "t = {t}");
        }
    }

    #[test]
    fn any_v1_signature_may_be_the_valid_one() {
        let good = hmac_hex("s", NOW, BODY);
        let old = hmac_hex("old secret", NOW, BODY);
        for signature in [
            format!("t={NOW},v1={good},v1={old}"),
            format!("t={NOW},v1={old},v1={good}"),
            format!("v1={old}, t={NOW}, v1={good}"),
            // Entries that cannot match, or are another scheme, are skipped.
            format!("t={NOW},v1=zz,v1=,v1={good}"),
            format!("t={NOW},v0={old},v1={good},v2=future"),
        ] {
            assert_eq!(check(&signature), Ok(()), "{signature}");
        }
        let other = hmac_hex("other", NOW, BODY);
        assert_eq!(
            check(&format!("t={NOW},v1={old},v1={other}")),
            Err("no valid signature")
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let good = hmac_hex("s", NOW, BODY);
        for (signature, why) in [
            ("v1=00".to_owned(), "no timestamp in OFAuth-Signature"),
            (format!("t={NOW}"), "no v1 signature in OFAuth-Signature"),
            (
                format!("t={NOW},v2={good}"),
                "no v1 signature in OFAuth-Signature",
            ),
            (format!("t=now,v1={good}"), "a malformed timestamp"),
            (format!("t=-1,v1={good}"), "a malformed timestamp"),
            (
                format!("t={NOW},v1={good},junk"),
                "a malformed OFAuth-Signature header (an entry without `=`)",
            ),
            (
                format!("t={NOW},v1={good},"),
                "a malformed OFAuth-Signature header (an entry without `=`)",
            ),
            (
                String::new(),
                "a malformed OFAuth-Signature header (an entry without `=`)",
            ),
            // Two timestamps, even equal ones, are refused rather than guessed at.
            (
                format!("t={NOW},t={NOW},v1={good}"),
                "two timestamps in OFAuth-Signature",
            ),
            (
                format!("t=1,v1={good},t={NOW}"),
                "two timestamps in OFAuth-Signature",
            ),
        ] {
            assert_eq!(check(&signature), Err(why), "{signature}");
        }
    }
}
