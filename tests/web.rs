//! DOM glue tests in a real browser: `wasm-pack test --headless --chrome`.
//!
//! Provider messages are simulated with synthetic `MessageEvent`s whose
//! `source` is the real flow iframe's window, so the widget's origin and
//! source checks run exactly as for a real message.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use ofconnect::{Handle, OfConnect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlIFrameElement, MessageEvent, MessageEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// An app's own allocator, as a Rust front end may declare: it links only
/// because the crate declares none unless its `bundle` feature is on.
#[global_allocator]
static APP_ALLOCATOR: std::alloc::System = std::alloc::System;

const TOKEN: &str = "ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX";
// Nothing listens there: the frame never loads real content, which these tests do not need.
const LINK_ORIGIN: &str = "http://127.0.0.1:9";

/// Records every callback as `[name, argument]` pairs.
struct Recorder {
    calls: Array,
    options: Object,
}

impl Recorder {
    fn new(token: &str) -> Self {
        // A failed test leaves its modal behind: not the next test's failure.
        for leftover in document()
            .query_selector_all("ofconnect-modal")
            .unwrap()
            .values()
        {
            leftover.unwrap().unchecked_into::<Element>().remove();
        }
        let calls = Array::new();
        let options = Object::new();
        set(&options, "token", &token.into());
        set(&options, "linkOrigin", &LINK_ORIGIN.into());
        for name in ["onReady", "onSuccess", "onError", "onExit", "onEvent"] {
            let f = Function::new_with_args("calls, name, a, b", "calls.push([name, a, b])").bind2(
                &JsValue::NULL,
                &calls,
                &name.into(),
            );
            set(&options, name, &f);
        }
        Self { calls, options }
    }

    fn create(&self) -> Handle {
        OfConnect::create(self.options.clone().into())
    }

    fn names(&self) -> Vec<String> {
        self.calls
            .iter()
            .map(|c| Array::from(&c).get(0).as_string().unwrap())
            .collect()
    }

    fn count(&self, name: &str) -> usize {
        self.names().iter().filter(|n| *n == name).count()
    }

    fn arg(&self, name: &str) -> JsValue {
        self.calls
            .iter()
            .map(|c| Array::from(&c))
            .find(|c| c.get(0).as_string().as_deref() == Some(name))
            .unwrap()
            .get(1)
    }
}

fn set(target: &JsValue, key: &str, value: &JsValue) {
    Reflect::set(target, &key.into(), value).unwrap();
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &key.into()).unwrap()
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn modals() -> u32 {
    document()
        .query_selector_all("ofconnect-modal")
        .unwrap()
        .length()
}

fn adopted_sheets() -> u32 {
    Array::from(&get(&document(), "adoptedStyleSheets")).length()
}

fn frame() -> HtmlIFrameElement {
    let host: Element = document()
        .query_selector("ofconnect-modal")
        .unwrap()
        .unwrap();
    host.shadow_root()
        .unwrap()
        .query_selector("iframe")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap()
}

/// Lets pending tasks run, then Yew's scheduler finish: it yields to the
/// browser after 16 ms of work, so on a slow (cold, debug) run a render's
/// effects, such as `showModal()`, can come after any fixed wait.
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
    yew::scheduler::flush().await;
}

fn post(origin: &str, source: Option<&JsValue>, data: &JsValue) {
    let init = MessageEventInit::new();
    init.set_origin(origin);
    init.set_data(data);
    if let Some(s) = source {
        set(&init, "source", s);
    }
    let event = MessageEvent::new_with_event_init_dict("message", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

fn success() -> JsValue {
    js_sys::JSON::parse(
        r#"{"type":"onlyfansapi.auth.success","payload":{"accountId":"acct_1","username":"stella",
            "onlyfansData":{"id":1,"username":"stella","email":"s@x.test","avatar_url":null,"name":"Stella"}}}"#,
    )
    .unwrap()
}

#[wasm_bindgen_test]
async fn invalid_token_is_reported_without_touching_the_dom() {
    let sheets = adopted_sheets();
    let r = Recorder::new("ofapi_cs_short");
    let handle = r.create();
    handle.open();
    settle().await;
    assert_eq!(r.count("onError"), 2, "{:?}", r.names());
    assert_eq!(get(&r.arg("onError"), "code"), "invalid_token");
    assert_eq!(modals(), 0);
    assert_eq!(adopted_sheets(), sheets);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn bad_options_are_reported_by_name() {
    let r = Recorder::new(TOKEN);
    set(&r.options, "onsuccess", &JsValue::TRUE);
    let handle = r.create();
    let error = r.arg("onError");
    assert_eq!(get(&error, "code"), "invalid_options");
    assert!(get(&error, "message")
        .as_string()
        .unwrap()
        .contains("did you mean `onSuccess`"));
    handle.open();
    assert_eq!(modals(), 0);
    handle.destroy();
    // Not even an object: nothing to call, but no exception either.
    OfConnect::create(JsValue::from(42)).open();
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn opens_one_modal_with_the_flow_url_and_closes_cleanly() {
    let sheets = adopted_sheets();
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    handle.open();
    settle().await;
    assert_eq!(modals(), 1);
    assert_eq!(frame().src(), format!("{LINK_ORIGIN}/embed-auth/{TOKEN}"));
    assert_eq!(adopted_sheets(), sheets + 1, "scroll lock");
    let dialog = document()
        .query_selector("ofconnect-modal")
        .unwrap()
        .unwrap()
        .shadow_root()
        .unwrap();
    let dialog = dialog.query_selector("dialog").unwrap().unwrap();
    assert!(dialog.has_attribute("open"));
    assert_eq!(
        dialog.get_attribute("aria-labelledby").as_deref(),
        Some("ofconnect-title")
    );
    handle.close();
    assert_eq!(modals(), 0);
    assert_eq!(adopted_sheets(), sheets);
    assert_eq!(r.count("onExit"), 1);
    assert_eq!(get(&r.arg("onExit"), "reason"), "host_close");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn close_then_open_at_once_shows_the_new_modal() {
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    handle.close();
    handle.open();
    settle().await;
    assert_eq!(modals(), 1);
    handle.destroy();
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn accepts_only_the_exact_origin_and_the_flow_window() {
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    let flow_window: JsValue = frame().content_window().unwrap().into();
    let other_window: JsValue = web_sys::window().unwrap().into();
    post("http://127.0.0.1:99", Some(&flow_window), &success());
    post("http://127.0.0.1:9.evil", Some(&flow_window), &success());
    post("null", Some(&flow_window), &success());
    post(LINK_ORIGIN, None, &success());
    post(LINK_ORIGIN, Some(&other_window), &success());
    post(
        LINK_ORIGIN,
        Some(&flow_window),
        &JsValue::from_str("onlyfansapi.auth.success"),
    );
    assert_eq!(r.count("onSuccess"), 0, "{:?}", r.names());
    post(LINK_ORIGIN, Some(&flow_window), &success());
    post(LINK_ORIGIN, Some(&flow_window), &success());
    assert_eq!(r.count("onSuccess"), 1);
    let result = r.arg("onSuccess");
    assert_eq!(get(&result, "accountId"), "acct_1");
    assert_eq!(
        get(&get(&result, "onlyfansData"), "avatar_url"),
        JsValue::NULL
    );
    post(
        LINK_ORIGIN,
        Some(&flow_window),
        &js_sys::JSON::parse(r#"{"type":"onlyfansapi.auth.continue"}"#).unwrap(),
    );
    assert_eq!(modals(), 0);
    assert_eq!(r.count("onExit"), 0, "success was the outcome");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn failed_is_an_error_not_an_outcome() {
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    let flow_window: JsValue = frame().content_window().unwrap().into();
    let failed = js_sys::JSON::parse(
        r#"{"type":"onlyfansapi.auth.failed","payload":{"message":"Wrong email or password"}}"#,
    )
    .unwrap();
    post(LINK_ORIGIN, Some(&flow_window), &failed);
    let error = r.arg("onError");
    assert_eq!(get(&error, "code"), "auth_failed");
    assert_eq!(get(&error, "message"), "Wrong email or password");
    assert_eq!(modals(), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_throwing_callback_does_not_break_the_widget() {
    let r = Recorder::new(TOKEN);
    set(
        &r.options,
        "onEvent",
        &Function::new_no_args("throw new Error('host bug (expected by this test)')"),
    );
    let handle = r.create();
    handle.open();
    settle().await;
    assert_eq!(modals(), 1);
    handle.close();
    assert_eq!(modals(), 0);
    assert_eq!(r.count("onExit"), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn destroy_and_open_inside_on_success_is_safe() {
    let r = Recorder::new(TOKEN);
    let holder = Object::new();
    let on_success = Function::new_with_args(
        "holder, calls, x",
        "calls.push(['onSuccess', x]); holder.handle.destroy(); holder.handle.open();",
    )
    .bind2(&JsValue::NULL, &holder, &r.calls);
    set(&r.options, "onSuccess", &on_success);
    let handle: JsValue = r.create().into();
    set(&holder, "handle", &handle);
    let call = |method: &str| Function::from(get(&handle, method)).call0(&handle).unwrap();
    call("open");
    settle().await;
    let flow_window: JsValue = frame().content_window().unwrap().into();
    post(LINK_ORIGIN, Some(&flow_window), &success());
    post(LINK_ORIGIN, Some(&flow_window), &success());
    settle().await;
    assert_eq!(r.count("onSuccess"), 1);
    assert_eq!(
        modals(),
        0,
        "destroyed, and open() after destroy does nothing"
    );
    call("destroy");
}

#[wasm_bindgen_test]
async fn reports_go_to_the_host_page_as_dom_events_and_messages() {
    let events = Array::new();
    let listener = Function::new_with_args("events, e", "events.push([e.type, e.detail])")
        .bind1(&JsValue::NULL, &events)
        .unchecked_into::<Function>();
    document()
        .add_event_listener_with_callback("ofconnect:exit", &listener)
        .unwrap();
    let messages = Array::new();
    let on_message = Function::new_with_args(
        "messages, e",
        "if (e.data && e.data.source === 'ofconnect') messages.push([e.origin, e.data.type])",
    )
    .bind1(&JsValue::NULL, &messages)
    .unchecked_into::<Function>();
    web_sys::window()
        .unwrap()
        .add_event_listener_with_callback("message", &on_message)
        .unwrap();
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    handle.close();
    settle().await;
    document()
        .remove_event_listener_with_callback("ofconnect:exit", &listener)
        .unwrap();
    web_sys::window()
        .unwrap()
        .remove_event_listener_with_callback("message", &on_message)
        .unwrap();
    assert_eq!(events.length(), 1);
    assert_eq!(
        get(&Array::from(&events.get(0)).get(1), "reason"),
        "host_close"
    );
    let own_origin = web_sys::window().unwrap().location().origin().unwrap();
    let exit = messages
        .iter()
        .map(|m| Array::from(&m))
        .find(|m| m.get(1) == "exit")
        .expect("an exit message");
    assert_eq!(exit.get(0), own_origin);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn new_options_are_validated_by_name() {
    let cases: [(&str, &str); 8] = [
        ("{mode: 'modal'}", "`mode` must be"),
        ("{fallback: 'popup'}", "`fallback` can only be"),
        ("{sessionTimeout: 0}", "`sessionTimeout` must be"),
        ("{sessionTimeout: '10s'}", "`sessionTimeout` must be"),
        ("{getSession: () => 't', sessionUrl: '/s'}", "not both"),
        ("{getSession: 'token'}", "`getSession` must be a function"),
        (
            "{sessionUrl: 'javascript:alert(1)'}",
            "`sessionUrl` must be an http(s) URL",
        ),
        (
            "{forwardTo: {window: 5, origin: 'https://crm.example'}}",
            "`forwardTo` must be",
        ),
    ];
    for (extra, want) in cases {
        let r = Recorder::new(TOKEN);
        let value: JsValue = js_sys::eval(&format!("({extra})")).unwrap();
        js_sys::Object::assign(&r.options, value.unchecked_ref());
        let handle = r.create();
        let message = get(&r.arg("onError"), "message").as_string().unwrap();
        assert!(message.contains(want), "{extra}: {message}");
        handle.destroy();
    }
}

#[wasm_bindgen_test]
async fn get_session_supplies_the_token_and_can_be_async() {
    let r = Recorder::new(TOKEN);
    Reflect::delete_property(&r.options, &"token".into()).unwrap();
    let get_session = Function::new_no_args(&format!(
        "return new Promise(r => setTimeout(() => r({{token: '{TOKEN}', expiresAt: Date.now() + 60000}}), 10))"
    ));
    set(&r.options, "getSession", &get_session);
    let handle = r.create();
    handle.open();
    settle().await;
    settle().await;
    assert_eq!(modals(), 1);
    assert_eq!(frame().src(), format!("{LINK_ORIGIN}/embed-auth/{TOKEN}"));
    let names: Vec<String> = r
        .calls
        .iter()
        .map(|c| Array::from(&c))
        .filter(|c| c.get(0) == "onEvent")
        .map(|c| c.get(1).as_string().unwrap())
        .collect();
    assert_eq!(
        names[..3],
        ["session_requested", "open", "session_received"],
        "{names:?}"
    );
    handle.destroy();
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn a_widget_destroyed_in_the_turn_it_was_made_never_asks_for_a_session() {
    // React's StrictMode mounts, unmounts and mounts again in one turn.
    let r = Recorder::new(TOKEN);
    Reflect::delete_property(&r.options, &"token".into()).unwrap();
    let asked = Array::new();
    let get_session =
        Function::new_with_args("asked", "asked.push(1); return new Promise(() => {})")
            .bind1(&JsValue::NULL, &asked);
    set(&r.options, "getSession", &get_session);
    r.create().destroy();
    let handle = r.create();
    settle().await;
    assert_eq!(asked.length(), 1, "only the widget still alive asks, once");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn get_session_answering_nonsense_is_an_invalid_session_response() {
    let r = Recorder::new(TOKEN);
    Reflect::delete_property(&r.options, &"token".into()).unwrap();
    set(
        &r.options,
        "getSession",
        &Function::new_no_args("return Promise.resolve(42)"),
    );
    let handle = r.create();
    settle().await;
    assert_eq!(get(&r.arg("onError"), "code"), "invalid_session_response");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn messages_from_windows_that_no_longer_exist_are_ignored() {
    // A frame's window, kept after the frame is gone.
    let old: web_sys::HtmlIFrameElement = document()
        .create_element("iframe")
        .unwrap()
        .dyn_into()
        .unwrap();
    document().body().unwrap().append_child(&old).unwrap();
    let gone: JsValue = old.content_window().unwrap().into();
    old.remove();
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    post(LINK_ORIGIN, Some(&gone), &success());
    assert_eq!(r.count("onSuccess"), 0);
    // Nor does the previous flow's window count once a new flow is open.
    let first: JsValue = frame().content_window().unwrap().into();
    handle.close();
    handle.open();
    settle().await;
    post(LINK_ORIGIN, Some(&first), &success());
    assert_eq!(r.count("onSuccess"), 0, "{:?}", r.names());
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_dropped_handle_keeps_the_open_flow_until_it_ends() {
    // `OFConnect.create(…).open()` keeps no handle: the page's garbage
    // collector frees it (dropping it here does the same), not the flow.
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    drop(handle);
    settle().await;
    assert_eq!(modals(), 1);
    let flow_window: JsValue = frame().content_window().unwrap().into();
    post(LINK_ORIGIN, Some(&flow_window), &success());
    settle().await;
    assert_eq!(r.count("onSuccess"), 1);
    let done = js_sys::JSON::parse(r#"{"type":"onlyfansapi.auth.continue"}"#).unwrap();
    post(LINK_ORIGIN, Some(&flow_window), &done);
    settle().await;
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn nothing_fires_after_close_or_destroy() {
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    let flow_window: JsValue = frame().content_window().unwrap().into();
    handle.close();
    let after_close = r.calls.length();
    post(LINK_ORIGIN, Some(&flow_window), &success());
    assert_eq!(r.calls.length(), after_close, "no listener after close");
    handle.destroy();
    handle.close();
    handle.open();
    handle.destroy();
    post(LINK_ORIGIN, Some(&flow_window), &success());
    settle().await;
    assert_eq!(r.calls.length(), after_close, "nothing after destroy");
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn tokens_wrong_in_every_way_are_rejected_before_any_work() {
    let sheets = adopted_sheets();
    let cases = [
        "42",
        "null",
        "true",
        "[]",
        "({})",
        "(() => 'ofapi_cs_x')",
        "''",
        "' '",
        "'ofapi_cs_'",
        "'ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FL'",
        "'ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLXX'",
        "' ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX'",
        "'ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX\\n'",
        "'OFAPI_CS_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX'",
        "'ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FL\\u0425'",
        "'ofapi_cs_../../../../../../../../../../../x'",
        "'ofapi_cs_OriR8Sdocp0f97eFOdbMM%2F%2E%2E4Aw5FLX'",
        "'ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5F<b>'",
        "'ofapi_cs_' + 'A'.repeat(100000)",
    ];
    for case in cases {
        let r = Recorder::new(TOKEN);
        set(&r.options, "token", &js_sys::eval(case).unwrap());
        let handle = r.create();
        handle.open();
        settle().await;
        let error = r.arg("onError");
        assert_eq!(get(&error, "code"), "invalid_token", "{case}");
        let message = get(&error, "message").as_string().unwrap();
        assert!(
            message.len() < 300 && !message.contains("OriR8Sdocp0f97eFOdbMM"),
            "{case}: {message}"
        );
        assert_eq!(modals(), 0, "{case}");
        assert_eq!(adopted_sheets(), sheets, "{case}");
        handle.destroy();
    }
    // A link origin that is not an origin is an options error, before any work too.
    for origin in [
        "'javascript:alert(1)'",
        "'https://app.onlyfansapi.com/embed-auth'",
        "'http://evil.example'",
        "7",
    ] {
        let r = Recorder::new(TOKEN);
        set(&r.options, "linkOrigin", &js_sys::eval(origin).unwrap());
        let handle = r.create();
        handle.open();
        assert_eq!(
            get(&r.arg("onError"), "code"),
            "invalid_options",
            "{origin}"
        );
        assert_eq!(modals(), 0);
        handle.destroy();
    }
}

/// A window on which every call throws, as calls on a cross-origin window
/// (and worse) do; `postMessage` exists, so that it passes as a window.
fn hostile_window() -> JsValue {
    js_sys::eval(
        "new Proxy({}, {
           get(_, key) {
             if (key === 'postMessage') return () => { throw new DOMException('blocked (expected by this test)', 'SecurityError'); };
             throw new DOMException('blocked (expected by this test)', 'SecurityError');
           },
           set() { throw new DOMException('blocked (expected by this test)', 'SecurityError'); },
           has() { throw new DOMException('blocked (expected by this test)', 'SecurityError'); },
         })",
    )
    .unwrap()
}

#[wasm_bindgen_test]
async fn windows_that_throw_on_every_call_leave_the_widget_usable() {
    let r = Recorder::new(TOKEN);
    set(&r.options, "mode", &"popup".into());
    let forward = Object::new();
    set(&forward, "window", &hostile_window());
    set(&forward, "origin", &"https://crm.example".into());
    set(&r.options, "forwardTo", &forward);
    let handle = r.create();
    // The popup the loader opened: navigating it, reading it, polling it and
    // closing it all throw, and so does every report forwarded to the parent.
    handle.open_with(Some(hostile_window().unchecked_into()));
    settle().await;
    settle().await;
    handle.close();
    assert_eq!(r.count("onExit"), 1, "{:?}", r.names());
    // Still usable: the next open runs (the browser blocks a popup opened
    // without a click, which is reported), and so do close and destroy.
    handle.open_with(None);
    assert_eq!(get(&r.arg("onError"), "code"), "popup_blocked");
    handle.close();
    handle.destroy();
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn only_own_data_properties_are_options() {
    // Inherited options (a polluted prototype) are ignored.
    let r = Recorder::new(TOKEN);
    Reflect::delete_property(&r.options, &"linkOrigin".into()).unwrap();
    let polluted = Object::new();
    set(&polluted, "linkOrigin", &"https://evil.example".into());
    set(&polluted, "mode", &"popup".into());
    let options = Object::create(&polluted);
    Object::assign(&options, &r.options);
    let handle = OfConnect::create(options.into());
    handle.open();
    settle().await;
    assert_eq!(modals(), 1, "not a popup");
    assert!(frame()
        .src()
        .starts_with("https://app.onlyfansapi.com/embed-auth/"));
    handle.destroy();
    assert_eq!(r.count("onError"), 0, "{:?}", r.names());
    // A getter is refused, by name, rather than run.
    let r = Recorder::new(TOKEN);
    let getter =
        js_sys::eval("({ get() { throw new Error('never run (expected by this test)') } })")
            .unwrap();
    Object::define_property(&r.options, &"token".into(), getter.unchecked_ref());
    let handle = r.create();
    let message = get(&r.arg("onError"), "message").as_string().unwrap();
    assert!(
        message.contains("`token` must be a plain property"),
        "{message}"
    );
    handle.destroy();
    // Also when `Object.prototype.value` is polluted: a getter's descriptor
    // must not find its `value` there.
    let r = Recorder::new(TOKEN);
    let getter = js_sys::eval("({ get() { return 'https://app.onlyfansapi.com' } })").unwrap();
    Object::define_property(&r.options, &"linkOrigin".into(), getter.unchecked_ref());
    let prototype = js_sys::eval("Object.prototype").unwrap();
    set(&prototype, "value", &"https://evil.example".into());
    let handle = r.create();
    Reflect::delete_property(prototype.unchecked_ref::<Object>(), &"value".into()).unwrap();
    let message = get(&r.arg("onError"), "message").as_string().unwrap();
    assert!(
        message.contains("`linkOrigin` must be a plain property"),
        "{message}"
    );
    handle.destroy();
}

#[wasm_bindgen_test]
async fn options_that_throw_when_listed_or_inspected_are_typed_errors() {
    // A Proxy whose traps throw, and a revoked Proxy: `invalid_options`,
    // never an exception through the wasm, and the widget still works after.
    for (options, expected) in [
        (
            "new Proxy({}, { ownKeys() { throw new Error('ownKeys (expected by this test)') } })",
            "listing the options threw",
        ),
        (
            "(() => { const p = Proxy.revocable({}, {}); p.revoke(); return p.proxy })()",
            "expects an options object",
        ),
    ] {
        let errors = Array::new();
        let record = Closure::<dyn Fn(web_sys::CustomEvent)>::new({
            let errors = errors.clone();
            move |e: web_sys::CustomEvent| {
                errors.push(&e.detail());
            }
        });
        let document = web_sys::window().unwrap().document().unwrap();
        document
            .add_event_listener_with_callback("ofconnect:error", record.as_ref().unchecked_ref())
            .unwrap();
        let handle = OfConnect::create(js_sys::eval(options).unwrap());
        handle.open();
        handle.destroy();
        document
            .remove_event_listener_with_callback("ofconnect:error", record.as_ref().unchecked_ref())
            .unwrap();
        assert!(errors.length() >= 1, "{options}");
        let message = get(&errors.get(0), "message").as_string().unwrap();
        assert_eq!(
            get(&errors.get(0), "code"),
            JsValue::from("invalid_options")
        );
        assert!(message.contains(expected), "{options}: {message}");
    }
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    assert_eq!(modals(), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_polluted_prototype_cannot_fill_in_the_session_request() {
    let restore = record_fetches();
    // Another script's bug: members of a fetch's init, inherited by every object.
    let members = "['body', 'redirect', 'integrity']";
    js_sys::eval(&format!(
        "for (const k of {members}) Object.prototype[k] = {{ body: 'injected', redirect: 'manual',
           integrity: 'sha256-AAAA' }}[k]"
    ))
    .unwrap();
    let options = Object::new();
    set(&options, "sessionUrl", &"/session".into());
    set(&options, "linkOrigin", &LINK_ORIGIN.into());
    let handle = OfConnect::create(options.into());
    JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL))
        .await
        .unwrap();
    js_sys::eval(&format!(
        "for (const k of {members}) delete Object.prototype[k]"
    ))
    .unwrap();
    restore.call0(&JsValue::NULL).unwrap();
    let request = recorded_fetch();
    assert_eq!(request.method(), "POST");
    assert_eq!(request.redirect(), web_sys::RequestRedirect::Follow);
    assert_eq!(request.integrity(), "");
    let body = JsFuture::from(request.text().unwrap()).await.unwrap();
    assert_eq!(body, "");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_session_url_from_markup_must_answer_itself() {
    // An element's `session-url` attribute: requested on open, not before,
    // and a redirect is an error (a same-origin open redirect must not hand
    // the request on to another origin).
    let restore = record_fetches();
    let document = web_sys::window().unwrap().document().unwrap();
    let element = document.create_element("div").unwrap();
    element.set_attribute("session-url", "/session").unwrap();
    element.set_attribute("link-origin", LINK_ORIGIN).unwrap();
    let options = Object::new();
    Reflect::set(
        &options,
        &js_sys::Symbol::for_("ofconnect.element").into(),
        &element,
    )
    .unwrap();
    let handle = OfConnect::create(options.into());
    settle().await;
    let requested = || js_sys::eval("window.__requests.length").unwrap().as_f64();
    assert_eq!(requested(), Some(0.0), "nothing before open()");
    handle.open();
    settle().await;
    restore.call0(&JsValue::NULL).unwrap();
    assert_eq!(requested(), Some(1.0));
    assert_eq!(recorded_fetch().redirect(), web_sys::RequestRedirect::Error);
    handle.destroy();
}

/// Replaces `fetch` with one that records its request in `window.__requests`
/// and never answers; call the returned function to put it back.
fn record_fetches() -> Function {
    js_sys::eval(
        "(() => {
           const real = window.fetch;
           window.__requests = [];
           window.fetch = (request) => { window.__requests.push(request); return new Promise(() => {}); };
           return () => { window.fetch = real; };
         })()",
    )
    .unwrap()
    .unchecked_into()
}

/// The first request [`record_fetches`] recorded.
fn recorded_fetch() -> web_sys::Request {
    js_sys::eval("window.__requests[0]")
        .unwrap()
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn messages_and_session_answers_are_read_from_own_data_properties_only() {
    // Session answers: an inherited token is no token, a getter is refused
    // rather than run, and a Proxy whose traps throw throws nothing through
    // the widget.
    for answer in [
        format!("Object.create({{token: '{TOKEN}'}})"),
        "({ get token() { throw new Error('never run (expected by this test)') } })".into(),
        "new Proxy({}, { getPrototypeOf() { throw new Error('trap (expected by this test)') } })"
            .into(),
        "new Proxy({}, { ownKeys() { throw new Error('trap (expected by this test)') } })".into(),
        // Poses as an array whose length is 1, then 2^32 - 1 when read again.
        "(() => { let reads = 0; return Object.create(Array.prototype,
           { length: { get: () => reads++ ? 4294967295 : 1 } }) })()"
            .into(),
        // A real array's Proxy that answers a different length each time.
        "(() => { let reads = 0; return new Proxy([], { getOwnPropertyDescriptor: (t, k) =>
           k === 'length' ? { value: reads++ ? 4294967295 : 1, writable: true } : Reflect.getOwnPropertyDescriptor(t, k) }) })()"
            .into(),
    ] {
        let r = Recorder::new(TOKEN);
        Reflect::delete_property(&r.options, &"token".into()).unwrap();
        let get_session = Function::new_no_args(&format!("return {answer}"));
        set(&r.options, "getSession", &get_session);
        let handle = r.create();
        settle().await;
        assert_eq!(
            get(&r.arg("onError"), "code"),
            "invalid_session_response",
            "{answer}"
        );
        handle.destroy();
    }
    // A provider message: a polluted Object.prototype adds no field, and a
    // getter is not run.
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    let flow_window: JsValue = frame().content_window().unwrap().into();
    let prototype = Object::get_prototype_of(&Object::new());
    set(&prototype, "payload", &get(&success(), "payload"));
    post(
        LINK_ORIGIN,
        Some(&flow_window),
        &js_sys::JSON::parse(r#"{"type":"onlyfansapi.auth.success"}"#).unwrap(),
    );
    Reflect::delete_property(&prototype, &"payload".into()).unwrap();
    let getter = success();
    Object::define_property(
        getter.unchecked_ref::<Object>(),
        &"type".into(),
        js_sys::eval(
            "({ get() { throw new Error('never run (expected by this test)') }, enumerable: true })",
        )
        .unwrap()
        .unchecked_ref(),
    );
    post(LINK_ORIGIN, Some(&flow_window), &getter);
    assert_eq!(r.count("onSuccess"), 0, "{:?}", r.names());
    post(LINK_ORIGIN, Some(&flow_window), &success());
    assert_eq!(r.count("onSuccess"), 1);
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_get_session_that_throws_in_odd_places_is_a_session_error() {
    // A Promise whose `constructor` getter throws, and Errors whose
    // `message` getter throws: session failures (retried, then reported),
    // never an exception thrown through the wasm.
    js_sys::eval(
        "window.__uncaught = 0;
         addEventListener('error', () => window.__uncaught++);
         addEventListener('unhandledrejection', () => window.__uncaught++);",
    )
    .unwrap();
    let mut handles = vec![];
    for source in [
        "const p = Promise.resolve('t'); Object.defineProperty(p, 'constructor', { get() { throw 1 } }); return p;",
        "class E extends Error { get message() { throw 1 } } throw new E();",
        "class E extends Error { get message() { throw 1 } } return Promise.reject(new E());",
    ] {
        let r = Recorder::new(TOKEN);
        Reflect::delete_property(&r.options, &"token".into()).unwrap();
        set(&r.options, "getSession", &Function::new_no_args(source));
        handles.push(r.create());
    }
    settle().await;
    settle().await;
    assert_eq!(js_sys::eval("window.__uncaught").unwrap(), 0);
    for handle in handles {
        handle.destroy();
    }
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    assert_eq!(modals(), 1, "the widget still works");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_flow_whose_element_the_page_removes_ends_as_a_host_close() {
    // The modal's host element, removed by the page (a framework replacing
    // the body): the flow ends, and the widget opens again.
    let r = Recorder::new(TOKEN);
    let handle = r.create();
    handle.open();
    settle().await;
    document()
        .query_selector("ofconnect-modal")
        .unwrap()
        .unwrap()
        .remove();
    settle().await;
    assert_eq!(r.count("onExit"), 1, "{:?}", r.names());
    assert_eq!(get(&r.arg("onExit"), "reason"), "host_close");
    handle.open();
    settle().await;
    assert_eq!(modals(), 1);
    handle.destroy();
    // An inline flow's container, removed with it (a route change).
    let r = Recorder::new(TOKEN);
    let container = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    set(&r.options, "container", &container);
    let handle = r.create();
    handle.open();
    settle().await;
    assert_eq!(container.child_element_count(), 1);
    container.remove();
    settle().await;
    assert_eq!(r.count("onExit"), 1, "{:?}", r.names());
    assert_eq!(get(&r.arg("onExit"), "reason"), "host_close");
    handle.destroy();
}

#[wasm_bindgen_test]
async fn a_container_outside_the_page_is_invalid_options_never_an_exception() {
    let elsewhere = [
        // In another document (connected there).
        js_sys::eval("document.implementation.createHTMLDocument('x').body").unwrap(),
        // An object that only poses as an element: its getters throw.
        js_sys::eval("new Proxy(document.createElement('div'), {})").unwrap(),
    ];
    for container in elsewhere {
        let r = Recorder::new(TOKEN);
        set(&r.options, "container", &container);
        let handle = r.create();
        handle.open();
        settle().await;
        assert_eq!(modals(), 0);
        assert_eq!(r.count("onError"), 1, "{:?}", r.names());
        assert_eq!(get(&r.arg("onError"), "code"), "invalid_options");
        handle.destroy();
    }
}

#[wasm_bindgen_test]
async fn markup_attributes_are_measured_before_they_are_copied() {
    // A token attribute of 64 million characters: copied into the wasm, it
    // would take 64 MB of its memory (and a bigger one would exhaust it).
    let memory = || {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        memory
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let before = memory();
    let element = document().create_element("div").unwrap();
    js_sys::eval("(e) => e.setAttribute('token', 'x'.repeat(64e6))")
        .unwrap()
        .unchecked_into::<Function>()
        .call1(&JsValue::NULL, &element)
        .unwrap();
    let errors = Array::new();
    let on_error =
        Function::new_with_args("errors, e", "errors.push(e.code)").bind1(&JsValue::NULL, &errors);
    set(&element, "onError", &on_error);
    let options = Object::new();
    Reflect::set(
        &options,
        &js_sys::Symbol::for_("ofconnect.element").into(),
        &element,
    )
    .unwrap();
    let handle = OfConnect::create(options.into());
    assert_eq!(errors.to_vec(), [JsValue::from("invalid_token")]);
    let grown = memory() - before;
    assert!(grown < 32 << 20, "the wasm memory grew by {grown} bytes");
    handle.destroy();
}

// The Rust API (`ofconnect::Connect`) and, with the `yew` feature, the Yew
// component: the same widget, with Rust settings and closures.

/// What the Rust closures were called with, in order.
type Log = std::rc::Rc<std::cell::RefCell<Vec<String>>>;

/// Closures that log each call as `"<name> <value>"`.
fn logging(log: &Log) -> ofconnect::Callbacks {
    let to = |name: &'static str| {
        let log = log.clone();
        move |value: String| log.borrow_mut().push(format!("{name} {value}"))
    };
    let (ready, expired) = (to("ready"), to("expired"));
    let (success, exit, error, event) = (to("success"), to("exit"), to("error"), to("event"));
    ofconnect::Callbacks {
        on_ready: Some(Box::new(move || ready(String::new()))),
        on_success: Some(Box::new(move |c| success(c.username().into()))),
        on_exit: Some(Box::new(move |e| exit(format!("{:?}", e.reason)))),
        on_expired: Some(Box::new(move || expired(String::new()))),
        on_error: Some(Box::new(move |e| {
            error(format!("{} {}", e.code(), e.message()))
        })),
        on_event: Some(Box::new(move |e| event(format!("{e:?}")))),
    }
}

fn rust_settings(session: ofconnect::Sessions) -> ofconnect::Settings {
    ofconnect::Settings {
        link_origin: Some(LINK_ORIGIN.into()),
        ..ofconnect::Settings::new(session)
    }
}

#[wasm_bindgen_test]
async fn rust_api_bad_settings_are_typed_errors_and_nothing_shows() {
    let log = Log::default();
    let bad = [
        (
            ofconnect::Settings {
                link_origin: Some("https://evil.example/path".into()),
                ..rust_settings(ofconnect::Sessions::Token(TOKEN.into()))
            },
            "error invalid_options",
        ),
        (
            rust_settings(ofconnect::Sessions::Token("not a token".into())),
            "error invalid_token",
        ),
        (
            ofconnect::Settings {
                labels: ofconnect::Labels {
                    close: Some("  ".into()),
                    ..Default::default()
                },
                ..rust_settings(ofconnect::Sessions::Token(TOKEN.into()))
            },
            "error invalid_options `labels.close`",
        ),
        (
            ofconnect::Settings {
                session_timeout: Some(std::time::Duration::from_secs(600)),
                ..rust_settings(ofconnect::Sessions::Url("/api/session".into()))
            },
            "error invalid_options `sessionTimeout`",
        ),
    ];
    for (settings, expected) in bad {
        log.borrow_mut().clear();
        let connect = ofconnect::Connect::new(&settings, logging(&log));
        connect.open();
        settle().await;
        assert_eq!(modals(), 0);
        let calls = log.borrow().clone();
        assert_eq!(calls.len(), 2, "on create and on open: {calls:?}");
        assert!(calls.iter().all(|c| c.starts_with(expected)), "{calls:?}");
    }
}

#[wasm_bindgen_test]
async fn rust_api_without_on_error_logs_errors_and_the_page_gets_its_events() {
    // `console.error` and the page's own listener, recording.
    let logged = js_sys::eval(
        "(() => { const real = console.error; window.__logged = [];
           console.error = (...args) => window.__logged.push(args.join(' '));
           document.addEventListener('ofconnect:error', (e) => window.__logged.push('event ' + e.detail.code));
           return () => { console.error = real; }; })()",
    )
    .unwrap()
    .unchecked_into::<Function>();
    let connect = ofconnect::Connect::new(
        &rust_settings(ofconnect::Sessions::Token("not a token".into())),
        ofconnect::Callbacks::default(),
    );
    logged.call0(&JsValue::NULL).unwrap();
    let got: Vec<String> = Array::from(&js_sys::eval("window.__logged").unwrap())
        .iter()
        .map(|v| v.as_string().unwrap())
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert!(got[0].starts_with("ofconnect: invalid_token "), "{got:?}");
    assert_eq!(got[1], "event invalid_token");
    drop(connect);
}

#[wasm_bindgen_test]
async fn rust_api_runs_the_flow_with_typed_outcomes_and_drop_destroys() {
    let log = Log::default();
    let settings = ofconnect::Settings {
        theme: ofconnect::appearance::Theme::Dark,
        locale: ofconnect::appearance::Locale::De,
        labels: ofconnect::Labels {
            title: Some("Creator verbinden".into()),
            ..Default::default()
        },
        ..rust_settings(ofconnect::Sessions::Token(TOKEN.into()))
    };
    let connect = ofconnect::Connect::new(&settings, logging(&log));
    connect.open();
    settle().await;
    assert_eq!(modals(), 1);
    assert_eq!(frame().src(), format!("{LINK_ORIGIN}/embed-auth/{TOKEN}"));
    assert_eq!(frame().title(), "Creator verbinden");
    let dialog = frame().closest("dialog").unwrap().unwrap();
    assert_eq!(dialog.get_attribute("lang").as_deref(), Some("de"));
    assert_eq!(dialog.get_attribute("data-theme").as_deref(), Some("dark"));
    let flow = frame().content_window().unwrap();
    post(LINK_ORIGIN, Some(&flow), &success());
    // The same message from another origin is rejected, and said so.
    post("https://evil.example", Some(&flow), &success());
    let calls = log.borrow().clone();
    assert_eq!(
        calls.iter().filter(|c| *c == "success stella").count(),
        1,
        "{calls:?}"
    );
    assert!(
        calls.contains(&r#"event Open { surface: "modal" }"#.to_string()),
        "{calls:?}"
    );
    assert!(
        calls.contains(&"event MessageRejected { reason: OriginMismatch }".to_string()),
        "{calls:?}"
    );
    // Dropped with the modal open: everything goes, and no closure is called.
    let before = log.borrow().len();
    drop(connect);
    assert_eq!(modals(), 0);
    settle().await;
    assert_eq!(log.borrow().len(), before, "{:?}", log.borrow());
}

#[wasm_bindgen_test]
async fn rust_api_get_session_supplies_the_token() {
    let log = Log::default();
    let get: ofconnect::GetSession = std::rc::Rc::new(|| {
        Box::pin(async {
            let expires_at_ms = Some(js_sys::Date::now() + 60_000.0);
            Ok(ofconnect::Grant {
                token: TOKEN.into(),
                expires_at_ms,
            })
        })
    });
    let connect =
        ofconnect::Connect::new(&rust_settings(ofconnect::Sessions::Get(get)), logging(&log));
    connect.open();
    settle().await;
    settle().await;
    assert_eq!(modals(), 1);
    assert_eq!(frame().src(), format!("{LINK_ORIGIN}/embed-auth/{TOKEN}"));
    let failing: ofconnect::GetSession =
        std::rc::Rc::new(|| Box::pin(async { Err("the backend is down".into()) }));
    drop(connect);
    log.borrow_mut().clear();
    let connect = ofconnect::Connect::new(
        &ofconnect::Settings {
            session_timeout: Some(std::time::Duration::from_millis(50)),
            ..rust_settings(ofconnect::Sessions::Get(failing))
        },
        logging(&log),
    );
    connect.open();
    for _ in 0..400 {
        if log.borrow().iter().any(|c| c.starts_with("error ")) {
            break;
        }
        settle().await;
    }
    let calls = log.borrow().clone();
    let error = calls
        .iter()
        .find(|c| c.starts_with("error "))
        .expect("an error");
    assert!(error.contains("the backend is down"), "{calls:?}");
    drop(connect);
    assert_eq!(modals(), 0);
}

#[wasm_bindgen_test]
async fn rust_api_inline_mode_shows_the_flow_in_the_hosts_element() {
    let log = Log::default();
    let container = document().create_element("section").unwrap();
    document().body().unwrap().append_child(&container).unwrap();
    let settings = ofconnect::Settings {
        mode: ofconnect::Mode::Inline(container.clone()),
        ..rust_settings(ofconnect::Sessions::Token(TOKEN.into()))
    };
    let connect = ofconnect::Connect::new(&settings, logging(&log));
    connect.open();
    settle().await;
    assert_eq!(
        container
            .query_selector_all("ofconnect-modal")
            .unwrap()
            .length(),
        1
    );
    assert!(log
        .borrow()
        .contains(&r#"event Open { surface: "inline" }"#.to_string()));
    connect.close();
    assert_eq!(modals(), 0);
    assert!(
        log.borrow().contains(&"exit HostClose".to_string()),
        "{:?}",
        log.borrow()
    );
    container.remove();
}

/// A page of one `<ConnectButton>` with `props`, rendered in a new element
/// of the body (returned, to be removed).
#[cfg(feature = "yew")]
fn mount(props: ofconnect::component::ConnectProps) -> (yew::AppHandle<ButtonPage>, Element) {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<ButtonPage>::with_root_and_props(root.clone(), props).render();
    (app, root)
}

#[cfg(feature = "yew")]
#[yew::component]
fn ButtonPage(props: &ofconnect::component::ConnectProps) -> yew::Html {
    use ofconnect::component::ConnectButton;
    yew::html! { <ConnectButton ..props.clone()>{ "Connect" }</ConnectButton> }
}

#[cfg(feature = "yew")]
#[wasm_bindgen_test]
async fn yew_connect_button_opens_the_flow_and_unmounting_destroys_it() {
    use ofconnect::component::ConnectProps;
    use yew::prelude::*;

    let log = Log::default();
    let on_success = {
        let log = log.clone();
        Callback::from(move |c: ofconnect::protocol::Connection| {
            log.borrow_mut().push(format!("success {}", c.username()))
        })
    };
    let props = yew::props!(ConnectProps {
        settings: rust_settings(ofconnect::Sessions::Token(TOKEN.into())),
        on_success,
        id: Some(AttrValue::from("yew-connect")),
    });
    let (app, root) = mount(props);
    settle().await;
    let button: web_sys::HtmlElement = document()
        .get_element_by_id("yew-connect")
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
    settle().await;
    assert_eq!(modals(), 1);
    post(
        LINK_ORIGIN,
        Some(&frame().content_window().unwrap()),
        &success(),
    );
    assert_eq!(*log.borrow(), ["success stella"]);
    // Unmounted with the modal open: the widget is destroyed with it.
    app.destroy();
    settle().await;
    assert_eq!(modals(), 0);
    root.remove();
}

#[cfg(feature = "yew")]
#[wasm_bindgen_test]
async fn yew_re_renders_keep_the_widget_and_call_the_newest_callback_and_getter() {
    use ofconnect::component::ConnectProps;
    use yew::prelude::*;

    let log = Log::default();
    // Props as a page makes them at each render: a new getter closure and
    // a new callback each time, `n` telling them apart.
    let props = |n: u32| {
        let (on_success, on_event, get) = (log.clone(), log.clone(), log.clone());
        // The first render's getter fails: the widget asks again later.
        let get: ofconnect::GetSession = std::rc::Rc::new(move || {
            get.borrow_mut().push(format!("getter {n}"));
            Box::pin(async move {
                match n {
                    1 => Err("not yet".to_string()),
                    _ => Ok(TOKEN.to_string().into()),
                }
            })
        });
        yew::props!(ConnectProps {
            settings: rust_settings(ofconnect::Sessions::Get(get)),
            on_success: Callback::from(move |c: ofconnect::protocol::Connection| {
                on_success
                    .borrow_mut()
                    .push(format!("success {} from {n}", c.username()))
            }),
            on_event: Callback::from(move |e: ofconnect::flow::Lifecycle| {
                if matches!(e, ofconnect::flow::Lifecycle::SessionRequested {}) {
                    on_event.borrow_mut().push(format!("requested from {n}"));
                }
            }),
            id: Some(AttrValue::from("yew-connect")),
        })
    };
    let (mut app, root) = mount(props(1));
    settle().await;
    app.update(props(2));
    settle().await;
    app.update(props(3));
    for _ in 0..200 {
        if log.borrow().len() == 3 {
            break;
        }
        settle().await;
    }
    document()
        .get_element_by_id("yew-connect")
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    settle().await;
    assert_eq!(modals(), 1);
    post(
        LINK_ORIGIN,
        Some(&frame().content_window().unwrap()),
        &success(),
    );
    // One widget, and its one session request: the first render's getter,
    // then, asked again, the newest one; the success reaches the newest
    // callback. (The widget then asks for the next open's session.)
    let got = log.borrow().clone();
    assert_eq!(
        got[..4],
        [
            "requested from 1",
            "getter 1",
            "getter 3",
            "success stella from 3"
        ],
        "{got:?}"
    );
    assert!(got[4..].iter().all(|g| g.ends_with(" 3")), "{got:?}");
    app.destroy();
    settle().await;
    assert_eq!(modals(), 0);
    root.remove();
}
