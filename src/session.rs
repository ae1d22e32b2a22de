//! Client sessions from the host's backend: validating what `getSession` or
//! the `sessionUrl` endpoint answers, and deciding after each fetch attempt
//! whether to use the answer, retry, or give up.

use std::time::Duration;

use crate::decode;
use crate::error::WidgetError;
use crate::protocol::{within_bounds, ExpiresAt, Inspect, SessionReply};
use crate::provider::Profile;
use crate::retry::{backoff, parse_retry_after, MAX_RETRIES, MAX_RETRY_AFTER};
use crate::timestamp::parse_rfc3339;
use crate::token::ClientSessionToken;

/// A session the widget can open.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The validated token.
    pub token: ClientSessionToken,
    /// When the token expires (Unix ms), if the host said.
    pub expires_at_ms: Option<f64>,
}

impl SessionReply {
    /// Reads what a session source answered, sized up first as a provider
    /// message is ([`within_bounds`]); the error says why it is not a reply.
    pub fn decode<T: Inspect + Clone>(answer: &T) -> Result<Self, String> {
        if !within_bounds(answer) {
            return Err("the answer is too large to be a session".into());
        }
        decode::session_reply(answer)
            .ok_or_else(|| "the answer is neither a token string nor an object with `token`".into())
    }
}

impl Session {
    /// Validates a reply for `profile`'s provider (a token, or an OFAuth Link
    /// URL); a wrong one is an `invalid_session_response` that never echoes it.
    pub fn from_reply(reply: SessionReply, profile: &Profile) -> Result<Self, WidgetError> {
        let invalid = |why: &str| WidgetError::InvalidSessionResponse(why.into());
        let (token, expires_at) = match reply {
            SessionReply::Token(t) => (t, None),
            SessionReply::Object {
                token: Some(t),
                expires_at,
            } => (t, expires_at),
            SessionReply::Object { token: None, .. } => {
                return Err(invalid("the answer has no `token`"))
            }
        };
        let token = profile
            .credential(&token)
            .map_err(|e| invalid(&format!("the answer's {e}")))?;
        let expires_at_ms = match expires_at {
            None => None,
            Some(ExpiresAt::Millis(ms)) if ms.is_finite() && ms > 0.0 => Some(ms),
            Some(ExpiresAt::Text(s)) => Some(parse_rfc3339(&s).ok_or_else(|| {
                invalid("`expiresAt` must be an RFC 3339 date-time such as \"2026-11-22T03:04:05Z\" or Unix milliseconds")
            })?),
            Some(ExpiresAt::Millis(_)) => return Err(invalid("`expiresAt` must be a positive number of Unix milliseconds")),
        };
        Ok(Self {
            token,
            expires_at_ms,
        })
    }

    /// The session as fetched at `now_ms`: one that already reads as expired
    /// means the clocks disagree, so the provider is left to report expiry.
    pub fn fetched_at(self, now_ms: f64) -> Self {
        match self.is_expired(now_ms) {
            true => Self {
                expires_at_ms: None,
                ..self
            },
            false => self,
        }
    }

    /// Whether the session has expired at `now_ms`.
    pub fn is_expired(&self, now_ms: f64) -> bool {
        self.expires_at_ms.is_some_and(|at| at <= now_ms)
    }
}

/// How one attempt to get a session ended.
#[derive(Debug)]
pub enum Attempt {
    /// A usable answer body (already decoded), or why it could not be decoded.
    Reply(Result<SessionReply, String>),
    /// An HTTP status other than 2xx, with its `Retry-After` header.
    Status {
        /// The status code.
        status: u16,
        /// The `Retry-After` value, if any.
        retry_after: Option<String>,
    },
    /// The request failed at the network level, or the host's `getSession` rejected.
    Failed(String),
    /// No answer within the timeout.
    TimedOut(Duration),
}

/// What to do after an attempt.
#[derive(Debug, PartialEq)]
pub enum Next {
    /// Use this session.
    Done(Session),
    /// Try again after this delay.
    RetryIn(Duration),
    /// Give up with this error.
    Fail(WidgetError),
}

/// Decides what follows attempt number `attempt` (0-based). Network errors
/// and 5xx are retried with backoff, 429 after its `Retry-After`, both at
/// most [`MAX_RETRIES`] times; `retryable` is false only for errors a retry
/// cannot fix. `jitter` is a random number in `[0, 1)`.
pub fn next(profile: &Profile, attempt: u32, outcome: Attempt, now_ms: f64, jitter: f64) -> Next {
    let retries_left = attempt < MAX_RETRIES;
    match outcome {
        Attempt::Reply(Ok(reply)) => match Session::from_reply(reply, profile) {
            Ok(s) => Next::Done(s),
            Err(e) => Next::Fail(e),
        },
        Attempt::Reply(Err(why)) => Next::Fail(WidgetError::InvalidSessionResponse(why)),
        Attempt::TimedOut(after) => Next::Fail(WidgetError::SessionTimeout(after)),
        Attempt::Status {
            status: 429,
            retry_after,
        } => {
            let wait = retry_after.and_then(|v| parse_retry_after(&v, now_ms));
            match wait {
                Some(w) if retries_left && w <= MAX_RETRY_AFTER => Next::RetryIn(w),
                None if retries_left => Next::RetryIn(backoff(attempt, jitter)),
                _ => Next::Fail(WidgetError::RateLimited {
                    retry_after: wait.map(|w| w.as_secs()),
                }),
            }
        }
        Attempt::Status { status, .. } if status >= 500 && retries_left => {
            Next::RetryIn(backoff(attempt, jitter))
        }
        Attempt::Failed(_) if retries_left => Next::RetryIn(backoff(attempt, jitter)),
        Attempt::Status { status, .. } => Next::Fail(WidgetError::SessionFetchFailed {
            message: format!("the session endpoint answered HTTP {status}"),
            retryable: status >= 500 || status == 408,
        }),
        Attempt::Failed(why) => Next::Fail(WidgetError::SessionFetchFailed {
            message: why,
            retryable: true,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::json_inspect::Json;

    const TOKEN: &str = "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX";

    fn reply(v: serde_json::Value) -> SessionReply {
        SessionReply::decode(&Json::Value(&v)).unwrap()
    }

    fn from_reply(reply: SessionReply) -> Result<Session, WidgetError> {
        Session::from_reply(reply, &Profile::default())
    }

    #[test]
    fn accepts_a_bare_token_or_an_object() {
        let s = from_reply(reply(serde_json::json!(TOKEN))).unwrap();
        assert_eq!((s.token.expose(), s.expires_at_ms), (TOKEN, None));
        let s = from_reply(reply(
            serde_json::json!({"token": TOKEN, "expiresAt": "2026-11-22T03:04:05Z"}),
        ))
        .unwrap();
        assert_eq!(s.expires_at_ms, Some(1_795_316_645_000.0));
        let s = from_reply(reply(
            serde_json::json!({"token": TOKEN, "expiresAt": 1_795_316_645_000.0}),
        ))
        .unwrap();
        assert!(s.is_expired(1_795_316_645_000.0) && !s.is_expired(1_795_316_644_999.0));
    }

    #[test]
    fn answers_that_are_not_replies_do_not_decode() {
        let decode = |v: serde_json::Value| SessionReply::decode(&Json::Value(&v));
        for v in [
            serde_json::json!(5),
            serde_json::json!(null),
            serde_json::json!({"token": 5}),
            serde_json::json!({"token": TOKEN, "expiresAt": true}),
        ] {
            assert!(decode(v.clone()).is_err(), "{v}");
        }
        let huge = serde_json::json!({"token": TOKEN, "x": "x".repeat(crate::protocol::MAX_TEXT)});
        assert_eq!(
            decode(huge),
            Err("the answer is too large to be a session".into())
        );
    }

    #[test]
    fn ofauth_answers_are_link_urls() {
        let profile = Profile {
            provider: crate::provider::Provider::OfAuth,
            link_origin: crate::origin::LinkOrigin::parse("https://link.ofauth.com").unwrap(),
            ..Profile::default()
        };
        let url = "https://link.ofauth.com/s/lnk_1";
        let answer =
            serde_json::json!({"mode": "hosted", "url": url, "expiresAt": "2026-11-22T03:04:05Z"});
        let s = Session::from_reply(reply(answer), &profile).unwrap();
        assert_eq!(s.token.expose(), url);
        let err = Session::from_reply(reply(serde_json::json!(TOKEN)), &profile).unwrap_err();
        assert_eq!(err.code(), "invalid_session_response");
    }

    #[test]
    fn rejects_bad_answers_without_echoing_the_token() {
        let cases = [
            serde_json::json!({}),
            serde_json::json!({"token": "ofapi_cs_short"}),
            serde_json::json!({"token": TOKEN, "expiresAt": "tomorrow"}),
            serde_json::json!({"token": TOKEN, "expiresAt": -1}),
            serde_json::json!("not-a-token"),
        ];
        for v in cases {
            let err = from_reply(reply(v.clone())).unwrap_err();
            assert_eq!(err.code(), "invalid_session_response", "{v}");
            assert!(!err.to_string().contains("short"), "{err}");
        }
    }

    #[test]
    fn decides_retries() {
        let now = 0.0;
        let status = |status: u16, retry_after: Option<&str>| Attempt::Status {
            status,
            retry_after: retry_after.map(Into::into),
        };
        assert_eq!(
            next(&Profile::default(), 0, status(503, None), now, 0.0),
            Next::RetryIn(backoff(0, 0.0))
        );
        assert_eq!(
            next(
                &Profile::default(),
                2,
                Attempt::Failed("offline".into()),
                now,
                0.5
            ),
            Next::RetryIn(backoff(2, 0.5))
        );
        assert_eq!(
            next(&Profile::default(), 0, status(429, Some("2")), now, 0.0),
            Next::RetryIn(Duration::from_secs(2))
        );
        assert_eq!(
            next(&Profile::default(), 0, status(429, None), now, 0.0),
            Next::RetryIn(backoff(0, 0.0))
        );
        assert_eq!(
            next(&Profile::default(), 0, status(429, Some("3600")), now, 0.0),
            Next::Fail(WidgetError::RateLimited {
                retry_after: Some(3600)
            })
        );
        assert_eq!(
            next(&Profile::default(), 3, status(429, Some("1")), now, 0.0),
            Next::Fail(WidgetError::RateLimited {
                retry_after: Some(1)
            })
        );
        let Next::Fail(e) = next(&Profile::default(), 3, status(500, None), now, 0.0) else {
            panic!()
        };
        assert_eq!((e.code(), e.is_retryable()), ("session_fetch_failed", true));
        let Next::Fail(e) = next(&Profile::default(), 0, status(403, None), now, 0.0) else {
            panic!()
        };
        assert_eq!(
            (e.code(), e.is_retryable()),
            ("session_fetch_failed", false)
        );
        let Next::Fail(e) = next(
            &Profile::default(),
            3,
            Attempt::Failed("offline".into()),
            now,
            0.0,
        ) else {
            panic!()
        };
        assert_eq!(e.code(), "session_fetch_failed");
        let Next::Fail(e) = next(
            &Profile::default(),
            0,
            Attempt::TimedOut(Duration::from_secs(10)),
            now,
            0.0,
        ) else {
            panic!()
        };
        assert_eq!(e.code(), "session_timeout");
        let Next::Fail(e) = next(
            &Profile::default(),
            0,
            Attempt::Reply(Err("not JSON".into())),
            now,
            0.0,
        ) else {
            panic!()
        };
        assert_eq!(e.code(), "invalid_session_response");
        assert!(matches!(
            next(
                &Profile::default(),
                0,
                Attempt::Reply(Ok(SessionReply::Token(TOKEN.into()))),
                now,
                0.0
            ),
            Next::Done(_)
        ));
    }
}
