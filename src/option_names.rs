//! The names of `OFConnect.create`'s options, and of `<of-connect>`'s
//! attributes: the browser layer reads each option by its constant here and
//! refuses any other name as unknown, and `tests/contract.rs` checks them
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
pub const SETTINGS: [&str; 14] = [
    PROVIDER,
    THEME,
    LOCALE,
    LABELS,
    TOKEN,
    GET_SESSION,
    SESSION_URL,
    LINK_ORIGIN,
    MODE,
    CONTAINER,
    FALLBACK,
    SESSION_TIMEOUT,
    FORWARD_TO,
    EVENT_TARGET,
];
/// Which provider's flow: `"onlyfansapi"` or `"ofauth"`.
pub const PROVIDER: &str = "provider";
/// The colour scheme: `"light"`, `"dark"` or `"auto"` (also the OFAuth Link page's).
pub const THEME: &str = "theme";
/// The language of the widget's own strings: `"en"`, `"es"`, `"fr"`, `"de"`, `"pt"`.
pub const LOCALE: &str = "locale";
/// The host's own strings, by name (one of [`LABEL_NAMES`]).
pub const LABELS: &str = "labels";
/// The session token (or OFAuth Link URL), when the host has one.
pub const TOKEN: &str = "token";
/// The host's function that returns a session.
pub const GET_SESSION: &str = "getSession";
/// The host backend's URL that answers a session.
pub const SESSION_URL: &str = "sessionUrl";
/// The provider's exact origin.
pub const LINK_ORIGIN: &str = "linkOrigin";
/// `"modal"` or `"popup"`.
pub const MODE: &str = "mode";
/// The element the flow is shown in, in place of a modal.
pub const CONTAINER: &str = "container";
/// What a blocked popup falls back to.
pub const FALLBACK: &str = "fallback";
/// How long one session request may take.
pub const SESSION_TIMEOUT: &str = "sessionTimeout";
/// A window the reports are also posted to.
pub const FORWARD_TO: &str = "forwardTo";
/// Where the DOM events are dispatched.
pub const EVENT_TARGET: &str = "eventTarget";

/// `<of-connect>`'s attributes, and the options they set (the element
/// observes the same list: `observedAttributes` in `www/src/ofconnect.js`).
pub const ATTRIBUTES: [(&str, &str); 9] = [
    ("provider", PROVIDER),
    ("theme", THEME),
    ("locale", LOCALE),
    ("token", TOKEN),
    ("session-url", SESSION_URL),
    ("link-origin", LINK_ORIGIN),
    ("mode", MODE),
    ("fallback", FALLBACK),
    ("session-timeout", SESSION_TIMEOUT),
];

/// The names of the strings `labels` may replace.
pub const LABEL_NAMES: [&str; 3] = [LABEL_TITLE, LABEL_CLOSE, LABEL_LOADING];
/// The modal's title (also the frame's and the popup's title).
pub const LABEL_TITLE: &str = "title";
/// The close button's accessible name.
pub const LABEL_CLOSE: &str = "close";
/// The loading state's text.
pub const LABEL_LOADING: &str = "loading";
