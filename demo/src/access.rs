//! A client for OFAuth's access API: `GET <provider><path>` on behalf of a
//! stored connection (headers `apikey` and `x-connection-id`), retried as
//! [`RetryPolicy::PROVIDER`] says: network errors and 5xx after a backoff,
//! `RATE_LIMIT_EXCEEDED` after its `Retry-After`. `SESSION_EXPIRED` is final:
//! the user must reconnect.

use axum::http::header;
use serde_json::Value;

use crate::config::DemoConfig;
use crate::retry::{Attempt, RetryPolicy, Sleep};

/// Why an access call failed.
#[derive(Debug)]
pub enum AccessError {
    /// `SESSION_EXPIRED`: the user must reconnect.
    Expired,
    /// Anything else, after retries: what went wrong.
    Failed(String),
}

/// The access API of the provider the demo is configured with.
pub struct AccessApi {
    http: reqwest::Client,
    provider_origin: String,
    api_key: String,
    /// How to wait between attempts: Tokio's timer, or in tests a recorder.
    sleep: Sleep,
}

impl AccessApi {
    /// The access API of `config`'s provider, called with `http`.
    pub fn new(config: &DemoConfig, http: reqwest::Client, sleep: Sleep) -> Self {
        Self {
            http,
            provider_origin: config.provider_origin().to_owned(),
            api_key: config.ofauth_key.clone(),
            sleep,
        }
    }

    /// `GET <provider><path>` for `connection`: its JSON answer.
    pub async fn get(&self, path: &str, connection: &str) -> Result<Value, AccessError> {
        let url = format!("{}{path}", self.provider_origin);
        let refusing = "the provider kept refusing (rate limited or failing)";
        RetryPolicy::PROVIDER
            .run(&self.sleep, AccessError::Failed(refusing.into()), || {
                self.attempt(&url, connection)
            })
            .await
    }

    /// One request. A network error says why, so that it is what the
    /// caller hears if every attempt fails.
    async fn attempt(&self, url: &str, connection: &str) -> Attempt<Value, AccessError> {
        let sent = self
            .http
            .get(url)
            .header("apikey", &self.api_key)
            .header("x-connection-id", connection)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(e) => {
                let why = format!("the provider could not be reached: {e}");
                return Attempt::Backoff(Some(AccessError::Failed(why)));
            }
        };
        let status = response.status();
        if status.is_success() {
            return Attempt::Done(response.json().await.map_err(|_| {
                AccessError::Failed("the provider answered something else than JSON".into())
            }));
        }
        let retry_after = response
            .headers()
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let body: Value = response.json().await.unwrap_or(Value::Null);
        match body["code"].as_str() {
            Some("SESSION_EXPIRED") => Attempt::Done(Err(AccessError::Expired)),
            Some("RATE_LIMIT_EXCEEDED") => Attempt::RetryAfter(retry_after),
            _ if status.is_server_error() => Attempt::Backoff(None),
            _ => Attempt::Done(Err(AccessError::Failed(format!(
                "{}: {}",
                status.as_u16(),
                body["message"].as_str().unwrap_or("no message")
            )))),
        }
    }
}
