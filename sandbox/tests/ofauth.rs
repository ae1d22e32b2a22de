//! HTTP tests of the sandbox's OFAuth side: the `apikey` API, Link sessions
//! and pages, connections in SQLite, the access API, and signed webhooks.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use ofconnect_sandbox::{
    ClientApp, Config, WebhookClock, DEFAULT_OFAUTH_KEY, DEFAULT_WEBHOOK_SECRET,
};
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tower::ServiceExt;

const ORIGIN: &str = "http://localhost:8080";

fn app(config: Config) -> Router {
    ofconnect_sandbox::app(config).unwrap()
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    key: Option<&str>,
    extra: &[(&str, &str)],
    body: Option<Value>,
) -> Reply {
    let mut r = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "127.0.0.1:8081");
    if let Some(k) = key {
        r = r.header("apikey", k);
    }
    for (k, v) in extra {
        r = r.header(*k, *v);
    }
    let body = match body {
        Some(v) => {
            r = r.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let response = app.clone().oneshot(r.body(body).unwrap()).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

async fn api(app: &Router, method: &str, uri: &str, body: Option<Value>) -> Reply {
    call(app, method, uri, Some(DEFAULT_OFAUTH_KEY), &[], body).await
}

/// A Link session's id (`lnk_…`) from `POST /v2/link/init`.
async fn link(app: &Router, body: Value) -> String {
    let r = api(app, "POST", "/v2/link/init", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json()["url"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

/// Logs in on Link session `id` as the sandbox creator; the connection.
async fn connect(app: &Router, id: &str) -> Value {
    let r = call(
        app,
        "POST",
        &format!("/link/{id}/login"),
        None,
        &[],
        Some(json!({"email": "creator@sandbox.test", "password": "sandbox"})),
    )
    .await;
    assert_eq!(r.json()["status"], "connected", "{}", r.text);
    r.json()["connection"].clone()
}

async fn access(app: &Router, path: &str, connection: &str) -> Reply {
    call(
        app,
        "GET",
        path,
        Some(DEFAULT_OFAUTH_KEY),
        &[("x-connection-id", connection)],
        None,
    )
    .await
}

#[tokio::test]
async fn the_api_key_is_checked() {
    let app = app(Config::default());
    for key in [None, Some("wrong"), Some("ofauth_sk_sandbox_ke")] {
        let r = call(&app, "GET", "/v2/account/whoami", key, &[], None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["code"], "UNAUTHORIZED");
    }
    let r = api(&app, "GET", "/v2/account/whoami", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["environment"], "sandbox");
}

/// `GET /v2/account/whoami` with `apikey: key` from address `ip`.
async fn whoami_from(app: &Router, ip: [u8; 4], key: &str) -> Reply {
    let mut request = Request::get("/v2/account/whoami")
        .header(header::HOST, "127.0.0.1:8081")
        .header("apikey", key)
        .body(Body::empty())
        .unwrap();
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        text: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

#[tokio::test]
async fn failed_authentications_are_limited_per_address() {
    let app = app(Config {
        auth_failure_limit: 3,
        ..Config::default()
    });
    let attacker = [192, 0, 2, 1];
    for _ in 0..3 {
        let r = whoami_from(&app, attacker, "guess").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Limited now, and the right key changes nothing (it would tell the guesser).
    for key in ["guess", DEFAULT_OFAUTH_KEY] {
        let r = whoami_from(&app, attacker, key).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{key}");
        assert_eq!(r.json()["code"], "RATE_LIMIT_EXCEEDED");
        assert!(!r.text.contains(DEFAULT_OFAUTH_KEY));
        let retry: u64 = r.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry));
    }
    let r = whoami_from(&app, [192, 0, 2, 2], DEFAULT_OFAUTH_KEY).await;
    assert_eq!(r.status, StatusCode::OK, "other addresses are not affected");
}

#[tokio::test]
async fn client_app_origins_must_be_exact_origins() {
    for bad in [
        "*",
        "null",
        "https://crm.example/app",
        "chrome-extension://abc",
    ] {
        let config = Config {
            client_apps: vec![ClientApp {
                allowed_origins: vec![bad.into()],
                ..ClientApp::for_origins(&[ORIGIN.into()])
            }],
            ..Config::default()
        };
        let error = ofconnect_sandbox::app(config).expect_err(bad);
        assert!(
            error.contains(&format!("{bad:?}")) && error.contains("app_sandbox"),
            "{error}"
        );
    }
}

#[tokio::test]
async fn wrong_passwords_and_codes_lock_the_link_session() {
    let app = app(Config::default());
    let post = |id: &str, step: &str, body: Value| {
        let uri = format!("/link/{id}/{step}");
        let app = app.clone();
        async move { call(&app, "POST", &uri, None, &[], Some(body)).await.json() }
    };
    let locked = |v: &Value| v["status"] == "gone" && v["code"] == "too_many_attempts";
    let id = link(&app, json!({"clientAppId": "app_sandbox"})).await;
    let wrong = json!({"email": "2fa@sandbox.test", "password": "nope"});
    for _ in 0..4 {
        let v = post(&id, "login", wrong.clone()).await;
        assert_eq!(v["status"], "wrong_credentials", "{v}");
    }
    let v = post(&id, "login", wrong).await;
    assert!(locked(&v), "the fifth wrong password locks: {v}");
    let right = json!({"email": "creator@sandbox.test", "password": "sandbox"});
    let v = post(&id, "login", right).await;
    assert!(locked(&v), "even the right password is refused: {v}");
    let page = call(
        &app,
        "GET",
        &format!("/link/{id}?embed=true&embed_origin=http%3A%2F%2Flocalhost%3A8080"),
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::GONE);
    assert!(page.text.contains(r#"data-gone-code="too_many_attempts""#));

    let id = link(&app, json!({"clientAppId": "app_sandbox"})).await;
    let v = post(
        &id,
        "login",
        json!({"email": "2fa@sandbox.test", "password": "sandbox"}),
    )
    .await;
    assert_eq!(v["status"], "two_factor_required", "{v}");
    for _ in 0..4 {
        let v = post(&id, "2fa", json!({"code": "000000"})).await;
        assert_eq!(v["status"], "wrong_credentials", "{v}");
    }
    let v = post(&id, "2fa", json!({"code": "000000"})).await;
    assert!(locked(&v), "the fifth wrong code locks: {v}");
    let v = post(&id, "2fa", json!({"code": "123456"})).await;
    assert!(locked(&v), "even the right code is refused: {v}");
}

#[tokio::test]
async fn link_init_validates_every_field() {
    let app = app(Config::default());
    let r = call(
        &app,
        "POST",
        "/v2/link/init",
        Some(DEFAULT_OFAUTH_KEY),
        &[(header::CONTENT_TYPE.as_str(), "text/plain")],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let cases = [
        (json!({}), "clientAppId"),
        (json!({"clientAppId": 7}), "clientAppId"),
        (json!({"clientAppId": "app_nope"}), "clientAppId"),
        (
            json!({"clientAppId": "app_sandbox", "redirectUrl": "https://evil.example/cb"}),
            "redirectUrl",
        ),
        (
            json!({"clientAppId": "app_sandbox", "connectionId": "acct_1"}),
            "connectionId",
        ),
        (
            json!({"clientAppId": "app_sandbox", "clientReferenceId": ""}),
            "clientReferenceId",
        ),
        (
            json!({"clientAppId": "app_sandbox", "geolocation": "US"}),
            "geolocation",
        ),
    ];
    for (body, field) in cases {
        let r = api(&app, "POST", "/v2/link/init", Some(body.clone())).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert_eq!(
            (r.json()["code"].as_str(), r.json()["field"].as_str()),
            (Some("VALIDATION_ERROR"), Some(field)),
            "{body}"
        );
    }
    let r = api(&app, "POST", "/v2/link/init", Some(json!([1]))).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = api(&app, "POST", "/v2/link/init", Some(json!({"clientAppId": "app_sandbox",
        "redirectUrl": "http://localhost:8080/ofauth/return", "clientReferenceId": "crm_42", "geolocation": {"country": "US"}}))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let body = r.json();
    assert_eq!(body["mode"], "hosted");
    assert!(body["url"]
        .as_str()
        .unwrap()
        .starts_with("http://127.0.0.1:8081/link/lnk_"));
    assert!(body["expiresAt"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn link_pages_embed_only_for_allowed_origins() {
    let app = app(Config::default());
    let id = link(&app, json!({"clientAppId": "app_sandbox"})).await;
    let ok = call(
        &app,
        "GET",
        &format!("/link/{id}?embed=true&embed_origin=http%3A%2F%2Flocalhost%3A8080&theme=dark"),
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(ok.text.contains(r#"data-target="http://localhost:8080""#));
    let csp = ok.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(csp.ends_with(&format!("frame-ancestors {ORIGIN}")), "{csp}");
    let evil = call(
        &app,
        "GET",
        &format!("/link/{id}?embed=true&embed_origin=https%3A%2F%2Fevil.example"),
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(evil.status, StatusCode::NOT_FOUND);
    assert!(!evil.text.contains("data-target") && !evil.text.contains("evil.example"));
    // Redirect mode needs a redirectUrl; unknown sessions are refused.
    let r = call(&app, "GET", &format!("/link/{id}"), None, &[], None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = call(
        &app,
        "GET",
        "/link/lnk_unknown?embed=true&embed_origin=http%3A%2F%2Flocalhost%3A8080",
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let redirect = link(&app, json!({"clientAppId": "app_sandbox", "redirectUrl": "http://localhost:8080/ofauth/return", "clientReferenceId": "crm_42"})).await;
    let r = call(&app, "GET", &format!("/link/{redirect}"), None, &[], None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text
            .contains(r#"data-redirect="http://localhost:8080/ofauth/return""#)
            && r.text.contains(r#"data-client-reference="crm_42""#)
    );
    assert!(r.headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .ends_with("frame-ancestors 'none'"));
}

#[tokio::test]
async fn connections_access_expiry_and_reconnection() {
    let app = app(Config::default());
    let id = link(
        &app,
        json!({"clientAppId": "app_sandbox", "clientReferenceId": "crm_42"}),
    )
    .await;
    let connection = connect(&app, &id).await;
    let conn = connection["id"].as_str().unwrap().to_owned();
    assert!(conn.starts_with("conn_"));
    assert_eq!(connection["userData"]["username"], "sandbox_creator");
    // A used Link session is gone.
    let again = call(
        &app,
        "POST",
        &format!("/link/{id}/login"),
        None,
        &[],
        Some(json!({"email": "creator@sandbox.test", "password": "sandbox"})),
    )
    .await;
    assert_eq!(again.json()["status"], "gone");

    let list = api(&app, "GET", "/v2/connections?limit=10", None)
        .await
        .json();
    assert_eq!(list["data"][0]["id"], conn.as_str());
    assert_eq!(list["data"][0]["clientReferenceId"], "crm_42");
    assert_eq!(
        list["pagination"],
        json!({"limit": 10, "offset": 0, "total": 1, "hasMore": false})
    );
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "offset=-1",
        "status=gone",
    ] {
        let r = api(&app, "GET", &format!("/v2/connections?{bad}"), None).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            bad.starts_with(r.json()["field"].as_str().unwrap()),
            "{bad}: {}",
            r.text
        );
    }

    let me = access(&app, "/v2/access/self", &conn).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["username"], "sandbox_creator");
    let page = access(&app, "/v2/access/subscribers?limit=5&offset=3", &conn)
        .await
        .json();
    assert_eq!(page["data"].as_array().unwrap().len(), 5);
    assert_eq!(
        page,
        access(&app, "/v2/access/subscribers?limit=5&offset=3", &conn)
            .await
            .json(),
        "stable data"
    );
    let r = call(
        &app,
        "GET",
        "/v2/access/self",
        Some(DEFAULT_OFAUTH_KEY),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = access(&app, "/v2/access/self", "conn_nope").await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("CONNECTION_NOT_FOUND"))
    );

    let r = api(
        &app,
        "POST",
        &format!("/v2/sandbox/connections/{conn}/expire"),
        None,
    )
    .await;
    assert_eq!(r.json()["data"]["status"], "expired");
    let r = access(&app, "/v2/access/self", &conn).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("SESSION_EXPIRED"))
    );

    // Re-authentication through Link with the connectionId keeps the id.
    let id = link(
        &app,
        json!({"clientAppId": "app_sandbox", "connectionId": conn}),
    )
    .await;
    assert_eq!(connect(&app, &id).await["id"], conn.as_str());
    assert_eq!(
        access(&app, "/v2/access/self", &conn).await.status,
        StatusCode::OK
    );

    let r = api(&app, "DELETE", &format!("/v2/connections/{conn}"), None).await;
    assert_eq!(r.json()["data"]["status"], "disconnected");
    assert_eq!(
        access(&app, "/v2/access/self", &conn).await.json()["code"],
        "SESSION_EXPIRED"
    );
    assert_eq!(
        api(&app, "DELETE", "/v2/connections/conn_nope", None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_access_api_is_rate_limited_per_connection() {
    let app = app(Config {
        access_rate_limit: 2,
        ..Config::default()
    });
    let conn = connect(
        &app,
        &link(&app, json!({"clientAppId": "app_sandbox"})).await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..2 {
        assert_eq!(
            access(&app, "/v2/access/self", &conn).await.status,
            StatusCode::OK
        );
    }
    let r = access(&app, "/v2/access/self", &conn).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("RATE_LIMIT_EXCEEDED"))
    );
    let retry: u64 = r.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
}

#[tokio::test]
async fn connections_survive_a_restart() {
    let path = std::env::temp_dir().join(format!(
        "ofconnect-sandbox-test-{}.sqlite3",
        std::process::id()
    ));
    let _ = std::fs::remove_file(&path);
    let config = Config {
        database: Some(path.clone()),
        ..Config::default()
    };
    let first = app(config.clone());
    let conn = connect(
        &first,
        &link(&first, json!({"clientAppId": "app_sandbox"})).await,
    )
    .await["id"]
        .clone();
    drop(first);
    let second = app(config);
    assert_eq!(
        api(&second, "GET", "/v2/connections", None).await.json()["data"][0]["id"],
        conn
    );
    let _ = std::fs::remove_file(&path);
}

/// A webhook receiver on a real socket: each request's `OFAuth-Signature`
/// and body go to the channel, and `answer(n)` answers the n-th request
/// (from 0), or never does (`None`).
async fn receiver(
    answer: fn(usize) -> Option<StatusCode>,
) -> (String, mpsc::UnboundedReceiver<(String, String)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let count = Arc::new(AtomicUsize::new(0));
    let hook = axum::routing::post(move |headers: HeaderMap, body: String| async move {
        let signature = headers["ofauth-signature"].to_str().unwrap().to_owned();
        tx.send((signature, body)).unwrap();
        match answer(count.fetch_add(1, Ordering::SeqCst)) {
            Some(status) => status,
            None => std::future::pending().await,
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, Router::new().route("/hook", hook)).await });
    (url, rx)
}

/// The next item of `rx`; fails the test instead of hanging when there is none.
async fn next<T>(rx: &mut mpsc::UnboundedReceiver<T>, what: &str) -> T {
    tokio::time::timeout(Duration::from_secs(30), rx.recv())
        .await
        .unwrap_or_else(|_| panic!("no {what}"))
        .unwrap()
}

/// The `t` of a delivery's `OFAuth-Signature`, after checking its `v1`.
fn signed_at(signature: &str, body: &str) -> u64 {
    let (t, v1) = signature
        .strip_prefix("t=")
        .and_then(|s| s.split_once(",v1="))
        .unwrap_or_else(|| panic!("{signature}"));
    let t = t.parse().unwrap();
    assert_eq!(
        v1,
        ofconnect_sandbox::sign_webhook(DEFAULT_WEBHOOK_SECRET, t, body),
        "{signature} signs {body}"
    );
    t
}

#[tokio::test]
async fn every_change_of_a_connection_is_announced_in_order_and_signed() {
    let (url, mut deliveries) = receiver(|_| Some(StatusCode::NO_CONTENT)).await;
    let app = app(Config {
        webhook_url: Some(url),
        ..Config::default()
    });
    let conn = connect(
        &app,
        &link(&app, json!({"clientAppId": "app_sandbox"})).await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let expire = format!("/v2/sandbox/connections/{conn}/expire");
    assert_eq!(
        api(&app, "POST", &expire, None).await.status,
        StatusCode::OK
    );
    // Reconnecting through Link with the connection's id renews it.
    let again = link(
        &app,
        json!({"clientAppId": "app_sandbox", "connectionId": conn}),
    )
    .await;
    assert_eq!(connect(&app, &again).await["id"], conn.as_str());
    let delete = format!("/v2/connections/{conn}");
    assert_eq!(
        api(&app, "DELETE", &delete, None).await.status,
        StatusCode::OK
    );

    for (kind, status) in [
        ("connection.created", "active"),
        ("connection.expired", "expired"),
        ("connection.updated", "active"),
        ("connection.disconnected", "disconnected"),
    ] {
        let (signature, body) = next(&mut deliveries, kind).await;
        signed_at(&signature, &body);
        let event: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(event["type"], kind, "{body}");
        assert!(event["id"].as_str().unwrap().starts_with("evt_"));
        assert_eq!(event["data"]["connection"]["id"], conn.as_str());
        assert_eq!(event["data"]["connection"]["status"], status, "{body}");
    }
}

/// The webhook worker's clock, turned by the test: each wait is handed over
/// with a switch that ends it (a dropped switch never does), and the Unix
/// time moves on by each wait that ended.
fn hand_clock(
    start: u64,
) -> (
    WebhookClock,
    mpsc::UnboundedReceiver<(Duration, oneshot::Sender<()>)>,
) {
    let now = Arc::new(AtomicU64::new(start));
    let (tx, rx) = mpsc::unbounded_channel();
    let clock = WebhookClock {
        now: {
            let now = now.clone();
            Arc::new(move || now.load(Ordering::SeqCst))
        },
        sleep: Arc::new(move |wait: Duration| {
            let (switch, ended) = oneshot::channel();
            tx.send((wait, switch)).unwrap();
            let now = now.clone();
            Box::pin(async move {
                match ended.await {
                    Ok(()) => now.fetch_add(wait.as_secs(), Ordering::SeqCst),
                    Err(_) => std::future::pending().await,
                };
            })
        }),
    };
    (clock, rx)
}

#[tokio::test]
async fn a_failed_delivery_is_tried_five_times_10_s_each_after_1_2_4_8_s_signed_anew() {
    // The first request is never answered; the next four fail; then 204s.
    let (url, mut deliveries) = receiver(|n| match n {
        0 => None,
        1..=4 => Some(StatusCode::INTERNAL_SERVER_ERROR),
        _ => Some(StatusCode::NO_CONTENT),
    })
    .await;
    const START: u64 = 1_795_316_645;
    let (clock, mut waits) = hand_clock(START);
    let app = app(Config {
        webhook_url: Some(url),
        webhook_clock: clock,
        ..Config::default()
    });
    let conn = connect(
        &app,
        &link(&app, json!({"clientAppId": "app_sandbox"})).await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut signed = vec![];
    for attempt in 1..=5u32 {
        let (timeout, end_timeout) = next(&mut waits, "wait for an answer").await;
        assert_eq!(timeout, Duration::from_secs(10), "attempt {attempt}");
        let (signature, body) = next(&mut deliveries, "delivery").await;
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap()["type"],
            "connection.created"
        );
        signed.push(signed_at(&signature, &body));
        if attempt == 1 {
            end_timeout.send(()).unwrap(); // no answer in 10 s
        }
        if attempt < 5 {
            let (backoff, end_backoff) = next(&mut waits, "wait before a retry").await;
            assert_eq!(
                backoff,
                Duration::from_secs(1 << (attempt - 1)),
                "after attempt {attempt}"
            );
            end_backoff.send(()).unwrap();
        }
    }
    // Each attempt is signed when it is sent: 10 s of timeout, then the backoffs.
    assert_eq!(
        signed,
        [START, START + 11, START + 13, START + 17, START + 25]
    );

    // No sixth attempt: the next event is the next delivery.
    let expire = format!("/v2/sandbox/connections/{conn}/expire");
    assert_eq!(
        api(&app, "POST", &expire, None).await.status,
        StatusCode::OK
    );
    let (timeout, _) = next(&mut waits, "wait for an answer").await;
    assert_eq!(timeout, Duration::from_secs(10));
    let log = api(&app, "GET", "/v2/sandbox/webhooks", None).await.json();
    let attempts: Vec<(Value, Value)> = log["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["attempt"].clone(), a["result"].clone()))
        .collect();
    assert_eq!(
        attempts,
        [
            (json!(1), json!("timeout")),
            (json!(2), json!(500)),
            (json!(3), json!(500)),
            (json!(4), json!(500)),
            (json!(5), json!(500)),
        ]
    );
    let (_, body) = next(&mut deliveries, "delivery").await;
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["type"],
        "connection.expired"
    );
}

#[tokio::test]
async fn each_key_works_in_its_own_environment() {
    let production = ofconnect_sandbox::OfAuthKey {
        key: "ofauth_pk_live".into(),
        environment: ofconnect_sandbox::Environment::Production,
    };
    let mut config = Config::default();
    config.ofauth_keys.push(production);
    let app = app(config);
    let live = |method: &'static str, uri: String| {
        let app = app.clone();
        async move { call(&app, method, &uri, Some("ofauth_pk_live"), &[], None).await }
    };
    assert_eq!(
        live("GET", "/v2/account/whoami".into()).await.json()["environment"],
        "production"
    );
    // A sandbox connection does not exist for the production key, and back.
    let conn = connect(
        &app,
        &link(&app, json!({"clientAppId": "app_sandbox"})).await,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        live("GET", "/v2/connections".into()).await.json()["pagination"]["total"],
        0
    );
    let r = call(
        &app,
        "GET",
        "/v2/access/self",
        Some("ofauth_pk_live"),
        &[("x-connection-id", &conn)],
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        live("POST", format!("/v2/sandbox/connections/{conn}/expire"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        api(&app, "GET", "/v2/connections", None).await.json()["data"][0]["environment"],
        "sandbox"
    );
}

#[tokio::test]
async fn admin_and_monitoring_endpoints_need_the_key() {
    let app = app(Config::default());
    for (method, uri) in [
        ("GET", "/v2/sandbox/webhooks"),
        ("POST", "/v2/sandbox/connections/conn_x/expire"),
        ("GET", "/v2/connections"),
        ("DELETE", "/v2/connections/conn_x"),
    ] {
        assert_eq!(
            call(&app, method, uri, None, &[], None).await.status,
            StatusCode::UNAUTHORIZED,
            "{uri}"
        );
    }
    let r = api(&app, "POST", "/v2/sandbox/connections/conn_x/expire", None).await;
    assert_eq!(
        (r.status, r.json()["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("CONNECTION_NOT_FOUND"))
    );
    assert_eq!(
        api(&app, "GET", "/v2/sandbox/webhooks", None).await.json()["data"],
        json!([])
    );
}
