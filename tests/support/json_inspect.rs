//! [`Inspect`] for `serde_json` values, so that tests can screen JSON the
//! way the browser layer screens JavaScript values. Shared by the crate's
//! unit tests and the fuzzer (`#[path]`).

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
            Json::Value(Value::String(s)) => Shape::Text(s.len()),
            Json::Value(Value::Array(a)) => Shape::Branch(a.len()),
            Json::Value(Value::Object(o)) => Shape::Branch(2 * o.len()),
            Json::Value(_) => Shape::Scalar,
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
}
