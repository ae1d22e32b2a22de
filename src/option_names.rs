//! The names of `OFConnect.create`'s options: the browser layer reads these
//! and refuses any other as unknown, and `tests/contract.rs` checks them
//! against `www/src/ofconnect.d.ts` and `www/src/ofconnect.js`.

use crate::flow::HostEvent;

/// The host's callbacks: the options that are functions, one per kind of
/// [`HostEvent`] (see [`callback`]).
pub const CALLBACKS: [&str; 6] = [
    "onReady",
    "onSuccess",
    "onError",
    "onExit",
    "onExpired",
    "onEvent",
];

/// The options that are not callbacks.
pub const SETTINGS: [&str; 11] = [
    "provider",
    "theme",
    "token",
    "getSession",
    "sessionUrl",
    "linkOrigin",
    "mode",
    "fallback",
    "sessionTimeout",
    "forwardTo",
    "eventTarget",
];

/// The callback that reports `event` to the host: one of [`CALLBACKS`].
pub fn callback(event: &HostEvent) -> &'static str {
    match event {
        HostEvent::Ready => "onReady",
        HostEvent::Success(_) => "onSuccess",
        HostEvent::Error(_) => "onError",
        HostEvent::Exit { .. } => "onExit",
        HostEvent::Expired => "onExpired",
        HostEvent::Event(_) => "onEvent",
    }
}
