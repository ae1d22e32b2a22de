// The script-tag build's loader: the content-hashed glue and wasm next to
// this script, each checked against its Subresource Integrity hash before it
// runs. Page markup cannot steer it: the base URL is the real
// `currentScript`'s (see ./dom.js), checked to be a script element.
/* global __OFCONNECT_GLUE__, __OFCONNECT_GLUE_INTEGRITY__, __OFCONNECT_WASM__, __OFCONNECT_WASM_INTEGRITY__ */
import { appendToDocument, createElement, currentScript } from "./dom.js";

const script = currentScript();
const base = script instanceof HTMLScriptElement ? script.src : "";
let loading = null;
let policy;

// A module script with `integrity` is the only way a browser checks a
// module's hash; `import()` of the same URL then returns the module it
// checked, from the module map. The URL carries a fragment of our own, so that
// the instance is the one this check produced, never one the page's markup
// had the browser load unchecked before (`<link rel="modulepreload">`).
// Pages that enforce Trusted Types need a policy for a script's `src`: this
// one lets exactly the glue's URL through.
const checkedImport = (glue) => {
  const tag = createElement("script");
  return new Promise((resolve, reject) => {
    const url = `${glue}#${Math.random().toString(36).slice(2)}`;
    policy ??= globalThis.trustedTypes?.createPolicy?.("ofconnect", {
      createScriptURL: (u) => {
        if (u.split("#")[0] === glue) return u;
        throw new TypeError("ofconnect loads only its own glue");
      },
    });
    tag.type = "module";
    tag.integrity = __OFCONNECT_GLUE_INTEGRITY__;
    tag.onload = () => resolve(import(url));
    tag.onerror = () => reject(new Error(`${glue} did not load or failed its integrity check`));
    tag.src = policy?.createScriptURL(url) ?? url;
    appendToDocument(tag);
  }).finally(() => tag.remove());
};

export const load = () =>
  (loading ??= Promise.resolve()
    .then(async () => {
      if (!base) throw new Error("ofconnect.js must be loaded by a <script src> element");
      const widget = await checkedImport(new URL(__OFCONNECT_GLUE__, base).href);
      const wasm = fetch(new URL(__OFCONNECT_WASM__, base), { integrity: __OFCONNECT_WASM_INTEGRITY__ });
      await widget.default({ module_or_path: wasm });
      return widget.OFConnect;
    })
    .catch((cause) => {
      loading = null; // the next call tries again
      throw cause;
    }));
