//! Provider profiles: what differs between the providers whose hosted Link
//! flow the widget opens. One widget, one state machine; a profile says how
//! to check the session the host gave, which URL to open, how to read the
//! page's messages, and what the page can do (announce that it is ready,
//! be asked to exit).
//!
//! - **OnlyFansAPI** (`provider: "onlyfansapi"`, the default): a client
//!   session token `ofapi_cs_…`, opened at `<origin>/embed-auth/<token>`;
//!   messages `{type: "onlyfansapi.auth.success" | ".failed" | ".continue", payload}`.
//! - **OFAuth** (`provider: "ofauth"`): a Link URL from `POST /v2/link/init`
//!   on the Link origin, opened with `embed=true`, `embed_origin` and `theme`;
//!   messages `{type: "OFAUTH_LINK", event, metadata}` (`loaded`, `success`,
//!   `exit`, `invalid_session`, `sandbox_info`), and the widget posts
//!   `{type: "OFAUTH_LINK", event: "exit_requested", force}` when it closes.

use serde::Serialize;

use crate::appearance::Theme;
use crate::decode::{self, LINK_MESSAGE_TYPE};
use crate::error::WidgetError;
use crate::origin::LinkOrigin;
use crate::protocol::{Inspect, ProviderMessage};
use crate::token::ClientSessionToken;

/// The provider whose flow the widget opens.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Provider {
    /// OnlyFansAPI (`@onlyfansapi/auth`'s provider).
    #[default]
    OnlyFansApi,
    /// OFAuth Link.
    OfAuth,
}

impl Provider {
    /// Reads the `provider` option.
    pub fn parse(raw: &str) -> Result<Self, WidgetError> {
        match raw {
            "onlyfansapi" => Ok(Self::OnlyFansApi),
            "ofauth" => Ok(Self::OfAuth),
            _ => Err(WidgetError::InvalidOptions(
                "`provider` must be \"onlyfansapi\" or \"ofauth\"".into(),
            )),
        }
    }

    /// The `provider` option's value for this provider ([`Provider::parse`] reads it).
    pub fn name(self) -> &'static str {
        match self {
            Self::OnlyFansApi => "onlyfansapi",
            Self::OfAuth => "ofauth",
        }
    }

    /// The provider's production origin, used when `linkOrigin` is not given.
    pub fn default_origin(self) -> &'static str {
        match self {
            Self::OnlyFansApi => "https://app.onlyfansapi.com",
            Self::OfAuth => "https://link.ofauth.com",
        }
    }
}

/// Whether page markup may name `origin` (`<of-connect link-origin>`) for
/// `provider`: the provider's own origin, or a loopback one (a local
/// sandbox) when the page itself (`page`) is served from loopback. Any other
/// needs script, so that markup injected into a page cannot send its fresh
/// tokens, or its user, to an origin of the attacker's choosing, nor a
/// production page's tokens to whatever listens on its visitor's machine.
pub fn markup_may_name(origin: &LinkOrigin, provider: Provider, page: Option<&LinkOrigin>) -> bool {
    origin.as_str() == provider.default_origin()
        || (origin.is_loopback() && page.is_some_and(LinkOrigin::is_loopback))
}

/// A provider with its exact origin and the page's theme.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// The provider.
    pub provider: Provider,
    /// Its exact origin: where flows open and the only origin messages are taken from.
    pub link_origin: LinkOrigin,
    /// The Link page's theme (OFAuth): the widget's.
    pub theme: Theme,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            provider: Provider::OnlyFansApi,
            link_origin: LinkOrigin::default(),
            theme: Theme::default(),
        }
    }
}

/// What the widget posts to an OFAuth Link page when it closes it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ExitRequested {
    #[serde(rename = "type")]
    kind: &'static str,
    event: &'static str,
    /// `false` when the user closed the flow, `true` when the host did.
    pub force: bool,
}

impl Profile {
    /// Checks what the host gave as a session: a client session token, or
    /// (OFAuth) a Link URL on the Link origin. Errors never echo the value.
    pub fn credential(&self, raw: &str) -> Result<ClientSessionToken, WidgetError> {
        match self.provider {
            Provider::OnlyFansApi => ClientSessionToken::parse(raw),
            Provider::OfAuth => ClientSessionToken::parse_link_url(raw, &self.link_origin),
        }
    }

    /// The URL the modal's frame or the popup loads. `host_origin` is the
    /// host page's origin (OFAuth posts its messages to exactly that);
    /// `prefers_dark` says which theme `auto` is now (OFAuth's Link page
    /// takes light or dark).
    pub fn flow_url(
        &self,
        credential: &ClientSessionToken,
        host_origin: &str,
        prefers_dark: bool,
    ) -> String {
        match self.provider {
            Provider::OnlyFansApi => format!(
                "{}/embed-auth/{}",
                self.link_origin.as_str(),
                credential.expose()
            ),
            Provider::OfAuth => {
                let url = credential.expose();
                let join = if url.contains('?') { '&' } else { '?' };
                format!(
                    "{url}{join}embed=true&embed_origin={}&theme={}",
                    encode_component(host_origin),
                    self.theme.resolve(prefers_dark).as_str()
                )
            }
        }
    }

    /// Reads a message (already screened for origin, source and size) in
    /// this provider's protocol; `None` when it is not one.
    pub fn decode<T: Inspect>(&self, data: &T) -> Option<ProviderMessage> {
        match self.provider {
            Provider::OnlyFansApi => decode::onlyfansapi_message(data),
            Provider::OfAuth => decode::ofauth_message(data),
        }
    }

    /// Whether the page says when it is ready (`loaded`); otherwise the
    /// frame's load event stands for it.
    pub fn announces_ready(&self) -> bool {
        self.provider == Provider::OfAuth
    }

    /// The message that asks the page to end the session when the widget
    /// closes it, if the provider has one.
    pub fn exit_request(&self, force: bool) -> Option<ExitRequested> {
        (self.provider == Provider::OfAuth).then_some(ExitRequested {
            kind: LINK_MESSAGE_TYPE,
            event: "exit_requested",
            force,
        })
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            const HEX: &[u8; 16] = b"0123456789ABCDEF";
            out.extend([
                '%',
                HEX[usize::from(b >> 4)] as char,
                HEX[usize::from(b & 15)] as char,
            ]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::json_inspect::Json;
    use crate::protocol::{Connection, LinkExit, LinkExitType, LinkStep};
    use serde_json::{json, Value};

    fn ofauth() -> Profile {
        Profile {
            provider: Provider::OfAuth,
            link_origin: LinkOrigin::parse("https://link.ofauth.com").unwrap(),
            theme: Theme::Dark,
        }
    }

    fn decode(p: &Profile, v: Value) -> Option<ProviderMessage> {
        p.decode(&Json::Value(&v))
    }

    #[test]
    fn markup_may_name_only_the_providers_origin_and_loopback_from_loopback() {
        let parse = |o: &str| LinkOrigin::parse(o).unwrap();
        let local = parse("http://127.0.0.1:8080");
        let public = parse("https://crm.example");
        let may =
            |o: &str, p: Provider, page: Option<&LinkOrigin>| markup_may_name(&parse(o), p, page);
        for page in [Some(&local), Some(&public), None] {
            assert!(may(
                "https://app.onlyfansapi.com",
                Provider::OnlyFansApi,
                page
            ));
            assert!(may("https://link.ofauth.com", Provider::OfAuth, page));
            // The other provider's origin is not this provider's.
            assert!(!may("https://link.ofauth.com", Provider::OnlyFansApi, page));
            assert!(!may("https://app.onlyfansapi.com", Provider::OfAuth, page));
        }
        for o in [
            "http://localhost:8081",
            "http://127.0.0.2:9",
            "http://[::1]:1",
            "https://localhost",
        ] {
            assert!(may(o, Provider::OnlyFansApi, Some(&local)), "{o}");
            assert!(
                may(o, Provider::OfAuth, Some(&parse("http://localhost:1"))),
                "{o}"
            );
            assert!(
                !may(o, Provider::OnlyFansApi, Some(&public)),
                "{o} from a public page"
            );
            assert!(
                !may(o, Provider::OnlyFansApi, None),
                "{o} from an opaque origin"
            );
        }
        for o in [
            "https://evil.example",
            "https://app.onlyfansapi.com.evil.example",
            "https://app.onlyfansapi.com:8443",
            "https://link.ofauth.com:444",
            "https://127.0.0.1.evil.example",
            "https://128.0.0.1",
        ] {
            for p in [Provider::OnlyFansApi, Provider::OfAuth] {
                assert!(!may(o, p, Some(&local)), "{o}");
            }
        }
    }

    #[test]
    fn options_are_checked() {
        assert_eq!(Provider::parse("ofauth"), Ok(Provider::OfAuth));
        assert_eq!(Provider::parse("onlyfansapi"), Ok(Provider::OnlyFansApi));
        for p in [Provider::OnlyFansApi, Provider::OfAuth] {
            assert_eq!(Provider::parse(p.name()), Ok(p));
        }
        assert_eq!(
            Provider::parse("OFAuth").unwrap_err().code(),
            "invalid_options"
        );
    }

    #[test]
    fn ofauth_link_urls_must_be_on_the_link_origin() {
        let p = ofauth();
        let url = "https://link.ofauth.com/s/lnk_123?x=1";
        assert_eq!(p.credential(url).unwrap().expose(), url);
        for bad in [
            "https://link.ofauth.com.evil.test/s/lnk_123",
            "https://evil.test/https://link.ofauth.com/s/1",
            "http://link.ofauth.com/s/lnk_123",
            "https://link.ofauth.com",
            "https://link.ofauth.com@evil.test/s/1",
            "https://link.ofauth.com/s/1#frag",
            "https://link.ofauth.com/s/ 1",
            "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX",
        ] {
            let e = p.credential(bad).unwrap_err();
            assert_eq!(e.code(), "invalid_token", "{bad}");
            assert!(!e.to_string().contains("evil"), "echoed: {e}");
        }
    }

    #[test]
    fn flow_urls() {
        let p = ofauth();
        let c = p.credential("https://link.ofauth.com/s/lnk_1").unwrap();
        assert_eq!(
            p.flow_url(&c, "https://crm.example:8443", false),
            "https://link.ofauth.com/s/lnk_1?embed=true&embed_origin=https%3A%2F%2Fcrm.example%3A8443&theme=dark"
        );
        let auto = Profile {
            theme: Theme::Auto,
            ..ofauth()
        };
        assert!(auto
            .flow_url(&c, "https://crm.example", true)
            .ends_with("&theme=dark"));
        assert!(auto
            .flow_url(&c, "https://crm.example", false)
            .ends_with("&theme=light"));
        let c = p
            .credential("https://link.ofauth.com/s/lnk_1?ref=a")
            .unwrap();
        assert!(p
            .flow_url(&c, "https://crm.example", false)
            .starts_with("https://link.ofauth.com/s/lnk_1?ref=a&embed=true&"));
        let o = Profile::default();
        let t = o
            .credential("ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX")
            .unwrap();
        assert_eq!(
            o.flow_url(&t, "https://crm.example", true),
            "https://app.onlyfansapi.com/embed-auth/ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX"
        );
    }

    #[test]
    fn ofauth_messages() {
        let p = ofauth();
        let m = |event: &str, metadata: Value| json!({"type": "OFAUTH_LINK", "event": event, "metadata": metadata});
        for loaded in [
            json!({"type": "OFAUTH_LINK", "event": "loaded"}),
            m("loaded", json!({})),
            m("loaded", json!(null)),
        ] {
            assert_eq!(decode(&p, loaded), Some(ProviderMessage::Loaded));
        }
        let success = decode(
            &p,
            m(
                "success",
                json!({"successUrl": "https://crm.example/done", "redirect": false,
            "connection": {"id": "conn_1", "userData": {"id": "42", "name": "Stella", "username": "stella", "avatar": null}}}),
            ),
        );
        let Some(ProviderMessage::Connected(s)) = success else {
            panic!("{success:?}")
        };
        assert_eq!(s.connection.id, "conn_1");
        assert_eq!(s.connection.user_data.username, "stella");
        assert_eq!(Connection::OfAuth(s).username(), "stella");
        let exit = decode(
            &p,
            m(
                "exit",
                json!({"type": "error", "step": "2fa",
            "error": {"error_type": "invalid_code", "error_message": "Wrong code"}}),
            ),
        );
        let Some(ProviderMessage::Exit(e)) = exit else {
            panic!("{exit:?}")
        };
        assert_eq!((e.kind, e.step), (LinkExitType::Error, LinkStep::TwoFactor));
        assert_eq!(e.error.unwrap().error_message, "Wrong code");
        let exit = decode(
            &p,
            m(
                "exit",
                json!({"type": "user_exit", "step": "pre-login", "error": null}),
            ),
        );
        assert!(matches!(
            exit,
            Some(ProviderMessage::Exit(LinkExit { error: None, .. }))
        ));
        let Some(ProviderMessage::Failed(f)) = decode(
            &p,
            json!({"type": "OFAUTH_LINK", "event": "invalid_session"}),
        ) else {
            panic!()
        };
        assert!(f.is_session_expired());
        assert_eq!(
            decode(&p, m("sandbox_info", json!({"any": 1}))),
            Some(ProviderMessage::Notice)
        );
    }

    #[test]
    fn each_provider_reads_only_its_own_protocol() {
        let p = ofauth();
        for v in [
            json!({"type": "onlyfansapi.auth.continue"}),
            json!({"type": "OTHER", "event": "loaded"}),
            json!({"type": "OFAUTH_LINK", "event": "exit_requested", "force": true}),
            json!({"type": "OFAUTH_LINK", "event": "exit", "metadata": {"type": "user_exit", "step": "nowhere", "error": null}}),
            json!({"type": "OFAUTH_LINK", "event": "success", "metadata": {"connection": {"id": 1}}}),
            json!({"type": "OFAUTH_LINK"}),
            json!("OFAUTH_LINK"),
        ] {
            assert_eq!(decode(&p, v.clone()), None, "{v}");
        }
        assert_eq!(
            decode(
                &Profile::default(),
                json!({"type": "OFAUTH_LINK", "event": "loaded"})
            ),
            None
        );
        assert_eq!(
            decode(
                &Profile::default(),
                json!({"type": "onlyfansapi.auth.continue"})
            ),
            Some(ProviderMessage::Continue)
        );
    }

    #[test]
    fn exit_requests() {
        assert_eq!(Profile::default().exit_request(true), None);
        assert_eq!(
            serde_json::to_value(ofauth().exit_request(false).unwrap()).unwrap(),
            json!({"type": "OFAUTH_LINK", "event": "exit_requested", "force": false})
        );
        assert!(ofauth().announces_ready() && !Profile::default().announces_ready());
    }
}
