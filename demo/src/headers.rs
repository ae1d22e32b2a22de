//! The response headers the demo adds to everything it serves, and the
//! Content Security Policy of `/strict.html`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// Middleware: `/strict.html` is served with the README's policy ("Content
/// Security Policy"), `provider_origin` as the provider: the widget needs
/// nothing more.
pub async fn strict_page(
    State(provider_origin): State<String>,
    request: Request,
    next: Next,
) -> Response {
    let strict = request.uri().path() == "/strict.html";
    let mut response = next.run(request).await;
    if strict {
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; frame-src {provider_origin}; \
             require-trusted-types-for 'script'"
        );
        if let Ok(v) = HeaderValue::from_str(&csp) {
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    response
}

/// Response mapper: no MIME sniffing, no full URLs in `Referer` to other
/// origins, and revalidation before a cached copy is used.
pub async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
