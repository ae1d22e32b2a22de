//! OnlyFansAPI's rate limits: requests per API key per minute and per day.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::common::sync::lock;
use crate::common::window::{retry_after, Window};
use crate::config::Config;

const MINUTE: Duration = Duration::from_secs(60);
const DAY: Duration = Duration::from_secs(24 * 3600);

/// The rate-limit state after counting one request.
pub struct RateStatus {
    /// Requests allowed per minute.
    pub limit_minute: u32,
    /// Requests allowed per day.
    pub limit_day: u32,
    /// Requests left this minute.
    pub remaining_minute: u32,
    /// Requests left today.
    pub remaining_day: u32,
}

/// The minute and day windows of each API key.
pub struct Rates(Mutex<Vec<(Window, Window)>>);

impl Rates {
    /// Windows for each of `config`'s API keys.
    pub fn new(config: &Config) -> Self {
        Self(Mutex::new(
            config.api_keys.iter().map(|_| Default::default()).collect(),
        ))
    }

    /// Counts one request for API key `key`; `Err(seconds)` when a limit is reached.
    pub fn count(&self, key: usize, config: &Config) -> Result<RateStatus, u64> {
        let now = Instant::now();
        let mut windows = lock(&self.0);
        let (minute, day) = &mut windows[key];
        let minute_left = minute.roll(now, MINUTE);
        let day_left = day.roll(now, DAY);
        if minute.count() >= config.rate_limit_minute {
            return Err(retry_after(minute_left));
        }
        if day.count() >= config.rate_limit_day {
            return Err(retry_after(day_left));
        }
        minute.add();
        day.add();
        Ok(RateStatus {
            limit_minute: config.rate_limit_minute,
            limit_day: config.rate_limit_day,
            remaining_minute: config.rate_limit_minute - minute.count(),
            remaining_day: config.rate_limit_day - day.count(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_count_per_key_and_say_when_to_retry() {
        let config = Config {
            rate_limit_minute: 2,
            ..Config::default()
        };
        let s = Rates::new(&config);
        assert_eq!(
            s.count(0, &config).ok().map(|r| r.remaining_minute),
            Some(1)
        );
        assert_eq!(
            s.count(0, &config).ok().map(|r| r.remaining_minute),
            Some(0)
        );
        let retry = s.count(0, &config).err().unwrap();
        assert!((1..=60).contains(&retry));
    }
}
