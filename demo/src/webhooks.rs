//! `POST /webhooks/ofauth`: OFAuth's events about the CRM's connections.
//! Each is verified over the raw body before it is parsed (see
//! `webhook_signature.rs`), processed once by its id, even across a restart,
//! and keeps the user's stored connection id and status current.
//!
//! The provider's server calls this route, so it is not behind the CSRF
//! check: its signature authenticates it.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::clock::unix_now;
use crate::error::ApiError;
use crate::state::AppState;
use crate::store::WebhookEvent;
use crate::webhook_signature::verify;

/// The route the provider's server calls.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new().route("/webhooks/ofauth", post(webhook))
}

async fn webhook(
    State(demo): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let signature = headers
        .get("ofauth-signature")
        .and_then(|v| v.to_str().ok());
    verify(&demo.config.webhook_secret, signature, &body, unix_now()).map_err(|why| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_signature",
            format!("Refused: {why}."),
        )
    })?;
    let event: Value = serde_json::from_slice(&body).map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_event",
            "The event is not JSON.",
        )
    })?;
    let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "bad_event",
            "The event has no `id` or `type`.",
        ));
    };
    let connection = &event["data"]["connection"];
    let fresh = demo.store.process(&WebhookEvent {
        id,
        kind,
        connection: connection["id"].as_str(),
        user: connection["clientReferenceId"].as_str(),
        status: status_after(kind),
    })?;
    Ok(Json(json!({ "received": true, "duplicate": !fresh })))
}

/// The connection's status after an event of type `kind`, when it changes it.
fn status_after(kind: &str) -> Option<&'static str> {
    match kind {
        "connection.created" | "connection.updated" => Some("active"),
        "connection.expired" => Some("expired"),
        "connection.disconnected" => Some("disconnected"),
        _ => None,
    }
}
