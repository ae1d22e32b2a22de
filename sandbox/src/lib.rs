//! # ofconnect-sandbox
//!
//! A local server that emulates the OnlyFansAPI provider closely enough that
//! the ofconnect widget, and any other client, cannot tell the difference:
//!
//! - `POST /api/client-sessions`: mints `ofapi_cs_…` client session tokens
//!   (bearer API key, body validation, rate limits), as in the provider's OpenAPI;
//! - `GET /embed-auth/{token}`: the hosted connect flow (login, optional 2FA,
//!   success screen), which reports to its embedder with `postMessage`.
//!
//! Run with: `cargo run -p ofconnect-sandbox -- --help`
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let config = ofconnect_sandbox::Config::default();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, ofconnect_sandbox::app(config)).await
//! # }
//! ```
#![deny(missing_docs)]

mod api;
mod config;
mod hosted;
mod json;
mod store;

use std::sync::Arc;

use axum::Router;

pub use config::{ApiKey, Config, DEFAULT_API_KEY};
pub use store::SANDBOX_ACCOUNTS;

/// Everything the handlers share.
struct AppState {
    config: Config,
    store: store::Store,
}

type Shared = Arc<AppState>;

/// The sandbox's routes, ready to serve.
pub fn app(config: Config) -> Router {
    let state = Arc::new(AppState {
        store: store::Store::new(&config),
        config,
    });
    Router::new()
        .merge(api::routes())
        .merge(hosted::routes())
        .fallback(json::not_found)
        .with_state(state)
}
