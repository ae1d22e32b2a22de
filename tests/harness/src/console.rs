//! The one console-error collector of a test. Its sources:
//!
//! - the page hook ([`CONSOLE_HOOK`]), first in every HTML page that the
//!   test's servers send ([`Console::hook`]), so in every window and frame
//!   of every origin, in every engine: `console.error`, uncaught errors and
//!   unhandled rejections, each reported to the page's own server before
//!   the call that logged it returns;
//! - the browser's own messages (a blocked load, a CSP violation, a page
//!   not served by the test), where the engine's driver reports them
//!   ([`Driver::browser_console`]): Chromium's log endpoint (which misses
//!   cross-site frames), the lines Firefox writes to the driver's output.
//!   WebKit's driver has neither.
//!
//! [`Console::errors`] reads them all, less what the test expects.

use std::sync::{Arc, Mutex};

use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use fantoccini::Client;

use crate::driver::Driver;

/// Reports the page's console errors and uncaught exceptions to its own
/// server, with a synchronous request, so that a line is recorded before the
/// call that logged it returns. (The engines' own logs miss some frames:
/// Chromium's misses cross-site frames, and WebKit's driver keeps none.)
const CONSOLE_HOOK: &str = r#"(() => {
  const { open, send } = XMLHttpRequest.prototype;
  const report = (...parts) => {
    try {
      const request = new XMLHttpRequest();
      open.call(request, "POST", "/__console", false);
      send.call(request, `${location.href}: ${parts.map(String).join(" ")}`);
    } catch {}
  };
  const error = console.error;
  console.error = function (...args) {
    report(...args);
    return error.apply(this, args);
  };
  addEventListener("error", (e) => report("uncaught:", e.message));
  addEventListener("unhandledrejection", (e) => report("unhandled rejection:", e.reason));
})();"#;

/// Errors that say they are provoked on purpose are never counted.
const ON_PURPOSE: &str = "expected by this test";

/// The console errors of one test's pages, and those it expects.
#[derive(Clone, Default)]
pub struct Console {
    /// What the pages' hook reported.
    pages: Arc<Mutex<Vec<String>>>,
    /// Console lines a test provokes on purpose (substrings).
    expected: Arc<Mutex<Vec<String>>>,
}

impl Console {
    /// `app` with [`CONSOLE_HOOK`] first in every HTML page it sends (served
    /// from the page's own origin, so that a strict CSP allows it),
    /// recording what the hook reports. The test's servers have it; a
    /// server a test starts itself needs it too.
    pub fn hook(&self, app: Router) -> Router {
        let pages = self.pages.clone();
        app.route(
            "/__console.js",
            get(|| async { ([("content-type", "text/javascript")], CONSOLE_HOOK) }),
        )
        .route(
            "/__console",
            post(move |line: String| async move { pages.lock().unwrap().push(line) }),
        )
        .layer(axum::middleware::map_response(inject_hook))
    }

    /// Declares console errors containing `substring` as expected in this
    /// test (the browser logs every failed request it is made to send).
    pub fn expect(&self, substring: &str) {
        self.expected.lock().unwrap().push(substring.to_owned());
    }

    /// The console errors of every window and frame so far, from every
    /// source, less the expected ones. (The browser's own messages are
    /// read once: Chromium hands each out once.)
    pub async fn errors(&self, driver: &Driver, browser: &Client) -> Vec<String> {
        let mut lines = self.pages.lock().unwrap().clone();
        lines.extend(driver.browser_console(browser).await);
        let expected = self.expected.lock().unwrap();
        lines
            .into_iter()
            .filter(|m| !m.contains(ON_PURPOSE))
            .filter(|m| !expected.iter().any(|x| m.contains(x.as_str())))
            .collect()
    }
}

/// Puts the hook's `<script>` first in an HTML page (after its doctype).
async fn inject_hook(response: Response) -> Response {
    let html = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|t| t.to_str().ok());
    if !html.is_some_and(|t| t.starts_with("text/html")) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let page = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let page = String::from_utf8_lossy(&page);
    let doctype = "<!doctype html>";
    let at = match page.get(..doctype.len()) {
        Some(start) if start.eq_ignore_ascii_case(doctype) => doctype.len(),
        _ => 0,
    };
    let (head, rest) = page.split_at(at);
    parts.headers.remove(CONTENT_LENGTH);
    let page = format!(r#"{head}<script src="/__console.js"></script>{rest}"#);
    Response::from_parts(parts, axum::body::Body::from(page))
}
