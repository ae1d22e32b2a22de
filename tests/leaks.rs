//! End-to-end: the widget leaves nothing behind, counted, never timed.
//! Opening and closing the modal again and again, and creating and
//! destroying widget after widget (an app changing routes), leave the event
//! listeners, documents and elements exactly as before `create()`, the DOM
//! nodes and the wasm memory flat, and the JS heap within a few kilobytes.
//!
//! Every engine: the event listeners the page holds (`addEventListener`
//! minus `removeEventListener`, instrumented) and the elements in the
//! document (shadow roots included). Chromium also: its own counters
//! (`Memory.getDOMCounters`, the JS heap, the wasm memory), after a full GC.
//!
//! The baseline is taken on the demo page before the test's first
//! `create()`. The page's own widget has loaded the module by then, as a
//! host's first widget does: its one-time cost (the wasm instance and its
//! memory, the JS glue, the task queue of wasm-bindgen-futures) holds no
//! DOM node and no listener. The first modal rendered on a page adds one
//! more thing that stays: Yew's template element per tag name, which it
//! keeps for cloning (`CACHED_ELEMENTS` in yew's `dom_bundle/btag`),
//! detached, one per tag and per page, never per widget or per open.
//! (Detached nodes the page held before, such as the loader's removed
//! module script, are part of the baseline.)
//! Run with `make test` (or `cargo test --test leaks` after `make build`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use ofconnect_harness::{cdp, run, Engine, World};
use serde_json::{json, Value};

/// Open/close cycles on one widget (the benchmark runs 1,000).
const CYCLES: usize = 100;
/// Widgets created, opened, closed and destroyed one after another.
const WIDGETS: usize = 30;
/// Cycles or widgets per driver call: well within the driver's script
/// timeout, and few calls (Chromium's driver keeps each call's result).
const BATCH: usize = 5;
/// JS heap growth allowed over the measured cycles, in bytes, for what the
/// engine's own caches may still add. A leaked modal costs about 1 KB.
const HEAP_SLACK: u64 = 50 * 1024;

/// Cycles (or widgets) before memory is compared. Linear memory never
/// shrinks, so it is compared after the allocator has reached its working
/// size; and V8 keeps compiling and optimising code that runs often (which
/// counts in its heap) for about a hundred cycles.
fn warm_up() -> usize {
    match Engine::current() {
        Engine::Chromium => 100,
        _ => 5,
    }
}

/// Installed on the page before the test's widgets exist (arguments: the
/// provider's origin). It counts every listener added and not removed
/// since (the wasm-bindgen glue looks `addEventListener` up on each call,
/// so listeners that wasm adds are seen too), counts elements, and runs
/// open/close cycles.
const PROBE: &str = r#"
    if (window.__leaks) return;
    const added = [];
    const proto = EventTarget.prototype;
    const [add, remove] = [proto.addEventListener, proto.removeEventListener];
    const capture = (o) => (typeof o === "boolean" ? o : Boolean(o && o.capture));
    const find = (t, type, f, c) => added.findIndex((a) => a[0] === t && a[1] === type && a[2] === f && a[3] === c);
    proto.addEventListener = function (type, f, o) {
      const t = this ?? globalThis;
      if (f && find(t, type, f, capture(o)) < 0) added.push([t, type, f, capture(o)]);
      return add.call(t, type, f, o);
    };
    proto.removeEventListener = function (type, f, o) {
      const t = this ?? globalThis;
      const i = find(t, type, f, capture(o));
      if (i >= 0) added.splice(i, 1);
      return remove.call(t, type, f, o);
    };
    const elements = (root) => {
      let n = 0;
      for (const e of root.querySelectorAll("*")) n += 1 + (e.shadowRoot ? elements(e.shadowRoot) : 0);
      return n;
    };
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const provider = arguments[0];
    // A widget with sessions from the demo backend, counting its callbacks.
    const widget = () => {
      const w = { counts: {}, errors: [] };
      const count = (k) => { w.counts[k] = (w.counts[k] ?? 0) + 1; };
      w.handle = OFConnect.create({
        sessionUrl: "/api/session", linkOrigin: provider,
        onReady: () => count("ready"), onError: (e) => w.errors.push(e), onEvent: count,
      });
      return w;
    };
    // Until no session fetch is in flight.
    const idle = async (w) => {
      while ((w.counts.session_requested ?? 0) !== (w.counts.session_received ?? 0) && !w.errors.length) await tick();
    };
    // What the open modal shows: "flow" once its flow frame has loaded.
    const shown = () => {
      const frame = document.querySelector("ofconnect-modal")?.shadowRoot
        ?.querySelector(`dialog[open] > .body[aria-busy=false] > iframe[src^="${provider}/"]`);
      return frame ? "flow" : document.querySelector("ofconnect-modal")?.shadowRoot?.innerHTML ?? "no modal";
    };
    // Opens `w` with a session at hand, waits for `onReady` and for the
    // modal to show the loaded flow frame (a bounded wait: what it shows
    // otherwise is reported), then closes the modal (or destroys the widget).
    const cycle = async (w, destroy, seen) => {
      await idle(w);
      const ready = w.counts.ready ?? 0;
      w.handle.open();
      const done = () => (w.counts.ready ?? 0) > ready && shown() === "flow";
      for (let i = 0; i < 3000 && !done() && !w.errors.length; i++) await tick();
      const what = done() ? "flow" : `${shown()} ${JSON.stringify(w.counts)}`;
      seen[what] = (seen[what] ?? 0) + 1;
      if (destroy) w.handle.destroy();
      else w.handle.close();
      while (document.querySelector("ofconnect-modal")) await tick();
    };
    let kept = null;
    window.__leaks = {
      listeners: () => {
        const byType = {};
        for (const [, type] of added) byType[type] = (byType[type] ?? 0) + 1;
        return byType;
      },
      elements: () => elements(document),
      // `n` open/close cycles of one widget, created on first use.
      cycles: async (n) => {
        kept ??= widget();
        const seen = {};
        for (let i = 0; i < n; i++) await cycle(kept, false, seen);
        await idle(kept);
        return { seen, errors: kept.errors };
      },
      destroy: () => {
        kept.handle.destroy();
        kept = null;
      },
      // `n` widgets in turn, as an app changing routes makes them: each is
      // created, opened, closed and destroyed; every other one is destroyed
      // while open.
      routes: async (n) => {
        const [seen, errors] = [{}, []];
        for (let i = 0; i < n; i++) {
          const w = widget();
          const openAtDestroy = i % 2 === 1;
          await cycle(w, openAtDestroy, seen);
          if (!openAtDestroy) {
            await idle(w);
            w.handle.destroy();
          }
          errors.push(...w.errors);
        }
        return { seen, errors };
      },
    };
"#;

#[derive(Debug)]
struct Snapshot {
    /// Listeners added since the probe and not removed, by event type.
    listeners: BTreeMap<String, u64>,
    /// Elements in the document, shadow roots included.
    elements: u64,
    /// Chromium's counters; `None` in other engines.
    chromium: Option<cdp::Counters>,
    /// Chromium: the detached DOM nodes the page holds.
    detached: Vec<Value>,
}

/// Whether every detached node is one of Yew's templates (see the top of
/// this file): a bare element, the only one of its tag name.
fn only_templates(detached: &[Value]) -> bool {
    let mut tags = BTreeSet::new();
    detached.iter().all(|node| {
        node["childNodeCount"] == 0
            && node["attributes"] == json!([])
            && tags.insert(node["localName"].as_str().unwrap_or_default())
    })
}

impl Snapshot {
    /// The baseline: the page before the test's first widget.
    async fn baseline(w: &World) -> Snapshot {
        Snapshot::take(w).await
    }

    /// Once the page is back to `before`: Yew destroys a closed modal's app
    /// in its scheduler's next run (a later task when it has yielded to the
    /// browser, as it does under load), which removes the modal's listeners;
    /// and Chromium tears a removed frame down asynchronously, keeping its
    /// element and the modal around it (as detached nodes, or in its node
    /// count) until then. Retried up to 50 times, 100 ms apart; a leak never
    /// settles, and fails the assertions.
    async fn since(w: &World, before: &Snapshot) -> Snapshot {
        let mut now = Snapshot::take(w).await;
        for _ in 0..50 {
            let added = added(&now.detached, &before.detached);
            let only_templates_added = match (now.chromium, before.chromium) {
                (Some(n), Some(b)) => n.nodes.checked_sub(b.nodes) == Some(added.len() as u64),
                _ => true,
            };
            let settled = now.listeners == before.listeners
                && now.elements == before.elements
                && only_templates(&added)
                && only_templates_added;
            if settled {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            now = Snapshot::take(w).await;
        }
        now
    }

    async fn take(w: &World) -> Snapshot {
        let (mut chromium, mut detached) = (None, vec![]);
        if Engine::current() == Engine::Chromium {
            chromium = Some(cdp::counters(&w.browser).await);
            detached = cdp::detached_nodes(&w.browser).await;
        }
        let page = w
            .page
            .eval("return {listeners: __leaks.listeners(), elements: __leaks.elements()}")
            .await;
        let listeners = page["listeners"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        Snapshot {
            listeners,
            elements: page["elements"].as_u64().unwrap(),
            chromium,
            detached,
        }
    }

    /// Asserts that the listeners, documents and elements are exactly as in `before`.
    fn assert_same_dom(&self, before: &Snapshot, what: &str) {
        assert_eq!(self.listeners, before.listeners, "{what}: live listeners");
        assert_eq!(self.elements, before.elements, "{what}: elements");
        if let (Some(now), Some(then)) = (self.chromium, before.chromium) {
            assert_eq!(
                now.documents, then.documents,
                "{what}: Chromium's documents"
            );
            assert_eq!(
                now.js_event_listeners, then.js_event_listeners,
                "{what}: Chromium's JS event listeners"
            );
        }
    }

    /// Asserts that the DOM nodes and the wasm memory are exactly as in
    /// `before` and that the JS heap grew by less than [`HEAP_SLACK`].
    fn assert_flat(&self, before: &Snapshot, what: &str) {
        if let (Some(now), Some(then)) = (self.chromium, before.chromium) {
            assert_eq!(now.nodes, then.nodes, "{what}: Chromium's DOM nodes");
            assert_eq!(
                now.wasm_memory, then.wasm_memory,
                "{what}: wasm memory bytes"
            );
            let growth = now.js_heap.saturating_sub(then.js_heap);
            assert!(
                growth < HEAP_SLACK,
                "{what}: the JS heap grew by {growth} bytes ({} → {})",
                then.js_heap,
                now.js_heap
            );
        }
    }

    /// Asserts that the only DOM nodes added since `before` are Yew's templates.
    fn assert_only_templates_since(&self, before: &Snapshot) {
        if let (Some(now), Some(then)) = (self.chromium, before.chromium) {
            let added = added(&self.detached, &before.detached);
            assert!(only_templates(&added), "detached nodes: {added:#?}");
            assert_eq!(
                now.nodes - then.nodes,
                added.len() as u64,
                "Chromium's DOM nodes: only Yew's templates were added: {added:?}"
            );
        }
    }
}

/// The detached nodes in `now` that were not in `before`.
fn added(now: &[Value], before: &[Value]) -> Vec<Value> {
    let id = |n: &Value| n["backendNodeId"].as_u64();
    let old: BTreeSet<_> = before.iter().map(id).collect();
    now.iter()
        .filter(|n| !old.contains(&id(n)))
        .cloned()
        .collect()
}

/// Runs `__leaks.<method>(n)`, which returns a promise, and returns what it resolves to.
async fn call(w: &World, method: &str, n: usize) -> Value {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         Promise.resolve(arguments[0]).then((n) => {method}).then(done, (e) => done('failed: ' + e));"
    );
    w.browser
        .execute_async(&script, vec![json!(n)])
        .await
        .unwrap()
}

/// The demo page with the probe installed, before the test's first widget.
async fn probed_demo(w: &World) -> Snapshot {
    w.crm.open().await;
    w.browser
        .execute(PROBE, vec![json!(w.provider)])
        .await
        .unwrap();
    Snapshot::baseline(w).await
}

/// Runs `__leaks.cycles(n)` or `__leaks.routes(n)` in batches; every open
/// must have shown the modal with its loaded flow frame.
async fn batches(w: &World, method: &str, n: usize) {
    let mut left = n;
    while left > 0 {
        let batch = left.min(BATCH);
        let seen = call(w, &format!("__leaks.{method}(n)"), batch).await;
        assert_eq!(
            seen,
            json!({"seen": {"flow": batch}, "errors": []}),
            "every open showed the modal with its loaded flow frame"
        );
        left -= batch;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn open_close_cycles_and_destroy_leave_nothing() {
    run("leaks_cycles", |w| async move {
        let before = probed_demo(&w).await;
        batches(&w, "cycles", warm_up()).await;
        let warm = Snapshot::since(&w, &before).await;
        eprintln!(
            "before create(): {before:?}\nafter {} cycles: {warm:?}",
            warm_up()
        );
        warm.assert_same_dom(&before, "a closed widget");
        batches(&w, "cycles", CYCLES).await;
        let cycled = Snapshot::since(&w, &before).await;
        let what = format!("after {CYCLES} more open/close cycles");
        eprintln!("{what}: {cycled:?}");
        cycled.assert_same_dom(&before, &what);
        cycled.assert_flat(&warm, &what);
        w.page.eval("__leaks.destroy(); return true").await;
        let destroyed = Snapshot::since(&w, &before).await;
        eprintln!("after destroy(): {destroyed:?}");
        destroyed.assert_same_dom(&before, "after destroy()");
        destroyed.assert_flat(&warm, "after destroy()");
        destroyed.assert_only_templates_since(&before);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn widgets_created_and_destroyed_in_turn_leave_nothing() {
    run("leaks_widgets", |w| async move {
        let before = probed_demo(&w).await;
        batches(&w, "routes", warm_up()).await;
        let warm = Snapshot::since(&w, &before).await;
        eprintln!(
            "before create(): {before:?}\nafter {} widgets: {warm:?}",
            warm_up()
        );
        warm.assert_same_dom(&before, "after the first widgets");
        batches(&w, "routes", WIDGETS).await;
        let after = Snapshot::since(&w, &before).await;
        let what = format!("after {WIDGETS} more widgets");
        eprintln!("{what}: {after:?}");
        after.assert_same_dom(&before, &what);
        after.assert_flat(&warm, &what);
        after.assert_only_templates_since(&before);
    })
    .await;
}
