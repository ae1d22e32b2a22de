//! Errors the widget reports to the host page as `{code, message}`.

use serde::Serialize;

/// An error reported through `onError`. The `code` is stable and documented;
/// its [`message`](Self::message) says what to fix and never contains a token.
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
    /// The session source did not answer in time.
    #[error("the session request did not complete within {} s", Seconds(*.0))]
    SessionTimeout(std::time::Duration),
    /// The session request failed (network, HTTP status, or `getSession` rejected).
    #[error("the session request failed: {message}")]
    SessionFetchFailed {
        /// What failed.
        message: String,
        /// Whether trying again later may work.
        retryable: bool,
    },
    /// The session endpoint is rate limited beyond what the widget waits for.
    #[error("the session endpoint is rate limited{}", .retry_after.map(|s| format!("; try again in {s} s")).unwrap_or_default())]
    RateLimited {
        /// Seconds until a retry may work, if the endpoint said.
        retry_after: Option<u64>,
    },
    /// The session source answered something that is not a session.
    #[error("the session answer is not usable: {0}; expected {{\"token\": \"ofapi_cs_…\", \"expiresAt\": \"<RFC 3339>\"}}")]
    InvalidSessionResponse(String),
    /// The browser blocked the popup.
    #[error("the browser blocked the popup; call open() directly from a click handler, or set fallback: \"iframe\"")]
    PopupBlocked,
    /// The popup's link to this page was cut, most likely by Cross-Origin-Opener-Policy.
    #[error("the connect popup was cut off from this page before it answered, most likely by a Cross-Origin-Opener-Policy on the provider page; the provider must serve it with `Cross-Origin-Opener-Policy: unsafe-none` (or use mode: \"iframe\")")]
    PopupSevered,
    /// (OFAuth) The Link page ended the flow with an error.
    #[error("the provider's Link page ended with an error: {message} ({error_type})")]
    ProviderError {
        /// The provider's error type.
        error_type: String,
        /// The provider's message.
        message: String,
    },
}

/// A duration in seconds, as `1.5` for 1,500 ms (to the millisecond): without
/// `f64`'s `Display`, whose code is large in the wasm.
struct Seconds(std::time::Duration);

impl std::fmt::Display for Seconds {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        let ms = self.0.as_millis() as u64;
        write!(f, "{}", ms / 1000)?;
        match ms % 1000 {
            0 => Ok(()),
            // 1,050 ms: "1050" less its "1" and trailing zeros, "05".
            frac => write!(
                f,
                ".{}",
                (1000 + frac).to_string()[1..].trim_end_matches('0')
            ),
        }
    }
}

/// Declares [`WidgetError::code`] and [`WidgetError::CODES`] from one list:
/// the match is exhaustive, so a variant without a code does not compile,
/// and a code cannot be returned without being listed.
macro_rules! codes {
    ($($variant:ident => $code:literal,)*) => {
        impl WidgetError {
            /// Every code, in the order of the variants: TypeScript's
            /// `ErrorCode` less the JavaScript face's own `load_failed`
            /// (`tests/contract.rs` checks them against each other).
            pub const CODES: &[&str] = &[$($code),*];

            /// The stable error code.
            pub fn code(&self) -> &'static str {
                match self {
                    $(Self::$variant { .. } => $code,)*
                }
            }
        }
    };
}

codes! {
    InvalidToken => "invalid_token",
    InvalidOptions => "invalid_options",
    AuthFailed => "auth_failed",
    SessionUsed => "session_used",
    Unsupported => "unsupported_browser",
    SessionTimeout => "session_timeout",
    SessionFetchFailed => "session_fetch_failed",
    RateLimited => "rate_limited",
    InvalidSessionResponse => "invalid_session_response",
    PopupBlocked => "popup_blocked",
    PopupSevered => "popup_severed",
    ProviderError => "provider_error",
}

impl WidgetError {
    /// What the host is told: the error's text with every client session
    /// token cut to its prefix and every URL to its origin, since some of it
    /// comes from outside (the provider's page, the host's `getSession`) and
    /// may quote the token or the Link URL, whose path is the secret.
    pub fn message(&self) -> String {
        redact(&self.to_string())
    }

    /// Whether trying again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::SessionFetchFailed { retryable, .. } => *retryable,
            Self::SessionTimeout(_) | Self::RateLimited { .. } => true,
            _ => false,
        }
    }
}

impl Serialize for WidgetError {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("WidgetError", 4)?;
        s.serialize_field("code", self.code())?;
        s.serialize_field("message", &self.message())?;
        s.serialize_field("retryable", &self.is_retryable())?;
        if let Self::RateLimited {
            retry_after: Some(secs),
        } = self
        {
            s.serialize_field("retryAfter", secs)?;
        }
        s.end()
    }
}

/// `text` with every `ofapi_cs_` token (in any case) cut to its prefix,
/// then every URL (also JSON-escaped, `:\/\/`) cut to its host: the token
/// pass comes first and covers the whole text, hosts included.
fn redact(text: &str) -> String {
    urls(&tokens(text))
}

/// Copies `text`, cutting after each match of `at` (which returns the
/// length it keeps) what `cut` then returns the length of (`…` in its place).
fn cut_after(
    text: &str,
    at: impl Fn(&str) -> Option<usize>,
    cut: impl Fn(&str) -> usize,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let Some(kept) = at(rest) else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        out.push_str(&rest[..kept]);
        rest = &rest[kept..];
        let secret = cut(rest);
        if secret > 0 {
            out.push('…');
            rest = &rest[secret..];
        }
    }
    out
}

fn tokens(text: &str) -> String {
    const TOKEN: &str = "ofapi_cs_";
    cut_after(
        text,
        |rest| {
            let prefix = rest.get(..TOKEN.len())?;
            prefix.eq_ignore_ascii_case(TOKEN).then_some(TOKEN.len())
        },
        |rest| {
            rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len())
        },
    )
}

fn urls(text: &str) -> String {
    cut_after(
        text,
        |rest| {
            let sep = ["://", ":\\/\\/"]
                .into_iter()
                .find(|s| rest.starts_with(s))?;
            let after = &rest[sep.len()..];
            let host = after
                .find(|c: char| c.is_whitespace() || "/?#@\\\"'<>`".contains(c))
                .unwrap_or(after.len());
            Some(sep.len() + host)
        },
        // A path, query, fragment or user info: up to the next whitespace.
        |rest| match rest.starts_with(['/', '?', '#', '@', '\\']) {
            true => rest.find(char::is_whitespace).unwrap_or(rest.len()),
            false => 0,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn messages_never_contain_a_token_or_a_urls_path() {
        let token = "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX";
        for (error, message) in [
            (
                WidgetError::AuthFailed(format!("no session {token}, sorry")),
                "no session ofapi_cs_…, sorry",
            ),
            (
                WidgetError::SessionFetchFailed {
                    message: format!("{token}{token} at https://link.ofauth.test/s/secret?x=1 and http://h:1#f"),
                    retryable: false,
                },
                "the session request failed: ofapi_cs_… at https://link.ofauth.test… and http://h:1…",
            ),
            (
                WidgetError::ProviderError {
                    error_type: "x".into(),
                    message: "at https://link.ofauth.test".into(),
                },
                "the provider's Link page ended with an error: at https://link.ofauth.test (x)",
            ),
        ] {
            assert_eq!(error.message(), message);
            let json = serde_json::to_value(&error).unwrap();
            assert_eq!(json["message"], message);
        }
        // A token is found anywhere, hosts included, in any case; escaped URLs too.
        for (text, redacted) in [
            (
                format!("{{\"origin\":\"https://app.example\",\"token\":\"{token}\"}}"),
                "{\"origin\":\"https://app.example\",\"token\":\"ofapi_cs_…\"}",
            ),
            (format!("https://h,{token}"), "https://h,ofapi_cs_…"),
            (format!("https://{token}@h/x"), "https://ofapi_cs_……"),
            ("https://user:pw@h/x".into(), "https://user:pw…"),
            (token.to_uppercase(), "OFAPI_CS_…"),
            (
                r#"{"url":"https:\/\/link.ofauth.com\/s\/lnk_7f3a"}"#.into(),
                r#"{"url":"https:\/\/link.ofauth.com…"#,
            ),
        ] {
            assert_eq!(redact(&text), redacted);
        }
        // The widget's own texts are kept whole.
        let shape = WidgetError::InvalidSessionResponse("no `token`".into());
        assert_eq!(shape.message(), shape.to_string());
        assert!(shape.message().contains("\"ofapi_cs_…\""));
        assert_eq!(redact("ofapi_cs_ é ://"), "ofapi_cs_ é ://");
    }

    #[test]
    fn timeouts_read_in_seconds() {
        for (ms, s) in [
            (10_000, "10"),
            (1_500, "1.5"),
            (1_050, "1.05"),
            (1, "0.001"),
            (120_000, "120"),
        ] {
            assert_eq!(
                WidgetError::SessionTimeout(Duration::from_millis(ms)).to_string(),
                format!("the session request did not complete within {s} s")
            );
        }
    }
}
