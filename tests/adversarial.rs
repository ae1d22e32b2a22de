//! The adversarial suite: an attacker with pages of their own next to the
//! widget, on real distinct origins, in every engine. One test per case;
//! add new cases here.
//!
//! | case | test |
//! |---|---|
//! | forged success from a third origin | `e2e::a_forged_success_from_a_third_origin_is_ignored` |
//! | duplicated success from the genuine frame | `e2e::a_duplicated_success_fires_on_success_once` |
//! | look-alike origin (the provider's host, another port) | [`a_lookalike_origin_is_ignored`] |
//! | the opaque `"null"` origin (sandboxed frame) | [`the_null_origin_is_ignored`] |
//! | another window of the provider's own origin | [`another_provider_window_is_ignored`] |
//! | malformed, wrongly typed, oversized payloads | [`malformed_payloads_from_the_genuine_frame_are_rejected`] |
//! | a clean copy reaches the callback | [`malformed_payloads_from_the_genuine_frame_are_rejected`] |
//! | reordered: continue before success | [`continue_before_success_ends_the_flow_once`] |
//! | OFAuth: the other provider's protocol, unknown events, bad shapes from the genuine Link frame | [`ofauth_link_messages_are_screened_too`] |
//! | messages from closed or detached windows, after close/destroy | `web::messages_from_windows_that_no_longer_exist_are_ignored`, `web::nothing_fires_after_close_or_destroy` |
//! | tokens and options wrong in every way | `web::tokens_wrong_in_every_way_are_rejected_before_any_work` |
//! | callbacks that throw, reject, never settle | [`callbacks_that_reject_or_never_settle_do_not_stick`], `web::a_throwing_callback_does_not_break_the_widget` |
//! | re-entrant callbacks (`destroy()` then `open()` in `onSuccess`) | `web::destroy_and_open_inside_on_success_is_safe` |
//! | a host page with hostile CSS | [`hostile_host_css_cannot_hide_or_trap_the_modal`] |
//! | a host page with a strict CSP and Trusted Types | [`a_strict_csp_host_sees_no_violation`] |
//! | forwarding when framed by an unexpected origin | `lifecycle::a_parent_on_another_origin_gets_nothing` |
#![cfg(not(target_arch = "wasm32"))]

mod harness;

use harness::{run, World};
use serde_json::json;

async fn open_modal(w: &World) {
    w.open_demo().await;
    w.click_connect().await;
    w.enter_flow().await;
    w.leave_flow().await;
}

async fn rejections(w: &World, n: usize) -> Vec<String> {
    w.wait_events("message_rejected", n).await;
    w.events("message_rejected")
        .await
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_owned())
        .collect()
}

/// Frames the attacker's forging page from `site` (optionally sandboxed)
/// next to an open modal; both of its forged successes must be rejected.
async fn forged_from(w: &World, site: &str, sandbox: Option<&str>) {
    open_modal(w).await;
    w.add_frame(&format!("{site}/forge.html?host={}", w.demo), sandbox)
        .await;
    assert_eq!(
        rejections(w, 2).await,
        ["origin_mismatch", "origin_mismatch"]
    );
    assert_eq!(w.count("success").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_lookalike_origin_is_ignored() {
    run("lookalike_origin", |w| async move {
        forged_from(&w, &w.lookalike.clone(), None).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_null_origin_is_ignored() {
    // A sandboxed frame has an opaque origin: its messages say "null".
    run("null_origin", |w| async move {
        forged_from(&w, &w.attacker.clone(), Some("allow-scripts")).await
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn another_provider_window_is_ignored() {
    run("provider_other_window", |w| async move {
        open_modal(&w).await;
        // A second provider page (an unknown token) posts `failed` to its embedder: right
        // origin, but not the window the widget opened.
        let bogus = "ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        w.add_frame(&format!("{}/embed-auth/{bogus}", w.provider), None)
            .await;
        assert_eq!(rejections(&w, 1).await, ["source_mismatch"]);
        assert_eq!(
            w.count("error").await,
            0,
            "no auth_failed from a foreign window"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_payloads_from_the_genuine_frame_are_rejected() {
    run("malformed_payloads", |w| async move {
        w.open_demo().await;
        w.click_connect().await;
        w.enter_flow().await;
        let garbage = [
            "null",
            "42",
            "'onlyfansapi.auth.success'",
            "[]",
            "{}",
            "{type: 'onlyfansapi.auth.success'}",
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 5}}",
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 'a', username: 'x'.repeat(1e6), onlyfansData: {id: 1, username: 'u', email: 'e', avatar_url: null, name: 'n'}}}",
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 'a', username: 'u', onlyfansData: {id: 2 ** 60, username: 'u', email: 'e', avatar_url: null, name: 'n'}}}",
            "{type: 'onlyfansapi.auth.failed', payload: {message: {toString: null}}}",
            "{type: 'ONLYFANSAPI.AUTH.SUCCESS', payload: {}}",
            "{type: 'onlyfansapi.auth.unknown'}",
            "(() => { let v = {}; for (let i = 0; i < 2000; i++) v = {payload: v}; return v; })()",
        ];
        w.post_from_flow(&garbage).await;
        w.leave_flow().await;
        let reasons = rejections(&w, garbage.len()).await;
        assert!(reasons.iter().all(|r| r == "malformed"), "{reasons:?}");
        assert_eq!(w.count("success").await + w.count("error").await, 0);
        // The genuine flow still works, and its result is a clean copy: only known fields.
        w.in_modal("iframe").await.enter_frame().await.unwrap();
        w.post_from_flow(&["{type: 'onlyfansapi.auth.success', payload: {accountId: 'acct_x', username: 'u', extra: 'dropped',
            onlyfansData: {id: 7, username: 'u', email: 'e@x', avatar_url: null, name: 'n', secret: 'dropped'}}}"])
            .await;
        w.leave_flow().await;
        w.wait_log("success", 1).await;
        let log = w.log().await;
        let result = &log.iter().find(|(k, _)| k == "success").unwrap().1;
        assert_eq!(
            result,
            &json!({"accountId": "acct_x", "username": "u",
                    "onlyfansData": {"id": 7, "username": "u", "email": "e@x", "avatar_url": null, "name": "n"}})
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn continue_before_success_ends_the_flow_once() {
    run("reordered", |w| async move {
        w.open_demo().await;
        w.click_connect().await;
        w.enter_flow().await;
        w.post_from_flow(&[
            "{type: 'onlyfansapi.auth.continue'}",
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 'a', username: 'u', onlyfansData: {id: 1, username: 'u', email: 'e', avatar_url: null, name: 'n'}}}",
        ])
        .await;
        w.browser.enter_parent_frame().await.ok();
        w.wait_log("exit", 1).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(w.log().await.iter().find(|(k, _)| k == "exit").unwrap().1, json!({"reason": "continue"}));
        assert_eq!(w.count("success").await, 0, "a message after the end is not an outcome");
        assert_eq!(w.modals().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn callbacks_that_reject_or_never_settle_do_not_stick() {
    run("bad_callbacks", |w| async move {
        w.expect_console("rejected on purpose");
        w.open_demo().await;
        w.lab(&format!(
            "{{ sessionUrl: '/api/session', linkOrigin: '{}',
               onReady: () => Promise.reject(new Error('rejected on purpose')),
               onEvent: () => new Promise(() => {{}}) }}",
            w.provider
        ))
        .await;
        w.lab_open().await;
        w.in_modal("iframe").await.enter_frame().await.unwrap();
        w.log_in("creator@sandbox.test", "sandbox").await;
        w.leave_flow().await;
        w.wait_lab("success", 1).await;
        w.eval("window.__lab.close(); return true").await;
        w.lab_open().await;
        w.until(
            "the next flow opens",
            "return document.querySelectorAll('ofconnect-modal').length === 1",
        )
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_host_css_cannot_hide_or_trap_the_modal() {
    run("hostile_css", |w| async move {
        w.open_demo().await;
        w.eval(
            "const s = document.createElement('style');
             s.textContent = `body * { display: none !important; visibility: hidden !important; opacity: 0 !important;
                                        transform: scale(0) !important; pointer-events: none !important; }
                              dialog, iframe, button { display: none !important; }
                              :root { filter: blur(20px) !important; }`;
             document.head.append(s); window.demoHandle.open(); return true",
        )
        .await;
        w.wait_log("ready", 1).await;
        let rect = w
            .eval(
                "const d = document.querySelector('ofconnect-modal').shadowRoot.querySelector('dialog');
                 const r = d.getBoundingClientRect(); const cs = getComputedStyle(d);
                 return [r.width, r.height, cs.visibility, cs.opacity]",
            )
            .await;
        assert!(rect[0].as_f64().unwrap() > 300.0 && rect[1].as_f64().unwrap() > 300.0, "{rect}");
        assert_eq!(rect[2], "visible");
        assert_eq!(rect[3], "1");
        w.in_modal("iframe").await.enter_frame().await.unwrap();
        w.log_in("creator@sandbox.test", "sandbox").await;
        w.leave_flow().await;
        w.wait_log("success", 1).await;
        w.in_modal("button.close").await.click().await.unwrap();
        w.until("the modal closed", "return document.querySelectorAll('ofconnect-modal').length === 0").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_strict_csp_host_sees_no_violation() {
    run("strict_csp", |w| async move {
        w.goto(&format!("{}/strict.html", w.demo)).await;
        w.until(
            "the page is ready",
            "return !document.getElementById('connect').disabled",
        )
        .await;
        w.browser
            .find(fantoccini::Locator::Css("#connect"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        w.until(
            "the flow is ready",
            "return !!document.querySelector('#log li[data-kind=ready]')",
        )
        .await;
        w.in_modal("iframe").await.enter_frame().await.unwrap();
        w.log_in("creator@sandbox.test", "sandbox").await;
        w.leave_flow().await;
        w.until(
            "connected",
            "return !!document.querySelector('#log li[data-kind=success]')",
        )
        .await;
        assert_eq!(w.eval("return window.violations").await, json!([]));
        let csp = reqwest::get(format!("{}/strict.html", w.demo))
            .await
            .unwrap();
        let csp = csp.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("require-trusted-types-for 'script'")
                && csp.contains("'wasm-unsafe-eval'"),
            "{csp}"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ofauth_link_messages_are_screened_too() {
    run("ofauth_screening", |w| async move {
        w.ofauth_lab("").await;
        w.lab_open().await;
        w.wait_lab("ready", 1).await;
        w.in_modal("iframe").await.enter_frame().await.unwrap();
        w.post_from_flow(&[
            // OnlyFansAPI's protocol, from OFAuth's page: not this provider's.
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 'acct_1', username: 'x', onlyfansData: {id: 1, username: 'x', email: 'e', avatar_url: null, name: 'n'}}}",
            "{type: 'OFAUTH_LINK', event: 'success', metadata: {connection: {id: 7}}}",
            "{type: 'OFAUTH_LINK', event: 'exit', metadata: {type: 'user_exit', step: 'elsewhere', error: null}}",
            "{type: 'OFAUTH_LINK', event: 'exit_requested', force: true}",
        ])
        .await;
        w.leave_flow().await;
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let rejected = loop {
            let rejected: Vec<String> = w
                .lab_calls("event")
                .await
                .iter()
                .filter(|c| c[1] == "message_rejected")
                .map(|c| c[2]["reason"].as_str().unwrap_or_default().to_owned())
                .collect();
            if rejected.len() >= 4 || std::time::Instant::now() > deadline {
                break rejected;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(rejected, ["malformed"; 4]);
        assert_eq!(w.lab_calls("success").await.len(), 0);
        assert_eq!(w.lab_calls("exit").await.len(), 0);
        assert_eq!(w.modals().await, 1);
    })
    .await;
}
