//! Reads the options object passed to `OFConnect.create`.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::WidgetError;
use crate::origin::LinkOrigin;
use crate::token::ClientSessionToken;

/// The host's callbacks; each is optional.
#[derive(Default)]
pub struct Callbacks {
    pub on_ready: Option<Function>,
    pub on_success: Option<Function>,
    pub on_error: Option<Function>,
    pub on_exit: Option<Function>,
    pub on_event: Option<Function>,
}

/// Validated options. `session` holds the first problem found, if any: the
/// widget then reports it on `create` and on every `open`, and does nothing else.
pub struct Options {
    pub session: Result<ClientSessionToken, WidgetError>,
    pub link_origin: LinkOrigin,
    pub callbacks: Callbacks,
}

const CALLBACKS: [&str; 5] = ["onReady", "onSuccess", "onError", "onExit", "onEvent"];
const KNOWN: [&str; 7] = [
    "token",
    "linkOrigin",
    "onReady",
    "onSuccess",
    "onError",
    "onExit",
    "onEvent",
];

/// Reads `value`, never throwing: a getter that throws or a value of the
/// wrong type becomes an `invalid_options` error naming the option.
pub fn parse(value: &JsValue) -> Options {
    let mut callbacks = Callbacks::default();
    let mut link_origin = LinkOrigin::default();
    let session = read(value, &mut callbacks, &mut link_origin);
    Options {
        session,
        link_origin,
        callbacks,
    }
}

fn read(
    value: &JsValue,
    callbacks: &mut Callbacks,
    link_origin: &mut LinkOrigin,
) -> Result<ClientSessionToken, WidgetError> {
    if !value.is_object() || value.is_function() || js_sys::Array::is_array(value) {
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
            Ok(v) if v.is_function() => {
                let f = Some(v.unchecked_into::<Function>());
                match name {
                    "onReady" => callbacks.on_ready = f,
                    "onSuccess" => callbacks.on_success = f,
                    "onError" => callbacks.on_error = f,
                    "onExit" => callbacks.on_exit = f,
                    _ => callbacks.on_event = f,
                }
            }
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
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !KNOWN.contains(&key.as_str()) {
            let hint = KNOWN
                .iter()
                .find(|k| k.eq_ignore_ascii_case(&key))
                .map(|k| format!("; did you mean `{k}`?"))
                .unwrap_or_else(|| {
                    format!(
                        "; the options are {}",
                        KNOWN.map(|k| format!("`{k}`")).join(", ")
                    )
                });
            return Err(invalid(format!(
                "unknown option `{}`{hint}",
                printable(&key)
            )));
        }
    }
    let origin = get(value, "linkOrigin")?;
    if !origin.is_undefined() {
        let Some(s) = origin.as_string() else {
            return Err(invalid(format!(
                "`linkOrigin` must be a string, got {}",
                type_name(&origin)
            )));
        };
        *link_origin = LinkOrigin::parse(&s)?;
    }
    let token = get(value, "token")?;
    match token.as_string() {
        Some(s) => ClientSessionToken::parse(&s),
        None if token.is_undefined() => Err(WidgetError::InvalidToken(
            "`token` is required: pass the client session token your backend created".into(),
        )),
        None => Err(WidgetError::InvalidToken(format!(
            "`token` must be a string, got {}",
            type_name(&token)
        ))),
    }
}

fn get(target: &JsValue, name: &str) -> Result<JsValue, WidgetError> {
    Reflect::get(target, &JsValue::from_str(name))
        .map_err(|_| invalid(format!("reading option `{name}` threw an exception")))
}

fn invalid(message: String) -> WidgetError {
    WidgetError::InvalidOptions(message)
}

/// A short description of a value's type for error messages; never the value itself.
fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(v) {
        "an array".into()
    } else {
        match v.js_typeof().as_string().as_deref() {
            Some("object") => "an object".into(),
            Some("undefined") => "undefined".into(),
            Some(t) => format!("a {t}"),
            None => "a value".into(),
        }
    }
}

/// An option name as typed by the host, cut short and stripped of control characters.
fn printable(key: &str) -> String {
    key.chars().filter(|c| !c.is_control()).take(40).collect()
}
