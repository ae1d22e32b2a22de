//! The browser layer: the `OFConnect` JavaScript API around the pure core.

mod bindings;
mod host;
mod modal;
mod mount;
mod options;

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Url, Window};
use yew::Callback;

use crate::flow::{Effect, ExitReason, Flow, Input};
use crate::origin::LinkOrigin;
use crate::protocol::{self, Source};
use crate::token::ClientSessionToken;
use host::Reporter;
use modal::ModalEvent;
use mount::Mount;

/// Entry point: `OFConnect.create(options)`.
#[wasm_bindgen(js_name = OFConnect)]
pub struct OfConnect;

#[wasm_bindgen(js_class = OFConnect)]
impl OfConnect {
    /// Creates a widget handle. Never throws: bad options and tokens are
    /// reported through `onError` (and the `ofconnect:error` event).
    pub fn create(options: JsValue) -> Handle {
        Handle {
            widget: Widget::new(options),
        }
    }
}

/// A widget handle: `open()`, `close()`, `destroy()`.
#[wasm_bindgen(js_name = OFConnectHandle)]
pub struct Handle {
    widget: Rc<Widget>,
}

#[wasm_bindgen(js_class = OFConnectHandle)]
impl Handle {
    /// Opens the connect flow (once; opening an open widget does nothing).
    pub fn open(&self) {
        self.widget.dispatch(Input::Open);
    }

    /// Closes the flow; `onExit({reason: "host_close"})` unless it already succeeded.
    pub fn close(&self) {
        self.widget.dispatch(Input::Close(ExitReason::HostClose));
    }

    /// Removes everything the widget added to the page. Idempotent; no callback fires afterwards.
    pub fn destroy(&self) {
        self.widget.dispatch(Input::Destroy);
    }
}

struct Widget {
    window: Window,
    link_origin: LinkOrigin,
    reporter: Reporter,
    flow: RefCell<Flow>,
    mount: RefCell<Option<Mount>>,
    this: Weak<Widget>,
}

impl Widget {
    fn new(options: JsValue) -> Rc<Self> {
        let window = web_sys::window().expect_throw("ofconnect runs in a browser window");
        let options = options::parse(&options);
        let (flow, effects) = Flow::new(options.session);
        let widget = Rc::new_cyclic(|this| Widget {
            reporter: Reporter::new(options.callbacks, window.clone()),
            window,
            link_origin: options.link_origin,
            flow: RefCell::new(flow),
            mount: RefCell::new(None),
            this: this.clone(),
        });
        widget.run(effects);
        widget
    }

    /// Steps the state machine, then carries out its effects with no borrow
    /// held, so host callbacks may call back into the widget.
    fn dispatch(&self, input: Input) {
        let effects = self.flow.borrow_mut().step(input);
        self.run(effects);
    }

    fn run(&self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::ShowModal(token) => self.show(&token),
                Effect::RemoveModal => {
                    let mount = self.mount.borrow_mut().take();
                    drop(mount);
                }
                Effect::Report(event) => {
                    // A callback may have destroyed the widget: report nothing after that.
                    if self.flow.borrow().is_destroyed() {
                        return;
                    }
                    self.reporter.report(&event);
                }
            }
        }
    }

    fn show(&self, token: &ClientSessionToken) {
        let url = match Url::new_with_base(
            &format!("/embed-auth/{}", token.expose()),
            self.link_origin.as_str(),
        ) {
            Ok(u) => u.href(),
            Err(_) => {
                return self.dispatch(Input::ModalFailed("the flow URL could not be built".into()))
            }
        };
        let this = self.this.clone();
        let on_event = Callback::from(move |e: ModalEvent| {
            if let Some(w) = this.upgrade() {
                w.dispatch(match e {
                    ModalEvent::FrameLoaded => Input::FrameLoaded,
                    ModalEvent::Close(reason) => Input::Close(reason),
                });
            }
        });
        let this = self.this.clone();
        let on_message = move |e: &MessageEvent| {
            if let Some(w) = this.upgrade() {
                w.on_message(e);
            }
        };
        match Mount::new(&self.window, url, on_event, on_message) {
            Ok(mount) => *self.mount.borrow_mut() = Some(mount),
            Err(e) => {
                let why = e
                    .as_string()
                    .or_else(|| js_sys::Error::from(e).message().as_string())
                    .unwrap_or_default();
                self.dispatch(Input::ModalFailed(why));
            }
        }
    }

    fn on_message(&self, event: &MessageEvent) {
        let source: JsValue = event.source().map(JsValue::from).unwrap_or(JsValue::NULL);
        let flow_window = self.mount.borrow().as_ref().and_then(Mount::flow_window);
        let source = if source.is_null() {
            Source::Other
        } else if source == JsValue::from(&self.window) {
            Source::HostWindow
        } else if flow_window.is_some_and(|w| JsValue::from(w) == source) {
            Source::FlowWindow
        } else {
            Source::Other
        };
        let screened = protocol::screen(&self.link_origin, &event.origin(), source, || {
            serde_wasm_bindgen::from_value(event.data()).ok()
        });
        match screened {
            Ok(Some(message)) => self.dispatch(Input::Provider(message)),
            Ok(None) => {}
            Err(rejection) => self.dispatch(Input::Rejected(rejection)),
        }
    }
}
