//! End-to-end: sessions from the host backend, expiry and renewal, popup
//! mode and forwarding, in headless Chromium with its popup blocker on.
//! Run with `make test` (or `cargo test --test lifecycle` after `make build`).
#![cfg(not(target_arch = "wasm32"))]

use std::time::Duration;

use ofconnect_harness::{run, run_with, Setup, World};
use serde_json::{json, Value};

fn code(call: &Value) -> &str {
    call[1]["code"].as_str().unwrap_or_default()
}

async fn sleep(ms: u64) {
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn popup_mode_connects_and_closes_the_popup() {
    run("popup_success", |w| async move {
        w.crm.open().await;
        w.crm.select_mode("popup").await;
        w.crm.click_connect().await;
        w.popup.enter().await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        w.crm.wait_log("success", 1).await;
        w.popup.wait_windows(1).await; // the widget closed the popup
        let log = w.crm.log().await;
        assert_eq!(
            log.iter().find(|(k, _)| k == "success").unwrap().1["username"],
            "sandbox_creator"
        );
        assert_eq!(w.crm.events("popup_opened").await.len(), 1);
        assert_eq!(w.crm.events("close").await[0]["reason"], "success");
        assert_eq!(w.crm.count("exit").await, 0);
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_popup_opened_without_a_click_is_blocked() {
    run("popup_blocked", |w| async move {
        w.crm.open().await;
        w.lab
            .create(&format!(
                "{{ sessionUrl: '/api/session', linkOrigin: '{}', mode: 'popup' }}",
                w.provider
            ))
            .await;
        w.lab.wait("event", 2).await; // session_requested, session_received
                                      // No user activation: the browser's popup blocker says no.
        w.page.eval("window.__lab.open(); return true").await;
        w.lab.wait("exit", 1).await;
        let errors = w.lab.calls("error").await;
        assert_eq!(code(&errors[0]), "popup_blocked");
        assert!(errors[0][1]["message"].as_str().unwrap().contains("click"));
        assert_eq!(w.lab.calls("exit").await[0][1], json!({"reason": "error"}));
        assert_eq!(w.popup.window_count().await, 1);
        assert!(
            !w.lab.events().await.contains(&"close".to_owned()),
            "no window, no close"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_popup_falls_back_to_the_modal() {
    run("popup_fallback", |w| async move {
        w.crm.open().await;
        w.lab
            .create(&format!(
            "{{ sessionUrl: '/api/session', linkOrigin: '{}', mode: 'popup', fallback: 'iframe' }}",
            w.provider
        ))
            .await;
        w.lab.wait("event", 2).await;
        w.page.eval("window.__lab.open(); return true").await;
        w.lab.wait("ready", 1).await;
        assert!(w.lab.events().await.contains(&"popup_fallback".to_owned()));
        assert_eq!(w.modal.count().await, 1);
        assert_eq!(w.lab.calls("error").await.len(), 0);
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.lab.wait("success", 1).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn closing_the_popup_is_an_exit() {
    run("popup_closed", |w| async move {
        w.crm.open().await;
        w.crm.select_mode("popup").await;
        w.crm.click_connect().await;
        w.popup.enter().await;
        // The page answers (a failed login), then the user closes the window.
        w.flow.log_in("creator@sandbox.test", "wrong").await;
        w.popup.leave().await;
        w.crm.wait_log("error", 1).await;
        w.popup.enter().await;
        w.browser.close_window().await.unwrap();
        w.popup.leave().await;
        w.crm.wait_log("exit", 1).await;
        let log = w.crm.log().await;
        assert_eq!(
            log.iter().find(|(k, _)| k == "exit").unwrap().1,
            json!({"reason": "popup_closed"})
        );
        assert_eq!(w.crm.count("exit").await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_popup_cut_off_by_coop_is_not_reported_as_closed_by_the_user() {
    let setup = Setup {
        coop: Some("same-origin"),
        ..Setup::default()
    };
    run_with("popup_severed", setup, |w| async move {
        w.crm.open().await;
        w.crm.select_mode("popup").await;
        w.crm.click_connect().await;
        w.crm.wait_log("exit", 1).await;
        let log = w.crm.log().await;
        let error = &log.iter().find(|(k, _)| k == "error").unwrap().1;
        assert_eq!(error["code"], "popup_severed");
        assert!(error["message"]
            .as_str()
            .unwrap()
            .contains("Cross-Origin-Opener-Policy"));
        assert_eq!(
            log.iter().find(|(k, _)| k == "exit").unwrap().1,
            json!({"reason": "popup_severed"})
        );
    })
    .await;
}

/// A lab widget fetching from `/api/session?fault=<fault>`: its errors once
/// it reported one, and how many requests the endpoint had.
async fn faulty(w: &World, fault: &str, timeout_ms: u64) -> (Vec<Value>, u64) {
    w.console.expect(&format!(
        "/api/session?fault={fault} - Failed to load resource"
    ));
    w.crm.open().await;
    let before = w.crm.session_requests().await;
    let options = format!(
        "{{ sessionUrl: '/api/session?fault={fault}', sessionTimeout: {timeout_ms}, linkOrigin: '{}' }}",
        w.provider
    );
    w.lab.create(&options).await;
    w.lab.wait("error", 1).await;
    sleep(200).await;
    (
        w.lab.calls("error").await,
        w.crm.session_requests().await - before,
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn session_endpoint_faults_are_typed_and_bounded() {
    run("session_faults", |w| async move {
        let cases: [(&str, u64, &str, u64, Option<bool>); 6] = [
            ("delay-3000", 500, "session_timeout", 1, Some(true)),
            (
                "malformed",
                5000,
                "invalid_session_response",
                1,
                Some(false),
            ),
            ("no-token", 5000, "invalid_session_response", 1, Some(false)),
            ("status-403", 5000, "session_fetch_failed", 1, Some(false)),
            ("status-500", 5000, "session_fetch_failed", 4, Some(true)),
            ("status-429-retry-3600", 5000, "rate_limited", 1, Some(true)),
        ];
        for (fault, timeout, want, requests, retryable) in cases {
            let (errors, made) = faulty(&w, fault, timeout).await;
            assert_eq!(errors.len(), 1, "{fault}: {errors:?}");
            assert_eq!(code(&errors[0]), want, "{fault}");
            assert_eq!(made, requests, "{fault}: requests");
            assert_eq!(errors[0][1]["retryable"].as_bool(), retryable, "{fault}");
            assert_eq!(w.modal.count().await, 0, "{fault}: nothing opened");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_is_retried_after_its_retry_after() {
    run("session_429", |w| async move {
        let (errors, made) = faulty(&w, "status-429-retry-1", 5000).await;
        assert_eq!(code(&errors[0]), "rate_limited");
        assert_eq!(errors[0][1]["retryAfter"], 1);
        assert_eq!(made, 4, "the first request and three retries");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn repeated_open_makes_one_fetch_and_one_window() {
    run("one_fetch", |w| async move {
        w.crm.open().await;
        let before = w.crm.session_requests().await;
        w.lab
            .create(&format!(
            "{{ sessionUrl: '/api/session?fault=delay-1500', linkOrigin: '{}', mode: 'popup' }}",
            w.provider
        ))
            .await;
        for _ in 0..3 {
            w.lab.open().await;
        }
        w.lab.wait("ready", 1).await;
        assert_eq!(w.crm.session_requests().await - before, 1);
        assert_eq!(w.popup.window_count().await, 2);
        assert_eq!(
            w.lab
                .events()
                .await
                .iter()
                .filter(|e| *e == "popup_opened")
                .count(),
            1
        );
        w.page.eval("window.__lab.destroy(); return true").await;
        w.popup.wait_windows(1).await; // destroy closes the popup
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn close_during_a_fetch_discards_its_result() {
    run("close_during_fetch", |w| async move {
        w.crm.open().await;
        w.lab
            .create(&format!(
                // Long enough that the close comes first even on a loaded machine.
                "{{ sessionUrl: '/api/session?fault=delay-4000', linkOrigin: '{}' }}",
                w.provider
            ))
            .await;
        w.lab.open().await;
        assert_eq!(
            w.modal.count().await,
            1,
            "the modal shows its loading state at once"
        );
        w.page.eval("window.__lab.close(); return true").await;
        sleep(5000).await;
        assert_eq!(w.modal.count().await, 0);
        assert_eq!(
            w.lab.calls("exit").await[0][1],
            json!({"reason": "host_close"})
        );
        let events = w.lab.events().await;
        assert!(
            !events.contains(&"session_received".to_owned()),
            "{events:?}"
        );
        assert_eq!(w.lab.calls("ready").await.len(), 0);
    })
    .await;
}

/// The lab's callbacks so far.
async fn calls(w: &World) -> Value {
    w.page.eval("return window.__calls").await
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_stops_requests_timers_and_callbacks() {
    run("destroy_stops_everything", |w| async move {
        w.console.expect("/api/session?fault=status-429-retry-1 - Failed to load resource");
        w.crm.open().await;

        // Between a 429 and its retry: no retry after destroy().
        let before = w.crm.session_requests().await;
        w.lab.create(&format!(
            "{{ sessionUrl: '/api/session?fault=status-429-retry-1', linkOrigin: '{}' }}",
            w.provider
        ))
        .await;
        while w.crm.session_requests().await == before {
            sleep(20).await;
        }
        w.page.eval("window.__lab.destroy(); return true").await;
        let at_destroy = calls(&w).await;
        sleep(2500).await; // past the 1 s Retry-After
        assert_eq!(w.crm.session_requests().await, before + 1, "no retry");
        assert_eq!(calls(&w).await, at_destroy, "no callback");

        // A session from `getSession` that expires `__ttl` ms after it was
        // fetched; with `__hold`, every one after the first takes 5 s to come.
        let lab = format!(
            "{{ linkOrigin: '{}', getSession: async () => {{
                 window.__gets = (window.__gets || 0) + 1;
                 const s = await (await fetch('/api/session', {{method: 'POST'}})).json();
                 if (window.__hold && window.__gets > 1) await new Promise((r) => setTimeout(r, 5000));
                 // The page's own object: Firefox's WebDriver scripts make
                 // objects the page sees through a wrapper.
                 return Object.assign(s, {{expiresAt: new Date(Date.now() + window.__ttl).toISOString()}});
               }} }}",
            w.provider
        );
        // Before the expiry timer fires: no renewal after destroy().
        w.page.eval("window.__ttl = 4000; return true").await;
        w.lab.create(&lab).await;
        w.lab.open().await;
        w.lab.wait("ready", 1).await;
        w.page.eval("window.__lab.destroy(); return true").await;
        let at_destroy = calls(&w).await;
        assert_eq!(w.page.eval("return window.__gets").await, 1, "destroyed before the expiry");
        sleep(4500).await;
        assert_eq!(w.page.eval("return window.__gets").await, 1, "no renewal");
        assert_eq!(calls(&w).await, at_destroy, "no callback");
        assert_eq!(w.modal.count().await, 0);

        // During a fetch: its session is dropped, nothing is reported. Every
        // fetch after the first is held 5 s, so the second one is still in
        // flight when the test destroys the widget, however slow the machine:
        // the renewal when the first session expires, or, if it expired
        // before `open()` (or before the page was ready, when a 1 s session
        // never lets the page get ready), the fetch that replaces it.
        w.page.eval("window.__gets = 0; window.__ttl = 1000; window.__hold = true; return true").await;
        w.lab.create(&lab).await;
        w.lab.open().await;
        w.page.until("a second fetch has begun", "return window.__gets >= 2").await;
        w.page.eval("window.__lab.destroy(); return true").await;
        let (at_destroy, gets) = (calls(&w).await, w.page.eval("return window.__gets").await);
        sleep(5500).await; // past the held fetch's answer
        assert_eq!(calls(&w).await, at_destroy, "no callback");
        assert_eq!(w.modal.count().await, 0);
        assert_eq!(w.page.eval("return window.__gets").await, gets, "no fetch after destroy()");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_mid_flow_renews_the_session_in_place() {
    let setup = Setup {
        token_ttl: Duration::from_secs(10),
        ..Setup::default()
    };
    run_with("expiry_renewal", setup, |w| async move {
        w.crm.open().await;
        w.crm.click_connect().await;
        w.modal.enter_flow().await;
        w.flow.log_in("2fa@sandbox.test", "sandbox").await;
        w.page.visible("input[name=code]").await;
        w.modal.leave_flow().await;
        // The premise: the user is at the 2FA step when the session expires.
        assert!(
            w.crm.events("session_renewed").await.is_empty(),
            "expired before the 2FA step; raise the TTL"
        );
        // The session expires at the 2FA step; the widget gets a new one and reloads the flow.
        w.crm.wait_events("session_renewed", 1).await;
        w.crm.wait_log("ready", 2).await;
        assert_eq!(w.crm.count("expired").await, 0);
        assert_eq!(w.modal.count().await, 1);
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_without_a_way_to_renew_ends_the_flow() {
    // The demo reports a long lifetime: the widget learns of the expiry from the provider page.
    let setup = Setup {
        token_ttl: Duration::from_secs(3),
        reported_ttl: Some(Duration::from_secs(900)),
        ..Setup::default()
    };
    run_with("expiry_no_renewal", setup, |w| async move {
        w.crm.open().await;
        let token = w.page
            .eval("return fetch('/api/session', {method: 'POST'}).then(r => r.json()).then(s => s.token)")
            .await;
        let token = token.as_str().unwrap().to_owned();
        w.lab.create(&format!("{{ token: '{token}', linkOrigin: '{}' }}", w.provider)).await;
        w.lab.open().await;
        w.lab.wait("ready", 1).await;
        sleep(3500).await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.lab.wait("expired", 1).await;
        assert_eq!(w.modal.count().await, 0, "the frame is removed");
        assert_eq!(w.lab.calls("exit").await.len(), 0, "expired is the one outcome");
        assert_eq!(w.lab.calls("success").await.len(), 0);
        // The old token is never reused.
        w.lab.open().await;
        w.lab.wait("expired", 2).await;
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_in_a_popup_renews_the_session_in_place() {
    let setup = Setup {
        token_ttl: Duration::from_secs(10),
        ..Setup::default()
    };
    run_with("popup_expiry_renewal", setup, |w| async move {
        w.crm.open().await;
        w.crm.select_mode("popup").await;
        w.crm.click_connect().await;
        w.popup.enter().await;
        w.flow.log_in("2fa@sandbox.test", "sandbox").await;
        w.page.visible("input[name=code]").await;
        w.popup.leave().await;
        // The premise: the user is at the 2FA step, on the provider's
        // cross-origin page, when the session expires.
        assert!(
            w.crm.events("session_renewed").await.is_empty(),
            "expired before the 2FA step; raise the TTL"
        );
        w.crm.wait_events("session_renewed", 1).await;
        assert_eq!(w.crm.count("expired").await + w.crm.count("exit").await, 0);
        assert_eq!(w.popup.window_count().await, 2, "the same popup stays open");
        // The popup shows the provider's flow again, with the new session.
        w.popup.enter().await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        w.crm.wait_log("success", 1).await;
        w.popup.wait_windows(1).await;
        assert_eq!(w.crm.count("error").await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn expiry_in_a_popup_without_a_way_to_renew_ends_the_flow() {
    let setup = Setup {
        token_ttl: Duration::from_secs(3),
        reported_ttl: Some(Duration::from_secs(900)),
        ..Setup::default()
    };
    run_with("popup_expiry_no_renewal", setup, |w| async move {
        w.crm.open().await;
        let token = w.page
            .eval("return fetch('/api/session', {method: 'POST'}).then(r => r.json()).then(s => s.token)")
            .await;
        let token = token.as_str().unwrap().to_owned();
        w.lab.create(&format!(
            "{{ token: '{token}', linkOrigin: '{}', mode: 'popup' }}",
            w.provider
        ))
        .await;
        w.lab.open().await;
        w.popup.enter().await;
        w.page.visible("input[name=email]").await;
        sleep(3500).await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        w.lab.wait("expired", 1).await;
        w.popup.wait_windows(1).await; // the popup is closed
        assert_eq!(w.lab.calls("exit").await.len(), 0, "expired is the one outcome");
        assert_eq!(w.lab.calls("success").await.len(), 0);
        // The widget is still usable: the old token is never reused.
        w.lab.open().await;
        w.lab.wait("expired", 2).await;
        w.popup.wait_windows(1).await;
    })
    .await;
}

async fn framed_demo(w: &World, forward_origin: &str) -> Value {
    w.attacker_pages.frame(&format!("{}/", w.demo)).await;
    w.page
        .until(
            "the framed demo is ready",
            "return !!window.OFConnect && !document.getElementById('connect').disabled",
        )
        .await;
    w.lab.create(&format!("{{ token: 'not-a-token', forwardTo: {{ window: window.parent, origin: '{forward_origin}' }} }}")).await;
    w.lab.wait("error", 1).await;
    sleep(300).await;
    w.page.leave_frame().await;
    w.page.eval("return window.__got").await
}

#[tokio::test(flavor = "multi_thread")]
async fn events_are_forwarded_to_a_parent_frame_on_its_exact_origin() {
    run("forward", |w| async move {
        let got = framed_demo(&w, &w.attacker.clone()).await;
        let got = got.as_array().unwrap();
        let error = got
            .iter()
            .find(|m| m["data"]["type"] == "error")
            .expect("the error was forwarded");
        assert_eq!(error["data"]["source"], "ofconnect");
        assert_eq!(error["data"]["payload"]["code"], "invalid_token");
        assert_eq!(error["origin"], json!(w.demo));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_parent_on_another_origin_gets_nothing() {
    run("forward_wrong_origin", |w| async move {
        let got = framed_demo(&w, "http://127.0.0.3:9").await;
        assert_eq!(got, json!([]));
    })
    .await;
}
