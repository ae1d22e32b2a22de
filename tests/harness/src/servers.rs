//! The servers of one test, each on its own loopback port, and how long
//! they run: from [`Servers::start`] until the test's [`Servers`] is
//! dropped. Every HTML page they send carries the console hook of the
//! test's [`Console`].

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::AbortHandle;

use crate::console::Console;
use crate::pages::attacker;
use crate::repo;

/// How the servers of one test are set up.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The sandbox's token lifetime, which the demo also reports as `expiresAt`.
    pub token_ttl: Duration,
    /// The demo reports this lifetime instead (to test provider-reported expiry).
    pub reported_ttl: Option<Duration>,
    /// A Cross-Origin-Opener-Policy for the sandbox's hosted pages.
    pub coop: Option<&'static str>,
    /// The sandbox's access API limit: requests per connection per window.
    pub access_rate: (u32, Duration),
    /// Whether the sandbox sends its webhooks to the demo.
    pub webhooks: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(900),
            access_rate: (60, Duration::from_secs(60)),
            reported_ttl: None,
            coop: None,
            webhooks: true,
        }
    }
}

/// The four servers of a test, by origin; they stop when this is dropped.
pub struct Servers {
    /// The demo CRM: `http://localhost:<port>`, serving `dist/`.
    pub demo: String,
    /// The sandbox provider: `http://127.0.0.1:<port>`.
    pub provider: String,
    /// The attacker's pages: `http://127.0.0.2:<port>`.
    pub attacker: String,
    /// The attacker's pages again, on the provider's host name, another port.
    pub lookalike: String,
    tasks: Vec<AbortHandle>,
}

impl Servers {
    /// Binds the four ports, then serves the sandbox (its API key and
    /// client app allowing the demo's origin), the demo CRM (pointed at the
    /// sandbox) and the attacker's site twice.
    pub async fn start(setup: &Setup, console: &Console) -> Servers {
        let dist = repo::dist();
        let demo_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let provider_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let attacker_listener = TcpListener::bind("127.0.0.2:0").await.unwrap();
        let lookalike_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = |host: &str, listener: &TcpListener| {
            format!("http://{host}:{}", listener.local_addr().unwrap().port())
        };
        let demo = origin("localhost", &demo_listener);
        let provider = origin("127.0.0.1", &provider_listener);
        let attacker = origin("127.0.0.2", &attacker_listener);
        let lookalike = origin("127.0.0.1", &lookalike_listener);

        let sandbox = ofconnect_sandbox::Config {
            api_keys: vec![ofconnect_sandbox::ApiKey {
                key: "e2e-key".into(),
                allowed_origins: vec![demo.clone()],
            }],
            token_ttl: setup.token_ttl,
            cross_origin_opener_policy: setup.coop.map(Into::into),
            client_apps: vec![ofconnect_sandbox::ClientApp::for_origins(
                std::slice::from_ref(&demo),
            )],
            webhook_url: setup.webhooks.then(|| format!("{demo}/webhooks/ofauth")),
            webhook_backoff: Duration::from_millis(200),
            access_rate_limit: setup.access_rate.0,
            access_rate_window: setup.access_rate.1,
            ..Default::default()
        };
        let crm = ofconnect_demo::DemoConfig {
            provider_url: provider.clone(),
            api_key: "e2e-key".into(),
            ofauth_key: ofconnect_sandbox::DEFAULT_OFAUTH_KEY.into(),
            client_app: ofconnect_sandbox::DEFAULT_CLIENT_APP.into(),
            webhook_secret: ofconnect_sandbox::DEFAULT_WEBHOOK_SECRET.into(),
            database: None,
            token_ttl: setup.reported_ttl.unwrap_or(setup.token_ttl),
            dist_dir: dist,
            faults: true,
        };
        let served = [
            (provider_listener, ofconnect_sandbox::app(sandbox).unwrap()),
            (demo_listener, ofconnect_demo::app(crm).unwrap()),
            (attacker_listener, attacker::site()),
            (lookalike_listener, attacker::site()),
        ];
        let tasks = served
            .into_iter()
            .map(|(listener, app)| {
                let app = console.hook(app);
                tokio::spawn(async move { axum::serve(listener, app).await }).abort_handle()
            })
            .collect();
        Servers {
            demo,
            provider,
            attacker,
            lookalike,
            tasks,
        }
    }
}

impl Drop for Servers {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}
