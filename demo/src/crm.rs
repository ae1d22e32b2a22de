//! The demo CRM's OFAuth integration, written as an integrator would (copy it):
//!
//! - `POST /api/link-session` creates a Link session for the signed-in user
//!   (`?reconnect=1`: for their stored connection, `?mode=redirect`: to come
//!   back to `/ofauth/return` rather than embedded) and answers `{url, expiresAt}`;
//! - `POST /webhooks/ofauth` verifies `OFAuth-Signature` over the raw body
//!   (any one of its `v1=` signatures, so the provider can rotate its secret),
//!   refuses timestamps more than 5 minutes from now either way, processes
//!   each event id once, and keeps the user's connection id and status in SQLite;
//! - `GET /api/ofauth/status` calls the access API with the stored id (network
//!   errors, 5xx and 429 retried, four attempts in all) and says when to
//!   reconnect (after `connection.expired`, or when the API answers
//!   `SESSION_EXPIRED`);
//! - `GET /api/ofauth/events` lists the processed webhook events;
//! - `GET /ofauth/return` is where a redirect-mode Link session comes back.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hmac::{Hmac, Mac};
use rusqlite::{params, OptionalExtension};
use serde_json::{json, Value};
use sha2::Sha256;

use crate::{error, provider_unreachable, Demo};

/// The CRM's signed-in user (the demo has one); also the Link sessions' `clientReferenceId`.
const USER: &str = "demo_model_1";
/// How far a webhook's signed timestamp may be from this server's clock,
/// either way. Old ones are refused so that a captured delivery cannot be
/// replayed later (processing each event id once is the second line); ones
/// in the future get the same slack because the provider's clock may run
/// ahead of ours, and refusing them would drop real events.
const TOLERANCE_SECS: u64 = 5 * 60;

/// The routes the CRM's pages call.
pub fn routes() -> Router<Arc<Demo>> {
    Router::new()
        .route("/api/link-session", post(link_session))
        .route("/api/ofauth/status", get(status))
        .route("/api/ofauth/events", get(events))
        .route("/ofauth/return", get(back))
}

/// The route the provider's server calls.
pub fn webhook_routes() -> Router<Arc<Demo>> {
    Router::new().route("/webhooks/ofauth", post(webhook))
}

/// The CRM's own records.
pub struct Store(Mutex<rusqlite::Connection>);

impl Store {
    pub fn open(path: Option<&std::path::Path>) -> rusqlite::Result<Self> {
        let db = match path {
            Some(p) => rusqlite::Connection::open(p)?,
            None => rusqlite::Connection::open_in_memory()?,
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

    fn db(&self) -> std::sync::MutexGuard<'_, rusqlite::Connection> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The user's connection: `(id, status)`.
    fn connection(&self, user: &str) -> rusqlite::Result<Option<(String, String)>> {
        self.db()
            .query_row(
                "SELECT connection_id, status FROM ofauth_connections WHERE user_id = ?1",
                [user],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
    }

    fn set_status(&self, connection: &str, status: &str) -> rusqlite::Result<()> {
        self.db().execute(
            "UPDATE ofauth_connections SET status = ?2, updated_at = ?3 WHERE connection_id = ?1",
            params![connection, status, unix_now() as i64],
        )?;
        Ok(())
    }

    /// Records and applies one webhook event; `false` when it was seen before.
    fn process(&self, event: &Value) -> rusqlite::Result<bool> {
        let mut db = self.db();
        let tx = db.transaction()?;
        let connection = &event["data"]["connection"];
        let id = connection["id"].as_str();
        let fresh = tx.execute(
            "INSERT OR IGNORE INTO webhook_events (id, type, connection_id, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![event["id"].as_str(), event["type"].as_str(), id, unix_now() as i64],
        )? == 1;
        if fresh {
            let status = match event["type"].as_str() {
                Some("connection.created" | "connection.updated") => Some("active"),
                Some("connection.expired") => Some("expired"),
                Some("connection.disconnected") => Some("disconnected"),
                _ => None,
            };
            match (status, id, connection["clientReferenceId"].as_str()) {
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
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs()
}

fn storage(_: rusqlite::Error) -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "storage",
        "The CRM's database failed.",
    )
}

/// Checks `OFAuth-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`, where a `v1` is
/// the hex HMAC-SHA256, keyed with `secret`, of `"{t}.{body}"` (the raw body,
/// byte for byte: verify before parsing). `now` is the Unix time in seconds.
pub fn verify(
    secret: &str,
    signature: Option<&str>,
    body: &[u8],
    now: u64,
) -> Result<(), &'static str> {
    let signature = signature.ok_or("no OFAuth-Signature header")?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in signature.split(',') {
        let (key, value) = part
            .trim()
            .split_once('=')
            .ok_or("a malformed OFAuth-Signature header (an entry without `=`)")?;
        match key {
            // One timestamp only: with two, which one was signed is ambiguous.
            "t" if timestamp.is_some() => return Err("two timestamps in OFAuth-Signature"),
            "t" => timestamp = Some(value.parse::<u64>().map_err(|_| "a malformed timestamp")?),
            // Several while the provider rotates its secret: it signs with the
            // old and the new one, and either may be the one we have.
            "v1" => candidates.push(value),
            // Other schemes (a future `v2=`) are not ours to check.
            _ => {}
        }
    }
    let t = timestamp.ok_or("no timestamp in OFAuth-Signature")?;
    if candidates.is_empty() {
        return Err("no v1 signature in OFAuth-Signature");
    }
    if t > now.saturating_add(TOLERANCE_SECS) {
        return Err("a signature timestamp more than 5 minutes in the future");
    }
    if now > t.saturating_add(TOLERANCE_SECS) {
        return Err("a signature timestamp more than 5 minutes old");
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| "a bad secret")?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    // `verify_slice` compares in constant time, so the time taken says nothing
    // about how much of a guess was right. A candidate that is not hex cannot
    // match and is skipped.
    let valid = candidates
        .iter()
        .filter_map(|candidate| decode_hex(candidate))
        .any(|candidate| mac.clone().verify_slice(&candidate).is_ok());
    if valid {
        Ok(())
    } else {
        Err("no valid signature")
    }
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

async fn webhook(State(demo): State<Arc<Demo>>, headers: HeaderMap, body: Bytes) -> Response {
    let signature = headers
        .get("ofauth-signature")
        .and_then(|v| v.to_str().ok());
    if let Err(why) = verify(&demo.config.webhook_secret, signature, &body, unix_now()) {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_signature",
            &format!("Refused: {why}."),
        );
    }
    let Ok(event) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_event",
            "The event is not JSON.",
        );
    };
    if !event["id"].is_string() || !event["type"].is_string() {
        return error(
            StatusCode::BAD_REQUEST,
            "bad_event",
            "The event has no `id` or `type`.",
        );
    }
    match demo.crm.process(&event) {
        Ok(fresh) => Json(json!({ "received": true, "duplicate": !fresh })).into_response(),
        Err(e) => storage(e),
    }
}

async fn link_session(
    State(demo): State<Arc<Demo>>,
    Query(q): Query<std::collections::HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let mut body = json!({ "clientAppId": demo.config.client_app, "clientReferenceId": USER });
    if q.get("reconnect").is_some_and(|v| v == "1") {
        match demo.crm.connection(USER) {
            Ok(Some((id, _))) => body["connectionId"] = json!(id),
            Ok(None) => {
                return error(
                    StatusCode::CONFLICT,
                    "no_connection",
                    "There is no connection to reconnect.",
                )
            }
            Err(e) => return storage(e),
        }
    }
    if q.get("mode").is_some_and(|v| v == "redirect") {
        let origin = demo.site.return_origin(&headers);
        body["redirectUrl"] = json!(format!("{origin}/ofauth/return"));
    }
    let url = format!(
        "{}/v2/link/init",
        demo.config.provider_url.trim_end_matches('/')
    );
    let request = demo
        .http
        .post(url)
        .header("apikey", &demo.config.ofauth_key)
        .json(&body);
    let Ok(response) = request.send().await else {
        return provider_unreachable();
    };
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    match (status.is_success(), body["url"].as_str()) {
        (true, Some(url)) => {
            Json(json!({ "url": url, "expiresAt": body["expiresAt"] })).into_response()
        }
        _ => error(
            StatusCode::BAD_GATEWAY,
            "provider_error",
            &format!(
                "Provider answered {}: {}",
                status.as_u16(),
                body["message"].as_str().unwrap_or("no message")
            ),
        ),
    }
}

/// Why an access call failed.
enum AccessError {
    /// `SESSION_EXPIRED`: the user must reconnect.
    Expired,
    /// Anything else, after retries.
    Failed(String),
}

/// `GET <provider><path>` on the access API for `connection`. Network errors
/// and 5xx are retried with exponential backoff, 429 after its `Retry-After`
/// (at most 10 s), four attempts in all.
async fn access(demo: &Demo, path: &str, connection: &str) -> Result<Value, AccessError> {
    let url = format!("{}{path}", demo.config.provider_url.trim_end_matches('/'));
    let mut last = String::new();
    for attempt in 0..4u32 {
        let sent = demo
            .http
            .get(&url)
            .header("apikey", &demo.config.ofauth_key)
            .header("x-connection-id", connection)
            .send()
            .await;
        let wait = match sent {
            Err(e) => {
                last = format!("the provider could not be reached: {e}");
                Duration::from_millis(250 << attempt)
            }
            Ok(r) if r.status().is_success() => {
                return r.json().await.map_err(|_| {
                    AccessError::Failed("the provider answered something else than JSON".into())
                })
            }
            Ok(r) => {
                let status = r.status();
                let retry_after = r
                    .headers()
                    .get(header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok());
                let body: Value = r.json().await.unwrap_or(Value::Null);
                match body["code"].as_str() {
                    Some("SESSION_EXPIRED") => return Err(AccessError::Expired),
                    Some("RATE_LIMIT_EXCEEDED") => {
                        Duration::from_secs(retry_after.unwrap_or(1).min(10))
                    }
                    _ if status.is_server_error() => Duration::from_millis(250 << attempt),
                    _ => {
                        return Err(AccessError::Failed(format!(
                            "{}: {}",
                            status.as_u16(),
                            body["message"].as_str().unwrap_or("no message")
                        )))
                    }
                }
            }
        };
        if last.is_empty() {
            last = "the provider kept refusing (rate limited or failing)".into();
        }
        if attempt < 3 {
            (demo.sleep)(wait).await;
        }
    }
    Err(AccessError::Failed(last))
}

async fn status(State(demo): State<Arc<Demo>>) -> Response {
    let (id, stored) = match demo.crm.connection(USER) {
        Ok(Some(c)) => c,
        Ok(None) => {
            return Json(json!({ "connection": null, "needsReconnect": false })).into_response()
        }
        Err(e) => return storage(e),
    };
    if stored != "active" {
        return Json(
            json!({ "connection": { "id": id, "status": stored }, "needsReconnect": true }),
        )
        .into_response();
    }
    match access(&demo, "/v2/access/self", &id).await {
        Ok(profile) => Json(json!({
            "connection": { "id": id, "status": "active" },
            "profile": profile,
            "needsReconnect": false,
        }))
        .into_response(),
        Err(AccessError::Expired) => {
            if let Err(e) = demo.crm.set_status(&id, "expired") {
                return storage(e);
            }
            Json(json!({ "connection": { "id": id, "status": "expired" }, "needsReconnect": true }))
                .into_response()
        }
        Err(AccessError::Failed(why)) => error(StatusCode::BAD_GATEWAY, "access_failed", &why),
    }
}

async fn events(State(demo): State<Arc<Demo>>) -> Response {
    let db = demo.crm.db();
    let rows = db
        .prepare("SELECT id, type, connection_id FROM webhook_events ORDER BY received_at, rowid")
        .and_then(|mut q| {
            q.query_map([], |r| {
                Ok(json!({ "id": r.get::<_, String>(0)?, "type": r.get::<_, String>(1)?, "connectionId": r.get::<_, Option<String>>(2)? }))
            })?
            .collect::<Result<Vec<_>, _>>()
        });
    match rows {
        Ok(rows) => Json(json!({ "data": rows })).into_response(),
        Err(e) => storage(e),
    }
}

/// Where a redirect-mode Link session sends the user back.
async fn back(Query(q): Query<std::collections::HashMap<String, String>>) -> Html<String> {
    let text = match q.get("status").map(String::as_str) {
        Some("success") => format!(
            "Connected: {}",
            q.get("connection_id").map_or("", String::as_str)
        ),
        Some("cancelled") => format!("Cancelled at {}", q.get("step").map_or("", String::as_str)),
        Some("error") => format!("Failed: {}", q.get("error_code").map_or("", String::as_str)),
        _ => "Unknown outcome".to_owned(),
    };
    let text: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || " :_-".contains(*c))
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Back from OFAuth</title>\
         <link rel=\"icon\" href=\"data:,\"></head><body><p id=\"outcome\">{text}</p><p><a href=\"/\">Back to the CRM</a></p></body></html>"
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn signed(secret: &str, t: u64, body: &str) -> String {
        format!("t={t},v1={}", hmac_hex(secret, t, body))
    }

    fn hmac_hex(secret: &str, t: u64, body: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        mac.finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    const BODY: &str = r#"{"id":"evt_1"}"#;
    const NOW: u64 = 1_795_316_645;

    fn check(signature: &str) -> Result<(), &'static str> {
        verify("s", Some(signature), BODY.as_bytes(), NOW)
    }

    #[test]
    fn webhook_signatures_are_verified() {
        assert_eq!(check(&signed("s", NOW, BODY)), Ok(()));
        // The Python-computed vector of the sandbox's signer verifies too.
        let v = "t=1795316645,v1=8801b69004b0e6a5927c227188923bf2f9fc924554ce71c8c5e0bd8713fd91d6";
        assert_eq!(
            verify("whsec_sandbox_secret", Some(v), BODY.as_bytes(), NOW),
            Ok(())
        );
        assert_eq!(
            verify("s", None, BODY.as_bytes(), NOW),
            Err("no OFAuth-Signature header")
        );
        assert_eq!(
            check(&signed("other", NOW, BODY)),
            Err("no valid signature")
        );
        // The body is what is signed, byte for byte.
        assert_eq!(
            verify(
                "s",
                Some(&signed("s", NOW, BODY)),
                br#"{"id": "evt_1"}"#,
                NOW
            ),
            Err("no valid signature")
        );
        // So is the timestamp: a valid signature moved to another time fails.
        let moved = format!("t={},v1={}", NOW - 1, hmac_hex("s", NOW, BODY));
        assert_eq!(check(&moved), Err("no valid signature"));
    }

    #[test]
    fn timestamps_are_allowed_five_minutes_either_way() {
        for (t, want) in [
            (NOW - 300, Ok(())),
            (NOW - 1, Ok(())),
            (NOW + 1, Ok(())),
            (NOW + 300, Ok(())),
            (
                NOW - 301,
                Err("a signature timestamp more than 5 minutes old"),
            ),
            (
                NOW + 301,
                Err("a signature timestamp more than 5 minutes in the future"),
            ),
            (0, Err("a signature timestamp more than 5 minutes old")),
            (
                u64::MAX,
                Err("a signature timestamp more than 5 minutes in the future"),
            ),
        ] {
            assert_eq!(check(&signed("s", t, BODY)), want, "t = {t}");
        }
    }

    #[test]
    fn any_v1_signature_may_be_the_valid_one() {
        let good = hmac_hex("s", NOW, BODY);
        let old = hmac_hex("old secret", NOW, BODY);
        for signature in [
            format!("t={NOW},v1={good},v1={old}"),
            format!("t={NOW},v1={old},v1={good}"),
            format!("v1={old}, t={NOW}, v1={good}"),
            // Entries that cannot match, or are another scheme, are skipped.
            format!("t={NOW},v1=zz,v1=,v1={good}"),
            format!("t={NOW},v0={old},v1={good},v2=future"),
        ] {
            assert_eq!(check(&signature), Ok(()), "{signature}");
        }
        let other = hmac_hex("other", NOW, BODY);
        assert_eq!(
            check(&format!("t={NOW},v1={old},v1={other}")),
            Err("no valid signature")
        );
    }

    #[test]
    fn malformed_headers_are_refused() {
        let good = hmac_hex("s", NOW, BODY);
        for (signature, why) in [
            ("v1=00".to_owned(), "no timestamp in OFAuth-Signature"),
            (format!("t={NOW}"), "no v1 signature in OFAuth-Signature"),
            (
                format!("t={NOW},v2={good}"),
                "no v1 signature in OFAuth-Signature",
            ),
            (format!("t=now,v1={good}"), "a malformed timestamp"),
            (format!("t=-1,v1={good}"), "a malformed timestamp"),
            (
                format!("t={NOW},v1={good},junk"),
                "a malformed OFAuth-Signature header (an entry without `=`)",
            ),
            (
                format!("t={NOW},v1={good},"),
                "a malformed OFAuth-Signature header (an entry without `=`)",
            ),
            (
                String::new(),
                "a malformed OFAuth-Signature header (an entry without `=`)",
            ),
            // Two timestamps, even equal ones, are refused rather than guessed at.
            (
                format!("t={NOW},t={NOW},v1={good}"),
                "two timestamps in OFAuth-Signature",
            ),
            (
                format!("t=1,v1={good},t={NOW}"),
                "two timestamps in OFAuth-Signature",
            ),
        ] {
            assert_eq!(check(&signature), Err(why), "{signature}");
        }
    }
}
