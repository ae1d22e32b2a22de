//! # ofconnect
//!
//! An embedded account-connection widget: it opens a provider's hosted
//! "Link" flow (OnlyFansAPI's `/embed-auth/{token}` or an OFAuth Link URL)
//! in a modal or a popup, accepts
//! messages only from the provider's exact origin and from the very frame
//! it opened, and reports the outcome to the host page.
//!
//! The crate is split in two:
//! - a pure core ([`appearance`], [`token`], [`origin`], [`provider`], [`protocol`], [`decode`], [`session`],
//!   [`retry`], [`timestamp`], [`flow`], [`error`], [`option_names`]) with no DOM, tested
//!   natively with `cargo test`;
//! - the browser layer (`web`, wasm32 only): the `OFConnect` JavaScript API
//!   and the same widget for Rust front ends ([`Connect`]; with the `yew`
//!   feature, `component`'s `<ConnectButton>` and `use_connect`), the
//!   modal (Yew, in a shadow root) or the popup, session fetching, and the
//!   reporting to the host page.
//!
//! ```
//! use ofconnect::flow::{Config, Effect, Flow, Input, Surface};
//! use ofconnect::session::Session;
//! use ofconnect::token::ClientSessionToken;
//!
//! let token = ClientSessionToken::parse("ofapi_cs_OriR8Sdocp0f97eFOdbMMZtiz4Aw5FLX")?;
//! let config = Config { surface: Surface::Modal, ..Config::default() };
//! let (mut flow, _) = Flow::new(config, Ok(Some(Session { token, expires_at_ms: None })));
//! let effects = flow.step(Input::Open { now_ms: 0.0 });
//! assert!(matches!(effects[0], Effect::Show(Surface::Modal, Some(_))));
//! # Ok::<(), ofconnect::error::WidgetError>(())
//! ```
#![deny(missing_docs)]

pub mod appearance;
pub mod decode;
pub mod error;
pub mod flow;
pub mod option_names;
pub mod origin;
pub mod protocol;
pub mod provider;
pub mod retry;
pub mod session;
pub mod timestamp;
pub mod token;

#[cfg(target_arch = "wasm32")]
mod web;
#[cfg(all(target_arch = "wasm32", feature = "yew"))]
pub use web::component;
#[cfg(target_arch = "wasm32")]
pub use web::connect::{
    Callbacks, Connect, Exit, GetSession, Grant, Labels, Mode, Sessions, Settings,
};
#[cfg(target_arch = "wasm32")]
pub use web::{Handle, OfConnect};

/// The allocator of the widget's own wasm (feature `bundle`): talc, smaller
/// than Rust's default (dlmalloc). A Rust app that uses the crate keeps its own.
#[cfg(all(target_arch = "wasm32", feature = "bundle"))]
#[global_allocator]
static ALLOCATOR: talc::TalckWasm = unsafe { talc::TalckWasm::new_global() };
