//! OFAuth's data: Link sessions, and connections with their users, as the
//! API writes them. Fields are in alphabetical order, the order the wire has
//! always had (a test checks it).

use serde::{Serialize, Serializer};

use crate::common::login::SandboxAccount;
use crate::common::timestamp::Timestamp;
use crate::config::Environment;

/// What a Link session (`lnk_…`) was given by `POST /v2/link/init`.
#[derive(Clone, Debug)]
pub struct Link {
    /// The index of its client app.
    pub app: usize,
    /// Where to send the user back, when not embedded.
    pub redirect_url: Option<String>,
    /// The integrator's reference, handed back.
    pub client_reference_id: Option<String>,
    /// The connection it renews, if any.
    pub connection_id: Option<String>,
    /// The environment of the key that made it.
    pub environment: Environment,
}

/// A connection's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Usable.
    Active,
    /// Its OnlyFans session ended; Link can renew it.
    Expired,
    /// Ended by the integrator.
    Disconnected,
}

impl Status {
    /// `active`, `expired` or `disconnected`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Disconnected => "disconnected",
        }
    }

    /// The status named `name`.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::Active, Self::Expired, Self::Disconnected]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

/// The connected OnlyFans user of a connection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct User {
    /// The avatar's URL, if any.
    pub avatar: Option<String>,
    /// The OnlyFans user id.
    pub id: String,
    /// The display name.
    pub name: String,
    /// The OnlyFans username.
    pub username: String,
}

impl User {
    /// The user of a sandbox account.
    pub fn of(account: &SandboxAccount) -> Self {
        Self {
            avatar: None,
            id: account.id.to_string(),
            name: account.name.to_owned(),
            username: account.username.to_owned(),
        }
    }
}

/// An OFAuth connection.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// The client app it was made for.
    pub client_app_id: String,
    /// The integrator's reference from the Link session.
    pub client_reference_id: Option<String>,
    /// When it was made.
    pub created_at: Timestamp,
    /// The environment it lives in.
    #[serde(serialize_with = "environment_name")]
    pub environment: Environment,
    /// `conn_…`.
    pub id: String,
    /// Its state.
    pub status: Status,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Its OnlyFans user.
    pub user_data: User,
}

fn environment_name<S: Serializer>(env: &Environment, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(env.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::common::login::SANDBOX_ACCOUNTS;

    #[test]
    fn connections_keep_their_wire_order() {
        let connection = Connection {
            client_app_id: "app_sandbox".into(),
            client_reference_id: None,
            created_at: Timestamp::from_unix(0),
            environment: Environment::Sandbox,
            id: "conn_1".into(),
            status: Status::Active,
            updated_at: Timestamp::from_unix(1),
            user_data: User::of(&SANDBOX_ACCOUNTS[0]),
        };
        let text = serde_json::to_string(&connection).unwrap();
        assert_eq!(text, serde_json::to_value(&connection).unwrap().to_string());
        assert_eq!(
            text,
            r#"{"clientAppId":"app_sandbox","clientReferenceId":null,"createdAt":"1970-01-01T00:00:00Z","environment":"sandbox","id":"conn_1","status":"active","updatedAt":"1970-01-01T00:00:01Z","userData":{"avatar":null,"id":"100001","name":"Sandbox Creator","username":"sandbox_creator"}}"#
        );
    }

    #[test]
    fn statuses_are_named_in_lower_case() {
        for s in [Status::Active, Status::Expired, Status::Disconnected] {
            assert_eq!(Status::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(Status::parse("Active"), None);
    }
}
