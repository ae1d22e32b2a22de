//! OFAuth connections, kept in SQLite (a file survives restarts), and the
//! API around them (header `apikey`):
//!
//! - `GET /v2/connections?limit=&offset=&status=`: the connections, newest first;
//! - `DELETE /v2/connections/{id}`: disconnects (webhook `connection.disconnected`);
//! - `POST /v2/sandbox/connections/{id}/expire`: what the provider does when an
//!   OnlyFans session ends (webhook `connection.expired`), for tests;
//! - the access API, with header `x-connection-id`: `GET /v2/access/self` and
//!   `GET /v2/access/subscribers?limit=&offset=` (synthetic, stable data).
//!   An expired or disconnected connection answers `SESSION_EXPIRED`; more
//!   than `access_rate_limit` requests per `access_rate_window` (a minute), `RATE_LIMIT_EXCEEDED` (429,
//!   `Retry-After`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};

use crate::config::Environment;
use crate::link::{authorize, rfc3339, LinkError};
use crate::store::random_alphanumeric;
use crate::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v2/connections", get(list))
        .route("/v2/connections/{id}", delete(disconnect))
        .route("/v2/sandbox/connections/{id}/expire", post(expire))
        .route("/v2/access/self", get(access_self))
        .route("/v2/access/subscribers", get(subscribers))
}

/// The connected OnlyFans user of a connection.
pub struct User {
    pub id: String,
    pub name: String,
    pub username: String,
    pub avatar: Option<String>,
}

/// The connections database and the access API's rate windows.
pub struct Connections {
    db: Mutex<rusqlite::Connection>,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

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

const COLUMNS: &str = "id, client_app, client_reference_id, user_id, username, name, avatar, status, created_at, updated_at, environment";

impl Connections {
    /// Opens (or creates) the database at `path`, or one in memory.
    pub fn open(path: Option<&std::path::Path>) -> rusqlite::Result<Self> {
        let db = match path {
            Some(p) => rusqlite::Connection::open(p)?,
            None => rusqlite::Connection::open_in_memory()?,
        };
        db.execute(SCHEMA, [])?;
        Ok(Self {
            db: Mutex::new(db),
            windows: Mutex::default(),
        })
    }

    fn db(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After a Link login: the session's connection renewed (`connectionId`,
    /// if it exists) or a new one. Returns it as JSON and whether it is new.
    pub fn connect(
        &self,
        env: Environment,
        reconnect: Option<&str>,
        client_app: &str,
        client_reference_id: Option<&str>,
        user: &User,
    ) -> rusqlite::Result<(Value, bool)> {
        let now = now_ms();
        let db = self.db();
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
                     status = 'active', updated_at = ?6 WHERE id = ?1",
                    params![id, user.id, user.username, user.name, user.avatar, now],
                )?;
                (id, false)
            }
            None => {
                let id = format!("conn_{}", random_alphanumeric(16));
                db.execute(
                    &format!("INSERT INTO connections ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', ?8, ?8, ?9)"),
                    params![id, client_app, client_reference_id, user.id, user.username, user.name, user.avatar, now, env.as_str()],
                )?;
                (id, true)
            }
        };
        Ok((find(&db, &id, env)?.unwrap_or(Value::Null), new))
    }

    /// Sets a connection's status; its JSON when it exists.
    pub fn set_status(
        &self,
        env: Environment,
        id: &str,
        status: &str,
    ) -> rusqlite::Result<Option<Value>> {
        let db = self.db();
        db.execute(
            "UPDATE connections SET status = ?2, updated_at = ?3 WHERE id = ?1 AND environment = ?4",
            params![id, status, now_ms(), env.as_str()],
        )?;
        find(&db, id, env)
    }

    /// Counts one access request; `Err(seconds)` past the limit.
    fn count(&self, id: &str, limit: u32, window: Duration) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        let w = windows.entry(id.to_owned()).or_insert((now, 0));
        if now.duration_since(w.0) >= window {
            *w = (now, 0);
        }
        if w.1 >= limit {
            let left = window.saturating_sub(now.duration_since(w.0));
            return Err(left.as_secs_f64().ceil().max(1.0) as u64);
        }
        w.1 += 1;
        Ok(())
    }
}

/// Connection `id` in environment `env`.
fn find(db: &rusqlite::Connection, id: &str, env: Environment) -> rusqlite::Result<Option<Value>> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM connections WHERE id = ?1 AND environment = ?2"),
        [id, env.as_str()],
        row_json,
    )
    .optional()
}

fn row_json(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    Ok(json!({
        "id": r.get::<_, String>(0)?,
        "clientAppId": r.get::<_, String>(1)?,
        "clientReferenceId": r.get::<_, Option<String>>(2)?,
        "userData": {
            "id": r.get::<_, String>(3)?,
            "username": r.get::<_, String>(4)?,
            "name": r.get::<_, String>(5)?,
            "avatar": r.get::<_, Option<String>>(6)?,
        },
        "status": r.get::<_, String>(7)?,
        "createdAt": rfc3339(r.get::<_, i64>(8)? as u64 / 1000),
        "updatedAt": rfc3339(r.get::<_, i64>(9)? as u64 / 1000),
        "environment": r.get::<_, String>(10)?,
    }))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_millis() as i64
}

fn storage_error(_: rusqlite::Error) -> LinkError {
    LinkError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "The sandbox's database failed.",
    )
}

/// `limit` (1 to 100, default 20) and `offset` (default 0) from the query.
fn page(q: &HashMap<String, String>) -> Result<(i64, i64), LinkError> {
    let number = |name: &'static str, default: i64, range: std::ops::RangeInclusive<i64>| match q
        .get(name)
    {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| range.contains(n))
            .ok_or_else(|| {
                LinkError::field(
                    name,
                    format!(
                        "`{name}` must be a whole number from {} to {}.",
                        range.start(),
                        range.end()
                    ),
                )
            }),
    };
    Ok((
        number("limit", 20, 1..=100)?,
        number("offset", 0, 0..=i64::from(u32::MAX))?,
    ))
}

async fn list(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Json<Value>, LinkError> {
    let env = authorize(&state, &headers)?;
    let (limit, offset) = page(&q)?;
    let status = match q.get("status").map(String::as_str) {
        None => None,
        Some(s @ ("active" | "expired" | "disconnected")) => Some(s.to_owned()),
        Some(_) => {
            return Err(LinkError::field(
                "status",
                "`status` must be active, expired or disconnected.",
            ))
        }
    };
    let db = state.connections.db();
    let filter = "WHERE (?1 IS NULL OR status = ?1) AND environment = ?4";
    let total: i64 = db
        .query_row(
            &format!("SELECT COUNT(*) FROM connections {filter}"),
            params![status, limit, offset, env.as_str()],
            |r| r.get(0),
        )
        .map_err(storage_error)?;
    let mut query = db
        .prepare(&format!(
            "SELECT {COLUMNS} FROM connections {filter} ORDER BY created_at DESC, id LIMIT ?2 OFFSET ?3"
        ))
        .map_err(storage_error)?;
    let data = query
        .query_map(params![status, limit, offset, env.as_str()], row_json)
        .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
        .map_err(storage_error)?;
    Ok(Json(json!({
        "data": data,
        "pagination": { "limit": limit, "offset": offset, "total": total, "hasMore": offset + limit < total },
    })))
}

async fn disconnect(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, LinkError> {
    change(
        &state,
        &headers,
        &id,
        "disconnected",
        "connection.disconnected",
    )
}

async fn expire(
    State(state): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, LinkError> {
    change(&state, &headers, &id, "expired", "connection.expired")
}

fn change(
    state: &Shared,
    headers: &HeaderMap,
    id: &str,
    status: &str,
    event: &str,
) -> Result<Response, LinkError> {
    let env = authorize(state, headers)?;
    let connection = state
        .connections
        .set_status(env, id, status)
        .map_err(storage_error)?
        .ok_or_else(not_found)?;
    state.webhooks.send(event, &connection);
    Ok(Json(json!({ "data": connection })).into_response())
}

fn not_found() -> LinkError {
    LinkError::new(
        StatusCode::NOT_FOUND,
        "CONNECTION_NOT_FOUND",
        "No connection has that id.",
    )
}

/// The connection named by `x-connection-id`, if it may be used now.
fn accessible(state: &Shared, headers: &HeaderMap) -> Result<Value, LinkError> {
    let env = authorize(state, headers)?;
    let id = headers
        .get("x-connection-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            LinkError::new(
                StatusCode::BAD_REQUEST,
                "VALIDATION_ERROR",
                "Send the connection id in the `x-connection-id` header.",
            )
        })?;
    let connection = find(&state.connections.db(), id, env)
        .map_err(storage_error)?
        .ok_or_else(not_found)?;
    if connection["status"] != "active" {
        return Err(LinkError::new(
            StatusCode::UNAUTHORIZED,
            "SESSION_EXPIRED",
            "The connection's OnlyFans session has expired or was disconnected; re-authenticate through Link with its connectionId.",
        ));
    }
    state
        .connections
        .count(
            id,
            state.config.access_rate_limit,
            state.config.access_rate_window,
        )
        .map_err(|secs| {
            LinkError::rate_limited(
                secs,
                "Too many requests for this connection; retry after the Retry-After seconds.",
            )
        })?;
    Ok(connection)
}

async fn access_self(State(state): State<Shared>, headers: HeaderMap) -> Response {
    match accessible(&state, &headers) {
        Ok(c) => {
            let user = &c["userData"];
            Json(json!({
                "id": user["id"],
                "username": user["username"],
                "name": user["name"],
                "avatar": user["avatar"],
                "subscribersCount": subscriber_count(c["id"].as_str().unwrap_or_default()),
                "isVerified": true,
            }))
            .into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn subscribers(
    State(state): State<Shared>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (limit, offset) = match page(&q) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let connection = match accessible(&state, &headers) {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let id = connection["id"].as_str().unwrap_or_default();
    let seed = fnv(id);
    let total = subscriber_count(id);
    let end = (offset + limit).min(total);
    let data: Vec<Value> = (offset..end)
        .map(|i| {
            let n = fnv(&format!("{seed}:{i}"));
            json!({
                "id": format!("u{}", 100_000 + n % 900_000),
                "username": format!("fan_{:06}", n % 1_000_000),
                "subscribedAt": rfc3339(1_767_225_600 + (n % 25_000_000)),
                "renewsAutomatically": !n.is_multiple_of(3),
            })
        })
        .collect();
    Json(json!({
        "data": data,
        "pagination": { "limit": limit, "offset": offset, "total": total, "hasMore": end < total },
    }))
    .into_response()
}

/// A stable subscriber count per connection (20 to 219).
fn subscriber_count(id: &str) -> i64 {
    20 + (fnv(id) % 200) as i64
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}
