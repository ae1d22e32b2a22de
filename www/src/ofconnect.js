// The JavaScript face of ofconnect, the same in every build: `OFConnect`
// (create → handle), the `<of-connect>` element, and the functions of
// `@onlyfansapi/auth` 2.x. It is small and loads at once; the widget itself
// (WebAssembly and the Yew UI) loads lazily through `load`, which the build
// binds to the npm package's files or to the CDN's hashed ones: on the first
// `create`, when an `<of-connect>` is hovered or focused, or on idle.
import { load } from "ofconnect:load";
import { createElement, defineGlobal, dispatch, own } from "./dom.js";

let loaded = null; // the widget's `OFConnect`, once loaded
const widget = () => load().then((w) => (loaded = w));

const CALLBACKS = ["onReady", "onSuccess", "onError", "onExit", "onExpired", "onEvent"];

// The popup's size and place, centred on the page's window (the browser keeps
// it on screen, and reads "12.5" as 12): keep in step with `Popup::open` in
// src/web/popup.rs.
const popupFeatures = () =>
  `width=480,height=680,left=${screenX + (outerWidth - 480) / 2},top=${screenY + (outerHeight - 680) / 2}`;

/** A widget handle that works before the widget is loaded: calls are queued
 * and replayed in order. A popup `open()` from a click opens the popup at
 * once, so that the browser does not block it, and hands it to the widget. */
class Handle {
  #real = null;
  #queue; // calls waiting for the widget; null once replayed or destroyed, undefined after a failed load
  #options;

  constructor(options) {
    this.#options = options;
    this.#load();
  }

  #load() {
    const options = this.#options;
    if (loaded) {
      this.#real = loaded.create(options);
      return;
    }
    this.#queue = [];
    widget().then(
      (w) => {
        this.#real = w.create(options);
        for (const [method, popup] of this.#queue) this.#real[method](popup);
        this.#queue = null;
      },
      (cause) => {
        for (const [, popup] of this.#queue) popup?.close();
        // The next open() tries again, unless the handle was destroyed.
        this.#queue = this.#queue.some(([m]) => m === "destroy") ? null : undefined;
        const error = { code: "load_failed", message: String(cause), retryable: true };
        // Reported as the widget reports: callback, message to this page's own origin, DOM event
        // (an element's: its `onError` property, and events on it).
        const element = own(options, ELEMENT);
        const onError = element ? element.onError : own(options, "onError");
        // (An exception from `onError` is reported as an unhandled rejection, after the rest.)
        try {
          if (typeof onError === "function") onError(error);
          else console.error("ofconnect:", error.code, error.message);
        } finally {
          if (location.origin !== "null") {
            postMessage({ source: "ofconnect", type: "error", payload: error }, location.origin);
          }
          dispatch(element ?? own(options, "eventTarget"), new CustomEvent("ofconnect:error", { detail: error, bubbles: true, composed: true }));
        }
      },
    );
  }

  open() {
    if (!this.#real && this.#queue === undefined) this.#load();
    if (this.#real) return this.#real.open();
    const queue = this.#queue;
    if (!queue || queue.some(([m]) => m === "destroy")) return;
    const [last] = queue.at(-1) ?? ["close"];
    const mode = own(this.#options, MODE) ?? own(this.#options, ELEMENT)?.getAttribute(MODE);
    if (last === "close" && mode === "popup") {
      queue.push(["openWith", window.open("", "_blank", popupFeatures())]);
    } else queue.push(["open"]);
  }
  close() {
    this.#call("close");
  }
  destroy() {
    this.#call("destroy");
    this.#queue ??= null;
  }
  #call(method) {
    if (this.#real) this.#real[method]();
    else this.#queue?.push([method]);
  }
}

/** `OFConnect.create(options)` → a handle with `open()`, `close()`, `destroy()`.
 * `OFConnect.load()` loads the widget ahead of time. */
export const OFConnect = Object.freeze({
  create: (options) => new Handle(options),
  load: () => widget().then(() => undefined),
});

// <of-connect session-url="/api/session" mode="popup">Connect OnlyFans</of-connect>
// Its options are its attributes, which the widget reads (and limits, as
// markup); its callbacks are its `on…` properties, read when called.
const ELEMENT = Symbol.for("ofconnect.element");
const MODE = "mode";

let sheet = null;
const styles = () => {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(
      ":host{display:inline-block}button{font:inherit;color:#fff;background:var(--ofconnect-accent,#0077b6);border:0;border-radius:var(--ofconnect-radius,8px);padding:.6em 1.1em;cursor:pointer}",
    );
  }
  return sheet;
};

/** A button that runs the connect flow. Options come from attributes,
 * callbacks from the `onSuccess`… properties, and `ofconnect:*` events are
 * dispatched on the element (they bubble and cross shadow roots). */
export class OFConnectElement extends (globalThis.HTMLElement ?? class {}) {
  static observedAttributes = ["provider", "theme", "locale", "token", "session-url", "link-origin", MODE, "fallback", "session-timeout"];
  #handle = null;
  #button;

  constructor() {
    super();
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styles()];
    const button = (this.#button = createElement("button"));
    button.part = "button"; // no `type`: in a shadow root it has no form to submit
    const label = createElement("slot");
    label.textContent = "Connect OnlyFans";
    button.append(label);
    button.addEventListener("click", () => this.open());
    root.append(button);
    // Ready before the click: load and fetch a session when the user heads for the button.
    for (const type of ["pointerenter", "focusin"]) this.addEventListener(type, () => this.#ensure());
  }

  connectedCallback() {
    this.#button.setAttribute("aria-haspopup", this.getAttribute(MODE) === "popup" ? "false" : "dialog");
    // The window's own function: markup names one where the browser has none.
    const idle = own(window, "requestIdleCallback") ?? ((f) => setTimeout(f, 1));
    idle(() => widget().catch(() => {})); // a failure is reported on use
  }
  disconnectedCallback() {
    this.#reset();
  }
  attributeChangedCallback() {
    this.#reset();
    if (this.isConnected) this.connectedCallback();
  }

  /** Opens the flow (call it from a click handler in popup mode). */
  open() {
    this.#ensure().open();
  }
  /** Closes the flow. */
  close() {
    this.#handle?.close();
  }

  #ensure() {
    return (this.#handle ??= OFConnect.create({ [ELEMENT]: this }));
  }
  #reset() {
    this.#handle?.destroy();
    this.#handle = null;
  }
}
for (const name of CALLBACKS) OFConnectElement.prototype[name] = null;

// `@onlyfansapi/auth` 2.x: the same functions, callbacks and payloads.
let compatHandle = null;
let compatOptions = {};

/** ofconnect options added to every `startOnlyFansAuthentication` call, such
 * as `{ linkOrigin }` to use the sandbox or `{ mode: "popup" }`. */
export const configureCompat = (options) => {
  compatOptions = { ...options };
};

/** Closes the flow that `startOnlyFansAuthentication` opened; no callback fires. */
export const closeOnlyFansAuthentication = () => {
  compatHandle?.destroy();
  compatHandle = null;
};

/** Opens the connect flow for `clientSessionToken`, as `@onlyfansapi/auth` does. */
export const startOnlyFansAuthentication = (clientSessionToken, options) => {
  closeOnlyFansAuthentication();
  const [onSuccess, onError, onContinue] = ["onSuccess", "onError", "onContinue"].map((n) => own(options, n));
  compatHandle = OFConnect.create({
    ...compatOptions,
    token: clientSessionToken,
    onSuccess,
    onError,
    onEvent: (name, metadata) => {
      if (name === "close" && metadata.reason === "continue" && typeof onContinue === "function") onContinue();
    },
  });
  compatHandle.open();
};

if (typeof window !== "undefined") {
  customElements.get("of-connect") ?? customElements.define("of-connect", OFConnectElement);
  defineGlobal("OnlyFansAPI", { Auth: { startOnlyFansAuthentication, closeOnlyFansAuthentication } });
}
