//! What the machine is given, its configuration and inputs, and what it asks
//! the browser layer to do, its effects.

use super::report::{ExitReason, HostEvent};
use crate::error::WidgetError;
use crate::protocol::{ProviderMessage, Rejection};
use crate::session::Session;
use crate::token::ClientSessionToken;

/// A popup that closes within this many milliseconds of being sent to the
/// provider, without the provider page ever having answered, was cut off by
/// `Cross-Origin-Opener-Policy`, not closed by the user.
pub const SEVERED_WITHIN_MS: f64 = 3000.0;

/// Where the flow is shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Surface {
    /// A modal dialog with an iframe, on the host page.
    #[default]
    Modal,
    /// A popup window.
    Popup,
    /// In a host element on the page (`container`), in place of a modal.
    Inline,
}

impl Surface {
    /// Its name in the `open` event.
    pub fn name(self) -> &'static str {
        match self {
            Self::Modal => "modal",
            Self::Popup => "popup",
            Self::Inline => "inline",
        }
    }
}

/// How a widget was configured.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Config {
    /// Where `open()` shows the flow.
    pub surface: Surface,
    /// Fall back to the modal when the popup is blocked.
    pub fallback_to_modal: bool,
    /// Whether the widget can get new sessions (`getSession` or `sessionUrl`).
    pub renewable: bool,
    /// Get a session only when the flow is open, never ahead of it (at
    /// create, or after one is used or expires while closed). For a
    /// `session-url` that markup named: markup alone must not make the page
    /// send a request without the user's click.
    pub on_open_only: bool,
    /// The provider's page says when it is ready (OFAuth's `loaded`);
    /// otherwise the frame's load event stands for it.
    pub announces_ready: bool,
    /// The provider's page is told when the widget closes it (OFAuth's `exit_requested`).
    pub requests_exit: bool,
}

/// Something that happened to the widget.
#[derive(Debug)]
pub enum Input {
    /// The host called `open()` at `now_ms` (Unix ms).
    Open {
        /// The current time.
        now_ms: f64,
    },
    /// The user or the host closed the flow.
    Close(ExitReason),
    /// The host called `destroy()`.
    Destroy,
    /// Fetch number `fetch` finished.
    SessionFetched {
        /// The number from [`Effect::FetchSession`].
        fetch: u32,
        /// The session, or why there is none.
        result: Result<Session, WidgetError>,
        /// The current time (Unix ms).
        now_ms: f64,
    },
    /// The session's `expiresAt` has passed.
    Expired,
    /// The flow frame finished loading.
    FrameLoaded,
    /// `window.open` returned a window.
    PopupOpened,
    /// `window.open` returned null.
    PopupBlocked,
    /// The popup reads as closed; `ms_since_provider` is the time since it
    /// was sent to the provider's page, if it was.
    PopupClosed {
        /// Milliseconds since the popup was sent to the provider page.
        ms_since_provider: Option<f64>,
    },
    /// A screened message from the provider's page.
    Provider(ProviderMessage),
    /// A message that failed screening.
    Rejected(Rejection),
    /// The browser could not show the modal, or the inline flow (why, for the host).
    ModalFailed(WidgetError),
}

/// What the browser layer must do.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Start fetch number `n` of a new session (a result with another number is stale).
    FetchSession(u32),
    /// Abort the fetch in flight, if any.
    CancelFetch,
    /// Set the expiry timer to this Unix time in ms, or clear it.
    ScheduleExpiry(Option<f64>),
    /// Show the surface, with the flow page for this token or a loading state.
    /// For a popup, the browser layer answers with `PopupOpened` or `PopupBlocked`.
    Show(Surface, Option<ClientSessionToken>),
    /// Put the flow page for this token (or the loading state) in the surface.
    Load(Option<ClientSessionToken>),
    /// Tell the provider's page that the widget is closing it (`force`: the
    /// host closed it, not the user). Comes just before `RemoveSurface`.
    RequestExit {
        /// Whether the host (rather than the user) closed the flow.
        force: bool,
    },
    /// Remove the surface (close the popup) and its message listener.
    RemoveSurface,
    /// Report to the host page (callback, `postMessage` and DOM event).
    Report(HostEvent),
}
