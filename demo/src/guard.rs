//! What the demo checks before its handlers run, and why. Copy these checks
//! with the handlers: each one closes an attack that works on a backend
//! listening on `localhost` as well as on a public one.
//!
//! - **`Host` allowlist** ([`Site::accepts_host`]): a request is answered only
//!   when its `Host` names this server: a loopback name (`localhost`,
//!   `127.0.0.0/8`, `[::1]`, any port) or the host of a configured public
//!   origin. Anything else gets 421. This defeats DNS rebinding: a page on
//!   `evil.example` whose DNS then answers `127.0.0.1` reaches this server as
//!   "same-origin", but its requests still say `Host: evil.example`. The port
//!   is not checked, as in the sandbox: a browser sends the port it connected
//!   to, so a `Host` with another port never comes from a browser talking to us.
//! - **CSRF** ([`Site::check_csrf`]): state-changing requests must come from
//!   the CRM's own pages. The rule is in that function's documentation.
//! - **No well-known secrets when exposed** ([`Site::new`]): the sandbox's
//!   default keys and webhook secret are public (they are in the README);
//!   a demo reachable from other machines with them would accept webhooks
//!   anyone can sign, so it refuses to start.

use std::net::Ipv4Addr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::config::{
    DemoConfig, Exposure, SANDBOX_API_KEY, SANDBOX_OFAUTH_KEY, SANDBOX_WEBHOOK_SECRET,
};
use crate::error::ApiError;

/// The names and origins this demo is served as.
#[derive(Debug)]
pub struct Site {
    /// The configured public origins, lowercased.
    origins: Vec<String>,
    /// Their host names (without port), for the `Host` allowlist.
    hosts: Vec<String>,
}

impl Site {
    /// Checks the exposure: each public origin must be an origin, and a demo
    /// reachable beyond this machine must not use the sandbox's well-known
    /// secrets.
    pub fn new(config: &DemoConfig, exposure: &Exposure) -> Result<Self, String> {
        let mut origins = Vec::new();
        let mut hosts = Vec::new();
        for origin in &exposure.public_origins {
            let origin = origin.trim_end_matches('/').to_ascii_lowercase();
            let host = parse_origin(&origin)
                .map_err(|why| format!("the public origin {origin:?} is not an origin ({why})"))?;
            hosts.push(host);
            origins.push(origin);
        }
        let exposed_at = if !exposure.bind.is_loopback() {
            Some(format!("it listens on {}", exposure.bind))
        } else {
            origins
                .iter()
                .zip(&hosts)
                .find(|(_, host)| !is_loopback(host))
                .map(|(origin, _)| format!("it is served at {origin}"))
        };
        if let Some(exposed_at) = exposed_at {
            let defaults: Vec<&str> = [
                (
                    &config.api_key,
                    SANDBOX_API_KEY,
                    "API key (--api-key, SANDBOX_API_KEY)",
                ),
                (
                    &config.ofauth_key,
                    SANDBOX_OFAUTH_KEY,
                    "OFAuth key (--ofauth-key, SANDBOX_OFAUTH_KEY)",
                ),
                (
                    &config.webhook_secret,
                    SANDBOX_WEBHOOK_SECRET,
                    "webhook secret (--webhook-secret, SANDBOX_WEBHOOK_SECRET)",
                ),
            ]
            .into_iter()
            .filter(|(value, default, _)| value == default)
            .map(|(_, _, name)| name)
            .collect();
            if !defaults.is_empty() {
                return Err(format!(
                    "refusing to start: {exposed_at}, beyond this machine, but uses the sandbox's \
                     well-known {}; anyone could use them. Set your own, or serve on loopback only.",
                    defaults.join(", ")
                ));
            }
        }
        Ok(Self { origins, hosts })
    }

    /// Whether a `Host` value names this server (see the module documentation).
    pub fn accepts_host(&self, host: &str) -> bool {
        let name = host_name(host);
        is_loopback(&name) || self.hosts.contains(&name)
    }

    /// Refuses a state-changing request that a browser sent from a page that
    /// is not the CRM's own (cross-site request forgery). The rule:
    ///
    /// 1. `GET`, `HEAD` and `OPTIONS` pass: they change nothing (the handlers
    ///    keep it so).
    /// 2. `Sec-Fetch-Site`, when present, must be `same-origin`. Browsers set
    ///    it and pages cannot. `cross-site` and `same-site` are other origins
    ///    (a sibling subdomain is not the CRM). `none` is also refused: it
    ///    means the user typed or bookmarked the URL, which never makes a
    ///    POST or DELETE to an API.
    /// 3. `Origin`, when present, must exactly equal an allowed origin: the
    ///    configured public origins or, when none is configured, the loopback
    ///    origin the request was sent to (`http://` + its `Host`, only when
    ///    that is a loopback name). Not `Host` in general: a DNS-rebinding
    ///    page sends its own name in both, so comparing them proves nothing.
    ///    A loopback `Host` is different: the browser sends one only when the
    ///    URL itself named this machine, which a remote name cannot do.
    ///    `Origin: null` (sandboxed frames, https pages posting to http) is
    ///    refused.
    /// 4. A request with neither header passes: every current browser sends
    ///    `Origin` on a POST or DELETE (the Fetch standard requires it), so it
    ///    comes from a program (curl, a server, a test), which could send any
    ///    header it liked and carries no victim's browser with it. A request
    ///    without `Origin` but with `Sec-Fetch-Site: same-origin` passes too:
    ///    the browser itself vouches that the page is this server's.
    ///
    /// The webhook endpoint is not behind this check: the provider's server
    /// calls it, and its signature authenticates it.
    pub fn check_csrf(&self, method: &Method, headers: &HeaderMap) -> Result<(), Forgery> {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return Ok(());
        }
        if let Some(site) = headers.get("sec-fetch-site") {
            if site != "same-origin" {
                return Err(Forgery::CrossSite);
            }
        }
        let Some(origin) = headers.get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().map_err(|_| Forgery::ForeignOrigin)?;
        let allowed = if self.origins.is_empty() {
            request_host(headers)
                .filter(|host| is_loopback(&host_name(host)))
                .is_some_and(|host| origin == format!("http://{host}"))
        } else {
            self.origins.iter().any(|o| o == origin)
        };
        if allowed {
            Ok(())
        } else {
            Err(Forgery::ForeignOrigin)
        }
    }

    /// The origin a redirect-mode Link session sends the user back to: the
    /// first public origin, or `http://` + the request's `Host`, which the
    /// allowlist has checked is a loopback name when no public origin is set.
    pub fn return_origin(&self, headers: &HeaderMap) -> String {
        match self.origins.first() {
            Some(origin) => origin.clone(),
            None => format!("http://{}", request_host(headers).unwrap_or("localhost")),
        }
    }
}

/// Why [`Site::check_csrf`] refused a request.
#[derive(Debug, PartialEq, Eq)]
pub enum Forgery {
    /// `Sec-Fetch-Site` says the page is not this server's.
    CrossSite,
    /// `Origin` is not one of the CRM's.
    ForeignOrigin,
}

impl IntoResponse for Forgery {
    /// The 403 answered, naming the header that was refused.
    fn into_response(self) -> Response {
        let message = match self {
            Forgery::CrossSite => {
                "Refused: `Sec-Fetch-Site` says this request comes from another site's page."
            }
            Forgery::ForeignOrigin => {
                "Refused: the `Origin` header is not the CRM's; this endpoint only answers the CRM's own pages."
            }
        };
        ApiError::new(StatusCode::FORBIDDEN, "cross_origin", message).into_response()
    }
}

/// Middleware: answers 421 to a request whose `Host` is not this server's
/// (the URI's authority stands in for it in HTTP/2).
pub async fn check_host(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    let host =
        request_host(request.headers()).or_else(|| request.uri().authority().map(|a| a.as_str()));
    match host {
        Some(host) if site.accepts_host(host) => next.run(request).await,
        _ => unknown_host(),
    }
}

/// Middleware: refuses forged state-changing requests (see [`Site::check_csrf`]).
pub async fn check_csrf(State(site): State<Arc<Site>>, request: Request, next: Next) -> Response {
    match site.check_csrf(request.method(), request.headers()) {
        Ok(()) => next.run(request).await,
        Err(forgery) => forgery.into_response(),
    }
}

/// The 421 answered to a request whose `Host` is not this server's.
fn unknown_host() -> Response {
    ApiError::new(
        StatusCode::MISDIRECTED_REQUEST,
        "unknown_host",
        "The `Host` header does not name this server.",
    )
    .into_response()
}

/// The request's `Host` header.
fn request_host(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::HOST).and_then(|v| v.to_str().ok())
}

/// The host name in a `Host` value or an origin's authority, lowercased and
/// without the port: `LocalHost:8080` → `localhost`, `[::1]:8080` → `[::1]`.
fn host_name(authority: &str) -> String {
    let name = match authority.strip_prefix('[') {
        Some(v6) => v6
            .split_once(']')
            .map_or(String::new(), |(h, _)| format!("[{h}]")),
        None => match authority.rsplit_once(':') {
            Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h.to_owned(),
            _ => authority.to_owned(),
        },
    };
    name.to_ascii_lowercase()
}

/// `localhost`, `[::1]` or an address in `127.0.0.0/8`.
fn is_loopback(name: &str) -> bool {
    name == "localhost"
        || name == "[::1]"
        || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// The host name of `scheme://host[:port]` (http or https, nothing after).
fn parse_origin(origin: &str) -> Result<String, &'static str> {
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or("it must start with http:// or https://")?;
    if authority.is_empty() || authority.contains(['/', '?', '#', '@']) {
        return Err("it must be scheme://host[:port], with no path");
    }
    let host = host_name(authority);
    if host.is_empty() || host.contains(':') && !host.starts_with('[') {
        return Err("its port must be a number");
    }
    Ok(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn config() -> DemoConfig {
        DemoConfig {
            provider_url: "http://127.0.0.1:9".into(),
            api_key: SANDBOX_API_KEY.into(),
            ofauth_key: SANDBOX_OFAUTH_KEY.into(),
            client_app: "app_sandbox".into(),
            webhook_secret: SANDBOX_WEBHOOK_SECRET.into(),
            database: None,
            token_ttl: std::time::Duration::from_secs(900),
            dist_dir: "dist".into(),
            faults: false,
        }
    }

    fn public(origins: &[&str]) -> Site {
        let mut config = config();
        config.api_key = "k".into();
        config.ofauth_key = "ok".into();
        config.webhook_secret = "ws".into();
        Site::new(
            &config,
            &Exposure {
                public_origins: origins.iter().map(|o| o.to_string()).collect(),
                ..Exposure::default()
            },
        )
        .unwrap()
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn only_loopback_and_public_hosts_are_accepted() {
        let site = public(&["https://crm.example.com"]);
        for ok in [
            "localhost:8080",
            "LOCALHOST",
            "127.0.0.1:8080",
            "127.1.2.3",
            "[::1]:8080",
            "crm.example.com",
            "CRM.example.com:443",
        ] {
            assert!(site.accepts_host(ok), "{ok}");
        }
        for bad in [
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "127.0.0.256",
            "[::2]:8080",
            "crm.example.com.evil",
            "crm.example.com:x",
            "",
        ] {
            assert!(!site.accepts_host(bad), "{bad}");
        }
        // With no public origin, only loopback.
        assert!(!public(&[]).accepts_host("crm.example.com"));
    }

    #[test]
    fn csrf_rule_on_loopback() {
        let site = public(&[]);
        let post = Method::POST;
        type Headers = &'static [(&'static str, &'static str)];
        let cases: &[(Headers, Result<(), Forgery>)] = &[
            // The CRM's own page, as browsers send it.
            (
                &[
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:8080"),
                    ("sec-fetch-site", "same-origin"),
                ],
                Ok(()),
            ),
            (
                &[
                    ("host", "127.0.0.1:8080"),
                    ("origin", "http://127.0.0.1:8080"),
                ],
                Ok(()),
            ),
            // A forged Origin: another site, a look-alike, another local port.
            (
                &[
                    ("host", "localhost:8080"),
                    ("origin", "https://evil.example"),
                ],
                Err(Forgery::ForeignOrigin),
            ),
            (
                &[
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:8080.evil.example"),
                ],
                Err(Forgery::ForeignOrigin),
            ),
            (
                &[
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:9999"),
                ],
                Err(Forgery::ForeignOrigin),
            ),
            (
                &[("host", "localhost:8080"), ("origin", "null")],
                Err(Forgery::ForeignOrigin),
            ),
            // DNS rebinding: Host and Origin agree, on the attacker's name.
            (
                &[
                    ("host", "evil.example:8080"),
                    ("origin", "http://evil.example:8080"),
                    ("sec-fetch-site", "same-origin"),
                ],
                Err(Forgery::ForeignOrigin),
            ),
            // A browser saying the page is another site's, whatever Origin says.
            (
                &[
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:8080"),
                    ("sec-fetch-site", "cross-site"),
                ],
                Err(Forgery::CrossSite),
            ),
            (
                &[("host", "localhost:8080"), ("sec-fetch-site", "same-site")],
                Err(Forgery::CrossSite),
            ),
            (
                &[("host", "localhost:8080"), ("sec-fetch-site", "none")],
                Err(Forgery::CrossSite),
            ),
            // No Origin: the browser vouches, or no browser at all.
            (
                &[
                    ("host", "localhost:8080"),
                    ("sec-fetch-site", "same-origin"),
                ],
                Ok(()),
            ),
            (&[("host", "localhost:8080")], Ok(())),
            (&[], Ok(())),
            // An Origin but no Host cannot be matched.
            (
                &[("origin", "http://localhost:8080")],
                Err(Forgery::ForeignOrigin),
            ),
        ];
        for (pairs, want) in cases {
            assert_eq!(&site.check_csrf(&post, &headers(pairs)), want, "{pairs:?}");
        }
        // Reading is never refused.
        let foreign = headers(&[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert_eq!(site.check_csrf(&Method::GET, &foreign), Ok(()));
        assert_eq!(
            site.check_csrf(&Method::DELETE, &foreign),
            Err(Forgery::CrossSite)
        );
    }

    #[test]
    fn csrf_rule_with_public_origins() {
        let site = public(&["https://crm.example.com/", "http://localhost:8080"]);
        let check = |pairs| site.check_csrf(&Method::POST, &headers(pairs));
        assert_eq!(
            check(&[
                ("host", "crm.example.com"),
                ("origin", "https://crm.example.com")
            ]),
            Ok(())
        );
        assert_eq!(
            check(&[
                ("host", "localhost:8080"),
                ("origin", "http://localhost:8080")
            ]),
            Ok(())
        );
        // Only the configured ones: not the Host's, not another scheme or port.
        for origin in [
            "http://crm.example.com",
            "https://crm.example.com:8443",
            "http://127.0.0.1:8080",
        ] {
            let h = headers(&[("host", "127.0.0.1:8080"), ("origin", origin)]);
            assert_eq!(
                site.check_csrf(&Method::POST, &h),
                Err(Forgery::ForeignOrigin),
                "{origin}"
            );
        }
        assert_eq!(
            site.return_origin(&HeaderMap::new()),
            "https://crm.example.com"
        );
        assert_eq!(
            public(&[]).return_origin(&headers(&[("host", "127.0.0.1:8080")])),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn public_origins_must_be_origins() {
        for bad in [
            "crm.example.com",
            "ftp://crm.example.com",
            "https://crm.example.com/app",
            "https://",
            "https://a@b",
            "https://crm:x",
        ] {
            let exposure = Exposure {
                public_origins: vec![bad.into()],
                ..Exposure::default()
            };
            // Own secrets: only the origin can be what is refused.
            let mut c = config();
            c.api_key = "k".into();
            c.ofauth_key = "ok".into();
            c.webhook_secret = "ws".into();
            let refused = Site::new(&c, &exposure).unwrap_err();
            assert!(refused.contains("is not an origin"), "{bad}: {refused}");
        }
    }

    #[test]
    fn well_known_secrets_are_refused_beyond_loopback() {
        let exposed = [
            Exposure {
                bind: "0.0.0.0".parse().unwrap(),
                ..Exposure::default()
            },
            Exposure {
                bind: "192.168.1.2".parse().unwrap(),
                ..Exposure::default()
            },
            Exposure {
                public_origins: vec!["https://crm.example.com".into()],
                ..Exposure::default()
            },
        ];
        for exposure in &exposed {
            let refused = Site::new(&config(), exposure).unwrap_err();
            assert!(refused.contains("SANDBOX_WEBHOOK_SECRET"), "{refused}");
            // One default left is enough to refuse.
            let mut c = config();
            c.api_key = "k".into();
            c.ofauth_key = "ok".into();
            let refused = Site::new(&c, exposure).unwrap_err();
            assert!(
                refused.contains("webhook secret") && !refused.contains("API key"),
                "{refused}"
            );
            c.webhook_secret = "ws".into();
            assert!(Site::new(&c, exposure).is_ok());
        }
        // On loopback the defaults are fine: that is the sandbox's setup.
        for exposure in [
            Exposure::default(),
            Exposure {
                bind: "::1".parse().unwrap(),
                ..Exposure::default()
            },
            Exposure {
                public_origins: vec!["http://127.0.0.1:8080".into()],
                ..Exposure::default()
            },
        ] {
            assert!(Site::new(&config(), &exposure).is_ok(), "{exposure:?}");
        }
    }
}
