//! # ofconnect-demo
//!
//! The demo CRM's backend, as a real integration would have it: it serves the
//! demo page (built by Trunk into `dist/`) and the script-tag build at
//! `/ofconnect.js`, and mints client session tokens from the provider with
//! its API key at `POST /api/session`, answering `{token, expiresAt}`. The
//! API key never reaches the browser.
//!
//! Run with: `make demo` (or `cargo run -p ofconnect-demo -- --help`)
#![deny(missing_docs)]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use tower_http::services::ServeDir;

/// How the demo backend reaches the provider.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// The provider's base URL (the sandbox), e.g. `http://127.0.0.1:8081`.
    pub provider_url: String,
    /// The API key for `POST /api/client-sessions`.
    pub api_key: String,
    /// How long the provider's tokens live, to tell the widget `expiresAt`.
    pub token_ttl: Duration,
    /// The Trunk output directory with the demo page and the widget build.
    pub dist_dir: PathBuf,
}

struct Demo {
    config: DemoConfig,
    http: reqwest::Client,
}

/// The demo's routes.
pub fn app(config: DemoConfig) -> Router {
    let dist = ServeDir::new(&config.dist_dir);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();
    Router::new()
        .route("/api/session", post(create_session))
        .route("/api/config", get(page_config))
        .fallback_service(dist)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(Arc::new(Demo { config, http }))
}

/// The provider origin the page passes to the widget as `linkOrigin`.
async fn page_config(State(demo): State<Arc<Demo>>) -> Json<Value> {
    Json(json!({ "linkOrigin": demo.config.provider_url.trim_end_matches('/') }))
}

/// Mints a client session for the signed-in CRM user (the demo has one).
async fn create_session(State(demo): State<Arc<Demo>>, headers: HeaderMap) -> Response {
    if !same_origin(&headers) {
        return error(
            StatusCode::FORBIDDEN,
            "cross_origin",
            "This endpoint only answers the CRM's own pages.",
        );
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
        Err(_) => {
            return error(
                StatusCode::BAD_GATEWAY,
                "provider_unreachable",
                "The provider could not be reached; is the sandbox running?",
            )
        }
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

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
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
