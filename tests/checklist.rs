//! OFAuth's pre-production checklist and error-handling table, walked end to
//! end: the demo CRM (its backend in `demo/src/ofauth.rs` and `webhooks.rs`), the widget with
//! `provider: "ofauth"`, and the sandbox, in a real browser.
//! Run with `make test` (or `cargo test --test checklist` after `make build`).
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use ofconnect_harness::{run_with, Setup, World};
use serde_json::{json, Value};

const KEY: &str = ofconnect_sandbox::DEFAULT_OFAUTH_KEY;

async fn get(url: &str, key: Option<&str>) -> (u16, Value) {
    let mut request = reqwest::Client::new().get(url);
    if let Some(k) = key {
        request = request.header("apikey", k);
    }
    let response = request.send().await.unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

/// The demo backend's processed webhook events, as `(type, connectionId)`.
async fn events(w: &World) -> Vec<(String, String)> {
    let (_, body) = get(&format!("{}/api/ofauth/events", w.demo), None).await;
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["connectionId"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn wait_event(w: &World, kind: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some((_, id)) = events(w).await.into_iter().find(|(k, _)| k == kind) {
            return id;
        }
        assert!(
            Instant::now() < deadline,
            "no {kind} webhook processed: {:?}",
            events(w).await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn text(w: &World, id: &str) -> String {
    w.page
        .eval(&format!(
            "return document.getElementById('{id}').textContent"
        ))
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ofauth_pre_production_checklist() {
    // Three access calls per connection every 2 s, so that the CRM meets the limit.
    let setup = Setup {
        access_rate: (3, Duration::from_secs(2)),
        ..Setup::default()
    };
    run_with("checklist", setup, |w| async move {
        // 1. The API key works with test requests (and a wrong one does not).
        let (status, me) = get(&format!("{}/v2/account/whoami", w.provider), Some(KEY)).await;
        assert_eq!((status, me["environment"].as_str()), (200, Some("sandbox")));
        assert_eq!(get(&format!("{}/v2/account/whoami", w.provider), Some("wrong")).await.0, 401);

        // 2. The Link flow completes in the sandbox, embedded in the CRM page.
        w.page.goto(&format!("{}/", w.demo)).await;
        w.page.until("the OFAuth button is ready", "return !document.getElementById('ofauth-connect').disabled").await;
        w.modal.connect_with_link("#ofauth-connect").await;

        // 3. The webhook is received, verified and processed, once.
        let connection = wait_event(&w, "connection.created").await;
        assert!(connection.starts_with("conn_"), "{connection}");

        // 4. The connection id is stored and retrievable (CRM and provider agree);
        // 5. access API calls work with it (the page shows the profile).
        w.page.until("the CRM shows the connection", "return document.getElementById('ofauth-id').textContent.startsWith('conn_')").await;
        assert_eq!(text(&w, "ofauth-id").await, connection);
        assert_eq!(text(&w, "ofauth-username").await, "@sandbox_creator");
        let (_, listed) = get(&format!("{}/v2/connections", w.provider), Some(KEY)).await;
        assert_eq!(listed["data"][0]["id"], connection.as_str());
        assert_eq!(listed["data"][0]["clientReferenceId"], "demo_model_1");
        w.page.screenshot("checklist-connected").await;

        // A forged or replayed webhook changes nothing.
        let forged = reqwest::Client::new()
            .post(format!("{}/webhooks/ofauth", w.demo))
            .header("OFAuth-Signature", "t=1,v1=00")
            .body(r#"{"id":"evt_forged","type":"connection.expired","data":{"connection":{"id":"x"}}}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status().as_u16(), 400);
        // (A `.created` event: the `.updated` checked in step 7 must be the sandbox's.)
        let event = json!({"id": "evt_replayed", "type": "connection.created",
            "data": {"connection": {"id": connection, "clientReferenceId": "demo_model_1"}}}).to_string();
        for duplicate in [false, true] {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
            let signature = ofconnect_sandbox::sign_webhook(ofconnect_sandbox::DEFAULT_WEBHOOK_SECRET, t, &event);
            let r = reqwest::Client::new()
                .post(format!("{}/webhooks/ofauth", w.demo))
                .header("OFAuth-Signature", format!("t={t},v1={signature}"))
                .body(event.clone())
                .send()
                .await
                .unwrap();
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["duplicate"], duplicate);
        }

        // 6. A rate limit is backed off from: more status calls than the
        // limit allows all succeed, because the CRM waits for Retry-After.
        for _ in 0..5 {
            let (status, body) = get(&format!("{}/api/ofauth/status", w.demo), None).await;
            assert_eq!((status, body["profile"]["username"].as_str()), (200, Some("sandbox_creator")), "{body}");
        }

        // 7. An expired session leads to re-authentication through Link, with
        // the same connection id.
        let r = reqwest::Client::new()
            .post(format!("{}/v2/sandbox/connections/{connection}/expire", w.provider))
            .header("apikey", KEY)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        wait_event(&w, "connection.expired").await;
        w.page.goto(&format!("{}/", w.demo)).await;
        w.page.until("the CRM offers to reconnect", "return !document.getElementById('ofauth-reconnect').hidden").await;
        assert_eq!(w.page.eval("return document.getElementById('ofauth-status').dataset.state").await, "expired");
        w.page.screenshot("checklist-expired").await;
        w.modal.connect_with_link("#ofauth-reconnect").await;
        w.page.until("the CRM is connected again", "return document.getElementById('ofauth-status').dataset.state === 'connected'").await;
        assert_eq!(text(&w, "ofauth-id").await, connection);
        assert!(events(&w).await.iter().any(|(k, id)| k == "connection.updated" && *id == connection));
        assert_eq!(w.page.eval("return document.getElementById('ofauth-reconnect').hidden").await, true);

        // 8. The Link flow also completes by redirect, back to the CRM.
        let r = reqwest::Client::new()
            .post(format!("{}/api/link-session?mode=redirect", w.demo))
            .send()
            .await
            .unwrap();
        let url = r.json::<Value>().await.unwrap()["url"].as_str().unwrap().to_owned();
        w.page.goto(&url).await;
        w.page.visible("#start").await.click().await.unwrap();
        w.flow.log_in("creator@sandbox.test", "sandbox").await;
        w.page.until("the CRM got the user back", "return location.pathname === '/ofauth/return'").await;
        let back = w.page.eval("return location.search").await;
        let back = back.as_str().unwrap();
        assert!(back.contains("status=success") && back.contains("connection_id=conn_") && back.contains("client_reference_id=demo_model_1"), "{back}");
        assert!(text(&w, "outcome").await.starts_with("Connected: conn_"));
    })
    .await;
}
