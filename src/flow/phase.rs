//! Where a flow is: idle, open or destroyed; and an open flow, from `open()`
//! to its end: where it is shown and what it shows. Each state carries only
//! what holds in it, so that a page that is both loading and connected, say,
//! cannot be written. It knows nothing of the machine around it (`mod.rs`),
//! which uses it.

/// The phase of one widget's flow.
#[derive(Debug, PartialEq)]
pub(super) enum Phase {
    /// No flow open.
    Idle,
    /// A flow is open.
    Open(Visit),
    /// `destroy()` was called: nothing happens any more.
    Destroyed,
}

/// An open flow.
#[derive(Debug, PartialEq)]
pub(super) struct Visit {
    pub place: Place,
    pub page: Page,
    /// The provider's page has sent an accepted message: it is connected to
    /// us, so a popup that closes after that was closed, not cut off.
    pub answered: bool,
}

/// Where an open flow is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Place {
    /// The modal on the host page.
    Modal,
    /// A popup whose `window.open` has not answered yet: its `open` event
    /// is not reported, and it has no `close` event to report either.
    PopupOpening,
    /// A popup window that opened.
    Popup,
}

/// What the surface shows.
#[derive(Debug, PartialEq)]
pub(super) enum Page {
    /// The loading state while the first session is fetched.
    Loading,
    /// The loading state while a session that expired is replaced.
    Renewing,
    /// The provider's page for a session.
    Provider(Progress),
    /// The provider's page after it reported a connection: the flow has its
    /// terminal outcome, and the page stays until it is closed.
    Connected(Progress),
}

/// How far the provider's page has come. The two are independent: a frame
/// loads (modal), and a page that announces itself says when it is ready.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Progress {
    /// The frame's load event came.
    pub loaded: bool,
    /// `onReady` was reported for this page.
    pub ready: bool,
}

impl Visit {
    /// A flow opening in a popup or the modal, with the provider's page when
    /// there is a session, or the loading state until one arrives.
    pub fn new(popup: bool, has_session: bool) -> Self {
        Self {
            place: match popup {
                true => Place::PopupOpening,
                false => Place::Modal,
            },
            page: match has_session {
                true => Page::Provider(Progress::default()),
                false => Page::Loading,
            },
            answered: false,
        }
    }

    /// The surface shows the loading state.
    pub fn is_loading(&self) -> bool {
        matches!(self.page, Page::Loading | Page::Renewing)
    }

    /// The flow has its success.
    pub fn is_connected(&self) -> bool {
        matches!(self.page, Page::Connected(_))
    }

    /// The provider's page, when one is shown.
    pub fn progress(&mut self) -> Option<&mut Progress> {
        match &mut self.page {
            Page::Provider(p) | Page::Connected(p) => Some(p),
            Page::Loading | Page::Renewing => None,
        }
    }
}

impl Progress {
    /// Whether this is the moment to report `onReady`, once per page shown:
    /// the frame's load event or the popup opening (`by_page` false), or,
    /// for a provider that announces it (`announces`), the page's own
    /// message (`by_page` true).
    pub fn becomes_ready(&mut self, announces: bool, by_page: bool) -> bool {
        if self.ready || by_page != announces {
            return false;
        }
        self.ready = true;
        true
    }
}
