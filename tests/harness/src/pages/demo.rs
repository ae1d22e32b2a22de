//! The demo CRM's page (`dist/index.html`): its Connect button, its mode
//! switch, and its log of the widget's callbacks and lifecycle events.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::page::{Page, WAIT};

/// The demo CRM's page.
#[derive(Clone)]
pub struct DemoPage {
    page: Page,
    origin: String,
}

impl DemoPage {
    pub fn new(page: Page, origin: &str) -> Self {
        Self {
            page,
            origin: origin.to_owned(),
        }
    }

    /// Opens the page and waits until its widget has its first session.
    pub async fn open(&self) {
        self.page.goto(&format!("{}/", self.origin)).await;
        self.page
            .until(
                "the Connect button is enabled",
                "return !document.getElementById('connect').disabled",
            )
            .await;
        self.wait_events("session_received", 1).await;
    }

    /// Switches the page between "iframe" and "popup" (recreating its widget).
    pub async fn select_mode(&self, mode: &str) {
        let before = self.events("session_received").await.len();
        let script = "const s = document.getElementById('mode'); s.value = arguments[0];
                      s.dispatchEvent(new Event('change'));";
        self.page.call(script, vec![json!(mode)]).await;
        self.wait_events("session_received", before + 1).await;
    }

    /// Clicks Connect.
    pub async fn click_connect(&self) {
        self.page.click("#connect").await;
    }

    /// Requests the demo backend's `POST /api/session` has had.
    pub async fn session_requests(&self) -> u64 {
        let url = format!("{}/api/session/count", self.origin);
        let v: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        v["requests"].as_u64().unwrap()
    }

    /// The log of callbacks and events, oldest first, as `(kind, detail)`.
    pub async fn log(&self) -> Vec<(String, Value)> {
        let entries = self
            .page
            .eval(
                "return [...document.querySelectorAll('#log li')].reverse()
                   .map(li => [li.dataset.kind, li.querySelector('code').textContent])",
            )
            .await;
        entries
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let detail = e[1].as_str().unwrap();
                (
                    e[0].as_str().unwrap().to_owned(),
                    serde_json::from_str(detail).unwrap_or(Value::Null),
                )
            })
            .collect()
    }

    /// How many log entries are of `kind`.
    pub async fn count(&self, kind: &str) -> usize {
        self.log().await.iter().filter(|(k, _)| k == kind).count()
    }

    /// Lifecycle events named `name` from the log.
    pub async fn events(&self, name: &str) -> Vec<Value> {
        self.log()
            .await
            .into_iter()
            .filter(|(k, d)| k == "event" && d["name"] == name)
            .map(|(_, d)| d)
            .collect()
    }

    /// Waits until the log has at least `n` entries of `kind`.
    pub async fn wait_log(&self, kind: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        while self.count(kind).await < n {
            assert!(
                Instant::now() < deadline,
                "waited for {n} `{kind}` in the log; have {:#?}",
                self.log().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the log has `n` lifecycle events named `name`.
    pub async fn wait_events(&self, name: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        while self.events(name).await.len() < n {
            assert!(
                Instant::now() < deadline,
                "waited for {n} `{name}` events: {:#?}",
                self.log().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
