//! OFAuth's account and Link API: `GET /v2/account/whoami`, and
//! `POST /v2/link/init`, which starts a Link session and answers its page's URL.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::clock::unix_time;
use crate::common::error::Error;
use crate::common::random::random_alphanumeric;
use crate::common::request::{is_json, MAX_API_BODY};
use crate::common::timestamp::Timestamp;
use crate::ofauth::api_key::authorize;
use crate::ofauth::errors::{invalid, method_not_allowed};
use crate::ofauth::models::Link;
use crate::ofauth::state::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/v2/account/whoami",
            get(whoami).fallback(method_not_allowed),
        )
        .route("/v2/link/init", post(init).fallback(method_not_allowed))
        .layer(DefaultBodyLimit::max(MAX_API_BODY))
}

async fn whoami(State(state): State<Shared>, headers: HeaderMap) -> Result<Json<Value>, Error> {
    let environment = authorize(&state.config, &headers)?;
    Ok(Json(json!({
        "id": "org_sandbox",
        "name": "Sandbox organisation",
        "environment": environment.as_str(),
        "clientApps": state.config.client_apps.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
    })))
}

fn invalid_request(status: StatusCode, message: &str) -> Error {
    Error::coded(status, "INVALID_REQUEST", message)
}

async fn init(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Error> {
    let environment = authorize(&state.config, &headers)?;
    let body = body.map_err(|e| {
        invalid_request(
            e.status(),
            "The request body is too large or could not be read.",
        )
    })?;
    if !is_json(&headers) {
        return Err(invalid_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send JSON with `Content-Type: application/json`.",
        ));
    }
    let body: Value = serde_json::from_slice(&body).map_err(|_| {
        invalid_request(
            StatusCode::BAD_REQUEST,
            "The request body is not valid JSON.",
        )
    })?;
    if !body.is_object() {
        return Err(invalid_request(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object.",
        ));
    }
    let text = |field: &'static str, max: usize| -> Result<Option<String>, Error> {
        match &body[field] {
            Value::Null => Ok(None),
            Value::String(s) if !s.is_empty() && s.len() <= max => Ok(Some(s.clone())),
            _ => Err(invalid(
                field,
                format!("`{field}` must be a non-empty string of at most {max} characters."),
            )),
        }
    };
    let app_id = text("clientAppId", 100)?
        .ok_or_else(|| invalid("clientAppId", "`clientAppId` is required."))?;
    let app = state
        .config
        .client_apps
        .iter()
        .position(|a| a.id == app_id)
        .ok_or_else(|| invalid("clientAppId", "No client app has that `clientAppId`."))?;
    let redirect_url = text("redirectUrl", 2048)?;
    if let Some(url) = &redirect_url {
        if !state.config.client_apps[app].redirect_uris.contains(url) {
            return Err(invalid(
                "redirectUrl",
                "`redirectUrl` is not one of the client app's registered redirect URIs.",
            ));
        }
    }
    let client_reference_id = text("clientReferenceId", 255)?;
    let connection_id = text("connectionId", 100)?;
    if connection_id
        .as_deref()
        .is_some_and(|c| !c.starts_with("conn_"))
    {
        return Err(invalid(
            "connectionId",
            "`connectionId` must be a connection id (`conn_…`).",
        ));
    }
    match &body["geolocation"] {
        Value::Null => {}
        Value::Object(g)
            if g.get("country")
                .is_none_or(|c| c.as_str().is_some_and(|c| c.len() == 2)) => {}
        _ => {
            return Err(invalid(
                "geolocation",
                "`geolocation` must be an object such as {\"country\": \"US\"}.",
            ))
        }
    }
    let id = format!("lnk_{}", random_alphanumeric(24));
    state.links.insert(
        &id,
        Link {
            app,
            redirect_url,
            client_reference_id,
            connection_id,
            environment,
        },
    );
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let expires = unix_time().saturating_add(state.config.token_ttl);
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "mode": "hosted",
            "url": format!("http://{host}/link/{id}"),
            "expiresAt": Timestamp::from_unix(expires.as_secs()),
        })),
    )
        .into_response())
}
