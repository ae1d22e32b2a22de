//! The providers' `postMessage` protocols, and how an incoming message is screened.
//!
//! OnlyFansAPI's hosted page posts `{type, payload}` objects (this type's
//! serde form): `onlyfansapi.auth.success` with [`AuthSuccess`],
//! `onlyfansapi.auth.failed` with `{message}`, and `onlyfansapi.auth.continue`
//! with no payload. OFAuth's Link page speaks its own protocol, which
//! [`crate::provider`] reads into the same [`ProviderMessage`].

use serde::{Deserialize, Serialize};

use crate::origin::LinkOrigin;

/// The longest string the widget accepts in a provider payload.
pub const MAX_FIELD_LEN: usize = 2048;

/// The `code` of a failure that means the session has expired.
pub const SESSION_EXPIRED: &str = "session_expired";

/// A message from the provider's hosted page.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "type", content = "payload")]
pub enum ProviderMessage {
    /// The account was connected.
    #[serde(rename = "onlyfansapi.auth.success")]
    Success(AuthSuccess),
    /// A login attempt failed (wrong password, expired session, ...). Not terminal.
    #[serde(rename = "onlyfansapi.auth.failed")]
    Failed(AuthFailure),
    /// The user pressed Continue on the provider's success screen.
    #[serde(rename = "onlyfansapi.auth.continue")]
    Continue,
    /// (OFAuth) The Link page is ready.
    #[serde(skip_deserializing)]
    Loaded,
    /// (OFAuth) The account was connected.
    #[serde(skip_deserializing)]
    Connected(LinkSuccess),
    /// (OFAuth) The Link page ended the flow.
    #[serde(skip_deserializing)]
    Exit(LinkExit),
    /// (OFAuth) Information with nothing to act on (`sandbox_info`).
    #[serde(skip_deserializing)]
    Notice,
}

/// What `onSuccess` gets: the connected account, in its provider's shape.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Connection {
    /// OnlyFansAPI's `AuthSuccessData`.
    OnlyFansApi(AuthSuccess),
    /// OFAuth's success metadata.
    OfAuth(LinkSuccess),
}

/// OFAuth's `success` metadata.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkSuccess {
    /// Where the Link page would send the user next, if configured.
    #[serde(default)]
    pub success_url: Option<String>,
    /// Whether the Link page would redirect.
    #[serde(default)]
    pub redirect: bool,
    /// The new (or renewed) connection.
    pub connection: LinkConnection,
}

/// A connection in OFAuth's `success` metadata.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkConnection {
    /// The connection id (`conn_…`): store it, the access API takes it.
    pub id: String,
    /// The connected OnlyFans user.
    pub user_data: LinkUser,
}

/// The OnlyFans user of an OFAuth connection.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct LinkUser {
    /// The OnlyFans user id.
    pub id: OnlyFansUserId,
    /// The display name.
    pub name: String,
    /// The OnlyFans username.
    pub username: String,
    /// The avatar URL, if any.
    #[serde(default)]
    pub avatar: Option<String>,
}

/// OFAuth's `exit` metadata.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct LinkExit {
    /// Why the page ended the flow.
    #[serde(rename = "type")]
    pub kind: LinkExitType,
    /// Where the user was.
    pub step: LinkStep,
    /// The error, for `type: "error"`.
    #[serde(default)]
    pub error: Option<LinkError>,
}

/// Why an OFAuth Link page ended the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkExitType {
    /// The user left.
    UserExit,
    /// The flow failed (see `error`).
    Error,
    /// The page ended it (for example after `exit_requested`).
    ForcedExit,
}

/// The step of the OFAuth Link flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub enum LinkStep {
    /// Before the login form.
    #[serde(rename = "pre-login")]
    PreLogin,
    /// The login form.
    #[serde(rename = "login")]
    Login,
    /// The two-factor code.
    #[serde(rename = "2fa")]
    TwoFactor,
    /// The success screen.
    #[serde(rename = "success")]
    Success,
    /// An error screen.
    #[serde(rename = "error")]
    Error,
}

/// An OFAuth Link error.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct LinkError {
    /// A machine-readable type.
    pub error_type: String,
    /// What went wrong.
    pub error_message: String,
}

/// The connected account, as `@onlyfansapi/auth`'s `AuthSuccessData`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSuccess {
    /// The provider's id for the connected account (`acct_…`).
    pub account_id: String,
    /// The OnlyFans username.
    pub username: String,
    /// The OnlyFans profile.
    pub onlyfans_data: OnlyFansProfile,
}

/// The OnlyFans profile of a connected account (snake_case as the provider sends it).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct OnlyFansProfile {
    /// The OnlyFans user id: a number or a string.
    pub id: OnlyFansUserId,
    /// The OnlyFans username.
    pub username: String,
    /// The account's e-mail address.
    pub email: String,
    /// The avatar URL, if the account has one.
    pub avatar_url: Option<String>,
    /// The display name.
    pub name: String,
}

/// An OnlyFans user id, which the provider sends as a number or a string.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OnlyFansUserId {
    /// A numeric id (always below 2^53, so it survives JavaScript).
    Number(u64),
    /// A string id.
    Text(String),
}

/// The payload of `onlyfansapi.auth.failed`.
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
pub struct AuthFailure {
    /// What went wrong, for the user.
    pub message: String,
    /// A machine-readable reason, when the provider sends one
    /// (`session_expired`, `session_used`, `session_invalid`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl AuthFailure {
    /// Whether the provider says the session has expired.
    pub fn is_session_expired(&self) -> bool {
        self.code.as_deref() == Some(SESSION_EXPIRED)
    }
}

/// Why an incoming message was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// `event.origin` is not the configured link origin.
    OriginMismatch,
    /// `event.source` is not the window the widget opened (or is null).
    SourceMismatch,
    /// The data is not a valid provider message.
    Malformed,
}

/// Where a message came from, as far as the DOM layer can tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The host page's own window: the widget's own host events, never provider messages.
    HostWindow,
    /// The very window (frame or popup) the widget opened.
    FlowWindow,
    /// Any other window, a closed one, or none at all.
    Other,
}

/// Decides whether a message is accepted. Origin and source are checked
/// before the data is decoded; `decode` runs only for a trusted sender.
///
/// `Ok(None)` means "not for us, ignore silently" (the host page's own messages).
pub fn screen(
    expected: &LinkOrigin,
    origin: &str,
    source: Source,
    decode: impl FnOnce() -> Option<ProviderMessage>,
) -> Result<Option<ProviderMessage>, Rejection> {
    if source == Source::HostWindow {
        return Ok(None);
    }
    if !expected.matches(origin) {
        return Err(Rejection::OriginMismatch);
    }
    if source != Source::FlowWindow {
        return Err(Rejection::SourceMismatch);
    }
    match decode() {
        Some(message) if message.is_within_limits() => Ok(Some(message)),
        _ => Err(Rejection::Malformed),
    }
}

impl ProviderMessage {
    fn is_within_limits(&self) -> bool {
        let ok = |s: &str| s.len() <= MAX_FIELD_LEN;
        match self {
            Self::Success(s) => {
                let p = &s.onlyfans_data;
                let id_ok = match &p.id {
                    OnlyFansUserId::Number(n) => *n < (1 << 53),
                    OnlyFansUserId::Text(t) => ok(t),
                };
                id_ok
                    && [&s.account_id, &s.username, &p.username, &p.email, &p.name]
                        .into_iter()
                        .all(|f| ok(f))
                    && p.avatar_url.as_deref().is_none_or(ok)
            }
            Self::Failed(f) => ok(&f.message) && f.code.as_deref().is_none_or(ok),
            Self::Connected(s) => {
                let (c, u) = (&s.connection, &s.connection.user_data);
                let id_ok = match &u.id {
                    OnlyFansUserId::Number(n) => *n < (1 << 53),
                    OnlyFansUserId::Text(t) => ok(t),
                };
                id_ok
                    && [&c.id, &u.name, &u.username].into_iter().all(|f| ok(f))
                    && u.avatar.as_deref().is_none_or(ok)
                    && s.success_url.as_deref().is_none_or(ok)
            }
            Self::Exit(e) => e
                .error
                .as_ref()
                .is_none_or(|e| ok(&e.error_type) && ok(&e.error_message)),
            Self::Continue | Self::Loaded | Self::Notice => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn decode(v: Value) -> Option<ProviderMessage> {
        serde_json::from_value(v).ok()
    }

    fn success_json() -> Value {
        json!({"type": "onlyfansapi.auth.success", "payload": {
            "accountId": "acct_123", "username": "stella",
            "onlyfansData": {"id": 42, "username": "stella", "email": "s@x.test",
                             "avatar_url": null, "name": "Stella"}}})
    }

    #[test]
    fn decodes_the_three_message_types() {
        let ProviderMessage::Success(s) = decode(success_json()).unwrap() else {
            panic!()
        };
        assert_eq!(s.account_id, "acct_123");
        assert_eq!(s.onlyfans_data.id, OnlyFansUserId::Number(42));
        assert_eq!(
            decode(
                json!({"type": "onlyfansapi.auth.failed", "payload": {"message": "Wrong email or password"}})
            ),
            Some(ProviderMessage::Failed(AuthFailure {
                message: "Wrong email or password".into(),
                code: None
            }))
        );
        assert_eq!(
            decode(json!({"type": "onlyfansapi.auth.continue"})),
            Some(ProviderMessage::Continue)
        );
    }

    #[test]
    fn string_ids_and_extra_fields_are_fine() {
        let mut v = success_json();
        v["payload"]["onlyfansData"]["id"] = json!("u42");
        v["payload"]["extra"] = json!({"x": 1});
        v["extra"] = json!(true);
        let ProviderMessage::Success(s) = decode(v).unwrap() else {
            panic!()
        };
        assert_eq!(s.onlyfans_data.id, OnlyFansUserId::Text("u42".into()));
    }

    #[test]
    fn the_clean_copy_has_only_known_fields() {
        let mut v = success_json();
        v["payload"]["__proto__"] = json!({"polluted": true});
        let ProviderMessage::Success(s) = decode(v).unwrap() else {
            panic!()
        };
        let out = serde_json::to_value(&s).unwrap();
        assert_eq!(out, success_json()["payload"]);
    }

    #[test]
    fn malformed_messages_do_not_decode() {
        let cases = [
            json!(null),
            json!("onlyfansapi.auth.success"),
            json!([1, 2]),
            json!({}),
            json!({"type": "onlyfansapi.auth.unknown"}),
            json!({"type": "ONLYFANSAPI.AUTH.SUCCESS", "payload": {}}),
            json!({"type": "onlyfansapi.auth.success"}),
            json!({"type": "onlyfansapi.auth.success", "payload": {"accountId": 1}}),
            json!({"type": "onlyfansapi.auth.failed", "payload": {}}),
            json!({"type": "onlyfansapi.auth.failed", "payload": {"message": 5}}),
            json!({"type": 7}),
        ];
        for v in cases {
            assert_eq!(decode(v.clone()), None, "{v}");
        }
    }

    #[test]
    fn screening_checks_origin_then_source_then_data() {
        let origin = LinkOrigin::parse("http://127.0.0.1:8081").unwrap();
        let good = || decode(json!({"type": "onlyfansapi.auth.continue"}));
        let never = || -> Option<ProviderMessage> { panic!("decoded an untrusted message") };
        type Case<'a> = (&'a str, Source, Result<Option<ProviderMessage>, Rejection>);
        let cases: Vec<Case> = vec![
            ("http://localhost:8080", Source::HostWindow, Ok(None)),
            (
                "http://127.0.0.1:8082",
                Source::FlowWindow,
                Err(Rejection::OriginMismatch),
            ),
            (
                "http://127.0.0.1:80811",
                Source::FlowWindow,
                Err(Rejection::OriginMismatch),
            ),
            ("null", Source::FlowWindow, Err(Rejection::OriginMismatch)),
            (
                "http://127.0.0.1:8081",
                Source::Other,
                Err(Rejection::SourceMismatch),
            ),
        ];
        for (o, s, want) in cases {
            assert_eq!(screen(&origin, o, s, never), want, "{o} {s:?}");
        }
        assert_eq!(
            screen(&origin, "http://127.0.0.1:8081", Source::FlowWindow, good),
            Ok(Some(ProviderMessage::Continue))
        );
        assert_eq!(
            screen(&origin, "http://127.0.0.1:8081", Source::FlowWindow, || {
                None
            }),
            Err(Rejection::Malformed)
        );
    }

    #[test]
    fn oversized_payloads_are_rejected() {
        let origin = LinkOrigin::parse("http://127.0.0.1:8081").unwrap();
        let mut v = success_json();
        v["payload"]["username"] = json!("x".repeat(MAX_FIELD_LEN + 1));
        let big = decode(v);
        assert!(big.is_some());
        assert_eq!(
            screen(&origin, "http://127.0.0.1:8081", Source::FlowWindow, || big),
            Err(Rejection::Malformed)
        );
        let mut v = success_json();
        v["payload"]["onlyfansData"]["id"] = json!(1u64 << 53);
        let unsafe_id = decode(v);
        assert_eq!(
            screen(&origin, "http://127.0.0.1:8081", Source::FlowWindow, || {
                unsafe_id
            }),
            Err(Rejection::Malformed)
        );
    }
}
