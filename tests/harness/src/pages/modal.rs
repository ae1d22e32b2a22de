//! The widget's modal on the host page (`<ofconnect-modal>`, its shadow
//! root, and the provider's frame inside it).

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::Locator;
use serde_json::json;

use super::demo::DemoPage;
use super::flow::FlowPage;
use crate::page::{Page, WAIT};

/// The widget's modal on the page.
#[derive(Clone)]
pub struct Modal {
    page: Page,
    demo: DemoPage,
    flow: FlowPage,
    /// The host page's origin, which the provider's messages target.
    host: String,
}

impl Modal {
    /// The modal on `demo`'s page (at `host`), with `flow` inside.
    pub fn new(page: Page, demo: DemoPage, flow: FlowPage, host: &str) -> Self {
        Self {
            page,
            demo,
            flow,
            host: host.to_owned(),
        }
    }

    /// Number of modals on the page.
    pub async fn count(&self) -> u64 {
        self.page
            .eval("return document.querySelectorAll('ofconnect-modal').length")
            .await
            .as_u64()
            .unwrap()
    }

    /// Waits until no modal is left on the page.
    pub async fn wait_gone(&self) {
        let script = "return document.querySelectorAll('ofconnect-modal').length === 0";
        self.page.until("the modal is gone", script).await;
    }

    /// An element inside the modal's shadow root.
    pub async fn find(&self, css: &str) -> Element {
        let host = self.page.element("ofconnect-modal").await;
        let root = host.shadow_root().await.unwrap();
        let deadline = Instant::now() + WAIT;
        loop {
            match root.find(Locator::Css(css)).await {
                Ok(e) => return e,
                Err(e) if Instant::now() > deadline => panic!("no {css} in the modal: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    /// Waits for the modal's flow frame to be ready, then switches into it.
    pub async fn enter_flow(&self) {
        self.demo.wait_log("ready", 1).await;
        self.find("iframe").await.enter_frame().await.unwrap();
        self.page.element("input[name=email]").await;
    }

    /// Returns from the flow's frame to the page.
    pub async fn leave_flow(&self) {
        self.page.leave_frame().await;
    }

    /// From inside the genuine provider frame (already entered), posts each
    /// message (JS expressions) to the host page with its exact origin.
    pub async fn post_from_flow(&self, messages: &[&str]) {
        // Posted from a timer, so that the script returns before a message
        // that closes the flow removes the frame it runs in.
        let script = format!(
            "const host = arguments[0]; setTimeout(() => {{ for (const m of [{}]) parent.postMessage(m, host); }});",
            messages.join(", ")
        );
        self.page.call(&script, vec![json!(self.host)]).await;
    }

    /// Clicks a button in the flow frame that makes the widget remove that
    /// frame, then returns to the page. The driver may answer "target frame
    /// detached" for such a click: the click happened, the frame is gone.
    pub async fn click_and_leave(&self, css: &str) {
        if let Err(e) = self.page.visible(css).await.click().await {
            assert!(
                e.to_string().contains("frame detached"),
                "click on {css}: {e}"
            );
        }
        self.leave_flow().await;
    }

    /// Clicks `css` on the CRM page, then connects in the OFAuth Link page
    /// it opens in the modal, through to Done.
    pub async fn connect_with_link(&self, css: &str) {
        self.page.visible(css).await.click().await.unwrap();
        self.find("iframe").await.enter_frame().await.unwrap();
        self.page.visible("#start").await.click().await.unwrap();
        self.flow.log_in("creator@sandbox.test", "sandbox").await;
        self.page.visible("#done").await;
        self.click_and_leave("#done").await;
        self.wait_gone().await;
    }
}
