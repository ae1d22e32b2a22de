//! Firefox through geckodriver: headless, on a closed network, with popups
//! blocked without a user gesture; the page's console is written to the
//! driver's output, and read from there.
//!
//! Each session runs on a copy of a warm profile: one a session has
//! started on, showing only a blank page, and quit, which leaves Firefox's
//! start-up caches and databases made (a new profile costs seconds at each
//! start). The copy is removed with the session, and Firefox is stopped
//! rather than quit (quitting writes to the profile for seconds more).

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::UNIX_EPOCH;

use serde_json::json;

use super::programs::{find, spawn, Started};
use crate::repo;

/// Starts geckodriver on `port`; the session runs `$OFCONNECT_FIREFOX` or
/// the Firefox found, on the profile in `profile`, in place.
pub fn start(port: u16, log: &File, profile: &Path) -> Started {
    let driver = find("OFCONNECT_GECKODRIVER", &["geckodriver"], &[]);
    let geckodriver = spawn(
        Command::new(driver).arg("--port").arg(port.to_string()),
        log,
    );
    Started {
        processes: vec![geckodriver],
        capabilities: json!({
            "browserName": "firefox",
            "moz:firefoxOptions": {
                "binary": binary(),
                // geckodriver runs a profile given here in place.
                "args": ["-headless", "-profile", profile],
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

fn binary() -> PathBuf {
    find("OFCONNECT_FIREFOX", &["firefox-esr", "firefox"], &[])
}

/// Where the warm profile of the Firefox found is kept (`target/e2e/`,
/// named by the binary's modification time, so that a new Firefox makes
/// its own), and the folder it is made in before being moved there whole.
pub fn warm_profile_paths() -> (PathBuf, PathBuf) {
    let built = std::fs::metadata(binary())
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs());
    let warm = repo::screenshots().join(format!("firefox-profile-{built}"));
    let making = warm.with_extension(format!("making-{}", std::process::id()));
    (warm, making)
}

/// Copies the folder `from` to `to`, recursively: its files and folders
/// (a profile's one link, Firefox's lock, is left).
pub fn copy_profile(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_profile(&entry.path(), &target)?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
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
