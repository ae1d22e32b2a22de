// bench.json → bench.md: ofconnect and @onlyfansapi/auth side by side.
const n = (value) => Math.round(value).toLocaleString("en-US");
const kb = (bytes) =>
  `${(bytes / 1024).toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} KB`;
const lazy = (bytes) => (bytes ? kb(bytes) : "0 (all with the page)");
const ms = (value) => `${value.toFixed(1)} ms`;
const signed = (value, format) => (value >= 0 ? "+" : "−") + format(Math.abs(value));
const na = "n/a";

const open = (m) => `${ms(m.ms)}, ${n(m.frames)} frames`;
// "before → after (±delta)" for one counter, and the growth per cycle after
// the first one (which also pays for what is created once).
const change = (from, to, key, format) =>
  `${format(from[key])} → ${format(to[key])} (${signed(to[key] - from[key], format)})`;
const perCycle = ({ beforeCreate, afterFirstCycle, afterCycles }, cycles, key, format) => {
  const growth = cycles > 1 ? (afterCycles[key] - afterFirstCycle[key]) / (cycles - 1) : 0;
  const each = key.endsWith("Bytes") ? (value) => `${n(value)} B` : (value) => value.toFixed(2);
  return `${change(beforeCreate, afterCycles, key, format)}; ${signed(growth, each)} per cycle`;
};

const heapGrowth = ({ browser, rest }, cycles) =>
  `the browser's own ${signed(browser, kb)}; the rest ${signed(rest, kb)} (${signed(rest / (cycles - 1), (v) => `${n(v)} B`)} per cycle)`;

const COUNTERS = [
  ["DOM nodes", "nodes", n],
  ["documents", "documents", n],
  ["JS event listeners", "jsEventListeners", n],
  ["JS heap after GC", "jsHeapBytes", kb],
  ["wasm linear memory", "wasmBytes", kb],
];

const table = (header, rows) =>
  [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
    "\n",
  );

/** The markdown report of a bench.json. */
export const markdown = (bench) => {
  const { machine, clients, cycles, reps } = bench;
  const [ours, theirs] = [clients.ofconnect, clients.reference];
  const rows = [
    ["script tag, with the page (brotli)", kb(ours.bytes.scriptTag.withPage), kb(theirs.bytes.scriptTag.withPage)],
    ["script tag, on first use (brotli)", lazy(ours.bytes.scriptTag.onFirstUse), lazy(theirs.bytes.scriptTag.onFirstUse)],
    ["npm entry, with the page (brotli)", kb(ours.bytes.npm.withPage), kb(theirs.bytes.npm.withPage)],
    ["npm entry, on first use (brotli)", lazy(ours.bytes.npm.onFirstUse), lazy(theirs.bytes.npm.onFirstUse)],
    ["`open()` → provider iframe, warm", open(ours.openWarm), open(theirs.openWarm)],
    ["`open()` → provider iframe, cold", open(ours.openCold), open(theirs.openCold)],
    [
      "click → provider page requested",
      `${ms(ours.clickToRequest.ms)} (\`sessionUrl\`, prefetched)`,
      `${ms(theirs.clickToRequest.ms)} (fetch, then open)`,
    ],
    ...COUNTERS.map(([label, key, format]) => [
      `${label}: ${n(cycles)} open/close cycles`,
      perCycle(ours.cycles, cycles, key, format),
      key === "wasmBytes" ? na : perCycle(theirs.cycles, cycles, key, format),
    ]),
    [
      `JS heap: what grew over the cycles after the first, by heap snapshot`,
      heapGrowth(ours.cycles.heapGrowth, cycles),
      heapGrowth(theirs.cycles.heapGrowth, cycles),
    ],
    ...COUNTERS.map(([label, key, format]) => [
      `${label}: loading the widget's code (once per page)`,
      change(ours.cycles.beforeLoad, ours.cycles.beforeCreate, key, format),
      na,
    ]),
    ...COUNTERS.map(([label, key, format]) => [
      `${label}: after \`destroy()\` vs before \`create()\``,
      change(ours.cycles.beforeCreate, ours.cycles.afterDestroy, key, format),
      na,
    ]),
  ];
  const sections = [
    `# ofconnect vs @onlyfansapi/auth ${theirs.version}`,
    `${machine.date.slice(0, 16).replace("T", " ")} UTC · ${machine.cpu}, ${machine.cores} cores · ${machine.browser} (headless) · ` +
      `times are medians of ${reps} runs · both load the sandbox's hosted page`,
    table(["", `ofconnect ${ours.version}`, `@onlyfansapi/auth ${theirs.version}`], rows),
    `Frames: animation frames begun between the call and the iframe's insertion (0: in the same task). ` +
      `Cold: a new browser context, \`create()\` + \`open()\` in one task, the widget not loaded. ` +
      `Counters: Chromium's \`Memory.getDOMCounters\` and \`Runtime.getHeapUsage\` after a forced GC; ` +
      `the browser's own heap is compiled code (functions and the wasm module tiering up) and the performance ` +
      `timeline's entries (long animation frames, layout shifts…), which it keeps up to a fixed number per type; ` +
      `@onlyfansapi/auth has no \`destroy()\`. Its 300 ms close animation runs on a fake clock during the cycles.`,
  ];
  if (bench.sandbox) {
    const { connections, threads, slice_seconds: seconds, slices } = bench.sandbox;
    sections.push(
      `## The sandbox under load\n\n\`scripts/bench-sandbox.sh\`: wrk, ${connections} connections, ${threads} threads, ` +
        `${seconds} s slices, on the same cores as the server (load: the machine's 1-minute load average).`,
      table(
        ["run", "slice", "requests/s", "p50", "p99", "non-2xx", "server RSS", "load"],
        slices.map((s) => [
          s.run,
          String(s.slice),
          n(s.rps),
          `${s.p50_ms.toFixed(2)} ms`,
          `${s.p99_ms.toFixed(2)} ms`,
          n(s.non_2xx),
          `${s.rss_mb} MB`,
          String(s.load),
        ]),
      ),
    );
  }
  return sections.join("\n\n") + "\n";
};
