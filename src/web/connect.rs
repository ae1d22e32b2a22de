//! The Rust API: [`Connect`], for Rust front ends (Yew, Leptos, or none).
//!
//! It is the JavaScript API's widget with Rust settings and closures: the
//! settings are read by the very code that reads `OFConnect.create`'s
//! options (so they are checked alike, and a bad one is the same typed
//! [`WidgetError`], given to `on_error`), and the closures get the core's
//! types. The DOM events and messages the page gets are the same too.
//! Dropping a [`Connect`] is `destroy()`.
//!
//! ```no_run
//! use std::cell::RefCell;
//! use std::rc::Rc;
//!
//! use ofconnect::{Callbacks, Connect, Sessions, Settings};
//!
//! let status = Rc::new(RefCell::new(String::new()));
//! let (connected, failed) = (status.clone(), status.clone());
//! // Kept as long as the page offers to connect: dropping it is `destroy()`.
//! let connect = Connect::new(
//!     &Settings::new(Sessions::Url("/api/session".into())),
//!     Callbacks {
//!         on_success: Some(Box::new(move |account| {
//!             *connected.borrow_mut() = format!("connected: {account:?}")
//!         })),
//!         on_error: Some(Box::new(move |error| *failed.borrow_mut() = error.message())),
//!         ..Callbacks::default()
//!     },
//! );
//! // In a click handler (a popup must open there, before any `.await`):
//! connect.open();
//! ```

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::time::Duration;

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use web_sys::Element;

use super::{options, Handle, Widget};
use crate::appearance::{Locale, Theme};
use crate::error::WidgetError;
use crate::flow::{ExitReason, HostEvent, Lifecycle};
use crate::option_names::{
    CONTAINER, FALLBACK, GET_SESSION, LABELS, LABEL_CLOSE, LABEL_LOADING, LABEL_TITLE, LINK_ORIGIN,
    LOCALE, MODE, PROVIDER, SESSION_TIMEOUT, SESSION_URL, THEME, TOKEN,
};
use crate::protocol::{Connection, LinkStep};
use crate::provider::Provider;

/// What the host's session source answers: a client session token (or an
/// OFAuth Link URL), and when it expires, if known (then the widget renews
/// it before it does).
#[derive(Clone, Debug, PartialEq)]
pub struct Grant {
    /// `ofapi_cs_…`, or the OFAuth Link URL.
    pub token: String,
    /// When it expires, in Unix milliseconds.
    pub expires_at_ms: Option<f64>,
}

impl From<String> for Grant {
    fn from(token: String) -> Self {
        Self {
            token,
            expires_at_ms: None,
        }
    }
}

/// A session getter: each call asks the host's backend for a fresh session.
pub type GetSession = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<Grant, String>>>>>;

/// Where the widget's sessions come from.
#[derive(Clone)]
pub enum Sessions {
    /// One token the host already has (no renewal).
    Token(String),
    /// The host backend's URL, POSTed with the page's cookies; it answers
    /// `{token, expiresAt}` (as `sessionUrl`).
    Url(String),
    /// The host's own getter (as `getSession`); an `Err` is its message.
    Get(GetSession),
}

/// Two getters are the same source: a closure made anew at each render is
/// not a new source (the Yew component calls the newest one).
impl PartialEq for Sessions {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Token(a), Self::Token(b)) | (Self::Url(a), Self::Url(b)) => a == b,
            (Self::Get(_), Self::Get(_)) => true,
            _ => false,
        }
    }
}

/// How the flow shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Mode {
    /// In a modal over the page.
    #[default]
    Modal,
    /// In a popup window; with `fallback_to_modal`, a blocked popup gives
    /// way to the modal.
    Popup {
        /// Use the modal when the browser blocks the popup.
        fallback_to_modal: bool,
    },
    /// Inside this element of the host's page (inline).
    Inline(Element),
}

/// The widget's own strings that the host replaces (`None`: the locale's).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Labels {
    /// The modal's title (also the frame's and the popup's).
    pub title: Option<String>,
    /// The close button's accessible name.
    pub close: Option<String>,
    /// The loading state's text.
    pub loading: Option<String>,
}

/// Everything but the callbacks: [`Settings::new`] takes the session
/// source, the rest has defaults.
#[derive(Clone, PartialEq)]
pub struct Settings {
    /// Where sessions come from.
    pub session: Sessions,
    /// Whose flow.
    pub provider: Provider,
    /// The provider's exact origin, when not its production one (the sandbox's).
    pub link_origin: Option<String>,
    /// How the flow shows.
    pub mode: Mode,
    /// The colour scheme.
    pub theme: Theme,
    /// The language of the widget's own strings.
    pub locale: Locale,
    /// The host's strings in place of the locale's.
    pub labels: Labels,
    /// How long one session request may take (default 10 s, at most 120 s).
    pub session_timeout: Option<Duration>,
}

impl Settings {
    /// The defaults (OnlyFansAPI, a modal, light, English), with `session`.
    pub fn new(session: Sessions) -> Self {
        Self {
            session,
            provider: Provider::default(),
            link_origin: None,
            mode: Mode::default(),
            theme: Theme::default(),
            locale: Locale::default(),
            labels: Labels::default(),
            session_timeout: None,
        }
    }
}

/// How a flow ended without success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exit {
    /// Why.
    pub reason: ExitReason,
    /// (OFAuth) The Link step the user was on, when the page ended the flow.
    pub step: Option<LinkStep>,
}

/// The host's closures, each optional, called as the JS API's callbacks are
/// (one that panics stops the app's wasm, as any panic does).
#[derive(Default)]
#[allow(clippy::type_complexity)]
pub struct Callbacks {
    /// The provider's page is usable.
    pub on_ready: Option<Box<dyn Fn()>>,
    /// The account was connected.
    pub on_success: Option<Box<dyn Fn(Connection)>>,
    /// The flow ended without success.
    pub on_exit: Option<Box<dyn Fn(Exit)>>,
    /// The session expired and could not be renewed.
    pub on_expired: Option<Box<dyn Fn()>>,
    /// Something went wrong (bad settings too); with none, it is logged.
    pub on_error: Option<Box<dyn Fn(WidgetError)>>,
    /// Each lifecycle event.
    pub on_event: Option<Box<dyn Fn(Lifecycle)>>,
}

impl Callbacks {
    /// Calls the closure for `event`; `false` when there is none.
    fn call(&self, event: &HostEvent) -> bool {
        fn with<T>(f: &Option<Box<dyn Fn(T)>>, value: T) -> bool {
            f.as_ref().map(|f| f(value)).is_some()
        }
        match event {
            HostEvent::Ready => self.on_ready.as_ref().map(|f| f()).is_some(),
            HostEvent::Success(c) => with(&self.on_success, c.clone()),
            HostEvent::Exit { reason, step } => with(
                &self.on_exit,
                Exit {
                    reason: *reason,
                    step: *step,
                },
            ),
            HostEvent::Expired => self.on_expired.as_ref().map(|f| f()).is_some(),
            HostEvent::Error(e) => with(&self.on_error, e.clone()),
            HostEvent::Event(e) => with(&self.on_event, e.clone()),
        }
    }
}

/// A widget: [`Connect::open`], [`Connect::close`]; dropping it destroys it.
pub struct Connect {
    handle: Handle,
    /// The session getter as the page calls it, while the widget lives.
    _get_session: Option<Closure<dyn Fn() -> Promise>>,
}

impl Connect {
    /// Creates a widget, in a browser window. A bad setting is an
    /// `invalid_options` or `invalid_token` error given to `on_error`, on
    /// creation and on each `open()`. A closure that holds the `Connect`
    /// keeps it alive: hold a `Weak` there.
    pub fn new(settings: &Settings, callbacks: Callbacks) -> Self {
        let window = web_sys::window().expect_throw("ofconnect runs in a browser window");
        let (value, get_session) = to_options(settings);
        let options = options::parse(&value, &window);
        let app = Box::new(move |event: &HostEvent| callbacks.call(event));
        Self {
            handle: Handle {
                widget: Widget::new(window, options, Some(app)),
            },
            _get_session: get_session,
        }
    }

    /// Opens the flow (once; opening an open widget does nothing). In popup
    /// mode, call it from a click handler, before any `.await`.
    pub fn open(&self) {
        self.handle.open();
    }

    /// Closes the flow; `on_exit` with [`ExitReason::HostClose`] unless it already succeeded.
    pub fn close(&self) {
        self.handle.close();
    }
}

impl Drop for Connect {
    /// `destroy()`: removes everything the widget added to the page; no
    /// callback is called afterwards.
    fn drop(&mut self) {
        self.handle.destroy();
    }
}

/// `settings` as the options object of `OFConnect.create`, and the getter
/// it names, which must live as long as the widget.
fn to_options(settings: &Settings) -> (JsValue, Option<Closure<dyn Fn() -> Promise>>) {
    let options = Object::new();
    let set = |object: &Object, name: &str, value: JsValue| {
        let _ = Reflect::set(object, &name.into(), &value);
    };
    let mut get_session = None;
    match &settings.session {
        Sessions::Token(token) => set(&options, TOKEN, token.into()),
        Sessions::Url(url) => set(&options, SESSION_URL, url.into()),
        Sessions::Get(get) => {
            let get = get.clone();
            let closure = Closure::<dyn Fn() -> Promise>::new(move || {
                let grant = get();
                wasm_bindgen_futures::future_to_promise(async move {
                    let grant = grant.await.map_err(JsValue::from)?;
                    let reply = Object::new();
                    let _ = Reflect::set(&reply, &"token".into(), &grant.token.into());
                    if let Some(ms) = grant.expires_at_ms {
                        let _ = Reflect::set(&reply, &"expiresAt".into(), &ms.into());
                    }
                    Ok(reply.into())
                })
            });
            set(&options, GET_SESSION, closure.as_ref().clone());
            get_session = Some(closure);
        }
    }
    set(&options, PROVIDER, settings.provider.name().into());
    if let Some(origin) = &settings.link_origin {
        set(&options, LINK_ORIGIN, origin.into());
    }
    match &settings.mode {
        Mode::Modal => {}
        Mode::Popup { fallback_to_modal } => {
            set(&options, MODE, "popup".into());
            if *fallback_to_modal {
                set(&options, FALLBACK, "iframe".into());
            }
        }
        Mode::Inline(container) => set(&options, CONTAINER, container.into()),
    }
    set(&options, THEME, settings.theme.as_str().into());
    set(&options, LOCALE, settings.locale.tag().into());
    let labels = Object::new();
    let Labels {
        title,
        close,
        loading,
    } = &settings.labels;
    for (name, label) in [
        (LABEL_TITLE, title),
        (LABEL_CLOSE, close),
        (LABEL_LOADING, loading),
    ] {
        if let Some(label) = label {
            set(&labels, name, label.into());
        }
    }
    set(&options, LABELS, labels.into());
    if let Some(timeout) = settings.session_timeout {
        set(
            &options,
            SESSION_TIMEOUT,
            (timeout.as_millis() as f64).into(),
        );
    }
    (options.into(), get_session)
}
