//! Firefox through geckodriver: headless, on a closed network, with popups
//! blocked without a user gesture; the page's console is written to the
//! driver's output, and read from there.

use std::fs::File;
use std::path::Path;
use std::process::Command;

use serde_json::json;

use super::programs::{find, spawn, Started};

/// Starts geckodriver on `port`; the session runs `$OFCONNECT_FIREFOX` or
/// the Firefox found.
pub fn start(port: u16, log: &File) -> Started {
    let driver = find("OFCONNECT_GECKODRIVER", &["geckodriver"], &[]);
    let binary = find("OFCONNECT_FIREFOX", &["firefox-esr", "firefox"], &[]);
    let geckodriver = spawn(
        Command::new(driver).arg("--port").arg(port.to_string()),
        log,
    );
    Started {
        processes: vec![geckodriver],
        capabilities: json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": binary,
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
        }),
    }
}

/// The pages' console errors and uncaught errors that Firefox wrote to the
/// driver's output (`log`) so far.
pub fn console(log: &Path) -> Vec<String> {
    let output = std::fs::read_to_string(log).unwrap_or_default();
    output
        .lines()
        .filter(|l| l.starts_with("console.error:") || l.starts_with("JavaScript error:"))
        // The browser's own components log to the same stream; only what
        // pages log counts.
        .filter(|l| {
            !["resource://", "chrome://", "RSLoader"]
                .iter()
                .any(|x| l.contains(x))
        })
        .map(str::to_owned)
        .collect()
}
