//! HTTP tests of the sandbox provider, through the router (no socket).

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use std::net::SocketAddr;

use axum::extract::ConnectInfo;
use ofconnect_sandbox::{ApiKey, Config, DEFAULT_API_KEY};
use serde_json::{json, Value};
use tower::ServiceExt;

fn app(config: Config) -> Router {
    ofconnect_sandbox::app(config).unwrap()
}

async fn send(
    app: &Router,
    mut request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, String) {
    if !request.headers().contains_key(header::HOST) {
        request
            .headers_mut()
            .insert(header::HOST, "127.0.0.1:8081".parse().unwrap());
    }
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, headers, String::from_utf8(body.to_vec()).unwrap())
}

fn create(key: Option<&str>, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut r = Request::post("/api/client-sessions");
    if let Some(k) = key {
        r = r.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    if let Some(t) = content_type {
        r = r.header(header::CONTENT_TYPE, t);
    }
    r.body(body.into()).unwrap()
}

fn json_body(v: Value) -> Request<Body> {
    create(
        Some(DEFAULT_API_KEY),
        Some("application/json"),
        v.to_string(),
    )
}

async fn new_token(app: &Router) -> String {
    new_token_of(app, DEFAULT_API_KEY, "Agency / Model: Stella").await
}

/// A client session token made with API key `key`.
async fn new_token_of(app: &Router, key: &str, display_name: &str) -> String {
    let body = json!({ "display_name": display_name }).to_string();
    let (status, _, body) = send(app, create(Some(key), Some("application/json"), body)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_str::<Value>(&body).unwrap()["data"]["token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The path (`/link/lnk_…`) of an OFAuth Link session made with `init`.
async fn new_link(app: &Router, init: Value) -> String {
    let r = Request::post("/v2/link/init")
        .header("apikey", ofconnect_sandbox::DEFAULT_OFAUTH_KEY)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(init.to_string()))
        .unwrap();
    let (status, _, body) = send(app, r).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = serde_json::from_str::<Value>(&body).unwrap()["url"].clone();
    url.as_str()
        .unwrap()
        .trim_start_matches("http://127.0.0.1:8081")
        .to_owned()
}

#[tokio::test]
async fn creates_a_client_session_in_the_documented_shape() {
    let app = app(Config::default());
    let (status, _, body) = send(
        &app,
        json_body(json!({"display_name": "STRLCxGLVC Agency / Model: Stella", "client_reference_id": "my_crm_model_12345", "proxy_country": "uk"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    let token = v["data"]["token"].as_str().unwrap();
    assert!(
        token.starts_with("ofapi_cs_") && token.len() == 41,
        "{token}"
    );
    assert_eq!(
        v["data"]["display_name"],
        "STRLCxGLVC Agency / Model: Stella"
    );
    assert_eq!(v["data"]["client_reference_id"], "my_crm_model_12345");
    assert_eq!(v["_meta"]["_credits"]["used"], 0);
    assert_eq!(v["_meta"]["_credits"]["note"], "Always");
    assert_eq!(
        v["_meta"]["_cache"],
        json!({"is_cached": false, "note": "Cache disabled for this endpoint"})
    );
    assert_eq!(v["_meta"]["_rate_limits"]["limit_minute"], 1000);
    assert_eq!(v["_meta"]["_rate_limits"]["remaining_minute"], 999);
    assert_eq!(v["_meta"]["_rate_limits"]["remaining_day"], 49999);
}

#[tokio::test]
async fn rejects_missing_and_wrong_keys_without_echoing_them() {
    let app = app(Config::default());
    for key in [Some("wrong-key-1234"), Some("ofapi_sandbox_ke")] {
        let (status, _, body) = send(
            &app,
            create(key, Some("application/json"), r#"{"display_name":"x"}"#),
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"message": "Unauthenticated."})
        );
        assert!(!body.contains("wrong-key") && !body.contains("ofapi_"));
    }
    let (status, _, body) = send(
        &app,
        create(None, Some("application/json"), r#"{"display_name":"x"}"#),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(body.contains("`Authorization`"), "{body}");
}

/// `Authorization: <value>` on an otherwise good request.
fn with_authorization(values: &[&str]) -> Request<Body> {
    let mut r =
        Request::post("/api/client-sessions").header(header::CONTENT_TYPE, "application/json");
    for v in values {
        r = r.header(header::AUTHORIZATION, *v);
    }
    r.body(Body::from(r#"{"display_name":"x"}"#)).unwrap()
}

#[tokio::test]
async fn authorization_must_be_exactly_bearer_and_one_key() {
    let app = app(Config {
        auth_failure_limit: 1000,
        ..Config::default()
    });
    let k = DEFAULT_API_KEY;
    for good in [
        format!("Bearer {k}"),
        format!("bearer {k}"),
        format!("BEARER {k}"),
    ] {
        assert_eq!(
            send(&app, with_authorization(&[&good])).await.0,
            StatusCode::OK,
            "{good}"
        );
    }
    let bad: Vec<Vec<String>> = vec![
        vec![format!("Bearer  {k}")],
        vec![format!("Bearer {k} ")],
        vec![format!("Bearer {k}\t")],
        vec![format!("Bearer {k} extra")],
        vec![format!("Bearer {k},Bearer other")],
        vec![format!("Bearer {k}, Basic b3RoZXI=")],
        vec![format!("Bearer\t{k}")],
        vec![format!("Basic {k}")],
        vec![format!("Bearer{k}")],
        vec![format!("Token {k}")],
        vec!["Bearer".into()],
        vec!["Bearer ".into()],
        vec!["".into()],
        vec![format!("Bearer {k}"), format!("Bearer {k}")],
        vec![format!("Bearer {k}"), "Bearer other".into()],
    ];
    for values in bad {
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        let (status, _, body) = send(&app, with_authorization(&values)).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{values:?}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert!(
            v["message"].as_str().unwrap().contains("`Authorization`"),
            "{body}"
        );
        assert!(!body.contains(k), "{body}");
    }
}

/// A client session request from `ip` with API key `key`.
fn create_from(ip: [u8; 4], key: &str) -> Request<Body> {
    let mut r = create(
        Some(key),
        Some("application/json"),
        r#"{"display_name":"x"}"#,
    );
    r.extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((ip, 40000))));
    r
}

#[tokio::test]
async fn failed_authentications_are_limited_per_address() {
    let app = app(Config {
        auth_failure_limit: 3,
        ..Config::default()
    });
    let attacker = [192, 0, 2, 1];
    for _ in 0..3 {
        let (status, _, _) = send(&app, create_from(attacker, "guess")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Limited now, and the right key changes nothing (it would tell the guesser).
    for key in ["guess", DEFAULT_API_KEY] {
        let (status, headers, body) = send(&app, create_from(attacker, key)).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{key}");
        let retry: u64 = headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=60).contains(&retry));
        assert_eq!(
            serde_json::from_str::<Value>(&body).unwrap(),
            json!({"message": "Too Many Attempts."})
        );
    }
    // Other addresses, and the hosted pages, are not affected.
    let (status, _, body) = send(&app, create_from([192, 0, 2, 2], DEFAULT_API_KEY)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = serde_json::from_str::<Value>(&body).unwrap()["data"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut page_request = page(&token, None);
    page_request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((attacker, 40000))));
    assert_eq!(send(&app, page_request).await.0, StatusCode::OK);
}

#[tokio::test]
async fn allowed_origins_must_be_exact_origins() {
    for bad in [
        "*",
        "null",
        "http://localhost:8080/",
        "ftp://crm.example",
        "http://u@crm.example",
    ] {
        let config = Config {
            api_keys: vec![ApiKey {
                key: DEFAULT_API_KEY.into(),
                allowed_origins: vec!["http://localhost:8080".into(), bad.into()],
            }],
            ..Config::default()
        };
        let error = ofconnect_sandbox::app(config).expect_err(bad);
        assert!(error.contains(&format!("{bad:?}")), "{error}");
    }
}

#[tokio::test]
async fn validates_the_body_and_names_the_field() {
    let app = app(Config::default());
    let cases = [
        (json!({}), "display_name"),
        (json!({"display_name": ""}), "display_name"),
        (json!({"display_name": "   "}), "display_name"),
        (json!({"display_name": null}), "display_name"),
        (json!({"display_name": 5}), "display_name"),
        (json!({"display_name": "x".repeat(256)}), "display_name"),
        (
            json!({"display_name": "x", "client_reference_id": 12}),
            "client_reference_id",
        ),
        (
            json!({"display_name": "x", "proxy_country": "fr"}),
            "proxy_country",
        ),
        (
            json!({"display_name": "x", "proxy_country": "US"}),
            "proxy_country",
        ),
    ];
    for (body, field) in cases {
        let (status, _, text) = send(&app, json_body(body.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(v["errors"][field].is_array(), "{body}: {text}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains(&field.replace('_', " ")),
            "{text}"
        );
    }
    let ok = json!({"display_name": "x", "proxy_country": null, "client_reference_id": null});
    assert_eq!(send(&app, json_body(ok)).await.0, StatusCode::OK);
}

#[tokio::test]
async fn rejects_bad_content_types_and_bodies_as_json() {
    let app = app(Config::default());
    let cases = [
        (
            Some("text/plain"),
            r#"{"display_name":"x"}"#.to_owned(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            None,
            r#"{"display_name":"x"}"#.to_owned(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Some("application/x-www-form-urlencoded"),
            "display_name=x".to_owned(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            Some("application/json"),
            "{not json".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        (
            Some("application/json"),
            "[]".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (content_type, body, want) in cases {
        let (status, headers, text) =
            send(&app, create(Some(DEFAULT_API_KEY), content_type, body)).await;
        assert_eq!(status, want, "{content_type:?}");
        assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        assert!(serde_json::from_str::<Value>(&text).unwrap()["message"].is_string());
    }
    let (status, _, text) = send(
        &app,
        json_body(json!({"display_name": "x"})).map(|_| Body::empty()),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let app = app(Config::default());
    let (status, _, body) =
        send(&app, Request::get("/api/nope").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("message"));
    let (status, _, body) = send(
        &app,
        Request::get("/api/client-sessions")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(body.contains("message"));
}

#[tokio::test]
async fn enforces_the_minute_limit_with_retry_after() {
    let app = app(Config {
        rate_limit_minute: 3,
        ..Config::default()
    });
    for _ in 0..3 {
        new_token(&app).await;
    }
    let (status, headers, body) = send(&app, json_body(json!({"display_name": "x"}))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    assert!(body.contains("Too Many Attempts."));
}

#[tokio::test]
async fn enforces_the_day_limit() {
    let app = app(Config {
        rate_limit_day: 1,
        ..Config::default()
    });
    new_token(&app).await;
    let (status, headers, _) = send(&app, json_body(json!({"display_name": "x"}))).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 60);
}

fn page(token: &str, referer: Option<&str>) -> Request<Body> {
    let mut r = Request::get(format!("/embed-auth/{token}"));
    if let Some(x) = referer {
        r = r.header(header::REFERER, x);
    }
    r.body(Body::empty()).unwrap()
}

fn flow_post(token: &str, step: &str, v: Value) -> Request<Body> {
    Request::post(format!("/embed-auth/{token}/{step}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(v.to_string()))
        .unwrap()
}

#[tokio::test]
async fn the_hosted_page_allows_only_configured_embedders() {
    let app = app(Config::default());
    let token = new_token(&app).await;
    let (status, headers, html) = send(
        &app,
        page(&token, Some("http://localhost:8080/crm/contacts/1")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.ends_with("frame-ancestors http://localhost:8080"),
        "{csp}"
    );
    assert!(csp.contains("script-src 'self'"));
    assert!(html.contains(r#"data-target-origins="[&quot;http://localhost:8080&quot;]""#));
    for name in [
        "name=\"email\"",
        "name=\"password\"",
        "name=\"code\"",
        "type=\"submit\"",
    ] {
        assert!(html.contains(name), "{name}");
    }
    // A referrer that is not allowed never becomes a target.
    let (_, _, html) = send(&app, page(&token, Some("https://evil.example/"))).await;
    assert!(!html.contains("evil"));
    assert!(html.contains("http://localhost:8080"));
}

#[tokio::test]
async fn login_2fa_and_single_use() {
    let app = app(Config::default());
    let token = new_token(&app).await;
    let wrong = send(
        &app,
        flow_post(
            &token,
            "login",
            json!({"email": "2fa@sandbox.test", "password": "nope"}),
        ),
    )
    .await;
    assert_eq!(wrong.0, StatusCode::OK);
    assert_eq!(
        serde_json::from_str::<Value>(&wrong.2).unwrap(),
        json!({"status": "wrong_credentials", "message": "Wrong email or password"})
    );
    let step = send(
        &app,
        flow_post(
            &token,
            "login",
            json!({"email": "2fa@sandbox.test", "password": "sandbox"}),
        ),
    )
    .await;
    assert!(step.2.contains("two_factor_required"));
    let bad_code = send(&app, flow_post(&token, "2fa", json!({"code": "111111"}))).await;
    assert!(bad_code.2.contains("Wrong code"));
    let (status, _, body) = send(&app, flow_post(&token, "2fa", json!({"code": "123456"}))).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["result"]["onlyfansData"]["email"], "2fa@sandbox.test");
    assert!(v["result"]["accountId"]
        .as_str()
        .unwrap()
        .starts_with("acct_"));
    // Used: the page and the endpoints say so.
    let (status, _, html) = send(&app, page(&token, None)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("already used"));
    let again = send(
        &app,
        flow_post(
            &token,
            "login",
            json!({"email": "creator@sandbox.test", "password": "sandbox"}),
        ),
    )
    .await;
    assert!(
        again.2.contains(r#""status":"gone""#) && again.2.contains("already used"),
        "{}",
        again.2
    );
}

#[tokio::test]
async fn wrong_passwords_and_codes_lock_the_session() {
    let app = app(Config::default());
    let login = |token: &str, password: &str| {
        flow_post(
            token,
            "login",
            json!({"email": "2fa@sandbox.test", "password": password}),
        )
    };
    let locked = |body: &str| {
        let v: Value = serde_json::from_str(body).unwrap();
        v["status"] == "gone" && v["code"] == "too_many_attempts"
    };
    let token = new_token(&app).await;
    for _ in 0..4 {
        let (_, _, body) = send(&app, login(&token, "nope")).await;
        assert!(body.contains("wrong_credentials"), "{body}");
    }
    let (_, _, body) = send(&app, login(&token, "nope")).await;
    assert!(locked(&body), "the fifth wrong password locks: {body}");
    let (_, _, body) = send(&app, login(&token, "sandbox")).await;
    assert!(locked(&body), "even the right password is refused: {body}");
    let (status, _, html) = send(&app, page(&token, None)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains(r#"data-gone-code="too_many_attempts""#));
    assert!(html.contains("Too many failed attempts"));

    let token = new_token(&app).await;
    let (_, _, body) = send(&app, login(&token, "sandbox")).await;
    assert!(body.contains("two_factor_required"), "{body}");
    for _ in 0..4 {
        let (_, _, body) = send(&app, flow_post(&token, "2fa", json!({"code": "000000"}))).await;
        assert!(body.contains("Wrong code"), "{body}");
    }
    let (_, _, body) = send(&app, flow_post(&token, "2fa", json!({"code": "000000"}))).await;
    assert!(locked(&body), "the fifth wrong code locks: {body}");
    let (_, _, body) = send(&app, flow_post(&token, "2fa", json!({"code": "123456"}))).await;
    assert!(locked(&body), "even the right code is refused: {body}");
}

#[tokio::test]
async fn flow_endpoints_validate_their_input() {
    let app = app(Config::default());
    let token = new_token(&app).await;
    let (status, _, body) = send(&app, flow_post(&token, "login", json!({"email": "x"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.contains("password"));
    let form = Request::post(format!("/embed-auth/{token}/login"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("email=x"))
        .unwrap();
    assert_eq!(send(&app, form).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn expired_and_unknown_tokens_get_an_error_page() {
    let app = app(Config {
        token_ttl: std::time::Duration::ZERO,
        ..Config::default()
    });
    let token = new_token(&app).await;
    let (status, _, html) = send(&app, page(&token, None)).await;
    assert_eq!(status, StatusCode::GONE);
    assert!(html.contains("This session has expired"));
    let (status, _, html) = send(
        &app,
        page("ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("not valid"));
}

#[tokio::test]
async fn refuses_foreign_host_names_against_dns_rebinding() {
    let app = app(Config::default());
    for host in [
        "evil.example",
        "evil.example:8081",
        "127.0.0.1.evil.example",
    ] {
        let r = Request::get("/assets/flow.js")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let (status, _, body) = send(&app, r).await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert!(body.contains("host name"));
    }
    let r = Request::get("/assets/flow.js")
        .header(header::HOST, "localhost:8081")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, r).await.0, StatusCode::OK);
}

#[tokio::test]
async fn neither_api_sends_cors_headers_or_accepts_a_preflight() {
    let app = app(Config::default());
    let bearer = format!("Bearer {DEFAULT_API_KEY}");
    let apikey = ("apikey", ofconnect_sandbox::DEFAULT_OFAUTH_KEY);
    for (method, uri, key) in [
        (
            "POST",
            "/api/client-sessions",
            ("authorization", bearer.as_str()),
        ),
        ("GET", "/v2/account/whoami", apikey),
        ("POST", "/v2/link/init", apikey),
        ("GET", "/v2/connections", apikey),
        ("DELETE", "/v2/connections/conn_x", apikey),
        ("POST", "/v2/sandbox/connections/conn_x/expire", apikey),
        ("GET", "/v2/sandbox/webhooks", apikey),
        ("GET", "/v2/access/self", apikey),
        ("GET", "/v2/access/subscribers", apikey),
    ] {
        let preflight = Request::builder()
            .method("OPTIONS")
            .uri(uri)
            .header(header::ORIGIN, "https://evil.example")
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization, apikey, content-type",
            )
            .body(Body::empty())
            .unwrap();
        let (status, headers, _) = send(&app, preflight).await;
        assert!(!status.is_success(), "{uri}: {status}");
        assert!(!has_cors(&headers), "{uri}: {headers:?}");
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ORIGIN, "https://evil.example")
            .header(key.0, key.1)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap();
        let (_, headers, _) = send(&app, request).await;
        assert!(!has_cors(&headers), "{uri}: {headers:?}");
    }
}

fn has_cors(headers: &axum::http::HeaderMap) -> bool {
    headers
        .keys()
        .any(|k| k.as_str().starts_with("access-control-"))
}

/// `fields` as a JSON object of exactly `size` bytes, padded with a field
/// the endpoints ignore.
fn json_of_size(fields: Value, size: usize) -> String {
    let mut v = fields;
    v["pad"] = json!("");
    let empty = v.to_string().len();
    v["pad"] = json!("x".repeat(size - empty));
    let text = v.to_string();
    assert_eq!(text.len(), size);
    text
}

#[tokio::test]
async fn bodies_are_limited_to_16_kib_on_the_apis_and_4_kib_on_the_flows() {
    let app = app(Config::default());
    let token = new_token(&app).await;
    let link = new_link(&app, json!({"clientAppId": "app_sandbox"})).await;
    let bearer = format!("Bearer {DEFAULT_API_KEY}");
    let login = json!({"email": "x", "password": "y"});
    let code = json!({"code": "1"});
    let cases = [
        (
            "/api/client-sessions".to_owned(),
            Some(("authorization", bearer.as_str())),
            json!({"display_name": "x"}),
            16 * 1024,
            StatusCode::OK,
        ),
        (
            "/v2/link/init".to_owned(),
            Some(("apikey", ofconnect_sandbox::DEFAULT_OFAUTH_KEY)),
            json!({"clientAppId": "app_sandbox"}),
            16 * 1024,
            StatusCode::CREATED,
        ),
        (
            format!("/embed-auth/{token}/login"),
            None,
            login.clone(),
            4 * 1024,
            StatusCode::OK,
        ),
        (
            format!("/embed-auth/{token}/2fa"),
            None,
            code.clone(),
            4 * 1024,
            StatusCode::OK,
        ),
        (
            format!("{link}/login"),
            None,
            login,
            4 * 1024,
            StatusCode::OK,
        ),
        (format!("{link}/2fa"), None, code, 4 * 1024, StatusCode::OK),
    ];
    for (uri, key, fields, limit, ok) in cases {
        for (size, want) in [(limit, ok), (limit + 1, StatusCode::PAYLOAD_TOO_LARGE)] {
            let mut r =
                Request::post(uri.as_str()).header(header::CONTENT_TYPE, "application/json");
            if let Some((name, value)) = key {
                r = r.header(name, value);
            }
            let r = r
                .body(Body::from(json_of_size(fields.clone(), size)))
                .unwrap();
            let (status, headers, body) = send(&app, r).await;
            assert_eq!(status, want, "{uri}, {size} bytes: {body}");
            assert_eq!(headers[header::CONTENT_TYPE], "application/json");
        }
    }
}

/// The sources of the `frame-ancestors` directive of a page's CSP.
fn frame_ancestors(headers: &axum::http::HeaderMap) -> Vec<String> {
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let directives: Vec<&str> = csp
        .split(';')
        .filter_map(|d| d.trim().strip_prefix("frame-ancestors "))
        .collect();
    assert_eq!(directives.len(), 1, "{csp}");
    directives[0]
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn each_keys_pages_may_be_framed_by_exactly_its_origins() {
    let key = |key: &str, origins: &[&str]| ApiKey {
        key: key.into(),
        allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
    };
    let app = app(Config {
        api_keys: vec![
            key("key-a", &["https://a.example", "http://localhost:3000"]),
            key("key-b", &["https://b.example"]),
            key("key-c", &[]),
        ],
        ..Config::default()
    });
    for (k, want) in [
        ("key-a", vec!["https://a.example", "http://localhost:3000"]),
        ("key-b", vec!["https://b.example"]),
        ("key-c", vec!["'none'"]),
    ] {
        let token = new_token_of(&app, k, "x").await;
        let (status, headers, _) = send(&app, page(&token, None)).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(frame_ancestors(&headers), want, "{k}");
    }
    // An unknown token's error page, whose key is unknown: every key's origins.
    let (status, headers, _) = send(
        &app,
        page("ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        frame_ancestors(&headers),
        [
            "http://localhost:3000",
            "https://a.example",
            "https://b.example"
        ]
    );
}

#[tokio::test]
async fn each_apps_link_pages_may_be_framed_by_exactly_its_origins() {
    let client_app = |id: &str, origins: &[&str]| ofconnect_sandbox::ClientApp {
        id: id.into(),
        allowed_origins: origins.iter().map(|o| o.to_string()).collect(),
        redirect_uris: vec![],
    };
    let app = app(Config {
        client_apps: vec![
            client_app("app_a", &["https://a.example", "http://localhost:3000"]),
            client_app("app_b", &["https://b.example"]),
        ],
        ..Config::default()
    });
    for (client, embedder, want) in [
        (
            "app_a",
            "https%3A%2F%2Fa.example",
            vec!["https://a.example", "http://localhost:3000"],
        ),
        (
            "app_b",
            "https%3A%2F%2Fb.example",
            vec!["https://b.example"],
        ),
    ] {
        let link = new_link(&app, json!({ "clientAppId": client })).await;
        let uri = format!("{link}?embed=true&embed_origin={embedder}");
        let (status, headers, _) = send(&app, Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{client}");
        assert_eq!(frame_ancestors(&headers), want, "{client}");
    }
}

#[tokio::test]
async fn the_hosted_pages_escape_everything_they_show() {
    // Breaks out of an element or an attribute unless escaped.
    const HOSTILE: &str = r#""'><script>alert(1)</script>&lt;"#;
    const ESCAPED: &str = "&quot;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;lt;";
    let back = format!("https://crm.example/back?x={HOSTILE}");
    let app = app(Config {
        client_apps: vec![ofconnect_sandbox::ClientApp {
            id: "app_sandbox".into(),
            allowed_origins: vec!["http://localhost:8080".into()],
            redirect_uris: vec![back.clone()],
        }],
        ..Config::default()
    });
    // The OnlyFansAPI flow shows the session's display name.
    let token = new_token_of(&app, DEFAULT_API_KEY, HOSTILE).await;
    let (_, _, html) = send(&app, page(&token, None)).await;
    assert!(
        html.contains(&format!("<strong>{ESCAPED}</strong>")),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    // The Link page carries the client reference and the way back.
    let init =
        json!({"clientAppId": "app_sandbox", "clientReferenceId": HOSTILE, "redirectUrl": back});
    let path = new_link(&app, init).await;
    let (status, _, html) = send(&app, Request::get(path).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains(&format!(
            r#" data-redirect="https://crm.example/back?x={ESCAPED}""#
        )),
        "{html}"
    );
    assert!(
        html.contains(&format!(r#" data-client-reference="{ESCAPED}""#)),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
}

/// Over a real socket: hyper's header limits answer before any handler runs.
#[tokio::test]
async fn oversized_header_blocks_are_refused() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app(Config::default())).await });
    for (what, extra) in [
        (
            "200 headers",
            (0..200)
                .map(|i| format!("x-h{i}: v\r\n"))
                .collect::<String>(),
        ),
        (
            "a 1 MiB header",
            format!("x-big: {}\r\n", "a".repeat(1 << 20)),
        ),
    ] {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        let request = format!("GET /assets/flow.js HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n");
        let _ = stream.write_all(request.as_bytes()).await;
        let mut answer = vec![0u8; 64];
        let n = stream.read(&mut answer).await.unwrap_or(0);
        let head = String::from_utf8_lossy(&answer[..n]).to_string();
        assert!(head.starts_with("HTTP/1.1 431"), "{what}: {head:?}");
    }
}
