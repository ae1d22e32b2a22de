//! How the demo is set up: where the provider is and the secrets it shares
//! with it ([`DemoConfig`]), and who can reach the demo ([`Exposure`]).

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

/// The sandbox's API key, which the demo uses when none is configured.
pub const SANDBOX_API_KEY: &str = "ofapi_sandbox_key";
/// The sandbox's OFAuth API key, which the demo uses when none is configured.
pub const SANDBOX_OFAUTH_KEY: &str = "ofauth_sk_sandbox_key";
/// The sandbox's webhook secret, which the demo uses when none is configured.
pub const SANDBOX_WEBHOOK_SECRET: &str = "whsec_sandbox_secret";

/// The CRM's signed-in user (the demo has one): the `client_reference_id`
/// of its client sessions and Link sessions, and whose connection it stores.
pub(crate) const DEMO_USER: &str = "demo_model_1";

/// How the demo backend reaches the provider.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// The provider's base URL (the sandbox), e.g. `http://127.0.0.1:8081`.
    pub provider_url: String,
    /// The API key for `POST /api/client-sessions`.
    pub api_key: String,
    /// The OFAuth API key for `POST /v2/link/init` (header `apikey`).
    pub ofauth_key: String,
    /// The OFAuth client app whose Link sessions the CRM creates.
    pub client_app: String,
    /// The secret OFAuth webhooks are signed with.
    pub webhook_secret: String,
    /// The CRM's SQLite database (connections, processed webhooks); `None`: in memory.
    pub database: Option<PathBuf>,
    /// How long the provider's tokens live, to tell the widget `expiresAt`.
    pub token_ttl: Duration,
    /// The Trunk output directory with the demo page and the widget build.
    pub dist_dir: PathBuf,
    /// Let tests inject faults into `POST /api/session` with `?fault=…`
    /// (`delay-<ms>`, `status-<code>`, `status-429-retry-<s>`, `malformed`,
    /// `no-token`) and read `GET /api/session/count`. Off in a real deployment.
    pub faults: bool,
}

impl DemoConfig {
    /// The provider's origin: `provider_url` without a trailing `/`.
    pub(crate) fn provider_origin(&self) -> &str {
        self.provider_url.trim_end_matches('/')
    }

    /// The URL of the provider's endpoint at `path` (which starts with `/`).
    pub(crate) fn provider_endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.provider_origin())
    }
}

/// Where the demo can be reached from.
#[derive(Clone, Debug)]
pub struct Exposure {
    /// The address the server listens on.
    pub bind: IpAddr,
    /// The origins the CRM's pages are served at, exactly as browsers send
    /// them in `Origin` (`https://crm.example.com`: scheme, host, and port
    /// only when not the default). Empty: loopback only, and each request's
    /// own loopback origin is the allowed one (see `guard::Site::check_csrf`).
    /// When set, these are the only origins allowed to change state, and the
    /// first is where a redirect-mode Link session sends the user back.
    pub public_origins: Vec<String>,
}

impl Default for Exposure {
    /// Loopback only: `127.0.0.1`, no public origin.
    fn default() -> Self {
        Self {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            public_origins: Vec::new(),
        }
    }
}
