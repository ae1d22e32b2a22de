//! The sandbox's binary, run as its users run it: where it listens by
//! default, and that no API key it is given or sent ever appears in what it
//! prints (its log) or answers (status, headers, bodies).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::process::Stdio;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdout, Command};
use tokio::task::JoinHandle;

// The keys the sandbox is started with (through the environment, as secrets
// are given), and a key clients wrongly present: random enough that no 8
// characters of them appear by chance.
const API_KEY: &str = "Vd8Qm2Rx7Lp4Tz9WkA3c";
const OFAUTH_KEY: &str = "Hn3Kc8Yw5Bq1Js6FuE0d";
const OFAUTH_PRODUCTION_KEY: &str = "Pt4Xg9Mv2Nd7Ra5EoI1b";
const WRONG_KEY: &str = "Ue6Wb3Zk8Ci1Oy4SgT7h";
const SECRETS: [&str; 4] = [API_KEY, OFAUTH_KEY, OFAUTH_PRODUCTION_KEY, WRONG_KEY];

/// The sandbox binary with these arguments, its environment only the keys
/// and the most verbose logging any logger would honour.
fn sandbox(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ofconnect-sandbox"));
    command
        .args(args)
        .env_clear()
        .env("SANDBOX_API_KEY", API_KEY)
        .env("SANDBOX_OFAUTH_KEY", OFAUTH_KEY)
        .env("SANDBOX_OFAUTH_PRODUCTION_KEY", OFAUTH_PRODUCTION_KEY)
        .env("RUST_LOG", "trace")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    command
}

/// A sandbox process serving on a port the OS chose, its output collected.
struct Running {
    child: Child,
    addr: SocketAddr,
    database: String,
    /// What it printed up to where it listens; then the rest of stdout and stderr.
    printed: String,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

fn read_all<R: AsyncReadExt + Unpin + Send + 'static>(mut r: R) -> JoinHandle<String> {
    tokio::spawn(async move {
        let mut text = String::new();
        let _ = r.read_to_string(&mut text).await;
        text
    })
}

impl Running {
    /// Starts it and waits for the line that says where it listens.
    async fn start(args: &[&str]) -> Self {
        let database = temp_database();
        let mut all = vec!["--port", "0", "--database", database.as_str()];
        all.extend_from_slice(args);
        let mut child = sandbox(&all).spawn().unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let stderr: ChildStderr = child.stderr.take().unwrap();
        let mut stdout = BufReader::new(stdout);
        let mut printed = String::new();
        let addr = loop {
            let mut line = String::new();
            if stdout.read_line(&mut line).await.unwrap() == 0 {
                panic!("it stopped: {printed}");
            }
            printed += &line;
            if let Some(rest) = line.strip_prefix("ofconnect-sandbox: provider at http://") {
                let addr = rest.split_whitespace().next().unwrap_or_default();
                break addr.parse().unwrap_or_else(|_| panic!("{line}"));
            }
        };
        Self {
            child,
            addr,
            database,
            printed,
            stdout: read_all(stdout),
            stderr: read_all(stderr),
        }
    }

    /// Stops it; everything it printed.
    async fn stop(mut self) -> String {
        self.child.kill().await.unwrap();
        let _ = std::fs::remove_file(&self.database);
        let rest = self.stdout.await.unwrap() + &self.stderr.await.unwrap();
        self.printed + &rest
    }
}

fn temp_database() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let path = std::env::temp_dir().join(format!(
        "ofconnect-sandbox-server-test-{}-{}.sqlite3",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_file(&path);
    path.to_str().unwrap().to_owned()
}

/// The secret that `text` shows, whole or in part (any 8 characters of it,
/// in any case).
fn shown_secret(text: &str) -> Option<&'static str> {
    let text = text.to_ascii_lowercase();
    SECRETS.into_iter().find(|secret| {
        secret
            .to_ascii_lowercase()
            .as_bytes()
            .windows(8)
            .any(|w| text.contains(std::str::from_utf8(w).unwrap()))
    })
}

#[tokio::test]
async fn listens_on_loopback_by_default() {
    let sandbox = Running::start(&[]).await;
    assert_eq!(sandbox.addr.ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
    sandbox.stop().await;
}

/// A request: method, path, headers (values as bytes: some are not text),
/// JSON body or raw text with its content type.
struct Call {
    method: Method,
    path: &'static str,
    headers: Vec<(&'static str, Vec<u8>)>,
    body: Option<(&'static str, String)>,
}

fn call(method: Method, path: &'static str) -> Call {
    Call {
        method,
        path,
        headers: vec![],
        body: None,
    }
}

impl Call {
    fn header(mut self, name: &'static str, value: impl AsRef<[u8]>) -> Self {
        self.headers.push((name, value.as_ref().to_vec()));
        self
    }
    fn bearer(self, key: &str) -> Self {
        self.header("authorization", format!("Bearer {key}"))
    }
    fn body(mut self, content_type: &'static str, text: impl Into<String>) -> Self {
        self.body = Some((content_type, text.into()));
        self
    }
    fn json(self, v: serde_json::Value) -> Self {
        self.body("application/json", v.to_string())
    }
}

#[tokio::test]
async fn no_api_key_is_ever_logged_or_echoed() {
    // Low limits, to reach the rate-limited answers too.
    let sandbox = Running::start(&["--rate-limit-minute", "5", "--auth-failure-limit", "5"]).await;
    let big = "x".repeat(17 * 1024);
    let api = || call(Method::POST, "/api/client-sessions");
    let session = json!({"display_name": "Agency / Model: Stella"});
    let init = || call(Method::POST, "/v2/link/init");
    let link = json!({"clientAppId": "app_sandbox"});
    let calls: Vec<(Call, u16)> = vec![
        // OnlyFansAPI, the right key: success, then each error its handler
        // answers, then the minute's limit.
        (api().bearer(API_KEY).json(session.clone()), 200),
        (api().bearer(API_KEY).body("text/plain", "x"), 415),
        (api().bearer(API_KEY).body("application/json", "{x"), 400),
        (api().bearer(API_KEY).json(json!({})), 422),
        (
            api().bearer(API_KEY).body("application/json", big.clone()),
            413,
        ),
        (api().bearer(API_KEY).json(session.clone()), 429),
        (
            call(Method::GET, "/api/client-sessions").bearer(API_KEY),
            405,
        ),
        (call(Method::GET, "/api/nope").bearer(API_KEY), 404),
        (api().bearer(API_KEY).header("host", "evil.example"), 421),
        // Wrong and malformed `Authorization` headers (each a failure).
        (api().bearer(WRONG_KEY).json(session.clone()), 401),
        (
            api().header("authorization", format!("Bearer  {API_KEY}")),
            401,
        ),
        (
            api().header("authorization", format!("Basic {API_KEY}")),
            401,
        ),
        (
            api().header("authorization", format!("Bearer {API_KEY} {WRONG_KEY}")),
            401,
        ),
        (
            api()
                .bearer(API_KEY)
                .bearer(WRONG_KEY)
                .json(session.clone()),
            401,
        ),
        // Too many failures from this address: 429, whatever the key.
        (api().bearer(API_KEY).json(session.clone()), 429),
        (api().bearer(WRONG_KEY).json(session.clone()), 429),
        // OFAuth, the right keys: successes, then each error of the handlers.
        (
            call(Method::GET, "/v2/account/whoami").header("apikey", OFAUTH_KEY),
            200,
        ),
        (
            call(Method::GET, "/v2/account/whoami").header("apikey", OFAUTH_PRODUCTION_KEY),
            200,
        ),
        (init().header("apikey", OFAUTH_KEY).json(link.clone()), 201),
        (init().header("apikey", OFAUTH_KEY).json(json!({})), 422),
        (
            init().header("apikey", OFAUTH_KEY).body("text/plain", "x"),
            415,
        ),
        (
            init()
                .header("apikey", OFAUTH_KEY)
                .body("application/json", "{x"),
            400,
        ),
        (
            init()
                .header("apikey", OFAUTH_KEY)
                .body("application/json", big),
            413,
        ),
        (
            call(Method::GET, "/v2/connections").header("apikey", OFAUTH_KEY),
            200,
        ),
        (
            call(Method::GET, "/v2/connections?limit=0").header("apikey", OFAUTH_KEY),
            422,
        ),
        (
            call(Method::DELETE, "/v2/connections/conn_nope").header("apikey", OFAUTH_KEY),
            404,
        ),
        (
            call(Method::GET, "/v2/access/self")
                .header("apikey", OFAUTH_KEY)
                .header("x-connection-id", "conn_nope"),
            404,
        ),
        (
            call(Method::GET, "/v2/access/self").header("apikey", OFAUTH_KEY),
            400,
        ),
        (
            call(Method::GET, "/v2/sandbox/webhooks").header("apikey", OFAUTH_KEY),
            200,
        ),
        (
            call(Method::OPTIONS, "/v2/link/init").header("apikey", OFAUTH_KEY),
            405,
        ),
        // Wrong and malformed `apikey` headers (each a failure).
        (
            call(Method::GET, "/v2/account/whoami").header("apikey", WRONG_KEY),
            401,
        ),
        (
            call(Method::GET, "/v2/account/whoami").header("apikey", format!("{OFAUTH_KEY}x")),
            401,
        ),
        (
            call(Method::GET, "/v2/account/whoami")
                .header("apikey", [b"\xff", OFAUTH_KEY.as_bytes()].concat()),
            401,
        ),
        (
            call(Method::GET, "/v2/account/whoami").bearer(OFAUTH_KEY),
            401,
        ),
        (init().header("apikey", API_KEY).json(link), 401),
        (
            call(Method::GET, "/v2/account/whoami").header("apikey", OFAUTH_KEY),
            429,
        ),
    ];
    let http = reqwest::Client::new();
    let mut answers = String::new();
    for (call, want) in calls {
        let what = format!("{} {}", call.method, call.path);
        let mut request =
            http.request(call.method, format!("http://{}{}", sandbox.addr, call.path));
        for (name, value) in call.headers {
            request = request.header(
                HeaderName::from_static(name),
                HeaderValue::from_bytes(&value).unwrap(),
            );
        }
        if let Some((content_type, text)) = call.body {
            request = request.header("content-type", content_type).body(text);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let mut answer = format!("{what} → {status}\n");
        for (name, value) in response.headers() {
            answer += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
        }
        answer += &response.text().await.unwrap();
        assert_eq!(status, StatusCode::from_u16(want).unwrap(), "{answer}");
        assert_eq!(shown_secret(&answer), None, "{answer}");
        answers += &answer;
    }
    let log = sandbox.stop().await;
    assert_eq!(shown_secret(&log), None, "{log}");
    // What was searched is what was answered and printed, not empty text.
    assert!(answers.contains("ofapi_cs_") && log.contains("ofconnect-sandbox: provider at"));
}

#[tokio::test]
async fn help_and_startup_errors_never_show_a_key() {
    let help = sandbox(&["--help"]).output().await.unwrap();
    let help =
        String::from_utf8_lossy(&help.stdout).to_string() + &String::from_utf8_lossy(&help.stderr);
    assert!(help.contains("SANDBOX_API_KEY"), "{help}");
    assert_eq!(shown_secret(&help), None, "{help}");

    let database = temp_database();
    let refused = sandbox(&[
        "--port",
        "0",
        "--database",
        &database,
        "--allowed-origins",
        "*",
    ])
    .output()
    .await
    .unwrap();
    let error = String::from_utf8_lossy(&refused.stderr).to_string();
    assert_eq!(refused.status.code(), Some(1), "{error}");
    assert!(error.contains("\"*\""), "{error}");
    assert_eq!(shown_secret(&error), None, "{error}");
}
