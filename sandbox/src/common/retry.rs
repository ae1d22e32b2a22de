//! The one retry policy: a fixed number of attempts, each given a time to
//! answer, with delays that double between them.

use std::time::Duration;

/// How often and how patiently something is tried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// How long an attempt may take before it counts as failed.
    pub timeout: Duration,
    /// The wait after the first failure; each later one doubles it.
    pub first_delay: Duration,
}

impl RetryPolicy {
    /// The attempts, numbered from 1.
    pub fn attempts(&self) -> std::ops::RangeInclusive<u32> {
        1..=self.attempts
    }

    /// The wait after failed attempt `attempt` (from 1), or `None` after the last.
    pub fn delay_after(&self, attempt: u32) -> Option<Duration> {
        (attempt < self.attempts).then(|| self.first_delay * 2u32.pow(attempt - 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_until_the_last_attempt() {
        let policy = RetryPolicy {
            attempts: 5,
            timeout: Duration::from_secs(10),
            first_delay: Duration::from_secs(1),
        };
        let delays: Vec<_> = policy
            .attempts()
            .map(|a| policy.delay_after(a).map(|d| d.as_secs()))
            .collect();
        assert_eq!(delays, [Some(1), Some(2), Some(4), Some(8), None]);
    }
}
