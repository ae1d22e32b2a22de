//! Page objects: what a test does on each page, in the words of that page.
//! Each is made of [`Page`](crate::page::Page) steps, and none knows the
//! test's [`World`](crate::World).

pub mod attacker;
mod demo;
mod flow;
mod lab;
mod modal;
mod popup;

pub use attacker::AttackerPages;
pub use demo::DemoPage;
pub use flow::FlowPage;
pub use lab::Lab;
pub use modal::Modal;
pub use popup::Popup;
