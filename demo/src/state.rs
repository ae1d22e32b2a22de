//! What the handlers share: the configuration, the HTTP client and the
//! access API client, the CRM's records, and what the demo is served as.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

use crate::access::AccessApi;
use crate::config::DemoConfig;
use crate::guard::Site;
use crate::retry::Sleep;
use crate::store::Store;

/// The demo's state, one for the whole server.
pub struct AppState {
    /// How the demo reaches the provider.
    pub config: DemoConfig,
    /// The HTTP client for the provider's APIs.
    pub http: reqwest::Client,
    /// The provider's access API, with retries.
    pub access: AccessApi,
    /// The CRM's records.
    pub store: Store,
    /// The names and origins the demo is served as.
    pub site: Arc<Site>,
    /// How many `POST /api/session` requests arrived (read with `--faults`).
    pub session_requests: AtomicU64,
}

impl AppState {
    /// Opens the database and sets up the provider's clients; the access API
    /// waits with `sleep` between attempts. Fails when the database cannot
    /// be opened.
    pub fn new(config: DemoConfig, site: Arc<Site>, sleep: Sleep) -> Result<Self, String> {
        let store = Store::open(config.database.as_deref())
            .map_err(|e| format!("cannot open the database {:?}: {e}", config.database))?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Ok(Self {
            access: AccessApi::new(&config, http.clone(), sleep),
            config,
            http,
            store,
            site,
            session_requests: AtomicU64::new(0),
        })
    }
}
