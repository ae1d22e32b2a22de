//! The demo's one error answer: a status and
//! `{"error": {"code": "…", "message": "…"}}`, where the code is stable for
//! programs and the message says what went wrong for people.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error answer; handlers return it with `?`.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    /// Passed on to the client when the provider asked to wait.
    retry_after: Option<HeaderValue>,
}

impl ApiError {
    /// An answer with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The same answer with a `Retry-After` header.
    pub fn with_retry_after(mut self, retry_after: HeaderValue) -> Self {
        self.retry_after = Some(retry_after);
        self
    }

    /// 502: the provider could not be reached at all.
    pub fn provider_unreachable() -> Self {
        Self::new(
            StatusCode::BAD_GATEWAY,
            "provider_unreachable",
            "The provider could not be reached; is the sandbox running?",
        )
    }
}

/// 500: the CRM's database failed (what failed is not the client's business).
impl From<rusqlite::Error> for ApiError {
    fn from(_: rusqlite::Error) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "storage",
            "The CRM's database failed.",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        if let Some(retry_after) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, retry_after);
        }
        response
    }
}
