//! What the host page is told: the reports, the lifecycle events with their
//! stable names, and why a flow closed or a message was ignored.

use serde::Serialize;

use crate::error::WidgetError;
use crate::protocol::{Connection, LinkStep, Rejection};

/// Why a flow closed. `onExit` gets the reasons that are not a success
/// (`success`) or an expiry (`expired`); `close` events get them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    /// The modal's close button.
    CloseButton,
    /// The Escape key.
    Escape,
    /// The host called `close()`.
    HostClose,
    /// The provider page's Continue button.
    Continue,
    /// The user closed the popup.
    PopupClosed,
    /// The popup was cut off by Cross-Origin-Opener-Policy (see `popup_severed`).
    PopupSevered,
    /// The flow could not go on (see the `onError` that came before).
    Error,
    /// Closed after a success (popup mode closes the popup at once).
    Success,
    /// The session expired and could not be renewed.
    Expired,
    /// (OFAuth) The user left the Link page.
    UserExit,
    /// (OFAuth) The Link page ended the flow itself.
    ForcedExit,
}

/// What the host page is told. Serialises as the `payload` of the host event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum HostEvent {
    /// The flow page is usable (`onReady`).
    Ready,
    /// The account was connected (`onSuccess`). Terminal.
    Success(Connection),
    /// Something went wrong (`onError`). Terminal only when an exit follows.
    Error(WidgetError),
    /// The flow ended without success (`onExit`). Terminal.
    Exit {
        /// Why.
        reason: ExitReason,
        /// (OFAuth) The Link step the user was on, when the page ended the flow.
        #[serde(skip_serializing_if = "Option::is_none")]
        step: Option<LinkStep>,
    },
    /// The session expired and could not be renewed (`onExpired`). Terminal.
    Expired,
    /// A lifecycle event (`onEvent(name, metadata)`).
    Event(Lifecycle),
}

impl HostEvent {
    /// The host event type: the `type` of the posted message and the
    /// `ofconnect:<type>` DOM event name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Success(_) => "success",
            Self::Error(_) => "error",
            Self::Exit { .. } => "exit",
            Self::Expired => "expired",
            Self::Event(_) => "event",
        }
    }
}

/// Lifecycle events passed to `onEvent`, with stable names.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "name", content = "metadata", rename_all = "snake_case")]
pub enum Lifecycle {
    /// A session was requested from the host.
    SessionRequested {},
    /// A session arrived.
    SessionReceived {},
    /// An expired session was replaced and the flow reloaded.
    SessionRenewed {},
    /// The flow opened.
    Open {
        /// `modal` or `popup`.
        surface: &'static str,
    },
    /// The popup window opened.
    PopupOpened {},
    /// The popup was blocked and the modal is used instead.
    PopupFallback {},
    /// The flow frame loaded.
    FrameLoaded {},
    /// The flow closed.
    Close {
        /// Why.
        reason: ExitReason,
    },
    /// A message was ignored.
    MessageRejected {
        /// Why.
        reason: RejectReason,
    },
}

/// Why a message was ignored, as reported in `message_rejected`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// See [`Rejection::OriginMismatch`].
    OriginMismatch,
    /// See [`Rejection::SourceMismatch`].
    SourceMismatch,
    /// See [`Rejection::Malformed`].
    Malformed,
    /// A second terminal message in one flow.
    DuplicateOutcome,
}

impl From<Rejection> for RejectReason {
    fn from(r: Rejection) -> Self {
        match r {
            Rejection::OriginMismatch => Self::OriginMismatch,
            Rejection::SourceMismatch => Self::SourceMismatch,
            Rejection::Malformed => Self::Malformed,
        }
    }
}
