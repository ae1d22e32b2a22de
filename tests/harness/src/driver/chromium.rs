//! Chromium through chromedriver: headless, with the popup blocker left on
//! (chromedriver turns it off unless told not to); its console is read
//! from chromedriver's log endpoint.

use std::fs::File;
use std::process::Command;

use fantoccini::Client;
use serde_json::json;

use super::programs::{find, spawn, Started};

/// Starts chromedriver on `port`; the session runs `$OFCONNECT_CHROMIUM`
/// or the Chromium found.
pub fn start(port: u16, log: &File) -> Started {
    let driver = find("OFCONNECT_CHROMEDRIVER", &["chromedriver"], &[]);
    let binary = find("OFCONNECT_CHROMIUM", &["chromium", "chromium-browser"], &[]);
    let chromedriver = spawn(Command::new(driver).arg(format!("--port={port}")), log);
    Started {
        processes: vec![chromedriver],
        capabilities: json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": binary,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,900"],
                "excludeSwitches": ["disable-popup-blocking", "enable-automation"],
            },
            "goog:loggingPrefs": { "browser": "ALL" },
        }),
    }
}

/// The browser's console errors (level `SEVERE`) since the last call.
pub async fn console(browser: &Client) -> Vec<String> {
    let Ok(entries) = browser.issue_cmd(BrowserLog).await else {
        return vec![];
    };
    let entries = entries.as_array().cloned().unwrap_or_default();
    entries
        .iter()
        .filter(|e| e["level"] == "SEVERE")
        .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
        .collect()
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
