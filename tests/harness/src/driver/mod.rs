//! One WebDriver session per test, from its engine's factory
//! ([`chromium`], [`firefox`], [`webkit`]: which programs run, with which
//! capabilities, and where the browser's own console is read). The
//! programs are configured or found ([`programs`]), never assumed.
//!
//! A hung engine fails the test instead of hanging the test binary: the
//! session's script, page-load and element timeouts make the driver answer
//! ([`TIMEOUTS`]), and a command it still does not answer fails after
//! [`COMMAND_LIMIT`] with the engine's and the command's names.

mod chromium;
mod firefox;
mod programs;
mod watchdog;
mod webkit;

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};

use firefox::Scratch;
use programs::Started;
use watchdog::{Watchdog, COMMAND_LIMIT};

/// The session's timeouts: a script runs at most 30 s (WebDriver's
/// default), a page loads in at most 120 s, and finding an element does not
/// wait (the harness waits itself).
pub const TIMEOUTS: [Duration; 3] = [
    Duration::from_secs(30),
    Duration::from_secs(120),
    Duration::ZERO,
];

/// How long an engine may take to start a session (seconds at most, even
/// on a loaded machine), and how often it is started before the test fails.
const SESSION_START: Duration = Duration::from_secs(90);
const STARTS: usize = 3;

/// Firefox's warm profile, once this process has made or found it.
static FIREFOX_PROFILE: tokio::sync::OnceCell<Option<PathBuf>> = tokio::sync::OnceCell::const_new();

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

    fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
            Engine::WebKit => "webkit",
        }
    }
}

/// The engine's processes (the WebDriver server, and for WebKit its X
/// server), stopped when this is dropped; their output is kept in a file,
/// where Firefox writes the page's console.
pub struct Driver {
    engine: Engine,
    processes: Vec<Child>,
    /// Firefox's own profile, removed with the session (after the kill:
    /// fields drop after `drop`).
    scratch: Option<Scratch>,
    log: PathBuf,
}

impl Driver {
    /// Starts `engine`'s WebDriver server and a session on it, with the
    /// popup blocker on and a 1280×900 window. An engine that does not start
    /// a session within [`SESSION_START`] is stopped and started afresh (up
    /// to [`STARTS`] times): starting is not what the tests test, and
    /// WebKit's driver has been seen to hang there (once in CI).
    pub async fn launch(engine: Engine) -> (Driver, Client) {
        let warm = match engine {
            Engine::Firefox => FIREFOX_PROFILE.get_or_init(Driver::warm_firefox).await,
            _ => &None,
        };
        let mut failures = Vec::new();
        for start in 1..=STARTS {
            let scratch = (engine == Engine::Firefox).then(|| Scratch::copy(warm.as_deref()));
            let (mut driver, port, capabilities) =
                Driver::start(engine, scratch.as_ref().map(Scratch::path));
            driver.scratch = scratch;
            match tokio::time::timeout(SESSION_START, driver.connect(port, capabilities)).await {
                Ok(Ok(client)) => {
                    driver.configure(&client).await;
                    return (driver, client);
                }
                Ok(Err(e)) => failures.push(e),
                Err(_) => failures.push(format!("no session after {SESSION_START:?}")),
            }
            let failure = failures.last().unwrap();
            let log = std::fs::read_to_string(&driver.log).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(20).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            eprintln!("{}: {failure}; the driver's last output:", engine.name());
            eprintln!("{}", tail.join("\n"));
            if start < STARTS {
                eprintln!("{}: starting it again", engine.name());
            }
        }
        panic!(
            "{}: could not start a browser session in {STARTS} tries: {}",
            engine.name(),
            failures.join("; ")
        )
    }

    /// Firefox's warm profile (see [`firefox`]), made by a session that
    /// shows only a blank page and quits, unless an earlier run made it;
    /// `None` if it could not be made (sessions then start on new
    /// profiles, which is slower, and said).
    async fn warm_firefox() -> Option<PathBuf> {
        let (warm, making) = firefox::warm_profile_paths();
        firefox::sweep(&warm);
        if warm.is_dir() {
            return Some(warm);
        }
        let _ = std::fs::remove_dir_all(&making);
        let _ = std::fs::create_dir_all(&making);
        let (driver, port, capabilities) = Driver::start(Engine::Firefox, Some(&making));
        let session = tokio::time::timeout(SESSION_START, driver.connect(port, capabilities)).await;
        let quit = match session {
            // Quitting writes Firefox's caches to the profile.
            Ok(Ok(client)) => client.close().await.is_ok(),
            _ => false,
        };
        drop(driver);
        if quit && firefox::seal(&making) {
            // Unless another test binary was first.
            let _ = std::fs::rename(&making, &warm);
        }
        let _ = std::fs::remove_dir_all(&making);
        if !warm.is_dir() {
            eprintln!("firefox: no warm profile could be made: sessions start on new profiles");
        }
        warm.is_dir().then_some(warm)
    }

    /// Starts the engine's programs on a free port; Firefox runs on
    /// `firefox_profile`, in place.
    fn start(engine: Engine, firefox_profile: Option<&Path>) -> (Driver, u16, serde_json::Value) {
        let port = programs::free_port();
        let log = std::env::temp_dir().join(format!("ofconnect-driver-{port}.log"));
        let output = std::fs::File::create(&log).unwrap();
        let Started {
            processes,
            capabilities,
        } = match (engine, firefox_profile) {
            (Engine::Chromium, _) => chromium::start(port, &output),
            (Engine::Firefox, Some(profile)) => firefox::start(port, &output, profile),
            (Engine::Firefox, None) => unreachable!("Firefox runs on a profile made for it"),
            (Engine::WebKit, _) => webkit::start(port, &output),
        };
        let driver = Driver {
            engine,
            processes,
            scratch: None,
            log,
        };
        (driver, port, capabilities)
    }

    /// Ends the session. Firefox is stopped with its driver instead, when
    /// this is dropped: its profile is a copy thrown away, and quitting
    /// would write to it for seconds.
    pub async fn close(&self, client: Client) {
        if self.engine == Engine::Firefox {
            // Nor does fantoccini ask it to quit when the client goes.
            let _ = client.persist().await;
        } else {
            let _ = client.close().await;
        }
    }

    /// A session on the driver at `port`, tried again while the driver
    /// starts listening.
    async fn connect(&self, port: u16, capabilities: serde_json::Value) -> Result<Client, String> {
        let capabilities = capabilities.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            match ClientBuilder::new(Watchdog::new(self.engine.name(), COMMAND_LIMIT))
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => return Ok(client),
                Err(e) if Instant::now() > deadline => return Err(format!("{e:?}")),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// The session's [`TIMEOUTS`] and window size.
    async fn configure(&self, client: &Client) {
        let [script, page_load, implicit] = TIMEOUTS.map(Some);
        let timeouts = TimeoutConfiguration::new(script, page_load, implicit);
        client.update_timeouts(timeouts).await.unwrap_or_else(|e| {
            panic!(
                "{}: setting the session's timeouts: {e}",
                self.engine.name()
            )
        });
        let _ = client.set_window_size(1280, 900).await;
    }

    /// The browser's own console errors since the last call, where the
    /// driver reports them (see [`crate::console`]).
    pub async fn browser_console(&self, browser: &Client) -> Vec<String> {
        match self.engine {
            Engine::Chromium => chromium::console(browser).await,
            Engine::Firefox => firefox::console(&self.log),
            Engine::WebKit => vec![],
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        for p in self.processes.iter_mut().rev() {
            programs::stop(p);
        }
        if std::env::var_os("OFCONNECT_KEEP_DRIVER_LOG").is_none() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}
