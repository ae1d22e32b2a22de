//! OFAuth's errors, in its shape: `{"code": "…", "message": "…"}`, and
//! `"field": "…"` for a bad field.

use axum::http::StatusCode;

use crate::common::error::Error;

/// A 422 `VALIDATION_ERROR` naming the field that is wrong.
pub fn invalid(field: &'static str, message: impl Into<String>) -> Error {
    Error::coded(
        StatusCode::UNPROCESSABLE_ENTITY,
        "VALIDATION_ERROR",
        message,
    )
    .on_field(field)
}

/// A 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`.
pub fn rate_limited(retry_after: u64, message: &str) -> Error {
    Error::coded(
        StatusCode::TOO_MANY_REQUESTS,
        "RATE_LIMIT_EXCEEDED",
        message,
    )
    .retry_after(retry_after)
}

/// A 401 `UNAUTHORIZED` for a missing or wrong `apikey` (counted by the
/// failure limiter).
pub fn unauthorized(message: &str) -> Error {
    Error::coded(StatusCode::UNAUTHORIZED, "UNAUTHORIZED", message).bad_key()
}

/// A 500 `INTERNAL_ERROR`: the connections database failed.
pub fn storage_error(_: rusqlite::Error) -> Error {
    Error::coded(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "The sandbox's database failed.",
    )
}

/// A 404 `CONNECTION_NOT_FOUND`.
pub fn connection_not_found() -> Error {
    Error::coded(
        StatusCode::NOT_FOUND,
        "CONNECTION_NOT_FOUND",
        "No connection has that id.",
    )
}

/// A 405, for the routes' other methods.
pub async fn method_not_allowed() -> Error {
    Error::coded(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "Method not allowed.",
    )
}
