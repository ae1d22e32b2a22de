//! The state machine, input by input.

use super::*;
use crate::protocol::{AuthFailure, AuthSuccess, OnlyFansProfile, OnlyFansUserId, Rejection};
use crate::token::ClientSessionToken;
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
fn an_inline_flow_opens_in_place_and_ends_as_a_modal_does() {
    let (mut flow, _) = Flow::new(
        config(Surface::Inline, false),
        Ok(Some(session(TOKEN, None))),
    );
    assert_eq!(
        flow.step(open()),
        vec![
            Show(Surface::Inline, Some(token(TOKEN))),
            ev(Lifecycle::Open { surface: "inline" })
        ]
    );
    assert_eq!(
        flow.step(Input::FrameLoaded),
        vec![ev(Lifecycle::FrameLoaded {}), Report(HostEvent::Ready)]
    );
    let effects = flow.step(Input::Close(ExitReason::CloseButton));
    assert_eq!(effects[0], RemoveSurface);
    assert_eq!(terminal(&effects), 1);
    assert!(!flow.is_open());
}

#[test]
fn a_modal_that_cannot_be_shown_ends_the_flow_with_an_error() {
    let mut flow = open_modal();
    assert_eq!(
        flow.step(Input::ModalFailed(WidgetError::Unsupported(
            "no body".into()
        ))),
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
fn a_popup_closed_before_window_open_answers_reports_no_close_event() {
    // A host callback may close the flow between `window.open` and its
    // answer: the exit is reported, but no `close` answers an `open` that
    // never was, and the late answer changes nothing.
    let (mut flow, _) = Flow::new(
        config(Surface::Popup, false),
        Ok(Some(session(TOKEN, None))),
    );
    flow.step(open());
    assert_eq!(
        flow.step(Input::Close(ExitReason::HostClose)),
        vec![
            RemoveSurface,
            Report(HostEvent::Exit {
                reason: ExitReason::HostClose,
                step: None
            })
        ]
    );
    assert_eq!(flow.step(Input::PopupOpened), vec![]);
    assert_eq!(flow.step(Input::PopupBlocked), vec![]);
}

#[test]
fn a_success_before_window_open_answers_still_closes_the_popup() {
    // A host callback may re-enter the widget between `window.open` and its
    // answer: a success then closes the popup as it does once it opened.
    let (mut flow, _) = Flow::new(
        config(Surface::Popup, false),
        Ok(Some(session(TOKEN, None))),
    );
    flow.step(open());
    let effects = flow.step(Input::Provider(ProviderMessage::Success(success())));
    assert!(effects.contains(&RemoveSurface), "{effects:?}");
    assert!(!flow.is_open());
    assert_eq!(flow.step(Input::PopupOpened), vec![]);
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
        let severed_error = effects.contains(&Report(HostEvent::Error(WidgetError::PopupSevered)));
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
