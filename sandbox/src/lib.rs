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
#![deny(missing_docs)]

mod api;
mod auth_limit;
mod config;
mod connections;
mod expiring;
mod hosted;
mod json;
mod link;
mod store;
mod webhooks;

use std::sync::Arc;

use axum::Router;

pub use config::{
    ApiKey, ClientApp, Config, Environment, OfAuthKey, DEFAULT_API_KEY, DEFAULT_CLIENT_APP,
    DEFAULT_OFAUTH_KEY, DEFAULT_WEBHOOK_SECRET,
};
pub use store::SANDBOX_ACCOUNTS;
pub use webhooks::{sign as sign_webhook, WebhookClock};

/// Everything the handlers share.
struct AppState {
    config: Config,
    store: store::Store,
    links: link::Links,
    api_auth_failures: auth_limit::FailureLimiter,
    ofauth_auth_failures: auth_limit::FailureLimiter,
    connections: connections::Connections,
    webhooks: webhooks::Webhooks,
}

type Shared = Arc<AppState>;

/// The sandbox's routes, ready to serve (inside a Tokio runtime: webhooks
/// are delivered from a task). Fails when an allowed origin is not exactly
/// `scheme://host[:port]`, or when the connections database cannot be opened.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so that
/// failed authentications are limited per client address (otherwise all
/// clients share one count).
pub fn app(config: Config) -> Result<Router, String> {
    config.validate()?;
    let connections = connections::Connections::open(config.database.as_deref()).map_err(|e| {
        format!(
            "cannot open the connections database {:?}: {e}",
            config.database
        )
    })?;
    let state = Arc::new(AppState {
        store: store::Store::new(&config),
        links: link::Links::new(&config),
        api_auth_failures: auth_limit::FailureLimiter::new(
            config.auth_failure_limit,
            config.auth_failure_window,
        ),
        ofauth_auth_failures: auth_limit::FailureLimiter::new(
            config.auth_failure_limit,
            config.auth_failure_window,
        ),
        connections,
        webhooks: webhooks::Webhooks::start(&config),
        config,
    });
    Ok(Router::new()
        .merge(api::routes())
        .merge(hosted::routes())
        .merge(link::routes())
        .merge(connections::routes())
        .merge(webhooks::routes())
        .fallback(json::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth_limit::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            check_host,
        ))
        .with_state(state))
}

/// Refuses requests whose `Host` is not this sandbox's: a page on an
/// attacker's domain that rebinds its DNS to 127.0.0.1 still sends its own name.
async fn check_host(
    axum::extract::State(state): axum::extract::State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let host = request
        .headers()
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok());
    let host = host.or_else(|| request.uri().authority().map(|a| a.as_str()));
    match host {
        Some(h) if state.config.accepts_host(h) => next.run(request).await,
        _ => json::ApiError::new(
            axum::http::StatusCode::MISDIRECTED_REQUEST,
            "This sandbox does not answer for that host name.",
        )
        .into_response(),
    }
}
