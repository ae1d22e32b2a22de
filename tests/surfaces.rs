//! Every way the widget ships, used as integrators use it, against the
//! sandbox: the script tag and `<of-connect>`, a popup opened before the
//! widget has loaded, the npm package as an ES module without a bundler, in
//! a Vite app and in a webpack app, the Rust API and Yew component in a Yew
//! app, and `@onlyfansapi/auth`'s documented usage, unchanged.
//! Run with `make test` (or `cargo test --test surfaces` after `make build`).
#![cfg(not(target_arch = "wasm32"))]

use fantoccini::actions::{InputSource, MouseActions, PointerAction};
use fantoccini::Locator;
use ofconnect_harness::{run, World};
use serde_json::Value;

/// The page's `#status` text.
async fn status(w: &World) -> String {
    w.page
        .eval("return document.getElementById('status').textContent")
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn wait_status(w: &World, prefix: &str) {
    let script = format!(
        "return document.getElementById('status').textContent.startsWith({})",
        Value::from(prefix)
    );
    w.page
        .until(&format!("the status reads {prefix:?}"), &script)
        .await;
}

async fn click(w: &World, css: &str) {
    w.browser
        .find(Locator::Css(css))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// In the modal: log in as the sandbox creator, then Continue.
async fn connect_in_modal(w: &World) {
    w.modal.find("iframe").await.enter_frame().await.unwrap();
    w.flow.log_in("creator@sandbox.test", "sandbox").await;
    w.modal.click_and_leave("#continue").await;
    w.modal.wait_gone().await;
}

/// Clicks `#connect`, and connects in the popup it opens, which then closes.
async fn connect_in_popup(w: &World) {
    click(w, "#connect").await;
    w.popup.enter().await;
    w.flow.log_in("creator@sandbox.test", "sandbox").await;
    w.popup.leave().await;
    wait_status(w, "Connected @sandbox_creator").await;
    w.popup.wait_windows(1).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn of_connect_element_runs_the_flow_and_dispatches_events() {
    run("of_connect_element", |w| async move {
        w.page.goto(&format!("{}/examples/script-tag/", w.demo)).await;
        w.page.until(
            "the element has the sandbox origin",
            "return document.getElementById('connect').hasAttribute('link-origin')",
        )
        .await;
        w.page.eval(
            "window.__events = [];
             for (const t of ['success', 'exit', 'error', 'event'])
               document.addEventListener('ofconnect:' + t, (e) =>
                 window.__events.push([t, e.target.tagName, e.composed, e.detail && e.detail.name]));",
        )
        .await;
        // An accessible button: a real <button>, labelled by the element's text.
        let button = w.page
            .eval(
                "const b = document.getElementById('connect').shadowRoot.querySelector('button');
                 return [b.localName, b.getAttribute('aria-haspopup'),
                         b.querySelector('slot').assignedNodes().map((n) => n.textContent).join('')];",
            )
            .await;
        assert_eq!(button, serde_json::json!(["button", "dialog", "Connect OnlyFans"]));
        w.page.screenshot("of-connect-element").await;
        click(&w, "#connect").await;
        connect_in_modal(&w).await;
        wait_status(&w, "Connected @sandbox_creator").await;
        let events = w.page.eval("return window.__events").await;
        let events = events.as_array().unwrap();
        let success: Vec<&Value> = events.iter().filter(|e| e[0] == "success").collect();
        assert_eq!(success.len(), 1, "{events:?}");
        // Dispatched on the element, composed, seen by the document.
        assert_eq!(success[0][1], "OF-CONNECT");
        assert_eq!(success[0][2], true);
        assert!(events.iter().all(|e| e[0] != "exit" && e[0] != "error"), "{events:?}");
        assert!(events.iter().any(|e| e[0] == "event" && e[3] == "close"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_popup_opens_from_a_click_before_the_widget_has_loaded() {
    run("popup_before_load", |w| async move {
        w.page.goto(&format!("{}/examples/script-tag/popup.html", w.demo))
            .await;
        w.page.until(
            "the button is enabled",
            "return !document.getElementById('connect').disabled",
        )
        .await;
        let wasm_loaded = "return performance.getEntriesByType('resource').some((e) => e.name.endsWith('.wasm'))";
        assert_eq!(w.page.eval(wasm_loaded).await, false, "the page loaded the wasm before the click");
        // Records, for each window.open, whether the wasm had loaded by then.
        w.page.eval(&format!(
            "const open = window.open; window.__opens = [];
             window.open = function (...args) {{ window.__opens.push((() => {{ {wasm_loaded} }})()); return open.apply(this, args); }};"
        ))
        .await;
        connect_in_popup(&w).await;
        // One popup, opened in the click, before the widget had loaded.
        assert_eq!(w.page.eval("return window.__opens").await, serde_json::json!([false]));
    })
    .await;
}

/// Waits until the page's `#connect` button exists (an app renders it
/// once its code has loaded) and is enabled.
async fn wait_enabled(w: &World) {
    w.page
        .until(
            "the button is enabled",
            "const b = document.getElementById('connect'); return !!b && !b.disabled",
        )
        .await;
}

/// On an example page with a `#connect` button: connects in the modal.
async fn connect_on_page(w: &World, path: &str) {
    w.page.goto(&format!("{}{path}", w.demo)).await;
    wait_enabled(w).await;
    click(w, "#connect").await;
    connect_in_modal(w).await;
    wait_status(w, "Connected @sandbox_creator").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_widget_that_cannot_load_says_so_and_the_next_create_tries_again() {
    run("load_failed", |w| async move {
        w.page.goto(&format!("{}/examples/script-tag/popup.html", w.demo))
            .await;
        // The network is down for the wasm: every fetch fails.
        w.page.eval(
            "window.__realFetch = window.fetch; window.fetch = () => Promise.reject(new TypeError('offline'));
             window.__got = [];
             addEventListener('message', (e) => { if (e.source === window && e.data.source === 'ofconnect') __got.push(['message', e.data.payload.code]); });
             const post = window.postMessage;
             window.postMessage = function (message, target) { window.__target = target; return post.apply(window, arguments); };
             document.addEventListener('ofconnect:error', (e) => __got.push(['event', e.detail.code]));
             OFConnect.create({ sessionUrl: '/api/session', onError: (e) => __got.push(['callback', e.code, e.retryable]) });",
        )
        .await;
        w.page.until("three reports", "return window.__got.length === 3").await;
        let mut got: Vec<String> = w.page.eval("return window.__got").await.as_array().unwrap().iter().map(|v| v.to_string()).collect();
        got.sort();
        assert_eq!(got, [r#"["callback","load_failed",true]"#, r#"["event","load_failed"]"#, r#"["message","load_failed"]"#]);
        // Posted to this page's own origin, never "*".
        assert_eq!(w.page.eval("return window.__target").await, serde_json::json!(w.demo));
        // Back online: the next create loads the widget.
        w.page.eval(
            "window.fetch = window.__realFetch;
             OFConnect.create({ sessionUrl: '/api/session', onEvent: (name) => __got.push(['lifecycle', name]) });",
        )
        .await;
        w.page.until("the widget loaded and asked for a session", "return window.__got.some((g) => g[1] === 'session_received')").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn es_module_page_without_a_bundler() {
    run("esm_page", |w| async move {
        connect_on_page(&w, "/examples/esm/").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn vite_app_with_the_npm_package() {
    run("vite_app", |w| async move {
        connect_on_page(&w, "/examples/vite/").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webpack_app_with_the_npm_package() {
    run("webpack_app", |w| async move {
        connect_on_page(&w, "/examples/webpack/").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn yew_app_with_the_rust_api_and_component() {
    run("yew_app", |w| async move {
        // `<ConnectButton>`, in the modal.
        connect_on_page(&w, "/examples/yew-app/").await;
        w.page.screenshot("yew-app-connected").await;

        // New settings (a popup) make a new widget; the flow runs in a popup.
        w.page.goto(&format!("{}/examples/yew-app/", w.demo)).await;
        wait_enabled(&w).await;
        click(&w, "#popup").await;
        connect_in_popup(&w).await;

        // Leaving the page unmounts the component with the flow open: the
        // widget is destroyed (the modal goes, and no callback comes).
        click(&w, "#popup").await;
        click(&w, "#connect").await;
        w.modal.find("iframe").await;
        // The page is inert under the modal: the app leaves by itself.
        w.page
            .eval("document.getElementById('leave').click()")
            .await;
        w.modal.wait_gone().await;
        wait_status(&w, "Left the page").await;
        assert_eq!(
            w.page
                .eval("return document.querySelectorAll('#connect, ofconnect-modal').length")
                .await,
            0
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn onlyfansapi_auth_documented_usage_runs_unchanged() {
    run("compat", |w| async move {
        w.page.goto(&format!("{}/examples/compat/", w.demo)).await;
        w.page.until(
            "the page points at the sandbox",
            "return document.getElementById('sandbox').textContent !== ''",
        )
        .await;
        let global = w.page
            .eval("const a = window.OnlyFansAPI && window.OnlyFansAPI.Auth;
                   return [typeof a.startOnlyFansAuthentication, typeof a.closeOnlyFansAuthentication]")
            .await;
        assert_eq!(global, serde_json::json!(["function", "function"]));

        // A wrong password: onError({message}), and the modal stays for another try.
        click(&w, "#auth").await;
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "wrong").await;
        w.modal.leave_flow().await;
        wait_status(&w, "Auth failed: ").await;
        assert!(status(&w).await.len() > "Auth failed: ".len());
        assert_eq!(w.modal.count().await, 1);

        // Then the right one: onSuccess(AuthSuccessData), and Continue calls onContinue.
        w.modal.find("iframe").await.enter_frame().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.modal.click_and_leave("#continue").await;
        wait_status(&w, "Welcome sandbox_creator! (acct_").await;
        w.page.screenshot("compat-success").await;
        w.page.until(
            "onContinue was called",
            "return document.getElementById('status').dataset.continued === 'true'",
        )
        .await;
        assert_eq!(w.modal.count().await, 0);

        // closeOnlyFansAuthentication() closes an open flow, with no callback.
        click(&w, "#auth").await;
        w.modal.find("iframe").await;
        let before = status(&w).await;
        w.page.eval("window.OnlyFansAPI.Auth.closeOnlyFansAuthentication()").await;
        assert_eq!(w.modal.count().await, 0);
        assert_eq!(status(&w).await, before);
    })
    .await;
}

/// On a page with only the script tag (and the widget not loaded): counts
/// the widget's loads (its wasm fetches), and holds the browser's idle
/// callbacks in `window.__idle` until the test runs them.
async fn script_tag_page(w: &World) {
    w.page
        .goto(&format!("{}/examples/script-tag/popup.html", w.demo))
        .await;
    w.page
        .eval(
            "window.__loads = 0;
         const fetch = window.fetch;
         window.fetch = function (url, ...rest) {
           if (String(url).endsWith('.wasm')) window.__loads++;
           return fetch.call(window, url, ...rest);
         };
         window.__idle = [];
         window.requestIdleCallback = (f) => __idle.push(f);",
        )
        .await;
}

/// Adds `<of-connect>` to the script-tag page; the widget must not load for it yet.
async fn add_element(w: &World) {
    let loads = w.page
        .eval(
            "const el = document.createElement('of-connect');
             el.id = 'lazy'; el.setAttribute('session-url', '/api/session'); el.textContent = 'Connect';
             document.body.append(el);
             return __loads;",
        )
        .await;
    assert_eq!(loads, 0, "the widget loaded for an element nobody used");
}

/// Waits until the widget has started loading once, then until it has
/// loaded (the next page would cut the load short, an error).
async fn wait_loads(w: &World, trigger: &str) {
    w.page
        .until(
            &format!("the widget loads on {trigger}"),
            "return window.__loads === 1",
        )
        .await;
    w.page
        .eval("OFConnect.load().then(() => { window.__loaded = true; })")
        .await;
    w.page
        .until("the widget has loaded", "return window.__loaded === true")
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_script_tag_defines_its_globals_and_loads_the_widget_only_when_needed() {
    run("script_tag_lazy", |w| async move {
        // All three at once, as the window's own properties, with nothing loaded.
        script_tag_page(&w).await;
        let globals = w.page
            .eval(
                "return [Object.hasOwn(window, 'OFConnect'), typeof OFConnect.create, typeof OFConnect.load,
                         Object.hasOwn(window, 'OnlyFansAPI'), typeof OnlyFansAPI.Auth.startOnlyFansAuthentication,
                         typeof OnlyFansAPI.Auth.closeOnlyFansAuthentication,
                         customElements.get('of-connect') === document.createElement('of-connect').constructor,
                         typeof customElements.get('of-connect').prototype.open, __loads]",
            )
            .await;
        assert_eq!(
            globals,
            serde_json::json!([true, "function", "function", true, "function", "function", true, "function", 0])
        );

        // The first create().
        w.page.eval("OFConnect.create({ token: 'ofapi_cs_' + 'A'.repeat(32) })")
            .await;
        wait_loads(&w, "create()").await;

        // The browser being idle on a page with an <of-connect>.
        script_tag_page(&w).await;
        add_element(&w).await;
        w.page.eval("for (const f of __idle) f()").await;
        wait_loads(&w, "idle").await;

        // The focus entering it.
        script_tag_page(&w).await;
        add_element(&w).await;
        w.page.eval("document.getElementById('lazy').shadowRoot.querySelector('button').focus()")
            .await;
        wait_loads(&w, "focus").await;

        // The pointer entering it.
        script_tag_page(&w).await;
        add_element(&w).await;
        let element = w.browser.find(Locator::Css("#lazy")).await.unwrap();
        let hover = MouseActions::new("mouse".into()).then(PointerAction::MoveToElement {
            element,
            duration: None,
            x: 0.0,
            y: 0.0,
        });
        w.browser.perform_actions(hover).await.unwrap();
        wait_loads(&w, "hover").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_made_before_the_widget_loaded_are_replayed_in_order() {
    run("replay_order", |w| async move {
        w.page.goto(&format!("{}/examples/script-tag/popup.html", w.demo))
            .await;
        let early = w.page
            .eval(&format!(
                "window.__calls = [];
                 const rec = (kind) => (...a) => __calls.push([kind, ...a]);
                 const handle = OFConnect.create({{ sessionUrl: '/api/session', linkOrigin: '{}',
                   onReady: rec('ready'), onExit: rec('exit'), onError: rec('error'),
                   onEvent: (name, metadata) => (name === 'open' || name === 'close') && __calls.push([name, metadata.reason ?? metadata.surface]) }});
                 handle.open(); handle.close(); handle.open(); handle.close(); handle.destroy(); handle.open();
                 return __calls.length;",
                w.provider
            ))
            .await;
        assert_eq!(early, 0, "a call ran before the widget had loaded");
        w.page.until("the calls were replayed", "return __calls.length >= 6").await;
        let calls = w.page.eval("return __calls").await;
        assert_eq!(
            calls,
            serde_json::json!([
                ["open", "modal"], ["close", "host_close"], ["exit", {"reason": "host_close"}],
                ["open", "modal"], ["close", "host_close"], ["exit", {"reason": "host_close"}],
            ])
        );
        // Destroyed: the open() after it did nothing.
        assert_eq!(w.modal.count().await, 0);
    })
    .await;
}
