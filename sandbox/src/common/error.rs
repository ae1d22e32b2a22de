//! The one error type of both providers' APIs, answered as JSON in one of
//! two shapes (chosen by whether the error has a code):
//!
//! - without a code, `{"message": "…"}`, and for a bad field
//!   `{"message": "…", "errors": {"field": ["…"]}}` (Laravel's shape);
//! - with one, `{"code": "…", "message": "…"}`, and `"field": "…"` for a bad field.
//!
//! Either may carry `Retry-After`, and may mark the response as a failed
//! authentication for [`crate::common::auth_limit`] to count.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::common::auth_limit::AuthFailed;

/// An error answered as JSON.
#[derive(Debug)]
pub struct Error {
    status: StatusCode,
    code: Option<&'static str>,
    message: String,
    field: Option<&'static str>,
    retry_after: Option<u64>,
    bad_key: bool,
}

impl Error {
    /// An error with a message only (`{"message": …}`).
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code: None,
            message: message.into(),
            field: None,
            retry_after: None,
            bad_key: false,
        }
    }

    /// An error with a stable code (`{"code": …, "message": …}`).
    pub fn coded(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code: Some(code),
            ..Self::new(status, message)
        }
    }

    /// Names the request field at fault.
    pub fn on_field(self, field: &'static str) -> Self {
        Self {
            field: Some(field),
            ..self
        }
    }

    /// Tells the client to wait `secs` seconds (`Retry-After`).
    pub fn retry_after(self, secs: u64) -> Self {
        Self {
            retry_after: Some(secs),
            ..self
        }
    }

    /// Marks a missing or wrong API key, which the failure limiter counts.
    pub fn bad_key(self) -> Self {
        Self {
            bad_key: true,
            ..self
        }
    }

    fn body(&self) -> Value {
        match (self.code, self.field) {
            (None, None) => json!({ "message": self.message }),
            (None, Some(f)) => json!({ "message": self.message, "errors": { f: [self.message] } }),
            (Some(c), None) => json!({ "code": c, "message": self.message }),
            (Some(c), Some(f)) => json!({ "code": c, "message": self.message, "field": f }),
        }
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.bad_key {
            response.extensions_mut().insert(AuthFailed);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(e: Error) -> String {
        e.body().to_string()
    }

    #[test]
    fn each_shape_names_the_field_its_own_way() {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        assert_eq!(body(Error::new(unprocessable, "m")), r#"{"message":"m"}"#);
        assert_eq!(
            body(Error::new(unprocessable, "m").on_field("f")),
            r#"{"errors":{"f":["m"]},"message":"m"}"#
        );
        assert_eq!(
            body(Error::coded(unprocessable, "C", "m")),
            r#"{"code":"C","message":"m"}"#
        );
        assert_eq!(
            body(Error::coded(unprocessable, "C", "m").on_field("f")),
            r#"{"code":"C","field":"f","message":"m"}"#
        );
    }

    #[test]
    fn retry_after_and_bad_keys_reach_the_response() {
        let r = Error::new(StatusCode::TOO_MANY_REQUESTS, "m")
            .retry_after(7)
            .into_response();
        assert_eq!(r.headers()[header::RETRY_AFTER], "7");
        assert!(r.extensions().get::<AuthFailed>().is_none());
        let r = Error::new(StatusCode::UNAUTHORIZED, "m")
            .bad_key()
            .into_response();
        assert!(r.extensions().get::<AuthFailed>().is_some());
        assert!(r.headers().get(header::RETRY_AFTER).is_none());
    }
}
