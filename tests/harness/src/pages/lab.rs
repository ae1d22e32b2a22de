//! The lab widget: a second widget that a test creates on the demo page
//! with options of its own, recording every callback in `window.__calls`,
//! with a `#lab-open` button that opens it from a real click.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::page::{Page, WAIT};

/// The lab widget on the demo page.
#[derive(Clone)]
pub struct Lab {
    page: Page,
    demo: String,
    provider: String,
}

impl Lab {
    /// The lab on `demo`'s page, for flows on `provider`.
    pub fn new(page: Page, demo: &str, provider: &str) -> Self {
        Self {
            page,
            demo: demo.to_owned(),
            provider: provider.to_owned(),
        }
    }

    /// Creates the lab widget on the current page with these options (a
    /// JS object literal), and its `#lab-open` button.
    pub async fn create(&self, options: &str) {
        let script = format!(
            "window.__calls = [];
             const rec = (k) => (...a) => window.__calls.push([k, ...a]);
             window.__lab = OFConnect.create(Object.assign({{ onReady: rec('ready'), onSuccess: rec('success'),
               onError: rec('error'), onExit: rec('exit'), onExpired: rec('expired'), onEvent: rec('event') }},
               {options}));
             if (!document.getElementById('lab-open')) {{
               const b = document.createElement('button');
               b.id = 'lab-open'; b.textContent = 'Lab open';
               b.addEventListener('click', () => window.__lab.open());
               document.body.prepend(b);
             }}"
        );
        self.page.eval(&script).await;
    }

    /// On the demo page, a lab widget for OFAuth (Link sessions from the demo
    /// backend) with `extra` options, once it has its first session.
    pub async fn ofauth(&self, extra: &str) {
        self.page.goto(&format!("{}/", self.demo)).await;
        self.create(&format!(
            "{{provider: 'ofauth', sessionUrl: '/api/link-session', linkOrigin: '{}', {extra}}}",
            self.provider
        ))
        .await;
        self.wait("event", 2).await; // session_requested, session_received
    }

    /// Clicks `#lab-open`: a real click, so the page has user activation.
    pub async fn open(&self) {
        self.page.click("#lab-open").await;
    }

    /// The callbacks named `kind`, each as `[kind, ...arguments]`.
    pub async fn calls(&self, kind: &str) -> Vec<Value> {
        let calls = self.page.eval("return window.__calls || []").await;
        calls
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c[0] == kind)
            .cloned()
            .collect()
    }

    /// The `onEvent` names, in order.
    pub async fn events(&self) -> Vec<String> {
        self.calls("event")
            .await
            .iter()
            .map(|c| c[1].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits until the widget has had `n` callbacks of `kind`.
    pub async fn wait(&self, kind: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        while self.calls(kind).await.len() < n {
            let calls = self.page.eval("return window.__calls").await;
            assert!(
                Instant::now() < deadline,
                "waited for {n} `{kind}`; calls: {calls:#}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
