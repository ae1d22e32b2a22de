//! A message's data as the browser hands it over, sized up before any of it
//! is converted (see [`crate::protocol::within_bounds`]): lengths are read
//! from JavaScript, nothing is copied into the wasm until the whole value is
//! known to be within the limits.

use js_sys::{Array, JsString, Object};
use wasm_bindgen::{JsCast, JsValue};

use crate::protocol::{Inspect, Shape};

/// `event.data`, or a value inside it.
#[derive(Clone)]
pub struct Raw(pub JsValue);

impl Inspect for Raw {
    fn shape(&self) -> Shape {
        let v = &self.0;
        if v.is_null() || v.is_undefined() || v.as_bool().is_some() || v.as_f64().is_some() {
            Shape::Scalar
        } else if let Some(s) = v.dyn_ref::<JsString>() {
            Shape::Text(s.length() as usize)
        } else if let Some(a) = v.dyn_ref::<Array>() {
            Shape::Branch(a.length() as usize)
        } else if is_plain_object(v) {
            Shape::Branch(
                (Object::keys(v.unchecked_ref::<Object>()).length() as usize).saturating_mul(2),
            )
        } else {
            Shape::Other
        }
    }

    fn children(&self) -> Vec<Self> {
        if let Some(a) = self.0.dyn_ref::<Array>() {
            return a.iter().map(Raw).collect();
        }
        Object::entries(self.0.unchecked_ref::<Object>())
            .iter()
            .flat_map(|entry| {
                let pair: Array = entry.unchecked_into();
                [Raw(pair.get(0)), Raw(pair.get(1))]
            })
            .collect()
    }
}

/// An object whose prototype is `Object.prototype` or `null`, as every
/// object in a structured clone of JSON-like data is.
fn is_plain_object(v: &JsValue) -> bool {
    if !v.is_object() || v.is_function() {
        return false;
    }
    let proto = Object::get_prototype_of(v);
    proto.is_null()
        || JsValue::from(proto) == JsValue::from(Object::get_prototype_of(&Object::new()))
}
