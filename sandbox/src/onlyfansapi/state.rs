//! What OnlyFansAPI's handlers share.

use std::sync::Arc;

use crate::config::Config;
use crate::onlyfansapi::rates::Rates;
use crate::onlyfansapi::sessions::ClientSessions;

/// OnlyFansAPI's state.
pub struct Provider {
    /// The sandbox's configuration.
    pub config: Arc<Config>,
    /// The client sessions.
    pub sessions: ClientSessions,
    /// The API keys' rate windows.
    pub rates: Rates,
}

/// The state handed to OnlyFansAPI's handlers.
pub type Shared = Arc<Provider>;

impl Provider {
    /// The state for `config`.
    pub fn new(config: Arc<Config>) -> Self {
        Self {
            sessions: ClientSessions::new(config.token_ttl),
            rates: Rates::new(&config),
            config,
        }
    }
}
