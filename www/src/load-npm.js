// The npm package's loader: paths a bundler (Vite, webpack) can see and copy.
let loading = null;
export const load = () =>
  (loading ??= import("./wasm/ofconnect.js")
    .then(async (widget) => {
      await widget.default(); // fetches ./wasm/ofconnect_bg.wasm beside the glue
      return widget.OFConnect;
    })
    .catch((cause) => {
      loading = null; // the next call tries again
      throw cause;
    }));
