//! The OFAuth provider:
//!
//! - its API behind header `apikey` ([`api_key`]): `GET /v2/account/whoami`
//!   and `POST /v2/link/init` ([`link_api`]);
//! - the hosted Link pages at `/link/{id}`, with the same login as the
//!   OnlyFansAPI flow ([`link_pages`]);
//! - connections in SQLite ([`connections`], [`connections_api`]), the
//!   access API they open ([`access_api`]), and signed webhooks about them
//!   ([`webhooks`]).
//!
//! Errors are JSON `{"code": "…", "message": "…"}`, and `field` for a bad
//! one ([`errors`]).

mod access_api;
mod api_key;
mod connections;
mod connections_api;
mod errors;
mod link_api;
mod link_pages;
mod models;
mod state;
mod webhooks;

use std::sync::Arc;

use axum::Router;

use crate::common::error::Error;
use crate::config::Config;

pub use webhooks::sign as sign_webhook;

/// The prefix of the API's paths, whose failed authentications are limited.
pub const API_PREFIX: &str = "/v2/";

/// OFAuth's routes, with their state: fails when the connections database
/// cannot be opened. Starts the webhook worker (inside a Tokio runtime).
pub fn routes(config: Arc<Config>) -> Result<Router, String> {
    let state = Arc::new(state::Provider::open(config)?);
    Ok(Router::new()
        .merge(link_api::routes())
        .merge(link_pages::routes())
        .merge(connections_api::routes())
        .merge(access_api::routes())
        .with_state(state))
}

/// The answer to an address with too many failed authentications.
pub fn too_many_failed_authentications(retry_after: u64) -> Error {
    errors::rate_limited(
        retry_after,
        "Too many failed authentications from this address; retry after the Retry-After seconds.",
    )
}
