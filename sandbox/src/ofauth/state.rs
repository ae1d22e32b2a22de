//! What OFAuth's handlers share.

use std::sync::Arc;

use crate::common::login::Logins;
use crate::common::window::Windows;
use crate::config::Config;
use crate::ofauth::connections::Connections;
use crate::ofauth::models::Link;
use crate::ofauth::webhooks::Webhooks;

/// OFAuth's state.
pub struct Provider {
    /// The sandbox's configuration.
    pub config: Arc<Config>,
    /// The Link sessions, by id (`lnk_…`), with their logins.
    pub links: Logins<Link>,
    /// The connections database.
    pub connections: Connections,
    /// The access API's rate windows, per connection.
    pub access_windows: Windows,
    /// The webhook sender.
    pub webhooks: Webhooks,
}

/// The state handed to OFAuth's handlers.
pub type Shared = Arc<Provider>;

impl Provider {
    /// The state for `config`, with its connections database opened and its
    /// webhook worker started (inside a Tokio runtime).
    pub fn open(config: Arc<Config>) -> Result<Self, String> {
        let connections = Connections::open(config.database.as_deref()).map_err(|e| {
            format!(
                "cannot open the connections database {:?}: {e}",
                config.database
            )
        })?;
        Ok(Self {
            links: Logins::new(config.token_ttl),
            connections,
            access_windows: Windows::new(config.access_rate_window, config.access_rate_limit),
            webhooks: Webhooks::start(&config),
            config,
        })
    }
}
