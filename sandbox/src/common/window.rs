//! Fixed rate-limit windows, and how long a limited client is told to wait.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::sync::lock;

/// Requests counted in a fixed window, which starts with its first request.
#[derive(Debug, Default)]
pub struct Window {
    started: Option<Instant>,
    count: u32,
}

impl Window {
    /// Starts a new window when the current one is over at `now`; the time
    /// left in the window.
    pub fn roll(&mut self, now: Instant, length: Duration) -> Duration {
        let started = match self.started {
            Some(t) if now.duration_since(t) < length => t,
            _ => {
                self.count = 0;
                self.started = Some(now);
                now
            }
        };
        length - now.duration_since(started)
    }

    /// The requests counted in this window.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// Counts one request.
    pub fn add(&mut self) {
        self.count += 1;
    }

    /// Counts one request at `now` unless `limit` are counted already;
    /// otherwise the seconds to wait ([`retry_after`]).
    pub fn admit(&mut self, now: Instant, length: Duration, limit: u32) -> Result<(), u64> {
        let left = self.roll(now, length);
        if self.count >= limit {
            return Err(retry_after(left));
        }
        self.add();
        Ok(())
    }
}

/// A window per key (a connection id, say), all of one length and limit.
pub struct Windows {
    length: Duration,
    limit: u32,
    windows: Mutex<HashMap<String, Window>>,
}

impl Windows {
    /// Windows of `length` that admit `limit` requests each.
    pub fn new(length: Duration, limit: u32) -> Self {
        Self {
            length,
            limit,
            windows: Mutex::default(),
        }
    }

    /// Counts one request for `key` ([`Window::admit`]).
    pub fn admit(&self, key: &str) -> Result<(), u64> {
        let mut windows = lock(&self.windows);
        let window = windows.entry(key.to_owned()).or_default();
        window.admit(Instant::now(), self.length, self.limit)
    }
}

/// The `Retry-After` seconds for a wait of `left`: rounded up, at least one.
pub fn retry_after(left: Duration) -> u64 {
    left.as_secs_f64().ceil().max(1.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_admit_up_to_their_limit_then_say_when_to_retry() {
        let (start, minute) = (Instant::now(), Duration::from_secs(60));
        let mut w = Window::default();
        assert_eq!(w.admit(start, minute, 2), Ok(()));
        assert_eq!(w.admit(start, minute, 2), Ok(()));
        assert_eq!(
            w.admit(start + Duration::from_millis(500), minute, 2),
            Err(60)
        );
        assert_eq!(
            w.admit(start + Duration::from_millis(59_900), minute, 2),
            Err(1)
        );
        assert_eq!(w.admit(start + minute, minute, 2), Ok(()));
        assert_eq!(w.count(), 1);
    }
}
