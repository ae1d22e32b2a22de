//! # ofconnect-demo
//!
//! The demo CRM's backend, as a real integration would have it: it serves the
//! demo page (built by Trunk into `dist/`) and the script-tag build at
//! `/ofconnect.js`, and mints client session tokens from the provider with
//! its API key at `POST /api/session`, answering `{token, expiresAt}`. The
//! API key never reaches the browser. Its OFAuth integration (Link sessions,
//! verified webhooks, stored connections, the access API, reconnecting) is in
//! `crm.rs`.
//!
//! Run with: `make demo` (or `cargo run -p ofconnect-demo -- --help`)
#![deny(missing_docs)]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::ServeDir;

mod crm;

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
}

/// The demo's routes; fails when the database cannot be opened.
pub fn app(config: DemoConfig) -> Result<Router, String> {
    let crm = crm::Store::open(config.database.as_deref())
        .map_err(|e| format!("cannot open the database {:?}: {e}", config.database))?;
    let dist = ServeDir::new(&config.dist_dir);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    let mut router = Router::new()
        .route("/api/session", post(create_session))
        .route("/api/config", get(page_config))
        .merge(crm::routes());
    if config.faults {
        router = router.route("/api/session/count", get(session_count));
    }
    Ok(router
        .fallback_service(dist)
        .layer(axum::middleware::from_fn_with_state(
            config.provider_url.clone(),
            strict_page,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(Arc::new(Demo {
            config,
            http,
            requests: AtomicU64::new(0),
            crm,
        })))
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
    headers: HeaderMap,
) -> Response {
    if !same_origin(&headers) {
        return cross_origin();
    }
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

/// A browser's cross-site request carries a foreign `Origin`; refuse it so
/// other sites cannot mint sessions for the signed-in user.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority == host)
}

fn cross_origin() -> Response {
    error(
        StatusCode::FORBIDDEN,
        "cross_origin",
        "This endpoint only answers the CRM's own pages.",
    )
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

/// `/strict.html` is served with the strictest policy a host may have, to
/// show (and test) that the widget needs nothing more: the README's CSP.
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
             connect-src 'self'; img-src 'self' data:; base-uri 'none'; object-src 'none'; \
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

    #[test]
    fn refuses_cross_origin_posts() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("localhost:8080"));
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://localhost:8080"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://localhost:8080.evil.example"),
        );
        assert!(!same_origin(&h));
    }
}
