//! The Yew component (the `yew` feature): `<ConnectButton>`, and
//! [`use_connect`] for a trigger of the app's own.
//!
//! The widget is created when the component mounts and destroyed when it
//! unmounts, or when its [`Settings`] change (then a new one is created);
//! a flow open then ends with it, with no callback. The callbacks, and a
//! session getter, may change at every render: the widget calls the newest.
//!
//! ```no_run
//! use ofconnect::component::ConnectButton;
//! use ofconnect::{Sessions, Settings};
//! use yew::prelude::*;
//!
//! #[component]
//! fn Crm() -> Html {
//!     let status = use_state(|| String::from("Not connected"));
//!     let on_success = {
//!         let status = status.clone();
//!         Callback::from(move |account: ofconnect::protocol::Connection| {
//!             status.set(format!("Connected @{}", account.username()))
//!         })
//!     };
//!     let settings = Settings::new(Sessions::Url("/api/session".into()));
//!     html! {
//!         <>
//!             <ConnectButton {settings} {on_success}>{ "Connect OnlyFans" }</ConnectButton>
//!             <p role="status">{ (*status).clone() }</p>
//!         </>
//!     }
//! }
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use super::bindings::console_error;
use super::connect::{Callbacks, Connect, Exit, Sessions, Settings};
use crate::error::WidgetError;
use crate::flow::Lifecycle;
use crate::protocol::Connection;

/// The properties of [`ConnectButton`], and what [`use_connect`] takes.
#[derive(Properties, Clone, PartialEq)]
pub struct ConnectProps {
    /// Where sessions come from, and how the flow looks and shows.
    pub settings: Settings,
    /// The provider's page is usable.
    #[prop_or_default]
    pub on_ready: Option<Callback<()>>,
    /// The account was connected.
    #[prop_or_default]
    pub on_success: Option<Callback<Connection>>,
    /// The flow ended without success.
    #[prop_or_default]
    pub on_exit: Option<Callback<Exit>>,
    /// The session expired and could not be renewed.
    #[prop_or_default]
    pub on_expired: Option<Callback<()>>,
    /// Something went wrong; with no callback, it is logged.
    #[prop_or_default]
    pub on_error: Option<Callback<WidgetError>>,
    /// Each lifecycle event.
    #[prop_or_default]
    pub on_event: Option<Callback<Lifecycle>>,
    /// The button's content.
    #[prop_or_default]
    pub children: Html,
    /// The button's `id`.
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// The button's classes.
    #[prop_or_default]
    pub class: Classes,
}

/// A widget held by a component: [`UseConnect::open`] and [`UseConnect::close`].
#[derive(Clone)]
pub struct UseConnect {
    widget: Rc<RefCell<Option<Rc<Connect>>>>,
}

impl UseConnect {
    /// Opens the flow. In popup mode, call it from a click handler.
    pub fn open(&self) {
        // Out of the cell first: a callback may re-render, and replace it.
        let widget = self.widget.borrow().clone();
        if let Some(widget) = widget {
            widget.open();
        }
    }

    /// Closes the flow.
    pub fn close(&self) {
        let widget = self.widget.borrow().clone();
        if let Some(widget) = widget {
            widget.close();
        }
    }
}

/// A widget that lives as long as the calling component (and its
/// `settings`), reporting to the newest callbacks in `props`.
#[hook]
pub fn use_connect(props: &ConnectProps) -> UseConnect {
    let latest = use_mut_ref(|| props.clone());
    *latest.borrow_mut() = props.clone();
    let widget = use_mut_ref(|| None);
    {
        let widget = widget.clone();
        use_effect_with(props.settings.clone(), move |settings| {
            let settings = with_newest_getter(settings, &latest);
            *widget.borrow_mut() = Some(Rc::new(Connect::new(&settings, to_newest(latest))));
            move || {
                // Out of the cell before it is dropped: destroying moves the
                // focus, and page code on `focus` may call `open()`.
                let old = widget.borrow_mut().take();
                drop(old);
            }
        });
    }
    UseConnect { widget }
}

/// A button that opens the flow.
#[component]
pub fn ConnectButton(props: &ConnectProps) -> Html {
    let connect = use_connect(props);
    let onclick = Callback::from(move |_: MouseEvent| connect.open());
    html! {
        <button type="button" id={props.id.clone()} class={props.class.clone()} {onclick}>
            { props.children.clone() }
        </button>
    }
}

/// `settings`, with a getter (`Sessions::Get`) that calls the props' getter
/// at the time of the call: a closure made anew at each render is the same
/// source ([`Sessions`]' equality), and the newest one is called.
fn with_newest_getter(settings: &Settings, latest: &Rc<RefCell<ConnectProps>>) -> Settings {
    let mut settings = settings.clone();
    if let Sessions::Get(_) = settings.session {
        let latest = latest.clone();
        settings.session = Sessions::Get(Rc::new(move || {
            let newest = match &latest.borrow().settings.session {
                Sessions::Get(get) => Some(get.clone()),
                _ => None,
            };
            match newest {
                Some(get) => get(),
                // Props with another source, before this widget is replaced.
                None => Box::pin(async { Err("the session source was replaced".into()) }),
            }
        }));
    }
    settings
}

/// Closures that call the callback of the props at the time of the call.
fn to_newest(latest: Rc<RefCell<ConnectProps>>) -> Callbacks {
    // Taken out of the cell before the call: it may re-render the component.
    fn newest<T: 'static>(
        latest: &Rc<RefCell<ConnectProps>>,
        pick: fn(&ConnectProps) -> &Option<Callback<T>>,
        otherwise: fn(T),
    ) -> Option<Box<dyn Fn(T)>> {
        let latest = latest.clone();
        Some(Box::new(move |value| {
            let callback = pick(&latest.borrow()).clone();
            match callback {
                Some(callback) => callback.emit(value),
                None => otherwise(value),
            }
        }))
    }
    let (ready, expired) = (
        newest(&latest, |p| &p.on_ready, drop),
        newest(&latest, |p| &p.on_expired, drop),
    );
    Callbacks {
        on_ready: ready.map(|f| Box::new(move || f(())) as Box<dyn Fn()>),
        on_success: newest(&latest, |p| &p.on_success, drop),
        on_exit: newest(&latest, |p| &p.on_exit, drop),
        on_expired: expired.map(|f| Box::new(move || f(())) as Box<dyn Fn()>),
        // As with no `on_error` at all: the error is logged.
        on_error: newest(
            &latest,
            |p| &p.on_error,
            |e| console_error("ofconnect:", e.code(), &e.message()),
        ),
        on_event: newest(&latest, |p| &p.on_event, drop),
    }
}
