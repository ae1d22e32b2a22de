//! The harness's console-error collector, in the engine under test: an
//! error a page throws fails its test, and every window and frame is heard,
//! through the page hook on every origin, and through the browser's own
//! log where its driver reports one (Chromium, Firefox) for a page the
//! test's servers did not serve.
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use ofconnect_harness::{run, Engine, World, WAIT};

/// Every line that these tests make a page log says this.
const MARK: &str = "collector-check";

#[tokio::test(flavor = "multi_thread")]
#[should_panic(expected = "console errors in the browser")]
async fn an_error_a_page_throws_fails_the_test() {
    run("console_uncaught_error", |w| async move {
        w.crm.open().await;
        throw_later(&w, "thrown by the demo page").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_window_and_frame_is_heard() {
    run("console_every_window", |w| async move {
        let mut lines = vec![format!("{MARK}: rejection"), format!("{MARK}: console")];
        w.crm.open().await;
        let script = format!(
            "Promise.reject('{}'); console.error('{}')",
            lines[0], lines[1]
        );
        w.page.eval(&script).await;

        // A frame of another origin.
        lines.push(format!("{MARK}: frame"));
        w.page
            .add_frame(&format!("{}/opener.html", w.attacker), None)
            .await;
        let frame = w.page.element("iframe[src$='/opener.html']").await;
        frame.enter_frame().await.unwrap();
        w.page
            .until(
                "the frame has loaded",
                "return !!document.getElementById('open')",
            )
            .await;
        throw_from_the_page(&w, &lines[2]).await;
        w.page.leave_frame().await;

        // A popup, opened by the attacker's page.
        lines.push(format!("{MARK}: popup"));
        let popup = format!("{}/parent.html?child=about:blank", w.lookalike);
        w.attacker_pages.open_popup(&popup).await;
        w.popup.enter().await;
        w.page
            .until(
                "the popup has loaded",
                "return !!document.getElementById('child')",
            )
            .await;
        throw_from_the_page(&w, &lines[3]).await;
        w.popup.leave().await;

        // A page without the hook: only the browser's own log hears it.
        if Engine::current() != Engine::WebKit {
            lines.push(format!("{MARK}: unhooked"));
            let origin = unhooked_page(&lines[4]).await;
            w.page.goto(&origin).await;
            w.page
                .until("the page has thrown", "return window.__thrown === true")
                .await;
        }

        let mut heard = vec![];
        let deadline = Instant::now() + WAIT;
        while !lines
            .iter()
            .all(|l| heard.iter().any(|h: &String| h.contains(l)))
        {
            assert!(
                Instant::now() < deadline,
                "heard only {heard:#?}; expected {lines:#?}"
            );
            heard.extend(w.console_errors().await);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        w.console.expect(MARK);
    })
    .await;
}

/// Makes the current page throw `message` from a timer, and waits until it has.
async fn throw_later(w: &World, message: &str) {
    let script =
        format!("setTimeout(() => {{ window.__thrown = true; throw new Error('{message}'); }})");
    w.page.eval(&script).await;
    w.page
        .until("the page has thrown", "return window.__thrown === true")
        .await;
}

/// Makes the current page (one without a CSP) run a script of its own
/// origin that throws `message` (an error thrown by the driver's script
/// would reach the page as "Script error."), and waits until it has.
async fn throw_from_the_page(w: &World, message: &str) {
    let script = "window.__thrown = false; const s = document.createElement('script');
        const code = `window.__thrown = true; throw new Error(${JSON.stringify(arguments[0])});`;
        s.src = URL.createObjectURL(new Blob([code], {type: 'text/javascript'}));
        document.head.append(s);";
    w.page.call(script, vec![message.into()]).await;
    w.page
        .until("the page has thrown", "return window.__thrown === true")
        .await;
}

/// A server of its own, without the console hook, whose page throws
/// `message`; its origin.
async fn unhooked_page(message: &str) -> String {
    let page = format!(
        r#"<!doctype html><title>unhooked</title><link rel="icon" href="data:,"><script>
        setTimeout(() => {{ window.__thrown = true; throw new Error("{message}"); }});
        </script>"#
    );
    let app = Router::new().route("/", get(move || async move { Html(page) }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!(
        "http://127.0.0.1:{}/",
        listener.local_addr().unwrap().port()
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    origin
}
