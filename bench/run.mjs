#!/usr/bin/env node
// `make bench`: ofconnect side by side with the reference client,
// @onlyfansapi/auth, in one headless Chromium, both against the sandbox's
// hosted page; and the sandbox under load (scripts/bench-sandbox.sh, when it
// is there). Writes target/bench/bench.json and bench.md, prints the table.
// A benchmark, not a test: it fails when something is broken, never on a time.
//
// Needs `make build` (dist/, pkg/) and the sandbox built with --release (in
// $CARGO_TARGET_DIR, default target/). BENCH_REPS (default 5) runs per timed
// figure, whose median is reported; BENCH_CYCLES (default 1000) open/close cycles.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { brotliCompressSync, constants } from "node:zlib";
import { chromium } from "playwright-core";
import { heapGrowth, heapSizes } from "./heap.mjs";
import { mintToken, serveHost } from "./host.mjs";
import { markdown } from "./report.mjs";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);
const count = (name, fallback) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return value;
};
const REPS = count("BENCH_REPS", 5);
const CYCLES = count("BENCH_CYCLES", 1000);
const OUT = "target/bench";
const API_KEY = "ofapi_sandbox_key";
const REFERENCE_DIR = "node_modules/@onlyfansapi/auth/dist";
const REFERENCE_ORIGIN = "https://app.onlyfansapi.com";
const sandboxBinary = join(process.env.CARGO_TARGET_DIR ?? "target", "release/ofconnect-sandbox");
// Flags Chromium needs on this kind of machine (../shared/TOOLCHAIN.md).
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const say = (message) => console.error(`bench: ${message}`);

// ---- Bytes: what a host page downloads, brotli quality 11 as scripts/build.mjs measures.
const brotli = (path) =>
  brotliCompressSync(readFileSync(path), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const bytes = () => {
  const manifest = JSON.parse(readFileSync("dist/manifest.json", "utf8"));
  const lazy = Object.entries(manifest.files)
    .filter(([name]) => name !== "ofconnect.js")
    .reduce((sum, [, file]) => sum + file.brotli, 0);
  return {
    ofconnect: {
      version: manifest.version,
      scriptTag: { withPage: manifest.files["ofconnect.js"].brotli, onFirstUse: lazy },
      npm: { withPage: brotli("pkg/index.js"), onFirstUse: lazy },
    },
    // Everything the reference has loads with the page.
    reference: {
      scriptTag: { withPage: brotli(`${REFERENCE_DIR}/index.global.js`), onFirstUse: 0 },
      npm: { withPage: brotli(`${REFERENCE_DIR}/index.mjs`), onFirstUse: 0 },
    },
  };
};

// ---- The sandbox under load, by the script that owns it.
const sandboxLoad = () => {
  if (!existsSync("scripts/bench-sandbox.sh")) {
    say("scripts/bench-sandbox.sh is not there: no sandbox load figures");
    return null;
  }
  rmSync(`${OUT}/sandbox.json`, { force: true });
  execFileSync("scripts/bench-sandbox.sh", { stdio: ["ignore", "inherit", "inherit"] });
  const figures = JSON.parse(readFileSync(`${OUT}/sandbox.json`, "utf8"));
  if (!Array.isArray(figures.slices) || !figures.slices.length) throw new Error(`${OUT}/sandbox.json has no \`slices\``);
  return figures;
};

// ---- The sandbox and the host pages, on two origins.
const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const startSandbox = async (hostOrigin, port, database) => {
  if (!existsSync(sandboxBinary)) throw new Error(`no ${sandboxBinary}: cargo build --release -p ofconnect-sandbox`);
  const child = spawn(
    sandboxBinary,
    [
      ...["--port", String(port), "--allowed-origins", hostOrigin, "--database", database],
      ...["--token-ttl", "3600", "--rate-limit-minute", "1000000", "--rate-limit-day", "10000000"],
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const origin = `http://127.0.0.1:${port}`;
  for (let tries = 0; tries < 100; tries++) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}`);
    try {
      await mintToken(origin, API_KEY);
      return child;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  child.kill();
  throw new Error("the sandbox did not answer within 10 s");
};

// ---- The browser side.
const clientsOf = (sandbox) => ({
  ofconnect: {
    page: "/ofconnect.html",
    frame: `${sandbox}/embed-auth/`,
    // `__create`, `__open`, `__close`, `__createAndOpen` for a token;
    // `__createWithSessionUrl` and a click handler for the click figure.
    define: (page, token) =>
      page.evaluate(
        ({ token, sandbox }) => {
          const common = { linkOrigin: sandbox, onError: (e) => console.error(`ofconnect: ${e.code}: ${e.message}`) };
          window.__create = () => (window.__handle = OFConnect.create({ ...common, token }));
          window.__open = () => window.__handle.open();
          window.__close = () => window.__handle.close();
          window.__createAndOpen = () => window.__create().open();
          window.__prepareClick = () =>
            new Promise((resolve) => {
              const handle = OFConnect.create({
                ...common,
                sessionUrl: "/api/session",
                onEvent: (name) => name === "session_received" && resolve(),
              });
              document.getElementById("connect").addEventListener("click", () => handle.open());
            });
        },
        { token, sandbox },
      ),
    // Loads the widget (for the warm figures and the cycles).
    load: (page) => page.evaluate(() => OFConnect.load()),
    destroy: (page) => page.evaluate(() => window.__handle.destroy()),
  },
  reference: {
    page: "/reference.html",
    frame: `${REFERENCE_ORIGIN}/embed-auth/`,
    define: (page, token) =>
      page.evaluate((token) => {
        const { startOnlyFansAuthentication, closeOnlyFansAuthentication } = window.OnlyFansAPI.Auth;
        const callbacks = { onSuccess: () => {}, onError: (e) => console.error(`reference: ${e.message}`) };
        window.__create = () => {};
        window.__open = () => startOnlyFansAuthentication(token, callbacks);
        window.__close = () => closeOnlyFansAuthentication();
        window.__createAndOpen = window.__open;
        // Its documented usage: the host fetches a session on click, then opens.
        window.__prepareClick = async () =>
          document.getElementById("connect").addEventListener("click", async () => {
            const { token } = await (await fetch("/api/session", { method: "POST" })).json();
            startOnlyFansAuthentication(token, callbacks);
          });
      }, token),
    load: async () => {},
    destroy: null,
  },
});

const run = async () => {
  mkdirSync(OUT, { recursive: true });
  const reference = readFileSync(`${REFERENCE_DIR}/index.global.js`, "utf8");
  // The reference hard-codes its provider origin; it is routed to the sandbox below.
  if (!reference.includes(`"${REFERENCE_ORIGIN}"`)) throw new Error(`@onlyfansapi/auth no longer names ${REFERENCE_ORIGIN}`);
  const referenceVersion = JSON.parse(readFileSync(`${REFERENCE_DIR}/../package.json`, "utf8")).version;
  const size = bytes();
  const sandboxFigures = sandboxLoad();

  const sandboxPort = await freePort();
  const sandbox = `http://127.0.0.1:${sandboxPort}`;
  const scratch = mkdtempSync(join(tmpdir(), "ofconnect-bench-"));
  const host = await serveHost({
    dist: "dist",
    reference: REFERENCE_DIR,
    sandbox,
    apiKey: API_KEY,
    tokenTtlMs: 3600_000,
  });
  const sandboxProcess = await startSandbox(host.origin, sandboxPort, join(scratch, "sandbox.sqlite3"));
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const problems = [];
  try {
    const clients = clientsOf(sandbox);

    // A page of `client` in a context of its own, the probe injected; the
    // reference's provider origin is served by the sandbox.
    const openPage = async (name, { clock = false } = {}) => {
      const client = clients[name];
      const context = await browser.newContext();
      await context.addInitScript({ path: "bench/probe.js" });
      if (name === "reference") {
        await context.route(`${REFERENCE_ORIGIN}/**`, async (route) => {
          const url = new URL(route.request().url());
          const response = await route.fetch({ url: `${sandbox}${url.pathname}${url.search}` });
          await route.fulfill({ response });
        });
      }
      if (clock) await context.clock.install();
      const page = await context.newPage();
      page.on("pageerror", (error) => problems.push(`${name}: ${error.message}`));
      page.on("console", (m) => m.type() === "error" && problems.push(`${name}: ${m.text()}`));
      await page.goto(`${host.origin}${client.page}`);
      await client.define(page, await mintToken(sandbox, API_KEY));
      return { page, client, context };
    };
    const inPage = (page, client, fn) => page.evaluate(fn, client.frame);

    const openWarm = async (name) => {
      const { page, client, context } = await openPage(name);
      await page.evaluate(() => window.__create());
      await client.load(page);
      const samples = [];
      for (let i = 0; i < REPS; i++) {
        samples.push(await inPage(page, client, (frame) => window.__bench.timeToFrame(frame, "__open")));
        await inPage(page, client, (frame) => window.__bench.loaded(frame));
        await page.evaluate(() => window.__close());
        await inPage(page, client, (frame) => window.__bench.gone(frame));
      }
      await context.close();
      return samples;
    };

    const openCold = async (name) => {
      const samples = [];
      for (let i = 0; i < REPS; i++) {
        const { page, client, context } = await openPage(name);
        samples.push(await inPage(page, client, (frame) => window.__bench.timeToFrame(frame, "__createAndOpen")));
        await inPage(page, client, (frame) => window.__bench.loaded(frame));
        await context.close();
      }
      return samples;
    };

    const clickToRequest = async (name) => {
      const samples = [];
      for (let i = 0; i < REPS; i++) {
        const { page, client, context } = await openPage(name);
        await page.evaluate(() => window.__prepareClick());
        await page.click("#connect");
        samples.push({ ms: await inPage(page, client, (frame) => window.__bench.clickToRequest(frame)) });
        await context.close();
      }
      return samples;
    };

    const cycles = async (name) => {
      // The reference removes its modal 300 ms after a close (its fade-out):
      // a fake clock runs that timer at once, so 1,000 cycles take no 5 minutes.
      const clock = name === "reference";
      const { page, client, context } = await openPage(name, { clock });
      const cdp = await context.newCDPSession(page);
      const counters = async () => {
        for (let i = 0; i < 2; i++) await cdp.send("HeapProfiler.collectGarbage");
        const dom = await cdp.send("Memory.getDOMCounters");
        const heap = await cdp.send("Runtime.getHeapUsage");
        const wasm = await page.evaluate(() => window.__bench.wasmMemory());
        return {
          nodes: dom.nodes,
          documents: dom.documents,
          jsEventListeners: dom.jsEventListeners,
          jsHeapBytes: heap.usedSize,
          wasmBytes: wasm.bytes,
          wasmMemories: wasm.memories,
        };
      };
      const cycle = async () => {
        await inPage(page, client, async (frame) => {
          window.__open();
          await window.__bench.loaded(frame);
          window.__close();
        });
        if (clock) await page.clock.runFor(300);
        await inPage(page, client, (frame) => window.__bench.gone(frame));
      };
      if (clock) {
        // The fake clock adds a listener of its own at the first timer: into the baseline with it.
        await page.evaluate(() => setTimeout(() => {}, 0));
        await page.clock.runFor(1);
      }
      // Loading the widget's code is once per page, not per widget: counted apart.
      const result = { beforeLoad: await counters() };
      await client.load(page);
      result.beforeCreate = await counters();
      await page.evaluate(() => window.__create());
      await cycle();
      result.afterFirstCycle = await counters();
      const heapBefore = await heapSizes(cdp);
      const started = Date.now();
      for (let i = 1; i < CYCLES; i++) await cycle();
      result.seconds = (Date.now() - started) / 1000;
      result.afterCycles = await counters();
      result.heapGrowth = heapGrowth(heapBefore, await heapSizes(cdp));
      if (client.destroy) {
        await client.destroy(page);
        result.afterDestroy = await counters();
      }
      if (name === "ofconnect" && !result.afterCycles.wasmMemories) throw new Error("no WebAssembly memory seen");
      await context.close();
      return result;
    };

    const results = {};
    for (const name of Object.keys(clients)) {
      say(`${name}: open, warm and cold; click`);
      const warm = await openWarm(name);
      const cold = await openCold(name);
      const click = await clickToRequest(name);
      say(`${name}: ${CYCLES} open/close cycles`);
      const summary = (samples) => ({
        ms: median(samples.map((s) => s.ms)),
        ...(samples[0].frames === undefined ? {} : { frames: median(samples.map((s) => s.frames)) }),
        samples,
      });
      results[name] = {
        version: name === "ofconnect" ? size.ofconnect.version : referenceVersion,
        bytes: size[name],
        openWarm: summary(warm),
        openCold: summary(cold),
        clickToRequest: summary(click),
        cycles: await cycles(name),
      };
    }
    if (problems.length) throw new Error(`the pages reported errors:\n  ${problems.join("\n  ")}`);

    const cpu = readFileSync("/proc/cpuinfo", "utf8").match(/^model name\s*:\s*(.+)$/m)?.[1] ?? "unknown CPU";
    const bench = {
      machine: { date: new Date().toISOString(), cpu, cores: cpus().length, browser: `Chromium ${browser.version()}` },
      reps: REPS,
      cycles: CYCLES,
      clients: results,
      ...(sandboxFigures ? { sandbox: sandboxFigures } : {}),
    };
    const table = markdown(bench);
    writeFileSync(`${OUT}/bench.json`, JSON.stringify(bench, null, 2) + "\n");
    writeFileSync(`${OUT}/bench.md`, table);
    console.log(table);
  } finally {
    await browser.close();
    sandboxProcess.kill();
    host.close();
    rmSync(scratch, { recursive: true, force: true });
  }
};

await run();
