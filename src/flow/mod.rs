//! The flow state machine: what the widget does for each thing that happens.
//!
//! It owns no DOM, no timers and no network. [`Flow::step`] takes an
//! [`Input`] and returns the [`Effect`]s for the browser layer to carry out,
//! in order: DOM, timer and fetch effects first, then reports to the host, so
//! a host callback that re-enters the widget (`destroy()` inside `onSuccess`)
//! always sees a consistent state.
//!
//! Every `open()` ends in exactly one terminal report: `Success`, `Exit` or `Expired`.
//!
//! - `io.rs`: what the machine is given (configuration, inputs) and what it
//!   asks for (effects);
//! - `report.rs`: what the host page is told;
//! - `slot.rs`: the session the next `open()` uses, and its fetches;
//! - `phase.rs`: idle, open (and then what an open flow shows), destroyed.

mod io;
mod phase;
mod report;
mod slot;
#[cfg(test)]
mod tests;

use crate::error::WidgetError;
use crate::protocol::{Connection, LinkExit, LinkExitType, LinkStep, ProviderMessage};
use crate::session::Session;
pub use io::{Config, Effect, Input, Surface, SEVERED_WITHIN_MS};
use phase::{Page, Phase, Place, Progress, Visit};
pub use report::{ExitReason, HostEvent, Lifecycle, RejectReason};
use slot::{Sessions, Slot};

/// The state of one widget handle.
#[derive(Debug)]
pub struct Flow {
    config: Config,
    invalid: Option<WidgetError>,
    sessions: Sessions,
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
            sessions: Sessions::default(),
            phase: Phase::Idle,
        };
        let effects = match initial {
            Err(e) => {
                flow.invalid = Some(e.clone());
                vec![Effect::Report(HostEvent::Error(e))]
            }
            Ok(Some(session)) => {
                let at = session.expires_at_ms;
                flow.sessions.slot = Slot::Ready(session);
                vec![Effect::ScheduleExpiry(at)]
            }
            Ok(None) if config.renewable && !config.on_open_only => flow.sessions.fetch(),
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
                if idle && matches!(&self.sessions.slot, Slot::Ready(s) if s.is_expired(now_ms)) {
                    effects = self.expired();
                }
                effects.extend(self.open());
                effects
            }
            Input::SessionFetched {
                fetch,
                result,
                now_ms,
            } if self.sessions.awaits(fetch) => {
                self.session_fetched(result.map(|s| s.fetched_at(now_ms)))
            }
            Input::SessionFetched { .. } => vec![],
            Input::Expired => self.expired(),
            Input::Close(reason) => self.end(reason),
            _ if !self.is_open() => vec![],
            // `window.open` answers only for a popup that is opening.
            Input::PopupOpened | Input::PopupBlocked if !self.opening_popup() => vec![],
            Input::PopupOpened => {
                let Phase::Open(v) = &mut self.phase else {
                    return vec![];
                };
                v.place = Place::Popup;
                let mut effects = vec![
                    opened(Surface::Popup),
                    Report(Event(Lifecycle::PopupOpened {})),
                ];
                if let Some(page) = v.progress() {
                    effects.extend(ready(page, self.config, false));
                }
                effects
            }
            Input::PopupBlocked if self.config.fallback_to_modal => {
                let token = self.sessions.token();
                let Phase::Open(v) = &mut self.phase else {
                    return vec![];
                };
                v.place = Place::Modal;
                vec![
                    Effect::Show(Surface::Modal, token),
                    Report(Event(Lifecycle::PopupFallback {})),
                    opened(Surface::Modal),
                ]
            }
            // No window ever opened: the error and the exit, and no `close` event.
            Input::PopupBlocked => self.fail(WidgetError::PopupBlocked),
            Input::ModalFailed(error) => self.fail(error),
            Input::PopupClosed { ms_since_provider } => {
                let Phase::Open(v) = &self.phase else {
                    return vec![];
                };
                let severed = !v.is_loading()
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
                let Some(page) = v.progress().filter(|p| !p.loaded) else {
                    return vec![];
                };
                page.loaded = true;
                let mut effects = vec![Report(Event(Lifecycle::FrameLoaded {}))];
                effects.extend(ready(page, self.config, false));
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
        match &self.sessions.slot {
            Slot::Ready(_) | Slot::Fetching => {}
            _ if self.config.renewable => effects = self.sessions.fetch(),
            Slot::Used => return vec![Report(HostEvent::Error(WidgetError::SessionUsed))],
            Slot::Expired => return vec![Report(HostEvent::Expired)],
            Slot::Empty => {
                return vec![Report(HostEvent::Error(WidgetError::InvalidToken(
                    "`token` is required".into(),
                )))]
            }
        }
        let token = self.sessions.token();
        let surface = self.config.surface;
        self.phase = Phase::Open(Visit::new(surface == Surface::Popup, token.is_some()));
        effects.push(Effect::Show(surface, token));
        if surface != Surface::Popup {
            // A popup reports its opening once `window.open` has answered.
            effects.push(opened(surface));
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
                self.sessions.slot = Slot::Ready(session);
                let Phase::Open(v) = &mut self.phase else {
                    return effects;
                };
                if !v.is_loading() {
                    return effects;
                }
                let renewed = v.page == Page::Renewing;
                let mut page = Progress::default();
                effects.push(Effect::Load(Some(token)));
                if renewed {
                    effects.push(Report(Event(Lifecycle::SessionRenewed {})));
                }
                if v.place == Place::Popup {
                    effects.extend(ready(&mut page, self.config, false));
                }
                v.page = Page::Provider(page);
                effects
            }
            Err(e) => {
                self.sessions.slot = Slot::Empty;
                match &self.phase {
                    Phase::Open(v) if v.page == Page::Renewing => {
                        let mut effects = vec![Report(HostEvent::Error(e))];
                        effects.extend(self.end(ExitReason::Expired));
                        effects
                    }
                    Phase::Open(v) if v.page == Page::Loading => self.fail(e),
                    _ => vec![Report(HostEvent::Error(e))],
                }
            }
        }
    }

    fn expired(&mut self) -> Vec<Effect> {
        if matches!(self.sessions.slot, Slot::Ready(_)) {
            self.sessions.slot = Slot::Expired;
        }
        match &mut self.phase {
            Phase::Open(v) if v.page == Page::Renewing => vec![],
            Phase::Open(v) if !v.is_connected() && self.config.renewable => {
                v.page = Page::Renewing;
                let mut effects = vec![Effect::ScheduleExpiry(None), Effect::Load(None)];
                effects.extend(self.sessions.fetch());
                effects
            }
            Phase::Open(v) if !v.is_connected() => {
                let mut effects = vec![Effect::ScheduleExpiry(None)];
                effects.extend(self.end(ExitReason::Expired));
                effects
            }
            Phase::Idle
                if self.config.renewable
                    && !self.config.on_open_only
                    && self.sessions.slot == Slot::Expired =>
            {
                let mut effects = vec![Effect::ScheduleExpiry(None)];
                effects.extend(self.sessions.fetch());
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
        if v.is_loading() {
            // A page we already unloaded (renewal) still talking.
            return vec![];
        }
        v.answered = true;
        let connected = v.is_connected();
        match message {
            ProviderMessage::Success(_)
            | ProviderMessage::Connected(_)
            | ProviderMessage::Failed(_)
                if connected =>
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
            ProviderMessage::Loaded => {
                let config = self.config;
                v.progress()
                    .and_then(|p| ready(p, config, true))
                    .into_iter()
                    .collect()
            }
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
        let Page::Provider(page) = std::mem::replace(&mut v.page, Page::Loading) else {
            return vec![];
        };
        v.page = Page::Connected(page);
        let popup = v.place != Place::Modal;
        self.sessions.slot = Slot::Used;
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
            effects.extend(self.sessions.fetch());
        }
        effects
    }

    /// (OFAuth) The page ended the flow: its error if any, then the exit at its step.
    fn link_exit(&mut self, exit: LinkExit) -> Vec<Effect> {
        let succeeded = matches!(&self.phase, Phase::Open(v) if v.is_connected());
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
        let (succeeded, waiting) = (v.is_connected(), v.is_loading());
        // The `close` event answers the `open` event, which a popup that
        // never opened did not report.
        let opened = v.place != Place::PopupOpening;
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
        if waiting && self.sessions.slot == Slot::Fetching {
            // Closing during a fetch discards its result (`SessionFetched`
            // is only taken while the slot is `Fetching`).
            self.sessions.slot = Slot::Empty;
            effects.push(Effect::CancelFetch);
        }
        if opened {
            effects.push(Effect::Report(HostEvent::Event(Lifecycle::Close {
                reason,
            })));
        }
        if !succeeded {
            effects.push(Effect::Report(match reason {
                ExitReason::Expired => HostEvent::Expired,
                reason => HostEvent::Exit { reason, step },
            }));
        }
        effects
    }

    fn opening_popup(&self) -> bool {
        matches!(&self.phase, Phase::Open(v) if v.place == Place::PopupOpening)
    }
}

/// `onReady` for the page shown, when this is its moment (see [`Progress::becomes_ready`]).
fn ready(page: &mut Progress, config: Config, by_page: bool) -> Option<Effect> {
    page.becomes_ready(config.announces_ready, by_page)
        .then_some(Effect::Report(HostEvent::Ready))
}

/// The `open` event for `surface`.
fn opened(surface: Surface) -> Effect {
    Effect::Report(HostEvent::Event(Lifecycle::Open {
        surface: surface.name(),
    }))
}
