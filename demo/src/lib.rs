//! # ofconnect-demo
//!
//! The demo CRM's backend, as a real integration would have it: it serves the
//! demo page (built by Trunk into `dist/`) and the script-tag build at
//! `/ofconnect.js`, and mints client session tokens from the provider with
//! its API key at `POST /api/session`, answering `{token, expiresAt}`. The
//! API key never reaches the browser. Its OFAuth integration (Link sessions,
//! verified webhooks, stored connections, the access API, reconnecting) is in
//! `crm.rs`; what it checks before any handler runs (the `Host` allowlist,
//! CSRF, no well-known secrets when exposed) in `guard.rs`.
//!
//! Run with: `make demo` (or `cargo run -p ofconnect-demo -- --help`)
#![deny(missing_docs)]

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::ServeDir;

mod crm;
mod guard;

pub use guard::{Exposure, SANDBOX_API_KEY, SANDBOX_OFAUTH_KEY, SANDBOX_WEBHOOK_SECRET};

/// How the demo backend reaches the provider.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// The provider's base URL (the sandbox), e.g. `http://127.0.0.1:8081`.
    pub provider_url: String,
    /// The API key for `POST /api/client-sessions`.
    pub api_key: String,
    /// The OFAuth API key for `POST /v2/link/init` (header `apikey`).
    pub ofauth_key: String,
    /// The OFAuth client app whose Link sessions the CRM creates.
    pub client_app: String,
    /// The secret OFAuth webhooks are signed with.
    pub webhook_secret: String,
    /// The CRM's SQLite database (connections, processed webhooks); `None`: in memory.
    pub database: Option<PathBuf>,
    /// How long the provider's tokens live, to tell the widget `expiresAt`.
    pub token_ttl: Duration,
    /// The Trunk output directory with the demo page and the widget build.
    pub dist_dir: PathBuf,
    /// Let tests inject faults into `POST /api/session` with `?fault=…`
    /// (`delay-<ms>`, `status-<code>`, `status-429-retry-<s>`, `malformed`,
    /// `no-token`) and read `GET /api/session/count`. Off in a real deployment.
    pub faults: bool,
}

struct Demo {
    config: DemoConfig,
    http: reqwest::Client,
    requests: AtomicU64,
    crm: crm::Store,
    site: guard::Site,
    /// How the demo waits before retrying the provider: Tokio's timer, or in
    /// tests a recorder that does not wait.
    sleep: Sleep,
}

/// A wait of the given length.
type Sleep = Arc<dyn Fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// The demo's routes, served on loopback only; fails when the database
/// cannot be opened.
pub fn app(config: DemoConfig) -> Result<Router, String> {
    app_exposed(config, Exposure::default())
}

/// The demo's routes, reachable as `exposure` says; fails when the database
/// cannot be opened, a public origin is not an origin, or the demo would be
/// reachable beyond this machine with the sandbox's well-known secrets.
pub fn app_exposed(config: DemoConfig, exposure: Exposure) -> Result<Router, String> {
    build(
        config,
        exposure,
        Arc::new(|d| Box::pin(tokio::time::sleep(d))),
    )
}

/// [`app_exposed`], waiting with `sleep` between the access API's attempts.
fn build(config: DemoConfig, exposure: Exposure, sleep: Sleep) -> Result<Router, String> {
    let site = guard::Site::new(&config, &exposure)?;
    let crm = crm::Store::open(config.database.as_deref())
        .map_err(|e| format!("cannot open the database {:?}: {e}", config.database))?;
    let dist = ServeDir::new(&config.dist_dir);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let mut pages_api = Router::new()
        .route("/api/session", post(create_session))
        .route("/api/config", get(page_config))
        .merge(crm::routes());
    if config.faults {
        pages_api = pages_api.route("/api/session/count", get(session_count));
    }
    let provider_url = config.provider_url.clone();
    let demo = Arc::new(Demo {
        config,
        http,
        requests: AtomicU64::new(0),
        crm,
        site,
        sleep,
    });
    use axum::middleware::{from_fn_with_state, map_response};
    Ok(pages_api
        // The pages' API answers only the CRM's own pages; the webhook is
        // called by the provider's server and authenticated by its signature.
        .route_layer(from_fn_with_state(demo.clone(), guard::check_csrf))
        .merge(crm::webhook_routes())
        .fallback_service(dist)
        .layer(from_fn_with_state(provider_url, strict_page))
        .layer(from_fn_with_state(demo.clone(), guard::check_host))
        .layer(map_response(security_headers))
        .with_state(demo))
}

/// The provider origin the page passes to the widget as `linkOrigin`.
async fn page_config(State(demo): State<Arc<Demo>>) -> Json<Value> {
    Json(json!({ "linkOrigin": demo.config.provider_url.trim_end_matches('/') }))
}

/// Mints a client session for the signed-in CRM user (the demo has one).
async fn session_count(State(demo): State<Arc<Demo>>) -> Json<Value> {
    Json(json!({ "requests": demo.requests.load(Ordering::SeqCst) }))
}

async fn create_session(
    State(demo): State<Arc<Demo>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    demo.requests.fetch_add(1, Ordering::SeqCst);
    if let Some(fault) = query.get("fault").filter(|_| demo.config.faults) {
        if let Some(r) = inject(fault).await {
            return r;
        }
    }
    let url = format!(
        "{}/api/client-sessions",
        demo.config.provider_url.trim_end_matches('/')
    );
    let request = demo
        .http
        .post(url)
        .bearer_auth(&demo.config.api_key)
        .json(&json!({ "display_name": "ofconnect demo CRM / Model: Stella", "client_reference_id": "demo_model_1" }));
    let response = match request.send().await {
        Ok(r) => r,
        Err(_) => return provider_unreachable(),
    };
    let status = response.status();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let token = body["data"]["token"].as_str();
    match (status.is_success(), token) {
        (true, Some(token)) => {
            let expires_at = SystemTime::now() + demo.config.token_ttl;
            Json(json!({ "token": token, "expiresAt": iso8601(expires_at) })).into_response()
        }
        _ => {
            let message = body["message"]
                .as_str()
                .unwrap_or("The provider refused to create a session.");
            let (code, status) = match status.as_u16() {
                401 => ("provider_auth", StatusCode::BAD_GATEWAY),
                429 => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
                _ => ("provider_error", StatusCode::BAD_GATEWAY),
            };
            let mut r = error(
                status,
                code,
                &format!("Provider answered {}: {message}", status.as_u16()),
            );
            if let Some(v) = retry_after {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
    }
}

/// A test fault: an answer to send instead of a session, or a delay first.
async fn inject(fault: &str) -> Option<Response> {
    let parts: Vec<&str> = fault.split('-').collect();
    match parts.as_slice() {
        ["delay", ms] => {
            tokio::time::sleep(Duration::from_millis(ms.parse().unwrap_or(0))).await;
            None
        }
        ["status", code, "retry", secs] => {
            let mut r = error(
                StatusCode::from_u16(code.parse().ok()?).ok()?,
                "injected",
                "injected fault",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_str(secs).ok()?);
            Some(r)
        }
        ["status", code] => Some(error(
            StatusCode::from_u16(code.parse().ok()?).ok()?,
            "injected",
            "injected fault",
        )),
        ["malformed"] => {
            Some(([(header::CONTENT_TYPE, "application/json")], "{\"token\": ").into_response())
        }
        ["no", "token"] => {
            Some(Json(json!({ "expiresAt": "2099-01-01T00:00:00Z" })).into_response())
        }
        _ => None,
    }
}

fn provider_unreachable() -> Response {
    error(
        StatusCode::BAD_GATEWAY,
        "provider_unreachable",
        "The provider could not be reached; is the sandbox running?",
    )
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// `/strict.html` is served with the README's policy ("Content Security
/// Policy"), the sandbox as the provider: the widget needs nothing more.
async fn strict_page(
    State(provider): State<String>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let strict = request.uri().path() == "/strict.html";
    let mut response = next.run(request).await;
    if strict {
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; frame-src {}; \
             require-trusted-types-for 'script'",
            provider.trim_end_matches('/')
        );
        if let Ok(v) = HeaderValue::from_str(&csp) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    response
}

async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// `2026-11-22T03:04:05Z` for a time after 1970.
fn iso8601(t: SystemTime) -> String {
    let secs = t
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_iso8601() {
        let cases = [
            (0, "1970-01-01T00:00:00Z"),
            (951_782_400, "2000-02-29T00:00:00Z"),
            (1_795_316_645, "2026-11-22T03:04:05Z"),
        ];
        for (secs, want) in cases {
            assert_eq!(iso8601(UNIX_EPOCH + Duration::from_secs(secs)), want);
        }
    }

    /// The demo app as the e2e harness builds it: loopback, faults on,
    /// the sandbox's webhook secret.
    fn demo() -> Router {
        app(config("http://127.0.0.1:9", None)).unwrap()
    }

    fn config(provider_url: &str, database: Option<PathBuf>) -> DemoConfig {
        DemoConfig {
            provider_url: provider_url.into(),
            api_key: "k".into(),
            ofauth_key: SANDBOX_OFAUTH_KEY.into(),
            client_app: "app_sandbox".into(),
            webhook_secret: SANDBOX_WEBHOOK_SECRET.into(),
            database,
            token_ttl: Duration::from_secs(900),
            dist_dir: "/nonexistent".into(),
            faults: true,
        }
    }

    async fn send(method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> (u16, Value) {
        send_to(&demo(), method, path, headers, body).await
    }

    async fn send_to(
        app: &Router,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> (u16, Value) {
        use tower::ServiceExt;
        let mut request = axum::http::Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }

    const PAGE: [(&str, &str); 3] = [
        ("host", "localhost:8080"),
        ("origin", "http://localhost:8080"),
        ("sec-fetch-site", "same-origin"),
    ];

    #[tokio::test]
    async fn dns_rebinding_is_refused() {
        // The rebinding page's requests name its own host, whatever the IP.
        for (method, path) in [
            ("GET", "/"),
            ("GET", "/api/config"),
            ("POST", "/api/session"),
        ] {
            let headers = [
                ("host", "evil.example:8080"),
                ("origin", "http://evil.example:8080"),
                ("sec-fetch-site", "same-origin"),
            ];
            let (status, body) = send(method, path, &headers, "").await;
            assert_eq!(status, 421, "{method} {path}");
            assert_eq!(body["error"]["code"], "unknown_host");
            assert!(body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("`Host`"));
        }
        let (status, body) = send("GET", "/api/config", &PAGE[..1], "").await;
        assert_eq!(
            (status, body["linkOrigin"].as_str()),
            (200, Some("http://127.0.0.1:9"))
        );
    }

    #[tokio::test]
    async fn the_pages_api_answers_only_the_crms_pages() {
        // `?fault=status-418` answers 418 once a request is let through.
        for path in ["/api/session?fault=status-418", "/api/link-session"] {
            for headers in [
                &[
                    ("host", "localhost:8080"),
                    ("origin", "https://evil.example"),
                ][..],
                &[
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:9999"),
                ],
                &[("host", "localhost:8080"), ("sec-fetch-site", "cross-site")],
            ] {
                let (status, body) = send("POST", path, headers, "").await;
                assert_eq!(
                    (status, body["error"]["code"].as_str()),
                    (403, Some("cross_origin")),
                    "{path} {headers:?}"
                );
            }
        }
        assert_eq!(
            send("POST", "/api/session?fault=status-418", &PAGE, "")
                .await
                .0,
            418
        );
    }

    #[tokio::test]
    async fn the_webhook_is_authenticated_by_its_signature_not_its_origin() {
        let event = r#"{"id":"evt_1","type":"connection.disconnected","data":{"connection":{"id":"conn_1"}}}"#;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let signature = crm::tests::signed(SANDBOX_WEBHOOK_SECRET, now, event);
        let headers = [
            ("host", "localhost:8080"),
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://provider.example"),
            ("ofauth-signature", &signature),
        ];
        let (status, body) = send("POST", "/webhooks/ofauth", &headers, event).await;
        assert_eq!(
            (status, body["received"].as_bool()),
            (200, Some(true)),
            "{body}"
        );
        let forged = [
            ("host", "localhost:8080"),
            ("ofauth-signature", "t=1,v1=00"),
        ];
        let (status, body) = send("POST", "/webhooks/ofauth", &forged, event).await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (400, Some("bad_signature"))
        );
    }

    const HOST: [(&str, &str); 1] = [("host", "localhost:8080")];

    /// Delivers a signed webhook `kind` about `connection` (the CRM user's).
    async fn webhook(app: &Router, id: &str, kind: &str, connection: &str) -> Value {
        let event = json!({"id": id, "type": kind, "data": {"connection": {
            "id": connection, "clientReferenceId": "demo_model_1"}}})
        .to_string();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let signature = crm::tests::signed(SANDBOX_WEBHOOK_SECRET, now, &event);
        let headers = [HOST[0], ("ofauth-signature", &signature)];
        let (status, body) = send_to(app, "POST", "/webhooks/ofauth", &headers, &event).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    #[tokio::test]
    async fn the_crm_keeps_its_records_across_a_restart() {
        let path = std::env::temp_dir().join(format!(
            "ofconnect-demo-test-{}.sqlite3",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&path);
        let start = || app(config("http://127.0.0.1:9", Some(path.clone()))).unwrap();
        let first = start();
        webhook(&first, "evt_1", "connection.created", "conn_1").await;
        webhook(&first, "evt_2", "connection.expired", "conn_1").await;
        drop(first);

        let second = start();
        let (_, status) = send_to(&second, "GET", "/api/ofauth/status", &HOST, "").await;
        assert_eq!(
            status,
            json!({"connection": {"id": "conn_1", "status": "expired"}, "needsReconnect": true})
        );
        let (_, events) = send_to(&second, "GET", "/api/ofauth/events", &HOST, "").await;
        let ids: Vec<&str> = events["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["evt_1", "evt_2"]);
        let again = webhook(&second, "evt_1", "connection.created", "conn_1").await;
        assert_eq!(
            again["duplicate"], true,
            "processed once, even across a restart"
        );
        let _ = std::fs::remove_file(&path);
    }

    /// A provider whose access API answers `script` in turn, each a status,
    /// a `Retry-After` and an error code; and the number of requests it got.
    async fn provider(
        script: Vec<(u16, Option<&'static str>, Option<&'static str>)>,
    ) -> (String, Arc<AtomicU64>) {
        let count = Arc::new(AtomicU64::new(0));
        let seen = count.clone();
        let access = get(move || {
            let n = seen.fetch_add(1, Ordering::SeqCst) as usize;
            let answer = script.get(n).copied();
            async move {
                let Some((status, retry_after, code)) = answer else {
                    return error(
                        StatusCode::IM_A_TEAPOT,
                        "unexpected",
                        "one request too many",
                    );
                };
                let body = match code {
                    None => json!({"username": "sandbox_creator"}),
                    Some(code) => json!({"code": code, "message": code}),
                };
                let mut response = Json(body).into_response();
                *response.status_mut() = StatusCode::from_u16(status).unwrap();
                if let Some(secs) = retry_after {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from_static(secs));
                }
                response
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let provider = Router::new().route("/v2/access/self", access);
        tokio::spawn(async move { axum::serve(listener, provider).await });
        (url, count)
    }

    /// The demo's `GET /api/ofauth/status` against `provider_url` for a
    /// stored, active connection: its answer, and the waits it made.
    async fn status_against(provider_url: &str) -> ((u16, Value), Vec<Duration>) {
        let waits: Arc<std::sync::Mutex<Vec<Duration>>> = Arc::default();
        let record = waits.clone();
        let sleep: Sleep = Arc::new(move |d| {
            record.lock().unwrap().push(d);
            Box::pin(std::future::ready(()))
        });
        let demo = build(config(provider_url, None), Exposure::default(), sleep).unwrap();
        webhook(&demo, "evt_1", "connection.created", "conn_1").await;
        let answer = send_to(&demo, "GET", "/api/ofauth/status", &HOST, "").await;
        let waits = waits.lock().unwrap().clone();
        (answer, waits)
    }

    #[tokio::test]
    async fn access_calls_retry_network_errors_5xx_and_429_four_times_in_all() {
        const LIMITED: Option<&str> = Some("RATE_LIMIT_EXCEEDED");
        const FAILED: Option<&str> = Some("INTERNAL_ERROR");
        let ms = Duration::from_millis;
        let s = Duration::from_secs;
        // What the provider answers, then the demo's status, whether it asks
        // to reconnect, and the waits between the attempts.
        let cases = [
            (
                "5xx after 250 ms, 500 ms…; 429 after its Retry-After",
                vec![
                    (503, None, FAILED),
                    (429, Some("3"), LIMITED),
                    (500, None, FAILED),
                    (200, None, None),
                ],
                (200, Some(false)),
                vec![ms(250), s(3), ms(1000)],
            ),
            (
                "429: Retry-After at most 10 s, 1 s without one; four attempts",
                vec![
                    (429, Some("60"), LIMITED),
                    (429, None, LIMITED),
                    (429, Some("2"), LIMITED),
                    (429, Some("5"), LIMITED),
                ],
                (502, None),
                vec![s(10), s(1), s(2)],
            ),
            (
                "5xx: four attempts",
                vec![
                    (500, None, FAILED),
                    (502, None, FAILED),
                    (503, None, FAILED),
                    (500, None, FAILED),
                ],
                (502, None),
                vec![ms(250), ms(500), ms(1000)],
            ),
            (
                "another error is final",
                vec![(404, None, Some("CONNECTION_NOT_FOUND"))],
                (502, None),
                vec![],
            ),
            (
                "SESSION_EXPIRED is final: reconnect",
                vec![(401, None, Some("SESSION_EXPIRED"))],
                (200, Some(true)),
                vec![],
            ),
        ];
        for (what, script, (want_status, reconnect), want_waits) in cases {
            let attempts = script.len() as u64;
            let (url, count) = provider(script).await;
            let ((status, body), waits) = status_against(&url).await;
            assert_eq!(status, want_status, "{what}: {body}");
            assert_eq!(
                body["needsReconnect"].as_bool(),
                reconnect,
                "{what}: {body}"
            );
            assert_eq!(waits, want_waits, "{what}");
            assert_eq!(count.load(Ordering::SeqCst), attempts, "{what}");
        }

        // Network errors: a port nobody listens on.
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        let ((status, body), waits) = status_against(&url).await;
        assert_eq!(status, 502, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("could not be reached"),
            "{body}"
        );
        assert_eq!(waits, [ms(250), ms(500), ms(1000)]);
    }
}
