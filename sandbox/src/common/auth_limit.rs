//! Failed API authentications, counted per client IP address: after
//! `auth_failure_limit` failures in a window (a minute), the address gets 429
//! with `Retry-After` on that API until the window ends, even with
//! the right key, as a real provider keeps limiting the address (and an
//! answer that differed for the right key would tell a guesser when it found it).
//!
//! Windows are fixed and shared: when one ends, every count is dropped at
//! once. At most `MAX_ADDRESSES` are counted per window; beyond that the
//! others share one count, so memory stays bounded whatever the traffic.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;

use crate::common::sync::lock;
use crate::common::window::retry_after;

const MAX_ADDRESSES: usize = 10_000;

/// Marks a response as a failed authentication, for the middleware to count.
#[derive(Clone, Copy)]
pub struct AuthFailed;

/// The failures of one provider's API in the current window.
pub struct FailureLimiter {
    limit: u32,
    window: Duration,
    counts: Mutex<Counts>,
}

/// When the window started, and the failures in it per address.
type Counts = (Instant, HashMap<IpAddr, u32>);

impl FailureLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            counts: Mutex::new((Instant::now(), HashMap::new())),
        }
    }

    /// `Err(seconds to wait)` when `ip` has failed too often in this window.
    fn allowed(&self, ip: IpAddr) -> Result<(), u64> {
        let (now, mut guard) = self.counts();
        let (started, counts) = &mut *guard;
        match counts.get(&slot(counts, ip)) {
            Some(&n) if n >= self.limit => Err(retry_after(
                self.window.saturating_sub(now.duration_since(*started)),
            )),
            _ => Ok(()),
        }
    }

    /// Counts a failure of `ip`.
    fn failed(&self, ip: IpAddr) {
        let (_, mut guard) = self.counts();
        let counts = &mut guard.1;
        let count = counts.entry(slot(counts, ip)).or_insert(0);
        *count = count.saturating_add(1);
    }

    /// The counts of the current window (a new one when the last is over).
    fn counts(&self) -> (Instant, MutexGuard<'_, Counts>) {
        let now = Instant::now();
        let mut guard = lock(&self.counts);
        if now.duration_since(guard.0) >= self.window {
            guard.0 = now;
            guard.1.clear();
        }
        (now, guard)
    }
}

/// Where `ip` is counted: its own entry, or the shared one once the map is full.
fn slot(counts: &HashMap<IpAddr, u32>, ip: IpAddr) -> IpAddr {
    if counts.len() < MAX_ADDRESSES || counts.contains_key(&ip) {
        ip
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    }
}

/// Applies `limiter` to one request of its provider's API: a limited
/// address gets `too_many(seconds to wait)`, and a response marked
/// [`AuthFailed`] counts against the address.
pub async fn check(
    limiter: &FailureLimiter,
    too_many: impl FnOnce(u64) -> Response,
    request: Request,
    next: Next,
) -> Response {
    // Without the peer's address (a router served without connect info, as in
    // tests), every client shares one count.
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
    if let Err(secs) = limiter.allowed(ip) {
        return too_many(secs);
    }
    let response = next.run(request).await;
    if response.extensions().get::<AuthFailed>().is_some() {
        limiter.failed(ip);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_max_addresses_the_others_share_one_count() {
        let limiter = FailureLimiter::new(1, Duration::from_secs(3600));
        let address = |i: u32| IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i));
        for i in 0..MAX_ADDRESSES as u32 {
            limiter.failed(address(i));
        }
        let (first_other, second_other) = (address(1_000_000), address(1_000_001));
        assert_eq!(limiter.allowed(first_other), Ok(()));
        limiter.failed(first_other);
        assert!(limiter.allowed(second_other).is_err());
        // Memory stays bounded: one entry each, and the shared one.
        let (_, counts) = limiter.counts();
        assert_eq!(counts.1.len(), MAX_ADDRESSES + 1);
    }
}
