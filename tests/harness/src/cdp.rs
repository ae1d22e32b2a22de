//! Chromium's own counters, through chromedriver's Chrome DevTools Protocol
//! endpoint (`POST /session/{id}/goog/cdp/execute`): live DOM documents,
//! nodes and JS event listeners, the JS heap and the WebAssembly memory,
//! each after a full garbage collection; and its media emulation (a dark or
//! reduced-motion preference). Chromium only: other engines expose no such
//! counters, and no way to set those preferences over WebDriver.

use fantoccini::Client;
use serde_json::{json, Value};

/// One CDP command, e.g. `Memory.getDOMCounters`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl fantoccini::wd::WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({"cmd": self.cmd, "params": self.params});
        (http::Method::POST, Some(body.to_string()))
    }
}

async fn cdp(browser: &Client, cmd: &'static str, params: Value) -> Value {
    browser
        .issue_cmd(Cdp { cmd, params })
        .await
        .unwrap_or_else(|e| panic!("{cmd}: {e}"))
}

/// What Chromium's renderer holds, after garbage collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counters {
    pub documents: u64,
    pub nodes: u64,
    pub js_event_listeners: u64,
    /// Bytes of the JS heap in use.
    pub js_heap: u64,
    /// Bytes of WebAssembly linear memory, all instances together.
    pub wasm_memory: u64,
}

/// Collects garbage (three times: a collection can free what makes the
/// next one free more, such as DOM wrappers), then reads the counters.
pub async fn counters(browser: &Client) -> Counters {
    for _ in 0..3 {
        cdp(browser, "HeapProfiler.collectGarbage", json!({})).await;
    }
    let dom = cdp(browser, "Memory.getDOMCounters", json!({})).await;
    let heap = cdp(browser, "Runtime.getHeapUsage", json!({})).await;
    // Every `WebAssembly.Memory` object of the page, found from its prototype.
    let group = json!("ofconnect-counters");
    let expression = json!({"expression": "WebAssembly.Memory.prototype", "objectGroup": group});
    let prototype = cdp(browser, "Runtime.evaluate", expression).await;
    let query = json!({"prototypeObjectId": prototype["result"]["objectId"], "objectGroup": group});
    let memories = cdp(browser, "Runtime.queryObjects", query).await;
    let sum = json!({
        "objectId": memories["objects"]["objectId"],
        "functionDeclaration": "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
        "returnByValue": true,
    });
    let wasm = cdp(browser, "Runtime.callFunctionOn", sum).await;
    cdp(
        browser,
        "Runtime.releaseObjectGroup",
        json!({"objectGroup": group}),
    )
    .await;
    let field = |v: &Value, name: &str| {
        v[name]
            .as_u64()
            .or_else(|| v[name].as_f64().map(|f| f as u64))
            .unwrap_or_else(|| panic!("no {name} in {v}"))
    };
    Counters {
        documents: field(&dom, "documents"),
        nodes: field(&dom, "nodes"),
        js_event_listeners: field(&dom, "jsEventListeners"),
        js_heap: field(&heap, "usedSize"),
        wasm_memory: field(&wasm["result"], "value"),
    }
}

/// The detached DOM nodes that the page still holds, each as a CDP `Node`
/// (`localName`, `attributes`, `childNodeCount`...).
pub async fn detached_nodes(browser: &Client) -> Vec<Value> {
    cdp(browser, "DOM.enable", json!({})).await;
    let detached = cdp(browser, "DOM.getDetachedDomNodes", json!({})).await;
    // The DOM agent keeps the nodes it has described until it is disabled.
    cdp(browser, "DOM.disable", json!({})).await;
    let nodes = detached["detachedNodes"].as_array().cloned();
    let nodes = nodes.unwrap_or_else(|| panic!("DOM.getDetachedDomNodes: {detached}"));
    nodes.iter().map(|n| n["treeNode"].clone()).collect()
}

/// Makes the page's media queries answer as a user's settings would:
/// `features` such as `[("prefers-color-scheme", "dark")]`; none resets them.
pub async fn emulate_media(browser: &Client, features: &[(&str, &str)]) {
    let features: Vec<Value> = features
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    cdp(
        browser,
        "Emulation.setEmulatedMedia",
        json!({"features": features}),
    )
    .await;
}
