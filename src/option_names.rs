//! The names of `OFConnect.create`'s options: the browser layer reads these
//! and refuses any other as unknown, and `tests/contract.rs` checks them
//! against `www/src/ofconnect.d.ts` and `www/src/ofconnect.js`.

/// The host's callbacks: the options that are functions, one per kind of
/// host event (`src/web/host.rs` calls each by its constant below).
pub const CALLBACKS: [&str; 6] = [
    ON_READY, ON_SUCCESS, ON_ERROR, ON_EXIT, ON_EXPIRED, ON_EVENT,
];
/// Called when the provider's page is showing.
pub const ON_READY: &str = "onReady";
/// Called with the connected account.
pub const ON_SUCCESS: &str = "onSuccess";
/// Called with an error.
pub const ON_ERROR: &str = "onError";
/// Called when the flow ends without success.
pub const ON_EXIT: &str = "onExit";
/// Called when the session expired and could not be renewed.
pub const ON_EXPIRED: &str = "onExpired";
/// Called with each lifecycle event.
pub const ON_EVENT: &str = "onEvent";

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
