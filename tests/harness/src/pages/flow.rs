//! The provider's page of the flow (the sandbox's OnlyFansAPI login or
//! OFAuth's Link page), wherever the driver is in it: the modal's frame or
//! the popup window.

use std::time::{Duration, Instant};

use crate::page::{Page, WAIT};

/// The provider's page of the flow, entered.
#[derive(Clone)]
pub struct FlowPage {
    page: Page,
}

impl FlowPage {
    pub fn new(page: Page) -> Self {
        Self { page }
    }

    /// Fills in `name` as a user does: click, then type. A field the
    /// engine does not yet let the keyboard reach (a frame still settling),
    /// or that did not get every key (WebKit's driver, under load), is
    /// tried again until [`WAIT`].
    pub async fn fill(&self, name: &str, value: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let field = self.page.visible(&format!("input[name={name}]")).await;
            let _ = field.click().await;
            let typed = match field.clear().await {
                Ok(()) => field.send_keys(value).await,
                Err(e) => Err(e),
            };
            let holds = match &typed {
                Ok(()) => field.prop("value").await.ok().flatten(),
                Err(_) => None,
            };
            match typed {
                Ok(()) if holds.as_deref() == Some(value) => return,
                _ if Instant::now() > deadline => {
                    panic!("could not type into {name}: {typed:?}, the field holds {holds:?}")
                }
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Submits the form shown.
    pub async fn submit(&self) {
        self.page
            .visible("button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
    }

    /// Logs in: e-mail, password, submit.
    pub async fn log_in(&self, email: &str, password: &str) {
        self.fill("email", email).await;
        self.fill("password", password).await;
        self.submit().await;
    }
}
