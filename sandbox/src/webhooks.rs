//! OFAuth webhooks: `connection.created`, `.updated`, `.expired` and
//! `.disconnected`, as `{id, type, createdAt, data: {connection}}`, signed
//! `OFAuth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`.
//! One worker delivers them in order (so in order per connection); a
//! delivery that fails (no 2xx within 10 s) is tried again after 1, 2, 4, 8
//! × the backoff, five attempts in all, each signed anew.
//! `GET /v2/sandbox/webhooks` lists the attempts (for monitoring and tests).
//! The worker's time is a [`WebhookClock`], so tests see and end its waits.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::get;
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::sync::mpsc;

use crate::config::Config;
use crate::link::{authorize, rfc3339, LinkError};
use crate::store::random_alphanumeric;
use crate::Shared;

const ATTEMPTS: u32 = 5;
const TIMEOUT: Duration = Duration::from_secs(10);

pub fn routes() -> Router<Shared> {
    Router::new().route("/v2/sandbox/webhooks", get(deliveries))
}

/// The webhook worker's time: the Unix time events and signatures are dated
/// by, and its waits (for an answer, and between attempts). The default is
/// the system clock and Tokio's timer; a test hands in its own to see each
/// wait and end it at will.
#[derive(Clone)]
pub struct WebhookClock {
    /// Unix time in seconds.
    pub now: Arc<dyn Fn() -> u64 + Send + Sync>,
    /// A wait of the given length.
    pub sleep: Arc<dyn Fn(Duration) -> Wait + Send + Sync>,
}

/// A wait of a [`WebhookClock`].
pub type Wait = Pin<Box<dyn Future<Output = ()> + Send>>;

impl Default for WebhookClock {
    fn default() -> Self {
        Self {
            now: Arc::new(|| {
                SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or(Duration::ZERO)
                    .as_secs()
            }),
            sleep: Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        }
    }
}

impl std::fmt::Debug for WebhookClock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookClock").finish_non_exhaustive()
    }
}

/// The webhook sender.
pub struct Webhooks {
    queue: Option<mpsc::UnboundedSender<Value>>,
    log: Arc<Mutex<Vec<Value>>>,
    clock: WebhookClock,
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
                backoff: config.webhook_backoff,
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

    /// Queues event `kind` about `connection`.
    pub fn send(&self, kind: &str, connection: &Value) {
        if let Some(queue) = &self.queue {
            let event = json!({
                "id": format!("evt_{}", random_alphanumeric(20)),
                "type": kind,
                "createdAt": rfc3339((self.clock.now)()),
                "data": { "connection": connection },
            });
            let _ = queue.send(event);
        }
    }
}

struct Worker {
    url: String,
    secret: String,
    backoff: Duration,
    clock: WebhookClock,
    log: Arc<Mutex<Vec<Value>>>,
    http: reqwest::Client,
}

impl Worker {
    async fn run(self, mut rx: mpsc::UnboundedReceiver<Value>) {
        while let Some(event) = rx.recv().await {
            let body = event.to_string();
            for attempt in 1..=ATTEMPTS {
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
                        Ok(r) => (r.status().is_success(), json!(r.status().as_u16())),
                        Err(_) => (false, json!("unreachable")),
                    },
                    () = (self.clock.sleep)(TIMEOUT) => (false, json!("timeout")),
                };
                self.log.lock().unwrap_or_else(|p| p.into_inner()).push(json!({
                    "eventId": event["id"], "type": event["type"], "attempt": attempt, "result": result,
                }));
                if ok {
                    break;
                }
                if attempt < ATTEMPTS {
                    (self.clock.sleep)(self.backoff * 2u32.pow(attempt - 1)).await;
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
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn deliveries(
    State(state): State<Shared>,
    headers: HeaderMap,
) -> Result<Json<Value>, LinkError> {
    authorize(&state, &headers)?;
    let log = state
        .webhooks
        .log
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Ok(Json(json!({ "data": log })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn signatures_are_hex_hmac_sha256_of_t_dot_body() {
        // Computed independently (Python's hmac module).
        assert_eq!(
            super::sign("whsec_sandbox_secret", 1_795_316_645, r#"{"id":"evt_1"}"#),
            "8801b69004b0e6a5927c227188923bf2f9fc924554ce71c8c5e0bd8713fd91d6"
        );
    }
}
