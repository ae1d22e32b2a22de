//! The driver's current window and frame, whatever page it shows: the
//! steps every page object is made of.

use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

use crate::repo;

/// How long the harness waits for anything the page should come to show.
pub const WAIT: Duration = Duration::from_secs(15);

/// What a frame shows, for a failure's message: its address (without the
/// last part of its path, a flow page's token), its text, and how long
/// its fields' values are.
const SHOWN: &str = "return { url: location.origin + location.pathname.replace(/[^/]*$/, '…'),
    text: document.body ? document.body.innerText.slice(0, 600) : null,
    fields: [...document.querySelectorAll('input')].map(i => i.name + '=' + i.value.length) }";

/// The current window and frame of a WebDriver session.
#[derive(Clone)]
pub struct Page {
    browser: Client,
}

impl Page {
    pub fn new(browser: Client) -> Self {
        Self { browser }
    }

    /// The WebDriver session, for page objects' own commands.
    pub fn browser(&self) -> &Client {
        &self.browser
    }

    /// Navigates the current window.
    pub async fn goto(&self, url: &str) {
        self.browser.goto(url).await.unwrap();
    }

    /// Runs `script` (a function body) in the current frame.
    pub async fn eval(&self, script: &str) -> Value {
        self.browser.execute(script, vec![]).await.unwrap()
    }

    /// Runs `script` with `arguments`.
    pub async fn call(&self, script: &str, arguments: Vec<Value>) -> Value {
        self.browser.execute(script, arguments).await.unwrap()
    }

    /// Waits until `script` returns true.
    pub async fn until(&self, what: &str, script: &str) {
        let deadline = Instant::now() + WAIT;
        while self.eval(script).await != Value::Bool(true) {
            assert!(Instant::now() < deadline, "timed out waiting until {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
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
            if Instant::now() > deadline {
                let shown = self.browser.execute(SHOWN, vec![]).await;
                panic!("{css} was never displayed; the frame showed {shown:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Clicks the element of the current frame that matches `css` now.
    pub async fn click(&self, css: &str) {
        let element = self.browser.find(Locator::Css(css)).await;
        element.unwrap().click().await.unwrap();
    }

    /// Waits until the current frame has an element matching `css`.
    pub async fn element(&self, css: &str) -> Element {
        self.browser
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
    }

    /// Returns to the parent of the current frame.
    pub async fn leave_frame(&self) {
        self.browser.enter_parent_frame().await.unwrap();
    }

    /// Presses and releases a key wherever the focus is.
    pub async fn press(&self, key: char) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        self.browser.perform_actions(keys).await.unwrap();
    }

    /// Adds an iframe to the page (the widget's modal makes the rest of the
    /// page inert, but frames there still run and post messages).
    pub async fn add_frame(&self, src: &str, sandbox: Option<&str>) {
        let script = "const f = document.createElement('iframe'); f.src = arguments[0];
                      if (arguments[1]) f.setAttribute('sandbox', arguments[1]);
                      document.body.append(f);";
        self.call(script, vec![json!(src), json!(sandbox)]).await;
    }

    /// Saves a screenshot of the window as `target/e2e/<name>.png`.
    pub async fn screenshot(&self, name: &str) {
        let dir = repo::screenshots();
        let _ = std::fs::create_dir_all(&dir);
        if let Ok(png) = self.browser.screenshot().await {
            let _ = std::fs::write(dir.join(format!("{name}.png")), png);
        }
    }
}
