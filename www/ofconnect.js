/*! ofconnect script-tag build. Defines window.OFConnect at once; the widget
 * (WebAssembly) loads on the first OFConnect.create(), and calls made before
 * it is ready are queued and replayed in order. */
(() => {
  "use strict";
  if (window.OFConnect) return;
  const base = document.currentScript ? document.currentScript.src : location.href;
  let loading = null;
  const load = () =>
    (loading ??= import(new URL("wasm/ofconnect.js", base).href).then(async (module) => {
      await module.default({ module_or_path: new URL("wasm/ofconnect_bg.wasm", base) });
      return module.OFConnect;
    }));

  class Handle {
    #real = null;
    #queue = [];
    constructor(options) {
      load().then(
        (OFConnect) => {
          this.#real = OFConnect.create(options);
          for (const method of this.#queue) this.#real[method]();
          this.#queue = null;
        },
        (cause) => {
          const error = { code: "load_failed", message: `the ofconnect widget could not be loaded: ${cause}` };
          const onError = options && typeof options.onError === "function" ? options.onError : null;
          if (onError) onError(error);
          else console.error("ofconnect:", error.code, error.message);
          document.dispatchEvent(new CustomEvent("ofconnect:error", { detail: error }));
        },
      );
    }
    #call(method) {
      if (this.#real) this.#real[method]();
      else if (this.#queue) this.#queue.push(method);
    }
    open() { this.#call("open"); }
    close() { this.#call("close"); }
    destroy() { this.#call("destroy"); }
  }

  window.OFConnect = Object.freeze({ create: (options) => new Handle(options), load });
})();
