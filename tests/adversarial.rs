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
//! | forged and foreign-window messages to a popup flow, and to OFAuth's Link (modal and popup) | [`forged_and_foreign_messages_never_reach_a_popup_flow`], [`forged_and_foreign_messages_never_reach_an_ofauth_flow`] |
//! | malformed, wrongly typed, oversized payloads | [`malformed_payloads_from_the_genuine_frame_are_rejected`] |
//! | a clean copy reaches the callback | [`malformed_payloads_from_the_genuine_frame_are_rejected`] |
//! | reordered: continue before success | [`continue_before_success_ends_the_flow_once`] |
//! | OFAuth: the other provider's protocol, unknown events, bad shapes from the genuine Link frame | [`ofauth_link_messages_are_screened_too`] |
//! | messages from closed or detached windows, after close/destroy | `web::messages_from_windows_that_no_longer_exist_are_ignored`, `web::nothing_fires_after_close_or_destroy` |
//! | tokens and options wrong in every way | `web::tokens_wrong_in_every_way_are_rejected_before_any_work` |
//! | a provider page or `getSession` quoting the token or the Link URL in an error | [`messages_from_outside_never_carry_the_token_to_the_host`], `error::tests::messages_never_contain_a_token_or_a_urls_path` |
//! | callbacks that throw, reject, never settle | [`callbacks_that_reject_or_never_settle_do_not_stick`], `web::a_throwing_callback_does_not_break_the_widget` |
//! | re-entrant callbacks (`destroy()` then `open()` in `onSuccess`) | `web::destroy_and_open_inside_on_success_is_safe` |
//! | a host page with hostile CSS | [`hostile_host_css_cannot_hide_or_trap_the_modal`] |
//! | a host page with the README's strict CSP and Trusted Types (modal, popup, OFAuth) | [`a_strict_csp_host_sees_no_violation`] |
//! | forwarding when framed by an unexpected origin | `lifecycle::a_parent_on_another_origin_gets_nothing` |
//! | huge and deep messages (2^32 - 1 holes, 200,000 keys, 10 MB, 1,000+ levels) | [`huge_and_deep_messages_are_refused_before_conversion`] |
//! | markup shadowing `document.currentScript`, `body`, `dispatchEvent`… and the globals (DOM clobbering) | [`markup_cannot_choose_the_loaders_code_the_globals_or_the_modals_place`] |
//! | markup shadowing the `document` methods Yew calls | [`a_shadowed_create_element_is_a_typed_error_and_the_popup_still_works`] |
//! | a tampered glue; a glue swapped after its check; a glue preloaded unchecked by markup | [`a_tampered_glue_never_runs`], [`the_glue_that_runs_is_the_one_that_was_checked`], [`a_glue_preloaded_by_markup_is_not_trusted`] |
//! | a polluted `Object.prototype` (`linkOrigin`, `sessionUrl`, `forwardTo`, `eventTarget`) | [`inherited_options_are_ignored`], `web::only_own_data_properties_are_options` |
//! | `<of-connect>` markup naming another link origin or session URL | [`markup_limits_where_an_element_sends_the_token`] |
//! | windows that throw on every call (a cross-origin popup, a hostile `forwardTo`) | `web::windows_that_throw_on_every_call_leave_the_widget_usable`, `lifecycle::expiry_in_a_popup_renews_the_session_in_place` |
//! | markup shadowing `createElement` while the modal waits for a session | [`markup_that_shadows_create_element_while_the_modal_waits_is_a_typed_error`] |
//! | a polluted `Object.prototype` under an `<of-connect>`, or filling in the session request | [`markup_limits_where_an_element_sends_the_token`], `web::a_polluted_prototype_cannot_fill_in_the_session_request` |
//! | a markup `session-url` requested on hover, or redirected elsewhere | [`a_session_url_from_markup_is_requested_only_when_the_user_opens`], `web::a_session_url_from_markup_must_answer_itself` |
//! | options and answers that are Proxies, revoked, getters, or change their length | `web::options_that_throw_when_listed_or_inspected_are_typed_errors`, `web::messages_and_session_answers_are_read_from_own_data_properties_only` |
//! | a failed load, to an `<of-connect>`, then retried | [`a_tampered_glue_never_runs`] |
//! | a page on another origin that opens the hosted flow or a Link page made for the host (a `"*"` target would tell it all); the widget's reports to its own page | [`the_hosted_pages_and_the_widget_post_only_to_exact_origins`] |
#![cfg(not(target_arch = "wasm32"))]

use ofconnect_harness::{run, Engine, World, WAIT};
use serde_json::json;

async fn open_modal(w: &World) {
    w.crm.open().await;
    w.crm.click_connect().await;
    w.modal.enter_flow().await;
    w.modal.leave_flow().await;
}

async fn rejections(w: &World, n: usize) -> Vec<String> {
    w.crm.wait_events("message_rejected", n).await;
    w.crm
        .events("message_rejected")
        .await
        .iter()
        .map(|e| e["reason"].as_str().unwrap().to_owned())
        .collect()
}

/// Frames the attacker's forging page from `site` (optionally sandboxed)
/// next to an open modal; both of its forged successes must be rejected.
async fn forged_from(w: &World, site: &str, sandbox: Option<&str>) {
    open_modal(w).await;
    let forge = w.attacker_pages.forge_url(site);
    w.page.add_frame(&forge, sandbox).await;
    assert_eq!(
        rejections(w, 2).await,
        ["origin_mismatch", "origin_mismatch"]
    );
    assert_eq!(w.crm.count("success").await, 0);
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
        w.page
            .add_frame(&format!("{}/embed-auth/{bogus}", w.provider), None)
            .await;
        assert_eq!(rejections(&w, 1).await, ["source_mismatch"]);
        assert_eq!(
            w.crm.count("error").await,
            0,
            "no auth_failed from a foreign window"
        );
    })
    .await;
}

/// Next to an open flow, frames the attacker's forging page (two forged
/// successes of `provider`'s protocol, from a third origin) and a provider
/// page that is not the flow's window (it posts `failed` to its embedder).
async fn forge_beside_the_flow(w: &World, provider: &str) {
    let forge = w.attacker_pages.forge_url(&w.attacker);
    w.page
        .add_frame(&format!("{forge}&provider={provider}"), None)
        .await;
    let bogus = "ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    w.page
        .add_frame(&format!("{}/embed-auth/{bogus}", w.provider), None)
        .await;
}

/// The lab widget's `message_rejected` reasons, once it has `n` (or after
/// the harness's wait: the caller's assertion then says what came).
async fn lab_rejections(w: &World, n: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let rejected: Vec<String> = w
            .lab
            .calls("event")
            .await
            .iter()
            .filter(|c| c[1] == "message_rejected")
            .map(|c| c[2]["reason"].as_str().unwrap_or_default().to_owned())
            .collect();
        if rejected.len() >= n || std::time::Instant::now() > deadline {
            return rejected;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn sorted(mut reasons: Vec<String>) -> Vec<String> {
    reasons.sort();
    reasons
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_and_foreign_messages_never_reach_a_popup_flow() {
    run("popup_screening", |w| async move {
        w.crm.open().await;
        w.crm.select_mode("popup").await;
        w.crm.click_connect().await;
        w.popup.wait_windows(2).await;
        forge_beside_the_flow(&w, "onlyfansapi").await;
        assert_eq!(
            sorted(rejections(&w, 3).await),
            ["origin_mismatch", "origin_mismatch", "source_mismatch"]
        );
        assert_eq!(w.crm.count("success").await + w.crm.count("error").await, 0);
        // The popup's own messages still count.
        w.popup.enter().await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        w.crm.wait_log("success", 1).await;
        let log = w.crm.log().await;
        let success = &log.iter().find(|(k, _)| k == "success").unwrap().1;
        assert_eq!(success["username"], "sandbox_creator");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn forged_and_foreign_messages_never_reach_an_ofauth_flow() {
    run("ofauth_forged", |w| async move {
        for mode in ["iframe", "popup"] {
            w.lab.ofauth(&format!("mode: '{mode}'")).await;
            w.lab.open().await;
            w.lab.wait("ready", 1).await;
            forge_beside_the_flow(&w, "ofauth").await;
            let rejected = sorted(lab_rejections(&w, 3).await);
            assert_eq!(
                rejected,
                ["origin_mismatch", "origin_mismatch", "source_mismatch"],
                "{mode}"
            );
            for kind in ["success", "error", "exit"] {
                assert_eq!(w.lab.calls(kind).await.len(), 0, "{mode}: {kind}");
            }
            w.page.eval("window.__lab.destroy(); return true").await;
            w.popup.wait_windows(1).await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn malformed_payloads_from_the_genuine_frame_are_rejected() {
    run("malformed_payloads", |w| async move {
        w.crm.open().await;
        w.crm.click_connect().await;
        w.modal.enter_flow().await;
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
        w.modal.post_from_flow(&garbage).await;
        w.modal.leave_flow().await;
        let reasons = rejections(&w, garbage.len()).await;
        assert!(reasons.iter().all(|r| r == "malformed"), "{reasons:?}");
        assert_eq!(w.crm.count("success").await + w.crm.count("error").await, 0);
        // The genuine flow still works, and its result is a clean copy: only known fields.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.modal.post_from_flow(&["{type: 'onlyfansapi.auth.success', payload: {accountId: 'acct_x', username: 'u', extra: 'dropped',
            onlyfansData: {id: 7, username: 'u', email: 'e@x', avatar_url: null, name: 'n', secret: 'dropped'}}}"])
            .await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        let log = w.crm.log().await;
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
        w.crm.open().await;
        w.crm.click_connect().await;
        w.modal.enter_flow().await;
        w.modal.post_from_flow(&[
            "{type: 'onlyfansapi.auth.continue'}",
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 'a', username: 'u', onlyfansData: {id: 1, username: 'u', email: 'e', avatar_url: null, name: 'n'}}}",
        ])
        .await;
        w.browser.enter_parent_frame().await.ok();
        w.crm.wait_log("exit", 1).await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(w.crm.log().await.iter().find(|(k, _)| k == "exit").unwrap().1, json!({"reason": "continue"}));
        assert_eq!(w.crm.count("success").await, 0, "a message after the end is not an outcome");
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn callbacks_that_reject_or_never_settle_do_not_stick() {
    run("bad_callbacks", |w| async move {
        w.console.expect("rejected on purpose");
        w.crm.open().await;
        w.lab
            .create(&format!(
                "{{ sessionUrl: '/api/session', linkOrigin: '{}',
               onReady: () => Promise.reject(new Error('rejected on purpose')),
               onEvent: () => new Promise(() => {{}}) }}",
                w.provider
            ))
            .await;
        w.lab.open().await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.lab.wait("success", 1).await;
        w.page.eval("window.__lab.close(); return true").await;
        w.lab.open().await;
        w.page
            .until(
                "the next flow opens",
                "return document.querySelectorAll('ofconnect-modal').length === 1",
            )
            .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_from_outside_never_carry_the_token_to_the_host() {
    run("token_in_messages", |w| async move {
        // The genuine frame quotes its own token in a failure.
        w.crm.open().await;
        w.crm.click_connect().await;
        w.modal.enter_flow().await;
        let token = w.page.eval("return location.pathname.split('/').pop()").await;
        let token = token.as_str().unwrap().to_owned();
        assert!(token.starts_with("ofapi_cs_"), "{token}");
        w.modal.post_from_flow(&[
            "{type: 'onlyfansapi.auth.failed', payload: {message: `no ${location.pathname.split('/').pop()} at ${location.href}`}}",
        ])
        .await;
        w.modal.leave_flow().await;
        w.crm.wait_log("error", 1).await;
        let error = w.crm.log().await.into_iter().find(|(k, _)| k == "error").unwrap().1;
        assert_eq!(error["message"], format!("no ofapi_cs_… at {}…", w.provider));
        // The host's `getSession` quotes a token and a Link URL, reported to
        // a widget without `onError`: `console.error` gets the same message.
        let script = "const token = arguments[0];
             window.__console = [];
             console.error = (...a) => window.__console.push(a.join(' '));
             window.__quiet = OFConnect.create({getSession: () =>
               Promise.reject(new Error(`${token} from https://link.ofauth.test/s/secret`))});
             window.__quiet.open();";
        w.browser.execute(script, vec![json!(token)]).await.unwrap();
        w.page.until("the error is logged", "return window.__console.length > 0").await;
        let logged = w.page.eval("return window.__console").await;
        assert_eq!(
            logged,
            json!(["ofconnect: session_fetch_failed the session request failed: `getSession` rejected: ofapi_cs_… from https://link.ofauth.test…"])
        );
        let page = w.page.eval("return document.documentElement.outerHTML").await;
        assert!(!page.as_str().unwrap().contains(&token[9..]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hostile_host_css_cannot_hide_or_trap_the_modal() {
    run("hostile_css", |w| async move {
        w.crm.open().await;
        w.page.eval(
            "const s = document.createElement('style');
             s.textContent = `body * { display: none !important; visibility: hidden !important; opacity: 0 !important;
                                        transform: scale(0) !important; pointer-events: none !important; }
                              dialog, iframe, button { display: none !important; }
                              :root { filter: blur(20px) !important; }
                              *::part(dialog), *::part(bar), *::part(close), *::part(body), *::part(frame) {
                                display: none !important; opacity: 0 !important; }
                              *::part(dialog)::after { content: 'spoofed'; position: absolute; inset: 0; }`;
             document.head.append(s); window.demoHandle.open(); return true",
        )
        .await;
        w.crm.wait_log("ready", 1).await;
        let rect = w.page
            .eval(
                "const d = document.querySelector('ofconnect-modal').shadowRoot.querySelector('dialog');
                 const r = d.getBoundingClientRect(); const cs = getComputedStyle(d);
                 return [r.width, r.height, cs.visibility, cs.opacity, getComputedStyle(d, '::after').content]",
            )
            .await;
        assert!(rect[0].as_f64().unwrap() > 300.0 && rect[1].as_f64().unwrap() > 300.0, "{rect}");
        assert_eq!(rect[2], "visible");
        assert_eq!(rect[3], "1");
        assert_eq!(rect[4], "none", "no ::part for page CSS to paint over the flow");
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        w.modal.find("button.close").await.click().await.unwrap();
        w.page.until("the modal closed", "return document.querySelectorAll('ofconnect-modal').length === 0").await;
    })
    .await;
}

/// On the strict-CSP page (with `query`), runs the flow from a click: the
/// widget loads, fetches a session and opens.
async fn strict_page(w: &World, query: &str) {
    w.page.goto(&format!("{}/strict.html{query}", w.demo)).await;
    w.page
        .until(
            "the page is ready",
            "return !document.getElementById('connect').disabled",
        )
        .await;
    w.page.visible("#connect").await.click().await.unwrap();
}

/// Waits until the strict page logged `kind`.
async fn strict_log(w: &World, kind: &str) {
    w.page
        .until(
            &format!("the strict page logged {kind}"),
            &format!("return !!document.querySelector('#log li[data-kind={kind}]')"),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_strict_csp_host_sees_no_violation() {
    run("strict_csp", |w| async move {
        // The page is served with the README's policy, word for word (the
        // sandbox as the provider).
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
        let documented = readme
            .lines()
            .find_map(|l| l.strip_prefix("Content-Security-Policy: "))
            .unwrap()
            .replace("https://app.onlyfansapi.com", &w.provider);
        let served = reqwest::get(format!("{}/strict.html", w.demo))
            .await
            .unwrap();
        assert_eq!(
            served.headers()["content-security-policy"],
            documented.as_str()
        );

        // The modal, a popup opened before the widget has loaded (showing
        // the widget's placeholder first), and OFAuth's Link in the modal:
        // each connects, and neither the page nor its popups see a violation
        // (nor the console: the harness fails on any error there).
        strict_page(&w, "").await;
        strict_log(&w, "ready").await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        strict_log(&w, "success").await;
        assert_eq!(w.page.eval("return window.violations").await, json!([]));

        strict_page(&w, "?mode=popup").await;
        w.popup.enter().await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        strict_log(&w, "success").await;
        assert_eq!(w.page.eval("return window.violations").await, json!([]));

        strict_page(&w, "?provider=ofauth").await;
        strict_log(&w, "ready").await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.page.visible("#start").await.click().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.page.visible("#done").await;
        w.modal.leave_flow().await;
        strict_log(&w, "success").await;
        assert_eq!(w.page.eval("return window.violations").await, json!([]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn ofauth_link_messages_are_screened_too() {
    run("ofauth_screening", |w| async move {
        w.lab.ofauth("").await;
        w.lab.open().await;
        w.lab.wait("ready", 1).await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.modal.post_from_flow(&[
            // OnlyFansAPI's protocol, from OFAuth's page: not this provider's.
            "{type: 'onlyfansapi.auth.success', payload: {accountId: 'acct_1', username: 'x', onlyfansData: {id: 1, username: 'x', email: 'e', avatar_url: null, name: 'n'}}}",
            "{type: 'OFAUTH_LINK', event: 'success', metadata: {connection: {id: 7}}}",
            "{type: 'OFAUTH_LINK', event: 'exit', metadata: {type: 'user_exit', step: 'elsewhere', error: null}}",
            "{type: 'OFAUTH_LINK', event: 'exit_requested', force: true}",
        ])
        .await;
        w.modal.leave_flow().await;
        let rejected = lab_rejections(&w, 4).await;
        assert_eq!(rejected, ["malformed"; 4]);
        assert_eq!(w.lab.calls("success").await.len(), 0);
        assert_eq!(w.lab.calls("exit").await.len(), 0);
        assert_eq!(w.modal.count().await, 1);
    })
    .await;
}

/// `document` members the loader, the element and the widget read, shadowed
/// on `clobbered.html` by named elements (besides the globals it defines).
const SHADOWED: &str =
    "currentScript,body,documentElement,head,dispatchEvent,adoptedStyleSheets,activeElement";

#[tokio::test(flavor = "multi_thread")]
async fn markup_that_shadows_create_element_while_the_modal_waits_is_a_typed_error() {
    // The modal is open on "Loading…" while the session is fetched; the
    // page then renders markup that shadows `document.createElement`. When
    // the session arrives the frame cannot be rendered: a typed error, the
    // modal gone, and nothing trapped: once the markup is gone, it opens.
    run("dom_clobbering_rerender", |w| async move {
        w.crm.open().await;
        w.browser
            .execute(
                "window.__calls = [];
                 const rec = (k) => (...a) => window.__calls.push([k, ...a]);
                 const session = () => fetch('/api/session', {method: 'POST'}).then(r => r.json());
                 let first = true;
                 window.__handle = OFConnect.create({ linkOrigin: arguments[0],
                   getSession: () => first ? new Promise((resolve) => { first = false; window.__resolve = resolve; }) : session(),
                   onReady: rec('ready'), onError: rec('error') });
                 window.__handle.open();",
                vec![json!(w.provider)],
            )
            .await
            .unwrap();
        w.page.until("the session is asked for", "return !!window.__resolve").await;
        assert_eq!(w.modal.count().await, 1);
        w.page.eval(
            "const img = Document.prototype.createElement.call(document, 'img');
             img.name = 'createElement';
             img.alt = '';
             document.body.append(img);
             fetch('/api/session', {method: 'POST'}).then(r => r.json()).then(window.__resolve);
             return true",
        )
        .await;
        w.page.until(
            "the frame is refused",
            "return window.__calls.some((c) => c[0] === 'error')",
        )
        .await;
        let calls = w.page.eval("return window.__calls").await;
        assert_eq!(calls[0][1]["code"], "unsupported_browser", "{calls}");
        assert!(calls[0][1]["message"].as_str().unwrap().contains("createElement"));
        assert_eq!(w.modal.count().await, 0);
        unshadow(&w, &["createElement"]).await;
        w.page.eval("window.__handle.open(); return true").await;
        w.lab.wait("ready", 1).await;
        assert_eq!(w.modal.count().await, 1);
        assert_eq!(w.lab.calls("error").await.len(), 1);
    })
    .await;
}

/// On `clobbered.html`: a widget for a fresh session, recording its callbacks
/// and its DOM events in `window.__calls`, opened at once. The script reads
/// the page through `Document.prototype`, as the page's own code would have to.
async fn clobbered_widget(w: &World, mode: &str) {
    let script = "const [provider, mode] = arguments;
        const token = await fetch('/api/session', {method: 'POST'}).then(r => r.json()).then(s => s.token);
        window.__calls = [];
        const rec = (k) => (...a) => window.__calls.push([k, ...a]);
        EventTarget.prototype.addEventListener.call(document, 'ofconnect:success', (e) => rec('dom:success')(e.detail));
        window.__handle = OFConnect.create({ token, linkOrigin: provider, mode, onReady: rec('ready'),
          onSuccess: rec('success'), onError: rec('error'), onExit: rec('exit') });
        const body = Object.getOwnPropertyDescriptor(Document.prototype, 'body').get.call(document);
        const button = Document.prototype.createElement.call(document, 'button');
        button.id = 'open';
        button.textContent = 'Open';
        button.addEventListener('click', () => window.__handle.open());
        body.prepend(button);
        if (mode === 'iframe') window.__handle.open();";
    w.browser
        .execute(
            &format!("return (async () => {{ {script} }})()"),
            vec![json!(w.provider), json!(mode)],
        )
        .await
        .unwrap();
    if mode == "popup" {
        // From a real click, which a popup needs.
        w.browser
            .find(fantoccini::Locator::Css("#open"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

/// Removes the named elements that shadow `names` on `document`; WebDriver
/// itself reads `document.documentElement` to find elements.
async fn unshadow(w: &World, names: &[&str]) {
    w.browser
        .execute(
            "for (const name of arguments[0]) {
               for (const e of [...Document.prototype.getElementsByName.call(document, name)]) e.remove();
             }",
            vec![json!(names)],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_cannot_choose_the_loaders_code_the_globals_or_the_modals_place() {
    run("dom_clobbering", |w| async move {
        w.console.expect("/evil/"); // the injected images point there
        w.page.goto(&format!(
            "{}/clobbered.html?evil={}&shadow={SHADOWED}",
            w.demo, w.attacker
        ))
        .await;
        // The premise: the markup shadows what it names.
        let premise = w.page
            .eval(
                "return [document.currentScript, document.body, document.dispatchEvent]
                   .every((x) => x instanceof HTMLImageElement)",
            )
            .await;
        assert_eq!(premise, json!(true));
        // The documented globals are the widget's, not the named elements.
        let globals = w.page
            .eval(
                "return typeof OFConnect.create === 'function'
                   && typeof OnlyFansAPI.Auth.startOnlyFansAuthentication === 'function'",
            )
            .await;
        assert_eq!(globals, json!(true));
        clobbered_widget(&w, "iframe").await;
        w.page.until(
            "the flow is ready",
            "return window.__calls.some((c) => c[0] === 'ready')",
        )
        .await;
        // The modal went into the real body, not into the markup's stand-in.
        let placed = w.page
            .eval(
                "const body = Object.getOwnPropertyDescriptor(Document.prototype, 'body').get.call(document);
                 return [...body.children].filter((e) => e.localName === 'ofconnect-modal').length",
            )
            .await;
        assert_eq!(placed, json!(1));
        // The rest stays shadowed while the user connects, but WebDriver needs these two.
        unshadow(&w, &["body", "documentElement"]).await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.page.until(
            "connected, and the DOM event reached the document",
            "return ['success', 'dom:success'].every((k) => window.__calls.some((c) => c[0] === k))",
        )
        .await;
        assert_eq!(w.page.eval("return window.pwned ?? null").await, json!(null));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shadowed_create_element_is_a_typed_error_and_the_popup_still_works() {
    run("dom_clobbering_render", |w| async move {
        w.console.expect("/evil/");
        w.page
            .goto(&format!(
                "{}/clobbered.html?evil={}&shadow=createElement,createElementNS,createTextNode",
                w.demo, w.attacker
            ))
            .await;
        clobbered_widget(&w, "iframe").await;
        w.page
            .until(
                "the modal is refused",
                "return window.__calls.some((c) => c[0] === 'error')",
            )
            .await;
        let calls = w.page.eval("return window.__calls").await;
        let error = &calls
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c[0] == "error")
            .unwrap()[1];
        assert_eq!(error["code"], "unsupported_browser", "{calls}");
        assert!(
            error["message"].as_str().unwrap().contains("createElement"),
            "{error}"
        );
        assert_eq!(w.modal.count().await, 0);
        // Nothing trapped: the same page connects through a popup.
        clobbered_widget(&w, "popup").await;
        w.popup.enter().await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        w.page
            .until(
                "connected in the popup",
                "return window.__calls.some((c) => c[0] === 'success')",
            )
            .await;
        assert_eq!(
            w.page.eval("return window.pwned ?? null").await,
            json!(null)
        );
    })
    .await;
}

/// The modal's frame shows the default provider origin's flow page (which
/// is unreachable here): not an origin a polluted prototype named.
async fn assert_flow_at_the_default_origin(w: &World) {
    let src = w
        .modal
        .find("iframe")
        .await
        .attr("src")
        .await
        .unwrap()
        .unwrap();
    assert!(
        src.starts_with("https://app.onlyfansapi.com/embed-auth/"),
        "{src}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inherited_options_are_ignored() {
    run("prototype_pollution", |w| async move {
        w.crm.open().await;
        // Another library's bug pollutes Object.prototype while the widget
        // is created (and reads its options): a link origin, a session URL,
        // a window to forward to and an event target, all the attacker's.
        // (Polluted for longer, it would break WebDriver's own scripts.)
        w.console.expect("app.onlyfansapi.com"); // the default origin, unreachable here
        w.browser
            .execute(
                "const spy = document.createElement('iframe');
                 document.body.append(spy);
                 window.__spied = [];
                 spy.contentWindow.addEventListener('message', (e) => window.__spied.push(e.data));
                 const target = new EventTarget();
                 for (const t of ['ready', 'exit', 'error', 'event']) {
                   target.addEventListener('ofconnect:' + t, () => window.__spied.push(t));
                 }
                 const polluted = {linkOrigin: arguments[0], sessionUrl: arguments[0] + '/session',
                   forwardTo: {window: spy.contentWindow, origin: location.origin}, eventTarget: target};
                 Object.assign(Object.prototype, polluted);
                 try {
                   window.__calls = [];
                   const rec = (k) => (...a) => window.__calls.push([k, ...a]);
                   window.__lab = OFConnect.create({ token: 'ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
                     onReady: rec('ready'), onError: rec('error'), onExit: rec('exit'), onEvent: rec('event') });
                   window.__lab.open();
                 } finally {
                   for (const key of Object.keys(polluted)) delete Object.prototype[key];
                 }",
                vec![json!(w.attacker)],
            )
            .await
            .unwrap();
        assert_flow_at_the_default_origin(&w).await;
        w.page.eval("window.__lab.close(); return true").await;
        w.lab.wait("exit", 1).await;
        assert_eq!(w.lab.calls("error").await.len(), 0);
        assert_eq!(w.page.eval("return window.__spied").await, json!([]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_limits_where_an_element_sends_the_token() {
    run("element_markup_limits", |w| async move {
        w.crm.open().await;
        for (attribute, value) in [
            ("link-origin", "https://evil.example".to_owned()),
            // Another provider's origin is not this provider's.
            ("link-origin", "https://link.ofauth.com".to_owned()),
            ("session-url", format!("{}/session", w.attacker)),
        ] {
            w.browser
                .execute(
                    "const [attribute, value] = arguments;
                     const el = document.createElement('of-connect');
                     el.setAttribute(attribute, value);
                     el.setAttribute('token', 'ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
                     window.__errors = [];
                     el.onError = (e) => window.__errors.push(e);
                     document.body.append(el);
                     el.open();
                     window.__element = el;",
                    vec![json!(attribute), json!(value)],
                )
                .await
                .unwrap();
            w.page.until("the element reports its options", "return window.__errors.length > 0")
                .await;
            let errors = w.page.eval("window.__element.remove(); return window.__errors").await;
            assert_eq!(errors[0]["code"], "invalid_options", "{attribute}: {errors}");
            assert!(
                errors[0]["message"].as_str().unwrap().contains(attribute),
                "{errors}"
            );
            assert_eq!(w.modal.count().await, 0);
            assert_eq!(w.crm.session_requests().await, 1, "only the demo's own session");
        }
        // The same origin, from script, is the page's own choice.
        w.browser
            .execute(
                "return (async () => {
                 const token = await fetch('/api/session', {method: 'POST'}).then(r => r.json()).then(s => s.token);
                 const el = document.createElement('of-connect');
                 el.setAttribute('link-origin', 'https://evil.example');
                 el.setAttribute('token', token);
                 el.linkOrigin = arguments[0];
                 window.__ready = 0;
                 el.onReady = () => window.__ready++;
                 document.body.append(el);
                 el.open();
                 })()",
                vec![json!(w.provider)],
            )
            .await
            .unwrap();
        w.page.until("the flow is ready", "return window.__ready === 1").await;
        w.page.eval("document.querySelector('of-connect').remove(); return true").await;
        // A polluted Object.prototype is not script setting the element's
        // properties: the element's options stay its own.
        w.console.expect("app.onlyfansapi.com"); // the default origin, unreachable here
        w.browser
            .execute(
                "return (async () => {
                 await OFConnect.load();
                 const el = document.createElement('of-connect');
                 el.setAttribute('token', 'ofapi_cs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
                 window.__errors = [];
                 el.onError = (e) => window.__errors.push(e);
                 document.body.append(el);
                 window.__element = el;
                 Object.prototype.linkOrigin = arguments[0];
                 Object.prototype.sessionUrl = arguments[0] + '/session';
                 try {
                   el.open();
                 } finally {
                   delete Object.prototype.linkOrigin;
                   delete Object.prototype.sessionUrl;
                 }
                 })()",
                vec![json!(w.attacker)],
            )
            .await
            .unwrap();
        assert_flow_at_the_default_origin(&w).await;
        assert_eq!(w.page.eval("window.__element.remove(); return window.__errors").await, json!([]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_url_from_markup_is_requested_only_when_the_user_opens() {
    // Markup alone must not make the page send a credentialed request: a
    // `session-url` attribute is not prefetched on hover or focus, only
    // requested on open (a click, as a form's button would). The same URL
    // set from script is prefetched, as the page chose.
    run("element_markup_session_url", |w| async move {
        w.crm.open().await;
        let before = w.crm.session_requests().await;
        let events = w
            .browser
            .execute(
                "return (async () => {
                 await OFConnect.load();
                 const element = (scripted) => {
                   const el = document.createElement('of-connect');
                   if (scripted) el.sessionUrl = '/api/session';
                   else el.setAttribute('session-url', '/api/session');
                   el.setAttribute('link-origin', arguments[0]);
                   el.events = [];
                   el.onEvent = (type) => el.events.push(type);
                   document.body.append(el);
                   el.dispatchEvent(new PointerEvent('pointerenter'));
                   el.dispatchEvent(new FocusEvent('focusin'));
                   return el;
                 };
                 window.__markup = element(false);
                 window.__scripted = element(true);
                 return [__markup.events, __scripted.events];
                 })()",
                vec![json!(w.provider)],
            )
            .await
            .unwrap();
        assert_eq!(events, json!([[], ["session_requested"]]));
        w.page
            .until(
                "the scripted element's session arrived",
                "return __scripted.events.includes('session_received')",
            )
            .await;
        assert_eq!(w.crm.session_requests().await, before + 1);
        w.page
            .eval("__scripted.remove(); __markup.open(); return true")
            .await;
        w.page
            .until(
                "the markup element's session arrived",
                "return __markup.events.includes('session_received')",
            )
            .await;
        assert_eq!(w.crm.session_requests().await, before + 2);
        assert_eq!(w.modal.count().await, 1);
        w.page.eval("__markup.remove(); return true").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn huge_and_deep_messages_are_refused_before_conversion() {
    run("bounded_decoding", |w| async move {
        w.crm.open().await;
        w.crm.click_connect().await;
        // What reaches the page (a message too deep for the browser to read
        // back arrives as `messageerror` instead), labelled.
        w.page.eval(
            "window.__delivered = [];
             addEventListener('message', (e) => {
               const d = e.data;
               if (d?.source === 'ofconnect') return;
               let depth = 0;
               for (let v = d; v && typeof v === 'object' && 'payload' in v && !Array.isArray(v); v = v.payload) depth++;
               window.__delivered.push(Array.isArray(d?.payload) ? 'holes' : 'k0' in d ? 'wide'
                 : d?.payload?.message?.length > 1e6 ? 'long' : 'deep ' + depth);
             });
             return true",
        )
        .await;
        w.modal.enter_flow().await;
        // From the genuine frame: objects nested 100,000, 10,000 and 1,000
        // deep, an array of 2^32 - 1 holes, 200,000 keys, 10 MB of text.
        for (what, script) in [
            ("deep", "const nest = (d) => { let v = {}; for (let i = 0; i < d; i++) v = {payload: v}; return {type: 'onlyfansapi.auth.success', payload: v}; };
                 for (const depth of [100000, 10000, 1000]) {
                   try { parent.postMessage(nest(depth), host); } catch {} // too deep to send here
                 }"),
            // WebKit's own structured clone walks every hole (minutes for
            // 2^32 - 1): a shorter array there, the longest elsewhere.
            ("holes", if Engine::current() == Engine::WebKit {
                "const holes = []; holes.length = 2 ** 20;
                 parent.postMessage({type: 'onlyfansapi.auth.success', payload: holes}, host);"
            } else {
                "const holes = []; holes.length = 2 ** 32 - 1;
                 parent.postMessage({type: 'onlyfansapi.auth.success', payload: holes}, host);"
            }),
            ("wide", "const wide = {type: 'onlyfansapi.auth.failed', payload: {message: 'x'}};
                 for (let i = 0; i < 200000; i++) wide['k' + i] = i;
                 parent.postMessage(wide, host);"),
            ("long", "parent.postMessage({type: 'onlyfansapi.auth.failed', payload: {message: 'x'.repeat(1e7)}}, host);"),
        ] {
            w.browser
                .execute(&format!("const host = arguments[0]; {script}"), vec![json!(w.demo)])
                .await
                .unwrap_or_else(|e| panic!("sending the {what} messages: {e}"));
        }
        w.modal.leave_flow().await;
        w.page.until(
            "the big messages arrived",
            "return ['holes', 'wide', 'long'].every((l) => window.__delivered.includes(l))",
        )
        .await;
        let delivered = w.page.eval("return window.__delivered").await;
        let delivered = delivered.as_array().unwrap();
        assert!(
            delivered.iter().any(|d| d.as_str().unwrap().starts_with("deep")),
            "no deep message could be delivered: {delivered:?}"
        );
        assert_eq!(
            rejections(&w, delivered.len()).await,
            vec!["malformed"; delivered.len()],
            "{delivered:?}"
        );
        assert_eq!(w.crm.count("success").await + w.crm.count("error").await, 0);
        // The widget is unharmed: the real flow still connects.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
    })
    .await;
}

/// A CDN serving the script-tag build from `dist/` and a page that loads
/// it, on its own origin. Its glue (the lazily loaded JavaScript) is
/// answered by `glue(n, genuine)` for the n-th request (0-based), never
/// cached; `head` goes before the loader. Returns the page's URL and the
/// number of glue requests.
async fn cdn(
    w: &World,
    head: &'static str,
    glue: fn(usize, &[u8]) -> Vec<u8>,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
    use axum::response::{Html, IntoResponse};
    use axum::routing::get;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dist");
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dist.join("manifest.json")).unwrap()).unwrap();
    let files: Vec<String> = manifest["files"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let named = |ext: &str| {
        files
            .iter()
            .find(|f| f.starts_with("ofconnect-") && f.ends_with(ext))
            .unwrap()
            .clone()
    };
    let (glue_name, wasm_name) = (named(".js"), named(".wasm"));
    let read = |f: &str| std::fs::read(dist.join(f)).unwrap();
    let (loader, genuine, wasm) = (read("ofconnect.js"), read(&glue_name), read(&wasm_name));
    let page = format!(
        r#"<!doctype html><title>CDN</title><link rel="icon" href="data:,">
        {}
        <script src="/ofconnect.js"></script>
        <script>
          window.__calls = [];
          OFConnect.create({{ token: "ofapi_cs_" + "A".repeat(32), onError: (e) => __calls.push(["error", e]) }});
          OFConnect.load().then(() => __calls.push(["loaded"]), () => {{}});
        </script>"#,
        head.replace("GLUE", &glue_name)
    );
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let js = "text/javascript";
    let app = axum::Router::new()
        .route("/", get(move || async move { Html(page) }))
        .route(
            "/ofconnect.js",
            get(move || async move { ([(CONTENT_TYPE, js)], loader) }),
        )
        .route(
            &format!("/{glue_name}"),
            get(move || async move {
                let n = counter.fetch_add(1, Ordering::SeqCst);
                (
                    [(CONTENT_TYPE, js), (CACHE_CONTROL, "no-store")],
                    glue(n, &genuine),
                )
                    .into_response()
            }),
        )
        .route(
            &format!("/{wasm_name}"),
            get(move || async move { ([(CONTENT_TYPE, "application/wasm")], wasm) }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.3:0").await.unwrap();
    let url = format!(
        "http://127.0.0.3:{}/",
        listener.local_addr().unwrap().port()
    );
    let app = w.console.hook(app);
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, count)
}

fn tampered(genuine: &[u8]) -> Vec<u8> {
    [genuine, b"\nwindow.pwned = (window.pwned || 0) + 1;\n"].concat()
}

/// Waits for the CDN page's first outcome: `loaded` or an error.
async fn cdn_outcome(w: &World) -> serde_json::Value {
    w.page
        .until(
            "the widget loaded or failed",
            "return window.__calls.length > 0",
        )
        .await;
    let outcome = w.page.eval("return window.__calls[0]").await;
    assert_eq!(
        w.page.eval("return window.pwned ?? null").await,
        json!(null),
        "{outcome}"
    );
    outcome
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_glue_never_runs() {
    run("glue_tampered", |w| async move {
        w.console.expect("integrity");
        w.console.expect("ofconnect-"); // the failed load, as the browser reports it
        // An <of-connect> opened before the load fails hears of it too, on
        // its own `onError` and as an event on it.
        let element = r#"<script>
          addEventListener("DOMContentLoaded", () => {
            const el = document.createElement("of-connect");
            el.setAttribute("token", "ofapi_cs_" + "A".repeat(32));
            el.onError = (e) => __calls.push(["element", e.code]);
            el.addEventListener("ofconnect:error", (e) => __calls.push(["element event", e.detail.code]));
            document.body.append(el);
            el.open();
            window.__element = el;
          });
        </script>"#;
        let (page, requests) = cdn(&w, element, |_, genuine| tampered(genuine)).await;
        w.page.goto(&page).await;
        let outcome = cdn_outcome(&w).await;
        assert_eq!(outcome[1]["code"], "load_failed", "{outcome}");
        assert!(requests.load(std::sync::atomic::Ordering::SeqCst) >= 1);
        w.page.until("the element heard", "return __calls.length === 3").await;
        let calls = w.page.eval("return __calls.slice(1).sort()").await;
        assert_eq!(calls, json!([["element event", "load_failed"], ["element", "load_failed"]]));
        // The error is retryable: the next open() loads again (and fails again).
        let tried = requests.load(std::sync::atomic::Ordering::SeqCst);
        w.page.eval("__element.open(); return true").await;
        w.page.until("the element heard again", "return __calls.length === 5").await;
        assert!(requests.load(std::sync::atomic::Ordering::SeqCst) > tried);
        assert_eq!(w.page.eval("return window.pwned ?? null").await, json!(null));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_glue_that_runs_is_the_one_that_was_checked() {
    // Genuine when checked, tampered on any later request: the module that
    // runs must come from the checked response, not a second fetch.
    run("glue_swapped", |w| async move {
        let (page, requests) = cdn(&w, "", |n, genuine| {
            if n == 0 {
                genuine.to_vec()
            } else {
                tampered(genuine)
            }
        })
        .await;
        w.page.goto(&page).await;
        assert_eq!(cdn_outcome(&w).await, json!(["loaded"]));
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_glue_preloaded_by_markup_is_not_trusted() {
    // Injected markup preloads the glue without integrity, from a tampered
    // response; the loader's own, checked load must not reuse that module.
    run("glue_preloaded", |w| async move {
        let (page, _) = cdn(
            &w,
            r#"<link rel="modulepreload" href="/GLUE">"#,
            |n, genuine| {
                if n == 0 {
                    tampered(genuine)
                } else {
                    genuine.to_vec()
                }
            },
        )
        .await;
        w.page.goto(&page).await;
        let outcome = cdn_outcome(&w).await; // the tampered module never ran
        if Engine::current() == Engine::WebKit {
            // WebKit checks the loader's module script against the preloaded
            // response, which fails: closed, with a typed error.
            assert_eq!(outcome[1]["code"], "load_failed", "{outcome}");
        } else {
            assert_eq!(outcome, json!(["loaded"]));
        }
    })
    .await;
}

/// From the attacker's page, opens `url` in a popup (a real click) and
/// enters it.
async fn the_attacker_opens(w: &World, url: &str) {
    w.attacker_pages.open_popup(url).await;
    w.popup.enter().await;
}

/// From the popup (entered), one last message to its opener; what the
/// opener got, once it has that one. A window's messages to another arrive
/// in the order they were posted, so all that the popup posted before is
/// there. Then closes the popup.
async fn what_the_opener_got(w: &World) -> Vec<serde_json::Value> {
    w.page.eval("opener.postMessage('last', '*')").await;
    w.popup.leave().await;
    w.page
        .until(
            "the opener has the last message",
            "return window.__got.some((m) => m.data === 'last')",
        )
        .await;
    let got = w.page.eval("return window.__got.map((m) => m.data)").await;
    w.popup.enter().await;
    w.browser.close_window().await.unwrap();
    w.popup.leave().await;
    got.as_array().unwrap().clone()
}

/// What the demo backend answers `POST path` with.
async fn demo_post(w: &World, path: &str) -> serde_json::Value {
    let r = reqwest::Client::new().post(format!("{}{path}", w.demo));
    r.send().await.unwrap().json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_hosted_pages_and_the_widget_post_only_to_exact_origins() {
    run("exact_targets", |w| async move {
        // A page on another origin opens the flow of a session made for the
        // demo's origin: it hears nothing of a failed login, a success or
        // Continue (a page posting to "*" would tell it all).
        let token = demo_post(&w, "/api/session").await["token"]
            .as_str()
            .unwrap()
            .to_owned();
        the_attacker_opens(&w, &format!("{}/embed-auth/{token}", w.provider)).await;
        w.flow.log_in("creator@sandbox.test", "wrong").await;
        w.page.visible(".error").await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.page.visible("#continue").await.click().await.unwrap();
        assert_eq!(what_the_opener_got(&w).await, [json!("last")]);

        // OFAuth's Link page, embedded for the demo's origin: nothing of
        // `sandbox_info`, `loaded` or `exit` either.
        let link = demo_post(&w, "/api/link-session").await["url"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut link = url::Url::parse(&link).unwrap();
        link.query_pairs_mut()
            .append_pair("embed", "true")
            .append_pair("embed_origin", &w.demo);
        the_attacker_opens(&w, link.as_str()).await;
        w.page.visible("#start").await.click().await.unwrap();
        w.page.visible("#cancel").await.click().await.unwrap();
        assert_eq!(what_the_opener_got(&w).await, [json!("last")]);

        // The widget reports to its own page with that page's exact origin
        // as the target.
        w.page.goto(&format!("{}/", w.demo)).await;
        w.page
            .eval(
                "window.__targets = [];
             const post = window.postMessage;
             window.postMessage = function (message, target, ...rest) {
               if (message && message.source === 'ofconnect') __targets.push(target);
               return post.call(window, message, target, ...rest);
             };",
            )
            .await;
        w.lab
            .create(&format!(
                "{{sessionUrl: '/api/session', linkOrigin: '{}'}}",
                w.provider
            ))
            .await;
        w.lab.open().await;
        w.lab.wait("ready", 1).await;
        w.page.eval("window.__lab.close()").await;
        w.lab.wait("exit", 1).await;
        let targets = w.page.eval("return window.__targets").await;
        let targets = targets.as_array().unwrap();
        // session_requested, session_received, open, frame_loaded, ready, exit, close…
        assert!(targets.len() >= 7, "{targets:?}");
        assert!(targets.iter().all(|t| *t == json!(w.demo)), "{targets:?}");
    })
    .await;
}
