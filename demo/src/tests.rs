//! The demo's routes end to end, as the browser suites reach them: the
//! guards in front of them, its records across a restart, and the access
//! API's retries.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::retry::Sleep;
use crate::webhook_signature::tests::signed;
use crate::{app, build, DemoConfig, Exposure, SANDBOX_OFAUTH_KEY, SANDBOX_WEBHOOK_SECRET};

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
    let event =
        r#"{"id":"evt_1","type":"connection.disconnected","data":{"connection":{"id":"conn_1"}}}"#;
    let signature = signed(SANDBOX_WEBHOOK_SECRET, unix_now(), event);
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
    let signature = signed(SANDBOX_WEBHOOK_SECRET, unix_now(), &event);
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
                return ApiError::new(
                    StatusCode::IM_A_TEAPOT,
                    "unexpected",
                    "one request too many",
                )
                .into_response();
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
    let waits: Arc<Mutex<Vec<Duration>>> = Arc::default();
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
