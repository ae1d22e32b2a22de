//! Reading a screened value (a provider message, a session answer) through
//! [`Inspect`]: the browser layer's JavaScript values and the tests' JSON go
//! through this same code. It reads only what [`Inspect::children`] lists
//! (an object's own data properties), and takes what serde's derive would
//! from these shapes: required fields present and of their type, optional
//! ones absent, `null`, `undefined` or of their type, other fields ignored.
//! By hand rather than with serde's `Deserialize`, whose generic code was
//! an eighth of the wasm's.

use crate::protocol::{
    AuthFailure, AuthSuccess, ExpiresAt, Inspect, LinkConnection, LinkError, LinkExit,
    LinkExitType, LinkStep, LinkSuccess, LinkUser, OnlyFansProfile, OnlyFansUserId,
    ProviderMessage, SessionReply, Shape, SESSION_EXPIRED,
};

/// The `type` of every OFAuth Link message.
pub const LINK_MESSAGE_TYPE: &str = "OFAUTH_LINK";

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// An OnlyFansAPI message: `{type, payload}`.
pub fn onlyfansapi_message<I: Inspect>(data: &I) -> Option<ProviderMessage> {
    let message = Fields::of(data)?;
    match message.required("type", text)?.as_str() {
        "onlyfansapi.auth.success" => Some(ProviderMessage::Success(
            message.required("payload", auth_success)?,
        )),
        "onlyfansapi.auth.failed" => Some(ProviderMessage::Failed(
            message.required("payload", auth_failure)?,
        )),
        // No payload, or a `null` one.
        "onlyfansapi.auth.continue" => {
            message.optional("payload", |_| None::<()>)?;
            Some(ProviderMessage::Continue)
        }
        _ => None,
    }
}

/// An OFAuth Link message: `{type: "OFAUTH_LINK", event, metadata}`
/// (other events' metadata is not needed).
pub fn ofauth_message<I: Inspect>(data: &I) -> Option<ProviderMessage> {
    let message = Fields::of(data)?;
    if message.required("type", text)? != LINK_MESSAGE_TYPE {
        return None;
    }
    Some(match message.required("event", text)?.as_str() {
        "loaded" => ProviderMessage::Loaded,
        "success" => ProviderMessage::Connected(message.required("metadata", link_success)?),
        "exit" => ProviderMessage::Exit(message.required("metadata", link_exit)?),
        "invalid_session" => ProviderMessage::Failed(AuthFailure {
            message: "the Link session is invalid or has expired".into(),
            code: Some(SESSION_EXPIRED.into()),
        }),
        "sandbox_info" => ProviderMessage::Notice,
        _ => return None,
    })
}

/// What a session source answered: a token string, or an object with
/// `token` (or `url`, its other name: not both) and `expiresAt`.
pub fn session_reply<I: Inspect>(answer: &I) -> Option<SessionReply> {
    if let Some(token) = text(answer) {
        return Some(SessionReply::Token(token));
    }
    let reply = Fields::of(answer)?;
    let token = match (reply.get("token"), reply.get("url")) {
        (Some(_), Some(_)) => return None,
        (None, Some(_)) => "url",
        _ => "token",
    };
    Some(SessionReply::Object {
        token: reply.optional(token, text)?,
        expires_at: reply.optional("expiresAt", expires_at)?,
    })
}

/// An object's own fields.
struct Fields<I>(Vec<(String, I)>);

impl<I: Inspect> Fields<I> {
    /// `value`'s fields: `None` when it is not a plain object.
    fn of(value: &I) -> Option<Self> {
        let Shape::Object(_) = value.shape() else {
            return None;
        };
        let mut children = value.children().into_iter();
        let mut fields = vec![];
        while let (Some(key), Some(value)) = (children.next(), children.next()) {
            fields.push((key.text()?, value));
        }
        Some(Self(fields))
    }

    fn get(&self, name: &str) -> Option<&I> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }

    /// The field `name`, which must be there and be what `read` reads.
    fn required<T>(&self, name: &str, read: fn(&I) -> Option<T>) -> Option<T> {
        read(self.get(name)?)
    }

    /// The field `name`: `Some(None)` when it is absent, `null` or
    /// `undefined`, `None` when it is not what `read` reads.
    fn optional<T>(&self, name: &str, read: fn(&I) -> Option<T>) -> Option<Option<T>> {
        match self.get(name) {
            Some(value) if value.shape() != Shape::Null => read(value).map(Some),
            _ => Some(None),
        }
    }
}

fn text<I: Inspect>(value: &I) -> Option<String> {
    value.text()
}

fn auth_success<I: Inspect>(value: &I) -> Option<AuthSuccess> {
    let fields = Fields::of(value)?;
    Some(AuthSuccess {
        account_id: fields.required("accountId", text)?,
        username: fields.required("username", text)?,
        onlyfans_data: fields.required("onlyfansData", profile)?,
    })
}

fn profile<I: Inspect>(value: &I) -> Option<OnlyFansProfile> {
    let fields = Fields::of(value)?;
    Some(OnlyFansProfile {
        id: fields.required("id", user_id)?,
        username: fields.required("username", text)?,
        email: fields.required("email", text)?,
        avatar_url: fields.optional("avatar_url", text)?,
        name: fields.required("name", text)?,
    })
}

/// A string, or a number that is a non-negative safe integer.
fn user_id<I: Inspect>(value: &I) -> Option<OnlyFansUserId> {
    match value.shape() {
        Shape::Number(n) => (n.fract() == 0.0 && (0.0..=MAX_SAFE_INTEGER).contains(&n))
            .then_some(OnlyFansUserId::Number(n as u64)),
        _ => text(value).map(OnlyFansUserId::Text),
    }
}

fn auth_failure<I: Inspect>(value: &I) -> Option<AuthFailure> {
    let fields = Fields::of(value)?;
    Some(AuthFailure {
        message: fields.required("message", text)?,
        code: fields.optional("code", text)?,
    })
}

fn link_success<I: Inspect>(value: &I) -> Option<LinkSuccess> {
    let fields = Fields::of(value)?;
    Some(LinkSuccess {
        success_url: fields.optional("successUrl", text)?,
        // May be absent, but not `null`.
        redirect: match fields.get("redirect") {
            Some(redirect) => match redirect.shape() {
                Shape::Bool(b) => b,
                _ => return None,
            },
            None => false,
        },
        connection: fields.required("connection", link_connection)?,
    })
}

fn link_connection<I: Inspect>(value: &I) -> Option<LinkConnection> {
    let fields = Fields::of(value)?;
    Some(LinkConnection {
        id: fields.required("id", text)?,
        user_data: fields.required("userData", link_user)?,
    })
}

fn link_user<I: Inspect>(value: &I) -> Option<LinkUser> {
    let fields = Fields::of(value)?;
    Some(LinkUser {
        id: fields.required("id", user_id)?,
        name: fields.required("name", text)?,
        username: fields.required("username", text)?,
        avatar: fields.optional("avatar", text)?,
    })
}

fn link_exit<I: Inspect>(value: &I) -> Option<LinkExit> {
    let fields = Fields::of(value)?;
    Some(LinkExit {
        kind: fields.required("type", |kind| match text(kind)?.as_str() {
            "user_exit" => Some(LinkExitType::UserExit),
            "error" => Some(LinkExitType::Error),
            "forced_exit" => Some(LinkExitType::ForcedExit),
            _ => None,
        })?,
        step: fields.required("step", |step| match text(step)?.as_str() {
            "pre-login" => Some(LinkStep::PreLogin),
            "login" => Some(LinkStep::Login),
            "2fa" => Some(LinkStep::TwoFactor),
            "success" => Some(LinkStep::Success),
            "error" => Some(LinkStep::Error),
            _ => None,
        })?,
        error: fields.optional("error", link_error)?,
    })
}

fn link_error<I: Inspect>(value: &I) -> Option<LinkError> {
    let fields = Fields::of(value)?;
    Some(LinkError {
        error_type: fields.required("error_type", text)?,
        error_message: fields.required("error_message", text)?,
    })
}

/// Unix milliseconds (any number), or an RFC 3339 string.
fn expires_at<I: Inspect>(value: &I) -> Option<ExpiresAt> {
    match value.shape() {
        Shape::Number(ms) => Some(ExpiresAt::Millis(ms)),
        _ => text(value).map(ExpiresAt::Text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::json_inspect::Json;
    use serde_json::{json, Value};

    fn onlyfansapi(v: Value) -> Option<ProviderMessage> {
        onlyfansapi_message(&Json::Value(&v))
    }

    fn success(id: Value, avatar_url: Option<Value>) -> Value {
        let mut profile = json!({"id": id, "username": "u", "email": "e", "name": "n"});
        if let Some(avatar_url) = avatar_url {
            profile["avatar_url"] = avatar_url;
        }
        json!({"type": "onlyfansapi.auth.success",
               "payload": {"accountId": "a", "username": "u", "onlyfansData": profile}})
    }

    #[test]
    fn fields_are_required_optional_or_ignored() {
        let continue_ =
            |payload: Value| json!({"type": "onlyfansapi.auth.continue", "payload": payload});
        assert!(onlyfansapi(continue_(json!(null))).is_some());
        assert!(onlyfansapi(continue_(json!({}))).is_none());
        assert!(onlyfansapi(json!({"type": "onlyfansapi.auth.success"})).is_none());
        for (id, ok) in [
            (json!(0), true),
            (json!(9_007_199_254_740_991u64), true),
            (json!("u42"), true),
            (json!(9_007_199_254_740_992u64), false),
            (json!(-1), false),
            (json!(1.5), false),
            (json!(null), false),
        ] {
            assert_eq!(onlyfansapi(success(id.clone(), None)).is_some(), ok, "{id}");
        }
        for (avatar, ok) in [
            (None, true),
            (Some(json!(null)), true),
            (Some(json!("a")), true),
            (Some(json!(5)), false),
        ] {
            assert_eq!(
                onlyfansapi(success(json!(1), avatar.clone())).is_some(),
                ok,
                "{avatar:?}"
            );
        }
        let ofauth = |metadata: Value| {
            ofauth_message(&Json::Value(
                &json!({"type": "OFAUTH_LINK", "event": "success", "metadata": metadata}),
            ))
        };
        let connection = json!({"id": "c", "userData": {"id": 1, "name": "n", "username": "u"}});
        let Some(ProviderMessage::Connected(s)) = ofauth(json!({"connection": connection})) else {
            panic!()
        };
        assert_eq!((s.redirect, s.success_url), (false, None));
        assert!(ofauth(json!({"connection": connection, "redirect": null})).is_none());
        assert!(ofauth(json!({"connection": connection, "redirect": true})).is_some());
    }

    #[test]
    fn session_replies() {
        let reply = |v: Value| session_reply(&Json::Value(&v));
        let object = |token: Option<&str>, expires_at| SessionReply::Object {
            token: token.map(Into::into),
            expires_at,
        };
        assert_eq!(reply(json!("t")), Some(SessionReply::Token("t".into())));
        assert_eq!(reply(json!({"url": "u"})), Some(object(Some("u"), None)));
        assert_eq!(
            reply(json!({"token": null, "x": 1})),
            Some(object(None, None))
        );
        assert_eq!(
            reply(json!({"token": "t", "expiresAt": 5})),
            Some(object(Some("t"), Some(ExpiresAt::Millis(5.0))))
        );
        for bad in [
            json!({"token": "t", "url": "u"}),
            json!({"token": "t", "expiresAt": [1]}),
            json!(["t"]),
            json!(5),
        ] {
            assert_eq!(reply(bad.clone()), None, "{bad}");
        }
    }
}
