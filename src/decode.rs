//! Decoding a screened message value with serde, through [`Inspect`]: the
//! browser layer's JavaScript values and the tests' JSON go through this
//! same code. It reads only what [`Inspect::children`] lists (an object's
//! own data properties), and its error says nothing more than "not valid",
//! so that no error formatting ends up in the wasm.

use std::fmt;

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, IntoDeserializer, Visitor};

use crate::protocol::{Inspect, Shape};

/// Decodes `value` as a `T`: `None` when it is not one.
pub fn decode<'de, T: Deserialize<'de>>(value: impl Inspect) -> Option<T> {
    T::deserialize(Reader(value)).ok()
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// A value as a serde deserializer, self-describing like JSON.
struct Reader<I>(I);

/// Why a value did not decode.
#[derive(Debug)]
struct Invalid;

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("not a valid value")
    }
}

impl std::error::Error for Invalid {}

impl de::Error for Invalid {
    /// Drops serde's message: nothing reads it, and formatting it would
    /// bring `core::fmt` code into the wasm.
    fn custom<T: fmt::Display>(_: T) -> Self {
        Invalid
    }
}

impl<'de, I: Inspect> de::Deserializer<'de> for Reader<I> {
    type Error = Invalid;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match self.0.shape() {
            Shape::Null => visitor.visit_unit(),
            Shape::Bool(b) => visitor.visit_bool(b),
            // Safe integers as integers (an id `42` reads as a `u64`), other
            // numbers as floats, as JavaScript sees them.
            Shape::Number(n) if n.fract() == 0.0 && n.abs() <= MAX_SAFE_INTEGER => {
                visitor.visit_i64(n as i64)
            }
            Shape::Number(n) => visitor.visit_f64(n),
            Shape::Text(_) => visitor.visit_string(self.0.text().ok_or(Invalid)?),
            Shape::List(_) => visitor.visit_seq(SeqDeserializer::new(
                self.0.children().into_iter().map(Reader),
            )),
            Shape::Object(_) => visitor.visit_map(MapDeserializer::new(
                entries(self.0).ok_or(Invalid)?.into_iter(),
            )),
            Shape::Other => Err(Invalid),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Invalid> {
        match self.0.shape() {
            Shape::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// Only from an object (serde would also take an array's items in the
    /// fields' order, which no message uses), field by field in the
    /// struct's order, as serde-wasm-bindgen read them: an adjacently tagged
    /// enum's `type` comes before its `payload` whatever the object's order.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        let (Shape::Object(_), Some(mut entries)) = (self.0.shape(), entries(self.0)) else {
            return Err(Invalid);
        };
        let fields = fields.iter().filter_map(|field| {
            let i = entries.iter().position(|(key, _)| key == field)?;
            Some((*field, entries.swap_remove(i).1))
        });
        visitor.visit_map(MapDeserializer::new(fields))
    }

    /// A unit variant, named by a string (`"user_exit"`, an adjacently tagged
    /// enum's `type`): the only enums a message holds.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Invalid> {
        let name: String = self.0.text().ok_or(Invalid)?;
        visitor.visit_enum(name.into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple tuple_struct
        map identifier ignored_any
    }
}

/// An object's keys and values.
fn entries<I: Inspect>(object: I) -> Option<Vec<(String, Reader<I>)>> {
    let mut children = object.children().into_iter();
    let mut entries = vec![];
    while let (Some(key), Some(value)) = (children.next(), children.next()) {
        entries.push((key.text()?, Reader(value)));
    }
    Some(entries)
}

impl<'de, I: Inspect> IntoDeserializer<'de, Invalid> for Reader<I> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::json_inspect::Json;
    use serde_json::{json, Value};

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Example {
        id: u64,
        name: String,
        ratio: Option<f64>,
        #[serde(default)]
        flag: bool,
        list: Vec<i64>,
    }

    fn example(v: Value) -> Option<Example> {
        decode(Json::Value(&v))
    }

    #[test]
    fn reads_json_like_values() {
        assert_eq!(
            example(json!({"id": 42, "name": "n", "ratio": 0.5, "list": [-1, 2], "extra": {}})),
            Some(Example {
                id: 42,
                name: "n".into(),
                ratio: Some(0.5),
                flag: false,
                list: vec![-1, 2]
            })
        );
        let none = example(json!({"id": 1, "name": "", "ratio": null, "flag": true, "list": []}));
        assert_eq!(none.map(|e| (e.ratio, e.flag)), Some((None, true)));
        for bad in [
            json!({"id": -1, "name": "n", "list": []}),
            json!({"id": 1.5, "name": "n", "list": []}),
            json!({"id": 9_007_199_254_740_992u64, "name": "n", "list": []}),
            json!({"id": 1, "name": 5, "list": []}),
            json!({"id": 1, "list": []}),
            json!({"id": 1, "name": "n", "list": [0.5]}),
            json!("n"),
            json!(null),
            json!([1, "n", null, false, []]),
        ] {
            assert_eq!(example(bad.clone()), None, "{bad}");
        }
    }
}
