//! Faults tests inject into `POST /api/session` (`?fault=…`) to see how the
//! page copes, and the count of its requests (`GET /api/session/count`).
//! Only with `--faults`: never in a real deployment, and not part of the
//! integration to copy.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::ApiError;
use crate::state::AppState;

/// How many `POST /api/session` requests arrived.
pub async fn session_count(State(demo): State<Arc<AppState>>) -> Json<Value> {
    Json(json!({ "requests": demo.session_requests.load(Ordering::SeqCst) }))
}

/// Applies `fault`: `Err` with the answer to send instead of a session, or
/// `Ok` to go on (after a delay, or for a fault it does not know):
/// `delay-<ms>`, `status-<code>`, `status-<code>-retry-<s>`, `malformed`
/// (JSON cut short), `no-token`.
pub async fn inject(fault: &str) -> Result<(), Response> {
    let parts: Vec<&str> = fault.split('-').collect();
    let status = |code: &str| {
        let status = StatusCode::from_u16(code.parse().ok()?).ok()?;
        Some(ApiError::new(status, "injected", "injected fault"))
    };
    let answer = match parts.as_slice() {
        ["delay", ms] => {
            tokio::time::sleep(Duration::from_millis(ms.parse().unwrap_or(0))).await;
            None
        }
        ["status", code, "retry", secs] => status(code)
            .zip(HeaderValue::from_str(secs).ok())
            .map(|(error, secs)| error.with_retry_after(secs).into_response()),
        ["status", code] => status(code).map(IntoResponse::into_response),
        ["malformed"] => {
            Some(([(header::CONTENT_TYPE, "application/json")], "{\"token\": ").into_response())
        }
        ["no", "token"] => {
            Some(Json(json!({ "expiresAt": "2099-01-01T00:00:00Z" })).into_response())
        }
        _ => None,
    };
    answer.map_or(Ok(()), Err)
}
