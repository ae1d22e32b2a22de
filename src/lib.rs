//! # ofconnect
//!
//! An embedded account-connection widget: it opens a provider's hosted
//! "Link" flow (OnlyFansAPI's `/embed-auth/{token}`) in a modal, accepts
//! messages only from the provider's exact origin and from the very frame
//! it opened, and reports the outcome to the host page.
//!
//! The crate is split in two:
//! - a pure core ([`token`], [`origin`], [`protocol`], [`flow`], [`error`])
//!   with no DOM, tested natively with `cargo test`;
//! - the browser layer (`web`, wasm32 only): the `OFConnect` JavaScript API,
//!   the modal (Yew, in a shadow root) and the reporting to the host page.
//!
//! ```
//! use ofconnect::flow::{Effect, Flow, Input};
//! use ofconnect::token::ClientSessionToken;
//!
//! let token = ClientSessionToken::parse("ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX");
//! let (mut flow, _) = Flow::new(token);
//! let effects = flow.step(Input::Open);
//! assert!(matches!(effects[0], Effect::ShowModal(_)));
//! ```
#![deny(missing_docs)]

pub mod error;
pub mod flow;
pub mod origin;
pub mod protocol;
pub mod retry;
pub mod session;
pub mod timestamp;
pub mod token;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(target_arch = "wasm32")]
pub use web::{Handle, OfConnect};
