//! The demo's one retry policy for calls to the provider: what to wait
//! before the next attempt, and how many attempts in all. How it waits is
//! injected ([`Sleep`]), so that tests record the waits instead of waiting.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// A wait of the given length.
pub type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// Waiting on Tokio's timer: what a running server uses.
pub fn tokio_sleep() -> Sleep {
    Arc::new(|d| Box::pin(tokio::time::sleep(d)))
}

/// What one attempt came to.
pub enum Attempt<T, E> {
    /// Final: a success, or an error that retrying would not change.
    Done(Result<T, E>),
    /// Worth retrying after the policy's backoff (a network error, a 5xx);
    /// with what went wrong when that is worth saying if every attempt fails.
    Backoff(Option<E>),
    /// Rate limited: worth retrying after the server's `Retry-After`
    /// seconds, when it sent one.
    RetryAfter(Option<u64>),
}

/// How often to try, and how long to wait between the attempts.
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The backoff after the first attempt; it doubles after each one.
    pub first_backoff: Duration,
    /// The wait after a rate-limited attempt without `Retry-After`.
    pub default_retry_after: Duration,
    /// The longest wait a `Retry-After` may ask for.
    pub max_retry_after: Duration,
}

impl RetryPolicy {
    /// The demo's calls to the provider: four attempts; 250 ms, 500 ms, 1 s
    /// between them, or after a 429 its `Retry-After` (1 s without one), at
    /// most 10 s.
    pub const PROVIDER: Self = Self {
        attempts: 4,
        first_backoff: Duration::from_millis(250),
        default_retry_after: Duration::from_secs(1),
        max_retry_after: Duration::from_secs(10),
    };

    /// Runs `attempt` until it is done or the attempts are used up, waiting
    /// with `sleep` in between. When every attempt asked to be retried, the
    /// error is the last one an attempt gave, or `exhausted` if none did.
    pub async fn run<T, E, F: Future<Output = Attempt<T, E>>>(
        &self,
        sleep: &Sleep,
        mut exhausted: E,
        mut attempt: impl FnMut() -> F,
    ) -> Result<T, E> {
        for n in 0..self.attempts {
            let wait = match attempt().await {
                Attempt::Done(result) => return result,
                Attempt::Backoff(why) => {
                    if let Some(why) = why {
                        exhausted = why;
                    }
                    self.first_backoff.saturating_mul(2u32.saturating_pow(n))
                }
                Attempt::RetryAfter(secs) => secs
                    .map_or(self.default_retry_after, Duration::from_secs)
                    .min(self.max_retry_after),
            };
            if n + 1 < self.attempts {
                sleep(wait).await;
            }
        }
        Err(exhausted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Runs the policy over `script`, one attempt each: its outcome, and
    /// the waits it made.
    async fn run(
        script: Vec<Attempt<(), &'static str>>,
    ) -> (Result<(), &'static str>, Vec<Duration>) {
        let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
        let record = waits.clone();
        let sleep: Sleep = Arc::new(move |d| {
            record.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        });
        let mut script = script.into_iter();
        let outcome = RetryPolicy::PROVIDER
            .run(&sleep, "exhausted", || {
                std::future::ready(script.next().expect("one attempt too many"))
            })
            .await;
        let waits = waits.lock().unwrap().clone();
        (outcome, waits)
    }

    #[tokio::test]
    async fn backs_off_doubling_and_honours_retry_after_up_to_a_cap() {
        use Attempt::*;
        let ms = Duration::from_millis;
        let s = Duration::from_secs;
        assert_eq!(
            run(vec![
                Backoff(None),
                RetryAfter(Some(3)),
                Backoff(None),
                Done(Ok(()))
            ])
            .await,
            (Ok(()), vec![ms(250), s(3), ms(1000)])
        );
        assert_eq!(
            run(vec![
                RetryAfter(Some(60)),
                RetryAfter(None),
                Backoff(None),
                Backoff(None)
            ])
            .await,
            (Err("exhausted"), vec![s(10), s(1), ms(1000)])
        );
        assert_eq!(run(vec![Done(Err("final"))]).await, (Err("final"), vec![]));
    }

    #[tokio::test]
    async fn gives_up_with_the_last_reason_an_attempt_gave() {
        use Attempt::*;
        let script = vec![
            Backoff(Some("first")),
            Backoff(Some("second")),
            Backoff(None),
            RetryAfter(None),
        ];
        assert_eq!(run(script).await.0, Err("second"));
    }
}
