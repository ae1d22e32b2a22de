//! Sandbox configuration.

use std::time::Duration;

use sha2::{Digest, Sha256};

/// An API key the sandbox accepts, with the origins allowed to embed its flows.
#[derive(Clone, Debug)]
pub struct ApiKey {
    /// The secret, sent as `Authorization: Bearer <key>`.
    pub key: String,
    /// Exact origins (`scheme://host[:port]`) that may frame the hosted flow
    /// and receive its messages.
    pub allowed_origins: Vec<String>,
}

/// Which OFAuth environment a key belongs to. Both use the same endpoints;
/// each sees only its own Link sessions and connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// Test data.
    Sandbox,
    /// "Live" data (in this emulator, simply another partition).
    Production,
}

impl Environment {
    /// `sandbox` or `production`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sandbox => "sandbox",
            Self::Production => "production",
        }
    }
}

/// An OFAuth API key (header `apikey`) and its environment.
#[derive(Clone, Debug)]
pub struct OfAuthKey {
    /// The secret.
    pub key: String,
    /// The environment it works in.
    pub environment: Environment,
}

/// An OFAuth client app: where its Link pages may be embedded and where
/// they may send the user back.
#[derive(Clone, Debug)]
pub struct ClientApp {
    /// The `clientAppId`.
    pub id: String,
    /// Exact origins that may embed its Link pages (`embed_origin`, `frame-ancestors`).
    pub allowed_origins: Vec<String>,
    /// Exact URLs `redirectUrl` may be.
    pub redirect_uris: Vec<String>,
}

/// How the sandbox behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The accepted API keys.
    pub api_keys: Vec<ApiKey>,
    /// The OFAuth API keys (header `apikey`).
    pub ofauth_keys: Vec<OfAuthKey>,
    /// The OFAuth client apps.
    pub client_apps: Vec<ClientApp>,
    /// Where OFAuth connections are kept (SQLite); `None`: in memory only.
    pub database: Option<std::path::PathBuf>,
    /// Access API requests per connection per `access_rate_window`.
    pub access_rate_limit: u32,
    /// The access API's rate window (a minute by default).
    pub access_rate_window: Duration,
    /// Where OFAuth webhooks are sent, if anywhere.
    pub webhook_url: Option<String>,
    /// The secret webhooks are signed with.
    pub webhook_secret: String,
    /// The first retry delay of a failed webhook delivery (doubling after).
    pub webhook_backoff: Duration,
    /// The webhook worker's time, a [`crate::WebhookClock`] (the system's by default).
    pub webhook_clock: crate::common::clock::Clock,
    /// How long a client session token stays valid.
    pub token_ttl: Duration,
    /// Failed API authentications (wrong or missing key) per client IP
    /// address per `auth_failure_window`, on each provider's API; past them,
    /// 429 for that address until the window ends.
    pub auth_failure_limit: u32,
    /// The window of `auth_failure_limit` (a minute by default).
    pub auth_failure_window: Duration,
    /// Requests per key per minute.
    pub rate_limit_minute: u32,
    /// Requests per key per day.
    pub rate_limit_day: u32,
    /// The credit balance reported in `_meta._credits`.
    pub credit_balance: u64,
    /// Host names (without port) accepted in the `Host` header besides the
    /// loopback names (`localhost`, `127.0.0.0/8`, `[::1]`), which are always
    /// accepted. Anything else is refused, which defeats DNS rebinding.
    pub public_hosts: Vec<String>,
    /// A `Cross-Origin-Opener-Policy` for the hosted pages, to reproduce a
    /// provider that cuts popups off from their opener (`same-origin`).
    pub cross_origin_opener_policy: Option<String>,
}

/// The API key the sandbox accepts when none is configured.
pub const DEFAULT_API_KEY: &str = "ofapi_sandbox_key";
/// The OFAuth API key the sandbox accepts when none is configured.
pub const DEFAULT_OFAUTH_KEY: &str = "ofauth_sk_sandbox_key";
/// The webhook signing secret when none is configured.
pub const DEFAULT_WEBHOOK_SECRET: &str = "whsec_sandbox_secret";
/// The OFAuth client app id the sandbox has when none is configured.
pub const DEFAULT_CLIENT_APP: &str = "app_sandbox";

impl ClientApp {
    /// The default app for these origins: each may embed, and may be sent
    /// back to `<origin>/ofauth/return`.
    pub fn for_origins(origins: &[String]) -> Self {
        Self {
            id: DEFAULT_CLIENT_APP.to_owned(),
            allowed_origins: origins.to_vec(),
            redirect_uris: origins
                .iter()
                .map(|o| format!("{o}/ofauth/return"))
                .collect(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            api_keys: vec![ApiKey {
                key: DEFAULT_API_KEY.to_owned(),
                allowed_origins: vec!["http://localhost:8080".to_owned()],
            }],
            ofauth_keys: vec![OfAuthKey {
                key: DEFAULT_OFAUTH_KEY.to_owned(),
                environment: Environment::Sandbox,
            }],
            client_apps: vec![ClientApp::for_origins(
                &["http://localhost:8080".to_owned()],
            )],
            database: None,
            access_rate_limit: 60,
            access_rate_window: Duration::from_secs(60),
            webhook_url: None,
            webhook_secret: DEFAULT_WEBHOOK_SECRET.to_owned(),
            webhook_backoff: Duration::from_secs(1),
            webhook_clock: crate::common::clock::Clock::default(),
            token_ttl: Duration::from_secs(15 * 60),
            auth_failure_limit: 10,
            auth_failure_window: Duration::from_secs(60),
            rate_limit_minute: 1000,
            rate_limit_day: 50_000,
            credit_balance: 1_000_000,
            public_hosts: vec![],
            cross_origin_opener_policy: None,
        }
    }
}

impl Config {
    /// Every origin allowed by any key (for pages whose key is unknown).
    pub(crate) fn all_origins(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .api_keys
            .iter()
            .flat_map(|k| k.allowed_origins.clone())
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// The environment of the OFAuth key matching `presented`, compared in constant time.
    pub(crate) fn find_ofauth_key(&self, presented: &str) -> Option<Environment> {
        let mut found = None;
        for k in &self.ofauth_keys {
            if constant_time_eq(k.key.as_bytes(), presented.as_bytes()) {
                found = Some(k.environment);
            }
        }
        found
    }

    /// The key matching `presented`, compared in constant time.
    pub(crate) fn find_key(&self, presented: &str) -> Option<usize> {
        let mut found = None;
        for (i, k) in self.api_keys.iter().enumerate() {
            if constant_time_eq(k.key.as_bytes(), presented.as_bytes()) {
                found = Some(i);
            }
        }
        found
    }
}

impl Config {
    /// Refuses what would make the sandbox unsafe: an allowed origin that is
    /// not exactly `scheme://host[:port]` (`*` would become `postMessage(…, "*")`
    /// and `frame-ancestors *`).
    pub(crate) fn validate(&self) -> Result<(), String> {
        let keys = self.api_keys.iter().enumerate().flat_map(|(i, k)| {
            k.allowed_origins
                .iter()
                .map(move |o| (format!("the allowed origins of API key #{}", i + 1), o))
        });
        let apps = self.client_apps.iter().flat_map(|a| {
            a.allowed_origins
                .iter()
                .map(move |o| (format!("the allowed origins of client app `{}`", a.id), o))
        });
        for (place, origin) in keys.chain(apps) {
            check_origin(origin).map_err(|why| format!("{origin:?} in {place}: {why}"))?;
        }
        Ok(())
    }

    /// Whether a `Host` header value names this sandbox.
    pub(crate) fn accepts_host(&self, host: &str) -> bool {
        let name = match host.strip_prefix('[') {
            Some(v6) => v6
                .split(']')
                .next()
                .map(|h| format!("[{h}]"))
                .unwrap_or_default(),
            None => host
                .rsplit_once(':')
                .map_or(host, |(h, port)| {
                    if port.bytes().all(|b| b.is_ascii_digit()) {
                        h
                    } else {
                        host
                    }
                })
                .to_owned(),
        };
        let name = name.to_ascii_lowercase();
        let loopback_v4 = name.split('.').count() == 4
            && name.starts_with("127.")
            && name.split('.').all(|o| o.parse::<u8>().is_ok());
        name == "localhost"
            || name == "[::1]"
            || loopback_v4
            || self
                .public_hosts
                .iter()
                .any(|h| h.eq_ignore_ascii_case(&name))
    }
}

/// Why `origin` is not an origin as browsers write it: `http` or `https`,
/// `://`, a lower-case host, an optional port, and nothing else.
fn check_origin(origin: &str) -> Result<(), &'static str> {
    const SHAPE: &str = "an allowed origin must be exactly scheme://host[:port], such as https://crm.example or http://localhost:8080";
    let (scheme, authority) = origin.split_once("://").ok_or(SHAPE)?;
    if scheme != "http" && scheme != "https" {
        return Err("only http and https origins can be allowed (lower case)");
    }
    if authority.contains(['/', '?', '#']) {
        return Err("an origin has no path, query or fragment, not even a trailing `/`");
    }
    if authority.contains('@') {
        return Err("an origin has no user name or password");
    }
    let (host, port) = match authority.rfind(':') {
        Some(i) if !authority[i..].contains(']') => (&authority[..i], Some(&authority[i + 1..])),
        _ => (authority, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => !v6.is_empty() && v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':'),
        None => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        }
    };
    if !host_ok {
        return Err("the host must be a lower-case name or an IP address, not a wildcard");
    }
    match port {
        None => Ok(()),
        Some(p) => match p.parse::<u16>() {
            Ok(80) if scheme == "http" => Err("browsers leave out the default port 80"),
            Ok(443) if scheme == "https" => Err("browsers leave out the default port 443"),
            Ok(n) if n > 0 && !p.starts_with('0') => Ok(()),
            _ => Err(SHAPE),
        },
    }
}

/// Whether `presented` is `expected`. Both are hashed with SHA-256 and the
/// two 32-byte digests compared with [`same_bytes`]: the comparison takes the
/// same steps whatever the keys' lengths and wherever they differ.
fn constant_time_eq(expected: &[u8], presented: &[u8]) -> bool {
    let (expected, presented) = (Sha256::digest(expected), Sha256::digest(presented));
    same_bytes(expected.iter().zip(&presented))
}

/// Whether each pair holds two equal bytes, reading every pair (no exit at
/// the first difference).
fn same_bytes<'a>(pairs: impl Iterator<Item = (&'a u8, &'a u8)>) -> bool {
    pairs.fold(0, |differ, (a, b)| differ | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_and_configured_hosts_are_accepted() {
        let c = Config {
            public_hosts: vec!["sandbox.ci.internal".into()],
            ..Config::default()
        };
        for ok in [
            "127.0.0.1:8081",
            "localhost:8081",
            "LOCALHOST",
            "[::1]:8081",
            "127.1.2.3",
            "sandbox.ci.internal:8081",
        ] {
            assert!(c.accepts_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:8081",
            "127.0.0.1.evil.example",
            "localhost.evil.example",
            "[::2]:8081",
            "",
            "127.0.0.256",
            "sandbox.ci.internal.evil",
        ] {
            assert!(!c.accepts_host(bad), "{bad}");
        }
    }

    #[test]
    fn only_exact_http_origins_are_accepted() {
        for ok in [
            "http://localhost:8080",
            "https://crm.example",
            "http://127.0.0.1:3000",
            "http://[::1]:8080",
            "http://[::1]",
            "https://app.crm-1.example:8443",
        ] {
            assert_eq!(check_origin(ok), Ok(()), "{ok}");
        }
        for bad in [
            "*",
            "null",
            "",
            "localhost:8080",
            "http://",
            "http://*.crm.example",
            "http://localhost:8080/",
            "http://localhost:8080/app",
            "http://localhost:8080?x=1",
            "http://localhost:8080#x",
            "http://user:pw@localhost:8080",
            "ftp://crm.example",
            "javascript://crm.example",
            "file:///etc",
            "HTTP://crm.example",
            "http://CRM.example",
            "http://crm.example:",
            "http://crm.example:99999",
            "http://crm.example:0",
            "http://crm.example:80",
            "https://crm.example:443",
            "http://crm example",
            "http://[::1",
            "http://[]:80",
        ] {
            assert!(check_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_match_exactly() {
        let c = Config::default();
        assert_eq!(c.find_key(DEFAULT_API_KEY), Some(0));
        for wrong in [
            "",
            "ofapi_sandbox_ke",
            "ofapi_sandbox_keyy",
            "OFAPI_SANDBOX_KEY",
        ] {
            assert_eq!(c.find_key(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn key_digests_are_compared_whole_wherever_they_differ() {
        // Equal; one byte different, at each position; two differences that
        // cancel out if the bytes were XORed together. Every pair is read.
        let key = [7u8; 32];
        let mut cases = vec![(key, true)];
        for i in 0..32 {
            let mut other = key;
            other[i] ^= 1;
            cases.push((other, false));
        }
        let mut twice = key;
        twice[0] ^= 1;
        twice[1] ^= 1;
        cases.push((twice, false));
        for (other, equal) in cases {
            let mut read = 0;
            let same = same_bytes(key.iter().zip(&other).inspect(|_| read += 1));
            assert_eq!((same, read), (equal, 32), "{other:?}");
        }
    }
}
