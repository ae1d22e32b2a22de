//! The OnlyFansAPI provider:
//!
//! - `POST /api/client-sessions` mints `ofapi_cs_…` client session tokens
//!   (bearer API key, body validation, rate limits), as in the provider's
//!   OpenAPI ([`client_sessions`]);
//! - `GET /embed-auth/{token}` is the hosted connect flow (login, optional
//!   2FA, success screen), which reports to its embedder with `postMessage`
//!   ([`hosted`]).
//!
//! Errors are JSON in Laravel's shape ([`errors`]).

mod client_sessions;
mod errors;
mod hosted;
mod rates;
mod sessions;
mod state;

use std::sync::Arc;

use axum::Router;

use crate::common::error::Error;
use crate::config::Config;

/// The prefix of the API's paths, whose failed authentications are limited.
pub const API_PREFIX: &str = "/api/";

/// OnlyFansAPI's routes, with their state.
pub fn routes(config: Arc<Config>) -> Router {
    Router::new()
        .merge(client_sessions::routes())
        .merge(hosted::routes())
        .with_state(Arc::new(state::Provider::new(config)))
}

/// The answer to an address with too many failed authentications.
pub fn too_many_failed_authentications(retry_after: u64) -> Error {
    errors::too_many_requests(retry_after)
}
