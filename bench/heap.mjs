// What a JS heap's growth is made of, from two Chromium heap snapshots: the
// browser's own (code compiled as functions warm up, the wasm module tiering
// up, the performance timeline's entries, which it keeps up to a fixed number
// per type) apart from the rest (objects a page or library keeps).

// Snapshot node names (as "type:name") that belong to the browser.
const BROWSER = /^code:|WasmNativeModule|Performance\w*Timing|LayoutShift|TaskAttributionTiming|ScriptTimingInfo|DOMRectReadOnly/;

/** Self sizes by "type:name" in a heap snapshot taken after a forced GC. */
export const heapSizes = async (cdp) => {
  for (let i = 0; i < 2; i++) await cdp.send("HeapProfiler.collectGarbage");
  const chunks = [];
  const keep = ({ chunk }) => chunks.push(chunk);
  cdp.on("HeapProfiler.addHeapSnapshotChunk", keep);
  await cdp.send("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  cdp.off("HeapProfiler.addHeapSnapshotChunk", keep);
  const { snapshot, nodes, strings } = JSON.parse(chunks.join(""));
  const fields = snapshot.meta.node_fields;
  const [type, name, size] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const types = snapshot.meta.node_types[type];
  const sizes = new Map();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const key = `${types[nodes[i + type]]}:${strings[nodes[i + name]]}`;
    sizes.set(key, (sizes.get(key) ?? 0) + nodes[i + size]);
  }
  return sizes;
};

/** Growth from `before` to `after` (heapSizes): `{browser, rest}` in bytes. */
export const heapGrowth = (before, after) => {
  const growth = { browser: 0, rest: 0 };
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    growth[BROWSER.test(key) ? "browser" : "rest"] += (after.get(key) ?? 0) - (before.get(key) ?? 0);
  }
  return growth;
};
