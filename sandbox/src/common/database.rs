//! SQLite, opened in one place.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A SQLite database shared by the handlers (one connection, locked per use).
pub struct Database(Mutex<rusqlite::Connection>);

impl Database {
    /// Opens (or creates) the database at `path`, or one in memory, and runs `schema`.
    pub fn open(path: Option<&Path>, schema: &str) -> rusqlite::Result<Self> {
        let db = match path {
            Some(p) => rusqlite::Connection::open(p)?,
            None => rusqlite::Connection::open_in_memory()?,
        };
        db.execute_batch(schema)?;
        Ok(Self(Mutex::new(db)))
    }

    /// The connection, for one use.
    pub fn lock(&self) -> MutexGuard<'_, rusqlite::Connection> {
        crate::common::sync::lock(&self.0)
    }
}
