//! The flow state machine: what the widget does for each thing that happens.
//!
//! It owns no DOM. [`Flow::step`] takes an [`Input`] and returns the
//! [`Effect`]s for the DOM layer to carry out, in order: DOM changes first,
//! then reports to the host, so a host callback that re-enters the widget
//! (`destroy()` inside `onSuccess`) always sees a consistent state.

use serde::Serialize;

use crate::error::WidgetError;
use crate::protocol::{AuthSuccess, ProviderMessage, Rejection};
use crate::token::ClientSessionToken;

/// Something that happened to the widget.
#[derive(Debug)]
pub enum Input {
    /// The host called `open()`.
    Open,
    /// The flow frame finished loading.
    FrameLoaded,
    /// A screened message from the provider's page.
    Provider(ProviderMessage),
    /// A message that failed screening.
    Rejected(Rejection),
    /// The user or the host closed the flow.
    Close(ExitReason),
    /// The browser could not show the modal (the reason, for the host).
    ModalFailed(String),
    /// The host called `destroy()`.
    Destroy,
}

/// Why a flow ended without success.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitReason {
    /// The modal's close button.
    CloseButton,
    /// The Escape key.
    Escape,
    /// The host called `close()`.
    HostClose,
    /// The provider page's Continue button, before any success.
    Continue,
    /// The flow could not be shown (see the `onError` that came before).
    Error,
}

/// What the DOM layer must do.
#[derive(Debug, PartialEq)]
pub enum Effect {
    /// Show the modal with the flow page for this token, and listen for messages.
    ShowModal(ClientSessionToken),
    /// Remove the modal and every listener it owns.
    RemoveModal,
    /// Report to the host page (callback, `postMessage` and DOM event).
    Report(HostEvent),
}

/// What the host page is told. Serialises as the `payload` of the host event.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum HostEvent {
    /// The flow page has loaded and is usable (`onReady`).
    Ready,
    /// The account was connected (`onSuccess`). Terminal.
    Success(AuthSuccess),
    /// Something went wrong (`onError`). Not terminal.
    Error(WidgetError),
    /// The flow ended without success (`onExit`). Terminal.
    Exit {
        /// Why.
        reason: ExitReason,
    },
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
            Self::Event(_) => "event",
        }
    }
}

/// Lifecycle events passed to `onEvent`, with stable names.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "name", content = "metadata", rename_all = "snake_case")]
pub enum Lifecycle {
    /// The modal opened.
    Open {},
    /// The flow frame loaded.
    FrameLoaded {},
    /// The modal closed (after success, by Continue, or on exit).
    Close {
        /// What closed it.
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
enum Phase {
    /// No modal.
    Idle,
    /// The modal is shown.
    Open { loaded: bool, succeeded: bool },
    /// `destroy()` was called: nothing happens any more.
    Destroyed,
}

/// The state of one widget handle.
#[derive(Debug)]
pub struct Flow {
    token: Result<ClientSessionToken, WidgetError>,
    token_used: bool,
    phase: Phase,
}

impl Flow {
    /// A new flow for a token that may have failed validation. An invalid
    /// token is reported at once, and again on every `open()`.
    pub fn new(token: Result<ClientSessionToken, WidgetError>) -> (Self, Vec<Effect>) {
        let effects = match &token {
            Err(e) => vec![Effect::Report(HostEvent::Error(e.clone()))],
            Ok(_) => vec![],
        };
        (
            Self {
                token,
                token_used: false,
                phase: Phase::Idle,
            },
            effects,
        )
    }

    /// Whether `destroy()` has been called.
    pub fn is_destroyed(&self) -> bool {
        self.phase == Phase::Destroyed
    }

    /// Whether the modal is shown.
    pub fn is_open(&self) -> bool {
        matches!(self.phase, Phase::Open { .. })
    }

    /// Advances the state machine.
    pub fn step(&mut self, input: Input) -> Vec<Effect> {
        use Effect::*;
        use HostEvent::Event;
        match (&mut self.phase, input) {
            (Phase::Destroyed, _) => vec![],
            (_, Input::Destroy) => {
                let was_open = self.is_open();
                self.phase = Phase::Destroyed;
                if was_open {
                    vec![RemoveModal]
                } else {
                    vec![]
                }
            }
            (Phase::Idle, Input::Open) => match &self.token {
                Err(e) => vec![Report(HostEvent::Error(e.clone()))],
                Ok(_) if self.token_used => {
                    vec![Report(HostEvent::Error(WidgetError::SessionUsed))]
                }
                Ok(token) => {
                    let token = token.clone();
                    self.phase = Phase::Open {
                        loaded: false,
                        succeeded: false,
                    };
                    vec![ShowModal(token), Report(Event(Lifecycle::Open {}))]
                }
            },
            (Phase::Open { loaded, .. }, Input::FrameLoaded) if !*loaded => {
                *loaded = true;
                vec![
                    Report(Event(Lifecycle::FrameLoaded {})),
                    Report(HostEvent::Ready),
                ]
            }
            (Phase::Open { succeeded, .. }, Input::Provider(message)) => match message {
                ProviderMessage::Success(_) if *succeeded => {
                    vec![Report(Event(Lifecycle::MessageRejected {
                        reason: RejectReason::DuplicateOutcome,
                    }))]
                }
                ProviderMessage::Success(result) => {
                    *succeeded = true;
                    self.token_used = true;
                    vec![Report(HostEvent::Success(result))]
                }
                ProviderMessage::Failed(_) if *succeeded => {
                    vec![Report(Event(Lifecycle::MessageRejected {
                        reason: RejectReason::DuplicateOutcome,
                    }))]
                }
                ProviderMessage::Failed(f) => {
                    vec![Report(HostEvent::Error(WidgetError::AuthFailed(f.message)))]
                }
                ProviderMessage::Continue => self.end(ExitReason::Continue),
            },
            (Phase::Open { .. }, Input::Rejected(r)) => {
                vec![Report(Event(Lifecycle::MessageRejected {
                    reason: r.into(),
                }))]
            }
            (Phase::Open { .. }, Input::Close(reason)) => self.end(reason),
            (Phase::Open { .. }, Input::ModalFailed(why)) => {
                let mut effects = vec![Report(HostEvent::Error(WidgetError::Unsupported(why)))];
                effects.extend(self.end(ExitReason::Error));
                effects
            }
            // Opening twice, closing when closed, late frame loads and late
            // messages change nothing.
            _ => vec![],
        }
    }

    fn end(&mut self, reason: ExitReason) -> Vec<Effect> {
        let Phase::Open { succeeded, .. } = self.phase else {
            return vec![];
        };
        self.phase = Phase::Idle;
        let mut effects = vec![
            Effect::RemoveModal,
            Effect::Report(HostEvent::Event(Lifecycle::Close { reason })),
        ];
        if !succeeded {
            effects.push(Effect::Report(HostEvent::Exit { reason }));
        }
        effects
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{AuthFailure, OnlyFansProfile, OnlyFansUserId};
    use Effect::*;

    const TOKEN: &str = "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX";

    fn token() -> ClientSessionToken {
        ClientSessionToken::parse(TOKEN).unwrap()
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

    fn open_flow() -> Flow {
        let (mut flow, effects) = Flow::new(Ok(token()));
        assert!(effects.is_empty());
        assert_eq!(
            flow.step(Input::Open),
            vec![
                ShowModal(token()),
                Report(HostEvent::Event(Lifecycle::Open {}))
            ]
        );
        flow
    }

    fn terminal(effects: &[Effect]) -> usize {
        effects
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Report(HostEvent::Success(_)) | Report(HostEvent::Exit { .. })
                )
            })
            .count()
    }

    #[test]
    fn invalid_token_is_reported_at_create_and_on_open_without_dom_work() {
        let err = ClientSessionToken::parse("nope").unwrap_err();
        let (mut flow, effects) = Flow::new(Err(err.clone()));
        assert_eq!(effects, vec![Report(HostEvent::Error(err.clone()))]);
        assert_eq!(flow.step(Input::Open), vec![Report(HostEvent::Error(err))]);
        assert!(!flow.is_open());
    }

    #[test]
    fn happy_path_then_continue() {
        let mut flow = open_flow();
        assert_eq!(
            flow.step(Input::FrameLoaded),
            vec![
                Report(HostEvent::Event(Lifecycle::FrameLoaded {})),
                Report(HostEvent::Ready)
            ]
        );
        assert_eq!(flow.step(Input::FrameLoaded), vec![]);
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Success(success()))),
            vec![Report(HostEvent::Success(success()))]
        );
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Continue)),
            vec![
                RemoveModal,
                Report(HostEvent::Event(Lifecycle::Close {
                    reason: ExitReason::Continue
                }))
            ]
        );
        assert!(!flow.is_open());
    }

    #[test]
    fn exactly_one_terminal_outcome_per_open() {
        let script: &[(&str, Vec<Input>, usize)] = &[
            (
                "success twice",
                vec![
                    Input::Provider(ProviderMessage::Success(success())),
                    Input::Provider(ProviderMessage::Success(success())),
                ],
                1,
            ),
            (
                "success then close",
                vec![
                    Input::Provider(ProviderMessage::Success(success())),
                    Input::Close(ExitReason::CloseButton),
                ],
                1,
            ),
            (
                "close twice",
                vec![
                    Input::Close(ExitReason::Escape),
                    Input::Close(ExitReason::HostClose),
                ],
                1,
            ),
            (
                "close then late success",
                vec![
                    Input::Close(ExitReason::Escape),
                    Input::Provider(ProviderMessage::Success(success())),
                ],
                1,
            ),
            (
                "failed, failed, close",
                vec![
                    Input::Provider(ProviderMessage::Failed(AuthFailure {
                        message: "x".into(),
                    })),
                    Input::Provider(ProviderMessage::Failed(AuthFailure {
                        message: "x".into(),
                    })),
                    Input::Close(ExitReason::CloseButton),
                ],
                1,
            ),
            (
                "continue before success",
                vec![
                    Input::Provider(ProviderMessage::Continue),
                    Input::Provider(ProviderMessage::Continue),
                ],
                1,
            ),
        ];
        for (name, inputs, want) in script {
            let mut flow = open_flow();
            let mut count = 0;
            for input in inputs.iter().map(clone_input) {
                count += terminal(&flow.step(input));
            }
            assert_eq!(count, *want, "{name}");
        }
    }

    #[test]
    fn close_reports_exit_with_the_reason_after_removing_the_modal() {
        for reason in [
            ExitReason::CloseButton,
            ExitReason::Escape,
            ExitReason::HostClose,
        ] {
            let mut flow = open_flow();
            assert_eq!(
                flow.step(Input::Close(reason)),
                vec![
                    RemoveModal,
                    Report(HostEvent::Event(Lifecycle::Close { reason })),
                    Report(HostEvent::Exit { reason })
                ]
            );
        }
    }

    #[test]
    fn failed_is_reported_and_not_terminal() {
        let mut flow = open_flow();
        let effects = flow.step(Input::Provider(ProviderMessage::Failed(AuthFailure {
            message: "Wrong email or password".into(),
        })));
        assert_eq!(
            effects,
            vec![Report(HostEvent::Error(WidgetError::AuthFailed(
                "Wrong email or password".into()
            )))]
        );
        assert!(flow.is_open());
        assert_eq!(
            terminal(&flow.step(Input::Provider(ProviderMessage::Success(success())))),
            1
        );
    }

    #[test]
    fn a_modal_that_cannot_be_shown_ends_the_flow_with_an_error() {
        let mut flow = open_flow();
        assert_eq!(
            flow.step(Input::ModalFailed("no body".into())),
            vec![
                Report(HostEvent::Error(WidgetError::Unsupported("no body".into()))),
                RemoveModal,
                Report(HostEvent::Event(Lifecycle::Close {
                    reason: ExitReason::Error
                })),
                Report(HostEvent::Exit {
                    reason: ExitReason::Error
                }),
            ]
        );
        assert!(!flow.is_open());
    }

    #[test]
    fn open_twice_shows_one_modal_and_reopen_after_close_works() {
        let mut flow = open_flow();
        assert_eq!(flow.step(Input::Open), vec![]);
        flow.step(Input::Close(ExitReason::HostClose));
        assert_eq!(flow.step(Input::Open)[0], ShowModal(token()));
    }

    #[test]
    fn a_used_token_is_not_opened_again() {
        let mut flow = open_flow();
        flow.step(Input::Provider(ProviderMessage::Success(success())));
        flow.step(Input::Close(ExitReason::CloseButton));
        assert_eq!(
            flow.step(Input::Open),
            vec![Report(HostEvent::Error(WidgetError::SessionUsed))]
        );
    }

    #[test]
    fn destroy_is_silent_total_and_idempotent() {
        let mut flow = open_flow();
        assert_eq!(flow.step(Input::Destroy), vec![RemoveModal]);
        assert_eq!(flow.step(Input::Destroy), vec![]);
        assert_eq!(flow.step(Input::Open), vec![]);
        assert_eq!(
            flow.step(Input::Provider(ProviderMessage::Success(success()))),
            vec![]
        );
        assert!(flow.is_destroyed());
        let (mut idle, _) = Flow::new(Ok(token()));
        assert_eq!(idle.step(Input::Destroy), vec![]);
    }

    #[test]
    fn rejected_messages_are_reported_only_while_open() {
        let (mut flow, _) = Flow::new(Ok(token()));
        assert_eq!(
            flow.step(Input::Rejected(Rejection::OriginMismatch)),
            vec![]
        );
        flow.step(Input::Open);
        assert_eq!(
            flow.step(Input::Rejected(Rejection::SourceMismatch)),
            vec![Report(HostEvent::Event(Lifecycle::MessageRejected {
                reason: RejectReason::SourceMismatch
            }))]
        );
    }

    #[test]
    fn host_events_serialise_to_the_documented_payloads() {
        let cases = [
            (
                HostEvent::Exit {
                    reason: ExitReason::Escape,
                },
                "exit",
                serde_json::json!({"reason": "escape"}),
            ),
            (
                HostEvent::Error(WidgetError::SessionUsed),
                "error",
                serde_json::json!({"code": "session_used", "message": WidgetError::SessionUsed.to_string()}),
            ),
            (
                HostEvent::Event(Lifecycle::Close {
                    reason: ExitReason::HostClose,
                }),
                "event",
                serde_json::json!({"name": "close", "metadata": {"reason": "host_close"}}),
            ),
            (
                HostEvent::Event(Lifecycle::Open {}),
                "event",
                serde_json::json!({"name": "open", "metadata": {}}),
            ),
            (HostEvent::Ready, "ready", serde_json::json!(null)),
        ];
        for (event, kind, payload) in cases {
            assert_eq!(event.kind(), kind);
            assert_eq!(serde_json::to_value(&event).unwrap(), payload, "{event:?}");
        }
    }

    fn clone_input(input: &Input) -> Input {
        match input {
            Input::Open => Input::Open,
            Input::FrameLoaded => Input::FrameLoaded,
            Input::Provider(m) => Input::Provider(m.clone()),
            Input::Rejected(r) => Input::Rejected(*r),
            Input::Close(r) => Input::Close(*r),
            Input::Destroy => Input::Destroy,
            Input::ModalFailed(w) => Input::ModalFailed(w.clone()),
        }
    }
}
