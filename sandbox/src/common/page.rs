//! What both providers' hosted pages share: their headers, the login and
//! 2FA forms, the error screen and footer, the stylesheet, and escaping.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// The hosted pages' stylesheet.
pub const STYLESHEET: &str = include_str!("flow.css");

/// A static file of the hosted pages, revalidated on each use.
pub async fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        body,
    )
        .into_response()
}

/// The headers of the hosted pages: a CSP that allows only the page's own
/// files and the given `frame-ancestors`, no caching, no referrer.
pub fn page_headers(response: &mut Response, frame_ancestors: &str) {
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

/// The login and 2FA forms (the login form hidden when a step comes before it).
pub fn login_forms(login_hidden: bool) -> String {
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

/// The error screen and the sandbox accounts footer.
pub const GONE_AND_FOOTER: &str = r#"  <section id="gone" role="alert" hidden>
    <h2>This link can't be used</h2>
    <p id="gone-message"></p>
  </section>
  <footer>Sandbox accounts: <code>creator@sandbox.test</code> / <code>sandbox</code>;
    <code>2fa@sandbox.test</code> / <code>sandbox</code>, code <code>123456</code>.</footer>"#;

/// Escapes text for HTML element content and double-quoted attributes.
pub fn escape(s: &str) -> String {
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
