//! The browser layer: the `OFConnect` JavaScript API, and the Rust API
//! (`connect`, and the Yew `component`), around the pure core.

mod bindings;
#[cfg(feature = "yew")]
pub mod component;
pub mod connect;
mod fetcher;
mod host;
mod message;
mod modal;
mod mount;
mod options;
mod popup;

use std::cell::RefCell;
use std::rc::{Rc, Weak};
use std::time::Duration;

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{Element, MessageEvent, Url, Window};
use yew::Callback;

use crate::appearance::Appearance;
use crate::error::WidgetError;
use crate::flow::{Effect, ExitReason, Flow, Input, Surface};
use crate::protocol::{self, Source};
use crate::provider::Profile;
use crate::token::ClientSessionToken;
use bindings::refocus;
use fetcher::{Fetch, SessionSource};
use host::{App, Reporter};
use modal::ModalEvent;
use mount::Mount;
use options::Options;
use popup::{Opener, Popup};

/// Entry point: `OFConnect.create(options)`.
#[wasm_bindgen(js_name = OFConnect)]
pub struct OfConnect;

#[wasm_bindgen(js_class = OFConnect)]
impl OfConnect {
    /// Creates a widget handle. Never throws: bad options and tokens are
    /// reported through `onError` (and the `ofconnect:error` event).
    pub fn create(options: JsValue) -> Handle {
        let window = web_sys::window().expect_throw("ofconnect runs in a browser window");
        let options = options::parse(&options, &window);
        Handle {
            widget: Widget::new(window, options, None),
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
    /// In popup mode, call it from a click handler, before any `await`.
    pub fn open(&self) {
        self.widget.dispatch(Input::Open {
            now_ms: js_sys::Date::now(),
        });
    }

    /// `open()` with the popup the loader opened in the click handler while the
    /// widget was loading (`null`: the browser blocked it). The widget takes it
    /// over, or closes it when it does not show a popup.
    #[wasm_bindgen(js_name = openWith)]
    pub fn open_with(&self, popup: Option<Window>) {
        *self.widget.opener.borrow_mut() = popup.map_or(Opener::Blocked, Opener::Loader);
        self.open();
        let unused = std::mem::take(&mut *self.widget.opener.borrow_mut());
        if let Opener::Loader(unused) = unused {
            let _ = unused.close();
        }
    }

    /// Closes the flow; `onExit({reason: "host_close"})` unless it already succeeded.
    pub fn close(&self) {
        self.widget.dispatch(Input::Close(ExitReason::HostClose));
    }

    /// Removes everything the widget added to the page, stops its timers and
    /// fetches. Idempotent; no callback fires afterwards.
    pub fn destroy(&self) {
        self.widget.dispatch(Input::Destroy);
    }
}

/// What shows the flow.
enum Shown {
    Modal(Mount),
    Popup(Popup),
}

/// One widget. Everything it adds to the page is owned by a field whose
/// `Drop` removes it: the surface, the message listener, the expiry timer
/// and the fetch in flight.
struct Widget {
    window: Window,
    profile: Profile,
    appearance: Rc<Appearance>,
    container: Option<Element>,
    source: Option<SessionSource>,
    timeout: Duration,
    reporter: Reporter,
    flow: RefCell<Flow>,
    shown: RefCell<Option<Shown>>,
    messages: RefCell<Option<EventListener>>,
    expiry: RefCell<Option<Timeout>>,
    fetch: RefCell<Option<Fetch>>,
    /// Inputs that effects produce (a popup opened or blocked, a modal that
    /// failed), handled once the current effects are done.
    follow_ups: RefCell<Vec<Input>>,
    /// Where the popup of the `open()` in progress comes from.
    opener: RefCell<Opener>,
    this: Weak<Widget>,
    /// The widget itself, while a flow is open: a handle the page dropped
    /// (`OFConnect.create(…).open()`) is collected, and with it, without
    /// this, the flow the user is in.
    open_flow: RefCell<Option<Rc<Widget>>>,
}

impl Widget {
    /// A widget with `options`, reporting to the page's callbacks, or to a
    /// Rust `app` in their place.
    fn new(window: Window, options: Options, app: Option<App>) -> Rc<Self> {
        let (flow, effects) = Flow::new(options.config, options.initial);
        let widget = Rc::new_cyclic(|this| Widget {
            reporter: Reporter::new(
                options.callbacks,
                app,
                window.clone(),
                options.forward,
                options.event_target,
            ),
            window,
            profile: options.profile,
            appearance: Rc::new(options.appearance),
            container: options.container,
            source: options.source,
            timeout: options.timeout,
            flow: RefCell::new(flow),
            shown: RefCell::new(None),
            messages: RefCell::new(None),
            expiry: RefCell::new(None),
            fetch: RefCell::new(None),
            follow_ups: RefCell::new(vec![]),
            opener: RefCell::new(Opener::Open),
            this: this.clone(),
            open_flow: RefCell::new(None),
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
        // Where the focus goes back to when the modal goes: given once the
        // page has changed and the host has been told (so that page code
        // that runs on `focus` sees the flow ended), unless the host has
        // moved the focus itself.
        let mut opener = None;
        let mut destroyed = false;
        for effect in effects {
            match effect {
                Effect::FetchSession(n) => self.fetch_session(n),
                Effect::CancelFetch => drop(self.fetch.borrow_mut().take()),
                Effect::ScheduleExpiry(at) => self.schedule_expiry(at),
                Effect::Show(surface, token) => self.show(surface, token.as_ref()),
                Effect::Load(token) => self.load(token.as_ref()),
                Effect::RequestExit { force } => self.request_exit(force),
                Effect::RemoveSurface => {
                    let (shown, messages) = (
                        self.shown.borrow_mut().take(),
                        self.messages.borrow_mut().take(),
                    );
                    if let Some(Shown::Modal(mount)) = &shown {
                        opener = mount.opener();
                    }
                    drop((shown, messages));
                }
                Effect::Report(event) => {
                    // A callback may have destroyed the widget: report nothing after that.
                    if self.flow.borrow().is_destroyed() {
                        destroyed = true;
                        break;
                    }
                    self.reporter.report(&event);
                }
            }
        }
        if let (Some(opener), Some(document)) = (opener, self.window.document()) {
            refocus(&document, &opener);
        }
        if destroyed {
            return;
        }
        let follow_ups = std::mem::take(&mut *self.follow_ups.borrow_mut());
        for input in follow_ups {
            self.dispatch(input);
        }
        // Every caller holds an `Rc` of its own (a handle, an upgraded
        // `this`), so letting go of this one never drops `self` here.
        let keep = self
            .flow
            .borrow()
            .is_open()
            .then(|| self.this.upgrade())
            .flatten();
        let released = std::mem::replace(&mut *self.open_flow.borrow_mut(), keep);
        drop(released);
    }

    /// A closure that dispatches to this widget while it exists.
    fn dispatcher<T: 'static>(&self, input: impl Fn(T) -> Input + 'static) -> impl Fn(T) + 'static {
        let this = self.this.clone();
        move |value| {
            if let Some(w) = this.upgrade() {
                w.dispatch(input(value));
            }
        }
    }

    fn fetch_session(&self, n: u32) {
        let Some(source) = self.source.clone() else {
            return;
        };
        let done = self.dispatcher(move |result| Input::SessionFetched {
            fetch: n,
            result,
            now_ms: js_sys::Date::now(),
        });
        // Replacing the previous fetch cancels it.
        let fetch = fetcher::start(source, self.profile.clone(), self.timeout, done);
        *self.fetch.borrow_mut() = Some(fetch);
    }

    fn schedule_expiry(&self, at: Option<f64>) {
        // setTimeout's longest delay is about 24.8 days; a longer one is not a short-lived session.
        let delay = at
            .map(|at| (at - js_sys::Date::now()).max(0.0))
            .filter(|ms| *ms < i32::MAX as f64);
        let timer = delay.map(|ms| {
            let expire = self.dispatcher(|()| Input::Expired);
            Timeout::new(ms as u32, move || expire(()))
        });
        let old = std::mem::replace(&mut *self.expiry.borrow_mut(), timer);
        drop(old);
    }

    fn url(&self, token: &ClientSessionToken) -> Option<String> {
        let host = self.window.location().origin().ok()?;
        // Parsed, so that the surface only ever loads a well-formed URL.
        let dark = bindings::prefers_dark(&self.window);
        Url::new(&self.profile.flow_url(token, &host, dark))
            .ok()
            .map(|u| u.href())
    }

    /// Tells the provider's page that the widget is closing it, at its exact origin.
    fn request_exit(&self, force: bool) {
        let (Some(message), Some(page)) = (self.profile.exit_request(force), self.flow_window())
        else {
            return;
        };
        if let Ok(message) = message.serialize(&serde_wasm_bindgen::Serializer::json_compatible()) {
            let _ = page.post_message(&message, self.profile.link_origin.as_str());
        }
    }

    fn show(&self, surface: Surface, token: Option<&ClientSessionToken>) {
        let url = token.and_then(|t| self.url(t));
        let shown = match surface {
            Surface::Modal | Surface::Inline => {
                let document = self.window.document();
                if self.container.as_ref().is_some_and(|c| {
                    !document
                        .as_ref()
                        .is_some_and(|d| bindings::in_document(c, d))
                }) {
                    let error =
                        WidgetError::InvalidOptions("the `container` is not in the page".into());
                    return self.follow_up(Input::ModalFailed(error));
                }
                let on_event = Callback::from(self.dispatcher(|e: ModalEvent| match e {
                    ModalEvent::FrameLoaded => Input::FrameLoaded,
                    ModalEvent::Close(reason) => Input::Close(reason),
                }));
                let (place, appearance) = (self.container.clone(), self.appearance.clone());
                match Mount::new(&self.window, place, url, appearance, on_event) {
                    Ok(mount) => Shown::Modal(mount),
                    Err(e) => return self.follow_up(Input::ModalFailed(unsupported(e))),
                }
            }
            Surface::Popup => {
                let closed = self.dispatcher(|ms| Input::PopupClosed {
                    ms_since_provider: ms,
                });
                let opener = std::mem::take(&mut *self.opener.borrow_mut());
                let appearance = self.appearance.clone();
                match Popup::open(&self.window, opener, url.as_deref(), appearance, closed) {
                    Some(popup) => {
                        self.follow_up(Input::PopupOpened);
                        Shown::Popup(popup)
                    }
                    None => return self.follow_up(Input::PopupBlocked),
                }
            }
        };
        let on_message = self.dispatcher(|i: Input| i);
        let this = self.this.clone();
        let listener = EventListener::new(&self.window, "message", move |e| {
            let (Some(w), Some(e)) = (this.upgrade(), e.dyn_ref::<MessageEvent>()) else {
                return;
            };
            if let Some(input) = w.screen(e) {
                on_message(input);
            }
        });
        *self.shown.borrow_mut() = Some(shown);
        *self.messages.borrow_mut() = Some(listener);
    }

    fn load(&self, token: Option<&ClientSessionToken>) {
        let url = token.and_then(|t| self.url(t));
        let failed = match &mut *self.shown.borrow_mut() {
            Some(Shown::Modal(mount)) => mount.load(url).err(),
            Some(Shown::Popup(popup)) => {
                popup.load(url.as_deref());
                None
            }
            None => None,
        };
        if let Some(e) = failed {
            self.follow_up(Input::ModalFailed(unsupported(e)));
        }
    }

    fn follow_up(&self, input: Input) {
        self.follow_ups.borrow_mut().push(input);
    }

    /// The window the flow runs in: the modal's frame or the popup.
    fn flow_window(&self) -> Option<Window> {
        match &*self.shown.borrow() {
            Some(Shown::Modal(mount)) => mount.flow_window(),
            Some(Shown::Popup(popup)) => Some(popup.window().clone()),
            None => None,
        }
    }

    /// Origin and source first, then the data: what the message means, if anything.
    fn screen(&self, event: &MessageEvent) -> Option<Input> {
        let source: JsValue = event.source().map(JsValue::from).unwrap_or(JsValue::NULL);
        let source = if source.is_null() {
            Source::Other
        } else if source == JsValue::from(&self.window) {
            Source::HostWindow
        } else if self
            .flow_window()
            .is_some_and(|w| JsValue::from(w) == source)
        {
            Source::FlowWindow
        } else {
            Source::Other
        };
        let data = message::Raw::Value(event.data());
        let screened = protocol::screen(
            &self.profile.link_origin,
            &event.origin(),
            source,
            &data,
            |data| self.profile.decode(data),
        );
        match screened {
            Ok(message) => message.map(Input::Provider),
            Err(rejection) => Some(Input::Rejected(rejection)),
        }
    }
}

/// A failed step of showing the modal, as `unsupported_browser` with what it said.
fn unsupported(e: JsValue) -> WidgetError {
    WidgetError::Unsupported(
        e.as_string()
            .or_else(|| js_sys::Error::from(e).message().as_string())
            .unwrap_or_default(),
    )
}
