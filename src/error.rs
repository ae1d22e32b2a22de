//! Errors the widget reports to the host page as `{code, message}`.

use serde::Serialize;

/// An error reported through `onError`. The `code` is stable and documented;
/// the message says what to fix and never contains a token.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WidgetError {
    /// The client session token is missing or malformed.
    #[error("{0}")]
    InvalidToken(String),
    /// An option has the wrong type or value.
    #[error("{0}")]
    InvalidOptions(String),
    /// The provider reported a failed login attempt; the user may try again.
    #[error("{0}")]
    AuthFailed(String),
    /// The token was already used to connect an account; a new session is needed.
    #[error(
        "this client session was already used to connect an account; create a new session token"
    )]
    SessionUsed,
    /// The browser could not show the flow.
    #[error("the connect flow could not be shown in this browser: {0}")]
    Unsupported(String),
}

impl WidgetError {
    /// The stable error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidToken(_) => "invalid_token",
            Self::InvalidOptions(_) => "invalid_options",
            Self::AuthFailed(_) => "auth_failed",
            Self::SessionUsed => "session_used",
            Self::Unsupported(_) => "unsupported_browser",
        }
    }
}

impl Serialize for WidgetError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("WidgetError", 2)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.to_string())?;
        s.end()
    }
}
