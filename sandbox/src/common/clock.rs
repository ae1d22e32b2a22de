//! The sandbox's clock: Unix time, read in one place, and the injectable
//! [`Clock`] that the webhook worker dates and waits by (public as
//! `ofconnect_sandbox::WebhookClock`).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The time since the Unix epoch, by the system clock (zero before it).
pub fn unix_time() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
}

/// The webhook worker's time: the Unix time events and signatures are dated
/// by, and its waits (for an answer, and between attempts). The default is
/// the system clock and Tokio's timer; a test hands in its own to see each
/// wait and end it at will.
#[derive(Clone)]
pub struct Clock {
    /// Unix time in seconds.
    pub now: Arc<dyn Fn() -> u64 + Send + Sync>,
    /// A wait of the given length.
    pub sleep: Arc<dyn Fn(Duration) -> Wait + Send + Sync>,
}

/// A wait of a [`Clock`].
pub type Wait = Pin<Box<dyn Future<Output = ()> + Send>>;

impl Default for Clock {
    fn default() -> Self {
        Self {
            now: Arc::new(|| unix_time().as_secs()),
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookClock").finish_non_exhaustive()
    }
}
