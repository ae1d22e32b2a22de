//! The base both providers build on, knowing neither of them: the error
//! type and its JSON shapes, the hosted pages' shared parts and login steps,
//! the clock and the time format, limits, storage and small utilities.
//!
//! Nothing here names a provider, a provider's route or its JSON: what
//! differs between providers comes in as a parameter. The provider modules
//! use this one, never each other.

pub mod auth_limit;
pub mod clock;
pub mod database;
pub mod error;
pub mod expiring;
pub mod flow;
pub mod login;
pub mod page;
pub mod random;
pub mod request;
pub mod retry;
pub mod sync;
pub mod timestamp;
pub mod window;
