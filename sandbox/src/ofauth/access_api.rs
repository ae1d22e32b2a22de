//! OFAuth's access API, with header `x-connection-id`: `GET /v2/access/self`
//! and `GET /v2/access/subscribers?limit=&offset=` (synthetic, stable data).
//! An expired or disconnected connection answers `SESSION_EXPIRED`; more
//! than `access_rate_limit` requests per `access_rate_window` (a minute),
//! `RATE_LIMIT_EXCEEDED` (429, `Retry-After`).

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::error::Error;
use crate::common::timestamp::Timestamp;
use crate::ofauth::api_key::authorize;
use crate::ofauth::connections_api::pagination;
use crate::ofauth::errors::{connection_not_found, rate_limited, storage_error};
use crate::ofauth::models::{Connection, Status};
use crate::ofauth::state::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2/access/self", get(access_self))
        .route("/v2/access/subscribers", get(subscribers))
}

/// The connection named by `x-connection-id`, if it may be used now.
fn accessible(state: &Shared, headers: &HeaderMap) -> Result<Connection, Error> {
    let env = authorize(&state.config, headers)?;
    let id = headers
        .get("x-connection-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Error::coded(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "Send the connection id in the `x-connection-id` header.",
            )
        })?;
    let connection = state
        .connections
        .find(env, id)
        .map_err(storage_error)?
        .ok_or_else(connection_not_found)?;
    if connection.status != Status::Active {
        return Err(Error::coded(
            StatusCode::UNAUTHORIZED,
            "SESSION_EXPIRED",
            "The connection's OnlyFans session has expired or was disconnected; re-authenticate through Link with its connectionId.",
        ));
    }
    state.access_windows.admit(id).map_err(|secs| {
        rate_limited(
            secs,
            "Too many requests for this connection; retry after the Retry-After seconds.",
        )
    })?;
    Ok(connection)
}

async fn access_self(State(state): State<Shared>, headers: HeaderMap) -> Response {
    match accessible(&state, &headers) {
        Ok(c) => {
            let user = &c.user_data;
            Json(json!({
                "id": user.id,
                "username": user.username,
                "name": user.name,
                "avatar": user.avatar,
                "subscribersCount": subscriber_count(&c.id),
                "isVerified": true,
            }))
            .into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn subscribers(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (limit, offset) = match pagination(&q) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let connection = match accessible(&state, &headers) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let seed = fnv(&connection.id);
    let total = subscriber_count(&connection.id);
    let end = (offset + limit).min(total);
    let data: Vec<Value> = (offset..end)
        .map(|i| {
            let n = fnv(&format!("{seed}:{i}"));
            json!({
                "id": format!("u{}", 100_000 + n % 900_000),
                "username": format!("fan_{:06}", n % 1_000_000),
                "subscribedAt": Timestamp::from_unix(1_767_225_600 + (n % 25_000_000)),
                "renewsAutomatically": !n.is_multiple_of(3),
            })
        })
        .collect();
    Json(json!({
        "data": data,
        "pagination": { "limit": limit, "offset": offset, "total": total, "hasMore": end < total },
    }))
    .into_response()
}

/// A stable subscriber count per connection (20 to 219).
fn subscriber_count(id: &str) -> i64 {
    20 + (fnv(id) % 200) as i64
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
