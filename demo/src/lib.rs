//! # ofconnect-demo
//!
//! The demo CRM's backend, as a real integration would have it: it serves the
//! demo page (built by Trunk into `dist/`) and the script-tag build at
//! `/ofconnect.js`, and mints client session tokens from the provider with
//! its API key at `POST /api/session`, answering `{token, expiresAt}`. The
//! API key never reaches the browser.
//!
//! Where to look, by purpose:
//!
//! | module | what |
//! |---|---|
//! | `config` | [`DemoConfig`], [`Exposure`] and the sandbox's well-known secrets |
//! | `session` | minting client sessions for the widget (`POST /api/session`, `GET /api/config`) |
//! | `ofauth` | the OFAuth integration the pages call: Link sessions, status, events |
//! | `webhooks`, `webhook_signature` | OFAuth's webhooks, and verifying their signatures |
//! | `access`, `retry` | the access API client, and the one retry policy it follows |
//! | `store` | the CRM's records in SQLite |
//! | `guard` | what is checked before any handler runs: the `Host` allowlist, CSRF, no well-known secrets when exposed |
//! | `headers`, `error`, `clock`, `state` | response headers, the error answer, time formats, the handlers' shared state |
//! | `faults` | faults tests inject (`--faults` only) |
//!
//! Run with: `make demo` (or `cargo run -p ofconnect-demo -- --help`)
#![deny(missing_docs)]

use std::sync::Arc;

use axum::middleware::{from_fn_with_state, map_response};
use axum::routing::get;
use axum::Router;
use tower_http::services::ServeDir;

mod access;
mod clock;
mod config;
mod error;
mod faults;
mod guard;
mod headers;
mod ofauth;
mod retry;
mod session;
mod state;
mod store;
mod webhook_signature;
mod webhooks;

pub use config::{
    DemoConfig, Exposure, SANDBOX_API_KEY, SANDBOX_OFAUTH_KEY, SANDBOX_WEBHOOK_SECRET,
};

/// The demo's routes, served on loopback only; fails when the database
/// cannot be opened.
pub fn app(config: DemoConfig) -> Result<Router, String> {
    app_exposed(config, Exposure::default())
}

/// The demo's routes, reachable as `exposure` says; fails when the database
/// cannot be opened, a public origin is not an origin, or the demo would be
/// reachable beyond this machine with the sandbox's well-known secrets.
pub fn app_exposed(config: DemoConfig, exposure: Exposure) -> Result<Router, String> {
    build(config, exposure, retry::tokio_sleep())
}

/// [`app_exposed`], waiting with `sleep` between the access API's attempts.
fn build(config: DemoConfig, exposure: Exposure, sleep: retry::Sleep) -> Result<Router, String> {
    let site = Arc::new(guard::Site::new(&config, &exposure)?);
    let provider_origin = config.provider_origin().to_owned();
    let dist = ServeDir::new(&config.dist_dir);
    let with_faults = config.faults;
    let demo = Arc::new(state::AppState::new(config, site.clone(), sleep)?);
    let mut pages_api = session::routes().merge(ofauth::routes());
    if with_faults {
        pages_api = pages_api.route("/api/session/count", get(faults::session_count));
    }
    Ok(pages_api
        // The pages' API answers only the CRM's own pages; the webhook is
        // called by the provider's server and authenticated by its signature.
        .route_layer(from_fn_with_state(site.clone(), guard::check_csrf))
        .merge(webhooks::routes())
        .fallback_service(dist)
        .layer(from_fn_with_state(provider_origin, headers::strict_page))
        .layer(from_fn_with_state(site, guard::check_host))
        .layer(map_response(headers::security_headers))
        .with_state(demo))
}

#[cfg(test)]
mod tests;
