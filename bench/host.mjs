// The host pages of the bench, on their own origin (http://localhost:<port>),
// as a CRM would serve them:
//   /ofconnect.html   loads dist/ofconnect.js (the script-tag build)
//   /reference.html   loads @onlyfansapi/auth's script-tag build
//   /dist/…, /reference/…   those files
//   POST /api/session       mints a client session from the sandbox: {token, expiresAt}
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join, normalize } from "node:path";

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };

const page = (script) =>
  `<!doctype html><html lang="en"><meta charset="utf-8"><title>bench</title>` +
  `<button id="connect" type="button">Connect OnlyFans</button><script src="${script}"></script></html>`;

/** Mints a client session token from the sandbox with its API key. */
export const mintToken = async (sandbox, apiKey) => {
  const response = await fetch(`${sandbox}/api/client-sessions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ display_name: "bench" }),
  });
  if (!response.ok) throw new Error(`the sandbox answered ${response.status}: ${await response.text()}`);
  return (await response.json()).data.token;
};

/** Serves the host pages; resolves with `{origin, close}`. */
export const serveHost = ({ dist, reference, sandbox, apiKey, tokenTtlMs }) => {
  const dirs = { "/dist/": dist, "/reference/": reference };
  const server = createServer(async (request, response) => {
    const send = (status, type, body) => {
      response.writeHead(status, { "content-type": type, "cache-control": "no-cache" });
      response.end(body);
    };
    const path = new URL(request.url, "http://host").pathname;
    try {
      if (request.method === "POST" && path === "/api/session") {
        const token = await mintToken(sandbox, apiKey);
        return send(200, "application/json", JSON.stringify({ token, expiresAt: Date.now() + tokenTtlMs }));
      }
      if (request.method !== "GET") return send(405, "text/plain", "method not allowed");
      if (path === "/favicon.ico") return send(204, "image/x-icon", "");
      if (path === "/ofconnect.html") return send(200, "text/html", page("/dist/ofconnect.js"));
      if (path === "/reference.html") return send(200, "text/html", page("/reference/index.global.js"));
      const prefix = Object.keys(dirs).find((p) => path.startsWith(p));
      const file = prefix && normalize(path.slice(prefix.length));
      if (!file || file.startsWith("..")) return send(404, "text/plain", "not found");
      const type = TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream";
      return send(200, type, await readFile(join(dirs[prefix], file)));
    } catch (error) {
      return send(error.code === "ENOENT" ? 404 : 500, "text/plain", String(error));
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ origin: `http://localhost:${server.address().port}`, close: () => server.close() }),
    ),
  );
};
