//! The flow's popup window, and the page's own window it opened from.

use std::time::{Duration, Instant};

use fantoccini::wd::WindowHandle;

use crate::page::{Page, WAIT};

/// The windows of the session: the page's own and a popup.
#[derive(Clone)]
pub struct Popup {
    page: Page,
    /// The page's own window (engines list window handles in any order).
    main_window: WindowHandle,
}

impl Popup {
    pub fn new(page: Page, main_window: WindowHandle) -> Self {
        Self { page, main_window }
    }

    /// Waits for a second window (the popup) and switches to it.
    pub async fn enter(&self) {
        let browser = self.page.browser();
        let deadline = Instant::now() + WAIT;
        loop {
            let windows = browser.windows().await.unwrap();
            if let Some(popup) = windows.into_iter().find(|w| *w != self.main_window) {
                browser.switch_to_window(popup).await.unwrap();
                return;
            }
            assert!(Instant::now() < deadline, "no popup opened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Switches back to the page's own window.
    pub async fn leave(&self) {
        let main = self.main_window.clone();
        self.page.browser().switch_to_window(main).await.unwrap();
    }

    /// How many windows are open.
    pub async fn window_count(&self) -> usize {
        self.page.browser().windows().await.unwrap().len()
    }

    /// Waits until `n` windows are open (engines close windows asynchronously).
    pub async fn wait_windows(&self, n: usize) {
        let deadline = Instant::now() + WAIT;
        while self.window_count().await != n {
            assert!(
                Instant::now() < deadline,
                "expected {n} windows, have {}",
                self.window_count().await
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
