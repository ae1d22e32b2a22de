//! Reads the options object passed to `OFConnect.create`.

mod values;

use std::time::Duration;

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, EventTarget, Url, Window};

use super::bindings::{attribute as attribute_of, is_array, object_keys};
use super::fetcher::SessionSource;
use crate::appearance::{Appearance, Locale, Text, Theme, NOT_A_LABEL};
use crate::error::WidgetError;
use crate::flow::{Config, Surface};
use crate::option_names::{
    ATTRIBUTES, CALLBACKS, CONTAINER, EVENT_TARGET, FALLBACK, FORWARD_TO, GET_SESSION, LABELS,
    LABEL_NAMES, LINK_ORIGIN, LOCALE, MODE, PROVIDER, SESSION_TIMEOUT, SESSION_URL, SETTINGS,
    THEME, TOKEN,
};
use crate::origin::LinkOrigin;
use crate::provider::{markup_may_name, Profile, Provider};
use crate::session::Session;
use values::{bounded, get, invalid, own, printable, string, type_name};

/// The host's callbacks, by name (`onReady`…); each is optional. Those of
/// `<of-connect>` are its properties, read when they are called, so that a
/// callback set after the element was created runs too.
#[derive(Default)]
pub struct Callbacks {
    functions: Vec<(&'static str, Function)>,
    element: Option<Element>,
}

impl Callbacks {
    /// Calls the callback `name` with `args`; `Ok(false)` when there is none.
    pub fn call(&self, name: &str, args: &[&JsValue]) -> Result<bool, JsValue> {
        let (function, this) = match &self.element {
            Some(element) => (
                Reflect::get(element, &name.into())
                    .ok()
                    .and_then(|f| f.dyn_into::<Function>().ok()),
                JsValue::from(element),
            ),
            None => (
                self.functions
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, f)| f.clone()),
                JsValue::NULL,
            ),
        };
        let Some(function) = function else {
            return Ok(false);
        };
        function.apply(&this, &args.iter().collect::<js_sys::Array>())?;
        Ok(true)
    }
}

/// Where to forward host events too (a parent frame), with its exact origin.
pub struct Forward {
    pub window: Window,
    pub origin: LinkOrigin,
}

/// Validated options. `initial` holds the token given at create, or the
/// first problem found: the widget then reports it on `create` and on every
/// `open`, and does nothing else.
pub struct Options {
    pub initial: Result<Option<Session>, WidgetError>,
    pub config: Config,
    pub source: Option<SessionSource>,
    pub timeout: Duration,
    pub profile: Profile,
    pub appearance: Appearance,
    pub callbacks: Callbacks,
    pub forward: Option<Forward>,
    /// Where the `ofconnect:*` DOM events are dispatched (`document` by default).
    pub event_target: Option<EventTarget>,
    /// The element an inline flow is shown in.
    pub container: Option<Element>,
}

/// The default time a session source has to answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// Reads `value`, never throwing: a getter that throws or a value of the
/// wrong type becomes an `invalid_options` (or `invalid_token`) error naming the option.
pub fn parse(value: &JsValue, window: &Window) -> Options {
    let mut options = Options {
        initial: Ok(None),
        config: Config::default(),
        source: None,
        timeout: DEFAULT_TIMEOUT,
        profile: Profile::default(),
        appearance: Appearance::default(),
        callbacks: Callbacks::default(),
        forward: None,
        event_target: None,
        container: None,
    };
    let element = value
        .is_object()
        .then(|| own(value, &js_sys::Symbol::for_(ELEMENT).into(), "element").ok())
        .flatten()
        .and_then(|e| e.dyn_into::<Element>().ok());
    options.initial = match element {
        Some(element) => {
            let (value, markup) = element_options(&element);
            options.callbacks.element = Some(element);
            read(&value, window, &markup, &mut options)
        }
        // Not an element's: `read` reports what is wrong with `value`.
        None => read(value, window, &[], &mut options),
    };
    options
}

/// `<of-connect>` passes only itself, under `Symbol.for` this key.
const ELEMENT: &str = "ofconnect.element";

/// The options whose attribute may name only what [`markup_may_name`]
/// allows (or, for `session-url`, this page's origin), so that markup
/// injected into a page cannot send its fresh tokens, or its user, to an
/// origin of the attacker's choosing. The element's properties of the same
/// names, set from script, override the attributes and may name any.
const SCRIPTED: [&str; 2] = [LINK_ORIGIN, SESSION_URL];

/// The options of `<of-connect>`: its attributes (or the properties of
/// [`SCRIPTED`]), with its events dispatched on it; and the names of those
/// that came from markup.
fn element_options(element: &Element) -> (JsValue, Vec<&'static str>) {
    let options = Object::new();
    let mut markup = vec![];
    let _ = Reflect::set(&options, &EVENT_TARGET.into(), element);
    for (attribute, name) in ATTRIBUTES {
        // The element's own property only: an inherited one (a polluted
        // `Object.prototype.linkOrigin`) is not script choosing it.
        let scripted = SCRIPTED
            .contains(&name)
            .then(|| get(element, name).ok())
            .flatten()
            .filter(JsValue::is_string);
        let value = match (scripted, attribute_of(element, attribute)) {
            (Some(v), _) => v,
            (None, Some(v)) => {
                markup.push(name);
                if name == SESSION_TIMEOUT {
                    // JavaScript's `+v` (a string never throws): no float
                    // parsing code in the wasm.
                    v.unchecked_into_f64().into()
                } else {
                    v
                }
            }
            (None, None) => continue,
        };
        let _ = Reflect::set(&options, &name.into(), &value);
    }
    (options.into(), markup)
}

fn read(
    value: &JsValue,
    window: &Window,
    markup: &[&str],
    o: &mut Options,
) -> Result<Option<Session>, WidgetError> {
    if !value.is_object() || value.is_function() || is_array(value).unwrap_or(true) {
        return Err(invalid(format!(
            "`OFConnect.create` expects an options object such as {{ token, onSuccess }}, got {}",
            type_name(value)
        )));
    }
    // Callbacks first, so that later errors can reach `onError`.
    let mut first_error = None;
    for name in CALLBACKS {
        match get(value, name) {
            Ok(v) if v.is_undefined() => {}
            Ok(v) if v.is_function() => o.callbacks.functions.push((name, v.unchecked_into())),
            Ok(v) => {
                first_error.get_or_insert(invalid(format!(
                    "`{name}` must be a function, got {}",
                    type_name(&v)
                )));
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        return Err(e);
    }
    // Next, so that later errors are dispatched where the host listens.
    let target = get(value, EVENT_TARGET)?;
    if !target.is_undefined() {
        o.event_target = Some(target.dyn_into().map_err(|v: JsValue| {
            invalid(format!(
                "`eventTarget` must be an element or another EventTarget, got {}",
                type_name(&v)
            ))
        })?);
    }
    let known = || SETTINGS.iter().chain(CALLBACKS.iter());
    let keys =
        object_keys(value).map_err(|_| invalid("listing the options threw an exception".into()))?;
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !known().any(|k| *k == key) {
            let hint = known()
                .find(|k| k.eq_ignore_ascii_case(&key))
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    let all: Vec<String> = known().map(|k| format!("`{k}`")).collect();
                    format!("; the options are {}", all.join(", "))
                });
            return Err(invalid(format!(
                "unknown option `{}`{hint}",
                printable(&key)
            )));
        }
    }
    let provider = match string(value, PROVIDER)? {
        Some(p) => Provider::parse(&p)?,
        None => Provider::default(),
    };
    let link_origin = match string(value, LINK_ORIGIN)? {
        Some(s) => LinkOrigin::parse(&s)?,
        None => LinkOrigin::parse(provider.default_origin())?,
    };
    let page = window
        .location()
        .origin()
        .ok()
        .and_then(|o| LinkOrigin::parse(&o).ok());
    if markup.contains(&LINK_ORIGIN) && !markup_may_name(&link_origin, provider, page.as_ref()) {
        return Err(invalid("the `link-origin` attribute may only name the provider's origin, or a loopback one on a loopback page; set the element's `linkOrigin` property from script for another".into()));
    }
    let theme = match string(value, THEME)? {
        Some(t) => Theme::parse(&t)?,
        None => Theme::default(),
    };
    o.appearance = Appearance {
        theme,
        text: read_text(value)?,
    };
    o.profile = Profile {
        provider,
        link_origin,
        theme,
    };
    o.config.announces_ready = o.profile.announces_ready();
    o.config.requests_exit = o.profile.exit_request(false).is_some();
    match string(value, MODE)?.as_deref() {
        None | Some("iframe") => {}
        Some("popup") => o.config.surface = Surface::Popup,
        Some(_) => return Err(invalid("`mode` must be \"iframe\" or \"popup\"".into())),
    }
    let container = get(value, CONTAINER)?;
    if !container.is_undefined() {
        if o.config.surface == Surface::Popup {
            return Err(invalid(
                "give `container` (inline) or `mode: \"popup\"`, not both".into(),
            ));
        }
        o.container = Some(container.dyn_into().map_err(|v: JsValue| {
            invalid(format!(
                "`container` must be an element, got {}",
                type_name(&v)
            ))
        })?);
        o.config.surface = Surface::Inline;
    }
    match string(value, FALLBACK)?.as_deref() {
        None => {}
        Some("iframe") => o.config.fallback_to_modal = true,
        Some(_) => return Err(invalid("`fallback` can only be \"iframe\"".into())),
    }
    let timeout = get(value, SESSION_TIMEOUT)?;
    if !timeout.is_undefined() {
        match timeout.as_f64() {
            Some(ms) if ms.is_finite() && (1.0..=120_000.0).contains(&ms) => {
                o.timeout = Duration::from_millis(ms as u64)
            }
            _ => {
                return Err(invalid(
                    "`sessionTimeout` must be a number of milliseconds from 1 to 120000".into(),
                ))
            }
        }
    }
    let forward = get(value, FORWARD_TO)?;
    if !forward.is_undefined() {
        o.forward = Some(read_forward(&forward)?);
    }
    let get_session = get(value, GET_SESSION)?;
    let session_url = string(value, SESSION_URL)?;
    o.source = match (get_session.is_undefined(), session_url) {
        (false, Some(_)) => {
            return Err(invalid(
                "give either `getSession` or `sessionUrl`, not both".into(),
            ))
        }
        (false, None) if get_session.is_function() => {
            Some(SessionSource::Function(get_session.unchecked_into()))
        }
        (false, None) => {
            return Err(invalid(format!(
                "`getSession` must be a function, got {}",
                type_name(&get_session)
            )))
        }
        (true, Some(url)) => {
            let url = resolve(&url, window)?;
            let own = window.location().origin().ok();
            if markup.contains(&SESSION_URL) && Url::new(&url).ok().map(|u| u.origin()) != own {
                return Err(invalid("the `session-url` attribute must be a URL on this page's origin; set the element's `sessionUrl` property from script for another".into()));
            }
            Some(SessionSource::Url {
                url,
                from_markup: markup.contains(&SESSION_URL),
            })
        }
        (true, None) => None,
    };
    o.config.renewable = o.source.is_some();
    o.config.on_open_only = markup.contains(&SESSION_URL);
    let token = get(value, TOKEN)?;
    // Too long is not a token: `invalid_token`, as any other wrong value.
    let text = bounded(&token, TOKEN).map_err(|e| WidgetError::InvalidToken(e.message()))?;
    match text {
        Some(s) => Ok(Some(Session { token: o.profile.credential(&s)?, expires_at_ms: None })),
        None if token.is_undefined() && o.source.is_some() => Ok(None),
        None if token.is_undefined() => Err(WidgetError::InvalidToken(
            "`token` is required (or `getSession` / `sessionUrl`): pass the client session token your backend created"
                .into(),
        )),
        None => Err(WidgetError::InvalidToken(format!("`token` must be a string, got {}", type_name(&token)))),
    }
}

/// The `locale`'s strings, with the host's `labels` in place of any of them.
fn read_text(value: &JsValue) -> Result<Text, WidgetError> {
    let mut text = match string(value, LOCALE)? {
        Some(l) => Text::new(Locale::parse(&l)?),
        None => Text::default(),
    };
    let labels = get(value, LABELS)?;
    if labels.is_undefined() {
        return Ok(text);
    }
    if !labels.is_object() || labels.is_function() || is_array(&labels).unwrap_or(true) {
        return Err(invalid(format!(
            "`labels` must be an object such as {{ title: \"…\" }}, got {}",
            type_name(&labels)
        )));
    }
    let keys = object_keys(&labels)
        .map_err(|_| invalid("listing the labels threw an exception".into()))?;
    for key in keys.iter() {
        let key = key.as_string().unwrap_or_default();
        if !LABEL_NAMES.contains(&key.as_str()) {
            return Err(invalid(format!(
                "`labels.{}` {NOT_A_LABEL}",
                printable(&key)
            )));
        }
    }
    // By name, as the options are: own data properties, enumerable or not.
    for name in LABEL_NAMES {
        let name_in = format!("labels.{name}");
        let label = own(&labels, &name.into(), &name_in)?;
        if !label.is_undefined() {
            text.set(name, bounded(&label, &name_in)?)
                .map_err(|problem| invalid(format!("`{name_in}` {problem}")))?;
        }
    }
    Ok(text)
}

fn read_forward(forward: &JsValue) -> Result<Forward, WidgetError> {
    let shape = || {
        invalid("`forwardTo` must be {window, origin}, e.g. {window: window.parent, origin: \"https://crm.example\"}".into())
    };
    if !forward.is_object() {
        return Err(shape());
    }
    let target = get(forward, "window")?;
    // A cross-origin WindowProxy is not `instanceof Window` everywhere; it
    // always has a callable postMessage.
    let posts = target.is_object()
        && Reflect::get(&target, &"postMessage".into()).is_ok_and(|p| p.is_function());
    let origin = string(forward, "origin")
        .map_err(|_| shape())?
        .ok_or_else(shape)?;
    if !posts {
        return Err(shape());
    }
    Ok(Forward {
        window: target.unchecked_into(),
        origin: LinkOrigin::parse_option(&origin, "forwardTo.origin")?,
    })
}

/// An absolute http(s) URL for `sessionUrl`, relative to the page.
fn resolve(raw: &str, window: &Window) -> Result<String, WidgetError> {
    let base = window.location().href().unwrap_or_default();
    let url = Url::new_with_base(raw, &base)
        .map_err(|_| invalid("`sessionUrl` is not a valid URL".into()))?;
    match url.protocol().as_str() {
        "https:" | "http:" => Ok(url.href()),
        _ => Err(invalid("`sessionUrl` must be an http(s) URL".into())),
    }
}
