//! End-to-end harness: the sandbox provider, the demo CRM and an attacker
//! site on three distinct origins, and a real browser driven over WebDriver.
//!
//! - demo CRM:  `http://localhost:<port>` (serves `dist/`, built by `make demo-build`)
//! - provider:  `http://127.0.0.1:<port>` (the sandbox)
//! - attacker:  `http://127.0.0.2:<port>` (pages that try to forge messages)
//!
//! Each test gets its own servers and its own browser session, and fails on
//! any console error in the browser.

#![allow(dead_code)] // each test binary uses a different part of the harness

use std::future::Future;
use std::net::{SocketAddr, TcpListener as StdListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::net::TcpListener;

pub const WAIT: Duration = Duration::from_secs(15);

/// Starts everything, runs `body`, then always closes the browser; a
/// failing test also leaves a screenshot in `target/e2e/<name>.png`.
pub async fn run<F, Fut>(name: &str, body: F)
where
    F: FnOnce(World) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let world = World::start().await;
    let outcome = tokio::spawn(body(world.clone())).await;
    if outcome.is_err() {
        world.screenshot(name).await;
    }
    let console = world.console_errors().await;
    let _ = world.browser.clone().close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
    assert!(
        console.is_empty(),
        "console errors in the browser: {console:#?}"
    );
}

#[derive(Clone)]
pub struct World {
    pub demo: String,
    pub provider: String,
    pub attacker: String,
    pub browser: Client,
    _driver: Arc<Driver>,
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl World {
    async fn start() -> World {
        let dist = repo().join("dist");
        assert!(
            dist.join("index.html").is_file(),
            "dist/ is missing: build the demo first (make demo-build)"
        );
        let demo_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let provider_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let attacker_listener = TcpListener::bind("127.0.0.2:0").await.unwrap();
        let demo = format!(
            "http://localhost:{}",
            demo_listener.local_addr().unwrap().port()
        );
        let provider = format!(
            "http://127.0.0.1:{}",
            provider_listener.local_addr().unwrap().port()
        );
        let attacker = format!(
            "http://127.0.0.2:{}",
            attacker_listener.local_addr().unwrap().port()
        );

        let sandbox = ofconnect_sandbox::Config {
            api_keys: vec![ofconnect_sandbox::ApiKey {
                key: "e2e-key".into(),
                allowed_origins: vec![demo.clone()],
            }],
            ..Default::default()
        };
        let crm = ofconnect_demo::DemoConfig {
            provider_url: provider.clone(),
            api_key: "e2e-key".into(),
            token_ttl: Duration::from_secs(900),
            dist_dir: dist,
        };
        tokio::spawn(async move {
            axum::serve(provider_listener, ofconnect_sandbox::app(sandbox)).await
        });
        tokio::spawn(async move { axum::serve(demo_listener, ofconnect_demo::app(crm)).await });
        tokio::spawn(async move { axum::serve(attacker_listener, attacker_site()).await });

        let (driver, browser) = launch().await;
        World {
            demo,
            provider,
            attacker,
            browser,
            _driver: Arc::new(driver),
        }
    }

    /// Opens the demo CRM page and waits for the widget's script-tag build.
    pub async fn open_demo(&self) {
        self.browser.goto(&format!("{}/", self.demo)).await.unwrap();
        self.until(
            "window.OFConnect is defined",
            "return typeof window.OFConnect === 'object'",
        )
        .await;
    }

    pub async fn click_connect(&self) {
        self.browser
            .find(Locator::Css("#connect"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Number of modals on the page.
    pub async fn modals(&self) -> u64 {
        self.eval("return document.querySelectorAll('ofconnect-modal').length")
            .await
            .as_u64()
            .unwrap()
    }

    /// An element inside the modal's shadow root.
    pub async fn in_modal(&self, css: &str) -> Element {
        let host = self
            .browser
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("ofconnect-modal"))
            .await
            .unwrap();
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
        self.wait_log("ready", 1).await;
        self.in_modal("iframe").await.enter_frame().await.unwrap();
        self.browser
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css("input[name=email]"))
            .await
            .unwrap();
    }

    pub async fn leave_flow(&self) {
        self.browser.enter_parent_frame().await.unwrap();
    }

    /// Waits until an element of the current frame is displayed.
    pub async fn visible(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.browser.find(Locator::Css(css)).await {
                if e.is_displayed().await.unwrap_or(false) {
                    return e;
                }
            }
            assert!(Instant::now() < deadline, "{css} was never displayed");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Fills in `name`, in the current frame.
    pub async fn fill(&self, name: &str, value: &str) {
        let field = self.visible(&format!("input[name={name}]")).await;
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    pub async fn submit(&self) {
        self.visible("button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
    }

    /// Clicks a button in the flow frame that makes the widget remove that
    /// frame, then returns to the page. The driver may answer "target frame
    /// detached" for such a click: the click happened, the frame is gone.
    pub async fn click_and_leave(&self, css: &str) {
        if let Err(e) = self.visible(css).await.click().await {
            assert!(
                e.to_string().contains("frame detached"),
                "click on {css}: {e}"
            );
        }
        self.leave_flow().await;
    }

    /// Presses and releases a key wherever the focus is.
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.browser.perform_actions(keys).await.unwrap();
    }

    /// Logs in on the provider's page (inside the flow frame).
    pub async fn log_in(&self, email: &str, password: &str) {
        self.fill("email", email).await;
        self.fill("password", password).await;
        self.submit().await;
    }

    /// The demo page's log of callbacks and events, oldest first, as `(kind, detail)`.
    pub async fn log(&self) -> Vec<(String, Value)> {
        let entries = self
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

    /// Waits until `script` returns true.
    pub async fn until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        while self.eval(script).await != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn eval(&self, script: &str) -> Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    pub async fn screenshot(&self, name: &str) {
        let dir = repo().join("target/e2e");
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.browser.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }

    /// Severe console entries from every frame (Chromium's log endpoint).
    async fn console_errors(&self) -> Vec<String> {
        let Ok(entries) = self.browser.issue_cmd(BrowserLog).await else {
            return vec![];
        };
        entries
            .as_array()
            .map(|a| {
                a.iter()
                    .filter(|e| e["level"] == "SEVERE")
                    .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                    // Exceptions a test provokes on purpose say so.
                    .filter(|m| !m.contains("expected by this test"))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// `POST /session/{id}/se/log {"type": "browser"}`: chromedriver's console log.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({"type": "browser"}).to_string()),
        )
    }
}

/// Starts chromedriver and a headless Chromium session with the popup
/// blocker left on (chromedriver turns it off unless told not to).
async fn launch() -> (Driver, Client) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver not found: run `make setup`");
    let driver = Driver(child);
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--window-size=1280,900"],
            "excludeSwitches": ["disable-popup-blocking", "enable-automation"],
        },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let caps: fantoccini::wd::Capabilities = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => return (driver, client),
            Err(e) if Instant::now() > deadline => panic!("could not start a browser session: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

fn free_port() -> u16 {
    StdListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Pages on a third origin that try to pass for the provider.
fn attacker_site() -> Router {
    const FORGED: &str = r#"{type: "onlyfansapi.auth.success", payload: {accountId: "acct_forged", username: "attacker",
        onlyfansData: {id: 666, username: "attacker", email: "a@evil.test", avatar_url: null, name: "Forged"}}}"#;
    let page = format!(
        r#"<!doctype html><title>attacker</title><script>
        const host = new URLSearchParams(location.search).get("host");
        parent.postMessage({FORGED}, "*");
        parent.postMessage({FORGED}, host);
        </script>"#
    );
    Router::new().route("/forge.html", get(move || async move { Html(page) }))
}
