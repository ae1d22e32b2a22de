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
use serde::Deserialize;
use serde_json::{json, Value};

use crate::json::{method_not_allowed, ApiError};
use crate::store::{Attempt, Gone};
use crate::Shared;

/// The largest request body the flow's endpoints accept (both providers').
pub const MAX_FLOW_BODY: usize = 4 * 1024;

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
            get(|| {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("assets/flow.js"),
                )
            }),
        )
        .route(
            "/assets/flow.css",
            get(|| asset("text/css; charset=utf-8", include_str!("assets/flow.css"))),
        )
        .layer(axum::extract::DefaultBodyLimit::max(MAX_FLOW_BODY))
}

pub(crate) async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

async fn page(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let (allowed, display_name, gone) = match state.store.check(&token) {
        Ok((key, name)) => (
            state.config.api_keys[key].allowed_origins.clone(),
            Some(name),
            None,
        ),
        Err((g, Some(key))) => (
            state.config.api_keys[key].allowed_origins.clone(),
            None,
            Some(g),
        ),
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

/// The headers of both providers' hosted pages: a CSP that allows only the
/// page's own files and the given `frame-ancestors`, no caching, no referrer.
pub(crate) fn page_headers(response: &mut Response, frame_ancestors: &str) {
    let csp = format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; \
         form-action 'none'; base-uri 'none'; frame-ancestors {frame_ancestors}"
    );
    let h = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
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

/// The login and 2FA forms of both providers' pages (the login form hidden
/// when a step comes before it).
pub(crate) fn login_forms(login_hidden: bool) -> String {
    let hidden = if login_hidden { " hidden" } else { "" };
    format!(
        r#"  <form id="login" novalidate{hidden}>
    <label>Email <input name="email" type="email" autocomplete="username" required></label>
    <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
    <p class="error" role="alert" hidden></p>
    <button type="submit">Log in</button>
  </form>
  <form id="two-factor" novalidate hidden>
    <p>Enter the 6-digit code from your authenticator app.</p>
    <label>Code <input name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="6" required></label>
    <p class="error" role="alert" hidden></p>
    <button type="submit">Verify</button>
  </form>"#
    )
}

/// The error screen and the accounts footer of both providers' pages.
pub(crate) const GONE_AND_FOOTER: &str = r#"  <section id="gone" role="alert" hidden>
    <h2>This link can't be used</h2>
    <p id="gone-message"></p>
  </section>
  <footer>Sandbox accounts: <code>creator@sandbox.test</code> / <code>sandbox</code>;
    <code>2fa@sandbox.test</code> / <code>sandbox</code>, code <code>123456</code>.</footer>"#;

/// Escapes text for HTML element content and double-quoted attributes.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    pub email: String,
    pub password: String,
}

#[derive(Deserialize)]
pub(crate) struct TwoFactorForm {
    pub code: String,
}

async fn login(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let form: LoginForm = parse_json(&headers, &body)?;
    answer(
        state.store.login(&token, &form.email, &form.password),
        "Wrong email or password",
    )
}

async fn two_factor(
    State(state): State<Shared>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let form: TwoFactorForm = parse_json(&headers, &body)?;
    answer(state.store.two_factor(&token, &form.code), "Wrong code")
}

pub(crate) fn parse_json<T: for<'de> Deserialize<'de>>(
    headers: &HeaderMap,
    body: &Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            return Err(ApiError::new(
                e.status(),
                "The request body is too large or could not be read.",
            ))
        }
    };
    if !crate::json::is_json(headers) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Send JSON with `Content-Type: application/json`.",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let message = e.to_string();
        let field = ["email", "password", "code"]
            .into_iter()
            .find(|f| message.contains(&format!("`{f}`")));
        match field {
            Some(f) => ApiError::invalid_field(
                f,
                format!("The {f} field is required and must be a string."),
            ),
            None => ApiError::new(
                StatusCode::BAD_REQUEST,
                format!("The request body is not valid: {message}."),
            ),
        }
    })
}

/// Every outcome of a well-formed attempt is a 200 with a `status`, so that
/// a wrong password does not show up as a failed request in the browser
/// console of an integrator's test. Malformed requests get 4xx.
fn answer(attempt: Attempt, wrong: &str) -> Result<Json<Value>, ApiError> {
    Ok(Json(match attempt {
        Attempt::Connected(result) => json!({ "status": "connected", "result": result }),
        Attempt::TwoFactorRequired => json!({ "status": "two_factor_required" }),
        Attempt::Wrong => json!({ "status": "wrong_credentials", "message": wrong }),
        Attempt::Gone(g) => json!({ "status": "gone", "message": g.message(), "code": g.code() }),
    }))
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
