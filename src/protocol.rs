//! The providers' `postMessage` protocols, and how an incoming message is screened.
//!
//! OnlyFansAPI's hosted page posts `{type, payload}` objects:
//! `onlyfansapi.auth.success` with [`AuthSuccess`],
//! `onlyfansapi.auth.failed` with `{message}`, and `onlyfansapi.auth.continue`
//! with no payload. OFAuth's Link page speaks its own protocol, which
//! [`crate::provider`] reads into the same [`ProviderMessage`]. Both are
//! read by [`crate::decode`]; the types' serde form is what the host gets.

use serde::Serialize;

use crate::origin::LinkOrigin;

/// The longest string the widget accepts in a provider payload.
pub const MAX_FIELD_LEN: usize = 2048;

/// How deeply a provider message may nest (the deepest real one nests 4 levels).
pub const MAX_DEPTH: usize = 8;

/// How many values (keys and items included) a provider message may hold.
pub const MAX_VALUES: usize = 256;

/// How much text (keys included) a provider message may hold in all.
pub const MAX_TEXT: usize = 16 * 1024;

/// The `code` of a failure that means the session has expired.
pub const SESSION_EXPIRED: &str = "session_expired";

/// A message from the provider's hosted page.
#[derive(Clone, Debug, PartialEq)]
pub enum ProviderMessage {
    /// The account was connected.
    Success(AuthSuccess),
    /// A login attempt failed (wrong password, expired session, ...). Not terminal.
    Failed(AuthFailure),
    /// The user pressed Continue on the provider's success screen.
    Continue,
    /// (OFAuth) The Link page is ready.
    Loaded,
    /// (OFAuth) The account was connected.
    Connected(LinkSuccess),
    /// (OFAuth) The Link page ended the flow.
    Exit(LinkExit),
    /// (OFAuth) Information with nothing to act on (`sandbox_info`).
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

impl Connection {
    /// The connected OnlyFans username, whichever the provider.
    pub fn username(&self) -> &str {
        match self {
            Self::OnlyFansApi(account) => &account.username,
            Self::OfAuth(link) => &link.connection.user_data.username,
        }
    }
}

/// OFAuth's `success` metadata.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkSuccess {
    /// Where the Link page would send the user next, if configured.
    pub success_url: Option<String>,
    /// Whether the Link page would redirect.
    pub redirect: bool,
    /// The new (or renewed) connection.
    pub connection: LinkConnection,
}

/// A connection in OFAuth's `success` metadata.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkConnection {
    /// The connection id (`conn_…`): store it, the access API takes it.
    pub id: String,
    /// The connected OnlyFans user.
    pub user_data: LinkUser,
}

/// The OnlyFans user of an OFAuth connection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkUser {
    /// The OnlyFans user id.
    pub id: OnlyFansUserId,
    /// The display name.
    pub name: String,
    /// The OnlyFans username.
    pub username: String,
    /// The avatar URL, if any.
    pub avatar: Option<String>,
}

/// OFAuth's `exit` metadata.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkExit {
    /// Why the page ended the flow.
    #[serde(rename = "type")]
    pub kind: LinkExitType,
    /// Where the user was.
    pub step: LinkStep,
    /// The error, for `type: "error"`.
    pub error: Option<LinkError>,
}

/// Why an OFAuth Link page ended the flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkError {
    /// A machine-readable type.
    pub error_type: String,
    /// What went wrong.
    pub error_message: String,
}

/// The connected account, as `@onlyfansapi/auth`'s `AuthSuccessData`.
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
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
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OnlyFansUserId {
    /// A numeric id (always below 2^53, so it survives JavaScript).
    Number(u64),
    /// A string id.
    Text(String),
}

/// The payload of `onlyfansapi.auth.failed`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuthFailure {
    /// What went wrong, for the user.
    pub message: String,
    /// A machine-readable reason, when the provider sends one
    /// (`session_expired`, `session_used`, `session_invalid`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

impl AuthFailure {
    /// Whether the provider says the session has expired.
    pub fn is_session_expired(&self) -> bool {
        self.code.as_deref() == Some(SESSION_EXPIRED)
    }
}

/// What a session source answers: a bare token, or `{token, expiresAt}`.
#[derive(Clone, Debug, PartialEq)]
pub enum SessionReply {
    /// `"ofapi_cs_…"`.
    Token(String),
    /// `{token, expiresAt?}`, `expiresAt` as RFC 3339 or Unix milliseconds
    /// (for OFAuth, `/v2/link/init`'s `{url, expiresAt}` is taken as is).
    Object {
        /// The token (or OFAuth Link URL), as `token` or `url`.
        token: Option<String>,
        /// When it expires: `expiresAt`.
        expires_at: Option<ExpiresAt>,
    },
}

/// `expiresAt` as the host sent it.
#[derive(Clone, Debug, PartialEq)]
pub enum ExpiresAt {
    /// Unix milliseconds.
    Millis(f64),
    /// An RFC 3339 date-time.
    Text(String),
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

/// What a raw message value is: enough to size it up without converting it,
/// and, once it is known to be within the limits, to decode it
/// ([`crate::decode`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// `null` or `undefined`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string of this length (its content is [`Inspect::text`]).
    Text(usize),
    /// An array with this many items.
    List(usize),
    /// A plain object with this many children (its keys and values both count).
    Object(usize),
    /// Anything a provider message never holds (a `Blob`, a `Map`, a `Date`,
    /// a getter...).
    Other,
}

/// A raw message value that can be sized up without converting it.
pub trait Inspect: Sized {
    /// Its shape; cheap, whatever its size.
    fn shape(&self) -> Shape;
    /// An array's items, or an object's keys and values (its own data
    /// properties, never inherited ones), in turn. Called only on a
    /// [`Shape::List`] or [`Shape::Object`] whose children are within the limits.
    fn children(&self) -> Vec<Self>;
    /// A [`Shape::Text`]'s content.
    fn text(&self) -> Option<String>;
}

/// Whether `message` is within [`MAX_DEPTH`], [`MAX_VALUES`] and
/// [`MAX_TEXT`]. It walks the value without recursion and stops at the first
/// limit, before listing the children that would pass it, so that a huge or
/// deeply nested message costs almost nothing to refuse.
pub fn within_bounds<T: Inspect + Clone>(message: &T) -> bool {
    let (mut values, mut text) = (1, 0);
    let mut stack = vec![(message.clone(), 0)];
    while let Some((value, depth)) = stack.pop() {
        match value.shape() {
            Shape::Null | Shape::Bool(_) | Shape::Number(_) => {}
            // Compared before adding: a length can be as large as `usize`
            // allows (an array of 2^32 - 1 holes, on wasm32).
            Shape::Text(n) => {
                if n > MAX_TEXT - text {
                    return false;
                }
                text += n;
            }
            Shape::List(n) | Shape::Object(n) => {
                if n > MAX_VALUES - values || (n > 0 && depth == MAX_DEPTH) {
                    return false;
                }
                values += n;
                // Read again, a value could answer differently (a host's
                // Proxy): what is walked must be what was counted.
                let children = value.children();
                if children.len() != n {
                    return false;
                }
                stack.extend(children.into_iter().map(|c| (c, depth + 1)));
            }
            Shape::Other => return false,
        }
    }
    true
}

/// Decides whether a message is accepted: its origin, then its source, then
/// its size ([`within_bounds`]), and only then `decode` converts it, for a
/// trusted sender and a bounded message.
///
/// `Ok(None)` means "not for us, ignore silently" (the host page's own messages).
pub fn screen<T: Inspect + Clone>(
    expected: &LinkOrigin,
    origin: &str,
    source: Source,
    data: &T,
    decode: impl FnOnce(&T) -> Option<ProviderMessage>,
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
    if !within_bounds(data) {
        return Err(Rejection::Malformed);
    }
    match decode(data) {
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
#[path = "../tests/support/json_inspect.rs"]
pub(crate) mod json_inspect;

#[cfg(test)]
mod tests {
    use super::json_inspect::Json;
    use super::*;
    use serde_json::{json, Value};

    /// Screens `v` as a message from `origin` and `source`, decoding it as OnlyFansAPI's.
    fn screen_json(
        origin: &str,
        source: Source,
        v: &Value,
    ) -> Result<Option<ProviderMessage>, Rejection> {
        let expected = LinkOrigin::parse("http://127.0.0.1:8081").unwrap();
        screen(&expected, origin, source, &Json::Value(v), |_| {
            decode(v.clone())
        })
    }

    fn decode(v: Value) -> Option<ProviderMessage> {
        crate::decode::onlyfansapi_message(&Json::Value(&v))
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
        assert_eq!(Connection::OnlyFansApi(s).username(), "stella");
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
            json!(["onlyfansapi.auth.continue"]),
            json!({"type": "onlyfansapi.auth.failed", "payload": ["Wrong email or password"]}),
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
    fn screening_checks_origin_then_source_then_size_then_data() {
        let origin = LinkOrigin::parse("http://127.0.0.1:8081").unwrap();
        let never =
            |_: &Json| -> Option<ProviderMessage> { panic!("decoded an untrusted message") };
        let continue_ = json!({"type": "onlyfansapi.auth.continue"});
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
            assert_eq!(
                screen(&origin, o, s, &Json::Value(&continue_), never),
                want,
                "{o} {s:?}"
            );
        }
        assert_eq!(
            screen_json("http://127.0.0.1:8081", Source::FlowWindow, &continue_),
            Ok(Some(ProviderMessage::Continue))
        );
        assert_eq!(
            screen(
                &origin,
                "http://127.0.0.1:8081",
                Source::FlowWindow,
                &Json::Value(&continue_),
                |_| None
            ),
            Err(Rejection::Malformed)
        );
        // Too big to look at: refused before `decode` runs.
        let mut deep = json!(1);
        for _ in 0..=MAX_DEPTH {
            deep = json!([deep]);
        }
        assert_eq!(
            screen(
                &origin,
                "http://127.0.0.1:8081",
                Source::FlowWindow,
                &Json::Value(&deep),
                never
            ),
            Err(Rejection::Malformed)
        );
    }

    #[test]
    fn bounds_are_exact() {
        // As SECURITY.md says: 8 levels, 256 values, 16 KiB of text.
        assert_eq!((MAX_DEPTH, MAX_VALUES, MAX_TEXT), (8, 256, 16 * 1024));
        let nested = |levels: usize| (0..levels).fold(json!("x"), |v, _| json!({"k": v}));
        assert!(within_bounds(&Json::Value(&nested(MAX_DEPTH))));
        assert!(!within_bounds(&Json::Value(&nested(MAX_DEPTH + 1))));
        // Empty containers add no depth below them.
        let empty = (0..MAX_DEPTH).fold(json!([]), |v, _| json!([v]));
        assert!(within_bounds(&Json::Value(&empty)));
        // The root counts as one value, and an array's items one each.
        let items = |n: usize| Value::Array(vec![json!(0); n]);
        assert!(within_bounds(&Json::Value(&items(MAX_VALUES - 1))));
        assert!(!within_bounds(&Json::Value(&items(MAX_VALUES))));
        // An object's keys and values both count.
        let object = |n: usize| Value::Object((0..n).map(|i| (i.to_string(), json!(0))).collect());
        assert!(within_bounds(&Json::Value(&object((MAX_VALUES - 1) / 2))));
        assert!(!within_bounds(&Json::Value(&object(
            (MAX_VALUES - 1) / 2 + 1
        ))));
        // Text, keys included, in all.
        let text = |n: usize| json!(["x".repeat(n / 2), "y".repeat(n - n / 2)]);
        assert!(within_bounds(&Json::Value(&text(MAX_TEXT))));
        assert!(!within_bounds(&Json::Value(&text(MAX_TEXT + 1))));
        let key = json!({ "k".repeat(MAX_TEXT): 0 });
        assert!(within_bounds(&Json::Value(&key)));
        let key = json!({ "k".repeat(MAX_TEXT + 1): 0 });
        assert!(!within_bounds(&Json::Value(&key)));
    }

    #[test]
    fn children_past_a_limit_are_never_listed() {
        #[derive(Clone)]
        struct Huge(Shape);
        impl Inspect for Huge {
            fn shape(&self) -> Shape {
                self.0
            }
            fn children(&self) -> Vec<Self> {
                vec![Huge(Shape::Text(1)), Huge(Shape::List(usize::MAX))]
            }
            fn text(&self) -> Option<String> {
                None
            }
        }
        // Lengths as large as they come, after some values: no overflow,
        // and nothing listed past the limit.
        for shape in [
            Shape::List(usize::MAX),
            Shape::Object(usize::MAX),
            Shape::Text(usize::MAX),
        ] {
            assert!(!within_bounds(&Huge(shape)));
        }
        assert!(!within_bounds(&Huge(Shape::List(2))));
    }

    #[test]
    fn every_field_is_limited_exactly() {
        fn with<T: Clone>(m: &T, change: impl FnOnce(&mut T)) -> T {
            let mut m = m.clone();
            change(&mut m);
            m
        }
        let full = || "x".repeat(MAX_FIELD_LEN);
        let long = || "x".repeat(MAX_FIELD_LEN + 1);
        let highest = OnlyFansUserId::Number((1 << 53) - 1);
        let success = AuthSuccess {
            account_id: full(),
            username: full(),
            onlyfans_data: OnlyFansProfile {
                id: highest.clone(),
                username: full(),
                email: full(),
                avatar_url: Some(full()),
                name: full(),
            },
        };
        let failed = AuthFailure {
            message: full(),
            code: Some(full()),
        };
        let connected = LinkSuccess {
            success_url: Some(full()),
            redirect: false,
            connection: LinkConnection {
                id: full(),
                user_data: LinkUser {
                    id: highest,
                    name: full(),
                    username: full(),
                    avatar: Some(full()),
                },
            },
        };
        let exit = LinkExit {
            kind: LinkExitType::Error,
            step: LinkStep::Login,
            error: Some(LinkError {
                error_type: full(),
                error_message: full(),
            }),
        };
        use ProviderMessage::{Connected, Exit, Failed, Success};
        let within = [
            Success(success.clone()),
            Success(with(&success, |m| {
                m.onlyfans_data.id = OnlyFansUserId::Text(full())
            })),
            Failed(failed.clone()),
            Connected(connected.clone()),
            Connected(with(&connected, |m| {
                m.connection.user_data.id = OnlyFansUserId::Text(full())
            })),
            Exit(exit.clone()),
        ];
        for (i, m) in within.iter().enumerate() {
            assert!(m.is_within_limits(), "within #{i}");
        }
        // One field past its limit, each in turn.
        let past = [
            Success(with(&success, |m| m.account_id = long())),
            Success(with(&success, |m| m.username = long())),
            Success(with(&success, |m| {
                m.onlyfans_data.id = OnlyFansUserId::Number(1 << 53)
            })),
            Success(with(&success, |m| {
                m.onlyfans_data.id = OnlyFansUserId::Text(long())
            })),
            Success(with(&success, |m| m.onlyfans_data.username = long())),
            Success(with(&success, |m| m.onlyfans_data.email = long())),
            Success(with(&success, |m| {
                m.onlyfans_data.avatar_url = Some(long())
            })),
            Success(with(&success, |m| m.onlyfans_data.name = long())),
            Failed(with(&failed, |m| m.message = long())),
            Failed(with(&failed, |m| m.code = Some(long()))),
            Connected(with(&connected, |m| m.success_url = Some(long()))),
            Connected(with(&connected, |m| m.connection.id = long())),
            Connected(with(&connected, |m| {
                m.connection.user_data.id = OnlyFansUserId::Number(1 << 53)
            })),
            Connected(with(&connected, |m| {
                m.connection.user_data.id = OnlyFansUserId::Text(long())
            })),
            Connected(with(&connected, |m| m.connection.user_data.name = long())),
            Connected(with(&connected, |m| {
                m.connection.user_data.username = long()
            })),
            Connected(with(&connected, |m| {
                m.connection.user_data.avatar = Some(long())
            })),
            Exit(with(&exit, |m| {
                m.error.as_mut().unwrap().error_type = long()
            })),
            Exit(with(&exit, |m| {
                m.error.as_mut().unwrap().error_message = long()
            })),
        ];
        for (i, m) in past.iter().enumerate() {
            assert!(!m.is_within_limits(), "past #{i}");
        }
    }

    #[test]
    fn oversized_payloads_are_rejected() {
        let mut v = success_json();
        v["payload"]["username"] = json!("x".repeat(MAX_FIELD_LEN + 1));
        assert!(decode(v.clone()).is_some());
        assert_eq!(
            screen_json("http://127.0.0.1:8081", Source::FlowWindow, &v),
            Err(Rejection::Malformed)
        );
        let mut v = success_json();
        v["payload"]["onlyfansData"]["id"] = json!(1u64 << 53);
        assert_eq!(
            screen_json("http://127.0.0.1:8081", Source::FlowWindow, &v),
            Err(Rejection::Malformed)
        );
    }
}
