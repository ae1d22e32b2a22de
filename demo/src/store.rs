//! The CRM's own records, in SQLite: each user's OFAuth connection (its id
//! and last known status) and the webhook events already processed, so that
//! each is processed once, even across a restart.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};

use crate::clock::unix_now;

/// A user's stored OFAuth connection.
#[derive(Debug, PartialEq, Eq)]
pub struct StoredConnection {
    /// The provider's connection id (`conn_…`).
    pub id: String,
    /// `active`, `expired` or `disconnected`: the last the CRM heard.
    pub status: String,
}

/// A verified webhook event, as the store records it.
#[derive(Debug)]
pub struct WebhookEvent<'a> {
    /// The event id: each is processed once.
    pub id: &'a str,
    /// Its `type`, e.g. `connection.expired`.
    pub kind: &'a str,
    /// The connection it is about, when it names one.
    pub connection: Option<&'a str>,
    /// The CRM user the connection is for (its `clientReferenceId`).
    pub user: Option<&'a str>,
    /// The connection's status after this event, when the event changes it.
    pub status: Option<&'a str>,
}

/// A processed webhook event, as `GET /api/ofauth/events` lists it.
#[derive(Debug)]
pub struct ProcessedEvent {
    /// The event id.
    pub id: String,
    /// Its `type`.
    pub kind: String,
    /// The connection it was about.
    pub connection: Option<String>,
}

/// The CRM's database.
pub struct Store(Mutex<Connection>);

impl Store {
    /// Opens the database at `path` (`None`: in memory) and creates its
    /// tables when they are missing.
    pub fn open(path: Option<&Path>) -> rusqlite::Result<Self> {
        let db = match path {
            Some(p) => Connection::open(p)?,
            None => Connection::open_in_memory()?,
        };
        db.execute_batch(
            "CREATE TABLE IF NOT EXISTS ofauth_connections (
                 user_id TEXT PRIMARY KEY, connection_id TEXT NOT NULL,
                 status TEXT NOT NULL, updated_at INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS webhook_events (
                 id TEXT PRIMARY KEY, type TEXT NOT NULL, connection_id TEXT,
                 received_at INTEGER NOT NULL);",
        )?;
        Ok(Self(Mutex::new(db)))
    }

    /// The connection, even when a thread panicked holding it: each write
    /// is one statement or one transaction, so what it left is consistent.
    fn db(&self) -> MutexGuard<'_, Connection> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The user's connection, if they have one.
    pub fn connection(&self, user: &str) -> rusqlite::Result<Option<StoredConnection>> {
        self.db()
            .query_row(
                "SELECT connection_id, status FROM ofauth_connections WHERE user_id = ?1",
                [user],
                |r| {
                    Ok(StoredConnection {
                        id: r.get(0)?,
                        status: r.get(1)?,
                    })
                },
            )
            .optional()
    }

    /// Records what the CRM learnt of a connection's status.
    pub fn set_status(&self, connection: &str, status: &str) -> rusqlite::Result<()> {
        self.db().execute(
            "UPDATE ofauth_connections SET status = ?2, updated_at = ?3 WHERE connection_id = ?1",
            params![connection, status, unix_now() as i64],
        )?;
        Ok(())
    }

    /// Records and applies one webhook event; `false` when it was seen before.
    pub fn process(&self, event: &WebhookEvent) -> rusqlite::Result<bool> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let fresh = tx.execute(
            "INSERT OR IGNORE INTO webhook_events (id, type, connection_id, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![event.id, event.kind, event.connection, unix_now() as i64],
        )? == 1;
        if fresh {
            match (event.status, event.connection, event.user) {
                (Some("active"), Some(id), Some(user)) => {
                    tx.execute(
                        "INSERT INTO ofauth_connections (user_id, connection_id, status, updated_at)
                         VALUES (?1, ?2, 'active', ?3)
                         ON CONFLICT (user_id) DO UPDATE SET connection_id = ?2, status = 'active', updated_at = ?3",
                        params![user, id, unix_now() as i64],
                    )?;
                }
                (Some(status), Some(id), _) => {
                    tx.execute(
                        "UPDATE ofauth_connections SET status = ?2, updated_at = ?3 WHERE connection_id = ?1",
                        params![id, status, unix_now() as i64],
                    )?;
                }
                _ => {}
            }
        }
        tx.commit()?;
        Ok(fresh)
    }

    /// The processed webhook events, oldest first.
    pub fn events(&self) -> rusqlite::Result<Vec<ProcessedEvent>> {
        let db = self.db();
        let mut query = db.prepare(
            "SELECT id, type, connection_id FROM webhook_events ORDER BY received_at, rowid",
        )?;
        let rows = query.query_map([], |r| {
            Ok(ProcessedEvent {
                id: r.get(0)?,
                kind: r.get(1)?,
                connection: r.get(2)?,
            })
        })?;
        rows.collect()
    }
}
