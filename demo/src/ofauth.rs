//! The CRM pages' OFAuth API, written as an integrator would (copy it):
//!
//! - `POST /api/link-session` creates a Link session for the signed-in user
//!   (`?reconnect=1`: for their stored connection, `?mode=redirect`: to come
//!   back to `/ofauth/return` rather than embedded) and answers `{url, expiresAt}`;
//! - `GET /api/ofauth/status` calls the access API with the stored id (see
//!   `access.rs` for the retries) and says when to reconnect (after
//!   `connection.expired`, or when the API answers `SESSION_EXPIRED`);
//! - `GET /api/ofauth/events` lists the processed webhook events;
//! - `GET /ofauth/return` is where a redirect-mode Link session comes back.
//!
//! The webhooks that keep the stored connection current are in `webhooks.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Html;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::access::AccessError;
use crate::config::DEMO_USER;
use crate::error::ApiError;
use crate::state::AppState;

/// The routes the CRM's pages call.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/link-session", post(link_session))
        .route("/api/ofauth/status", get(status))
        .route("/api/ofauth/events", get(events))
        .route("/ofauth/return", get(back))
}

async fn link_session(
    State(demo): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Json<Value>, ApiError> {
    let mut body = json!({ "clientAppId": demo.config.client_app, "clientReferenceId": DEMO_USER });
    if q.get("reconnect").is_some_and(|v| v == "1") {
        let Some(connection) = demo.store.connection(DEMO_USER)? else {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "no_connection",
                "There is no connection to reconnect.",
            ));
        };
        body["connectionId"] = json!(connection.id);
    }
    if q.get("mode").is_some_and(|v| v == "redirect") {
        let origin = demo.site.return_origin(&headers);
        body["redirectUrl"] = json!(format!("{origin}/ofauth/return"));
    }
    let request = demo
        .http
        .post(demo.config.provider_endpoint("/v2/link/init"))
        .header("apikey", &demo.config.ofauth_key)
        .json(&body);
    let response = request
        .send()
        .await
        .map_err(|_| ApiError::provider_unreachable())?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match (status.is_success(), body["url"].as_str()) {
        (true, Some(url)) => Ok(Json(json!({ "url": url, "expiresAt": body["expiresAt"] }))),
        _ => Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "provider_error",
            format!(
                "Provider answered {}: {}",
                status.as_u16(),
                body["message"].as_str().unwrap_or("no message")
            ),
        )),
    }
}

async fn status(State(demo): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let Some(connection) = demo.store.connection(DEMO_USER)? else {
        return Ok(Json(json!({ "connection": null, "needsReconnect": false })));
    };
    let id = connection.id;
    if connection.status != "active" {
        return Ok(Json(
            json!({ "connection": { "id": id, "status": connection.status }, "needsReconnect": true }),
        ));
    }
    match demo.access.get("/v2/access/self", &id).await {
        Ok(profile) => Ok(Json(json!({
            "connection": { "id": id, "status": "active" },
            "profile": profile,
            "needsReconnect": false,
        }))),
        Err(AccessError::Expired) => {
            demo.store.set_status(&id, "expired")?;
            Ok(Json(
                json!({ "connection": { "id": id, "status": "expired" }, "needsReconnect": true }),
            ))
        }
        Err(AccessError::Failed(why)) => {
            Err(ApiError::new(StatusCode::BAD_GATEWAY, "access_failed", why))
        }
    }
}

async fn events(State(demo): State<Arc<AppState>>) -> Result<Json<Value>, ApiError> {
    let rows: Vec<Value> = demo
        .store
        .events()?
        .into_iter()
        .map(|e| json!({ "id": e.id, "type": e.kind, "connectionId": e.connection }))
        .collect();
    Ok(Json(json!({ "data": rows })))
}

/// Where a redirect-mode Link session sends the user back.
async fn back(Query(q): Query<HashMap<String, String>>) -> Html<String> {
    let text = match q.get("status").map(String::as_str) {
        Some("success") => format!(
            "Connected: {}",
            q.get("connection_id").map_or("", String::as_str)
        ),
        Some("cancelled") => format!("Cancelled at {}", q.get("step").map_or("", String::as_str)),
        Some("error") => format!("Failed: {}", q.get("error_code").map_or("", String::as_str)),
        _ => "Unknown outcome".to_owned(),
    };
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " :_-".contains(*c))
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Back from OFAuth</title>\
         <link rel=\"icon\" href=\"data:,\"></head><body><p id=\"outcome\">{text}</p><p><a href=\"/\">Back to the CRM</a></p></body></html>"
    ))
}
