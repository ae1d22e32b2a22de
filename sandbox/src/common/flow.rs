//! The JSON endpoints behind both providers' hosted pages (their scripts
//! post the login and 2FA forms and read the answer): the forms, their
//! errors, and the answers of steps that did not connect.
//!
//! Every outcome of a well-formed attempt is a 200 with a `status`, so that
//! a wrong password does not show up as a failed request in the browser
//! console of an integrator's test. Malformed requests get 4xx.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::common::error::Error;
use crate::common::login::{Attempt, SandboxAccount};
use crate::common::request::is_json;

/// The largest request body the flows' endpoints accept.
pub const MAX_FLOW_BODY: usize = 4 * 1024;

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    /// The e-mail typed.
    pub email: String,
    /// The password typed.
    pub password: String,
}

/// The 2FA form.
#[derive(Deserialize)]
pub struct TwoFactorForm {
    /// The code typed.
    pub code: String,
}

/// A form from a JSON body; a bad one is an error naming the field.
pub fn read_form<T: for<'de> Deserialize<'de>>(
    headers: &HeaderMap,
    body: &Result<Bytes, BytesRejection>,
) -> Result<T, Error> {
    let body = match body {
        Ok(b) => b,
        Err(e) => {
            return Err(Error::new(
                e.status(),
                "The request body is too large or could not be read.",
            ))
        }
    };
    if !is_json(headers) {
        return Err(Error::new(
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
            Some(f) => Error::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("The {f} field is required and must be a string."),
            )
            .on_field(f),
            None => Error::new(
                StatusCode::BAD_REQUEST,
                format!("The request body is not valid: {message}."),
            ),
        }
    })
}

/// The answer to an attempt: `connected` makes the provider's own answer;
/// a wrong password or code answers `wrong`.
pub fn answer<T>(
    attempt: Attempt<T>,
    wrong: &str,
    connected: impl FnOnce(&'static SandboxAccount, T) -> Value,
) -> Value {
    match attempt {
        Attempt::Connected(account, session) => connected(account, session),
        Attempt::TwoFactorRequired => json!({ "status": "two_factor_required" }),
        Attempt::Wrong => json!({ "status": "wrong_credentials", "message": wrong }),
        Attempt::Gone(g) => gone(g.message(), g.code()),
    }
}

/// The answer when the session cannot go on (as `Gone`'s messages and codes).
pub fn gone(message: &str, code: &str) -> Value {
    json!({ "status": "gone", "message": message, "code": code })
}
