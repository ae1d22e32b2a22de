//! OFAuth's connections API (header `apikey`):
//!
//! - `GET /v2/connections?limit=&offset=&status=`: the connections, newest first;
//! - `DELETE /v2/connections/{id}`: disconnects (webhook `connection.disconnected`);
//! - `POST /v2/sandbox/connections/{id}/expire`: what the provider does when an
//!   OnlyFans session ends (webhook `connection.expired`), for tests;
//! - `GET /v2/sandbox/webhooks`: the webhook delivery attempts (for
//!   monitoring and tests).

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::error::Error;
use crate::ofauth::api_key::authorize;
use crate::ofauth::errors::{connection_not_found, invalid, storage_error};
use crate::ofauth::models::Status;
use crate::ofauth::state::Shared;
use crate::ofauth::webhooks::Change;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2/connections", get(list))
        .route("/v2/connections/{id}", delete(disconnect))
        .route("/v2/sandbox/connections/{id}/expire", post(expire))
        .route("/v2/sandbox/webhooks", get(deliveries))
}

/// `limit` (1 to 100, default 20) and `offset` (default 0) from the query.
pub fn pagination(q: &HashMap<String, String>) -> Result<(i64, i64), Error> {
    let number = |name: &'static str, default: i64, range: std::ops::RangeInclusive<i64>| match q
        .get(name)
    {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                invalid(
                    name,
                    format!(
                        "`{name}` must be a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    ),
                )
            }),
    };
    Ok((
        number("limit", 20, 1..=100)?,
        number("offset", 0, 0..=i64::from(u32::MAX))?,
    ))
}

async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, Error> {
    let env = authorize(&state.config, &headers)?;
    let (limit, offset) = pagination(&q)?;
    let status = match q.get("status") {
        None => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            invalid(
                "status",
                "`status` must be active, expired or disconnected.",
            )
        })?),
    };
    let page = state
        .connections
        .list(env, status, limit, offset)
        .map_err(storage_error)?;
    let total = page.total;
    Ok(Json(json!({
        "data": page.connections,
        "pagination": { "limit": limit, "offset": offset, "total": total, "hasMore": offset + limit < total },
    })))
}

async fn disconnect(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    change(
        &state,
        &headers,
        &id,
        Status::Disconnected,
        Change::Disconnected,
    )
}

async fn expire(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, Error> {
    change(&state, &headers, &id, Status::Expired, Change::Expired)
}

/// Sets connection `id`'s status, and announces it.
fn change(
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
    status: Status,
    change: Change,
) -> Result<Json<Value>, Error> {
    let env = authorize(&state.config, headers)?;
    let connection = state
        .connections
        .set_status(env, id, status)
        .map_err(storage_error)?
        .ok_or_else(connection_not_found)?;
    state.webhooks.send(change, &connection);
    Ok(Json(json!({ "data": connection })))
}

async fn deliveries(State(state): State<Shared>, headers: HeaderMap) -> Result<Json<Value>, Error> {
    authorize(&state.config, &headers)?;
    Ok(Json(json!({ "data": state.webhooks.deliveries() })))
}
