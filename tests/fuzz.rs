//! Property-based fuzzing of everything that reads untrusted input: the
//! provider message decoder and screening, the token and origin parsers, the
//! date parsers, and the flow state machine's invariants.
//!
//! `make test` runs a bounded number of cases; `make fuzz` runs many more
//! (`PROPTEST_CASES`).
#![cfg(not(target_arch = "wasm32"))]

use ofconnect::flow::{Config, Effect, ExitReason, Flow, HostEvent, Input, Surface};
use ofconnect::origin::LinkOrigin;
use ofconnect::protocol::{
    screen, within_bounds, Inspect, ProviderMessage, Shape, Source, MAX_DEPTH, MAX_FIELD_LEN,
    MAX_TEXT, MAX_VALUES,
};
use ofconnect::provider::{Profile, Provider};
use ofconnect::retry::parse_retry_after;
use ofconnect::session::Session;
use ofconnect::timestamp::{parse_http_date, parse_rfc3339};
use ofconnect::token::ClientSessionToken;
use proptest::prelude::*;
use serde_json::{json, Value};

#[path = "support/json_inspect.rs"]
mod json_inspect;
use json_inspect::Json;

const PREFIX: &str = "ofapi_cs_";

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        any::<i64>().prop_map(Value::from),
        ".{0,40}".prop_map(Value::from),
        Just(json!("onlyfansapi.auth.success")),
        Just(json!("onlyfansapi.auth.failed")),
        Just(json!("onlyfansapi.auth.continue")),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_owned()),
                    Just("payload".to_owned()),
                    Just("accountId".to_owned()),
                    Just("username".to_owned()),
                    Just("onlyfansData".to_owned()),
                    Just("message".to_owned()),
                    Just("id".to_owned()),
                    ".{0,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A valid success message with some fields replaced by arbitrary values.
fn mutated_success() -> impl Strategy<Value = Value> {
    (json_value(), 0usize..7, ".{0,3000}").prop_map(|(v, field, text)| {
        let mut m = json!({"type": "onlyfansapi.auth.success", "payload": {"accountId": "acct_1", "username": "u",
            "onlyfansData": {"id": 1, "username": "u", "email": "e", "avatar_url": null, "name": "n"}}});
        match field {
            0 => m["payload"]["accountId"] = v,
            1 => m["payload"]["username"] = json!(text),
            2 => m["payload"]["onlyfansData"]["id"] = v,
            3 => m["payload"]["onlyfansData"]["avatar_url"] = v,
            4 => m["payload"]["onlyfansData"] = v,
            5 => m["payload"] = v,
            _ => m["type"] = v,
        }
        m
    })
}

/// JSON around the size limits: deep, wide and long.
fn sized_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        (0..(MAX_TEXT / 2)).prop_map(|n| Value::from("x".repeat(n))),
    ];
    leaf.prop_recursive(12, 400, 24, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..40).prop_map(Value::from),
            prop::collection::btree_map("[a-z]{0,6}", inner, 0..40)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// The depth, value count and text length of `v`, computed recursively (the
/// reference the iterative [`within_bounds`] must agree with).
fn measure(v: &Value, depth: usize) -> (usize, usize, usize) {
    let children: Vec<(usize, usize, usize)> = match v {
        Value::Array(a) => a.iter().map(|c| measure(c, depth + 1)).collect(),
        Value::Object(o) => o
            .iter()
            .map(|(k, c)| {
                let (d, n, t) = measure(c, depth + 1);
                (d, n + 1, t + k.len())
            })
            .collect(),
        _ => vec![],
    };
    let own_text = if let Value::String(s) = v { s.len() } else { 0 };
    children.iter().fold((depth, 1, own_text), |(d, n, t), c| {
        (d.max(c.0), n + c.1, t + c.2)
    })
}

proptest! {
    #[test]
    fn bounds_agree_with_a_recursive_measure(v in prop_oneof![json_value(), sized_json()]) {
        let (depth, values, text) = measure(&v, 0);
        let within = depth <= MAX_DEPTH && values <= MAX_VALUES && text <= MAX_TEXT;
        prop_assert_eq!(within_bounds(&Json::Value(&v)), within, "{}", v);
    }

    #[test]
    fn the_decoder_never_panics_and_screening_enforces_limits(v in prop_oneof![json_value(), mutated_success()]) {
        let origin = LinkOrigin::parse("https://app.onlyfansapi.com").unwrap();
        let json = Json::Value(&v);
        let decoded = Profile::default().decode(&json);
        let screened = screen(&origin, "https://app.onlyfansapi.com", Source::FlowWindow, &json, |_| decoded.clone());
        if let Ok(Some(ProviderMessage::Success(s))) = &screened {
            prop_assert!(s.username.len() <= MAX_FIELD_LEN && s.account_id.len() <= MAX_FIELD_LEN);
        }
        // OFAuth's reader takes the same untrusted data without panicking.
        let ofauth = Profile { provider: Provider::OfAuth, ..Profile::default() };
        let _ = screen(&origin, "https://app.onlyfansapi.com", Source::FlowWindow, &json, |data| ofauth.decode(data));
        // The same data from anywhere else is never accepted.
        for (o, src) in [("https://app.onlyfansapi.com", Source::Other), ("https://evil.example", Source::FlowWindow)] {
            prop_assert!(screen(&origin, o, src, &json, |_| decoded.clone()).is_err());
        }
    }

    #[test]
    fn tokens_are_exactly_the_prefix_and_32_alphanumerics(s in prop_oneof![".{0,60}", "ofapi_cs_.{0,40}", "ofapi_cs_[A-Za-z0-9]{30,34}"]) {
        let valid = s.strip_prefix(PREFIX).is_some_and(|rest| rest.len() == 32 && rest.bytes().all(|b| b.is_ascii_alphanumeric()));
        match ClientSessionToken::parse(&s) {
            Ok(t) => { prop_assert!(valid); prop_assert_eq!(t.expose(), s.as_str()); }
            Err(e) => {
                prop_assert!(!valid);
                let rest = s.strip_prefix(PREFIX).unwrap_or(&s);
                if rest.len() >= 6 {
                    prop_assert!(!e.to_string().contains(rest), "the error echoes the token");
                }
            }
        }
    }

    #[test]
    fn origins_normalise_idempotently_and_match_exactly(
        s in prop_oneof![".{0,40}", "(https?|HTTPS|ftp)://[a-zA-Z0-9.\\-\\[\\]:@/?#]{0,30}"],
        suffix in ".{1,10}",
    ) {
        if let Ok(o) = LinkOrigin::parse(&s) {
            prop_assert_eq!(LinkOrigin::parse(o.as_str()).unwrap(), o.clone());
            prop_assert!(o.matches(o.as_str()));
            let longer = format!("{}{suffix}", o.as_str());
            prop_assert!(!o.matches(&longer));
            prop_assert!(!o.as_str()[o.as_str().find("://").unwrap() + 3..].contains(['/', '?', '#', '@']));
        }
    }

    #[test]
    fn date_parsers_never_panic(s in ".{0,40}", now in 0f64..4e12) {
        let _ = parse_http_date(&s);
        let _ = parse_rfc3339(&s);
        let _ = parse_retry_after(&s, now);
    }

    #[test]
    fn every_open_ends_in_at_most_one_terminal_report_and_destroy_silences(
        popup in any::<bool>(),
        renewable in any::<bool>(),
        fallback in any::<bool>(),
        ofauth in any::<bool>(),
        on_open_only in any::<bool>(),
        inputs in prop::collection::vec(0u8..20, 1..60),
    ) {
        let token = ClientSessionToken::parse("ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX").unwrap();
        let session = || Session { token: token.clone(), expires_at_ms: Some(5_000.0) };
        let surface = if popup { Surface::Popup } else { Surface::Modal };
        let config = Config { surface, fallback_to_modal: fallback, renewable, announces_ready: ofauth, requests_exit: ofauth, on_open_only };
        let onlyfansapi = |v: serde_json::Value| Input::Provider(Profile::default().decode(&Json::Value(&v)).unwrap());
        let link = |v: serde_json::Value| Input::Provider(Profile { provider: Provider::OfAuth, ..Profile::default() }.decode(&Json::Value(&v)).unwrap());
        let (mut flow, _) = Flow::new(config, Ok(Some(session())));
        let mut open = false;
        let mut terminals_this_visit = 0;
        let mut destroyed = false;
        let mut fetch = 0;
        for (i, n) in inputs.into_iter().enumerate() {
            let now = i as f64 * 1000.0;
            let input = match n {
                0 | 1 => Input::Open { now_ms: now },
                2 => Input::Close(ExitReason::HostClose),
                3 => Input::Close(ExitReason::Escape),
                4 => Input::FrameLoaded,
                5 => Input::Expired,
                6 => Input::PopupOpened,
                7 => Input::PopupBlocked,
                8 => Input::PopupClosed { ms_since_provider: Some((i % 5) as f64 * 1000.0) },
                9 => Input::SessionFetched { fetch, result: Ok(session()), now_ms: now },
                10 => Input::SessionFetched { fetch, result: Err(ofconnect::error::WidgetError::SessionTimeout(std::time::Duration::from_secs(1))), now_ms: now },
                11 | 12 => onlyfansapi(json!({"type": "onlyfansapi.auth.success", "payload": {"accountId": "a", "username": "u",
                    "onlyfansData": {"id": 1, "username": "u", "email": "e", "avatar_url": null, "name": "n"}}})),
                13 => Input::Provider(ProviderMessage::Continue),
                14 => onlyfansapi(json!({"type": "onlyfansapi.auth.failed", "payload": {"message": "x", "code": "session_expired"}})),
                15 => link(json!({"type": "OFAUTH_LINK", "event": "loaded"})),
                16 => link(json!({"type": "OFAUTH_LINK", "event": "exit", "metadata": {"type": "error", "step": "login", "error": {"error_type": "t", "error_message": "m"}}})),
                17 => link(json!({"type": "OFAUTH_LINK", "event": "success", "metadata": {"connection": {"id": "conn_1", "userData": {"id": 1, "name": "n", "username": "u"}}}})),
                18 => link(json!({"type": "OFAUTH_LINK", "event": "invalid_session"})),
                _ => Input::Destroy,
            };
            let is_destroy = matches!(input, Input::Destroy);
            let effects = flow.step(input);
            if destroyed {
                prop_assert!(effects.is_empty(), "effects after destroy: {effects:?}");
            }
            // DOM, timer and fetch effects always come before reports.
            let first_report = effects.iter().position(|e| matches!(e, Effect::Report(_))).unwrap_or(effects.len());
            prop_assert!(effects[first_report..].iter().all(|e| matches!(e, Effect::Report(_))), "{effects:?}");
            for e in &effects {
                match e {
                    Effect::FetchSession(n) => fetch = *n,
                    Effect::Show(..) if !open => { open = true; terminals_this_visit = 0; }
                    Effect::Show(..) => prop_assert!(matches!(effects.first(), Some(Effect::Show(Surface::Modal, _))), "a second surface: {effects:?}"),
                    Effect::Report(HostEvent::Success(_) | HostEvent::Exit { .. } | HostEvent::Expired) if open => {
                        terminals_this_visit += 1;
                        prop_assert!(terminals_this_visit <= 1, "two terminal reports in one visit: {effects:?}");
                    }
                    _ => {}
                }
            }
            // A flow that gets sessions only when open never fetches ahead.
            if on_open_only && effects.iter().any(|e| matches!(e, Effect::FetchSession(_))) {
                prop_assert!(flow.is_open(), "fetched while closed: {effects:?}");
            }
            if !flow.is_open() {
                open = false;
            }
            destroyed |= is_destroy;
        }
    }
}
