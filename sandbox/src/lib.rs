//! # ofconnect-sandbox
//!
//! A local server that emulates the OnlyFansAPI provider closely enough that
//! the ofconnect widget, and any other client, cannot tell the difference:
//!
//! - `POST /api/client-sessions`: mints `ofapi_cs_…` client session tokens
//!   (bearer API key, body validation, rate limits), as in the provider's OpenAPI;
//! - `GET /embed-auth/{token}`: the hosted connect flow (login, optional 2FA,
//!   success screen), which reports to its embedder with `postMessage`;
//! - OFAuth: `GET /v2/account/whoami` and `POST /v2/link/init` (header
//!   `apikey`), and the hosted Link pages at `/link/{id}`, embedded
//!   (`OFAUTH_LINK` messages to the exact `embed_origin`) or by redirect.
//!
//! Run with: `cargo run -p ofconnect-sandbox -- --help`
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let config = ofconnect_sandbox::Config::default();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, ofconnect_sandbox::app(config).expect("database")).await
//! # }
//! ```
//!
//! The code is one folder per provider, `onlyfansapi/` and `ofauth/`, on a
//! shared base, `common/`, that knows neither. The providers use `common/`
//! and `config`, never each other; this file puts their routes together.
#![deny(missing_docs)]

mod common;
mod config;
mod ofauth;
mod onlyfansapi;

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use common::auth_limit::FailureLimiter;
use common::error::Error;

pub use common::clock::Clock as WebhookClock;
pub use common::login::SANDBOX_ACCOUNTS;
pub use config::{
    ApiKey, ClientApp, Config, Environment, OfAuthKey, DEFAULT_API_KEY, DEFAULT_CLIENT_APP,
    DEFAULT_OFAUTH_KEY, DEFAULT_WEBHOOK_SECRET,
};
pub use ofauth::sign_webhook;

/// What the app-wide checks need: the configuration, and each API's
/// failed authentications.
struct Guard {
    config: Arc<Config>,
    onlyfansapi: FailureLimiter,
    ofauth: FailureLimiter,
}

/// The sandbox's routes, ready to serve (inside a Tokio runtime: webhooks
/// are delivered from a task). Fails when an allowed origin is not exactly
/// `scheme://host[:port]`, or when the connections database cannot be opened.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so that
/// failed authentications are limited per client address (otherwise all
/// clients share one count).
pub fn app(config: Config) -> Result<Router, String> {
    config.validate()?;
    let config = Arc::new(config);
    let limiter = || FailureLimiter::new(config.auth_failure_limit, config.auth_failure_window);
    let guard = Arc::new(Guard {
        onlyfansapi: limiter(),
        ofauth: limiter(),
        config: config.clone(),
    });
    Ok(Router::new()
        .merge(onlyfansapi::routes(config.clone()))
        .merge(ofauth::routes(config)?)
        .route("/assets/flow.css", get(stylesheet))
        .fallback(not_found)
        .layer(from_fn_with_state(guard.clone(), limit_auth_failures))
        .layer(from_fn_with_state(guard, check_host)))
}

/// The stylesheet of both providers' hosted pages.
async fn stylesheet() -> Response {
    common::page::asset("text/css; charset=utf-8", common::page::STYLESHEET).await
}

async fn not_found() -> Error {
    Error::new(StatusCode::NOT_FOUND, "Not found.")
}

/// Applies each provider's failure limiter to its API, answering 429 in its shape.
async fn limit_auth_failures(
    State(guard): State<Arc<Guard>>,
    request: Request,
    next: Next,
) -> Response {
    use common::auth_limit::check;
    let path = request.uri().path();
    if path.starts_with(onlyfansapi::API_PREFIX) {
        let too_many = |secs| onlyfansapi::too_many_failed_authentications(secs).into_response();
        check(&guard.onlyfansapi, too_many, request, next).await
    } else if path.starts_with(ofauth::API_PREFIX) {
        let too_many = |secs| ofauth::too_many_failed_authentications(secs).into_response();
        check(&guard.ofauth, too_many, request, next).await
    } else {
        next.run(request).await
    }
}

/// Refuses requests whose `Host` is not this sandbox's: a page on an
/// attacker's domain that rebinds its DNS to 127.0.0.1 still sends its own name.
async fn check_host(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let host = host.or_else(|| request.uri().authority().map(|a| a.as_str()));
    match host {
        Some(h) if guard.config.accepts_host(h) => next.run(request).await,
        _ => Error::new(
            StatusCode::MISDIRECTED_REQUEST,
            "This sandbox does not answer for that host name.",
        )
        .into_response(),
    }
}
