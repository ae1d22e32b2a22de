//! OFAuth webhooks: `connection.created`, `.updated`, `.expired` and
//! `.disconnected`, as `{id, type, createdAt, data: {connection}}`, signed
//! `OFAuth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`.
//! One worker delivers them in order (so in order per connection); a
//! delivery that fails (no 2xx within 10 s) is tried again after 1, 2, 4, 8
//! × the backoff, five attempts in all, each signed anew.
//! Every attempt is logged, for `GET /v2/sandbox/webhooks`.
//! The worker's time is a [`Clock`], so tests see and end its waits.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::common::clock::Clock;
use crate::common::random::random_alphanumeric;
use crate::common::retry::RetryPolicy;
use crate::common::sync::lock;
use crate::common::timestamp::Timestamp;
use crate::config::Config;
use crate::ofauth::models::Connection;

const ATTEMPTS: u32 = 5;
const TIMEOUT: Duration = Duration::from_secs(10);

/// What happened to a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Change {
    /// A Link login made it.
    #[serde(rename = "connection.created")]
    Created,
    /// A Link login renewed it.
    #[serde(rename = "connection.updated")]
    Updated,
    /// Its OnlyFans session ended.
    #[serde(rename = "connection.expired")]
    Expired,
    /// The integrator ended it.
    #[serde(rename = "connection.disconnected")]
    Disconnected,
}

/// A webhook event (fields in the wire's alphabetical order).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    created_at: Timestamp,
    data: EventData,
    id: String,
    #[serde(rename = "type")]
    change: Change,
}

#[derive(Serialize)]
struct EventData {
    connection: Connection,
}

/// One delivery attempt, as logged (fields in the wire's alphabetical order).
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    attempt: u32,
    event_id: String,
    result: Outcome,
    #[serde(rename = "type")]
    change: Change,
}

/// How an attempt ended: the receiver's HTTP status, or why there was none.
#[derive(Clone, Serialize)]
#[serde(untagged)]
enum Outcome {
    Status(u16),
    Failed(&'static str),
}

/// The webhook sender.
pub struct Webhooks {
    queue: Option<mpsc::UnboundedSender<Event>>,
    log: Arc<Mutex<Vec<Delivery>>>,
    clock: Clock,
}

impl Webhooks {
    /// Starts the delivery worker when a webhook URL is configured (inside a Tokio runtime).
    pub fn start(config: &Config) -> Self {
        let log = Arc::new(Mutex::new(vec![]));
        let queue = config.webhook_url.clone().map(|url| {
            let (tx, rx) = mpsc::unbounded_channel();
            let worker = Worker {
                url,
                secret: config.webhook_secret.clone(),
                policy: RetryPolicy {
                    attempts: ATTEMPTS,
                    timeout: TIMEOUT,
                    first_delay: config.webhook_backoff,
                },
                clock: config.webhook_clock.clone(),
                log: log.clone(),
                http: reqwest::Client::new(),
            };
            tokio::spawn(worker.run(rx));
            tx
        });
        Self {
            queue,
            log,
            clock: config.webhook_clock.clone(),
        }
    }

    /// Queues the event of `change` to `connection`.
    pub fn send(&self, change: Change, connection: &Connection) {
        if let Some(queue) = &self.queue {
            let event = Event {
                created_at: Timestamp::from_unix((self.clock.now)()),
                data: EventData {
                    connection: connection.clone(),
                },
                id: format!("evt_{}", random_alphanumeric(20)),
                change,
            };
            let _ = queue.send(event);
        }
    }

    /// Every delivery attempt so far.
    pub fn deliveries(&self) -> Vec<Delivery> {
        lock(&self.log).clone()
    }
}

struct Worker {
    url: String,
    secret: String,
    policy: RetryPolicy,
    clock: Clock,
    log: Arc<Mutex<Vec<Delivery>>>,
    http: reqwest::Client,
}

impl Worker {
    async fn run(self, mut rx: mpsc::UnboundedReceiver<Event>) {
        while let Some(event) = rx.recv().await {
            let Ok(body) = serde_json::to_string(&event) else {
                continue; // plain data always serialises
            };
            for attempt in self.policy.attempts() {
                let t = (self.clock.now)();
                let delivery = self
                    .http
                    .post(&self.url)
                    .header("content-type", "application/json")
                    .header(
                        "OFAuth-Signature",
                        format!("t={t},v1={}", sign(&self.secret, t, &body)),
                    )
                    .body(body.clone())
                    .send();
                let (ok, result) = tokio::select! {
                    outcome = delivery => match outcome {
                        Ok(r) => (r.status().is_success(), Outcome::Status(r.status().as_u16())),
                        Err(_) => (false, Outcome::Failed("unreachable")),
                    },
                    () = (self.clock.sleep)(self.policy.timeout) => (false, Outcome::Failed("timeout")),
                };
                lock(&self.log).push(Delivery {
                    attempt,
                    event_id: event.id.clone(),
                    result,
                    change: event.change,
                });
                if ok {
                    break;
                }
                if let Some(delay) = self.policy.delay_after(attempt) {
                    (self.clock.sleep)(delay).await;
                }
            }
        }
    }
}

/// The `v1` of a webhook signature: hex HMAC-SHA256 of `"{t}.{body}"` with `secret`.
pub fn sign(secret: &str, t: u64, body: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new(); // HMAC takes keys of any length
    };
    mac.update(format!("{t}.{body}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::login::SANDBOX_ACCOUNTS;
    use crate::config::Environment;
    use crate::ofauth::models::{Status, User};

    #[test]
    fn signatures_are_hex_hmac_sha256_of_t_dot_body() {
        // Computed independently (Python's hmac module).
        assert_eq!(
            sign("whsec_sandbox_secret", 1_795_316_645, r#"{"id":"evt_1"}"#),
            "8801b69004b0e6a5927c227188923bf2f9fc924554ce71c8c5e0bd8713fd91d6"
        );
    }

    #[test]
    fn events_and_deliveries_keep_their_wire_order() {
        let event = Event {
            created_at: Timestamp::from_unix(1_795_316_645),
            data: EventData {
                connection: Connection {
                    client_app_id: "app_sandbox".into(),
                    client_reference_id: Some("crm-1".into()),
                    created_at: Timestamp::from_unix(0),
                    environment: Environment::Production,
                    id: "conn_1".into(),
                    status: Status::Expired,
                    updated_at: Timestamp::from_unix(0),
                    user_data: User::of(&SANDBOX_ACCOUNTS[1]),
                },
            },
            id: "evt_1".into(),
            change: Change::Expired,
        };
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(text, serde_json::to_value(&event).unwrap().to_string());
        assert!(text.starts_with(r#"{"createdAt":"2026-11-22T03:04:05Z","data":{"connection":{"#));
        assert!(text.ends_with(r#"},"id":"evt_1","type":"connection.expired"}"#));
        for result in [Outcome::Status(500), Outcome::Failed("timeout")] {
            let delivery = Delivery {
                attempt: 1,
                event_id: "evt_1".into(),
                result,
                change: Change::Created,
            };
            let text = serde_json::to_string(&delivery).unwrap();
            assert_eq!(text, serde_json::to_value(&delivery).unwrap().to_string());
        }
    }
}
