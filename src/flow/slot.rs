//! The session the next `open()` uses, and the fetches that get one: each
//! fetch has a number, and only the answer to the latest one is taken.

use super::io::Effect;
use super::report::{HostEvent, Lifecycle};
use crate::session::Session;
use crate::token::ClientSessionToken;

/// Where the widget's session stands.
#[derive(Debug, PartialEq)]
pub(super) enum Slot {
    /// No session, none coming.
    Empty,
    /// A fetch is in flight.
    Fetching,
    /// A session ready to open.
    Ready(Session),
    /// The session connected an account.
    Used,
    /// The session expired.
    Expired,
}

/// The slot, and the number of the latest fetch.
#[derive(Debug)]
pub(super) struct Sessions {
    pub slot: Slot,
    fetches: u32,
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            slot: Slot::Empty,
            fetches: 0,
        }
    }
}

impl Sessions {
    /// Starts the next fetch: the effect that carries its number, and the event.
    pub fn fetch(&mut self) -> Vec<Effect> {
        self.fetches += 1;
        self.slot = Slot::Fetching;
        vec![
            Effect::FetchSession(self.fetches),
            Effect::Report(HostEvent::Event(Lifecycle::SessionRequested {})),
        ]
    }

    /// Whether the answer to fetch number `fetch` is the one awaited: a
    /// later fetch, or a close that discarded it, makes it stale.
    pub fn awaits(&self, fetch: u32) -> bool {
        fetch == self.fetches && self.slot == Slot::Fetching
    }

    /// The token to open, when a session is ready.
    pub fn token(&self) -> Option<ClientSessionToken> {
        match &self.slot {
            Slot::Ready(s) => Some(s.token.clone()),
            _ => None,
        }
    }
}
