//! OFAuth's hosted Link pages at `/link/{id}`, and the JSON endpoints
//! their script calls: the same login as the OnlyFansAPI flow, and a
//! connection when it succeeds.
//!
//! A Link page runs embedded (`?embed=true&embed_origin=<origin>&theme=…`:
//! it posts `{type: "OFAUTH_LINK", event, metadata}` to exactly
//! `embed_origin`, which must be one of the client app's allowed origins, and
//! may be framed only by those) or by redirect (it sends the user back to the
//! session's `redirectUrl` with `status=success&connection_id=…`,
//! `status=cancelled&step=…` or `status=error&error_code=…`, and
//! `client_reference_id`).

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::common::error::Error;
use crate::common::flow::{self, answer, read_form, LoginForm, TwoFactorForm, MAX_FLOW_BODY};
use crate::common::login::{Attempt, Gone, SandboxAccount};
use crate::common::page::{asset, escape, login_forms, page_headers, GONE_AND_FOOTER};
use crate::ofauth::errors::method_not_allowed;
use crate::ofauth::models::{Link, User};
use crate::ofauth::state::Shared;
use crate::ofauth::webhooks::Change;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/link/{id}", get(page).fallback(method_not_allowed))
        .route("/link/{id}/login", post(login).fallback(method_not_allowed))
        .route(
            "/link/{id}/2fa",
            post(two_factor).fallback(method_not_allowed),
        )
        .route(
            "/assets/link.js",
            get(|| asset("text/javascript; charset=utf-8", include_str!("link.js"))),
        )
        .layer(DefaultBodyLimit::max(MAX_FLOW_BODY))
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
    let (link, gone) = match state.links.check(&id) {
        Ok(link) => (Some(link), None),
        Err((g, link)) => {
            let gone = link.is_some().then_some(g);
            (link, gone)
        }
    };
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
) -> Result<Json<Value>, Error> {
    let form: LoginForm = read_form(&headers, &body)?;
    Ok(reply(
        &state,
        state.links.login(&id, &form.email, &form.password),
    ))
}

async fn two_factor(
    State(state): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, Error> {
    let form: TwoFactorForm = read_form(&headers, &body)?;
    Ok(reply(&state, state.links.two_factor(&id, &form.code)))
}

/// Like the OnlyFansAPI flow's answers, with the connection in OFAuth's shape.
fn reply(state: &Shared, attempt: Attempt<Link>) -> Json<Value> {
    Json(answer(
        attempt,
        "Wrong email or password",
        |account, link| connected(state, account, &link),
    ))
}

/// The connection of a login: stored (a new `conn_…`, or the session's
/// `connectionId` renewed when it reconnects) and announced by webhook.
fn connected(state: &Shared, account: &SandboxAccount, link: &Link) -> Value {
    let app = &state.config.client_apps[link.app].id;
    let stored = state.connections.connect(
        link.environment,
        link.connection_id.as_deref(),
        app,
        link.client_reference_id.as_deref(),
        &User::of(account),
    );
    match stored {
        Ok((connection, new)) => {
            let change = if new {
                Change::Created
            } else {
                Change::Updated
            };
            state.webhooks.send(change, &connection);
            json!({ "status": "connected", "connection": {
                "id": connection.id, "userData": connection.user_data,
            }})
        }
        Err(_) => flow::gone(
            "The sandbox's database failed; try again.",
            "internal_error",
        ),
    }
}
