//! What the widget needs to start, minted with the API key so that the key
//! never reaches the browser:
//!
//! - `POST /api/session` asks the provider for a client session for the
//!   signed-in CRM user (the demo has one) and answers `{token, expiresAt}`;
//! - `GET /api/config` gives the page the provider origin to pass to the
//!   widget as `linkOrigin`.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::SystemTime;

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::clock::{rfc3339, unix_secs};
use crate::config::DEMO_USER;
use crate::error::ApiError;
use crate::faults;
use crate::state::AppState;

/// The routes the demo page calls to start the widget.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/session", post(create_session))
        .route("/api/config", get(page_config))
}

/// The provider origin the page passes to the widget as `linkOrigin`.
async fn page_config(State(demo): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "linkOrigin": demo.config.provider_origin() }))
}

/// `POST /api/session`: a client session, or with `--faults` the answer a
/// test asked for.
async fn create_session(
    State(demo): State<Arc<AppState>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    demo.session_requests.fetch_add(1, Ordering::SeqCst);
    if let Some(fault) = query.get("fault").filter(|_| demo.config.faults) {
        if let Err(answer) = faults::inject(fault).await {
            return answer;
        }
    }
    mint(&demo).await.into_response()
}

/// Mints a client session for the signed-in CRM user (the demo has one).
async fn mint(demo: &AppState) -> Result<Json<Value>, ApiError> {
    let request = demo
        .http
        .post(demo.config.provider_endpoint("/api/client-sessions"))
        .bearer_auth(&demo.config.api_key)
        .json(&json!({ "display_name": "ofconnect demo CRM / Model: Stella", "client_reference_id": DEMO_USER }));
    let response = request
        .send()
        .await
        .map_err(|_| ApiError::provider_unreachable())?;
    let status = response.status();
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if let (true, Some(token)) = (status.is_success(), body["data"]["token"].as_str()) {
        // Whole seconds, and the last RFC 3339 can write past its range.
        let expires_at = SystemTime::now()
            .checked_add(demo.config.token_ttl)
            .map_or(u64::MAX, unix_secs);
        return Ok(Json(
            json!({ "token": token, "expiresAt": rfc3339(expires_at) }),
        ));
    }
    let message = body["message"]
        .as_str()
        .unwrap_or("The provider refused to create a session.");
    let (code, answer) = match status.as_u16() {
        401 => ("provider_auth", StatusCode::BAD_GATEWAY),
        429 => ("rate_limited", StatusCode::TOO_MANY_REQUESTS),
        _ => ("provider_error", StatusCode::BAD_GATEWAY),
    };
    let error = ApiError::new(
        answer,
        code,
        format!("Provider answered {}: {message}", status.as_u16()),
    );
    Err(match retry_after {
        Some(retry_after) => error.with_retry_after(retry_after),
        None => error,
    })
}
