//! The secret a flow is opened with: an OnlyFansAPI client session token
//! (`ofapi_cs_` followed by exactly 32 ASCII letters or digits), or an OFAuth
//! Link URL on the Link origin.

use std::fmt;

use crate::error::WidgetError;
use crate::origin::LinkOrigin;

const PREFIX: &str = "ofapi_cs_";
const SECRET_LEN: usize = 32;

/// A client session token (or OFAuth Link URL) that has passed validation.
///
/// Its `Debug` output never shows the secret part, so a token cannot leak
/// into logs by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSessionToken(String);

impl ClientSessionToken {
    /// Validates `raw`. The error message describes what is wrong without
    /// echoing the value.
    pub fn parse(raw: &str) -> Result<Self, WidgetError> {
        let invalid = |why: String| {
            Err(WidgetError::InvalidToken(format!(
                "`token` must be \"{PREFIX}\" followed by {SECRET_LEN} ASCII letters or digits; {why}"
            )))
        };
        let Some(secret) = raw.strip_prefix(PREFIX) else {
            return invalid("it does not start with that prefix".into());
        };
        if let Some(bad) = secret.chars().find(|c| !c.is_ascii_alphanumeric()) {
            let what = if bad.is_ascii() {
                "a character that is not a letter or digit"
            } else {
                "a non-ASCII character"
            };
            return invalid(format!("it contains {what}"));
        }
        if secret.len() != SECRET_LEN {
            return invalid(format!(
                "the part after the prefix has {} characters",
                secret.len()
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Validates an OFAuth Link URL: on `origin` exactly, with a path, at most
    /// 2048 characters, no fragment, whitespace or control characters.
    pub fn parse_link_url(raw: &str, origin: &LinkOrigin) -> Result<Self, WidgetError> {
        let invalid = |why: &str| {
            Err(WidgetError::InvalidToken(format!(
                "the session must be the Link URL from `POST /v2/link/init`, on {}; {why}",
                origin.as_str()
            )))
        };
        let Some(rest) = raw.strip_prefix(origin.as_str()) else {
            return invalid("it is not on that origin");
        };
        if !rest.starts_with('/') || rest.len() < 2 {
            return invalid("it has no path after the origin");
        }
        if raw.len() > 2048 {
            return invalid("it is longer than 2048 characters");
        }
        if raw
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '#')
        {
            return invalid("it contains whitespace, a control character or a fragment");
        }
        Ok(Self(raw.to_owned()))
    }

    /// The token as sent to the provider. Only URL building should need this.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientSessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.strip_prefix(PREFIX) {
            Some(_) => write!(f, "ClientSessionToken({PREFIX}…)"),
            None => write!(f, "ClientSessionToken(<Link URL>)"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX";

    #[test]
    fn accepts_the_documented_shape() {
        assert_eq!(ClientSessionToken::parse(GOOD).unwrap().expose(), GOOD);
    }

    #[test]
    fn rejects_every_wrong_shape_without_echoing_it() {
        let cases: &[(&str, &str)] = &[
            ("", "does not start"),
            ("ofapi_cs_", "has 0 characters"),
            (
                "OFAPI_CS_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX",
                "does not start",
            ),
            (
                "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FL",
                "has 31 characters",
            ),
            (
                "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLXY",
                "has 33 characters",
            ),
            (
                "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FL/",
                "not a letter or digit",
            ),
            (
                "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FL ",
                "not a letter or digit",
            ),
            (
                "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5F\u{00e9}",
                "non-ASCII",
            ),
            (
                "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5F\u{ff21}",
                "non-ASCII",
            ),
            (
                " ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX",
                "does not start",
            ),
            (
                "ofapi_cs_../../../../../../../../../admin",
                "not a letter or digit",
            ),
        ];
        for (raw, why) in cases {
            let err = ClientSessionToken::parse(raw).unwrap_err();
            assert_eq!(err.code(), "invalid_token", "{raw:?}");
            let message = err.to_string();
            assert!(message.contains(why), "{raw:?}: {message}");
            if raw.len() > 12 {
                assert!(!message.contains(&raw[9..]), "secret echoed: {message}");
            }
        }
    }

    #[test]
    fn link_urls_need_a_path_and_at_most_2048_characters() {
        let origin = LinkOrigin::parse("https://link.ofauth.com").unwrap();
        let url = |path: &str| format!("{}{path}", origin.as_str());
        let longest = url(&format!("/{}", "x".repeat(2048 - url("/").len())));
        for ok in [url("/s"), longest.clone()] {
            assert!(
                ClientSessionToken::parse_link_url(&ok, &origin).is_ok(),
                "{ok}"
            );
        }
        for (bad, why) in [
            (url(""), "no path"),
            (url("/"), "no path"),
            (format!("{longest}x"), "longer than 2048"),
        ] {
            let err = ClientSessionToken::parse_link_url(&bad, &origin).unwrap_err();
            assert!(err.to_string().contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let token = ClientSessionToken::parse(GOOD).unwrap();
        assert_eq!(format!("{token:?}"), "ClientSessionToken(ofapi_cs_…)");
    }
}
