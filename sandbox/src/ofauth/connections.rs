//! OFAuth connections, kept in SQLite (a file survives restarts).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension};

use crate::common::clock::unix_time;
use crate::common::database::Database;
use crate::common::random::random_alphanumeric;
use crate::common::timestamp::Timestamp;
use crate::config::Environment;
use crate::ofauth::models::{Connection, Status, User};

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS connections (
    id TEXT PRIMARY KEY,
    environment TEXT NOT NULL,
    client_app TEXT NOT NULL,
    client_reference_id TEXT,
    user_id TEXT NOT NULL,
    username TEXT NOT NULL,
    name TEXT NOT NULL,
    avatar TEXT,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
)";

const COLUMNS: &str = "id, client_app, client_reference_id, user_id, username, name, avatar, status, created_at, updated_at";

/// A page of connections, and how many there are in all.
pub struct Page {
    /// The connections on the page, newest first.
    pub connections: Vec<Connection>,
    /// How many match, on any page.
    pub total: i64,
}

/// The connections database.
pub struct Connections(Database);

impl Connections {
    /// Opens (or creates) the database at `path`, or one in memory.
    pub fn open(path: Option<&std::path::Path>) -> rusqlite::Result<Self> {
        Database::open(path, SCHEMA).map(Self)
    }

    /// After a Link login: the session's connection renewed (`reconnect`,
    /// if it exists) or a new one. Returns it and whether it is new.
    pub fn connect(
        &self,
        env: Environment,
        reconnect: Option<&str>,
        client_app: &str,
        client_reference_id: Option<&str>,
        user: &User,
    ) -> rusqlite::Result<(Connection, bool)> {
        let now = now_ms();
        let db = self.0.lock();
        let existing = reconnect
            .map(|id| {
                db.query_row(
                    "SELECT id FROM connections WHERE id = ?1 AND environment = ?2",
                    [id, env.as_str()],
                    |r| r.get::<_, String>(0),
                )
            })
            .transpose()
            .optional()?
            .flatten();
        let (id, new) = match existing {
            Some(id) => {
                db.execute(
                    "UPDATE connections SET user_id = ?2, username = ?3, name = ?4, avatar = ?5,
                     status = ?6, updated_at = ?7 WHERE id = ?1",
                    params![
                        id,
                        user.id,
                        user.username,
                        user.name,
                        user.avatar,
                        Status::Active,
                        now
                    ],
                )?;
                (id, false)
            }
            None => {
                let id = format!("conn_{}", random_alphanumeric(16));
                db.execute(
                    &format!("INSERT INTO connections ({COLUMNS}, environment) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10)"),
                    params![id, client_app, client_reference_id, user.id, user.username, user.name, user.avatar, Status::Active, now, env.as_str()],
                )?;
                (id, true)
            }
        };
        let connection = find(&db, &id, env)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
        Ok((connection, new))
    }

    /// Sets a connection's status; the connection, when it exists.
    pub fn set_status(
        &self,
        env: Environment,
        id: &str,
        status: Status,
    ) -> rusqlite::Result<Option<Connection>> {
        let db = self.0.lock();
        db.execute(
            "UPDATE connections SET status = ?2, updated_at = ?3 WHERE id = ?1 AND environment = ?4",
            params![id, status, now_ms(), env.as_str()],
        )?;
        find(&db, id, env)
    }

    /// Connection `id` in environment `env`.
    pub fn find(&self, env: Environment, id: &str) -> rusqlite::Result<Option<Connection>> {
        find(&self.0.lock(), id, env)
    }

    /// The connections of `env` (of one status, or all), newest first,
    /// `limit` of them after the first `offset`.
    pub fn list(
        &self,
        env: Environment,
        status: Option<Status>,
        limit: i64,
        offset: i64,
    ) -> rusqlite::Result<Page> {
        let db = self.0.lock();
        let filter = "WHERE (?1 IS NULL OR status = ?1) AND environment = ?4";
        let values = params![status, limit, offset, env.as_str()];
        let total: i64 = db.query_row(
            &format!("SELECT COUNT(*) FROM connections {filter}"),
            values,
            |r| r.get(0),
        )?;
        let mut query = db.prepare(&format!(
            "SELECT {COLUMNS} FROM connections {filter} ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3"
        ))?;
        let rows = query.query_map(values, |r| row(r, env))?;
        let connections = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(Page { connections, total })
    }
}

/// Connection `id` in environment `env`.
fn find(
    db: &rusqlite::Connection,
    id: &str,
    env: Environment,
) -> rusqlite::Result<Option<Connection>> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM connections WHERE id = ?1 AND environment = ?2"),
        [id, env.as_str()],
        |r| row(r, env),
    )
    .optional()
}

/// A row of [`COLUMNS`], read in environment `env` (the queries' filter).
fn row(r: &rusqlite::Row<'_>, env: Environment) -> rusqlite::Result<Connection> {
    Ok(Connection {
        id: r.get(0)?,
        client_app_id: r.get(1)?,
        client_reference_id: r.get(2)?,
        user_data: User {
            id: r.get(3)?,
            username: r.get(4)?,
            name: r.get(5)?,
            avatar: r.get(6)?,
        },
        status: r.get(7)?,
        created_at: Timestamp::from_unix_millis(r.get(8)?),
        updated_at: Timestamp::from_unix_millis(r.get(9)?),
        environment: env,
    })
}

fn now_ms() -> i64 {
    i64::try_from(unix_time().as_millis()).unwrap_or(i64::MAX)
}

impl ToSql for Status {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

impl FromSql for Status {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Status::parse(value.as_str()?).ok_or(FromSqlError::InvalidType)
    }
}
