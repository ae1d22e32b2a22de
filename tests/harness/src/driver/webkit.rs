//! WebKitGTK's MiniBrowser through WebKitWebDriver, on an Xvfb display of
//! its own. (MiniBrowser under automation writes no console output,
//! whatever its settings say: WebKit's console is the page hook's alone.)

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::json;

use super::programs::{find, spawn, Started};

/// How long Xvfb may take to get ready (it takes well under a second).
const XVFB_READY: Duration = Duration::from_secs(30);

/// Starts Xvfb and WebKitWebDriver on `port`; the session runs
/// `$OFCONNECT_MINIBROWSER` or the MiniBrowser found.
pub fn start(port: u16, log: &File) -> Started {
    let xvfb = find("OFCONNECT_XVFB", &["Xvfb"], &[]);
    let driver = find("OFCONNECT_WEBKITDRIVER", &["WebKitWebDriver"], &[]);
    let binary = find("OFCONNECT_MINIBROWSER", &["MiniBrowser"], &minibrowsers());
    // Xvfb picks a free display itself and names it when it is ready: a
    // number derived from the port could be another test's display, whose
    // X server goes away with that test, under this test's browser.
    let mut x_server = Command::new(&xvfb)
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x900x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(log.try_clone().unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("{xvfb:?}: {e}; run `make setup`"));
    // Read on a thread of its own, so that an Xvfb that never gets ready
    // fails the test after a while instead of hanging it.
    let stdout = x_server.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut number = String::new();
        let mut stdout = BufReader::new(stdout);
        let _ = stdout.read_line(&mut number);
        let _ = tx.send(number);
        // Xvfb writes nothing more there; keep the pipe open while it runs.
        let _ = stdout.read_line(&mut String::new());
    });
    let number = rx.recv_timeout(XVFB_READY).unwrap_or_default();
    let number = number.trim();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        let _ = x_server.kill();
        let _ = x_server.wait();
        let log = std::env::temp_dir().join(format!("ofconnect-driver-{port}.log"));
        panic!("Xvfb did not name its display within {XVFB_READY:?}: its output is in {log:?}");
    }
    let display = format!(":{number}");
    let webdriver = spawn(
        Command::new(driver)
            .arg(format!("--port={port}"))
            .env("DISPLAY", &display),
        log,
    );
    Started {
        processes: vec![x_server, webdriver],
        capabilities: json!({
            "browserName": "MiniBrowser",
            "webkitgtk:browserOptions": {
                "binary": binary,
                "args": ["--automation"],
            },
        }),
    }
}

/// Where WebKitGTK's packages put MiniBrowser (off `PATH`): Debian's
/// `/usr/lib/<triplet>/webkit2gtk-4.x/`, others' `/usr/libexec/webkit2gtk-4.x/`.
fn minibrowsers() -> Vec<PathBuf> {
    let triplets = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|dir| dir.to_string_lossy().ends_with("-linux-gnu"));
    let libraries = triplets.chain([PathBuf::from("/usr/libexec")]);
    libraries
        .flat_map(|dir| {
            ["webkit2gtk-4.1", "webkit2gtk-4.0"].map(|api| dir.join(api).join("MiniBrowser"))
        })
        .collect()
}
