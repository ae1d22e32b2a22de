// The few `document` members the JavaScript face uses, read so that page
// markup cannot stand in for them. A named element shadows `document`'s own
// members (DOM clobbering: `<img name="currentScript">`, `<form
// name="createElement">`), but not the functions on `Document.prototype`.
// (Read when called, so that importing this module outside a browser works.)
const describe = Object.getOwnPropertyDescriptor;
const getter = (name) => describe(Document.prototype, name).get.call(document);

/** The script element running now (the real `document.currentScript`). */
export const currentScript = () => getter("currentScript");

/** `window[name]` when the window itself has that accessor, else undefined:
 * never a named element (`<img name="trustedTypes">` where the browser has none). */
export const windowGetter = (name) => describe(window, name)?.get?.call(window);

/** Appends `node` to the real `document.documentElement`. */
export const appendToDocument = (node) => Node.prototype.appendChild.call(getter("documentElement"), node);

/** `document.createElement(tag)`, whatever the page's markup names. */
export const createElement = (tag) => Document.prototype.createElement.call(document, tag);

/** `target.dispatchEvent(event)`; `document` when there is no target. */
export const dispatch = (target, event) =>
  EventTarget.prototype.dispatchEvent.call(target instanceof EventTarget ? target : document, event);

/** `target[name]`, only when it is the target's own data property: never an
 * inherited one (a polluted `Object.prototype`), never a getter's result. */
export const own = (target, name) => {
  try {
    const property = describe(target, name);
    return property && Object.hasOwn(property, "value") ? property.value : undefined;
  } catch {
    return undefined; // null, or a Proxy that throws: the widget reports it once loaded
  }
};

/** Defines `window[name]` as the window's own property, unless the page's
 * scripts already defined one: a named element (`<a id="OFConnect">`) lives
 * below the window's own properties, so it can neither stop nor shadow this. */
export const defineGlobal = (name, value) => {
  if (!Object.hasOwn(window, name)) {
    // No prototype: a polluted `Object.prototype.get` must not make it an accessor.
    Object.defineProperty(window, name, { __proto__: null, value, writable: true, configurable: true });
  }
};
