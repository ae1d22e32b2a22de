//! Reports to the host page: the callback, a `postMessage` to the host's own
//! window (target: its own exact origin), a bubbling, composed
//! `CustomEvent("ofconnect:<type>")` on `eventTarget` (default `document`), and, with `forwardTo`, a `postMessage` to that window with
//! its exact origin as target. A Rust app's closures ([`App`]) take the
//! callbacks' place.

use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, EventTarget, Window};

use super::bindings::{console_error, dispatch_event, report_error};
use super::options::{Callbacks, Forward};
use crate::flow::HostEvent;
use crate::option_names::{ON_ERROR, ON_EVENT, ON_EXIT, ON_EXPIRED, ON_READY, ON_SUCCESS};

/// A Rust app's listener: it gets each host event, and answers whether it
/// handled it (an error nobody handles is logged, as with no `onError`).
pub type App = Box<dyn Fn(&HostEvent) -> bool>;

pub struct Reporter {
    callbacks: Callbacks,
    app: Option<App>,
    window: Window,
    forward: Option<Forward>,
    event_target: Option<EventTarget>,
}

impl Reporter {
    pub fn new(
        callbacks: Callbacks,
        app: Option<App>,
        window: Window,
        forward: Option<Forward>,
        event_target: Option<EventTarget>,
    ) -> Self {
        // Forwarding to ourselves (a page that is not framed) is no forwarding.
        let forward = forward.filter(|f| JsValue::from(&f.window) != JsValue::from(&window));
        Self {
            callbacks,
            app,
            window,
            forward,
            event_target,
        }
    }

    /// Reports one event through every channel. A callback that throws is
    /// reported with `reportError` and does not stop the other channels.
    pub fn report(&self, event: &HostEvent) {
        let payload = to_js(event);
        let outcome = match &self.app {
            Some(app) => Ok(app(event)),
            None => self.call_back(event, &payload),
        };
        match (outcome, event) {
            (Ok(false), HostEvent::Error(e)) => console_error("ofconnect:", e.code(), &e.message()),
            (Err(e), _) => report_error(&e),
            _ => {}
        }
        self.post(event.kind(), &payload);
        self.dispatch(event.kind(), &payload);
    }

    /// Calls the host's JS callback for `event`; `Ok(false)` when there is none.
    fn call_back(&self, event: &HostEvent, payload: &JsValue) -> Result<bool, JsValue> {
        let c = &self.callbacks;
        match event {
            HostEvent::Ready => c.call(ON_READY, &[]),
            HostEvent::Success(_) => c.call(ON_SUCCESS, &[payload]),
            HostEvent::Exit { .. } => c.call(ON_EXIT, &[payload]),
            HostEvent::Expired => c.call(ON_EXPIRED, &[]),
            HostEvent::Event(_) => {
                let name = Reflect::get(payload, &"name".into()).unwrap_or_default();
                let metadata = Reflect::get(payload, &"metadata".into()).unwrap_or_default();
                let _ = Reflect::set(&metadata, &"timestamp".into(), &js_sys::Date::now().into());
                c.call(ON_EVENT, &[&name, &metadata])
            }
            HostEvent::Error(_) => c.call(ON_ERROR, &[payload]),
        }
    }

    fn post(&self, kind: &str, payload: &JsValue) {
        let message = Object::new();
        let _ = Reflect::set(&message, &"source".into(), &"ofconnect".into());
        let _ = Reflect::set(&message, &"type".into(), &kind.into());
        let _ = Reflect::set(&message, &"payload".into(), payload);
        // An opaque origin ("null") cannot be targeted exactly; never fall back to "*".
        if let Ok(origin) = self.window.location().origin() {
            if origin != "null" {
                let _ = self.window.post_message(&message, &origin);
            }
        }
        if let Some(f) = &self.forward {
            let _ = f.window.post_message(&message, f.origin.as_str());
        }
    }

    fn dispatch(&self, kind: &str, payload: &JsValue) {
        let Some(target) = self
            .event_target
            .clone()
            .or_else(|| self.window.document().map(Into::into))
        else {
            return;
        };
        let init = CustomEventInit::new();
        init.set_detail(payload);
        init.set_bubbles(true);
        init.set_composed(true);
        if let Ok(event) =
            CustomEvent::new_with_event_init_dict(&format!("ofconnect:{kind}"), &init)
        {
            let _ = dispatch_event(&target, &event);
        }
    }
}

/// A fresh plain-object copy of `value`: the host never gets an object the
/// provider page created.
fn to_js(value: &impl Serialize) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}
