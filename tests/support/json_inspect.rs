//! [`Inspect`] for `serde_json` values, so that tests can screen and decode
//! JSON the way the browser layer screens and decodes JavaScript values.
//! Shared by the crate's unit tests and the fuzzer (`#[path]`).

use super::{Inspect, Shape};
use serde_json::Value;

/// A JSON value, or one of an object's keys.
#[derive(Clone, Copy, Debug)]
pub enum Json<'a> {
    Value(&'a Value),
    Key(&'a str),
}

impl Inspect for Json<'_> {
    fn shape(&self) -> Shape {
        match self {
            Json::Key(k) => Shape::Text(k.len()),
            Json::Value(Value::Null) => Shape::Null,
            Json::Value(Value::Bool(b)) => Shape::Bool(*b),
            Json::Value(Value::Number(n)) => n.as_f64().map_or(Shape::Other, Shape::Number),
            Json::Value(Value::String(s)) => Shape::Text(s.len()),
            Json::Value(Value::Array(a)) => Shape::List(a.len()),
            Json::Value(Value::Object(o)) => Shape::Object(2 * o.len()),
        }
    }

    fn children(&self) -> Vec<Self> {
        match self {
            Json::Value(Value::Array(a)) => a.iter().map(Json::Value).collect(),
            Json::Value(Value::Object(o)) => o
                .iter()
                .flat_map(|(k, v)| [Json::Key(k), Json::Value(v)])
                .collect(),
            _ => vec![],
        }
    }

    fn text(&self) -> Option<String> {
        match self {
            Json::Key(k) => Some(k.to_string()),
            Json::Value(Value::String(s)) => Some(s.clone()),
            _ => None,
        }
    }
}
