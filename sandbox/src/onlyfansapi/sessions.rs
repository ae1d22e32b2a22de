//! OnlyFansAPI's client sessions (tokens `ofapi_cs_…`, each made with an
//! API key), and what a login that connects reports.

use std::ops::Deref;
use std::time::Duration;

use serde::Serialize;

use crate::common::login::{Logins, SandboxAccount};
use crate::common::random::random_alphanumeric;

/// What a client session knows of whoever created it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientSession {
    /// The index of the API key that created it.
    pub key: usize,
    /// The `display_name` given, shown on the page.
    pub display_name: String,
}

/// The client sessions, by token.
pub struct ClientSessions(Logins<ClientSession>);

impl ClientSessions {
    /// Sessions whose tokens are valid for `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self(Logins::new(ttl))
    }

    /// Creates a session for API key `key` and returns its token.
    pub fn create(&self, key: usize, display_name: &str) -> String {
        let token = format!("ofapi_cs_{}", random_alphanumeric(32));
        let display_name = display_name.to_owned();
        self.0.insert(&token, ClientSession { key, display_name });
        token
    }
}

impl Deref for ClientSessions {
    type Target = Logins<ClientSession>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// The `onlyfansapi.auth.success` payload: the connected account. (Fields
/// in alphabetical order, as the wire has always had them.)
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthSuccess {
    account_id: String,
    onlyfans_data: Profile,
    username: &'static str,
}

/// The OnlyFans profile of a connected account.
#[derive(Serialize)]
struct Profile {
    avatar_url: Option<String>,
    email: &'static str,
    id: u64,
    name: &'static str,
    username: &'static str,
}

impl AuthSuccess {
    /// The payload for `account`, under a new account id (`acct_…`).
    pub fn new(account: &SandboxAccount) -> Self {
        Self {
            account_id: format!("acct_{}", random_alphanumeric(20)),
            onlyfans_data: Profile {
                avatar_url: None,
                email: account.email,
                id: account.id,
                name: account.name,
                username: account.username,
            },
            username: account.username,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::login::{Attempt, Gone, SANDBOX_ACCOUNTS};

    #[test]
    fn tokens_have_the_provider_shape_and_are_distinct() {
        let s = ClientSessions::new(Duration::from_secs(60));
        let a = s.create(0, "Agency / Model");
        let b = s.create(0, "Agency / Model");
        assert_ne!(a, b);
        assert_eq!(a.len(), "ofapi_cs_".len() + 32);
        assert!(a["ofapi_cs_".len()..]
            .chars()
            .all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn login_without_2fa_connects_and_uses_the_token() {
        let s = ClientSessions::new(Duration::from_secs(60));
        let t = s.create(0, "Agency / Model");
        assert_eq!(s.login(&t, "creator@sandbox.test", "wrong"), Attempt::Wrong);
        let Attempt::Connected(account, session) = s.login(&t, "creator@sandbox.test", "sandbox")
        else {
            panic!()
        };
        let v = serde_json::to_value(AuthSuccess::new(account)).unwrap();
        assert_eq!(v["onlyfansData"]["username"], "sandbox_creator");
        assert_eq!(
            s.login(&t, "creator@sandbox.test", "sandbox"),
            Attempt::Gone(Gone::Used)
        );
        assert_eq!(s.check(&t), Err((Gone::Used, Some(session))));
    }

    #[test]
    fn the_success_payload_keeps_its_wire_order() {
        let payload = AuthSuccess::new(&SANDBOX_ACCOUNTS[0]);
        let text = serde_json::to_string(&payload).unwrap();
        assert_eq!(text, serde_json::to_value(&payload).unwrap().to_string());
        assert!(text.ends_with(
            r#""onlyfansData":{"avatar_url":null,"email":"creator@sandbox.test","id":100001,"name":"Sandbox Creator","username":"sandbox_creator"},"username":"sandbox_creator"}"#
        ));
    }
}
