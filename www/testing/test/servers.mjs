// The sandbox provider and the demo CRM (which serves dist/, the examples
// included), as `make demo` runs them (scripts/demo.sh), on free ports, with
// their databases and output in a temporary directory.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const root = new URL("../../../", import.meta.url).pathname;

/** A port nobody listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function until(what, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts both servers, the sandbox's sessions living `tokenTtl` seconds
 * (default 900); `stop()` ends them. `demo` is the CRM's origin
 * (http://localhost:<port>, the one the sandbox lets embed its pages).
 */
export async function startServers({ tokenTtl } = {}) {
  for (const binary of ["ofconnect-sandbox", "ofconnect-demo"]) {
    if (!existsSync(join(root, "target/debug", binary))) {
      throw new Error(`no target/debug/${binary}: run cargo build -p ofconnect-sandbox -p ofconnect-demo (make kit does)`);
    }
  }
  if (!existsSync(join(root, "dist/examples/esm/index.html")) || !existsSync(join(root, "pkg/testing/playwright.js"))) {
    throw new Error("no dist/ or pkg/testing/: run make build (make kit does)");
  }
  const dir = mkdtempSync(join(tmpdir(), "ofconnect-kit-"));
  const [demoPort, sandboxPort] = [await freePort(), await freePort()];
  const demo = `http://localhost:${demoPort}`;
  const env = {
    ...process.env,
    DEMO_PORT: String(demoPort),
    SANDBOX_PORT: String(sandboxPort),
    SANDBOX_DATABASE: join(dir, "sandbox.sqlite3"),
    DEMO_DATABASE: join(dir, "demo.sqlite3"),
    SANDBOX_WEBHOOK_URL: `${demo}/webhooks/ofauth`,
    ...(tokenTtl ? { SANDBOX_TOKEN_TTL: String(tokenTtl) } : {}),
  };
  const log = join(dir, "servers.log");
  const out = openSync(log, "a");
  const start = (binary, args) =>
    spawn(join(root, "target/debug", binary), args, { cwd: root, env, stdio: ["ignore", out, out] });
  const processes = [start("ofconnect-sandbox", []), start("ofconnect-demo", ["--dist", join(root, "dist")])];
  const stop = () => {
    for (const p of processes) if (p.exitCode === null) p.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await until("the sandbox answering", async () => (await fetch(`http://127.0.0.1:${sandboxPort}/assets/flow.js`)).ok);
    await until("the demo CRM answering", async () => (await fetch(`http://127.0.0.1:${demoPort}/api/config`)).ok);
  } catch (error) {
    const output = readFileSync(log, "utf8");
    stop();
    throw new Error(`${error.message}; their output:\n${output}`);
  }
  return { demo, provider: `http://127.0.0.1:${sandboxPort}`, stop };
}
