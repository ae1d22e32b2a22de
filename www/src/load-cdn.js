// The script-tag build's loader: the content-hashed glue and wasm next to
// this script, the wasm checked against its Subresource Integrity hash.
/* global __OFCONNECT_GLUE__, __OFCONNECT_WASM__, __OFCONNECT_WASM_INTEGRITY__ */
const base = document.currentScript?.src ?? location.href;
let loading = null;
export const load = () =>
  (loading ??= import(new URL(__OFCONNECT_GLUE__, base).href)
    .then(async (widget) => {
      const wasm = fetch(new URL(__OFCONNECT_WASM__, base), { integrity: __OFCONNECT_WASM_INTEGRITY__ });
      await widget.default({ module_or_path: wasm });
      return widget.OFConnect;
    })
    .catch((cause) => {
      loading = null; // the next call tries again
      throw cause;
    }));
