//! A message's data (or a session answer) as the browser hands it over,
//! sized up before any of it is converted (see
//! [`crate::protocol::within_bounds`]), then decoded ([`crate::decode`]):
//! lengths are read from JavaScript, nothing is copied into the wasm until
//! the whole value is known to be within the limits.
//!
//! Only own data properties are read: never an inherited one (a polluted
//! `Object.prototype` adds no field) and never a getter (it is not run; the
//! value is refused). Every call that a `Proxy` could make throw returns a
//! `Result`, so that nothing throws through the wasm.

use js_sys::{Array, JsString, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::bindings;
use crate::protocol::{Inspect, Shape, MAX_VALUES};

/// `event.data` or a session answer, or a value inside one.
#[derive(Clone)]
pub enum Raw {
    /// A value.
    Value(JsValue),
    /// A property that is not plain data (a getter), or that could not be read.
    Unreadable,
}

impl Inspect for Raw {
    fn shape(&self) -> Shape {
        let Raw::Value(v) = self else {
            return Shape::Other;
        };
        if v.is_null() || v.is_undefined() {
            Shape::Null
        } else if let Some(b) = v.as_bool() {
            Shape::Bool(b)
        } else if let Some(n) = v.as_f64() {
            Shape::Number(n)
        } else if let Some(s) = v.dyn_ref::<JsString>() {
            Shape::Text(s.length() as usize)
        } else if !v.is_object() {
            Shape::Other
        } else {
            // Arrays and objects as a structured clone of JSON-like data
            // makes them: of this realm, with their usual prototype.
            let proto = Reflect::get_prototype_of(v).map(JsValue::from);
            // A real array's `length` is its own data property: never a
            // getter that could answer differently when read again.
            let length = || match own(v, &"length".into()) {
                Raw::Value(n) => n.as_f64(),
                Raw::Unreadable => None,
            };
            match proto {
                Ok(p)
                    if p == JsValue::from(Object::get_prototype_of(&Array::new()))
                        && bindings::is_array(v) == Ok(true) =>
                {
                    length().map_or(Shape::Other, |n| Shape::List(n as usize))
                }
                Ok(p)
                    if p.is_null()
                        || p == JsValue::from(Object::get_prototype_of(&Object::new())) =>
                {
                    bindings::object_keys(v).map_or(Shape::Other, |keys| {
                        Shape::Object((keys.length() as usize).saturating_mul(2))
                    })
                }
                _ => Shape::Other,
            }
        }
    }

    fn children(&self) -> Vec<Self> {
        let (Raw::Value(v), shape) = (self, self.shape()) else {
            return vec![];
        };
        match shape {
            // At most one more than the bounds allow, whatever this second
            // look says (see `within_bounds`).
            Shape::List(n) => (0..n.min(MAX_VALUES + 1) as u32)
                .map(|i| own(v, &i.into()))
                .collect(),
            Shape::Object(_) => bindings::object_keys(v)
                .map(|keys| {
                    keys.iter()
                        .take(MAX_VALUES + 1)
                        .flat_map(|key| [Raw::Value(key.clone()), own(v, &key)])
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
            _ => vec![],
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Raw::Value(v) => v.as_string(),
            Raw::Unreadable => None,
        }
    }
}

/// `target[key]` if it is `target`'s own data property (an array's hole
/// reads as `undefined`).
fn own(target: &JsValue, key: &JsValue) -> Raw {
    let Ok(property) = Reflect::get_own_property_descriptor(target.unchecked_ref::<Object>(), key)
    else {
        return Raw::Unreadable;
    };
    if property.is_undefined() {
        return Raw::Value(JsValue::UNDEFINED);
    }
    // The descriptor is the engine's own plain object: `value` is its own
    // property for data, absent (so possibly inherited) for a getter.
    let value = JsValue::from("value");
    if Object::has_own(property.unchecked_ref::<Object>(), &value) {
        Reflect::get(&property, &value).map_or(Raw::Unreadable, Raw::Value)
    } else {
        Raw::Unreadable
    }
}
