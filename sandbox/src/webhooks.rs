//! OFAuth webhooks: `connection.created`, `.updated`, `.expired` and
//! `.disconnected`, as `{id, type, createdAt, data: {connection}}`, signed
//! `OFAuth-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{body}">`.
//! One worker delivers them in order (so in order per connection); a
//! delivery that fails (no 2xx within 10 s) is tried again after 1, 2, 4, 8
//! × the backoff, five attempts in all, each signed anew.
//! `GET /v2/sandbox/webhooks` lists the attempts (for monitoring and tests).

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

/// The webhook sender.
pub struct Webhooks {
    queue: Option<mpsc::UnboundedSender<Value>>,
    log: Arc<Mutex<Vec<Value>>>,
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
                log: log.clone(),
                http: reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .build()
                    .unwrap_or_default(),
            };
            tokio::spawn(worker.run(rx));
            tx
        });
        Self { queue, log }
    }

    /// Queues event `kind` about `connection`.
    pub fn send(&self, kind: &str, connection: &Value) {
        if let Some(queue) = &self.queue {
            let event = json!({
                "id": format!("evt_{}", random_alphanumeric(20)),
                "type": kind,
                "createdAt": rfc3339(unix_now()),
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
    log: Arc<Mutex<Vec<Value>>>,
    http: reqwest::Client,
}

impl Worker {
    async fn run(self, mut rx: mpsc::UnboundedReceiver<Value>) {
        while let Some(event) = rx.recv().await {
            let body = event.to_string();
            for attempt in 1..=ATTEMPTS {
                let t = unix_now();
                let outcome = self
                    .http
                    .post(&self.url)
                    .header("content-type", "application/json")
                    .header(
                        "OFAuth-Signature",
                        format!("t={t},v1={}", sign(&self.secret, t, &body)),
                    )
                    .body(body.clone())
                    .send()
                    .await;
                let (ok, result) = match outcome {
                    Ok(r) => (r.status().is_success(), json!(r.status().as_u16())),
                    Err(e) => (
                        false,
                        json!(if e.is_timeout() {
                            "timeout"
                        } else {
                            "unreachable"
                        }),
                    ),
                };
                self.log.lock().unwrap_or_else(|p| p.into_inner()).push(json!({
                    "eventId": event["id"], "type": event["type"], "attempt": attempt, "result": result,
                }));
                if ok {
                    break;
                }
                if attempt < ATTEMPTS {
                    tokio::time::sleep(self.backoff * 2u32.pow(attempt - 1)).await;
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

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
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
