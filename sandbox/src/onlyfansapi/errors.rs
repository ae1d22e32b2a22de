//! OnlyFansAPI's errors, in its (Laravel's) shape: `{"message": "…"}`, and
//! `"errors": {"field": ["…"]}` for a bad field.

use axum::http::StatusCode;

use crate::common::error::Error;

/// A 422 naming the field that is wrong.
pub fn invalid_field(field: &'static str, message: impl Into<String>) -> Error {
    Error::new(StatusCode::UNPROCESSABLE_ENTITY, message).on_field(field)
}

/// A 429 with `Retry-After`.
pub fn too_many_requests(retry_after: u64) -> Error {
    Error::new(StatusCode::TOO_MANY_REQUESTS, "Too Many Attempts.").retry_after(retry_after)
}

/// A 405, for the routes' other methods.
pub async fn method_not_allowed() -> Error {
    Error::new(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed.")
}
