//! End-to-end harness: the sandbox provider, the demo CRM and an attacker
//! site on three distinct origins, and a real browser driven over WebDriver.
//!
//! - demo CRM:  `http://localhost:<port>` (serves `dist/`, built by `make build`)
//! - provider:  `http://127.0.0.1:<port>` (the sandbox)
//! - attacker:  `http://127.0.0.2:<port>` (pages that try to forge messages)
//!
//! Each test gets its own servers and its own browser session, and fails on
//! any error a page logs or throws, in any window or frame, and on the
//! browser's own console errors where its driver reports them.

#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod cdp;

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

/// How the servers of one test are set up.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The sandbox's token lifetime, which the demo also reports as `expiresAt`.
    pub token_ttl: Duration,
    /// The demo reports this lifetime instead (to test provider-reported expiry).
    pub reported_ttl: Option<Duration>,
    /// A Cross-Origin-Opener-Policy for the sandbox's hosted pages.
    pub coop: Option<&'static str>,
    /// The sandbox's access API limit: requests per connection per window.
    pub access_rate: (u32, Duration),
    /// Whether the sandbox sends its webhooks to the demo.
    pub webhooks: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(900),
            access_rate: (60, Duration::from_secs(60)),
            reported_ttl: None,
            coop: None,
            webhooks: true,
        }
    }
}

/// Starts everything, runs `body`, then always closes the browser; a
/// failing test also leaves a screenshot in `target/e2e/<name>.png`.
pub async fn run<F, Fut>(name: &str, body: F)
where
    F: FnOnce(World) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    run_with(name, Setup::default(), body).await
}

/// [`run`] with non-default servers.
pub async fn run_with<F, Fut>(name: &str, setup: Setup, body: F)
where
    F: FnOnce(World) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let world = World::start(setup).await;
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
    /// The attacker's pages on the provider's host name, another port.
    pub lookalike: String,
    pub browser: Client,
    /// Console lines a test provokes on purpose (substrings).
    expected_console: Arc<std::sync::Mutex<Vec<String>>>,
    /// What the pages' console hook reported (see [`with_console_hook`]).
    page_console: ConsoleLog,
    /// The page's own window (engines list window handles in any order).
    main_window: fantoccini::wd::WindowHandle,
    _driver: Arc<Driver>,
}

/// The browser engine under test: `OFCONNECT_BROWSER=chromium|firefox|webkit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

impl Engine {
    pub fn current() -> Self {
        match std::env::var("OFCONNECT_BROWSER").as_deref() {
            Ok("firefox") => Engine::Firefox,
            Ok("webkit") => Engine::WebKit,
            Ok("chromium") | Err(_) => Engine::Chromium,
            Ok(other) => panic!("OFCONNECT_BROWSER={other}: use chromium, firefox or webkit"),
        }
    }
}

/// The WebDriver server (and, for WebKit, its X server); its output is
/// kept in a file, where Firefox writes the page's console. (MiniBrowser
/// under automation writes none, whatever its settings say.)
struct Driver {
    processes: Vec<Child>,
    log: PathBuf,
}

impl Drop for Driver {
    fn drop(&mut self) {
        for p in self.processes.iter_mut().rev() {
            let _ = p.kill();
            let _ = p.wait();
        }
        if std::env::var_os("OFCONNECT_KEEP_DRIVER_LOG").is_none() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

impl World {
    async fn start(setup: Setup) -> World {
        let dist = repo().join("dist");
        assert!(
            dist.join("index.html").is_file(),
            "dist/ is missing: build the demo first (make build)"
        );
        let demo_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let provider_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let attacker_listener = TcpListener::bind("127.0.0.2:0").await.unwrap();
        let lookalike_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let lookalike = format!(
            "http://127.0.0.1:{}",
            lookalike_listener.local_addr().unwrap().port()
        );
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
            token_ttl: setup.token_ttl,
            cross_origin_opener_policy: setup.coop.map(Into::into),
            client_apps: vec![ofconnect_sandbox::ClientApp::for_origins(
                std::slice::from_ref(&demo),
            )],
            webhook_url: setup.webhooks.then(|| format!("{demo}/webhooks/ofauth")),
            webhook_backoff: Duration::from_millis(200),
            access_rate_limit: setup.access_rate.0,
            access_rate_window: setup.access_rate.1,
            ..Default::default()
        };
        let crm = ofconnect_demo::DemoConfig {
            provider_url: provider.clone(),
            api_key: "e2e-key".into(),
            ofauth_key: ofconnect_sandbox::DEFAULT_OFAUTH_KEY.into(),
            client_app: ofconnect_sandbox::DEFAULT_CLIENT_APP.into(),
            webhook_secret: ofconnect_sandbox::DEFAULT_WEBHOOK_SECRET.into(),
            database: None,
            token_ttl: setup.reported_ttl.unwrap_or(setup.token_ttl),
            dist_dir: dist,
            faults: true,
        };
        let page_console = ConsoleLog::default();
        let hooked = |app| with_console_hook(app, page_console.clone());
        let (provider_app, demo_app) = (
            hooked(ofconnect_sandbox::app(sandbox).unwrap()),
            hooked(ofconnect_demo::app(crm).unwrap()),
        );
        let (attacker_app, lookalike_app) = (hooked(attacker_site()), hooked(attacker_site()));
        tokio::spawn(async move { axum::serve(provider_listener, provider_app).await });
        tokio::spawn(async move { axum::serve(demo_listener, demo_app).await });
        tokio::spawn(async move { axum::serve(attacker_listener, attacker_app).await });
        tokio::spawn(async move { axum::serve(lookalike_listener, lookalike_app).await });

        let (driver, browser) = launch().await;
        let main_window = browser.window().await.unwrap();
        World {
            demo,
            provider,
            attacker,
            lookalike,
            browser,
            expected_console: Default::default(),
            page_console,
            main_window,
            _driver: Arc::new(driver),
        }
    }

    /// Navigates the current window.
    pub async fn goto(&self, url: &str) {
        self.browser.goto(url).await.unwrap();
    }

    /// Opens the demo CRM page and waits until its widget has its first session.
    pub async fn open_demo(&self) {
        self.goto(&format!("{}/", self.demo)).await;
        self.until(
            "the Connect button is enabled",
            "return !document.getElementById('connect').disabled",
        )
        .await;
        self.wait_events("session_received", 1).await;
    }

    /// Waits until the demo log has `n` lifecycle events named `name`.
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

    /// Switches the demo page between "iframe" and "popup" (recreating its widget).
    pub async fn select_mode(&self, mode: &str) {
        let before = self.events("session_received").await.len();
        let script = "const s = document.getElementById('mode'); s.value = arguments[0];
                      s.dispatchEvent(new Event('change'));";
        self.browser
            .execute(script, vec![json!(mode)])
            .await
            .unwrap();
        self.wait_events("session_received", before + 1).await;
    }

    /// Creates a second widget on the page with these options (a JS object
    /// literal) recording its callbacks, and a `#lab-open` button that opens
    /// it from a real click.
    pub async fn lab(&self, options: &str) {
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
        self.browser.execute(&script, vec![]).await.unwrap();
    }

    /// On the demo page, a lab widget for OFAuth (Link sessions from the demo
    /// backend) with `extra` options, once it has its first session.
    pub async fn ofauth_lab(&self, extra: &str) {
        self.goto(&format!("{}/", self.demo)).await;
        self.lab(&format!(
            "{{provider: 'ofauth', sessionUrl: '/api/link-session', linkOrigin: '{}', {extra}}}",
            self.provider
        ))
        .await;
        self.wait_lab("event", 2).await; // session_requested, session_received
    }

    /// Clicks `#lab-open`: a real click, so the page has user activation.
    pub async fn lab_open(&self) {
        self.browser
            .find(Locator::Css("#lab-open"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// The lab widget's callbacks named `kind`, each as `[kind, ...arguments]`.
    pub async fn lab_calls(&self, kind: &str) -> Vec<Value> {
        let calls = self.eval("return window.__calls || []").await;
        calls
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c[0] == kind)
            .cloned()
            .collect()
    }

    /// The lab's `onEvent` names, in order.
    pub async fn lab_events(&self) -> Vec<String> {
        self.lab_calls("event")
            .await
            .iter()
            .map(|c| c[1].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    /// Waits until the lab widget has had `n` callbacks of `kind`.
    pub async fn wait_lab(&self, kind: &str, n: usize) {
        let deadline = Instant::now() + WAIT;
        while self.lab_calls(kind).await.len() < n {
            let calls = self.eval("return window.__calls").await;
            assert!(
                Instant::now() < deadline,
                "waited for {n} `{kind}`; calls: {calls:#}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Requests the demo backend's `POST /api/session` has had.
    pub async fn session_requests(&self) -> u64 {
        let url = format!("{}/api/session/count", self.demo);
        let v: Value = reqwest::get(url).await.unwrap().json().await.unwrap();
        v["requests"].as_u64().unwrap()
    }

    /// Waits for a second window (the popup) and switches to it.
    pub async fn enter_popup(&self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let windows = self.browser.windows().await.unwrap();
            if let Some(popup) = windows.into_iter().find(|w| *w != self.main_window) {
                self.browser.switch_to_window(popup).await.unwrap();
                return;
            }
            assert!(Instant::now() < deadline, "no popup opened");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Switches back to the page's own window.
    pub async fn enter_main(&self) {
        self.browser
            .switch_to_window(self.main_window.clone())
            .await
            .unwrap();
    }

    /// How many windows are open.
    pub async fn window_count(&self) -> usize {
        self.browser.windows().await.unwrap().len()
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

    /// Fills in `name`, in the current frame, as a user does: click, then
    /// type. A field the engine does not yet let the keyboard reach (a frame
    /// still settling) is tried again until [`WAIT`].
    pub async fn fill(&self, name: &str, value: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let field = self.visible(&format!("input[name={name}]")).await;
            let _ = field.click().await;
            let typed = match field.clear().await {
                Ok(()) => field.send_keys(value).await,
                Err(e) => Err(e),
            };
            match typed {
                Ok(()) => return,
                Err(e) if Instant::now() > deadline => panic!("could not type into {name}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    pub async fn submit(&self) {
        self.visible("button[type=submit]")
            .await
            .click()
            .await
            .unwrap();
    }

    /// Adds an iframe to the page (the widget's modal makes the rest of the
    /// page inert, but frames there still run and post messages).
    pub async fn add_frame(&self, src: &str, sandbox: Option<&str>) {
        let script = "const f = document.createElement('iframe'); f.src = arguments[0];
                      if (arguments[1]) f.setAttribute('sandbox', arguments[1]);
                      document.body.append(f);";
        self.browser
            .execute(script, vec![json!(src), json!(sandbox)])
            .await
            .unwrap();
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
        self.browser
            .execute(&script, vec![json!(self.demo)])
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

    /// Clicks `css` on the CRM page, then connects in the OFAuth Link page
    /// it opens in the modal, through to Done.
    pub async fn link_in_modal(&self, css: &str) {
        self.visible(css).await.click().await.unwrap();
        self.in_modal("iframe").await.enter_frame().await.unwrap();
        self.visible("#start").await.click().await.unwrap();
        self.log_in("creator@sandbox.test", "sandbox").await;
        self.visible("#done").await;
        self.click_and_leave("#done").await;
        self.until(
            "the modal is gone",
            "return document.querySelectorAll('ofconnect-modal').length === 0",
        )
        .await;
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

    /// `app` with the console hook every page of this test's servers has
    /// (for a server of the test's own).
    pub fn hooked(&self, app: Router) -> Router {
        with_console_hook(app, self.page_console.clone())
    }

    /// Declares console errors containing `substring` as expected in this
    /// test (the browser logs every failed request it is made to send).
    pub fn expect_console(&self, substring: &str) {
        self.expected_console
            .lock()
            .unwrap()
            .push(substring.to_owned());
    }

    /// Console errors from every window and frame: what the pages' console
    /// hook reported, and the browser's own messages (a blocked load, a CSP
    /// violation) from Chromium's log endpoint (which misses cross-site
    /// frames) or the lines Firefox wrote to the driver's output (WebKit's
    /// driver has neither).
    async fn console_errors(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.page_console.lock().unwrap().clone();
        match Engine::current() {
            Engine::Chromium => {
                if let Ok(entries) = self.browser.issue_cmd(BrowserLog).await {
                    let entries = entries.as_array().cloned().unwrap_or_default();
                    lines.extend(
                        entries
                            .iter()
                            .filter(|e| e["level"] == "SEVERE")
                            .map(|e| e["message"].as_str().unwrap_or_default().to_owned()),
                    );
                }
            }
            Engine::WebKit => {}
            Engine::Firefox => {
                let output = std::fs::read_to_string(&self._driver.log).unwrap_or_default();
                lines.extend(
                    output
                        .lines()
                        .filter(|l| {
                            l.starts_with("console.error:") || l.starts_with("JavaScript error:")
                        })
                        // The browser's own components log to the same stream;
                        // only what pages log counts.
                        .filter(|l| {
                            !["resource://", "chrome://", "RSLoader"]
                                .iter()
                                .any(|x| l.contains(x))
                        })
                        .map(str::to_owned),
                );
            }
        }
        lines
            .into_iter()
            // Exceptions a test provokes on purpose say so.
            .filter(|m| !m.contains("expected by this test"))
            .filter(|m| {
                !self
                    .expected_console
                    .lock()
                    .unwrap()
                    .iter()
                    .any(|x| m.contains(x.as_str()))
            })
            .collect()
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

/// Starts the engine's WebDriver server and a session, with the popup
/// blocker left on (chromedriver turns it off unless told not to).
async fn launch() -> (Driver, Client) {
    let port = free_port();
    let log = std::env::temp_dir().join(format!("ofconnect-driver-{port}.log"));
    let out = std::fs::File::create(&log).unwrap();
    let output = || Stdio::from(out.try_clone().unwrap());
    let mut processes = vec![];
    let spawn = |cmd: &mut Command, what: &str| {
        cmd.stdout(output())
            .stderr(output())
            .spawn()
            .unwrap_or_else(|e| panic!("{what}: {e}; run `make setup`"))
    };
    let caps = match Engine::current() {
        Engine::Chromium => {
            processes.push(spawn(
                Command::new("chromedriver").arg(format!("--port={port}")),
                "chromedriver",
            ));
            json!({
                "browserName": "chrome",
                "goog:chromeOptions": {
                    "binary": "/usr/bin/chromium",
                    "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--disable-background-networking", "--disable-component-update", "--disable-sync",
                             "--disable-dev-shm-usage", "--window-size=1280,900"],
                    "excludeSwitches": ["disable-popup-blocking", "enable-automation"],
                },
                "goog:loggingPrefs": { "browser": "ALL" },
            })
        }
        Engine::Firefox => {
            processes.push(spawn(
                Command::new("geckodriver")
                    .arg("--port")
                    .arg(port.to_string()),
                "geckodriver",
            ));
            json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": "/usr/bin/firefox-esr",
                    "args": ["-headless"],
                    "prefs": {
                        // The page's console, written to the driver's output.
                        "devtools.console.stdout.content": true,
                        // A closed network: no update, telemetry or safe-browsing traffic.
                        "app.update.enabled": false,
                        "browser.safebrowsing.malware.enabled": false,
                        "browser.safebrowsing.phishing.enabled": false,
                        "datareporting.policy.dataSubmissionEnabled": false,
                        "network.captive-portal-service.enabled": false,
                        "network.connectivity-service.enabled": false,
                        // Popups stay blocked without a user gesture, as for users.
                        "dom.disable_open_during_load": true,
                    },
                },
            })
        }
        Engine::WebKit => {
            let display = format!(":{}", 100 + port % 800);
            processes.push(spawn(
                Command::new("Xvfb")
                    .arg(&display)
                    .arg("-screen")
                    .arg("0")
                    .arg("1280x900x24")
                    .arg("-nolisten")
                    .arg("tcp"),
                "Xvfb",
            ));
            std::thread::sleep(Duration::from_millis(300));
            processes.push(spawn(
                Command::new("WebKitWebDriver")
                    .arg(format!("--port={port}"))
                    .env("DISPLAY", &display),
                "WebKitWebDriver",
            ));
            json!({
                "browserName": "MiniBrowser",
                "webkitgtk:browserOptions": {
                    "binary": "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
                    "args": ["--automation"],
                },
            })
        }
    };
    let driver = Driver { processes, log };
    let caps: fantoccini::wd::Capabilities = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                let _ = client.set_window_size(1280, 900).await;
                return (driver, client);
            }
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

/// What the console hook of the servers' pages reported, in every engine.
type ConsoleLog = Arc<std::sync::Mutex<Vec<String>>>;

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

/// `app` with [`CONSOLE_HOOK`] first in every HTML page it sends (served
/// from the page's own origin, so that a strict CSP allows it), recording
/// into `log` what the hook reports.
fn with_console_hook(app: Router, log: ConsoleLog) -> Router {
    use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
    use axum::response::Response;
    let inject = |response: Response| async move {
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
    };
    app.route(
        "/__console.js",
        get(|| async { ([("content-type", "text/javascript")], CONSOLE_HOOK) }),
    )
    .route(
        "/__console",
        axum::routing::post(move |line: String| async move { log.lock().unwrap().push(line) }),
    )
    .layer(axum::middleware::map_response(inject))
}

/// Pages on a third origin that try to pass for the provider.
fn attacker_site() -> Router {
    const FORGED: &str = r#"{type: "onlyfansapi.auth.success", payload: {accountId: "acct_forged", username: "attacker",
        onlyfansData: {id: 666, username: "attacker", email: "a@evil.test", avatar_url: null, name: "Forged"}}}"#;
    // `?provider=ofauth`: OFAuth's Link message instead.
    const FORGED_LINK: &str = r#"{type: "OFAUTH_LINK", event: "success", metadata: {connection: {id: "conn_forged",
        userData: {id: "666", name: "Forged", username: "attacker", avatar: null}}}}"#;
    let page = format!(
        r#"<!doctype html><title>attacker</title><link rel="icon" href="data:,"><script>
        const query = new URLSearchParams(location.search);
        const host = query.get("host");
        const forged = query.get("provider") === "ofauth" ? {FORGED_LINK} : {FORGED};
        parent.postMessage(forged, "*");
        parent.postMessage(forged, host);
        </script>"#
    );
    // Opens `?url=` in a popup on a click, and records what it is sent.
    let opener = r#"<!doctype html><title>attacker opener</title><link rel="icon" href="data:,"><script>
        window.__got = [];
        addEventListener("message", (e) => window.__got.push({origin: e.origin, data: e.data}));
        </script><button id="open">Open</button><script>
        const url = new URLSearchParams(location.search).get("url");
        document.getElementById("open").addEventListener("click", () => open(url, "_blank", "popup"));
        </script>"#;
    let parent = r#"<!doctype html><title>parent CRM</title><link rel="icon" href="data:,"><script>
        window.__got = [];
        addEventListener("message", (e) => window.__got.push({origin: e.origin, data: e.data}));
        </script><iframe id="child" width="900" height="600"></iframe><script>
        document.getElementById("child").src = new URLSearchParams(location.search).get("child");
        </script>"#;
    // What a page tricked into loading the attacker's code would run (as
    // the glue module, or any script): it leaves a mark and exports nothing
    // that works.
    let evil = || async {
        (
            [
                ("content-type", "text/javascript"),
                ("access-control-allow-origin", "*"),
            ],
            "window.pwned = (window.pwned || 0) + 1; export default async () => {};",
        )
    };
    Router::new()
        .route("/forge.html", get(move || async move { Html(page) }))
        .route("/parent.html", get(move || async move { Html(parent) }))
        .route("/opener.html", get(move || async move { Html(opener) }))
        .route("/evil/", get(evil))
        .route("/evil/{*file}", get(evil))
}
