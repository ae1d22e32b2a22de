// The script-tag build's loader: the content-hashed glue and wasm next to
// this script, each checked against its Subresource Integrity hash before it
// runs. Page markup cannot steer it: the base URL is the real
// `currentScript`'s (see ./dom.js), checked to be a script element.
/* global __OFCONNECT_HASH__, __OFCONNECT_GLUE_INTEGRITY__, __OFCONNECT_WASM_INTEGRITY__ */
import { appendToDocument, createElement, currentScript, windowGetter } from "./dom.js";

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
// one lets exactly the glue's URL through. (Option objects have no prototype,
// so that a polluted `Object.prototype` cannot add members to them.)
const checkedImport = (glue) => {
  const tag = createElement("script");
  return new Promise((resolve, reject) => {
    const url = `${glue}#${Math.random()}`;
    policy ??= windowGetter("trustedTypes")?.createPolicy("ofconnect", {
      __proto__: null,
      createScriptURL: (u) => (u.split("#")[0] === glue ? u : ""),
    });
    tag.type = "module";
    tag.integrity = __OFCONNECT_GLUE_INTEGRITY__;
    tag.onload = () => resolve(import(url));
    tag.onerror = () => reject(Error(`${glue}: load or integrity check failed`));
    tag.src = policy?.createScriptURL(url) ?? url;
    appendToDocument(tag);
  }).finally(() => tag.remove());
};

export const load = () =>
  (loading ??= (async () => {
      if (!base) throw Error("ofconnect.js needs a <script src>");
      // Both files at once: the wasm is fetched while the glue loads.
      const file = (ext) => new URL(`ofconnect-${__OFCONNECT_HASH__}.${ext}`, base).href;
      const wasm = fetch(file("wasm"), { __proto__: null, integrity: __OFCONNECT_WASM_INTEGRITY__ });
      wasm.catch(() => {}); // when the glue fails first, that is the error reported
      const widget = await checkedImport(file("js"));
      await widget.default({ module_or_path: wasm });
      return widget.OFConnect;
    })().catch((cause) => {
      loading = null; // the next call tries again
      throw cause;
    }));
