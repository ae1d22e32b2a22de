//! Failed API authentications, counted per client IP address: after
//! `auth_failure_limit` failures in a window (a minute), the address gets 429
//! with `Retry-After` on that provider's API until the window ends, even with
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

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::json::ApiError;
use crate::link::LinkError;
use crate::Shared;

const MAX_ADDRESSES: usize = 10_000;

/// Marks a response as a failed authentication, for the middleware to count.
#[derive(Clone, Copy)]
pub(crate) struct AuthFailed;

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
            Some(&n) if n >= self.limit => {
                let left = self.window.saturating_sub(now.duration_since(*started));
                Err(left.as_secs_f64().ceil().max(1.0) as u64)
            }
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
        let mut guard = self.counts.lock().unwrap_or_else(|p| p.into_inner());
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

/// Middleware on the whole app: applies each provider's limiter to its API
/// (`/api/…` for OnlyFansAPI, `/v2/…` for OFAuth), answering 429 in its shape.
pub(crate) async fn limit(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let (limiter, too_many): (_, fn(u64) -> Response) = if path.starts_with("/api/") {
        (&state.api_auth_failures, |secs| {
            ApiError::too_many_requests(secs).into_response()
        })
    } else if path.starts_with("/v2/") {
        (&state.ofauth_auth_failures, |secs| {
            LinkError::rate_limited(
                secs,
                "Too many failed authentications from this address; retry after the Retry-After seconds.",
            )
            .into_response()
        })
    } else {
        return next.run(request).await;
    };
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
