//! The flow state machine: what the widget does for each thing that happens.
//!
//! It owns no DOM, no timers and no network. [`Flow::step`] takes an
//! [`Input`] and returns the [`Effect`]s for the browser layer to carry out,
//! in order: DOM, timer and fetch effects first, then reports to the host, so
//! a host callback that re-enters the widget (`destroy()` inside `onSuccess`)
//! always sees a consistent state.
//!
//! Every `open()` ends in exactly one terminal report: `Success`, `Exit` or `Expired`.

use serde::Serialize;

use crate::error::WidgetError;
use crate::protocol::{Connection, LinkExit, LinkExitType, LinkStep, ProviderMessage, Rejection};
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
    /// The browser could not show the modal (the reason, for the host).
    ModalFailed(String),
}

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

#[derive(Debug, PartialEq)]
enum Slot {
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

#[derive(Debug, PartialEq)]
struct Visit {
    surface: Surface,
    /// The surface shows the loading state (no session yet, or renewing).
    waiting: bool,
    renewing: bool,
    /// A popup whose `window.open` result is not known yet.
    opening: bool,
    loaded: bool,
    /// `onReady` was reported for the page now shown.
    ready: bool,
    succeeded: bool,
    /// The provider page has sent an accepted message: it is connected to us.
    answered: bool,
}

#[derive(Debug, PartialEq)]
enum Phase {
    Idle,
    Open(Visit),
    Destroyed,
}

/// The state of one widget handle.
#[derive(Debug)]
pub struct Flow {
    config: Config,
    invalid: Option<WidgetError>,
    session: Slot,
    fetch: u32,
    phase: Phase,
}

impl Flow {
    /// A new flow. `initial` is the token given at `create` (if any) or the
    /// first problem with the options, which is then reported at once and on
    /// every `open()`. A renewable flow without a token fetches one at once,
    /// so that `open()` is instant.
    pub fn new(
        config: Config,
        initial: Result<Option<Session>, WidgetError>,
    ) -> (Self, Vec<Effect>) {
        let mut flow = Self {
            config,
            invalid: None,
            session: Slot::Empty,
            fetch: 0,
            phase: Phase::Idle,
        };
        let effects = match initial {
            Err(e) => {
                flow.invalid = Some(e.clone());
                vec![Effect::Report(HostEvent::Error(e))]
            }
            Ok(Some(session)) => {
                let at = session.expires_at_ms;
                flow.session = Slot::Ready(session);
                vec![Effect::ScheduleExpiry(at)]
            }
            Ok(None) if config.renewable && !config.on_open_only => flow.fetch_session(),
            Ok(None) => vec![],
        };
        (flow, effects)
    }

    /// Whether `destroy()` has been called.
    pub fn is_destroyed(&self) -> bool {
        self.phase == Phase::Destroyed
    }

    /// Whether a flow is open.
    pub fn is_open(&self) -> bool {
        matches!(self.phase, Phase::Open(_))
    }

    /// Advances the state machine. The effects come in two groups, each in
    /// order: first what changes the page, timers and fetches, then the reports.
    pub fn step(&mut self, input: Input) -> Vec<Effect> {
        let (mut effects, reports): (Vec<Effect>, Vec<Effect>) = self
            .transition(input)
            .into_iter()
            .partition(|e| !matches!(e, Effect::Report(_)));
        effects.extend(reports);
        effects
    }

    fn transition(&mut self, input: Input) -> Vec<Effect> {
        use Effect::Report;
        use HostEvent::Event;
        if self.phase == Phase::Destroyed {
            return vec![];
        }
        match input {
            Input::Destroy => {
                let mut effects = vec![Effect::CancelFetch, Effect::ScheduleExpiry(None)];
                if self.is_open() {
                    effects.push(Effect::RemoveSurface);
                }
                self.phase = Phase::Destroyed;
                effects
            }
            Input::Open { now_ms } => {
                let mut effects = vec![];
                // An open flow's expiry is the timer's business; an idle one
                // must not open a session that has expired in the meantime.
                let idle = self.phase == Phase::Idle;
                if idle && matches!(&self.session, Slot::Ready(s) if s.is_expired(now_ms)) {
                    effects = self.expired();
                }
                effects.extend(self.open());
                effects
            }
            Input::SessionFetched {
                fetch,
                result,
                now_ms,
            } if fetch == self.fetch && self.session == Slot::Fetching => {
                // A fresh session that already reads as expired means the
                // clocks disagree: rely on the provider to report expiry.
                let result = result.map(|s| match s.is_expired(now_ms) {
                    true => Session {
                        expires_at_ms: None,
                        ..s
                    },
                    false => s,
                });
                self.session_fetched(result)
            }
            Input::SessionFetched { .. } => vec![],
            Input::Expired => self.expired(),
            Input::Close(reason) => self.end(reason),
            _ if !self.is_open() => vec![],
            Input::PopupOpened => {
                let token = self.ready_token();
                let Phase::Open(v) = &mut self.phase else {
                    return vec![];
                };
                v.opening = false;
                let mut effects = vec![
                    Report(Event(Lifecycle::Open { surface: "popup" })),
                    Report(Event(Lifecycle::PopupOpened {})),
                ];
                if token.is_some() {
                    effects.extend(ready(v, self.config, false));
                }
                effects
            }
            Input::PopupBlocked if self.config.fallback_to_modal => {
                let token = self.ready_token();
                let Phase::Open(v) = &mut self.phase else {
                    return vec![];
                };
                v.surface = Surface::Modal;
                v.opening = false;
                vec![
                    Effect::Show(Surface::Modal, token),
                    Report(Event(Lifecycle::PopupFallback {})),
                    Report(Event(Lifecycle::Open { surface: "modal" })),
                ]
            }
            Input::PopupBlocked => {
                // No window ever opened: no `close` event, just the error and the exit.
                let mut effects = self.fail(WidgetError::PopupBlocked);
                effects.retain(|e| !matches!(e, Report(Event(Lifecycle::Close { .. }))));
                effects
            }
            Input::ModalFailed(why) => self.fail(WidgetError::Unsupported(why)),
            Input::PopupClosed { ms_since_provider } => {
                let Phase::Open(v) = &self.phase else {
                    return vec![];
                };
                let severed = !v.waiting
                    && !v.answered
                    && ms_since_provider.is_some_and(|ms| ms < SEVERED_WITHIN_MS);
                if severed {
                    let mut effects = vec![Report(HostEvent::Error(WidgetError::PopupSevered))];
                    effects.extend(self.end(ExitReason::PopupSevered));
                    effects
                } else {
                    self.end(ExitReason::PopupClosed)
                }
            }
            Input::FrameLoaded => {
                let Phase::Open(v) = &mut self.phase else {
                    return vec![];
                };
                if v.loaded || v.waiting {
                    return vec![];
                }
                v.loaded = true;
                let mut effects = vec![Report(Event(Lifecycle::FrameLoaded {}))];
                effects.extend(ready(v, self.config, false));
                effects
            }
            Input::Provider(message) => self.provider(message),
            Input::Rejected(r) => vec![Report(Event(Lifecycle::MessageRejected {
                reason: r.into(),
            }))],
        }
    }

    fn open(&mut self) -> Vec<Effect> {
        use Effect::Report;
        if let Some(e) = &self.invalid {
            return vec![Report(HostEvent::Error(e.clone()))];
        }
        if self.phase != Phase::Idle {
            return vec![];
        }
        let mut effects = vec![];
        match &self.session {
            Slot::Ready(_) | Slot::Fetching => {}
            _ if self.config.renewable => effects = self.fetch_session(),
            Slot::Used => return vec![Report(HostEvent::Error(WidgetError::SessionUsed))],
            Slot::Expired => return vec![Report(HostEvent::Expired)],
            Slot::Empty => {
                return vec![Report(HostEvent::Error(WidgetError::InvalidToken(
                    "`token` is required".into(),
                )))]
            }
        }
        let token = self.ready_token();
        let surface = self.config.surface;
        self.phase = Phase::Open(Visit {
            surface,
            waiting: token.is_none(),
            renewing: false,
            opening: surface == Surface::Popup,
            loaded: false,
            ready: false,
            succeeded: false,
            answered: false,
        });
        effects.push(Effect::Show(surface, token));
        if surface == Surface::Modal {
            // A popup reports its opening once `window.open` has answered.
            effects.push(Report(HostEvent::Event(Lifecycle::Open {
                surface: "modal",
            })));
        }
        effects
    }

    fn session_fetched(&mut self, result: Result<Session, WidgetError>) -> Vec<Effect> {
        use Effect::Report;
        use HostEvent::Event;
        match result {
            Ok(session) => {
                let token = session.token.clone();
                let mut effects = vec![
                    Effect::ScheduleExpiry(session.expires_at_ms),
                    Report(Event(Lifecycle::SessionReceived {})),
                ];
                self.session = Slot::Ready(session);
                if let Phase::Open(v) = &mut self.phase {
                    if v.waiting {
                        v.waiting = false;
                        v.loaded = false;
                        v.ready = false;
                        effects.push(Effect::Load(Some(token)));
                        if std::mem::take(&mut v.renewing) {
                            effects.push(Report(Event(Lifecycle::SessionRenewed {})));
                        }
                        if v.surface == Surface::Popup && !v.opening {
                            effects.extend(ready(v, self.config, false));
                        }
                    }
                }
                effects
            }
            Err(e) => {
                self.session = Slot::Empty;
                match &self.phase {
                    Phase::Open(v) if v.renewing => {
                        let mut effects = vec![Report(HostEvent::Error(e))];
                        effects.extend(self.end(ExitReason::Expired));
                        effects
                    }
                    Phase::Open(v) if v.waiting => self.fail(e),
                    _ => vec![Report(HostEvent::Error(e))],
                }
            }
        }
    }

    fn expired(&mut self) -> Vec<Effect> {
        if matches!(self.session, Slot::Ready(_)) {
            self.session = Slot::Expired;
        }
        let succeeded = matches!(&self.phase, Phase::Open(v) if v.succeeded);
        match &mut self.phase {
            Phase::Open(v) if !v.succeeded && !v.renewing && self.config.renewable => {
                v.renewing = true;
                v.waiting = true;
                let mut effects = vec![Effect::ScheduleExpiry(None), Effect::Load(None)];
                effects.extend(self.fetch_session());
                effects
            }
            Phase::Open(v) if v.renewing => vec![],
            Phase::Open(_) if !succeeded => {
                let mut effects = vec![Effect::ScheduleExpiry(None)];
                effects.extend(self.end(ExitReason::Expired));
                effects
            }
            Phase::Idle
                if self.config.renewable
                    && !self.config.on_open_only
                    && self.session == Slot::Expired =>
            {
                let mut effects = vec![Effect::ScheduleExpiry(None)];
                effects.extend(self.fetch_session());
                effects
            }
            _ => vec![Effect::ScheduleExpiry(None)],
        }
    }

    fn provider(&mut self, message: ProviderMessage) -> Vec<Effect> {
        use Effect::Report;
        let duplicate = || {
            vec![Report(HostEvent::Event(Lifecycle::MessageRejected {
                reason: RejectReason::DuplicateOutcome,
            }))]
        };
        let Phase::Open(v) = &mut self.phase else {
            return vec![];
        };
        if v.waiting {
            // A page we already unloaded (renewal) still talking.
            return vec![];
        }
        v.answered = true;
        match message {
            ProviderMessage::Success(_)
            | ProviderMessage::Connected(_)
            | ProviderMessage::Failed(_)
                if v.succeeded =>
            {
                duplicate()
            }
            ProviderMessage::Success(result) => self.succeed(Connection::OnlyFansApi(result)),
            ProviderMessage::Connected(result) => self.succeed(Connection::OfAuth(result)),
            ProviderMessage::Failed(f) if f.is_session_expired() => self.expired(),
            ProviderMessage::Failed(f) => {
                vec![Report(HostEvent::Error(WidgetError::AuthFailed(f.message)))]
            }
            ProviderMessage::Continue => self.end(ExitReason::Continue),
            ProviderMessage::Loaded => ready(v, self.config, true).into_iter().collect(),
            ProviderMessage::Notice => vec![],
            ProviderMessage::Exit(exit) => self.link_exit(exit),
        }
    }

    /// The page reported a connection: the one terminal success.
    fn succeed(&mut self, result: Connection) -> Vec<Effect> {
        use Effect::Report;
        let Phase::Open(v) = &mut self.phase else {
            return vec![];
        };
        v.succeeded = true;
        let popup = v.surface == Surface::Popup;
        self.session = Slot::Used;
        let mut effects = vec![
            Effect::ScheduleExpiry(None),
            Report(HostEvent::Success(result)),
        ];
        if popup {
            // A terminal outcome closes the popup at once.
            self.phase = Phase::Idle;
            effects.push(Effect::RemoveSurface);
            effects.push(Report(HostEvent::Event(Lifecycle::Close {
                reason: ExitReason::Success,
            })));
        }
        if self.config.renewable && !self.config.on_open_only {
            // Used up: get the next session now, so the next open() is instant.
            effects.extend(self.fetch_session());
        }
        effects
    }

    /// (OFAuth) The page ended the flow: its error if any, then the exit at its step.
    fn link_exit(&mut self, exit: LinkExit) -> Vec<Effect> {
        let succeeded = matches!(&self.phase, Phase::Open(v) if v.succeeded);
        let reason = match exit.kind {
            LinkExitType::UserExit => ExitReason::UserExit,
            LinkExitType::ForcedExit => ExitReason::ForcedExit,
            LinkExitType::Error => ExitReason::Error,
        };
        let mut effects = vec![];
        if let (Some(e), false) = (exit.error, succeeded) {
            effects.push(Effect::Report(HostEvent::Error(
                WidgetError::ProviderError {
                    error_type: e.error_type,
                    message: e.error_message,
                },
            )));
        }
        effects.extend(self.end_at(reason, Some(exit.step)));
        effects
    }

    /// Ends an open flow with an error: the error, then the exit.
    fn fail(&mut self, error: WidgetError) -> Vec<Effect> {
        let mut effects = vec![Effect::Report(HostEvent::Error(error))];
        effects.extend(self.end(ExitReason::Error));
        effects
    }

    /// Closes an open flow: removal, the `close` event, and the terminal
    /// report unless the flow already succeeded.
    fn end(&mut self, reason: ExitReason) -> Vec<Effect> {
        self.end_at(reason, None)
    }

    /// [`Self::end`], with the step an OFAuth page ended the flow at. A page
    /// that is told of closings hears of it before it is removed.
    fn end_at(&mut self, reason: ExitReason, step: Option<LinkStep>) -> Vec<Effect> {
        let Phase::Open(v) = &self.phase else {
            return vec![];
        };
        let (succeeded, waiting) = (v.succeeded, v.waiting);
        self.phase = Phase::Idle;
        let mut effects = vec![];
        let force = match reason {
            ExitReason::CloseButton | ExitReason::Escape => Some(false),
            ExitReason::HostClose => Some(true),
            _ => None,
        };
        if let (Some(force), true, false) = (force, self.config.requests_exit, waiting) {
            effects.push(Effect::RequestExit { force });
        }
        effects.push(Effect::RemoveSurface);
        if waiting && self.session == Slot::Fetching {
            // Closing during a fetch discards its result (`SessionFetched`
            // is only taken while the slot is `Fetching`).
            self.session = Slot::Empty;
            effects.push(Effect::CancelFetch);
        }
        effects.push(Effect::Report(HostEvent::Event(Lifecycle::Close {
            reason,
        })));
        if !succeeded {
            effects.push(Effect::Report(match reason {
                ExitReason::Expired => HostEvent::Expired,
                reason => HostEvent::Exit { reason, step },
            }));
        }
        effects
    }

    fn fetch_session(&mut self) -> Vec<Effect> {
        self.fetch += 1;
        self.session = Slot::Fetching;
        vec![
            Effect::FetchSession(self.fetch),
            Effect::Report(HostEvent::Event(Lifecycle::SessionRequested {})),
        ]
    }

    fn ready_token(&self) -> Option<ClientSessionToken> {
        match &self.session {
            Slot::Ready(s) => Some(s.token.clone()),
            _ => None,
        }
    }
}

/// `onReady`, once per page shown: from the frame's load event or the popup
/// opening (`by_page` false), or, for a provider that announces it, from
/// the page's own message (`by_page` true).
fn ready(v: &mut Visit, config: Config, by_page: bool) -> Option<Effect> {
    if v.ready || by_page != config.announces_ready {
        return None;
    }
    v.ready = true;
    Some(Effect::Report(HostEvent::Ready))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{AuthFailure, AuthSuccess, OnlyFansProfile, OnlyFansUserId};
    use Effect::*;
    use HostEvent::Event;

    const TOKEN: &str = "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX";
    const OTHER: &str = "ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    const NOW: f64 = 1_000_000.0;

    fn token(t: &str) -> ClientSessionToken {
        ClientSessionToken::parse(t).unwrap()
    }

    fn session(t: &str, expires_at_ms: Option<f64>) -> Session {
        Session {
            token: token(t),
            expires_at_ms,
        }
    }

    fn config(surface: Surface, renewable: bool) -> Config {
        Config {
            surface,
            renewable,
            ..Config::default()
        }
    }

    fn success() -> AuthSuccess {
        AuthSuccess {
            account_id: "acct_1".into(),
            username: "stella".into(),
            onlyfans_data: OnlyFansProfile {
                id: OnlyFansUserId::Number(1),
                username: "stella".into(),
                email: "s@x.test".into(),
                avatar_url: None,
                name: "Stella".into(),
            },
        }
    }

    fn failed(message: &str, code: Option<&str>) -> Input {
        Input::Provider(ProviderMessage::Failed(AuthFailure {
            message: message.into(),
            code: code.map(Into::into),
        }))
    }

    fn open() -> Input {
        Input::Open { now_ms: NOW }
    }

    fn fetched(fetch: u32, result: Result<Session, WidgetError>) -> Input {
        Input::SessionFetched {
            fetch,
            result,
            now_ms: NOW,
        }
    }

    fn ev(l: Lifecycle) -> Effect {
        Report(Event(l))
    }

    /// A modal flow with a static token, open and loaded.
    fn open_modal() -> Flow {
        let (mut flow, effects) = Flow::new(
            config(Surface::Modal, false),
            Ok(Some(session(TOKEN, None))),
        );
        assert_eq!(effects, vec![ScheduleExpiry(None)]);
        assert_eq!(
            flow.step(open()),
            vec![
                Show(Surface::Modal, Some(token(TOKEN))),
                ev(Lifecycle::Open { surface: "modal" })
            ]
        );
        assert_eq!(
            flow.step(Input::FrameLoaded),
            vec![ev(Lifecycle::FrameLoaded {}), Report(HostEvent::Ready)]
        );
        flow
    }

    fn terminal(effects: &[Effect]) -> usize {
        effects
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Report(HostEvent::Success(_) | HostEvent::Exit { .. } | HostEvent::Expired)
                )
            })
            .count()
    }

    #[test]
    fn invalid_options_are_reported_at_create_and_on_open_without_dom_work() {
        let err = ClientSessionToken::parse("nope").unwrap_err();
        let (mut flow, effects) = Flow::new(config(Surface::Modal, true), Err(err.clone()));
        assert_eq!(effects, vec![Report(HostEvent::Error(err.clone()))]);
        assert_eq!(flow.step(open()), vec![Report(HostEvent::Error(err))]);
        assert!(!flow.is_open());
    }

    /// An open OFAuth modal: the page announces readiness and hears of closings.
    fn open_ofauth() -> Flow {
        let config = Config {
            announces_ready: true,
            requests_exit: true,
            ..config(Surface::Modal, false)
        };
        let (mut flow, _) = Flow::new(config, Ok(Some(session(TOKEN, None))));
        flow.step(open());
        flow
    }

    fn link(message: ProviderMessage) -> Input {
        Input::Provider(message)
    }

    #[test]
    fn ofauth_ready_comes_from_the_page_once() {
        let mut flow = open_ofauth();
        assert_eq!(
            flow.step(Input::FrameLoaded),
            vec![ev(Lifecycle::FrameLoaded {})]
        );
        assert_eq!(
            flow.step(link(ProviderMessage::Loaded)),
            vec![Report(HostEvent::Ready)]
        );
        assert_eq!(flow.step(link(ProviderMessage::Loaded)), vec![]);
        assert_eq!(flow.step(link(ProviderMessage::Notice)), vec![]);
        // OnlyFansAPI's page never says `loaded`: a stray one changes nothing.
        let mut plain = open_modal();
        assert_eq!(plain.step(link(ProviderMessage::Loaded)), vec![]);
    }

    #[test]
    fn ofauth_page_exits_with_its_step_and_error() {
        let mut flow = open_ofauth();
        let exit = LinkExit {
            kind: LinkExitType::Error,
            step: LinkStep::TwoFactor,
            error: Some(crate::protocol::LinkError {
                error_type: "too_many_attempts".into(),
                error_message: "Too many attempts".into(),
            }),
        };
        let error = WidgetError::ProviderError {
            error_type: "too_many_attempts".into(),
            message: "Too many attempts".into(),
        };
        assert_eq!(
            flow.step(link(ProviderMessage::Exit(exit))),
            vec![
                RemoveSurface,
                Report(HostEvent::Error(error)),
                ev(Lifecycle::Close {
                    reason: ExitReason::Error
                }),
                Report(HostEvent::Exit {
                    reason: ExitReason::Error,
                    step: Some(LinkStep::TwoFactor)
                }),
            ]
        );
        assert_eq!(
            serde_json::to_value(HostEvent::Exit {
                reason: ExitReason::UserExit,
                step: Some(LinkStep::PreLogin)
            })
            .unwrap(),
            serde_json::json!({"reason": "user_exit", "step": "pre-login"})
        );
    }

    #[test]
    fn ofauth_page_hears_of_closings_before_removal() {
        for (reason, force) in [
            (ExitReason::CloseButton, false),
            (ExitReason::Escape, false),
            (ExitReason::HostClose, true),
        ] {
            let mut flow = open_ofauth();
            let effects = flow.step(Input::Close(reason));
            assert_eq!(
                effects[..2],
                [RequestExit { force }, RemoveSurface],
                "{reason:?}"
            );
        }
        // Not when the page ended it itself, and never for OnlyFansAPI.
        let mut flow = open_ofauth();
        let exit = LinkExit {
            kind: LinkExitType::UserExit,
            step: LinkStep::Login,
            error: None,
        };
        assert!(!flow
            .step(link(ProviderMessage::Exit(exit)))
            .iter()
            .any(|e| matches!(e, RequestExit { .. })));
        let mut plain = open_modal();
        assert!(!plain
            .step(Input::Close(ExitReason::HostClose))
            .iter()
            .any(|e| matches!(e, RequestExit { .. })));
    }

    #[test]
    fn ofauth_success_is_the_one_outcome() {
        let mut flow = open_ofauth();
        let connected = crate::protocol::LinkSuccess {
            success_url: None,
            redirect: false,
            connection: crate::protocol::LinkConnection {
                id: "conn_1".into(),
                user_data: crate::protocol::LinkUser {
                    id: OnlyFansUserId::Text("42".into()),
                    name: "Stella".into(),
                    username: "stella".into(),
                    avatar: None,
                },
            },
        };
        let effects = flow.step(link(ProviderMessage::Connected(connected.clone())));
        assert!(
            effects.contains(&Report(HostEvent::Success(Connection::OfAuth(
                connected.clone()
            ))))
        );
        assert_eq!(
            flow.step(link(ProviderMessage::Connected(connected))),
            vec![ev(Lifecycle::MessageRejected {
                reason: RejectReason::DuplicateOutcome
            })]
        );
        // The user leaving the success screen is a close, not an exit.
        let exit = LinkExit {
            kind: LinkExitType::UserExit,
            step: LinkStep::Success,
            error: None,
        };
        let effects = flow.step(link(ProviderMessage::Exit(exit)));
        assert!(!effects
            .iter()
            .any(|e| matches!(e, Report(HostEvent::Exit { .. } | HostEvent::Error(_)))));
    }

    #[test]
    fn happy_path_then_continue() {
        let mut flow = open_modal();
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Success(success()))),
            vec![
                ScheduleExpiry(None),
                Report(HostEvent::Success(Connection::OnlyFansApi(success())))
            ]
        );
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Continue)),
            vec![
                RemoveSurface,
                ev(Lifecycle::Close {
                    reason: ExitReason::Continue
                })
            ]
        );
        assert!(!flow.is_open());
    }

    #[test]
    fn exactly_one_terminal_outcome_per_open() {
        let ok = || Input::Provider(ProviderMessage::Success(success()));
        let scripts: Vec<(&str, Vec<Input>)> = vec![
            ("success twice", vec![ok(), ok()]),
            (
                "success then close",
                vec![ok(), Input::Close(ExitReason::CloseButton)],
            ),
            (
                "close twice",
                vec![
                    Input::Close(ExitReason::Escape),
                    Input::Close(ExitReason::HostClose),
                ],
            ),
            (
                "close then late success",
                vec![Input::Close(ExitReason::Escape), ok()],
            ),
            (
                "failed, failed, close",
                vec![
                    failed("x", None),
                    failed("x", None),
                    Input::Close(ExitReason::CloseButton),
                ],
            ),
            (
                "continue before success",
                vec![
                    Input::Provider(ProviderMessage::Continue),
                    Input::Provider(ProviderMessage::Continue),
                ],
            ),
            ("expired then success", vec![Input::Expired, ok()]),
            (
                "success then expired",
                vec![ok(), Input::Expired, Input::Close(ExitReason::HostClose)],
            ),
        ];
        for (name, inputs) in scripts {
            let mut flow = open_modal();
            let count: usize = inputs.into_iter().map(|i| terminal(&flow.step(i))).sum();
            assert_eq!(count, 1, "{name}");
        }
    }

    #[test]
    fn close_reports_exit_with_the_reason_after_removing_the_modal() {
        for reason in [
            ExitReason::CloseButton,
            ExitReason::Escape,
            ExitReason::HostClose,
        ] {
            let mut flow = open_modal();
            assert_eq!(
                flow.step(Input::Close(reason)),
                vec![
                    RemoveSurface,
                    ev(Lifecycle::Close { reason }),
                    Report(HostEvent::Exit { reason, step: None })
                ]
            );
        }
    }

    #[test]
    fn failed_is_reported_and_not_terminal() {
        let mut flow = open_modal();
        assert_eq!(
            flow.step(failed("Wrong email or password", None)),
            vec![Report(HostEvent::Error(WidgetError::AuthFailed(
                "Wrong email or password".into()
            )))]
        );
        assert!(flow.is_open());
    }

    #[test]
    fn a_modal_that_cannot_be_shown_ends_the_flow_with_an_error() {
        let mut flow = open_modal();
        assert_eq!(
            flow.step(Input::ModalFailed("no body".into())),
            vec![
                RemoveSurface,
                Report(HostEvent::Error(WidgetError::Unsupported("no body".into()))),
                ev(Lifecycle::Close {
                    reason: ExitReason::Error
                }),
                Report(HostEvent::Exit {
                    reason: ExitReason::Error,
                    step: None,
                }),
            ]
        );
    }

    #[test]
    fn open_twice_shows_one_surface_and_a_used_static_token_is_not_reopened() {
        let mut flow = open_modal();
        assert_eq!(flow.step(open()), vec![]);
        flow.step(Input::Provider(ProviderMessage::Success(success())));
        flow.step(Input::Close(ExitReason::CloseButton));
        assert_eq!(
            flow.step(open()),
            vec![Report(HostEvent::Error(WidgetError::SessionUsed))]
        );
    }

    #[test]
    fn destroy_is_silent_total_and_idempotent() {
        let mut flow = open_modal();
        assert_eq!(
            flow.step(Input::Destroy),
            vec![CancelFetch, ScheduleExpiry(None), RemoveSurface]
        );
        assert_eq!(flow.step(Input::Destroy), vec![]);
        assert_eq!(flow.step(open()), vec![]);
        assert_eq!(flow.step(fetched(1, Ok(session(OTHER, None)))), vec![]);
        assert!(flow.is_destroyed());
    }

    #[test]
    fn a_renewable_flow_prefetches_and_opens_instantly() {
        let (mut flow, effects) = Flow::new(config(Surface::Modal, true), Ok(None));
        assert_eq!(
            effects,
            vec![FetchSession(1), ev(Lifecycle::SessionRequested {})]
        );
        assert_eq!(
            flow.step(fetched(1, Ok(session(TOKEN, Some(NOW + 60_000.0))))),
            vec![
                ScheduleExpiry(Some(NOW + 60_000.0)),
                ev(Lifecycle::SessionReceived {})
            ]
        );
        assert_eq!(
            flow.step(open())[0],
            Show(Surface::Modal, Some(token(TOKEN)))
        );
    }

    #[test]
    fn an_on_open_only_flow_fetches_only_when_opened() {
        let config = Config {
            on_open_only: true,
            ..config(Surface::Modal, true)
        };
        let (mut flow, effects) = Flow::new(config, Ok(None));
        assert_eq!(effects, vec![]);
        assert_eq!(
            flow.step(open()),
            vec![
                FetchSession(1),
                Show(Surface::Modal, None),
                ev(Lifecycle::SessionRequested {}),
                ev(Lifecycle::Open { surface: "modal" })
            ]
        );
        flow.step(fetched(1, Ok(session(TOKEN, Some(NOW + 60_000.0)))));
        flow.step(Input::Close(ExitReason::HostClose));
        // Expired while closed: nothing is fetched until the next open.
        assert!(!flow
            .step(Input::Expired)
            .iter()
            .any(|e| matches!(e, FetchSession(_))));
        assert!(flow.step(open()).contains(&FetchSession(2)));
    }

    #[test]
    fn open_during_a_fetch_waits_for_it_and_never_fetches_twice() {
        let (mut flow, _) = Flow::new(config(Surface::Modal, true), Ok(None));
        assert_eq!(
            flow.step(open()),
            vec![
                Show(Surface::Modal, None),
                ev(Lifecycle::Open { surface: "modal" })
            ]
        );
        assert_eq!(flow.step(open()), vec![]);
        assert_eq!(flow.step(Input::FrameLoaded), vec![], "no flow page yet");
        assert_eq!(
            flow.step(fetched(1, Ok(session(TOKEN, None)))),
            vec![
                ScheduleExpiry(None),
                Load(Some(token(TOKEN))),
                ev(Lifecycle::SessionReceived {})
            ]
        );
    }

    #[test]
    fn close_during_a_fetch_discards_its_result() {
        let (mut flow, _) = Flow::new(config(Surface::Modal, true), Ok(None));
        flow.step(open());
        let effects = flow.step(Input::Close(ExitReason::HostClose));
        assert!(effects.contains(&CancelFetch));
        assert_eq!(flow.step(fetched(1, Ok(session(TOKEN, None)))), vec![]);
        // The next open fetches a new one.
        assert_eq!(flow.step(open())[0], FetchSession(2));
    }

    #[test]
    fn a_failed_fetch_while_open_ends_the_flow_with_nothing_opened() {
        let (mut flow, _) = Flow::new(config(Surface::Modal, true), Ok(None));
        flow.step(open());
        let e = WidgetError::InvalidSessionResponse("the answer has no `token`".into());
        assert_eq!(
            flow.step(fetched(1, Err(e.clone()))),
            vec![
                RemoveSurface,
                Report(HostEvent::Error(e)),
                ev(Lifecycle::Close {
                    reason: ExitReason::Error
                }),
                Report(HostEvent::Exit {
                    reason: ExitReason::Error,
                    step: None,
                }),
            ]
        );
    }

    #[test]
    fn expiry_mid_flow_renews_in_place() {
        let (mut flow, _) = Flow::new(
            config(Surface::Modal, true),
            Ok(Some(session(TOKEN, Some(NOW + 5.0)))),
        );
        flow.step(open());
        flow.step(Input::FrameLoaded);
        assert_eq!(
            flow.step(Input::Expired),
            vec![
                ScheduleExpiry(None),
                Load(None),
                FetchSession(1),
                ev(Lifecycle::SessionRequested {})
            ]
        );
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Success(success()))),
            vec![],
            "the old page is gone"
        );
        assert_eq!(
            flow.step(fetched(1, Ok(session(OTHER, None)))),
            vec![
                ScheduleExpiry(None),
                Load(Some(token(OTHER))),
                ev(Lifecycle::SessionReceived {}),
                ev(Lifecycle::SessionRenewed {}),
            ]
        );
        assert_eq!(
            flow.step(Input::FrameLoaded),
            vec![ev(Lifecycle::FrameLoaded {}), Report(HostEvent::Ready)]
        );
    }

    #[test]
    fn the_provider_reporting_expiry_counts_as_expiry() {
        let mut flow = open_modal();
        assert_eq!(
            flow.step(failed("This session has expired.", Some("session_expired"))),
            vec![
                ScheduleExpiry(None),
                RemoveSurface,
                ev(Lifecycle::Close {
                    reason: ExitReason::Expired
                }),
                Report(HostEvent::Expired),
            ]
        );
        assert_eq!(
            flow.step(open()),
            vec![Report(HostEvent::Expired)],
            "the old token is never reused"
        );
    }

    #[test]
    fn a_failed_renewal_expires_the_flow() {
        let (mut flow, _) = Flow::new(config(Surface::Modal, true), Ok(Some(session(TOKEN, None))));
        flow.step(open());
        flow.step(Input::Expired);
        let e = WidgetError::SessionTimeout(std::time::Duration::from_secs(10));
        assert_eq!(
            flow.step(fetched(1, Err(e.clone()))),
            vec![
                RemoveSurface,
                Report(HostEvent::Error(e)),
                ev(Lifecycle::Close {
                    reason: ExitReason::Expired
                }),
                Report(HostEvent::Expired),
            ]
        );
    }

    #[test]
    fn an_expired_session_is_replaced_before_opening() {
        let (mut flow, _) = Flow::new(
            config(Surface::Modal, true),
            Ok(Some(session(TOKEN, Some(NOW - 1.0)))),
        );
        let effects = flow.step(open());
        assert_eq!(
            effects[..3],
            [
                ScheduleExpiry(None),
                FetchSession(1),
                Show(Surface::Modal, None)
            ]
        );
    }

    #[test]
    fn opening_an_open_flow_as_its_session_expires_reports_nothing() {
        // Found by tests/fuzz.rs: this used to report `onExpired` twice.
        let (mut flow, _) = Flow::new(
            config(Surface::Modal, false),
            Ok(Some(session(TOKEN, Some(NOW)))),
        );
        flow.step(Input::Open { now_ms: NOW - 1.0 });
        assert_eq!(flow.step(Input::Open { now_ms: NOW }), vec![]);
        assert_eq!(terminal(&flow.step(Input::Expired)), 1);
    }

    #[test]
    fn a_fresh_session_that_reads_as_expired_keeps_no_expiry() {
        let (mut flow, _) = Flow::new(config(Surface::Modal, true), Ok(None));
        assert_eq!(
            flow.step(fetched(1, Ok(session(TOKEN, Some(NOW - 60_000.0)))))[0],
            ScheduleExpiry(None)
        );
    }

    #[test]
    fn popup_reports_its_opening_only_once_the_window_exists() {
        let (mut flow, _) = Flow::new(config(Surface::Popup, true), Ok(Some(session(TOKEN, None))));
        assert_eq!(
            flow.step(open()),
            vec![Show(Surface::Popup, Some(token(TOKEN)))]
        );
        assert_eq!(
            flow.step(Input::PopupOpened),
            vec![
                ev(Lifecycle::Open { surface: "popup" }),
                ev(Lifecycle::PopupOpened {}),
                Report(HostEvent::Ready)
            ]
        );
        // Success closes the popup at once, and fetches the next session.
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Success(success()))),
            vec![
                ScheduleExpiry(None),
                RemoveSurface,
                FetchSession(1),
                Report(HostEvent::Success(Connection::OnlyFansApi(success()))),
                ev(Lifecycle::Close {
                    reason: ExitReason::Success
                }),
                ev(Lifecycle::SessionRequested {}),
            ]
        );
        assert!(!flow.is_open());
    }

    #[test]
    fn a_blocked_popup_is_an_error_or_falls_back_to_the_modal() {
        let (mut flow, _) = Flow::new(
            config(Surface::Popup, false),
            Ok(Some(session(TOKEN, None))),
        );
        flow.step(open());
        assert_eq!(
            flow.step(Input::PopupBlocked),
            vec![
                RemoveSurface,
                Report(HostEvent::Error(WidgetError::PopupBlocked)),
                Report(HostEvent::Exit {
                    reason: ExitReason::Error,
                    step: None,
                }),
            ]
        );
        let fallback = Config {
            fallback_to_modal: true,
            ..config(Surface::Popup, false)
        };
        let (mut flow, _) = Flow::new(fallback, Ok(Some(session(TOKEN, None))));
        flow.step(open());
        assert_eq!(
            flow.step(Input::PopupBlocked),
            vec![
                Show(Surface::Modal, Some(token(TOKEN))),
                ev(Lifecycle::PopupFallback {}),
                ev(Lifecycle::Open { surface: "modal" }),
            ]
        );
    }

    #[test]
    fn a_popup_closed_by_the_user_or_cut_off_by_coop() {
        let cases = [
            (Some(10_000.0), vec![ExitReason::PopupClosed]),
            (None, vec![ExitReason::PopupClosed]),
            (Some(200.0), vec![ExitReason::PopupSevered]),
        ];
        for (ms, want) in cases {
            let (mut flow, _) = Flow::new(
                config(Surface::Popup, false),
                Ok(Some(session(TOKEN, None))),
            );
            flow.step(open());
            flow.step(Input::PopupOpened);
            let effects = flow.step(Input::PopupClosed {
                ms_since_provider: ms,
            });
            let exits: Vec<ExitReason> = effects
                .iter()
                .filter_map(|e| match e {
                    Report(HostEvent::Exit { reason, .. }) => Some(*reason),
                    _ => None,
                })
                .collect();
            assert_eq!(exits, want, "{ms:?}");
            let severed_error =
                effects.contains(&Report(HostEvent::Error(WidgetError::PopupSevered)));
            assert_eq!(severed_error, want == [ExitReason::PopupSevered]);
        }
    }

    #[test]
    fn a_popup_that_answered_was_closed_by_the_user_however_soon() {
        let (mut flow, _) = Flow::new(
            config(Surface::Popup, false),
            Ok(Some(session(TOKEN, None))),
        );
        flow.step(open());
        flow.step(Input::PopupOpened);
        flow.step(failed("Wrong email or password", None));
        let effects = flow.step(Input::PopupClosed {
            ms_since_provider: Some(100.0),
        });
        assert!(effects.contains(&Report(HostEvent::Exit {
            reason: ExitReason::PopupClosed,
            step: None,
        })));
    }

    #[test]
    fn rejected_messages_are_reported_only_while_open() {
        let (mut flow, _) = Flow::new(
            config(Surface::Modal, false),
            Ok(Some(session(TOKEN, None))),
        );
        assert_eq!(
            flow.step(Input::Rejected(Rejection::OriginMismatch)),
            vec![]
        );
        flow.step(open());
        assert_eq!(
            flow.step(Input::Rejected(Rejection::SourceMismatch)),
            vec![ev(Lifecycle::MessageRejected {
                reason: RejectReason::SourceMismatch
            })]
        );
    }

    #[test]
    fn host_events_serialise_to_the_documented_payloads() {
        let cases = [
            (
                HostEvent::Exit {
                    reason: ExitReason::Escape,
                    step: None,
                },
                "exit",
                serde_json::json!({"reason": "escape"}),
            ),
            (
                HostEvent::Error(WidgetError::SessionUsed),
                "error",
                serde_json::json!({"code": "session_used", "message": WidgetError::SessionUsed.to_string(), "retryable": false}),
            ),
            (
                HostEvent::Error(WidgetError::RateLimited {
                    retry_after: Some(9),
                }),
                "error",
                serde_json::json!({"code": "rate_limited", "message": "the session endpoint is rate limited; try again in 9 s", "retryable": true, "retryAfter": 9}),
            ),
            (
                Event(Lifecycle::Close {
                    reason: ExitReason::HostClose,
                }),
                "event",
                serde_json::json!({"name": "close", "metadata": {"reason": "host_close"}}),
            ),
            (
                Event(Lifecycle::Open { surface: "popup" }),
                "event",
                serde_json::json!({"name": "open", "metadata": {"surface": "popup"}}),
            ),
            (
                Event(Lifecycle::SessionRenewed {}),
                "event",
                serde_json::json!({"name": "session_renewed", "metadata": {}}),
            ),
            (HostEvent::Ready, "ready", serde_json::json!(null)),
            (HostEvent::Expired, "expired", serde_json::json!(null)),
        ];
        for (event, kind, payload) in cases {
            assert_eq!(event.kind(), kind);
            assert_eq!(serde_json::to_value(&event).unwrap(), payload, "{event:?}");
        }
    }
}
