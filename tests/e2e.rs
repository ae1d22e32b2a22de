//! End-to-end: the demo CRM page, the widget and the sandbox provider in a
//! real headless browser, on distinct origins. Run with `make test`
//! (or `cargo test --test e2e` after `make build`).
#![cfg(not(target_arch = "wasm32"))]

use ofconnect_harness::{run, run_with, Setup, World, WAIT};
use serde_json::{json, Value};

async fn open_flow(w: &World) {
    w.crm.open().await;
    w.crm.click_connect().await;
    w.modal.enter_flow().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connects_an_account_without_2fa() {
    run("connects_an_account_without_2fa", |w| async move {
        open_flow(&w).await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.page.visible("#continue").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        let log = w.crm.log().await;
        let (_, result) = log.iter().find(|(k, _)| k == "success").unwrap();
        assert_eq!(result["username"], "sandbox_creator");
        assert_eq!(result["onlyfansData"]["email"], "creator@sandbox.test");
        assert!(result["accountId"].as_str().unwrap().starts_with("acct_"));
        let shown = w
            .page
            .eval("return document.getElementById('account-username').textContent")
            .await;
        assert_eq!(shown, "@sandbox_creator");
        w.page.screenshot("success-screen").await;
        // Continue on the provider's success screen closes the modal; no exit after a success.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.modal.click_and_leave("#continue").await;
        w.modal.wait_gone().await;
        assert_eq!(w.crm.events("close").await[0]["reason"], "continue");
        assert_eq!(w.crm.count("exit").await, 0);
        assert_eq!(w.crm.count("success").await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connects_an_account_with_2fa() {
    run("connects_an_account_with_2fa", |w| async move {
        open_flow(&w).await;
        w.flow.log_in("2fa@sandbox.test", "sandbox").await;
        w.flow.fill("code", "123456").await;
        w.flow.submit().await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        let log = w.crm.log().await;
        let (_, result) = log.iter().find(|(k, _)| k == "success").unwrap();
        assert_eq!(result["username"], "sandbox_2fa");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_password_is_an_error_and_the_user_can_try_again() {
    run("wrong_password", |w| async move {
        open_flow(&w).await;
        w.flow.log_in("creator@sandbox.test", "not-the-password").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("error", 1).await;
        let log = w.crm.log().await;
        let (_, error) = log.iter().find(|(k, _)| k == "error").unwrap();
        assert_eq!(
            error,
            &json!({"code": "auth_failed", "message": "Wrong email or password", "retryable": false})
        );
        assert_eq!(
            w.modal.count().await,
            1,
            "a failed attempt does not close the flow"
        );
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        assert_eq!(w.crm.count("exit").await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_close_button_exits() {
    run("close_button", |w| async move {
        open_flow(&w).await;
        w.modal.leave_flow().await;
        w.page.screenshot("modal-open").await;
        w.modal.find("button.close").await.click().await.unwrap();
        w.crm.wait_log("exit", 1).await;
        assert_eq!(
            w.crm
                .log()
                .await
                .iter()
                .find(|(k, _)| k == "exit")
                .unwrap()
                .1,
            json!({"reason": "close_button"})
        );
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_focus_returns_to_the_opener_when_the_modal_closes() {
    run("focus_returns", |w| async move {
        w.crm.open().await;
        let lab = format!(
            "{{ sessionUrl: '/api/session', linkOrigin: '{}' }}",
            w.provider
        );
        w.lab.create(&lab).await;
        // Opened from the keyboard: the focus on the button, then Enter.
        w.page
            .eval("document.getElementById('lab-open').focus()")
            .await;
        w.page.press('\u{e007}').await;
        w.modal.find("button.close").await.click().await.unwrap();
        w.lab.wait("exit", 1).await;
        assert_eq!(w.modal.count().await, 0);
        let focused = "return document.activeElement?.id ?? null";
        assert_eq!(
            w.page.eval(focused).await,
            "lab-open",
            "the opener has the focus back"
        );

        // A host that moves the focus itself when the flow ends keeps it there.
        w.lab
            .create(&format!(
                "{{ sessionUrl: '/api/session', linkOrigin: '{}', onExit: () => {{
                    const next = document.createElement('input');
                    next.id = 'next';
                    document.body.append(next);
                    next.focus();
                }} }}",
                w.provider
            ))
            .await;
        w.page
            .eval("document.getElementById('lab-open').focus()")
            .await;
        w.page.press('\u{e007}').await;
        w.modal.find("button.close").await.click().await.unwrap();
        w.page
            .until(
                "the host moved the focus",
                "return document.activeElement?.id === 'next'",
            )
            .await;
        assert_eq!(w.modal.count().await, 0);
        assert_eq!(w.page.eval(focused).await, "next");

        // `<of-connect>`: the focus goes back to the button in its shadow root.
        w.page
            .goto(&format!("{}/examples/script-tag/", w.demo))
            .await;
        w.page
            .until(
                "the element has the sandbox origin",
                "return document.getElementById('connect').hasAttribute('link-origin')",
            )
            .await;
        let button = "document.getElementById('connect').shadowRoot.querySelector('button')";
        w.page.eval(&format!("{button}.focus()")).await;
        w.page.press('\u{e007}').await;
        w.modal.find("button.close").await.click().await.unwrap();
        w.modal.wait_gone().await;
        let back = format!(
            "return document.activeElement === document.getElementById('connect')
                && document.activeElement.shadowRoot.activeElement === {button}"
        );
        assert_eq!(
            w.page.eval(&back).await,
            true,
            "the element's button has the focus back"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn escape_exits() {
    run("escape", |w| async move {
        open_flow(&w).await;
        w.modal.leave_flow().await;
        // Escape reaches the page only when the focus is not inside the
        // provider's (cross-origin) frame: the user clicks the title bar first.
        let focus_in_frame = "const m = document.querySelector('ofconnect-modal');
            return !!m && document.activeElement === m && m.shadowRoot.activeElement?.tagName === 'IFRAME'";
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            w.modal.find(".title").await.click().await.unwrap();
            if w.page.eval(focus_in_frame).await == json!(false) {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "the focus never left the provider frame");
        }
        w.page.press('\u{e00c}').await;
        w.crm.wait_log("exit", 1).await;
        assert_eq!(
            w.crm.log().await.iter().find(|(k, _)| k == "exit").unwrap().1,
            json!({"reason": "escape"})
        );
        assert_eq!(w.modal.count().await, 0);
        let overflow = w.page
            .eval("return getComputedStyle(document.documentElement).overflow")
            .await;
        assert_eq!(overflow, "visible", "background scroll is restored");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_forged_success_from_a_third_origin_is_ignored() {
    run("forged_success", |w| async move {
        open_flow(&w).await;
        w.modal.leave_flow().await;
        let forge = w.attacker_pages.forge_url(&w.attacker);
        w.browser
            .execute(
                "const f = document.createElement('iframe'); f.src = arguments[0]; document.body.append(f);",
                vec![json!(forge)],
            )
            .await
            .unwrap();
        // Both forged messages arrive and are rejected for their origin.
        let deadline = std::time::Instant::now() + WAIT;
        while w.crm.events("message_rejected").await.len() < 2 {
            assert!(std::time::Instant::now() < deadline, "{:#?}", w.crm.log().await);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        for e in w.crm.events("message_rejected").await {
            assert_eq!(e["reason"], "origin_mismatch");
        }
        assert_eq!(w.crm.count("success").await, 0);
        assert_eq!(w.modal.count().await, 1);
        // The real flow still works afterwards.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        let log = w.crm.log().await;
        assert_eq!(log.iter().find(|(k, _)| k == "success").unwrap().1["username"], "sandbox_creator");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_duplicated_success_fires_on_success_once() {
    run("duplicated_success", |w| async move {
        open_flow(&w).await;
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.crm.wait_log("success", 1).await;
        // From inside the genuine provider frame, send the success again, twice.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.browser
            .execute(
                "const m = {type: 'onlyfansapi.auth.success', payload: {accountId: 'acct_again', username: 'again',
                   onlyfansData: {id: 1, username: 'again', email: 'a@b.c', avatar_url: null, name: 'Again'}}};
                 parent.postMessage(m, arguments[0]); parent.postMessage(m, arguments[0]);",
                vec![json!(w.demo)],
            )
            .await
            .unwrap();
        w.modal.leave_flow().await;
        let deadline = std::time::Instant::now() + WAIT;
        while w.crm.events("message_rejected").await.len() < 2 {
            assert!(std::time::Instant::now() < deadline, "{:#?}", w.crm.log().await);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(w.crm.events("message_rejected").await.iter().all(|e| e["reason"] == "duplicate_outcome"));
        assert_eq!(w.crm.count("success").await, 1);
        let log = w.crm.log().await;
        assert_eq!(log.iter().find(|(k, _)| k == "success").unwrap().1["username"], "sandbox_creator");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn destroy_leaves_the_page_as_it_was() {
    run("destroy", |w| async move {
        w.crm.open().await;
        let before = w
            .page
            .eval("return [document.body.children.length, document.adoptedStyleSheets.length]")
            .await;
        w.crm.click_connect().await;
        w.modal.enter_flow().await;
        w.modal.leave_flow().await;
        assert_eq!(w.modal.count().await, 1);
        w.page
            .eval("window.demoHandle.destroy(); window.demoHandle.destroy(); return true")
            .await;
        let after = w
            .page
            .eval("return [document.body.children.length, document.adoptedStyleSheets.length]")
            .await;
        assert_eq!(after, before);
        assert_eq!(w.modal.count().await, 0);
        let overflow = w
            .page
            .eval("return getComputedStyle(document.body).overflow")
            .await;
        assert_eq!(overflow, "visible");
        // Nothing fires after destroy: not even the exit of the flow it ended.
        assert_eq!(w.crm.count("exit").await, 0);
        w.page.eval("window.demoHandle.open(); return true").await;
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connects_inline_in_the_hosts_container() {
    run("inline", |w| async move {
        w.crm.open().await;
        w.page
            .eval(
                "const c = document.createElement('section');
                 c.id = 'onboarding'; c.style.height = '600px';
                 document.body.append(c);
                 window.__sheets = document.adoptedStyleSheets.length;",
            )
            .await;
        let options = format!(
            "{{ sessionUrl: '/api/session', linkOrigin: '{}',
                container: document.getElementById('onboarding') }}",
            w.provider
        );
        w.lab.create(&options).await;
        w.lab.open().await;
        w.lab.wait("ready", 1).await;
        // In the container, shown in place: not modal, no scroll lock, the page live.
        let state = w
            .page
            .eval(
                "const host = document.querySelector('ofconnect-modal');
                 const dialog = host.shadowRoot.querySelector('dialog');
                 return { inContainer: host.parentElement.id, open: dialog.open,
                   modal: dialog.matches(':modal'), sheets: document.adoptedStyleSheets.length,
                   overflow: getComputedStyle(document.body).overflow,
                   height: Math.round(dialog.getBoundingClientRect().height),
                   focus: !!host.shadowRoot.activeElement }",
            )
            .await;
        assert_eq!(
            state,
            json!({"inContainer": "onboarding", "open": true, "modal": false,
                   "sheets": w.page.eval("return window.__sheets").await,
                   "overflow": "visible", "height": 600, "focus": true})
        );
        w.page.screenshot("inline").await;
        let events = w.lab.events().await;
        assert!(events.contains(&"open".to_owned()), "{events:?}");
        let open = w.lab.calls("event").await;
        let open = open.iter().find(|c| c[1] == "open").unwrap();
        assert_eq!(open[2]["surface"], "inline");

        // The user scrolls down to the section first. (Left to the driver,
        // WebKit's scrolls the page and clicks at once, and under load the
        // click can land where the button was before the scroll: 1 run in 10
        // on a busy machine, the login never submitted.)
        w.page
            .eval("document.getElementById('onboarding').scrollIntoView()")
            .await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.click_and_leave("#continue").await;
        w.lab.wait("success", 1).await;
        w.modal.wait_gone().await;
        let after = w
            .page
            .eval(
                "return [document.getElementById('onboarding').childElementCount,
                         document.adoptedStyleSheets.length === window.__sheets]",
            )
            .await;
        assert_eq!(after, json!([0, true]));
        // Back to the top, where the lab's button is.
        w.page.eval("window.scrollTo(0, 0)").await;

        // Bad containers are typed errors; one taken out of the page before open() too.
        for (options, says) in [
            ("container: 'onboarding'", "`container` must be an element"),
            ("container: document.body, mode: 'popup'", "not both"),
            (
                "container: document.createElement('div')",
                "the `container` is not in the page",
            ),
        ] {
            w.lab
                .create(&format!(
                    "{{ token: 'ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX', {options} }}"
                ))
                .await;
            w.lab.open().await;
            w.lab.wait("error", 1).await;
            let error = &w.lab.calls("error").await[0][1];
            assert_eq!(error["code"], "invalid_options", "{options}");
            assert!(
                error["message"].as_str().unwrap().contains(says),
                "{options}: {error}"
            );
            assert_eq!(w.modal.count().await, 0);
            w.page.eval("window.__lab.destroy()").await;
        }
    })
    .await;
}

/// Opens a lab widget for the OFAuth provider, with Link sessions from the
/// demo backend (`POST /v2/link/init` on the sandbox), and enters its page.
async fn open_ofauth_flow(w: &World) {
    w.lab.ofauth("theme: 'dark'").await;
    w.lab.open().await;
    // `onReady` comes from the Link page's own `loaded` message.
    w.lab.wait("ready", 1).await;
    w.modal.find("iframe").await.enter_frame().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn connects_through_an_ofauth_link_session() {
    run("ofauth_link", |w| async move {
        open_ofauth_flow(&w).await;
        let src = w.page.eval("return location.href").await;
        let src = src.as_str().unwrap();
        assert!(
            src.contains("embed=true") && src.contains("theme=dark"),
            "{src}"
        );
        assert!(
            src.contains(&format!(
                "embed_origin={}",
                w.demo.replace(':', "%3A").replace('/', "%2F")
            )),
            "{src}"
        );
        w.page.visible("#start").await.click().await.unwrap();
        w.flow.log_in("2fa@sandbox.test", "sandbox").await;
        w.flow.fill("code", "123456").await;
        w.flow.submit().await;
        w.page.visible("#done").await;
        w.modal.leave_flow().await;
        w.lab.wait("success", 1).await;
        let success = &w.lab.calls("success").await[0][1];
        assert!(
            success["connection"]["id"]
                .as_str()
                .unwrap()
                .starts_with("conn_"),
            "{success}"
        );
        assert_eq!(success["connection"]["userData"]["username"], "sandbox_2fa");
        // Done on the success screen ends the page; after a success that is no exit.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.modal.click_and_leave("#done").await;
        w.modal.wait_gone().await;
        assert_eq!(w.lab.calls("exit").await.len(), 0);
        assert_eq!(w.lab.calls("ready").await.len(), 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_ofauth_page_that_is_left_reports_the_step() {
    run("ofauth_cancel", |w| async move {
        open_ofauth_flow(&w).await;
        w.page.visible("#start").await.click().await.unwrap();
        w.page.visible("input[name=email]").await;
        w.modal.click_and_leave("#cancel").await;
        w.lab.wait("exit", 1).await;
        assert_eq!(
            w.lab.calls("exit").await[0][1],
            json!({"reason": "user_exit", "step": "login"})
        );
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn connects_through_ofauth_in_a_popup() {
    run("ofauth_popup", |w| async move {
        w.lab.ofauth("mode: 'popup'").await;
        w.lab.open().await;
        w.popup.enter().await;
        w.page.visible("#start").await.click().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.popup.leave().await;
        w.lab.wait("success", 1).await;
        let success = &w.lab.calls("success").await[0][1];
        assert!(success["connection"]["id"]
            .as_str()
            .unwrap()
            .starts_with("conn_"));
        // A success closes the popup at once; `onReady` came from the page.
        w.popup.wait_windows(1).await;
        assert_eq!(w.lab.calls("ready").await.len(), 1);
        assert_eq!(w.lab.calls("exit").await.len(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_given_token_is_used_first_and_every_event_has_a_timestamp() {
    run("token_first", |w| async move {
        w.page.goto(&format!("{}/", w.demo)).await;
        let session: Value = reqwest::Client::new()
            .post(format!("{}/api/session", w.demo))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let token = session["token"].as_str().unwrap();
        let before = w.page.eval("return Date.now()").await.as_f64().unwrap();
        w.lab.create(&format!(
            "{{token: '{token}', sessionUrl: '/api/session', linkOrigin: '{}'}}",
            w.provider
        ))
        .await;
        w.lab.open().await;
        w.lab.wait("ready", 1).await;
        // The flow is the given token's...
        let src = w.page
            .eval("return document.querySelector('ofconnect-modal').shadowRoot.querySelector('iframe').src")
            .await;
        assert!(
            src.as_str().unwrap().ends_with(&format!("/embed-auth/{token}")),
            "{src}"
        );
        // ...and once it is used, the next comes from `sessionUrl`.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.leave_flow().await;
        w.lab.wait("success", 1).await;
        w.page.until(
            "a session was fetched",
            "return window.__calls.some((c) => c[0] === 'event' && c[1] === 'session_received')",
        )
        .await;

        // `metadata.timestamp`: the time of each event, in ms since 1970.
        let after = w.page.eval("return Date.now()").await.as_f64().unwrap();
        let events = w.lab.calls("event").await;
        assert!(events.len() >= 4, "{events:?}"); // open, frame_loaded, session_requested, session_received
        for event in &events {
            let at = event[2]["timestamp"].as_f64();
            assert!(
                at.is_some_and(|at| before <= at && at <= after),
                "{event} not within [{before}, {after}]"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_offers_reconnect_when_the_access_api_says_session_expired() {
    // No webhooks: the CRM hears of the connection from the test, and of its
    // expiry only from the access API's `SESSION_EXPIRED`.
    let setup = Setup {
        webhooks: false,
        ..Setup::default()
    };
    run_with("demo_session_expired", setup, |w| async move {
        let key = ofconnect_sandbox::DEFAULT_OFAUTH_KEY;
        let http = reqwest::Client::new();
        w.page.goto(&format!("{}/", w.demo)).await;
        w.page.until(
            "the OFAuth button is ready",
            "return !document.getElementById('ofauth-connect').disabled",
        )
        .await;
        w.modal.connect_with_link("#ofauth-connect").await;
        let listed: Value = http
            .get(format!("{}/v2/connections", w.provider))
            .header("apikey", key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let id = listed["data"][0]["id"].as_str().unwrap().to_owned();
        let event = json!({"id": "evt_created", "type": "connection.created",
            "data": {"connection": {"id": id, "clientReferenceId": "demo_model_1"}}})
        .to_string();
        let t = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let secret = ofconnect_sandbox::DEFAULT_WEBHOOK_SECRET;
        let signature = ofconnect_sandbox::sign_webhook(secret, t, &event);
        let delivered = http
            .post(format!("{}/webhooks/ofauth", w.demo))
            .header("OFAuth-Signature", format!("t={t},v1={signature}"))
            .body(event)
            .send()
            .await
            .unwrap();
        assert!(delivered.status().is_success());
        w.page.goto(&format!("{}/", w.demo)).await;
        w.page.until(
            "the CRM shows the connection",
            "return document.getElementById('ofauth-status').dataset.state === 'connected'",
        )
        .await;

        // The provider expires it, and says nothing: the access API answers
        // SESSION_EXPIRED, and the page offers Reconnect.
        let expired = http
            .post(format!("{}/v2/sandbox/connections/{id}/expire", w.provider))
            .header("apikey", key)
            .send()
            .await
            .unwrap();
        assert_eq!(expired.status().as_u16(), 200);
        w.page.goto(&format!("{}/", w.demo)).await;
        w.page.until(
            "the CRM offers to reconnect",
            "return !document.getElementById('ofauth-reconnect').hidden",
        )
        .await;
        let status = w.page
            .eval("const s = document.getElementById('ofauth-status'); return [s.dataset.state, s.textContent]")
            .await;
        assert_eq!(status, json!(["expired", "Session expired"]));

        // Reconnect runs Link for that connection: the access API answers for it again.
        w.modal.connect_with_link("#ofauth-reconnect").await;
        let access = http
            .get(format!("{}/v2/access/self", w.provider))
            .header("apikey", key)
            .header("x-connection-id", &id)
            .send()
            .await
            .unwrap();
        assert_eq!(access.status().as_u16(), 200);
    })
    .await;
}

/// The harness's own promise: a console error in any frame fails the test
/// (here in the provider's cross-origin frame, which Chromium's log and
/// WebKit's driver do not report).
#[tokio::test(flavor = "multi_thread")]
#[should_panic(expected = "a console error inside the flow frame")]
async fn a_console_error_inside_the_flow_frame_fails_the_test() {
    run("console_error_in_frame", |w| async move {
        open_flow(&w).await;
        w.page
            .eval("console.error('a console error inside the flow frame')")
            .await;
    })
    .await;
}
