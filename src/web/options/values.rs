//! Reading one option's value, the way every option is read: only an own
//! data property (never an inherited one, never a getter's result), text
//! measured before it is copied into the wasm, and errors that name the
//! option and describe the value's type, never the value.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::WidgetError;
use crate::web::bindings::is_array;

pub fn string(target: &JsValue, name: &str) -> Result<Option<String>, WidgetError> {
    let v = get(target, name)?;
    if v.is_undefined() {
        return Ok(None);
    }
    bounded(&v, name)?
        .map(Some)
        .ok_or_else(|| invalid(format!("`{name}` must be a string, got {}", type_name(&v))))
}

/// The longest text an option may be, in UTF-16 code units.
const MAX_TEXT: u32 = 16 * 1024;

/// `v` as a Rust string if it is a JS string (else `None`), measured before
/// it is copied into the wasm: a string of hundreds of megabytes would
/// exhaust its memory.
pub fn bounded(v: &JsValue, name: &str) -> Result<Option<String>, WidgetError> {
    match v.dyn_ref::<js_sys::JsString>() {
        Some(s) if s.length() > MAX_TEXT => Err(invalid(format!(
            "`{name}` is longer than {MAX_TEXT} characters"
        ))),
        _ => Ok(v.as_string()),
    }
}

/// `target[name]` if it is `target`'s own data property, else `undefined`.
/// Inherited properties are ignored, so that a polluted `Object.prototype`
/// (`Object.prototype.linkOrigin = …` by some other script's bug) cannot
/// steer the widget; a getter is refused rather than run.
pub fn get(target: &JsValue, name: &str) -> Result<JsValue, WidgetError> {
    own(target, &name.into(), name)
}

/// [`get`] with any property key; `name` is how errors call it.
pub fn own(target: &JsValue, key: &JsValue, name: &str) -> Result<JsValue, WidgetError> {
    let threw = || invalid(format!("reading option `{name}` threw an exception"));
    let property = Reflect::get_own_property_descriptor(target.unchecked_ref::<Object>(), key)
        .map_err(|_| threw())?;
    if property.is_undefined() {
        return Ok(JsValue::UNDEFINED);
    }
    // Own `value` only: a getter's descriptor has none, and must not find
    // one on a polluted `Object.prototype`.
    if !Object::has_own(property.unchecked_ref::<Object>(), &"value".into()) {
        return Err(invalid(format!(
            "`{name}` must be a plain property, not a getter"
        )));
    }
    Reflect::get(&property, &"value".into()).map_err(|_| threw())
}

pub fn invalid(message: String) -> WidgetError {
    WidgetError::InvalidOptions(message)
}

/// A short description of a value's type for error messages; never the value itself.
pub fn type_name(v: &JsValue) -> String {
    if v.is_null() {
        "null".into()
    } else if is_array(v).unwrap_or(false) {
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
pub fn printable(key: &str) -> String {
    key.chars().filter(|c| !c.is_control()).take(40).collect()
}
