//! `POST /api/client-sessions`, as in the provider's OpenAPI description:
//! the API key, the body's validation, the rate limits and the answer.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Map, Value};

use crate::common::error::Error;
use crate::common::request::{is_json, MAX_API_BODY};
use crate::onlyfansapi::errors::{invalid_field, method_not_allowed, too_many_requests};
use crate::onlyfansapi::state::Shared;

const MAX_TEXT: usize = 255;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/client-sessions",
            post(create_client_session).fallback(method_not_allowed),
        )
        .layer(DefaultBodyLimit::max(MAX_API_BODY))
}

async fn create_client_session(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<Value>, Error> {
    let key = state
        .config
        .find_key(bearer(&headers)?)
        .ok_or_else(|| Error::new(StatusCode::UNAUTHORIZED, "Unauthenticated.").bad_key())?;
    let rate = state
        .rates
        .count(key, &state.config)
        .map_err(too_many_requests)?;

    if !is_json(&headers) {
        return Err(Error::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "The request body must be JSON, sent with `Content-Type: application/json`.",
        ));
    }
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Error::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("The request body is larger than {MAX_API_BODY} bytes."),
        ),
        status => Error::new(status, "The request body could not be read."),
    })?;
    let value: Value = serde_json::from_slice(&body).map_err(|e| {
        Error::new(
            StatusCode::BAD_REQUEST,
            format!("The request body is not valid JSON: {e}."),
        )
    })?;
    let Value::Object(fields) = value else {
        return Err(Error::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The request body must be a JSON object.",
        ));
    };
    let request = validate(&fields)?;

    let token = state.sessions.create(key, &request.display_name);
    Ok(Json(json!({
        "data": {
            "token": token,
            "display_name": request.display_name,
            "client_reference_id": request.client_reference_id,
        },
        "_meta": {
            "_credits": { "used": 0, "balance": state.config.credit_balance, "note": "Always" },
            "_cache": { "is_cached": false, "note": "Cache disabled for this endpoint" },
            "_rate_limits": {
                "limit_minute": rate.limit_minute,
                "limit_day": rate.limit_day,
                "remaining_minute": rate.remaining_minute,
                "remaining_day": rate.remaining_day,
            },
        },
    })))
}

/// The key of the one `Authorization` header, which must be exactly
/// `Bearer <key>`: the scheme in any case, one space, then a key of visible
/// characters without commas (one credential) and nothing after it. The
/// errors name the header and never echo what was sent.
fn bearer(headers: &HeaderMap) -> Result<&str, Error> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let value =
        match (values.next(), values.next()) {
            (None, _) => return Err(Error::new(
                StatusCode::UNAUTHORIZED,
                "Unauthenticated. Send your API key in the `Authorization` header: `Bearer <key>`.",
            )
            .bad_key()),
            (Some(v), None) => v.as_bytes(),
            (Some(_), Some(_)) => &[],
        };
    let key = value
        .split_at_checked(7)
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(b"bearer "))
        .map(|(_, key)| key)
        .filter(|key| !key.is_empty() && key.iter().all(|&b| b.is_ascii_graphic() && b != b','));
    // Only ASCII was accepted, so the key is valid UTF-8.
    key.and_then(|k| std::str::from_utf8(k).ok()).ok_or_else(|| {
        Error::new(
            StatusCode::UNAUTHORIZED,
            "Unauthenticated. The `Authorization` header must be exactly `Bearer <key>`, once: one space, one key, nothing else.",
        )
        .bad_key()
    })
}

struct CreateRequest {
    display_name: String,
    client_reference_id: Option<String>,
}

fn validate(fields: &Map<String, Value>) -> Result<CreateRequest, Error> {
    let display_name = match fields.get("display_name") {
        None | Some(Value::Null) => {
            return Err(invalid_field(
                "display_name",
                "The display name field is required.",
            ))
        }
        Some(Value::String(s)) if s.trim().is_empty() => {
            return Err(invalid_field(
                "display_name",
                "The display name field is required.",
            ))
        }
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(_) => {
            return Err(invalid_field(
                "display_name",
                "The display name field must be a string.",
            ))
        }
    };
    if display_name.chars().count() > MAX_TEXT {
        return Err(invalid_field(
            "display_name",
            format!("The display name field must not be greater than {MAX_TEXT} characters."),
        ));
    }
    let client_reference_id = match fields.get("client_reference_id") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.chars().count() > MAX_TEXT => {
            return Err(invalid_field(
                "client_reference_id",
                format!(
                    "The client reference id field must not be greater than {MAX_TEXT} characters."
                ),
            ))
        }
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(invalid_field(
                "client_reference_id",
                "The client reference id field must be a string.",
            ))
        }
    };
    match fields.get("proxy_country") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "us" || s == "uk" => {}
        Some(_) => {
            return Err(invalid_field(
                "proxy_country",
                "The selected proxy country is invalid (use \"us\", \"uk\" or null).",
            ))
        }
    }
    Ok(CreateRequest {
        display_name,
        client_reference_id,
    })
}
