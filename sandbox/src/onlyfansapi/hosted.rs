//! The hosted connect flow at `/embed-auth/{token}`: the page the widget frames
//! (or opens as a popup), and the JSON endpoints the page's script calls.
//!
//! The page reports to its embedder (`window.parent`, or `window.opener` in a
//! popup) with `postMessage`, always naming an exact allowed origin as target.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

use crate::common::error::Error;
use crate::common::flow::{answer, read_form, LoginForm, TwoFactorForm, MAX_FLOW_BODY};
use crate::common::login::{Attempt, Gone};
use crate::common::page::{asset, escape, login_forms, page_headers, GONE_AND_FOOTER};
use crate::onlyfansapi::errors::method_not_allowed;
use crate::onlyfansapi::sessions::{AuthSuccess, ClientSession};
use crate::onlyfansapi::state::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/embed-auth/{token}",
            get(page).fallback(method_not_allowed),
        )
        .route(
            "/embed-auth/{token}/login",
            post(login).fallback(method_not_allowed),
        )
        .route(
            "/embed-auth/{token}/2fa",
            post(two_factor).fallback(method_not_allowed),
        )
        .route(
            "/assets/flow.js",
            get(|| asset("text/javascript; charset=utf-8", include_str!("flow.js"))),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FLOW_BODY))
}

async fn page(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let origins = |s: &ClientSession| state.config.api_keys[s.key].allowed_origins.clone();
    let (allowed, display_name, gone) = match state.sessions.check(&token) {
        Ok(s) => (origins(&s), Some(s.display_name), None),
        Err((g, Some(s))) => (origins(&s), None, Some(g)),
        Err((g, None)) => (state.config.all_origins(), None, Some(g)),
    };
    // Post to the embedder's origin when the browser told us which it is and
    // it is allowed; otherwise to each allowed origin (the browser delivers a
    // message only where the target origin matches the recipient exactly).
    let referrer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(origin_of);
    let targets: Vec<String> = match referrer {
        Some(r) if allowed.contains(&r) => vec![r],
        _ => allowed.clone(),
    };
    let frame_ancestors = if allowed.is_empty() {
        "'none'".to_owned()
    } else {
        allowed.join(" ")
    };
    let html = render(
        &serde_json::to_string(&targets).unwrap_or_else(|_| "[]".into()),
        display_name.as_deref(),
        gone,
    );
    let mut response = (
        if gone.is_some() {
            StatusCode::GONE
        } else {
            StatusCode::OK
        },
        Html(html),
    )
        .into_response();
    if gone == Some(Gone::Unknown) {
        *response.status_mut() = StatusCode::NOT_FOUND;
    }
    page_headers(&mut response, &frame_ancestors);
    let h = response.headers_mut();
    let coop = state.config.cross_origin_opener_policy.as_deref();
    if let Some(v) = coop.and_then(|v| HeaderValue::from_str(v).ok()) {
        h.insert("cross-origin-opener-policy", v);
    }
    response
}

/// `scheme://host[:port]` of an absolute URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty() && !authority.contains('@')).then(|| format!("{scheme}://{authority}"))
}

fn render(targets_json: &str, display_name: Option<&str>, gone: Option<Gone>) -> String {
    let for_whom = display_name
        .map(|n| format!(r#"<p class="sub">for <strong>{}</strong></p>"#, escape(n)))
        .unwrap_or_default();
    let gone_attr = gone
        .map(|g| {
            format!(
                r#" data-gone="{}" data-gone-code="{}""#,
                escape(g.message()),
                g.code()
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connect your OnlyFans account · Sandbox</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/flow.css">
<script src="/assets/flow.js" defer></script>
</head>
<body data-target-origins="{targets}"{gone_attr}>
<main>
  <header>
    <span class="badge">Sandbox</span>
    <h1>Connect your OnlyFans account</h1>
    {for_whom}
  </header>
{forms}
  <section id="success" hidden>
    <h2>Connected</h2>
    <p>Your account <strong id="username"></strong> is connected.</p>
    <button type="button" id="continue">Continue</button>
  </section>
{GONE_AND_FOOTER}
</main>
</body>
</html>
"#,
        targets = escape(targets_json),
        forms = login_forms(false),
    )
}

async fn login(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, Error> {
    let form: LoginForm = read_form(&headers, &body)?;
    Ok(reply(
        state.sessions.login(&token, &form.email, &form.password),
        "Wrong email or password",
    ))
}

async fn two_factor(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, Error> {
    let form: TwoFactorForm = read_form(&headers, &body)?;
    Ok(reply(
        state.sessions.two_factor(&token, &form.code),
        "Wrong code",
    ))
}

/// The answer to an attempt: when connected, the `onlyfansapi.auth.success` payload.
fn reply(attempt: Attempt<ClientSession>, wrong: &str) -> Json<Value> {
    Json(answer(
        attempt,
        wrong,
        |account, _| json!({ "status": "connected", "result": AuthSuccess::new(account) }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_taken_from_referrers() {
        assert_eq!(
            origin_of("http://localhost:8080/"),
            Some("http://localhost:8080".into())
        );
        assert_eq!(
            origin_of("https://crm.example/contacts/42?x#y"),
            Some("https://crm.example".into())
        );
        assert_eq!(origin_of("https://user@crm.example/"), None);
        assert_eq!(origin_of("about:blank"), None);
    }

    #[test]
    fn page_text_is_escaped() {
        let html = render(
            r#"["http://a"]"#,
            Some(r#"<script>alert("x")</script>"#),
            None,
        );
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
        assert!(html.contains(r#"data-target-origins="[&quot;http://a&quot;]""#));
        assert!(!html.contains("<script>alert"));
    }
}
