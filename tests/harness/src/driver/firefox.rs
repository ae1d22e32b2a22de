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
use std::sync::atomic::{AtomicUsize, Ordering};

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
/// named by the version Firefox gives, so that another Firefox makes its
/// own), and the folder it is made in before being moved there whole (a
/// run stopped halfway leaves no half-made profile to be used).
pub fn warm_profile_paths() -> (PathBuf, PathBuf) {
    let version = Command::new(binary()).arg("--version").output();
    let version = version.map(|o| o.stdout).unwrap_or_default();
    let version = String::from_utf8_lossy(&version)
        .trim()
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '.', "-");
    let warm = repo::screenshots().join(format!("firefox-profile-{version}"));
    let making = warm.with_extension(format!("making-{}", std::process::id()));
    (warm, making)
}

/// Readies a profile a session has started on and quit for use as the
/// warm profile: false unless Firefox finished quitting (its last
/// shutdown checkpoint written). The prefs it holds are removed: each
/// session's come from its capabilities, and geckodriver would otherwise
/// keep old ones.
pub fn seal(profile: &Path) -> bool {
    let checkpoints = std::fs::read_to_string(profile.join("sessionCheckpoints.json"));
    let quit = checkpoints.is_ok_and(|c| c.contains(r#""profile-before-change":true"#));
    for prefs in ["user.js", "prefs.js"] {
        let _ = std::fs::remove_file(profile.join(prefs));
    }
    quit
}

/// Removes what stopped runs left: other Firefoxes' warm profiles and
/// profiles being made, and session copies, whose process is gone.
pub fn sweep(warm: &Path) {
    remove_stale(&repo::screenshots(), "firefox-profile-", ".making-", warm);
    remove_stale(&std::env::temp_dir(), COPY, COPY, warm);
}

/// Removes the folders in `dir` named `prefix…` but `keep`, unless their
/// name has `mark` followed by the id of a process still running.
fn remove_stale(dir: &Path, prefix: &str, mark: &str, keep: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let pid = name
            .split_once(mark)
            .and_then(|(_, rest)| rest.split('-').next());
        let running = pid.is_some_and(|pid| Path::new("/proc").join(pid).exists());
        if name.starts_with(prefix) && entry.path() != keep && !running {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// How the session copies are named in the temporary folder:
/// `ofconnect-firefox-<process>-<n>`.
const COPY: &str = "ofconnect-firefox-";

/// A session's own profile, removed when this is dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A copy of `warm`, or an empty profile when there is none.
    pub fn copy(warm: Option<&Path>) -> Scratch {
        static COPIES: AtomicUsize = AtomicUsize::new(0);
        let n = COPIES.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("{COPY}{}-{n}", std::process::id()));
        let scratch = Scratch(path);
        let _ = std::fs::remove_dir_all(&scratch.0);
        let made = match warm {
            Some(warm) => copy_dir(warm, &scratch.0),
            None => std::fs::create_dir_all(&scratch.0),
        };
        made.unwrap_or_else(|e| panic!("making Firefox's profile {:?}: {e}", scratch.0));
        scratch
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies the folder `from` to `to`, recursively: its files and folders
/// (a profile's one link, Firefox's lock, is left).
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
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
