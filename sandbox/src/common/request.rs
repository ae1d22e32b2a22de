//! Reading requests.

use axum::http::{header, HeaderMap};

/// The largest request body both APIs accept.
pub const MAX_API_BODY: usize = 16 * 1024;

/// Whether the request says its body is JSON (`application/json`, any parameters).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}
