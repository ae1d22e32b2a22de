// The kit as an integrator imports it: "ofconnect/testing" and
// "ofconnect/testing/webdriver", resolved through the built package's
// `exports` (pkg/ after make build), from a project that has it installed.
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { root } from "./servers.mjs";

export async function importKit(specifier) {
  const project = mkdtempSync(join(tmpdir(), "ofconnect-kit-project-"));
  try {
    mkdirSync(join(project, "node_modules"));
    symlinkSync(join(root, "pkg"), join(project, "node_modules/ofconnect"), "dir");
    writeFileSync(join(project, "package.json"), "{}\n");
    const path = createRequire(join(project, "test.js")).resolve(specifier);
    return await import(pathToFileURL(path).href);
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
}

/** Polls `check` until it is true (a check that throws, on a page still loading, is tried again). */
export async function poll(what, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}${last ? ` (last: ${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
