//! OFAuth's side of the sandbox: the API behind header `apikey`
//! (`GET /v2/account/whoami`, `POST /v2/link/init`) and the hosted Link pages
//! at `/link/{id}`, the same login as the OnlyFansAPI flow.
//!
//! A Link page runs embedded (`?embed=true&embed_origin=<origin>&theme=…`:
//! it posts `{type: "OFAUTH_LINK", event, metadata}` to exactly
//! `embed_origin`, which must be one of the client app's allowed origins, and
//! may be framed only by those) or by redirect (it sends the user back to the
//! session's `redirectUrl` with `status=success&connection_id=…`,
//! `status=cancelled&step=…` or `status=error&error_code=…`, and
//! `client_reference_id`).
//!
//! Errors are JSON `{"code": "…", "message": "…"}` (and `field` for a bad one).

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth_limit::AuthFailed;
use crate::config::Environment;
use crate::connections::User;
use crate::expiring::Expiring;
use crate::hosted::{
    asset, escape, login_forms, page_headers, LoginForm, TwoFactorForm, GONE_AND_FOOTER,
};
use crate::store::{random_alphanumeric, Attempt, Gone, REMEMBER};
use crate::Shared;

pub fn routes() -> Router<Shared> {
    let api = Router::new()
        .route("/v2/account/whoami", get(whoami).fallback(not_allowed))
        .route("/v2/link/init", post(init).fallback(not_allowed))
        .layer(DefaultBodyLimit::max(crate::api::MAX_BODY));
    let flow = Router::new()
        .route("/link/{id}", get(page).fallback(not_allowed))
        .route("/link/{id}/login", post(login).fallback(not_allowed))
        .route("/link/{id}/2fa", post(two_factor).fallback(not_allowed))
        .route(
            "/assets/link.js",
            get(|| {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("assets/link.js"),
                )
            }),
        )
        .layer(DefaultBodyLimit::max(crate::hosted::MAX_FLOW_BODY));
    api.merge(flow)
}

/// An OFAuth-style error: a stable code, a message, and the field at fault.
pub(crate) struct LinkError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<&'static str>,
    retry_after: Option<u64>,
}

impl LinkError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`.
    pub(crate) fn rate_limited(retry_after: u64, message: &str) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RATE_LIMIT_EXCEEDED",
                message,
            )
        }
    }

    pub(crate) fn field(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: Some(field),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "VALIDATION_ERROR",
                message,
            )
        }
    }
}

impl IntoResponse for LinkError {
    fn into_response(self) -> Response {
        let mut body = json!({ "code": self.code, "message": self.message });
        if let Some(f) = self.field {
            body["field"] = json!(f);
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.code == UNAUTHORIZED {
            response.extensions_mut().insert(AuthFailed);
        }
        response
    }
}

async fn not_allowed() -> LinkError {
    LinkError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "METHOD_NOT_ALLOWED",
        "Method not allowed.",
    )
}

/// A Link session: an OnlyFansAPI-style session in the store, plus what
/// `/v2/link/init` was given.
#[derive(Clone)]
struct Link {
    token: String,
    app: usize,
    redirect_url: Option<String>,
    client_reference_id: Option<String>,
    connection_id: Option<String>,
    environment: Environment,
}

/// The Link sessions, by id (`lnk_…`), forgotten with their store sessions.
pub struct Links(Expiring<Link>);

impl Links {
    pub fn new(config: &crate::Config) -> Self {
        Self(Expiring::new(config.token_ttl + REMEMBER))
    }

    fn get(&self, id: &str) -> Option<Link> {
        self.0.with(Instant::now(), id, |l| l.clone())
    }
}

/// The environment of the request's `apikey`.
pub(crate) fn authorize(state: &Shared, headers: &HeaderMap) -> Result<Environment, LinkError> {
    match headers.get("apikey").map(|v| v.to_str().ok()) {
        Some(presented) => presented
            .and_then(|p| state.config.find_ofauth_key(p))
            .ok_or_else(|| {
                LinkError::new(
                    StatusCode::UNAUTHORIZED,
                    UNAUTHORIZED,
                    "The API key is not valid.",
                )
            }),
        None => Err(LinkError::new(
            StatusCode::UNAUTHORIZED,
            UNAUTHORIZED,
            "Send your API key in the `apikey` header.",
        )),
    }
}

/// The code of a missing or wrong `apikey` (counted by `auth_limit`).
const UNAUTHORIZED: &str = "UNAUTHORIZED";

async fn whoami(State(state): State<Shared>, headers: HeaderMap) -> Result<Json<Value>, LinkError> {
    let environment = authorize(&state, &headers)?;
    Ok(Json(json!({
        "id": "org_sandbox",
        "name": "Sandbox organisation",
        "environment": environment.as_str(),
        "clientApps": state.config.client_apps.iter().map(|a| a.id.clone()).collect::<Vec<_>>(),
    })))
}

async fn init(
    State(state): State<Shared>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, LinkError> {
    let environment = authorize(&state, &headers)?;
    let body = body.map_err(|e| {
        LinkError::new(
            e.status(),
            "INVALID_REQUEST",
            "The request body is too large or could not be read.",
        )
    })?;
    if !crate::json::is_json(&headers) {
        return Err(LinkError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "INVALID_REQUEST",
            "Send JSON with `Content-Type: application/json`.",
        ));
    }
    let body: Value = serde_json::from_slice(&body).map_err(|_| {
        LinkError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "The request body is not valid JSON.",
        )
    })?;
    if !body.is_object() {
        return Err(LinkError::new(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "The request body must be a JSON object.",
        ));
    }
    let text = |field: &'static str, max: usize| -> Result<Option<String>, LinkError> {
        match &body[field] {
            Value::Null => Ok(None),
            Value::String(s) if !s.is_empty() && s.len() <= max => Ok(Some(s.clone())),
            _ => Err(LinkError::field(
                field,
                format!("`{field}` must be a non-empty string of at most {max} characters."),
            )),
        }
    };
    let app_id = text("clientAppId", 100)?
        .ok_or_else(|| LinkError::field("clientAppId", "`clientAppId` is required."))?;
    let app = state
        .config
        .client_apps
        .iter()
        .position(|a| a.id == app_id)
        .ok_or_else(|| LinkError::field("clientAppId", "No client app has that `clientAppId`."))?;
    let redirect_url = text("redirectUrl", 2048)?;
    if let Some(url) = &redirect_url {
        if !state.config.client_apps[app].redirect_uris.contains(url) {
            return Err(LinkError::field(
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
        return Err(LinkError::field(
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
            return Err(LinkError::field(
                "geolocation",
                "`geolocation` must be an object such as {\"country\": \"US\"}.",
            ))
        }
    }
    let token = state.store.create(0, "OFAuth Link");
    let id = format!("lnk_{}", random_alphanumeric(24));
    state.links.0.insert(
        Instant::now(),
        &id,
        Link {
            token,
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
    let expires = SystemTime::now() + state.config.token_ttl;
    let expires_ms = expires
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as u64;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "mode": "hosted",
            "url": format!("http://{host}/link/{id}"),
            "expiresAt": rfc3339(expires_ms / 1000),
        })),
    )
        .into_response())
}

#[derive(Deserialize)]
struct PageQuery {
    embed: Option<String>,
    embed_origin: Option<String>,
    theme: Option<String>,
}

async fn page(
    State(state): State<Shared>,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let link = state.links.get(&id);
    let app = link.as_ref().map(|l| &state.config.client_apps[l.app]);
    let embed = q.embed.as_deref() == Some("true");
    // Where messages go: only an allowed origin, exactly.
    let target = q
        .embed_origin
        .filter(|o| app.is_some_and(|a| a.allowed_origins.contains(o)));
    let problem = match (&link, embed, &target) {
        (None, _, _) => Some(Gone::Unknown.message().to_owned()),
        (Some(_), true, None) => Some("This Link page may only be embedded by an origin the client app allows (`embed_origin`).".to_owned()),
        (Some(l), false, _) if l.redirect_url.is_none() => Some("This Link session has no `redirectUrl`: open it embedded.".to_owned()),
        _ => None,
    };
    let gone = link
        .as_ref()
        .and_then(|l| state.store.check(&l.token).err())
        .map(|(g, _)| g);
    let theme = if q.theme.as_deref() == Some("dark") {
        "dark"
    } else {
        "light"
    };
    let frame_ancestors = match (embed, app) {
        (true, Some(a)) if !a.allowed_origins.is_empty() => a.allowed_origins.join(" "),
        _ => "'none'".to_owned(),
    };
    let mut attrs = vec![("theme", theme.to_owned())];
    if let Some(t) = &target {
        attrs.push(("target", t.clone()));
    }
    if let Some(l) = &link {
        if !embed {
            attrs.extend(l.redirect_url.clone().map(|u| ("redirect", u)));
        }
        attrs.extend(
            l.client_reference_id
                .clone()
                .map(|c| ("client-reference", c)),
        );
    }
    if let Some(p) = &problem {
        attrs.push(("problem", p.clone()));
    } else if let Some(g) = gone {
        attrs.push(("gone", g.message().to_owned()));
        attrs.push(("gone-code", g.code().to_owned()));
    }
    let html = render(&attrs);
    let status = if problem.is_some() {
        StatusCode::NOT_FOUND
    } else if gone.is_some() {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    let mut response = (status, Html(html)).into_response();
    page_headers(&mut response, &frame_ancestors);
    response
}

fn render(attrs: &[(&str, String)]) -> String {
    let data: String = attrs
        .iter()
        .map(|(k, v)| format!(r#" data-{k}="{}""#, escape(v)))
        .collect();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OFAuth Link · Sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/flow.css">
<script src="/assets/link.js" defer></script>
</head>
<body{data}>
<main>
  <header>
    <span class="badge">Sandbox</span>
    <h1>Connect with OFAuth</h1>
  </header>
  <section id="pre-login">
    <p>An app wants to connect your OnlyFans account. You will log in on the next screen.</p>
    <button type="button" id="start">Continue</button>
  </section>
{forms}
  <section id="success" hidden>
    <h2>Connected</h2>
    <p>Your account <strong id="username"></strong> is connected.</p>
    <button type="button" id="done">Done</button>
  </section>
  <p><button type="button" id="cancel" class="secondary">Cancel</button></p>
{GONE_AND_FOOTER}
</main>
</body>
</html>
"#,
        forms = login_forms(true),
    )
}

async fn login(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, crate::json::ApiError> {
    let form: LoginForm = crate::hosted::parse_json(&headers, &body)?;
    let link = state.links.get(&id);
    let attempt = match &link {
        Some(l) => state.store.login(&l.token, &form.email, &form.password),
        None => Attempt::Gone(Gone::Unknown),
    };
    Ok(answer(&state, link, attempt))
}

async fn two_factor(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, crate::json::ApiError> {
    let form: TwoFactorForm = crate::hosted::parse_json(&headers, &body)?;
    let link = state.links.get(&id);
    let attempt = match &link {
        Some(l) => state.store.two_factor(&l.token, &form.code),
        None => Attempt::Gone(Gone::Unknown),
    };
    Ok(answer(&state, link, attempt))
}

/// Like the OnlyFansAPI flow's answers, with the connection in OFAuth's
/// shape: stored (a new `conn_…`, or the session's `connectionId` renewed
/// when it reconnects) and announced by webhook.
fn answer(state: &Shared, link: Option<Link>, attempt: Attempt) -> Json<Value> {
    Json(match (attempt, link) {
        (Attempt::Connected(account), Some(link)) => {
            let profile = &account["onlyfansData"];
            let text = |v: &Value| {
                v.as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| v.to_string())
            };
            let user = User {
                id: text(&profile["id"]),
                name: text(&profile["name"]),
                username: text(&profile["username"]),
                avatar: profile["avatar_url"].as_str().map(str::to_owned),
            };
            let app = &state.config.client_apps[link.app].id;
            match state.connections.connect(
                link.environment,
                link.connection_id.as_deref(),
                app,
                link.client_reference_id.as_deref(),
                &user,
            ) {
                Ok((connection, new)) => {
                    let event = if new {
                        "connection.created"
                    } else {
                        "connection.updated"
                    };
                    state.webhooks.send(event, &connection);
                    json!({ "status": "connected", "connection": {
                        "id": connection["id"], "userData": connection["userData"],
                    }})
                }
                Err(_) => {
                    json!({ "status": "gone", "message": "The sandbox's database failed; try again.", "code": "internal_error" })
                }
            }
        }
        (Attempt::TwoFactorRequired, _) => json!({ "status": "two_factor_required" }),
        (Attempt::Wrong, _) => {
            json!({ "status": "wrong_credentials", "message": "Wrong email or password" })
        }
        // (Without a Link session, the store answers `Gone::Unknown`.)
        (Attempt::Gone(g), _) => gone(g),
        (Attempt::Connected(_), None) => gone(Gone::Unknown),
    })
}

fn gone(g: Gone) -> Value {
    json!({ "status": "gone", "message": g.message(), "code": g.code() })
}

/// `2026-11-22T03:04:05Z` for Unix seconds.
pub(crate) fn rfc3339(secs: u64) -> String {
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_795_316_645), "2026-11-22T03:04:05Z");
    }
}
