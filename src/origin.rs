//! Link origins: the exact `scheme://host[:port]` the provider's pages are served from.

use crate::error::WidgetError;

/// The origin of the provider's hosted flow, normalised the way browsers
/// serialise `MessageEvent.origin`: lowercase scheme and host, no default port.
///
/// Messages are accepted only when their origin is *equal* to this one;
/// there are no prefix, suffix or subdomain matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkOrigin(String);

/// The production origin of OnlyFansAPI's hosted flow.
pub const DEFAULT_LINK_ORIGIN: &str = "https://app.onlyfansapi.com";

impl LinkOrigin {
    /// Parses an origin such as `https://app.onlyfansapi.com` or `http://127.0.0.1:8081`.
    ///
    /// `http` is accepted only for loopback hosts (`localhost`, `127.0.0.0/8`, `[::1]`),
    /// which browsers treat as secure contexts; everything else must be `https`.
    pub fn parse(raw: &str) -> Result<Self, WidgetError> {
        Self::parse_option(raw, "linkOrigin")
    }

    /// As [`LinkOrigin::parse`], naming `option` in the error.
    pub fn parse_option(raw: &str, option: &str) -> Result<Self, WidgetError> {
        let invalid = |why: &str| {
            WidgetError::InvalidOptions(format!(
                "`{option}` must be an origin like \"{DEFAULT_LINK_ORIGIN}\": {why}"
            ))
        };
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(invalid("it has no scheme"));
        };
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(invalid(
                "the scheme must be https (or http for a loopback host)",
            ));
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(invalid("it has no host"));
        }
        if authority.contains(['/', '?', '#']) {
            return Err(invalid("it must not have a path, query or fragment"));
        }
        if authority.contains('@') {
            return Err(invalid("it must not contain credentials"));
        }
        let (host, port) = split_host_port(authority).map_err(invalid)?;
        let host = host.to_ascii_lowercase();
        if !host.is_ascii() {
            return Err(invalid(
                "write an internationalised host name in its punycode (xn--) form",
            ));
        }
        let valid_host = if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'))
        {
            !v6.is_empty()
                && v6
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
        } else {
            host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
        };
        if !valid_host {
            return Err(invalid("the host is not a valid host name"));
        }
        if scheme == "http" && !is_loopback(&host) {
            return Err(invalid(
                "http is only allowed for loopback hosts; use https",
            ));
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        Ok(Self(match port {
            Some(p) if p != default_port => format!("{scheme}://{host}:{p}"),
            _ => format!("{scheme}://{host}"),
        }))
    }

    /// The origin as browsers serialise it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether its host is a loopback one (`localhost`, `127.0.0.0/8`, `[::1]`).
    pub fn is_loopback(&self) -> bool {
        let authority = self.0.split_once("://").map_or("", |(_, a)| a);
        split_host_port(authority).is_ok_and(|(host, _)| is_loopback(host))
    }

    /// Whether a `MessageEvent.origin` is exactly this origin.
    pub fn matches(&self, event_origin: &str) -> bool {
        self.0 == event_origin
    }
}

impl Default for LinkOrigin {
    fn default() -> Self {
        Self(DEFAULT_LINK_ORIGIN.to_owned())
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), &'static str> {
    let (host, port) = match authority.rfind(':') {
        // A colon inside an IPv6 literal is not a port separator.
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    let port = match port {
        None => None,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => Some(
            p.parse::<u16>()
                .map_err(|_| "the port must be between 1 and 65535")?,
        ),
        Some(_) => return Err("the port must be a number between 1 and 65535"),
    };
    if port == Some(0) {
        return Err("the port must be between 1 and 65535");
    }
    Ok((host, port))
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_valid_origins() {
        let cases = [
            ("https://app.onlyfansapi.com", "https://app.onlyfansapi.com"),
            (
                "https://app.onlyfansapi.com/",
                "https://app.onlyfansapi.com",
            ),
            ("HTTPS://App.OnlyFansAPI.com", "https://app.onlyfansapi.com"),
            (
                "https://app.onlyfansapi.com:443",
                "https://app.onlyfansapi.com",
            ),
            (
                "https://app.onlyfansapi.com:8443",
                "https://app.onlyfansapi.com:8443",
            ),
            ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
            ("http://localhost:80", "http://localhost"),
            ("http://[::1]:9000", "http://[::1]:9000"),
            ("http://[::1]", "http://[::1]"),
            ("https://[::ffff:192.0.2.1]", "https://[::ffff:192.0.2.1]"),
            (
                "https://xn--nxasmq6b.example",
                "https://xn--nxasmq6b.example",
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(LinkOrigin::parse(raw).unwrap().as_str(), want, "{raw}");
        }
    }

    #[test]
    fn rejects_everything_that_is_not_an_origin() {
        let cases = [
            ("", "no scheme"),
            ("app.onlyfansapi.com", "no scheme"),
            ("javascript://alert(1)", "scheme"),
            ("ftp://app.onlyfansapi.com", "scheme"),
            ("https://", "no host"),
            ("https://app.onlyfansapi.com/embed-auth", "path"),
            ("https://app.onlyfansapi.com?x=1", "path"),
            ("https://app.onlyfansapi.com#x", "path"),
            ("https://user:pw@app.onlyfansapi.com", "credentials"),
            ("https://app.onlyfansapi.com:0", "port"),
            ("https://app.onlyfansapi.com:65536", "port"),
            ("https://app.onlyfansapi.com:http", "port"),
            ("https://app.onlyfansapi.com:", "port"),
            ("https://app.onlyfansapi.com:+8443", "port"),
            ("https://app.onlyfansapi.com:000443", "port"),
            ("https://app..com", "host"),
            ("https://-app.com", "host"),
            ("https://app_1.com", "host"),
            ("https://[]", "host"),
            ("https://[::g]", "host"),
            ("https://bücher.example", "punycode"),
            ("http://app.onlyfansapi.com", "loopback"),
            ("http://127.0.0.1.evil.com", "loopback"),
            ("http://localhost.evil.com", "loopback"),
            ("http://127.0.0.0001", "loopback"),
        ];
        for (raw, why) in cases {
            let err = LinkOrigin::parse(raw).unwrap_err();
            assert_eq!(err.code(), "invalid_options");
            assert!(err.to_string().contains(why), "{raw}: {err}");
        }
    }

    #[test]
    fn matching_is_exact() {
        let origin = LinkOrigin::parse("https://app.onlyfansapi.com").unwrap();
        assert!(origin.matches("https://app.onlyfansapi.com"));
        for other in [
            "https://app.onlyfansapi.com.evil.com",
            "https://evil-app.onlyfansapi.com",
            "https://evil.app.onlyfansapi.com",
            "http://app.onlyfansapi.com",
            "https://app.onlyfansapi.com:443",
            "https://app.onlyfansapi.co",
            "https://APP.onlyfansapi.com",
            "null",
            "",
        ] {
            assert!(!origin.matches(other), "{other}");
        }
    }

    #[test]
    fn defaults_to_the_production_origin() {
        assert_eq!(LinkOrigin::default().as_str(), DEFAULT_LINK_ORIGIN);
    }
}
