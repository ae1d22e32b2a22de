//! OFAuth's API key: header `apikey`, and the environment it works in.

use axum::http::HeaderMap;

use crate::common::error::Error;
use crate::config::{Config, Environment};
use crate::ofauth::errors::unauthorized;

/// The environment of the request's `apikey`.
pub fn authorize(config: &Config, headers: &HeaderMap) -> Result<Environment, Error> {
    match headers.get("apikey").map(|v| v.to_str().ok()) {
        Some(presented) => presented
            .and_then(|p| config.find_ofauth_key(p))
            .ok_or_else(|| unauthorized("The API key is not valid.")),
        None => Err(unauthorized("Send your API key in the `apikey` header.")),
    }
}
