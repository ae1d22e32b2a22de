//! The end-to-end suites' harness (`tests/{e2e,lifecycle,adversarial,
//! surfaces,checklist,leaks,console}.rs`): the sandbox provider, the demo
//! CRM and an attacker site on distinct origins, and a real browser driven
//! over WebDriver.
//!
//! - demo CRM:  `http://localhost:<port>` (serves `dist/`, built by `make build`)
//! - provider:  `http://127.0.0.1:<port>` (the sandbox)
//! - attacker:  `http://127.0.0.2:<port>` (pages that try to forge messages)
//! - lookalike: `http://127.0.0.1:<port>` (the attacker's pages on the provider's host name)
//!
//! Each test gets its own servers and its own browser session, and fails on
//! any error a page logs or throws, in any window or frame, and on the
//! browser's own console errors where its driver reports them (see
//! [`console`]). A WebDriver command the engine does not answer fails the
//! test with the engine's and the command's names (see [`driver`]).
//!
//! Environment:
//!
//! | variable | what |
//! |---|---|
//! | `OFCONNECT_BROWSER` | `chromium` (default), `firefox` or `webkit` |
//! | `OFCONNECT_CHROMEDRIVER`, `OFCONNECT_CHROMIUM` | chromedriver and the Chromium binary |
//! | `OFCONNECT_GECKODRIVER`, `OFCONNECT_FIREFOX` | geckodriver and the Firefox binary |
//! | `OFCONNECT_WEBKITDRIVER`, `OFCONNECT_MINIBROWSER`, `OFCONNECT_XVFB` | WebKitWebDriver, WebKitGTK's MiniBrowser, Xvfb |
//! | `OFCONNECT_KEEP_DRIVER_LOG` | keep the driver's output (`$TMPDIR/ofconnect-driver-<port>.log`) |
//!
//! A program whose variable is unset is looked for on `PATH`, then where
//! `scripts/setup.sh` installs it (`/usr/bin`, `$CARGO_HOME/bin`, and
//! WebKitGTK's library folders for MiniBrowser).
//!
//! The parts: [`servers`] (what runs, for how long), [`driver`] (one
//! factory per engine), [`console`] (the one console-error collector),
//! [`page`] (the driver's current window and frame) and [`pages`] (page
//! objects: the demo CRM, its lab widget, the modal, the provider's flow
//! page, the popup, the attacker's pages). [`World`] puts them together
//! for one test.

pub mod cdp;
pub mod console;
pub mod driver;
pub mod page;
pub mod pages;
pub mod repo;
pub mod servers;

use std::future::Future;
use std::sync::Arc;

use fantoccini::Client;

pub use console::Console;
pub use driver::Engine;
pub use page::{Page, WAIT};
pub use servers::Setup;

use driver::Driver;
use pages::{AttackerPages, DemoPage, FlowPage, Lab, Modal, Popup};
use servers::Servers;

/// Starts everything, runs `body`, then always ends the session; a
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
        world.page.screenshot(name).await;
    }
    let console = world.console_errors().await;
    world.driver.close(world.browser.clone()).await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
    assert!(
        console.is_empty(),
        "console errors in the browser: {console:#?}"
    );
}

/// One test's servers and browser session, and the page objects that
/// drive it.
#[derive(Clone)]
pub struct World {
    /// The demo CRM's origin.
    pub demo: String,
    /// The sandbox provider's origin.
    pub provider: String,
    /// The attacker's origin.
    pub attacker: String,
    /// The attacker's pages on the provider's host name, another port.
    pub lookalike: String,
    /// The WebDriver session itself, for what no page object does.
    pub browser: Client,
    /// The current window and frame, whatever page it shows.
    pub page: Page,
    /// The demo CRM's page.
    pub crm: DemoPage,
    /// A second widget on the demo page, made by the test.
    pub lab: Lab,
    /// The widget's modal on the page.
    pub modal: Modal,
    /// The provider's page of the flow (in the modal's frame or the popup).
    pub flow: FlowPage,
    /// The flow's popup window, and the page's own.
    pub popup: Popup,
    /// The attacker's pages.
    pub attacker_pages: AttackerPages,
    /// The console errors of every window and frame.
    pub console: Console,
    driver: Arc<Driver>,
    _servers: Arc<Servers>,
}

impl World {
    async fn start(setup: Setup) -> World {
        let console = Console::default();
        let servers = Servers::start(&setup, &console).await;
        let (driver, browser) = Driver::launch(Engine::current()).await;
        let page = Page::new(browser.clone());
        let main_window = browser.window().await.unwrap();
        let crm = DemoPage::new(page.clone(), &servers.demo);
        let flow = FlowPage::new(page.clone());
        World {
            demo: servers.demo.clone(),
            provider: servers.provider.clone(),
            attacker: servers.attacker.clone(),
            lookalike: servers.lookalike.clone(),
            browser,
            lab: Lab::new(page.clone(), &servers.demo, &servers.provider),
            modal: Modal::new(page.clone(), crm.clone(), flow.clone(), &servers.demo),
            popup: Popup::new(page.clone(), main_window),
            attacker_pages: AttackerPages::new(page.clone(), &servers.attacker, &servers.demo),
            page,
            crm,
            flow,
            console,
            driver: Arc::new(driver),
            _servers: Arc::new(servers),
        }
    }

    /// The console errors so far that the test did not declare expected
    /// (see [`Console::errors`]).
    pub async fn console_errors(&self) -> Vec<String> {
        self.console.errors(&self.driver, &self.browser).await
    }
}
