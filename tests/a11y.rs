//! End-to-end accessibility: an axe-core audit (WCAG 2.x A and AA rules)
//! of the demo page, the modal in each theme, loading and loaded,
//! `<of-connect>` and the Yew example's `<ConnectButton>`; and the whole
//! flow with the keyboard alone.
#![cfg(not(target_arch = "wasm32"))]

use std::sync::OnceLock;

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use ofconnect_harness::{repo, run, World};
use serde_json::Value;

/// axe-core, from npm.
fn axe_source() -> &'static str {
    static AXE: OnceLock<String> = OnceLock::new();
    AXE.get_or_init(|| repo::npm_file("axe-core/axe.min.js"))
}

/// Audits the page as it is (open shadow roots included; the provider's
/// own page in the flow frame is the provider's, not audited here) and
/// fails with each violation's rule, impact and elements.
async fn audit(w: &World, what: &str) {
    w.page.eval(axe_source()).await;
    let result = w
        .page
        .eval(
            "return axe.run(document, {
                 iframes: false,
                 runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
                 resultTypes: ['violations'],
             }).then((r) => r.violations.map((v) => ({ rule: v.id, impact: v.impact,
                 nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary) })))",
        )
        .await;
    let violations = result.as_array().unwrap_or_else(|| panic!("axe: {result}"));
    assert!(
        violations.is_empty(),
        "{what}: {} violation(s):\n{result:#}",
        violations.len()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_the_modal_and_the_element_pass_an_axe_audit() {
    run("a11y_axe", |w| async move {
        w.crm.open().await;
        audit(&w, "the demo page").await;
        for theme in ["light", "dark"] {
            // Loading: a session that never comes.
            w.lab
                .create(&format!(
                    "{{ theme: '{theme}', sessionTimeout: 120000,
                        getSession: () => new Promise(() => {{}}) }}"
                ))
                .await;
            w.lab.open().await;
            w.modal.find("[role=status]").await;
            audit(&w, &format!("the {theme} modal, loading")).await;
            w.page.eval("window.__lab.destroy()").await;
            w.modal.wait_gone().await;
        }
        // Loaded: the provider's page in the frame.
        w.crm.click_connect().await;
        w.modal.enter_flow().await;
        w.modal.leave_flow().await;
        audit(&w, "the modal with the flow").await;
        w.page.eval("window.demoHandle.destroy()").await;
        w.modal.wait_gone().await;

        w.page
            .goto(&format!("{}/examples/script-tag/", w.demo))
            .await;
        w.page
            .until(
                "the element is defined",
                "return !!customElements.get('of-connect')",
            )
            .await;
        audit(&w, "the script-tag example with <of-connect>").await;

        w.page.goto(&format!("{}/examples/yew-app/", w.demo)).await;
        w.page
            .until(
                "the Yew app shows its enabled <ConnectButton>",
                "const b = document.getElementById('connect'); return !!b && !b.disabled",
            )
            .await;
        audit(&w, "the Yew example with <ConnectButton>").await;
    })
    .await;
}

/// Presses `key` (a WebDriver key code, or a character) as a user does.
async fn press(w: &World, key: char) {
    w.page.press(key).await;
}

/// Presses Space on the focused button in the flow frame, which makes the
/// widget remove that frame. A button acts on Space's release, so the frame
/// goes only after both key events reached it. (With Enter, which acts on
/// the press, the frame could go while the release was on its way; Chromium
/// then never answered the driver's release: CI failed so.) The driver may
/// answer that the frame is gone.
async fn press_space_and_leave(w: &World) {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: SPACE })
        .then(KeyAction::Up { value: SPACE });
    if let Err(e) = w.browser.perform_actions(keys).await {
        let gone = ["frame detached", "BrowsingContext does no longer exist"];
        assert!(gone.iter().any(|g| e.to_string().contains(g)), "{e}");
    }
    w.page.leave_frame().await;
}

const TAB: char = '\u{e004}';
const ENTER: char = '\u{e007}';
const SPACE: char = '\u{e00d}';

/// The deepest focused element, through open shadow roots, as `e`.
const FOCUSED: &str = "let e = document.activeElement;
     while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;";

/// What has the focus: the `id` or `name` of the deepest focused element,
/// through open shadow roots.
async fn focused(w: &World) -> Value {
    let script =
        format!("{FOCUSED} return e ? (e.id || e.name || e.className || e.localName) : null");
    w.page.eval(&script).await
}

/// Tabs until `target` has the focus (at most 30 times).
async fn tab_to(w: &World, target: &str) {
    for _ in 0..30 {
        if focused(w).await == target {
            return;
        }
        press(w, TAB).await;
    }
    panic!(
        "Tab never reached {target}; the focus is on {}",
        focused(w).await
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_flow_works_with_the_keyboard_alone() {
    run("a11y_keyboard", |w| async move {
        w.crm.open().await;
        tab_to(&w, "connect").await;
        press(&w, ENTER).await;
        // The modal takes the focus (its close button), then Tab enters the flow.
        w.modal.find("iframe").await;
        tab_to(&w, "close").await;
        // (The frame joins the tab order once its page has loaded and shows.)
        w.page
            .until(
                "the flow's frame shows",
                "const f = document.querySelector('ofconnect-modal').shadowRoot.querySelector('iframe');
                 return !!f && getComputedStyle(f).visibility === 'visible'",
            )
            .await;
        // Tab moves the focus on into the flow's frame (another site's:
        // focus lands there asynchronously).
        press(&w, TAB).await;
        let left = format!("{FOCUSED} return e?.className === 'frame'");
        w.page.until("Tab took the focus into the flow's frame", &left).await;
        // In the frame, the fields are typed into and the form submitted with
        // the keyboard (which field an engine's Tab lands on first varies).
        w.modal.enter_flow().await;
        for (field, value) in [("email", "creator@sandbox.test"), ("password", "sandbox")] {
            let input = w.page.element(&format!("input[name={field}]")).await;
            input.send_keys(value).await.unwrap();
        }
        press(&w, ENTER).await;
        w.page
            .until(
                "Continue has the focus",
                "return document.activeElement.id === 'continue'",
            )
            .await;
        press_space_and_leave(&w).await;
        w.modal.wait_gone().await;
        w.crm.wait_log("success", 1).await;
        assert_eq!(focused(&w).await, "connect", "the focus is back on Connect");
    })
    .await;
}
