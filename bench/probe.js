// Injected by bench/run.mjs into each host page before its own scripts:
// keeps the WebAssembly memories the page instantiates (to read the widget's
// linear memory), and offers `window.__bench`, the in-page half of the
// measurements. The provider's iframe is looked for in the document and in
// every open shadow root (ofconnect renders into one).
(() => {
  if (window !== window.top) return;

  const memories = [];
  const keep = (result) => {
    const instance = result instanceof WebAssembly.Instance ? result : result.instance;
    for (const value of Object.values(instance.exports)) {
      if (value instanceof WebAssembly.Memory) memories.push(value);
    }
    return result;
  };
  const { instantiate, instantiateStreaming } = WebAssembly;
  WebAssembly.instantiate = (...args) => instantiate(...args).then(keep);
  WebAssembly.instantiateStreaming = (...args) => instantiateStreaming(...args).then(keep);

  // Every open shadow root under `root`, `root` included.
  const roots = (root, found = []) => {
    found.push(root);
    for (const element of root.querySelectorAll("*")) {
      if (element.shadowRoot) roots(element.shadowRoot, found);
    }
    return found;
  };
  // Each provider frame's first `load`, listened for as soon as it is seen
  // (in the microtask after it was added, so before it can have loaded).
  const loads = new WeakMap();
  const providerFrame = (prefix) => {
    for (const root of roots(document)) {
      for (const frame of root.querySelectorAll("iframe")) {
        if (!frame.src.startsWith(prefix)) continue;
        if (!loads.has(frame)) {
          loads.set(frame, new Promise((resolve) => frame.addEventListener("load", resolve, { once: true })));
        }
        return frame;
      }
    }
    return null;
  };

  // Resolves with `found()`'s first truthy value, checked after every DOM
  // change in the document and its shadow roots (as MutationObserver delivers
  // them: in the microtask after the change).
  const when = (found) =>
    new Promise((resolve) => {
      const observed = new Set();
      const observers = [];
      const check = () => {
        for (const root of roots(document)) {
          if (observed.has(root)) continue;
          observed.add(root);
          const observer = new MutationObserver(check);
          observer.observe(root, { childList: true, subtree: true, attributes: true, attributeFilter: ["src"] });
          observers.push(observer);
        }
        const value = found();
        if (value) {
          for (const observer of observers) observer.disconnect();
          observers.length = 0;
          resolve(value);
        }
      };
      check();
    });

  let clickedAt = null;
  addEventListener("click", (event) => (clickedAt = event.timeStamp), true);

  window.__bench = {
    /** The bytes of every WebAssembly memory the page instantiated. */
    wasmMemory: () => ({ memories: memories.length, bytes: memories.reduce((n, m) => n + m.buffer.byteLength, 0) }),

    /** Runs `action` (a global function's name) and times it until the
     * provider's iframe is in the page: ms, and animation frames begun
     * meanwhile (0: it was there before the next frame). */
    timeToFrame(prefix, action) {
      if (providerFrame(prefix)) throw new Error("a provider frame is already in the page");
      let frames = 0;
      let done = false;
      const tick = () => {
        if (done) return;
        frames += 1;
        requestAnimationFrame(tick);
      };
      const start = performance.now();
      const shown = when(() => providerFrame(prefix)).then(() => {
        done = true;
        return { ms: performance.now() - start, frames };
      });
      requestAnimationFrame(tick);
      window[action]();
      return shown;
    },

    /** Resolves when the provider's iframe is in the page and has loaded. */
    async loaded(prefix) {
      await loads.get(await when(() => providerFrame(prefix)));
    },

    /** Resolves when no provider iframe is left in the page. */
    gone: (prefix) => when(() => !providerFrame(prefix)),

    /** From the last click to the request of the provider's page (Resource
     * Timing), once the frame has loaded: ms. */
    async clickToRequest(prefix) {
      await this.loaded(prefix);
      const entries = () => performance.getEntriesByType("resource").filter((e) => e.name.startsWith(prefix));
      while (!entries().length) await new Promise((resolve) => setTimeout(resolve, 10));
      return entries()[0].startTime - clickedAt;
    },
  };
})();
